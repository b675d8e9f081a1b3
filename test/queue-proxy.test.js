// @ts-check
'use strict';

/**
 * The round-robin proxy of the queue-mode suite (scripts/n8n/queue/proxy.js): it decides which
 * webhook processor gets each call, so the suite's "both processors were used" rests on it.
 */

const http = require('node:http');
const net = require('node:net');
const { startProxy, classify } = require('../scripts/n8n/queue/proxy');

/** @param {string} name @param {(req: http.IncomingMessage, res: http.ServerResponse, body: string) => void} [handle] */
async function upstream(name, handle) {
  /** @type {{ url: string, body: string }[]} */
  const hits = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      hits.push({ url: req.url || '', body });
      if (handle) return handle(req, res, body);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ by: name }));
    });
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', () => r(undefined)));
  const port = /** @type {net.AddressInfo} */ (server.address()).port;
  return {
    name,
    port,
    hits,
    close: () => new Promise((r) => { server.closeAllConnections(); server.close(() => r(undefined)); }),
  };
}

/** A port nothing listens on. */
async function closedPort() {
  const s = net.createServer();
  await new Promise((r) => s.listen(0, '127.0.0.1', () => r(undefined)));
  const port = /** @type {net.AddressInfo} */ (s.address()).port;
  await new Promise((r) => s.close(() => r(undefined)));
  return port;
}

/** @param {string} url */
const post = async (url, body = '{"a":1}') => {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
  return { status: res.status, json: await res.json().catch(() => undefined) };
};

test('classify: resume, webhook and other routes, without the query string', () => {
  expect(classify('/webhook-waiting/42?signature=s&ttapiToken=t')).toEqual({ kind: 'resume', route: 'resume:42', pathname: '/webhook-waiting/42' });
  expect(classify('/webhook/ttapi-sora?ttapiToken=t')).toEqual({ kind: 'webhook', route: 'webhook:ttapi-sora', pathname: '/webhook/ttapi-sora' });
  expect(classify('/healthz').kind).toBe('other');
});

test('per-route round robin: the calls of one route alternate, whatever else is interleaved', async () => {
  const a = await upstream('a');
  const b = await upstream('b');
  const proxy = await startProxy({ upstreams: [a, b] });
  try {
    const by = [];
    for (let i = 0; i < 4; i++) {
      by.push((await post(`${proxy.url}/webhook-waiting/7?x=${i}`)).json.by);
      await post(`${proxy.url}/webhook/other`); // traffic of another route in between
    }
    expect(by).toEqual(['a', 'b', 'a', 'b']);
    expect(proxy.routeCounts('resume:7')).toEqual({ a: 2, b: 2 });
    expect(proxy.counts().a.byKind).toEqual({ resume: 2, webhook: 2 });
    expect(a.hits[0].url).toBe('/webhook-waiting/7?x=0'); // path and query passed on unchanged
    expect(a.hits[0].body).toBe('{"a":1}');
    expect(proxy.requests.every((r) => !r.path.includes('?'))).toBe(true);
  } finally {
    await proxy.close();
    await a.close();
    await b.close();
  }
});

test('a refused connection goes to the other upstream; both refused is a 502', async () => {
  const b = await upstream('b');
  const dead = { name: 'dead', port: await closedPort() };
  const proxy = await startProxy({ upstreams: [dead, b] });
  try {
    const r = await post(`${proxy.url}/webhook/x`);
    expect(r).toEqual({ status: 200, json: { by: 'b' } });
    expect(proxy.counts().dead).toMatchObject({ requests: 0, refused: 1 });
    expect(proxy.requests[0]).toMatchObject({ upstream: 'b', refusedBy: ['dead'], status: 200 });
  } finally {
    await proxy.close();
    await b.close();
  }
  const proxy2 = await startProxy({ upstreams: [dead, { name: 'dead2', port: await closedPort() }] });
  try {
    expect((await post(`${proxy2.url}/webhook/x`)).status).toBe(502);
  } finally {
    await proxy2.close();
  }
});

test('a failure after the request was sent is a 502 and is never retried elsewhere', async () => {
  // "a" reads the request, then drops the connection without answering (a process killed mid-call)
  const a = await upstream('a', (req) => req.socket.destroy());
  const b = await upstream('b');
  const proxy = await startProxy({ upstreams: [a, b] });
  try {
    const r = await post(`${proxy.url}/webhook-waiting/9`);
    expect(r.status).toBe(502);
    expect(a.hits).toHaveLength(1);
    expect(b.hits).toHaveLength(0);
    expect(proxy.counts().a).toMatchObject({ requests: 1, failed: 1 });
  } finally {
    await proxy.close();
    await a.close();
    await b.close();
  }
});
