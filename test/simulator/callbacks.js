// @ts-check
'use strict';

const http = require('node:http');
const https = require('node:https');
const { Counters } = require('./counters');

/**
 * Outgoing hookUrl callbacks. The URL is used EXACTLY as submitted: the request line carries the
 * path + query string byte-for-byte (no WHATWG re-encoding), only the fragment is dropped.
 */

/**
 * Split a URL string into what http.request needs, keeping the raw path and query.
 * @param {string} url
 */
function splitRawUrl(url) {
  const parsed = new URL(url); // for protocol/host/port only
  const m = /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*([^#]*)/i.exec(url);
  let path = m ? m[1] : '/';
  if (path === '') path = '/';
  else if (path.startsWith('?')) path = `/${path}`;
  return {
    protocol: parsed.protocol,
    hostname: parsed.hostname.replace(/^\[(.*)\]$/, '$1'),
    port: parsed.port ? Number(parsed.port) : undefined,
    hostHeader: parsed.host,
    path,
  };
}

/**
 * @typedef {{ status: number|null, error?: string, body?: string }} SendResult
 */

class CallbackSender {
  /**
   * @param {{
   *   timers: import('./timers').Timers,
   *   counters: import('./counters').Counters,
   *   faults: import('./faults').FaultRegistry,
   *   getConfig: () => import('./config').SimConfig,
   *   log: (line: string) => void,
   * }} deps
   */
  constructor(deps) {
    this.deps = deps;
    /** @type {Set<import('node:http').ClientRequest>} */
    this.inflight = new Set();
    this.closed = false;
    /** bumped on reset so that callbacks scheduled before a reset do nothing afterwards */
    this.generation = 0;
    /** state of the jitter generator (see nextJitterMs); restarted on reset and when the seed changes */
    /** @type {number|undefined} */
    this.jitterSeed = undefined;
    this.jitterState = 0;
  }

  /**
   * One HTTP POST of `body` (JSON) to `url`.
   * @param {string} url
   * @param {unknown} body
   * @returns {Promise<SendResult>}
   */
  post(url, body) {
    return new Promise((resolve) => {
      let target;
      try {
        target = splitRawUrl(url);
      } catch (err) {
        resolve({ status: null, error: `invalid URL: ${/** @type {Error} */ (err).message}` });
        return;
      }
      const payload = Buffer.from(typeof body === 'string' ? body : JSON.stringify(body));
      const mod = target.protocol === 'https:' ? https : http;
      const route = this.deps.getConfig().callbackRoutes[target.hostname];
      if (route) {
        const [host, port] = route.split(':');
        target = { ...target, hostname: host, port: Number(port) };
      }
      /** @type {import('node:http').ClientRequest} */
      let req;
      let settled = false;
      /** @param {SendResult} r */
      const done = (r) => {
        if (settled) return;
        settled = true;
        this.inflight.delete(req);
        resolve(r);
      };
      try {
        req = mod.request({
          method: 'POST',
          hostname: target.hostname,
          port: target.port,
          path: target.path,
          headers: {
            Host: target.hostHeader,
            'Content-Type': 'application/json',
            'Content-Length': payload.length,
            'User-Agent': 'ttapi-simulator',
          },
          timeout: this.deps.getConfig().callbackTimeoutMs,
          agent: false,
        });
      } catch (err) {
        resolve({ status: null, error: /** @type {Error} */ (err).message });
        return;
      }
      this.inflight.add(req);
      req.on('response', (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk) => {
          if (body.length < 500) body += chunk;
        });
        res.on('end', () => done({ status: res.statusCode ?? null, body: body.slice(0, 500) }));
        res.on('error', () => done({ status: res.statusCode ?? null }));
      });
      req.on('timeout', () => req.destroy(new Error('callback timed out')));
      req.on('error', (err) => done({ status: null, error: err.message }));
      req.on('close', () => done({ status: null, error: 'connection closed' }));
      req.end(payload);
    });
  }

  /**
   * Send with retries; every attempt is recorded on the job and in the counters.
   * @param {import('./jobs').Job} job
   * @param {string} url
   * @param {() => unknown} bodyFn
   * @param {{ retries: number, reason: 'auto'|'manual'|'duplicate' }} opts
   * @returns {Promise<SendResult>}
   */
  async deliver(job, url, bodyFn, opts) {
    const gen = this.generation;
    /** @type {SendResult} */
    let result = { status: null, error: 'not sent' };
    for (let attempt = 1; attempt <= opts.retries + 1; attempt++) {
      if (this.closed || gen !== this.generation) return result;
      const sentAt = new Date().toISOString();
      result = await this.post(url, bodyFn());
      if (this.closed || gen !== this.generation) return result;
      /** @type {import('./counters').CallbackRecord} */
      const record = { jobId: job.jobId, url, status: result.status, sentAt, at: new Date().toISOString(), attempt, reason: opts.reason };
      if (result.body !== undefined) record.body = result.body;
      if (result.error) record.error = result.error;
      job.callbacks.push(record);
      this.deps.counters.state.callbacks.push(record);
      this.deps.log(`callback ${job.jobId} -> ${result.status ?? result.error} (attempt ${attempt})`);
      const ok = result.status !== null && result.status >= 200 && result.status < 300;
      if (ok || attempt > opts.retries) break;
      await this.deps.timers.sleep(this.deps.getConfig().callbackRetryDelayMs);
    }
    return result;
  }

  /**
   * Called when a job reaches a final state: after callbackDelayMs, POST the fetch body to hookUrl.
   * @param {import('./jobs').Job} job
   * @param {() => unknown} bodyFn
   */
  jobEnded(job, bodyFn) {
    if (!job.hookUrl || this.closed) return;
    const url = job.hookUrl;
    const gen = this.generation;
    this.deps.timers.set(async () => {
      if (this.closed || gen !== this.generation) return;
      const fault = this.deps.faults.take('callback', { prompt: job.markerText ?? undefined, jobId: job.jobId });
      if (fault) Counters.bump(this.deps.counters.state.faultsFired, fault.id);
      if (fault && fault.kind === 'drop') {
        this.deps.counters.state.droppedCallbacks += 1;
        job.droppedCallbacks += 1;
        this.deps.log(`callback ${job.jobId} dropped by ${fault.id}`);
        return;
      }
      if (fault && fault.kind === 'slow') await this.deps.timers.sleep(fault.delayMs ?? 0);
      const { callbackRetries: retries, callbackCopies: copies, callbackCopiesConcurrent: concurrent } = this.deps.getConfig();
      /** @param {number} copy */
      const sendCopy = async (copy) => {
        const jitter = this.nextJitterMs();
        if (jitter > 0) await this.deps.timers.sleep(jitter);
        if (this.closed || gen !== this.generation) return;
        await this.deliver(job, url, bodyFn, { retries, reason: copy === 0 ? 'auto' : 'duplicate' });
      };
      if (concurrent) await Promise.all(Array.from({ length: copies }, (_, copy) => sendCopy(copy)));
      else for (let copy = 0; copy < copies; copy++) await sendCopy(copy);
      if (job.markers.duplicateCallback) {
        await this.deliver(job, url, bodyFn, { retries, reason: 'duplicate' });
      }
    }, this.deps.getConfig().callbackDelayMs);
  }

  /**
   * The next extra delay before an automatic delivery: 0 unless callbackJitterMs is set, then
   * 0…callbackJitterMs from a generator seeded with callbackJitterSeed (mulberry32), so that a run
   * can be repeated with the same delays.
   */
  nextJitterMs() {
    const { callbackJitterMs, callbackJitterSeed } = this.deps.getConfig();
    if (!callbackJitterMs) return 0;
    if (this.jitterSeed !== callbackJitterSeed) {
      this.jitterSeed = callbackJitterSeed;
      this.jitterState = callbackJitterSeed >>> 0;
    }
    this.jitterState = (this.jitterState + 0x6d2b79f5) >>> 0;
    let t = this.jitterState;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    const unit = ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    return Math.round(unit * callbackJitterMs);
  }

  /**
   * Manual (re)send for replay tests. Ignores callback faults and retries.
   * @param {import('./jobs').Job} job
   * @param {{ url?: string, body?: unknown, times?: number }} opts
   * @param {() => unknown} bodyFn  the job's current fetch body
   * @returns {Promise<(number|null)[]>} status per attempt (null = network error)
   */
  async sendNow(job, opts, bodyFn) {
    const url = opts.url ?? job.hookUrl;
    if (!url) throw new Error(`job ${job.jobId} has no hookUrl; pass { url }`);
    const times = opts.times ?? 1;
    if (!Number.isInteger(times) || times < 1) throw new TypeError('times must be a positive integer');
    const fn = opts.body !== undefined ? () => opts.body : bodyFn;
    /** @type {(number|null)[]} */
    const statuses = [];
    for (let i = 0; i < times; i++) {
      const r = await this.deliver(job, url, fn, { retries: 0, reason: 'manual' });
      statuses.push(r.status);
    }
    return statuses;
  }

  /** Forget scheduled callbacks (timers are cleared by the owner) and abort in-flight ones. */
  reset() {
    this.generation += 1;
    this.jitterSeed = undefined;
    for (const req of this.inflight) req.destroy();
    this.inflight.clear();
  }

  close() {
    this.closed = true;
    this.reset();
  }
}

module.exports = { CallbackSender, splitRawUrl };
