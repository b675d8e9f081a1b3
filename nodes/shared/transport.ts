import type {
	IDataObject,
	IExecuteFunctions,
	IHttpRequestMethods,
	IN8nHttpFullResponse,
	IWebhookFunctions,
} from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { TTAPI_CREDENTIAL_TYPE } from './constants';
import { readTtApiCredentials } from './credentials';

export type TtApiContext = IExecuteFunctions | IWebhookFunctions;

export interface TtApiRequest {
	method: IHttpRequestMethods;
	path: string;
	body?: IDataObject;
	qs?: IDataObject;
	timeoutMs: number;
}

export interface TtApiResponse {
	statusCode: number;
	/** The parsed JSON body; undefined when the body was empty or not JSON. */
	body?: IDataObject;
	/** The start of a body that was not JSON. */
	malformed?: string;
}

/**
 * A request that failed before any HTTP answer came back. `mayHaveReachedTtapi` is false only
 * when the connection provably never carried the request (refused, DNS, TLS), which is what the
 * money rule needs to decide whether a generation may be resent.
 */
export class TtApiTransportError extends Error {
	constructor(
		message: string,
		readonly mayHaveReachedTtapi: boolean,
		readonly cancelled: boolean,
	) {
		super(message);
		this.name = 'TtApiTransportError';
	}
}

const NEVER_SENT_CODES = new Set([
	'ECONNREFUSED',
	'ENOTFOUND',
	'EAI_AGAIN',
	'EHOSTUNREACH',
	'ENETUNREACH',
	'ERR_INVALID_URL',
	'CERT_HAS_EXPIRED',
	'DEPTH_ZERO_SELF_SIGNED_CERT',
	'SELF_SIGNED_CERT_IN_CHAIN',
	'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
	'ERR_TLS_CERT_ALTNAME_INVALID',
]);

export interface TtApiClient {
	send(request: TtApiRequest): Promise<TtApiResponse>;
}

/** The one way node code talks to TTAPI: n8n's own request helper with the credential's header. */
export async function createTtApiClient(context: TtApiContext): Promise<TtApiClient> {
	const credentials = readTtApiCredentials(await context.getCredentials(TTAPI_CREDENTIAL_TYPE));
	if ('problem' in credentials) throw new NodeOperationError(context.getNode(), credentials.problem);
	const { baseUrl } = credentials;
	return {
		send: async (request) => await sendToTtapi(context, baseUrl, request),
	};
}

async function sendToTtapi(
	context: TtApiContext,
	baseUrl: string,
	request: TtApiRequest,
): Promise<TtApiResponse> {
	let response: IN8nHttpFullResponse;
	try {
		response = (await context.helpers.httpRequestWithAuthentication.call(
			context,
			TTAPI_CREDENTIAL_TYPE,
			{
				method: request.method,
				baseURL: baseUrl,
				url: request.path,
				body: request.body,
				qs: request.qs,
				json: true,
				timeout: request.timeoutMs,
				returnFullResponse: true,
				ignoreHttpStatusErrors: true,
			},
		)) as IN8nHttpFullResponse;
	} catch (error) {
		throw describeTransportError(error, baseUrl);
	}
	return { statusCode: response.statusCode, ...parseBody(response.body) };
}

function parseBody(body: unknown): Pick<TtApiResponse, 'body' | 'malformed'> {
	if (body && typeof body === 'object' && !Array.isArray(body) && !Buffer.isBuffer(body)) {
		return { body: body as IDataObject };
	}
	const text = Buffer.isBuffer(body) ? body.toString('utf8') : typeof body === 'string' ? body : '';
	if (!text.trim()) return {};
	try {
		const parsed: unknown = JSON.parse(text);
		if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) {
			return { body: parsed as IDataObject };
		}
	} catch {}
	return { malformed: text.slice(0, 200) };
}

/** Finds the network error code n8n's NodeApiError wraps (in its `cause`, the axios error, or its httpCode). */
function findErrorCode(error: unknown): string {
	let current: unknown = error;
	for (let depth = 0; depth < 5 && current && typeof current === 'object'; depth++) {
		const code = (current as { code?: unknown }).code;
		if (typeof code === 'string' && code) return code;
		// Some n8n-core releases drop the cause and keep the code as the NodeApiError's httpCode.
		const httpCode = (current as { httpCode?: unknown }).httpCode;
		if (typeof httpCode === 'string' && /^E[A-Z_]+$/.test(httpCode)) return httpCode;
		current = (current as { cause?: unknown }).cause;
	}
	return 'UNKNOWN';
}

// Only codes and our own words go into the message: the wrapped error carries request headers.
function describeTransportError(error: unknown, baseUrl: string): TtApiTransportError {
	const code = findErrorCode(error);
	const cancelled =
		code === 'ERR_CANCELED' || (error as { name?: string })?.name === 'ManualExecutionCancelledError';
	if (cancelled) return new TtApiTransportError('The execution was cancelled', true, true);
	const neverSent = NEVER_SENT_CODES.has(code);
	const timedOut = code === 'ECONNABORTED' || code === 'ETIMEDOUT';
	const what = neverSent
		? `Could not connect to TTAPI at ${baseUrl}`
		: timedOut
			? `TTAPI at ${baseUrl} did not answer in time`
			: `The connection to TTAPI at ${baseUrl} failed`;
	return new TtApiTransportError(`${what} (${code})`, !neverSent, false);
}
