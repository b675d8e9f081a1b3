import { sleep } from 'n8n-workflow';
import * as n8nWorkflow from 'n8n-workflow';

type SleepWithAbort = (ms: number, signal?: AbortSignal) => Promise<void>;

// sleepWithAbort is in n8n-workflow 1.x but not in 2.x (2.41.0 has only sleep); without it the
// wait is made of sleeps of at most a second, each raced with the signal, so that a cancel or a
// release ends it at once (not at the end of a slice) and leaves no timer running for long.
const sleepWithAbort = (n8nWorkflow as { sleepWithAbort?: SleepWithAbort }).sleepWithAbort;
const FALLBACK_SLICE_MS = 1000;

export class CancelledError extends Error {
	constructor() {
		super('The execution was cancelled');
		this.name = 'CancelledError';
	}
}

export function throwIfCancelled(signal?: AbortSignal): void {
	if (signal?.aborted) throw new CancelledError();
}

/** Waits `ms`, ending early with CancelledError when the execution is cancelled. */
export async function pause(ms: number, signal?: AbortSignal): Promise<void> {
	throwIfCancelled(signal);
	if (sleepWithAbort) {
		// It rejects only when the signal aborts (with n8n's own cancellation error): we say so our way.
		await sleepWithAbort(ms, signal).catch(() => undefined);
		throwIfCancelled(signal);
		return;
	}
	const aborted = abortOf(signal);
	try {
		const until = Date.now() + ms;
		for (let left = ms; left > 0 && !signal?.aborted; left = until - Date.now()) {
			await Promise.race([sleep(Math.min(left, FALLBACK_SLICE_MS)), aborted.happened]);
		}
	} finally {
		aborted.dispose();
	}
	throwIfCancelled(signal);
}

/** A promise that resolves when `signal` aborts (never without one), and a way to stop listening. */
function abortOf(signal?: AbortSignal): { happened: Promise<void>; dispose(): void } {
	if (!signal) return { happened: new Promise<void>(() => undefined), dispose: () => undefined };
	let onAbort = () => undefined as void;
	const happened = new Promise<void>((resolve) => {
		onAbort = () => resolve();
		signal.addEventListener('abort', onAbort, { once: true });
	});
	return { happened, dispose: () => signal.removeEventListener('abort', onAbort) };
}

/** Exponential backoff: base, 2·base, 4·base … capped at `maxMs`. */
export function backoffDelay(attempt: number, baseMs = 1000, maxMs = 30_000): number {
	return Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt));
}

export const QUEUE_FULL_RETRY_MS = 1000;

/** Says how long a submitter waits before it tries again after TTAPI said its queue is full. */
export interface QueueFullPacer {
	nextDelay(): number;
}

/**
 * The retries of a batch's `lanes` parallel submitters after "queue full". Each lane tries about
 * once a second: flat, not doubling, because a place frees the moment any job ends and a doubled
 * wait that just misses it leaves the place empty for many seconds (the refusal created no job and
 * costs nothing). Their tries are spaced evenly, one every second / lanes, so a freed place is
 * taken within that; lanes refused at the same moment would otherwise all try again together.
 */
export function queueFullPacer(lanes: number, now: () => number = Date.now): QueueFullPacer {
	const stepMs = QUEUE_FULL_RETRY_MS / Math.max(1, lanes);
	let lastTryAt = -Infinity;
	return {
		nextDelay() {
			const at = now();
			lastTryAt = Math.max(at + stepMs, lastTryAt + stepMs);
			return Math.round(lastTryAt - at);
		},
	};
}

/** Runs `action` after `ms` unless the returned cancel function is called first. */
export function runLater(ms: number, action: () => void): () => void {
	const controller = new AbortController();
	pause(ms, controller.signal).then(action, () => undefined);
	return () => controller.abort();
}
