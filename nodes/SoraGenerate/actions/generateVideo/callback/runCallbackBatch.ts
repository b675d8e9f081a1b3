import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { TTAPI_CREDENTIAL_TYPE } from '../../../../shared/constants';
import type { TtApiClient } from '../../../../shared/transport';
import type { InputError } from '../generationRequest';
import type { WaitSettings } from '../waitSettings';
import { submitAvailable } from './batchProgress';
import type { CallbackBatch } from './callbackBatch';
import { isBatchDone, storeBatchInInput } from './callbackBatch';
import { resumeSecret } from './callbackUrls';
import { finishBatch } from './finishBatch';
import { forgetBatch, rememberBatch } from './liveBatches';
import { watchBatch } from './watchBatch';

const N8N_LIMIT_GRACE_MS = 2 * 60_000;

async function secretOf(context: IExecuteFunctions): Promise<string> {
	return resumeSecret(await context.getCredentials(TTAPI_CREDENTIAL_TYPE));
}

/** Waits for the batch's callbacks without holding a worker, or ends it when nothing is left. */
async function pauseOrFinish(
	context: IExecuteFunctions,
	batch: CallbackBatch,
	secret: string,
): Promise<INodeExecutionData[][]> {
	if (isBatchDone(batch)) {
		forgetBatch(batch.executionId);
		return [await finishBatch(context, batch)];
	}
	const stored = storeBatchInInput(context.getInputData(), batch);
	rememberBatch(batch);
	// Our watch ends the batch at Max Wait. n8n's own limit, a little later, is the fallback: it
	// outputs the stored items (every job ID and last known status) without running the node.
	await context.putExecutionToWait(new Date(batch.deadline + N8N_LIMIT_GRACE_MS));
	watchBatch(context, batch, secret);
	return [stored];
}

export interface CallbackStart {
	requests: Array<IDataObject | InputError>;
	settings: WaitSettings;
	client: TtApiClient;
	continueOnFail: boolean;
}

/** First run: submit what TTAPI's queue takes now, with hookUrl pointing back at this execution. */
export async function startCallbackBatch(
	context: IExecuteFunctions,
	{ requests, settings, client, continueOnFail }: CallbackStart,
): Promise<INodeExecutionData[][]> {
	const secret = await secretOf(context);
	const batch: CallbackBatch = {
		version: 1,
		executionId: String(context.getExecutionId()),
		resumeUrl: String(context.evaluateExpression('{{ $execution.resumeUrl }}', 0)),
		deadline: Date.now() + settings.maxWaitMs,
		recheckMs: settings.recheckMs,
		maxJobsInFlight: settings.maxJobsInFlight,
		confirmWithFetch: settings.confirmWithFetch,
		downloadVideo: settings.downloadVideo,
		binaryPropertyName: settings.binaryPropertyName,
		continueOnFail,
		items: requests.map((request) =>
			request instanceof Error
				? { phase: 'failed', failure: { message: request.message, description: 'Nothing was sent to TTAPI.' } }
				: { phase: 'pending', prompt: String(request.prompt), request },
		),
	};
	await submitAvailable(client, batch, secret, { waitWhenIdle: true, signal: context.getExecutionCancelSignal?.() });
	return await pauseOrFinish(context, batch, secret);
}
