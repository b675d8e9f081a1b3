import * as backoff from '../../nodes/shared/backoff';
import type { IExecuteFunctions } from 'n8n-workflow';

import { submitJob } from '../../nodes/SoraGenerate/actions/batch/submitJob';
import { generationJob } from '../../nodes/SoraGenerate/actions/generateVideo/generationJob';
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

const logged: Array<{ message: string; meta: unknown }> = [];
const context = {
	getExecutionId: () => '77',
	getNode: () => ({ name: 'Sora Generate' }),
	logger: { info: (message: string, meta: unknown) => logged.push({ message, meta }) },
} as unknown as IExecuteFunctions;
const timeout = (deadline: number) => ({ deadline, name: 'the timeout', advice: 'Raise the timeout' });
const submit = async (client: TtApiClient, deadline: number) =>
	await submitJob(context, client, generationJob, { prompt: 'p' }, 3, timeout(deadline));

beforeEach(() => (logged.length = 0));

describe('submitJob logs every job TTAPI accepted', () => {
	it('at info level: execution ID, item index and job ID, so a job stays findable if the process dies', async () => {
		const { client } = queueFullClient(0);
		expect(await submit(client, Date.now() + 60_000)).toBe('job-1');
		expect(logged).toEqual([
			{ message: 'Sora Generate: TTAPI accepted job job-1 for item 3 of execution 77', meta: { executionId: '77', itemIndex: 3, jobId: 'job-1' } },
		]);
	});

	it('logs nothing for a refusal that created no job', async () => {
		const { client } = queueFullClient(100);
		await expect(submit(client, Date.now() + 500)).rejects.toThrow(/nothing was charged/);
		expect(logged).toEqual([]);
	});
});

describe('submitJob while the queue is full', () => {
	it('tries again about every second, not with a doubling wait that leaves a freed place empty', async () => {
		const { client, sentAt } = queueFullClient(4);
		const pauseSpy = jest.spyOn(backoff, 'pause');
		let waits: number[];
		try {
			expect(await submit(client, Date.now() + 60_000)).toBe('job-1');
			waits = pauseSpy.mock.calls.map((call) => call[0]);
		} finally {
			pauseSpy.mockRestore();
		}
		expect(sentAt).toHaveLength(5);
		// The waits the node asked for (not the clock, so load cannot skew them): doubling would be
		// 1, 2, 4, 8 s; flat is about 1 s each (one lane).
		expect(waits).toHaveLength(4);
		for (const ms of waits) {
			expect(ms).toBeGreaterThanOrEqual(900);
			expect(ms).toBeLessThanOrEqual(1100);
		}
	}, 20_000);

	it("a batch's lanes refused together try again one after another, one every second / lanes, each about once a second", () => {
		let clock = 0;
		const pacer = backoff.queueFullPacer(5, () => clock);
		// five lanes refused at the same moment
		expect([1, 2, 3, 4, 5].map(() => pacer.nextDelay())).toEqual([200, 400, 600, 800, 1000]);
		// each is refused again at its try: its next try is a second later, still 200 ms after the one before
		clock = 200;
		expect(pacer.nextDelay()).toBe(1000);
		clock = 400;
		expect(pacer.nextDelay()).toBe(1000);
		// a lane refused long after the others tries again within one step
		clock = 60_000;
		expect(pacer.nextDelay()).toBe(200);
		// one lane alone: once a second
		const alone = backoff.queueFullPacer(1, () => clock);
		expect([alone.nextDelay(), alone.nextDelay()]).toEqual([1000, 2000]);
	});

	it('gives up at the deadline with an error saying nothing was created', async () => {
		const { client, sentAt } = queueFullClient(100);
		await expect(submit(client, Date.now() + 2500)).rejects.toThrow(
			/queue stayed full until the timeout.*the job was not created and nothing was charged/,
		);
		expect(sentAt.length).toBeGreaterThanOrEqual(2);
		expect(sentAt.length).toBeLessThanOrEqual(4);
	}, 20_000);
});

describe('submitJob on HTTP 429 (too many requests)', () => {
	it('backs off, doubling the wait, and then submits again (no job was created)', async () => {
		let sent = 0;
		const client = {
			async send(): Promise<TtApiResponse> {
				sent += 1;
				if (sent <= 3) return { statusCode: 429, body: { status: 'FAILED', message: 'Too many requests' } };
				return { statusCode: 200, body: { status: 'SUCCESS', data: { job_id: 'job-1' } } };
			},
		} as unknown as TtApiClient;
		const pauseSpy = jest.spyOn(backoff, 'pause').mockResolvedValue(undefined);
		let waits: number[];
		try {
			expect(await submit(client, Date.now() + 60_000)).toBe('job-1');
			waits = pauseSpy.mock.calls.map((call) => call[0]);
		} finally {
			pauseSpy.mockRestore();
		}
		expect(sent).toBe(4);
		expect(waits).toEqual([1000, 2000, 4000]);
	});

	it('gives up when the next wait would pass the deadline, saying nothing was created', async () => {
		const client = { send: async (): Promise<TtApiResponse> => ({ statusCode: 429 }) } as unknown as TtApiClient;
		const pauseSpy = jest.spyOn(backoff, 'pause').mockResolvedValue(undefined);
		try {
			await expect(submit(client, Date.now() + 2500)).rejects.toThrow(
				/^TTAPI kept answering HTTP 429 \(too many requests: HTTP 429\) until the timeout passed; the job was not created and nothing was charged$/,
			);
			// 1 s and 2 s fit within 2.5 s (the pauses are mocked, so no time passes); 4 s would not.
			expect(pauseSpy.mock.calls.map((call) => call[0])).toEqual([1000, 2000]);
		} finally {
			pauseSpy.mockRestore();
		}
	});
});

describe('submitJob on HTTP 402 (insufficient balance)', () => {
	it('fails at once, without sending again', async () => {
		let sent = 0;
		const client = {
			async send(): Promise<TtApiResponse> {
				sent += 1;
				return { statusCode: 402, body: { status: 'FAILED', message: 'Insufficient balance' } };
			},
		} as unknown as TtApiClient;
		await expect(submit(client, Date.now() + 60_000)).rejects.toMatchObject({
			kind: 'insufficient-balance',
			message: 'TTAPI refused the job: insufficient balance (Insufficient balance); the job was not created and nothing was charged',
		});
		expect(sent).toBe(1);
	});
});
