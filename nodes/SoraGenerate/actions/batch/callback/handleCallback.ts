import type { IDataObject, IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { CALLBACK_TOKEN_PARAM } from '../../../../shared/callbackAuth';
import { RUNNING_STATUSES, TTAPI_CREDENTIAL_TYPE } from '../../../../shared/constants';
import { fetchJob } from '../../../../shared/soraApi';
import { createTtApiClient } from '../../../../shared/transport';
import { answerWith, startWithin } from '../../../../shared/webhookAnswer';
import type { JobKind, JobKinds } from '../jobKind';
import { ITEM_PARAM, LOOK_PARAM, resumeSecret } from './callbackUrls';
import type { Call, JobRecord } from './decide';
import { decide, refusalOf } from './decide';
import { finishBatch } from './callbackBatch';
import { lookAgain } from './lookAgain';
import type { CallbackBatch } from './storedBatch';
import { readStoredBatch } from './storedBatch';

/** Inside webhook() TTAPI waits for the answer: a few quick tries, not Poll mode's long backoff. */
const FETCH_IN_CALLBACK = { maxAttempts: 3, backoffBaseMs: 500 };

/**
 * TTAPI's records of the jobs not final in the stored batch: the callback's own job first (its
 * body, when Verify With TTAPI is off), then the others, the last submitted first, until one is
 * seen still running; at Max Wait every one (each item's last status is wanted).
 */
async function readRecords(context: IWebhookFunctions, kind: JobKind, batch: CallbackBatch, call: Call): Promise<JobRecord[]> {
	const client = await createTtApiClient(context);
	const own = call.look ? -1 : Number(call.index);
	const order = [...batch.items.keys()].reverse().sort((a, b) => Number(b === own) - Number(a === own));
	const records: JobRecord[] = [];
	for (const index of order) {
		const item = batch.items[index];
		if (item.phase !== 'running') continue;
		const body = index === own && !batch.confirmWithFetch ? ((call as { body: IDataObject }).body) : undefined;
		try {
			records[index] = { result: kind.normalise(body ?? (await fetchJob(client, item.jobId, { ...FETCH_IN_CALLBACK, lookUp: kind.lookUp })), item.jobId) };
		} catch (error) {
			records[index] = { unreadable: (error as Error).message };
		}
		const record = records[index];
		if (Date.now() < batch.deadline && record && 'result' in record && RUNNING_STATUSES.includes(record.result.status)) break;
	}
	return records;
}

/**
 * Wait for Callback's webhook(): the I/O around decide(). Anything thrown from here ends the
 * waiting execution with an error, so only a resume's own end is thrown; any other failure (TTAPI
 * out of reach, n8n's database closing) is answered 503 and the execution keeps waiting.
 */
export async function handleCallback(this: IWebhookFunctions, kinds: JobKinds): Promise<IWebhookResponseData> {
	const batch = readStoredBatch(this);
	const kind = batch && kinds[batch.kind];
	if (!batch || !kind) return answerWith(this, 404, { error: 'This execution is not waiting for Sora Generate callbacks' });
	const query = this.getQueryData() as IDataObject;
	const token = query[CALLBACK_TOKEN_PARAM];
	const call: Call = query[LOOK_PARAM] !== undefined ? { look: true, token } : { index: query[ITEM_PARAM], token, body: this.getBodyData() };
	let failure: unknown;
	let secret: string | undefined;
	try {
		secret = resumeSecret(await this.getCredentials(TTAPI_CREDENTIAL_TYPE));
		const refusal = refusalOf(batch, call, secret);
		if (refusal) return answerWith(this, refusal.answer, { error: refusal.error });
		const verdict = decide({ batch, call, secret, records: await readRecords(this, kind, batch, call), now: Date.now() });
		// A FAILED job without Continue On Fail makes finishBatch throw: the node fails at the resume.
		if ('resume' in verdict) return await startWithin(this.getResponseObject(), { received: true, resumed: true }, async () => [await finishBatch(this, kind, batch, verdict.resume)]);
		lookAgain(this, batch, secret, { soon: verdict.answer === 503 });
		return answerWith(this, verdict.answer, verdict.answer === 200 ? { received: true } : { error: verdict.error });
	} catch (error) {
		failure = error;
	}
	if (failure instanceof NodeOperationError) throw failure;
	const message = failure instanceof Error ? failure.message : String(failure);
	this.logger.warn(`Sora Generate could not handle a callback of execution ${batch.executionId} now; it keeps waiting: ${message}`);
	if (secret !== undefined) lookAgain(this, batch, secret, { soon: true });
	return answerWith(this, 503, { error: `Could not handle the callback now: ${message}` });
}
