/**
 * Waiting (restart) webhooks: what n8n does when a request reaches /webhook-waiting/<executionId>
 * for an execution that a node paused with putExecutionToWait.
 *
 * n8n loads the execution from its database and calls the waiting node's webhook() with the
 * execution's runExecutionData: `nodeExecutionStack[0]` is the waiting node with its stored input
 * items, so `$input.first()` (and `$input.all()`) resolve to those items. When webhook() returns
 * workflowData, the execution resumes with it as the node's output; it is then no longer waiting.
 *
 * - runWaitingWebhook: one call, in real n8n-core (WebhookContext, credentials helper,
 *   httpRequestWithAuthentication, binary data), with a response that records the node's answer.
 * - storedInputOf: the waiting node's stored input items from a runNode result, copied the way n8n
 *   stores them (JSON round trip: later changes to live objects do not leak into them).
 * - startWaitingWebhookServer: an HTTP server standing in for n8n's /webhook-waiting/<id> route,
 *   so the TTAPI simulator's hookUrl callbacks and the node's own background knocks reach
 *   webhook() for real. Like n8n: an execution not saved as waiting yet → 409 "… is running
 *   already."; one that resumed → 409 "… has finished already."; an unknown id → 404.
 */
import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { parse as parseQuery } from 'node:querystring';

import { WebhookContext } from 'n8n-core';
import type {
	ICredentialDataDecryptedObject,
	IHttpRequestMethods,
	INode,
	INodeExecutionData,
	INodeType,
	IWebhookData,
	IWebhookResponseData,
	IWorkflowBase,
	NodeParameterValueType,
} from 'n8n-workflow';
import { Workflow, createRunExecutionData } from 'n8n-workflow';

import { createAdditionalData } from './additional-data';
import { fakeRequest, RecordingResponse, type RecordedResponse } from './fake-http';
import { type BinaryMode, materialiseBinaries, setUpBinaryData } from './binary-data';
import { TestCredentialsHelper } from './credentials-helper';
import { ensureEnvironment } from './environment';
import { INPUT_NODE_NAME } from './input-node';
import { type CredentialTypeLike, type NodeTypeLike, TestCredentialTypes, TestNodeTypes, instantiate } from './node-types';
import { NODE_TYPE_PREFIX, type RunNodeResult } from './run-node';

export interface WaitingNodeTarget {
	node: NodeTypeLike;
	/** The node's parameters (as in the workflow that paused). */
	parameters?: Record<string, NodeParameterValueType>;
	credentials?: Record<string, ICredentialDataDecryptedObject>;
	credentialTypes?: CredentialTypeLike[];
	nodeName?: string;
	binaryMode?: BinaryMode;
}

export interface WaitingRequest {
	body?: unknown;
	query?: Record<string, string | string[]>;
	headers?: Record<string, string>;
	method?: IHttpRequestMethods;
}

export interface RunWaitingWebhookOptions extends WaitingNodeTarget {
	executionId: string;
	/** The waiting node's stored input items (nodeExecutionStack[0].data.main[0]). */
	storedItems: INodeExecutionData[];
	request?: WaitingRequest;
	/** A real response the recorded answer is mirrored onto (the server uses it). */
	forwardTo?: http.ServerResponse;
	/** Called as soon as webhook() returns, before a late answer of its own (n8n saves a resume then). */
	onReturned?: (result: IWebhookResponseData | undefined) => void;
}

/** How long a node that answers the call itself (noWebhookResponse) may take to do so, as n8n keeps the connection open. */
const LATE_ANSWER_WAIT_MS = 10_000;

export type WaitingResponse = RecordedResponse;

export interface RunWaitingWebhookResult {
	response: WaitingResponse;
	result?: IWebhookResponseData;
	error?: Error;
	/** workflowData[0]: the node's output when this call resumes the execution (else empty). */
	items: INodeExecutionData[];
	resumed: boolean;
}

/** The waiting node's stored input from a runNode result, as n8n would have saved it. */
export function storedInputOf(run: RunNodeResult): INodeExecutionData[] {
	const stack = run.run.data.executionData?.nodeExecutionStack ?? [];
	const entry = stack[0];
	if (!entry) throw new Error('The execution has no node waiting on its execution stack');
	return JSON.parse(JSON.stringify(entry.data.main[0] ?? [])) as INodeExecutionData[];
}

