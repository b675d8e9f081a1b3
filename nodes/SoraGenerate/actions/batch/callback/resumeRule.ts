import type { BatchItem, CallbackBatch } from './callbackBatch';

/**
 * Whether n8n itself makes sure an execution is resumed once. n8n 2.x does (its resume is an
 * atomic "only if still waiting" update; the loser of two overlapping resumes is refused), and its
 * resume URLs carry its per-execution `signature`. n8n 1.x checks only when a call arrives, so two
 * calls that overlap on two n8n processes (queue mode) would both resume the execution.
 */
export function n8nResumesOnce(resumeUrl: string): boolean {
	try {
		return new URL(resumeUrl).searchParams.has('signature');
	} catch {
		return false;
	}
}

const finishTimeOf = (item: BatchItem) => (item.phase === 'done' && typeof item.result.finishTime === 'string' ? item.result.finishTime : '');

/**
 * The item whose job ended last of those still running when the execution paused (TTAPI's
 * finishTime, ties to the higher item): on n8n 1.x only its callback resumes the execution, so
 * two items' callbacks that find the batch complete at the same moment on two processes cannot
 * both resume it. Every process computes the same item from the same final records.
 */
export function closingItem(stored: CallbackBatch, items: BatchItem[]): number | undefined {
	let closing: number | undefined;
	stored.items.forEach((item, index) => {
		if (item.phase !== 'running') return;
		if (closing === undefined || finishTimeOf(items[index]) >= finishTimeOf(items[closing])) closing = index;
	});
	return closing;
}
