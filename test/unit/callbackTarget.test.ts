import type { IExecuteFunctions } from 'n8n-workflow';

import { callbackUrlFromOptions, resolveCallbackUrl } from '../../nodes/SoraGenerate/actions/generateVideo/callbackTarget';
import {
	CALLBACK_DATA_PARAM,
	CALLBACK_TOKEN_PARAM,
	decodeCallbackPayload,
	encodeCallbackPayload,
	triggerToken,
} from '../../nodes/shared/callbackAuth';
import { checkCallbackUrl } from '../../nodes/SoraGenerateTrigger/callbackRequest';
import { inputErrorOf } from './inputError';

const SECRET = 'unit-callback-secret-77';
const VIDEO = encodeCallbackPayload({ kind: 'video', data: {} });
/** The query Sora Generate appends for a video job without Callback Data. */
const SIGNED = `${CALLBACK_TOKEN_PARAM}=${triggerToken(SECRET, VIDEO)}&${CALLBACK_DATA_PARAM}=${VIDEO}`;

/** The query of a URL, as n8n hands it to the trigger (one value or a list per name). */
function queryOf(url: string): Record<string, string | string[]> {
	const query: Record<string, string | string[]> = {};
	for (const [name, value] of new URL(url).searchParams) {
		const before = query[name];
		query[name] = before === undefined ? value : [...(Array.isArray(before) ? before : [before]), value];
	}
	return query;
}

/** Only what resolveCallbackUrl uses: $execution.resumeUrl. */
function contextWithResumeUrl(resumeUrl: unknown): IExecuteFunctions {
	const evaluated: string[] = [];
	return {
		evaluateExpression(expression: string) {
			evaluated.push(expression);
			if (!/\$execution\.resumeUrl/.test(expression)) throw new Error(`unexpected expression ${expression}`);
			return resumeUrl;
		},
	} as unknown as IExecuteFunctions;
}

const ctx = contextWithResumeUrl('https://n8n.mycompany.com/webhook-waiting/314');


