/** fetchJob's error when TTAPI cannot be asked names the operation that looks the job up later. */
import { SoraJobError } from '../../nodes/shared/jobError';
import { fetchJob } from '../../nodes/shared/soraApi';
import type { TtApiClient } from '../../nodes/shared/transport';
import { characterJob } from '../../nodes/SoraGenerate/actions/character/characterJob';
import { generationJob } from '../../nodes/SoraGenerate/actions/generateVideo/generationJob';

const unavailable: TtApiClient = {
	send: async () => ({ statusCode: 503, body: { status: 'FAILED', message: 'maintenance' } }),
};

async function failureOf(lookUp?: string): Promise<SoraJobError> {
	const error = await fetchJob(unavailable, 'job-7', { maxAttempts: 2, backoffBaseMs: 1, lookUp }).catch((thrown: unknown) => thrown);
	expect(error).toBeInstanceOf(SoraJobError);
	return error as SoraJobError;
}

describe('fetchJob when TTAPI keeps failing', () => {
	it.each([
		[characterJob.lookUp, 'Get Character'],
		[generationJob.lookUp, 'Get Video'],
		[undefined, 'Get Video'],
	])('lookUp %s: says to look the job up later with %s, and carries the job ID and TTAPI\'s answer', async (lookUp, operation) => {
		const failure = await failureOf(lookUp);
		expect(failure.message).toBe('Could not get the status of job job-7 from TTAPI after 2 attempts: TTAPI answered HTTP 503: maintenance');
		expect(failure.details).toMatchObject({ jobId: 'job-7', description: `The job itself may still finish: look it up later with the ${operation} operation.` });
	});
});
