'use strict';
// One n8n line for the fault matrix: the TTAPI simulators (in-process), a sink that counts what
// leaves the Sora nodes, one n8n instance with the matrix's workflows, and the helpers rows use.

const fs = require('node:fs');
const http = require('node:http');
const path = require('node:path');
const rt = require('../runtime');
const { binarySize, filesContaining } = require('../files');
const { readExecution, nodeItems, executionError } = require('../executions');
const { startSimulator } = require('../../../test/simulator');
const wf = require('./workflows');

const KEYS = {
	main: 'sk-faults-MAIN-4f1c9e2a77d0',
	other: 'sk-faults-OTHER-0b9d33e1c5aa',
	queue: 'sk-faults-QUEUE-7e2f81c4d6b3',
	// the queue rows' Poll and Wait for Callback batches: TTAPI's queue limit is per key, so each
	// queue row has its own queue and the three run side by side
	queuePoll: 'sk-faults-QUEUEPOLL-3c9d04a1e2f7',
	queueCallback: 'sk-faults-QUEUECB-91b6e5d2a0c8',
	wrong: 'sk-faults-WRONG-a19c5e7f3b20',
};
const SECRET = 'faults-callback-SECRET-d41d8cd98f00b204';
const VIDEO_BYTES = 48 * 1024;
const FINISHED = new Set(['success', 'error', 'crashed', 'canceled']);

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** A small HTTP server: POST /report records what a Report node sent; anything else is an HTML 404 ("not TTAPI"). */
async function startSink() {
	const reports = [];
	const others = []; // every other request: the "not TTAPI" base URL's traffic
	const server = http.createServer((req, res) => {
		const chunks = [];
		req.on('data', (c) => chunks.push(c));
		req.on('end', () => {
			if (req.method === 'POST' && req.url.startsWith('/report')) {
				try {
					reports.push({ at: Date.now(), ...JSON.parse(Buffer.concat(chunks).toString('utf8')) });
				} catch {
					reports.push({ at: Date.now(), unreadable: true });
				}
				res.writeHead(200, { 'content-type': 'application/json' });
				res.end('{"ok":true}');
				return;
			}
			let body;
			try {
				body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
			} catch {
				body = undefined;
			}
			others.push({ at: Date.now(), method: req.method, path: req.url.split('?')[0], body });
			res.writeHead(404, { 'content-type': 'text/html' });
			res.end('<html><body><h1>Not Found</h1></body></html>');
		});
	});
	await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
	return {
		url: `http://127.0.0.1:${server.address().port}`,
		reports,
		others,
		close: () =>
			new Promise((resolve) => {
				server.close(resolve);
				server.closeAllConnections();
			}),
	};
}

function loadCallbackAuth(packageDir) {
	return require(path.join(packageDir, 'dist', 'nodes', 'shared', 'callbackAuth.js'));
}

