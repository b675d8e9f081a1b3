/**
 * Sora Generate, Wait for Callback and Auto, inside real n8n-core against the TTAPI simulator:
 * execute() pauses the execution (runNode), then webhook() is driven the way n8n drives a waiting
 * node's restart webhook, with the stored input items as `$input` (waiting-webhook harness):
 * directly, and through a server the simulator and the node's own background watch call for real.
 */
import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

import type { IDataObject, INodeExecutionData, NodeParameterValueType } from 'n8n-workflow';

import { TtApi } from '../../credentials/TtApi.credentials';
import type { CallbackBatch } from '../../nodes/SoraGenerate/actions/generateVideo/callback/callbackBatch';
import { BATCH_KEY } from '../../nodes/SoraGenerate/actions/generateVideo/callback/callbackBatch';
import { itemTokenMatches, probeUrl } from '../../nodes/SoraGenerate/actions/generateVideo/callback/callbackUrls';
import { forgetBatch } from '../../nodes/SoraGenerate/actions/generateVideo/callback/liveBatches';
import { CALLBACK_TOKEN_PARAM } from '../../nodes/shared/callbackAuth';
import { SoraGenerate } from '../../nodes/SoraGenerate/SoraGenerate.node';
import { readBinary, runNode } from '../harness';
import type { RunNodeResult } from '../harness';
import {
	type RunWaitingWebhookResult,
	type WaitingRequest,
	runWaitingWebhook,
	startWaitingWebhookServer,
	storedInputOf,
	type WaitingWebhookServer,
} from '../harness/waiting-webhook';
import { API_KEY, generateParameters, prompts, type Simulator, startTestSimulator } from './fixtures';

const SECRET = 'callback-secret-DO-NOT-LEAK-3e8d21';
const VIDEO_BYTES = 64 * 1024;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

type Sim = Simulator & {
	listJobs(): Array<Record<string, any>>;
	sendCallback(jobId: string, options?: { url?: string; body?: unknown; times?: number }): Promise<Array<number | null>>;
};

let sim: Sim;
/** A webhook-waiting base on a port nobody listens on: the node's background watch stops at its first knock. */
let closedBase: string;
/** Everything the node handed out: output items, stored items, response bodies (checked for secrets). */
const handedOut: unknown[] = [];

async function closedPortBase(): Promise<string> {
	const server = http.createServer();
	server.listen(0, '127.0.0.1');
	await once(server, 'listening');
	const { port } = server.address() as AddressInfo;
	await new Promise((resolve) => server.close(resolve));
	return `http://127.0.0.1:${port}/webhook-waiting`;
}

beforeAll(async () => {
	sim = (await startTestSimulator({ renderMs: 300, queueMs: 50, queueLimit: 10, videoBytes: VIDEO_BYTES })) as Sim;
	closedBase = await closedPortBase();
});
afterAll(async () => await sim.close());
beforeEach(() => {
	sim.reset();
	sim.configure({ renderMs: 300, queueMs: 50, queueLimit: 10, callbackDelayMs: 0 });
	// Unless a test wants them, TTAPI's own callbacks are lost: the tests deliver them.
	sim.injectFault({ endpoint: 'callback', kind: 'drop', times: Infinity });
});

const credentialsWith = (extra: IDataObject = {}) => ({
	ttApi: { apiKey: API_KEY, baseUrl: 'custom', customBaseUrl: sim.url, callbackSecret: SECRET, ...extra },
});

const callbackParameters = (extra: Record<string, NodeParameterValueType> = {}) =>
	generateParameters({ waitMode: 'callback', maxWaitMinutes: 5, maxJobsInFlight: 5, ...extra });

interface Paused {
	result: RunNodeResult;
	stored: INodeExecutionData[];
	batch: CallbackBatch;
	executionId: string;
	parameters: Record<string, NodeParameterValueType>;
	credentials: ReturnType<typeof credentialsWith>;
}

/** First run: execute() submits and pauses the execution. */
async function pause(
	input: IDataObject[],
	extra: Record<string, NodeParameterValueType> = {},
	options: { continueOnFail?: boolean; waitingBase?: string | null; credentials?: ReturnType<typeof credentialsWith> } = {},
): Promise<Paused> {
	const parameters = callbackParameters(extra);
	const credentials = options.credentials ?? credentialsWith();
	const result = await runNode({
		node: SoraGenerate,
		parameters,
		input,
		credentials,
		credentialTypes: [TtApi],
		continueOnFail: options.continueOnFail,
		// null: the harness's own http://localhost:5678/webhook-waiting
		...(options.waitingBase === null ? {} : { additionalData: { webhookWaitingBaseUrl: options.waitingBase ?? closedBase } }),
	});
	expect(result.error).toBeUndefined();
	expect(result.status).toBe('waiting');
	const stored = storedInputOf(result);
	handedOut.push(result.items, stored);
	const batch = (stored[0] as unknown as Record<string, unknown>)[BATCH_KEY] as CallbackBatch;
	return { result, stored, batch, executionId: batch.executionId, parameters, credentials };
}

