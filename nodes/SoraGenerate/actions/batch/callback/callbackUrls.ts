import type { ICredentialDataDecryptedObject } from 'n8n-workflow';

import { appendQuery, CALLBACK_TOKEN_PARAM, callbackToken, tokenMatches } from '../../../../shared/callbackAuth';
import type { CallbackBatch } from './storedBatch';

type BatchAddress = Pick<CallbackBatch, 'executionId' | 'resumeUrl'>;
export const ITEM_PARAM = 'ttapiItem';
export const LOOK_PARAM = 'ttapiLook';

/** The key of our resume tokens: the credential's Callback Secret, or else its API key. */
export const resumeSecret = (credentials: ICredentialDataDecryptedObject) =>
	String(credentials.callbackSecret ?? '') || String(credentials.apiKey ?? '');

const itemScope = (batch: BatchAddress, index: number) => `resume:${batch.executionId}:${index}`;
const lookScope = (batch: BatchAddress) => `look:${batch.executionId}`;
/** TTAPI's hookUrl for one item: n8n's resume URL (its signature kept intact), the item and our token. */
export const itemHookUrl = (batch: BatchAddress, secret: string, index: number) =>
	appendQuery(batch.resumeUrl, { [ITEM_PARAM]: String(index), [CALLBACK_TOKEN_PARAM]: callbackToken(secret, itemScope(batch, index)) });

/** The URL the look-again loop calls so that webhook() looks at the batch again. */
export const lookUrl = (batch: BatchAddress, secret: string) =>
	appendQuery(batch.resumeUrl, { [LOOK_PARAM]: '1', [CALLBACK_TOKEN_PARAM]: callbackToken(secret, lookScope(batch)) });

export const itemTokenMatches = (batch: BatchAddress, secret: string, index: number, given: unknown) =>
	tokenMatches(callbackToken(secret, itemScope(batch, index)), given);

export const lookTokenMatches = (batch: BatchAddress, secret: string, given: unknown) => tokenMatches(callbackToken(secret, lookScope(batch)), given);
