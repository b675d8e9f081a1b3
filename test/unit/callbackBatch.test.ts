import type { IDataObject, IExecuteFunctions, INode, INodeExecutionData } from 'n8n-workflow';

import type { BatchItem, CallbackBatch } from '../../nodes/SoraGenerate/actions/batch/callback/callbackBatch';
import { BATCH_KEY, isCallbackBatch, storeBatchInInput } from '../../nodes/SoraGenerate/actions/batch/callback/callbackBatch';
import { finishBatch } from '../../nodes/SoraGenerate/actions/batch/callback/finishBatch';
import {
	cachedFinal,
	claimResume,
	claimTimer,
	forgetEverything,
	releaseTimer,
	RESUME_TAKES_MS,
	resumeHandedOver,
	resumeUnderWay,
} from '../../nodes/SoraGenerate/actions/batch/callback/processCache';
import { closingItem, n8nResumesOnce } from '../../nodes/SoraGenerate/actions/batch/callback/resumeRule';
import { viewBatch } from '../../nodes/SoraGenerate/actions/batch/callback/viewBatch';
import { generationJob } from '../../nodes/SoraGenerate/actions/generateVideo/generationJob';
import type { TtApiClient, TtApiResponse } from '../../nodes/shared/transport';

const JOB_A = '11111111-1111-4111-8111-111111111111';
const JOB_B = '22222222-2222-4222-8222-222222222222';
const JOB_C = '33333333-3333-4333-8333-333333333333';

function makeBatch(items: BatchItem[], extra: Partial<CallbackBatch> = {}): CallbackBatch {
	return {
		version: 2,
		kind: 'generation',
		executionId: 'exec-7',
		resumeUrl: 'https://n8n.mycompany.com/webhook-waiting/exec-7',
		deadline: Date.now() + 60_000,
		recheckMs: 60_000,
		confirmWithFetch: true,
		continueOnFail: true,
		itemOptions: { downloadVideo: false, binaryPropertyName: 'data' },
		items,
		...extra,
	};
}

const finished = (jobId: string, prompt: string, finishTime = '2026-01-01 10:00:00') =>
	generationJob.normalise(
		{ status: 'SUCCESS', message: '', jobId, data: { videoUrl: `https://cdn.example.com/${jobId}.mp4`, model: 'sora-2', prompt, quota: '3', finishTime } },
		jobId,
	);

const running = (jobId: string, prompt = 'p'): BatchItem => ({ phase: 'running', jobId, lastStatus: 'ON_QUEUE', echo: { prompt } });

const mixedItems = (): BatchItem[] => [
	running(JOB_A, 'a running prompt'),
	{ phase: 'failed', echo: { prompt: 'never sent' }, failure: { message: 'Not submitted: the node stopped after item 2 failed', status: 'NOT_SUBMITTED' } },
	{ phase: 'failed', echo: { prompt: null }, failure: { message: 'Invalid "Prompt": must not be empty', description: 'Nothing was sent to TTAPI.' } },
	{ phase: 'done', jobId: JOB_B, result: finished(JOB_B, 'a finished prompt'), echo: { prompt: 'a finished prompt' } },
];

beforeEach(() => forgetEverything());

