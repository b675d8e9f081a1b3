/**
 * Sora Generate, Wait for Callback and Auto, inside real n8n-core against the TTAPI simulator:
 * execute() submits the batch and pauses the execution (runNode), then webhook() is driven the way
 * n8n drives a waiting node's restart webhook, with the stored input items as `$input`
 * (waiting-webhook harness): directly, and through a server that the simulator and the node's own
 * look-again loop call for real.
 *
 * webhook() is stateless: each call reads the stored batch and asks TTAPI. The harness runs
 * n8n-core 1.x; the tests emulate n8n 2.x, whose resume URLs carry n8n's signature
 * (runNode's resumeSignature), except where they show what happens on 1.x (the node polls).
 */
import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

import type { IDataObject, INodeExecutionData, NodeParameterValueType } from 'n8n-workflow';

import { TtApi } from '../../credentials/TtApi.credentials';
import { Logger } from '@n8n/backend-common';
import { Container } from '@n8n/di';

import { itemTokenMatches, lookUrl } from '../../nodes/SoraGenerate/actions/batch/callback/callbackUrls';
import { stopLookingAgain } from '../../nodes/SoraGenerate/actions/batch/callback/lookAgain';
import type { CallbackBatch } from '../../nodes/SoraGenerate/actions/batch/callback/storedBatch';
import { BATCH_KEY } from '../../nodes/SoraGenerate/actions/batch/callback/storedBatch';
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

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { PUBLIC_NAME, UNREACHABLE_NAME } = require('../harness/public-names') as { PUBLIC_NAME: string; UNREACHABLE_NAME: string };

const SECRET = 'callback-secret-DO-NOT-LEAK-3e8d21';
const VIDEO_BYTES = 64 * 1024;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

type Sim = Simulator & {
	listJobs(): Array<Record<string, any>>;
	sendCallback(jobId: string, options?: { url?: string; body?: unknown; times?: number }): Promise<Array<number | null>>;
};

let sim: Sim;
/** n8n 2.x's resume URL signature, as the harness emulates it. */
const SIGNATURE = 'n8n-2-signature';
/** A webhook-waiting base on a port nobody listens on: the node's looks fail at once. */
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
afterAll(async () => {
	stopLookingAgain();
	await sim.close();
});
beforeEach(() => {
	stopLookingAgain();
	sim.reset();
	sim.configure({ renderMs: 300, queueMs: 50, queueLimit: 10, callbackDelayMs: 0 });
	// Unless a test wants them, TTAPI's own callbacks are lost: the tests deliver them.
	sim.injectFault({ endpoint: 'callback', kind: 'drop', times: Infinity });
});

const credentialsWith = (extra: IDataObject = {}) => ({
	ttApi: { apiKey: API_KEY, baseUrl: 'custom', customBaseUrl: sim.url, callbackSecret: SECRET, ...extra },
});

const callbackParameters = (extra: Record<string, NodeParameterValueType> = {}) =>
	generateParameters({ waitMode: 'callback', maxWaitMinutes: 5, maxJobsInFlight: 5, pollIntervalSeconds: 1, ...extra });

interface Paused {
	result: RunNodeResult;
	stored: INodeExecutionData[];
	batch: CallbackBatch;
	executionId: string;
	parameters: Record<string, NodeParameterValueType>;
	credentials: ReturnType<typeof credentialsWith>;
}

interface RunOptions {
	continueOnFail?: boolean;
	waitingBase?: string | null;
	credentials?: ReturnType<typeof credentialsWith>;
	/** Run as on n8n 1.x: resume URLs without n8n's signature. */
	n8n1?: boolean;
}

async function execute(input: IDataObject[], extra: Record<string, NodeParameterValueType> = {}, options: RunOptions = {}) {
	return await runNode({
		node: SoraGenerate,
		parameters: callbackParameters(extra),
		input,
		credentials: options.credentials ?? credentialsWith(),
		credentialTypes: [TtApi],
		continueOnFail: options.continueOnFail,
		resumeSignature: options.n8n1 ? undefined : SIGNATURE,
		// null: the harness's own http://localhost:5678/webhook-waiting
		...(options.waitingBase === null ? {} : { additionalData: { webhookWaitingBaseUrl: options.waitingBase ?? closedBase } }),
	});
}

