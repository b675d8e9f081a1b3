// @ts-check
'use strict';
/**
 * Two public-looking host names for tests of what n8n can and cannot reach of itself, resolved in
 * this process only (dns.lookup, which node's http, https and fetch use):
 *   PUBLIC_NAME       → 127.0.0.1: n8n's public URL that works from inside too;
 *   UNREACHABLE_NAME  → ENOTFOUND: a public URL n8n cannot resolve from inside (split DNS), while
 *                       TTAPI, from outside, still reaches n8n (the simulator's callbackRoutes).
 * Loaded into real n8n with NODE_OPTIONS=--require <this file>, and by jest tests with require().
 */
const dns = require('node:dns');

const PUBLIC_NAME = 'n8n-public.example.net';
const UNREACHABLE_NAME = 'n8n-unreachable.example.net';

const original = dns.lookup;
if (!(/** @type {any} */ (original).ttapiPublicNames)) {
  /** @type {any} */
  const lookup = function (/** @type {string} */ host, /** @type {any} */ options, /** @type {any} */ callback) {
    const cb = typeof options === 'function' ? options : callback;
    const all = typeof options === 'object' && options !== null && options.all;
    if (host === PUBLIC_NAME) {
      return process.nextTick(() => (all ? cb(null, [{ address: '127.0.0.1', family: 4 }]) : cb(null, '127.0.0.1', 4)));
    }
    if (host === UNREACHABLE_NAME) {
      const error = Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND', hostname: host });
      return process.nextTick(() => cb(error));
    }
    return original.apply(this, /** @type {any} */ (arguments));
  };
  lookup.ttapiPublicNames = true;
  dns.lookup = lookup;
}

module.exports = { PUBLIC_NAME, UNREACHABLE_NAME };
