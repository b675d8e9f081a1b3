import type { INodeProperties } from 'n8n-workflow';

import { MAX_PROMPT_LENGTH } from './generationRequest';

const showFor = (extra: Record<string, string[]> = {}) => ({
	show: { operation: ['generateVideo'], ...extra },
});

export const WAIT_MODES = {
	auto: 'auto',
	callback: 'callback',
	poll: 'poll',
	none: 'none',
} as const;

const WAITING_MODES = [WAIT_MODES.auto, WAIT_MODES.callback, WAIT_MODES.poll];

export const generateVideoDescription: INodeProperties[] = [
	{
		displayName: 'Model',
		name: 'model',
		type: 'options',
		options: [
			{ name: 'Sora 2', value: 'sora-2', description: 'Normal mode, about 720×1280' },
			{ name: 'Sora 2 Pro', value: 'sora-2-pro', description: 'HD mode, about 1024×1792; allows 25 s and large size' },
		],
		default: 'sora-2',
		displayOptions: showFor(),
	},
	{
		displayName: 'Prompt',
		name: 'prompt',
		type: 'string',
		typeOptions: { rows: 4 },
		default: '',
		required: true,
		placeholder: 'A paper boat drifting on a pond at sunrise, cinematic',
		description: `What the video should show (at most ${MAX_PROMPT_LENGTH} characters)`,
		displayOptions: showFor(),
	},
	{
		displayName: 'Wait for Result',
		name: 'waitMode',
		type: 'options',
		options: [
			{
				name: 'Auto',
				value: WAIT_MODES.auto,
				description:
					"Wait for Callback when TTAPI can reach this n8n (its webhook URL is public), otherwise Poll Until Done. The output's waitMode field says which ran.",
			},
			{
				name: 'Wait for Callback',
				value: WAIT_MODES.callback,
				description:
					"Pauses the execution (no worker is held) and resumes it when TTAPI calls back. Needs n8n's webhook URL (WEBHOOK_URL) to be reachable from the internet.",
			},
			{
				name: 'Poll Until Done',
				value: WAIT_MODES.poll,
				description:
					'Keeps the execution running and asks TTAPI for the status every poll interval. Works everywhere, including on a laptop.',
			},
			{
				name: "Don't Wait (Return Job ID)",
				value: WAIT_MODES.none,
				description:
					'Submits the job and returns its ID at once. Fetch it later with Get Video, or send the callback to a Sora Trigger.',
			},
		],
		default: 'auto',
		hint: 'Wait for Callback costs nothing while it waits: TTAPI tells n8n when each video is ready. Poll costs one small status request per job every poll interval and keeps the execution running. Auto picks Wait for Callback when TTAPI can reach your n8n, else Poll.',
		displayOptions: showFor(),
	},
	{
		displayName: 'Poll Interval (Seconds)',
		name: 'pollIntervalSeconds',
		type: 'number',
		typeOptions: { minValue: 1, numberPrecision: 1 },
		default: 15,
		description:
			'How often to ask TTAPI whether a job has finished: when polling, and in Wait for Callback while items of a batch larger than Max Jobs in Flight wait for a free place',
		displayOptions: showFor({ waitMode: WAITING_MODES }),
	},
	{
		displayName: 'Timeout (Minutes)',
		name: 'timeoutMinutes',
		type: 'number',
		typeOptions: { minValue: 1, numberPrecision: 1 },
		default: 30,
		description:
			"When polling or not waiting: how long one item may take, waiting for a free place in TTAPI's queue plus rendering. On timeout the item's error carries the job ID, so Get Video can fetch it later.",
		displayOptions: showFor({ waitMode: [WAIT_MODES.poll, WAIT_MODES.auto, WAIT_MODES.none] }),
	},
	{
		displayName: 'Max Wait (Minutes)',
		name: 'maxWaitMinutes',
		type: 'number',
		typeOptions: { minValue: 0.1, numberPrecision: 1 },
		default: 180,
		description:
			'When waiting for callbacks: how long the execution may wait for the whole batch (Sora 2 Pro renders can take long). When it passes, every item still comes out: finished ones with their video, the others with their job ID and last status, for Get Video.',
		displayOptions: showFor({ waitMode: [WAIT_MODES.callback, WAIT_MODES.auto] }),
	},
	{
		displayName: 'Max Jobs in Flight',
		name: 'maxJobsInFlight',
		type: 'number',
		typeOptions: { minValue: 1, maxValue: 50 },
		default: 5,
		description:
			"How many of this node's jobs may be queued or rendering at TTAPI at once. TTAPI's usual per-account queue limit is 5 (see max_queue in your TTAPI account); items beyond it wait for a free place.",
		displayOptions: showFor(),
	},
	{
		displayName: 'Download Video',
		name: 'downloadVideo',
		type: 'boolean',
		default: true,
		description: 'Whether to download the finished MP4 into the binary data of the output item',
		displayOptions: showFor({ waitMode: WAITING_MODES }),
	},
	{
		displayName: 'Video Options',
		name: 'videoOptions',
		type: 'collection',
		placeholder: 'Add Video Option',
		default: {},
		description: "Fields you leave out are not sent, so TTAPI's defaults apply",
		displayOptions: showFor(),
		options: [
			{
				displayName: 'Character Timestamps',
				name: 'characterTimestamps',
				type: 'string',
				default: '',
				placeholder: '1,3',
				description:
					'Seconds of the character video where the character appears, as "start,end"; end minus start must be 1 to 3 seconds. Needs Character Video URL.',
			},
			{
				displayName: 'Character Video URL',
				name: 'characterUrl',
				type: 'string',
				default: '',
				placeholder: 'https://example.com/character.mp4',
				description:
					'Video used to create a character for this video. It must not show real people, or the job fails. Needs Character Timestamps.',
			},
			{
				displayName: 'Duration (Seconds)',
				name: 'duration',
				type: 'options',
				options: [
					{ name: '10 Seconds', value: 10 },
					{ name: '15 Seconds', value: 15 },
					{ name: '25 Seconds (Sora 2 Pro Only)', value: 25 },
				],
				default: 10,
				description: "TTAPI's default is 10 s for Sora 2 and 15 s for Sora 2 Pro",
			},
			{
				displayName: 'Orientation',
				name: 'orientation',
				type: 'options',
				options: [
					{ name: 'Portrait', value: 'portrait' },
					{ name: 'Landscape', value: 'landscape' },
				],
				default: 'portrait',
			},
			{
				displayName: 'Private',
				name: 'private',
				type: 'boolean',
				default: true,
				description: 'Whether the video is private on TTAPI (TTAPI\'s default) or publicly accessible',
			},
			{
				displayName: 'Reference Image URLs',
				name: 'referImageUrls',
				type: 'string',
				default: '',
				placeholder: 'https://example.com/reference.jpg',
				description:
					'Image URL(s), separated by commas or new lines. TTAPI uses only the first. No real people, avatars or US product logos, or the job fails.',
			},
			{
				displayName: 'Size',
				name: 'size',
				type: 'options',
				options: [
					{ name: 'Small (Standard)', value: 'small' },
					{ name: 'Large (Sora 2 Pro Only)', value: 'large' },
				],
				default: 'small',
				description: "Video quality; only Sora 2 Pro supports it, and 25-second videos only come in small. TTAPI's default is small.",
			},
		],
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		displayOptions: showFor(),
		options: [
			{
				displayName: 'Callback URL',
				name: 'callbackUrl',
				type: 'string',
				default: '',
				placeholder: 'https://your-n8n.example.com/webhook/ttapi-sora',
				description:
					"Where TTAPI reports the job's end (its hookUrl), for Don't Wait: a Sora Trigger's Production URL, or just the trigger's Path (e.g. ttapi-sora). The token from the credential's Callback Secret is added for you.",
				displayOptions: { show: { '/waitMode': [WAIT_MODES.none, WAIT_MODES.poll] } },
			},
			{
				displayName: 'Confirm Callbacks With TTAPI',
				name: 'confirmWithFetch',
				type: 'boolean',
				default: true,
				description:
					"Whether to look each job up on TTAPI before trusting a callback's video URL (one small request per job)",
				displayOptions: { show: { '/waitMode': [WAIT_MODES.callback, WAIT_MODES.auto] } },
			},
			{
				displayName: 'Put Video in Field',
				name: 'binaryPropertyName',
				type: 'string',
				default: 'data',
				description: 'Name of the binary field the downloaded video is put in',
			},
			{
				displayName: 'Safety Check Every (Minutes)',
				name: 'safetyCheckMinutes',
				type: 'number',
				typeOptions: { minValue: 1 },
				default: 10,
				description:
					'While waiting for callbacks, the node also asks TTAPI this often about jobs whose callback has not come, so a lost callback never stalls the batch. n8n looks at waiting executions once a minute.',
				displayOptions: { show: { '/waitMode': [WAIT_MODES.callback, WAIT_MODES.auto] } },
			},
		],
	},
];
