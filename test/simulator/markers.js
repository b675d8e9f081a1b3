// @ts-check
'use strict';

/**
 * Per-prompt markers: `[sim:name]` or `[sim:name=value]` anywhere in the prompt make a job
 * behave deterministically (usable from inside a real n8n run, where no test code can reach
 * the simulator object).
 *
 *   [sim:fail=<message>]       ends FAILED with <message> after the normal queue/render time
 *   [sim:fail-now=<message>]   FAILED immediately at submit (callback right away)
 *   [sim:render=<ms>]          this job's render time
 *   [sim:status=<WEIRD>]       ends with that unknown status value (and stays there)
 *   [sim:no-video-url]         SUCCESS with videoUrl null
 *   [sim:video=404]            the video URL answers 404
 *   [sim:video=truncate]       the video response is cut off halfway (full Content-Length declared)
 *   [sim:duplicate-callback]   the callback is sent twice
 *   [sim:fetch-lag=<ms>]       /sora/fetch lags the job's end by <ms>: it still reports ON_QUEUE
 *                              (no video URL, no finishTime) while the callback, sent at the end,
 *                              carries the final record (TTAPI's record lagging its callback)
 *
 * @typedef {Object} Markers
 * @property {string} [fail]
 * @property {string} [failNow]
 * @property {number} [renderMs]
 * @property {string} [status]
 * @property {boolean} [noVideoUrl]
 * @property {'404'|'truncate'} [video]
 * @property {boolean} [duplicateCallback]
 * @property {number} [fetchLagMs]
 * @property {string[]} unknown   markers that were not understood (kept for debugging)
 */

const MARKER_RE = /\[sim:([a-z-]+)(?:=([^\]]*))?\]/gi;

/**
 * @param {unknown} prompt
 * @returns {Markers}
 */
function parseMarkers(prompt) {
  /** @type {Markers} */
  const markers = { unknown: [] };
  if (typeof prompt !== 'string') return markers;
  for (const m of prompt.matchAll(MARKER_RE)) {
    const name = m[1].toLowerCase();
    const value = m[2];
    switch (name) {
      case 'fail':
        markers.fail = value || 'failed';
        break;
      case 'fail-now':
        markers.failNow = value || 'failed';
        break;
      case 'render': {
        const ms = Number(value);
        if (Number.isFinite(ms) && ms >= 0) markers.renderMs = ms;
        else markers.unknown.push(m[0]);
        break;
      }
      case 'status':
        if (value) markers.status = value;
        else markers.unknown.push(m[0]);
        break;
      case 'no-video-url':
        markers.noVideoUrl = true;
        break;
      case 'video':
        if (value === '404' || value === 'truncate') markers.video = value;
        else markers.unknown.push(m[0]);
        break;
      case 'duplicate-callback':
        markers.duplicateCallback = true;
        break;
      case 'fetch-lag': {
        const ms = Number(value);
        if (Number.isFinite(ms) && ms >= 0) markers.fetchLagMs = ms;
        else markers.unknown.push(m[0]);
        break;
      }
      default:
        markers.unknown.push(m[0]);
    }
  }
  return markers;
}

module.exports = { parseMarkers };