describe('storeBatchInInput', () => {
	const input = (): INodeExecutionData[] => [
		{ json: { prompt: 'p0' }, pairedItem: { item: 5 } },
		{ json: { prompt: 'p1' }, binary: { data: { data: 'AAAA', mimeType: 'image/png' } } },
		{ json: { prompt: 'p2' }, pairedItem: [{ item: 0 }, { item: 1 }] },
		{ json: { prompt: 'p3' }, pairedItem: { item: 7, input: 0 } },
	];

	it('replaces the items in place: same count, readable json, the batch only on item 0 beside json', () => {
		const items = input();
		const batch = makeBatch(mixedItems());
		const stored = storeBatchInInput(items, batch);
		expect(stored).toHaveLength(4);
		expect(items).toEqual(stored); // the node's input array itself now holds them

		expect(stored[0].json).toEqual({
			jobId: JOB_A,
			status: 'ON_QUEUE',
			prompt: 'a running prompt',
			waitMode: 'callback',
			error: expect.stringMatching(/Max Wait passed.*Get Video and this job ID/),
			item: 0,
		});
		// Never sent: no job ID, and it must not point to Get Video.
		expect(stored[1].json).toMatchObject({ jobId: null, status: 'NOT_SUBMITTED', prompt: 'never sent', item: 1 });
		expect(stored[1].json.error).toMatch(/^Not submitted/);
		expect(stored[1].json.error).not.toMatch(/Get Video/);
		expect(stored[2].json).toMatchObject({ jobId: null, status: 'UNKNOWN', error: 'Invalid "Prompt": must not be empty', item: 2 });
		// An item that had ended: its job ID for Get Video, and the status TTAPI gave.
		expect(stored[3].json).toMatchObject({ jobId: JOB_B, status: 'SUCCESS', prompt: 'a finished prompt', item: 3 });
		expect(stored[3].json.error).toMatch(/had ended.*Get Video and this job ID/);

		expect((stored[0] as unknown as Record<string, unknown>)[BATCH_KEY]).toBe(batch);
		expect(stored[0].json[BATCH_KEY]).toBeUndefined();
		for (const item of stored.slice(1)) expect(Object.keys(item).sort()).toEqual(['json', 'pairedItem']);
		expect(Object.keys(stored[0]).sort()).toEqual(['json', 'pairedItem', BATCH_KEY].sort());
		// Nothing of the batch leaks into json that downstream nodes see.
		for (const item of stored) expect(JSON.stringify(item.json)).not.toContain('"phase"');
	});

	it("keeps each input item's pairedItem, or pairs by index when there was none", () => {
		const stored = storeBatchInInput(input(), makeBatch(mixedItems()));
		expect(stored.map((item) => item.pairedItem)).toEqual([{ item: 5 }, { item: 1 }, [{ item: 0 }, { item: 1 }], { item: 7, input: 0 }]);
	});

	it("survives n8n's JSON storage: the batch read back is a CallbackBatch equal to the original", () => {
		const batch = makeBatch(mixedItems());
		const stored = JSON.parse(JSON.stringify(storeBatchInInput(input(), batch))) as Array<Record<string, unknown>>;
		expect(isCallbackBatch(stored[0][BATCH_KEY])).toBe(true);
		expect(stored[0][BATCH_KEY]).toEqual(batch);
	});

	it('isCallbackBatch recognises only a version-2 batch with a kind, an execution id and items', () => {
		expect(isCallbackBatch(makeBatch([]))).toBe(true);
		expect(isCallbackBatch(undefined)).toBe(false);
		expect(isCallbackBatch({ ...makeBatch([]), version: 1 })).toBe(false);
		expect(isCallbackBatch({ ...makeBatch([]), kind: undefined })).toBe(false);
		expect(isCallbackBatch({ ...makeBatch([]), executionId: 7 })).toBe(false);
		expect(isCallbackBatch({ ...makeBatch([]), items: {} })).toBe(false);
		expect(isCallbackBatch('{"version":2}')).toBe(false);
	});
});

