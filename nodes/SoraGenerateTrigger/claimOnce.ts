/**
 * "Is this execution the one that handles job + status K?", decided in n8n's database, in the
 * record n8n's Remove Duplicates node keeps ("processed data", one row per node).
 *
 * That record is read, then written back whole: two executions that read it before either
 * writes both see K as new, and a write based on an older read drops what another execution
 * wrote in between. A single check-and-record (what Remove Duplicates does) therefore lets
 * concurrent duplicates through. claimOnce orders them first (Fischer's mutual exclusion, which
 * needs nothing but such a register and a bound on how long a read-then-write takes), then lets
 * the first one mark K. Exactly one execution goes on as long as n8n's read-then-write of the
 * record takes less than the wait (at least `settleMs`, more when the claim sees a slow
 * database); whatever the timing, at least one does.
 */

/** A record n8n keeps in its database: values are added, and each call says which were in it. */
export interface ProcessedRecord {
	/** Adds the values; returns the ones that were recorded before this call. */
	checkAndRecord(values: string[]): Promise<Set<string>>;
}

export interface ClaimTiming {
	/**
	 * How long to wait before looking again, at least: longer than one read-then-write of the
	 * record. The wait grows to SLOW_FACTOR times the slowest call this claim has seen, so a
	 * database under load gets more time.
	 */
	settleMs: number;
	/** How many times to look again when a stale write removed every trace of the key. */
	rounds: number;
	/** Attempts per call when the record cannot be read or written (e.g. two first inserts). */
	attempts: number;
	retryMs: number;
	/**
	 * How long one call may take before the claim gives up and lets the execution go on. A
	 * database that does not answer (n8n 2.x, during its shutdown, still answers webhooks while
	 * its database calls hang) must not hold the callback's item until n8n kills the execution.
	 */
	callTimeoutMs: number;
	sleep: (ms: number) => Promise<void>;
	/** 0 ≤ x < 1; spreads the waits so that executions started together do not write in step. */
	random: () => number;
	now: () => number;
}

export type ClaimOutcome =
	/** This execution handles the key. */
	| { outcome: 'first' }
	/** Another execution handles (or handled) the key. */
	| { outcome: 'duplicate' }
	/** The record could not be used; the execution goes on, as if first. */
	| { outcome: 'unchecked'; error: string };

export const CLAIM_TIMING: Omit<ClaimTiming, 'sleep' | 'random' | 'now'> = {
	settleMs: 400,
	rounds: 3,
	attempts: 3,
	retryMs: 200,
	callTimeoutMs: 1000,
};

/** Waits last between the settle time and MAX_SPREAD times it. */
const MAX_SPREAD = 1.5;
const SLOW_FACTOR = 4;

/** What one claim has seen of the record's speed. */
interface Pace {
	timing: ClaimTiming;
	slowestMs: number;
}

function settleMs(pace: Pace): number {
	return Math.max(pace.timing.settleMs, SLOW_FACTOR * pace.slowestMs);
}

async function settleOnce(pace: Pace): Promise<void> {
	await pace.timing.sleep(Math.round(settleMs(pace) * (1 + (MAX_SPREAD - 1) * pace.timing.random())));
}

type Seen = { ok: true; seen: Set<string> } | { ok: false; error: string };

const TIMED_OUT: unique symbol = Symbol('timed out');

/** The call's answer, or TIMED_OUT; a call that answers after that is left to finish on its own. */
async function withinTimeout(call: Promise<Set<string>>, timing: ClaimTiming): Promise<Set<string> | typeof TIMED_OUT> {
	call.catch(() => undefined);
	return await Promise.race([call, timing.sleep(timing.callTimeoutMs).then((): typeof TIMED_OUT => TIMED_OUT)]);
}

async function record(store: ProcessedRecord, values: string[], pace: Pace): Promise<Seen> {
	const { timing } = pace;
	let error = '';
	for (let attempt = 1; attempt <= timing.attempts; attempt++) {
		if (attempt > 1) await timing.sleep(timing.retryMs);
		const started = timing.now();
		try {
			const seen = await withinTimeout(store.checkAndRecord(values), timing);
			if (seen === TIMED_OUT) {
				// Asking again would only queue behind the call that hangs.
				return { ok: false, error: `n8n's database did not answer within ${timing.callTimeoutMs / 1000} s` };
			}
			pace.slowestMs = Math.max(pace.slowestMs, timing.now() - started);
			return { ok: true, seen };
		} catch (thrown) {
			// The first write of a node's record is an insert: when two executions make it at once,
			// one fails on the primary key, wrote nothing, and finds the other's record next time.
			error = (thrown as Error).message;
		}
	}
	return { ok: false, error };
}

/**
 * Claims `key` for `claimant` (the execution ID, unique per execution).
 *
 * 1. Claim: record the key and a token of our own. The key already there means an execution
 *    claimed it before us.
 * 2. Look again after the settle time (Fischer): our token still there means we were the last
 *    of the concurrent claimants. Neither key nor token there means a stale write wiped our
 *    claim: the look recorded both again, so look once more.
 * 3. Mark: the last claimant records `<key>!` at once; every other execution first waits until
 *    any winner has surely marked and checked its mark. Whoever finds the mark absent records it
 *    and goes on; whoever finds it there stops. The mark is there only if an
 *    execution that found it absent wrote it, and that execution goes on: whatever the timing, a
 *    key is never left without an execution. The timing only decides whether it gets two.
 */
export async function claimOnce(
	store: ProcessedRecord,
	key: string,
	claimant: string,
	timing: ClaimTiming,
): Promise<ClaimOutcome> {
	const token = `${key}#${claimant}`;
	const claim = [key, token];
	const pace: Pace = { timing, slowestMs: 0 };
	// Any winner among the concurrent claimants marks within `rounds` waits of its claim, which
	// came before we saw its key, and checks its mark again one wait later.
	const later = async () => await timing.sleep(Math.round((timing.rounds + 1) * settleMs(pace) * MAX_SPREAD));

	let result = await record(store, claim, pace);
	if (!result.ok) return { outcome: 'unchecked', error: result.error };
	if (result.seen.has(key)) {
		await later();
		return await mark(store, key, pace);
	}
	for (let round = 1; round <= timing.rounds; round++) {
		await settleOnce(pace);
		result = await record(store, claim, pace);
		if (!result.ok) return { outcome: 'unchecked', error: result.error };
		if (result.seen.has(token)) break;
		if (result.seen.has(key)) {
			await later();
			break;
		}
	}
	return await mark(store, key, pace);
}

/** Records `<key>!`: first when it was not there (checked again until it stays), else duplicate. */
async function mark(store: ProcessedRecord, key: string, pace: Pace): Promise<ClaimOutcome> {
	const marker = `${key}!`;
	let result = await record(store, [marker], pace);
	if (!result.ok) return { outcome: 'unchecked', error: result.error };
	if (result.seen.has(marker)) return { outcome: 'duplicate' };
	for (let round = 1; round <= pace.timing.rounds; round++) {
		await settleOnce(pace);
		result = await record(store, [marker], pace);
		if (!result.ok || result.seen.has(marker)) break;
		// A stale write wiped the mark; this look recorded it again.
	}
	return { outcome: 'first' };
}
