// @ts-check
'use strict';

/**
 * Simulator options: defaults, validation and run-time changes (sim.configure / POST /__sim/config).
 *
 * @typedef {Object} SimConfig
 * @property {number} port               0 = random free port
 * @property {string} host               listen address (default 127.0.0.1)
 * @property {string[]} apiKeys          accepted TT-API-KEY values
 * @property {number} queueLimit         max in-progress (PENDING_QUEUE + ON_QUEUE) jobs per key
 * @property {number} queueMs            time a job sits in PENDING_QUEUE
 * @property {number} renderMs           time in ON_QUEUE before the job ends
 * @property {number} videoBytes         exact size of each served MP4 (videoKind 'sized')
 * @property {'sized'|'real'} videoKind  'sized': a blank MP4 of exactly videoBytes (not playable);
 *                                       'real': a playable few-second clip per job made by ffmpeg (video.js)
 * @property {number} callbackDelayMs    delay before calling hookUrl after a job ends
 * @property {'429'|'499'|'failed'} queueFullResponse  refusal style when the queue is full (HTTP 429, HTTP 499
 *                                       "queue exhausted" as on TTAPI's response-code page, or HTTP 200 FAILED)
 * @property {'402'|'failed'} insufficientBalanceResponse  refusal style when the balance does not cover the job
 *                                       (HTTP 402 as on TTAPI's response-code page, or HTTP 200 FAILED "insufficient quota")
 * @property {'job_id'|'jobId'} submitIdField    key of the job id in the submit response data
 * @property {string|undefined} publicBaseUrl    base of videoUrl (default: the simulator's own url)
 * @property {number} callbackRetries    retries of a failed callback (non-2xx or network error)
 * @property {number} callbackRetryDelayMs spacing between callback retries
 * @property {number} callbackTimeoutMs  per-attempt timeout of an outgoing callback
 * @property {number} callbackCopies     how many times each automatic callback is delivered (≥ 1)
 * @property {boolean} callbackCopiesConcurrent  deliver the copies at the same time, not one after another
 * @property {number} callbackJitterMs   extra pseudo-random delay 0…N ms before each delivery (shuffles the order)
 * @property {number} callbackJitterSeed seed of that delay's generator (same seed, same delays)
 * @property {Record<string, string>} callbackRoutes  hostname → "host:port" the simulator connects to instead,
 *                                       keeping the URL (Host header, path, query): TTAPI reaching n8n at a public
 *                                       name that n8n itself may not resolve (split DNS, NAT without hairpin)
 * @property {number} balance            starting quota of each API key (GET /midjourney/v1/info)
 * @property {number} maxPromptLength    prompt length cap (older TTAPI page: 4000)
 * @property {((line: string) => void)|undefined} logger  optional request log (API keys never logged)
 */

/** @type {SimConfig} */
const DEFAULTS = Object.freeze({
  port: 0,
  host: '127.0.0.1',
  apiKeys: ['sim-key'],
  queueLimit: 5,
  queueMs: 200,
  renderMs: 3000,
  videoBytes: 256 * 1024,
  videoKind: 'sized',
  callbackDelayMs: 0,
  queueFullResponse: '429',
  insufficientBalanceResponse: '402',
  submitIdField: 'job_id',
  publicBaseUrl: undefined,
  callbackRetries: 0,
  callbackRetryDelayMs: 1000,
  callbackTimeoutMs: 10000,
  callbackCopies: 1,
  callbackCopiesConcurrent: false,
  callbackJitterMs: 0,
  callbackJitterSeed: 1,
  callbackRoutes: {},
  balance: 100000,
  maxPromptLength: 4000,
  logger: undefined,
});

const NON_NEGATIVE_INTS = [
  'port',
  'queueLimit',
  'queueMs',
  'renderMs',
  'videoBytes',
  'callbackDelayMs',
  'callbackRetries',
  'callbackRetryDelayMs',
  'callbackTimeoutMs',
  'callbackCopies',
  'callbackJitterMs',
  'callbackJitterSeed',
  'maxPromptLength',
];

/** Options that only make sense at start (changing them at run time is refused). */
const START_ONLY = ['port', 'host', 'logger'];

