import type { IDataObject } from 'n8n-workflow';

/**
 * The first filter against duplicates, in webhook(): the keys (`<jobId>:<STATUS>`) of callbacks
 * that started an execution, in the workflow's static data (node scope). n8n loads the static
 * data from its database at the start of every production webhook call and saves it after the
 * call, whichever process takes the call: a duplicate sent after the first callback was answered
 * starts nothing, also after a restart. Two calls that overlap both miss each other, and each
 * call saves its own copy (the last save wins, so one key can go missing); the execution's own
 * claim in n8n's database (claimOnce.ts) stops those.
 */

/** How many keys the static data keeps (the newest win). ~45 bytes each. */
export const STATIC_KEY_LIMIT = 1000;

const STATIC_FIELD = 'handledCallbacks';

export function dedupeKey(jobId: string, status: string): string {
	return `${jobId}:${status}`;
}

function staticKeys(staticData: IDataObject): string[] {
	const stored = staticData[STATIC_FIELD];
	return Array.isArray(stored) ? stored.filter((key): key is string => typeof key === 'string') : [];
}

export function seenInStaticData(staticData: IDataObject, key: string): boolean {
	return staticKeys(staticData).includes(key);
}

/** Adds the key, keeping the newest `limit` keys. Assigns a new array so n8n sees the change. */
export function rememberInStaticData(staticData: IDataObject, key: string, limit = STATIC_KEY_LIMIT): void {
	const keys = staticKeys(staticData).filter((existing) => existing !== key);
	keys.push(key);
	staticData[STATIC_FIELD] = keys.slice(Math.max(0, keys.length - limit));
}
