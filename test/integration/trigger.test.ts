/**
 * Sora Trigger inside real n8n-core (WebhookContext, credentials, httpRequestWithAuthentication,
 * binary data, static data) against the TTAPI simulator: directly through runWebhook, and through
 * a webhook server that the simulator calls back for real. What an accepted call starts, the
 * execution (the trigger's execute(): the claim in n8n's processed data and the download), runs
 * in n8n-core's WorkflowExecute (runTriggerExecution).
 */
import { Logger } from '@n8n/backend-common';
import { Container } from '@n8n/di';
import type { IDataObject, INodeExecutionData, NodeParameterValueType } from 'n8n-workflow';

import { TtApi } from '../../credentials/TtApi.credentials';
import { CALLBACK_DATA_PARAM, CALLBACK_TOKEN_PARAM, callbackToken, encodeCallbackPayload } from '../../nodes/shared/callbackAuth';
import { ANSWER_WITHIN_MS, RECEIVED } from '../../nodes/SoraGenerateTrigger/handleCallback';
import { SoraGenerateTrigger as SoraTrigger } from '../../nodes/SoraGenerateTrigger/SoraGenerateTrigger.node';
import { readBinary } from '../harness';
import { ensureEnvironment } from '../harness/environment';
import {
	type StaticDataStore,
	createStaticDataStore,
	resolveWebhookPath,
	runWebhook,
	runWebhookMethod,
} from '../harness/run-webhook';
import { processedData, runTriggerExecution } from '../harness/run-trigger-execution';
import { startWebhookServer } from '../harness/webhook-server';
import { API_KEY, type Simulator, generateParameters, prompts, runSora, startTestSimulator } from './fixtures';

const SECRET = 'callback-secret-DO-NOT-LEAK-51c0e7';
const TOKEN = callbackToken(SECRET, 'trigger');
const VIDEO_BYTES = 64 * 1024;

let sim: Simulator & {
	getJob(jobId: string): Record<string, any>;
	sendCallback(jobId: string, options?: { url?: string; body?: unknown; times?: number }): Promise<Array<number | null>>;
};
let workflowCounter = 0;
let workflowId: string;

beforeAll(async () => {
	sim = (await startTestSimulator({ renderMs: 300, queueMs: 50, queueLimit: 50, videoBytes: VIDEO_BYTES })) as typeof sim;
});
afterAll(async () => await sim.close());
beforeEach(() => {
	sim.clearFaults();
	workflowId = `trigger-workflow-${++workflowCounter}`;
});

const credentials = (extra: IDataObject = {}) => ({
	ttApi: { apiKey: API_KEY, baseUrl: 'custom', customBaseUrl: sim.url, callbackSecret: SECRET, ...extra },
});

const params = (extra: Record<string, NodeParameterValueType> = {}): Record<string, NodeParameterValueType> => ({
	path: 'ttapi-sora',
	...extra,
});

/** A Sora Trigger listening as an active workflow's webhook, with this test's credential. */
const startTriggerServer = (extra: Record<string, NodeParameterValueType> = {}) =>
	startWebhookServer({ node: SoraTrigger, parameters: params(extra), credentials: credentials() as never, credentialTypes: [TtApi], workflowId });

/** Create Character straight at the simulator; returns the job ID. */
async function submitCharacter(url: string, timestamps: string): Promise<string> {
	const response = await fetch(`${sim.url}/sora/characters`, {
		method: 'POST',
		headers: { 'TT-API-KEY': API_KEY, 'content-type': 'application/json' },
		body: JSON.stringify({ url, timestamps }),
	});
	return ((await response.json()) as { data: { job_id: string } }).data.job_id;
}

async function submitJob(prompt: string, hookUrl?: string): Promise<string> {
	const response = await fetch(`${sim.url}/sora/generations`, {
		method: 'POST',
		headers: { 'TT-API-KEY': API_KEY, 'content-type': 'application/json' },
		body: JSON.stringify({ model: 'sora-2', prompt, ...(hookUrl ? { hookUrl } : {}) }),
	});
	const body = (await response.json()) as { data: { job_id: string } };
	return body.data.job_id;
}

async function waitForEnd(jobId: string, timeoutMs = 10_000): Promise<IDataObject> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const job = sim.getJob(jobId);
		if (job && !['PENDING_QUEUE', 'ON_QUEUE'].includes(job.status)) return job.fetchBody as IDataObject;
		if (Date.now() > deadline) throw new Error(`job ${jobId} did not end`);
		await new Promise((resolve) => setTimeout(resolve, 50));
	}
}

async function eventually(check: () => void, timeoutMs = 5000): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		try {
			check();
			return;
		} catch (error) {
			if (Date.now() > deadline) throw error;
			await new Promise((resolve) => setTimeout(resolve, 50));
		}
	}
}

async function finishedJob(prompt = 'a lighthouse at dusk'): Promise<{ jobId: string; body: IDataObject }> {
	const jobId = await submitJob(prompt);
	return { jobId, body: await waitForEnd(jobId) };
}

function trigger(
	body: unknown,
	options: {
		parameters?: Record<string, NodeParameterValueType>;
		query?: Record<string, string | string[]>;
		credentials?: Record<string, IDataObject>;
		staticData?: StaticDataStore;
		mode?: 'webhook' | 'manual';
		binaryMode?: 'default' | 'filesystem';
		headers?: Record<string, string>;
		n8nLine?: '1' | '2';
	} = {},
) {
	return runWebhook({
		n8nLine: options.n8nLine,
		node: SoraTrigger,
		parameters: options.parameters ?? params(),
		credentials: (options.credentials ?? credentials()) as never,
		credentialTypes: [TtApi],
		workflowId,
		staticData: options.staticData,
		mode: options.mode,
		binaryMode: options.binaryMode,
		request: {
			body,
			query: options.query ?? { [CALLBACK_TOKEN_PARAM]: TOKEN },
			headers: options.headers,
		},
	});
}

