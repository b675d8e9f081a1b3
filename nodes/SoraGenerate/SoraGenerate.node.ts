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

import { accountDescription } from './actions/account/account.description';
import { characterDescription } from './actions/character/character.description';
import { handleCallback } from './actions/batch/callback/handleCallback';
import { JOB_KINDS } from './actions/jobKinds';
import { operationSubtitle, resourceProperty } from './actions/resources';
import { route } from './actions/router';
import { videoDescription } from './actions/video/video.description';

export class SoraGenerate implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Sora Generate',
		name: 'soraGenerate',
		icon: { light: 'file:sora.svg', dark: 'file:sora.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: operationSubtitle(),
		description: "Generate videos and characters with TTAPI's Sora 2 API, and read your TTAPI balance",
		defaults: { name: 'Sora Generate' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'ttApi', required: true }],
		// Wait for Callback: TTAPI's hookUrl is this execution's resume URL, answered by webhook().
		webhooks: [
			{
				name: 'default',
				httpMethod: 'POST',
				responseMode: 'onReceived',
				// Empty, so n8n answers with the body webhook() returns (its default would be the text "firstEntryJson").
				responseData: '',
				path: '',
				restartWebhook: true,
			},
		],
		properties: [resourceProperty, ...videoDescription, ...characterDescription, ...accountDescription],
	};

	// Wait for Callback's webhook is a restart webhook: TTAPI gets its URL with each job (hookUrl),
	// so there is nothing to register, check or remove at TTAPI. n8n itself never calls these for
	// restart webhooks (it skips them when it activates workflows, on both lines); they say so.
	webhookMethods = {
		default: {
			async checkExists(this: IHookFunctions): Promise<boolean> {
				return true;
			},
			async create(this: IHookFunctions): Promise<boolean> {
				return true;
			},
			async delete(this: IHookFunctions): Promise<boolean> {
				return true;
			},
		},
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await route.call(this);
	}

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		return await handleCallback.call(this, JOB_KINDS);
	}
}
