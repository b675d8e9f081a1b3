import type { IDataObject, INodeExecutionData, IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';

import { TTAPI_CREDENTIAL_TYPE } from '../shared/constants';
import { fetchJob } from '../shared/soraApi';
import { createTtApiClient } from '../shared/transport';
import { answerWithin, TTAPI_ANSWER_WITHIN_MS } from '../shared/webhookAnswer';
import type { CallbackRefusal, EventFilter } from './callbackRequest';
import {
	REFUSAL,
	eventForStatus,
	eventPasses,
	checkCallbackUrl,
	parseCallbackBody,
	readCallbackSecret,
} from './callbackRequest';
import { dedupeKey, rememberInStaticData, savedBeforeAnswer, seenInStaticData } from './dedupe';
import { TRIGGER_JOB_KINDS, kindOfCallback } from './jobKind';

/** Lookups tried before giving up on verification (with backoff 1 s, 2 s, 4 s between them). */
export const VERIFY_ATTEMPTS = 4;

/** The answer every accepted callback gets. */
export const RECEIVED = { received: true } as const;
/**
 * How long TTAPI may wait for our answer while we look the job up.
 * Within it n8n answers, after it has started the execution; past it we answer ourselves, and a
 * crash or shutdown before the execution starts would then lose the callback. The fault matrix
 * measured that trade: with half a second, a busy shutting-down n8n dropped callbacks we had
 * answered; n8n's own Webhook node dropped none.
 */
export const ANSWER_WITHIN_MS = TTAPI_ANSWER_WITHIN_MS;

interface ResponseLike {
	headersSent?: boolean;
	status(code: number): ResponseLike;
	json(body: unknown): unknown;
}

interface TriggerSettings {
	events: EventFilter;
	verify: boolean;
}

function readSettings(context: IWebhookFunctions): TriggerSettings {
	return {
		events: String(context.getNodeParameter('events', 'both')) as EventFilter,
		verify: context.getNodeParameter('verifyWithFetch', true) !== false,
	};
}

/** This node's static data in production; none for test events, which may be replayed while building. */
function staticDataOf(context: IWebhookFunctions): IDataObject | undefined {
	return context.getMode() === 'manual' ? undefined : context.getWorkflowStaticData('node');
}

/**
 * One TTAPI callback: refuse it (401/403/400, nothing starts), or decide from TTAPI's own record
 * and the workflow's static data whether it starts an execution, and answer 200. The execution
 * then makes the final duplicate check and the download (executeTrigger.ts).
 */
export async function handleCallback(this: IWebhookFunctions): Promise<IWebhookResponseData> {
	const response = this.getResponseObject() as unknown as ResponseLike;
	const answer = (httpCode: number, body: IDataObject): void => {
		if (!response.headersSent) response.status(httpCode).json(body);
	};
	const nothing: IWebhookResponseData = { noWebhookResponse: true };
	const refuse = (refusal: CallbackRefusal): IWebhookResponseData => {
		answer(refusal.httpCode, { error: refusal.error });
		return nothing;
	};
	/** 200 for a callback that rightly starts nothing (a duplicate, a running job, filtered out). */
	const nothingStarts = (): IWebhookResponseData => {
		answer(200, RECEIVED);
		return nothing;
	};

	let credentials: IDataObject;
	try {
		credentials = await this.getCredentials(TTAPI_CREDENTIAL_TYPE);
	} catch (error) {
		this.logger.warn(`Sora Trigger refused a callback: no usable TTAPI credential (${(error as Error).message})`);
		return refuse(REFUSAL.noCredential);
	}
	const secret = readCallbackSecret(credentials);
	if (!secret) return refuse(REFUSAL.noSecret);
	const callbackUrl = checkCallbackUrl(secret, this.getQueryData());
	if (!callbackUrl.ok) return refuse(callbackUrl.refusal);

	const parsed = parseCallbackBody(this.getBodyData());
	if (!parsed.ok) return refuse(parsed.refusal);

	const settings = readSettings(this);
	const { jobId } = parsed;
	const staticData = staticDataOf(this);
	/** Whether a callback for this job and status already started an execution (in the saved static data). */
	const handled = (status: string): boolean => !!staticData && seenInStaticData(staticData, dedupeKey(jobId, status));
	if (eventForStatus(parsed.status) !== 'running' && handled(parsed.status)) return nothingStarts();

	// Best case, n8n answers once it has started the execution (2.x does that only after the
	// execution is registered, so a 200 never stands for a callback that was dropped, e.g. during a
	// shutdown). But TTAPI must not wait long for the lookup: past the budget we answer ourselves
	// and carry on.
	const reply = answerWithin(response, RECEIVED, ANSWER_WITHIN_MS);

	try {
		let record = parsed.record;
		let verified = false;
		let verifyError: string | undefined;
		if (settings.verify) {
			try {
				const lookUp = TRIGGER_JOB_KINDS[kindOfCallback(callbackUrl.payload, record)].lookUp;
				const fetched = await fetchJob(await createTtApiClient(this), jobId, { maxAttempts: VERIFY_ATTEMPTS, lookUp });
				const unknown = unknownJobMessage(fetched);
				if (unknown) throw new Error(`TTAPI does not know job ${jobId} under this credential's API key: ${unknown}`);
				record = fetched;
				verified = true;
			} catch (error) {
				verifyError = (error as Error).message;
				this.logger.warn(
					`Sora Trigger could not verify job ${jobId} with TTAPI; using the callback body instead: ${verifyError}`,
				);
			}
		}

		const kind = kindOfCallback(callbackUrl.payload, record);
		const result = TRIGGER_JOB_KINDS[kind].normalise(record, jobId);
		const event = eventForStatus(result.status);
		if (event === 'running' || !eventPasses(settings.events, event) || handled(result.status)) return nothingStarts();

		const json: IDataObject = { kind, ...result, event, verified, callbackData: callbackUrl.payload?.data ?? {} };
		if (verifyError) json.verifyError = verifyError;
		const item: INodeExecutionData = { json };
		// A video is downloaded in the execution (executeTrigger.ts), after its own duplicate check.
		if (!staticData) return reply.start([[item]]);
		const remember = () => rememberInStaticData(staticData, dedupeKey(jobId, result.status));
		remember();
		return savedBeforeAnswer(reply.start([[item]]), remember);
	} catch (error) {
		// Not expected (every known failure becomes part of the item). Throwing would make n8n
		// answer 500 and TTAPI resend a callback we could not handle either: answer and log.
		reply.answerNow();
		this.logger.error(`Sora Trigger could not handle the callback for job ${jobId}: ${(error as Error).message}`);
		return nothing;
	} finally {
		reply.cancel();
	}
}

/**
 * TTAPI answers a lookup of a job it does not know (e.g. one submitted with another API key) as
 * FAILED without job data. That says nothing about the job itself, so it is not used as its record.
 */
export function unknownJobMessage(record: IDataObject): string | undefined {
	const hasData = record.data !== null && typeof record.data === 'object';
	const message = typeof record.message === 'string' ? record.message : '';
	if (String(record.status).toUpperCase() !== 'FAILED' || hasData) return undefined;
	return /not\s*(be\s*)?found|not\s*exist|no such|unknown job/i.test(message) ? message : undefined;
}
