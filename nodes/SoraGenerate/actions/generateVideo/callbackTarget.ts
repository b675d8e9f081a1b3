import type { IExecuteFunctions } from 'n8n-workflow';

import { appendQuery, CALLBACK_TOKEN_PARAM, callbackToken, TRIGGER_TOKEN_SCOPE } from '../../../shared/callbackAuth';
import { InputError } from './generationRequest';

const FIELD = 'Callback URL';

/** n8n's production webhook base, read from this execution's resume URL (…/webhook-waiting/<id>). */
function webhookBase(context: IExecuteFunctions): string | undefined {
	const resumeUrl = String(context.evaluateExpression('{{ $execution.resumeUrl }}', 0) ?? '');
	const at = resumeUrl.indexOf('/webhook-waiting/');
	return at > 0 ? resumeUrl.slice(0, at) : undefined;
}

/**
 * The user's Callback URL made ready for TTAPI: a bare Sora Trigger path (e.g. "ttapi-sora")
 * becomes this n8n's Production URL for it, a Test URL is refused (it only works while the
 * editor listens), and the token from the credential's Callback Secret is added.
 */
export function resolveCallbackUrl(context: IExecuteFunctions, raw: unknown, callbackSecret: string): unknown {
	if (typeof raw !== 'string' || !raw.trim()) return raw;
	let url = raw.trim();
	if (!/^[a-z][a-z0-9+.-]*:/i.test(url)) {
		const base = webhookBase(context);
		if (!base) throw new InputError(FIELD, `"${url}" is not a URL, and n8n's webhook URL is unknown here: paste the Sora Trigger's full Production URL`);
		url = `${base}/webhook/${url.replace(/^\/+/, '').replace(/^webhook\//, '')}`;
	}
	if (url.includes('/webhook-test/')) {
		throw new InputError(FIELD, "this is the Sora Trigger's Test URL, which only works while the editor is listening: paste its Production URL (…/webhook/…)");
	}
	if (!callbackSecret || url.includes(`${CALLBACK_TOKEN_PARAM}=`)) return url;
	return appendQuery(url, { [CALLBACK_TOKEN_PARAM]: callbackToken(callbackSecret, TRIGGER_TOKEN_SCOPE) });
}
