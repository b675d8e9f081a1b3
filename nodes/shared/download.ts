import type { IBinaryData, IExecuteFunctions, IN8nHttpFullResponse, IWebhookFunctions } from 'n8n-workflow';

import { SoraJobError } from './jobError';

const DOWNLOAD_TIMEOUT_MS = 10 * 60_000;

/**
 * Streams a finished video into n8n's binary data store. No TTAPI credential goes with it:
 * the video URL is a CDN link.
 */
export async function downloadVideo(
	context: IExecuteFunctions | IWebhookFunctions,
	jobId: string,
	videoUrl: string,
): Promise<IBinaryData> {
	let response: IN8nHttpFullResponse;
	try {
		response = (await context.helpers.httpRequest({
			method: 'GET',
			url: videoUrl,
			encoding: 'stream',
			returnFullResponse: true,
			ignoreHttpStatusErrors: true,
			timeout: DOWNLOAD_TIMEOUT_MS,
		})) as IN8nHttpFullResponse;
	} catch (error) {
		throw downloadError(jobId, videoUrl, (error as Error).message);
	}
	const stream = response.body as NodeJS.ReadableStream & { destroy?: () => void };
	if (response.statusCode < 200 || response.statusCode >= 300) {
		stream.destroy?.();
		throw downloadError(jobId, videoUrl, `HTTP ${response.statusCode}`);
	}
	try {
		return await context.helpers.prepareBinaryData(
			stream as unknown as Buffer,
			`${jobId}.mp4`,
			'video/mp4',
		);
	} catch (error) {
		throw downloadError(jobId, videoUrl, (error as Error).message);
	}
}

function downloadError(jobId: string, videoUrl: string, reason: string): SoraJobError {
	return new SoraJobError('download-failed', `The video of job ${jobId} could not be downloaded: ${reason}`, {
		jobId,
		status: 'SUCCESS',
		description: `The job succeeded; the video is at ${videoUrl}. Turn off "Download Video" to get only the URL.`,
	});
}
