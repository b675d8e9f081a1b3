import type { IDataObject, IExecuteFunctions, INodeExecutionData, IWebhookFunctions } from 'n8n-workflow';

import { JOB_STATUS } from './constants';
import { downloadVideo } from './download';
import { SoraJobError } from './jobError';
import type { SoraJobResult } from './normalise';

export interface JobItemOptions {
	downloadVideo: boolean;
	binaryPropertyName: string;
	/** Fields added to the output beside the normalised result (e.g. which wait mode ran). */
	extraJson?: IDataObject;
}

/**
 * The output item for a job TTAPI has a record of: FAILED becomes an error carrying TTAPI's
 * reason, SUCCESS an item with the video (downloaded when asked), anything else its status.
 */
export async function jobResultToItem(
	context: IExecuteFunctions | IWebhookFunctions,
	result: SoraJobResult,
	itemIndex: number,
	options: JobItemOptions,
): Promise<INodeExecutionData> {
	if (result.status === JOB_STATUS.failed) {
		throw new SoraJobError(
			'job-failed',
			`TTAPI job ${result.jobId} failed: ${result.message || 'TTAPI gave no reason'}`,
			{ jobId: result.jobId, status: result.status, ttapiMessage: result.message },
		);
	}
	const item: INodeExecutionData = {
		json: { ...result, ...options.extraJson },
		pairedItem: { item: itemIndex },
	};
	if (result.status !== JOB_STATUS.success) return item;
	if (!result.videoUrl) {
		throw new SoraJobError('no-video-url', `TTAPI reported job ${result.jobId} as SUCCESS but gave no video URL`, {
			jobId: result.jobId,
			status: result.status,
		});
	}
	if (options.downloadVideo) {
		item.binary = {
			[options.binaryPropertyName]: await downloadVideo(context, result.jobId, result.videoUrl),
		};
	}
	return item;
}
