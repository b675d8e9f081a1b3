// @ts-check
'use strict';

/**
 * Injected faults. Each fault applies to the next `times` matching requests (default 1;
 * Infinity, -1, null or "Infinity" = until cleared). Faults are checked in injection order;
 * the first matching one wins and is consumed.
 *
 * @typedef {'generations'|'fetch'|'video'|'info'|'characters'|'callback'} FaultEndpoint
 * @typedef {'status'|'reset'|'slow'|'malformed'|'queueFull'|'drop'} FaultKind
 *
 * @typedef {Object} FaultSpec
 * @property {FaultEndpoint} endpoint
 * @property {FaultKind} kind
 * @property {number|string|null} [times]
 * @property {number} [status]          for kind 'status'
 * @property {unknown} [body]           for kind 'status': object (sent as JSON) or raw string
 * @property {string} [contentType]     for kind 'status' with a string body (default text/plain)
 * @property {number} [delayMs]         for kind 'slow'
 * @property {boolean} [beforeCreate]   generations/characters: fault before the job is created
 * @property {{ prompt?: string, jobId?: string }} [match]
 *
 * @typedef {FaultSpec & { id: string, remaining: number, hits: number }} Fault
 */

const ENDPOINTS = ['generations', 'fetch', 'video', 'info', 'characters', 'callback'];
const KINDS_BY_ENDPOINT = {
  generations: ['status', 'reset', 'slow', 'malformed', 'queueFull'],
  characters: ['status', 'reset', 'slow', 'malformed', 'queueFull'],
  fetch: ['status', 'reset', 'slow', 'malformed'],
  info: ['status', 'reset', 'slow', 'malformed'],
  video: ['status', 'reset', 'slow', 'malformed'],
  callback: ['drop', 'slow'],
};

class FaultRegistry {
  constructor() {
    /** @type {Fault[]} */
    this.faults = [];
    this.seq = 0;
  }

  /**
   * @param {FaultSpec} spec
   * @returns {string} fault id
   */
  add(spec) {
    if (!spec || typeof spec !== 'object') throw new TypeError('fault must be an object');
    const { endpoint, kind } = spec;
    if (!ENDPOINTS.includes(endpoint)) {
      throw new TypeError(`fault endpoint must be one of ${ENDPOINTS.join(', ')}`);
    }
    const kinds = KINDS_BY_ENDPOINT[endpoint];
    if (!kinds.includes(kind)) {
      throw new TypeError(`fault kind for ${endpoint} must be one of ${kinds.join(', ')}`);
    }
    if (kind === 'status') {
      if (!Number.isInteger(spec.status) || /** @type {number} */ (spec.status) < 100 || /** @type {number} */ (spec.status) > 599) {
        throw new TypeError('fault kind "status" needs an HTTP status code (100-599)');
      }
    }
    if (kind === 'slow' && (typeof spec.delayMs !== 'number' || spec.delayMs < 0)) {
      throw new TypeError('fault kind "slow" needs delayMs >= 0');
    }
    let remaining;
    const t = spec.times;
    if (t === undefined) remaining = 1;
    else if (t === null || t === -1 || t === Infinity || t === 'Infinity') remaining = Infinity;
    else if (typeof t === 'number' && Number.isInteger(t) && t > 0) remaining = t;
    else throw new TypeError('fault times must be a positive integer, -1 or Infinity');
    if (spec.match !== undefined && (typeof spec.match !== 'object' || spec.match === null)) {
      throw new TypeError('fault match must be an object {prompt?, jobId?}');
    }
    const id = `fault-${++this.seq}`;
    this.faults.push({ ...spec, id, remaining, hits: 0 });
    return id;
  }

  /**
   * Find and consume the first fault for `endpoint` that matches the request context.
   * @param {FaultEndpoint} endpoint
   * @param {{ prompt?: string, jobId?: string }} ctx
   * @param {(f: Fault) => boolean} [filter]
   * @returns {Fault|undefined}
   */
  take(endpoint, ctx, filter) {
    for (const f of this.faults) {
      if (f.endpoint !== endpoint || f.remaining <= 0) continue;
      if (filter && !filter(f)) continue;
      if (f.match) {
        if (f.match.prompt !== undefined && !(typeof ctx.prompt === 'string' && ctx.prompt.includes(f.match.prompt))) continue;
        if (f.match.jobId !== undefined && ctx.jobId !== f.match.jobId) continue;
      }
      f.remaining -= 1;
      f.hits += 1;
      return f;
    }
    return undefined;
  }

  clear() {
    this.faults = [];
  }

  /** JSON-able list (Infinity shown as "Infinity"). */
  list() {
    return this.faults.map((f) => ({
      ...f,
      remaining: f.remaining === Infinity ? 'Infinity' : f.remaining,
      times: f.times === Infinity ? 'Infinity' : f.times,
    }));
  }
}

module.exports = { FaultRegistry, ENDPOINTS, KINDS_BY_ENDPOINT };