let executionCounter = 0;

/** The execution n8n starts with webhook()'s items (nothing when webhook() started none). */
async function execution(
	run: { started: boolean; items: INodeExecutionData[] },
	options: { parameters?: Record<string, NodeParameterValueType>; mode?: 'webhook' | 'manual'; binaryMode?: 'default' | 'filesystem' } = {},
) {
	if (!run.started) return undefined;
	return await runTriggerExecution({
		node: SoraTrigger,
		parameters: options.parameters ?? params(),
		credentials: credentials() as never,
		credentialTypes: [TtApi],
		workflowId,
		items: run.items,
		executionId: `exec-${++executionCounter}`,
		mode: options.mode,
		binaryMode: options.binaryMode,
	});
}

/** A callback all the way: webhook(), then the execution it starts. */
async function deliver(body: unknown, options: Parameters<typeof trigger>[1] = {}) {
	const run = await trigger(body, options);
	return { run, execution: await execution(run, options) };
}

describe('Sora Trigger: activation (webhookMethods)', () => {
	const target = (extra: object = {}) => ({
		node: SoraTrigger,
		parameters: params(),
		credentials: credentials() as never,
		credentialTypes: [TtApi],
		...extra,
	});

	it('accepts a credential with a Callback Secret; nothing is registered remotely', async () => {
		await expect(runWebhookMethod({ ...target(), method: 'checkExists' })).resolves.toBe(true);
		await expect(runWebhookMethod({ ...target(), method: 'create' })).resolves.toBe(true);
		await expect(runWebhookMethod({ ...target(), method: 'delete' })).resolves.toBe(true);
	});

	it('refuses to activate without a Callback Secret, with a message saying what to do', async () => {
		const attempt = runWebhookMethod({
			...target({ credentials: credentials({ callbackSecret: '' }) }),
			method: 'checkExists',
		});
		await expect(attempt).rejects.toMatchObject({
			name: 'NodeOperationError',
			message: 'Set a Callback Secret on the TTAPI credential before activating Sora Trigger',
		});
		await expect(attempt.catch((error) => error.description)).resolves.toContain('Callback Secret');
	});

	it('refuses Paths that would be pasted wrongly, and a node without webhook ID', async () => {
		for (const path of ['', 'https://n8n.example.com/webhook/ttapi-sora', 'webhook/ttapi-sora', 'ttapi sora', 'a/:id']) {
			await expect(
				runWebhookMethod({ ...target({ parameters: params({ path }) }), method: 'checkExists' }),
			).rejects.toThrow(/Path/);
		}
		await expect(runWebhookMethod({ ...target({ webhookId: null }), method: 'checkExists' })).rejects.toThrow(
			/no webhook ID/,
		);
	});

	it('listens on /webhook/<path> exactly (isFullPath), for the default and a custom path', () => {
		expect(resolveWebhookPath(target())).toBe('ttapi-sora');
		expect(resolveWebhookPath(target({ parameters: params({ path: 'sora/batch-1' }) }))).toBe('sora/batch-1');
		expect(resolveWebhookPath(target({ parameters: {} }))).toBe('ttapi-sora'); // the parameter default
	});
});

describe('Sora Trigger: who may call', () => {
	it('no token → 401 JSON, nothing starts, TTAPI is not asked', async () => {
		const { body } = await finishedJob();
		const fetchesBefore = sim.counters().fetchCalls;
		const run = await trigger(body, { query: {} });
		expect(run.response.statusCode).toBe(401);
		expect(run.response.body).toEqual({ error: expect.stringContaining(CALLBACK_TOKEN_PARAM) });
		expect(run.started).toBe(false);
		expect(run.result).toEqual({ noWebhookResponse: true });
		expect(sim.counters().fetchCalls).toBe(fetchesBefore);
	});

	it('a wrong token, or a token for another scope, → 401', async () => {
		const { body } = await finishedJob();
		for (const token of ['nope', TOKEN.slice(0, -1) + (TOKEN.endsWith('A') ? 'B' : 'A'), callbackToken(SECRET, 'item:1'), callbackToken('other-secret', 'trigger')]) {
			const run = await trigger(body, { query: { [CALLBACK_TOKEN_PARAM]: token } });
			expect(run.response.statusCode).toBe(401);
			expect(run.started).toBe(false);
		}
	});

	it('a credential without Callback Secret refuses every call with 403', async () => {
		const { body } = await finishedJob();
		const queries: Array<Record<string, string>> = [
			{},
			{ [CALLBACK_TOKEN_PARAM]: TOKEN },
			{ [CALLBACK_TOKEN_PARAM]: callbackToken('', 'trigger') },
		];
		for (const query of queries) {
			const run = await trigger(body, { query, credentials: credentials({ callbackSecret: '' }) });
			expect(run.response.statusCode).toBe(403);
			expect((run.response.body as IDataObject).error).toMatch(/Callback Secret/);
			expect(run.started).toBe(false);
		}
	});

	it('a node without credential refuses with 403', async () => {
		const { body } = await finishedJob();
		const run = await trigger(body, { credentials: {} });
		expect(run.response.statusCode).toBe(403);
		expect(run.started).toBe(false);
	});

	it('the token given twice (URL pasted with the token, then given it again) is accepted', async () => {
		const { body } = await finishedJob();
		const run = await trigger(body, { query: { [CALLBACK_TOKEN_PARAM]: [TOKEN, TOKEN] } });
		expect(run.response.statusCode).toBe(200);
		expect(run.started).toBe(true);
	});
});

