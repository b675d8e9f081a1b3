import type { IExecuteFunctions, INode, INodeExecutionData } from 'n8n-workflow';

import { failItem, recordJobRecord } from '../../nodes/SoraGenerate/actions/generateVideo/callback/batchProgress';
import type { CallbackBatch, CallbackItem } from '../../nodes/SoraGenerate/actions/generateVideo/callback/callbackBatch';
import {
	adoptStoredBatch,
	BATCH_KEY,
	inFlightCount,
	isBatchDone,
	isCallbackBatch,
	storeBatchInInput,
} from '../../nodes/SoraGenerate/actions/generateVideo/callback/callbackBatch';
import { finishBatch } from '../../nodes/SoraGenerate/actions/generateVideo/callback/finishBatch';
import {
	forgetBatch,
	hasResumed,
	liveBatch,
	markResumed,
	rememberBatch,
	RESUME_SETTLE_MS,
	withBatchLock,
} from '../../nodes/SoraGenerate/actions/generateVideo/callback/liveBatches';

const JOB_A = '11111111-1111-4111-8111-111111111111';
const JOB_B = '22222222-2222-4222-8222-222222222222';

function makeBatch(items: CallbackItem[], extra: Partial<CallbackBatch> = {}): CallbackBatch {
	return {
		version: 1,
		executionId: 'exec-7',
		resumeUrl: 'https://n8n.mycompany.com/webhook-waiting/exec-7',
		deadline: Date.now() + 60_000,
		recheckMs: 60_000,
		maxJobsInFlight: 2,
		confirmWithFetch: true,
		downloadVideo: false,
		binaryPropertyName: 'data',
		continueOnFail: true,
		items,
		...extra,
	};
}

const mixedItems = (): CallbackItem[] => [
	{ phase: 'submitted', jobId: JOB_A, lastStatus: 'ON_QUEUE' },
	{ phase: 'pending', request: { model: 'sora-2', prompt: 'a pending prompt' } },
	{ phase: 'failed', failure: { message: 'Invalid "Prompt": must not be empty', description: 'Nothing was sent to TTAPI.' } },
	{
		phase: 'done',
		jobId: JOB_B,
		lastStatus: 'SUCCESS',
		result: {
			jobId: JOB_B,
			status: 'SUCCESS',
			videoUrl: 'https://cdn.example.com/b.mp4',
			model: 'sora-2',
			prompt: 'a finished prompt',
			quota: 3,
			finishTime: '2026-01-01 10:00:00',
		},
	},
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

		expect(stored[0].json).toMatchObject({
			jobId: JOB_A,
			status: 'ON_QUEUE',
			waitMode: 'callback',
			error: expect.stringMatching(/Max Wait passed.*Get Video and this job ID/),
			item: 0,
		});
		expect(Object.keys(stored[0].json).sort()).toEqual(['error', 'item', 'jobId', 'prompt', 'status', 'waitMode']);
		expect(stored[1].json).toMatchObject({ jobId: null, status: 'NOT_SUBMITTED', prompt: 'a pending prompt', item: 1 });
		// No job ID to fetch: it must not point to Get Video, nor claim more than is known.
		expect(stored[1].json.error).toMatch(/^Not sent when the execution paused.*not sent again.*TTAPI dashboard/);
		expect(stored[1].json.error).not.toMatch(/Get Video/);
		expect(stored[2].json).toMatchObject({ jobId: null, status: 'UNKNOWN', error: 'Invalid "Prompt": must not be empty', item: 2 });
		expect(stored[3].json).toMatchObject({ jobId: JOB_B, status: 'SUCCESS', prompt: 'a finished prompt', item: 3 });

		expect((stored[0] as unknown as Record<string, unknown>)[BATCH_KEY]).toBe(batch);
		expect(stored[0].json[BATCH_KEY]).toBeUndefined();
		for (const item of stored.slice(1)) expect(Object.keys(item).sort()).toEqual(['json', 'pairedItem']);
		expect(Object.keys(stored[0]).sort()).toEqual(['json', 'pairedItem', BATCH_KEY].sort());
		// Nothing of the batch leaks into json that downstream nodes see.
		for (const item of stored) expect(JSON.stringify(item.json)).not.toContain('"phase"');
	});

	it('keeps each input item\'s pairedItem, or pairs by index when there was none', () => {
		const stored = storeBatchInInput(input(), makeBatch(mixedItems()));
		expect(stored.map((item) => item.pairedItem)).toEqual([
			{ item: 5 },
			{ item: 1 },
			[{ item: 0 }, { item: 1 }],
			{ item: 7, input: 0 },
		]);
	});

	it('survives n8n\'s JSON storage: the batch read back is a CallbackBatch equal to the original', () => {
		const batch = makeBatch(mixedItems());
		const stored = JSON.parse(JSON.stringify(storeBatchInInput(input(), batch))) as Array<Record<string, unknown>>;
		expect(isCallbackBatch(stored[0][BATCH_KEY])).toBe(true);
		expect(stored[0][BATCH_KEY]).toEqual(batch);
	});
});