/** One request to the paused execution's resume URL, as n8n hands it to webhook(). */
async function call(paused: Paused, request: WaitingRequest, storedItems = paused.stored): Promise<RunWaitingWebhookResult> {
	const outcome = await runWaitingWebhook({
		node: SoraGenerate,
		parameters: paused.parameters,
		credentials: paused.credentials,
		credentialTypes: [TtApi],
		executionId: paused.executionId,
		storedItems: JSON.parse(JSON.stringify(storedItems)) as INodeExecutionData[],
		request,
	});
	handedOut.push(outcome.response.body, outcome.items);
	return outcome;
}

const queryOf = (url: string): Record<string, string> => Object.fromEntries(new URL(url).searchParams);

/** The simulator's job submitted for one item of a paused execution (found by its hookUrl). */
function jobOf(paused: Paused, index: number): Record<string, any> {
	const job = sim.listJobs().find((candidate) => {
		if (!candidate.hookUrl) return false;
		const url = new URL(candidate.hookUrl);
		return url.pathname.endsWith(`/${paused.executionId}`) && url.searchParams.get('ttapiItem') === String(index);
	});
	if (!job) throw new Error(`no job was submitted for item ${index} of execution ${paused.executionId}`);
	return job;
}

/** What TTAPI sends to the item's hookUrl when its job ends: the fetch body, to the hookUrl as submitted. */
function callbackOf(paused: Paused, index: number, body?: unknown): WaitingRequest {
	const job = jobOf(paused, index);
	return { query: queryOf(job.hookUrl), body: body ?? sim.getJob(job.jobId)?.fetchBody };
}

const probe = (paused: Paused, kind: 'check' | 'deadline'): WaitingRequest => ({
	query: queryOf(probeUrl(paused.batch, SECRET, kind)),
	body: {},
});

async function jobsEnded(jobIds: string[], timeoutMs = 10_000): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const running = jobIds.filter((id) => ['PENDING_QUEUE', 'ON_QUEUE'].includes(sim.getJob(id)?.status));
		if (!running.length) return;
		if (Date.now() > deadline) throw new Error(`jobs ${running.join(', ')} did not end`);
		await new Promise((resolve) => setTimeout(resolve, 25));
	}
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function expectNoSecrets(value: unknown) {
	const text = JSON.stringify(value ?? null);
	expect(text).not.toContain(API_KEY);
	expect(text).not.toContain(SECRET);
}

function expectRefused(outcome: RunWaitingWebhookResult, statusCode: number, error: RegExp) {
	expect(outcome.error).toBeUndefined();
	expect(outcome.response.statusCode).toBe(statusCode);
	expect((outcome.response.body as IDataObject).error).toMatch(error);
	expect(outcome.resumed).toBe(false);
	expect(outcome.result?.workflowData).toBeUndefined();
}

function expectAnsweredWithoutResume(outcome: RunWaitingWebhookResult, body: IDataObject) {
	expect(outcome.error).toBeUndefined();
	expect(outcome.response.statusCode).toBe(200);
	expect(outcome.response.body).toEqual(body);
	expect(outcome.resumed).toBe(false);
}

function expectVideo(item: INodeExecutionData, property = 'data') {
	expect(item.binary?.[property]?.mimeType).toBe('video/mp4');
	expect(item.binary?.[property]?.fileName).toBe(`${item.json.jobId}.mp4`);
	const video = readBinary(item, property);
	expect(video.length).toBe(VIDEO_BYTES);
	expect(video.subarray(4, 8).toString('ascii')).toBe('ftyp');
}