async function setupLine(line, { log, packageDir }) {
	const info = await rt.ensureN8n(line);
	const closers = [];
	const sim = await startSimulator({ port: 0, apiKeys: [KEYS.main, KEYS.other], queueLimit: 1000, queueMs: 100, renderMs: 1200, videoBytes: VIDEO_BYTES });
	closers.push(() => sim.close());
	const qsim = await startSimulator({ port: 0, apiKeys: [KEYS.queue, KEYS.queuePoll, KEYS.queueCallback], queueLimit: 5, queueMs: 100, renderMs: 1000, videoBytes: VIDEO_BYTES });
	closers.push(() => qsim.close());
	const sink = await startSink();
	closers.push(() => sink.close());
	const [closedPort] = await rt.freePorts(1); // nothing listens there: connection refused

	const n8n = await rt.createN8nInstance({ line, n8n: info, packageDir, log: (m) => log(`[n8n ${info.version}] ${m}`) });
	closers.unshift(() => n8n.cleanup());
	const cred = (name, data) => ({ id: rt.randomId(), name, type: 'ttApi', data: { callbackSecret: SECRET, baseUrl: 'custom', ...data } });
	const credList = {
		main: cred('TTAPI main', { apiKey: KEYS.main, customBaseUrl: sim.url }),
		queue: cred('TTAPI queue', { apiKey: KEYS.queue, customBaseUrl: qsim.url }),
		queuePoll: cred('TTAPI queue (poll)', { apiKey: KEYS.queuePoll, customBaseUrl: qsim.url }),
		queueCallback: cred('TTAPI queue (callback)', { apiKey: KEYS.queueCallback, customBaseUrl: qsim.url }),
		wrongKey: cred('TTAPI wrong key', { apiKey: KEYS.wrong, customBaseUrl: sim.url }),
		refused: cred('TTAPI refused port', { apiKey: KEYS.main, customBaseUrl: `http://127.0.0.1:${closedPort}` }),
		notTtapi: cred('TTAPI not TTAPI', { apiKey: KEYS.main, customBaseUrl: sink.url }),
		ftp: cred('TTAPI ftp', { apiKey: KEYS.main, customBaseUrl: 'ftp://127.0.0.1/' }),
	};
	await n8n.importCredentials(Object.values(credList));
	const workflows = {
		generate: wf.generateWorkflow(credList, sink.url),
		trigger: wf.triggerWorkflow('main', credList.main, sink.url),
		triggerQueue: wf.triggerWorkflow('queue', credList.queue, sink.url),
		triggerWrongKey: wf.triggerWorkflow('wrongKey', credList.wrongKey, sink.url),
		stockWebhook: wf.stockWebhookWorkflow(sink.url),
	};
	// one import for all (each n8n CLI call boots n8n), then one activation each
	await n8n.importWorkflows(Object.values(workflows));
	for (const w of Object.values(workflows)) await n8n.activateWorkflow(w.id);
	await n8n.start();
	const startUrl = `${n8n.baseUrl}/webhook/${wf.START_PATH}`;
	const { callbackToken, CALLBACK_TOKEN_PARAM, TRIGGER_TOKEN_SCOPE } = loadCallbackAuth(packageDir);
	const triggerToken = callbackToken(SECRET, TRIGGER_TOKEN_SCOPE);

	// ------------------------------------------------------------ execution status poller
	const statuses = new Map();
	let polling = true;
	let pollError;
	const poller = (async () => {
		while (polling) {
			try {
				if (n8n.running) {
					const rows = await n8n.dbQuery('SELECT id, status, finished FROM execution_entity');
					for (const row of rows) statuses.set(String(row.id), row.status);
				}
				pollError = undefined;
			} catch (error) {
				pollError = error;
			}
			await sleep(800);
		}
	})();
	closers.unshift(async () => {
		polling = false;
		await poller;
	});

	let tagSeq = 0;
	const ctx = {
		line,
		version: info.version,
		n8n,
		sim,
		qsim,
		sink,
		keys: KEYS,
		secret: SECRET,
		videoBytes: VIDEO_BYTES,
		triggerToken,
		tokenParam: CALLBACK_TOKEN_PARAM,
		closedPort,
		workflows,
		/** Trigger executions n8n killed at its shutdown limit (the shutdown row checked that each holds its job). */
		crashedAtShutdown: new Set(),
		log,
		sleep,
		/** A unique marker for a row's prompts (no prompt is a substring of another row's). */
		tag(name) {
			tagSeq += 1;
			return `#${name}-${line}-${tagSeq}#`;
		},
		triggerUrl(key = 'main', { token = true } = {}) {
			const url = `${n8n.baseUrl}/webhook/${wf.TRIGGER_PATHS[key]}`;
			return token ? `${url}?${CALLBACK_TOKEN_PARAM}=${encodeURIComponent(triggerToken)}` : url;
		},
		stockWebhookUrl() {
			return `${n8n.baseUrl}/webhook/${wf.STOCK_PATH}`;
		},
		/** Executions of the stock Webhook workflow that reported a job (the body it received). */
		stockReports(jobId) {
			const idOf = (body) => body && (body.jobId ?? body.data?.jobId ?? body.data?.job_id);
			return sink.reports.filter((r) => r.node === 'Stock Webhook' && r.json && idOf(r.json.body) === jobId);
		},
		/** Starts "faults: generate" on a route with items ({prompt, …} or prompt strings); returns the execution id. */
		async start(route, items) {
			const index = wf.ROUTE_NAMES.indexOf(route);
			if (index < 0) throw new Error(`unknown route ${route}`);
			const body = { items: items.map((item) => ({ ...(typeof item === 'string' ? { prompt: item } : item), route: index })) };
			const response = await n8n.waitForWebhook(startUrl, {
				method: 'POST',
				headers: { 'content-type': 'application/json' },
				body: JSON.stringify(body),
			});
			const text = await response.text();
			let json;
			try {
				json = JSON.parse(text);
			} catch {
				json = undefined;
			}
			if (response.status !== 200 || !json || !json.executionId) throw new Error(`starting route ${route} answered ${response.status}: ${text.slice(0, 200)}`);
			return String(json.executionId);
		},
		status(execId) {
			return statuses.get(String(execId));
		},
		/** Waits until the execution's status satisfies pred; returns { status, timedOut }. */
		async waitExec(execId, { pred = (s) => FINISHED.has(s), timeoutMs = 60_000 } = {}) {
			const deadline = Date.now() + timeoutMs;
			for (;;) {
				const status = statuses.get(String(execId));
				if (status && pred(status)) return { status, timedOut: false };
				if (Date.now() > deadline) return { status, timedOut: true, pollError: pollError && pollError.message };
				await sleep(300);
			}
		},
		async readExec(execId) {
			return await readExecution(n8n, execId);
		},
		/** Runs a route to its end: { execId, status, timedOut, seconds, items, error, reports, execution }. */
		async generate(route, items, { timeoutMs = 90_000 } = {}) {
			const t0 = Date.now();
			const execId = await ctx.start(route, items);
			return await ctx.finish(execId, route, { t0, timeoutMs });
		},
		async finish(execId, route, { t0 = Date.now(), timeoutMs = 90_000 } = {}) {
			const { status, timedOut } = await ctx.waitExec(execId, { timeoutMs });
			const seconds = (Date.now() - t0) / 1000;
			if (timedOut) return { execId, status, timedOut, seconds, items: [], reports: ctx.reportsOf(execId) };
			await sleep(300); // Report calls are answered before n8n saves the end: let them land
			const execution = await ctx.readExec(execId);
			const outputs = nodeItems(execution, wf.soraNodeName(route));
			const error = executionError(execution);
			const runs = execution?.data?.resultData?.runData?.[wf.soraNodeName(route)] ?? [];
			const nodeError = runs.length ? runs[runs.length - 1].error : undefined;
			return { execId, status, timedOut, seconds, items: outputs, error, nodeError, reports: ctx.reportsOf(execId), execution };
		},
		reportsOf(execId) {
			return sink.reports.filter((r) => String(r.exec) === String(execId));
		},
		/**
		 * Waits until n8n has no execution running, waiting or new (of `workflowIds` when given),
		 * at most `withinMs`. A 200 to a webhook call means n8n started the execution, not that it
		 * reached Report: what an execution did can be read only once it has ended.
		 * Returns every execution row then, the open ones among those watched, and the wait in seconds.
		 */
		async quietExecutions({ workflowIds, withinMs }) {
			const watched = (r) => !workflowIds || workflowIds.includes(r.workflowId);
			const isOpen = (r) => watched(r) && ['running', 'waiting', 'new'].includes(r.status);
			const t0 = Date.now();
			let rows;
			for (;;) {
				rows = await n8n.dbQuery('SELECT id, workflowId, status FROM execution_entity');
				if (!rows.some(isOpen) || Date.now() - t0 >= withinMs) break;
				await sleep(1000);
			}
			return { rows, open: rows.filter(isOpen), waitedS: Math.round((Date.now() - t0) / 1000) };
		},
		/** Trigger executions that reported a job (via the trigger workflow's Report node). */
		triggerReports(jobId) {
			return sink.reports.filter((r) => r.node === 'Sora Trigger' && r.json && r.json.jobId === jobId);
		},
		/** Waits until `count` trigger executions reported the job, then a quiet period for duplicates. */
		async waitTrigger(jobId, { count = 1, timeoutMs = 60_000, quietMs = 2500 } = {}) {
			const deadline = Date.now() + timeoutMs;
			while (ctx.triggerReports(jobId).length < count && Date.now() < deadline) await sleep(300);
			await sleep(quietMs);
			return ctx.triggerReports(jobId);
		},
		jobsFor(prompt, which = sim) {
			return which.listJobs().filter((job) => job.body && job.body.prompt === prompt);
		},
		/** POST /sora/generations requests that carried this prompt (accepted or refused). */
		requestsFor(prompt, which = sim) {
			const c = which.counters();
			// An injected queueFull refusal is recorded twice by the simulator (as the fault and as
			// the queue-full answer): count it once.
			const rejected = c.rejectedGenerationBodies.filter((b) => !/^fault \S+ \(queueFull, before create\)$/.test(b.message));
			return [...c.generationBodies, ...rejected].filter((b) => b.body && b.body.prompt === prompt).length;
		},
		submissionsFor(prompt, which = sim) {
			return which.counters().submissionsByPrompt[prompt] || 0;
		},
		async waitJob(jobId, pred, { which = sim, timeoutMs = 30_000 } = {}) {
			const deadline = Date.now() + timeoutMs;
			for (;;) {
				const job = which.getJob(jobId);
				if (job && pred(job)) return job;
				if (Date.now() > deadline) throw new Error(`job ${jobId} did not reach the expected state in ${timeoutMs} ms (status ${job && job.status}, callbacks ${JSON.stringify(job && job.callbacks.map((c) => c.status))})`);
				await sleep(200);
			}
		},
		async waitJobFor(prompt, { which = sim, timeoutMs = 30_000 } = {}) {
			const deadline = Date.now() + timeoutMs;
			for (;;) {
				const [job] = ctx.jobsFor(prompt, which);
				if (job) return job;
				if (Date.now() > deadline) throw new Error(`no job for prompt ${prompt.slice(0, 60)} in ${timeoutMs} ms`);
				await sleep(200);
			}
		},
		binarySize(item, field = 'data') {
			return binarySize(n8n.dataDir, item && item.binary && item.binary[field]);
		},
		filesContaining: (needles) => filesContaining(n8n.userFolder, needles),
		async close() {
			for (const close of closers) await close().catch((error) => log(`cleanup: ${error.message}`));
		},
	};
	return ctx;
}

module.exports = { setupLine, KEYS, SECRET, VIDEO_BYTES };
