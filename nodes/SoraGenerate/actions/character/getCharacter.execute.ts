import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { errorItem, toNodeError } from '../../../shared/itemOutput';
import { fetchJob } from '../../../shared/soraApi';
import { createTtApiClient } from '../../../shared/transport';
import { InputError } from '../generateVideo/generationRequest';
import { characterJob } from './characterJob';

/** Character → Get: looks each character job up once via /sora/fetch; a failed one comes out as an error. */
export async function executeGetCharacter(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	const client = await createTtApiClient(this);
	const signal = this.getExecutionCancelSignal?.();
	const output: INodeExecutionData[] = [];
	for (let index = 0; index < items.length; index++) {
		try {
			const jobId = this.getNodeParameter('jobId', index);
			if (typeof jobId !== 'string' || !jobId.trim()) {
				throw new InputError('Job ID', 'must be the job ID text returned by Create Character');
			}
			const result = characterJob.normalise(await fetchJob(client, jobId.trim(), { signal }), jobId.trim());
			output.push(await characterJob.toItem(this, result, index, {}));
		} catch (error) {
			if (!this.continueOnFail()) throw toNodeError(this.getNode(), error, index);
			output.push(errorItem(error, index));
		}
	}
	return [output];
}