describe('execute(): the first run submits and pauses', () => {
	it('submits no more than Max Jobs in Flight; each hookUrl is the resume URL + ttapiItem + ttapiToken; the stored items carry the job ids', async () => {
		const paused = await pause(prompts('first', 'second', 'third'), { maxJobsInFlight: 2 }, { waitingBase: null });
		const { executionId, batch, result, stored } = paused;
		const resumeUrl = `http://localhost:5678/webhook-waiting/${executionId}`;

		const counters = sim.counters();
		expect(counters.submissions).toBe(2);
		expect(counters.submitRequests).toBe(2);
		expect(counters.generationBodies.map((entry: any) => entry.body.prompt)).toEqual(['first', 'second']);
		const tokens: string[] = [];
		counters.generationBodies.forEach((entry: any, index: number) => {
			const { hookUrl, ...rest } = entry.body;
			expect(rest).toEqual({ model: 'sora-2', prompt: index === 0 ? 'first' : 'second' });
			const prefix = `${resumeUrl}?ttapiItem=${index}&${CALLBACK_TOKEN_PARAM}=`;
			expect(hookUrl.startsWith(prefix)).toBe(true);
			const token = hookUrl.slice(prefix.length);
			expect(token).toMatch(/^[A-Za-z0-9_-]{32}$/);
			expect(itemTokenMatches(batch, SECRET, index, token)).toBe(true);
			tokens.push(token);
			expectNoSecrets(hookUrl);
		});
		expect(new Set(tokens).size).toBe(2);

		// The output while waiting (what n8n shows, and outputs if it ends the wait itself).
		const jobIds = counters.generationBodies.map((entry: any) => entry.jobId);
		expect(result.items).toHaveLength(3);
		expect(result.items.map((item) => item.json.jobId)).toEqual([jobIds[0], jobIds[1], null]);
		expect(result.items.map((item) => item.json.status)).toEqual(['SUBMITTED', 'SUBMITTED', 'NOT_SUBMITTED']);
		expect(result.items.map((item) => item.json.item)).toEqual([0, 1, 2]);
		expect(result.items.every((item) => item.json.waitMode === 'callback')).toBe(true);
		// Each keeps the pairing n8n gave its input item (by index here).
		expect(result.items.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);

		// The stored input: same items; the batch rides on item 0 only, beside json.
		expect(stored.map((item) => item.json)).toEqual(result.items.map((item) => item.json));
		expect(Object.keys(stored[0]).sort()).toEqual(['json', 'pairedItem', BATCH_KEY].sort());
		expect(Object.keys(stored[1]).sort()).toEqual(['json', 'pairedItem']);
		expect(batch).toMatchObject({
			version: 1,
			executionId,
			resumeUrl,
			maxJobsInFlight: 2,
			confirmWithFetch: true,
			downloadVideo: true,
			continueOnFail: false,
		});
		expect(batch.items.map((item) => item.phase)).toEqual(['submitted', 'submitted', 'pending']);
		expect(batch.items.map((item) => item.jobId)).toEqual([jobIds[0], jobIds[1], undefined]);
		// Max Wait 5 min; n8n's own limit 2 min later.
		expect(batch.deadline - Date.now()).toBeGreaterThan(4 * 60_000);
		expect(batch.deadline - Date.now()).toBeLessThanOrEqual(5 * 60_000);
		expect(new Date(result.run.waitTill as Date).getTime()).toBe(batch.deadline + 2 * 60_000);
		expectNoSecrets([result.items, stored]);
	});

	it('without a Callback Secret the tokens are keyed by the API key, which never appears in a URL', async () => {
		const credentials = credentialsWith({ callbackSecret: '' });
		const paused = await pause(prompts('no secret'), {}, { credentials });
		const hookUrl = sim.counters().generationBodies[0].body.hookUrl as string;
		expect(hookUrl).not.toContain(API_KEY);
		const token = queryOf(hookUrl)[CALLBACK_TOKEN_PARAM];
		expect(itemTokenMatches(paused.batch, API_KEY, 0, token)).toBe(true);
		expect(itemTokenMatches(paused.batch, SECRET, 0, token)).toBe(false);
		await jobsEnded([paused.stored[0].json.jobId as string]);
		const outcome = await call(paused, callbackOf(paused, 0));
		expect(outcome.response.body).toEqual({ received: true, resumed: true });
		expect(outcome.items[0].json.status).toBe('SUCCESS');
	});

	it('Auto with a private resume URL (localhost) polls instead: no hookUrl, the run ends with the video', async () => {
		const result = await runNode({
			node: SoraGenerate,
			parameters: generateParameters({ waitMode: 'auto', pollIntervalSeconds: 1, maxJobsInFlight: 2 }),
			input: prompts('auto local'),
			credentials: credentialsWith(),
			credentialTypes: [TtApi],
		});
		expect(result.error).toBeUndefined();
		expect(result.status).toBe('success');
		expect(result.items[0].json).toMatchObject({ status: 'SUCCESS', waitMode: 'poll', prompt: 'auto local' });
		expectVideo(result.items[0]);
		expect(sim.counters().generationBodies[0].body).toEqual({ model: 'sora-2', prompt: 'auto local' });
	});

	it('Auto with a public resume URL waits for callbacks', async () => {
		const result = await runNode({
			node: SoraGenerate,
			parameters: generateParameters({ waitMode: 'auto', maxWaitMinutes: 5, maxJobsInFlight: 2 }),
			input: prompts('auto public'),
			credentials: credentialsWith(),
			credentialTypes: [TtApi],
			additionalData: { webhookWaitingBaseUrl: 'https://n8n.example.com/webhook-waiting' },
		});
		expect(result.error).toBeUndefined();
		expect(result.status).toBe('waiting');
		const stored = storedInputOf(result);
		const batch = (stored[0] as unknown as Record<string, unknown>)[BATCH_KEY] as CallbackBatch;
		expect(result.items[0].json).toMatchObject({ status: 'SUBMITTED', waitMode: 'callback' });
		expect(sim.counters().generationBodies[0].body.hookUrl).toMatch(
			new RegExp(`^https://n8n\\.example\\.com/webhook-waiting/${batch.executionId}\\?ttapiItem=0&ttapiToken=[A-Za-z0-9_-]{32}$`),
		);
	});

	it('a batch with nothing left to wait for (every item invalid, Continue On Fail) ends at once, nothing submitted', async () => {
		const result = await runNode({
			node: SoraGenerate,
			parameters: callbackParameters({ prompt: '={{ $json.prompt }}' }),
			input: prompts('', '   '),
			credentials: credentialsWith(),
			credentialTypes: [TtApi],
			continueOnFail: true,
			additionalData: { webhookWaitingBaseUrl: closedBase },
		});
		expect(result.status).not.toBe('waiting');
		expect(result.items).toHaveLength(2);
		for (const item of result.items) {
			expect(item.json.error).toMatch(/Invalid "Prompt"/);
			expect(item.json.errorDescription).toBe('Nothing was sent to TTAPI.');
		}
		expect(sim.counters().submitRequests).toBe(0);
	});
});

