// @ts-check
'use strict';

const crypto = require('node:crypto');
const { parseMarkers } = require('./markers');
const { quotaFor } = require('./validate');

/**
 * Job store and lifecycle:
 *   PENDING_QUEUE (queueMs) -> ON_QUEUE (renderMs, or [sim:render=ms]) -> SUCCESS | FAILED | <[sim:status=X]>
 * `[sim:fail-now=msg]` jobs are FAILED from creation. In-progress = PENDING_QUEUE or ON_QUEUE.
 * Quota is charged per key at creation and refunded when the job ends FAILED.
 *
 * @typedef {'generation'|'character'} JobKind
 * @typedef {Object} Job
 * @property {string} jobId
 * @property {JobKind} kind
 * @property {string} apiKey        internal; never exposed by snapshots
 * @property {string} status
 * @property {string} message
 * @property {string|null} model
 * @property {string|null} prompt
 * @property {string|null} markerText  what carries its [sim:…] markers and what faults match: the prompt, or a character's video URL
 * @property {string[]|null} referImages
 * @property {string|null} hookUrl  exactly as submitted (null when absent/empty)
 * @property {string} quota
 * @property {Record<string, any>} body  the received request body
 * @property {import('./markers').Markers} markers
 * @property {number} renderMs
 * @property {string} createdAt
 * @property {string|null} startedAt
 * @property {string|null} endedAt
 * @property {string|null} finishTime  "YYYY-MM-DD HH:mm:ss" (UTC)
 * @property {string|null} videoUrl
 * @property {string|null} characterId
 * @property {import('./counters').CallbackRecord[]} callbacks
 * @property {number} droppedCallbacks
 * @property {NodeJS.Timeout[]} timerHandles
 */

const IN_PROGRESS = new Set(['PENDING_QUEUE', 'ON_QUEUE']);

/** @param {Date} d */
function formatFinishTime(d) {
  return d.toISOString().replace('T', ' ').replace(/\.\d+Z$/, '');
}

class JobStore {
  /**
   * @param {{
   *   timers: import('./timers').Timers,
   *   counters: import('./counters').Counters,
   *   callbacks: import('./callbacks').CallbackSender,
   *   getConfig: () => import('./config').SimConfig,
   *   getBaseUrl: () => string,
   *   log: (line: string) => void,
   * }} deps
   */
  constructor(deps) {
    this.deps = deps;
    /** @type {Map<string, Job>} */
    this.jobs = new Map();
    /** @type {Map<string, number>} key -> in-progress jobs */
    this.inProgressByKey = new Map();
    /** @type {Map<string, number>} key -> quota left */
    this.balances = new Map();
  }

  /** @param {string} key */
  inProgress(key) {
    return this.inProgressByKey.get(key) || 0;
  }

  totalInProgress() {
    let n = 0;
    for (const v of this.inProgressByKey.values()) n += v;
    return n;
  }

  /** @param {string} key */
  balance(key) {
    if (!this.balances.has(key)) this.balances.set(key, this.deps.getConfig().balance);
    return /** @type {number} */ (this.balances.get(key));
  }

  /** @param {string} key @param {number} delta */
  adjustInProgress(key, delta) {
    this.inProgressByKey.set(key, this.inProgress(key) + delta);
    this.deps.counters.setInFlight(this.totalInProgress());
  }

  /**
   * @param {string} apiKey
   * @param {JobKind} kind
   * @param {Record<string, any>} body  already validated
   * @returns {Job}
   */
  create(apiKey, kind, body) {
    const cfg = this.deps.getConfig();
    const prompt = kind === 'generation' ? body.prompt : null;
    const markerText = kind === 'generation' ? body.prompt : typeof body.url === 'string' ? body.url : null;
    const markers = parseMarkers(markerText);
    const quota = quotaFor(body, kind);
    /** @type {Job} */
    const job = {
      jobId: crypto.randomUUID(),
      kind,
      apiKey,
      status: 'PENDING_QUEUE',
      message: '',
      model: kind === 'generation' ? body.model : null,
      prompt,
      markerText,
      referImages: Array.isArray(body.referImages) ? [...body.referImages] : null,
      hookUrl: typeof body.hookUrl === 'string' && body.hookUrl !== '' ? body.hookUrl : null,
      quota,
      body,
      markers,
      renderMs: markers.renderMs ?? cfg.renderMs,
      createdAt: new Date().toISOString(),
      startedAt: null,
      endedAt: null,
      finishTime: null,
      videoUrl: null,
      characterId: null,
      callbacks: [],
      droppedCallbacks: 0,
      timerHandles: [],
    };
    this.jobs.set(job.jobId, job);
    this.balances.set(apiKey, this.balance(apiKey) - Number(quota));

    if (markers.failNow !== undefined) {
      this.finish(job, 'FAILED', markers.failNow, false);
      return job;
    }
    this.adjustInProgress(apiKey, +1);
    const { timers } = this.deps;
    job.timerHandles.push(
      timers.set(() => {
        if (job.status !== 'PENDING_QUEUE') return;
        job.status = 'ON_QUEUE';
        job.startedAt = new Date().toISOString();
        job.timerHandles.push(timers.set(() => this.complete(job), job.renderMs));
      }, cfg.queueMs),
    );
    return job;
  }

