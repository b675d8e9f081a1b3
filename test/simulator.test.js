// @ts-check
'use strict';

/**
 * Tests of the local TTAPI simulator (test/simulator/) over real HTTP.
 * Run: npx jest test/simulator.test.js
 */

const http = require('node:http');
const path = require('node:path');
const { spawn } = require('node:child_process');
const { startSimulator } = require('./simulator');
const { mp4Header, MIN_MP4_BYTES } = require('./simulator/mp4');
const { submitVideo } = require('./simulator/client');

jest.setTimeout(20000);

const KEY = 'sim-key';
const FAST = { queueMs: 40, renderMs: 120 };

/** @type {Awaited<ReturnType<typeof startSimulator>>} */
let sim;

afterEach(async () => {
  if (sim) await sim.close();
  // @ts-ignore
  sim = undefined;
});

const sleep = (/** @type {number} */ ms) => new Promise((r) => setTimeout(r, ms));

/**
 * @param {() => boolean | Promise<boolean>} cond
 * @param {number} [timeoutMs]
 */
async function waitFor(cond, timeoutMs = 3000) {
  const end = Date.now() + timeoutMs;
  for (;;) {
    if (await cond()) return;
    if (Date.now() > end) throw new Error('waitFor: timed out');
    await sleep(15);
  }
}

/**
 * @param {string} p
 * @param {{ method?: string, body?: unknown, key?: string|null, raw?: string }} [opts]
 */
async function call(p, opts = {}) {
  /** @type {Record<string, string>} */
  const headers = {};
  if (opts.key !== null) headers['TT-API-KEY'] = opts.key ?? KEY;
  let body;
  if (opts.raw !== undefined) body = opts.raw;
  else if (opts.body !== undefined) body = JSON.stringify(opts.body);
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const res = await fetch(sim.url + p, { method: opts.method ?? (body !== undefined ? 'POST' : 'GET'), headers, body });
  const text = await res.text();
  let json;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, json, text, headers: res.headers };
}

/** @param {Record<string, unknown>} body @param {string} [key] */
const submit = (body, key) => call('/sora/generations', { body, key });
/** @param {string} jobId */
const fetchJob = (jobId) => call(`/sora/fetch?jobId=${encodeURIComponent(jobId)}`);

/** @param {Record<string, unknown>} body */
async function submitOk(body) {
  const r = await submit(body);
  expect(r.status).toBe(200);
  expect(r.json.status).toBe('SUCCESS');
  return /** @type {string} */ (r.json.data.job_id);
}

/** @param {string} jobId @param {(s: string) => boolean} [done] */
async function waitForEnd(jobId, done = (s) => s !== 'PENDING_QUEUE' && s !== 'ON_QUEUE') {
  /** @type {any} */
  let last;
  await waitFor(async () => {
    last = (await fetchJob(jobId)).json;
    return done(last.status);
  });
  return last;
}

/** Tiny callback receiver recording raw request lines and bodies. */
async function startReceiver(statuses = /** @type {number[]} */ ([])) {
  /** @type {{ url: string, method: string, body: string, headers: http.IncomingHttpHeaders }[]} */
  const hits = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      hits.push({ url: req.url || '', method: req.method || '', body, headers: req.headers });
      res.statusCode = statuses.length ? /** @type {number} */ (statuses.shift()) : 200;
      res.end('ok');
    });
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', () => r(undefined)));
  const port = /** @type {import('node:net').AddressInfo} */ (server.address()).port;
  return {
    hits,
    base: `http://127.0.0.1:${port}`,
    close: () => new Promise((r) => { server.closeAllConnections(); server.close(() => r(undefined)); }),
  };
}

describe('auth and account info', () => {
  test('missing or wrong TT-API-KEY answers 401 with TTAPI body; info works with the key', async () => {
    sim = await startSimulator({ ...FAST, queueLimit: 3, apiKeys: ['k1', 'k2'] });
    const none = await call('/midjourney/v1/info', { key: null });
    expect(none.status).toBe(401);
    expect(none.json).toEqual({ status: 'FAILED', message: 'Wrong TT-API-KEY or email is not activated.' });
    const wrong = await call('/sora/generations', { key: 'nope', body: { model: 'sora-2', prompt: 'x' } });
    expect(wrong.status).toBe(401);
    expect((await call('/sora/fetch?jobId=abc', { key: 'nope' })).status).toBe(401);

    const info = await call('/midjourney/v1/info', { key: 'k2' });
    expect(info.status).toBe(200);
    expect(info.json).toMatchObject({ status: 'SUCCESS', message: 'success', data: { email: 'sim@example.com', balance: 100000, freeze_balance: 0, max_queue: 3 } });

    const c = sim.counters();
    expect(c.unauthorized).toBe(3);
    expect(c.infoCalls).toBe(1);
    expect(c.submitRequests).toBe(1);
    expect(c.submissions).toBe(0);
    expect(c.requestsWithKey).toEqual({ nope: 2, k2: 1 });
  });

  test('balance drops by the job quota and is refunded when a job fails', async () => {
    sim = await startSimulator({ ...FAST, balance: 50 });
    const ok = await submitOk({ model: 'sora-2-pro', prompt: 'p', duration: 10 });
    const failing = await submitOk({ model: 'sora-2', prompt: '[sim:fail=nope]' });
    expect((await call('/midjourney/v1/info')).json.data.balance).toBe(50 - 10 - 3);
    await waitForEnd(ok);
    await waitForEnd(failing);
    expect((await call('/midjourney/v1/info')).json.data.balance).toBe(40);
  });
});

