/**
 * Proves the harness itself with a fixture node and credential (no TTAPI code involved).
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import {
	NodeOperationError,
	sleep,
	type IAuthenticateGeneric,
	type ICredentialType,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeProperties,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';

import { readBinary, runNode } from './harness';

class FixtureApi implements ICredentialType {
	name = 'fixtureApi';

	displayName = 'Fixture API';

	properties: INodeProperties[] = [
		{ displayName: 'API Key', name: 'apiKey', type: 'string', typeOptions: { password: true }, default: '' },
		{ displayName: 'Base URL', name: 'baseUrl', type: 'string', default: 'http://default.invalid' },
		{ displayName: 'Region', name: 'region', type: 'string', default: 'eu' },
	];

	authenticate: IAuthenticateGeneric = {
		type: 'generic',
		properties: { headers: { 'TT-API-KEY': '={{$credentials.apiKey}}' } },
	};
}

const observed = { abortedInsideNode: false };

class Fixture implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Fixture',
		name: 'fixture',
		group: ['transform'],
		version: 1,
		description: 'Harness fixture',
		defaults: { name: 'Fixture' },
		inputs: ['main'],
		outputs: ['main'],
		credentials: [{ name: 'fixtureApi', required: true, displayOptions: { show: { operation: ['http'] } } }],
		properties: [
			{
				displayName: 'Operation',
				name: 'operation',
				type: 'options',
				noDataExpression: true,
				options: [
					{ name: 'Echo', value: 'echo' },
					{ name: 'HTTP', value: 'http' },
					{ name: 'Binary', value: 'binary' },
					{ name: 'Sleep', value: 'sleep' },
					{ name: 'Fail', value: 'fail' },
				],
				default: 'echo',
			},
			{ displayName: 'Value', name: 'value', type: 'string', default: '' },
			{ displayName: 'Path', name: 'path', type: 'string', default: '/' },
		],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const items = this.getInputData();
		const operation = this.getNodeParameter('operation', 0) as string;
		const out: INodeExecutionData[] = [];

		if (operation === 'sleep') {
			const signal = this.getExecutionCancelSignal();
			for (let i = 0; i < 600 && !signal?.aborted; i++) await sleep(50);
			observed.abortedInsideNode = signal?.aborted === true;
			return [items.map((_, item) => ({ json: { stopped: true }, pairedItem: { item } }))];
		}

		for (let i = 0; i < items.length; i++) {
			try {
				if (operation === 'echo') {
					out.push({ json: { value: this.getNodeParameter('value', i) }, pairedItem: { item: i } });
				} else if (operation === 'http') {
					const { baseUrl, region } = await this.getCredentials<{ baseUrl: string; region: string }>(
						'fixtureApi',
						i,
					);
					const response = await this.helpers.httpRequestWithAuthentication.call(this, 'fixtureApi', {
						url: `${baseUrl}${this.getNodeParameter('path', i) as string}`,
						json: true,
					});
					out.push({ json: { response, region }, pairedItem: { item: i } });
				} else if (operation === 'binary') {
					const bytes = Buffer.from(items[i].json.base64 as string, 'base64');
					const stream = Readable.from([bytes.subarray(0, 1000), bytes.subarray(1000)]);
					const binary = await this.helpers.prepareBinaryData(stream, 'video.mp4', 'video/mp4');
					out.push({ json: {}, binary: { data: binary }, pairedItem: { item: i } });
				} else if (operation === 'fail') {
					if (items[i].json.fail) {
						throw new NodeOperationError(this.getNode(), `Item ${i} is bad`, {
							itemIndex: i,
							description: 'the fixture was told to fail',
						});
					}
					out.push({ json: { ok: true }, pairedItem: { item: i } });
				}
			} catch (error) {
				if (!this.continueOnFail()) throw error;
				out.push({ json: { error: error.message }, pairedItem: { item: i } });
			}
		}
		return [out];
	}
}

describe('test harness (real n8n-core WorkflowExecute)', () => {
	let server: Server;
	let baseUrl: string;
	const seen: IncomingHttpHeaders[] = [];

	beforeAll(async () => {
		server = createServer((req, res) => {
			seen.push(req.headers);
			res.setHeader('content-type', 'application/json');
			res.end(JSON.stringify({ path: req.url }));
		});
		await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
		baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
	});

	afterAll(async () => await new Promise((resolve) => server.close(resolve)));

	it('resolves expressions per item, including $("Test Input").item via pairedItem', async () => {
		const result = await runNode({
			node: Fixture,
			parameters: { operation: 'echo', value: '={{ $json.x * 2 }}-{{ $("Test Input").item.json.x }}' },
			input: [{ x: 1 }, { x: 2 }],
		});
		expect(result.status).toBe('success');
		expect(result.error).toBeUndefined();
		expect(result.items.map((item) => item.json.value)).toEqual(['2-1', '4-2']);
	});

	it('puts the header from the credential generic authenticate on real HTTP requests', async () => {
		seen.length = 0;
		const result = await runNode({
			node: Fixture,
			parameters: { operation: 'http', path: '={{ "/items/" + $json.id }}' },
			input: [{ id: 'a' }, { id: 'b' }],
			credentials: { fixtureApi: { apiKey: 'sim-key', baseUrl } },
			credentialTypes: [FixtureApi],
		});
		expect(result.error).toBeUndefined();
		expect(seen.map((headers) => headers['tt-api-key'])).toEqual(['sim-key', 'sim-key']);
		expect(result.items.map((item) => item.json)).toEqual([
			// `region` is absent from the given data: the credential type's default is applied.
			{ response: { path: '/items/a' }, region: 'eu' },
			{ response: { path: '/items/b' }, region: 'eu' },
		]);
	});

	it.each(['default', 'filesystem'] as const)(
		'stores a streamed binary with prepareBinaryData in %s mode',
		async (binaryMode) => {
			const original = randomBytes(64 * 1024);
			const result = await runNode({
				node: Fixture,
				parameters: { operation: 'binary' },
				input: [{ base64: original.toString('base64') }],
				binaryMode,
			});
			expect(result.error).toBeUndefined();
			const [item] = result.items;
			expect(item.binary?.data).toMatchObject({ fileName: 'video.mp4', mimeType: 'video/mp4' });
			if (binaryMode === 'filesystem') {
				expect(item.binary?.data.id).toMatch(/^filesystem-v2:/); // stored on disk, not in the item
				expect(result.binaryDir).toBeDefined();
			} else {
				expect(item.binary?.data.id).toBeUndefined();
				expect(item.binary?.data.data).toBe(original.toString('base64'));
			}
			expect(readBinary(item, 'data').equals(original)).toBe(true);
			expect(readBinary(result, item, 'data').equals(original)).toBe(true);
		},
	);

	it('cancels: the node sees getExecutionCancelSignal() abort and the run ends quickly', async () => {
		observed.abortedInsideNode = false;
		const result = await runNode({
			node: Fixture,
			parameters: { operation: 'sleep' },
			input: [{}],
			cancelAfterMs: 200,
		});
		expect(result.status).toBe('canceled');
		expect(result.settledAfterCancel).toBe(true);
		expect(observed.abortedInsideNode).toBe(true);
		expect(result.durationMs).toBeLessThan(2000);
	});

	it('surfaces a NodeOperationError with its message, itemIndex and description', async () => {
		const result = await runNode({
			node: Fixture,
			parameters: { operation: 'fail' },
			input: [{}, { fail: true }],
		});
		expect(result.status).toBe('error');
		expect(result.items).toEqual([]);
		expect(result.error).toMatchObject({
			message: 'Item 1 is bad',
			itemIndex: 1,
			description: 'the fixture was told to fail',
		});
	});

	it('with continueOnFail the failing item comes out as json.error, with pairedItem on every item', async () => {
		const result = await runNode({
			node: Fixture,
			parameters: { operation: 'fail' },
			input: [{}, { fail: true }, {}],
			continueOnFail: true,
		});
		expect(result.status).toBe('success');
		expect(result.items.map((item) => item.json)).toEqual([
			{ ok: true },
			{ error: 'Item 1 is bad' },
			{ ok: true },
		]);
		expect(result.items.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
	});

	it('records pairedItem on outputs and the upstream input node in runData', async () => {
		const result = await runNode({
			node: Fixture,
			parameters: { operation: 'echo', value: '={{ $json.x }}' },
			input: [{ x: 'a' }, { x: 'b' }],
		});
		expect(result.items.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
		expect(Object.keys(result.runData)).toEqual(['Test Input', 'Fixture']);
	});
});
