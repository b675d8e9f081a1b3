import { createHmac } from 'crypto';

import type { CallbackBatch } from '../../nodes/SoraGenerate/actions/batch/callback/storedBatch';
import {
	itemHookUrl,
	itemTokenMatches,
	lookTokenMatches,
	lookUrl,
	resumeSecret,
} from '../../nodes/SoraGenerate/actions/batch/callback/callbackUrls';
import {
	appendQuery,
	CALLBACK_TOKEN_PARAM,
	callbackToken,
	TRIGGER_TOKEN_SCOPE,
	tokenMatches,
} from '../../nodes/shared/callbackAuth';

const SECRET = 'unit-callback-secret-0a1b2c';

function batchFor(executionId: string, resumeUrl = `https://n8n.example.com/webhook-waiting/${executionId}`): CallbackBatch {
	return {
		version: 2,
		kind: 'generation',
		executionId,
		resumeUrl,
		deadline: Date.now() + 60_000,
		recheckMs: 60_000,
		confirmWithFetch: true,
		continueOnFail: false,
		itemOptions: {},
		items: [0, 1, 2].map((index) => ({ phase: 'running', jobId: `job-${index}`, lastStatus: 'SUBMITTED', echo: {} })),
	};
}

/** The raw query string of a URL, exactly as written (no WHATWG re-encoding). */
const rawQuery = (url: string) => url.slice(url.indexOf('?') + 1).split('#')[0];

describe('appendQuery', () => {
	it('keeps an existing query string byte for byte and appends after it', () => {
		const signed = 'https://n8n.example.com/webhook-waiting/77/node-1?signature=abc%2Fdef&x=1';
		const url = appendQuery(signed, { ttapiItem: '3', ttapiToken: 'tok_-9' });
		expect(url).toBe(`${signed}&ttapiItem=3&ttapiToken=tok_-9`);
		expect(url.startsWith(signed)).toBe(true);
		// %2F stays %2F, "+" and odd escapes are not normalised either.
		const odd = 'https://h.example.com/p?a=b+c&e=%7e&empty=&flag';
		expect(appendQuery(odd, { k: 'v' })).toBe(`${odd}&k=v`);
	});

	it('adds "?" to a URL without a query, and no extra separator after a trailing "?" or "&"', () => {
		expect(appendQuery('https://h.example.com/webhook-waiting/5', { a: '1', b: '2' })).toBe(
			'https://h.example.com/webhook-waiting/5?a=1&b=2',
		);
		expect(appendQuery('https://h.example.com/p?', { a: '1' })).toBe('https://h.example.com/p?a=1');
		expect(appendQuery('https://h.example.com/p?x=1&', { a: '1' })).toBe('https://h.example.com/p?x=1&a=1');
	});

	it('puts the parameters before a fragment (the fragment itself is dropped: it is never sent to a server)', () => {
		expect(appendQuery('https://h.example.com/p#section', { a: '1' })).toBe('https://h.example.com/p?a=1');
		expect(appendQuery('https://h.example.com/p?x=%2F#frag?y=2', { a: '1' })).toBe('https://h.example.com/p?x=%2F&a=1');
		// a "?" inside the fragment does not count as a query
		expect(appendQuery('https://h.example.com/p#a?b', { a: '1' })).toBe('https://h.example.com/p?a=1');
	});

	it('encodes the names and values it adds', () => {
		const url = appendQuery('https://h.example.com/p', { 'a b': 'x&y=z/é' });
		expect(url).toBe('https://h.example.com/p?a%20b=x%26y%3Dz%2F%C3%A9');
		expect(new URL(url).searchParams.get('a b')).toBe('x&y=z/é');
	});
});

