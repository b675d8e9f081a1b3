import type { IDataObject } from 'n8n-workflow';

import { backoffDelay, pause, queueFullRetryDelay } from '../../../../shared/backoff';
import { FINAL_STATUSES, RUNNING_STATUSES } from '../../../../shared/constants';
import { SoraJobError } from '../../../../shared/jobError';
import { normaliseJobResult } from '../../../../shared/normalise';
import { fetchJob } from '../../../../shared/soraApi';
import type { TtApiClient } from '../../../../shared/transport';
import { MAX_NOT_SENT_RETRIES, notSentError, submitOnce } from '../submitJob';
import type { CallbackBatch, ItemFailure } from './callbackBatch';
import { inFlightCount } from './callbackBatch';
import { itemHookUrl } from './callbackUrls';

function failureOf(error: unknown): ItemFailure {
	if (error instanceof SoraJobError) {
		return {
			message: error.message,
			description: error.details.description,
			jobId: error.details.jobId,
			status: error.details.status,
		};
	}
	return { message: (error as Error)?.message ?? String(error) };
}

export function failItem(batch: CallbackBatch, index: number, error: unknown): void {
	const item = batch.items[index];
	item.phase = 'failed';
	item.failure = failureOf(error);
	delete item.request;
	// Without Continue On Fail the node fails anyway: spend no quota on items not yet sent.
	if (!batch.continueOnFail) {
		batch.items.forEach((other) => {
			if (other.phase !== 'pending') return;
			other.phase = 'failed';
			other.failure = { message: `Not submitted: the node stopped after item ${index} failed` };
			delete other.request;
		});
	}
}

export interface SubmitOptions {
	/** Wait for a free place when nothing of ours is in flight (no callback would wake us). */
	waitWhenIdle: boolean;
	signal?: AbortSignal;
}

/** Submits pending items while fewer than Max Jobs in Flight are at TTAPI. */
export async function submitAvailable(
	client: TtApiClient,
	batch: CallbackBatch,
	secret: string,
	{ waitWhenIdle, signal }: SubmitOptions,
): Promise<void> {
	let notSentRetries = 0;
	for (;;) {
		const index = batch.items.findIndex((item) => item.phase === 'pending');
		if (index < 0 || inFlightCount(batch) >= batch.maxJobsInFlight) return;
		const item = batch.items[index];
		let attempt;
		try {
			attempt = await submitOnce(client, { ...item.request, hookUrl: itemHookUrl(batch, secret, index) });
		} catch (error) {
			failItem(batch, index, error);
			continue;
		}
		if ('jobId' in attempt) {
			item.phase = 'submitted';
			item.jobId = attempt.jobId;
			item.lastStatus = 'SUBMITTED';
			delete item.request;
			notSentRetries = 0;
			continue;
		}
		// Refused without creating a job: safe to try again, but only wait here if no callback of
		// ours is coming to wake the batch up.
		if (inFlightCount(batch) > 0 || !waitWhenIdle) return;
		if ('notSent' in attempt && notSentRetries++ >= MAX_NOT_SENT_RETRIES) {
			failItem(batch, index, notSentError(attempt.notSent));
			notSentRetries = 0;
			continue;
		}
		const delay = 'queueFull' in attempt ? queueFullRetryDelay() : backoffDelay(notSentRetries - 1, 1000, 15_000);
		if (Date.now() + delay > batch.deadline) {
			failItem(batch, index, new SoraJobError('timeout', `Not submitted before Max Wait passed: ${'queueFull' in attempt ? attempt.queueFull : attempt.notSent}; nothing was charged`));
			continue;
		}
		await pause(delay, signal);
	}
}

export type RecordOutcome = 'final' | 'running' | 'unknown';

/** Stores what TTAPI says of an item's job. Unknown statuses end the item instead of waiting forever. */
export function recordJobRecord(batch: CallbackBatch, index: number, record: IDataObject): RecordOutcome {
	const item = batch.items[index];
	const result = normaliseJobResult(record, item.jobId);
	item.lastStatus = result.status;
	if (FINAL_STATUSES.includes(result.status)) {
		item.phase = 'done';
		item.result = result;
		return 'final';
	}
	if (RUNNING_STATUSES.includes(result.status)) return 'running';
	failItem(
		batch,
		index,
		new SoraJobError('unknown-status', `TTAPI reported an unknown status "${result.status}" for job ${result.jobId}`, {
			jobId: result.jobId,
			status: result.status,
			description: 'The node stopped waiting for it. Look the job up later with Get Video.',
		}),
	);
	return 'unknown';
}

/** Asks TTAPI about every job still in flight: how lost callbacks are found. */
export async function refreshInFlight(client: TtApiClient, batch: CallbackBatch, signal?: AbortSignal): Promise<void> {
	for (const [index, item] of batch.items.entries()) {
		if (item.phase !== 'submitted' || !item.jobId) continue;
		try {
			recordJobRecord(batch, index, await fetchJob(client, item.jobId, { signal }));
		} catch (error) {
			// A status we could not read now is read again at the next check; the job is not lost.
			if (!(error instanceof SoraJobError) || error.kind === 'unauthorized') throw error;
		}
	}
}
