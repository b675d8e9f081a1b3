import type { IDataObject } from 'n8n-workflow';

import { SUBMITTED_STATUS } from '../../../shared/constants';
import type { JobItemOptions } from '../../../shared/jobItem';
import { jobResultToItem } from '../../../shared/jobItem';
import type { SoraJobResult } from '../../../shared/normalise';
import { normaliseJobResult } from '../../../shared/normalise';
import { submitGeneration } from '../../../shared/soraApi';
import type { JobKind } from '../batch/jobKind';

/** A Sora video generation: POST /sora/generations, a video URL (and the MP4) when it succeeds. */
export const generationJob: JobKind<SoraJobResult> = {
	name: 'generation',
	lookUp: 'Get Video',
	submit: async (client, body) => await submitGeneration(client, body),
	normalise: (record, jobId) => normaliseJobResult(record, jobId),
	submitted: (body, jobId) => normaliseJobResult({ status: SUBMITTED_STATUS, jobId, data: { model: body.model, prompt: body.prompt } }, jobId),
	echo: (body): IDataObject => ({ prompt: typeof body.prompt === 'string' ? body.prompt : null }),
	toItem: async (context, result, itemIndex, options) =>
		await jobResultToItem(context, result, itemIndex, options as unknown as JobItemOptions),
};
