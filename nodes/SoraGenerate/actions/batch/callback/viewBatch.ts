import type { IDataObject } from 'n8n-workflow';

import { pause } from '../../../../shared/backoff';
import { FINAL_STATUSES, RUNNING_STATUSES } from '../../../../shared/constants';
import { SoraJobError } from '../../../../shared/jobError';
import { fetchJob } from '../../../../shared/soraApi';
import type { TtApiClient } from '../../../../shared/transport';
import type { JobKind } from '../jobKind';
import { unknownStatusError } from '../waitForJob';
import type { BatchItem, CallbackBatch } from './callbackBatch';
import { failureOf, isFinal } from './callbackBatch';
import type { JobEnd } from './processCache';
import { cacheFinal, cachedFinal } from './processCache';

/** The callback being handled: its item, and the job record it brought. */
export interface OwnCallback {
	index: number;
	body: IDataObject;
}

export interface BatchView {
	/** The stored items, brought up to date with what TTAPI (or this process's cache) says now. */
	items: BatchItem[];
	allFinal: boolean;
	/** The callback says its job ended, but TTAPI's record of it does not show that yet. */
	ownLagging: boolean;
}

/** Inside webhook(), TTAPI waits for the answer: a few quick tries, not Poll mode's long backoff. */
const FETCH_IN_CALLBACK = { maxAttempts: 3, backoffBaseMs: 500 };
/** Re-reads of a record that lags its callback, while TTAPI still waits for our answer. */
const LAG_RECHECKS_MS = [700, 1500];

const isFinalStatus = (status: string) => FINAL_STATUSES.includes(status);

function ended(item: BatchItem & { phase: 'running' }, end: JobEnd): BatchItem {
	if ('result' in end) return { phase: 'done', jobId: item.jobId, result: end.result, echo: item.echo };
	return { phase: 'failed', failure: end.failure, echo: item.echo };
}

/** An item brought up to date with a job record; final records are cached (they never change). */
function withRecord(kind: JobKind, item: BatchItem & { phase: 'running' }, record: IDataObject): BatchItem {
	const result = kind.normalise(record, item.jobId);
	if (RUNNING_STATUSES.includes(result.status)) return { ...item, lastStatus: result.status };
	const end: JobEnd = isFinalStatus(result.status) ? { result } : { failure: failureOf(unknownStatusError(item.jobId, result.status, kind.lookUp)) };
	cacheFinal(item.jobId, end);
	return ended(item, end);
}

/**
 * What the batch looks like now. The stored batch only knows what was final when the execution
 * paused; TTAPI knows the rest. The callback's own job is asked about first; then the others, the
 * last submitted first (the likeliest to be still running), stopping at the first one still
 * running unless `complete` (Max Wait: every item's last status is wanted).
 */
export async function viewBatch(
	client: TtApiClient,
	kind: JobKind,
	batch: CallbackBatch,
	{ own, complete = false }: { own?: OwnCallback; complete?: boolean },
): Promise<BatchView> {
	const items = batch.items.map((item) => {
		const end = item.phase === 'running' ? cachedFinal(item.jobId) : undefined;
		return end && item.phase === 'running' ? ended(item, end) : item;
	});
	const refresh = async (index: number) => {
		const item = items[index];
		if (item.phase === 'running') items[index] = withRecord(kind, item, await fetchJob(client, item.jobId, { ...FETCH_IN_CALLBACK, lookUp: kind.lookUp }));
	};

	let ownLagging = false;
	const ownItem = own ? items[own.index] : undefined;
	if (own && ownItem?.phase === 'running') {
		if (!batch.confirmWithFetch) {
			items[own.index] = withRecord(kind, ownItem, own.body);
		} else {
			const claimsFinal = isFinalStatus(kind.normalise(own.body, ownItem.jobId).status);
			await refresh(own.index);
			for (const delay of LAG_RECHECKS_MS) {
				if (!claimsFinal || isFinal(items[own.index])) break;
				await pause(delay);
				await refresh(own.index);
			}
			ownLagging = claimsFinal && !isFinal(items[own.index]);
		}
	}

	for (let index = items.length - 1; index >= 0; index--) {
		if (isFinal(items[index])) continue;
		if (!complete && index === own?.index) break;
		let failure: unknown;
		try {
			await refresh(index);
		} catch (error) {
			failure = error;
		}
		// At Max Wait an unreadable status keeps the last one known; otherwise the call is answered 503.
		const keepLastStatus = complete && failure instanceof SoraJobError && failure.kind !== 'unauthorized';
		if (failure && !keepLastStatus) throw failure;
		if (!complete && !isFinal(items[index])) break;
	}
	return { items, allFinal: items.every(isFinal), ownLagging };
}
