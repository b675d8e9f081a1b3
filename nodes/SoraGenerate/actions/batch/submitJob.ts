import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import type { QueueFullPacer } from '../../../shared/backoff';
import { backoffDelay, pause, queueFullPacer } from '../../../shared/backoff';
import { SoraJobError, unauthorizedError } from '../../../shared/jobError';
import type { TtApiClient } from '../../../shared/transport';
import type { JobKind } from './jobKind';

export const MAX_NOT_SENT_RETRIES = 3;

export type SubmitAttempt = { jobId: string } | { queueFull: string } | { rateLimited: string } | { notSent: string };

/** TTAPI said the balance does not cover the job: the run submits nothing more (each would fail the same way). */
export function insufficientBalanceError(message: string, httpCode: number): SoraJobError {
	return new SoraJobError('insufficient-balance', `TTAPI refused the job: insufficient balance (${message}); the job was not created and nothing was charged`, {
		httpCode,
		ttapiMessage: message,
		status: 'NOT_SUBMITTED',
		description: 'Top up your TTAPI account, then run the items again. No further items of this run were submitted.',
	});
}

/**
 * One submission. Returns the job id, or says the refusal provably created no job (queue full,
 * never sent). Anything that may have created a job, or that will fail again, throws.
 */
export async function submitOnce(client: TtApiClient, kind: JobKind, body: IDataObject): Promise<SubmitAttempt> {
	const outcome = await kind.submit(client, body);
	switch (outcome.kind) {
		case 'accepted':
			return { jobId: outcome.jobId };
		case 'queue-full':
			return { queueFull: outcome.message };
		case 'rate-limited':
			return { rateLimited: outcome.message };
		case 'insufficient-balance':
			throw insufficientBalanceError(outcome.message, outcome.httpCode);
		case 'not-sent':
			return { notSent: outcome.message };
		case 'rejected':
			throw new SoraJobError('rejected', `TTAPI refused the job: ${outcome.message}`, {
				httpCode: outcome.httpCode,
				ttapiMessage: outcome.message,
			});
		case 'unauthorized':
			throw unauthorizedError(outcome.message);
		case 'uncertain':
			throw new SoraJobError(
				'uncertain-submit',
				`The generation request may have reached TTAPI, but no usable answer came back (${outcome.message}). It was not sent again, so it cannot be charged twice.`,
				{
					description:
						'Look for the job in your TTAPI dashboard before running this item again: if it was created, it will finish and be charged once.',
				},
			);
	}
}

/** The request never reached TTAPI, several times over: give up on the item, which cost nothing. */
export function notSentError(message: string): SoraJobError {
	return new SoraJobError('rejected', `${message}; nothing was sent, so nothing was charged`, {
		description: "Check the Base URL in the TTAPI credential and this machine's network.",
	});
}

export interface SubmitLimit {
	/** When to stop waiting for TTAPI's queue to take the job. */
	deadline: number;
	/** What the deadline is called in the node ("the timeout", "Max Wait"). */
	name: string;
	/** What to raise when it passes. */
	advice: string;
}

/**
 * Submits one item, obeying the money rule: it is sent again only after a refusal that provably
 * created no job (queue full or exhausted, HTTP 429, connection never made). Every job TTAPI accepts is logged at once
 * (execution, item, job ID) so it can be found with Get Video even if this process dies.
 */
export async function submitJob(
	context: IExecuteFunctions,
	client: TtApiClient,
	kind: JobKind,
	body: IDataObject,
	itemIndex: number,
	limit: SubmitLimit,
	signal?: AbortSignal,
	pacer: QueueFullPacer = queueFullPacer(1),
): Promise<string> {
	let notSentRetries = 0;
	let rateLimitedRetries = 0;
	for (;;) {
		const attempt = await submitOnce(client, kind, body);
		if ('jobId' in attempt) {
			const executionId = String(context.getExecutionId());
			context.logger.info(
				`${context.getNode().name}: TTAPI accepted job ${attempt.jobId} for item ${itemIndex} of execution ${executionId}`,
				{ executionId, itemIndex, jobId: attempt.jobId },
			);
			return attempt.jobId;
		}
		if ('queueFull' in attempt) {
			const delay = pacer.nextDelay();
			if (Date.now() + delay > limit.deadline) {
				throw new SoraJobError(
					'timeout',
					`TTAPI's queue stayed full until ${limit.name} passed (${attempt.queueFull}); the job was not created and nothing was charged`,
					{ status: 'NOT_SUBMITTED', description: `${limit.advice}, or lower "Max Jobs in Flight" if other workflows share this TTAPI account.` },
				);
			}
			await pause(delay, signal);
			continue;
		}
		if ('rateLimited' in attempt) {
			// HTTP 429: too many requests. Unlike a full queue, sending again at once only adds to them: back off.
			const delay = backoffDelay(rateLimitedRetries++);
			if (Date.now() + delay > limit.deadline) {
				throw new SoraJobError(
					'timeout',
					`TTAPI kept answering HTTP 429 (too many requests: ${attempt.rateLimited}) until ${limit.name} passed; the job was not created and nothing was charged`,
					{ status: 'NOT_SUBMITTED', description: `${limit.advice}, or run fewer workflows against this TTAPI account at once.` },
				);
			}
			await pause(delay, signal);
			continue;
		}
		if (notSentRetries >= MAX_NOT_SENT_RETRIES) throw notSentError(attempt.notSent);
		await pause(backoffDelay(notSentRetries++), signal);
	}
}
