import type { INodeProperties } from 'n8n-workflow';

const showFor = { show: { resource: ['video'], operation: ['getVideo'] } };

export const getVideoDescription: INodeProperties[] = [
	{
		displayName: 'Job ID',
		name: 'jobId',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'c679a92e-…',
		description: 'The job ID returned by Generate Video (field jobId)',
		displayOptions: showFor,
	},
	{
		displayName: 'Download Video',
		name: 'downloadVideo',
		type: 'boolean',
		default: true,
		description: 'Whether to download the MP4 into the binary data of the output item when the job has succeeded',
		displayOptions: showFor,
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		displayOptions: showFor,
		options: [
			{
				displayName: 'Put Video in Field',
				name: 'binaryPropertyName',
				type: 'string',
				default: 'data',
				description: 'Name of the binary field the downloaded video is put in (file name: the job ID + .mp4)',
				displayOptions: { show: { '/downloadVideo': [true] } },
			},
		],
	},
];
