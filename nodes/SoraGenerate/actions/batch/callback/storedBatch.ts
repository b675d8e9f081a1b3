import type { IDataObject, INodeExecutionData, IWebhookFunctions } from 'n8n-workflow';

import type { failureOf } from '../../../../shared/jobError';
import type { JobResult } from '../jobKind';

/**
 * The batch a waiting execution keeps, and the two n8n contracts it rests on (checked in real n8n,
 * on each line, by the "contract" rows of scripts/n8n/scenarios/callback.js):
 * 1. n8n stores the waiting node's input items with the execution, and webhook() reads them back
 *    with the `$input` expression, on whichever n8n process gets the call.
 * 2. When the wait ends by n8n's own timer (waitTill), n8n outputs those items unchanged, without
 *    running the node again.
 * So the batch rides on the first item beside its json (downstream nodes never see it), and each
 * item's json says on its own what n8n's timer would leave the user with.
 */
export const BATCH_KEY = 'ttapiSoraCallbackBatch';

export type ItemFailure = ReturnType<typeof failureOf>;

/** running: at TTAPI, not final at the pause · done: TTAPI's final record · failed: ended without one. */
export type BatchItem = { echo: IDataObject } & (
	| { phase: 'running'; jobId: string; lastStatus: string }
	| { phase: 'done'; jobId: string; result: JobResult }
	| { phase: 'failed'; failure: ItemFailure }
);

/** Written once, at the pause; every item that has a job carries its ID. */
export interface CallbackBatch {
	version: 2;
	/** The JobKind's name, and the operation that fetches such a job later. */
	kind: string;
	lookUp?: string;
	executionId: string;
	resumeUrl: string;
	/** Max Wait, as a time. */
	deadline: number;
	recheckMs: number;
	confirmWithFetch: boolean;
	continueOnFail: boolean;
	/** How a final record becomes an output item (e.g. Download Video). */
	itemOptions: IDataObject;
	items: BatchItem[];
}

export const isFinal = (item: BatchItem) => item.phase !== 'running';
export const jobIdOf = (item: BatchItem) => (item.phase === 'failed' ? item.failure.jobId : item.jobId);
export const isCallbackBatch = (value: unknown): value is CallbackBatch =>
	(value as CallbackBatch)?.version === 2 && typeof (value as CallbackBatch).kind === 'string' && typeof (value as CallbackBatch).executionId === 'string' && Array.isArray((value as CallbackBatch).items);

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
