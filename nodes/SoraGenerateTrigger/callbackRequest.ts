import type { IDataObject } from 'n8n-workflow';

import { CALLBACK_TOKEN_PARAM, TRIGGER_TOKEN_SCOPE, callbackToken, tokenMatches } from '../shared/callbackAuth';
import { JOB_STATUS, RUNNING_STATUSES } from '../shared/constants';
import { isTtapiJobRecord } from '../shared/normalise';
import { readJobId } from '../shared/soraApi';

/** A refusal the trigger answers itself; no execution starts. */
export interface CallbackRefusal {
	httpCode: 400 | 401 | 403;
	error: string;
}

export const REFUSAL = {
	noCredential: {
		httpCode: 403,
		error:
			'This Sora Trigger has no usable TTAPI credential. Select a TTAPI credential with a Callback Secret on the trigger.',
	},
	noSecret: {
		httpCode: 403,
		error:
			'This Sora Trigger refuses all callbacks because its TTAPI credential has no Callback Secret. Set "Callback Secret" on the credential (the same credential Sora Generate uses).',
	},
	badToken: {
		httpCode: 401,
		error: `Missing or wrong ${CALLBACK_TOKEN_PARAM} in the callback URL. Send callbacks through Sora Generate with the same TTAPI credential as the trigger: it adds the token to the URL.`,
	},
	notJson: { httpCode: 400, error: 'The callback body is not JSON.' },
	notRecord: {
		httpCode: 400,
		error: 'The callback body is not a TTAPI job record: it needs a "status" and a job ID ("jobId").',
	},
} as const satisfies Record<string, CallbackRefusal>;

/** The secret as stored on the credential; only an empty or missing value counts as "not set". */
export function readCallbackSecret(credentials: IDataObject): string | undefined {
	const secret = credentials.callbackSecret;
	return typeof secret === 'string' && secret.length > 0 ? secret : undefined;
}

/**
 * Whether the request's query carries the trigger token made from `secret`. A repeated parameter
 * (a URL pasted with the token already in it, then given the token again) passes when one of the
 * values is right.
 */
export function hasValidToken(secret: string, query: unknown): boolean {
	if (!query || typeof query !== 'object') return false;
	const given = (query as IDataObject)[CALLBACK_TOKEN_PARAM];
	const expected = callbackToken(secret, TRIGGER_TOKEN_SCOPE);
	const values = Array.isArray(given) ? given : [given];
	return values.some((value) => tokenMatches(expected, value));
}

export type ParsedCallback =
	| { ok: true; record: IDataObject; jobId: string; status: string }
	| { ok: false; refusal: CallbackRefusal };

/**
 * The TTAPI job record a callback carries. n8n parses JSON bodies itself (invalid JSON sent as
 * application/json gets n8n's own 422 before the node runs); a body sent as text is parsed here.
 */
export function parseCallbackBody(body: unknown): ParsedCallback {
	let value: unknown = body;
	if (Buffer.isBuffer(value)) value = value.toString('utf8');
	if (typeof value === 'string') {
		try {
			value = JSON.parse(value);
		} catch {
			return { ok: false, refusal: REFUSAL.notJson };
		}
	}
	if (value === undefined || value === null) return { ok: false, refusal: REFUSAL.notJson };
	if (!isTtapiJobRecord(value)) return { ok: false, refusal: REFUSAL.notRecord };
	const status = String(value.status).trim().toUpperCase();
	if (!status) return { ok: false, refusal: REFUSAL.notRecord };
	return { ok: true, record: value, jobId: readJobId(value) as string, status };
}

export type TriggerEvent = 'succeeded' | 'failed';

/**
 * What a job status means for the trigger: still running (start nothing), succeeded, or failed.
 * A status TTAPI does not document is final and counts as a failure, as in Sora Generate.
 */
export function eventForStatus(status: string): TriggerEvent | 'running' {
	if (RUNNING_STATUSES.includes(status)) return 'running';
	if (status === JOB_STATUS.success) return 'succeeded';
	return 'failed';
}

export type EventFilter = 'both' | TriggerEvent;

export function eventPasses(filter: EventFilter | string, event: TriggerEvent): boolean {
	return filter === 'both' || filter === event;
}