describe('finishBatch at Max Wait', () => {
	const context = { getNode: () => ({ name: 'Sora Generate', type: 'soraGenerate' }) as INode } as unknown as IExecuteFunctions;

	it('an item still running ends with a timeout carrying its job id and last status', async () => {
		const output = await finishBatch(context, generationJob, makeBatch([running(JOB_A)]));
		expect(output[0].json).toEqual({
			error: `Job ${JOB_A} was still ON_QUEUE when Max Wait passed`,
			jobId: JOB_A,
			status: 'ON_QUEUE',
			errorDescription: `The job goes on at TTAPI. Fetch it later with the Get Video operation and job ID ${JOB_A}.`,
		});
		expect(output[0].pairedItem).toEqual({ item: 0 });
	});

	it('items come out in input order: results, failures with their job id, never-sent items without one', async () => {
		const output = await finishBatch(context, generationJob, makeBatch(mixedItems()));
		expect(output.map((item) => [item.json.jobId, item.json.status ?? null])).toEqual([
			[JOB_A, 'ON_QUEUE'],
			[undefined, 'NOT_SUBMITTED'],
			[undefined, null],
			[JOB_B, 'SUCCESS'],
		]);
		expect(output[3].json).toMatchObject({ waitMode: 'callback', prompt: 'a finished prompt', videoUrl: `https://cdn.example.com/${JOB_B}.mp4` });
		expect(output[2].json.errorDescription).toBe('Nothing was sent to TTAPI.');
		expect(output.map((item) => item.pairedItem)).toEqual([0, 1, 2, 3].map((item) => ({ item })));
	});
});

/** A TTAPI that answers /sora/fetch from `records` (job id → record) and notes each question. */
function fakeTtapi(records: Record<string, IDataObject | (() => IDataObject)>) {
	const asked: string[] = [];
	const client = {
		baseUrl: 'http://ttapi.test',
		async send(request: { qs?: IDataObject }): Promise<TtApiResponse> {
			const jobId = String(request.qs?.jobId);
			asked.push(jobId);
			const record = records[jobId];
			return { statusCode: 200, body: typeof record === 'function' ? record() : record };
		},
	} as unknown as TtApiClient;
	return { client, asked };
}

const record = (jobId: string, status: string, finishTime: string | null = null) => ({
	status,
	message: '',
	jobId,
	data: { videoUrl: status === 'SUCCESS' ? `https://cdn.example.com/${jobId}.mp4` : null, prompt: 'p', finishTime },
});

