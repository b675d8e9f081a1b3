import type { IDataObject } from 'n8n-workflow';

import type { CallbackPayload } from '../shared/callbackAuth';
import {
	CALLBACK_DATA_PARAM,
	CALLBACK_TOKEN_PARAM,
	decodeCallbackPayload,
	tokenMatches,
	triggerToken,
} from '../shared/callbackAuth';
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
	alteredData: {
		httpCode: 401,
		error: `The callback URL's ${CALLBACK_DATA_PARAM} (the job's kind and Callback Data) does not match its ${CALLBACK_TOKEN_PARAM}: the URL was changed after Sora Generate made it, or Sora Generate used a TTAPI credential with another Callback Secret.`,
	},
	unreadableData: {
		httpCode: 400,
		error: `The callback URL's ${CALLBACK_DATA_PARAM} cannot be read. Send callbacks through Sora Generate: it writes it.`,
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

/** One query parameter's values (n8n gives a repeated parameter as a list). */
function queryValues(query: unknown, name: string): unknown[] {
	if (!query || typeof query !== 'object') return [];
	const given = (query as IDataObject)[name];
	if (given === undefined) return [];
	return Array.isArray(given) ? given : [given];
}

export type CheckedCallbackUrl =
	/** `payload` is what Sora Generate signed into the URL; undefined for a URL with the token only. */
	| { ok: true; payload?: CallbackPayload }
	| { ok: false; refusal: CallbackRefusal };

/**
 * Whether the callback URL is one Sora Generate made with `secret`, and what it carries. A URL
 * with ttapiData must carry the token made from that ttapiData (so nobody can change the job's
 * kind or Callback Data, nor drop them); one without, the plain trigger token. A repeated token
 * (a URL pasted with the token already in it, then given the token again) passes when one of the
 * values is right.
 */
export function checkCallbackUrl(secret: string, query: unknown): CheckedCallbackUrl {
	const tokens = queryValues(query, CALLBACK_TOKEN_PARAM);
	const payloads = queryValues(query, CALLBACK_DATA_PARAM);
	if (!tokens.length) return { ok: false, refusal: REFUSAL.badToken };
	if (!payloads.length) {
		const expected = triggerToken(secret);
		return tokens.some((token) => tokenMatches(expected, token)) ? { ok: true } : { ok: false, refusal: REFUSAL.badToken };
	}
	const encoded = payloads[0];
	if (payloads.length > 1 || typeof encoded !== 'string') return { ok: false, refusal: REFUSAL.alteredData };
	const expected = triggerToken(secret, encoded);
	if (!tokens.some((token) => tokenMatches(expected, token))) return { ok: false, refusal: REFUSAL.alteredData };
	const payload = decodeCallbackPayload(encoded);
	return payload ? { ok: true, payload } : { ok: false, refusal: REFUSAL.unreadableData };
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