  /** Render finished: decide the outcome from the markers. @param {Job} job */
  complete(job) {
    if (!IN_PROGRESS.has(job.status)) return;
    const m = job.markers;
    if (m.status !== undefined) this.finish(job, m.status, '', true);
    else if (m.fail !== undefined) this.finish(job, 'FAILED', m.fail, true);
    else this.finish(job, 'SUCCESS', '', true);
  }

  /**
   * @param {Job} job
   * @param {string} status
   * @param {string} message
   * @param {boolean} wasInProgress
   */
  finish(job, status, message, wasInProgress) {
    const now = new Date();
    job.status = status;
    job.message = message;
    job.endedAt = now.toISOString();
    if (status === 'SUCCESS' || status === 'FAILED') job.finishTime = formatFinishTime(now);
    if (status === 'SUCCESS') {
      if (job.kind === 'generation' && !job.markers.noVideoUrl) {
        const base = this.deps.getConfig().publicBaseUrl || this.deps.getBaseUrl();
        job.videoUrl = `${base}/videos/${job.jobId}.mp4`;
      }
      if (job.kind === 'character') job.characterId = `char_${job.jobId.replace(/-/g, '').slice(0, 16)}`;
    }
    if (status === 'FAILED') {
      this.balances.set(job.apiKey, this.balance(job.apiKey) + Number(job.quota));
    }
    if (wasInProgress) this.adjustInProgress(job.apiKey, -1);
    this.deps.log(`job ${job.jobId} ${status}${message ? `: ${message}` : ''}`);
    this.deps.callbacks.jobEnded(job, () => this.fetchBody(job));
  }

  /**
   * @param {string} jobId
   * @param {string} [apiKey]  when given, only that key's jobs are visible
   */
  get(jobId, apiKey) {
    const job = this.jobs.get(jobId);
    if (!job || (apiKey !== undefined && job.apiKey !== apiKey)) return undefined;
    return job;
  }

  /**
   * The /sora/fetch body (also the callback body).
   * @param {Job} job
   */
  fetchBody(job) {
    /** @type {Record<string, unknown>} */
    let data;
    if (job.kind === 'character') {
      data = {
        url: job.body.url ?? null,
        timestamps: job.body.timestamps ?? null,
        characterId: job.characterId,
        quota: job.quota,
        finishTime: job.finishTime,
        hookUrl: job.hookUrl,
      };
    } else {
      data = {
        model: job.model,
        prompt: job.prompt,
        referImages: job.referImages,
        videoUrl: job.videoUrl,
        quota: job.quota,
        finishTime: job.finishTime,
        hookUrl: job.hookUrl,
      };
    }
    return { status: job.status, message: job.message, jobId: job.jobId, data };
  }

  /**
   * What /sora/fetch answers: the fetch body, except while a `[sim:fetch-lag=ms]` job's record
   * still lags its end (the callback already carried the final record).
   * @param {Job} job
   */
  fetchAnswer(job) {
    const body = this.fetchBody(job);
    const lag = job.markers.fetchLagMs;
    if (!lag || !job.endedAt || Date.now() - Date.parse(job.endedAt) >= lag) return body;
    this.deps.counters.state.laggedFetches += 1;
    return { ...body, status: 'ON_QUEUE', message: '', data: { ...body.data, videoUrl: null, finishTime: null } };
  }

  /**
   * JSON-able copy of a job record without the API key and timer handles.
   * @param {Job} job
   */
  snapshot(job) {
    const { apiKey, timerHandles, ...rest } = job;
    return JSON.parse(JSON.stringify({ ...rest, fetchBody: this.fetchBody(job) }));
  }

  list() {
    return [...this.jobs.values()].map((j) => this.snapshot(j));
  }

  /** Forget every job (their timers are cleared by the owner's Timers.clearAll()). */
  reset() {
    for (const job of this.jobs.values()) for (const h of job.timerHandles) this.deps.timers.clear(h);
    this.jobs.clear();
    this.inProgressByKey.clear();
    this.balances.clear();
  }
}

module.exports = { JobStore, IN_PROGRESS, formatFinishTime };
