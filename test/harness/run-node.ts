/**
 * runNode: runs one node type in a two-node workflow (test input → node under test) through
 * n8n-core's real WorkflowExecute, and returns the node's first output.
 */
import type {
	ExecutionError,
	ICredentialDataDecryptedObject,
	IDataObject,
	INode,
	INodeExecutionData,
	INodeType,
	IRun,
	IRunData,
	IWorkflowBase,
	IVersionedNodeType,
	IWorkflowExecuteAdditionalData,
	NodeParameterValueType,
	WorkflowExecuteMode,
} from 'n8n-workflow';
import { Workflow, createDeferredPromise, createRunExecutionData } from 'n8n-workflow';
import { WorkflowExecute } from 'n8n-core';

import { createAdditionalData } from './additional-data';
import { type BinaryMode, materialiseBinaries, setUpBinaryData } from './binary-data';
import { TestCredentialsHelper } from './credentials-helper';
import { ensureEnvironment } from './environment';
import { INPUT_NODE_NAME, INPUT_NODE_TYPE, createInputNodeType } from './input-node';
import {
	type CredentialTypeLike,
	type NodeTypeLike,
	TestCredentialTypes,
	TestNodeTypes,
	instantiate,
	isVersioned,
} from './node-types';

export interface RunNodeOptions {
	/** The node under test: an INodeType / IVersionedNodeType class or instance. */
	node: NodeTypeLike;
	/** Node parameters as stored in a workflow; `={{ ... }}` expressions allowed. */
	parameters?: Record<string, NodeParameterValueType>;
	/** Input items: plain objects become `{ json }`; `{ json, binary? }` is used as is. */
	input?: Array<IDataObject | INodeExecutionData>;
	/** Credential type name → decrypted credential data. */
	credentials?: Record<string, ICredentialDataDecryptedObject>;
	/** Credential types (classes or instances) for `authenticate` definitions and property defaults. */
	credentialTypes?: CredentialTypeLike[];
	/** Node setting "On Error: Continue" (onError = 'continueRegularOutput'). */
	continueOnFail?: boolean;
	/** Cancel the execution this many ms after it starts (like the Stop button). */
	cancelAfterMs?: number;
	/** After a cancel, how long to wait for the node to stop before giving up (default 10 s). */
	cancelGraceMs?: number;
	binaryMode?: BinaryMode;
	typeVersion?: number;
	/** Workflow execute mode (default 'manual'; `$execution.mode` is 'test' then, else 'production'). */
	mode?: WorkflowExecuteMode;
	/** Node name in the workflow (default: the node's `defaults.name`). */
	nodeName?: string;
	/** Extra fields for IWorkflowExecuteAdditionalData (e.g. other webhook base URLs). */
	additionalData?: Partial<IWorkflowExecuteAdditionalData>;
	/**
	 * Emulates n8n 2.x, whose resume URLs carry `?signature=<resume token>` (n8n-core 1.x here has
	 * none): the execution ID becomes "<n>?signature=<this>", so $execution.resumeUrl ends with it.
	 */
	resumeSignature?: string;
}

export type RunNodeError = ExecutionError & { itemIndex?: number };

export interface RunNodeResult {
	/** The node's first output (binaries readable with readBinary). */
	items: INodeExecutionData[];
	/** All outputs of the node's last run. */
	outputs: INodeExecutionData[][];
	error?: RunNodeError;
	status: 'success' | 'error' | 'canceled' | 'waiting';
	runData: IRunData;
	/** The full IRun as n8n would save it. */
	run: IRun;
	durationMs: number;
	/** Only after a cancel: whether the node stopped within cancelGraceMs. */
	settledAfterCancel?: boolean;
	/** Only in filesystem binary mode: the (already removed) storage folder used by the run. */
	binaryDir?: string;
}

export const NODE_TYPE_PREFIX = 'n8n-nodes-ttapi-sora.';
const WORKFLOW_ID = 'harness-workflow';
let executionCounter = 0;

