import type { IExecuteFunctions, IN8nHttpFullResponse, IWebhookFunctions } from 'n8n-workflow';
import { sleep } from 'n8n-workflow';

import type { CallbackBatch } from './callbackBatch';
import type { ProbeKind } from './callbackUrls';
import { probeUrl } from './callbackUrls';
import { claimWatch } from './liveBatches';

/** execute() starts the watch; webhook() starts one after a restart (see watchAdoptedBatch). */
type WatchContext = IExecuteFunctions | IWebhookFunctions;

const SAVE_RETRY_MS = [100, 200, 400, 800, 1600, 3000, 5000, 5000, 10_000, 10_000, 30_000];

/**
 * Knocks on this execution's resume URL; webhook() then reads every job still in flight from
 * TTAPI. Returns false once the batch is over (resumed, finished, or unreachable from here).
 * Until n8n has saved the execution as waiting it answers 409 (or, on 1.x, 500): retried.
 */
async function knock(context: WatchContext, url: string): Promise<boolean> {
	for (const delay of SAVE_RETRY_MS) {
		let response: IN8nHttpFullResponse;
		try {
			response = (await context.helpers.httpRequest({
				method: 'POST',
				url,
				body: {},
				json: true,
				returnFullResponse: true,
				ignoreHttpStatusErrors: true,
				timeout: 60_000,
			})) as IN8nHttpFullResponse;
		} catch (error) {
			// Unreachable from inside: n8n's own Max Wait still ends the wait, with every job ID.
			context.logger.debug(`Sora Generate could not reach its resume URL: ${(error as Error).message}`);
			return false;
		}
		const body = response.body as { message?: string; resumed?: boolean } | undefined;
		// Not saved as waiting yet: 2.x answers 409 "running"; 1.x, a moment earlier, a 500.
		const notSavedYet =
			(response.statusCode === 409 && /running/i.test(body?.message ?? '')) ||
			(response.statusCode >= 500 && response.statusCode !== 503);
		if (notSavedYet) {
			await sleep(delay);
			continue;
		}
		// 503: TTAPI could not be asked just now; the next check tries again. Anything else but a
		// plain 200 means the batch is over or not ours any more.
		if (response.statusCode === 503) return true;
		return response.statusCode === 200 && !body?.resumed;
	}
	return false;
}

/**
 * Runs in the background after execute() has returned and n8n has paused the execution:
 * 1. right away: a job can end (and TTAPI call back) before n8n saved the execution as waiting;
 *    n8n answers that callback 409 and it is lost, so the first knock looks for such jobs;
 * 2. every safety-check interval: finds callbacks lost on the way;
 * 3. at Max Wait: ends the batch with what is known.
 * If n8n restarts, this stops; the first callback after the restart starts a new watch there
 * (watchAdoptedBatch). n8n's own wait limit, a little after Max Wait, is the last fallback: it
 * outputs every job ID and last known status the execution stored when it paused.
 */
export function watchBatch(context: IExecuteFunctions, batch: CallbackBatch, secret: string): void {
	if (claimWatch(batch.executionId)) void runWatch(context, batch, secret, { checkFirst: true });
}

/**
 * A batch this process adopted from the stored copy (n8n restarted, or another process ran
 * execute()): nobody else will end it at Max Wait, so this process does. Without it n8n's own
 * limit would output the stored copy and forget the results that arrived since.
 */
export function watchAdoptedBatch(context: IWebhookFunctions, batch: CallbackBatch, secret: string): void {
	if (claimWatch(batch.executionId)) void runWatch(context, batch, secret, { checkFirst: false });
}

async function runWatch(context: WatchContext, batch: CallbackBatch, secret: string, { checkFirst }: { checkFirst: boolean }) {
	const url = (kind: ProbeKind) => probeUrl(batch, secret, kind);
	if (checkFirst && !(await knock(context, url('check')))) return;
	for (;;) {
		const wait = Math.min(batch.recheckMs, batch.deadline - Date.now());
		await sleep(Math.max(0, wait));
		const kind: ProbeKind = Date.now() >= batch.deadline ? 'deadline' : 'check';
		if (!(await knock(context, url(kind))) || kind === 'deadline') return;
	}
}
