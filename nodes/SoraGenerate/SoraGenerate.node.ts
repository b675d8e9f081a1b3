import type {
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { testTtApiCredential } from '../shared/credentialTest';
import { generateVideoDescription } from './actions/generateVideo/generateVideo.description';
import { getVideoDescription } from './actions/getVideo/getVideo.description';
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
		credentials: [{ name: 'ttApi', required: true, testedBy: 'testTtApiCredential' }],
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

	methods = {
		credentialTest: { testTtApiCredential },
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await route.call(this);
	}
}