describe('submit and fetch lifecycle', () => {
  test('PENDING_QUEUE -> ON_QUEUE -> SUCCESS with the full fetch body (GET and POST fetch)', async () => {
    sim = await startSimulator({ queueMs: 150, renderMs: 250 });
    const body = { model: 'sora-2', prompt: 'a red fox in snow', orientation: 'landscape', duration: 15, referImages: ['https://img.example/x.png'], private: false };
    const r = await submit(body);
    expect(r.json).toEqual({ status: 'SUCCESS', message: 'success', data: { job_id: expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/) } });
    const jobId = r.json.data.job_id;

    const first = await fetchJob(jobId);
    expect(first.json.status).toBe('PENDING_QUEUE');
    expect(first.json.data.videoUrl).toBeNull();
    expect(first.json.data.finishTime).toBeNull();

    await waitFor(async () => (await fetchJob(jobId)).json.status === 'ON_QUEUE');
    const done = await waitForEnd(jobId);
    expect(done).toEqual({
      status: 'SUCCESS',
      message: '',
      jobId,
      data: {
        model: 'sora-2',
        prompt: 'a red fox in snow',
        referImages: ['https://img.example/x.png'],
        videoUrl: `${sim.url}/videos/${jobId}.mp4`,
        quota: '4',
        finishTime: expect.stringMatching(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/),
        hookUrl: null,
      },
    });
    const viaPost = await call('/sora/fetch', { body: { jobId } });
    expect(viaPost.json).toEqual(done);

    const c = sim.counters();
    expect(c.submissions).toBe(1);
    expect(c.submissionsByPrompt).toEqual({ 'a red fox in snow': 1 });
    expect(c.generationBodies).toEqual([{ jobId, body }]);
    expect(c.fetchCallsByJob[jobId]).toBe(c.fetchCalls);
    expect(c.fetchCalls).toBeGreaterThanOrEqual(3);
    expect(c.inFlightPeak).toBe(1);
    expect(c.inFlight).toBe(0);
  });

  test('pro jobs cost more; submitIdField jobId gives the older response shape', async () => {
    sim = await startSimulator({ ...FAST, submitIdField: 'jobId' });
    const r = await submit({ model: 'sora-2-pro', prompt: 'hd', duration: 25, size: 'small' });
    expect(Object.keys(r.json.data)).toEqual(['jobId']);
    const jobId = r.json.data.jobId;
    expect((await fetchJob(jobId)).json.data.quota).toBe('25');
    sim.configure({ submitIdField: 'job_id' });
    const r2 = await submit({ model: 'sora-2-pro', prompt: 'hd2' });
    expect(Object.keys(r2.json.data)).toEqual(['job_id']);
    expect((await fetchJob(r2.json.data.job_id)).json.data.quota).toBe('15');
  });

  test('unknown job, missing jobId, other key\'s job', async () => {
    sim = await startSimulator({ ...FAST, apiKeys: ['a', 'b'] });
    const unknown = await call('/sora/fetch?jobId=does-not-exist', { key: 'a' });
    expect(unknown.status).toBe(200);
    expect(unknown.json).toEqual({ status: 'FAILED', message: 'job not found', jobId: 'does-not-exist', data: null });
    const missing = await call('/sora/fetch', { key: 'a' });
    expect(missing.status).toBe(400);
    expect(missing.json).toEqual({ status: 'FAILED', message: 'jobId is required' });
    const jobId = (await submit({ model: 'sora-2', prompt: 'mine' }, 'a')).json.data.job_id;
    expect((await call(`/sora/fetch?jobId=${jobId}`, { key: 'b' })).json.message).toBe('job not found');
    expect((await call(`/sora/fetch?jobId=${jobId}`, { key: 'a' })).json.jobId).toBe(jobId);
  });

  test('publicBaseUrl is used for videoUrl', async () => {
    sim = await startSimulator({ ...FAST, publicBaseUrl: 'https://cdn.example.test/base/' });
    const jobId = await submitOk({ model: 'sora-2', prompt: 'x' });
    expect((await waitForEnd(jobId)).data.videoUrl).toBe(`https://cdn.example.test/base/videos/${jobId}.mp4`);
  });
});

describe('validation', () => {
  const cases = [
    [{ prompt: 'x' }, 'model is required'],
    [{ model: 'sora-3', prompt: 'x' }, 'model must be one of sora-2, sora-2-pro'],
    [{ model: 'sora-2' }, 'prompt is required'],
    [{ model: 'sora-2', prompt: '   ' }, 'prompt is required'],
    [{ model: 'sora-2', prompt: 'x'.repeat(4001) }, 'prompt is too long (max 4000 characters)'],
    [{ model: 'sora-2', prompt: 'x', duration: 12 }, 'duration must be 10, 15 or 25'],
    [{ model: 'sora-2', prompt: 'x', duration: '10' }, 'duration must be 10, 15 or 25'],
    [{ model: 'sora-2', prompt: 'x', duration: 25 }, 'duration 25 is only available with sora-2-pro'],
    [{ model: 'sora-2', prompt: 'x', size: 'small' }, 'size is only available with sora-2-pro'],
    [{ model: 'sora-2-pro', prompt: 'x', size: 'huge' }, 'size must be small or large'],
    [{ model: 'sora-2-pro', prompt: 'x', duration: 25, size: 'large' }, 'duration 25 only supports size small'],
    [{ model: 'sora-2', prompt: 'x', orientation: 'square' }, 'orientation must be portrait or landscape'],
    [{ model: 'sora-2', prompt: 'x', referImages: 'https://a/b.png' }, 'referImages must be an array of image URLs'],
    [{ model: 'sora-2', prompt: 'x', character_timestamps: '1,5' }, 'character_timestamps: end - start must be between 1 and 3 seconds'],
    [{ model: 'sora-2', prompt: 'x', private: 'yes' }, 'private must be a boolean'],
    [{ model: 'sora-2', prompt: 'x', hookUrl: 'not a url' }, 'hookUrl must be an http(s) URL'],
  ];

  test.each(cases.map(([body, message]) => ({ body, message })))('400: $message', async ({ body, message }) => {
    sim = await startSimulator(FAST);
    const r = await submit(/** @type {Record<string, unknown>} */ (body));
    expect(r.status).toBe(400);
    expect(r.json).toEqual({ status: 'FAILED', message });
    const c = sim.counters();
    expect(c.submissions).toBe(0);
    expect(c.submitRequests).toBe(1);
    expect(c.validationErrors).toBe(1);
    expect(c.rejectedGenerationBodies).toEqual([{ body, status: 400, message }]);
  });

  test('invalid JSON is a 400 and accepted valid bodies create jobs', async () => {
    sim = await startSimulator(FAST);
    const bad = await call('/sora/generations', { raw: '{"model":' });
    expect(bad.status).toBe(400);
    expect(bad.json).toEqual({ status: 'FAILED', message: 'Invalid JSON body' });
    await submitOk({ model: 'sora-2-pro', prompt: 'ok', duration: 25, size: 'small', orientation: 'portrait', character_url: 'https://v.example/c.mp4', character_timestamps: '1,3', private: true });
    expect(sim.counters().submissions).toBe(1);
  });
});

describe('queue limit', () => {
  test('429 refusal when in-progress jobs reach queueLimit; accepted again after one ends', async () => {
    sim = await startSimulator({ queueMs: 30, renderMs: 300, queueLimit: 2 });
    const a = await submitOk({ model: 'sora-2', prompt: 'a' });
    await submitOk({ model: 'sora-2', prompt: 'b [sim:render=600]' });
    const refused = await submit({ model: 'sora-2', prompt: 'c' });
    expect(refused.status).toBe(429);
    expect(refused.json.status).toBe('FAILED');
    expect(refused.json.message).toMatch(/concurrent/i);
    expect(refused.json.message).toMatch(/queue/i);
    expect(sim.counters()).toMatchObject({ submissions: 2, submitRequests: 3, queueFullRefusals: 1, inFlight: 2, inFlightPeak: 2 });
    // Another key has its own queue.
    sim.configure({ apiKeys: [KEY, 'other'] });
    expect((await submit({ model: 'sora-2', prompt: 'd' }, 'other')).status).toBe(200);
    await waitForEnd(a);
    expect((await submit({ model: 'sora-2', prompt: 'c' })).status).toBe(200);
    expect(sim.counters().inFlightPeak).toBe(3);
  });

  test("queueFullResponse 'failed' answers HTTP 200 with a FAILED body", async () => {
    sim = await startSimulator({ queueMs: 30, renderMs: 500, queueLimit: 1, queueFullResponse: 'failed' });
    await submitOk({ model: 'sora-2', prompt: 'a' });
    const refused = await submit({ model: 'sora-2', prompt: 'b' });
    expect(refused.status).toBe(200);
    expect(refused.json.status).toBe('FAILED');
    expect(refused.json.message).toMatch(/concurrent.*queue|queue.*concurrent/i);
    expect(refused.json.data).toBeUndefined();
    expect(sim.counters().submissions).toBe(1);
    expect(sim.listJobs()).toHaveLength(1);
  });
});

