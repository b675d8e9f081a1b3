import type { IDataObject, IExecuteFunctions, INode, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { SoraJobError } from './jobError';

function asJobError(error: unknown): SoraJobError {
	if (error instanceof SoraJobError) return error;
	return new SoraJobError('fetch-failed', (error as Error)?.message ?? String(error));
}

/** The output item "Continue On Fail" gets for a failed item: the reason and what is known of the job. */
export function errorItem(error: unknown, itemIndex: number): INodeExecutionData {
	const failure = asJobError(error);
	const json: IDataObject = { error: failure.message };
	if (failure.details.jobId) json.jobId = failure.details.jobId;
	if (failure.details.status) json.status = failure.details.status;
	if (failure.details.description) json.errorDescription = failure.details.description;
	return { json, pairedItem: { item: itemIndex } };
}

export function toNodeError(node: INode, error: unknown, itemIndex: number, extraDescription = ''): NodeOperationError {
	const failure = asJobError(error);
	const description = [failure.details.description, extraDescription].filter(Boolean).join('\n\n');
	return new NodeOperationError(node, failure.message, {
		itemIndex,
		description: description || undefined,
	});
}

/**
 * Runs `produce` for each input item, one after the other: its item, or with Continue On Fail an
 * error item in its place, so no item is dropped; without it the first failure stops the node.
 */
export async function outputPerItem(
	context: IExecuteFunctions,
	produce: (itemIndex: number) => Promise<INodeExecutionData>,
): Promise<INodeExecutionData[][]> {
	const output: INodeExecutionData[] = [];
	for (let index = 0; index < context.getInputData().length; index++) {
		try {
			output.push(await produce(index));
		} catch (error) {
			if (!context.continueOnFail()) throw toNodeError(context.getNode(), error, index);
			output.push(errorItem(error, index));
		}
	}
	return [output];
}
