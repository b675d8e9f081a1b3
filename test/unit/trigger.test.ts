import type { IDataObject } from 'n8n-workflow';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';

import {
	CALLBACK_DATA_PARAM,
	CALLBACK_TOKEN_PARAM,
	callbackToken,
	encodeCallbackPayload,
	triggerToken,
} from '../../nodes/shared/callbackAuth';
import { pathProblem } from '../../nodes/SoraGenerateTrigger/activation';
import {
	REFUSAL,
	eventForStatus,
	eventPasses,
	checkCallbackUrl,
	parseCallbackBody,
	readCallbackSecret,
} from '../../nodes/SoraGenerateTrigger/callbackRequest';
import { Workflow } from 'n8n-workflow';
import type { INodeTypes, IWebhookResponseData } from 'n8n-workflow';

import {
	dedupeKey,
	rememberInStaticData,
	savedBeforeAnswer,
	seenInStaticData,
} from '../../nodes/SoraGenerateTrigger/dedupe';
import { unknownJobMessage } from '../../nodes/SoraGenerateTrigger/handleCallback';
import { SoraGenerateTrigger as SoraTrigger } from '../../nodes/SoraGenerateTrigger/SoraGenerateTrigger.node';

describe('Sora Trigger description', () => {
	const { description } = new SoraTrigger();

	it('is a webhook trigger on a predictable POST path, answered with the body webhook() returns', () => {
		expect(description.inputs).toEqual([]);
		expect(description.group).toEqual(['trigger']);
		// responseData '' (not n8n's default "firstEntryJson", which n8n would send as the body).
		expect(description.webhooks).toEqual([
			{ name: 'default', httpMethod: 'POST', responseMode: 'onReceived', responseData: '', path: '={{$parameter["path"]}}', isFullPath: true },
		]);
		expect(description.properties.find((p) => p.name === 'path')?.default).toBe('ttapi-sora');
		expect(description).not.toHaveProperty('usableAsTool');
	});

	it('defaults: both events, verification on, no download, binary field "data"', () => {
		const defaults = Object.fromEntries(description.properties.map((p) => [p.name, p.default]));
		expect(defaults).toMatchObject({ events: 'both', verifyWithFetch: true, downloadVideo: false, binaryPropertyName: 'data' });
	});

	it('has the complete webhook lifecycle', () => {
		const { webhookMethods } = new SoraTrigger();
		expect(Object.keys(webhookMethods.default).sort()).toEqual(['checkExists', 'create', 'delete']);
	});
});

describe('pathProblem', () => {
	it.each(['ttapi-sora', 'sora/batch-1', '/ttapi-sora/', 'my_path.v2'])('accepts %p', (path) => {
		expect(pathProblem(path)).toBeUndefined();
	});

	it.each([
		['', /no Path/],
		['   ', /no Path/],
		[undefined, /no Path/],
		['https://n8n.example.com/webhook/ttapi-sora', /whole URL/],
		['webhook/ttapi-sora', /starts with "webhook\/"/],
		['/webhook-test/ttapi-sora', /starts with "webhook\/"/],
		['ttapi-sora?ttapiToken=x', /not allowed/],
		['jobs/:id', /not allowed/],
		['two words', /not allowed/],
	])('refuses %p', (path, message) => {
		expect(pathProblem(path)?.message).toMatch(message);
	});
});