describe('client (jobs the nodes did not submit)', () => {
  test('submitVideo returns the job ID with the hookUrl recorded; a refusal throws with HTTP status and body', async () => {
    sim = await startSimulator({ ...FAST, queueLimit: 1 });
    const jobId = await submitVideo(sim.url, { apiKey: KEY, prompt: 'client [sim:render=600]', hookUrl: 'http://127.0.0.1:9/hook' });
    expect(sim.getJob(jobId)).toMatchObject({ prompt: 'client [sim:render=600]', hookUrl: 'http://127.0.0.1:9/hook' });
    await expect(submitVideo(sim.url, { apiKey: KEY, prompt: 'second' })).rejects.toThrow(/refused a job \(HTTP 429\).*queue/i);
    await expect(submitVideo(sim.url, { apiKey: 'wrong-key', prompt: 'third' })).rejects.toThrow(/refused a job \(HTTP 401\)/);
  });
});

describe('prompt markers', () => {
  test('[sim:fail=…] ends FAILED with that message after rendering', async () => {
    sim = await startSimulator(FAST);
    const jobId = await submitOk({ model: 'sora-2', prompt: 'bad [sim:fail=prompt violation]' });
    expect((await fetchJob(jobId)).json.status).toBe('PENDING_QUEUE');
    const end = await waitForEnd(jobId);
    expect(end.status).toBe('FAILED');
    expect(end.message).toBe('prompt violation');
    expect(end.data.videoUrl).toBeNull();
  });

  test('[sim:fail-now=…] is FAILED from the first fetch, callback sent right away', async () => {
    const rx = await startReceiver();
    try {
      sim = await startSimulator({ queueMs: 1000, renderMs: 1000 });
      const jobId = await submitOk({ model: 'sora-2', prompt: '[sim:fail-now=insufficient quota]', hookUrl: `${rx.base}/cb` });
      const f = await fetchJob(jobId);
      expect(f.json.status).toBe('FAILED');
      expect(f.json.message).toBe('insufficient quota');
      await waitFor(() => rx.hits.length === 1, 500);
      expect(JSON.parse(rx.hits[0].body)).toMatchObject({ status: 'FAILED', message: 'insufficient quota', jobId });
      expect(sim.counters().inFlightPeak).toBe(0);
    } finally {
      await rx.close();
    }
  });

  test('[sim:render=ms] sets this job\'s render time', async () => {
    sim = await startSimulator({ queueMs: 10, renderMs: 5000 });
    const t0 = Date.now();
    const jobId = await submitOk({ model: 'sora-2', prompt: 'quick [sim:render=100]' });
    const end = await waitForEnd(jobId);
    expect(end.status).toBe('SUCCESS');
    expect(Date.now() - t0).toBeLessThan(2000);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(100);
  });

  test('[sim:status=WEIRD] ends with that unknown status and stays there', async () => {
    sim = await startSimulator(FAST);
    const jobId = await submitOk({ model: 'sora-2', prompt: '[sim:status=ARCHIVED]' });
    await waitForEnd(jobId);
    await sleep(200);
    const f = await fetchJob(jobId);
    expect(f.json.status).toBe('ARCHIVED');
    expect(f.json.data.videoUrl).toBeNull();
    expect(sim.counters().inFlight).toBe(0);
  });

  test('[sim:no-video-url] gives SUCCESS with videoUrl null', async () => {
    sim = await startSimulator(FAST);
    const jobId = await submitOk({ model: 'sora-2', prompt: '[sim:no-video-url]' });
    const end = await waitForEnd(jobId);
    expect(end.status).toBe('SUCCESS');
    expect(end.data.videoUrl).toBeNull();
  });

  test('[sim:video=404] and [sim:video=truncate]', async () => {
    sim = await startSimulator({ ...FAST, videoBytes: 200 * 1024 });
    const missing = await submitOk({ model: 'sora-2', prompt: '[sim:video=404]' });
    const cut = await submitOk({ model: 'sora-2', prompt: '[sim:video=truncate]' });
    const m = await waitForEnd(missing);
    const c = await waitForEnd(cut);
    const r404 = await fetch(m.data.videoUrl);
    expect(r404.status).toBe(404);
    await r404.arrayBuffer();
    const rCut = await fetch(c.data.videoUrl);
    expect(rCut.status).toBe(200);
    expect(rCut.headers.get('content-length')).toBe(String(200 * 1024));
    await expect(rCut.arrayBuffer()).rejects.toThrow();
    // Raw byte count: exactly half arrives before the connection closes.
    const got = await new Promise((resolve) => {
      let n = 0;
      http.get(c.data.videoUrl, (res) => {
        res.on('data', (d) => (n += d.length));
        res.on('error', () => resolve(n));
        res.on('aborted', () => resolve(n));
        res.on('close', () => resolve(n));
      });
    });
    expect(got).toBe(100 * 1024);
  });

  test("videoKind 'real': a playable clip per job, in the orientation asked; 404 and truncate still apply", async () => {
    const { VideoMaker } = require('./simulator/video');
    const tool = new VideoMaker();
    expect(tool.source()).toMatchObject({ kind: 'real', seconds: 4, text: true }); // npm ci brings ffmpeg
    sim = await startSimulator({ ...FAST, videoKind: 'real' });
    expect(sim.videoSource()).toMatchObject({ kind: 'real' });
    const wide = await submitOk({ model: 'sora-2', prompt: 'a wide shot', orientation: 'landscape' });
    const tall = await submitOk({ model: 'sora-2-pro', prompt: 'a tall shot' });
    const cut = await submitOk({ model: 'sora-2', prompt: '[sim:video=truncate]' });
    const missing = await submitOk({ model: 'sora-2', prompt: '[sim:video=404]' });
    const [w, t, c, m] = [await waitForEnd(wide), await waitForEnd(tall), await waitForEnd(cut), await waitForEnd(missing)];

    const probe = async (/** @type {string} */ url) => {
      const res = await fetch(url);
      const bytes = Buffer.from(await res.arrayBuffer());
      expect(res.headers.get('content-length')).toBe(String(bytes.length));
      const file = path.join(require('node:os').tmpdir(), `sim-real-${process.pid}-${Date.now()}.mp4`);
      require('node:fs').writeFileSync(file, bytes);
      try {
        // Decode every frame: a zero-filled payload fails here, a real clip does not.
        const run = require('node:child_process').spawnSync(tool.tool.ffmpeg, ['-hide_banner', '-v', 'error', '-i', file, '-f', 'null', '-'], { encoding: 'utf8' });
        const info = require('node:child_process').spawnSync(tool.tool.ffmpeg, ['-hide_banner', '-i', file], { encoding: 'utf8' });
        return { bytes, decodeErrors: `${run.status} ${run.stderr.trim()}`, header: info.stderr };
      } finally {
        require('node:fs').rmSync(file, { force: true });
      }
    };
    const landscape = await probe(w.data.videoUrl);
    expect(landscape.decodeErrors).toBe('0 ');
    expect(landscape.header).toMatch(/Duration: 00:00:04\.00/);
    expect(landscape.header).toMatch(/Video: h264 .* 960x540/);
    const portrait = await probe(t.data.videoUrl);
    expect(portrait.decodeErrors).toBe('0 ');
    expect(portrait.header).toMatch(/Video: h264 .* 540x960/);
    // The same job gets the same file again (made once).
    expect((await probe(t.data.videoUrl)).bytes.equals(portrait.bytes)).toBe(true);

    expect((await fetch(m.data.videoUrl)).status).toBe(404);
    const head = await fetch(c.data.videoUrl, { method: 'HEAD' });
    const declared = Number(head.headers.get('content-length'));
    expect(declared).toBeGreaterThan(10_000);
    const got = await new Promise((resolve) => {
      let n = 0;
      http.get(c.data.videoUrl, (res) => {
        res.on('data', (d) => (n += d.length));
        res.on('error', () => resolve(n));
        res.on('aborted', () => resolve(n));
        res.on('close', () => resolve(n));
      });
    });
    expect(got).toBe(Math.floor(declared / 2));
  });

  test("videoKind 'sized' (the default) keeps exact sizes; without ffmpeg 'real' falls back to it and says why", async () => {
    sim = await startSimulator({ ...FAST, videoBytes: 12345 });
    expect(sim.videoSource()).toMatchObject({ kind: 'sized', bytes: 12345 });
    const { VideoMaker } = require('./simulator/video');
    const broken = new VideoMaker();
    broken.tool = { reason: 'no ffmpeg found (test)' };
    expect(broken.source()).toEqual({ kind: 'sized', reason: 'no ffmpeg found (test)' });
    await expect(broken.clip({ jobId: 'x', prompt: 'p', model: 'sora-2' })).rejects.toThrow('cannot make a real video');
  });

  test('[sim:duplicate-callback] sends the callback twice', async () => {
    const rx = await startReceiver();
    try {
      sim = await startSimulator(FAST);
      const jobId = await submitOk({ model: 'sora-2', prompt: 'twice [sim:duplicate-callback]', hookUrl: `${rx.base}/h` });
      await waitFor(() => rx.hits.length === 2);
      await sleep(100);
      expect(rx.hits).toHaveLength(2);
      expect(rx.hits[0].body).toBe(rx.hits[1].body);
      await waitFor(() => sim.counters().callbacks.length === 2);
      expect(sim.counters().callbacks.map((/** @type {any} */ c) => [c.jobId, c.status, c.reason])).toEqual([
        [jobId, 200, 'auto'],
        [jobId, 200, 'duplicate'],
      ]);
    } finally {
      await rx.close();
    }
  });
});

  test('[sim:fetch-lag=ms]: the callback carries the final record while fetch still says ON_QUEUE, until the lag has passed', async () => {
    const rx = await startReceiver();
    try {
      sim = await startSimulator(FAST);
      const jobId = await submitOk({ model: 'sora-2', prompt: 'lagging record [sim:fetch-lag=600]', hookUrl: `${rx.base}/h` });
      await waitFor(() => rx.hits.length === 1);
      const called = JSON.parse(rx.hits[0].body);
      expect(called).toMatchObject({ status: 'SUCCESS', jobId, data: { videoUrl: `${sim.url}/videos/${jobId}.mp4` } });
      expect(called.data.finishTime).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);

      const lagging = (await fetchJob(jobId)).json;
      expect(lagging).toMatchObject({ status: 'ON_QUEUE', message: '', jobId, data: { videoUrl: null, finishTime: null, prompt: 'lagging record [sim:fetch-lag=600]' } });
      expect(sim.counters().laggedFetches).toBe(1);
      expect(sim.getJob(jobId)?.status).toBe('SUCCESS'); // the job itself has ended

      await sleep(650);
      expect((await fetchJob(jobId)).json).toEqual(called);
      expect(sim.counters().laggedFetches).toBe(1);
    } finally {
      await rx.close();
    }
  });

