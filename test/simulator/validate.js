// @ts-check
'use strict';

/**
 * Request validation, TTAPI style: the first problem found is returned as a message
 * (the server answers HTTP 400 {"status":"FAILED","message":<message>} and creates no job).
 * Also the quota price of a job.
 */

const MODELS = ['sora-2', 'sora-2-pro'];
const DURATIONS = [10, 15, 25];

/** @param {unknown} v */
function isPlainObject(v) {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** @param {unknown} v */
function isHttpUrl(v) {
  if (typeof v !== 'string' || v === '') return false;
  try {
    const u = new URL(v);
    return u.protocol === 'http:' || u.protocol === 'https:';
  } catch {
    return false;
  }
}

/**
 * "start,end" in seconds with 1 <= end - start <= 3.
 * @param {unknown} v
 * @param {string} field
 * @returns {string|undefined} error message
 */
function checkTimestamps(v, field) {
  if (typeof v !== 'string') return `${field} must be a string "start,end"`;
  const m = /^\s*(\d+(?:\.\d+)?)\s*,\s*(\d+(?:\.\d+)?)\s*$/.exec(v);
  if (!m) return `${field} must look like "start,end" (seconds)`;
  const span = Number(m[2]) - Number(m[1]);
  if (span < 1 || span > 3) return `${field}: end - start must be between 1 and 3 seconds`;
  return undefined;
}

/**
 * @param {unknown} body
 * @param {{ maxPromptLength: number }} limits
 * @returns {string|undefined} error message, undefined when valid
 */
function validateGeneration(body, limits) {
  if (!isPlainObject(body)) return 'request body must be a JSON object';
  const b = /** @type {Record<string, unknown>} */ (body);

  if (b.model === undefined || b.model === null || b.model === '') return 'model is required';
  if (typeof b.model !== 'string' || !MODELS.includes(b.model)) {
    return `model must be one of ${MODELS.join(', ')}`;
  }
  const pro = b.model === 'sora-2-pro';

  if (b.prompt === undefined || b.prompt === null) return 'prompt is required';
  if (typeof b.prompt !== 'string') return 'prompt must be a string';
  if (b.prompt.trim() === '') return 'prompt is required';
  if (b.prompt.length > limits.maxPromptLength) {
    return `prompt is too long (max ${limits.maxPromptLength} characters)`;
  }

  if (b.referImages !== undefined && b.referImages !== null) {
    if (!Array.isArray(b.referImages) || b.referImages.some((u) => typeof u !== 'string')) {
      return 'referImages must be an array of image URLs';
    }
    if (b.referImages.some((u) => !isHttpUrl(u))) return 'referImages must contain http(s) URLs';
  }

  if (b.orientation !== undefined && b.orientation !== 'portrait' && b.orientation !== 'landscape') {
    return 'orientation must be portrait or landscape';
  }

  if (b.duration !== undefined) {
    if (typeof b.duration !== 'number' || !DURATIONS.includes(b.duration)) {
      return 'duration must be 10, 15 or 25';
    }
    if (b.duration === 25 && !pro) return 'duration 25 is only available with sora-2-pro';
  }

  if (b.size !== undefined) {
    if (b.size !== 'small' && b.size !== 'large') return 'size must be small or large';
    if (!pro) return 'size is only available with sora-2-pro';
    if (b.duration === 25 && b.size !== 'small') return 'duration 25 only supports size small';
  }

  if (b.character_url !== undefined && b.character_url !== null) {
    if (!isHttpUrl(b.character_url)) return 'character_url must be an http(s) URL';
  }
  if (b.character_timestamps !== undefined && b.character_timestamps !== null) {
    const err = checkTimestamps(b.character_timestamps, 'character_timestamps');
    if (err) return err;
  }

  if (b.private !== undefined && typeof b.private !== 'boolean') return 'private must be a boolean';

  if (b.hookUrl !== undefined && b.hookUrl !== null && b.hookUrl !== '') {
    if (!isHttpUrl(b.hookUrl)) return 'hookUrl must be an http(s) URL';
  }
  return undefined;
}

/**
 * @param {unknown} body
 * @returns {string|undefined}
 */
function validateCharacter(body) {
  if (!isPlainObject(body)) return 'request body must be a JSON object';
  const b = /** @type {Record<string, unknown>} */ (body);
  if (b.url === undefined || b.url === null || b.url === '') return 'url is required';
  if (!isHttpUrl(b.url)) return 'url must be an http(s) URL';
  if (b.timestamps === undefined || b.timestamps === null || b.timestamps === '') {
    return 'timestamps is required';
  }
  const err = checkTimestamps(b.timestamps, 'timestamps');
  if (err) return err;
  if (b.hookUrl !== undefined && b.hookUrl !== null && b.hookUrl !== '') {
    if (!isHttpUrl(b.hookUrl)) return 'hookUrl must be an http(s) URL';
  }
  return undefined;
}

/**
 * Quota price (string, like TTAPI's data.quota). Simulator prices, not TTAPI's:
 * sora-2: 3 (10 s) / 4 (15 s); sora-2-pro small: 10 / 15 / 25 (10/15/25 s); pro large: 25 / 40.
 * Characters: 1.
 * @param {Record<string, any>} body
 * @param {'generation'|'character'} kind
 * @returns {string}
 */
function quotaFor(body, kind) {
  if (kind === 'character') return '1';
  const pro = body.model === 'sora-2-pro';
  const duration = body.duration ?? (pro ? 15 : 10);
  if (!pro) return duration === 15 ? '4' : '3';
  if (body.size === 'large') return duration === 15 ? '40' : '25';
  return String({ 10: 10, 15: 15, 25: 25 }[/** @type {10|15|25} */ (duration)] ?? 10);
}

module.exports = { validateGeneration, validateCharacter, quotaFor, isHttpUrl };
