import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import type { SoraJobResult } from '../../../../shared/normalise';

/** Where the batch is kept in the node's stored input while the execution waits. */
export const BATCH_KEY = 'ttapiSoraCallbackBatch';

/**
 * pending: not submitted yet · submitted: at TTAPI · done: TTAPI has a final record (SUCCESS or
 * FAILED) · failed: ended without one (refused, lost, unknown status) · unaccounted: n8n lost
 * track of it (restart mid-batch): it may or may not have been submitted, so it is never sent again.
 */
export type ItemPhase = 'pending' | 'submitted' | 'done' | 'failed' | 'unaccounted';

export interface ItemFailure {
	message: string;
	description?: string;
	jobId?: string;
	status?: string;
}

export interface CallbackItem {
	phase: ItemPhase;
	/** Kept apart from the request so the item can still be recognised once it was submitted. */
	prompt?: string;
	request?: IDataObject;
	jobId?: string;
	lastStatus?: string;
	result?: SoraJobResult;
	failure?: ItemFailure;
}

export interface CallbackBatch {
	version: 1;
	executionId: string;
	resumeUrl: string;
	/** Max Wait: when it passes, the node ends with what it knows. */
	deadline: number;
	recheckMs: number;
	maxJobsInFlight: number;
	confirmWithFetch: boolean;
	downloadVideo: boolean;
	binaryPropertyName: string;
	continueOnFail: boolean;
	items: CallbackItem[];
}

export const inFlightCount = (batch: CallbackBatch) =>
	batch.items.filter((item) => item.phase === 'submitted').length;

export const isBatchDone = (batch: CallbackBatch) =>
	batch.items.every((item) => item.phase === 'done' || item.phase === 'failed');

export function isCallbackBatch(value: unknown): value is CallbackBatch {
	const batch = value as CallbackBatch | undefined;
	return !!batch && batch.version === 1 && typeof batch.executionId === 'string' && Array.isArray(batch.items);
}

const MAX_WAIT_NOTE =
	'Max Wait passed before this job ended, or n8n could not finish the wait. The job goes on at TTAPI: fetch it later with Get Video and this job ID.';
const NOT_SENT_AT_PAUSE_NOTE =
	'Not sent when the execution paused (it waited for a free place among Max Jobs in Flight), and n8n ended the wait without this node (a restart, or Max Wait passed). Whether it was sent after the pause is not known here; it was not sent again, so it cannot be charged twice. Check your TTAPI dashboard before running it again.';

/** What an item says while it waits, and what n8n outputs if it ends the wait without us. */
function waitingJson(item: CallbackItem, index: number): IDataObject {
	const request = item.request ?? {};
	return {
		jobId: item.jobId ?? item.result?.jobId ?? null,
		status: item.result?.status ?? item.lastStatus ?? (item.phase === 'pending' ? 'NOT_SUBMITTED' : 'UNKNOWN'),
		prompt: item.result?.prompt ?? item.prompt ?? (request.prompt as string | undefined) ?? null,
		waitMode: 'callback',
		error: item.failure?.message ?? (item.phase === 'pending' ? NOT_SENT_AT_PAUSE_NOTE : MAX_WAIT_NOTE),
		item: index,
	};
}

/**
 * n8n keeps the waiting node's input items with the execution: webhook() reads them back, and if
 * n8n ends the wait on its own it outputs them unchanged. So each item gets readable json (job ID,
 * last known status) and the batch itself rides along beside the json, where downstream nodes
 * never see it. The item count stays the same, so pairing by index stays right.
 */
export function storeBatchInInput(items: INodeExecutionData[], batch: CallbackBatch): INodeExecutionData[] {
	const stored = batch.items.map((item, index) => ({
		json: waitingJson(item, index),
		pairedItem: items[index]?.pairedItem ?? { item: index },
		...(index === 0 ? { [BATCH_KEY]: batch as unknown as IDataObject } : {}),
	}));
	items.splice(0, items.length, ...stored);
	return stored;
}

/**
 * A batch read back by a process without its live copy: n8n restarted, or (queue mode) callbacks
 * reach another process than the one that ran execute(). Items still pending may have been
 * submitted by the live copy: they become unaccounted, so nothing is ever submitted twice.
 */
export function adoptStoredBatch(stored: CallbackBatch): CallbackBatch {
	const batch = JSON.parse(JSON.stringify(stored)) as CallbackBatch;
	for (const item of batch.items) {
		if (item.phase === 'pending') {
			item.phase = 'unaccounted';
			delete item.request;
		}
	}
	return batch;
}
