// @ts-check
'use strict';

const http = require('node:http');
const { sendJson } = require('./http-util');
const { handleInfo, handleCreate, handleFetch, handleVideo } = require('./ttapi-routes');
const { handleControl } = require('./control-routes');

/**
 * HTTP server and router. TTAPI paths:
 *   GET  /midjourney/v1/info
 *   POST /sora/generations
 *   POST /sora/characters
 *   GET|POST /sora/fetch
 *   GET|HEAD /videos/<jobId>.mp4
 * plus /__sim/* controls (see control-routes.js).
 *
 * @param {ReturnType<typeof import('./index').createSimulatorCore>} core
 */
function createServer(core) {
  const ctx = core.ctx;
  /**
   * @param {http.IncomingMessage} req
   * @param {http.ServerResponse} res
   */
  async function route(req, res) {
    const method = req.method || 'GET';
    const url = new URL(req.url || '/', 'http://simulator.local');
    const path = url.pathname;

    if (path.startsWith('/__sim/')) return handleControl(core, req, res, path);

    const video = /^\/videos\/([^/]+)\.mp4$/.exec(path);
    if (video) {
      if (method !== 'GET' && method !== 'HEAD') return sendJson(res, 405, { status: 'FAILED', message: 'Method Not Allowed' });
      return handleVideo(ctx, req, res, decodeURIComponent(video[1]));
    }

    /** @type {Record<string, Record<string, () => Promise<void>>>} */
    const routes = {
      '/midjourney/v1/info': { GET: () => handleInfo(ctx, req, res) },
      '/sora/generations': { POST: () => handleCreate(ctx, req, res, 'generation') },
      '/sora/characters': { POST: () => handleCreate(ctx, req, res, 'character') },
      '/sora/fetch': {
        GET: () => handleFetch(ctx, req, res, url),
        POST: () => handleFetch(ctx, req, res, url),
      },
    };
    const entry = routes[path];
    if (!entry) return sendJson(res, 404, { status: 'FAILED', message: 'Not Found' });
    const handler = entry[method];
    if (!handler) return sendJson(res, 405, { status: 'FAILED', message: 'Method Not Allowed' });
    return handler();
  }

  const server = http.createServer((req, res) => {
    const started = Date.now();
    res.on('close', () => {
      // Log method, path (query dropped: it is ours, but keep lines short) and status; never headers.
      const path = (req.url || '/').split('?')[0];
      ctx.log(`${req.method} ${path} -> ${res.headersSent ? res.statusCode : 'no response'} (${Date.now() - started} ms)`);
    });
    route(req, res).catch((err) => {
      const e = /** @type {Error & { statusCode?: number }} */ (err);
      if (!res.headersSent && !res.destroyed) sendJson(res, e.statusCode || 500, { status: 'FAILED', message: e.message });
      else res.destroy();
    });
  });
  server.keepAliveTimeout = 5000;
  return server;
}

module.exports = { createServer };
