import type { JobResult } from '../jobKind';
import type { ItemFailure } from './callbackBatch';

/** How a job ended: TTAPI's final record, or a failure (an unknown status). */
export type JobEnd = { result: JobResult } | { failure: ItemFailure };

/**
 * What this n8n process remembers of waiting batches. It is only a cache: in queue mode every call
 * can land on another process, so every decision comes from the stored batch and TTAPI, and would
 * be the same without it. It spares TTAPI repeated questions, runs one timer per batch, and keeps
 * this process from resuming one execution twice.
 */
const MAX_ENTRIES = 2000;

function remember<V>(map: Map<string, V>, key: string, value: V): void {
	map.delete(key);
	map.set(key, value);
	while (map.size > MAX_ENTRIES) map.delete(map.keys().next().value as string);
}

/** Final records by job ID: a job's final record never changes. */
const finals = new Map<string, JobEnd>();

export const cachedFinal = (jobId: string) => finals.get(jobId);
export const cacheFinal = (jobId: string, end: JobEnd) => remember(finals, jobId, end);

/** Timers (watches, rechecks) this process runs, by name: one each. */
const timers = new Map<string, AbortController>();

/** A signal for the new timer, or undefined when this process runs one of that name already. */
export function claimTimer(name: string): AbortSignal | undefined {
	if (timers.has(name)) return undefined;
	const controller = new AbortController();
	remember(timers, name, controller);
	return controller.signal;
}

export function releaseTimer(name: string, signal: AbortSignal): void {
	if (timers.get(name)?.signal === signal) timers.delete(name);
}

/**
 * n8n marks a resumed execution as running within moments of webhook() returning its output, and
 * only then refuses further calls to it; n8n 1.x does not even check again when it saves the
 * resume, so a call it let in before that would resume the execution a second time.
 */
export const RESUME_TAKES_MS = 2000;

/** Resumes this process made, by resume URL: when each started, and when it was handed to n8n. */
const resumes = new Map<string, { handedOverAt?: number }>();

/** Whether a call that reached webhook() at `enteredAt` came while this process's resume was under way. */
export function resumeUnderWay(resumeUrl: string, enteredAt: number): boolean {
	const mark = resumes.get(resumeUrl);
	return !!mark && (mark.handedOverAt === undefined || enteredAt < mark.handedOverAt + RESUME_TAKES_MS);
}

/**
 * Claims the resume for this call. A call that reaches webhook() longer after an earlier resume
 * of ours was handed over means n8n did not take that resume (it left the execution waiting): it
 * may resume again.
 */
export function claimResume(resumeUrl: string, enteredAt: number): boolean {
	if (resumeUnderWay(resumeUrl, enteredAt)) return false;
	remember(resumes, resumeUrl, {});
	return true;
}

export function resumeHandedOver(resumeUrl: string, at = Date.now()): void {
	remember(resumes, resumeUrl, { handedOverAt: at });
}

/** Tests: this process forgets everything and stops its timers, as a fresh process (or another one) would. */
export function forgetEverything(): void {
	finals.clear();
	for (const controller of timers.values()) controller.abort();
	timers.clear();
	resumes.clear();
}
