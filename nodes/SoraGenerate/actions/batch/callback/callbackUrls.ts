import type { ICredentialDataDecryptedObject } from 'n8n-workflow';

import { appendQuery, CALLBACK_TOKEN_PARAM, callbackToken, tokenMatches } from '../../../../shared/callbackAuth';
import type { CallbackBatch } from './callbackBatch';

/** What a URL of a waiting batch is made of. */
type BatchAddress = Pick<CallbackBatch, 'executionId' | 'resumeUrl'>;

export const ITEM_PARAM = 'ttapiItem';
export const PROBE_PARAM = 'ttapiProbe';

/** The key of our resume tokens: the credential's Callback Secret, or else its API key. */
export function resumeSecret(credentials: ICredentialDataDecryptedObject): string {
	const secret = String(credentials.callbackSecret ?? '') || String(credentials.apiKey ?? '');
	return secret;
}

const itemScope = (batch: BatchAddress, index: number) => `resume:${batch.executionId}:${index}`;
export type ProbeKind = 'check' | 'deadline';

const probeScope = (batch: BatchAddress, kind: ProbeKind) => `probe:${kind}:${batch.executionId}`;

/** n8n's resume URL (its 2.x signature kept intact) plus which item it is and our token. */
export function itemHookUrl(batch: BatchAddress, secret: string, index: number): string {
	return appendQuery(batch.resumeUrl, {
		[ITEM_PARAM]: String(index),
		[CALLBACK_TOKEN_PARAM]: callbackToken(secret, itemScope(batch, index)),
	});
}

/** The URL this package's own knocks use to make webhook() check the batch (see watchBatch). */
export function probeUrl(batch: BatchAddress, secret: string, kind: ProbeKind): string {
	return appendQuery(batch.resumeUrl, {
		[PROBE_PARAM]: kind,
		[CALLBACK_TOKEN_PARAM]: callbackToken(secret, probeScope(batch, kind)),
	});
}

export const itemTokenMatches = (batch: BatchAddress, secret: string, index: number, given: unknown) =>
	tokenMatches(callbackToken(secret, itemScope(batch, index)), given);

export const probeTokenMatches = (batch: BatchAddress, secret: string, kind: ProbeKind, given: unknown) =>
	tokenMatches(callbackToken(secret, probeScope(batch, kind)), given);