describe('faults', () => {
  test('generations status 500 is decided after the job was created', async () => {
    sim = await startSimulator(FAST);
    const id = sim.injectFault({ endpoint: 'generations', kind: 'status', status: 500 });
    expect(typeof id).toBe('string');
    const r = await submit({ model: 'sora-2', prompt: 'costly' });
    expect(r.status).toBe(500);
    expect(r.json.data).toBeUndefined();
    const c = sim.counters();
    expect(c.submissions).toBe(1);
    expect(c.faultsFired).toEqual({ [id]: 1 });
    const jobs = sim.listJobs();
    expect(jobs).toHaveLength(1);
    expect(jobs[0].prompt).toBe('costly');
    // times defaults to 1: the next submit is normal
    expect((await submit({ model: 'sora-2', prompt: 'next' })).status).toBe(200);
  });

  test('beforeCreate status 503 (raw string body) creates no job', async () => {
    sim = await startSimulator(FAST);
    sim.injectFault({ endpoint: 'generations', kind: 'status', status: 503, body: '<html>Service Unavailable</html>', beforeCreate: true });
    const r = await submit({ model: 'sora-2', prompt: 'x' });
    expect(r.status).toBe(503);
    expect(r.text).toBe('<html>Service Unavailable</html>');
    expect(r.headers.get('content-type')).toMatch(/text\/plain/);
    expect(sim.counters().submissions).toBe(0);
    expect(sim.listJobs()).toHaveLength(0);
  });

  test('generations reset after create vs beforeCreate', async () => {
    sim = await startSimulator(FAST);
    sim.injectFault({ endpoint: 'generations', kind: 'reset' });
    await expect(submit({ model: 'sora-2', prompt: 'a' })).rejects.toThrow();
    expect(sim.counters().submissions).toBe(1);
    sim.injectFault({ endpoint: 'generations', kind: 'reset', beforeCreate: true });
    await expect(submit({ model: 'sora-2', prompt: 'b' })).rejects.toThrow();
    expect(sim.counters().submissions).toBe(1);
    expect(sim.counters().submitRequests).toBe(2);
  });

  test('generations slow: job exists before the answer arrives', async () => {
    sim = await startSimulator(FAST);
    sim.injectFault({ endpoint: 'generations', kind: 'slow', delayMs: 400 });
    const t0 = Date.now();
    const pending = submit({ model: 'sora-2', prompt: 'slow' });
    await waitFor(() => sim.counters().submissions === 1, 300);
    const r = await pending;
    expect(Date.now() - t0).toBeGreaterThanOrEqual(390);
    expect(r.status).toBe(200);
    expect(r.json.data.job_id).toBe(sim.listJobs()[0].jobId);
  });

  test('generations malformed: HTTP 200 JSON that does not parse, job created', async () => {
    sim = await startSimulator(FAST);
    sim.injectFault({ endpoint: 'generations', kind: 'malformed' });
    const r = await submit({ model: 'sora-2', prompt: 'm' });
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toMatch(/application\/json/);
    expect(r.text).toBe('{"status":"SUCC');
    expect(r.json).toBeUndefined();
    expect(sim.counters().submissions).toBe(1);
  });

  test('queueFull fault refuses (both styles) with no job; times and match.prompt', async () => {
    sim = await startSimulator(FAST);
    sim.injectFault({ endpoint: 'generations', kind: 'queueFull', times: 2, match: { prompt: 'batch' } });
    expect((await submit({ model: 'sora-2', prompt: 'other' })).status).toBe(200);
    expect((await submit({ model: 'sora-2', prompt: 'batch 1' })).status).toBe(429);
    sim.configure({ queueFullResponse: 'failed' });
    const second = await submit({ model: 'sora-2', prompt: 'batch 2' });
    expect(second.status).toBe(200);
    expect(second.json.status).toBe('FAILED');
    expect((await submit({ model: 'sora-2', prompt: 'batch 3' })).status).toBe(200);
    expect(sim.counters()).toMatchObject({ submissions: 2, queueFullRefusals: 2, submitRequests: 4 });
  });

  test('fetch faults: status with times Infinity until cleared, reset, malformed, match.jobId', async () => {
    sim = await startSimulator(FAST);
    const a = await submitOk({ model: 'sora-2', prompt: 'a' });
    const b = await submitOk({ model: 'sora-2', prompt: 'b' });
    sim.injectFault({ endpoint: 'fetch', kind: 'status', status: 502, body: 'Bad Gateway', times: Infinity, match: { jobId: a } });
    for (let i = 0; i < 3; i++) {
      const r = await fetchJob(a);
      expect(r.status).toBe(502);
      expect(r.text).toBe('Bad Gateway');
    }
    expect((await fetchJob(b)).status).toBe(200);
    sim.clearFaults();
    expect((await fetchJob(a)).status).toBe(200);
    sim.injectFault({ endpoint: 'fetch', kind: 'reset' });
    await expect(fetchJob(a)).rejects.toThrow();
    sim.injectFault({ endpoint: 'fetch', kind: 'malformed', times: -1 });
    expect((await fetchJob(b)).text).toBe('{"status":"SUCC');
    expect((await call('/sora/fetch', { body: { jobId: b } })).text).toBe('{"status":"SUCC');
    expect(sim.counters().fetchCallsByJob).toEqual({ [a]: 5, [b]: 3 });
  });

  test('video and info faults', async () => {
    sim = await startSimulator({ ...FAST, videoBytes: 4096 });
    const jobId = await submitOk({ model: 'sora-2', prompt: 'v' });
    const { data } = await waitForEnd(jobId);
    sim.injectFault({ endpoint: 'video', kind: 'status', status: 503 });
    expect((await fetch(data.videoUrl)).status).toBe(503);
    const ok = await fetch(data.videoUrl);
    expect(ok.status).toBe(200);
    expect((await ok.arrayBuffer()).byteLength).toBe(4096);
    sim.injectFault({ endpoint: 'info', kind: 'slow', delayMs: 300 });
    const t0 = Date.now();
    expect((await call('/midjourney/v1/info')).status).toBe(200);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(290);
    sim.injectFault({ endpoint: 'info', kind: 'status', status: 429, body: { status: 'FAILED', message: 'rate limited' } });
    const limited = await call('/midjourney/v1/info');
    expect(limited.status).toBe(429);
    expect(limited.json).toEqual({ status: 'FAILED', message: 'rate limited' });
  });

  test('invalid faults are refused', () => {
    return startSimulator(FAST).then((s) => {
      sim = s;
      expect(() => sim.injectFault(/** @type {any} */ ({ endpoint: 'nope', kind: 'status', status: 500 }))).toThrow(/endpoint/);
      expect(() => sim.injectFault(/** @type {any} */ ({ endpoint: 'fetch', kind: 'drop' }))).toThrow(/kind/);
      expect(() => sim.injectFault({ endpoint: 'fetch', kind: 'status' })).toThrow(/status/);
    });
  });
});