describe('Sora Trigger: what is sent', () => {
	it('a body that is not JSON → 400, nothing starts', async () => {
		const run = await trigger('this is not json', { headers: { 'content-type': 'text/plain' } });
		expect(run.response).toMatchObject({ statusCode: 400, body: { error: 'The callback body is not JSON.' } });
		expect(run.started).toBe(false);
		const empty = await trigger(undefined);
		expect(empty.response.statusCode).toBe(400);
	});

	it('JSON that is not a TTAPI job record → 400', async () => {
		for (const body of [{}, { hello: 'world' }, { status: 'SUCCESS' }, { jobId: 'x' }, [{ status: 'SUCCESS', jobId: 'x' }], { status: '', jobId: 'x' }]) {
			const run = await trigger(body);
			expect(run.response.statusCode).toBe(400);
			expect((run.response.body as IDataObject).error).toMatch(/not a TTAPI job record/);
			expect(run.started).toBe(false);
		}
	});

	it('a JSON record sent as text/plain is understood', async () => {
		const { body } = await finishedJob();
		const run = await trigger(JSON.stringify(body), { headers: { 'content-type': 'text/plain' } });
		expect(run.response.statusCode).toBe(200);
		expect(run.started).toBe(true);
	});

	it('a huge body (5 MB prompt) is handled without trouble; the output is TTAPI\'s record', async () => {
		const { jobId, body } = await finishedJob();
		const huge = { ...body, data: { ...(body.data as IDataObject), prompt: 'x'.repeat(5 * 1024 * 1024) } };
		const started = Date.now();
		const run = await trigger(huge);
		expect(run.response.statusCode).toBe(200);
		expect(run.items[0].json).toMatchObject({ jobId, prompt: 'a lighthouse at dusk' });
		expect(Date.now() - started).toBeLessThan(5000);
	});
});

describe('Sora Trigger: verification with /sora/fetch', () => {
	it("outputs TTAPI's record, not the body's claims", async () => {
		const { jobId, body } = await finishedJob();
		const forged = {
			...body,
			message: 'forged',
			data: { ...(body.data as IDataObject), videoUrl: 'https://evil.example/other.mp4', prompt: 'forged prompt' },
		};
		const run = await trigger(forged);
		expect(run.response).toMatchObject({ statusCode: 200, body: { received: true } });
		expect(run.items).toHaveLength(1);
		expect(run.items[0].json).toEqual({
			kind: 'video',
			jobId,
			status: 'SUCCESS',
			videoUrl: (body.data as IDataObject).videoUrl,
			model: 'sora-2',
			prompt: 'a lighthouse at dusk',
			quota: 3,
			costUsd: 0.03,
			finishTime: (body.data as IDataObject).finishTime,
			event: 'succeeded',
			verified: true,
			callbackData: {},
		});
	});

	it('a callback for a job that is still running starts nothing (even if the body says SUCCESS)', async () => {
		const jobId = await submitJob('[sim:render=60000] slow one');
		await new Promise((resolve) => setTimeout(resolve, 200));
		const run = await trigger({ status: 'SUCCESS', message: '', jobId, data: { videoUrl: 'https://x/y.mp4' } });
		expect(run.response.statusCode).toBe(200);
		expect(run.started).toBe(false);
		const queued = await trigger({ status: 'ON_QUEUE', message: '', jobId, data: null });
		expect(queued.started).toBe(false);
	});

	it('with verification off, the body is the record: running → nothing, final → item with verified false', async () => {
		const parameters = params({ verifyWithFetch: false });
		const fetchesBefore = sim.counters().fetchCalls;
		const running = await trigger({ status: 'PENDING_QUEUE', jobId: 'job-1', data: null }, { parameters });
		expect(running.started).toBe(false);
		const done = await trigger(
			{ status: 'SUCCESS', message: '', jobId: 'job-1', data: { videoUrl: 'https://cdn.example/1.mp4', quota: '3' } },
			{ parameters },
		);
		expect(done.items[0].json).toMatchObject({
			jobId: 'job-1',
			status: 'SUCCESS',
			videoUrl: 'https://cdn.example/1.mp4',
			quota: 3,
			event: 'succeeded',
			verified: false,
		});
		expect(done.items[0].json).not.toHaveProperty('verifyError');
		expect(sim.counters().fetchCalls).toBe(fetchesBefore);
	});

	it('when TTAPI cannot be asked, the workflow still starts, from the body, marked verified: false', async () => {
		const { jobId, body } = await finishedJob();
		sim.injectFault({ endpoint: 'fetch', kind: 'status', status: 401, body: { status: 'FAILED', message: 'Wrong TT-API-KEY' } });
		const run = await trigger(body);
		expect(run.response.statusCode).toBe(200);
		expect(run.items[0].json).toMatchObject({
			jobId,
			status: 'SUCCESS',
			event: 'succeeded',
			verified: false,
			verifyError: 'TTAPI refused the API key: Wrong TT-API-KEY',
		});
	});

	it('a TTAPI outage: retried with backoff, then the body with verifyError (the answer was long sent)', async () => {
		const { jobId, body } = await finishedJob();
		sim.injectFault({ endpoint: 'fetch', kind: 'status', status: 503, times: Infinity });
		const run = await trigger(body);
		expect(run.returnedAtMs).toBeGreaterThan(6000); // 1 s + 2 s + 4 s of backoff
		// answered at ANSWER_WITHIN_MS, not after the retries
		expect(run.response.endedAtMs).toBeLessThan(ANSWER_WITHIN_MS + 1000);
		expect(run.items[0].json).toMatchObject({ jobId, verified: false });
		expect(run.items[0].json.verifyError).toMatch(/after 4 attempts: TTAPI answered HTTP 503/);
	}, 30_000);

	it('a job TTAPI does not know under this API key is not taken as FAILED: body used, with the reason', async () => {
		const body = { status: 'SUCCESS', message: '', jobId: 'not-from-this-key', data: { videoUrl: 'https://x/v.mp4' } };
		const run = await trigger(body);
		expect(run.items[0].json).toMatchObject({
			jobId: 'not-from-this-key',
			status: 'SUCCESS',
			verified: false,
			verifyError: "TTAPI does not know job not-from-this-key under this credential's API key: job not found",
		});
	});
});

