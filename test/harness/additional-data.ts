/**
 * IWorkflowExecuteAdditionalData for one in-process run. Real: lifecycle hooks (n8n-core's
 * ExecutionLifecycleHooks) and the credentials helper. Stubbed, because a single-node test has
 * no server, database or task runners: sub-workflow execution, task runners, AI event logging,
 * external secrets (an empty ExternalSecretsProxy);
 * URLs point at a fake local instance.
 */
import { ExecutionLifecycleHooks, ExternalSecretsProxy } from 'n8n-core';
import type {
	ExecutionStatus,
	ICredentialsHelper,
	IWorkflowBase,
	IWorkflowExecuteAdditionalData,
	WorkflowExecuteMode,
} from 'n8n-workflow';

export const INSTANCE_BASE_URL = 'http://localhost:5678';

export function createAdditionalData(options: {
	executionId: string;
	mode: WorkflowExecuteMode;
	workflowData: IWorkflowBase;
	credentialsHelper: ICredentialsHelper;
	onStatus?: (status: ExecutionStatus) => void;
	overrides?: Partial<IWorkflowExecuteAdditionalData>;
}): IWorkflowExecuteAdditionalData & { hooks: ExecutionLifecycleHooks } {
	const { executionId, mode, workflowData, credentialsHelper } = options;
	const unsupported = (what: string) => async () => {
		throw new Error(`${what} is not supported by the test harness`);
	};

	return {
		executionId,
		hooks: new ExecutionLifecycleHooks(mode, executionId, workflowData),
		credentialsHelper,
		externalSecretsProxy: new ExternalSecretsProxy(), // no secrets providers
		currentNodeExecutionIndex: 0,
		variables: {},
		restApiUrl: `${INSTANCE_BASE_URL}/rest`,
		instanceBaseUrl: `${INSTANCE_BASE_URL}/`,
		formWaitingBaseUrl: `${INSTANCE_BASE_URL}/form-waiting`,
		webhookBaseUrl: `${INSTANCE_BASE_URL}/webhook`,
		webhookWaitingBaseUrl: `${INSTANCE_BASE_URL}/webhook-waiting`,
		webhookTestBaseUrl: `${INSTANCE_BASE_URL}/webhook-test`,
		setExecutionStatus: options.onStatus,
		executeWorkflow: unsupported('Executing sub-workflows'),
		getRunExecutionData: async () => undefined,
		startRunnerTask: unsupported('Task runners (Code node)'),
		logAiEvent: () => {},
		...options.overrides,
	};
}
