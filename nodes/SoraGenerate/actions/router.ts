import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { errorItem } from '../../shared/itemOutput';
import { executeGetAccount } from './account/getAccount.execute';
import { executeCreateCharacter } from './character/createCharacter.execute';
import { executeGetCharacter } from './character/getCharacter.execute';
import { executeGenerateVideo } from './generateVideo/generateVideo.execute';
import { executeGetVideo } from './getVideo/getVideo.execute';

type Operation = (this: IExecuteFunctions) => Promise<INodeExecutionData[][]>;

/** resource → operation → what runs it. A workflow saved before resources existed has resource "video" (its default). */
const OPERATIONS: Record<string, Record<string, Operation>> = {
	video: { generateVideo: executeGenerateVideo, getVideo: executeGetVideo },
	character: { createCharacter: executeCreateCharacter, getCharacter: executeGetCharacter },
	account: { getAccount: executeGetAccount },
};

async function runOperation(context: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const resource = context.getNodeParameter('resource', 0, 'video') as string;
	const operation = context.getNodeParameter('operation', 0) as string;
	const run = OPERATIONS[resource]?.[operation];
	if (!run) {
		throw new NodeOperationError(context.getNode(), `The operation "${operation}" is not supported for the resource "${resource}"`);
	}
	return await run.call(context);
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