describe('Sora Trigger: events filter', () => {
	it('failed jobs are items (not errors) with TTAPI\'s reason; the filter decides what starts', async () => {
		const failed = await finishedJob('[sim:fail=prompt violation] nope');
		const succeeded = await finishedJob();

		const both = await trigger(failed.body);
		expect(both.items[0].json).toMatchObject({
			jobId: failed.jobId,
			status: 'FAILED',
			message: 'prompt violation',
			event: 'failed',
			verified: true,
		});

		const onlySucceeded = { parameters: params({ events: 'succeeded' }), staticData: createStaticDataStore() };
		expect((await trigger(failed.body, onlySucceeded)).started).toBe(false);
		expect((await trigger(succeeded.body, onlySucceeded)).items[0].json.event).toBe('succeeded');

		const onlyFailed = { parameters: params({ events: 'failed' }), staticData: createStaticDataStore() };
		expect((await trigger(succeeded.body, onlyFailed)).started).toBe(false);
		expect((await trigger(failed.body, onlyFailed)).items[0].json.event).toBe('failed');
	});

	it('a status TTAPI does not document is final and counts as failed', async () => {
		const weird = await finishedJob('[sim:status=CANCELLED] odd');
		const run = await trigger(weird.body);
		expect(run.items[0].json).toMatchObject({ jobId: weird.jobId, status: 'CANCELLED', event: 'failed' });
	});
});

describe('Sora Trigger: duplicates', () => {
	it.each([
		['n8n 1.x (answers and saves, then starts the execution)', '1' as const],
		['n8n 2.41.1 (starts the execution, which clears the "changed" mark, then saves and answers)', '2' as const],
	])('the same job and status twice → one execution; the key is saved in static data: %s', async (_name, n8nLine) => {
		const { jobId, body } = await finishedJob();
		// Stored static data that is not empty: n8n 2.41.1 saved a first key only when it was empty.
		const staticData = createStaticDataStore({ 'node:Sora Trigger': { handledCallbacks: ['older-job:SUCCESS'] } });
		const first = await trigger(body, { staticData, n8nLine });
		expect(first.response).toMatchObject({ statusCode: 200, body: { received: true } });
		expect(staticData.saves).toBe(1);
		expect(JSON.stringify(staticData.data)).toContain(`${jobId}:SUCCESS`);
		const second = await trigger(body, { staticData, n8nLine });
		expect(first.started).toBe(true);
		expect(second.started).toBe(false);
		expect(second.response).toMatchObject({ statusCode: 200, body: { received: true } });
		expect(JSON.stringify(staticData.data)).toContain('older-job:SUCCESS');
	});

	it('three jobs, each called back twice in a row, on n8n 2.41.1\'s order: three executions, each key saved', async () => {
		const staticData = createStaticDataStore();
		const started: string[] = [];
		for (const prompt of ['one', 'two', 'three']) {
			const { jobId, body } = await finishedJob(prompt);
			for (let copy = 0; copy < 2; copy++) if ((await trigger(body, { staticData, n8nLine: '2' })).started) started.push(jobId);
		}
		expect(started).toHaveLength(3);
		expect(new Set(started).size).toBe(3);
		expect((staticData.data['node:Sora Trigger'] as IDataObject).handledCallbacks).toEqual(started.map((jobId) => `${jobId}:SUCCESS`));
	}, 30_000);

	it('concurrent duplicates (while the first is still verifying): all start an execution, one goes past the trigger', async () => {
		const { jobId, body } = await finishedJob();
		sim.injectFault({ endpoint: 'fetch', kind: 'slow', delayMs: 500, times: 5 });
		const staticData = createStaticDataStore();
		const runs = await Promise.all([1, 2, 3].map(() => trigger(body, { staticData })));
		// No process memory: the three calls miss each other in the static data, and each is answered 200.
		expect(runs.map((run) => [run.started, run.response.statusCode])).toEqual([[true, 200], [true, 200], [true, 200]]);
		const executions = await Promise.all(runs.map(async (run) => await execution(run)));
		expect(executions.map((e) => e?.status)).toEqual(['success', 'success', 'success']);
		const outputs = executions.map((e) => e?.items ?? []);
		expect(outputs.filter((items) => items.length === 1)).toHaveLength(1);
		expect(outputs.filter((items) => items.length === 0)).toHaveLength(2);
		expect(outputs.flat()[0].json).toMatchObject({ jobId, status: 'SUCCESS', event: 'succeeded' });
		// Sent again later: static data has it now, nothing starts.
		expect((await trigger(body, { staticData })).started).toBe(false);
	}, 30_000);

	it('on another process or after a restart, the static data loaded from the database stops the duplicate', async () => {
		const { body } = await finishedJob();
		const staticData = createStaticDataStore();
		expect((await trigger(body, { staticData })).started).toBe(true);
		expect((await trigger(body, { staticData })).started).toBe(false);
	});

	it('when the static data lost the key (another call saved an older copy), the execution stops the duplicate', async () => {
		const { body } = await finishedJob();
		const first = await deliver(body, { staticData: createStaticDataStore() });
		const second = await deliver(body, { staticData: createStaticDataStore() });
		expect([first.run.started, second.run.started]).toEqual([true, true]);
		expect(first.execution?.items).toHaveLength(1);
		expect(second.execution?.items).toEqual([]);
		expect(second.execution?.status).toBe('success');
	}, 30_000);

	it('the execution keeps its record in n8n\'s processed data, node scope (the Remove Duplicates table)', async () => {
		const { body } = await finishedJob();
		await deliver(body);
		expect([...processedData.rows.keys()]).toContain(`${workflowId}|n:trigger-under-test`);
	}, 30_000);

	it('a callback that started nothing (job still running) does not use up the job', async () => {
		const jobId = await submitJob('[sim:render=800] soon');
		const staticData = createStaticDataStore();
		await new Promise((resolve) => setTimeout(resolve, 150));
		expect((await trigger({ status: 'SUCCESS', jobId, data: null }, { staticData })).started).toBe(false);
		const body = await waitForEnd(jobId);
		const { execution: started } = await deliver(body, { staticData });
		expect(started?.items).toHaveLength(1);
	}, 30_000);

	it('another final status of the same job is another event (verification off: the body decides)', async () => {
		const parameters = params({ verifyWithFetch: false });
		const staticData = createStaticDataStore();
		const failed = await deliver({ status: 'FAILED', message: 'boom', jobId: 'job-2', data: null }, { parameters, staticData });
		const succeeded = await deliver({ status: 'SUCCESS', message: '', jobId: 'job-2', data: { videoUrl: 'https://x/2.mp4' } }, { parameters, staticData });
		const again = await trigger({ status: 'FAILED', message: 'boom', jobId: 'job-2', data: null }, { parameters, staticData });
		expect([failed.execution?.items.length, succeeded.execution?.items.length, again.started]).toEqual([1, 1, false]);
	}, 30_000);

	it('test events (manual mode) are not deduplicated, and leave no static data', async () => {
		const { body } = await finishedJob();
		const staticData = createStaticDataStore();
		const first = await deliver(body, { staticData, mode: 'manual' });
		const second = await deliver(body, { staticData, mode: 'manual' });
		expect([first.execution?.items.length, second.execution?.items.length]).toEqual([1, 1]);
		expect(staticData.saves).toBe(0);
	});
});

