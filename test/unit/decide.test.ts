import type { IDataObject } from 'n8n-workflow';

import { itemHookUrl, lookUrl } from '../../nodes/SoraGenerate/actions/batch/callback/callbackUrls';
import type { Call, JobRecord, Verdict } from '../../nodes/SoraGenerate/actions/batch/callback/decide';
import { decide } from '../../nodes/SoraGenerate/actions/batch/callback/decide';
import type { BatchItem, CallbackBatch } from '../../nodes/SoraGenerate/actions/batch/callback/storedBatch';
import { generationJob } from '../../nodes/SoraGenerate/actions/generateVideo/generationJob';
import { CALLBACK_TOKEN_PARAM } from '../../nodes/shared/callbackAuth';

/**
 * webhook()'s decision as a table: the stored batch (A and B running at the pause, C done, D never
 * submitted), TTAPI's records of the jobs not final, the call and the clock → refuse, 503 (look
 * again / send again), 200 (keep waiting) or resume with each item's phase.
 */
const SECRET = 'decide-table-secret';
const [A, B, C] = ['aaaaaaaa-0000-4000-8000-00000000000a', 'bbbbbbbb-0000-4000-8000-00000000000b', 'cccccccc-0000-4000-8000-00000000000c'];
const T0 = Date.parse('2026-12-07T10:00:00Z');
const DEADLINE = T0 + 60_000;

const body = (jobId: string, status: string): IDataObject => ({ status, message: status === 'FAILED' ? 'prompt violation' : '', jobId, data: { videoUrl: status === 'SUCCESS' ? `https://cdn.example.com/${jobId}.mp4` : null } });
const record = (jobId: string, status: string): JobRecord => ({ result: generationJob.normalise(body(jobId, status), jobId) });
const unreadable: JobRecord = { unreadable: 'TTAPI answered HTTP 502' };

const items: BatchItem[] = [
	{ phase: 'running', jobId: A, lastStatus: 'PENDING_QUEUE', echo: { prompt: 'a' } },
	{ phase: 'running', jobId: B, lastStatus: 'ON_QUEUE', echo: { prompt: 'b' } },
	{ phase: 'done', jobId: C, result: generationJob.normalise(body(C, 'SUCCESS'), C), echo: { prompt: 'c' } },
	{ phase: 'failed', echo: { prompt: 'd' }, failure: { message: 'Not submitted: the node stopped after item 1 failed', status: 'NOT_SUBMITTED' } },
];
const batch: CallbackBatch = {
	version: 2,
	kind: 'generation',
	executionId: '41',
	resumeUrl: 'https://n8n.example.com/webhook-waiting/41?signature=s1',
	deadline: DEADLINE,
	recheckMs: 600_000,
	confirmWithFetch: true,
	continueOnFail: true,
	itemOptions: {},
	items,
};

const tokenIn = (url: string) => new URL(url).searchParams.get(CALLBACK_TOKEN_PARAM);
const look: Call = { look: true, token: tokenIn(lookUrl(batch, SECRET)) };
const callback = (index: number, jobId: string, status: string, token = tokenIn(itemHookUrl(batch, SECRET, index))): Extract<Call, { body: unknown }> => ({
	index: String(index),
	token,
	body: body(jobId, status),
});

/** A verdict in a few words: "401", "503 lag", "200", "resume done,running,…". */
function summary(verdict: Verdict): string {
	if ('resume' in verdict) {
		return `resume ${verdict.resume.map((item) => (item.phase === 'done' ? `done:${item.result.status}` : item.phase === 'running' ? `running:${item.lastStatus}` : 'failed')).join(',')}`;
	}
	if (verdict.answer !== 503) return String(verdict.answer);
	return /does not show/.test(verdict.error) ? '503 lag' : '503 unreadable';
}

