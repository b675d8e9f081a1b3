import type { IDataObject } from 'n8n-workflow';

import { backoffDelay, pause } from './backoff';
import { FETCH_TIMEOUT_MS, SUBMIT_TIMEOUT_MS, TTAPI_PATHS } from './constants';
import { SoraJobError, unauthorizedError } from './jobError';
import type { TtApiClient, TtApiRequest, TtApiResponse } from './transport';
import { TtApiTransportError } from './transport';

/** What became of one POST /sora/generations, in the terms the money rule needs. */
export type SubmitOutcome =
	| { kind: 'accepted'; jobId: string }
	/** Refused for TTAPI's queue limit (HTTP 499 "queue exhausted", or words of the queue): no job was created, submitting again later is safe. */
	| { kind: 'queue-full'; message: string }
	/** HTTP 429 without words of the queue: too many requests. No job was created: back off, then send again. */
	| { kind: 'rate-limited'; message: string }
	/** HTTP 402 (or TTAPI's words for it): the balance does not cover the job. No job, no charge, and every further job would fail the same way. */
	| { kind: 'insufficient-balance'; message: string; httpCode: number }
	/** The request provably never left this machine: safe to send again. */
	| { kind: 'not-sent'; message: string }
	/** TTAPI answered with a refusal: no job, no charge, and sending it again would fail again. */
	| { kind: 'rejected'; message: string; httpCode: number }
	| { kind: 'unauthorized'; message: string }
	/** The job may exist and cost quota, but we do not know its id: never resend. */
	| { kind: 'uncertain'; message: string };

const QUEUE_FULL_WORDS = /queue|concurren|too many|in progress|in-progress|busy/i;
/** A 429 that speaks of the queue is TTAPI's queue limit ("Too many requests" alone is a rate limit). */
const QUEUE_WORDS = /queue|concurren/i;
const INSUFFICIENT_BALANCE_WORDS = /insufficient (balance|quota|credit|fund)|not enough (balance|quota|credit)|balance is not enough/i;

/** TTAPI's documented HTTP codes that the submit path treats by name (TTAPI's response-code page). */
export const TTAPI_HTTP = {
	unauthorized: 401,
	insufficientBalance: 402,
	tooManyRequests: 429,
	queueExhausted: 499,
	gatewayTimeout: 504,
} as const;

export function ttapiMessage(response: TtApiResponse): string {
	const message = response.body?.message;
	return typeof message === 'string' ? message : '';
}

export function readJobId(body: IDataObject | undefined): string | undefined {
	const data = body?.data as IDataObject | undefined;
	const id = data?.job_id ?? data?.jobId ?? body?.jobId ?? body?.job_id;
	return typeof id === 'string' && id ? id : undefined;
}

/**
 * Sends one request; a request that got no HTTP answer comes back as its TtApiTransportError, for
 * the caller to judge (the money rule). Cancellation, and anything that is not a transport failure,
 * propagate: the node's boundary turns them into n8n's errors.
 */
export async function sendOrTransportError(client: TtApiClient, request: TtApiRequest): Promise<TtApiResponse | TtApiTransportError> {
	let failure: unknown;
	try {
		return await client.send(request);
	} catch (error) {
		failure = error;
	}
	if (failure instanceof TtApiTransportError && !failure.cancelled) return failure;
	throw failure;
}

/** One POST that creates a TTAPI job (a generation, a character), classified for the money rule. */
export async function submitJobRequest(client: TtApiClient, path: string, body: IDataObject): Promise<SubmitOutcome> {
	const response = await sendOrTransportError(client, {
		method: 'POST',
		path,
		body,
		timeoutMs: SUBMIT_TIMEOUT_MS,
	});
	if (response instanceof TtApiTransportError) {
		return response.mayHaveReachedTtapi
			? { kind: 'uncertain', message: response.message }
			: { kind: 'not-sent', message: response.message };
	}
	return classifySubmitResponse(response);
}

export async function submitGeneration(client: TtApiClient, body: IDataObject): Promise<SubmitOutcome> {
	return await submitJobRequest(client, TTAPI_PATHS.generations, body);
}

export async function submitCharacter(client: TtApiClient, body: IDataObject): Promise<SubmitOutcome> {
	return await submitJobRequest(client, TTAPI_PATHS.characters, body);
}

