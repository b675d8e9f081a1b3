import type { IDataObject } from 'n8n-workflow';

/**
 * "One execution per job and final status", in two layers:
 *
 * - In memory (this module, per n8n process): catches duplicates that arrive while the first
 *   callback is still being handled, and every duplicate while the process lives. n8n loads a
 *   fresh copy of the workflow's static data for every webhook call and saves it when the call
 *   is answered, so two calls that overlap would both miss each other in static data alone.
 * - In the workflow's static data (node scope): n8n saves it after every production webhook
 *   call, so duplicates that arrive after an n8n restart are caught too. Each call saves its own
 *   copy and the last save wins, so of two calls handled at the same moment one key can miss
 *   the saved copy. (Writing keys into other calls' copies was tried: n8n shares those objects
 *   with running executions, which then saved stale copies, and it lost more keys.)
 *
 * Both are bounded. Keys look like `<jobId>:<STATUS>`.
 */

/** How many keys the static data keeps (the newest win). ~45 bytes each. */
export const STATIC_KEY_LIMIT = 1000;
/** How many keys one process remembers, and for how long. */
export const MEMORY_KEY_LIMIT = 20_000;
export const MEMORY_TTL_MS = 7 * 24 * 60 * 60_000;
/** A claim whose handling never finished (should not happen: the handler releases it). */
export const PENDING_TTL_MS = 15 * 60_000;

const STATIC_FIELD = 'handledCallbacks';

interface MemoryEntry {
	state: 'pending' | 'done';
	expiresAt: number;
}

/** Per-process memory of handled and in-progress callbacks, bounded by size and age. */
export class CallbackMemory {
	private readonly entries = new Map<string, MemoryEntry>();

	constructor(
		private readonly limit = MEMORY_KEY_LIMIT,
		private readonly ttlMs = MEMORY_TTL_MS,
		private readonly pendingTtlMs = PENDING_TTL_MS,
		private readonly now: () => number = () => Date.now(),
	) {}

	/** Whether the key is handled or being handled right now. */
	has(key: string): boolean {
		const entry = this.entries.get(key);
		if (!entry) return false;
		if (entry.expiresAt <= this.now()) {
			this.entries.delete(key);
			return false;
		}
		return true;
	}

	/** Claims the key for the caller; false when someone else has it (a duplicate). */
	claim(key: string): boolean {
		if (this.has(key)) return false;
		this.set(key, { state: 'pending', expiresAt: this.now() + this.pendingTtlMs });
		return true;
	}

	/** Whether another call is handling the key right now (it has not handed it to n8n yet). */
	inProgress(key: string): boolean {
		return this.has(key) && this.entries.get(key)?.state === 'pending';
	}

	/** The callback was handled: remember it for the full TTL. */
	done(key: string): void {
		this.set(key, { state: 'done', expiresAt: this.now() + this.ttlMs });
	}

	/** Gives a claim back (the callback started nothing, so a later one may). */
	release(key: string): void {
		if (this.entries.get(key)?.state === 'pending') this.entries.delete(key);
	}

	clear(): void {
		this.entries.clear();
	}

	get size(): number {
		return this.entries.size;
	}

	private set(key: string, entry: MemoryEntry): void {
		this.entries.delete(key); // re-insert: Map order is age order
		this.entries.set(key, entry);
		while (this.entries.size > this.limit) {
			const oldest = this.entries.keys().next().value as string;
			this.entries.delete(oldest);
		}
	}
}

/** The one memory of this n8n process. */
export const processMemory = new CallbackMemory();

export function dedupeKey(jobId: string, status: string): string {
	return `${jobId}:${status}`;
}

/** Scopes a key to one trigger node of one workflow in the process-wide memory. */
export function scopedKey(workflowId: string | undefined, nodeName: string, key: string): string {
	return `${workflowId ?? ''}\u0000${nodeName}\u0000${key}`;
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