/**
 * Validate and merge `changes` into `base`. Throws on unknown options or bad values.
 * @param {Partial<SimConfig>} base
 * @param {Record<string, unknown>} changes
 * @param {{ runtime?: boolean }} [opts]
 * @returns {SimConfig}
 */
function mergeConfig(base, changes, opts = {}) {
  const out = /** @type {SimConfig} */ ({ ...DEFAULTS, ...base });
  if (changes == null) return out;
  if (typeof changes !== 'object' || Array.isArray(changes)) {
    throw new TypeError('options must be an object');
  }
  for (const [key, raw] of Object.entries(changes)) {
    if (raw === undefined && key !== 'publicBaseUrl') continue;
    if (!Object.prototype.hasOwnProperty.call(DEFAULTS, key)) {
      throw new TypeError(`unknown simulator option "${key}"`);
    }
    if (opts.runtime && START_ONLY.includes(key)) {
      throw new TypeError(`option "${key}" can only be set at start`);
    }
    /** @type {any} */
    let value = raw;
    if (NON_NEGATIVE_INTS.includes(key)) {
      value = typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : raw;
      if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
        throw new TypeError(`option "${key}" must be a non-negative integer`);
      }
      if (key === 'callbackCopies' && value < 1) throw new TypeError('option "callbackCopies" must be at least 1');
    } else if (key === 'callbackCopiesConcurrent') {
      value = raw === 'true' ? true : raw === 'false' ? false : raw;
      if (typeof value !== 'boolean') throw new TypeError('option "callbackCopiesConcurrent" must be a boolean');
    } else if (key === 'callbackRoutes') {
      if (!raw || typeof raw !== 'object' || Array.isArray(raw) || !Object.values(raw).every((to) => /^[^:/]+:\d+$/.test(String(to)))) {
        throw new TypeError('option "callbackRoutes" must map hostnames to "host:port"');
      }
    } else if (key === 'balance') {
      value = typeof raw === 'string' ? Number(raw) : raw;
      if (typeof value !== 'number' || !Number.isFinite(value)) {
        throw new TypeError('option "balance" must be a number');
      }
    } else if (key === 'apiKeys') {
      value = typeof raw === 'string' ? [raw] : raw;
      if (!Array.isArray(value) || value.some((k) => typeof k !== 'string' || k === '')) {
        throw new TypeError('option "apiKeys" must be an array of non-empty strings');
      }
      value = [...value];
    } else if (key === 'queueFullResponse') {
      value = String(raw);
      if (value !== '429' && value !== '499' && value !== 'failed') {
        throw new TypeError('option "queueFullResponse" must be "429", "499" or "failed"');
      }
    } else if (key === 'insufficientBalanceResponse') {
      value = String(raw);
      if (value !== '402' && value !== 'failed') {
        throw new TypeError('option "insufficientBalanceResponse" must be "402" or "failed"');
      }
    } else if (key === 'videoKind') {
      if (raw !== 'sized' && raw !== 'real') throw new TypeError('option "videoKind" must be "sized" or "real"');
    } else if (key === 'submitIdField') {
      if (raw !== 'job_id' && raw !== 'jobId') {
        throw new TypeError('option "submitIdField" must be "job_id" or "jobId"');
      }
    } else if (key === 'publicBaseUrl') {
      if (raw === null || raw === undefined || raw === '') value = undefined;
      else if (typeof raw !== 'string' || !/^https?:\/\//i.test(raw)) {
        throw new TypeError('option "publicBaseUrl" must be an http(s) URL');
      } else value = raw.replace(/\/+$/, '');
    } else if (key === 'host') {
      if (typeof raw !== 'string' || raw === '') throw new TypeError('option "host" must be a string');
    } else if (key === 'logger') {
      if (typeof raw !== 'function') throw new TypeError('option "logger" must be a function');
    }
    /** @type {any} */ (out)[key] = value;
  }
  return out;
}

/**
 * The config as JSON without secrets (API keys are reported by count only).
 * @param {SimConfig} config
 */
function publicConfig(config) {
  const { apiKeys, logger, ...rest } = config;
  return { ...rest, apiKeyCount: apiKeys.length };
}

module.exports = { DEFAULTS, mergeConfig, publicConfig };
