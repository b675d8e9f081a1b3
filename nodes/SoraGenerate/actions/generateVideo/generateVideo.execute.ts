import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { TTAPI_CREDENTIAL_TYPE } from '../../../shared/constants';
import { chooseWaitMode } from '../batch/chooseWaitMode';
import { runJobBatch } from '../batch/runJobBatch';
import { callbackUrlFromOptions } from './callbackTarget';
import { WAIT_MODES } from './generateVideo.description';
import { buildGenerationRequest, InputError } from './generationRequest';
import { generationJob } from './generationJob';
import type { WaitSettings } from './waitSettings';
import { readWaitSettings } from './waitSettings';

function readRequests(
	context: IExecuteFunctions,
	count: number,
	settings: WaitSettings,
	callbackSecret: string,
): Array<IDataObject | InputError> {
	// The Callback URL option is offered in Don't Wait only: the modes that wait own the hookUrl.
	const takesCallbackUrl = settings.waitMode === WAIT_MODES.none;
	return Array.from({ length: count }, (_, index) => {
		try {
			const options = context.getNodeParameter('options', index, {}) as IDataObject;
			return buildGenerationRequest({
				model: context.getNodeParameter('model', index),
				prompt: context.getNodeParameter('prompt', index),
				...(context.getNodeParameter('videoOptions', index, {}) as IDataObject),
				callbackUrl: takesCallbackUrl ? callbackUrlFromOptions(context, options, callbackSecret, 'video') : undefined,
			});
		} catch (error) {
			if (error instanceof InputError) return error;
			throw new NodeOperationError(context.getNode(), error as Error, { itemIndex: index });
		}
	});
}

export async function executeGenerateVideo(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const settings = await chooseWaitMode(this, readWaitSettings(this));
	const credentials = await this.getCredentials(TTAPI_CREDENTIAL_TYPE);
	const requests = readRequests(this, this.getInputData().length, settings, String(credentials.callbackSecret ?? ''));
	return await runJobBatch(this, generationJob, requests, settings, {
		downloadVideo: settings.downloadVideo,
		binaryPropertyName: settings.binaryPropertyName,
	});
}
