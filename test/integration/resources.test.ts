import type { NodeParameterValueType } from 'n8n-workflow';

import { API_KEY, generateParameters, prompts, runSora, startTestSimulator, type Simulator } from './fixtures';

let sim: Simulator;
beforeAll(async () => {
	sim = await startTestSimulator();
});
afterAll(async () => await sim.close());
beforeEach(() => {
	sim.reset();
	sim.configure({ queueLimit: 5, renderMs: 600, queueMs: 100, balance: 100000, insufficientBalanceResponse: '402', queueFullResponse: '429' });
});

const characterParameters = (extra: Record<string, NodeParameterValueType> = {}): Record<string, NodeParameterValueType> => ({
	resource: 'character',
	operation: 'createCharacter',
	url: '={{ $json.url }}',
	timestamps: '={{ $json.timestamps ?? "1,3" }}',
	waitMode: 'poll',
	pollIntervalSeconds: 1,
	timeoutMinutes: 2,
	...extra,
});

describe('Account → Get', () => {
	it("outputs TTAPI's balance, frozen balance and max_queue, in quota and in US dollars", async () => {
		sim.configure({ balance: 1234, queueLimit: 7 });
		const result = await runSora(sim, { resource: 'account', operation: 'getAccount' }, [{}]);
		expect(result.error).toBeUndefined();
		expect(result.items.map((item) => item.json)).toEqual([
			{ email: 'sim@example.com', balance: 1234, balanceUsd: 12.34, freezeBalance: 0, freezeBalanceUsd: 0, maxQueue: 7 },
		]);
		expect(sim.counters().infoCalls).toBe(1);
		expect(JSON.stringify(result.items)).not.toContain(API_KEY);
	});

	it('a wrong key is an error saying TTAPI refused it', async () => {
		const result = await runSora(sim, { resource: 'account', operation: 'getAccount' }, [{}], { apiKey: 'sk-wrong' });
		expect(result.error?.message).toBe('TTAPI refused the API key: Wrong TT-API-KEY or email is not activated.');
	});
});

describe("TTAPI's HTTP codes on submit", () => {
	it('402: the item says insufficient balance, is not retried, and no further item is submitted (Continue On Fail)', async () => {
		sim.configure({ balance: 4 }); // the first sora-2 job (3 quota) fits, the second does not
		const result = await runSora(sim, generateParameters({ maxJobsInFlight: 1, downloadVideo: false }), prompts('one', 'two', 'three', 'four'), { continueOnFail: true });
		expect(result.error).toBeUndefined();
		const json = result.items.map((item) => item.json);
		expect(json[0]).toMatchObject({ status: 'SUCCESS', quota: 3, costUsd: 0.03 });
		expect(json[1].error).toMatch(/^TTAPI refused the job: insufficient balance \(Insufficient balance: this job costs 3 quota, the account has 1\. Please recharge\.\); the job was not created and nothing was charged$/);
		expect(json[1]).toMatchObject({ status: 'NOT_SUBMITTED' });
		expect(json[1]).not.toHaveProperty('jobId');
		for (const later of json.slice(2)) {
			expect(later).toMatchObject({ status: 'NOT_SUBMITTED', error: 'Not submitted: insufficient balance (TTAPI refused item 1 for it); nothing was charged for this item' });
		}
		const counters = sim.counters();
		expect(counters.submitRequests).toBe(2); // item 1 once, never again; items 2 and 3 never
		expect(counters.submissions).toBe(1);
		expect(counters.insufficientBalanceRefusals).toBe(1);
	});

	it('402 without Continue On Fail: the node fails with the reason, and the other items are accounted for', async () => {
		sim.configure({ balance: 2 });
		const result = await runSora(sim, generateParameters({ maxJobsInFlight: 1 }), prompts('one', 'two'));
		expect(result.error?.message).toMatch(/^TTAPI refused the job: insufficient balance/);
		expect(result.error?.description).toContain('item 1: error: Not submitted: insufficient balance');
		expect(sim.counters().submitRequests).toBe(1);
	});

	it("the older 200 FAILED \"insufficient quota\" answer is treated the same way", async () => {
		sim.configure({ balance: 2, insufficientBalanceResponse: 'failed' });
		const result = await runSora(sim, generateParameters({ maxJobsInFlight: 1 }), prompts('one', 'two'), { continueOnFail: true });
		expect(result.items.map((item) => item.json.status)).toEqual(['NOT_SUBMITTED', 'NOT_SUBMITTED']);
		expect(result.items[0].json.error).toMatch(/insufficient balance \(insufficient quota\)/);
		expect(sim.counters().submitRequests).toBe(1);
	});

	it('499 (queue exhausted): waits and submits again; the job completes once', async () => {
		sim.injectFault({ endpoint: 'generations', kind: 'status', status: 499, beforeCreate: true, times: 2 });
		const result = await runSora(sim, generateParameters({ downloadVideo: false }), prompts('queue exhausted'));
		expect(result.error).toBeUndefined();
		expect(result.items[0].json.status).toBe('SUCCESS');
		expect(sim.counters()).toMatchObject({ submitRequests: 3, submissions: 1 });
	});

	it('429 (too many requests): backs off and submits again; the job completes once', async () => {
		sim.injectFault({ endpoint: 'generations', kind: 'status', status: 429, beforeCreate: true, times: 2 });
		const result = await runSora(sim, generateParameters({ downloadVideo: false }), prompts('rate limited'));
		expect(result.error).toBeUndefined();
		expect(result.items[0].json.status).toBe('SUCCESS');
		expect(sim.counters()).toMatchObject({ submitRequests: 3, submissions: 1 });
	}, 30_000);

	it('504 on submit: may have reached TTAPI, never sent again', async () => {
		sim.injectFault({ endpoint: 'generations', kind: 'status', status: 504 });
		const result = await runSora(sim, generateParameters(), prompts('gateway timeout'), { continueOnFail: true });
		expect(result.items[0].json.error).toMatch(/^The generation request may have reached TTAPI, but no usable answer came back \(TTAPI answered HTTP 504 \(gateway timeout\): simulated HTTP 504: gateway timeout\)\. It was not sent again/);
		expect(sim.counters()).toMatchObject({ submitRequests: 1, submissions: 1 });
	});
});

