import { createHmac, timingSafeEqual } from 'crypto';

/** Query parameter that carries our callback token on every hookUrl we hand to TTAPI. */
export const CALLBACK_TOKEN_PARAM = 'ttapiToken';

/** Scope of the token Sora Generate adds to Sora Trigger URLs and the trigger requires. */
export const TRIGGER_TOKEN_SCOPE = 'trigger';

/**
 * A token that proves a callback URL was made by this package with the credential's secret.
 * `scope` binds it to one use: the trigger, or one item of one waiting execution.
 */
export function callbackToken(secret: string, scope: string): string {
	return createHmac('sha256', secret).update(`ttapi-sora:${scope}`).digest('base64url').slice(0, 32);
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