describe('webhook(): refuses what is not ours', () => {
	it('(a) a missing or wrong token is 401 and resumes nothing; TTAPI is not even asked', async () => {
		const paused = await pause(prompts('p0', 'p1', 'p2'));
		const other = await pause(prompts('other execution'));
		await jobsEnded(paused.stored.map((item) => item.json.jobId as string));
		const good = callbackOf(paused, 1);
		const token1 = good.query![CALLBACK_TOKEN_PARAM] as string;
		const fetchesBefore = sim.counters().fetchCalls;

		const attempts: Array<Record<string, string | string[]>> = [
			{ ttapiItem: '1' }, // no token
			{ ttapiItem: '1', [CALLBACK_TOKEN_PARAM]: 'x'.repeat(32) },
			{ ttapiItem: '1', [CALLBACK_TOKEN_PARAM]: '' },
			{ ttapiItem: '2', [CALLBACK_TOKEN_PARAM]: token1 }, // item 1's token for item 2
			{ ttapiItem: '1', [CALLBACK_TOKEN_PARAM]: [token1, token1] }, // repeated parameter
			{ ttapiItem: '0', [CALLBACK_TOKEN_PARAM]: queryOf(jobOf(other, 0).hookUrl)[CALLBACK_TOKEN_PARAM] }, // another execution's
			{ ttapiProbe: 'check' },
			{ ttapiProbe: 'check', [CALLBACK_TOKEN_PARAM]: token1 }, // an item token is no probe token
			{ ttapiProbe: 'deadline', [CALLBACK_TOKEN_PARAM]: queryOf(probeUrl(paused.batch, SECRET, 'check'))[CALLBACK_TOKEN_PARAM] },
		];
		for (const query of attempts) {
			expectRefused(await call(paused, { query, body: good.body }), 401, /^Wrong or missing token$/);
		}
		// The other execution's own token is fine for it, but not for this one's item 0 (above).
		expect(sim.counters().fetchCalls).toBe(fetchesBefore);
		expect(sim.counters().submissions).toBe(4);
	});

	it('a callback URL naming no item of the batch is 400', async () => {
		const paused = await pause(prompts('p0', 'p1'));
		const token = callbackOf(paused, 0).query![CALLBACK_TOKEN_PARAM] as string;
		for (const ttapiItem of [undefined, 'abc', '2', '-1', '0.5']) {
			const query: Record<string, string> = { [CALLBACK_TOKEN_PARAM]: token };
			if (ttapiItem !== undefined) query.ttapiItem = ttapiItem;
			expectRefused(await call(paused, { query, body: {} }), 400, /names no item of the batch/);
		}
	});

	it('stored items without a batch (not a waiting Sora Generate) are 404', async () => {
		const paused = await pause(prompts('p0'));
		const outcome = await call(paused, callbackOf(paused, 0), [{ json: { jobId: 'x' }, pairedItem: { item: 0 } }]);
		expectRefused(outcome, 404, /not waiting for Sora Generate callbacks/);
	});

	it('(b) with the right token, a body that is not a TTAPI job record is 400', async () => {
		const paused = await pause(prompts('p0'));
		const { query } = callbackOf(paused, 0);
		const jobId = paused.stored[0].json.jobId as string;
		for (const body of [undefined, 'SUCCESS', [], {}, { status: 'SUCCESS' }, { jobId }, { status: 7, jobId }, { status: 'SUCCESS', data: { job_id: '' } }]) {
			expectRefused(await call(paused, { query, body }), 400, /^The body is not a TTAPI job result$/);
		}
		expect(sim.counters().fetchCalls).toBe(0);
	});

	it("(c) a job id that is not the item's is 403, and the right callback still works afterwards", async () => {
		const paused = await pause(prompts('p0', 'p1'));
		const [job0, job1] = paused.stored.map((item) => item.json.jobId as string);
		await jobsEnded([job0, job1]);
		const { query } = callbackOf(paused, 0);
		const body1 = sim.getJob(job1)!.fetchBody;
		expectRefused(await call(paused, { query, body: body1 }), 403, /not submitted for this item/);
		const stranger = { ...body1, jobId: '99999999-9999-4999-8999-999999999999' };
		expectRefused(await call(paused, { query, body: stranger }), 403, /not submitted for this item/);
		expect(sim.counters().fetchCalls).toBe(0);

		expectAnsweredWithoutResume(await call(paused, callbackOf(paused, 0)), { received: true });
		const last = await call(paused, callbackOf(paused, 1));
		expect(last.resumed).toBe(true);
		expect(last.items.map((item) => item.json.jobId)).toEqual([job0, job1]);
	});
});

