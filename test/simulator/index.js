// @ts-check
'use strict';

const { mergeConfig, publicConfig } = require('./config');
const { Timers } = require('./timers');
const { Counters } = require('./counters');
const { FaultRegistry } = require('./faults');
const { CallbackSender } = require('./callbacks');
const { JobStore } = require('./jobs');
const { createServer } = require('./server');
const { VideoMaker } = require('./video');

/**
 * Local TTAPI (Sora 2) simulator. See README.md in this folder.
 *
 *   const { startSimulator } = require('./test/simulator');
 *   const sim = await startSimulator({ renderMs: 300 });
 *   // … point the client at sim.url with TT-API-KEY: sim-key …
 *   await sim.close();
 */

/**
 * Everything except the listening socket.
 * @param {Partial<import('./config').SimConfig>} options
 */
function createSimulatorCore(options) {
  let config = mergeConfig({}, /** @type {Record<string, unknown>} */ (options || {}));
  let baseUrl = '';
  const getConfig = () => config;
  /** @param {string} line */
  const log = (line) => {
    if (config.logger) config.logger(`[ttapi-sim] ${line}`);
  };
  const timers = new Timers();
  const counters = new Counters();
  const faults = new FaultRegistry();
  const callbacks = new CallbackSender({ timers, counters, faults, getConfig, log });
  const jobs = new JobStore({ timers, counters, callbacks, getConfig, getBaseUrl: () => baseUrl, log });
  const videos = new VideoMaker();

  return {
    ctx: { getConfig, jobs, faults, counters, timers, log, videos },
    /** @param {string} url */
    setBaseUrl(url) {
      baseUrl = url;
    },
    config: () => publicConfig(config),
    /** @param {Partial<import('./config').SimConfig>} changes */
    configure(changes) {
      config = mergeConfig(config, /** @type {Record<string, unknown>} */ (changes), { runtime: true });
      return publicConfig(config);
    },
    /** @param {import('./faults').FaultSpec} spec */
    injectFault: (spec) => faults.add(spec),
    clearFaults: () => faults.clear(),
    faults: () => faults.list(),
    counters: () => counters.snapshot(),
    /** What the served videos are: { kind: 'sized' } or, with videoKind 'real', what ffmpeg makes (or why it can't). */
    videoSource() {
      const cfg = config;
      if (cfg.videoKind !== 'real') return { kind: 'sized', bytes: cfg.videoBytes, description: `a blank MP4 of ${cfg.videoBytes} bytes (it does not play)` };
      const source = videos.source();
      return source.kind === 'real'
        ? source
        : { kind: 'sized', bytes: cfg.videoBytes, reason: source.reason, description: `a blank MP4 of ${cfg.videoBytes} bytes (it does not play: ${source.reason})` };
    },
    reset() {
      videos.reset();
      callbacks.reset();
      jobs.reset();
      timers.clearAll();
      counters.reset();
      faults.clear();
    },
    /** @param {string} jobId */
    getJob(jobId) {
      const job = jobs.get(jobId);
      return job ? jobs.snapshot(job) : undefined;
    },
    listJobs: () => jobs.list(),
    /**
     * Ends a job now, as if its render had just finished (its callback goes out as usual): for a
     * test that needs a job to end at a moment it chooses, e.g. while n8n is down. A job that has
     * ended already is left as it is.
     * @param {string} jobId
     */
    endJob(jobId) {
      const job = jobs.get(jobId);
      if (!job) throw new Error(`job ${jobId} not found`);
      jobs.complete(job);
      return jobs.snapshot(job);
    },
    /**
     * @param {string} jobId
     * @param {{ url?: string, body?: unknown, times?: number }} [opts]
     */
    async sendCallback(jobId, opts = {}) {
      const job = jobs.get(jobId);
      if (!job) throw new Error(`job ${jobId} not found`);
      return callbacks.sendNow(job, opts, () => jobs.fetchBody(job));
    },
    shutdown() {
      callbacks.close();
      timers.clearAll();
    },
  };
}

/**
 * Start the simulator on 127.0.0.1 (or options.host).
 * @param {Partial<import('./config').SimConfig>} [options]
 */
async function startSimulator(options = {}) {
  const core = createSimulatorCore(options);
  const server = createServer(core);
  const { host, port } = core.ctx.getConfig();
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve(undefined);
    });
  });
  const addr = /** @type {import('node:net').AddressInfo} */ (server.address());
  const urlHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
  const url = `http://${urlHost}:${addr.port}`;
  core.setBaseUrl(url);
  /** @type {Promise<void> | undefined} */
  let closing;

  return {
    url,
    port: addr.port,
    server,
    configure: core.configure,
    config: core.config,
    injectFault: core.injectFault,
    clearFaults: core.clearFaults,
    faults: core.faults,
    counters: core.counters,
    reset: core.reset,
    getJob: core.getJob,
    listJobs: core.listJobs,
    endJob: core.endJob,
    sendCallback: core.sendCallback,
    videoSource: core.videoSource,
    /** Stop the server, all timers and in-flight callbacks. Idempotent. */
    close() {
      if (!closing) {
        core.shutdown();
        closing = new Promise((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        });
      }
      return closing;
    },
  };
}

module.exports = { startSimulator, createSimulatorCore };
