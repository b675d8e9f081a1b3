import type { IExecuteFunctions } from 'n8n-workflow';

import { resolveCallbackUrl } from '../../nodes/SoraGenerate/actions/generateVideo/callbackTarget';
import { InputError } from '../../nodes/SoraGenerate/actions/generateVideo/generationRequest';
import { CALLBACK_TOKEN_PARAM, callbackToken, TRIGGER_TOKEN_SCOPE } from '../../nodes/shared/callbackAuth';

const SECRET = 'unit-callback-secret-77';
const TOKEN = callbackToken(SECRET, TRIGGER_TOKEN_SCOPE);

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

function inputErrorOf(run: () => unknown): InputError {
	try {
		run();
	} catch (error) {
		expect(error).toBeInstanceOf(InputError);
		return error as InputError;
	}
	throw new Error('expected an InputError');
}

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

	it('appends the trigger token when (and only when) a Callback Secret exists', () => {
		expect(resolveCallbackUrl(ctx, 'ttapi-sora', SECRET)).toBe(
			`https://n8n.mycompany.com/webhook/ttapi-sora?${CALLBACK_TOKEN_PARAM}=${TOKEN}`,
		);
		expect(resolveCallbackUrl(ctx, 'https://hooks.mycompany.com/webhook/x?keep=a%2Fb', SECRET)).toBe(
			`https://hooks.mycompany.com/webhook/x?keep=a%2Fb&${CALLBACK_TOKEN_PARAM}=${TOKEN}`,
		);
		expect(resolveCallbackUrl(ctx, 'https://hooks.mycompany.com/webhook/x', '')).toBe('https://hooks.mycompany.com/webhook/x');
		expect(String(resolveCallbackUrl(ctx, 'ttapi-sora', SECRET))).not.toContain(SECRET);
	});

	it('does not append the token twice', () => {
		const once = resolveCallbackUrl(ctx, 'ttapi-sora', SECRET) as string;
		expect(resolveCallbackUrl(ctx, once, SECRET)).toBe(once);
		expect(once.split(`${CALLBACK_TOKEN_PARAM}=`)).toHaveLength(2);
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
