import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { errorItem, toNodeError } from '../../../shared/itemOutput';
import { normaliseJobResult } from '../../../shared/normalise';
import { fetchJob } from '../../../shared/soraApi';
import { createTtApiClient } from '../../../shared/transport';
import { InputError } from '../generateVideo/generationRequest';
import { jobResultToItem } from '../../../shared/jobItem';

/** Looks each job up once: a running job comes back with its status, a failed one as an error. */
export async function executeGetVideo(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	const client = await createTtApiClient(this);
	const signal = this.getExecutionCancelSignal?.();
	const output: INodeExecutionData[] = [];
	for (let index = 0; index < items.length; index++) {
		try {
			const jobId = this.getNodeParameter('jobId', index);
			if (typeof jobId !== 'string' || !jobId.trim()) {
				throw new InputError('Job ID', 'must be the job ID text returned by Generate Video');
			}
			const result = normaliseJobResult(await fetchJob(client, jobId.trim(), { signal }), jobId.trim());
			output.push(
				await jobResultToItem(this, result, index, {
					downloadVideo: this.getNodeParameter('downloadVideo', index, true) as boolean,
					binaryPropertyName: String(this.getNodeParameter('options.binaryPropertyName', index, 'data')),
				}),
			);
		} catch (error) {
			if (!this.continueOnFail()) throw toNodeError(this.getNode(), error, index);
			output.push(errorItem(error, index));
		}
	}
	return [output];
}