describe('Character → Create and Get', () => {
	it("Poll: waits for the character and outputs TTAPI's record, normalised and whole, with its cost", async () => {
		const result = await runSora(sim, characterParameters(), [{ url: 'https://v.example/hero.mp4', timestamps: '1,3' }]);
		expect(result.error).toBeUndefined();
		const [item] = result.items;
		expect(item.json).toMatchObject({
			status: 'SUCCESS',
			characterId: expect.stringMatching(/^char_[0-9a-f]{16}$/),
			url: 'https://v.example/hero.mp4',
			timestamps: '1,3',
			quota: 1,
			costUsd: 0.01,
			waitMode: 'poll',
		});
		expect(item.json.record).toMatchObject({ characterId: item.json.characterId, url: 'https://v.example/hero.mp4', quota: '1' });
		expect(item.json.record).not.toHaveProperty('hookUrl');
		expect(item.binary).toBeUndefined();
		expect(sim.counters()).toMatchObject({ characterJobs: 1, submissions: 0 });

		const fetched = await runSora(sim, { resource: 'character', operation: 'getCharacter', jobId: '={{ $json.jobId }}' }, [{ jobId: item.json.jobId }]);
		const { waitMode: _waitMode, ...record } = item.json;
		expect(fetched.items[0].json).toEqual(record);
		expect(sim.counters().fetchCallsByJob[item.json.jobId as string]).toBeGreaterThanOrEqual(2);
	});

	it("Don't Wait: the job ID at once, with the request echoed", async () => {
		const result = await runSora(sim, characterParameters({ waitMode: 'none' }), [{ url: 'https://v.example/a.mp4', timestamps: '2,4' }]);
		expect(result.items[0].json).toMatchObject({ status: 'SUBMITTED', url: 'https://v.example/a.mp4', timestamps: '2,4', waitMode: 'none', characterId: null });
		expect(sim.getJob(result.items[0].json.jobId as string)).toMatchObject({ kind: 'character' });
	});

	it("a FAILED character job is an item error with TTAPI's reason and the job ID", async () => {
		const result = await runSora(sim, characterParameters(), [{ url: 'https://v.example/p.mp4?[sim:fail=real person detected]' }], { continueOnFail: true });
		expect(result.items[0].json).toMatchObject({ status: 'FAILED', jobId: expect.stringMatching(/^[0-9a-f-]{36}$/) });
		expect(result.items[0].json.error).toMatch(/^TTAPI character job [0-9a-f-]{36} failed: real person detected$/);
	});

	it.each([
		[{ url: '', timestamps: '1,3' }, 'Invalid "Video URL": must not be empty: the URL of a video that shows the character'],
		[{ url: 'ftp://v.example/a.mp4', timestamps: '1,3' }, 'Invalid "Video URL": must start with http:// or https:// (got "ftp:")'],
		[{ url: 'https://v.example/a.mp4', timestamps: '0,5' }, 'Invalid "Timestamps": end minus start must be between 1 and 3 seconds (got 5)'],
		[{ url: 'https://v.example/a.mp4', timestamps: 'one to three' }, 'Invalid "Timestamps": must be "start,end" in seconds, e.g. "1,3" (got "one to three")'],
	])('bad input %j: an error naming the field, before any request', async (input, message) => {
		const result = await runSora(sim, characterParameters(), [input]);
		expect(result.error?.message).toBe(message);
		expect(sim.counters().characterRequests).toBe(0);
	});

	it('a submit fault on characters follows the same money rule (500 after the job was created: never resent)', async () => {
		sim.injectFault({ endpoint: 'characters', kind: 'status', status: 500 });
		const result = await runSora(sim, characterParameters(), [{ url: 'https://v.example/a.mp4' }], { continueOnFail: true });
		expect(result.items[0].json.error).toMatch(/may have reached TTAPI.*not sent again/);
		expect(sim.counters()).toMatchObject({ characterRequests: 1, characterJobs: 1 });
	});
});

