/**
 * The express-like request and response a webhook() sees, for the harness's webhook runners.
 * The response records what the node answered (and can forward it to a real HTTP response).
 */

export interface FakeRequestInput {
	method?: string;
	body?: unknown;
	query?: Record<string, unknown>;
	headers?: Record<string, string>;
}

export interface RecordedResponse {
	statusCode: number;
	body: unknown;
	headers: Record<string, string>;
	ended: boolean;
	/** ms since the call started when the response was ended (undefined: never). */
	endedAtMs?: number;
}

export interface ResponseSink {
	statusCode: number;
	setHeader(name: string, value: string): unknown;
	end(body?: string | Buffer): unknown;
}

export function fakeRequest(request: FakeRequestInput) {
	const headers = Object.fromEntries(
		Object.entries(request.headers ?? { 'content-type': 'application/json' }).map(([k, v]) => [k.toLowerCase(), v]),
	);
	return {
		method: request.method ?? 'POST',
		body: request.body,
		query: request.query ?? {},
		headers,
		params: {},
		contentType: headers['content-type']?.split(';')[0].trim(),
		cookies: {},
	};
}

export class RecordingResponse {
	readonly record: RecordedResponse = { statusCode: 200, body: undefined, headers: {}, ended: false };
	private readonly started = Date.now();

	constructor(
		private readonly sink?: ResponseSink,
		private readonly onEnd?: (response: RecordedResponse) => void,
	) {}

	get headersSent(): boolean {
		return this.record.ended;
	}

	get statusCode(): number {
		return this.record.statusCode;
	}

	status(code: number): this {
		this.assertOpen();
		this.record.statusCode = code;
		return this;
	}

	setHeader(name: string, value: string): this {
		this.assertOpen();
		this.record.headers[name.toLowerCase()] = String(value);
		return this;
	}

	header(name: string, value: string): this {
		return this.setHeader(name, value);
	}

	set(name: string, value: string): this {
		return this.setHeader(name, value);
	}

	getHeader(name: string): string | undefined {
		return this.record.headers[name.toLowerCase()];
	}

	json(body: unknown): this {
		this.setHeader('content-type', 'application/json; charset=utf-8');
		return this.finish(body, JSON.stringify(body));
	}

	send(body?: unknown): this {
		if (body !== null && typeof body === 'object' && !Buffer.isBuffer(body)) return this.json(body);
		return this.finish(body, body === undefined ? '' : Buffer.isBuffer(body) ? body : String(body));
	}

	end(body?: string | Buffer): this {
		return this.finish(body, body ?? '');
	}

	private finish(body: unknown, wire: string | Buffer): this {
		this.assertOpen();
		this.record.body = body;
		this.record.ended = true;
		this.record.endedAtMs = Date.now() - this.started;
		if (this.sink) {
			this.sink.statusCode = this.record.statusCode;
			for (const [name, value] of Object.entries(this.record.headers)) this.sink.setHeader(name, value);
			this.sink.end(wire);
		}
		this.onEnd?.(this.record);
		return this;
	}

	// Express throws ERR_HTTP_HEADERS_SENT here; so do we, so that double answers fail tests.
	private assertOpen(): void {
		if (this.record.ended) {
			const error = new Error('Cannot set headers after they are sent to the client') as Error & { code: string };
			error.code = 'ERR_HTTP_HEADERS_SENT';
			throw error;
		}
	}
}
