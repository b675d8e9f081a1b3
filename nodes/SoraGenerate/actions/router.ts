import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { executeGenerateVideo } from './generateVideo/generateVideo.execute';
import { executeGetVideo } from './getVideo/getVideo.execute';

export async function route(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const operation = this.getNodeParameter('operation', 0) as string;
	switch (operation) {
		case 'generateVideo':
			return await executeGenerateVideo.call(this);
		case 'getVideo':
			return await executeGetVideo.call(this);
		default:
			throw new NodeOperationError(this.getNode(), `The operation "${operation}" is not supported`);
	}
}