describe('adoptStoredBatch (after a restart, the stored copy is all that is left)', () => {
	it('pending items become unaccounted and lose their request; nothing else changes; the original is untouched', () => {
		const stored = makeBatch(mixedItems());
		const before = JSON.parse(JSON.stringify(stored));
		const adopted = adoptStoredBatch(stored);
		expect(adopted).not.toBe(stored);
		expect(adopted.items[1]).toEqual({ phase: 'unaccounted' });
		expect(adopted.items[0]).toEqual(before.items[0]);
		expect(adopted.items[2]).toEqual(before.items[2]);
		expect(adopted.items[3]).toEqual(before.items[3]);
		expect(stored).toEqual(before);
		adopted.items[0].phase = 'done';
		expect(stored.items[0].phase).toBe('submitted'); // a deep copy
	});

	it('an unaccounted item is neither in flight nor done', () => {
		const adopted = adoptStoredBatch(makeBatch([{ phase: 'pending', request: { prompt: 'x' } }, { phase: 'done' }]));
		expect(inFlightCount(adopted)).toBe(0);
		expect(isBatchDone(adopted)).toBe(false);
	});
});

describe('batch predicates', () => {
	it('inFlightCount counts submitted items; isBatchDone needs every item done or failed', () => {
		const batch = makeBatch(mixedItems());
		expect(inFlightCount(batch)).toBe(1);
		expect(isBatchDone(batch)).toBe(false);
		batch.items[0].phase = 'done';
		batch.items[1].phase = 'failed';
		expect(inFlightCount(batch)).toBe(0);
		expect(isBatchDone(batch)).toBe(true);
	});

	it('isCallbackBatch recognises only a version-1 batch with an execution id and items', () => {
		expect(isCallbackBatch(makeBatch([]))).toBe(true);
		expect(isCallbackBatch(undefined)).toBe(false);
		expect(isCallbackBatch({ ...makeBatch([]), version: 2 })).toBe(false);
		expect(isCallbackBatch({ ...makeBatch([]), executionId: 7 })).toBe(false);
		expect(isCallbackBatch({ ...makeBatch([]), items: {} })).toBe(false);
		expect(isCallbackBatch('{"version":1}')).toBe(false);
	});
});

