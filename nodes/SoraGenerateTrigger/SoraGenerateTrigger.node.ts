import type {
	IExecuteFunctions,
	IHookFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { assertReadyForCallbacks } from './activation';
import { executeTrigger } from './executeTrigger';
import { handleCallback } from './handleCallback';
import { soraTriggerProperties } from './SoraTrigger.description';

// The class and file are named after the type name (soraGenerateTrigger), as n8n's loader and
// lint rules require; users see the display name, Sora Trigger.
export class SoraGenerateTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Sora Trigger',
		name: 'soraGenerateTrigger',
		icon: { light: 'file:sora.svg', dark: 'file:sora.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle: '={{ "On " + ($parameter["events"] === "both" ? "finished" : $parameter["events"]) + " jobs" }}',
		// n8n's node creator shows Sora Generate and this trigger as one app, with this description.
		description: "Generate videos with TTAPI's Sora 2, and start a workflow when each one finishes",
		defaults: { name: 'Sora Trigger' },
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'ttApi', required: true }],
		webhooks: [
			{
				name: 'default',
				httpMethod: 'POST',
				responseMode: 'onReceived',
				// Empty, so n8n answers with the body webhook() returns (its default would be the text "firstEntryJson").
				responseData: '',
				path: '={{$parameter["path"]}}',
				isFullPath: true,
			},
		],
		properties: soraTriggerProperties,
	};

	// Nothing is registered at TTAPI: each job carries its callback URL. Activation only checks
	// that callbacks can be accepted (a Callback Secret on the credential, a sane Path).
	webhookMethods = {
		default: {
			async checkExists(this: IHookFunctions): Promise<boolean> {
				await assertReadyForCallbacks.call(this);
				return true;
			},
			async create(this: IHookFunctions): Promise<boolean> {
				await assertReadyForCallbacks.call(this);
				return true;
			},
			async delete(this: IHookFunctions): Promise<boolean> {
				return true;
			},
		},
	};

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		return await handleCallback.call(this);
	}

	// n8n runs this, in the execution webhook() started, with webhook()'s item as input: the
	// duplicate check in n8n's database and the download happen where the execution runs.
	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await executeTrigger.call(this);
	}
}
