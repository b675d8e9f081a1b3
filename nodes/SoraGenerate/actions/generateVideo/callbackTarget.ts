import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import type { CallbackJobKind } from '../../../shared/callbackAuth';
import {
	appendQuery,
	CALLBACK_DATA_PARAM,
	CALLBACK_TOKEN_PARAM,
	encodeCallbackPayload,
	triggerToken,
	withoutQueryParams,
} from '../../../shared/callbackAuth';
import { CALLBACK_DATA_FIELD, readCallbackData } from './callbackData';
import { InputError, isUnset } from './generationRequest';

const FIELD = 'Callback URL';

/** n8n's production webhook base, read from this execution's resume URL (…/webhook-waiting/<id>). */
function webhookBase(context: IExecuteFunctions): string | undefined {
	const resumeUrl = String(context.evaluateExpression('{{ $execution.resumeUrl }}', 0) ?? '');
	const at = resumeUrl.indexOf('/webhook-waiting/');
	return at > 0 ? resumeUrl.slice(0, at) : undefined;
}

/** What a Sora Trigger URL tells the trigger about the job: its kind and the user's Callback Data. */
export interface CallbackSigning {
	kind: CallbackJobKind;
	data?: IDataObject;
}

/**
 * The user's Callback URL made ready for TTAPI: a bare Sora Trigger path (e.g. "ttapi-sora")
 * becomes this n8n's Production URL for it, a Test URL is refused (it only works while the
 * editor listens), and, with the credential's Callback Secret, the job's kind and Callback Data
 * (ttapiData) and the token that signs them are added, in place of any a pasted URL had.
 */
export function resolveCallbackUrl(context: IExecuteFunctions, raw: unknown, callbackSecret: string, signing: CallbackSigning = { kind: 'video' }): unknown {
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
	if (!callbackSecret) return url;
	const payload = encodeCallbackPayload({ kind: signing.kind, data: signing.data ?? {} });
	return appendQuery(withoutQueryParams(url, [CALLBACK_DATA_PARAM, CALLBACK_TOKEN_PARAM]), {
		[CALLBACK_TOKEN_PARAM]: triggerToken(callbackSecret, payload),
		[CALLBACK_DATA_PARAM]: payload,
	});
}

/**
 * The hookUrl for one item in Don't Wait, from its Options (Callback URL, Callback Data).
 * Callback Data needs a Callback URL to travel with, and a Callback Secret to be signed with.
 */
export function callbackUrlFromOptions(
	context: IExecuteFunctions,
	options: IDataObject,
	callbackSecret: string,
	kind: CallbackJobKind,
): unknown {
	const data = readCallbackData(options.callbackData);
	if (data && (isUnset(options.callbackUrl) || (typeof options.callbackUrl === 'string' && !options.callbackUrl.trim()))) {
		throw new InputError(CALLBACK_DATA_FIELD, 'needs a Callback URL to travel with: set Options → Callback URL to your Sora Trigger (e.g. its Path, ttapi-sora)');
	}
	if (data && !callbackSecret) {
		throw new InputError(CALLBACK_DATA_FIELD, 'is signed with the Callback Secret of the TTAPI credential, which has none: set "Callback Secret" on the credential (the Sora Trigger needs it too)');
	}
	return resolveCallbackUrl(context, options.callbackUrl, callbackSecret, { kind, data });
}
