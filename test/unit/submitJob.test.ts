import * as backoff from '../../nodes/shared/backoff';
import { submitJob } from '../../nodes/SoraGenerate/actions/generateVideo/submitJob';
import type { TtApiClient, TtApiResponse } from '../../nodes/shared/transport';

/** A TTAPI whose queue stays full for `refusals` submissions, then accepts; it notes when each came. */
function queueFullClient(refusals: number) {
	const sentAt: number[] = [];
	const client = {
		async send(): Promise<TtApiResponse> {
			sentAt.push(Date.now());
			if (sentAt.length <= refusals) return { statusCode: 429, body: { status: 'FAILED', message: 'queue is full' } };
			return { statusCode: 200, body: { status: 'SUCCESS', data: { job_id: 'job-1' } } };
		},
	} as unknown as TtApiClient;
	return { client, sentAt };
}

describe('submitJob while the queue is full', () => {
	it('tries again about every second, not with a doubling wait that leaves a freed place empty', async () => {
		const { client, sentAt } = queueFullClient(4);
		const pauseSpy = jest.spyOn(backoff, 'pause');
		let waits: number[];
		try {
			expect(await submitJob(client, { prompt: 'p' }, Date.now() + 60_000)).toBe('job-1');
			waits = pauseSpy.mock.calls.map((call) => call[0]);
		} finally {
			pauseSpy.mockRestore();
		}
		expect(sentAt).toHaveLength(5);
		// The waits the node asked for (not the clock, so load cannot skew them): doubling would be
		// 1, 2, 4, 8 s; flat is 0.9–1.1 s each.
		expect(waits).toHaveLength(4);
		for (const ms of waits) {
			expect(ms).toBeGreaterThanOrEqual(900);
			expect(ms).toBeLessThanOrEqual(1100);
		}
	}, 20_000);

	it('gives up at the deadline with an error saying nothing was created', async () => {
		const { client, sentAt } = queueFullClient(100);
		await expect(submitJob(client, { prompt: 'p' }, Date.now() + 2500)).rejects.toThrow(
			/queue stayed full until the timeout.*the job was not created and nothing was charged/,
		);
		expect(sentAt.length).toBeGreaterThanOrEqual(2);
		expect(sentAt.length).toBeLessThanOrEqual(4);
	}, 20_000);
});
