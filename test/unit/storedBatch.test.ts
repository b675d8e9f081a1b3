import type { IExecuteFunctions, INode, INodeExecutionData } from 'n8n-workflow';

import { finishBatch } from '../../nodes/SoraGenerate/actions/batch/callback/callbackBatch';
import type { BatchItem, CallbackBatch } from '../../nodes/SoraGenerate/actions/batch/callback/storedBatch';
import { BATCH_KEY, isCallbackBatch, storeBatchInInput } from '../../nodes/SoraGenerate/actions/batch/callback/storedBatch';
import { generationJob } from '../../nodes/SoraGenerate/actions/generateVideo/generationJob';

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
