import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { getAccountInfo } from '../../../shared/accountApi';
import { SoraJobError } from '../../../shared/jobError';
import type { TtApiClient } from '../../../shared/transport';
import { NUMBER_LIMITS } from '../generateVideo/waitSettings';

export interface JobsInFlight {
	maxJobsInFlight: number;
	/** Added to every output item, so the output says what the run used. */
	extraJson: IDataObject;
}

/**
 * Max Jobs in Flight From Account: the account's max_queue, read once per run from TTAPI (never
 * remembered between runs: another workflow, or TTAPI, may change it). Otherwise the field's number.
 */
export async function resolveJobsInFlight(
	context: IExecuteFunctions,
	client: TtApiClient,
	settings: { maxJobsInFlight: number; maxJobsFromAccount: boolean },
): Promise<JobsInFlight> {
	if (!settings.maxJobsFromAccount) return { maxJobsInFlight: settings.maxJobsInFlight, extraJson: {} };
	let failure: unknown;
	let maxQueue: number | null = null;
	try {
		maxQueue = (await getAccountInfo(client, { signal: context.getExecutionCancelSignal?.() })).maxQueue;
	} catch (error) {
		failure = error;
	}
	if (failure) {
		const message = failure instanceof SoraJobError || failure instanceof Error ? failure.message : String(failure);
		throw new NodeOperationError(context.getNode(), `Max Jobs in Flight From Account: could not read the account's max_queue: ${message}`, {
			description: 'Nothing was sent to TTAPI. Turn the option off and set Max Jobs in Flight yourself, or run again.',
		});
	}
	if (maxQueue === null || maxQueue < NUMBER_LIMITS.maxJobsInFlight.min) {
		throw new NodeOperationError(context.getNode(), `Max Jobs in Flight From Account: TTAPI's account info has no usable max_queue (${String(maxQueue)})`, {
			description: 'Nothing was sent to TTAPI. Turn the option off and set Max Jobs in Flight yourself.',
		});
	}
	const used = Math.min(maxQueue, NUMBER_LIMITS.maxJobsInFlight.max);
	return { maxJobsInFlight: used, extraJson: { maxJobsInFlight: used, maxJobsInFlightFrom: used === maxQueue ? 'account max_queue' : `account max_queue ${maxQueue}, capped at ${used}` } };
}
