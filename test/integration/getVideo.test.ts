import type { NodeParameterValueType } from 'n8n-workflow';

import { readBinary } from '../harness';
import { generateParameters, prompts, runSora, startTestSimulator, type Simulator } from './fixtures';

let sim: Simulator;
beforeAll(async () => {
	sim = await startTestSimulator({ renderMs: 300, queueMs: 50 });
});
afterAll(async () => await sim.close());

async function submit(prompt: string): Promise<string> {
	const result = await runSora(sim, generateParameters({ waitMode: 'none' }), prompts(prompt));
	return result.items[0].json.jobId as string;
}

const getParameters = (extra: Record<string, NodeParameterValueType> = {}): Record<string, NodeParameterValueType> => ({
	operation: 'getVideo',
	jobId: '={{ $json.jobId }}',
	downloadVideo: true,
	...extra,
});

describe('Sora Generate: Get Video', () => {
	it('returns a finished job with its video, and a running job with its status', async () => {
		const done = await submit('done soon');
		const running = await submit('[sim:render=60000] still going');
		await new Promise((resolve) => setTimeout(resolve, 800));
		const result = await runSora(sim, getParameters(), [{ jobId: done }, { jobId: running }]);
		expect(result.error).toBeUndefined();
		expect(result.items[0].json).toMatchObject({ jobId: done, status: 'SUCCESS', prompt: 'done soon' });
		expect((await readBinary(result, result.items[0], 'data')).length).toBe(64 * 1024);
		expect(result.items[1].json).toMatchObject({ jobId: running, status: 'ON_QUEUE', videoUrl: null });
		expect(result.items[1].binary).toBeUndefined();
	});

	it('a failed job is an error with TTAPI\'s reason and the job id', async () => {
		const failed = await submit('[sim:fail=prompt violation] nope');
		await new Promise((resolve) => setTimeout(resolve, 800));
		const result = await runSora(sim, getParameters(), [{ jobId: failed }], { continueOnFail: true });
		expect(result.items[0].json).toMatchObject({
			jobId: failed,
			status: 'FAILED',
			error: `TTAPI job ${failed} failed: prompt violation`,
		});
	});

	it('an empty or non-text job id is refused before any request', async () => {
		const before = sim.counters().fetchCalls;
		const result = await runSora(sim, getParameters({ jobId: '={{ $json.jobId }}' }), [{ jobId: 42 }]);
		expect(result.error?.message).toBe('Invalid "Job ID": must be the job ID text returned by Generate Video');
		expect(sim.counters().fetchCalls).toBe(before);
	});
});
