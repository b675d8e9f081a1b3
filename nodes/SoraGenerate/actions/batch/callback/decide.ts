import type { IDataObject } from 'n8n-workflow';

import { FINAL_STATUSES, RUNNING_STATUSES } from '../../../../shared/constants';
import { isTtapiJobRecord } from '../../../../shared/normalise';
import { readJobId } from '../../../../shared/soraApi';
import type { JobResult } from '../jobKind';
import { unknownStatusError } from '../waitForJob';
import { itemTokenMatches, lookTokenMatches } from './callbackUrls';
import type { BatchItem, CallbackBatch } from './storedBatch';
import { isFinal, jobIdOf } from './storedBatch';

/** A call to the resume URL: the look-again loop's, or TTAPI's callback for one item. */
export type Call = { look: true; token: unknown } | { look?: false; index: unknown; token: unknown; body: unknown };

/** TTAPI's record of a job not final in the stored batch: read, unreadable now, or not asked. */
export type JobRecord = { result: JobResult } | { unreadable: string } | undefined;

export type Verdict =
	| { answer: 400 | 401 | 403; error: string }
	/** Could not conclude now: TTAPI may send again, and the look-again loop looks again. */
	| { answer: 503; error: string }
	/** Some job still runs. */
	| { answer: 200 }
	/** Every job is final, or Max Wait has passed. */
	| { resume: BatchItem[] };

export type Situation = { batch: CallbackBatch; call: Call; secret: string; /** by item index */ records: JobRecord[]; now: number };

/** Who may call: our loop with its token, or TTAPI with an item's token, a job record and that item's job. */
export function refusalOf(batch: CallbackBatch, call: Call, secret: string): Extract<Verdict, { answer: 400 | 401 | 403 }> | undefined {
	if (call.look) return lookTokenMatches(batch, secret, call.token) ? undefined : { answer: 401, error: 'Wrong or missing token' };
	const index = Number(call.index);
	if (!Number.isInteger(index) || index < 0 || index >= batch.items.length) return { answer: 400, error: 'This callback URL names no item of the batch' };
	if (!itemTokenMatches(batch, secret, index, call.token)) return { answer: 401, error: 'Wrong or missing token' };
	if (!isTtapiJobRecord(call.body)) return { answer: 400, error: 'The body is not a TTAPI job result' };
	if (jobIdOf(batch.items[index]) !== readJobId(call.body)) return { answer: 403, error: 'This job was not submitted for this item' };
	return undefined;
}

function withRecord(item: BatchItem, record: JobRecord, lookUp?: string): BatchItem {
	if (item.phase !== 'running' || !record || 'unreadable' in record) return item;
	const { result } = record;
	if (RUNNING_STATUSES.includes(result.status)) return { ...item, lastStatus: result.status };
	if (FINAL_STATUSES.includes(result.status)) return { phase: 'done', jobId: item.jobId, result, echo: item.echo };
	const { message, details } = unknownStatusError(item.jobId, result.status, lookUp);
	return { phase: 'failed', echo: item.echo, failure: { message, ...details } };
}

const claimsFinal = (body: unknown) => FINAL_STATUSES.includes(String((body as IDataObject).status).toUpperCase());
const unreadable = (record: JobRecord) => (record && 'unreadable' in record ? `Could not confirm with TTAPI now: ${record.unreadable}` : undefined);

/** webhook()'s whole decision, without I/O: from the stored batch, TTAPI's records of the jobs not final in it, the call and the clock. */
export function decide({ batch, call, secret, records, now }: Situation): Verdict {
	const refusal = refusalOf(batch, call, secret);
	if (refusal) return refusal;
	const items = batch.items.map((item, index) => withRecord(item, records[index], batch.lookUp));
	if (now >= batch.deadline) return { resume: items };
	const own = call.look ? undefined : Number(call.index);
	if (own !== undefined && claimsFinal((call as { body: unknown }).body) && !isFinal(items[own])) {
		return { answer: 503, error: unreadable(records[own]) ?? `TTAPI does not show job ${jobIdOf(items[own])} as ended yet; send the callback again later` };
	}
	if (items.some((item, index) => !isFinal(item) && records[index] && !unreadable(records[index]))) return { answer: 200 };
	const trouble = records.map(unreadable).find(Boolean);
	if (trouble) return { answer: 503, error: trouble };
	return items.every(isFinal) ? { resume: items } : { answer: 200 };
}