describe('callbacks', () => {
  test('hookUrl is called exactly as submitted (query string byte-for-byte) with the fetch body', async () => {
    const rx = await startReceiver();
    try {
      sim = await startSimulator(FAST);
      const rawPathAndQuery = "/hooks/a%2Fb/wf?x=1&y=%20z&list=a,b&empty=&sig=AbC%3D%3D&u=%E2%9C%93&q='it's'&p=a|b&plus=1+2";
      const hookUrl = `${rx.base}${rawPathAndQuery}#frag`;
      // A WHATWG URL round trip would change it (quotes get percent-encoded): that's what we must not do.
      expect(new URL(hookUrl).href).not.toBe(hookUrl.replace('#frag', '') + '#frag');
      const jobId = await submitOk({ model: 'sora-2', prompt: 'cb', hookUrl });
      await waitFor(() => rx.hits.length === 1);
      expect(rx.hits[0].method).toBe('POST');
      expect(rx.hits[0].url).toBe(rawPathAndQuery);
      expect(rx.hits[0].headers['content-type']).toBe('application/json');
      const fetched = (await fetchJob(jobId)).json;
      expect(JSON.parse(rx.hits[0].body)).toEqual(fetched);
      expect(fetched.data.hookUrl).toBe(hookUrl);
      const recorded = sim.counters().callbacks;
      expect(recorded).toEqual([{ jobId, url: hookUrl, status: 200, body: 'ok', sentAt: expect.any(String), at: expect.any(String), attempt: 1, reason: 'auto' }]);
      expect(Date.parse(recorded[0].sentAt)).toBeLessThanOrEqual(Date.parse(recorded[0].at));
    } finally {
      await rx.close();
    }
  });

  test('FAILED jobs call back too; callbackDelayMs delays it; no retries by default', async () => {
    const rx = await startReceiver([500]);
    try {
      sim = await startSimulator({ queueMs: 10, renderMs: 10, callbackDelayMs: 300 });
      const t0 = Date.now();
      const jobId = await submitOk({ model: 'sora-2', prompt: '[sim:fail=prompt violation]', hookUrl: `${rx.base}/f` });
      await waitFor(() => rx.hits.length === 1);
      expect(Date.now() - t0).toBeGreaterThanOrEqual(300);
      expect(JSON.parse(rx.hits[0].body)).toMatchObject({ status: 'FAILED', message: 'prompt violation', jobId });
      await sleep(200);
      expect(rx.hits).toHaveLength(1);
      await waitFor(() => sim.counters().callbacks.length === 1);
      expect(sim.counters().callbacks[0].status).toBe(500);
    } finally {
      await rx.close();
    }
  });

  test('callbackRetries retries non-2xx and connection errors', async () => {
    const rx = await startReceiver([503, 500]);
    try {
      sim = await startSimulator({ ...FAST, callbackRetries: 3, callbackRetryDelayMs: 50 });
      const jobId = await submitOk({ model: 'sora-2', prompt: 'r', hookUrl: `${rx.base}/r` });
      await waitFor(() => rx.hits.length === 3);
      await sleep(150);
      expect(rx.hits).toHaveLength(3);
      await waitFor(() => sim.getJob(jobId).callbacks.length === 3);
      expect(sim.getJob(jobId).callbacks.map((/** @type {any} */ c) => c.status)).toEqual([503, 500, 200]);
      // connection refused: every attempt is recorded with an error
      sim.configure({ callbackRetries: 1 });
      const dead = await submitOk({ model: 'sora-2', prompt: 'dead', hookUrl: 'http://127.0.0.1:1/nothing' });
      await waitFor(() => sim.getJob(dead).callbacks.length === 2);
      expect(sim.getJob(dead).callbacks.every((/** @type {any} */ c) => c.status === null && typeof c.error === 'string')).toBe(true);
    } finally {
      await rx.close();
    }
  });

  test('callback faults: drop and slow', async () => {
    const rx = await startReceiver();
    try {
      sim = await startSimulator(FAST);
      sim.injectFault({ endpoint: 'callback', kind: 'drop', match: { prompt: 'lost' } });
      sim.injectFault({ endpoint: 'callback', kind: 'slow', delayMs: 400 });
      const lost = await submitOk({ model: 'sora-2', prompt: 'lost one', hookUrl: `${rx.base}/l` });
      const late = await submitOk({ model: 'sora-2', prompt: 'late one', hookUrl: `${rx.base}/s` });
      await waitForEnd(late);
      const endedAt = Date.now();
      await waitFor(() => rx.hits.length === 1);
      expect(Date.now() - endedAt).toBeGreaterThanOrEqual(250);
      await sleep(150);
      expect(rx.hits.map((h) => h.url)).toEqual(['/s']);
      expect(sim.counters().droppedCallbacks).toBe(1);
      expect(sim.getJob(lost).droppedCallbacks).toBe(1);
      expect(sim.getJob(lost).callbacks).toEqual([]);
    } finally {
      await rx.close();
    }
  });

  test('callbackCopies delivers every callback N times, one after another', async () => {
    // The receiver answers the first delivery late: the second must not start before that answer.
    /** @type {{ at: number, answeredAt?: number }[]} */
    const seen = [];
    const server = http.createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        const hit = { at: Date.now() };
        seen.push(hit);
        const delay = seen.length === 1 ? 200 : 0;
        setTimeout(() => {
          hit.answeredAt = Date.now();
          res.end('ok');
        }, delay);
      });
    });
    await new Promise((r) => server.listen(0, '127.0.0.1', () => r(undefined)));
    const base = `http://127.0.0.1:${/** @type {import('node:net').AddressInfo} */ (server.address()).port}`;
    try {
      sim = await startSimulator({ ...FAST, callbackCopies: 2 });
      const jobId = await submitOk({ model: 'sora-2', prompt: 'copies', hookUrl: `${base}/c` });
      await waitFor(() => seen.length === 2 && seen.every((h) => h.answeredAt));
      await sleep(100);
      expect(seen).toHaveLength(2);
      expect(seen[1].at).toBeGreaterThanOrEqual(/** @type {number} */ (seen[0].answeredAt));
      expect(sim.getJob(jobId).callbacks.map((/** @type {any} */ c) => [c.status, c.reason])).toEqual([
        [200, 'auto'],
        [200, 'duplicate'],
      ]);
    } finally {
      await new Promise((r) => { server.closeAllConnections(); server.close(() => r(undefined)); });
    }
  });

  test('callbackCopiesConcurrent sends the copies at the same time', async () => {
    // Nothing is answered until both copies have arrived: sent one after another, the second never would.
    /** @type {http.ServerResponse[]} */
    const waiting = [];
    const server = http.createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        waiting.push(res);
        if (waiting.length === 2) for (const r of waiting) r.end('ok');
      });
    });
    await new Promise((r) => server.listen(0, '127.0.0.1', () => r(undefined)));
    const base = `http://127.0.0.1:${/** @type {import('node:net').AddressInfo} */ (server.address()).port}`;
    try {
      sim = await startSimulator({ ...FAST, callbackCopies: 2, callbackCopiesConcurrent: true, callbackTimeoutMs: 2000 });
      const jobId = await submitOk({ model: 'sora-2', prompt: 'together', hookUrl: `${base}/t` });
      await waitFor(() => sim.getJob(jobId).callbacks.length === 2);
      expect(waiting).toHaveLength(2);
      expect(sim.getJob(jobId).callbacks.map((/** @type {any} */ c) => c.status)).toEqual([200, 200]);
      expect(sim.getJob(jobId).callbacks.map((/** @type {any} */ c) => c.reason).sort()).toEqual(['auto', 'duplicate']);
    } finally {
      await new Promise((r) => { server.closeAllConnections(); server.close(() => r(undefined)); });
    }
  });

  test('callbackJitterMs delays each delivery by a seeded 0…N ms (the same seed, the same delays)', async () => {
    const rx = await startReceiver();
    try {
      const jitter = 600;
      sim = await startSimulator({ queueMs: 10, renderMs: 10, queueLimit: 10, callbackJitterMs: jitter, callbackJitterSeed: 7 });
      const ids = [];
      for (let i = 0; i < 6; i++) {
        ids.push(await submitOk({ model: 'sora-2', prompt: `j${i} [sim:render=${i * 40}]`, hookUrl: `${rx.base}/j${i}` }));
      }
      // The simulator records a delivery once it has the answer, which comes after the receiver's hit.
      await waitFor(() => ids.every((id) => sim.getJob(id).callbacks.length === 1), 10_000);
      expect(rx.hits).toHaveLength(6);
      const jobs = ids.map((id) => sim.getJob(id));
      const { CallbackSender } = require('./simulator/callbacks');
      const draws = (/** @type {number} */ seed) => {
        const sender = new CallbackSender(/** @type {any} */ ({ getConfig: () => ({ callbackJitterMs: jitter, callbackJitterSeed: seed }) }));
        return Array.from({ length: 6 }, () => sender.nextJitterMs());
      };
      // Deliveries draw their delay in the order the jobs end; each callback comes at least that
      // long after its job ended (only lower bounds: a loaded machine may add any delay).
      const endOrder = [...jobs].sort((a, b) => Date.parse(a.endedAt) - Date.parse(b.endedAt));
      const drawn = draws(7);
      endOrder.forEach((job, index) => {
        expect(Date.parse(job.callbacks[0].sentAt) - Date.parse(job.endedAt)).toBeGreaterThanOrEqual(drawn[index] - 2);
      });
      // The delays differ by more than the 40 ms between the ends, so they reorder the callbacks
      // (which order they arrive in on a loaded machine is not asserted: any delivery may come late).
      expect(Math.max(...drawn) - Math.min(...drawn)).toBeGreaterThan(200);
      expect(draws(7)).toEqual(draws(7));
      expect(draws(7)).not.toEqual(draws(8));
      expect(draws(7).every((d) => d >= 0 && d <= jitter)).toBe(true);
    } finally {
      await rx.close();
    }
  });

  test('callbackCopies and callbackCopiesConcurrent are validated', async () => {
    sim = await startSimulator(FAST);
    expect(() => sim.configure({ callbackCopies: 0 })).toThrow(/at least 1/);
    expect(() => sim.configure({ callbackCopiesConcurrent: /** @type {any} */ ('yes') })).toThrow(/boolean/);
    expect(sim.configure({ callbackCopiesConcurrent: /** @type {any} */ ('true'), callbackCopies: 3 })).toMatchObject({ callbackCopies: 3, callbackCopiesConcurrent: true });
  });

  test('sendCallback replays a callback (times, url and body overrides)', async () => {
    const rx = await startReceiver([200, 200, 410]);
    try {
      sim = await startSimulator({ ...FAST, apiKeys: [KEY] });
      const jobId = await submitOk({ model: 'sora-2', prompt: 'replay', hookUrl: `${rx.base}/orig?a=1` });
      await waitFor(() => rx.hits.length === 1);
      expect(await sim.sendCallback(jobId, { times: 2 })).toEqual([200, 410]);
      expect(rx.hits.map((h) => h.url)).toEqual(['/orig?a=1', '/orig?a=1', '/orig?a=1']);
      expect(await sim.sendCallback(jobId, { url: `${rx.base}/other`, body: { forged: true } })).toEqual([200]);
      expect(rx.hits[3].url).toBe('/other');
      expect(JSON.parse(rx.hits[3].body)).toEqual({ forged: true });
      const noHook = await submitOk({ model: 'sora-2', prompt: 'no hook' });
      await expect(sim.sendCallback(noHook)).rejects.toThrow(/hookUrl/);
    } finally {
      await rx.close();
    }
  });

  test('endJob ends a rendering job now: final record, callback sent; an ended job stays as it was', async () => {
    const rx = await startReceiver([200, 200]);
    try {
      sim = await startSimulator({ ...FAST, apiKeys: [KEY] });
      const jobId = await submitOk({ model: 'sora-2', prompt: '[sim:render=600000] held', hookUrl: `${rx.base}/hook` });
      await waitFor(() => sim.getJob(jobId)?.status === 'ON_QUEUE');
      expect(rx.hits).toHaveLength(0);
      expect(sim.endJob(jobId).status).toBe('SUCCESS');
      await waitFor(() => rx.hits.length === 1);
      expect(JSON.parse(rx.hits[0].body)).toMatchObject({ status: 'SUCCESS', jobId });
      const fetched = await fetchJob(jobId);
      expect(fetched.json.data.videoUrl).toContain(jobId);
      const endedAt = sim.getJob(jobId)?.endedAt;
      expect(sim.endJob(jobId).endedAt).toBe(endedAt);
      await sleep(100);
      expect(rx.hits).toHaveLength(1);
      expect(() => sim.endJob('no-such-job')).toThrow(/not found/);
    } finally {
      await rx.close();
    }
  });
});

