import type { IDataObject, INodeExecutionData, IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { runLater } from '../../../../shared/backoff';
import { CALLBACK_TOKEN_PARAM } from '../../../../shared/callbackAuth';
import { TTAPI_CREDENTIAL_TYPE } from '../../../../shared/constants';
import { SoraJobError } from '../../../../shared/jobError';
import { isTtapiJobRecord } from '../../../../shared/normalise';
import { readJobId } from '../../../../shared/soraApi';
import { createTtApiClient, TtApiTransportError } from '../../../../shared/transport';
import { answerWithin } from '../../../../shared/webhookAnswer';
import type { JobKind, JobKinds } from '../jobKind';
import type { BatchItem, CallbackBatch } from './callbackBatch';
import { readStoredBatch } from './callbackBatch';
import type { ProbeKind } from './callbackUrls';
import { ITEM_PARAM, itemTokenMatches, PROBE_PARAM, probeTokenMatches, resumeSecret } from './callbackUrls';
import { finishBatch } from './finishBatch';
import { claimResume, resumeHandedOver, resumeUnderWay } from './processCache';
import { closingItem, n8nResumesOnce } from './resumeRule';
import type { OwnCallback } from './viewBatch';
import { viewBatch } from './viewBatch';
import { CLOSING_RECHECK_DELAYS_MS, followLaggingJob, recheckSoon, watchBatch } from './watchBatch';

const RECEIVED = { received: true };
const RESUMED = { received: true, resumed: true };
const BEING_RESUMED = { error: 'This execution is already being resumed' };
/**
 * n8n 1.x answers a resuming call before it marks the execution running; a caller that sends
 * again as soon as it has its answer would find it still waiting. So there the answer comes later.
 */
const ANSWER_AFTER_RESUME_MS = 1000;

type Call = { probe: ProbeKind } | { own: OwnCallback & { jobId: string } };

function answer(context: IWebhookFunctions, status: number, body: IDataObject): IWebhookResponseData {
	context.getResponseObject().status(status).json(body);
	return { noWebhookResponse: true };
}

const jobIdOf = (item: BatchItem) => (item.phase === 'failed' ? item.failure.jobId : item.jobId);

/** Who is calling: one of our probes, or TTAPI with an item's result. Anything else is refused. */
function readCall(context: IWebhookFunctions, stored: CallbackBatch, secret: string): Call | IWebhookResponseData {
	const query = context.getQueryData() as IDataObject;
	const probe = query[PROBE_PARAM];
	if (probe !== undefined) {
		const kind: ProbeKind = probe === 'deadline' ? 'deadline' : 'check';
		if (!probeTokenMatches(stored, secret, kind, query[CALLBACK_TOKEN_PARAM])) return answer(context, 401, { error: 'Wrong or missing token' });
		return { probe: kind };
	}
	const index = Number(query[ITEM_PARAM]);
	if (!Number.isInteger(index) || index < 0 || index >= stored.items.length) {
		return answer(context, 400, { error: 'This callback URL names no item of the batch' });
	}
	if (!itemTokenMatches(stored, secret, index, query[CALLBACK_TOKEN_PARAM])) return answer(context, 401, { error: 'Wrong or missing token' });
	const body = context.getBodyData();
	if (!isTtapiJobRecord(body)) return answer(context, 400, { error: 'The body is not a TTAPI job result' });
	const jobId = readJobId(body) as string;
	if (jobIdOf(stored.items[index]) !== jobId) return answer(context, 403, { error: 'This job was not submitted for this item' });
	return { own: { index, body, jobId } };
}

/**
 * Resumes the execution with one item per input item. On n8n 2.x, when the videos download
 * within the budget, n8n answers once it has resumed the execution, so a 200 never stands for a
 * resume that n8n dropped (a shutdown); past the budget TTAPI gets its 200 from us.
 */
async function resume(
	context: IWebhookFunctions,
	kind: JobKind,
	stored: CallbackBatch,
	items: BatchItem[],
	enteredAt: number,
): Promise<IWebhookResponseData> {
	if (!claimResume(stored.resumeUrl, enteredAt)) return answer(context, 409, BEING_RESUMED);
	const reply = answerWithin(context.getResponseObject(), RESUMED);
	let output: INodeExecutionData[] | undefined;
	try {
		output = await finishBatch(context, kind, stored, items);
	} catch (error) {
		// The batch is over and the callback answered: this error ends the execution.
		throw error instanceof NodeOperationError ? error : new NodeOperationError(context.getNode(), error as Error);
	} finally {
		reply.cancel();
		// finishBatch threw (a FAILED job fails the node): the batch is over, the callback handled.
		if (!output) reply.answerNow();
		resumeHandedOver(stored.resumeUrl);
	}
	if (n8nResumesOnce(stored.resumeUrl)) return reply.start([output]);
	runLater(ANSWER_AFTER_RESUME_MS, reply.answerNow);
	return { noWebhookResponse: true, workflowData: [output] };
}

/** Set once the call has its secret: how this process looks at the batch again later. */
interface Trouble {
	lookAgain?: () => void;
}

/**
 * Anything thrown from webhook() ends the waiting execution with an error. So only a resume's own
 * end (a FAILED job failing the node) is thrown; any other failure (TTAPI unreachable, or n8n's
 * database closing while n8n 1.x stops) is answered 503: the execution keeps waiting, TTAPI may
 * send again, and this process looks again a little later.
 */
async function keepWaitingOnTrouble(
	context: IWebhookFunctions,
	trouble: Trouble,
	work: () => Promise<IWebhookResponseData>,
): Promise<IWebhookResponseData> {
	let failure: unknown;
	try {
		return await work();
	} catch (error) {
		failure = error;
	}
	if (failure instanceof NodeOperationError) throw failure;
	const message = failure instanceof Error ? failure.message : String(failure);
	if (failure instanceof SoraJobError || failure instanceof TtApiTransportError) {
		trouble.lookAgain?.();
		return answer(context, 503, { error: `Could not confirm with TTAPI now: ${message}` });
	}
	context.logger.warn(`Sora Generate could not handle a callback now; the execution keeps waiting: ${message}`);
	return answer(context, 503, { error: `Could not handle the callback now: ${message}` });
}

/**
 * Wait for Callback's webhook(): every call reads the batch the execution stored when it paused,
 * asks TTAPI about the jobs not final there, and resumes the execution once all are. Nothing this
 * process remembers decides anything, so any n8n process can handle any call, in any order.
 */
export async function handleCallback(this: IWebhookFunctions, kinds: JobKinds): Promise<IWebhookResponseData> {
	const enteredAt = Date.now();
	const stored = readStoredBatch(this);
	const kind = stored ? kinds[stored.kind] : undefined;
	if (!stored || !kind) return answer(this, 404, { error: 'This execution is not waiting for Sora Generate callbacks' });
	const trouble: Trouble = {};
	return await keepWaitingOnTrouble(this, trouble, async () => await decide(this, kind, stored, enteredAt, trouble));
}

/** One call: refused, answered while the batch waits on, or the resume of the execution. */
async function decide(
	context: IWebhookFunctions,
	kind: JobKind,
	stored: CallbackBatch,
	enteredAt: number,
	trouble: Trouble,
): Promise<IWebhookResponseData> {
	const secret = resumeSecret(await context.getCredentials(TTAPI_CREDENTIAL_TYPE));
	const call = readCall(context, stored, secret);
	if ('noWebhookResponse' in call) return call;
	// n8n let this call in while our own resume of the execution was under way.
	if (resumeUnderWay(stored.resumeUrl, enteredAt)) return answer(context, 409, BEING_RESUMED);
	watchBatch(context, stored, secret, { origin: false });
	trouble.lookAgain = () => recheckSoon(context, stored, secret);

	const client = await createTtApiClient(context);
	const own = 'own' in call ? call.own : undefined;
	const atMaxWait = 'probe' in call && call.probe === 'deadline' && Date.now() >= stored.deadline;
	const view = await viewBatch(client, kind, stored, { own, complete: atMaxWait });
	// Max Wait has passed: end with what is known; every unfinished item keeps its job ID.
	if (atMaxWait) return await resume(context, kind, stored, view.items, enteredAt);
	if (own && view.ownLagging) {
		followLaggingJob(context, stored, secret, own.jobId);
		return answer(context, 503, { error: `TTAPI does not show job ${own.jobId} as ended yet; it is checked again within seconds` });
	}
	if (!view.allFinal) return { webhookResponse: RECEIVED };
	// n8n 1.x: only the batch's last job's callback resumes; any other call that finds the batch
	// complete leaves the resume to a knock a second later, if nobody has resumed it by then
	// (TTAPI's finishTime has whole seconds, so the "last" job may in fact have ended first).
	if (own && !n8nResumesOnce(stored.resumeUrl) && closingItem(stored, view.items) !== own.index) {
		recheckSoon(context, stored, secret, CLOSING_RECHECK_DELAYS_MS);
		return { webhookResponse: RECEIVED };
	}
	return await resume(context, kind, stored, view.items, enteredAt);
}