describe('webhook(): callbacks', () => {
	it('(d) a callback for a job TTAPI still reports running (confirm on) is 200 and resumes nothing', async () => {
		const paused = await pause(prompts('[sim:render=60000] slow'));
		const jobId = paused.stored[0].json.jobId as string;
		await sleep(150); // queued → ON_QUEUE
		const claim = { status: 'SUCCESS', message: '', jobId, data: { videoUrl: 'http://127.0.0.1:9/fake.mp4' } };
		const outcome = await call(paused, { query: callbackOf(paused, 0).query, body: claim });
		expectAnsweredWithoutResume(outcome, { received: true, final: false });
		expect(sim.counters().fetchCallsByJob[jobId]).toBe(1);
		expect(sim.counters().videoRequests).toBe(0);
	});

	it('(e)(f) callbacks for every item: earlier ones answered 200 and remembered, duplicates 200, the last resumes with every video in input order', async () => {
		const input = prompts('a red fox', 'a blue whale', 'a green frog');
		const paused = await pause(input, { options: { binaryPropertyName: 'video' } });
		const jobIds = paused.stored.map((item) => item.json.jobId as string);
		expect(jobIds.every((id) => UUID.test(id))).toBe(true);
		await jobsEnded(jobIds);

		expectAnsweredWithoutResume(await call(paused, callbackOf(paused, 2)), { received: true });
		expectAnsweredWithoutResume(await call(paused, callbackOf(paused, 0)), { received: true });
		// TTAPI calling again for an item already ended
		expectAnsweredWithoutResume(await call(paused, callbackOf(paused, 2)), { received: true, duplicate: true });
		expect(sim.counters().fetchCallsByJob).toEqual({ [jobIds[2]]: 1, [jobIds[0]]: 1 });
		expect(sim.counters().videoRequests).toBe(0);

		const last = await call(paused, callbackOf(paused, 1));
		expect(last.error).toBeUndefined();
		expect(last.response.statusCode).toBe(200);
		expect(last.response.body).toEqual({ received: true, resumed: true });
		expect(last.resumed).toBe(true);
		// Downloads done within the budget: n8n answers, once it has resumed the execution.
		expect(last.result?.noWebhookResponse).toBeUndefined();
		expect(last.result?.webhookResponse).toEqual({ received: true, resumed: true });
		expect(last.result?.workflowData).toHaveLength(1);
		const items = last.items;
		expect(items).toHaveLength(3);
		items.forEach((item, index) => {
			expect(item.json).toMatchObject({
				jobId: jobIds[index],
				status: 'SUCCESS',
				prompt: input[index].prompt,
				model: 'sora-2',
				waitMode: 'callback',
				videoUrl: `${sim.url}/videos/${jobIds[index]}.mp4`,
			});
			expect(item.json.error).toBeUndefined();
			expect(item.pairedItem).toEqual({ item: index });
			expectVideo(item, 'video');
			expect(item.binary?.data).toBeUndefined();
		});
		const counters = sim.counters();
		expect(counters.videoDownloads).toBe(3);
		expect(counters.fetchCallsByJob).toEqual(Object.fromEntries(jobIds.map((id) => [id, 1])));
		expect(counters.submissions).toBe(3);
		expectNoSecrets([items, last.response.body]);
	});

	it('(g) confirm on: a body claiming another video URL is ignored, TTAPI\'s record is output and downloaded', async () => {
		const paused = await pause(prompts('the real one', '[sim:fail=content policy] the failing one'), {}, { continueOnFail: true });
		const [job0, job1] = paused.stored.map((item) => item.json.jobId as string);
		await jobsEnded([job0, job1]);
		const forged = {
			...sim.getJob(job0)!.fetchBody,
			data: { ...sim.getJob(job0)!.fetchBody.data, videoUrl: 'http://127.0.0.1:9/forged.mp4', prompt: 'forged' },
		};
		expectAnsweredWithoutResume(await call(paused, { query: callbackOf(paused, 0).query, body: forged }), { received: true });
		// a body claiming SUCCESS for a job TTAPI says FAILED
		const claim = { status: 'SUCCESS', message: '', jobId: job1, data: { videoUrl: 'http://127.0.0.1:9/x.mp4' } };
		const last = await call(paused, { query: callbackOf(paused, 1).query, body: claim });
		expect(last.resumed).toBe(true);
		expect(last.items[0].json).toMatchObject({ status: 'SUCCESS', prompt: 'the real one', videoUrl: `${sim.url}/videos/${job0}.mp4` });
		expectVideo(last.items[0]);
		expect(last.items[1].json).toMatchObject({ jobId: job1, status: 'FAILED', error: `TTAPI job ${job1} failed: content policy` });
		expect(last.items[1].binary).toBeUndefined();
		expect(sim.counters().videoDownloads).toBe(1);
	});

	it('confirm off: the callback body is trusted as it is and TTAPI is not asked', async () => {
		const paused = await pause(prompts('trusting'), { downloadVideo: false, options: { confirmWithFetch: false } });
		const jobId = paused.stored[0].json.jobId as string;
		await jobsEnded([jobId]);
		const body = { ...sim.getJob(jobId)!.fetchBody };
		body.data = { ...body.data, videoUrl: 'https://cdn.example.com/from-the-callback.mp4' };
		const outcome = await call(paused, { query: callbackOf(paused, 0).query, body });
		expect(outcome.resumed).toBe(true);
		expect(outcome.items[0].json).toMatchObject({ jobId, status: 'SUCCESS', videoUrl: 'https://cdn.example.com/from-the-callback.mp4' });
		expect(outcome.items[0].binary).toBeUndefined();
		expect(sim.counters().fetchCalls).toBe(0);
	});

	it('(h) a callback that frees a place submits the next item; duplicates, even concurrent, never submit an item twice', async () => {
		const input = prompts('h0', 'h1', 'h2', 'h3');
		const paused = await pause(input, { maxJobsInFlight: 2, downloadVideo: false });
		expect(sim.counters().submissions).toBe(2);
		const [job0, job1] = paused.stored.map((item) => item.json.jobId as string);
		await jobsEnded([job0, job1]);

		expectAnsweredWithoutResume(await call(paused, callbackOf(paused, 0)), { received: true });
		let counters = sim.counters();
		expect(counters.submissions).toBe(3);
		expect(counters.generationBodies[2].body.prompt).toBe('h2');
		expect(queryOf(counters.generationBodies[2].body.hookUrl).ttapiItem).toBe('2');

		// TTAPI repeating item 0's callback, three times at once: nothing more is submitted.
		const repeats = await Promise.all([0, 1, 2].map(() => call(paused, callbackOf(paused, 0))));
		for (const repeat of repeats) expectAnsweredWithoutResume(repeat, { received: true, duplicate: true });
		expect(sim.counters().submissions).toBe(3);

		// Item 1's callback arriving three times at once: one is handled, it frees one place, one submission.
		const concurrent = await Promise.all([0, 1, 2].map(() => call(paused, callbackOf(paused, 1))));
		expect(concurrent.map((outcome) => outcome.response.body)).toEqual([
			{ received: true },
			{ received: true, duplicate: true },
			{ received: true, duplicate: true },
		]);
		counters = sim.counters();
		expect(counters.submissions).toBe(4);
		expect(counters.submissionsByPrompt).toEqual({ h0: 1, h1: 1, h2: 1, h3: 1 });
		expect(counters.inFlightPeak).toBeLessThanOrEqual(2);
		const job2 = jobOf(paused, 2).jobId;
		const job3 = jobOf(paused, 3).jobId;
		expect(queryOf(jobOf(paused, 3).hookUrl).ttapiItem).toBe('3');

		await jobsEnded([job2, job3]);
		expectAnsweredWithoutResume(await call(paused, callbackOf(paused, 3)), { received: true });
		const last = await call(paused, callbackOf(paused, 2));
		expect(last.resumed).toBe(true);
		expect(last.items.map((item) => [item.json.prompt, item.json.status, item.json.jobId])).toEqual([
			['h0', 'SUCCESS', job0],
			['h1', 'SUCCESS', job1],
			['h2', 'SUCCESS', job2],
			['h3', 'SUCCESS', job3],
		]);
		expect(last.items.map((item) => item.pairedItem)).toEqual([0, 1, 2, 3].map((item) => ({ item })));
		expect(sim.counters().submitRequests).toBe(4);
	});

	// TTAPI (or a proxy) delivering the last callback twice at once: n8n hands both requests to
	// webhook() because the execution is still waiting when each arrives. Without a memory of the
	// resume, the second would adopt the stale stored copy and resume again: n8n would run the
	// rest of the workflow twice.
	it('the last callback delivered twice concurrently resumes the execution once', async () => {
		const paused = await pause(prompts('only one'), { downloadVideo: false });
		await jobsEnded([paused.stored[0].json.jobId as string]);
		const both = await Promise.all([call(paused, callbackOf(paused, 0)), call(paused, callbackOf(paused, 0))]);
		expect(both.map((outcome) => outcome.response.statusCode)).toEqual([200, 200]);
		expect(both.filter((outcome) => outcome.resumed)).toHaveLength(1);
	});

	// The same with the watch: a safety-check knock arriving while the last callback resumes (n8n
	// still sees the execution waiting: the first call is downloading the videos) must not resume.
	it('a probe "check" racing the last callback does not resume the execution a second time', async () => {
		const paused = await pause(prompts('race 0', 'race 1'));
		const jobIds = paused.stored.map((item) => item.json.jobId as string);
		await jobsEnded(jobIds);
		expectAnsweredWithoutResume(await call(paused, callbackOf(paused, 0)), { received: true });
		sim.injectFault({ endpoint: 'video', kind: 'slow', delayMs: 800, times: 1 }); // the first resume downloads slowly
		let firstReturned = false;
		const first = call(paused, callbackOf(paused, 1)).then((outcome) => {
			firstReturned = true;
			return outcome;
		});
		await sleep(200);
		expect(firstReturned).toBe(false); // so n8n still sees the execution waiting and hands the knock on
		const second = await call(paused, probe(paused, 'check'));
		expect((await first).resumed).toBe(true);
		expect(second.response.statusCode).toBe(200);
		expect(second.resumed).toBe(false);
	});

	it('after a restart (live copy lost) the stored batch is adopted: items not yet submitted are never sent', async () => {
		const paused = await pause(prompts('r0', 'r1', 'r2'), { maxJobsInFlight: 2, downloadVideo: false });
		const [job0, job1] = paused.stored.map((item) => item.json.jobId as string);
		await jobsEnded([job0, job1]);
		forgetBatch(paused.executionId); // n8n restarted: only the stored input is left
		expectAnsweredWithoutResume(await call(paused, callbackOf(paused, 0)), { received: true });
		expectAnsweredWithoutResume(await call(paused, callbackOf(paused, 1)), { received: true });
		expect(sim.counters().submissions).toBe(2);
		expect(sim.counters().submissionsByPrompt.r2).toBeUndefined();
	});
});