describe('video file', () => {
  /** Walk top-level ISO BMFF boxes. @param {Buffer} buf */
  function topBoxes(buf) {
    const boxes = [];
    let off = 0;
    while (off < buf.length) {
      const size = buf.readUInt32BE(off);
      boxes.push({ type: buf.toString('latin1', off + 4, off + 8), size, off });
      if (size < 8) throw new Error('bad box size');
      off += size;
    }
    expect(off).toBe(buf.length);
    return boxes;
  }

  test('served MP4 has exactly videoBytes, video/mp4, and ftyp/moov/mdat with a consistent stco', async () => {
    sim = await startSimulator({ ...FAST, videoBytes: 1024 * 1024 + 3 });
    const jobId = await submitOk({ model: 'sora-2', prompt: 'mp4' });
    const { data } = await waitForEnd(jobId);
    const head = await fetch(data.videoUrl, { method: 'HEAD' });
    expect(head.headers.get('content-length')).toBe(String(1024 * 1024 + 3));
    const r = await fetch(data.videoUrl); // no API key needed
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toBe('video/mp4');
    expect(r.headers.get('content-length')).toBe(String(1024 * 1024 + 3));
    const buf = Buffer.from(await r.arrayBuffer());
    expect(buf.length).toBe(1024 * 1024 + 3);
    expect(buf.toString('latin1', 4, 8)).toBe('ftyp');
    const boxes = topBoxes(buf);
    expect(boxes.map((b) => b.type)).toEqual(['ftyp', 'moov', 'mdat']);
    const mdat = boxes[2];
    const stco = buf.indexOf('stco', boxes[1].off, 'latin1');
    expect(buf.readUInt32BE(stco + 12)).toBe(mdat.off + 8);
    const stsz = buf.indexOf('stsz', boxes[1].off, 'latin1');
    expect(buf.readUInt32BE(stsz + 16)).toBe(mdat.size - 8);
    expect(sim.counters().videoDownloads).toBe(1);
    expect(sim.counters().videoRequests).toBe(2);
  });

  test('unknown or unfinished jobs give 404; tiny sizes are raised to the minimum', async () => {
    sim = await startSimulator({ queueMs: 10, renderMs: 2000 });
    expect((await fetch(`${sim.url}/videos/nope.mp4`)).status).toBe(404);
    const jobId = await submitOk({ model: 'sora-2', prompt: 'running' });
    expect((await fetch(`${sim.url}/videos/${jobId}.mp4`)).status).toBe(404);
    expect(mp4Header(10).total).toBe(MIN_MP4_BYTES);
    expect(mp4Header(50 * 1024 * 1024).header.length).toBe(MIN_MP4_BYTES);
  });
});