describe('viewBatch: what the stored batch plus TTAPI say now', () => {
	it('asks about the callback\'s own job first, then the others, last submitted first, and stops at one still running', async () => {
		const { client, asked } = fakeTtapi({
			[JOB_A]: record(JOB_A, 'ON_QUEUE'),
			[JOB_B]: record(JOB_B, 'SUCCESS', '2026-01-01 10:00:01'),
			[JOB_C]: record(JOB_C, 'SUCCESS', '2026-01-01 10:00:02'),
		});
		const batch = makeBatch([running(JOB_A), running(JOB_B), running(JOB_C)]);
		const view = await viewBatch(client, generationJob, batch, { own: { index: 1, body: record(JOB_B, 'SUCCESS') } });
		expect(asked).toEqual([JOB_B, JOB_C, JOB_A]);
		expect(view.allFinal).toBe(false);
		expect(view.ownLagging).toBe(false);
		expect(view.items.map((item) => item.phase)).toEqual(['running', 'done', 'done']);
		// the stored batch itself is never changed: webhook() cannot write it anyway
		expect(batch.items.map((item) => item.phase)).toEqual(['running', 'running', 'running']);
	});

	it('a stale stored batch: jobs that ended after the pause are found on TTAPI, and cached (a final record never changes)', async () => {
		const { client, asked } = fakeTtapi({ [JOB_A]: record(JOB_A, 'SUCCESS'), [JOB_B]: record(JOB_B, 'FAILED') });
		const batch = makeBatch([running(JOB_A), running(JOB_B)]);
		const first = await viewBatch(client, generationJob, batch, {});
		expect(first.allFinal).toBe(true);
		expect(first.items.map((item) => item.phase === 'done' && item.result.status)).toEqual(['SUCCESS', 'FAILED']);
		expect(cachedFinal(JOB_A)).toEqual({ result: expect.objectContaining({ jobId: JOB_A, status: 'SUCCESS' }) });
		// the same stored batch again (another call, same process): nothing more is asked
		const again = await viewBatch(client, generationJob, batch, {});
		expect(again.allFinal).toBe(true);
		expect(asked).toEqual([JOB_B, JOB_A]);
		// a process that has not seen them (cache empty) asks TTAPI and reaches the same view
		forgetEverything();
		const elsewhere = await viewBatch(client, generationJob, batch, {});
		expect(elsewhere.items).toEqual(first.items);
		expect(asked).toEqual([JOB_B, JOB_A, JOB_B, JOB_A]);
	});

	it("items final at the pause are not asked about; an unknown status ends the item with its job id instead of waiting for ever", async () => {
		const { client, asked } = fakeTtapi({ [JOB_A]: record(JOB_A, 'PAUSED') });
		const done: BatchItem = { phase: 'done', jobId: JOB_B, result: finished(JOB_B, 'b'), echo: {} };
		const view = await viewBatch(client, generationJob, makeBatch([running(JOB_A), done]), {});
		expect(asked).toEqual([JOB_A]);
		expect(view.allFinal).toBe(true);
		expect(view.items[0]).toMatchObject({
			phase: 'failed',
			failure: { jobId: JOB_A, status: 'PAUSED', message: expect.stringContaining('unknown status "PAUSED"') },
		});
	});

	it("TTAPI's record lagging the callback: read again within the call; if it still lags, ownLagging (the call answers 503)", async () => {
		let reads = 0;
		const lagging = fakeTtapi({ [JOB_A]: () => record(JOB_A, ++reads < 3 ? 'ON_QUEUE' : 'SUCCESS') });
		const caughtUp = await viewBatch(lagging.client, generationJob, makeBatch([running(JOB_A)]), { own: { index: 0, body: record(JOB_A, 'SUCCESS') } });
		expect(caughtUp).toMatchObject({ allFinal: true, ownLagging: false });
		expect(lagging.asked).toEqual([JOB_A, JOB_A, JOB_A]);

		forgetEverything();
		const stuck = fakeTtapi({ [JOB_A]: record(JOB_A, 'ON_QUEUE') });
		const view = await viewBatch(stuck.client, generationJob, makeBatch([running(JOB_A)]), { own: { index: 0, body: record(JOB_A, 'SUCCESS') } });
		expect(view).toMatchObject({ allFinal: false, ownLagging: true });
		expect(stuck.asked).toHaveLength(3);
		// a callback body that does not claim the end is not a lag: one question, no rechecks
		const notEnded = fakeTtapi({ [JOB_A]: record(JOB_A, 'ON_QUEUE') });
		const plain = await viewBatch(notEnded.client, generationJob, makeBatch([running(JOB_A)]), { own: { index: 0, body: record(JOB_A, 'ON_QUEUE') } });
		expect(plain).toMatchObject({ allFinal: false, ownLagging: false });
		expect(notEnded.asked).toHaveLength(1);
	});

	it('Confirm off: the callback body is its own job\'s record, TTAPI is asked only about the others', async () => {
		const { client, asked } = fakeTtapi({ [JOB_A]: record(JOB_A, 'SUCCESS') });
		const batch = makeBatch([running(JOB_A), running(JOB_B)], { confirmWithFetch: false });
		const body = { ...record(JOB_B, 'SUCCESS'), data: { videoUrl: 'https://cdn.example.com/from-the-body.mp4' } };
		const view = await viewBatch(client, generationJob, batch, { own: { index: 1, body } });
		expect(asked).toEqual([JOB_A]);
		expect(view.allFinal).toBe(true);
		expect(view.items[1]).toMatchObject({ phase: 'done', result: { videoUrl: 'https://cdn.example.com/from-the-body.mp4' } });
	});

	it('complete (Max Wait): every unfinished job is asked about, and one TTAPI cannot answer keeps its last status', async () => {
		const client = {
			baseUrl: 'http://ttapi.test',
			async send(request: { qs?: IDataObject }): Promise<TtApiResponse> {
				if (request.qs?.jobId === JOB_B) return { statusCode: 503, body: { message: 'busy' } };
				return { statusCode: 200, body: record(String(request.qs?.jobId), 'ON_QUEUE') };
			},
		} as unknown as TtApiClient;
		const view = await viewBatch(client, generationJob, makeBatch([running(JOB_A), running(JOB_B), running(JOB_C)]), { complete: true });
		expect(view.allFinal).toBe(false);
		expect(view.items.map((item) => item.phase === 'running' && item.lastStatus)).toEqual(['ON_QUEUE', 'ON_QUEUE', 'ON_QUEUE']);
	}, 20_000);
});