describe('Sora Trigger: video download (in the execution)', () => {
	it('downloads the video of a succeeded job into the chosen binary field', async () => {
		const { jobId, body } = await finishedJob();
		const parameters = params({ downloadVideo: true, binaryPropertyName: 'video' });
		const { run, execution: started } = await deliver(body, { parameters });
		expect(run.items[0].binary).toBeUndefined(); // webhook() only looks the job up
		const item = started!.items[0];
		expect(item.binary?.video).toMatchObject({ mimeType: 'video/mp4', fileName: `${jobId}.mp4` });
		expect(readBinary(item, 'video').length).toBe(VIDEO_BYTES);
		expect(item.pairedItem).toEqual({ item: 0 });
	}, 30_000);

	it('works in filesystem binary mode too', async () => {
		const { body } = await finishedJob();
		const { execution: started } = await deliver(body, { parameters: params({ downloadVideo: true }), binaryMode: 'filesystem' });
		expect(started!.items[0].binary?.data.id).toMatch(/^filesystem/);
		expect(readBinary(started!.items[0], 'data').length).toBe(VIDEO_BYTES);
	}, 30_000);

	it('a failed job gets no download and no error', async () => {
		const { body } = await finishedJob('[sim:fail=insufficient quota] x');
		const { execution: started } = await deliver(body, { parameters: params({ downloadVideo: true }) });
		expect(started!.items[0].binary).toBeUndefined();
		expect(started!.items[0].json).toMatchObject({ event: 'failed', message: 'insufficient quota' });
		expect(started!.items[0].json).not.toHaveProperty('downloadError');
	}, 30_000);

	it('a failed download still starts the workflow, with the URL and downloadError', async () => {
		const { jobId, body } = await finishedJob('[sim:video=404] broken cdn');
		const { execution: started } = await deliver(body, { parameters: params({ downloadVideo: true }) });
		expect(started!.status).toBe('success');
		expect(started!.items[0].binary).toBeUndefined();
		expect(started!.items[0].json).toMatchObject({ jobId, event: 'succeeded', videoUrl: expect.stringContaining(jobId) });
		expect(started!.items[0].json.downloadError).toBe(`The video of job ${jobId} could not be downloaded: HTTP 404`);
	}, 30_000);

	it('SUCCESS without a video URL: the item says so', async () => {
		const { body } = await finishedJob('[sim:no-video-url] hmm');
		const { execution: started } = await deliver(body, { parameters: params({ downloadVideo: true }) });
		expect(started!.items[0].json).toMatchObject({ videoUrl: null, downloadError: expect.stringMatching(/no video URL/) });
	}, 30_000);
});

