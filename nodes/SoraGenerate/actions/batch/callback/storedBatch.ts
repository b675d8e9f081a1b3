import type { IDataObject, INodeExecutionData, IWebhookFunctions } from 'n8n-workflow';

import type { JobResult } from '../jobKind';

/**
 * The batch a waiting execution keeps, and the two n8n contracts it rests on (both are checked in
 * real n8n, on each line, by the "contract" rows of scripts/n8n/scenarios/callback.js):
 * 1. n8n stores the waiting node's input items with the execution, and webhook() can read them
 *    back with the `$input` expression, on whichever n8n process gets the call.
 * 2. When the wait ends by n8n's own timer (waitTill), n8n outputs those items unchanged without
 *    running the node again.
 * So the batch rides on the first item beside its json (downstream nodes never see it), and each
 * item's json says on its own what n8n's timer would leave the user with: job ID, last status, what to do.
 */
export const BATCH_KEY = 'ttapiSoraCallbackBatch';

export interface ItemFailure {
	message: string;
	description?: string;
	jobId?: string;
	status?: string;
}

/** running: at TTAPI, not final at the pause · done: TTAPI's final record · failed: ended without one. */
export type BatchItem = { echo: IDataObject } & (
	| { phase: 'running'; jobId: string; lastStatus: string }
	| { phase: 'done'; jobId: string; result: JobResult }
	| { phase: 'failed'; failure: ItemFailure }
);

/** Written once, when the execution pauses; every item that has a job carries its ID. */
export interface CallbackBatch {
	version: 2;
	/** The JobKind's name. */
	kind: string;
	/** The operation that fetches such a job later. */
	lookUp?: string;
	executionId: string;
	resumeUrl: string;
	/** Max Wait: when it passes, the node ends with what it knows. */
	deadline: number;
	recheckMs: number;
	confirmWithFetch: boolean;
	continueOnFail: boolean;
	/** How a final record becomes an output item (the kind's options, e.g. Download Video). */
	itemOptions: IDataObject;
	items: BatchItem[];
}

export const isFinal = (item: BatchItem) => item.phase !== 'running';
export const jobIdOf = (item: BatchItem) => (item.phase === 'failed' ? item.failure.jobId : item.jobId);

export function isCallbackBatch(value: unknown): value is CallbackBatch {
	const batch = value as CallbackBatch | undefined;
	return !!batch && batch.version === 2 && typeof batch.executionId === 'string' && typeof batch.kind === 'string' && Array.isArray(batch.items);
}

/** What an item says while it waits, and so what n8n outputs if its timer ends the wait. */
function waitingJson(item: BatchItem, index: number, lookUp = 'Get Video'): IDataObject {
	const fetchLater = `fetch it with ${lookUp} and this job ID`;
	if (item.phase === 'failed') return { jobId: item.failure.jobId ?? null, status: item.failure.status ?? 'UNKNOWN', ...item.echo, waitMode: 'callback', error: item.failure.message, item: index };
	const error =
		item.phase === 'running'
			? `Max Wait passed before this job ended, or n8n could not finish the wait. The job goes on at TTAPI: ${fetchLater}.`
			: `This job had ended, but n8n ended the wait without this node (a restart, or Max Wait passed): ${fetchLater}.`;
	const status = item.phase === 'running' ? item.lastStatus : item.result.status;
	return { jobId: item.jobId, status, ...item.echo, waitMode: 'callback', error, item: index };
}

/** Replaces the node's input items with the stored ones (same count, same pairing) and returns them. */
export function storeBatchInInput(items: INodeExecutionData[], batch: CallbackBatch): INodeExecutionData[] {
	const stored = batch.items.map((item, index) => ({
		json: waitingJson(item, index, batch.lookUp),
		pairedItem: items[index]?.pairedItem ?? { item: index },
		...(index === 0 ? { [BATCH_KEY]: batch as unknown as IDataObject } : {}),
	}));
	items.splice(0, items.length, ...stored);
	return stored;
}

/** The batch this execution stored when it paused, or undefined when it holds none. */
export function readStoredBatch(context: IWebhookFunctions): CallbackBatch | undefined {
	try {
		const value = context.evaluateExpression(`{{ $input.first().${BATCH_KEY} }}`, 0);
		return isCallbackBatch(value) ? value : undefined;
	} catch {
		return undefined;
	}
}
