/**
 * runWebhook: calls a trigger node's webhook() the way n8n's live/test webhooks do — a Workflow
 * holding the node, n8n-core's real WebhookContext (parameters, credentials helper,
 * httpRequestWithAuthentication, binary data, static data), an express-like request and a
 * response that records what the node answered and when.
 *
 * runWebhookMethod: runs webhookMethods.<name>.checkExists/create/delete in n8n-core's real
 * HookContext, as n8n does when it activates a workflow.
 *
 * Static data follows n8n's production rules: each call works on a fresh copy of the stored
 * static data (n8n loads the workflow from the database per call) and the copy is stored back
 * after the call when it is marked changed (LiveWebhooks → saveStaticData, when n8n answers).
 * With `n8nLine: '2'` (the default) a call that starts an execution and lets n8n answer goes in
 * n8n 2.41.1's order: n8n starts the execution first, and WorkflowRunner.run wraps the same static
 * data object in a new Workflow (establishContextForPersistence), which clears its "changed" mark;
 * then n8n reads the answer from webhook()'s result, saves and answers. With '1', n8n 1.x's order:
 * answer and save, then start the execution.
 */
import type {
	ICredentialDataDecryptedObject,
	IDataObject,
	IHttpRequestMethods,
	INode,
	INodeExecutionData,
	INodeType,
	IWebhookData,
	IWebhookDescription,
	IWebhookResponseData,
	IWorkflowBase,
	NodeParameterValueType,
	WorkflowActivateMode,
	WorkflowExecuteMode,
} from 'n8n-workflow';
import { NodeHelpers, Workflow } from 'n8n-workflow';
import { HookContext, WebhookContext } from 'n8n-core';

import { createAdditionalData } from './additional-data';
import { fakeRequest, RecordingResponse, type RecordedResponse, type ResponseSink } from './fake-http';
import { type BinaryMode, materialiseBinaries, setUpBinaryData } from './binary-data';
import { TestCredentialsHelper } from './credentials-helper';
import { ensureEnvironment } from './environment';
import { type CredentialTypeLike, type NodeTypeLike, TestCredentialTypes, TestNodeTypes, instantiate } from './node-types';
import { NODE_TYPE_PREFIX } from './run-node';

export type { RecordedResponse, ResponseSink } from './fake-http';

/** What n8n stores for a workflow between webhook calls (its `staticData` column). */
export interface StaticDataStore {
	data: IDataObject;
	/** How many times a call changed it (n8n would have written it to the database). */
	saves: number;
}

export function createStaticDataStore(initial: IDataObject = {}): StaticDataStore {
	return { data: structuredClone(initial), saves: 0 };
}

export interface WebhookRequest {
	/** The parsed body as n8n hands it to the node (object for JSON, string for text/plain). */
	body?: unknown;
	query?: Record<string, string | string[]>;
	headers?: Record<string, string>;
	method?: IHttpRequestMethods;
}


export interface WebhookTarget {
	/** The node under test: an INodeType class or instance with webhook(). */
	node: NodeTypeLike;
	parameters?: Record<string, NodeParameterValueType>;
	/** Credential type name → decrypted data; the node gets these credentials. */
	credentials?: Record<string, ICredentialDataDecryptedObject>;
	credentialTypes?: CredentialTypeLike[];
	workflowId?: string;
	nodeName?: string;
	/** The node's webhookId (n8n's editor sets one); null for a node without. */
	webhookId?: string | null;
	binaryMode?: BinaryMode;
	/** 'webhook' (production URL, default) or 'manual' (test URL). */
	mode?: WorkflowExecuteMode;
	staticData?: StaticDataStore;
	/** Whose order of answering, saving static data and starting the execution: n8n 1.x's or 2.41.1's (default). */
	n8nLine?: '1' | '2';
}

export interface RunWebhookOptions extends WebhookTarget {
	request?: WebhookRequest;
	/** A real response to mirror the recorded one onto (used by the webhook server). */
	forwardTo?: ResponseSink;
	/** Called when the node ends the response (before webhook() has necessarily returned). */
	onResponse?: (response: RecordedResponse) => void;
}

