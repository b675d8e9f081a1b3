import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { TtApiClient } from '../../../shared/transport';
import { collectBatchOutput } from './batchOutcome';
import type { JobKind } from './jobKind';
import { runBatch } from './runBatch';
import { stillRunningError, waitForJob } from './waitForJob';

export interface PolledBatchSettings {
	/** Poll Until Done ('poll'), or Don't Wait ('none'): the output's waitMode. */
	waitMode: 'poll' | 'none';
	pollIntervalMs: number;
	timeoutMs: number;
	maxJobsInFlight: number;
	/** How a final record becomes an output item (the kind's options, e.g. Download Video; extraJson: fields every item gets). */
	itemOptions: IDataObject;
}

/**
 * Poll Until Done and Don't Wait: keeps up to Max Jobs in Flight jobs at TTAPI and starts the
 * next item as soon as one finishes, while this execution keeps running.
 */
export async function runPolledBatch(
	context: IExecuteFunctions,
	kind: JobKind,
	client: TtApiClient,
	requests: Array<IDataObject | Error>,
	settings: PolledBatchSettings,
	continueOnFail: boolean,
): Promise<INodeExecutionData[][]> {
	const signal = context.getExecutionCancelSignal?.();
	const run = { context, client, kind, pollIntervalMs: settings.pollIntervalMs, signal };
	const { waitMode } = settings;
	const extraJson = { ...(settings.itemOptions.extraJson as IDataObject | undefined), waitMode };
	const { outcomes } = await runBatch(run, requests, {
		maxJobsInFlight: settings.maxJobsInFlight,
		continueOnFail,
		limitFor: () => ({ deadline: Date.now() + settings.timeoutMs, name: 'the timeout', advice: 'Raise the timeout' }),
		follow: async (index, jobId, { body, deadline }): Promise<INodeExecutionData> => {
			if (waitMode === 'none') return { json: { ...kind.submitted(body, jobId), ...extraJson }, pairedItem: { item: index } };
			const progress = await waitForJob(run, jobId, index, { deadline });
			if (!('result' in progress)) throw stillRunningError(jobId, progress.lastStatus, `the timeout of ${settings.timeoutMs / 60_000} min`, kind.lookUp);
			return await kind.toItem(context, progress.result, index, { ...settings.itemOptions, extraJson });
		},
	});

	if (signal?.aborted) throw new NodeOperationError(context.getNode(), 'The execution was cancelled');
	return [collectBatchOutput(context.getNode(), outcomes.map((outcome) => (outcome && 'value' in outcome ? { item: outcome.value } : outcome)), continueOnFail)];
}
