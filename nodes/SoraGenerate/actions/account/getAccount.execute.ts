import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { getAccountInfo } from '../../../shared/accountApi';
import { errorItem, toNodeError } from '../../../shared/itemOutput';
import { createTtApiClient } from '../../../shared/transport';

/** Account → Get: TTAPI's account record once per input item (a schedule checking the balance has one). */
export async function executeGetAccount(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	const client = await createTtApiClient(this);
	const signal = this.getExecutionCancelSignal?.();
	const output: INodeExecutionData[] = [];
	for (let index = 0; index < items.length; index++) {
		try {
			output.push({ json: { ...(await getAccountInfo(client, { signal })) }, pairedItem: { item: index } });
		} catch (error) {
			if (!this.continueOnFail()) throw toNodeError(this.getNode(), error, index);
			output.push(errorItem(error, index));
		}
	}
	return [output];
}