describe('recordJobRecord / failItem', () => {
	it('a final record ends the item with the normalised result', () => {
		const batch = makeBatch([{ phase: 'submitted', jobId: JOB_A }]);
		expect(
			recordJobRecord(batch, 0, { status: 'success', message: '', jobId: JOB_A, data: { videoUrl: 'https://cdn.example.com/a.mp4', hookUrl: 'https://x?ttapiToken=t' } }),
		).toBe('final');
		expect(batch.items[0].phase).toBe('done');
		expect(batch.items[0].result).toMatchObject({ jobId: JOB_A, status: 'SUCCESS', videoUrl: 'https://cdn.example.com/a.mp4' });
		expect(JSON.stringify(batch.items[0].result)).not.toContain('ttapiToken');
	});

	it('a running record keeps the item in flight with its last status', () => {
		const batch = makeBatch([{ phase: 'submitted', jobId: JOB_A }]);
		expect(recordJobRecord(batch, 0, { status: 'ON_QUEUE', message: '', jobId: JOB_A, data: {} })).toBe('running');
		expect(batch.items[0]).toMatchObject({ phase: 'submitted', lastStatus: 'ON_QUEUE' });
	});

	it('an unknown status fails the item with its job id instead of waiting for ever', () => {
		const batch = makeBatch([{ phase: 'submitted', jobId: JOB_A }]);
		expect(recordJobRecord(batch, 0, { status: 'PAUSED', message: '', jobId: JOB_A, data: {} })).toBe('unknown');
		expect(batch.items[0].phase).toBe('failed');
		expect(batch.items[0].failure).toMatchObject({ jobId: JOB_A, status: 'PAUSED', message: expect.stringContaining('unknown status "PAUSED"') });
	});

	it('without Continue On Fail, a failure also ends every item not yet submitted (no quota spent on them)', () => {
		const batch = makeBatch(
			[{ phase: 'submitted', jobId: JOB_A }, { phase: 'pending', request: { prompt: 'a' } }, { phase: 'submitted', jobId: JOB_B }],
			{ continueOnFail: false },
		);
		failItem(batch, 0, new Error('boom'));
		expect(batch.items.map((item) => item.phase)).toEqual(['failed', 'failed', 'submitted']);
		expect(batch.items[1].failure?.message).toBe('Not submitted: the node stopped after item 0 failed');
		expect(batch.items[1].request).toBeUndefined();
		const kept = makeBatch([{ phase: 'submitted', jobId: JOB_A }, { phase: 'pending', request: { prompt: 'a' } }], { continueOnFail: true });
		failItem(kept, 0, new Error('boom'));
		expect(kept.items.map((item) => item.phase)).toEqual(['failed', 'pending']);
	});
});

describe('finishBatch at Max Wait', () => {
	const context = { getNode: () => ({ name: 'Sora Generate', type: 'soraGenerate' }) as INode } as unknown as IExecuteFunctions;

	it('an item still in flight ends with a timeout carrying its job id and last status', async () => {
		const output = await finishBatch(context, makeBatch([{ phase: 'submitted', jobId: JOB_A, lastStatus: 'ON_QUEUE' }]));
		expect(output[0].json).toMatchObject({
			error: `Job ${JOB_A} was still ON_QUEUE when Max Wait passed`,
			jobId: JOB_A,
			status: 'ON_QUEUE',
		});
		expect(output[0].pairedItem).toEqual({ item: 0 });
	});

	it('an unaccounted item without a job says it was not sent again', async () => {
		const output = await finishBatch(context, makeBatch([{ phase: 'unaccounted' }]));
		expect(output[0].json.error).toMatch(/No job is known for this item.*may or may not have been submitted.*not sent again/);
		expect(output[0].json.errorDescription).toMatch(/Check your TTAPI dashboard/);
		expect(output[0].json.jobId).toBeUndefined();
	});

	// Max Jobs in Flight keeps items pending; when Max Wait passes first, they were never submitted.
	it('an item never submitted (still pending at Max Wait) says so, and nothing was charged', async () => {
		const output = await finishBatch(context, makeBatch([{ phase: 'pending', request: { model: 'sora-2', prompt: 'waiting its turn' } }]));
		expect(String(output[0].json.error)).not.toContain('undefined');
		expect(output[0].json.error).toMatch(/not submitted|never submitted|was not sent/i);
	});
});

