import type { IDataObject, INodeExecutionData, IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';

import { TTAPI_CREDENTIAL_TYPE } from '../shared/constants';
import { downloadVideo } from '../shared/download';
import type { SoraJobResult } from '../shared/normalise';
import { normaliseJobResult } from '../shared/normalise';
import { fetchJob } from '../shared/soraApi';
import { createTtApiClient } from '../shared/transport';
import { answerWithin, TTAPI_ANSWER_WITHIN_MS } from '../shared/webhookAnswer';
import type { CallbackRefusal, EventFilter, TriggerEvent } from './callbackRequest';
import {
	REFUSAL,
	eventForStatus,
	eventPasses,
	hasValidToken,
	parseCallbackBody,
	readCallbackSecret,
} from './callbackRequest';
import type { CallbackMemory } from './dedupe';
import {
	dedupeKey,
	processMemory,
	rememberInStaticData,
	scopedKey,
	seenInStaticData,
} from './dedupe';

/** Lookups tried before giving up on verification (with backoff 1 s, 2 s, 4 s between them). */
export const VERIFY_ATTEMPTS = 4;

/** The answer every accepted callback gets. */
export const RECEIVED = { received: true } as const;
/**
 * How long TTAPI may wait for our answer while we look the job up and download the video.
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
	download: boolean;
	binaryPropertyName: string;
}

function readSettings(context: IWebhookFunctions): TriggerSettings {
	const binaryPropertyName = String(context.getNodeParameter('binaryPropertyName', 'data') ?? '').trim();
	return {
		events: String(context.getNodeParameter('events', 'both')) as EventFilter,
		verify: context.getNodeParameter('verifyWithFetch', true) !== false,
		download: context.getNodeParameter('downloadVideo', false) === true,
		binaryPropertyName: binaryPropertyName || 'data',
	};
}

/** Dedupe for one call: the process memory plus this node's static data; none for test events. */
class CallbackDedupe {
	constructor(
		private readonly store?: {
			memory: CallbackMemory;
			scope: (key: string) => string;
			staticData: IDataObject;
		},
	) {}

	/** Claims a job + status for this call: 'duplicate' when it was handled, 'busy' while another call handles it. */
	claim(key: string): 'claimed' | 'duplicate' | 'busy' {
		if (!this.store) return 'claimed';
		if (seenInStaticData(this.store.staticData, key)) return 'duplicate';
		if (this.store.memory.claim(this.store.scope(key))) return 'claimed';
		return this.store.memory.inProgress(this.store.scope(key)) ? 'busy' : 'duplicate';
	}

	release(key: string | undefined): void {
		if (this.store && key) this.store.memory.release(this.store.scope(key));
	}

	done(key: string): void {
		if (!this.store) return;
		this.store.memory.done(this.store.scope(key));
		rememberInStaticData(this.store.staticData, key);
	}
}

function createDedupe(context: IWebhookFunctions): CallbackDedupe {
	// Test events ("Listen for test event") may be replayed while the workflow is being built.
	if (context.getMode() === 'manual') return new CallbackDedupe();
	const workflowId = context.getWorkflow().id;
	const nodeName = context.getNode().name;
	return new CallbackDedupe({
		memory: processMemory,
		scope: (key) => scopedKey(workflowId, nodeName, key),
		staticData: context.getWorkflowStaticData('node'),
	});
}

/**
 * One TTAPI callback: refuse it (401/403/400, nothing starts), or answer 200 at once and then
 * decide, from TTAPI's own record, whether it starts the workflow.
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
	if (!hasValidToken(secret, this.getQueryData())) return refuse(REFUSAL.badToken);

	const parsed = parseCallbackBody(this.getBodyData());
	if (!parsed.ok) return refuse(parsed.refusal);

	const settings = readSettings(this);
	const dedupe = createDedupe(this);
	/** Claims the key, or answers for a call that must start nothing: 409 while another handles it. */
	const claimOrAnswer = (key: string): IWebhookResponseData | undefined => {
		const claim = dedupe.claim(key);
		if (claim === 'claimed') return undefined;
		return claim === 'busy' ? refuse(REFUSAL.busy) : nothingStarts();
	};
	const { jobId } = parsed;
	let claimed: string | undefined;
	if (eventForStatus(parsed.status) !== 'running') {
		claimed = dedupeKey(jobId, parsed.status);
		const notClaimed = claimOrAnswer(claimed);
		if (notClaimed) return notClaimed;
	}

	// Best case, n8n answers once it has started the execution (2.x does that only after the
	// execution is registered, so a 200 never stands for a callback that was dropped, e.g. during a
	// shutdown). But TTAPI must not wait long for the lookup and the download: past the budget we
	// answer ourselves and carry on.
	const reply = answerWithin(response, RECEIVED, ANSWER_WITHIN_MS);

	try {
		let record = parsed.record;
		let verified = false;
		let verifyError: string | undefined;
		if (settings.verify) {
			try {
				const fetched = await fetchJob(await createTtApiClient(this), jobId, { maxAttempts: VERIFY_ATTEMPTS });
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

		const result = normaliseJobResult(record, jobId);
		const event = eventForStatus(result.status);
		if (event === 'running') {
			dedupe.release(claimed);
			return nothingStarts();
		}
		const key = dedupeKey(jobId, result.status);
		if (key !== claimed) {
			dedupe.release(claimed);
			claimed = undefined;
			const notClaimed = claimOrAnswer(key);
			if (notClaimed) return notClaimed;
			claimed = key;
		}
		if (!eventPasses(settings.events, event)) {
			dedupe.release(claimed);
			return nothingStarts();
		}

		const item = await outputItem(this, result, event, { verified, verifyError }, settings);
		dedupe.done(key);
		return reply.start([[item]]);
	} catch (error) {
		// Not expected (every known failure becomes part of the item). Throwing would make n8n
		// answer 500 and TTAPI resend a callback we could not handle either: answer and log.
		reply.answerNow();
		dedupe.release(claimed);
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

async function outputItem(
	context: IWebhookFunctions,
	result: SoraJobResult,
	event: TriggerEvent,
	verification: { verified: boolean; verifyError?: string },
	settings: TriggerSettings,
): Promise<INodeExecutionData> {
	const json: IDataObject = { ...result, event, verified: verification.verified };
	if (verification.verifyError) json.verifyError = verification.verifyError;
	const item: INodeExecutionData = { json };
	if (!settings.download || event !== 'succeeded') return item;
	if (!result.videoUrl) {
		json.downloadError = `TTAPI reported job ${result.jobId} as ${result.status} but gave no video URL`;
		return item;
	}
	try {
		item.binary = {
			[settings.binaryPropertyName]: await downloadVideo(context, result.jobId, result.videoUrl),
		};
	} catch (error) {
		json.downloadError = (error as Error).message;
		context.logger.warn(`Sora Trigger could not download the video of job ${result.jobId}: ${json.downloadError}`);
	}
	return item;
}
