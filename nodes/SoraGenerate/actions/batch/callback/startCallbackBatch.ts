import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { JOB_STATUS, TTAPI_CREDENTIAL_TYPE } from '../../../../shared/constants';
import { failureOf } from '../../../../shared/jobError';
import type { TtApiClient } from '../../../../shared/transport';
import type { WaitSettings } from '../../generateVideo/waitSettings';
import type { JobKind } from '../jobKind';
import type { LaneOutcome } from '../runBatch';
import { runBatch } from '../runBatch';
import { waitForJob } from '../waitForJob';
import { itemHookUrl, resumeSecret } from './callbackUrls';
import { finishBatch } from './finishBatch';
import { lookAgain, N8N_LIMIT_GRACE_MS } from './lookAgain';
import type { BatchItem, CallbackBatch, ItemFailure } from './storedBatch';
import { storeBatchInInput } from './storedBatch';

export type CallbackSettings = Pick<WaitSettings, 'maxWaitMs' | 'recheckMs' | 'confirmWithFetch' | 'maxJobsInFlight' | 'pollIntervalMs'> & { itemOptions: IDataObject };

type Followed = Extract<BatchItem, { phase: 'running' | 'done' }>;

function storedItem(outcome: LaneOutcome<Followed>, request: IDataObject | Error, echo: IDataObject, stoppedAt?: number): BatchItem {
	const failed = (failure: ItemFailure): BatchItem => ({ phase: 'failed', echo, failure });
	if (request instanceof Error) return failed({ message: request.message, description: 'Nothing was sent to TTAPI.' });
	if (outcome) return 'value' in outcome ? outcome.value : failed(failureOf(outcome.error));
	if (stoppedAt !== undefined) return failed({ message: `Not submitted: the node stopped after item ${stoppedAt} failed`, status: 'NOT_SUBMITTED' });
	return failed({
		message: 'Not submitted: Max Wait passed while this item waited for a free place among Max Jobs in Flight. Nothing was charged for it.',
		status: 'NOT_SUBMITTED',
		description: 'Raise Max Wait or Max Jobs in Flight, or run the item again.',
	});
}

/**
 * Wait for Callback's one run of execute(): submits every item, Max Jobs in Flight at a time,
 * polling the jobs in flight while items wait for a place (a running execution cannot take
 * callbacks: n8n answers them 409). Then it pauses with every job ID stored in the execution, so
 * whichever n8n process gets a callback can finish it; if every job has ended, it outputs at once.
 */
export async function startCallbackBatch(
	context: IExecuteFunctions,
	kind: JobKind,
	client: TtApiClient,
	requests: Array<IDataObject | Error>,
	settings: CallbackSettings,
	continueOnFail: boolean,
): Promise<INodeExecutionData[][]> {
	const secret = resumeSecret(await context.getCredentials(TTAPI_CREDENTIAL_TYPE));
	const address = { executionId: String(context.getExecutionId()), resumeUrl: String(context.evaluateExpression('{{ $execution.resumeUrl }}', 0)) };
	const deadline = Date.now() + settings.maxWaitMs;
	const signal = context.getExecutionCancelSignal?.();
	const run = { context, client, kind, pollIntervalMs: settings.pollIntervalMs, signal };
	// Once no item waits for a place, the jobs in flight are let go: callbacks take over.
	const release = new AbortController();
	const withHook = requests.map((request, index) => (request instanceof Error ? request : { ...request, hookUrl: itemHookUrl(address, secret, index) }));
	const { outcomes, stoppedAt } = await runBatch<Followed>(run, withHook, {
		maxJobsInFlight: settings.maxJobsInFlight,
		continueOnFail,
		limitFor: () => ({ deadline, name: 'Max Wait', advice: 'Raise Max Wait' }),
		startBefore: deadline,
		onSubmissionsOver: () => release.abort(),
		follow: async (index, jobId, { body, stop }) => {
			const progress = await waitForJob(run, jobId, index, { deadline, release: release.signal, keepWaitingOnFetchFailure: true });
			if ('lastStatus' in progress) return { phase: 'running', jobId, lastStatus: progress.lastStatus, echo: kind.echo(body) };
			// Without Continue On Fail a FAILED job fails the node: spend nothing on items not yet sent.
			if (progress.result.status === JOB_STATUS.failed && !continueOnFail) stop();
			return { phase: 'done', jobId, result: progress.result, echo: kind.echo(body) };
		},
	});
	if (signal?.aborted) throw new NodeOperationError(context.getNode(), 'The execution was cancelled');

	const items = outcomes.map((outcome, index) => {
		const request = requests[index];
		return storedItem(outcome, request, kind.echo(request instanceof Error ? {} : request), stoppedAt);
	});
	const { recheckMs, confirmWithFetch, itemOptions } = settings;
	const batch: CallbackBatch = { version: 2, kind: kind.name, lookUp: kind.lookUp, ...address, deadline, recheckMs, confirmWithFetch, continueOnFail, itemOptions, items };
	if (items.every((item) => item.phase !== 'running') || Date.now() >= deadline) return [await finishBatch(context, kind, batch)];
	const stored = storeBatchInInput(context.getInputData(), batch);
	// A look at Max Wait ends the wait; n8n's own end, a little later, is the fallback: it outputs
	// the stored items (every job ID and last known status) without running the node.
	await context.putExecutionToWait(new Date(deadline + N8N_LIMIT_GRACE_MS));
	// A job may have ended, and its callback been refused (409), before n8n saved the wait.
	lookAgain(context, batch, secret, { soon: true });
	return [stored];
}