describe('checkCallbackUrl', () => {
	const secret = 'a-secret';
	const token = callbackToken(secret, 'trigger');
	const payload = encodeCallbackPayload({ kind: 'video', data: { row: 7, sheet: 'abc' } });
	const signed = triggerToken(secret, payload);
	const altered = encodeCallbackPayload({ kind: 'video', data: { row: 8, sheet: 'abc' } });
	const character = encodeCallbackPayload({ kind: 'character', data: {} });
	const T = CALLBACK_TOKEN_PARAM;
	const D = CALLBACK_DATA_PARAM;

	it.each([
		['the trigger token alone (URLs made before Callback Data)', { [T]: token }, undefined],
		['the trigger token among repeated values', { [T]: ['junk', token] }, undefined],
		['ttapiData with the token made from it', { [D]: payload, [T]: signed }, { kind: 'video', data: { row: 7, sheet: 'abc' } }],
		['a character job', { [D]: character, [T]: triggerToken(secret, character) }, { kind: 'character', data: {} }],
	])('accepts %s', (_name, query, expected) => {
		expect(checkCallbackUrl(secret, query)).toEqual({ ok: true, ...(expected ? { payload: expected } : {}) });
	});

	it.each([
		['no query', undefined, REFUSAL.badToken],
		['no token', {}, REFUSAL.badToken],
		['an empty token', { [T]: '' }, REFUSAL.badToken],
		['a wrong token', { [T]: 'x'.repeat(token.length) }, REFUSAL.badToken],
		["another scope's token (a waiting item's)", { [T]: callbackToken(secret, 'item:0') }, REFUSAL.badToken],
		["another secret's token", { [T]: callbackToken('other', 'trigger') }, REFUSAL.badToken],
		['a token that is not text', { [T]: { nested: token } }, REFUSAL.badToken],
		['the parameter name in other case', { [T.toUpperCase()]: token }, REFUSAL.badToken],
		['only the data-bound token, its ttapiData removed', { [T]: signed }, REFUSAL.badToken],
		['ttapiData changed (row 7 → 8)', { [D]: altered, [T]: signed }, REFUSAL.alteredData],
		['ttapiData added beside the plain token', { [D]: payload, [T]: token }, REFUSAL.alteredData],
		['ttapiData given twice', { [D]: [payload, payload], [T]: signed }, REFUSAL.alteredData],
		['ttapiData signed with another secret', { [D]: payload, [T]: triggerToken('other', payload) }, REFUSAL.alteredData],
		['signed ttapiData that is not a payload', { [D]: 'bm9wZQ', [T]: triggerToken(secret, 'bm9wZQ') }, REFUSAL.unreadableData],
	])('refuses %s', (_name, query, refusal) => {
		expect(checkCallbackUrl(secret, query)).toEqual({ ok: false, refusal });
	});

	it('refusals of the URL are 401 (like a bad token), except a signed but unreadable ttapiData (400)', () => {
		expect([REFUSAL.badToken.httpCode, REFUSAL.alteredData.httpCode, REFUSAL.unreadableData.httpCode]).toEqual([401, 401, 400]);
		expect(REFUSAL.alteredData.error).toContain(CALLBACK_DATA_PARAM);
	});

	it('an empty or missing secret is "not set"', () => {
		expect(readCallbackSecret({})).toBeUndefined();
		expect(readCallbackSecret({ callbackSecret: '' })).toBeUndefined();
		expect(readCallbackSecret({ callbackSecret: 42 } as IDataObject)).toBeUndefined();
		expect(readCallbackSecret({ callbackSecret: 's' })).toBe('s');
	});
});

describe('parseCallbackBody', () => {
	const record = { status: 'success', message: '', jobId: 'j1', data: { videoUrl: 'https://x/1.mp4' } };

	it('takes a parsed JSON record, JSON text or a Buffer; the status is upper-cased', () => {
		for (const body of [record, JSON.stringify(record), Buffer.from(JSON.stringify(record))]) {
			expect(parseCallbackBody(body)).toMatchObject({ ok: true, jobId: 'j1', status: 'SUCCESS' });
		}
		expect(parseCallbackBody({ status: 'FAILED', data: { job_id: 'j2' } })).toMatchObject({ ok: true, jobId: 'j2' });
	});

	it('refuses text that is not JSON, no body, and JSON that is not a record', () => {
		expect(parseCallbackBody('nope')).toEqual({ ok: false, refusal: REFUSAL.notJson });
		expect(parseCallbackBody(undefined)).toEqual({ ok: false, refusal: REFUSAL.notJson });
		for (const body of [{}, [], 'null', '42', '"text"', { status: 1, jobId: 'x' }, { status: ' ', jobId: 'x' }, { status: 'SUCCESS' }]) {
			const parsed = parseCallbackBody(body);
			expect(parsed.ok).toBe(false);
			if (!parsed.ok) expect(parsed.refusal.httpCode).toBe(400);
		}
	});
});

describe('events', () => {
	it('maps statuses: running ones start nothing, SUCCESS succeeded, FAILED and unknown ones failed', () => {
		expect(eventForStatus('PENDING_QUEUE')).toBe('running');
		expect(eventForStatus('ON_QUEUE')).toBe('running');
		expect(eventForStatus('SUCCESS')).toBe('succeeded');
		expect(eventForStatus('FAILED')).toBe('failed');
		expect(eventForStatus('CANCELLED')).toBe('failed');
	});

	it('filters', () => {
		expect(eventPasses('both', 'failed')).toBe(true);
		expect(eventPasses('succeeded', 'succeeded')).toBe(true);
		expect(eventPasses('succeeded', 'failed')).toBe(false);
		expect(eventPasses('failed', 'succeeded')).toBe(false);
	});

	it('a lookup of an unknown job is not a job record', () => {
		expect(unknownJobMessage({ status: 'FAILED', message: 'job not found', jobId: 'x', data: null })).toBe('job not found');
		expect(unknownJobMessage({ status: 'FAILED', message: 'prompt violation', data: { prompt: 'p' } })).toBeUndefined();
		expect(unknownJobMessage({ status: 'FAILED', message: 'not found', data: { prompt: 'p' } })).toBeUndefined();
		expect(unknownJobMessage({ status: 'SUCCESS', message: 'job not found', data: null })).toBeUndefined();
	});
});

