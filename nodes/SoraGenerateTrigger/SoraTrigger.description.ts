import type { INodeProperties } from 'n8n-workflow';

export const DEFAULT_TRIGGER_PATH = 'ttapi-sora';

export const soraTriggerProperties: INodeProperties[] = [
	{
		displayName:
			"To start this workflow from TTAPI's callbacks: in Sora Generate (Video → Generate or Character → Create) set Wait for Result to Don't Wait and Options → Callback URL to this trigger's Path (e.g. ttapi-sora) or to its Production URL (above, under Webhook URLs, switch from Test URL to Production URL). Sora Generate adds the security token itself, and Options → Callback Data comes out here as callbackData. Use the same TTAPI credential, with a Callback Secret, on both nodes, and activate (n8n 1.x) or publish (n8n 2.x) this workflow before submitting jobs.",
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
		hint: 'Production URL: your n8n address, then /webhook/, then this path (e.g. https://n8n.example.com/webhook/ttapi-sora). Use a different path for each Sora Trigger.',
		description:
			"The last part of the Production URL, without slashes at the ends (e.g. ttapi-sora or sora/batch-1). Put the same path (or the whole Production URL) in Sora Generate's Callback URL option.",
	},
	{
		displayName: 'Trigger On',
		name: 'events',
		type: 'options',
		options: [
			{
				name: 'Failed Jobs Only',
				value: 'failed',
				description: 'Start the workflow only for video and character jobs that failed',
			},
			{
				name: 'Succeeded and Failed Jobs',
				value: 'both',
				description: 'Start the workflow for every finished video and character job; the fields "event" and "kind" tell which',
			},
			{
				name: 'Succeeded Jobs Only',
				value: 'succeeded',
				description: 'Start the workflow only for jobs that produced a video or a character',
			},
		],
		default: 'both',
		description: 'Which finished jobs (videos and characters) start the workflow',
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
			'Whether to download the MP4 of a succeeded video job into the binary data of the output item (character jobs have no video). If the download fails, the workflow still starts, with the video URL and the field "downloadError".',
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