describe('callbackToken / tokenMatches', () => {
	it('is a 32-character base64url HMAC-SHA256 of the scope, keyed by the secret', () => {
		const token = callbackToken(SECRET, 'resume:9:0');
		expect(token).toMatch(/^[A-Za-z0-9_-]{32}$/);
		const expected = createHmac('sha256', SECRET).update('ttapi-sora:resume:9:0').digest('base64url').slice(0, 32);
		expect(token).toBe(expected);
		expect(token).not.toContain(SECRET);
		expect(callbackToken(SECRET, 'resume:9:0')).toBe(token); // deterministic
		expect(callbackToken('another-secret', 'resume:9:0')).not.toBe(token);
	});

	it('matches only the identical string', () => {
		const token = callbackToken(SECRET, TRIGGER_TOKEN_SCOPE);
		expect(tokenMatches(token, token)).toBe(true);
		expect(tokenMatches(token, `${token}x`)).toBe(false);
		expect(tokenMatches(token, token.slice(0, -1))).toBe(false);
		expect(tokenMatches(token, `${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`)).toBe(false);
		expect(tokenMatches(token, token.toUpperCase() === token ? token.toLowerCase() : token.toUpperCase())).toBe(false);
		expect(tokenMatches(token, undefined)).toBe(false);
		expect(tokenMatches(token, '')).toBe(false);
		expect(tokenMatches(token, [token])).toBe(false); // a repeated query parameter arrives as an array
		expect(tokenMatches(token, 42)).toBe(false);
	});
});

describe('resume URLs and their tokens', () => {
	const batch = batchFor('41');

	it('itemHookUrl is the resume URL plus ttapiItem and the item token, the resume query untouched', () => {
		const signedBatch = batchFor('41', 'https://n8n.example.com/webhook-waiting/41/node-1?signature=abc%2Fdef&x=1');
		const url = itemHookUrl(signedBatch, SECRET, 2);
		expect(url).toBe(
			`https://n8n.example.com/webhook-waiting/41/node-1?signature=abc%2Fdef&x=1&ttapiItem=2&${CALLBACK_TOKEN_PARAM}=${callbackToken(SECRET, 'resume:41:2')}`,
		);
		expect(rawQuery(url).startsWith('signature=abc%2Fdef&x=1&')).toBe(true);
		expect(url).not.toContain(SECRET);
	});

	it('an item token is bound to its item and execution', () => {
		const token = new URL(itemHookUrl(batch, SECRET, 1)).searchParams.get(CALLBACK_TOKEN_PARAM);
		expect(itemTokenMatches(batch, SECRET, 1, token)).toBe(true);
		expect(itemTokenMatches(batch, SECRET, 2, token)).toBe(false);
		expect(itemTokenMatches(batch, SECRET, 0, token)).toBe(false);
		expect(itemTokenMatches(batchFor('42'), SECRET, 1, token)).toBe(false); // another execution
		expect(itemTokenMatches(batch, 'another-secret', 1, token)).toBe(false);
		expect(lookTokenMatches(batch, SECRET, token)).toBe(false);
		// and not the trigger's token either
		expect(tokenMatches(callbackToken(SECRET, TRIGGER_TOKEN_SCOPE), token)).toBe(false);
	});

	it('the look URL carries ttapiLook and a token bound to the execution, not to any item', () => {
		const look = new URL(lookUrl(batch, SECRET));
		expect(look.origin + look.pathname).toBe('https://n8n.example.com/webhook-waiting/41');
		expect(look.searchParams.get('ttapiLook')).toBe('1');
		const token = look.searchParams.get(CALLBACK_TOKEN_PARAM);
		expect(lookTokenMatches(batch, SECRET, token)).toBe(true);
		expect(lookTokenMatches(batchFor('42'), SECRET, token)).toBe(false);
		expect(lookTokenMatches(batch, 'another-secret', token)).toBe(false);
		for (const index of [0, 1, 2]) expect(itemTokenMatches(batch, SECRET, index, token)).toBe(false);
	});

	it('resumeSecret is the Callback Secret, or else the API key', () => {
		expect(resumeSecret({ apiKey: 'key-1', callbackSecret: 'cb-1' })).toBe('cb-1');
		expect(resumeSecret({ apiKey: 'key-1', callbackSecret: '' })).toBe('key-1');
		expect(resumeSecret({ apiKey: 'key-1' })).toBe('key-1');
		expect(resumeSecret({})).toBe('');
	});
});
