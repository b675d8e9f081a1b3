import type { INodeProperties } from 'n8n-workflow';

export const DEFAULT_TRIGGER_PATH = 'ttapi-sora';

export const soraTriggerProperties: INodeProperties[] = [
	{
		displayName:
			'Copy the Production URL shown above (under "Webhook URLs") into Sora Generate\'s Callback URL, or tell Sora Generate to send callbacks to a Sora Trigger and give it this Path. Sora Generate adds the security token to the URL itself; use the same TTAPI credential (with a Callback Secret) on both nodes, and activate this workflow before submitting jobs.',
		name: 'notice',
		type: 'notice',
		default: '',
	},
	{
		displayName: 'Path',
		name: 'path',
		type: 'string',
		default: DEFAULT_TRIGGER_PATH,
		required: true,
		placeholder: DEFAULT_TRIGGER_PATH,
		hint: 'Production URL: <your n8n URL>/webhook/<path>. Use a different path for each Sora Trigger.',
		description:
			'The last part of the Production URL, without slashes at the ends (e.g. ttapi-sora or sora/batch-1). Sora Generate needs the same path.',
	},
	{
		displayName: 'Trigger On',
		name: 'events',
		type: 'options',
		options: [
			{
				name: 'Failed Jobs Only',
				value: 'failed',
				description: 'Start the workflow only for jobs that failed',
			},
			{
				name: 'Succeeded and Failed Jobs',
				value: 'both',
				description: 'Start the workflow for every finished job; the field "event" tells which',
			},
			{
				name: 'Succeeded Jobs Only',
				value: 'succeeded',
				description: 'Start the workflow only for jobs that produced a video',
			},
		],
		default: 'both',
		description: 'Which finished jobs start the workflow',
	},
	{
		displayName: 'Verify With TTAPI',
		name: 'verifyWithFetch',
		type: 'boolean',
		default: true,
		description:
			"Whether to look the job up with TTAPI (using the credential) and output TTAPI's own record instead of the callback body. A callback for a job that is not finished then starts nothing.",
	},
	{
		displayName: 'Download Video',
		name: 'downloadVideo',
		type: 'boolean',
		default: false,
		description:
			'Whether to download the MP4 of a succeeded job into the binary data of the output item. If the download fails, the workflow still starts, with the video URL and the field "downloadError".',
	},
	{
		displayName: 'Put Video in Field',
		name: 'binaryPropertyName',
		type: 'string',
		default: 'data',
		displayOptions: { show: { downloadVideo: [true] } },
		description: 'Name of the binary field the downloaded video is put in',
	},
];