describe('characters', () => {
  test('POST /sora/characters validates, creates a job, and fetch returns a characterId', async () => {
    sim = await startSimulator(FAST);
    const bad = await call('/sora/characters', { body: { url: 'https://v.example/a.mp4', timestamps: '0,5' } });
    expect(bad.status).toBe(400);
    expect(bad.json.message).toMatch(/between 1 and 3/);
    expect((await call('/sora/characters', { body: { timestamps: '0,2' } })).json.message).toBe('url is required');
    const r = await call('/sora/characters', { body: { url: 'https://v.example/a.mp4', timestamps: '1,3' } });
    expect(r.status).toBe(200);
    const jobId = r.json.data.job_id;
    const end = await waitForEnd(jobId);
    expect(end).toMatchObject({ status: 'SUCCESS', jobId, data: { url: 'https://v.example/a.mp4', timestamps: '1,3', characterId: expect.stringMatching(/^char_/) } });
    expect(sim.counters()).toMatchObject({ characterRequests: 3, characterJobs: 1, submissions: 0 });
    sim.injectFault({ endpoint: 'characters', kind: 'status', status: 500 });
    expect((await call('/sora/characters', { body: { url: 'https://v.example/b.mp4', timestamps: '1,2' } })).status).toBe(500);
    expect(sim.counters().characterJobs).toBe(2);
  });
});

describe("TTAPI's named HTTP codes", () => {
  test('a balance that does not cover the job: HTTP 402 naming it, no job, nothing charged (or the older 200 FAILED style)', async () => {
    sim = await startSimulator({ ...FAST, balance: 5 });
    await submitOk({ model: 'sora-2', prompt: 'fits' }); // 3 of 5
    const refused = await call('/sora/generations', { body: { model: 'sora-2', prompt: 'too dear' } });
    expect(refused.status).toBe(402);
    expect(refused.json).toEqual({ status: 'FAILED', message: 'Insufficient balance: this job costs 3 quota, the account has 2. Please recharge.' });
    expect(sim.counters()).toMatchObject({ submissions: 1, insufficientBalanceRefusals: 1 });
    expect((await call('/midjourney/v1/info')).json.data.balance).toBe(2);
    sim.configure({ insufficientBalanceResponse: 'failed' });
    const old = await call('/sora/generations', { body: { model: 'sora-2', prompt: 'too dear' } });
    expect([old.status, old.json]).toEqual([200, { status: 'FAILED', message: 'insufficient quota' }]);
    expect(() => sim.configure({ insufficientBalanceResponse: '500' })).toThrow(/"402" or "failed"/);
  });

  test('a full queue can answer HTTP 499 (queue exhausted)', async () => {
    sim = await startSimulator({ ...FAST, renderMs: 2000, queueLimit: 1, queueFullResponse: '499' });
    await submitOk({ model: 'sora-2', prompt: 'first' });
    const refused = await call('/sora/generations', { body: { model: 'sora-2', prompt: 'second' } });
    expect(refused.status).toBe(499);
    expect(refused.json.message).toMatch(/queue limit of your account is 1/);
    expect(sim.counters()).toMatchObject({ submissions: 1, queueFullRefusals: 1 });
  });

  test.each([
    [402, 'simulated HTTP 402: insufficient balance'],
    [429, 'simulated HTTP 429'],
    [499, 'simulated HTTP 499: queue exhausted'],
    [504, 'simulated HTTP 504: gateway timeout'],
  ])('an injected HTTP %i fault answers {"status":"FAILED","message":"%s"}', async (status, message) => {
    sim = await startSimulator(FAST);
    sim.injectFault({ endpoint: 'generations', kind: 'status', status, beforeCreate: status !== 504 });
    const r = await call('/sora/generations', { body: { model: 'sora-2', prompt: `code ${status}` } });
    expect([r.status, r.json]).toEqual([status, { status: 'FAILED', message }]);
    // 504 comes after the job was created (its answer is what got lost); the refusals create none.
    expect(sim.counters().submissions).toBe(status === 504 ? 1 : 0);
  });
});

