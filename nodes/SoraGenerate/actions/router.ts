import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { errorItem } from '../../shared/itemOutput';
import { executeGenerateVideo } from './generateVideo/generateVideo.execute';
import { executeGetVideo } from './getVideo/getVideo.execute';

async function runOperation(context: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const operation = context.getNodeParameter('operation', 0) as string;
	switch (operation) {
		case 'generateVideo':
			return await executeGenerateVideo.call(context);
		case 'getVideo':
			return await executeGetVideo.call(context);
		default:
			throw new NodeOperationError(context.getNode(), `The operation "${operation}" is not supported`);
	}
}

export async function route(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	if (!this.continueOnFail()) return await runOperation(this);
	try {
		return await runOperation(this);
	} catch (error) {
		// Item errors are handled inside the operations. What gets here stops every item (a bad
		// credential, an unreadable setting): each item says so, rather than n8n passing the input
		// through as if nothing had happened.
		return [this.getInputData().map((_, index) => errorItem(error, index))];
	}
}