/** Calls the waiting node's webhook() as n8n's WaitingWebhooks does. */
export async function runWaitingWebhook(options: RunWaitingWebhookOptions): Promise<RunWaitingWebhookResult> {
	ensureEnvironment();
	const nodeType = instantiate(options.node) as INodeType;
	if (!nodeType.webhook) throw new Error(`${nodeType.description.name} has no webhook()`);
	const typeName = NODE_TYPE_PREFIX + nodeType.description.name;
	const nodeName = options.nodeName ?? nodeType.description.defaults.name ?? nodeType.description.name;
	const node: INode = {
		id: 'node-under-test',
		name: nodeName,
		type: typeName,
		typeVersion: Array.isArray(nodeType.description.version)
			? Math.max(...nodeType.description.version)
			: nodeType.description.version,
		position: [200, 0],
		parameters: (options.parameters ?? {}) as INode['parameters'],
		credentials: Object.fromEntries(
			Object.keys(options.credentials ?? {}).map((type) => [type, { id: `${type}-id`, name: type }]),
		),
	};
	const workflowData: IWorkflowBase = {
		id: 'harness-workflow',
		name: 'Harness workflow',
		active: false,
		activeVersionId: null,
		isArchived: false,
		createdAt: new Date(),
		updatedAt: new Date(),
		nodes: [node],
		connections: {},
		settings: { executionOrder: 'v1' },
	};
	const workflow = new Workflow({ ...workflowData, nodeTypes: new TestNodeTypes().add(typeName, nodeType) });
	const description = nodeType.description.webhooks?.find((hook) => hook.restartWebhook) ?? nodeType.description.webhooks?.[0];
	if (!description) throw new Error(`${typeName} declares no webhooks`);

	const request = options.request ?? {};
	const response = new RecordingResponse(options.forwardTo);
	const req = fakeRequest(request);
	const binaryStore = await setUpBinaryData(options.binaryMode ?? 'default');
	const additionalData = createAdditionalData({
		executionId: options.executionId,
		mode: 'webhook',
		workflowData,
		credentialsHelper: new TestCredentialsHelper(new TestCredentialTypes(options.credentialTypes), options.credentials ?? {}),
		overrides: { httpRequest: req as never, httpResponse: response as never },
	});
	// The execution as n8n loads it: the waiting node on top of the stack with its stored input.
	const runExecutionData = createRunExecutionData({
		executionData: {
			nodeExecutionStack: [
				{
					node: workflow.getNode(nodeName) as INode,
					data: { main: [options.storedItems] },
					source: { main: [{ previousNode: INPUT_NODE_NAME }] },
				},
			],
		},
	});
	const webhookData: IWebhookData = {
		httpMethod: description.httpMethod as IHttpRequestMethods,
		node: nodeName,
		path: options.executionId,
		webhookDescription: description,
		workflowId: workflow.id,
		workflowExecuteAdditionalData: additionalData,
		isTest: false,
	};
	const context = new WebhookContext(workflow, workflow.getNode(nodeName) as INode, additionalData, 'webhook', webhookData, [], runExecutionData);

	let result: IWebhookResponseData | undefined;
	let error: Error | undefined;
	try {
		try {
			result = await nodeType.webhook.call(context);
		} catch (thrown) {
			error = thrown as Error;
		}
		options.onReturned?.(error ? undefined : result);
		if (!error && result && result.noWebhookResponse !== true && !response.record.ended) {
			response.status(200).json(result.webhookResponse ?? { message: 'Workflow was started' });
		}
		if (!error && result?.noWebhookResponse === true) {
			for (const until = Date.now() + LATE_ANSWER_WAIT_MS; !response.record.ended && Date.now() < until; ) {
				await new Promise((resolve) => setTimeout(resolve, 10));
			}
		}
		const items = result?.workflowData?.[0] ?? [];
		await materialiseBinaries(items, binaryStore.service);
		return { response: response.record, result, error, items, resumed: !!result?.workflowData };
	} finally {
		binaryStore.dispose();
	}
}

export interface WaitingCall extends RunWaitingWebhookResult {
	executionId: string;
	/** The raw request URL (path + query) as it reached the server. */
	url: string;
	query: Record<string, string | string[]>;
}

export interface WaitingWebhookServer {
	/** Pass as runNode's additionalData.webhookWaitingBaseUrl. */
	webhookWaitingBaseUrl: string;
	/** The execution is saved as waiting with these stored input items (copied). */
	register(executionId: string, storedItems: INodeExecutionData[]): void;
	/** Every call that reached webhook(). */
	calls: WaitingCall[];
	/** Requests answered without webhook() (409 running / finished, 404). */
	refused: RefusedRequest[];
	/** The output the execution resumed with, once it has. */
	resumedWith(executionId: string): INodeExecutionData[] | undefined;
	waitForResume(executionId: string, timeoutMs?: number): Promise<INodeExecutionData[]>;
	close(): Promise<void>;
}

