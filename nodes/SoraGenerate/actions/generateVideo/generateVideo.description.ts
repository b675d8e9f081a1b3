import type { INodeProperties } from 'n8n-workflow';

import { MAX_PROMPT_LENGTH } from './generationRequest';

const showFor = (extra: Record<string, string[]> = {}) => ({
	show: { resource: ['video'], operation: ['generateVideo'], ...extra },
});

export const WAIT_MODES = {
	auto: 'auto',
	callback: 'callback',
	poll: 'poll',
	none: 'none',
} as const;

const WAITING_MODES = [WAIT_MODES.auto, WAIT_MODES.callback, WAIT_MODES.poll];

/** Options → Callback Data (Don't Wait), the same for videos and characters. */
export const callbackDataOption: INodeProperties = {
	displayName: 'Callback Data',
	name: 'callbackData',
	type: 'fixedCollection',
	typeOptions: { multipleValues: true },
	placeholder: 'Add Field',
	default: {},
	description:
		"Your own small fields for each item (e.g. the row number, a sheet ID, a run label), sent with the Callback URL and signed with the credential's Callback Secret: the Sora Trigger outputs them unchanged in callbackData. At most 1 KB as JSON per item.",
	displayOptions: { show: { '/waitMode': [WAIT_MODES.none] } },
	options: [
		{
			displayName: 'Field',
			name: 'fields',
			values: [
				{
					displayName: 'Name',
					name: 'name',
					type: 'string',
					default: '',
					placeholder: 'row',
					description: 'The field name in the Sora Trigger output (callbackData.row for the name row)',
				},
				{
					displayName: 'Value',
					name: 'value',
					type: 'string',
					default: '',
					placeholder: 'e.g. {{ $json.row_number }}',
					description: 'The value; an expression keeps its type (a number stays a number)',
				},
			],
		},
	],
};

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
		// One short line each: the dropdown cuts longer descriptions. The notice below says more.
		options: [
			{
				name: 'Auto',
				value: WAIT_MODES.auto,
				description: 'Wait for Callback if TTAPI can reach this n8n, else Poll Until Done',
			},
			{
				name: 'Wait for Callback',
				value: WAIT_MODES.callback,
				description: 'Pause until TTAPI calls back (n8n 2.x with a public URL; 1.x polls)',
			},
			{
				name: 'Poll Until Done',
				value: WAIT_MODES.poll,
				description: 'Keep the execution running and ask TTAPI every poll interval',
			},
			{
				name: "Don't Wait (Return Job ID)",
				value: WAIT_MODES.none,
				description: 'Output the job ID at once; fetch the video later or use a Sora Trigger',
			},
		],
		default: 'auto',
		displayOptions: showFor(),
	},
	{
		displayName:
			"Auto waits for TTAPI's callback, as Wait for Callback does, on n8n 2.x when n8n's webhook URL is public (WEBHOOK_URL or N8N_WEBHOOK_URL) and n8n can call it itself; otherwise it polls, as Poll Until Done does (localhost, a private network, n8n 1.x). The output's waitMode field says which ran; n8n's log says why it polled.",
		name: 'autoNotice',
		type: 'notice',
		default: '',
		displayOptions: showFor({ waitMode: [WAIT_MODES.auto] }),
	},
	{
		displayName:
			"The execution pauses while Sora renders (nothing runs) and resumes once TTAPI has called back for every job. A batch larger than Max Jobs in Flight first keeps running, polling every Poll Interval, until its last item is submitted. TTAPI must be able to reach n8n's webhook URL (WEBHOOK_URL or N8N_WEBHOOK_URL). At Max Wait every item comes out, with its job ID. On n8n 1.x, which could resume a paused execution twice, it polls instead (waitMode: poll).",
		name: 'callbackNotice',
		type: 'notice',
		default: '',
		displayOptions: showFor({ waitMode: [WAIT_MODES.callback] }),
	},
	{
		displayName:
			'The execution keeps running and asks TTAPI for the status of each job every Poll Interval (one small request per job), until the video is ready or Timeout passes. Works everywhere, including on a laptop.',
		name: 'pollNotice',
		type: 'notice',
		default: '',
		displayOptions: showFor({ waitMode: [WAIT_MODES.poll] }),
	},
	{
		displayName:
			'Each item comes out at once with its job ID and status SUBMITTED; nothing is downloaded. Get the video later with the Get Video operation, or send TTAPI\'s callback to a Sora Trigger with Options → Callback URL.',
		name: 'noWaitNotice',
		type: 'notice',
		default: '',
		displayOptions: showFor({ waitMode: [WAIT_MODES.none] }),
	},
	{
		displayName: 'Poll Interval (Seconds)',
		name: 'pollIntervalSeconds',
		type: 'number',
		typeOptions: { minValue: 1 },
		default: 15,
		description:
			'How often to ask TTAPI whether a job has finished: when polling, and in Wait for Callback while items of a batch larger than Max Jobs in Flight wait for a free place',
		displayOptions: showFor({ waitMode: WAITING_MODES }),
	},
	{
		displayName: 'Timeout (Minutes)',
		name: 'timeoutMinutes',
		type: 'number',
		typeOptions: { minValue: 0.1 },
		default: 30,
		description:
			"How long one item may take, waiting for a free place in TTAPI's queue plus rendering (Auto: when it polls). On timeout the item's error carries the job ID, so Get Video can fetch it later.",
		displayOptions: showFor({ waitMode: [WAIT_MODES.poll, WAIT_MODES.auto] }),
	},
	{
		// Same parameter as above: in Don't Wait it bounds only the wait for a place in TTAPI's queue.
		displayName: 'Timeout (Minutes)',
		name: 'timeoutMinutes',
		type: 'number',
		typeOptions: { minValue: 0.1 },
		default: 30,
		description:
			"How long one item may wait for a free place in TTAPI's queue (TTAPI refuses jobs beyond your account's max_queue). An item still refused then fails; no job was created and nothing was charged.",
		displayOptions: showFor({ waitMode: [WAIT_MODES.none] }),
	},
	{
		displayName: 'Max Wait (Minutes)',
		name: 'maxWaitMinutes',
		type: 'number',
		typeOptions: { minValue: 0.1 },
		default: 180,
		description:
			'How long the execution may wait for the callbacks of the whole batch (Sora 2 Pro renders can take long; Auto: when it waits for callbacks). When it passes, every item still comes out: finished ones with their video, the others with their job ID and last status, for Get Video.',
		displayOptions: showFor({ waitMode: [WAIT_MODES.callback, WAIT_MODES.auto] }),
	},
	{
		displayName: 'Max Jobs in Flight From Account',
		name: 'maxJobsFromAccount',
		type: 'boolean',
		default: false,
		description:
			"Whether to use your TTAPI account's queue limit (max_queue, read once per run) as Max Jobs in Flight. Each output item says what was used (maxJobsInFlight).",
		displayOptions: showFor(),
	},
	{
		displayName: 'Max Jobs in Flight',
		name: 'maxJobsInFlight',
		type: 'number',
		typeOptions: { minValue: 1, maxValue: 50 },
		default: 5,
		description:
			"How many of this node's jobs may be queued or rendering at TTAPI at once. TTAPI's usual per-account queue limit is 5 (see max_queue in your TTAPI account); items beyond it wait for a free place.",
		displayOptions: { ...showFor({ waitMode: WAITING_MODES }), hide: { maxJobsFromAccount: [true] } },
	},
	{
		// Same parameter as above: Don't Wait does not wait for jobs to end, so it only spaces the submissions.
		displayName: 'Max Jobs in Flight',
		name: 'maxJobsInFlight',
		type: 'number',
		typeOptions: { minValue: 1, maxValue: 50 },
		default: 5,
		description:
			"How many generation requests this node sends at once. TTAPI's own queue limit (max_queue) still applies: a job it refuses because the queue is full is sent again until Timeout.",
		displayOptions: { ...showFor({ waitMode: [WAIT_MODES.none] }), hide: { maxJobsFromAccount: [true] } },
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
				],
				default: 10,
				description: "TTAPI's default for Sora 2 is 10 s (25 s needs Sora 2 Pro)",
				displayOptions: { show: { '/model': ['sora-2'] } },
			},
			{
				// Same parameter for Sora 2 Pro (and a Model set by expression), with Pro's default and 25 s.
				displayName: 'Duration (Seconds)',
				name: 'duration',
				type: 'options',
				options: [
					{ name: '10 Seconds', value: 10 },
					{ name: '15 Seconds', value: 15 },
					{ name: '25 Seconds (Sora 2 Pro Only)', value: 25 },
				],
				default: 15,
				description: "TTAPI's default for Sora 2 Pro is 15 s (for Sora 2, 10 s; 25 s only with Pro)",
				displayOptions: { hide: { '/model': ['sora-2'] } },
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
				description: "Whether only your TTAPI account can access the video (TTAPI's default) or anyone with its URL",
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
					{ name: 'Large', value: 'large' },
				],
				default: 'small',
				description:
					"Sora 2 Pro's video quality; 25-second videos come only in Small. TTAPI's default is Small. Sora 2 has no sizes: Small is not sent for it, Large is refused.",
				// Offered wherever the model may be Sora 2 Pro (a Model set by expression included).
				displayOptions: { hide: { '/model': ['sora-2'] } },
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
			callbackDataOption,
			{
				displayName: 'Callback URL',
				name: 'callbackUrl',
				type: 'string',
				default: '',
				placeholder: 'https://your-n8n.example.com/webhook/ttapi-sora',
				description:
					"Where TTAPI reports the job's end (its hookUrl): a Sora Trigger's Production URL, or just the trigger's Path (e.g. ttapi-sora). The token from the credential's Callback Secret is added for you.",
				displayOptions: { show: { '/waitMode': [WAIT_MODES.none] } },
			},
			{
				displayName: 'Verify With TTAPI',
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
				description: 'Name of the binary field the downloaded video is put in (file name: the job ID + .mp4)',
				displayOptions: { show: { '/waitMode': WAITING_MODES, '/downloadVideo': [true] } },
			},
			{
				displayName: 'Safety Check Every (Minutes)',
				name: 'safetyCheckMinutes',
				type: 'number',
				typeOptions: { minValue: 1 },
				default: 10,
				description:
					"While waiting for callbacks, the node also looks this often at jobs whose callback has not come (through the execution's resume URL, so n8n must be able to call its own webhook URL), so a lost callback never stalls the batch",
				displayOptions: { show: { '/waitMode': [WAIT_MODES.callback, WAIT_MODES.auto] } },
			},
		],
	},
];