/** First run: execute() submits the batch and pauses the execution. */
async function pause(input: IDataObject[], extra: Record<string, NodeParameterValueType> = {}, options: RunOptions = {}): Promise<Paused> {
	const result = await execute(input, extra, options);
	expect(result.error).toBeUndefined();
	expect(result.status).toBe('waiting');
	const stored = storedInputOf(result);
	handedOut.push(result.items, stored);
	const batch = (stored[0] as unknown as Record<string, unknown>)[BATCH_KEY] as CallbackBatch;
	return { result, stored, batch, executionId: batch.executionId, parameters: callbackParameters(extra), credentials: options.credentials ?? credentialsWith() };
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
const jobIdsOf = (paused: Paused) => paused.stored.map((item) => item.json.jobId as string);

/** The simulator's job submitted for one item of a paused execution (found by its hookUrl). */
function jobOf(paused: Paused, index: number): Record<string, any> {
	const job = sim.listJobs().find((candidate) => {
		if (!candidate.hookUrl) return false;
		const url = new URL(candidate.hookUrl);
		return url.pathname.endsWith(`/${pathIdOf(paused)}`) && url.searchParams.get('ttapiItem') === String(index);
	});
	if (!job) throw new Error(`no job was submitted for item ${index} of execution ${paused.executionId}`);
	return job;
}

/** What TTAPI sends to the item's hookUrl when its job ends: the fetch body, to the hookUrl as submitted. */
function callbackOf(paused: Paused, index: number, body?: unknown): WaitingRequest {
	const job = jobOf(paused, index);
	return { query: queryOf(job.hookUrl), body: body ?? sim.getJob(job.jobId)?.fetchBody };
}

/** What the node's look-again loop sends. */
const look = (paused: Paused): WaitingRequest => ({ query: queryOf(lookUrl(paused.batch, SECRET)), body: {} });

const pathIdOf = (paused: Paused) => paused.executionId.split('?')[0];

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
/** Waits until `condition` holds or `withinMs` has passed (the caller's expect then says which). */
async function until(condition: () => boolean, withinMs: number): Promise<void> {
	for (let waited = 0; !condition() && waited < withinMs; waited += 10) await sleep(10);
}

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

function expectWaiting(outcome: RunWaitingWebhookResult) {
	expect(outcome.error).toBeUndefined();
	expect(outcome.response.statusCode).toBe(200);
	expect(outcome.response.body).toEqual({ received: true });
	expect(outcome.resumed).toBe(false);
}

function expectResumed(outcome: RunWaitingWebhookResult) {
	expect(outcome.error).toBeUndefined();
	expect(outcome.response.statusCode).toBe(200);
	expect(outcome.response.body).toEqual({ received: true, resumed: true });
	expect(outcome.resumed).toBe(true);
}

function expectVideo(item: INodeExecutionData, property = 'data') {
	expect(item.binary?.[property]?.mimeType).toBe('video/mp4');
	expect(item.binary?.[property]?.fileName).toBe(`${item.json.jobId}.mp4`);
	const video = readBinary(item, property);
	expect(video.length).toBe(VIDEO_BYTES);
	expect(video.subarray(4, 8).toString('ascii')).toBe('ftyp');
}

describe('execute(): submits every item, then pauses with every job ID', () => {
	it('N ≤ Max Jobs in Flight: submits all at once; each hookUrl is the resume URL + ttapiItem + ttapiToken; the stored items carry the job ids', async () => {
		const paused = await pause(prompts('[sim:render=60000] first', '[sim:render=60000] second'), { maxJobsInFlight: 2 }, { waitingBase: null });
		const { executionId, batch, result, stored } = paused;
		const resumeUrl = `http://localhost:5678/webhook-waiting/${executionId}`;
		expect(resumeUrl).toMatch(new RegExp(`/webhook-waiting/\\d+\\?signature=${SIGNATURE}$`));

		const counters = sim.counters();
		expect(counters.submissions).toBe(2);
		expect(counters.submitRequests).toBe(2);
		const tokens: string[] = [];
		counters.generationBodies.forEach((entry: any, index: number) => {
			const { hookUrl, ...rest } = entry.body;
			expect(rest).toEqual({ model: 'sora-2', prompt: index === 0 ? '[sim:render=60000] first' : '[sim:render=60000] second' });
			const prefix = `${resumeUrl}&ttapiItem=${index}&${CALLBACK_TOKEN_PARAM}=`;
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
		expect(result.items.map((item) => item.json.jobId)).toEqual(jobIds);
		expect(result.items.map((item) => item.json.status)).toEqual(['SUBMITTED', 'SUBMITTED']);
		expect(result.items.map((item) => item.json.item)).toEqual([0, 1]);
		expect(result.items.every((item) => item.json.waitMode === 'callback')).toBe(true);
		expect(result.items.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);

		// The stored input: same items; the batch rides on item 0 only, beside json.
		expect(stored.map((item) => item.json)).toEqual(result.items.map((item) => item.json));
		expect(Object.keys(stored[0]).sort()).toEqual(['json', 'pairedItem', BATCH_KEY].sort());
		expect(Object.keys(stored[1]).sort()).toEqual(['json', 'pairedItem']);
		expect(batch).toMatchObject({
			version: 2,
			kind: 'generation',
			executionId,
			resumeUrl,
			confirmWithFetch: true,
			continueOnFail: false,
			itemOptions: { downloadVideo: true, binaryPropertyName: 'data' },
		});
		expect(batch.items.map((item) => item.phase)).toEqual(['running', 'running']);
		// Max Wait 5 min; n8n's own limit 2 min later.
		expect(batch.deadline - Date.now()).toBeGreaterThan(4 * 60_000);
		expect(batch.deadline - Date.now()).toBeLessThanOrEqual(5 * 60_000);
		expect(new Date(result.run.waitTill as Date).getTime()).toBe(batch.deadline + 2 * 60_000);
		expectNoSecrets([result.items, stored]);
	});

	it('N > Max Jobs in Flight: polls the jobs in flight and submits as places free; pauses once every item is at TTAPI, one submission each', async () => {
		const input = prompts('n0', 'n1', 'n2', 'n3', '[sim:render=60000] n4');
		const paused = await pause(input, { maxJobsInFlight: 2, downloadVideo: false });
		const counters = sim.counters();
		expect(counters.submissions).toBe(5);
		expect(counters.submissionsByPrompt).toEqual(Object.fromEntries(input.map(({ prompt }) => [prompt, 1])));
		expect(counters.inFlightPeak).toBeLessThanOrEqual(2);
		expect(counters.queueFullRefusals).toBe(0);
		// Every item has its job: no item is left for a webhook() to submit.
		const jobIds = jobIdsOf(paused);
		expect(jobIds.every((id) => UUID.test(id))).toBe(true);
		expect(paused.batch.items.map((item) => item.phase !== 'failed' && item.jobId)).toEqual(jobIds);
		// the first jobs ended while execute() waited for places: stored as done; the last is in flight
		expect(paused.batch.items.slice(0, 3).map((item) => item.phase)).toEqual(['done', 'done', 'done']);
		expect(paused.batch.items[4]).toMatchObject({ phase: 'running', lastStatus: 'SUBMITTED' });
		expect(paused.stored.slice(0, 3).map((item) => item.json.status)).toEqual(['SUCCESS', 'SUCCESS', 'SUCCESS']);
	});

	it('N > Max Jobs in Flight, every job ended before the last one was sent: outputs at once, without pausing', async () => {
		// the last item's submission is refused (nothing created): nothing is left in flight
		sim.injectFault({ endpoint: 'generations', kind: 'status', status: 400, beforeCreate: true, match: { prompt: 'refused' } });
		const result = await execute(prompts('ends quickly', 'refused'), { maxJobsInFlight: 1, downloadVideo: false }, { continueOnFail: true });
		expect(result.status).toBe('success');
		expect(result.items[0].json).toMatchObject({ status: 'SUCCESS', prompt: 'ends quickly', waitMode: 'callback' });
		expect(result.items[1].json.error).toMatch(/^TTAPI refused the job/);
		expect(sim.counters().submissions).toBe(1);
	});

	it('without Continue On Fail, a job that FAILED while items waited for a place stops the batch: nothing more is sent', async () => {
		const result = await execute(prompts('[sim:fail=content policy] first', 'second', 'third'), { maxJobsInFlight: 1, downloadVideo: false });
		expect(result.status).toBe('error');
		expect(result.error?.message).toMatch(/^TTAPI job .* failed: content policy$/);
		expect(String((result.error as Error & { description?: string }).description)).toMatch(/item 1: error: Not submitted: the node stopped after item 0 failed/);
		expect(sim.counters().submissions).toBe(1);
	});

	it('Max Wait passing while items wait for a place: the node ends then, without pausing; never-sent items say so, with no job id', async () => {
		const result = await execute(
			prompts('[sim:render=60000] first', 'second', 'third'),
			{ maxWaitMinutes: 0.1, maxJobsInFlight: 1, downloadVideo: false },
			{ continueOnFail: true },
		);
		expect(result.status).toBe('success');
		expect(sim.counters().submissions).toBe(1); // the money rule holds: never sent
		const [job0] = sim.counters().generationBodies.map((entry: any) => entry.jobId);
		expect(result.items[0].json).toMatchObject({ jobId: job0, status: 'ON_QUEUE', error: `Job ${job0} was still ON_QUEUE when Max Wait passed` });
		for (const item of result.items.slice(1)) {
			expect(item.json.jobId).toBeUndefined();
			expect(item.json.status).toBe('NOT_SUBMITTED');
			expect(item.json.error).toMatch(/^Not submitted: Max Wait passed while this item waited for a free place/);
			expect(String(item.json.errorDescription)).not.toContain('undefined');
		}
	});

	it('without a Callback Secret the tokens are keyed by the API key, which never appears in a URL', async () => {
		const credentials = credentialsWith({ callbackSecret: '' });
		const paused = await pause(prompts('no secret'), {}, { credentials });
		const hookUrl = sim.counters().generationBodies[0].body.hookUrl as string;
		expect(hookUrl).not.toContain(API_KEY);
		const token = queryOf(hookUrl)[CALLBACK_TOKEN_PARAM];
		expect(itemTokenMatches(paused.batch, API_KEY, 0, token)).toBe(true);
		expect(itemTokenMatches(paused.batch, SECRET, 0, token)).toBe(false);
		await jobsEnded(jobIdsOf(paused));
		const outcome = await call(paused, callbackOf(paused, 0));
		expectResumed(outcome);
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

	it('n8n 1.x (resume URLs without n8n\'s signature): Wait for Callback polls, says so in the log, and outputs waitMode "poll"', async () => {
		const info = jest.spyOn(Container.get(Logger), 'info');
		try {
			const result = await execute(prompts('on one point x'), { maxWaitMinutes: 2 }, { n8n1: true });
			expect(result.error).toBeUndefined();
			expect(result.status).toBe('success');
			expect(result.items[0].json).toMatchObject({ status: 'SUCCESS', waitMode: 'poll', prompt: 'on one point x' });
			expectVideo(result.items[0]);
			expect(sim.counters().generationBodies[0].body.hookUrl).toBeUndefined();
			expect(info.mock.calls.map(([message]) => String(message))).toContainEqual(expect.stringMatching(/polls instead of waiting for callbacks: this n8n \(1\.x\) could resume a paused execution twice/));
		} finally {
			info.mockRestore();
		}
	});

	it('Auto on n8n 1.x polls even with a public resume URL', async () => {
		const result = await execute(prompts('auto on 1.x'), { waitMode: 'auto', timeoutMinutes: 2 }, { n8n1: true, waitingBase: 'https://n8n.example.com/webhook-waiting' });
		expect(result.status).toBe('success');
		expect(result.items[0].json).toMatchObject({ status: 'SUCCESS', waitMode: 'poll' });
	});

	describe('Auto with a public resume URL', () => {
		let server: WaitingWebhookServer;
		beforeAll(async () => {
			server = await startWaitingWebhookServer({ node: SoraGenerate, credentials: credentialsWith(), credentialTypes: [TtApi] });
		});
		afterAll(async () => await server.close());
		const publicBase = () => server.webhookWaitingBaseUrl.replace('127.0.0.1', PUBLIC_NAME);

		it('that n8n reaches itself (its running execution answers 409 there): waits for callbacks', async () => {
			const result = await execute(prompts('[sim:render=60000] auto public'), { waitMode: 'auto', timeoutMinutes: 2 }, { waitingBase: publicBase() });
			expect(result.error).toBeUndefined();
			expect(result.status).toBe('waiting');
			const batch = (storedInputOf(result)[0] as unknown as Record<string, unknown>)[BATCH_KEY] as CallbackBatch;
			expect(result.items[0].json).toMatchObject({ status: 'SUBMITTED', waitMode: 'callback' });
			const hookUrl = new URL(sim.counters().generationBodies[0].body.hookUrl);
			expect(hookUrl.origin + hookUrl.pathname).toBe(`${publicBase()}/${batch.executionId.split('?')[0]}`);
			expect(hookUrl.searchParams.get('signature')).toBe(SIGNATURE);
			// the check: one call to its own resume URL while the execution ran, answered 409 "running"
			expect(server.refused.filter((entry) => entry.statusCode === 409 && !entry.url.includes('ttapi'))).toHaveLength(1);
		});

		it('that n8n cannot resolve from inside: polls, and the log says why and where to read more', async () => {
			const warn = jest.spyOn(Container.get(Logger), 'warn');
			try {
				const base = `http://${UNREACHABLE_NAME}:5678/webhook-waiting`;
				const result = await execute(prompts('auto split dns'), { waitMode: 'auto', timeoutMinutes: 2 }, { waitingBase: base });
				expect(result.status).toBe('success');
				expect(result.items[0].json).toMatchObject({ status: 'SUCCESS', waitMode: 'poll' });
				expect(sim.counters().generationBodies[0].body.hookUrl).toBeUndefined();
				const warnings = warn.mock.calls.map(([message]) => String(message));
				expect(warnings).toContainEqual(expect.stringContaining(`Sora Generate (Auto) polls: n8n could not call its own resume URL ${base}/`));
				expect(warnings.join('\n')).toMatch(/ENOTFOUND.*README → Troubleshooting/);
				expect(warnings.join('\n')).not.toContain(SIGNATURE);
			} finally {
				warn.mockRestore();
			}
		});
	});

	it('Wait for Callback where n8n cannot call its own resume URL: one warning per batch, and TTAPI\'s callback still resumes it', async () => {
		const server = await startWaitingWebhookServer({ node: SoraGenerate, credentials: credentialsWith(), credentialTypes: [TtApi] });
		const warn = jest.spyOn(Container.get(Logger), 'warn');
		try {
			const port = new URL(server.webhookWaitingBaseUrl).port;
			// TTAPI reaches n8n's public name from outside; inside, the name does not resolve.
			sim.configure({ callbackRoutes: { [UNREACHABLE_NAME]: `127.0.0.1:${port}` }, callbackDelayMs: 2500 });
			sim.clearFaults();
			const paused = await pause(prompts('split dns 1', 'split dns 2'), { downloadVideo: false }, { waitingBase: `http://${UNREACHABLE_NAME}:${port}/webhook-waiting` });
			server.register(paused.executionId, paused.stored);
			const items = await server.waitForResume(paused.executionId, 20_000);
			expect(items.map((item) => item.json.status)).toEqual(['SUCCESS', 'SUCCESS']);
			const warnings = warn.mock.calls.map(([message]) => String(message)).filter((message) => message.includes('could not call the resume URL'));
			expect(warnings).toHaveLength(1);
			expect(warnings[0]).toContain(`http://${UNREACHABLE_NAME}:${port}/webhook-waiting/${pathIdOf(paused)} of waiting execution`);
			expect(warnings[0]).toMatch(/ENOTFOUND.*callbacks lost on the way are not looked for.*split DNS.*README → Troubleshooting/);
			// (the harness's execution ID carries the emulated signature; n8n's own IDs are plain numbers)
			expect(warnings[0].replaceAll(paused.executionId, '<id>')).not.toContain(SIGNATURE);
			expectNoSecrets(warnings);
		} finally {
			warn.mockRestore();
			sim.configure({ callbackRoutes: {} });
			await server.close();
		}
	});

	it('a batch with nothing left to wait for (every item invalid, Continue On Fail) ends at once, nothing submitted', async () => {
		const result = await execute(prompts('', '   '), { prompt: '={{ $json.prompt }}' }, { continueOnFail: true });
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
		await jobsEnded(jobIdsOf(paused));
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
			{ ttapiLook: '1' },
			{ ttapiLook: '1', [CALLBACK_TOKEN_PARAM]: token1 }, // an item token is no look token
			{ ttapiLook: '1', [CALLBACK_TOKEN_PARAM]: queryOf(lookUrl(other.batch, SECRET))[CALLBACK_TOKEN_PARAM] }, // another execution's
		];
		for (const query of attempts) {
			expectRefused(await call(paused, { query, body: good.body }), 401, /^Wrong or missing token$/);
		}
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
		const [jobId] = jobIdsOf(paused);
		for (const body of [undefined, 'SUCCESS', [], {}, { status: 'SUCCESS' }, { jobId }, { status: 7, jobId }, { status: 'SUCCESS', data: { job_id: '' } }]) {
			expectRefused(await call(paused, { query, body }), 400, /^The body is not a TTAPI job result$/);
		}
		expect(sim.counters().fetchCalls).toBe(0);
	});

	it("(c) a job id that is not the item's is 403, and the right callback still works afterwards", async () => {
		const paused = await pause(prompts('p0', '[sim:render=1500] p1'));
		const [job0, job1] = jobIdsOf(paused);
		await jobsEnded([job0, job1]);
		const { query } = callbackOf(paused, 0);
		const body1 = sim.getJob(job1)!.fetchBody;
		expectRefused(await call(paused, { query, body: body1 }), 403, /not submitted for this item/);
		const stranger = { ...body1, jobId: '99999999-9999-4999-8999-999999999999' };
		expectRefused(await call(paused, { query, body: stranger }), 403, /not submitted for this item/);
		expect(sim.counters().fetchCalls).toBe(0);

		const last = await call(paused, callbackOf(paused, 1));
		expectResumed(last);
		expect(last.items.map((item) => item.json.jobId)).toEqual([job0, job1]);
	});
});

describe('webhook(): callbacks, stateless', () => {
	it("(d) TTAPI's record lagging the callback: 503 (TTAPI may send again, and the node looks again), nothing resumes", async () => {
		const paused = await pause(prompts('[sim:render=60000] slow'));
		const [jobId] = jobIdsOf(paused);
		await sleep(150); // queued → ON_QUEUE
		const claim = { status: 'SUCCESS', message: '', jobId, data: { videoUrl: 'http://127.0.0.1:9/fake.mp4' } };
		const outcome = await call(paused, { query: callbackOf(paused, 0).query, body: claim });
		expectRefused(outcome, 503, new RegExp(`^TTAPI does not show job ${jobId} as ended yet; send the callback again later$`));
		expect(sim.counters().fetchCallsByJob[jobId]).toBe(1);
		expect(sim.counters().videoRequests).toBe(0);
	});

	it("n8n's database failing under webhook() (n8n stopping): answered 503, the execution keeps waiting, the resent callback resumes it", async () => {
		const paused = await pause(prompts('[sim:render=200] a calm lake'));
		await jobsEnded(jobIdsOf(paused));
		const closing = {
			get ttApi(): never {
				throw new Error('Connection is not established');
			},
		};
		const outcome = await call({ ...paused, credentials: closing as never }, callbackOf(paused, 0));
		expectRefused(outcome, 503, /^Could not handle the callback now: Connection is not established$/);
		const resent = await call(paused, callbackOf(paused, 0));
		expectResumed(resent);
		expect(resent.items[0].json).toMatchObject({ status: 'SUCCESS', jobId: jobIdsOf(paused)[0] });
	});

	it("(e)(f) callbacks in shuffled order, repeated: answered 200 while a job runs; the last job's callback resumes with every video in input order", async () => {
		const input = prompts('a red fox', 'a blue whale', '[sim:render=1600] a green frog');
		const paused = await pause(input, { options: { binaryPropertyName: 'video' } });
		const jobIds = jobIdsOf(paused);
		expect(jobIds.every((id) => UUID.test(id))).toBe(true);
		await jobsEnded(jobIds.slice(0, 2));

		expectWaiting(await call(paused, callbackOf(paused, 1)));
		expectWaiting(await call(paused, callbackOf(paused, 0)));
		expectWaiting(await call(paused, callbackOf(paused, 1))); // TTAPI calling again
		// each call asks about its own job, then the others from the last until one still runs (job 2)
		expect(sim.counters().fetchCallsByJob).toEqual({ [jobIds[0]]: 1, [jobIds[1]]: 2, [jobIds[2]]: 3 });
		expect(sim.counters().videoRequests).toBe(0);

		await jobsEnded(jobIds);
		const last = await call(paused, callbackOf(paused, 2));
		expectResumed(last);
		// n8n answers TTAPI once it has resumed the execution.
		expect(last.result?.webhookResponse).toEqual({ received: true, resumed: true });
		expect(last.result?.noWebhookResponse).toBeUndefined();
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
		expect(counters.submissions).toBe(3);
		expectNoSecrets([items, last.response.body]);
	});

	it('the first call that finds every job ended resumes, whichever item it is for (n8n resumes once by itself)', async () => {
		const paused = await pause(prompts('first', '[sim:render=1600] ends last'), { downloadVideo: false });
		await jobsEnded(jobIdsOf(paused));
		const first = await call(paused, callbackOf(paused, 0));
		expectResumed(first);
		// n8n answers, once it has resumed the execution
		expect(first.result?.webhookResponse).toEqual({ received: true, resumed: true });
		expect(first.result?.noWebhookResponse).toBeUndefined();
	});

	it('(g) confirm on: a body claiming another video URL is ignored, TTAPI\'s record is output and downloaded', async () => {
		const paused = await pause(prompts('the real one', '[sim:fail=content policy] [sim:render=1600] the failing one'), {}, { continueOnFail: true });
		const [job0, job1] = jobIdsOf(paused);
		await jobsEnded([job0]);
		const forged = {
			...sim.getJob(job0)!.fetchBody,
			data: { ...sim.getJob(job0)!.fetchBody.data, videoUrl: 'http://127.0.0.1:9/forged.mp4', prompt: 'forged' },
		};
		expectWaiting(await call(paused, { query: callbackOf(paused, 0).query, body: forged }));
		await jobsEnded([job1]);
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
		const [jobId] = jobIdsOf(paused);
		await jobsEnded([jobId]);
		const body = { ...sim.getJob(jobId)!.fetchBody };
		body.data = { ...body.data, videoUrl: 'https://cdn.example.com/from-the-callback.mp4' };
		const outcome = await call(paused, { query: callbackOf(paused, 0).query, body });
		expect(outcome.resumed).toBe(true);
		expect(outcome.items[0].json).toMatchObject({ jobId, status: 'SUCCESS', videoUrl: 'https://cdn.example.com/from-the-callback.mp4' });
		expect(outcome.items[0].binary).toBeUndefined();
		expect(sim.counters().fetchCalls).toBe(0);
	});

	it('a FAILED job without Continue On Fail fails the node at the resume, naming the other items', async () => {
		const paused = await pause(prompts('fine', '[sim:fail=insufficient quota] [sim:render=1600] no money'), { downloadVideo: false });
		const [job0, job1] = jobIdsOf(paused);
		await jobsEnded([job0, job1]);
		const last = await call(paused, callbackOf(paused, 1));
		expect(last.error?.message).toBe(`TTAPI job ${job1} failed: insufficient quota`);
		expect(String((last.error as Error & { description?: string }).description)).toContain(`item 0: SUCCESS (job ${job0})`);
		expect(last.response.body).toEqual({ received: true, resumed: true });
	});
});

describe("webhook(): the node's own looks", () => {
	it('(i) a look finds jobs whose callbacks were lost and resumes when all are done', async () => {
		const paused = await pause(prompts('found quickly', '[sim:render=1500] found later'), { downloadVideo: false });
		const [job0, job1] = jobIdsOf(paused);
		await jobsEnded([job0]);
		expect(sim.getJob(job1)!.status).not.toBe('SUCCESS');

		expectWaiting(await call(paused, look(paused)));
		expect(sim.counters().fetchCallsByJob).toEqual({ [job1]: 1 }); // stops at the first job still running

		await jobsEnded([job1]);
		await until(() => sim.counters().droppedCallbacks >= 2, 2000);
		expect(sim.counters().droppedCallbacks).toBe(2); // both of TTAPI's callbacks were lost
		const found = await call(paused, look(paused));
		expectResumed(found);
		expect(found.items.map((item) => [item.json.jobId, item.json.status])).toEqual([
			[job0, 'SUCCESS'],
			[job1, 'SUCCESS'],
		]);
	});

	it('(i) a look before Max Wait only checks; at Max Wait it resumes with timeout errors carrying the job ids', async () => {
		const paused = await pause(prompts('done in time', '[sim:render=60000] too slow'), { maxWaitMinutes: 0.1 }, { continueOnFail: true });
		const [job0, job1] = jobIdsOf(paused);
		await jobsEnded([job0]);

		expectWaiting(await call(paused, look(paused)));
		await sleep(Math.max(0, paused.batch.deadline - Date.now()) + 50);

		const ended = await call(paused, look(paused));
		expectResumed(ended);
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

	it('a look at Max Wait without Continue On Fail: the execution ends with an error naming the unfinished job and the others', async () => {
		const paused = await pause(prompts('ok', '[sim:render=60000] too slow'), { maxWaitMinutes: 0.1, downloadVideo: false });
		const [job0, job1] = jobIdsOf(paused);
		await sleep(Math.max(0, paused.batch.deadline - Date.now()) + 50);
		const ended = await call(paused, look(paused));
		expect(ended.response.body).toEqual({ received: true, resumed: true });
		expect(ended.error?.message).toBe(`Job ${job1} was still ON_QUEUE when Max Wait passed`);
		const description = String((ended.error as Error & { description?: string }).description);
		expect(description).toContain(`item 0: SUCCESS (job ${job0})`);
		expect(description).toContain(`Get Video operation and job ID ${job1}`);
	});
});

describe('for real over HTTP: TTAPI and the node\'s look-again loop call the resume URL', () => {
	let server: WaitingWebhookServer;
	beforeAll(async () => {
		server = await startWaitingWebhookServer({ node: SoraGenerate, credentials: credentialsWith(), credentialTypes: [TtApi] });
	});
	afterAll(async () => await server.close());
	beforeEach(() => sim.clearFaults()); // TTAPI's callbacks arrive

	const registerWhenPaused = async (input: IDataObject[], extra: Record<string, NodeParameterValueType>) => {
		const paused = await pause(input, extra, { waitingBase: server.webhookWaitingBaseUrl, credentials: credentialsWith() });
		server.register(paused.executionId, paused.stored);
		return paused;
	};

	it('5 items, 2 in flight: one submission each; the execution pauses with every job ID and resumes once, with all 5', async () => {
		const input = prompts('e0', 'e1', 'e2', 'e3', 'e4');
		const paused = await registerWhenPaused(input, { maxJobsInFlight: 2, maxWaitMinutes: 0.2 });
		const items = await server.waitForResume(paused.executionId, 15_000);
		expect(items.map((item) => [item.json.prompt, item.json.status])).toEqual(input.map(({ prompt }) => [prompt, 'SUCCESS']));
		items.forEach((item) => expectVideo(item));
		const counters = sim.counters();
		expect(counters.submissionsByPrompt).toEqual(Object.fromEntries(input.map(({ prompt }) => [prompt, 1])));
		expect(counters.inFlightPeak).toBeLessThanOrEqual(2);
		const mine = server.calls.filter((entry) => entry.executionId === pathIdOf(paused));
		expect(mine.filter((entry) => entry.resumed)).toHaveLength(1);
		expectNoSecrets([items, mine.map((entry) => entry.response.body)]);
	});

	it("a callback lost while n8n was still saving the execution (409) is found by the look right after the pause", async () => {
		const paused = await pause(prompts('[sim:render=0] instant'), { maxWaitMinutes: 0.1, downloadVideo: false }, {
			waitingBase: server.webhookWaitingBaseUrl,
			credentials: credentialsWith(),
		});
		const [jobId] = jobIdsOf(paused);
		// Until n8n has saved the execution as waiting, it answers 409 "running" to everyone.
		await until(() => sim.getJob(jobId)!.callbacks.length > 0, 5000);
		expect(sim.getJob(jobId)!.callbacks.map((callback: any) => callback.status)).toEqual([409]);
		// n8n saves the wait only after the loop's first look (1 s): that one is refused too.
		const firstLookRefused = () =>
			server.refused.some((entry) => entry.url.includes(`/${pathIdOf(paused)}?signature=${SIGNATURE}&ttapiLook=1`) && entry.statusCode === 409);
		await until(firstLookRefused, 5000);
		expect(firstLookRefused()).toBe(true);
		server.register(paused.executionId, paused.stored);

		const items = await server.waitForResume(paused.executionId, 15_000);
		expect(items[0].json).toMatchObject({ jobId, status: 'SUCCESS' });
		const resuming = server.calls.find((entry) => entry.executionId === pathIdOf(paused) && entry.resumed);
		expect(resuming?.query.ttapiLook).toBe('1');
	});

	it("TTAPI's record lagging its callback by 3 s: answered 503, then this process looks again (1 s, 2 s, 4 s …): resumed within seconds", async () => {
		const paused = await registerWhenPaused(prompts('[sim:fetch-lag=3000] lagging'), { downloadVideo: false, maxWaitMinutes: 5 });
		const [jobId] = jobIdsOf(paused);
		const items = await server.waitForResume(paused.executionId, 20_000);
		expect(items[0].json).toMatchObject({ jobId, status: 'SUCCESS' });
		expect(sim.getJob(jobId)!.callbacks.map((callback: any) => callback.status)).toEqual([503]);
		expect(sim.counters().laggedFetches).toBeGreaterThanOrEqual(1);
		const resuming = server.calls.find((entry) => entry.executionId === pathIdOf(paused) && entry.resumed);
		// a look after the record caught up, not the safety check (every 10 min)
		expect(resuming?.query.ttapiLook).toBe('1');
	});
});

describe('(j) secrets', () => {
	it('no API key or Callback Secret in any output item, stored item or response body above', () => {
		expect(handedOut.length).toBeGreaterThan(30);
		expectNoSecrets(handedOut);
	});
});

describe('Character → Create in Wait for Callback: the same batch, pause and resume as videos', () => {
	const character = { resource: 'character', operation: 'createCharacter', url: '={{ $json.url }}', timestamps: '1,3' };

	it("pauses with the character job's ID, and TTAPI's callback resumes it with the character record", async () => {
		const paused = await pause([{ url: 'https://v.example/hero.mp4' }], character);
		const [jobId] = jobIdsOf(paused);
		expect(jobId).toMatch(UUID);
		expect(paused.batch).toMatchObject({ kind: 'character', lookUp: 'Get Character' });
		expect(sim.getJob(jobId)).toMatchObject({ kind: 'character' });
		expect(sim.counters()).toMatchObject({ characterJobs: 1, submissions: 0 });
		await jobsEnded([jobId]);

		const outcome = await call(paused, callbackOf(paused, 0));
		expectResumed(outcome);
		const [item] = outcome.items;
		expect(item.json).toMatchObject({
			jobId,
			status: 'SUCCESS',
			characterId: sim.getJob(jobId)?.characterId,
			url: 'https://v.example/hero.mp4',
			timestamps: '1,3',
			quota: 1,
			costUsd: 0.01,
			waitMode: 'callback',
		});
		expect(item.binary).toBeUndefined();
		expectNoSecrets(outcome.items);
	});

	it('a character still running at Max Wait comes out with its job ID and says to use Get Character', async () => {
		const paused = await pause([{ url: 'https://v.example/slow.mp4?[sim:render=600000]' }], character, { continueOnFail: true });
		expect(paused.stored[0].json.error).toMatch(/fetch it with Get Character and this job ID/);
	});
});
