import type { IDataObject, IWebhookResponseData } from 'n8n-workflow';

/**
 * The first filter against duplicates, in webhook(): the keys (`<jobId>:<STATUS>`) of callbacks
 * that started an execution, in the workflow's static data (node scope). n8n loads the static
 * data from its database at the start of every production webhook call and saves it before it
 * answers the call, whichever process takes the call: a duplicate sent after the first callback
 * was answered starts nothing, also after a restart (on n8n 2.x see savedBeforeAnswer). Two calls
 * that overlap both miss each other, and each call saves its own copy (the last save wins, so one
 * key can go missing); the execution's own claim in n8n's database (claimOnce.ts) stops those.
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

/**
 * Makes n8n 2.x save the key that `remember` writes. n8n 2.41.1 saves a webhook's static data
 * only if it is marked changed when it answers, which (for an answer n8n sends) is after it has
 * started the execution; but starting it wraps the same static data object in a new Workflow, and
 * that resets n8n's "changed" mark (WorkflowRunner.run → establishContextForPersistence → n8n-workflow
 * ObservableObject.create). So once the stored static data is not empty, a key written in
 * webhook() was never saved, and each duplicate callback started an execution. n8n reads the
 * answer body from webhook()'s result after that reset and right before it saves; writing the key
 * again at that moment marks the static data changed again. On n8n 1.x, which answers and saves
 * before it starts the execution, and when the node answered itself (noWebhookResponse: n8n saves
 * at once), the extra write changes nothing.
 */
export function savedBeforeAnswer(result: IWebhookResponseData, remember: () => void): IWebhookResponseData {
	if (result.webhookResponse === undefined) return result;
	const body: unknown = result.webhookResponse;
	const marked = { ...result };
	Object.defineProperty(marked, 'webhookResponse', {
		enumerable: true,
		get() {
			remember();
			return body;
		},
	});
	return marked;
}
