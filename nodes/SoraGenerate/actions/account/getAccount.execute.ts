import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { getAccountInfo } from '../../../shared/accountApi';
import { outputPerItem } from '../../../shared/itemOutput';
import { createTtApiClient } from '../../../shared/transport';

/** Account → Get: TTAPI's account record once per input item (a schedule checking the balance has one). */
export async function executeGetAccount(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const client = await createTtApiClient(this);
	const signal = this.getExecutionCancelSignal?.();
	return await outputPerItem(this, async (index) => ({
		json: { ...(await getAccountInfo(client, { signal })) },
		pairedItem: { item: index },
	}));
}
