import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import { SoraJobError } from '../../../../shared/jobError';
import type { ItemOutcome } from '../batchOutcome';
import { collectBatchOutput } from '../batchOutcome';
import type { JobKind, NodeContext } from '../jobKind';
import type { BatchItem, CallbackBatch } from './callbackBatch';

function maxWaitError(kind: JobKind, jobId: string, lastStatus: string): SoraJobError {
	return new SoraJobError('timeout', `Job ${jobId} was still ${lastStatus} when Max Wait passed`, {
		jobId,
		status: lastStatus,
		description: `The job goes on at TTAPI. Fetch it later with the ${kind.lookUp} operation and job ID ${jobId}.`,
	});
}

async function itemOutcome(context: NodeContext, kind: JobKind, batch: CallbackBatch, item: BatchItem, index: number): Promise<ItemOutcome> {
	try {
		if (item.phase === 'done') {
			const extraJson = { ...(batch.itemOptions.extraJson as IDataObject | undefined), waitMode: 'callback' };
			return { item: await kind.toItem(context, item.result, index, { ...batch.itemOptions, extraJson }) };
		}
		if (item.phase === 'failed') {
			const { message, ...details } = item.failure;
			return { error: new SoraJobError(details.status === 'NOT_SUBMITTED' ? 'not-submitted' : 'job-failed', message, details) };
		}
		return { error: maxWaitError(kind, item.jobId, item.lastStatus) };
	} catch (error) {
		return { error };
	}
}

/** The node's output once every job has ended or Max Wait has passed: one item per input item, in input order. */
export async function finishBatch(
	context: NodeContext,
	kind: JobKind,
	batch: CallbackBatch,
	items: BatchItem[] = batch.items,
): Promise<INodeExecutionData[]> {
	const outcomes: ItemOutcome[] = [];
	for (const [index, item] of items.entries()) outcomes.push(await itemOutcome(context, kind, batch, item, index));
	return collectBatchOutput(context.getNode(), outcomes, batch.continueOnFail);
}
