import type { IExecuteFunctions, IWebhookFunctions } from 'n8n-workflow';

import { pause } from '../../../../shared/backoff';
import { OWN_URL_HELP, postToOwnUrl, withoutQuery } from '../../../../shared/ownUrl';
import { lookUrl } from './callbackUrls';
import type { CallbackBatch } from './storedBatch';

/** After the pause, or after a call that could not conclude: look again after 1 s, 2 s, 4 s … then every Safety Check. */
const LOOK_AGAIN_MS = [1000, 2000, 4000, 8000, 15_000, 30_000, 60_000];
/** n8n's own end of the wait comes this long after Max Wait: the fallback when no look reaches webhook() by then. */
export const N8N_LIMIT_GRACE_MS = 2 * 60_000;

/** One loop per waiting execution in this process. It only paces calls: webhook() decides what each finds. */
const loops = new Map<string, AbortController>();

/** Tests: stops every loop, as a process that goes away does. */
export const stopLookingAgain = () => loops.forEach((loop) => loop.abort());

/**
 * Makes sure this process looks at the batch again by calling the execution's resume URL (webhook()
 * then runs on whichever process n8n routes it to): from the start of LOOK_AGAIN_MS when `soon`
 * (replacing a loop that waits for its next Safety Check), else at the next Safety Check. Best
 * effort: it ends when the wait is over or n8n's own end of it has passed, and says once when it
 * cannot reach the URL.
 */
export function lookAgain(context: IExecuteFunctions | IWebhookFunctions, batch: CallbackBatch, secret: string, { soon }: { soon: boolean }): void {
	const running = loops.get(batch.executionId);
	if (running && !soon) return;
	running?.abort();
	const stop = new AbortController();
	loops.set(batch.executionId, stop);
	const loop = async () => {
		let warned = false;
		for (let step = soon ? 0 : LOOK_AGAIN_MS.length; Date.now() < batch.deadline + N8N_LIMIT_GRACE_MS; step++) {
			const untilDeadline = batch.deadline - Date.now();
			// At Max Wait at the latest (that look ends the wait); after it, as often as the table's last step.
			await pause(Math.min(LOOK_AGAIN_MS[step] ?? batch.recheckMs, untilDeadline > 0 ? untilDeadline : LOOK_AGAIN_MS[LOOK_AGAIN_MS.length - 1]), stop.signal);
			const answer = await postToOwnUrl(context, lookUrl(batch, secret));
			if ('unreachable' in answer) {
				if (!warned) context.logger.warn(unreachableWarning(batch, answer.unreachable));
				warned = true;
				continue;
			}
			// 409 "running": not saved as waiting yet, or resumed and still running. 5xx: trouble.
			const { statusCode, body } = answer;
			const again = statusCode === 200 ? !body.resumed : statusCode >= 500 || (statusCode === 409 && /running/i.test(body.message ?? ''));
			if (!again) return;
		}
	};
	void loop()
		.catch((error: Error) => stop.signal.aborted || context.logger.debug(`Sora Generate stopped looking at execution ${batch.executionId}: ${error.message}`))
		.finally(() => loops.get(batch.executionId) === stop && loops.delete(batch.executionId));
}

const unreachableWarning = (batch: CallbackBatch, error: string) =>
	`Sora Generate could not call the resume URL ${withoutQuery(batch.resumeUrl)} of waiting execution ${batch.executionId} from inside n8n (${error}). ` +
	"TTAPI's callbacks still resume it, but callbacks lost on the way are not looked for, and if none comes n8n ends the wait itself 2 minutes after Max Wait. " +
	`Likely causes: n8n's public URL (WEBHOOK_URL / N8N_WEBHOOK_URL) does not resolve or route from inside (split DNS, NAT without hairpin, a proxy that answers only from outside). ${OWN_URL_HELP}`;