export interface RefusedRequest {
	url: string;
	statusCode: number;
	message: string;
}

export async function startWaitingWebhookServer(target: WaitingNodeTarget): Promise<WaitingWebhookServer> {
	const stored = new Map<string, INodeExecutionData[]>();
	const resumed = new Map<string, INodeExecutionData[]>();
	const calls: WaitingCall[] = [];
	const refused: RefusedRequest[] = [];

	const refuse = (res: http.ServerResponse, url: string, statusCode: number, message: string) => {
		refused.push({ url, statusCode, message });
		res.statusCode = statusCode;
		res.setHeader('content-type', 'application/json');
		res.end(JSON.stringify({ code: statusCode, message }));
	};

	const server = http.createServer((req, res) => {
		void handle(req, res).catch((error: Error) => {
			if (!res.headersSent) {
				res.statusCode = 500;
				res.end(JSON.stringify({ message: error.message }));
			}
		});
	});

	async function handle(req: http.IncomingMessage, res: http.ServerResponse) {
		const url = req.url ?? '/';
		const [rawPath, rawQuery = ''] = url.split(/\?(.*)/s, 2);
		const chunks: Buffer[] = [];
		for await (const chunk of req) chunks.push(chunk as Buffer);
		const match = /^\/webhook-waiting\/([^/]+)\/?$/.exec(rawPath);
		if (req.method !== 'POST' || !match) return refuse(res, url, 404, 'Not found');
		const executionId = decodeURIComponent(match[1]);
		if (resumed.has(executionId)) {
			return refuse(res, url, 409, `The execution "${executionId}" has finished already.`);
		}
		const items = stored.get(executionId);
		if (!items) return refuse(res, url, 409, `The execution "${executionId}" is running already.`);
		const raw = Buffer.concat(chunks).toString('utf8');
		let body: unknown;
		if (raw) {
			try {
				body = JSON.parse(raw);
			} catch (error) {
				return refuse(res, url, 422, `Failed to parse request body: ${(error as Error).message}`);
			}
		}
		const query = parseQuery(rawQuery) as Record<string, string | string[]>;
		const result = await runWaitingWebhook({
			...target,
			executionId,
			storedItems: JSON.parse(JSON.stringify(items)) as INodeExecutionData[],
			request: { body, query },
			forwardTo: res,
			onReturned: (returned) => {
				// n8n resumes the execution with the node's output; it is no longer waiting.
				if (!returned?.workflowData || resumed.has(executionId)) return;
				resumed.set(executionId, returned.workflowData[0] ?? []);
				stored.delete(executionId);
			},
		});
		if (!result.response.ended) {
			res.statusCode = 500;
			res.setHeader('content-type', 'application/json');
			res.end(JSON.stringify({ code: 0, message: 'Workflow Webhook Error: Workflow could not be started!' }));
		}
		// The output with its binaries read back (what the execution resumed with).
		if (result.resumed && resumed.get(executionId) !== result.items) resumed.set(executionId, result.items);
		calls.push({ ...result, executionId, url, query });
	}

	server.listen(0, '127.0.0.1');
	await once(server, 'listening');
	const { port } = server.address() as AddressInfo;
	const baseUrl = `http://127.0.0.1:${port}`;

	return {
		webhookWaitingBaseUrl: `${baseUrl}/webhook-waiting`,
		register(executionId, storedItems) {
			// An execution ID with n8n 2.x's signature (see runNode's resumeSignature): its path part.
			stored.set(executionId.split('?')[0], JSON.parse(JSON.stringify(storedItems)) as INodeExecutionData[]);
		},
		calls,
		refused,
		resumedWith: (executionId) => resumed.get(executionId.split('?')[0]),
		async waitForResume(fullId, timeoutMs = 20_000) {
			const executionId = fullId.split('?')[0];
			const deadline = Date.now() + timeoutMs;
			// resumed as soon as webhook() returned; the call is recorded once it has been answered
			while (!resumed.has(executionId) || !calls.some((entry) => entry.executionId === executionId && entry.resumed)) {
				if (Date.now() > deadline) throw new Error(`execution ${executionId} did not resume within ${timeoutMs} ms`);
				await new Promise((resolve) => setTimeout(resolve, 25));
			}
			return resumed.get(executionId) as INodeExecutionData[];
		},
		async close() {
			server.closeAllConnections?.();
			await new Promise<void>((resolve) => server.close(() => resolve()));
		},
	};
}
