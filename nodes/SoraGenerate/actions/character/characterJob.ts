import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import { JOB_STATUS, SUBMITTED_STATUS } from '../../../shared/constants';
import { SoraJobError } from '../../../shared/jobError';
import { submitCharacter } from '../../../shared/soraApi';
import type { JobKind } from '../batch/jobKind';
import type { CharacterResult } from '../../../shared/characterResult';
import { normaliseCharacter } from '../../../shared/characterResult';

/** A Sora character: POST /sora/characters; the result comes by callback or /sora/fetch, like a video's. */
export const characterJob: JobKind<CharacterResult> = {
	name: 'character',
	lookUp: 'Get Character',
	submit: async (client, body) => await submitCharacter(client, body),
	normalise: (record, jobId) => normaliseCharacter(record, jobId),
	submitted: (body, jobId) => normaliseCharacter({ status: SUBMITTED_STATUS, jobId, data: { url: body.url, timestamps: body.timestamps } }, jobId),
	echo: (body): IDataObject => ({ url: typeof body.url === 'string' ? body.url : null }),
	toItem: async (_context, result, itemIndex, options): Promise<INodeExecutionData> => {
		if (result.status === JOB_STATUS.failed) {
			throw new SoraJobError('job-failed', `TTAPI character job ${result.jobId} failed: ${result.message || 'TTAPI gave no reason'}`, {
				jobId: result.jobId,
				status: result.status,
				ttapiMessage: result.message,
			});
		}
		return { json: { ...result, ...(options.extraJson as IDataObject | undefined) }, pairedItem: { item: itemIndex } };
	},
};
