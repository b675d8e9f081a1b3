import type { IExecuteFunctions } from 'n8n-workflow';

import { OWN_URL_HELP, postToOwnUrl, withoutQuery } from '../../../shared/ownUrl';
import { WAIT_MODES } from '../generateVideo/generateVideo.description';
import { isPubliclyReachable } from '../generateVideo/publicUrl';
import type { WaitSettings } from '../generateVideo/waitSettings';

/**
 * Whether n8n itself resumes a waiting execution only once. n8n 2.x signs every resume URL
 * (`signature`, the execution's resume token, checked on each call) and resumes with an update
 * that succeeds only while the execution still waits, so of two concurrent resumes one is refused.
 * n8n 1.x does neither: its resume URLs are bare, and two calls that overlap on two processes both
 * resume. Wait for Callback relies on the guarantee; where it is missing, the node polls.
 */
export function n8nResumesOnce(resumeUrl: string): boolean {
	try {
		return new URL(resumeUrl).searchParams.has('signature');
	} catch {
		return false;
	}
}

/** While this execution runs, n8n answers its resume URL 409 "running": proof the way from n8n to itself is open. */
async function reachesItself(context: IExecuteFunctions, resumeUrl: string): Promise<boolean> {
	const answer = await postToOwnUrl(context, resumeUrl);
	if ('statusCode' in answer && answer.statusCode === 409 && /running/i.test(answer.body.message ?? '')) return true;
	const seen = 'unreachable' in answer ? answer.unreachable : `HTTP ${answer.statusCode}`;
	context.logger.warn(`Sora Generate (Auto) polls: n8n could not call its own resume URL ${withoutQuery(resumeUrl)} (${seen}). ${OWN_URL_HELP}`);
	return false;
}

/**
 * The wait mode this run uses. Auto and Wait for Callback pause for callbacks only on an n8n that
 * resumes once (else they poll, and say so in the log; the output's waitMode says "poll"); Auto
 * also needs a resume URL TTAPI can reach and n8n can call itself (for lost callbacks and Max Wait).
 */
export async function chooseWaitMode(context: IExecuteFunctions, settings: WaitSettings): Promise<WaitSettings> {
	const { waitMode } = settings;
	if (waitMode !== WAIT_MODES.auto && waitMode !== WAIT_MODES.callback) return settings;
	const resumeUrl = String(context.evaluateExpression('{{ $execution.resumeUrl }}', 0) ?? '');
	// Wait for Callback reads no Timeout: polling instead, one job may take up to Max Wait.
	const polling: WaitSettings = { ...settings, waitMode: WAIT_MODES.poll, timeoutMs: settings.timeoutMs || settings.maxWaitMs };
	if (!n8nResumesOnce(resumeUrl)) {
		context.logger.info(
			'Sora Generate polls instead of waiting for callbacks: this n8n (1.x) could resume a paused execution twice when two callbacks meet. n8n 2.x waits for callbacks.',
		);
		return polling;
	}
	if (waitMode === WAIT_MODES.callback) return settings;
	if (!isPubliclyReachable(resumeUrl) || !(await reachesItself(context, resumeUrl))) return polling;
	return { ...settings, waitMode: WAIT_MODES.callback };
}
