import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { CancelledError } from '../../../shared/backoff';
import { errorItem, toNodeError } from '../../../shared/itemOutput';
import { runPool } from '../../../shared/jobPool';
import { SoraJobError } from '../../../shared/jobError';
import { createTtApiClient } from '../../../shared/transport';
import { buildGenerationRequest, InputError } from './generationRequest';
import { runJob } from './runJob';
import { readWaitSettings } from './waitSettings';

type Outcome = { item: INodeExecutionData } | { error: unknown };

function readRequests(context: IExecuteFunctions, count: number): Array<IDataObject | InputError> {
	return Array.from({ length: count }, (_, index) => {
		const input = {
			model: context.getNodeParameter('model', index),
			prompt: context.getNodeParameter('prompt', index),
			...(context.getNodeParameter('videoOptions', index, {}) as IDataObject),
			callbackUrl: (context.getNodeParameter('options', index, {}) as IDataObject).callbackUrl,
		};
		try {
			return buildGenerationRequest(input);
		} catch (error) {
			if (error instanceof InputError) return error;
			throw new NodeOperationError(context.getNode(), error as Error, { itemIndex: index });
		}
	});
}

/** A short account of the other items, so a thrown error never hides jobs that were paid for. */
function summariseOthers(outcomes: Array<Outcome | undefined>, failedIndex: number): string {
	const lines: string[] = [];
	outcomes.forEach((outcome, index) => {
		if (index === failedIndex) return;
		if (!outcome) lines.push(`item ${index}: not submitted (stopped after the error)`);
		else if ('item' in outcome) {
			lines.push(`item ${index}: ${String(outcome.item.json.status)} (job ${String(outcome.item.json.jobId)})`);
		} else {
			const jobId = outcome.error instanceof SoraJobError ? outcome.error.jobId : undefined;
			lines.push(`item ${index}: error${jobId ? ` (job ${jobId})` : ''}: ${(outcome.error as Error).message}`);
		}
	});
	return lines.length ? `Other items of this run:\n${lines.join('\n')}` : '';
}

export async function executeGenerateVideo(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const inputCount = this.getInputData().length;
	const continueOnFail = this.continueOnFail();
	const settings = readWaitSettings(this);
	const requests = readRequests(this, inputCount);

	// Every item is checked before anything is submitted: bad input must never cost quota.
	const firstInvalid = requests.findIndex((request) => request instanceof InputError);
	if (firstInvalid >= 0 && !continueOnFail) {
		throw new NodeOperationError(this.getNode(), (requests[firstInvalid] as InputError).message, {
			itemIndex: firstInvalid,
			description: 'Nothing was sent to TTAPI.',
		});
	}

	const client = await createTtApiClient(this);
	const signal = this.getExecutionCancelSignal?.();
	const run = { context: this, client, settings, signal };
	const outcomes: Array<Outcome | undefined> = requests.map((request) =>
		request instanceof InputError ? { error: request } : undefined,
	);
	const pending = outcomes.flatMap((outcome, index) => (outcome ? [] : [index]));
	let stopped = false;

	await runPool(
		pending.length,
		settings.maxJobsInFlight,
		async (position) => {
			const index = pending[position];
			try {
				outcomes[index] = { item: await runJob(run, requests[index] as IDataObject, index) };
			} catch (error) {
				if (error instanceof CancelledError) {
					stopped = true;
					return;
				}
				outcomes[index] = { error };
				// Without Continue On Fail the node fails anyway: don't spend quota on more items.
				if (!continueOnFail) stopped = true;
			}
		},
		() => !stopped && !signal?.aborted,
	);

	if (signal?.aborted) throw new NodeOperationError(this.getNode(), 'The execution was cancelled');

	const firstError = outcomes.findIndex((outcome) => outcome && 'error' in outcome);
	const failedIndex = firstError >= 0 ? firstError : outcomes.findIndex((outcome) => !outcome);
	if (failedIndex >= 0 && !continueOnFail) {
		const outcome = outcomes[failedIndex];
		const error = outcome && 'error' in outcome ? outcome.error : new Error('The item was not run');
		throw toNodeError(this.getNode(), error, failedIndex, summariseOthers(outcomes, failedIndex));
	}
	return [
		outcomes.map((outcome, index) =>
			outcome && 'item' in outcome ? outcome.item : errorItem(outcome?.error ?? new Error('The item was not run'), index),
		),
	];
}
