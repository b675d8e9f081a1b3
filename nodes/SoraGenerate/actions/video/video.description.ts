import type { INodeProperties } from 'n8n-workflow';

import { generateVideoDescription } from '../generateVideo/generateVideo.description';
import { getVideoDescription } from '../getVideo/getVideo.description';

export const videoOperations: INodeProperties = {
	displayName: 'Operation',
	name: 'operation',
	type: 'options',
	noDataExpression: true,
	displayOptions: { show: { resource: ['video'] } },
	options: [
		{
			name: 'Generate',
			value: 'generateVideo',
			action: 'Generate a video',
			description: 'Submit a prompt to Sora 2 and optionally wait for the video',
		},
		{
			name: 'Get',
			value: 'getVideo',
			action: 'Get a video',
			description: 'Look up a job by its ID: status, video URL and the video itself',
		},
	],
	default: 'generateVideo',
};

export const videoDescription: INodeProperties[] = [videoOperations, ...generateVideoDescription, ...getVideoDescription];