describe('characters get the same faults as videos', () => {
  test('[sim:…] markers in the video URL, and faults matching it', async () => {
    sim = await startSimulator(FAST);
    const url = 'https://v.example/c.mp4?[sim:fail=real person detected]';
    const r = await call('/sora/characters', { body: { url, timestamps: '1,3' } });
    const end = await waitForEnd(r.json.data.job_id);
    expect(end).toMatchObject({ status: 'FAILED', message: 'real person detected', data: { url, quota: '1' } });
    sim.injectFault({ endpoint: 'characters', kind: 'status', status: 402, beforeCreate: true, match: { prompt: '#mine#' } });
    expect((await call('/sora/characters', { body: { url: 'https://v.example/other.mp4', timestamps: '1,3' } })).status).toBe(200);
    expect((await call('/sora/characters', { body: { url: 'https://v.example/c.mp4?#mine#', timestamps: '1,3' } })).status).toBe(402);
    const ok = await call('/sora/characters', { body: { url: 'https://v.example/f.mp4?#fetch#', timestamps: '1,2' } });
    sim.injectFault({ endpoint: 'fetch', kind: 'status', status: 500, match: { prompt: '#fetch#' } });
    expect((await call(`/sora/fetch?jobId=${ok.json.data.job_id}`)).status).toBe(500);
  });
});

describe('controls', () => {
  test('HTTP controls mirror the in-process API', async () => {
    const rx = await startReceiver();
    try {
      sim = await startSimulator(FAST);
      /** @param {string} p @param {unknown} [body] */
      const post = (p, body) => call(p, { key: null, method: 'POST', body });
      expect((await post('/__sim/config', { renderMs: 60, submitIdField: 'jobId' })).json).toMatchObject({ renderMs: 60, submitIdField: 'jobId', apiKeyCount: 1 });
      expect((await post('/__sim/config', { bogus: 1 })).status).toBe(400);
      const fault = await post('/__sim/faults', { endpoint: 'fetch', kind: 'status', status: 500, times: -1 });
      expect(fault.json.id).toMatch(/^fault-/);
      const r = await submit({ model: 'sora-2', prompt: 'ctl', hookUrl: `${rx.base}/c?z=1` });
      const jobId = r.json.data.jobId;
      expect((await fetchJob(jobId)).status).toBe(500);
      expect((await call('/__sim/faults', { key: null, method: 'DELETE' })).json).toEqual({ ok: true });
      expect((await fetchJob(jobId)).status).toBe(200);
      await waitFor(() => rx.hits.length === 1);
      const job = (await call(`/__sim/jobs/${jobId}`, { key: null })).json;
      expect(job).toMatchObject({ jobId, status: 'SUCCESS', prompt: 'ctl', hookUrl: `${rx.base}/c?z=1` });
      expect(job.apiKey).toBeUndefined();
      expect((await post(`/__sim/jobs/${jobId}/callback`)).json).toEqual({ statuses: [200] });
      expect(rx.hits.map((h) => h.url)).toEqual(['/c?z=1', '/c?z=1']);
      expect((await call('/__sim/jobs/nope', { key: null })).status).toBe(404);
      const counters = (await call('/__sim/counters', { key: null })).json;
      expect(counters).toMatchObject({ submissions: 1, submitRequests: 1, fetchCalls: 2, fetchCallsByJob: { [jobId]: 2 } });
      expect(counters.callbacks).toHaveLength(2);
      expect((await post('/__sim/reset')).json).toEqual({ ok: true });
      expect(sim.counters()).toMatchObject({ submissions: 0, fetchCalls: 0, callbacks: [], generationBodies: [] });
      expect(sim.getJob(jobId)).toBeUndefined();
      expect((await call('/__sim/counters', { key: null })).json.submitRequests).toBe(0);
    } finally {
      await rx.close();
    }
  });

  test('close() stops timers and pending callbacks', async () => {
    const rx = await startReceiver();
    try {
      sim = await startSimulator({ queueMs: 20, renderMs: 100 });
      await submitOk({ model: 'sora-2', prompt: 'never ends', hookUrl: `${rx.base}/x` });
      await sim.close();
      await sleep(250);
      expect(rx.hits).toHaveLength(0);
      await expect(fetch(`${sim.url}/midjourney/v1/info`)).rejects.toThrow();
    } finally {
      await rx.close();
    }
  });

  test('reset() forgets jobs, counters and faults', async () => {
    sim = await startSimulator(FAST);
    sim.injectFault({ endpoint: 'generations', kind: 'status', status: 500, times: Infinity });
    await submit({ model: 'sora-2', prompt: 'x' });
    expect(sim.counters().submissions).toBe(1);
    sim.reset();
    expect(sim.counters().submissions).toBe(0);
    expect(sim.listJobs()).toEqual([]);
    expect((await submit({ model: 'sora-2', prompt: 'y' })).status).toBe(200);
  });
});

describe('CLI', () => {
  const cli = path.join(__dirname, 'simulator', 'cli.js');

  test('starts, prints the listening line, serves requests, exits 0 on SIGTERM', async () => {
    const child = spawn(process.execPath, [cli, '--port', '0', '--render-ms', '100', '--queue-ms', '20', '--queue-limit', '4', '--api-key', 'cli-key', '--video-bytes', '4096', '--callback-delay-ms', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      const line = await new Promise((resolve, reject) => {
        let out = '';
        child.stdout.on('data', (d) => {
          out += d;
          if (out.includes('\n')) resolve(out.split('\n')[0]);
        });
        child.on('exit', (code) => reject(new Error(`exited early with ${code}`)));
        const timer = setTimeout(() => reject(new Error('no line')), 5000);
        child.stdout.once('data', () => clearTimeout(timer));
      });
      const m = /^TTAPI simulator listening on (http:\/\/127\.0\.0\.1:(\d+)) \(API key: cli-key\)$/.exec(/** @type {string} */ (line));
      expect(m).not.toBeNull();
      const base = /** @type {RegExpExecArray} */ (m)[1];
      expect(Number(/** @type {RegExpExecArray} */ (m)[2])).toBeGreaterThan(0);
      const info = await (await fetch(`${base}/midjourney/v1/info`, { headers: { 'TT-API-KEY': 'cli-key' } })).json();
      expect(info.data.max_queue).toBe(4);
      const exit = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
      child.kill('SIGTERM');
      expect(await exit).toEqual({ code: 0, signal: null });
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
  });

  test('--help lists the options', async () => {
    const child = spawn(process.execPath, [cli, '--help'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    const code = await new Promise((resolve) => child.on('exit', resolve));
    expect(code).toBe(0);
    for (const flag of ['--port', '--render-ms', '--queue-ms', '--queue-limit', '--api-key', '--video-bytes', '--callback-delay-ms', '--queue-full-response', '--submit-id-field']) {
      expect(out).toContain(flag);
    }
  });
});