describe('webhook(): the background watch\'s probes', () => {
	it('(i) probe "check" finds jobs whose callbacks were lost, remembers the finished ones, and resumes when all are done', async () => {
		const paused = await pause(prompts('found quickly', '[sim:render=1500] found later'), { downloadVideo: false });
		const [job0, job1] = paused.stored.map((item) => item.json.jobId as string);
		await jobsEnded([job0]);
		expect(sim.getJob(job1)!.status).not.toBe('SUCCESS');

		expectAnsweredWithoutResume(await call(paused, probe(paused, 'check')), { received: true });
		expect(sim.counters().fetchCallsByJob).toEqual({ [job0]: 1, [job1]: 1 });

		await jobsEnded([job1]);
		// both of TTAPI's callbacks were lost (the drop happens just after the job ends)
		for (let waited = 0; sim.counters().droppedCallbacks < 2 && waited < 2000; waited += 10) await sleep(10);
		expect(sim.counters().droppedCallbacks).toBe(2);
		const found = await call(paused, probe(paused, 'check'));
		expect(found.response.body).toEqual({ received: true, resumed: true });
		expect(found.resumed).toBe(true);
		expect(found.items.map((item) => [item.json.jobId, item.json.status])).toEqual([
			[job0, 'SUCCESS'],
			[job1, 'SUCCESS'],
		]);
		// job 0 was remembered as done: not asked about again
		expect(sim.counters().fetchCallsByJob).toEqual({ [job0]: 1, [job1]: 2 });
	});

	it('(i) probe "deadline": before Max Wait it only checks; after it, it resumes with timeout errors carrying the job ids', async () => {
		const paused = await pause(prompts('done in time', '[sim:render=60000] too slow'), { maxWaitMinutes: 0.1 }, { continueOnFail: true });
		const [job0, job1] = paused.stored.map((item) => item.json.jobId as string);
		await jobsEnded([job0]);

		expectAnsweredWithoutResume(await call(paused, probe(paused, 'deadline')), { received: true });
		await sleep(Math.max(0, paused.batch.deadline - Date.now()) + 50);

		const ended = await call(paused, probe(paused, 'deadline'));
		expect(ended.error).toBeUndefined();
		expect(ended.response.body).toEqual({ received: true, resumed: true });
		expect(ended.resumed).toBe(true);
		expect(ended.items).toHaveLength(2);
		expect(ended.items[0].json).toMatchObject({ jobId: job0, status: 'SUCCESS', waitMode: 'callback' });
		expectVideo(ended.items[0]);
		expect(ended.items[1].json).toEqual({
			error: `Job ${job1} was still ON_QUEUE when Max Wait passed`,
			jobId: job1,
			status: 'ON_QUEUE',
			errorDescription: `The job goes on at TTAPI. Fetch it later with the Get Video operation and job ID ${job1}.`,
		});
		expect(ended.items.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
		expect(sim.counters().submissions).toBe(2);
		expectNoSecrets(ended.items);
	});

	it('probe "deadline" without Continue On Fail: the execution ends with an error naming the unfinished job and the others', async () => {
		const paused = await pause(prompts('ok', '[sim:render=60000] too slow'), { maxWaitMinutes: 0.1, downloadVideo: false });
		const [job0, job1] = paused.stored.map((item) => item.json.jobId as string);
		await sleep(Math.max(0, paused.batch.deadline - Date.now()) + 50);
		const ended = await call(paused, probe(paused, 'deadline'));
		expect(ended.response.body).toEqual({ received: true, resumed: true });
		expect(ended.error?.message).toBe(`Job ${job1} was still ON_QUEUE when Max Wait passed`);
		const description = String((ended.error as Error & { description?: string }).description);
		expect(description).toContain(`item 0: SUCCESS (job ${job0})`);
		expect(description).toContain(`Get Video operation and job ID ${job1}`);
	});

	it(
		'at Max Wait, items Max Jobs in Flight kept back (never submitted) say so, with no job id',
		async () => {
			const paused = await pause(
				prompts('[sim:render=60000] first', 'second', 'third'),
				{ maxWaitMinutes: 0.1, maxJobsInFlight: 1, downloadVideo: false },
				{ continueOnFail: true },
			);
			await sleep(Math.max(0, paused.batch.deadline - Date.now()) + 50);
			const ended = await call(paused, probe(paused, 'deadline'));
			expect(ended.resumed).toBe(true);
			expect(sim.counters().submissions).toBe(1); // the money rule holds: never sent
			expect(ended.items[0].json.jobId).toBe(paused.stored[0].json.jobId);
			for (const item of ended.items.slice(1)) {
				expect(item.json.jobId).toBeUndefined();
				expect(String(item.json.error)).not.toContain('undefined');
				expect(String(item.json.errorDescription)).not.toContain('undefined');
			}
		},
	);
});

describe('for real over HTTP: TTAPI and the background watch call the resume URL', () => {
	let server: WaitingWebhookServer;
	beforeAll(async () => {
		server = await startWaitingWebhookServer({ node: SoraGenerate, credentials: credentialsWith(), credentialTypes: [TtApi] });
	});
	afterAll(async () => await server.close());
	beforeEach(() => sim.clearFaults()); // TTAPI's callbacks arrive

	it('3 items, 2 in flight: the callbacks submit the third and the last resumes the execution once', async () => {
		const paused = await pause(prompts('e0', 'e1', 'e2'), { maxJobsInFlight: 2, maxWaitMinutes: 0.1 }, {
			waitingBase: server.webhookWaitingBaseUrl,
			credentials: credentialsWith(),
		});
		server.register(paused.executionId, paused.stored);
		const items = await server.waitForResume(paused.executionId, 15_000);
		expect(items.map((item) => [item.json.prompt, item.json.status])).toEqual([
			['e0', 'SUCCESS'],
			['e1', 'SUCCESS'],
			['e2', 'SUCCESS'],
		]);
		items.forEach((item) => expectVideo(item));
		const counters = sim.counters();
		expect(counters.submissionsByPrompt).toEqual({ e0: 1, e1: 1, e2: 1 });
		expect(counters.inFlightPeak).toBeLessThanOrEqual(2);
		const mine = server.calls.filter((entry) => entry.executionId === paused.executionId);
		expect(mine.filter((entry) => entry.resumed)).toHaveLength(1);
		// TTAPI's callbacks reached webhook() on the hookUrl exactly as submitted.
		for (const index of [0, 1, 2]) {
			const job = jobOf(paused, index);
			expect(job.callbacks.length).toBeGreaterThanOrEqual(1);
			expect(job.callbacks[0].url).toBe(job.hookUrl);
		}
		expectNoSecrets([items, mine.map((entry) => entry.response.body)]);

		// The background watch stops at the first knock n8n answers "finished": that is the deadline
		// knock, or, when the resume beat the watch's first knock (a loaded machine), that one.
		const finishedKnocks = () =>
			server.refused.filter((entry) => entry.url.includes(`/${paused.executionId}?`) && /finished/.test(entry.message));
		for (const until = paused.batch.deadline + 5000; !finishedKnocks().length && Date.now() < until; ) await sleep(50);
		await sleep(500);
		expect(finishedKnocks()).toEqual([expect.objectContaining({ statusCode: 409 })]);
	});

	it("a callback lost while n8n was still saving the execution (409) is found by the watch's first knock", async () => {
		const paused = await pause(prompts('[sim:render=0] instant'), { maxWaitMinutes: 0.1, downloadVideo: false }, {
			waitingBase: server.webhookWaitingBaseUrl,
			credentials: credentialsWith(),
		});
		const jobId = paused.stored[0].json.jobId as string;
		// Until n8n has saved the execution as waiting, it answers 409 "running" to everyone.
		for (let waited = 0; !sim.getJob(jobId)!.callbacks.length && waited < 5000; waited += 25) await sleep(25);
		expect(sim.getJob(jobId)!.callbacks.map((callback: any) => callback.status)).toEqual([409]);
		server.register(paused.executionId, paused.stored);

		const items = await server.waitForResume(paused.executionId, 15_000);
		expect(items[0].json).toMatchObject({ jobId, status: 'SUCCESS' });
		const resuming = server.calls.find((entry) => entry.executionId === paused.executionId && entry.resumed);
		expect(resuming?.query.ttapiProbe).toBe('check');
		expect(server.refused.some((entry) => entry.url.includes(`/${paused.executionId}?ttapiProbe=check`) && entry.statusCode === 409)).toBe(true);
	});
});

describe('(j) secrets', () => {
	it('no API key or Callback Secret in any output item, stored item or response body above', () => {
		expect(handedOut.length).toBeGreaterThan(30);
		expectNoSecrets(handedOut);
	});
});
