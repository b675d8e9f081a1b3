// @ts-check
'use strict';

const { Counters } = require('./counters');
const { sendJson, sendRaw, readBody, parseJson } = require('./http-util');
const { validateGeneration, validateCharacter, quotaFor } = require('./validate');
const { writeMp4, mp4Header } = require('./mp4');

/**
 * The TTAPI endpoints: info, generations, characters, fetch, and the CDN video URL.
 *
 * @typedef {Object} Ctx
 * @property {() => import('./config').SimConfig} getConfig
 * @property {import('./jobs').JobStore} jobs
 * @property {import('./faults').FaultRegistry} faults
 * @property {import('./counters').Counters} counters
 * @property {import('./timers').Timers} timers
 * @property {(line: string) => void} log
 * @property {import('./video').VideoMaker} videos
 *
 * @typedef {import('node:http').IncomingMessage} Req
 * @typedef {import('node:http').ServerResponse} Res
 */

const AUTH_FAILED = { status: 'FAILED', message: 'Wrong TT-API-KEY or email is not activated.' };
const MALFORMED_BODY = '{"status":"SUCC';
/** What the default body of a `status` fault says for the codes TTAPI's response-code page names. */
const TTAPI_CODE_NAMES = { 402: 'insufficient balance', 499: 'queue exhausted', 504: 'gateway timeout' };

/** @param {number} limit */
function queueFullBody(limit) {
  return {
    status: 'FAILED',
    message: `Too many concurrent jobs: the queue limit of your account is ${limit} (max_queue). Please try again after a running job finishes.`,
  };
}

/**
 * Check TT-API-KEY; counts requestsWithKey/unauthorized; answers 401 itself.
 * @param {Ctx} ctx @param {Req} req @param {Res} res
 * @returns {string|undefined} the accepted key
 */
function authenticate(ctx, req, res) {
  const raw = req.headers['tt-api-key'];
  const key = Array.isArray(raw) ? raw[0] : raw;
  if (typeof key === 'string' && key !== '') Counters.bump(ctx.counters.state.requestsWithKey, key);
  if (typeof key !== 'string' || !ctx.getConfig().apiKeys.includes(key)) {
    ctx.counters.state.unauthorized += 1;
    sendJson(res, 401, AUTH_FAILED);
    return undefined;
  }
  return key;
}

/**
 * Apply an injected fault. Returns true when the response was handled (caller stops),
 * false for 'slow' (after the delay; caller continues normally).
 * @param {Ctx} ctx @param {Req} req @param {Res} res
 * @param {import('./faults').Fault} fault
 * @param {() => void} [queueFull] how to answer a queueFull fault
 * @returns {Promise<boolean>}
 */
async function applyFault(ctx, req, res, fault, queueFull) {
  Counters.bump(ctx.counters.state.faultsFired, fault.id);
  ctx.log(`fault ${fault.id} (${fault.endpoint}/${fault.kind}) fired`);
  switch (fault.kind) {
    case 'slow':
      await ctx.timers.sleep(fault.delayMs ?? 0);
      return false;
    case 'reset':
      req.socket.destroy();
      return true;
    case 'malformed':
      sendRaw(res, 200, MALFORMED_BODY, 'application/json; charset=utf-8');
      return true;
    case 'queueFull':
      if (queueFull) queueFull();
      return true;
    case 'status': {
      const status = /** @type {number} */ (fault.status);
      if (typeof fault.body === 'string') sendRaw(res, status, fault.body, fault.contentType || 'text/plain; charset=utf-8');
      else if (fault.body !== undefined) sendJson(res, status, fault.body);
      else {
        const name = TTAPI_CODE_NAMES[/** @type {keyof typeof TTAPI_CODE_NAMES} */ (status)];
        sendJson(res, status, { status: 'FAILED', message: `simulated HTTP ${status}${name ? `: ${name}` : ''}` });
      }
      return true;
    }
    default:
      return false;
  }
}