export async function runNode(options: RunNodeOptions): Promise<RunNodeResult> {
	ensureEnvironment();
	const started = Date.now();
	const mode = options.mode ?? 'manual';
	const executionId = String(++executionCounter) + (options.resumeSignature ? `?signature=${options.resumeSignature}` : '');

	const nodeType = instantiate(options.node);
	const baseDescription = nodeType.description; // for versioned types: the base description
	const typeVersion = options.typeVersion ?? defaultVersion(nodeType);
	const description = isVersioned(nodeType)
		? nodeType.getNodeType(typeVersion).description
		: nodeType.description;
	const typeName = NODE_TYPE_PREFIX + baseDescription.name;
	const nodeName = options.nodeName ?? description.defaults.name ?? baseDescription.name;

	const nodeTypes = new TestNodeTypes()
		.add(INPUT_NODE_TYPE, createInputNodeType(options.input ?? [{}]))
		.add(typeName, nodeType);

	const inputNode: INode = {
		id: 'input-node',
		name: INPUT_NODE_NAME,
		type: INPUT_NODE_TYPE,
		typeVersion: 1,
		position: [0, 0],
		parameters: {},
	};
	const testNode: INode = {
		id: 'node-under-test',
		name: nodeName,
		type: typeName,
		typeVersion,
		position: [200, 0],
		parameters: (options.parameters ?? {}) as INode['parameters'],
		credentials: Object.fromEntries(
			Object.keys(options.credentials ?? {}).map((type) => [type, { id: `${type}-id`, name: type }]),
		),
		...(options.continueOnFail ? { onError: 'continueRegularOutput', continueOnFail: true } : {}),
	};
	const workflowData: IWorkflowBase = {
		id: WORKFLOW_ID,
		name: 'Harness workflow',
		active: false,
		activeVersionId: null,
		isArchived: false,
		createdAt: new Date(),
		updatedAt: new Date(),
		nodes: [inputNode, testNode],
		connections: {
			[INPUT_NODE_NAME]: { main: [[{ node: nodeName, type: 'main', index: 0 }]] },
		},
		settings: { executionOrder: 'v1' },
	};
	const workflow = new Workflow({ ...workflowData, nodeTypes });

	const binaryStore = await setUpBinaryData(options.binaryMode ?? 'default');
	const credentialsHelper = new TestCredentialsHelper(
		new TestCredentialTypes(options.credentialTypes),
		options.credentials ?? {},
	);
	const additionalData = createAdditionalData({
		executionId,
		mode,
		workflowData,
		credentialsHelper,
		overrides: options.additionalData,
	});
	const finished = createDeferredPromise<IRun>();
	additionalData.hooks.addHandler('workflowExecuteAfter', (run) => finished.resolve(run));

	const runExecutionData = createRunExecutionData({
		executionData: {
			nodeExecutionStack: [{ node: inputNode, data: { main: [[{ json: {} }]] }, source: null }],
		},
	});
	const execution = new WorkflowExecute(additionalData, mode, runExecutionData).processRunExecutionData(
		workflow,
	);

	let cancelTimer: NodeJS.Timeout | undefined;
	let canceled = false;
	let settledAfterCancel: boolean | undefined;
	try {
		let run: IRun;
		if (options.cancelAfterMs === undefined) {
			run = await execution;
		} else {
			const cancelFired = new Promise<'canceled'>((resolve) => {
				cancelTimer = setTimeout(() => {
					canceled = true;
					execution.cancel(); // → WorkflowExecute aborts the signal behind getExecutionCancelSignal()
					resolve('canceled');
				}, options.cancelAfterMs);
			});
			const first = await Promise.race([execution, cancelFired]);
			if (first !== 'canceled') {
				run = first;
			} else {
				// Wait (bounded) for the node to actually stop; the run then ends as n8n ends it.
				const grace = new Promise<'timeout'>((resolve) => {
					cancelTimer = setTimeout(() => resolve('timeout'), options.cancelGraceMs ?? 10_000);
				});
				const settled = await Promise.race([execution, grace]);
				settledAfterCancel = settled !== 'timeout';
				// If the node ignores the signal, use the run n8n reported when it was cancelled.
				run = settled === 'timeout' ? await finished.promise : settled;
			}
		}

		const runData = run.data.resultData.runData;
		const lastTask = runData[nodeName]?.at(-1);
		const outputs = (lastTask?.data?.main ?? []).map((output) => output ?? []);
		const items = outputs[0] ?? [];
		await materialiseBinaries(items, binaryStore.service);

		const error = withItemIndex(lastTask?.error ?? run.data.resultData.error);
		const status = canceled ? 'canceled' : toStatus(run);

		return {
			items,
			outputs,
			error,
			status,
			runData,
			run,
			durationMs: Date.now() - started,
			...(canceled ? { settledAfterCancel } : {}),
			...(binaryStore.dir ? { binaryDir: binaryStore.dir } : {}),
		};
	} finally {
		clearTimeout(cancelTimer);
		binaryStore.dispose();
	}
}

function defaultVersion(nodeType: INodeType | IVersionedNodeType): number {
	if (isVersioned(nodeType)) return nodeType.currentVersion;
	const { version, defaultVersion: preferred } = nodeType.description;
	return preferred ?? (Array.isArray(version) ? Math.max(...version) : version);
}

/** n8n's own verdict on the run (an error kept by "continue on fail" on the last node is still 'error'). */
function toStatus(run: IRun): RunNodeResult['status'] {
	if (run.status === 'waiting' || run.waitTill) return 'waiting';
	if (run.status === 'canceled') return 'canceled';
	if (run.status === 'success') return 'success';
	return 'error';
}

function withItemIndex(error: ExecutionError | undefined): RunNodeError | undefined {
	if (!error) return undefined;
	const itemIndex = (error as RunNodeError).itemIndex ?? error.context?.itemIndex;
	return typeof itemIndex === 'number' ? Object.assign(error, { itemIndex }) : error;
}
