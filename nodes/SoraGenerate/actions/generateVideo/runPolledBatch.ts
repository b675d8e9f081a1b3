import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { CancelledError } from '../../../shared/backoff';
import { runPool } from '../../../shared/jobPool';
import type { TtApiClient } from '../../../shared/transport';
import type { ItemOutcome } from './batchOutcome';
import { collectBatchOutput } from './batchOutcome';
import type { InputError } from './generationRequest';
import { runJob } from './runJob';
import type { WaitSettings } from './waitSettings';

/**
 * Poll Until Done and Don't Wait: keeps up to Max Jobs in Flight jobs at TTAPI and starts the
 * next item as soon as one finishes, while this execution keeps running.
 */
export async function runPolledBatch(
	context: IExecuteFunctions,
	requests: Array<IDataObject | InputError>,
	settings: WaitSettings,
	client: TtApiClient,
	continueOnFail: boolean,
): Promise<INodeExecutionData[][]> {
	const signal = context.getExecutionCancelSignal?.();
	const run = { context, client, settings, signal };
	const outcomes: ItemOutcome[] = requests.map((request) => (request instanceof Error ? { error: request } : undefined));
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

	if (signal?.aborted) throw new NodeOperationError(context.getNode(), 'The execution was cancelled');
	return [collectBatchOutput(context.getNode(), outcomes, continueOnFail)];
}
