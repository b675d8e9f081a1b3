import type { IDataObject } from 'n8n-workflow';

import { quotaToUsd, readQuota } from './cost';
import { readJobId } from './soraApi';

/**
 * The one shape every node of this package outputs for a TTAPI Sora job. `message` (TTAPI's
 * reason, set when a job fails) and `referImages` appear only when TTAPI gave them: an empty
 * message or a null list is noise in every output item.
 */
export interface SoraJobResult extends IDataObject {
	jobId: string;
	status: string;
	message?: string;
	videoUrl: string | null;
	model: string | null;
	prompt: string | null;
	referImages?: string[];
	/** What the job cost, in quota (TTAPI's data.quota) and in US dollars (1 USD = 100 quota). */
	quota: number | null;
	costUsd: number | null;
	finishTime: string | null;
}

function text(value: unknown): string | null {
	if (typeof value === 'string') return value;
	if (typeof value === 'number' && Number.isFinite(value)) return String(value);
	return null;
}

function imageList(value: unknown): string[] {
	if (Array.isArray(value)) return value.filter((entry): entry is string => typeof entry === 'string' && entry !== '');
	if (typeof value === 'string' && value) return [value];
	return [];
}

/**
 * Turns a /sora/fetch answer or a hookUrl callback body (the same JSON) into SoraJobResult.
 * The job's hookUrl is left out on purpose: it carries callback secrets.
 */
export function normaliseJobResult(raw: IDataObject, knownJobId?: string): SoraJobResult {
	const data = (raw.data && typeof raw.data === 'object' ? raw.data : {}) as IDataObject;
	const message = text(raw.message);
	const referImages = imageList(data.referImages);
	const quota = readQuota(data.quota);
	return {
		jobId: readJobId(raw) ?? knownJobId ?? '',
		status: text(raw.status)?.toUpperCase() ?? '',
		...(message ? { message } : {}),
		videoUrl: text(data.videoUrl ?? data.video_url) || null,
		model: text(data.model),
		prompt: text(data.prompt),
		...(referImages.length ? { referImages } : {}),
		quota,
		costUsd: quotaToUsd(quota),
		finishTime: text(data.finishTime) || null,
	};
}

/** Whether a callback body looks like a TTAPI job record (the fetch/hookUrl JSON). */
export function isTtapiJobRecord(body: unknown): body is IDataObject {
	if (!body || typeof body !== 'object' || Array.isArray(body)) return false;
	const record = body as IDataObject;
	return typeof record.status === 'string' && readJobId(record) !== undefined;
}

/**
 * Whether a TTAPI job record is a character's or a video's, from its shape, for callbacks whose
 * URL does not say (URLs made before Sora Generate signed the kind into them, or by hand). A
 * character record names its character, or has the character request's fields (url, timestamps)
 * and none of a video's (prompt, model, videoUrl); anything else is read as a video.
 */
export function recordKind(raw: IDataObject): 'video' | 'character' {
	const data = (raw.data && typeof raw.data === 'object' && !Array.isArray(raw.data) ? raw.data : {}) as IDataObject;
	const has = (name: string) => data[name] !== undefined && data[name] !== null && data[name] !== '';
	if (['characterId', 'character_id'].some(has)) return 'character';
	const videoFields = ['prompt', 'model', 'videoUrl', 'video_url'].some(has);
	const characterFields = ['url', 'character_url', 'timestamps', 'character_timestamps'].some(has);
	return characterFields && !videoFields ? 'character' : 'video';
}