export interface RunWebhookResult {
	response: RecordedResponse;
	/** What webhook() returned (undefined when it threw). */
	result?: IWebhookResponseData;
	/** What webhook() threw. */
	error?: Error;
	/** The trigger output that would start an execution (empty: nothing starts). */
	items: INodeExecutionData[];
	started: boolean;
	/** The webhook path n8n would register for the node (resolved from the description). */
	path: string;
	/** ms from the call's start until webhook() returned. */
	returnedAtMs: number;
	/** Whether the node had answered before webhook() returned. */
	respondedBeforeReturn: boolean;
	staticData: StaticDataStore;
}

/** Where a forwarded response goes: a node http.ServerResponse fits. */

const DEFAULT_WORKFLOW_ID = 'harness-webhook-workflow';
const DEFAULT_WEBHOOK_ID = '0b7c2d9e-5f3a-4e61-9d0c-7a1e2b3c4d5e';

interface Prepared {
	nodeType: INodeType;
	workflow: Workflow;
	node: INode;
	workflowData: IWorkflowBase;
	credentialsHelper: TestCredentialsHelper;
	description: IWebhookDescription;
	mode: WorkflowExecuteMode;
	staticData: StaticDataStore;
	nodeTypes: TestNodeTypes;
}

function prepare(target: WebhookTarget): Prepared {
	ensureEnvironment();
	const nodeType = instantiate(target.node) as INodeType;
	const typeName = NODE_TYPE_PREFIX + nodeType.description.name;
	const nodeName = target.nodeName ?? nodeType.description.defaults.name ?? nodeType.description.name;
	const node: INode = {
		id: 'trigger-under-test',
		name: nodeName,
		type: typeName,
		typeVersion: Array.isArray(nodeType.description.version)
			? Math.max(...nodeType.description.version)
			: nodeType.description.version,
		position: [0, 0],
		parameters: (target.parameters ?? {}) as INode['parameters'],
		credentials: Object.fromEntries(
			Object.keys(target.credentials ?? {}).map((type) => [type, { id: `${type}-id`, name: type }]),
		),
		...(target.webhookId === null ? {} : { webhookId: target.webhookId ?? DEFAULT_WEBHOOK_ID }),
	};
	const staticData = target.staticData ?? createStaticDataStore();
	const workflowData: IWorkflowBase = {
		id: target.workflowId ?? DEFAULT_WORKFLOW_ID,
		name: 'Harness webhook workflow',
		active: true,
		activeVersionId: null,
		isArchived: false,
		createdAt: new Date(),
		updatedAt: new Date(),
		nodes: [node],
		connections: {},
		settings: { executionOrder: 'v1' },
		staticData: structuredClone(staticData.data),
	};
	const nodeTypes = new TestNodeTypes().add(typeName, nodeType);
	const workflow = new Workflow({ ...workflowData, nodeTypes });
	const description = nodeType.description.webhooks?.[0];
	if (!description) throw new Error(`${typeName} declares no webhooks`);
	return {
		nodeType,
		workflow,
		node: workflow.getNode(nodeName) as INode,
		workflowData,
		credentialsHelper: new TestCredentialsHelper(
			new TestCredentialTypes(target.credentialTypes),
			target.credentials ?? {},
		),
		description,
		mode: target.mode ?? 'webhook',
		staticData,
		nodeTypes,
	};
}

function webhookData(prepared: Prepared, additionalData: IWebhookData['workflowExecuteAdditionalData']): IWebhookData {
	const { workflow, node, description, mode } = prepared;
	// Same resolution as n8n's WebhookService.getNodeWebhooks.
	const rawPath = workflow.expression.getSimpleParameterValue(node, description.path, mode, {});
	const isFullPath = workflow.expression.getSimpleParameterValue(
		node,
		description.isFullPath as boolean | undefined,
		mode,
		{},
		undefined,
		false,
	) as boolean;
	let path = NodeHelpers.getNodeWebhookPath(workflow.id, node, String(rawPath ?? ''), isFullPath);
	path = path.replace(/^\/+|\/+$/g, '');
	return {
		httpMethod: description.httpMethod as IHttpRequestMethods,
		node: node.name,
		path,
		webhookDescription: description,
		workflowId: workflow.id,
		workflowExecuteAdditionalData: additionalData,
		webhookId: node.webhookId,
		isTest: mode === 'manual',
	};
}

