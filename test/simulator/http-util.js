// @ts-check
'use strict';

/** Small HTTP helpers shared by the route handlers. */

const MAX_BODY = 1024 * 1024;

/**
 * @param {import('node:http').ServerResponse} res
 * @param {number} status
 * @param {unknown} obj
 */
function sendJson(res, status, obj) {
  sendRaw(res, status, JSON.stringify(obj), 'application/json; charset=utf-8');
}

/**
 * @param {import('node:http').ServerResponse} res
 * @param {number} status
 * @param {string} text
 * @param {string} contentType
 */
function sendRaw(res, status, text, contentType) {
  if (res.headersSent || res.destroyed) return;
  const buf = Buffer.from(text, 'utf8');
  res.writeHead(status, { 'Content-Type': contentType, 'Content-Length': buf.length });
  res.end(buf);
}

/**
 * Read the whole request body as a string (max 1 MiB).
 * @param {import('node:http').IncomingMessage} req
 * @returns {Promise<string>}
 */
function readBody(req) {
  return new Promise((resolve, reject) => {
    /** @type {Buffer[]} */
    const chunks = [];
    let size = 0;
    req.on('data', (c) => {
      size += c.length;
      if (size > MAX_BODY) {
        reject(Object.assign(new Error('request body too large'), { statusCode: 413 }));
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/**
 * Parse a JSON body. Empty body -> undefined. Invalid JSON -> { error }.
 * @param {string} text
 * @returns {{ value?: any, error?: string }}
 */
function parseJson(text) {
  if (text.trim() === '') return { value: undefined };
  try {
    return { value: JSON.parse(text) };
  } catch {
    return { error: 'Invalid JSON body' };
  }
}

module.exports = { sendJson, sendRaw, readBody, parseJson };