describe('Max Jobs in Flight From Account', () => {
	it("reads max_queue once per run, keeps that many jobs in flight, and every item says what it used", async () => {
		sim.configure({ queueLimit: 2 });
		const result = await runSora(sim, generateParameters({ maxJobsFromAccount: true, maxJobsInFlight: 5, downloadVideo: false }), prompts('a', 'b', 'c', 'd', 'e'));
		expect(result.error).toBeUndefined();
		expect(result.items.map((item) => item.json.status)).toEqual(['SUCCESS', 'SUCCESS', 'SUCCESS', 'SUCCESS', 'SUCCESS']);
		for (const item of result.items) expect(item.json).toMatchObject({ maxJobsInFlight: 2, maxJobsInFlightFrom: 'account max_queue', waitMode: 'poll' });
		const counters = sim.counters();
		expect(counters.infoCalls).toBe(1);
		expect(counters.inFlightPeak).toBe(2);
		expect(counters.queueFullRefusals).toBe(0); // never more than max_queue at once: TTAPI never had to refuse
	}, 30_000);

	it('works for characters too, and says so in Don\'t Wait', async () => {
		sim.configure({ queueLimit: 3 });
		const result = await runSora(sim, characterParameters({ waitMode: 'none', maxJobsFromAccount: true }), [{ url: 'https://v.example/a.mp4' }]);
		expect(result.items[0].json).toMatchObject({ status: 'SUBMITTED', maxJobsInFlight: 3, maxJobsInFlightFrom: 'account max_queue' });
	});

	it('an account TTAPI cannot show stops the run before anything is sent', async () => {
		sim.injectFault({ endpoint: 'info', kind: 'status', status: 403, body: { status: 'FAILED', message: 'forbidden' } });
		const result = await runSora(sim, generateParameters({ maxJobsFromAccount: true }), prompts('a'));
		expect(result.error?.message).toBe("Max Jobs in Flight From Account: could not read the account's max_queue: TTAPI refused to show the account: forbidden");
		expect(sim.counters().submitRequests).toBe(0);
	});

	it('off (the default): the account is not read', async () => {
		const result = await runSora(sim, generateParameters({ waitMode: 'none' }), prompts('a'));
		expect(result.items[0].json).not.toHaveProperty('maxJobsInFlight');
		expect(sim.counters().infoCalls).toBe(0);
	});
});
