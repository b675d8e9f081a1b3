/**
 * Why one job (one input item) did not produce a video. It always says what is known about the
 * job, so that no item leaves the node without its job id.
 */
export type JobErrorKind =
	| 'unauthorized'
	| 'rejected'
	| 'insufficient-balance'
	| 'uncertain-submit'
	| 'job-failed'
	| 'unknown-status'
	| 'timeout'
	| 'fetch-failed'
	| 'no-video-url'
	| 'download-failed'
	| 'not-submitted';

export class SoraJobError extends Error {
	constructor(
		readonly kind: JobErrorKind,
		message: string,
		readonly details: {
			jobId?: string;
			status?: string;
			description?: string;
			httpCode?: number;
			/** TTAPI's own words, when it gave any. */
			ttapiMessage?: string;
		} = {},
	) {
		super(message);
		this.name = 'SoraJobError';
	}

	get jobId(): string | undefined {
		return this.details.jobId;
	}
}

export function unauthorizedError(ttapiMessage: string | undefined): SoraJobError {
	return new SoraJobError(
		'unauthorized',
		`TTAPI refused the API key: ${ttapiMessage || 'HTTP 401'}`,
		{
			httpCode: 401,
			ttapiMessage,
			description: 'Check the API Key in the TTAPI credential (and that your TTAPI email is activated).',
		},
	);
}

/** What is kept of a failure while an execution waits: plain fields, stored with the execution. */
export function failureOf(error: unknown): { message: string; description?: string; jobId?: string; status?: string } {
	if (!(error instanceof SoraJobError)) return { message: (error as Error)?.message ?? String(error) };
	const { jobId, status, description } = error.details;
	return { message: error.message, description, jobId, status };
}