describe('dedupe keys', () => {
	it('one key per job and final status', () => {
		expect(dedupeKey('j', 'SUCCESS')).toBe('j:SUCCESS');
		expect(dedupeKey('j', 'FAILED')).not.toBe(dedupeKey('j', 'SUCCESS'));
	});
});

describe('no process memory', () => {
	it('no module-level object in the trigger\'s code (each n8n process would have its own)', () => {
		const folder = path.join(__dirname, '../../nodes/SoraGenerateTrigger');
		const moduleLevel = /^(export\s+)?(const|let|var)\s+\w+(\s*:[^=]+)?\s*=\s*new\s+\w+/m;
		const offenders = readdirSync(folder)
			.filter((file) => file.endsWith('.ts'))
			.filter((file) => moduleLevel.test(readFileSync(path.join(folder, file), 'utf8')));
		expect(offenders).toEqual([]);
		// The check would see the old one: `export const processMemory = new CallbackMemory();`.
		expect(moduleLevel.test('export const processMemory = new CallbackMemory();')).toBe(true);
	});

	it('the node runs code in the execution too (the claim and the download)', () => {
		expect(typeof new SoraTrigger().execute).toBe('function');
	});
});

describe('static data', () => {
	it('keeps the newest keys, bounded, without duplicates', () => {
		const data: IDataObject = {};
		for (let i = 0; i < 7; i++) rememberInStaticData(data, `k${i}`, 5);
		rememberInStaticData(data, 'k3', 5);
		expect(data.handledCallbacks).toEqual(['k2', 'k4', 'k5', 'k6', 'k3']);
		expect(seenInStaticData(data, 'k3')).toBe(true);
		expect(seenInStaticData(data, 'k0')).toBe(false);
		expect(seenInStaticData({ handledCallbacks: 'garbage' }, 'k0')).toBe(false);
	});
});

describe("static data on n8n 2.41.1's webhook path (savedBeforeAnswer)", () => {
	const nodeTypes = { getByNameAndVersion: () => ({ description: { properties: [] } }) } as unknown as INodeTypes;
	const node = { name: 'Sora Trigger' } as never;
	/** A Workflow as n8n builds one from the workflow row it loaded (LiveWebhooks, WorkflowRunner). */
	const workflowOver = (staticData: IDataObject | null) => new Workflow({ id: 'w', nodes: [], connections: {}, active: true, nodeTypes, staticData: staticData as IDataObject });
	const changed = (workflow: Workflow) => (workflow.staticData as IDataObject).__dataChanged === true;

	it.each([
		['nothing stored yet (null): each Workflow wraps its own {}', null, true],
		['a key stored: both Workflows wrap the same object', { 'node:Sora Trigger': { handledCallbacks: ['a:SUCCESS'] } }, false],
	])("n8n-workflow: a second Workflow over the webhook's static data — %s — leaves the change marked: %p", (_name, stored, stillMarked) => {
		const row = { staticData: stored === null ? null : structuredClone(stored) };
		const webhookWorkflow = workflowOver(row.staticData);
		rememberInStaticData(webhookWorkflow.getStaticData('node', node), 'b:SUCCESS');
		expect(changed(webhookWorkflow)).toBe(true);
		workflowOver(row.staticData); // WorkflowRunner.run → establishContextForPersistence
		expect(changed(webhookWorkflow)).toBe(stillMarked);
	});

	it('writes the key again when n8n reads the answer body, after that reset, and hands n8n the same body', () => {
		const row = { staticData: { 'node:Sora Trigger': { handledCallbacks: ['a:SUCCESS'] } } as IDataObject };
		const webhookWorkflow = workflowOver(row.staticData);
		const staticData = webhookWorkflow.getStaticData('node', node);
		const remember = () => rememberInStaticData(staticData, 'b:SUCCESS');
		remember();
		const items = [[{ json: { jobId: 'b' } }]];
		const result = savedBeforeAnswer({ webhookResponse: { received: true }, workflowData: items }, remember);
		expect(result.workflowData).toBe(items);
		workflowOver(row.staticData);
		expect(changed(webhookWorkflow)).toBe(false);
		expect(result.webhookResponse).toEqual({ received: true }); // extractWebhookOnReceivedResponse
		expect(changed(webhookWorkflow)).toBe(true); // → saveStaticData saves
		expect(staticData.handledCallbacks).toEqual(['a:SUCCESS', 'b:SUCCESS']);
		expect(JSON.parse(JSON.stringify(result))).toEqual({ webhookResponse: { received: true }, workflowData: items });
	});

	it('leaves a result alone when the node answered itself (n8n then saves before it starts the execution)', () => {
		const result: IWebhookResponseData = { noWebhookResponse: true, workflowData: [[{ json: {} }]] };
		let writes = 0;
		expect(savedBeforeAnswer(result, () => writes++)).toBe(result);
		expect(writes).toBe(0);
	});
});
