/**
 * runTriggerExecution: the execution n8n starts when a trigger's webhook() returns items. n8n puts
 * the trigger node on the execution stack with those items as its input, and WorkflowExecute runs
 * the node's execute() when it has one (n8n-core workflow-execute.js runNode). Here: n8n-core's
 * real WorkflowExecute over a workflow holding only the trigger node.
 *
 * processedData: an in-memory stand-in for n8n's DeduplicationHelper (n8n/dist/deduplication/
 * deduplication-helper.js), installed as n8n-core's DataDeduplicationService, with the same
 * behaviour that matters here: one row per workflow and context (node scope `n:<node id>`), read,
 * then written back whole a moment later; the first insert of a row fails when another call
 * inserted it in between (the table's primary key).
 */
import type {
	DeduplicationItemTypes,
	DeduplicationScope,
	ICheckProcessedContextData,
	ICheckProcessedOptions,
	ICredentialDataDecryptedObject,
	IDataDeduplicator,
	IDeduplicationOutput,
	INode,
	INodeExecutionData,
	INodeType,
	IRun,
	IWorkflowBase,
	NodeParameterValueType,
	WorkflowExecuteMode,
} from 'n8n-workflow';
import { Workflow, createDeferredPromise, createRunExecutionData } from 'n8n-workflow';
import { DataDeduplicationService, WorkflowExecute } from 'n8n-core';
import { createHash } from 'node:crypto';

import { createAdditionalData } from './additional-data';
import { type BinaryMode, materialiseBinaries, setUpBinaryData } from './binary-data';
import { TestCredentialsHelper } from './credentials-helper';
import { ensureEnvironment } from './environment';
import { type CredentialTypeLike, type NodeTypeLike, TestCredentialTypes, TestNodeTypes, instantiate } from './node-types';
import { NODE_TYPE_PREFIX } from './run-node';

const tick = async (ms: number) => await new Promise<void>((resolve) => setTimeout(resolve, ms));

class InMemoryProcessedData implements IDataDeduplicator {
	readonly rows = new Map<string, string[]>();
	/** How long a call waits between reading its row and writing it back. */
	writeDelayMs = 2;

	private rowKey(scope: DeduplicationScope, contextData: ICheckProcessedContextData): string {
		return `${contextData.workflow.id}|${scope === 'node' ? `n:${contextData.node?.id}` : ''}`;
	}

	async checkProcessedAndRecord(
		items: DeduplicationItemTypes[],
		scope: DeduplicationScope,
		contextData: ICheckProcessedContextData,
		options: ICheckProcessedOptions,
	): Promise<IDeduplicationOutput> {
		const key = this.rowKey(scope, contextData);
		const hashes = items.map((item) => createHash('md5').update(item.toString()).digest('base64'));
		const read = this.rows.get(key);
		await tick(this.writeDelayMs);
		if (!read) {
			if (this.rows.has(key)) throw new Error('duplicate key value violates unique constraint "PK_processed_data"');
			this.rows.set(key, hashes.slice(-(options.maxEntries ?? hashes.length)));
			return { new: items, processed: [] };
		}
		const list = [...read];
		const result: IDeduplicationOutput = { new: [], processed: [] };
		hashes.forEach((hash, index) => {
			if (read.includes(hash)) result.processed.push(items[index]);
			else {
				result.new.push(items[index]);
				list.push(hash);
			}
		});
		this.rows.set(key, options.maxEntries ? list.slice(-options.maxEntries) : list);
		return result;
	}

	async removeProcessed(): Promise<void> {}
	async clearAllProcessedItems(): Promise<void> {
		this.rows.clear();
	}
	async getProcessedDataCount(): Promise<number> {
		return 0;
	}
}

export const processedData = new InMemoryProcessedData();
let installed = false;

function ensureDeduplication(): void {
	if (installed) return;
	installed = true;
	void DataDeduplicationService.init(processedData);
}

export interface TriggerExecutionOptions {
	node: NodeTypeLike;
	parameters?: Record<string, NodeParameterValueType>;
	credentials?: Record<string, ICredentialDataDecryptedObject>;
	credentialTypes?: CredentialTypeLike[];
	workflowId: string;
	/** webhook()'s items: the trigger node's input in the execution. */
	items: INodeExecutionData[];
	executionId: string;
	mode?: WorkflowExecuteMode;
	binaryMode?: BinaryMode;
}

export interface TriggerExecutionResult {
	/** The trigger node's output in the execution (what the next node gets). */
	items: INodeExecutionData[];
	status: IRun['status'];
	error?: Error;
}

export async function runTriggerExecution(options: TriggerExecutionOptions): Promise<TriggerExecutionResult> {
	ensureEnvironment();
	ensureDeduplication();
	const mode = options.mode ?? 'webhook';
	const nodeType = instantiate(options.node) as INodeType;
	const typeName = NODE_TYPE_PREFIX + nodeType.description.name;
	const nodeName = nodeType.description.defaults.name ?? nodeType.description.name;
	const node: INode = {
		id: 'trigger-under-test',
		name: nodeName,
		type: typeName,
		typeVersion: nodeType.description.version as number,
		position: [0, 0],
		parameters: (options.parameters ?? {}) as INode['parameters'],
		credentials: Object.fromEntries(
			Object.keys(options.credentials ?? {}).map((type) => [type, { id: `${type}-id`, name: type }]),
		),
		webhookId: '0b7c2d9e-5f3a-4e61-9d0c-7a1e2b3c4d5e',
	};
	const workflowData: IWorkflowBase = {
		id: options.workflowId,
		name: 'Harness trigger workflow',
		active: true,
		activeVersionId: null,
		isArchived: false,
		createdAt: new Date(),
		updatedAt: new Date(),
		nodes: [node],
		connections: {},
		settings: { executionOrder: 'v1' },
	};
	const workflow = new Workflow({ ...workflowData, nodeTypes: new TestNodeTypes().add(typeName, nodeType) });
	const binaryStore = await setUpBinaryData(options.binaryMode ?? 'default');
	const additionalData = createAdditionalData({
		executionId: options.executionId,
		mode,
		workflowData,
		credentialsHelper: new TestCredentialsHelper(new TestCredentialTypes(options.credentialTypes), options.credentials ?? {}),
	});
	const finished = createDeferredPromise<IRun>();
	additionalData.hooks.addHandler('workflowExecuteAfter', (run) => finished.resolve(run));
	const runExecutionData = createRunExecutionData({
		executionData: {
			nodeExecutionStack: [{ node: workflow.getNode(nodeName) as INode, data: { main: [options.items] }, source: null }],
		},
	});
	try {
		const run = await new WorkflowExecute(additionalData, mode, runExecutionData).processRunExecutionData(workflow);
		const task = run.data.resultData.runData[nodeName]?.at(-1);
		const items = task?.data?.main?.[0] ?? [];
		await materialiseBinaries(items, binaryStore.service);
		return { items, status: run.status, error: task?.error ?? run.data.resultData.error };
	} finally {
		binaryStore.dispose();
	}
}