describe('liveBatches', () => {
	it('remembers and forgets a batch by execution id', () => {
		const batch = makeBatch([], { executionId: 'live-1' });
		expect(liveBatch('live-1')).toBeUndefined();
		rememberBatch(batch);
		expect(liveBatch('live-1')).toBe(batch);
		forgetBatch('live-1');
		expect(liveBatch('live-1')).toBeUndefined();
	});

	it('keeps at most 500 batches, dropping the least recently remembered', () => {
		const first = makeBatch([], { executionId: 'cap-0' });
		rememberBatch(first);
		for (let index = 1; index <= 500; index++) rememberBatch(makeBatch([], { executionId: `cap-${index}` }));
		expect(liveBatch('cap-0')).toBeUndefined();
		expect(liveBatch('cap-1')).toBeDefined();
		expect(liveBatch('cap-500')).toBeDefined();
		rememberBatch(makeBatch([], { executionId: 'cap-1' })); // refreshed: now the newest
		rememberBatch(makeBatch([], { executionId: 'cap-501' }));
		expect(liveBatch('cap-1')).toBeDefined();
		expect(liveBatch('cap-2')).toBeUndefined();
		for (let index = 0; index <= 501; index++) forgetBatch(`cap-${index}`);
	});

	it('a resume counts for a moment; a call n8n still routes here later gets the batch back to resume again', () => {
		const batch = makeBatch([], { executionId: 'resume-1' });
		rememberBatch(batch);
		const at = Date.now();
		markResumed('resume-1', batch);
		expect(liveBatch('resume-1')).toBeUndefined();
		expect(hasResumed('resume-1', at + RESUME_SETTLE_MS - 100)).toBe(true); // a duplicate right after
		// n8n did not take the resume: it still routes callbacks of this execution to webhook().
		expect(hasResumed('resume-1', at + RESUME_SETTLE_MS + 100)).toBe(false);
		expect(liveBatch('resume-1')).toBe(batch);
		forgetBatch('resume-1');
	});
});

describe('withBatchLock', () => {
	const tick = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

	it('runs the work of one execution one at a time, in arrival order', async () => {
		const log: string[] = [];
		let active = 0;
		let maxActive = 0;
		const work = (name: string, ms: number) => async () => {
			active += 1;
			maxActive = Math.max(maxActive, active);
			log.push(`start ${name}`);
			await tick(ms);
			log.push(`end ${name}`);
			active -= 1;
			return name;
		};
		const results = await Promise.all([
			withBatchLock('exec-lock', work('a', 40)),
			withBatchLock('exec-lock', work('b', 5)),
			withBatchLock('exec-lock', work('c', 20)),
		]);
		expect(results).toEqual(['a', 'b', 'c']);
		expect(maxActive).toBe(1);
		expect(log).toEqual(['start a', 'end a', 'start b', 'end b', 'start c', 'end c']);
	});

	it('two concurrent read-modify-write steps on one batch never both see the same free item', async () => {
		const batch = makeBatch([{ phase: 'pending' }, { phase: 'pending' }], { executionId: 'exec-rmw' });
		const submitted: number[] = [];
		const submitNext = async () => {
			const index = batch.items.findIndex((item) => item.phase === 'pending');
			await tick(10); // the submit request
			if (index >= 0) {
				batch.items[index].phase = 'submitted';
				submitted.push(index);
			}
		};
		await Promise.all([withBatchLock('exec-rmw', submitNext), withBatchLock('exec-rmw', submitNext), withBatchLock('exec-rmw', submitNext)]);
		expect(submitted).toEqual([0, 1]);
	});

	it('a failing step does not block the next one, and gets its own error', async () => {
		const failing = withBatchLock('exec-err', async () => {
			await tick(10);
			throw new Error('TTAPI down');
		});
		const next = withBatchLock('exec-err', async () => 'ran');
		await expect(failing).rejects.toThrow('TTAPI down');
		await expect(next).resolves.toBe('ran');
		// and the lock is free afterwards
		await expect(withBatchLock('exec-err', async () => 'again')).resolves.toBe('again');
	});

	it('different executions do not wait for each other', async () => {
		const order: string[] = [];
		await Promise.all([
			withBatchLock('exec-slow', async () => {
				await tick(60);
				order.push('slow');
			}),
			withBatchLock('exec-fast', async () => {
				await tick(5);
				order.push('fast');
			}),
		]);
		expect(order).toEqual(['fast', 'slow']);
	});
});
