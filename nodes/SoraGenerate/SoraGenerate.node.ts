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

import { generateVideoDescription } from './actions/generateVideo/generateVideo.description';
import { getVideoDescription } from './actions/getVideo/getVideo.description';
import { handleCallback } from './actions/batch/callback/handleCallback';
import { JOB_KINDS } from './actions/jobKinds';
import { route } from './actions/router';

export class SoraGenerate implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Sora Generate',
		name: 'soraGenerate',
		icon: { light: 'file:sora.svg', dark: 'file:sora.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{ $parameter["operation"] === "getVideo" ? "Get Video" : "Generate Video" }}',
		description: "Generate videos from prompts with TTAPI's Sora 2 API",
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
		properties: [
			{
				displayName: 'Operation',
				name: 'operation',
				type: 'options',
				noDataExpression: true,
				options: [
					{
						name: 'Generate Video',
						value: 'generateVideo',
						action: 'Generate a video',
						description: 'Submit a prompt to Sora 2 and optionally wait for the video',
					},
					{
						name: 'Get Video',
						value: 'getVideo',
						action: 'Get a video',
						description: 'Look up a job by its ID: status, video URL and the video itself',
					},
				],
				default: 'generateVideo',
			},
			...generateVideoDescription,
			...getVideoDescription,
		],
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