/** @param {Ctx} ctx @param {Req} req @param {Res} res */
async function handleInfo(ctx, req, res) {
  const key = authenticate(ctx, req, res);
  if (!key) return;
  ctx.counters.state.infoCalls += 1;
  const fault = ctx.faults.take('info', {});
  if (fault && (await applyFault(ctx, req, res, fault))) return;
  const cfg = ctx.getConfig();
  sendJson(res, 200, {
    status: 'SUCCESS',
    message: 'success',
    data: {
      email: 'sim@example.com',
      balance: ctx.jobs.balance(key),
      freeze_balance: 0,
      max_queue: cfg.queueLimit,
      in_queue: ctx.jobs.inProgress(key),
    },
  });
}

/**
 * POST /sora/generations and POST /sora/characters.
 * Order: count -> auth -> JSON -> before-create faults (beforeCreate or queueFull) -> validation
 * -> queue limit -> quota -> create job -> after-create faults -> success.
 * @param {Ctx} ctx @param {Req} req @param {Res} res
 * @param {'generation'|'character'} kind
 */
async function handleCreate(ctx, req, res, kind) {
  const st = ctx.counters.state;
  const endpoint = kind === 'generation' ? 'generations' : 'characters';
  if (kind === 'generation') st.submitRequests += 1;
  else st.characterRequests += 1;
  const key = authenticate(ctx, req, res);
  if (!key) return;
  const cfg = ctx.getConfig();

  const parsed = parseJson(await readBody(req));
  const body = parsed.value;
  /** @param {number} status @param {string} message */
  const refuse = (status, message) => {
    if (kind === 'generation') st.rejectedGenerationBodies.push({ body: body ?? null, status, message });
    sendJson(res, status, { status: 'FAILED', message });
  };
  const refuseQueueFull = () => {
    st.queueFullRefusals += 1;
    const full = queueFullBody(cfg.queueLimit);
    refuse(cfg.queueFullResponse === 'failed' ? 200 : Number(cfg.queueFullResponse), full.message);
  };
  if (parsed.error) {
    st.validationErrors += 1;
    refuse(400, parsed.error);
    return;
  }
  // A character has no prompt: its video URL carries the [sim:…] markers and is what faults match.
  const field = kind === 'generation' ? 'prompt' : 'url';
  const prompt = body && typeof body[field] === 'string' ? body[field] : undefined;

  const early = ctx.faults.take(endpoint, { prompt }, (f) => Boolean(f.beforeCreate) || f.kind === 'queueFull');
  if (early) {
    if (kind === 'generation' && early.kind !== 'slow') st.rejectedGenerationBodies.push({ body: body ?? null, status: early.status ?? 0, message: `fault ${early.id} (${early.kind}, before create)` });
    if (await applyFault(ctx, req, res, early, refuseQueueFull)) return;
  }

  const invalid = kind === 'generation' ? validateGeneration(body, cfg) : validateCharacter(body);
  if (invalid) {
    st.validationErrors += 1;
    refuse(400, invalid);
    return;
  }
  if (ctx.jobs.inProgress(key) >= cfg.queueLimit) {
    refuseQueueFull();
    return;
  }
  const price = Number(quotaFor(body, kind));
  if (ctx.jobs.balance(key) < price) {
    st.insufficientBalanceRefusals += 1;
    if (cfg.insufficientBalanceResponse === 'failed') refuse(200, 'insufficient quota');
    else refuse(402, `Insufficient balance: this job costs ${price} quota, the account has ${ctx.jobs.balance(key)}. Please recharge.`);
    return;
  }

  const job = ctx.jobs.create(key, kind, body);
  if (kind === 'generation') {
    st.submissions += 1;
    Counters.bump(st.submissionsByPrompt, body.prompt);
    st.generationBodies.push({ jobId: job.jobId, body: JSON.parse(JSON.stringify(body)) });
  } else {
    st.characterJobs += 1;
  }

  const late = ctx.faults.take(endpoint, { prompt, jobId: job.jobId }, (f) => !f.beforeCreate && f.kind !== 'queueFull');
  if (late && (await applyFault(ctx, req, res, late))) return;

  sendJson(res, 200, { status: 'SUCCESS', message: 'success', data: { [cfg.submitIdField]: job.jobId } });
}

/**
 * GET /sora/fetch?jobId=… or POST /sora/fetch {"jobId":"…"}.
 * @param {Ctx} ctx @param {Req} req @param {Res} res @param {URL} url
 */
