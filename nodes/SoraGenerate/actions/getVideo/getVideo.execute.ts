import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { outputPerItem } from '../../../shared/itemOutput';
import { jobResultToItem } from '../../../shared/jobItem';
import { normaliseJobResult } from '../../../shared/normalise';
import { fetchJob } from '../../../shared/soraApi';
import { createTtApiClient } from '../../../shared/transport';
import { readJobId } from './readJobId';

/** Looks each job up once: a running job comes back with its status, a failed one as an error. */
export async function executeGetVideo(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const client = await createTtApiClient(this);
	const signal = this.getExecutionCancelSignal?.();
	return await outputPerItem(this, async (index) => {
		const jobId = readJobId(this, index, 'Generate Video');
		const result = normaliseJobResult(await fetchJob(client, jobId, { signal }), jobId);
		return await jobResultToItem(this, result, index, {
			downloadVideo: this.getNodeParameter('downloadVideo', index, true) as boolean,
			binaryPropertyName: String(this.getNodeParameter('options.binaryPropertyName', index, 'data')),
		});
	});
}
