import type { IExecuteFunctions, INodeExecutionData, IWebhookFunctions } from 'n8n-workflow';

import { jobResultToItem } from '../../../../shared/jobItem';
import { SoraJobError } from '../../../../shared/jobError';
import type { ItemOutcome } from '../batchOutcome';
import { collectBatchOutput } from '../batchOutcome';
import type { CallbackBatch, CallbackItem } from './callbackBatch';

function unfinishedError(batch: CallbackBatch, item: CallbackItem): SoraJobError {
	if (item.phase === 'pending') {
		return new SoraJobError(
			'not-submitted',
			'Not submitted: Max Wait passed while this item waited for a free place among Max Jobs in Flight. Nothing was charged for it.',
			{ status: 'NOT_SUBMITTED', description: 'Raise Max Wait or Max Jobs in Flight, or run the item again.' },
		);
	}
	if (item.phase === 'unaccounted' && !item.jobId) {
		return new SoraJobError(
			'not-submitted',
			'No job is known for this item: the n8n process that started the batch stopped (a restart) or does not receive its callbacks (queue mode), so the item may or may not have been submitted, and it was not sent again',
			{
				status: 'UNKNOWN',
				description:
					'Check your TTAPI dashboard before running this item again. For batches larger than Max Jobs in Flight on such setups, use Poll Until Done or the Sora Trigger pattern.',
			},
		);
	}
	return new SoraJobError(
		'timeout',
		`Job ${item.jobId} was still ${item.lastStatus ?? 'running'} when Max Wait passed`,
		{
			jobId: item.jobId,
			status: item.lastStatus,
			description: `The job goes on at TTAPI. Fetch it later with the Get Video operation and job ID ${item.jobId}.`,
		},
	);
}

async function itemOutcome(
	context: IExecuteFunctions | IWebhookFunctions,
	batch: CallbackBatch,
	item: CallbackItem,
	index: number,
): Promise<ItemOutcome> {
	try {
		if (item.phase === 'done' && item.result) {
			return {
				item: await jobResultToItem(context, item.result, index, {
					downloadVideo: batch.downloadVideo,
					binaryPropertyName: batch.binaryPropertyName,
					extraJson: { waitMode: 'callback' },
				}),
			};
		}
		if (item.phase === 'failed' && item.failure) {
			const { message, ...details } = item.failure;
			return { error: new SoraJobError('job-failed', message, details) };
		}
		return { error: unfinishedError(batch, item) };
	} catch (error) {
		return { error };
	}
}

/** The node's output once every job has ended or Max Wait has passed: one item per input item. */
export async function finishBatch(
	context: IExecuteFunctions | IWebhookFunctions,
	batch: CallbackBatch,
): Promise<INodeExecutionData[]> {
	const outcomes: ItemOutcome[] = [];
	for (const [index, item] of batch.items.entries()) {
		outcomes.push(await itemOutcome(context, batch, item, index));
	}
	return collectBatchOutput(context.getNode(), outcomes, batch.continueOnFail);
}
