import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { JOB_STATUS, TTAPI_CREDENTIAL_TYPE } from '../../../../shared/constants';
import type { TtApiClient } from '../../../../shared/transport';
import type { JobKind } from '../jobKind';
import type { LaneOutcome } from '../runBatch';
import { runBatch } from '../runBatch';
import { waitForJob } from '../waitForJob';
import type { BatchItem, CallbackBatch } from './callbackBatch';
import { failureOf, storeBatchInInput } from './callbackBatch';
import { itemHookUrl, resumeSecret } from './callbackUrls';
import { finishBatch } from './finishBatch';
import { watchBatch } from './watchBatch';

/** n8n's own end of the wait comes this long after Max Wait: the fallback when nobody ends it. */
const N8N_LIMIT_GRACE_MS = 2 * 60_000;

export interface CallbackSettings {
	maxWaitMs: number;
	recheckMs: number;
	confirmWithFetch: boolean;
	maxJobsInFlight: number;
	/** While items wait for a place among Max Jobs in Flight, the jobs in flight are polled this often. */
	pollIntervalMs: number;
	itemOptions: IDataObject;
}

export interface CallbackStart {
	kind: JobKind;
	client: TtApiClient;
	requests: Array<IDataObject | Error>;
	settings: CallbackSettings;
	continueOnFail: boolean;
}

type Followed = Extract<BatchItem, { phase: 'running' | 'done' }>;

function storedItem(outcome: LaneOutcome<Followed>, request: IDataObject | Error, echo: IDataObject, stoppedAt?: number): BatchItem {
	if (request instanceof Error) return { phase: 'failed', echo, failure: { message: request.message, description: 'Nothing was sent to TTAPI.' } };
	if (outcome && 'value' in outcome) return outcome.value;
	if (outcome) return { phase: 'failed', echo, failure: failureOf(outcome.error) };
	if (stoppedAt !== undefined) {
		return { phase: 'failed', echo, failure: { message: `Not submitted: the node stopped after item ${stoppedAt} failed`, status: 'NOT_SUBMITTED' } };
	}
	return {
		phase: 'failed',
		echo,
		failure: {
			message: 'Not submitted: Max Wait passed while this item waited for a free place among Max Jobs in Flight. Nothing was charged for it.',
			status: 'NOT_SUBMITTED',
			description: 'Raise Max Wait or Max Jobs in Flight, or run the item again.',
		},
	};
}

/**
 * Wait for Callback, first (and only) run of execute(): submits every item, Max Jobs in Flight at a
 * time, polling the jobs in flight until a place frees (callbacks cannot reach a running
 * execution: n8n answers them 409). Once every item is at TTAPI or has ended, the execution
 * pauses with all job IDs stored in it, so whichever n8n process gets a callback can finish it;
 * if everything has ended already, the node outputs at once.
 */
export async function startCallbackBatch(context: IExecuteFunctions, start: CallbackStart): Promise<INodeExecutionData[][]> {
	const { kind, client, requests, settings, continueOnFail } = start;
	const secret = resumeSecret(await context.getCredentials(TTAPI_CREDENTIAL_TYPE));
	const address = {
		executionId: String(context.getExecutionId()),
		resumeUrl: String(context.evaluateExpression('{{ $execution.resumeUrl }}', 0)),
	};
	const deadline = Date.now() + settings.maxWaitMs;
	const signal = context.getExecutionCancelSignal?.();
	const run = { context, client, kind, pollIntervalMs: settings.pollIntervalMs, signal };
	// Let go of the jobs in flight once no item waits for a place: callbacks take over from here.
	const release = new AbortController();

	const withHook = requests.map((request, index) =>
		request instanceof Error ? request : { ...request, hookUrl: itemHookUrl(address, secret, index) },
	);
	const { outcomes, stoppedAt } = await runBatch<Followed>(run, withHook, {
		maxJobsInFlight: settings.maxJobsInFlight,
		continueOnFail,
		limitFor: () => ({ deadline, name: 'Max Wait', advice: 'Raise Max Wait' }),
		startBefore: deadline,
		onSubmissionsOver: () => release.abort(),
		follow: async (index, jobId, { body, stop }) => {
			const echo = kind.echo(body);
			const progress = await waitForJob(run, jobId, index, { deadline, release: release.signal, keepWaitingOnFetchFailure: true });
			if ('lastStatus' in progress) return { phase: 'running', jobId, lastStatus: progress.lastStatus, echo };
			// Without Continue On Fail a FAILED job fails the node: spend nothing on items not yet sent.
			if (progress.result.status === JOB_STATUS.failed && !continueOnFail) stop();
			return { phase: 'done', jobId, result: progress.result, echo };
		},
	});
	if (signal?.aborted) throw new NodeOperationError(context.getNode(), 'The execution was cancelled');

	const batch: CallbackBatch = {
		version: 2,
		kind: kind.name,
		lookUp: kind.lookUp,
		...address,
		deadline,
		recheckMs: settings.recheckMs,
		confirmWithFetch: settings.confirmWithFetch,
		continueOnFail,
		itemOptions: settings.itemOptions,
		items: outcomes.map((outcome, index) => {
			const request = requests[index];
			return storedItem(outcome, request, kind.echo(request instanceof Error ? {} : request), stoppedAt);
		}),
	};
	if (batch.items.every((item) => item.phase !== 'running') || Date.now() >= deadline) {
		return [await finishBatch(context, kind, batch)];
	}
	const stored = storeBatchInInput(context.getInputData(), batch);
	// Our watch ends the batch at Max Wait. n8n's own limit, a little later, is the fallback: it
	// outputs the stored items (every job ID and last known status) without running the node.
	await context.putExecutionToWait(new Date(deadline + N8N_LIMIT_GRACE_MS));
	watchBatch(context, batch, secret, { origin: true });
	return [stored];
}
