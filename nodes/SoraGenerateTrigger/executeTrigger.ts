import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { pause } from '../shared/backoff';
import { downloadVideo } from '../shared/download';
import type { ProcessedRecord } from './claimOnce';
import { CLAIM_TIMING, claimOnce } from './claimOnce';
import { dedupeKey } from './dedupe';

/** How many values the node's processed-data record keeps (three per job, ~27 bytes each: ~1000 jobs). */
export const PROCESSED_LIMIT = 3000;

/** The node's record in n8n's processed-data table (the one Remove Duplicates uses), node scope. */
export function processedDataRecord(context: IExecuteFunctions): ProcessedRecord {
	return {
		async checkAndRecord(values: string[]): Promise<Set<string>> {
			const result = await context.helpers.checkProcessedAndRecord(values, 'node', {
				mode: 'entries',
				maxEntries: PROCESSED_LIMIT,
			});
			return new Set(result.processed.map(String));
		},
	};
}

/**
 * The execution n8n started from webhook() runs this with webhook()'s item: here, on the worker
 * that runs the execution, n8n's database decides whether this execution is the one for the job
 * and status (concurrent duplicates that webhook() could not tell apart stop here, with no
 * output), and the video is downloaded. The download starts at once, beside the check, so the
 * check adds no time when there is a video to fetch. Test events are not deduplicated.
 */
export async function executeTrigger(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	const store = this.getMode() === 'manual' ? undefined : processedDataRecord(this);
	const signal = this.getExecutionCancelSignal?.();
	const timing = { ...CLAIM_TIMING, sleep: async (ms: number) => await pause(ms, signal), random: Math.random, now: Date.now };
	const output: INodeExecutionData[] = [];
	for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
		const json = items[itemIndex].json;
		const jobId = typeof json.jobId === 'string' ? json.jobId : '';
		const status = typeof json.status === 'string' ? json.status : '';
		const item = withVideo(this, items[itemIndex], itemIndex, videoField(this, itemIndex));
		if (store && jobId && status) {
			const claim = await claimOnce(store, dedupeKey(jobId, status), this.getExecutionId(), timing);
			if (claim.outcome === 'duplicate') {
				await item;
				this.logger.info(
					`Sora Trigger: job ${jobId} (${status}) is handled by another execution; this execution (${this.getExecutionId()}) stops here`,
				);
				continue;
			}
			if (claim.outcome === 'unchecked') {
				this.logger.warn(
					`Sora Trigger could not check n8n's record of handled jobs for job ${jobId}; going on, so a duplicate may run: ${claim.error}`,
				);
			}
		}
		output.push(await item);
	}
	return [output];
}

/** The binary field to download the video into; undefined when Download Video is off. */
function videoField(context: IExecuteFunctions, itemIndex: number): string | undefined {
	if (context.getNodeParameter('downloadVideo', itemIndex, false) !== true) return undefined;
	return String(context.getNodeParameter('binaryPropertyName', itemIndex, 'data') ?? '').trim() || 'data';
}

/** The output item, with the video when asked for; a failed download becomes `downloadError` (never a rejection). */
async function withVideo(
	context: IExecuteFunctions,
	item: INodeExecutionData,
	itemIndex: number,
	field: string | undefined,
): Promise<INodeExecutionData> {
	const json: IDataObject = { ...item.json };
	const out: INodeExecutionData = { json, pairedItem: { item: itemIndex } };
	if (item.binary) out.binary = item.binary;
	// Characters have no video; items from before the kind was output are videos.
	if (!field || json.event !== 'succeeded' || (json.kind ?? 'video') !== 'video') return out;
	const jobId = String(json.jobId);
	const videoUrl = typeof json.videoUrl === 'string' ? json.videoUrl : '';
	if (!videoUrl) {
		json.downloadError = `TTAPI reported job ${jobId} as ${String(json.status)} but gave no video URL`;
		return out;
	}
	try {
		out.binary = { ...out.binary, [field]: await downloadVideo(context, jobId, videoUrl) };
	} catch (error) {
		json.downloadError = (error as Error).message;
		context.logger.warn(`Sora Trigger could not download the video of job ${jobId}: ${json.downloadError}`);
	}
	return out;
}
