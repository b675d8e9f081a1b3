import type { IDataObject } from 'n8n-workflow';

import { backoffDelay, pause } from './backoff';
import { FETCH_TIMEOUT_MS, TTAPI_PATHS } from './constants';
import { quotaToUsd, readQuota } from './cost';
import { SoraJobError, unauthorizedError } from './jobError';
import { sendOrTransportError, ttapiMessage } from './soraApi';
import type { TtApiClient } from './transport';
import { TtApiTransportError } from './transport';

/** The account, as Account → Get outputs it: amounts in quota and in US dollars. */
export interface AccountInfo extends IDataObject {
	email: string | null;
	balance: number | null;
	balanceUsd: number | null;
	freezeBalance: number | null;
	freezeBalanceUsd: number | null;
	maxQueue: number | null;
}

/** TTAPI's info record, normalised. Only the fields TTAPI documents are kept. */
export function normaliseAccount(raw: IDataObject): AccountInfo {
	const data = (raw.data && typeof raw.data === 'object' ? raw.data : {}) as IDataObject;
	const balance = readQuota(data.balance);
	const freezeBalance = readQuota(data.freeze_balance ?? data.freezeBalance);
	const maxQueue = readQuota(data.max_queue ?? data.maxQueue);
	return {
		email: typeof data.email === 'string' ? data.email : null,
		balance,
		balanceUsd: quotaToUsd(balance),
		freezeBalance,
		freezeBalanceUsd: quotaToUsd(freezeBalance),
		maxQueue: maxQueue === null ? null : Math.floor(maxQueue),
	};
}

/** GET /midjourney/v1/info, retried with backoff on transient failures (it changes nothing at TTAPI). */
export async function getAccountInfo(
	client: TtApiClient,
	{ signal, maxAttempts = 4, backoffBaseMs = 1000 }: { signal?: AbortSignal; maxAttempts?: number; backoffBaseMs?: number } = {},
): Promise<AccountInfo> {
	let lastProblem = '';
	for (let attempt = 0; attempt < maxAttempts; attempt++) {
		if (attempt > 0) await pause(backoffDelay(attempt - 1, backoffBaseMs), signal);
		const response = await sendOrTransportError(client, { method: 'GET', path: TTAPI_PATHS.accountInfo, timeoutMs: FETCH_TIMEOUT_MS });
		if (response instanceof TtApiTransportError) {
			lastProblem = response.message;
			continue;
		}
		const message = ttapiMessage(response);
		if (response.statusCode === 401) throw unauthorizedError(message);
		if (response.statusCode === 429 || response.statusCode >= 500 || !response.body) {
			lastProblem = response.body ? `TTAPI answered HTTP ${response.statusCode}${message ? `: ${message}` : ''}` : `TTAPI answered HTTP ${response.statusCode} with a body that is not JSON`;
			continue;
		}
		if (response.statusCode >= 400 || response.body.status !== 'SUCCESS') {
			throw new SoraJobError('rejected', `TTAPI refused to show the account: ${message || `HTTP ${response.statusCode}`}`, {
				httpCode: response.statusCode,
				ttapiMessage: message,
			});
		}
		return normaliseAccount(response.body);
	}
	throw new SoraJobError('fetch-failed', `Could not read the account from TTAPI after ${maxAttempts} attempts: ${lastProblem}`);
}
