import type { IDataObject } from 'n8n-workflow';

import { CancelledError, queueFullPacer } from '../../../shared/backoff';
import { SoraJobError } from '../../../shared/jobError';
import { runPool } from '../../../shared/jobPool';
import type { SubmitLimit } from './submitJob';
import { submitJob } from './submitJob';
import type { JobRun } from './waitForJob';

/** What became of one item: its lane's value, an error, or undefined (never started). */
export type LaneOutcome<T> = { value: T } | { error: unknown } | undefined;

export interface FollowContext {
	body: IDataObject;
	/** The item's deadline (its Timeout in Poll mode, Max Wait when waiting for callbacks). */
	deadline: number;
	/** Starts no more items (the node fails anyway: no quota is spent on them). */
	stop(): void;
}

export interface BatchPlan<T> {
	maxJobsInFlight: number;
	continueOnFail: boolean;
	/** The submission limit of an item that starts now. */
	limitFor(): SubmitLimit;
	/** No item starts after this moment. */
	startBefore?: number;
	/** Called once, when no item is left to submit (every one was sent or ended, or the batch stopped). */
	onSubmissionsOver?(): void;
	/** What a lane does with its item once TTAPI took the job, before it takes the next item. */
	follow(index: number, jobId: string, context: FollowContext): Promise<T>;
}

export interface BatchRunResult<T> {
	outcomes: Array<LaneOutcome<T>>;
	/** The item whose failure stopped the batch (without Continue On Fail, or an insufficient balance). */
	stoppedAt?: number;
}

const notSubmitted = (message: string, description: string) => new SoraJobError('not-submitted', message, { status: 'NOT_SUBMITTED', description });

/** An item never sent because TTAPI refused an earlier one for the balance: it would have failed the same way. */
const notSubmittedForBalance = (refusedIndex: number) =>
	notSubmitted(
		`Not submitted: insufficient balance (TTAPI refused item ${refusedIndex} for it); nothing was charged for this item`,
		'Top up your TTAPI account, then run this item again.',
	);

const isInsufficientBalance = (error: unknown) => error instanceof SoraJobError && error.kind === 'insufficient-balance';

/**
 * The one batch engine of every wait mode: keeps at most Max Jobs in Flight of the batch's jobs at
 * TTAPI, and a lane takes the next item when its job is followed to its end (or let go). Items
 * given as errors (bad input) are not sent. Without Continue On Fail, the first failure stops new
 * submissions.
 */
export async function runBatch<T>(
	run: JobRun,
	requests: Array<IDataObject | Error>,
	plan: BatchPlan<T>,
): Promise<BatchRunResult<T>> {
	const outcomes: Array<LaneOutcome<T>> = requests.map((request) => (request instanceof Error ? { error: request } : undefined));
	const pending = outcomes.flatMap((outcome, index) => (outcome ? [] : [index]));
	let unsent = pending.length;
	let stopped = false;
	let stoppedAt: number | undefined;
	let brokeAt: number | undefined;
	let over = false;
	const submissionsOver = () => {
		if (over || (unsent > 0 && !stopped)) return;
		over = true;
		plan.onSubmissionsOver?.();
	};
	const stopAt = (index: number) => {
		if (!stopped) stoppedAt = index;
		stopped = true;
		submissionsOver();
	};
	submissionsOver();
	const lanes = Math.min(plan.maxJobsInFlight, pending.length);
	const pacer = queueFullPacer(lanes);

	await runPool(
		pending.length,
		plan.maxJobsInFlight,
		async (position) => {
			const index = pending[position];
			const body = requests[index] as IDataObject;
			const limit = plan.limitFor();
			let jobId: string;
			try {
				jobId = await submitJob(run.context, run.client, run.kind, body, index, limit, run.signal, pacer);
			} catch (error) {
				unsent -= 1;
				if (error instanceof CancelledError) return stopAt(index);
				outcomes[index] = { error };
				// Out of balance, every further item would be refused too: none is sent, even with Continue On Fail.
				if (isInsufficientBalance(error)) {
					brokeAt ??= index;
					stopAt(index);
				} else if (!plan.continueOnFail) stopAt(index);
				return submissionsOver();
			}
			unsent -= 1;
			submissionsOver();
			try {
				outcomes[index] = { value: await plan.follow(index, jobId, { body, deadline: limit.deadline, stop: () => stopAt(index) }) };
			} catch (error) {
				if (error instanceof CancelledError) return stopAt(index);
				outcomes[index] = { error };
				if (!plan.continueOnFail) stopAt(index);
			}
		},
		() => !stopped && !run.signal?.aborted && (plan.startBefore === undefined || Date.now() < plan.startBefore),
	);
	const refused = brokeAt;
	const notStarted = () => {
		if (refused !== undefined) return notSubmittedForBalance(refused);
		if (stoppedAt !== undefined) return notSubmitted(`Not submitted: the node stopped after item ${stoppedAt} failed`, 'Nothing was charged for it.');
		const { name, advice } = plan.limitFor();
		return notSubmitted(`Not submitted: ${name} passed while this item waited for a free place among Max Jobs in Flight. Nothing was charged for it.`, `${advice} or Max Jobs in Flight, or run the item again.`);
	};
	outcomes.forEach((outcome, index) => {
		if (!outcome) outcomes[index] = { error: notStarted() };
	});
	return { outcomes, stoppedAt };
}
