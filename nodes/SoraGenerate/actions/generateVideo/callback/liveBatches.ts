import type { CallbackBatch } from './callbackBatch';

const MAX_LIVE_BATCHES = 500;

/**
 * The batches this n8n process is waiting on, by execution id. A waiting webhook cannot write
 * to n8n's database, so callbacks that arrive before the last are remembered here; the copy in
 * the execution's stored input is the fallback after a restart.
 */
const live = new Map<string, CallbackBatch>();
const locks = new Map<string, Promise<unknown>>();
/** Executions this process has resumed: a late duplicate or safety check must not resume again. */
const resumed = new Map<string, { at: number; batch?: CallbackBatch }>();
/**
 * n8n routes calls to webhook() only while the execution is waiting, and marks it running within
 * moments of our resume. A call routed here longer after that means n8n did not take the resume
 * (it failed to restart the execution, e.g. just after its own restart): resume again then.
 */
export const RESUME_SETTLE_MS = 1500;
/** Executions this process runs a background watch for: one each. */
const watched = new Set<string>();

export function liveBatch(executionId: string): CallbackBatch | undefined {
	return live.get(executionId);
}

export function rememberBatch(batch: CallbackBatch): void {
	live.delete(batch.executionId);
	live.set(batch.executionId, batch);
	while (live.size > MAX_LIVE_BATCHES) live.delete(live.keys().next().value as string);
}

export function markResumed(executionId: string, batch?: CallbackBatch): void {
	live.delete(executionId);
	resumed.delete(executionId);
	resumed.set(executionId, { at: Date.now(), batch });
	while (resumed.size > MAX_LIVE_BATCHES) resumed.delete(resumed.keys().next().value as string);
}

/** Whether this process resumed the execution just now; an old resume that did not take is undone. */
export function hasResumed(executionId: string, now = Date.now()): boolean {
	const mark = resumed.get(executionId);
	if (!mark) return false;
	if (now - mark.at < RESUME_SETTLE_MS) return true;
	resumed.delete(executionId);
	if (mark.batch) rememberBatch(mark.batch);
	return false;
}

/** True the first time for an execution: the caller starts its watch. */
export function claimWatch(executionId: string): boolean {
	if (watched.has(executionId)) return false;
	watched.add(executionId);
	while (watched.size > MAX_LIVE_BATCHES) watched.delete(watched.values().next().value as string);
	return true;
}

export function forgetBatch(executionId: string): void {
	live.delete(executionId);
}

/** Runs callbacks of one execution one at a time, so two of them never submit the same item. */
export async function withBatchLock<T>(executionId: string, work: () => Promise<T>): Promise<T> {
	const previous = locks.get(executionId) ?? Promise.resolve();
	const run = previous.catch(() => undefined).then(work);
	const tail = run.catch(() => undefined);
	locks.set(executionId, tail);
	try {
		return await run;
	} finally {
		if (locks.get(executionId) === tail) locks.delete(executionId);
	}
}
