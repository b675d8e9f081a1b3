import type { INodeExecutionData } from 'n8n-workflow';

import { SoraJobError } from '../../../../shared/jobError';
import type { ItemOutcome } from '../batchOutcome';
import { collectBatchOutput } from '../batchOutcome';
import type { JobKind, NodeContext } from '../jobKind';
import { stillRunningError } from '../waitForJob';
import type { BatchItem, CallbackBatch } from './storedBatch';

async function itemOutcome(context: NodeContext, kind: JobKind, batch: CallbackBatch, item: BatchItem, index: number): Promise<ItemOutcome> {
	try {
		if (item.phase === 'running') return { error: stillRunningError(item.jobId, item.lastStatus, 'Max Wait', kind.lookUp) };
		if (item.phase === 'failed') {
			const { message, ...details } = item.failure;
			return { error: new SoraJobError(details.status === 'NOT_SUBMITTED' ? 'not-submitted' : 'job-failed', message, details) };
		}
		const extraJson = { ...(batch.itemOptions.extraJson as object | undefined), waitMode: 'callback' };
		return { item: await kind.toItem(context, item.result, index, { ...batch.itemOptions, extraJson }) };
	} catch (error) {
		return { error };
	}
}

/** The node's output once every job has ended or Max Wait has passed: one item per input item, in input order. */
export async function finishBatch(context: NodeContext, kind: JobKind, batch: CallbackBatch, items = batch.items): Promise<INodeExecutionData[]> {
	const outcomes: ItemOutcome[] = [];
	for (const [index, item] of items.entries()) outcomes.push(await itemOutcome(context, kind, batch, item, index));
	return collectBatchOutput(context.getNode(), outcomes, batch.continueOnFail);
}
