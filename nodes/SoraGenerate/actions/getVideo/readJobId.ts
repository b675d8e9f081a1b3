import type { IExecuteFunctions } from 'n8n-workflow';

import { InputError } from '../generateVideo/generationRequest';

/** The item's Job ID parameter, trimmed; an input error naming the field when it is not text. */
export function readJobId(context: IExecuteFunctions, itemIndex: number, returnedBy: string): string {
	const jobId = context.getNodeParameter('jobId', itemIndex);
	if (typeof jobId !== 'string' || !jobId.trim()) {
		throw new InputError('Job ID', `must be the job ID text returned by ${returnedBy}`);
	}
	return jobId.trim();
}
