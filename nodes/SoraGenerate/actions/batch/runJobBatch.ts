import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { createTtApiClient } from '../../../shared/transport';
import { WAIT_MODES } from '../generateVideo/generateVideo.description';
import { InputError } from '../generateVideo/generationRequest';
import type { WaitSettings } from '../generateVideo/waitSettings';
import { resolveJobsInFlight } from './accountLimit';
import { startCallbackBatch } from './callback/callbackBatch';
import type { JobKind } from './jobKind';
import { runPolledBatch } from './runPolledBatch';

/**
 * One submission per request of `kind`, in the wait mode of `settings` (Auto already resolved):
 * every item is checked before anything is submitted, because bad input must never cost quota.
 * `itemOptions` say how a final record becomes an output item (e.g. Download Video).
 */
export async function runJobBatch(
	context: IExecuteFunctions,
	kind: JobKind,
	requests: Array<IDataObject | InputError>,
	settings: WaitSettings,
	itemOptions: IDataObject,
): Promise<INodeExecutionData[][]> {
	const continueOnFail = context.continueOnFail();
	const firstInvalid = requests.findIndex((request) => request instanceof InputError);
	if (firstInvalid >= 0 && !continueOnFail) {
		throw new NodeOperationError(context.getNode(), (requests[firstInvalid] as InputError).message, {
			itemIndex: firstInvalid,
			description: 'Nothing was sent to TTAPI.',
		});
	}

	const client = await createTtApiClient(context);
	const { maxJobsInFlight, extraJson } = await resolveJobsInFlight(context, client, settings);
	const options = { ...itemOptions, extraJson };
	if (settings.waitMode === WAIT_MODES.callback) {
		return await startCallbackBatch(context, kind, client, requests, { ...settings, maxJobsInFlight, itemOptions: options }, continueOnFail);
	}
	const waitMode = settings.waitMode === WAIT_MODES.none ? 'none' : 'poll';
	return await runPolledBatch(context, kind, client, requests, { ...settings, maxJobsInFlight, waitMode, itemOptions: options }, continueOnFail);
}
