import type { IDataObject } from 'n8n-workflow';

import { quotaToUsd, readQuota } from './cost';
import { readJobId } from './soraApi';

/**
 * A character job's record, as Sora Generate (Character → Create / Get) and Sora Trigger output
 * it. TTAPI documents the request (url, timestamps) and the cost, not the finished record's other
 * fields: the ones that name the character are read under the names seen so far, and `record`
 * always carries TTAPI's whole `data` (without the hookUrl, which holds callback tokens), so
 * nothing TTAPI sends is lost.
 */
export interface CharacterResult extends IDataObject {
	jobId: string;
	status: string;
	message?: string;
	/** What TTAPI calls the character, when it says (characterId, character_id or id). */
	characterId: string | null;
	/** The name to mention in prompts (@username), when TTAPI gives one. */
	username: string | null;
	url: string | null;
	timestamps: string | null;
	quota: number | null;
	costUsd: number | null;
	finishTime: string | null;
	record: IDataObject | null;
}

function text(value: unknown): string | null {
	if (typeof value === 'string' && value) return value;
	if (typeof value === 'number' && Number.isFinite(value)) return String(value);
	return null;
}

const first = (data: IDataObject, names: string[]) => names.map((name) => text(data[name])).find((value) => value !== null) ?? null;

export function normaliseCharacter(raw: IDataObject, knownJobId?: string): CharacterResult {
	const data = raw.data && typeof raw.data === 'object' && !Array.isArray(raw.data) ? (raw.data as IDataObject) : undefined;
	const fields = data ?? {};
	const message = text(raw.message);
	const quota = readQuota(fields.quota);
	const record = data ? { ...data } : null;
	if (record) {
		delete record.hookUrl;
		delete record.hook_url;
	}
	return {
		jobId: readJobId(raw) ?? knownJobId ?? '',
		status: text(raw.status)?.toUpperCase() ?? '',
		...(message ? { message } : {}),
		characterId: first(fields, ['characterId', 'character_id', 'id']),
		username: first(fields, ['username', 'userName', 'character_username', 'characterName', 'name']),
		url: first(fields, ['url', 'character_url']),
		timestamps: first(fields, ['timestamps', 'character_timestamps']),
		quota,
		costUsd: quotaToUsd(quota),
		finishTime: first(fields, ['finishTime', 'finish_time']),
		record,
	};
}
