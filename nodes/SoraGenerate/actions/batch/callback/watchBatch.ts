import type { IExecuteFunctions, IN8nHttpFullResponse, IWebhookFunctions } from 'n8n-workflow';

import { pause } from '../../../../shared/backoff';
import type { CallbackBatch } from './callbackBatch';
import type { ProbeKind } from './callbackUrls';
import { probeUrl } from './callbackUrls';
import { claimTimer, releaseTimer } from './processCache';

/**
 * Knocks: this package calling its own execution's resume URL, so that webhook() (on whichever
 * n8n process gets the call) looks at the batch again. They only make webhook() look: what it
 * decides comes from the stored batch and TTAPI. Each is best effort, run by a process that saw
 * the batch; if that process stops, the next callback's process, or n8n's own end of the wait,
 * takes over.
 */
type KnockContext = IExecuteFunctions | IWebhookFunctions;

/** waiting: still waiting, nothing to do · trouble: TTAPI could not be asked, try later · over: resumed, finished or unreachable. */
type KnockAnswer = 'waiting' | 'trouble' | 'over';

/** Until n8n has saved the execution as waiting, it answers 409 "running" (1.x, a moment earlier, 500). */
const SAVE_RETRY_MS = [100, 200, 400, 800, 1600, 3000, 5000, 5000, 10_000, 10_000, 30_000];
/** A process that did not start the batch ends it at Max Wait only if the one that did has not. */
const FALLBACK_DEADLINE_DELAY_MS = 20_000;
/** When TTAPI could not be asked. */
export const RECHECK_DELAYS_MS = [5000, 15_000, 30_000, 60_000, 120_000];
/**
 * When a call found the batch complete but left the resume to the batch's last job's callback
 * (n8n 1.x). Every job had ended, so that callback was sent already: either it came before the
 * others had ended (then nobody else resumes) or it is on its way and resumes within moments.
 */
export const CLOSING_RECHECK_DELAYS_MS = [1000, 5000, 15_000, 30_000, 60_000, 120_000];
/** After a lagging record: the knocks cover lags of up to about two minutes; later ones wait for the safety check. */
const LAG_KNOCKS_MS = [1500, 2000, 3000, 5000, 10_000, 20_000, 30_000, 60_000];

const jitter = (ms: number) => Math.round(Math.random() * ms);

/** Runs a timer's work after the call that started it has returned; it ends quietly (stopped, or its process is going away). */
function runInBackground(context: KnockContext, name: string, stop: AbortSignal, work: () => Promise<void>): void {
	void work()
		.catch((error: Error) => {
			if (!stop.aborted) context.logger.debug(`Sora Generate stopped ${name.split(':')[0]}: ${error.message}`);
		})
		.finally(() => releaseTimer(name, stop));
}

async function knock(context: KnockContext, url: string, { untilSaved, stop }: { untilSaved: boolean; stop: AbortSignal }): Promise<KnockAnswer> {
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
			// Unreachable from inside: n8n's own end of the wait still outputs every job ID.
			context.logger.debug(`Sora Generate could not reach its resume URL: ${(error as Error).message}`);
			return 'over';
		}
		const body = response.body as { message?: string; resumed?: boolean } | undefined;
		const running = response.statusCode === 409 && /running/i.test(body?.message ?? '');
		if (untilSaved && (running || (response.statusCode >= 500 && response.statusCode !== 503))) {
			await pause(delay, stop);
			continue;
		}
		if (response.statusCode === 503 || response.statusCode >= 500) return 'trouble';
		return response.statusCode === 200 && !body?.resumed ? 'waiting' : 'over';
	}
	return 'over';
}

/**
 * The batch's timers, once per process and execution:
 * 1. right away (the process that ran execute()): a job can end, and TTAPI call back, before n8n
 *    saved the execution as waiting; n8n answers that callback 409 and it is lost;
 * 2. every Safety Check interval: finds callbacks lost on the way;
 * 3. at Max Wait: ends the batch with what is known (other processes a little later).
 */
export function watchBatch(context: KnockContext, batch: CallbackBatch, secret: string, { origin }: { origin: boolean }): void {
	const name = `watch:${batch.resumeUrl}`;
	const stop = claimTimer(name);
	if (!stop) return;
	const url = (kind: ProbeKind) => probeUrl(batch, secret, kind);
	const deadlineAt = batch.deadline + (origin ? 0 : FALLBACK_DEADLINE_DELAY_MS + jitter(10_000));
	const watch = async () => {
		if (origin && (await knock(context, url('check'), { untilSaved: true, stop })) === 'over') return;
		for (;;) {
			await pause(Math.max(0, Math.min(batch.recheckMs, deadlineAt - Date.now())), stop);
			const kind: ProbeKind = Date.now() >= deadlineAt ? 'deadline' : 'check';
			const answer = await knock(context, url(kind), { untilSaved: false, stop });
			if (answer === 'over') return;
			if (kind === 'deadline' && answer === 'trouble') await pause(30_000, stop);
		}
	};
	runInBackground(context, name, stop, watch);
}

/** Knocks again after a while, and again while TTAPI cannot be asked: one such recheck per batch and process. */
export function recheckSoon(context: KnockContext, batch: CallbackBatch, secret: string, delaysMs = RECHECK_DELAYS_MS): void {
	const name = `recheck:${batch.resumeUrl}`;
	const stop = claimTimer(name);
	if (!stop) return;
	runInBackground(context, name, stop, async () => {
		for (const delay of delaysMs) {
			await pause(delay + jitter(Math.min(2000, delay / 2)), stop);
			if ((await knock(context, probeUrl(batch, secret, 'check'), { untilSaved: false, stop })) !== 'trouble') return;
		}
	});
}

/**
 * A callback came for a job TTAPI's record does not show as ended yet (TTAPI's record lags its
 * callback). This process knocks within seconds, and again for a couple of minutes, so the batch
 * never waits for the safety check (TTAPI, answered 503, may also send it again). The knocks, not
 * this timer, read TTAPI: a webhook call may use the credential only while it is being handled
 * (n8n 2.x releases what credential expressions need when the call ends).
 */
export function followLaggingJob(context: IWebhookFunctions, batch: CallbackBatch, secret: string, jobId: string): void {
	const name = `lag:${jobId}`;
	const stop = claimTimer(name);
	if (!stop) return;
	runInBackground(context, name, stop, async () => {
		for (const delay of LAG_KNOCKS_MS) {
			if (Date.now() >= batch.deadline) return;
			await pause(delay, stop);
			if ((await knock(context, probeUrl(batch, secret, 'check'), { untilSaved: false, stop })) === 'over') return;
		}
	});
}
