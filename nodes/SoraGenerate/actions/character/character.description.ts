import type { INodeProperties } from 'n8n-workflow';

import { WAIT_MODES, callbackDataOption } from '../generateVideo/generateVideo.description';

const forCreate = (extra: Record<string, string[]> = {}) => ({
	show: { resource: ['character'], operation: ['createCharacter'], ...extra },
});
const forGet = { show: { resource: ['character'], operation: ['getCharacter'] } };
const WAITING_MODES = [WAIT_MODES.auto, WAIT_MODES.callback, WAIT_MODES.poll];

export const characterOperations: INodeProperties = {
	displayName: 'Operation',
	name: 'operation',
	type: 'options',
	noDataExpression: true,
	displayOptions: { show: { resource: ['character'] } },
	options: [
		{
			name: 'Create',
			value: 'createCharacter',
			action: 'Create a character',
			description: 'Make a reusable Sora character from a few seconds of a video, and optionally wait for it',
		},
		{
			name: 'Get',
			value: 'getCharacter',
			action: 'Get a character',
			description: 'Look up a character job by its ID',
		},
	],
	default: 'createCharacter',
};

/** Create Character: the same wait modes as Generate Video, run by the same batch engine. */
const createCharacterFields: INodeProperties[] = [
	{
		displayName: 'Video URL',
		name: 'url',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'https://example.com/character.mp4',
		description: 'A video that shows the character. It must not show real people, or the job fails.',
		displayOptions: forCreate(),
	},
	{
		displayName: 'Timestamps',
		name: 'timestamps',
		type: 'string',
		default: '',
		required: true,
		placeholder: '1,3',
		description: 'Seconds of the video where the character appears, as "start,end"; end minus start must be 1 to 3 seconds',
		displayOptions: forCreate(),
	},
	{
		displayName: 'Wait for Result',
		name: 'waitMode',
		type: 'options',
		options: [
			{ name: 'Auto', value: WAIT_MODES.auto, description: 'Wait for Callback if TTAPI can reach this n8n, else Poll Until Done' },
			{ name: 'Wait for Callback', value: WAIT_MODES.callback, description: 'Pause until TTAPI calls back (n8n 2.x with a public URL; 1.x polls)' },
			{ name: 'Poll Until Done', value: WAIT_MODES.poll, description: 'Keep the execution running and ask TTAPI every poll interval' },
			{ name: "Don't Wait (Return Job ID)", value: WAIT_MODES.none, description: 'Output the job ID at once; look the character up later with Get' },
		],
		default: 'auto',
		displayOptions: forCreate(),
	},
	{
		displayName: 'Poll Interval (Seconds)',
		name: 'pollIntervalSeconds',
		type: 'number',
		typeOptions: { minValue: 1 },
		default: 15,
		description: 'How often to ask TTAPI whether a character job has finished',
		displayOptions: forCreate({ waitMode: WAITING_MODES }),
	},
	{
		displayName: 'Timeout (Minutes)',
		name: 'timeoutMinutes',
		type: 'number',
		typeOptions: { minValue: 0.1 },
		default: 30,
		description: "How long one item may take (queue wait plus TTAPI's work; Auto: when it polls). On timeout the item's error carries the job ID.",
		displayOptions: forCreate({ waitMode: [WAIT_MODES.poll, WAIT_MODES.auto, WAIT_MODES.none] }),
	},
	{
		displayName: 'Max Wait (Minutes)',
		name: 'maxWaitMinutes',
		type: 'number',
		typeOptions: { minValue: 0.1 },
		default: 180,
		description: 'How long the execution may wait for the callbacks of the whole batch (Auto: when it waits for callbacks)',
		displayOptions: forCreate({ waitMode: [WAIT_MODES.callback, WAIT_MODES.auto] }),
	},
	{
		displayName: 'Max Jobs in Flight From Account',
		name: 'maxJobsFromAccount',
		type: 'boolean',
		default: false,
		description: "Whether to use your TTAPI account's queue limit (max_queue, read once per run) as Max Jobs in Flight",
		displayOptions: forCreate(),
	},
	{
		displayName: 'Max Jobs in Flight',
		name: 'maxJobsInFlight',
		type: 'number',
		typeOptions: { minValue: 1, maxValue: 50 },
		default: 5,
		description: "How many of this node's jobs may be at TTAPI at once (characters and videos share your account's max_queue)",
		displayOptions: { ...forCreate(), hide: { maxJobsFromAccount: [true] } },
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		displayOptions: forCreate(),
		options: [
			callbackDataOption,
			{
				displayName: 'Callback URL',
				name: 'callbackUrl',
				type: 'string',
				default: '',
				placeholder: 'https://your-n8n.example.com/webhook/ttapi-sora',
				description:
					"Where TTAPI reports the character job's end (its hookUrl): a Sora Trigger's Production URL, or just the trigger's Path (e.g. ttapi-sora). The token from the credential's Callback Secret is added for you.",
				displayOptions: { show: { '/waitMode': [WAIT_MODES.none] } },
			},
			{
				displayName: 'Verify With TTAPI',
				name: 'confirmWithFetch',
				type: 'boolean',
				default: true,
				description: "Whether to look each job up on TTAPI before trusting a callback's record (one small request per job)",
				displayOptions: { show: { '/waitMode': [WAIT_MODES.callback, WAIT_MODES.auto] } },
			},
			{
				displayName: 'Safety Check Every (Minutes)',
				name: 'safetyCheckMinutes',
				type: 'number',
				typeOptions: { minValue: 1 },
				default: 10,
				description: "While waiting for callbacks, also look this often at jobs whose callback has not come (through the execution's resume URL)",
				displayOptions: { show: { '/waitMode': [WAIT_MODES.callback, WAIT_MODES.auto] } },
			},
		],
	},
];

const getCharacterFields: INodeProperties[] = [
	{
		displayName: 'Job ID',
		name: 'jobId',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'c679a92e-…',
		description: 'The job ID returned by Create Character (field jobId)',
		displayOptions: forGet,
	},
];

export const characterDescription: INodeProperties[] = [characterOperations, ...createCharacterFields, ...getCharacterFields];