async function handleFetch(ctx, req, res, url) {
  const key = authenticate(ctx, req, res);
  if (!key) return;
  const st = ctx.counters.state;
  st.fetchCalls += 1;
  /** @type {unknown} */
  let jobId = url.searchParams.get('jobId') ?? undefined;
  if (req.method === 'POST') {
    const parsed = parseJson(await readBody(req));
    if (parsed.error) {
      sendJson(res, 400, { status: 'FAILED', message: parsed.error });
      return;
    }
    if (parsed.value && typeof parsed.value === 'object' && parsed.value.jobId !== undefined) jobId = parsed.value.jobId;
  }
  const id = typeof jobId === 'string' ? jobId : undefined;
  if (id) Counters.bump(st.fetchCallsByJob, id);
  const job = id ? ctx.jobs.get(id, key) : undefined;

  const fault = ctx.faults.take('fetch', { jobId: id, prompt: job?.markerText ?? undefined });
  if (fault && (await applyFault(ctx, req, res, fault))) return;

  if (!id) {
    sendJson(res, 400, { status: 'FAILED', message: 'jobId is required' });
    return;
  }
  if (!job) {
    sendJson(res, 200, { status: 'FAILED', message: 'job not found', jobId: id, data: null });
    return;
  }
  sendJson(res, 200, ctx.jobs.fetchAnswer(job));
}

/**
 * GET/HEAD /videos/<jobId>.mp4 — no API key (CDN URL). 404 unless the job exists and is SUCCESS.
 * @param {Ctx} ctx @param {Req} req @param {Res} res @param {string} jobId
 */
async function handleVideo(ctx, req, res, jobId) {
  const st = ctx.counters.state;
  st.videoRequests += 1;
  const job = ctx.jobs.get(jobId);
  const fault = ctx.faults.take('video', { jobId, prompt: job?.prompt ?? undefined });
  if (fault && (await applyFault(ctx, req, res, fault))) return;
  if (!job || job.status !== 'SUCCESS' || job.kind !== 'generation' || job.markers.video === '404') {
    sendRaw(res, 404, 'Not Found', 'text/plain; charset=utf-8');
    return;
  }
  const clip = ctx.getConfig().videoKind === 'real' ? await realClip(ctx, job) : undefined;
  const total = clip ? clip.length : mp4Header(ctx.getConfig().videoBytes).total;
  res.writeHead(200, {
    'Content-Type': 'video/mp4',
    'Content-Length': total,
    'Accept-Ranges': 'none',
    'Cache-Control': 'public, max-age=86400',
  });
  if (req.method === 'HEAD') {
    res.end();
    return;
  }
  st.videoDownloads += 1;
  const truncate = job.markers.video === 'truncate';
  try {
    if (clip) await writeAll(res, truncate ? clip.subarray(0, Math.floor(total / 2)) : clip);
    else await writeMp4(res, total, truncate ? { stopAfter: Math.floor(total / 2) } : {});
  } catch {
    return; // client went away
  }
  if (truncate) {
    // Flush the half that was written, then close the connection: the client gets fewer
    // bytes than Content-Length declared (a "premature close" / "terminated" error).
    res.socket?.end();
    return;
  }
  res.end();
}

/**
 * The job's playable clip (video.js), or undefined (then the sized placeholder is served) when
 * ffmpeg is missing or fails: logged, never an error for the client.
 * @param {Ctx} ctx @param {any} job
 * @returns {Promise<Buffer | undefined>}
 */
async function realClip(ctx, job) {
  try {
    return await ctx.videos.clip({
      jobId: job.jobId,
      prompt: job.prompt ?? '',
      model: job.model ?? 'sora-2',
      orientation: job.body?.orientation,
      duration: job.body?.duration,
    });
  } catch (error) {
    ctx.log(`video ${job.jobId}: serving the blank placeholder: ${/** @type {Error} */ (error).message}`);
    return undefined;
  }
}

/** @param {import('node:http').ServerResponse} res @param {Buffer} buffer */
function writeAll(res, buffer) {
  return new Promise((resolve, reject) => {
    if (res.destroyed) return reject(new Error('destination closed'));
    res.write(buffer, (error) => (error ? reject(error) : resolve(undefined)));
  });
}

module.exports = { handleInfo, handleCreate, handleFetch, handleVideo, authenticate, queueFullBody, AUTH_FAILED };
