import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { createTtApiClient } from '../../../shared/transport';
import { resolveJobsInFlight } from '../batch/accountLimit';
import { startCallbackBatch } from '../batch/callback/startCallbackBatch';
import { runPolledBatch } from '../batch/runPolledBatch';
import { WAIT_MODES } from '../generateVideo/generateVideo.description';
import { effectiveSettings } from '../generateVideo/generateVideo.execute';
import { InputError } from '../generateVideo/generationRequest';
import { readWaitSettings } from '../generateVideo/waitSettings';
import { characterJob } from './characterJob';
import { buildCharacterRequest } from './characterRequest';

function readRequests(context: IExecuteFunctions, count: number, takesCallbackUrl: boolean): Array<IDataObject | InputError> {
	return Array.from({ length: count }, (_, index) => {
		try {
			const options = context.getNodeParameter('options', index, {}) as IDataObject;
			return buildCharacterRequest({
				url: context.getNodeParameter('url', index),
				timestamps: context.getNodeParameter('timestamps', index),
				callbackUrl: takesCallbackUrl ? options.callbackUrl : undefined,
			});
		} catch (error) {
			if (error instanceof InputError) return error;
			throw new NodeOperationError(context.getNode(), error as Error, { itemIndex: index });
		}
	});
}

/**
 * Character → Create: one POST /sora/characters per item, then the same batch engine and wait
 * modes as Generate Video (Max Jobs in Flight, the money rule, polling, pausing for callbacks).
 */
export async function executeCreateCharacter(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const continueOnFail = this.continueOnFail();
	const settings = effectiveSettings(this, readWaitSettings(this, { downloads: false }));
	// The modes that wait own the hookUrl; in Don't Wait the user may give one.
	const requests = readRequests(this, this.getInputData().length, settings.waitMode === WAIT_MODES.none);

	// Every item is checked before anything is submitted: bad input must never cost quota.
	const firstInvalid = requests.findIndex((request) => request instanceof InputError);
	if (firstInvalid >= 0 && !continueOnFail) {
		throw new NodeOperationError(this.getNode(), (requests[firstInvalid] as InputError).message, {
			itemIndex: firstInvalid,
			description: 'Nothing was sent to TTAPI.',
		});
	}

	const client = await createTtApiClient(this);
	const { maxJobsInFlight, extraJson } = await resolveJobsInFlight(this, client, settings);
	const itemOptions = { extraJson };
	if (settings.waitMode === WAIT_MODES.callback) {
		return await startCallbackBatch(this, { kind: characterJob, client, requests, settings: { ...settings, maxJobsInFlight, itemOptions }, continueOnFail });
	}
	const waitMode = settings.waitMode === WAIT_MODES.none ? 'none' : 'poll';
	return await runPolledBatch(this, characterJob, client, requests, { ...settings, maxJobsInFlight, waitMode, itemOptions }, continueOnFail);
}
