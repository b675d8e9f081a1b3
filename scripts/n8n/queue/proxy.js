'use strict';
// A small round-robin HTTP proxy in front of n8n's webhook processors: the public webhook URL of
// a queue-mode cluster, so that the calls of one batch really land on different processes.
//
//   const proxy = await startProxy({ upstreams: [{ name: 'webhook1', port }, …] });
//   proxy.url; proxy.counts(); proxy.requests; await proxy.close();
//
// Like a real load balancer it tries the next upstream only when the connection is refused
// (nothing was sent, so nothing can have happened twice); once a request was sent, a failure is
// answered 502 and never retried.
//
// balance 'per-route' (default): one round-robin counter per route (the execution of
// /webhook-waiting/<id>, the path of /webhook/<path>), so consecutive calls for one batch always
// alternate between the processors, whatever else runs at the same time: the hardest case for
// the node, and the same in every run. 'global': one counter for all requests.
//
// What it records leaves out query strings (they carry tokens and signatures).

const http = require('node:http');

/** kind and route of a request path: resume (/webhook-waiting/<id>), webhook (/webhook/<path>), other. */
function classify(url) {
	const pathname = String(url || '/').split('?')[0];
	let m = /^\/webhook-waiting\/([^/]+)/.exec(pathname);
	if (m) return { kind: 'resume', route: `resume:${m[1]}`, pathname };
	m = /^\/webhook\/(.+?)\/?$/.exec(pathname);
	if (m) return { kind: 'webhook', route: `webhook:${m[1]}`, pathname };
	return { kind: 'other', route: `other:${pathname}`, pathname };
}

function readBody(req) {
	return new Promise((resolve, reject) => {
		const chunks = [];
		req.on('data', (c) => chunks.push(c));
		req.on('end', () => resolve(Buffer.concat(chunks)));
		req.on('error', reject);
	});
}

/**
 * Sends the request to one upstream. Resolves { refused: true } when the connection was refused
 * (nothing sent), else { status } once the answer was passed on, or { error } (answered 502).
 */
function forward(upstream, req, body, res, timeoutMs, onSent) {
	return new Promise((resolve) => {
		let settled = false;
		const done = (result) => {
			if (!settled) {
				settled = true;
				resolve(result);
			}
		};
		const headers = { ...req.headers, 'content-length': String(body.length) };
		delete headers['transfer-encoding'];
		delete headers.connection;
		const out = http.request({
			host: upstream.host || '127.0.0.1',
			port: upstream.port,
			method: req.method,
			path: req.url,
			headers,
			agent: false, // a fresh connection per request: a dead process shows as "refused"
			timeout: timeoutMs,
		});
		let connected = false;
		out.on('socket', (socket) =>
			socket.once('connect', () => {
				connected = true;
				if (onSent) onSent();
			}),
		);
		out.on('response', (upRes) => {
			const resHeaders = { ...upRes.headers };
			delete resHeaders.connection;
			delete resHeaders['transfer-encoding'];
			res.writeHead(upRes.statusCode || 502, resHeaders);
			upRes.pipe(res);
			upRes.on('end', () => done({ status: upRes.statusCode }));
			upRes.on('error', (error) => {
				res.destroy();
				done({ status: upRes.statusCode, error: `answer cut off: ${error.message}` });
			});
		});
		out.on('timeout', () => out.destroy(new Error(`no answer within ${timeoutMs} ms`)));
		out.on('error', (error) => {
			if (!connected && error.code === 'ECONNREFUSED') return done({ refused: true });
			if (!res.headersSent) {
				res.writeHead(502, { 'content-type': 'application/json' });
				res.end(JSON.stringify({ error: `proxy: ${upstream.name} failed after the request was sent (${error.code || error.message})` }));
			} else res.destroy();
			done({ error: error.code || error.message });
		});
		out.end(body);
	});
}

async function startProxy({ upstreams, balance = 'per-route', timeoutMs = 60_000, log = () => {} }) {
	if (!upstreams || upstreams.length === 0) throw new Error('startProxy needs upstreams');
	const counts = Object.fromEntries(upstreams.map((u) => [u.name, { requests: 0, byKind: {}, refused: 0, failed: 0 }]));
	const next = new Map(); // route (or '*') → index of the next upstream
	const requests = [];
	const server = http.createServer(async (req, res) => {
		const at = Date.now();
		const { kind, route, pathname } = classify(req.url);
		let body;
		try {
			body = await readBody(req);
		} catch {
			res.destroy();
			return;
		}
		const key = balance === 'global' ? '*' : route;
		const first = next.get(key) ?? 0;
		next.set(key, (first + 1) % upstreams.length);
		const record = { at, method: req.method, kind, route, path: pathname, userAgent: req.headers['user-agent'], refusedBy: [] };
		requests.push(record);
		for (let i = 0; i < upstreams.length; i++) {
			const upstream = upstreams[(first + i) % upstreams.length];
			// the upstream is recorded as soon as the request goes out, so a call still waiting for
			// its answer shows where it went (pending: true)
			const result = await forward(upstream, req, body, res, timeoutMs, () => Object.assign(record, { upstream: upstream.name, pending: true }));
			if (result.refused) {
				counts[upstream.name].refused += 1;
				record.refusedBy.push(upstream.name);
				continue;
			}
			const c = counts[upstream.name];
			c.requests += 1;
			c.byKind[kind] = (c.byKind[kind] || 0) + 1;
			if (result.error) c.failed += 1;
			Object.assign(record, { upstream: upstream.name, pending: false, status: result.status, error: result.error, ms: Date.now() - at });
			return;
		}
		record.error = 'every upstream refused the connection';
		record.status = 502;
		res.writeHead(502, { 'content-type': 'application/json' });
		res.end(JSON.stringify({ error: `proxy: ${record.error}` }));
		log(`proxy: ${req.method} ${pathname}: ${record.error}`);
	});
	server.keepAliveTimeout = 1000;
	await new Promise((resolve, reject) => server.once('error', reject).listen(0, '127.0.0.1', resolve));
	const port = server.address().port;
	return {
		port,
		url: `http://127.0.0.1:${port}`,
		upstreams,
		balance,
		requests,
		/** Per upstream: requests delivered (by kind), refused connections, failures after sending. */
		counts: () => JSON.parse(JSON.stringify(counts)),
		/** Delivered requests of one route (e.g. `resume:<executionId>`), per upstream. */
		routeCounts(route) {
			const out = Object.fromEntries(upstreams.map((u) => [u.name, 0]));
			for (const r of requests) if (r.route === route && r.upstream) out[r.upstream] += 1;
			return out;
		},
		close: () =>
			new Promise((resolve) => {
				server.close(() => resolve());
				server.closeAllConnections();
			}),
	};
}

module.exports = { startProxy, classify };
