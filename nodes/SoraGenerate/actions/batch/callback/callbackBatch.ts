import type { IDataObject, INodeExecutionData, IWebhookFunctions } from 'n8n-workflow';

import { SoraJobError } from '../../../../shared/jobError';
import type { JobResult } from '../jobKind';

/** Where the batch is kept in the node's stored input while the execution waits. */
export const BATCH_KEY = 'ttapiSoraCallbackBatch';

export interface ItemFailure {
	message: string;
	description?: string;
	jobId?: string;
	status?: string;
}

/**
 * running: at TTAPI, not final when the execution paused · done: TTAPI's final record (SUCCESS or
 * FAILED) · failed: ended without one (refused, never submitted, unknown status).
 */
export type BatchItem = { echo: IDataObject } & (
	| { phase: 'running'; jobId: string; lastStatus: string }
	| { phase: 'done'; jobId: string; result: JobResult }
	| { phase: 'failed'; failure: ItemFailure }
);

/**
 * What execute() knew when it paused: every item is at TTAPI or has ended, so each item that
 * has a job carries its ID. It is written once (n8n stores the waiting node's input) and read by
 * every webhook() call, on whichever n8n process; they ask TTAPI about the rest.
 */
export interface CallbackBatch {
	version: 2;
	/** The JobKind's name. */
	kind: string;
	/** The operation that fetches such a job later (absent in batches stored before characters: Get Video). */
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

export function isCallbackBatch(value: unknown): value is CallbackBatch {
	const batch = value as CallbackBatch | undefined;
	return !!batch && batch.version === 2 && typeof batch.executionId === 'string' && typeof batch.kind === 'string' && Array.isArray(batch.items);
}

export function failureOf(error: unknown): ItemFailure {
	if (error instanceof SoraJobError) {
		const { jobId, status, description } = error.details;
		return { message: error.message, description, jobId, status };
	}
	return { message: (error as Error)?.message ?? String(error) };
}

const maxWaitNote = (lookUp: string) =>
	`Max Wait passed before this job ended, or n8n could not finish the wait. The job goes on at TTAPI: fetch it later with ${lookUp} and this job ID.`;
const endedNote = (lookUp: string) =>
	`This job had ended, but n8n ended the wait without this node (a restart, or Max Wait passed), so its result was not output here: fetch it with ${lookUp} and this job ID.`;

/** What an item says while it waits, and what n8n outputs if it ends the wait without us. */
function waitingJson(item: BatchItem, index: number, lookUp = 'Get Video'): IDataObject {
	const jobId = item.phase === 'failed' ? (item.failure.jobId ?? null) : item.jobId;
	const status =
		item.phase === 'running' ? item.lastStatus : item.phase === 'done' ? item.result.status : (item.failure.status ?? 'UNKNOWN');
	const error = item.phase === 'running' ? maxWaitNote(lookUp) : item.phase === 'done' ? endedNote(lookUp) : item.failure.message;
	return { jobId, status, ...item.echo, waitMode: 'callback', error, item: index };
}

/**
 * n8n keeps the waiting node's input items with the execution: webhook() reads them back, and if
 * n8n ends the wait on its own it outputs them unchanged. So each item gets readable json (job ID,
 * last known status) and the batch itself rides along beside the json, where downstream nodes
 * never see it. The item count stays the same, so pairing by index stays right.
 */
export function storeBatchInInput(items: INodeExecutionData[], batch: CallbackBatch): INodeExecutionData[] {
	const stored = batch.items.map((item, index) => ({
		json: waitingJson(item, index, batch.lookUp),
		pairedItem: items[index]?.pairedItem ?? { item: index },
		...(index === 0 ? { [BATCH_KEY]: batch as unknown as IDataObject } : {}),
	}));
	items.splice(0, items.length, ...stored);
	return stored;
}

/** The batch this execution stored when it paused (webhook() sees the waiting node's input). */
export function readStoredBatch(context: IWebhookFunctions): CallbackBatch | undefined {
	try {
		const value = context.evaluateExpression(`{{ $input.first().${BATCH_KEY} }}`, 0);
		return isCallbackBatch(value) ? value : undefined;
	} catch {
		return undefined;
	}
}
