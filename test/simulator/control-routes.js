// @ts-check
'use strict';

const { sendJson, readBody, parseJson } = require('./http-util');

/**
 * Out-of-process controls under /__sim/ (no API key):
 *   GET    /__sim/counters            counters snapshot
 *   POST   /__sim/reset               forget jobs, counters and faults
 *   GET    /__sim/config              current options (API keys as a count)
 *   POST   /__sim/config              change options (JSON), answers the new config
 *   GET    /__sim/faults              active faults
 *   POST   /__sim/faults              inject a fault (JSON), answers {id}
 *   DELETE /__sim/faults              clear faults
 *   GET    /__sim/jobs                all job records
 *   GET    /__sim/jobs/:id            one job record (404 {error} if unknown)
 *   POST   /__sim/jobs/:id/callback   (re)send the callback now; optional JSON {url, body, times};
 *                                     answers {statuses:[…]}
 */

/**
 * @param {ReturnType<typeof import('./index').createSimulatorCore>} sim
 * @param {import('node:http').IncomingMessage} req
 * @param {import('node:http').ServerResponse} res
 * @param {string} path
 */
async function handleControl(sim, req, res, path) {
  const method = req.method || 'GET';
  /** @returns {Promise<any>} */
  const jsonBody = async () => {
    const parsed = parseJson(await readBody(req));
    if (parsed.error) throw Object.assign(new Error(parsed.error), { statusCode: 400 });
    return parsed.value;
  };
  try {
    if (path === '/__sim/counters' && method === 'GET') return sendJson(res, 200, sim.counters());
    if (path === '/__sim/reset' && method === 'POST') {
      sim.reset();
      return sendJson(res, 200, { ok: true });
    }
    if (path === '/__sim/config' && method === 'GET') return sendJson(res, 200, sim.config());
    if (path === '/__sim/config' && method === 'POST') return sendJson(res, 200, sim.configure((await jsonBody()) ?? {}));
    if (path === '/__sim/faults' && method === 'GET') return sendJson(res, 200, sim.faults());
    if (path === '/__sim/faults' && method === 'POST') return sendJson(res, 200, { id: sim.injectFault(await jsonBody()) });
    if (path === '/__sim/faults' && method === 'DELETE') {
      sim.clearFaults();
      return sendJson(res, 200, { ok: true });
    }
    if (path === '/__sim/jobs' && method === 'GET') return sendJson(res, 200, sim.listJobs());
    const m = /^\/__sim\/jobs\/([^/]+)(\/callback)?$/.exec(path);
    if (m) {
      const id = decodeURIComponent(m[1]);
      if (!sim.getJob(id)) return sendJson(res, 404, { error: `job ${id} not found` });
      if (!m[2] && method === 'GET') return sendJson(res, 200, sim.getJob(id));
      if (m[2] && method === 'POST') {
        const opts = (await jsonBody()) ?? {};
        return sendJson(res, 200, { statuses: await sim.sendCallback(id, opts) });
      }
    }
    return sendJson(res, 404, { error: `no control endpoint ${method} ${path}` });
  } catch (err) {
    const e = /** @type {Error & { statusCode?: number }} */ (err);
    return sendJson(res, e.statusCode || 400, { error: e.message });
  }
}

module.exports = { handleControl };
