import { readBinary } from '../harness';
import { API_KEY, generateParameters, prompts, runSora, startTestSimulator, type Simulator } from './fixtures';

let sim: Simulator;
beforeAll(async () => {
	sim = await startTestSimulator();
});
afterAll(async () => await sim.close());
beforeEach(() => {
	sim.reset();
	sim.configure({ queueLimit: 5, renderMs: 1200, queueMs: 100 });
});

function expectNoSecret(value: unknown) {
	expect(JSON.stringify(value ?? null)).not.toContain(API_KEY);
}

describe('Sora Generate: Generate Video over real HTTP', () => {
	it("Don't wait: returns the job id at once and sends only the fields set, with the credential's header", async () => {
		const result = await runSora(
			sim,
			generateParameters({ waitMode: 'none', videoOptions: { orientation: 'landscape' } }),
			prompts('a paper boat'),
		);
		expect(result.error).toBeUndefined();
		expect(result.items).toHaveLength(1);
		const [item] = result.items;
		expect(item.json).toMatchObject({ status: 'SUBMITTED', model: 'sora-2', prompt: 'a paper boat', waitMode: 'none' });
		expect(sim.getJob(item.json.jobId as string)).toBeDefined();
		expect(item.binary).toBeUndefined();
		const counters = sim.counters();
		expect(counters.submissions).toBe(1);
		expect(counters.fetchCalls).toBe(0);
		expect(counters.requestsWithKey[API_KEY]).toBe(1);
		expect(counters.generationBodies[0].body).toEqual({ model: 'sora-2', prompt: 'a paper boat', orientation: 'landscape' });
		expectNoSecret(result.items);
	});

	it('Poll: waits until SUCCESS and streams the MP4 into binary data', async () => {
		for (const binaryMode of ['default', 'filesystem'] as const) {
			sim.reset();
			const result = await runSora(sim, generateParameters(), prompts('a fox in snow'), { binaryMode });
			expect(result.error).toBeUndefined();
			const [item] = result.items;
			expect(item.json).toMatchObject({ status: 'SUCCESS', prompt: 'a fox in snow', waitMode: 'poll' });
			expect(item.json).not.toHaveProperty('message');
			expect(item.json).not.toHaveProperty('referImages');
			expect(item.json.videoUrl).toBe(`${sim.url}/videos/${item.json.jobId}.mp4`);
			expect(typeof item.json.quota).toBe('number');
			expect(item.binary?.data.fileName).toBe(`${item.json.jobId}.mp4`);
			expect(item.binary?.data.mimeType).toBe('video/mp4');
			const video = await readBinary(result, item, 'data');
			expect(video.length).toBe(64 * 1024);
			expect(video.subarray(4, 8).toString('ascii')).toBe('ftyp');
			expect(sim.counters().submissions).toBe(1);
			expectNoSecret(result.items);
		}
	});

	it('Poll: a FAILED job is an item error with TTAPI\'s reason and the job id', async () => {
		const result = await runSora(sim, generateParameters(), prompts('[sim:fail=prompt violation] a crowd'));
		expect(result.status).toBe('error');
		expect(result.error?.message).toMatch(/^TTAPI job [0-9a-f-]{36} failed: prompt violation$/);
		expect(sim.counters().submissions).toBe(1);
	});

	it('Continue On Fail: a failed job becomes an output item carrying its job id; the others complete', async () => {
		const result = await runSora(
			sim,
			generateParameters(),
			prompts('a lake', '[sim:fail=insufficient quota] a city', 'a forest'),
			{ continueOnFail: true },
		);
		expect(result.error).toBeUndefined();
		expect(result.items.map((item) => item.json.status)).toEqual(['SUCCESS', 'FAILED', 'SUCCESS']);
		expect(result.items[1].json.error).toContain('insufficient quota');
		expect(result.items[1].json.jobId).toMatch(/^[0-9a-f-]{36}$/);
		expect(result.items.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
	});

	it('Poll timeout: the error carries the job id and its last status', async () => {
		const result = await runSora(
			sim,
			generateParameters({ timeoutMinutes: 0.1 }),
			prompts('[sim:render=60000] a slow render'),
			{ continueOnFail: true },
		);
		const [item] = result.items;
		expect(item.json.error).toMatch(/^Job [0-9a-f-]{36} was still ON_QUEUE when the timeout of 0.1 min passed$/);
		expect(item.json.status).toBe('ON_QUEUE');
		expect(sim.getJob(item.json.jobId as string)).toBeDefined();
	});

	it('an unknown status ends with a clear error instead of polling forever', async () => {
		const result = await runSora(sim, generateParameters(), prompts('[sim:status=PAUSED] odd'), { continueOnFail: true });
		expect(result.items[0].json.error).toMatch(/unknown status "PAUSED" for job [0-9a-f-]{36}/);
		expect(result.items[0].json.status).toBe('PAUSED');
	});

	it('cancelling the execution stops polling promptly', async () => {
		const started = Date.now();
		const result = await runSora(sim, generateParameters(), prompts('[sim:render=60000] long'), { cancelAfterMs: 1500 });
		expect(result.status).toBe('canceled');
		expect(Date.now() - started).toBeLessThan(15_000);
		const fetchesAtCancel = sim.counters().fetchCalls;
		await new Promise((resolve) => setTimeout(resolve, 2500));
		expect(sim.counters().fetchCalls).toBe(fetchesAtCancel);
	});

	it('429 and 5xx on /sora/fetch are retried and the job still completes', async () => {
		sim.injectFault({ endpoint: 'fetch', kind: 'status', status: 503, times: 1 });
		sim.injectFault({ endpoint: 'fetch', kind: 'status', status: 429, times: 1 });
		sim.injectFault({ endpoint: 'fetch', kind: 'malformed', times: 1 });
		const result = await runSora(sim, generateParameters({ downloadVideo: false }), prompts('a storm'));
		expect(result.error).toBeUndefined();
		expect(result.items[0].json.status).toBe('SUCCESS');
		expect(sim.counters().fetchCalls).toBeGreaterThanOrEqual(4);
		expect(sim.counters().submissions).toBe(1);
	});

	it.each([
		['HTTP 500 after the job was created', { kind: 'status', status: 500 }],
		['a connection reset after the job was created', { kind: 'reset' }],
		['malformed JSON', { kind: 'malformed' }],
	])('a generation POST answered with %s is reported, never resent', async (_label, fault) => {
		sim.injectFault({ endpoint: 'generations', times: 1, ...fault });
		const result = await runSora(sim, generateParameters(), prompts('a costly job'), { continueOnFail: true });
		expect(result.items[0].json.error).toMatch(/may have reached TTAPI.*not sent again/);
		const counters = sim.counters();
		expect(counters.submitRequests).toBe(1);
		expect(counters.submissionsByPrompt['a costly job']).toBe(1);
	});

	it('a queue-full refusal waits and resubmits: every item completes, none errors', async () => {
		sim.configure({ queueLimit: 2, renderMs: 800 });
		const result = await runSora(
			sim,
			generateParameters({ maxJobsInFlight: 4, downloadVideo: false }),
			prompts('q1', 'q2', 'q3', 'q4'),
		);
		expect(result.error).toBeUndefined();
		expect(result.items.map((item) => item.json.status)).toEqual(['SUCCESS', 'SUCCESS', 'SUCCESS', 'SUCCESS']);
		const counters = sim.counters();
		expect(counters.queueFullRefusals).toBeGreaterThan(0);
		expect(counters.submissions).toBe(4);
		expect(Object.values(counters.submissionsByPrompt)).toEqual([1, 1, 1, 1]);
	});

	it('12 items with Max Jobs in Flight 4 run 4 at a time, finish in input order and are paired', async () => {
		sim.configure({ queueLimit: 5, renderMs: 1500 });
		const texts = Array.from({ length: 12 }, (_, index) => `batch item ${index}`);
		const started = Date.now();
		const result = await runSora(sim, generateParameters({ maxJobsInFlight: 4, downloadVideo: false }), prompts(...texts));
		const seconds = (Date.now() - started) / 1000;
		expect(result.error).toBeUndefined();
		expect(result.items.map((item) => item.json.prompt)).toEqual(texts);
		expect(result.items.map((item) => item.pairedItem)).toEqual(texts.map((_, item) => ({ item })));
		const counters = sim.counters();
		expect(counters.inFlightPeak).toBe(4);
		expect(counters.submissions).toBe(12);
		// Informational only (timing is measured by the benchmark, not asserted here).
		console.log(`12 items, K=4, render 1.6 s: ${seconds.toFixed(1)} s (sequential would be ~${(12 * 2.6).toFixed(0)} s)`);
	});

	it('a credential whose Base URL is not http(s), with Continue On Fail: every item says so, paired; nothing is sent', async () => {
		const before = sim.counters().submitRequests;
		for (const waitMode of ['poll', 'callback', 'none']) {
			const result = await runSora(sim, generateParameters({ waitMode }), prompts('one', 'two'), {
				baseUrl: 'ftp://example.com',
				continueOnFail: true,
			});
			expect(result.error).toBeUndefined();
			expect(result.items).toEqual(
				[0, 1].map((item) => ({
					json: { error: 'The TTAPI credential\'s Base URL must start with http:// or https:// (got "ftp:")' },
					pairedItem: { item },
				})),
			);
		}
		expect(sim.counters().submitRequests).toBe(before);
	});

	it.each(['poll', 'callback'])(
		'%s: a Base URL where nothing listens fails the item after a few tries, saying nothing was charged',
		async (waitMode) => {
			const result = await runSora(sim, generateParameters({ waitMode, maxWaitMinutes: 5 }), prompts('nobody home'), {
				baseUrl: 'http://127.0.0.1:9',
				continueOnFail: true,
			});
			expect(result.error).toBeUndefined();
			expect(result.items).toHaveLength(1);
			expect(result.items[0].json.error).toMatch(
				/^Could not connect to TTAPI at http:\/\/127\.0\.0\.1:9 \(ECONNREFUSED\).*; nothing was sent, so nothing was charged$/,
			);
			expect(result.items[0].json).not.toHaveProperty('jobId');
		},
		30_000,
	);

	it('bad input fails before anything is sent, naming the field', async () => {
		const result = await runSora(sim, generateParameters(), prompts('fine', '   '));
		expect(result.status).toBe('error');
		expect(result.error?.message).toBe('Invalid "Prompt": must not be empty');
		expect(sim.counters().submitRequests).toBe(0);
	});

	it('a wrong API key shows TTAPI\'s message and never the key', async () => {
		const result = await runSora(sim, generateParameters(), prompts('x'), { apiKey: 'sk-wrong-SECRET-0000' });
		expect(result.status).toBe('error');
		expect(result.error?.message).toBe('TTAPI refused the API key: Wrong TT-API-KEY or email is not activated.');
		expect(JSON.stringify(result.error)).not.toContain('sk-wrong-SECRET-0000');
		expect(sim.counters().unauthorized).toBe(1);
	});
});
