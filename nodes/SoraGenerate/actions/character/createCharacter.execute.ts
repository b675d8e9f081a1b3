import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { TTAPI_CREDENTIAL_TYPE } from '../../../shared/constants';
import { chooseWaitMode } from '../batch/chooseWaitMode';
import { runJobBatch } from '../batch/runJobBatch';
import { callbackUrlFromOptions } from '../generateVideo/callbackTarget';
import { WAIT_MODES } from '../generateVideo/generateVideo.description';
import { InputError } from '../generateVideo/generationRequest';
import { readWaitSettings } from '../generateVideo/waitSettings';
import { characterJob } from './characterJob';
import { buildCharacterRequest } from './characterRequest';

function readRequests(
	context: IExecuteFunctions,
	count: number,
	takesCallbackUrl: boolean,
	callbackSecret: string,
): Array<IDataObject | InputError> {
	return Array.from({ length: count }, (_, index) => {
		try {
			const options = context.getNodeParameter('options', index, {}) as IDataObject;
			return buildCharacterRequest({
				url: context.getNodeParameter('url', index),
				timestamps: context.getNodeParameter('timestamps', index),
				callbackUrl: takesCallbackUrl ? callbackUrlFromOptions(context, options, callbackSecret, 'character') : undefined,
			});
		} catch (error) {
			if (error instanceof InputError) return error;
			throw new NodeOperationError(context.getNode(), error as Error, { itemIndex: index });
		}
	});
}

/**
 * Character → Create: one POST /sora/characters per item, then the same batch engine and wait
 * modes as Generate Video (Max Jobs in Flight, the money rule, polling, pausing for callbacks).
 */
export async function executeCreateCharacter(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const settings = await chooseWaitMode(this, readWaitSettings(this, { downloads: false }));
	const credentials = await this.getCredentials(TTAPI_CREDENTIAL_TYPE);
	// The modes that wait own the hookUrl; in Don't Wait the user may give one (e.g. a Sora Trigger's).
	const requests = readRequests(this, this.getInputData().length, settings.waitMode === WAIT_MODES.none, String(credentials.callbackSecret ?? ''));
	return await runJobBatch(this, characterJob, requests, settings, {});
}