describe('resume rules', () => {
	it("n8nResumesOnce: n8n 2.x resume URLs carry n8n's signature, 1.x ones do not", () => {
		expect(n8nResumesOnce('https://n8n.example.com/webhook-waiting/12?signature=abc')).toBe(true);
		expect(n8nResumesOnce('https://n8n.example.com/webhook-waiting/12')).toBe(false);
		expect(n8nResumesOnce('not a url')).toBe(false);
	});

	it('closingItem: the job that ended last of those running at the pause (finishTime, ties to the higher item)', () => {
		const stored = makeBatch([running(JOB_A), running(JOB_B), running(JOB_C), { phase: 'done', jobId: 'x', result: finished('x', 'x', '2099-01-01 00:00:00'), echo: {} }]);
		const at = (...times: string[]): BatchItem[] => [
			...times.map((time, index) => ({ phase: 'done' as const, jobId: `j${index}`, result: finished(`j${index}`, 'p', time), echo: {} })),
			stored.items[3],
		];
		expect(closingItem(stored, at('2026-01-01 10:00:05', '2026-01-01 10:00:09', '2026-01-01 10:00:07'))).toBe(1);
		expect(closingItem(stored, at('2026-01-01 10:00:09', '2026-01-01 10:00:09', '2026-01-01 10:00:07'))).toBe(1);
		// item 3 ended before the pause: its callback came long ago, it never closes the batch
		expect(closingItem(stored, at('2026-01-01 10:00:01', '2026-01-01 10:00:01', '2026-01-01 10:00:01'))).toBe(2);
		// a job without a finishTime (an unknown status) does not close it ahead of one that has one
		const failed: BatchItem = { phase: 'failed', echo: {}, failure: { message: 'unknown status', jobId: JOB_C } };
		const items = at('2026-01-01 10:00:01', '2026-01-01 10:00:02', 'x');
		items[2] = failed;
		expect(closingItem(stored, items)).toBe(1);
	});
});

describe('processCache: this process never resumes one execution twice', () => {
	const url = 'https://n8n.example.com/webhook-waiting/9';

	it('one claim wins; calls that reached webhook() before our resume was handed to n8n (or just after) are refused', () => {
		const t0 = 1_000_000;
		expect(resumeUnderWay(url, t0)).toBe(false);
		expect(claimResume(url, t0)).toBe(true);
		expect(claimResume(url, t0 + 5)).toBe(false); // a duplicate while the first downloads the videos
		expect(resumeUnderWay(url, t0 + 10)).toBe(true);
		resumeHandedOver(url, t0 + 3000);
		expect(claimResume(url, t0 + 1)).toBe(false); // it entered before the hand-over
		expect(claimResume(url, t0 + 3000 + RESUME_TAKES_MS - 1)).toBe(false);
		// n8n still let a call in long after: it did not take our resume, so this call may resume
		expect(claimResume(url, t0 + 3000 + RESUME_TAKES_MS + 1)).toBe(true);
		expect(claimResume('https://n8n.example.com/webhook-waiting/10', t0)).toBe(true); // another execution
	});

	it('one timer of a name at a time; forgetting everything stops them', () => {
		const first = claimTimer('watch:x');
		expect(first?.aborted).toBe(false);
		expect(claimTimer('watch:x')).toBeUndefined();
		releaseTimer('watch:x', first as AbortSignal);
		const second = claimTimer('watch:x');
		expect(second).toBeDefined();
		releaseTimer('watch:x', first as AbortSignal); // a stale release does not free the new one
		expect(claimTimer('watch:x')).toBeUndefined();
		forgetEverything();
		expect(second?.aborted).toBe(true);
	});
});
