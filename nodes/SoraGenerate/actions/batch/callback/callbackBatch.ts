import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { JOB_STATUS, TTAPI_CREDENTIAL_TYPE } from '../../../../shared/constants';
import { failureOf, SoraJobError } from '../../../../shared/jobError';
import type { TtApiClient } from '../../../../shared/transport';
import type { WaitSettings } from '../../generateVideo/waitSettings';
import type { ItemOutcome } from '../batchOutcome';
import { collectBatchOutput } from '../batchOutcome';
import type { JobKind, NodeContext } from '../jobKind';
import type { LaneOutcome } from '../runBatch';
import { runBatch } from '../runBatch';
import { stillRunningError, waitForJob } from '../waitForJob';
import { itemHookUrl, resumeSecret } from './callbackUrls';
import { lookAgain, N8N_LIMIT_GRACE_MS } from './lookAgain';
import type { BatchItem, CallbackBatch } from './storedBatch';
import { storeBatchInInput } from './storedBatch';

export type CallbackSettings = Pick<WaitSettings, 'maxWaitMs' | 'recheckMs' | 'confirmWithFetch' | 'maxJobsInFlight' | 'pollIntervalMs'> & { itemOptions: IDataObject };

type Followed = Extract<BatchItem, { phase: 'running' | 'done' }>;

function storedItem(outcome: LaneOutcome<Followed>, request: IDataObject | Error, kind: JobKind): BatchItem {
	const echo = kind.echo(request instanceof Error ? {} : request);
	if (request instanceof Error) return { phase: 'failed', echo, failure: { message: request.message, description: 'Nothing was sent to TTAPI.' } };
	return outcome && 'value' in outcome ? outcome.value : { phase: 'failed', echo, failure: failureOf(outcome?.error) };
}

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

/**
 * Wait for Callback's one run of execute(): submits every item, polling the jobs in flight while
 * items wait for a place (a running execution cannot take callbacks: n8n answers them 409), then
 * pauses with every job ID stored in the execution, or outputs at once if every job has ended.
 */
export async function startCallbackBatch(context: IExecuteFunctions, kind: JobKind, client: TtApiClient, requests: Array<IDataObject | Error>, settings: CallbackSettings, continueOnFail: boolean): Promise<INodeExecutionData[][]> {
	const secret = resumeSecret(await context.getCredentials(TTAPI_CREDENTIAL_TYPE));
	const address = { executionId: String(context.getExecutionId()), resumeUrl: String(context.evaluateExpression('{{ $execution.resumeUrl }}', 0)) };
	const deadline = Date.now() + settings.maxWaitMs;
	const signal = context.getExecutionCancelSignal?.();
	const run = { context, client, kind, pollIntervalMs: settings.pollIntervalMs, signal };
	// Once no item waits for a place, the jobs in flight are let go: callbacks take over.
	const release = new AbortController();
	const withHook = requests.map((request, index) => (request instanceof Error ? request : { ...request, hookUrl: itemHookUrl(address, secret, index) }));
	const { outcomes } = await runBatch<Followed>(run, withHook, {
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

	const items = outcomes.map((outcome, index) => storedItem(outcome, requests[index], kind));
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
