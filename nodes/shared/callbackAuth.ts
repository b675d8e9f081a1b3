import { createHmac, timingSafeEqual } from 'crypto';
import type { IDataObject } from 'n8n-workflow';

/** Query parameter that carries our callback token on every hookUrl we hand to TTAPI. */
export const CALLBACK_TOKEN_PARAM = 'ttapiToken';

/** Scope of the token Sora Generate adds to Sora Trigger URLs and the trigger requires. */
export const TRIGGER_TOKEN_SCOPE = 'trigger';

/**
 * Query parameter that carries what Sora Generate tells Sora Trigger about a job: its kind and the
 * user's Callback Data, as base64url JSON. The trigger token then signs it (triggerToken).
 */
export const CALLBACK_DATA_PARAM = 'ttapiData';

/** The kinds of TTAPI job a Sora Trigger can be told about. */
export type CallbackJobKind = 'video' | 'character';
export const CALLBACK_JOB_KINDS: readonly CallbackJobKind[] = ['video', 'character'];

/** What a trigger URL made by Sora Generate carries besides the token. */
export interface CallbackPayload {
	kind: CallbackJobKind;
	/** The user's Callback Data (Options → Callback Data), {} when none. */
	data: IDataObject;
}

/**
 * A token that proves a callback URL was made by this package with the credential's secret.
 * `scope` binds it to one use: the trigger, or one item of one waiting execution.
 */
export function callbackToken(secret: string, scope: string): string {
	return createHmac('sha256', secret).update(`ttapi-sora:${scope}`).digest('base64url').slice(0, 32);
}

/**
 * The token of a Sora Trigger URL. With a payload (ttapiData) it is made from the payload too, so
 * a URL whose ttapiData was changed, added or removed no longer matches its token.
 */
export function triggerToken(secret: string, encodedPayload?: string): string {
	return callbackToken(secret, encodedPayload === undefined ? TRIGGER_TOKEN_SCOPE : `${TRIGGER_TOKEN_SCOPE}:${encodedPayload}`);
}

export function encodeCallbackPayload(payload: CallbackPayload): string {
	return Buffer.from(JSON.stringify(payload), 'utf8').toString('base64url');
}

/** The payload a ttapiData value holds; undefined when it is not one (only signed values are read). */
export function decodeCallbackPayload(encoded: string): CallbackPayload | undefined {
	let value: unknown;
	try {
		value = JSON.parse(Buffer.from(encoded, 'base64url').toString('utf8'));
	} catch {
		return undefined;
	}
	if (!value || typeof value !== 'object' || Array.isArray(value)) return undefined;
	const { kind, data } = value as IDataObject;
	if (!CALLBACK_JOB_KINDS.includes(kind as CallbackJobKind)) return undefined;
	if (!data || typeof data !== 'object' || Array.isArray(data)) return undefined;
	return { kind: kind as CallbackJobKind, data: data as IDataObject };
}

export function tokenMatches(expected: string, given: unknown): boolean {
	if (typeof given !== 'string' || given.length !== expected.length) return false;
	return timingSafeEqual(Buffer.from(given), Buffer.from(expected));
}

/**
 * Adds query parameters without touching what is already there: n8n 2.x signs its resume URLs
 * and rejects them if the existing query string changes at all.
 */
export function appendQuery(url: string, params: Record<string, string>): string {
	const hashAt = url.indexOf('#');
	const base = hashAt >= 0 ? url.slice(0, hashAt) : url;
	const extra = Object.entries(params)
		.map(([name, value]) => `${encodeURIComponent(name)}=${encodeURIComponent(value)}`)
		.join('&');
	const separator = !base.includes('?') ? '?' : base.endsWith('?') || base.endsWith('&') ? '' : '&';
	return `${base}${separator}${extra}`;
}

/** Removes every `name=…` of the given names from a URL's query, leaving the rest as it was. */
export function withoutQueryParams(url: string, names: string[]): string {
	const queryAt = url.indexOf('?');
	if (queryAt < 0) return url;
	const hashAt = url.indexOf('#', queryAt);
	const query = url.slice(queryAt + 1, hashAt >= 0 ? hashAt : undefined);
	const nameOf = (pair: string) => {
		const raw = pair.split('=')[0];
		try {
			return decodeURIComponent(raw);
		} catch {
			return raw;
		}
	};
	const kept = query.split('&').filter((pair) => pair !== '' && !names.includes(nameOf(pair)));
	return `${url.slice(0, queryAt)}${kept.length ? `?${kept.join('&')}` : ''}${hashAt >= 0 ? url.slice(hashAt) : ''}`;
}