export function classifySubmitResponse(response: TtApiResponse): SubmitOutcome {
	const { statusCode, body } = response;
	const message = ttapiMessage(response);
	if (statusCode === TTAPI_HTTP.unauthorized) return { kind: 'unauthorized', message };
	if (statusCode === TTAPI_HTTP.insufficientBalance) {
		return { kind: 'insufficient-balance', message: message || 'HTTP 402', httpCode: statusCode };
	}
	if (statusCode === TTAPI_HTTP.queueExhausted) return { kind: 'queue-full', message: message || 'HTTP 499 (queue exhausted)' };
	if (statusCode === TTAPI_HTTP.tooManyRequests) {
		return QUEUE_WORDS.test(message) ? { kind: 'queue-full', message } : { kind: 'rate-limited', message: message || 'HTTP 429' };
	}
	if (statusCode === TTAPI_HTTP.gatewayTimeout) {
		return { kind: 'uncertain', message: `TTAPI answered HTTP 504 (gateway timeout)${message ? `: ${message}` : ''}` };
	}
	if (statusCode >= 500) {
		return { kind: 'uncertain', message: `TTAPI answered HTTP ${statusCode}${message ? `: ${message}` : ''}` };
	}
	if (!body) {
		return {
			kind: 'uncertain',
			message: `TTAPI answered HTTP ${statusCode} with a body that is not JSON${response.malformed ? `: ${response.malformed}` : ''}`,
		};
	}
	if (body.status === 'FAILED' || statusCode >= 400) {
		if (INSUFFICIENT_BALANCE_WORDS.test(message)) return { kind: 'insufficient-balance', message, httpCode: statusCode };
		if (QUEUE_FULL_WORDS.test(message)) return { kind: 'queue-full', message };
		return { kind: 'rejected', message: message || `HTTP ${statusCode}`, httpCode: statusCode };
	}
	const jobId = readJobId(body);
	if (body.status === 'SUCCESS' && jobId) return { kind: 'accepted', jobId };
	return {
		kind: 'uncertain',
		message: `TTAPI answered HTTP ${statusCode} without a job id (status "${String(body.status)}")`,
	};
}

export interface FetchOptions {
	signal?: AbortSignal;
	/** Consecutive transient failures (429, 5xx, network, bad JSON) tolerated before giving up. */
	maxAttempts?: number;
	backoffBaseMs?: number;
	/** The operation that looks such a job up later (named in the error when TTAPI cannot be asked). */
	lookUp?: string;
}

/** GET /sora/fetch, retried with backoff on transient failures. Returns TTAPI's raw job record. */
export async function fetchJob(
	client: TtApiClient,
	jobId: string,
	{ signal, maxAttempts = 6, backoffBaseMs = 1000, lookUp = 'Get Video' }: FetchOptions = {},
): Promise<IDataObject> {
	let lastProblem = '';
	for (let attempt = 0; attempt < maxAttempts; attempt++) {
		if (attempt > 0) await pause(backoffDelay(attempt - 1, backoffBaseMs), signal);
		const response = await sendOrTransportError(client, {
			method: 'GET',
			path: TTAPI_PATHS.fetch,
			qs: { jobId },
			timeoutMs: FETCH_TIMEOUT_MS,
		});
		if (response instanceof TtApiTransportError) {
			lastProblem = response.message;
			continue;
		}
		const { statusCode, body } = response;
		if (statusCode === 401) {
			const failure = unauthorizedError(ttapiMessage(response));
			failure.details.jobId = jobId;
			throw failure;
		}
		if (statusCode === 429 || statusCode >= 500) {
			lastProblem = `TTAPI answered HTTP ${statusCode}${ttapiMessage(response) ? `: ${ttapiMessage(response)}` : ''}`;
			continue;
		}
		if (!body) {
			lastProblem = `TTAPI answered with a body that is not JSON${response.malformed ? `: ${response.malformed}` : ''}`;
			continue;
		}
		if (statusCode >= 400) {
			throw new SoraJobError(
				'fetch-failed',
				`TTAPI refused to look up job ${jobId}: ${ttapiMessage(response) || `HTTP ${statusCode}`}`,
				{ jobId, httpCode: statusCode, ttapiMessage: ttapiMessage(response) },
			);
		}
		return body;
	}
	throw new SoraJobError(
		'fetch-failed',
		`Could not get the status of job ${jobId} from TTAPI after ${maxAttempts} attempts: ${lastProblem}`,
		{
			jobId,
			description: `The job itself may still finish: look it up later with the ${lookUp} operation.`,
		},
	);
}