const cases: Array<[string, Call, JobRecord[], number, string]> = [
	// Refusals: decided before TTAPI is asked anything.
	['a look with a wrong token', { look: true, token: 'x'.repeat(32) }, [], T0, '401'],
	['a look with an item token', { look: true, token: tokenIn(itemHookUrl(batch, SECRET, 0)) }, [], T0, '401'],
	['a callback naming no item', { ...callback(0, A, 'SUCCESS'), index: '9' }, [], T0, '400'],
	['a callback whose item is not a number', { ...callback(0, A, 'SUCCESS'), index: 'x' }, [], T0, '400'],
	["a callback with another item's token", callback(0, A, 'SUCCESS', tokenIn(itemHookUrl(batch, SECRET, 1))), [], T0, '401'],
	['a callback with no token', callback(0, A, 'SUCCESS', null), [], T0, '401'],
	['a callback whose body is not a job record', { ...callback(0, A, 'SUCCESS'), body: { hello: 'world' } }, [], T0, '400'],
	["a callback with another item's job", callback(0, B, 'SUCCESS'), [], T0, '403'],
	['a callback for an item never submitted', callback(3, A, 'SUCCESS'), [], T0, '403'],
	['a refusal stands after Max Wait too', callback(0, A, 'SUCCESS', null), [], DEADLINE + 1, '401'],
	// TTAPI's records decide the rest.
	['A ends, B still runs', callback(0, A, 'SUCCESS'), [record(A, 'SUCCESS'), record(B, 'ON_QUEUE')], T0, '200'],
	["A's callback says it ended, TTAPI still shows it running (lag)", callback(0, A, 'SUCCESS'), [record(A, 'ON_QUEUE')], T0, '503 lag'],
	["A's record cannot be read", callback(0, A, 'SUCCESS'), [unreadable], T0, '503 unreadable'],
	['A ended, B cannot be read', callback(0, A, 'SUCCESS'), [record(A, 'SUCCESS'), unreadable], T0, '503 unreadable'],
	['B seen running though A cannot be read: nothing to conclude yet', look, [unreadable, record(B, 'ON_QUEUE')], T0, '200'],
	['every job final', callback(0, A, 'SUCCESS'), [record(A, 'SUCCESS'), record(B, 'SUCCESS')], T0, 'resume done:SUCCESS,done:SUCCESS,done:SUCCESS,failed'],
	['a FAILED job is final too', callback(1, B, 'FAILED'), [record(A, 'SUCCESS'), record(B, 'FAILED')], T0, 'resume done:SUCCESS,done:FAILED,done:SUCCESS,failed'],
	['an unknown status ends its item as failed', callback(1, B, 'SUCCESS'), [record(A, 'WEIRD'), record(B, 'SUCCESS')], T0, 'resume failed,done:SUCCESS,done:SUCCESS,failed'],
	['a callback that says its job still runs', callback(0, A, 'ON_QUEUE'), [record(A, 'ON_QUEUE')], T0, '200'],
	['a late callback for an item done at the pause, others running', callback(2, C, 'SUCCESS'), [undefined, record(B, 'ON_QUEUE')], T0, '200'],
	['a late callback for an item done at the pause, others final', callback(2, C, 'SUCCESS'), [record(A, 'SUCCESS'), record(B, 'FAILED')], T0, 'resume done:SUCCESS,done:FAILED,done:SUCCESS,failed'],
	['a look finds everything final', look, [record(A, 'SUCCESS'), record(B, 'SUCCESS')], T0, 'resume done:SUCCESS,done:SUCCESS,done:SUCCESS,failed'],
	['a look finds B running', look, [undefined, record(B, 'PENDING_QUEUE')], T0, '200'],
	['a look when TTAPI cannot be read', look, [unreadable, unreadable], T0, '503 unreadable'],
	// Max Wait: end with what is known; unreadable jobs keep their last status.
	['a look at Max Wait', look, [record(A, 'ON_QUEUE'), unreadable], DEADLINE, 'resume running:ON_QUEUE,running:ON_QUEUE,done:SUCCESS,failed'],
	['a look after Max Wait, A ended meanwhile', look, [record(A, 'SUCCESS'), record(B, 'ON_QUEUE')], DEADLINE + 5000, 'resume done:SUCCESS,running:ON_QUEUE,done:SUCCESS,failed'],
	['a lagging callback after Max Wait does not hold the end', callback(0, A, 'SUCCESS'), [record(A, 'ON_QUEUE'), record(B, 'ON_QUEUE')], DEADLINE, 'resume running:ON_QUEUE,running:ON_QUEUE,done:SUCCESS,failed'],
];

describe('decide: webhook() of Wait for Callback as a table', () => {
	it.each(cases)('%s', (_name, call, records, now, expected) => {
		expect(summary(decide({ batch, call, secret: SECRET, records, now }))).toBe(expected);
	});

	it("a resume carries TTAPI's records: the video URL and TTAPI's reason for a failure", () => {
		const verdict = decide({ batch, call: look, secret: SECRET, records: [record(A, 'SUCCESS'), record(B, 'FAILED')], now: T0 });
		if (!('resume' in verdict)) throw new Error(`expected a resume, got ${summary(verdict)}`);
		expect(verdict.resume[0]).toMatchObject({ phase: 'done', result: { jobId: A, videoUrl: `https://cdn.example.com/${A}.mp4` } });
		expect(verdict.resume[1]).toMatchObject({ phase: 'done', result: { jobId: B, status: 'FAILED', message: 'prompt violation' } });
		expect(verdict.resume[3]).toEqual(items[3]);
	});

	it('an unknown status names the job and the operation to look it up with', () => {
		const verdict = decide({ batch, call: look, secret: SECRET, records: [record(A, 'WEIRD'), record(B, 'SUCCESS')], now: T0 });
		if (!('resume' in verdict)) throw new Error(`expected a resume, got ${summary(verdict)}`);
		expect(verdict.resume[0]).toMatchObject({ phase: 'failed', failure: { jobId: A, status: 'WEIRD', message: expect.stringContaining('unknown status "WEIRD"') } });
	});
});