/** The path n8n would listen on for the target (after /webhook/). */
export function resolveWebhookPath(target: WebhookTarget): string {
	const prepared = prepare(target);
	const additionalData = createAdditionalData({
		executionId: '',
		mode: prepared.mode,
		workflowData: prepared.workflowData,
		credentialsHelper: prepared.credentialsHelper,
	});
	return webhookData(prepared, additionalData).path;
}


export async function runWebhook(options: RunWebhookOptions): Promise<RunWebhookResult> {
	const prepared = prepare(options);
	const { workflow, node, nodeType, mode } = prepared;
	if (!nodeType.webhook) throw new Error(`${node.type} has no webhook()`);

	const request = options.request ?? {};
	const started = Date.now();
	const response = new RecordingResponse(options.forwardTo, options.onResponse);
	const req = fakeRequest(request);

	const binaryStore = await setUpBinaryData(options.binaryMode ?? 'default');
	const additionalData = createAdditionalData({
		executionId: '',
		mode,
		workflowData: prepared.workflowData,
		credentialsHelper: prepared.credentialsHelper,
		// n8n creates the execution only after webhook() returns: no execution id yet.
		overrides: { executionId: undefined, httpRequest: req as never, httpResponse: response as never },
	});
	const data = webhookData(prepared, additionalData);
	const context = new WebhookContext(workflow, node, additionalData, mode, data, [], null);

	let result: IWebhookResponseData | undefined;
	let error: Error | undefined;
	try {
		try {
			result = await nodeType.webhook.call(context);
		} catch (thrown) {
			error = thrown as Error;
		}
		const returnedAtMs = Date.now() - started;
		const respondedBeforeReturn = response.record.ended;

		// Like n8n: answer for the node when it asked n8n to (no noWebhookResponse).
		const n8nAnswers = !error && !!result && result.noWebhookResponse !== true && !response.record.ended;
		const answer = () => response.status(200).json(result?.webhookResponse ?? { message: 'Workflow was started' });
		// n8n saves static data after production webhook calls (LiveWebhooks → saveStaticData).
		const save = () => {
			if (mode !== 'manual' && (workflow.staticData as IDataObject).__dataChanged === true) {
				prepared.staticData.data = stripObservableFlags(workflow.staticData as IDataObject);
				prepared.staticData.saves += 1;
			}
		};
		if (n8nAnswers && result?.workflowData && (options.n8nLine ?? '2') === '2') {
			// WorkflowRunner.run starts the execution: establishContextForPersistence wraps the same
			// static data (prepared.workflowData.staticData) in a new Workflow.
			new Workflow({ ...prepared.workflowData, nodeTypes: prepared.nodeTypes });
			const body = result.webhookResponse;
			save();
			response.status(200).json(body ?? { message: 'Workflow was started' });
		} else {
			if (n8nAnswers) answer();
			save();
		}

		const items = result?.workflowData?.[0] ?? [];
		await materialiseBinaries(items, binaryStore.service);
		return {
			response: response.record,
			result,
			error,
			items,
			started: items.length > 0,
			path: data.path,
			returnedAtMs,
			respondedBeforeReturn,
			staticData: prepared.staticData,
		};
	} finally {
		binaryStore.dispose();
	}
}

function stripObservableFlags(value: IDataObject): IDataObject {
	return JSON.parse(JSON.stringify(value, (key, inner) => (key === '__dataChanged' ? undefined : inner)));
}

export interface RunWebhookMethodOptions extends WebhookTarget {
	method: 'checkExists' | 'create' | 'delete';
	activation?: WorkflowActivateMode;
}

/** Runs one webhook lifecycle method like n8n's WebhookService.runWebhookMethod. Throws what it throws. */
export async function runWebhookMethod(options: RunWebhookMethodOptions): Promise<unknown> {
	const prepared = prepare(options);
	const { workflow, node, nodeType, mode } = prepared;
	const additionalData = createAdditionalData({
		executionId: '',
		mode,
		workflowData: prepared.workflowData,
		credentialsHelper: prepared.credentialsHelper,
	});
	const data = webhookData(prepared, additionalData);
	const fn = nodeType.webhookMethods?.[data.webhookDescription.name]?.[options.method];
	if (!fn) return undefined;
	const context = new HookContext(workflow, node, additionalData, mode, options.activation ?? 'activate', data);
	return await fn.call(context);
}
