import type { IDataObject, INodeExecutionData, IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { CALLBACK_TOKEN_PARAM } from '../../../../shared/callbackAuth';
import { TTAPI_CREDENTIAL_TYPE } from '../../../../shared/constants';
import { isTtapiJobRecord } from '../../../../shared/normalise';
import { SoraJobError } from '../../../../shared/jobError';
import { fetchJob, readJobId } from '../../../../shared/soraApi';
import { createTtApiClient, TtApiTransportError } from '../../../../shared/transport';
import { answerWithin } from '../../../../shared/webhookAnswer';
import { recordJobRecord, refreshInFlight, submitAvailable } from './batchProgress';
import type { CallbackBatch } from './callbackBatch';
import { adoptStoredBatch, BATCH_KEY, isBatchDone, isCallbackBatch } from './callbackBatch';
import {
	hookUrlBelongsTo,
	ITEM_PARAM,
	itemTokenMatches,
	PROBE_PARAM,
	probeTokenMatches,
	resumeSecret,
} from './callbackUrls';
import { finishBatch } from './finishBatch';
import { hasResumed, liveBatch, markResumed, rememberBatch, withBatchLock } from './liveBatches';
import { watchAdoptedBatch } from './watchBatch';

const RESUMED = { received: true, resumed: true };

function answer(context: IWebhookFunctions, status: number, body: IDataObject): IWebhookResponseData {
	context.getResponseObject().status(status).json(body);
	return { noWebhookResponse: true };
}

/** The batch this execution stored when it paused (webhook() sees the waiting node's input). */
function readStoredBatch(context: IWebhookFunctions): CallbackBatch | undefined {
	try {
		const value = context.evaluateExpression(`{{ $input.first().${BATCH_KEY} }}`, 0);
		return isCallbackBatch(value) ? value : undefined;
	} catch {
		return undefined;
	}
}

/** This process's copy of the batch; adopted from the stored copy (and watched) if it has none. */
function currentBatch(context: IWebhookFunctions, stored: CallbackBatch, secret: string): CallbackBatch {
	const live = liveBatch(stored.executionId);
	if (live) return live;
	const adopted = adoptStoredBatch(stored);
	rememberBatch(adopted);
	watchAdoptedBatch(context, adopted, secret);
	return adopted;
}

/** Answers 200 and keeps waiting until every job has ended; then resumes. */
async function resumeIfDone(context: IWebhookFunctions, batch: CallbackBatch): Promise<IWebhookResponseData> {
	if (!isBatchDone(batch)) {
		rememberBatch(batch);
		return { webhookResponse: { received: true } };
	}
	return await resume(context, batch);
}

/**
 * Resumes the execution with one item per input item. When the videos download within the
 * budget, n8n answers once it has resumed the execution (2.x: after it is registered), so a 200
 * never stands for a resume that n8n dropped (a shutdown). Past the budget TTAPI gets its 200
 * from us: it must not time out waiting for the downloads.
 */
async function resume(context: IWebhookFunctions, batch: CallbackBatch): Promise<IWebhookResponseData> {
	const reply = answerWithin(context.getResponseObject(), RESUMED);
	let items: INodeExecutionData[] | undefined;
	try {
		items = await finishBatch(context, batch);
	} finally {
		reply.cancel();
		// finishBatch threw (a FAILED job fails the node): the batch is over, the callback handled.
		if (!items) reply.answerNow();
		// From now on n8n takes over; if it does not, a later call gets the batch back (hasResumed).
		markResumed(batch.executionId, batch);
	}
	return reply.start([items]);
}

/**
 * Anything thrown from webhook() ends the waiting execution with an error, so a TTAPI hiccup
 * while confirming is answered 503 instead: the batch keeps waiting and the safety check (or
 * TTAPI calling again) picks the job up later.
 */
async function keepWaitingOnTtapiTrouble(
	context: IWebhookFunctions,
	work: () => Promise<IWebhookResponseData>,
): Promise<IWebhookResponseData> {
	try {
		return await work();
	} catch (error) {
		if (error instanceof SoraJobError || error instanceof TtApiTransportError) {
			return answer(context, 503, { error: `Could not confirm with TTAPI now: ${error.message}` });
		}
		// n8n's own errors (a FAILED job failing the node at resume) keep their description.
		throw error instanceof NodeOperationError ? error : new NodeOperationError(context.getNode(), error as Error);
	}
}

export async function handleCallback(this: IWebhookFunctions): Promise<IWebhookResponseData> {
	const stored = readStoredBatch(this);
	if (!stored) return answer(this, 404, { error: 'This execution is not waiting for Sora Generate callbacks' });
	const secret = resumeSecret(await this.getCredentials(TTAPI_CREDENTIAL_TYPE));
	const query = this.getQueryData() as IDataObject;
	const executionId = stored.executionId;

	const probe = query[PROBE_PARAM];
	if (probe !== undefined) {
		const kind = probe === 'deadline' ? 'deadline' : 'check';
		if (!probeTokenMatches(stored, secret, kind, query[CALLBACK_TOKEN_PARAM])) {
			return answer(this, 401, { error: 'Wrong or missing token' });
		}
		return await withBatchLock(executionId, async () =>
			keepWaitingOnTtapiTrouble(this, async () => {
				if (hasResumed(executionId)) return answer(this, 200, { received: true, resumed: true });
				const batch = currentBatch(this, stored, secret);
				const client = await createTtApiClient(this);
				await refreshInFlight(client, batch);
				// Max Wait has passed: end with what is known; every unfinished item keeps its job ID.
				if (kind === 'deadline' && Date.now() >= batch.deadline) return await resume(this, batch);
				await submitAvailable(client, batch, secret, { waitWhenIdle: false });
				return await resumeIfDone(this, batch);
			}),
		);
	}

	const index = Number(query[ITEM_PARAM]);
	if (!Number.isInteger(index) || index < 0 || index >= stored.items.length) {
		return answer(this, 400, { error: 'This callback URL names no item of the batch' });
	}
	if (!itemTokenMatches(stored, secret, index, query[CALLBACK_TOKEN_PARAM])) {
		return answer(this, 401, { error: 'Wrong or missing token' });
	}
	const body = this.getBodyData();
	if (!isTtapiJobRecord(body)) return answer(this, 400, { error: 'The body is not a TTAPI job result' });
	const jobId = readJobId(body) as string;

	return await withBatchLock(executionId, async () =>
		keepWaitingOnTtapiTrouble(this, async () => {
			// n8n may still show the execution as waiting for a moment after we resumed it.
			if (hasResumed(executionId)) return answer(this, 200, { received: true, duplicate: true });
			const batch = currentBatch(this, stored, secret);
			// A resume n8n did not take (see hasResumed) is done again by whichever call comes next.
			if (isBatchDone(batch)) return await resume(this, batch);
			const item = batch.items[index];
			if (item.phase === 'done' || item.phase === 'failed') return answer(this, 200, { received: true, duplicate: true });
			if (item.jobId ? item.jobId !== jobId : item.phase !== 'unaccounted') {
				return answer(this, 403, { error: 'This job was not submitted for this item' });
			}
			const client = await createTtApiClient(this);
			let record: IDataObject = body;
			if (batch.confirmWithFetch || !item.jobId) {
				record = await fetchJob(client, jobId);
				const hookUrl = (record.data as IDataObject | undefined)?.hookUrl;
				const provenHere = typeof hookUrl === 'string' && hookUrlBelongsTo(hookUrl, batch, secret, index);
				// TTAPI echoes the hookUrl it was given; when it does, it must be ours for this item.
				if ((typeof hookUrl === 'string' && hookUrl && !provenHere) || (!item.jobId && !provenHere)) {
					return answer(this, 403, { error: 'This job was not submitted for this item' });
				}
			}
			item.jobId = jobId;
			if (recordJobRecord(batch, index, record) === 'running') {
				rememberBatch(batch);
				return answer(this, 200, { received: true, final: false });
			}
			await submitAvailable(client, batch, secret, { waitWhenIdle: false });
			return await resumeIfDone(this, batch);
		}),
	);
}
