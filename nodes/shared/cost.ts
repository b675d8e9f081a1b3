import { QUOTA_PER_USD } from './constants';

/** A quota amount as TTAPI gives it ("3", 3, "" or null) as a number, or null when there is none. */
export function readQuota(value: unknown): number | null {
	if (value === null || value === undefined || value === '') return null;
	const number = Number(value);
	return Number.isFinite(number) ? number : null;
}

/** Quota in US dollars (1 USD = 100 quota), rounded to 4 decimals so sums stay readable. */
export function quotaToUsd(quota: number | null): number | null {
	return quota === null ? null : Math.round((quota / QUOTA_PER_USD) * 10_000) / 10_000;
}
