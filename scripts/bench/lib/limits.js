'use strict';
// The batch every mode runs (render times per item) and the physical limit each mode is compared
// with. Every limit is the makespan of a perfect in-order scheduler that knows no durations
// (greedy list scheduling: an item takes a queue place the moment the scheduler learns it is
// free), fed with what that mode can know:
//   ideal           a place frees when its job ends (anything told at once)
//   Poll limit      a place frees when the job's end is *seen*: polls every interval I after the
//                   submission see an end on average I/2 late (the end falls anywhere between two
//                   polls), and the result too is seen I/2 late. With equal render times T:
//                   ⌈N/K⌉·(T + I/2) = ideal + waves × I/2.
//   Callback limit  Wait for Callback polls the jobs in flight while items still wait for a place
//                   (a running execution cannot receive callbacks), so places free I/2 late as in
//                   Poll; once the last item is at TTAPI the execution pauses and the callbacks
//                   tell each end at once. With equal times: ideal + (waves − 1) × I/2.
//   Don't Wait + Sora Trigger limit
//                   Don't Wait asks TTAPI nothing about its jobs: it learns that a place is free
//                   only when a submission it tries again (queue full, every R = 1 s on average,
//                   from each of its K lanes) is taken. Those tries are spread evenly (one every
//                   R/K), so at best a place is taken at the first try of that grid after it frees
//                   (R/(2K) late on average). Each result then reaches the trigger by callback at once, and the
//                   trigger's claim (one execution per job, decided in n8n's database) waits at
//                   least two settle times (2 × 400 ms) before the execution goes on.
// The stock loops are compared with the ideal.
// The "ticks" schedule (every job holds its place ⌈d/I⌉·I, i.e. its end seen at the first poll
// after it) is what a poller with zero request latency would get for exactly these durations;
// it is kept as an explanation (with T a multiple of I it equals the ideal: the flattering case).

/**
 * `durations` (in order) through `k` places, each place taken again `lateMs` after its job ended
 * (when the scheduler learns of the end). makespanMs: the last job's true end; seenMs: the last
 * end as the scheduler learns it (+ lateMs).
 */
function listSchedule(durations, k, lateMs = 0) {
	const free = Array(Math.max(1, k)).fill(0);
	const starts = [];
	let lastEnd = 0;
	for (const d of durations) {
		let place = 0;
		for (let i = 1; i < free.length; i++) if (free[i] < free[place]) place = i;
		starts.push(free[place]);
		lastEnd = Math.max(lastEnd, free[place] + d);
		free[place] += d + lateMs;
	}
	return { makespanMs: lastEnd, seenMs: lastEnd + lateMs, starts, lastStartMs: starts.length ? Math.max(...starts) : 0 };
}

/**
 * `durations` through `k` places, where a freed place is taken only at the next try on a grid of
 * `stepMs` (Don't Wait's evenly spread resubmissions). makespanMs: the last job's true end.
 */
function gridSchedule(durations, k, stepMs) {
	const free = Array(Math.max(1, k)).fill(0);
	let lastEnd = 0;
	for (const d of durations) {
		let place = 0;
		for (let i = 1; i < free.length; i++) if (free[i] < free[place]) place = i;
		const start = Math.ceil(free[place] / stepMs) * stepMs;
		free[place] = start + d;
		lastEnd = Math.max(lastEnd, start + d);
	}
	return { makespanMs: lastEnd };
}

/**
 * What Don't Wait + Sora Trigger is built from (nodes/shared/backoff.ts QUEUE_FULL_RETRY_MS and
 * nodes/SoraGenerateTrigger/claimOnce.ts CLAIM_TIMING.settleMs; test/unit/benchConstants.test.ts
 * checks they still match).
 */
const DONT_WAIT = { retryMs: 1000, claimSettleMs: 400 };

/** A fixed pseudo-random sequence in [0, 1) from `seed` (the same seed gives the same batch). */
function random(seed) {
	let state = Math.floor(seed) % 2 ** 31;
	return () => (state = (state * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
}

/**
 * The render times of a batch of n: spread uniformly over 0.5·render…1.5·render (seeded), or all
 * equal (spread false). T of an item = queueMs + its render time.
 */
function batchTimes(n, { queueMs, renderMs }, { spread = true, seed = 12345 } = {}) {
	const rand = random(seed);
	const renders = Array.from({ length: n }, () => (spread ? Math.round(renderMs * (0.5 + rand())) : renderMs));
	const durations = renders.map((r) => r + queueMs);
	return {
		spread,
		seed: spread ? seed : undefined,
		renders,
		durations,
		meanTMs: Math.round(durations.reduce((a, b) => a + b, 0) / Math.max(1, n)),
		minTMs: Math.min(...durations),
		maxTMs: Math.max(...durations),
	};
}

/** Every limit for a batch, and which one each mode is judged against. */
function batchLimits(times, k, pollMs) {
	const ideal = listSchedule(times.durations, k);
	const poll = listSchedule(times.durations, k, pollMs / 2);
	const ticks = listSchedule(times.durations.map((d) => Math.ceil(d / pollMs) * pollMs), k);
	return {
		waves: Math.ceil(times.durations.length / k),
		idealMs: ideal.makespanMs,
		pollLimitMs: poll.seenMs,
		callbackLimitMs: poll.makespanMs,
		triggerLimitMs: gridSchedule(times.durations, k, DONT_WAIT.retryMs / Math.max(1, k)).makespanMs + 2 * DONT_WAIT.claimSettleMs,
		pollTicksMs: ticks.makespanMs,
		// when the last item can be at TTAPI at the earliest (a design that submits only while the
		// execution runs holds its worker at least this long)
		lastStartIdealMs: ideal.lastStartMs,
		lastStartPollMs: poll.lastStartMs,
		oneAfterAnotherMs: times.durations.reduce((a, b) => a + b, 0),
	};
}

/** The limit a mode is compared with: { key, name, ms }. */
function limitFor(mode, limits) {
	if (mode === 'poll') return { key: 'poll', name: 'ideal + ends seen interval/2 late', ms: limits.pollLimitMs };
	if (mode === 'callback') return { key: 'callback', name: 'ideal + places freed interval/2 late', ms: limits.callbackLimitMs };
	if (mode === 'trigger') return { key: 'trigger', name: 'places taken at evenly spread resubmissions + the claim', ms: limits.triggerLimitMs };
	return { key: 'ideal', name: 'ideal', ms: limits.idealMs };
}

module.exports = { listSchedule, gridSchedule, batchTimes, batchLimits, limitFor, DONT_WAIT };