describe('Sora Trigger: answers fast', () => {
	it('a quick lookup: n8n answers, after it has started the execution (a 200 never stands for nothing)', async () => {
		const { body } = await finishedJob();
		const run = await trigger(body);
		expect(run.started).toBe(true);
		expect(run.respondedBeforeReturn).toBe(false);
		expect(run.response.body).toEqual(RECEIVED);
		expect(run.response.statusCode).toBe(200);
	});

	it(`a slow TTAPI: the node answers 200 itself after ${ANSWER_WITHIN_MS} ms and goes on with the lookup`, async () => {
		const { body } = await finishedJob();
		sim.injectFault({ endpoint: 'fetch', kind: 'slow', delayMs: ANSWER_WITHIN_MS + 1500 });
		const run = await trigger(body, { parameters: params({ downloadVideo: true }) });
		expect(run.respondedBeforeReturn).toBe(true);
		expect(run.response.body).toEqual(RECEIVED);
		expect(run.response.endedAtMs).toBeGreaterThanOrEqual(ANSWER_WITHIN_MS - 20);
		expect(run.response.endedAtMs).toBeLessThan(ANSWER_WITHIN_MS + 1400);
		expect(run.returnedAtMs).toBeGreaterThanOrEqual(ANSWER_WITHIN_MS + 1400);
		expect(run.started).toBe(true);
	}, 30_000);
});

describe('Sora Trigger: secrets', () => {
	it('neither the token, the secret nor the API key appear in answers, outputs, static data or logs', async () => {
		ensureEnvironment();
		const logger = Container.get(Logger);
		const logged: string[] = [];
		const spies = (['debug', 'info', 'warn', 'error'] as const).map((level) =>
			jest.spyOn(logger, level).mockImplementation((message: string, meta?: object) => {
				logged.push(`${message} ${JSON.stringify(meta ?? {})}`);
			}),
		);
		try {
			const hookUrl = `https://n8n.example/webhook/ttapi-sora?${CALLBACK_TOKEN_PARAM}=${TOKEN}`;
			const jobId = await submitJob('secret check', hookUrl);
			const body = await waitForEnd(jobId);
			expect(JSON.stringify(body)).toContain(TOKEN); // the record carries the hookUrl …
			const staticData = createStaticDataStore();
			sim.injectFault({ endpoint: 'fetch', kind: 'status', status: 401 });
			const runs = [
				await trigger(body, { staticData, parameters: params({ downloadVideo: true }) }), // verify fails → body used
				await trigger(body, { staticData, query: {} }),
				await trigger({ ...body, status: 'FAILED' }, { staticData }),
			];
			const everything = JSON.stringify([runs.map((run) => [run.items, run.response, run.result]), staticData, logged]);
			expect(runs[0].items[0].json.verified).toBe(false);
			expect(logged.join('\n')).toMatch(/could not verify job/);
			for (const secret of [TOKEN, SECRET, API_KEY]) expect(everything).not.toContain(secret); // … the output does not
		} finally {
			for (const spy of spies) spy.mockRestore();
		}
	});
});