describe('resolveCallbackUrl', () => {
	it('turns a bare Sora Trigger path into this n8n\'s Production URL, read from the resume URL', () => {
		expect(resolveCallbackUrl(ctx, 'ttapi-sora', '')).toBe('https://n8n.mycompany.com/webhook/ttapi-sora');
		expect(resolveCallbackUrl(ctx, '  /ttapi-sora ', '')).toBe('https://n8n.mycompany.com/webhook/ttapi-sora');
		expect(resolveCallbackUrl(ctx, 'webhook/ttapi-sora', '')).toBe('https://n8n.mycompany.com/webhook/ttapi-sora');
		expect(resolveCallbackUrl(ctx, 'a/b/c', '')).toBe('https://n8n.mycompany.com/webhook/a/b/c');
		// n8n under a sub-path keeps it
		const subPath = contextWithResumeUrl('https://host.mycompany.com/n8n/webhook-waiting/9');
		expect(resolveCallbackUrl(subPath, 'ttapi-sora', '')).toBe('https://host.mycompany.com/n8n/webhook/ttapi-sora');
	});

	it("appends the job's kind and the token that signs it when (and only when) a Callback Secret exists", () => {
		expect(resolveCallbackUrl(ctx, 'ttapi-sora', SECRET)).toBe(`https://n8n.mycompany.com/webhook/ttapi-sora?${SIGNED}`);
		expect(resolveCallbackUrl(ctx, 'https://hooks.mycompany.com/webhook/x?keep=a%2Fb', SECRET)).toBe(
			`https://hooks.mycompany.com/webhook/x?keep=a%2Fb&${SIGNED}`,
		);
		expect(resolveCallbackUrl(ctx, 'https://hooks.mycompany.com/webhook/x', '')).toBe('https://hooks.mycompany.com/webhook/x');
		expect(String(resolveCallbackUrl(ctx, 'ttapi-sora', SECRET))).not.toContain(SECRET);
	});

	it('replaces the token and data a pasted URL already had, keeping its other parameters', () => {
		const once = resolveCallbackUrl(ctx, 'ttapi-sora', SECRET) as string;
		expect(resolveCallbackUrl(ctx, once, SECRET)).toBe(once);
		const pasted = `https://n8n.mycompany.com/webhook/ttapi-sora?${CALLBACK_TOKEN_PARAM}=old-token&a=1&${CALLBACK_DATA_PARAM}=old#frag`;
		expect(resolveCallbackUrl(ctx, pasted, SECRET)).toBe(`https://n8n.mycompany.com/webhook/ttapi-sora?a=1&${SIGNED}`);
		expect(once.split(`${CALLBACK_TOKEN_PARAM}=`)).toHaveLength(2);
	});

	it('what it makes, the trigger accepts, with the kind and data it was given', () => {
		for (const signing of [{ kind: 'video' as const }, { kind: 'character' as const, data: { row: 12, sheet: 'x y/ü' } }]) {
			const url = resolveCallbackUrl(ctx, 'ttapi-sora', SECRET, signing) as string;
			expect(checkCallbackUrl(SECRET, queryOf(url))).toEqual({ ok: true, payload: { kind: signing.kind, data: signing.data ?? {} } });
			expect(checkCallbackUrl('another-secret', queryOf(url)).ok).toBe(false);
		}
	});

	it('refuses a Test URL (…/webhook-test/…) with a clear InputError, whether full or bare', () => {
		const full = inputErrorOf(() => resolveCallbackUrl(ctx, 'https://n8n.mycompany.com/webhook-test/ttapi-sora', SECRET));
		expect(full.field).toBe('Callback URL');
		expect(full.message).toMatch(/^Invalid "Callback URL": this is the Sora Trigger's Test URL/);
		expect(full.message).toMatch(/Production URL \(…\/webhook\/…\)/);
		const bare = inputErrorOf(() => resolveCallbackUrl(ctx, 'webhook-test/ttapi-sora', ''));
		expect(bare.message).toMatch(/Test URL/);
	});

	it('refuses a bare path when the resume URL does not show n8n\'s webhook base', () => {
		for (const resumeUrl of ['', undefined, 'https://n8n.mycompany.com/custom-waiting/1']) {
			const error = inputErrorOf(() => resolveCallbackUrl(contextWithResumeUrl(resumeUrl), 'ttapi-sora', SECRET));
			expect(error.message).toMatch(/"ttapi-sora" is not a URL/);
			expect(error.message).toMatch(/full Production URL/);
		}
	});

	it('leaves an empty or non-string value alone', () => {
		expect(resolveCallbackUrl(ctx, '', SECRET)).toBe('');
		expect(resolveCallbackUrl(ctx, '   ', SECRET)).toBe('   ');
		expect(resolveCallbackUrl(ctx, undefined, SECRET)).toBeUndefined();
		expect(resolveCallbackUrl(ctx, 42, SECRET)).toBe(42);
	});
});

describe('callbackUrlFromOptions (Options → Callback URL and Callback Data)', () => {
	const data = (...pairs: Array<[string, unknown]>) => ({ fields: pairs.map(([name, value]) => ({ name, value })) });

	it('signs the Callback Data into the URL, typed, with the kind of job', () => {
		const url = callbackUrlFromOptions(ctx, { callbackUrl: 'ttapi-sora', callbackData: data(['row', 5], ['run', 'r-1']) }, SECRET, 'character') as string;
		const payload = new URL(url).searchParams.get(CALLBACK_DATA_PARAM)!;
		expect(decodeCallbackPayload(payload)).toEqual({ kind: 'character', data: { row: 5, run: 'r-1' } });
		expect(new URL(url).searchParams.get(CALLBACK_TOKEN_PARAM)).toBe(triggerToken(SECRET, payload));
	});

	it('no Callback URL and no Callback Data: nothing', () => {
		expect(callbackUrlFromOptions(ctx, {}, SECRET, 'video')).toBeUndefined();
		expect(callbackUrlFromOptions(ctx, { callbackData: {} }, SECRET, 'video')).toBeUndefined();
	});

	it.each([
		['without a Callback URL', { callbackData: data(['row', 1]) }, SECRET, /^Invalid "Callback Data": needs a Callback URL/],
		['with a blank Callback URL', { callbackUrl: '  ', callbackData: data(['row', 1]) }, SECRET, /needs a Callback URL/],
		['without a Callback Secret on the credential', { callbackUrl: 'ttapi-sora', callbackData: data(['row', 1]) }, '', /Callback Secret/],
		['over the size limit', { callbackUrl: 'ttapi-sora', callbackData: data(['n', 'x'.repeat(2000)]) }, SECRET, /the limit is 1024 bytes/],
	])('refuses Callback Data %s', (_name, options, secret, message) => {
		const error = inputErrorOf(() => callbackUrlFromOptions(ctx, options, secret, 'video'));
		expect(error.field).toBe('Callback Data');
		expect(error.message).toMatch(message);
	});
});
