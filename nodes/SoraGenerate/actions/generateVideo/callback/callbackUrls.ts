import type { ICredentialDataDecryptedObject } from 'n8n-workflow';

import { appendQuery, CALLBACK_TOKEN_PARAM, callbackToken, tokenMatches } from '../../../../shared/callbackAuth';
import type { CallbackBatch } from './callbackBatch';

export const ITEM_PARAM = 'ttapiItem';
export const PROBE_PARAM = 'ttapiProbe';

/** The key of our resume tokens: the credential's Callback Secret, or else its API key. */
export function resumeSecret(credentials: ICredentialDataDecryptedObject): string {
	const secret = String(credentials.callbackSecret ?? '') || String(credentials.apiKey ?? '');
	return secret;
}

const itemScope = (batch: CallbackBatch, index: number) => `resume:${batch.executionId}:${index}`;
export type ProbeKind = 'check' | 'deadline';

const probeScope = (batch: CallbackBatch, kind: ProbeKind) => `probe:${kind}:${batch.executionId}`;

/** n8n's resume URL (its 2.x signature kept intact) plus which item it is and our token. */
export function itemHookUrl(batch: CallbackBatch, secret: string, index: number): string {
	return appendQuery(batch.resumeUrl, {
		[ITEM_PARAM]: String(index),
		[CALLBACK_TOKEN_PARAM]: callbackToken(secret, itemScope(batch, index)),
	});
}

/** The URL our own background watch uses to make webhook() check the batch (see watchBatch). */
export function probeUrl(batch: CallbackBatch, secret: string, kind: ProbeKind): string {
	return appendQuery(batch.resumeUrl, {
		[PROBE_PARAM]: kind,
		[CALLBACK_TOKEN_PARAM]: callbackToken(secret, probeScope(batch, kind)),
	});
}

export const itemTokenMatches = (batch: CallbackBatch, secret: string, index: number, given: unknown) =>
	tokenMatches(callbackToken(secret, itemScope(batch, index)), given);

export const probeTokenMatches = (batch: CallbackBatch, secret: string, kind: ProbeKind, given: unknown) =>
	tokenMatches(callbackToken(secret, probeScope(batch, kind)), given);

/** Whether TTAPI's record of a job says it was submitted by this execution for this item. */
export function hookUrlBelongsTo(hookUrl: string, batch: CallbackBatch, secret: string, index: number): boolean {
	let params: URLSearchParams;
	try {
		params = new URL(hookUrl).searchParams;
	} catch {
		return false;
	}
	return params.get(ITEM_PARAM) === String(index) && itemTokenMatches(batch, secret, index, params.get(CALLBACK_TOKEN_PARAM));
}