describe('Sora Trigger: real callbacks from the simulator', () => {
	it('the batch pattern: each finished job starts one execution; duplicates and token-less calls start none', async () => {
		const server = await startTriggerServer();
		try {
			const hookUrl = `${server.webhookUrl}?${CALLBACK_TOKEN_PARAM}=${TOKEN}`;
			const ok = await submitJob('first video', hookUrl);
			const failed = await submitJob('[sim:fail=prompt violation] second', hookUrl);
			const twice = await submitJob('[sim:duplicate-callback] third', hookUrl);
			await server.waitForCalls(4);
			// Every job started an execution. The duplicate callback starts one as well if a concurrent
			// call's save overwrote its key (see the replay below); the claim then ends it, with no output.
			const started = server.startedCalls();
			expect([...new Set(started.map((call) => call.items[0].json.jobId))].sort()).toEqual([ok, failed, twice].sort());
			expect(started.find((call) => call.items[0].json.jobId === failed)?.items[0].json).toMatchObject({
				status: 'FAILED',
				event: 'failed',
				message: 'prompt violation',
			});
			// The simulator records a callback once it has read our answer.
			await eventually(() => expect(sim.getJob(twice)!.callbacks.map((cb: IDataObject) => cb.status)).toEqual([200, 200]));

			// A replayed callback (TTAPI retrying) → 200, nothing new after the trigger. webhook()'s
			// static-data check stops it unless a concurrent call's save overwrote ok's key (static
			// data is last-writer-wins, as in n8n); then the execution's claim stops it, with no output.
			expect(await sim.sendCallback(ok)).toEqual([200]);
			await server.waitForCalls(5);
			expect(server.handledCalls().map((call) => call.execution!.items[0].json.jobId).sort()).toEqual([ok, failed, twice].sort());

			// Without the token → 401 and nothing.
			const startedBefore = server.startedCalls().length;
			expect(await sim.sendCallback(ok, { url: server.webhookUrl })).toEqual([401]);
			expect(await sim.sendCallback(ok, { url: `${server.webhookUrl}?${CALLBACK_TOKEN_PARAM}=wrong` })).toEqual([401]);
			await server.waitForCalls(7);
			expect(server.startedCalls()).toHaveLength(startedBefore);
			// Malformed JSON never reaches the node (n8n answers 422 itself).
			const malformed = await fetch(hookUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{oops' });
			expect(malformed.status).toBe(422);
		} finally {
			await server.close();
		}
	});

	it('past its answer budget, the HTTP answer reaches TTAPI while the trigger is still verifying', async () => {
		const server = await startTriggerServer();
		try {
			const { jobId } = await finishedJob();
			sim.injectFault({ endpoint: 'fetch', kind: 'slow', delayMs: ANSWER_WITHIN_MS + 2000 });
			const sentAt = Date.now();
			const statuses = await sim.sendCallback(jobId, { url: `${server.webhookUrl}?${CALLBACK_TOKEN_PARAM}=${TOKEN}` });
			const answeredAfter = Date.now() - sentAt;
			expect(statuses).toEqual([200]);
			expect(answeredAfter).toBeLessThan(ANSWER_WITHIN_MS + 1000);
			expect(server.calls).toHaveLength(0); // webhook() has not returned yet
			await server.waitForCalls(1);
			expect(server.calls[0].started).toBe(true);
		} finally {
			await server.close();
		}
	});

	it('Sora Generate in "Don\'t wait" mode with the trigger URL as callback URL → one execution per prompt', async () => {
		const server = await startTriggerServer({ downloadVideo: true });
		try {
			const callbackUrl = `${server.webhookUrl}?${CALLBACK_TOKEN_PARAM}=${TOKEN}`;
			const submitted = await runSora(
				sim,
				generateParameters({ waitMode: 'none', options: { callbackUrl } }),
				prompts('one', 'two', 'three'),
			);
			expect(submitted.error).toBeUndefined();
			const jobIds = submitted.items.map((item) => item.json.jobId as string);
			await server.waitForCalls(3);
			const started = server.startedCalls();
			expect(started.map((call) => call.items[0].json.jobId).sort()).toEqual([...jobIds].sort());
			for (const call of started) {
				expect(call.items[0].json).toMatchObject({ status: 'SUCCESS', event: 'succeeded', verified: true });
				expect(readBinary(call.execution!.items[0], 'data').length).toBe(VIDEO_BYTES);
			}
		} finally {
			await server.close();
		}
	});
});

describe('Sora Trigger: Callback Data (Sora Generate, Don\'t Wait → the trigger)', () => {
	const callbackData = (...fields: Array<[string, string]>) => ({ fields: fields.map(([name, value]) => ({ name, value })) });

	it('each item\'s fields come out of the trigger as given, typed; a URL with changed data is refused 401', async () => {
		const server = await startTriggerServer();
		try {
			const input = [
				{ prompt: 'row one', row: 1, sheet: 'sheet-A', meta: { tag: 'x', n: [1, 2] } },
				{ prompt: 'row two', row: 2, sheet: 'sheet-A', meta: null },
			];
			const submitted = await runSora(
				sim,
				generateParameters({
					waitMode: 'none',
					options: {
						callbackUrl: server.webhookUrl,
						callbackData: callbackData(['row', '={{ $json.row }}'], ['sheet', '={{ $json.sheet }}'], ['meta', '={{ $json.meta }}'], ['label', 'run 7']),
					},
				}),
				input,
				{ callbackSecret: SECRET },
			);
			expect(submitted.error).toBeUndefined();
			const jobIds = submitted.items.map((item) => item.json.jobId as string);
			await server.waitForCalls(2);
			const byJob = Object.fromEntries(server.handledCalls().map((call) => [call.execution!.items[0].json.jobId, call.execution!.items[0].json]));
			expect(byJob[jobIds[0]]).toMatchObject({ status: 'SUCCESS', callbackData: { row: 1, sheet: 'sheet-A', meta: { tag: 'x', n: [1, 2] }, label: 'run 7' } });
			expect(byJob[jobIds[1]].callbackData).toEqual({ row: 2, sheet: 'sheet-A', meta: null, label: 'run 7' });

			// The hookUrl TTAPI got, with the data changed (row 1 → 99), or its data removed: 401, nothing starts.
			const hookUrl = new URL(sim.getJob(jobIds[0])!.hookUrl);
			const changed = new URL(hookUrl);
			changed.searchParams.set(CALLBACK_DATA_PARAM, encodeCallbackPayload({ kind: 'video', data: { row: 99, sheet: 'sheet-A', meta: { tag: 'x', n: [1, 2] }, label: 'run 7' } }));
			const removed = new URL(hookUrl);
			removed.searchParams.delete(CALLBACK_DATA_PARAM);
			const startedBefore = server.startedCalls().length;
			expect(await sim.sendCallback(jobIds[0], { url: changed.toString() })).toEqual([401]);
			expect(await sim.sendCallback(jobIds[0], { url: removed.toString() })).toEqual([401]);
			await server.waitForCalls(4);
			expect(server.calls.slice(2).map((call) => call.response.body)).toEqual([
				{ error: expect.stringContaining('was changed after Sora Generate made it') },
				{ error: expect.stringContaining(CALLBACK_TOKEN_PARAM) },
			]);
			expect(server.startedCalls()).toHaveLength(startedBefore);
		} finally {
			await server.close();
		}
	}, 30_000);

	it('a URL without Callback Data (the token only, as before) gives callbackData {}', async () => {
		const { body } = await finishedJob();
		const run = await trigger(body);
		expect(run.items[0].json.callbackData).toEqual({});
	});

	it('Callback Data over 1 KB: the node fails naming the field and the limit; nothing reaches TTAPI', async () => {
		const before = sim.counters().submissions;
		const run = await runSora(
			sim,
			generateParameters({
				waitMode: 'none',
				options: { callbackUrl: 'https://n8n.example.com/webhook/ttapi-sora', callbackData: callbackData(['notes', '={{ $json.notes }}']) },
			}),
			[{ prompt: 'small', notes: 'ok' }, { prompt: 'big', notes: 'x'.repeat(1100) }],
			{ callbackSecret: SECRET },
		);
		expect(run.error?.message).toMatch(/^Invalid "Callback Data": is 1112 bytes as JSON; the limit is 1024 bytes/);
		expect(sim.counters().submissions).toBe(before);
	});

	it('Callback Data without a Callback URL: the node fails before anything is sent', async () => {
		const before = sim.counters().submissions;
		const run = await runSora(sim, generateParameters({ waitMode: 'none', options: { callbackData: callbackData(['row', '1']) } }), prompts('p'), { callbackSecret: SECRET });
		expect(run.error?.message).toMatch(/^Invalid "Callback Data": needs a Callback URL/);
		expect(sim.counters().submissions).toBe(before);
	});
});

describe('Sora Trigger: character jobs', () => {
	const characterParameters = (extra: Record<string, NodeParameterValueType> = {}): Record<string, NodeParameterValueType> => ({
		resource: 'character',
		operation: 'createCharacter',
		url: '={{ $json.url }}',
		timestamps: '1,3',
		waitMode: 'none',
		...extra,
	});

	it("Create Character (Don't Wait, Callback URL = the trigger's URL) → kind character with the character's fields and Callback Data; no download", async () => {
		const server = await startTriggerServer({ downloadVideo: true });
		try {
			const submitted = await runSora(
				sim,
				characterParameters({
					options: { callbackUrl: server.webhookUrl, callbackData: { fields: [{ name: 'row', value: '={{ $json.row }}' }] } },
				}),
				[
					{ url: 'https://example.com/hero.mp4', row: 4 },
					{ url: 'https://example.com/villain.mp4?[sim:fail=real person]', row: 5 },
				],
				{ callbackSecret: SECRET },
			);
			expect(submitted.error).toBeUndefined();
			const [ok, failed] = submitted.items.map((item) => item.json.jobId as string);
			await server.waitForCalls(2);
			const byJob = Object.fromEntries(server.handledCalls().map((call) => [call.execution!.items[0].json.jobId, call.execution!.items[0]]));
			const okItem = byJob[ok];
			expect(okItem.json).toEqual({
				kind: 'character',
				jobId: ok,
				status: 'SUCCESS',
				characterId: sim.getJob(ok)!.characterId,
				username: null,
				url: 'https://example.com/hero.mp4',
				timestamps: '1,3',
				quota: 1,
				costUsd: 0.01,
				finishTime: sim.getJob(ok)!.finishTime,
				record: expect.objectContaining({ characterId: sim.getJob(ok)!.characterId, url: 'https://example.com/hero.mp4' }),
				event: 'succeeded',
				verified: true,
				callbackData: { row: 4 },
			});
			expect((okItem.json.record as IDataObject).hookUrl).toBeUndefined();
			expect(okItem.binary).toBeUndefined();
			expect(byJob[failed].json).toMatchObject({ kind: 'character', status: 'FAILED', message: 'real person', event: 'failed', callbackData: { row: 5 } });
			// The simulator sent the character's record as TTAPI does: data with url, timestamps, characterId.
			expect(JSON.parse(sim.getJob(ok)!.callbacks[0].body)).toEqual({ received: true });
			expect(sim.getJob(ok)!.fetchBody.data).toMatchObject({ url: 'https://example.com/hero.mp4', timestamps: '1,3', characterId: expect.stringMatching(/^char_/) });
		} finally {
			await server.close();
		}
	}, 30_000);

	it('a character callback to a URL without ttapiData (token only) is told by its shape; a video one too', async () => {
		const characterJobId = await submitCharacter('https://example.com/c.mp4', '2,4');
		const character = await deliver(await waitForEnd(characterJobId), { parameters: params({ downloadVideo: true }) });
		expect(character.execution?.items[0].json).toMatchObject({ kind: 'character', jobId: characterJobId, timestamps: '2,4', verified: true, callbackData: {} });
		expect(character.execution?.items[0].json.downloadError).toBeUndefined();
		const video = await deliver((await finishedJob('a kite')).body, { parameters: params({ downloadVideo: true }) });
		expect(video.execution?.items[0].json).toMatchObject({ kind: 'video', event: 'succeeded' });
		expect(readBinary(video.execution!.items[0], 'data').length).toBe(VIDEO_BYTES);
	}, 30_000);

	it('the signed kind wins over the shape, and Trigger On filters characters like videos', async () => {
		const jobId = await submitCharacter('https://example.com/c.mp4?[sim:fail=real person]', '1,2');
		const body = await waitForEnd(jobId);
		const payload = encodeCallbackPayload({ kind: 'character', data: {} });
		const query = { [CALLBACK_DATA_PARAM]: payload, [CALLBACK_TOKEN_PARAM]: callbackToken(SECRET, `trigger:${payload}`) };
		// Verification off and a body stripped to what both kinds share: only the URL says "character".
		const bare = { status: body.status, message: body.message, jobId };
		const parameters = params({ verifyWithFetch: false });
		expect((await trigger(bare, { query, parameters })).items[0].json).toMatchObject({ kind: 'character', characterId: null, event: 'failed' });
		expect((await trigger(bare, { parameters })).items[0].json).toMatchObject({ kind: 'video', event: 'failed' });
		expect((await trigger(body, { query, parameters: params({ events: 'succeeded' }) })).started).toBe(false);
		expect((await trigger(body, { query, parameters: params({ events: 'failed' }) })).items[0].json).toMatchObject({ kind: 'character', message: 'real person' });
	}, 30_000);
});
