import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { pause } from '../../../shared/backoff';
import { FINAL_STATUSES, RUNNING_STATUSES, SUBMITTED_STATUS } from '../../../shared/constants';
import { jobResultToItem } from '../../../shared/jobItem';
import { SoraJobError } from '../../../shared/jobError';
import type { SoraJobResult } from '../../../shared/normalise';
import { normaliseJobResult } from '../../../shared/normalise';
import { fetchJob } from '../../../shared/soraApi';
import type { TtApiClient } from '../../../shared/transport';
import { submitJob } from './submitJob';
import type { WaitSettings } from './waitSettings';

export interface JobRun {
	context: IExecuteFunctions;
	client: TtApiClient;
	settings: WaitSettings;
	signal?: AbortSignal;
}

/** One input item from request to output item: submit, then (in Poll mode) wait and download. */
export async function runJob(run: JobRun, body: IDataObject, itemIndex: number): Promise<INodeExecutionData> {
	const { client, settings, signal } = run;
	const deadline = Date.now() + settings.timeoutMs;
	const jobId = await submitJob(client, body, deadline, signal);

	if (settings.waitMode === 'none') {
		const submitted = normaliseJobResult(
			{ status: SUBMITTED_STATUS, jobId, data: { model: body.model, prompt: body.prompt } },
			jobId,
		);
		return { json: { ...submitted, waitMode: settings.waitMode }, pairedItem: { item: itemIndex } };
	}

	let result: SoraJobResult;
	try {
		result = await pollUntilFinal(client, jobId, settings, deadline, signal);
	} finally {
		// A cancelled (or, on n8n 1.x, shut down) execution outputs nothing: the log keeps the job ID.
		if (signal?.aborted) {
			run.context.logger.warn(
				`Sora Generate stopped waiting for TTAPI job ${jobId} (item ${itemIndex}): the execution was cancelled. The job goes on at TTAPI; fetch it later with Get Video and this job ID.`,
			);
		}
	}
	return await jobResultToItem(run.context, result, itemIndex, {
		downloadVideo: settings.downloadVideo,
		binaryPropertyName: settings.binaryPropertyName,
		extraJson: { waitMode: settings.waitMode },
	});
}

async function pollUntilFinal(
	client: TtApiClient,
	jobId: string,
	settings: WaitSettings,
	deadline: number,
	signal?: AbortSignal,
): Promise<SoraJobResult> {
	let lastStatus = SUBMITTED_STATUS;
	for (;;) {
		await pause(Math.max(0, Math.min(settings.pollIntervalMs, deadline - Date.now())), signal);
		const result = normaliseJobResult(await fetchJob(client, jobId, { signal }), jobId);
		if (FINAL_STATUSES.includes(result.status)) return result;
		if (!RUNNING_STATUSES.includes(result.status)) {
			throw new SoraJobError(
				'unknown-status',
				`TTAPI reported an unknown status "${result.status}" for job ${jobId}`,
				{
					jobId,
					status: result.status,
					description: 'The node stopped waiting rather than poll forever. Look the job up later with Get Video.',
				},
			);
		}
		lastStatus = result.status;
		if (Date.now() >= deadline) {
			throw new SoraJobError(
				'timeout',
				`Job ${jobId} was still ${lastStatus} when the timeout of ${settings.timeoutMs / 60_000} min passed`,
				{
					jobId,
					status: lastStatus,
					description: `The job goes on at TTAPI. Fetch it later with the Get Video operation and job ID ${jobId}.`,
				},
			);
		}
	}
}
