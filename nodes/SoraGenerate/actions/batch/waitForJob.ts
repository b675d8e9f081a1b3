import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { CancelledError, pause } from '../../../shared/backoff';
import { FINAL_STATUSES, RUNNING_STATUSES, SUBMITTED_STATUS } from '../../../shared/constants';
import { SoraJobError } from '../../../shared/jobError';
import { fetchJob } from '../../../shared/soraApi';
import type { TtApiClient } from '../../../shared/transport';
import type { JobKind, JobResult } from './jobKind';

/** What execute() works with while a batch runs. */
export interface JobRun {
	context: IExecuteFunctions;
	client: TtApiClient;
	kind: JobKind;
	pollIntervalMs: number;
	/** The execution's cancel signal. */
	signal?: AbortSignal;
}

export interface WaitOptions {
	deadline: number;
	/** Aborted once nobody needs this job watched here any more (Wait for Callback: all items are at TTAPI). */
	release?: AbortSignal;
	/** A status that cannot be read now is read again at the next poll (a callback comes anyway). */
	keepWaitingOnFetchFailure?: boolean;
}

/** A final record, or the last status seen when the wait ended first (deadline or release). */
export type JobProgress = { result: JobResult } | { lastStatus: string };

/** A signal aborted by either of two; `dispose` removes its listeners (a batch waits on many jobs). */
function eitherSignal(first?: AbortSignal, second?: AbortSignal): { signal?: AbortSignal; dispose: () => void } {
	if (!first || !second) return { signal: first ?? second, dispose: () => undefined };
	const controller = new AbortController();
	const abort = () => controller.abort();
	if (first.aborted || second.aborted) abort();
	first.addEventListener('abort', abort, { once: true });
	second.addEventListener('abort', abort, { once: true });
	return {
		signal: controller.signal,
		dispose: () => {
			first.removeEventListener('abort', abort);
			second.removeEventListener('abort', abort);
		},
	};
}

/** Asks TTAPI about one job every poll interval until it is final, the deadline passes, or it is released. */
export async function waitForJob(run: JobRun, jobId: string, itemIndex: number, options: WaitOptions): Promise<JobProgress> {
	const { client, kind, signal } = run;
	const interrupt = eitherSignal(signal, options.release);
	let lastStatus = SUBMITTED_STATUS;
	try {
		for (;;) {
			if (options.release?.aborted) return { lastStatus };
			let failure: unknown;
			try {
				await pause(Math.max(0, Math.min(run.pollIntervalMs, options.deadline - Date.now())), interrupt.signal);
			} catch (error) {
				failure = error;
			}
			// Released while pausing: the pause ends early. A cancelled execution still stops here.
			if (failure instanceof CancelledError && !signal?.aborted) return { lastStatus };
			if (failure) throw failure;
			let record: IDataObject | undefined;
			try {
				record = await fetchJob(client, jobId, { signal, lookUp: kind.lookUp });
			} catch (error) {
				failure = error;
			}
			if (!record) {
				const retry = options.keepWaitingOnFetchFailure && failure instanceof SoraJobError && failure.kind === 'fetch-failed';
				if (!retry) throw failure;
				if (Date.now() >= options.deadline) return { lastStatus };
				continue;
			}
			const result = kind.normalise(record, jobId);
			if (FINAL_STATUSES.includes(result.status)) return { result };
			if (!RUNNING_STATUSES.includes(result.status)) throw unknownStatusError(jobId, result.status, kind.lookUp);
			lastStatus = result.status;
			if (Date.now() >= options.deadline) return { lastStatus };
		}
	} finally {
		interrupt.dispose();
		// A cancelled (or, on n8n 1.x, shut down) execution outputs nothing: the log keeps the job ID.
		if (signal?.aborted) {
			run.context.logger.warn(
				`Sora Generate stopped waiting for TTAPI job ${jobId} (item ${itemIndex}): the execution was cancelled. The job goes on at TTAPI; fetch it later with ${kind.lookUp} and this job ID.`,
			);
		}
	}
}

export function unknownStatusError(jobId: string, status: string, lookUp = 'Get Video'): SoraJobError {
	return new SoraJobError('unknown-status', `TTAPI reported an unknown status "${status}" for job ${jobId}`, {
		jobId,
		status,
		description: `The node stopped waiting rather than wait forever. Look the job up later with ${lookUp}.`,
	});
}

/** A job that was still running when the wait's limit (`limit`: "Max Wait", "the timeout of 30 min") passed. */
export function stillRunningError(jobId: string, lastStatus: string, limit: string, lookUp = 'Get Video'): SoraJobError {
	return new SoraJobError('timeout', `Job ${jobId} was still ${lastStatus} when ${limit} passed`, {
		jobId,
		status: lastStatus,
		description: `The job goes on at TTAPI. Fetch it later with the ${lookUp} operation and job ID ${jobId}.`,
	});
}
