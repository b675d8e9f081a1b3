import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { outputPerItem } from '../../../shared/itemOutput';
import { fetchJob } from '../../../shared/soraApi';
import { createTtApiClient } from '../../../shared/transport';
import { readJobId } from '../getVideo/readJobId';
import { characterJob } from './characterJob';

/** Character → Get: looks each character job up once via /sora/fetch; a failed one comes out as an error. */
export async function executeGetCharacter(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const client = await createTtApiClient(this);
	const signal = this.getExecutionCancelSignal?.();
	return await outputPerItem(this, async (index) => {
		const jobId = readJobId(this, index, 'Create Character');
		const result = characterJob.normalise(await fetchJob(client, jobId, { signal, lookUp: characterJob.lookUp }), jobId);
		return await characterJob.toItem(this, result, index, {});
	});
}
