// @ts-check
'use strict';

/**
 * Counters: what the simulator saw. `snapshot()` returns a deep-copied plain JSON-able object.
 *
 * @typedef {Object} CallbackRecord
 * @property {string} jobId
 * @property {string} url          exactly as sent (the hookUrl as submitted, or the override)
 * @property {number|null} status  HTTP status received, null on network error / timeout
 * @property {string} [error]
 * @property {string} sentAt       ISO time the attempt was sent
 * @property {string} at           ISO time of the attempt's end
 * @property {number} attempt      1 = first try, 2+ = retries
 * @property {'auto'|'manual'|'duplicate'} reason
 */

function emptyCounters() {
  return {
    /** jobs created by POST /sora/generations (incl. ones whose response was then faulted) */
    submissions: 0,
    /** @type {Record<string, number>} prompt (as submitted) -> jobs created */
    submissionsByPrompt: {},
    /** every POST /sora/generations request, incl. refused/invalid/unauthorized */
    submitRequests: 0,
    /** refusals because the queue was full (real or injected), for generations and characters */
    queueFullRefusals: 0,
    /** refusals because the key's balance did not cover the job (HTTP 402, or 200 FAILED "insufficient quota") */
    insufficientBalanceRefusals: 0,
    /** HTTP 400 validation refusals (generations + characters) */
    validationErrors: 0,
    /** HTTP 401 answers on any TTAPI endpoint */
    unauthorized: 0,
    /** POST /sora/characters requests, and character jobs created */
    characterRequests: 0,
    characterJobs: 0,
    /** GET/POST /sora/fetch requests (authorized) */
    fetchCalls: 0,
    /** @type {Record<string, number>} */
    fetchCallsByJob: {},
    /** fetch answers that reported a [sim:fetch-lag] job as still running after it ended */
    laggedFetches: 0,
    /** @type {CallbackRecord[]} every outgoing callback attempt */
    callbacks: [],
    /** callbacks suppressed by a 'drop' fault */
    droppedCallbacks: 0,
    /** GET /videos/<id>.mp4 requests that started a body (incl. truncated ones) */
    videoDownloads: 0,
    /** all GET/HEAD /videos/* requests, incl. 404 and faulted */
    videoRequests: 0,
    infoCalls: 0,
    /** current and peak number of in-progress (PENDING_QUEUE + ON_QUEUE) jobs, all keys */
    inFlight: 0,
    inFlightPeak: 0,
    /** @type {Record<string, number>} TT-API-KEY value -> requests carrying it (valid or not) */
    requestsWithKey: {},
    /** faults that fired, by fault id */
    /** @type {Record<string, number>} */
    faultsFired: {},
    /** @type {{ jobId: string, body: unknown }[]} bodies of accepted generation requests, in order */
    generationBodies: [],
    /** @type {{ body: unknown, status: number, message: string }[]} bodies of refused generation requests (400 / queue full / fault before create) */
    rejectedGenerationBodies: [],
  };
}

/** @typedef {ReturnType<typeof emptyCounters>} CounterState */

class Counters {
  constructor() {
    /** @type {CounterState} */
    this.state = emptyCounters();
  }

  reset() {
    this.state = emptyCounters();
  }

  /** @param {Record<string, number>} map @param {string} key */
  static bump(map, key) {
    map[key] = (map[key] || 0) + 1;
  }

  /** @param {number} inFlightNow */
  setInFlight(inFlightNow) {
    this.state.inFlight = inFlightNow;
    if (inFlightNow > this.state.inFlightPeak) this.state.inFlightPeak = inFlightNow;
  }

  snapshot() {
    return JSON.parse(JSON.stringify(this.state));
  }
}

module.exports = { Counters };
