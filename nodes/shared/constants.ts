export const TTAPI_CREDENTIAL_TYPE = 'ttApi';

export const SORA_MODELS = ['sora-2', 'sora-2-pro'] as const;

/** TTAPI job states. Anything else is unknown and must end the wait with an error. */
export const JOB_STATUS = {
	queued: 'PENDING_QUEUE',
	running: 'ON_QUEUE',
	success: 'SUCCESS',
	failed: 'FAILED',
} as const;

export const RUNNING_STATUSES: readonly string[] = [JOB_STATUS.queued, JOB_STATUS.running];
export const FINAL_STATUSES: readonly string[] = [JOB_STATUS.success, JOB_STATUS.failed];

/** Status we report for a job TTAPI accepted but that nobody has fetched yet ("Don't wait" mode). */
export const SUBMITTED_STATUS = 'SUBMITTED';

export const TTAPI_PATHS = {
	generations: '/sora/generations',
	fetch: '/sora/fetch',
	characters: '/sora/characters',
	accountInfo: '/midjourney/v1/info',
} as const;

/** TTAPI bills in quota: 1 US dollar buys 100 quota. */
export const QUOTA_PER_USD = 100;

export const SUBMIT_TIMEOUT_MS = 60_000;
export const FETCH_TIMEOUT_MS = 30_000;
