'use strict';
// An n8n queue-mode cluster with this package, for the queue-mode suite and the benchmark:
// Redis + a Postgres cluster (services.js), n8n main (`n8n start`) + workers (`n8n worker`) +
// webhook processors (`n8n webhook`), and a round-robin proxy (proxy.js) in front of the webhook
// processors that is n8n's public webhook URL. Everything lives under one temp dir, on free
// ports, and is stopped by PID.
//
//   const { startQueueCluster } = require('./scripts/n8n/queue/cluster');
//   const cluster = await startQueueCluster({
//     line: '2', packageDir,                       // a built package (dist/), default the repo root
//     simUrl, apiKey, callbackSecret,              // → one TTAPI credential, cluster.credential
//     workflows: (cluster) => [wf, …],             // imported, then activated (all, or `activate`)
//   });
//   cluster.webhookUrl;                              // start executions here (production webhooks)
//   cluster.main.rest.publicApi('GET', '/executions'); cluster.db.executions(workflowId);
//   await cluster.kill('worker1'); await cluster.restart('worker1');
//   await cluster.stop();
//
// Process names: main, worker1…workerN, webhook1…webhookM.

const fs = require('node:fs');
const fsp = require('node:fs/promises');
const os = require('node:os');
const path = require('node:path');

const rt = require('../runtime');
const { ensureServerPackages, startRedis, startPostgres } = require('./services');
const { startProxy } = require('./proxy');
const { openDb } = require('./db');

/**
 * Settings every process gets. The Bull lock and stalled-job check are shortened from n8n's
 * 60 s / 30 s so that what n8n does with a killed worker's job shows within seconds (same code
 * path, only sooner); shutdown grace is short because a test cluster has nothing to finish.
 */
const QUEUE_ENV = {
	EXECUTIONS_MODE: 'queue',
	OFFLOAD_MANUAL_EXECUTIONS_TO_WORKERS: 'true',
	QUEUE_WORKER_LOCK_DURATION: '15000',
	QUEUE_WORKER_LOCK_RENEW_TIME: '5000',
	QUEUE_WORKER_STALLED_INTERVAL: '5000',
	N8N_GRACEFUL_SHUTDOWN_TIMEOUT: '5',
};

const sec = (ms) => `${(ms / 1000).toFixed(1)} s`;

async function startQueueCluster(opts = {}) {
	const line = String(opts.line || '2');
	const log = opts.log || ((m) => process.stderr.write(`[queue] ${m}\n`));
	const workerCount = opts.workers ?? 2;
	const webhookCount = opts.webhooks ?? 2;
	const t0 = Date.now();
	const startup = {};
	const info = await rt.ensureN8n(line);
	const dir = await fsp.mkdtemp(path.join(opts.baseDir || os.tmpdir(), `n8n-queue-${line}-`));
	const closers = [];
	let stopped = false;
	const removeDir = () => {
		if (!opts.keep) fs.rmSync(dir, { recursive: true, force: true });
	};
	process.on('exit', () => {
		if (!stopped) removeDir();
	});

	const cluster = {
		line,
		version: info.version,
		dir,
		processes: new Map(),
		events: [],
		startup,
	};
	try {
		// ------------------------------------------------------------ services
		let t = Date.now();
		const bins = await ensureServerPackages({ log });
		const redis = await startRedis(path.join(dir, 'redis'), { redisBin: bins.redis, log });
		closers.unshift(() => redis.stop());
		const postgres = await startPostgres(path.join(dir, 'postgres'), { pgBin: bins.pgBin, runDir: dir, log });
		closers.unshift(() => postgres.stop());
		await postgres.createDatabase('n8n');
		const conn = { ...postgres.conn, database: 'n8n' };
		const db = openDb(info, conn);
		closers.unshift(() => db.close());
		startup.servicesMs = Date.now() - t;
		Object.assign(cluster, { redis, postgres, db });

		// ------------------------------------------------------------ one copy of the package for every process
		// (a checkout being rebuilt meanwhile cannot give the processes different code)
		const source = path.resolve(opts.packageDir || path.join(__dirname, '..', '..', '..'));
		if (!fs.existsSync(path.join(source, 'dist'))) throw new Error(`${source}/dist is missing: build the package first`);
		cluster.packageDir = path.join(dir, 'package');
		await fsp.mkdir(cluster.packageDir);
		await fsp.copyFile(path.join(source, 'package.json'), path.join(cluster.packageDir, 'package.json'));
		await fsp.cp(path.join(source, 'dist'), path.join(cluster.packageDir, 'dist'), { recursive: true });
		cluster.packageSource = source;

		// ------------------------------------------------------------ proxy + processes
		const webhookPorts = await rt.freePorts(webhookCount);
		const webhookNames = webhookPorts.map((_, i) => `webhook${i + 1}`);
		const proxy = await startProxy({
			upstreams: webhookPorts.map((port, i) => ({ name: webhookNames[i], port })),
			balance: opts.balance || 'per-route',
			log,
		});
		closers.unshift(() => proxy.close());
		cluster.proxy = proxy;
		cluster.webhookUrl = `${proxy.url}/`;

		const dbEnv = {
			DB_TYPE: 'postgresdb',
			DB_POSTGRESDB_HOST: conn.host,
			DB_POSTGRESDB_PORT: String(conn.port),
			DB_POSTGRESDB_DATABASE: conn.database,
			DB_POSTGRESDB_USER: conn.user,
			DB_POSTGRESDB_PASSWORD: conn.password,
		};
		const env = {
			...QUEUE_ENV,
			QUEUE_BULL_REDIS_HOST: '127.0.0.1',
			QUEUE_BULL_REDIS_PORT: String(redis.port),
			...(opts.env || {}),
		};
		const make = async (name, role, port) => {
			const instance = await rt.createN8nInstance({
				line,
				n8n: info,
				packageDir: cluster.packageDir,
				parentDir: dir,
				folderName: name,
				role,
				port,
				webhookUrl: cluster.webhookUrl,
				db: { env: dbEnv, query: db.query },
				env,
				log: (m) => log(`[${name}] ${m}`),
			});
			instance.name = name;
			cluster.processes.set(name, instance);
			return instance;
		};
		const main = await make('main', 'main');
		cluster.main = main;
		cluster.n8n = main;
		for (let i = 1; i <= workerCount; i++) await make(`worker${i}`, 'worker');
		for (let i = 0; i < webhookCount; i++) await make(webhookNames[i], 'webhook', webhookPorts[i]);
		closers.unshift(() => Promise.all([...cluster.processes.values()].map((p) => p.stop({ graceMs: 10_000 }))));

		// ------------------------------------------------------------ credentials + workflows (CLI, before main starts)
		t = Date.now();
		const creds = [...(opts.credentials || [])];
		if (opts.simUrl) {
			cluster.credential = { id: rt.randomId(), name: 'TTAPI (simulator)', type: 'ttApi' };
			creds.unshift({
				...cluster.credential,
				data: { apiKey: opts.apiKey, baseUrl: 'custom', customBaseUrl: opts.simUrl, callbackSecret: opts.callbackSecret || '' },
			});
		}
		cluster.credentials = creds.length ? await main.importCredentials(creds) : [];
		const workflows = typeof opts.workflows === 'function' ? await opts.workflows(cluster) : opts.workflows || [];
		cluster.workflowIds = workflows.length ? await main.importWorkflows(workflows) : [];
		startup.importMs = Date.now() - t;

		// ------------------------------------------------------------ main, activation, then the others
		t = Date.now();
		await main.start({ settleMs: 0 });
		await main.rest.setupOwner();
		await main.rest.createApiKey('queue');
		const activate = opts.activate || cluster.workflowIds;
		for (const id of activate) await main.rest.publicApi('POST', `/workflows/${id}/activate`);
		startup.mainMs = Date.now() - t;
		t = Date.now();
		await Promise.all([...cluster.processes.values()].filter((p) => p !== main).map((p) => p.start({ settleMs: 0 })));
		startup.othersMs = Date.now() - t;
		startup.totalMs = Date.now() - t0;
		log(`queue cluster up in ${sec(startup.totalMs)} (services ${sec(startup.servicesMs)}, import ${sec(startup.importMs)}, main + activation ${sec(startup.mainMs)}, workers + webhook processors ${sec(startup.othersMs)})`);
	} catch (error) {
		for (const close of closers) await Promise.resolve(close()).catch(() => {});
		stopped = true;
		if (opts.keep) log(`--keep: kept ${dir}`);
		else removeDir();
		throw error;
	}

	const get = (name) => {
		const p = cluster.processes.get(name);
		if (!p) throw new Error(`no process ${name} (have ${[...cluster.processes.keys()].join(', ')})`);
		return p;
	};

	Object.assign(cluster, {
		/** The process names of a role ('worker', 'webhook', 'main'). */
		names(role) {
			return [...cluster.processes.values()].filter((p) => !role || p.role === role).map((p) => p.name);
		},
		process: get,
		/** Kills a process (default SIGKILL, like a crash) and waits until it is gone. */
		async kill(name, signal = 'SIGKILL') {
			const p = get(name);
			const pid = p.pid;
			await p.kill(signal);
			cluster.events.push({ at: Date.now(), event: 'kill', name, pid, signal });
			log(`${signal} → ${name} (pid ${pid})`);
		},
		/** Starts a stopped/killed process again (same ports and folder); resolves when healthy. */
		async restart(name) {
			const p = get(name);
			const started = Date.now();
			await p.start({ settleMs: 0 });
			const ms = Date.now() - started;
			cluster.events.push({ at: Date.now(), event: 'restart', name, pid: p.pid, ms });
			log(`${name} restarted (pid ${p.pid}) in ${sec(ms)}`);
			return ms;
		},
		/** Waits until a process' health endpoint answers 200. */
		async waitHealthy(name, timeoutMs = 60_000) {
			const p = get(name);
			const deadline = Date.now() + timeoutMs;
			for (;;) {
				try {
					const r = await fetch(p.healthUrl, { signal: AbortSignal.timeout(2000) });
					if (r.ok) return;
				} catch {
					/* not up */
				}
				if (Date.now() > deadline) throw new Error(`${name} not healthy within ${timeoutMs} ms`);
				await rt.sleep(250);
			}
		},
		/** Log text of processes (default all), for checks such as "the job ID is in n8n's logs". */
		logText(names = cluster.names()) {
			return names.map((n) => (fs.existsSync(get(n).logFile) ? fs.readFileSync(get(n).logFile, 'utf8') : '')).join('\n');
		},
		/** Workers whose log says they started the execution ("Worker started execution <id> "), in log order. */
		executionWorkers(executionId) {
			const re = new RegExp(`Worker started execution ${executionId}\\b`);
			return cluster.names('worker').filter((n) => re.test(cluster.logText([n])));
		},
		/** A readable list of every process, port and log file. */
		describe() {
			const lines = [
				`  redis      pid ${cluster.redis.pid}  127.0.0.1:${cluster.redis.port}  log ${cluster.redis.logFile}`,
				`  postgres   pid ${cluster.postgres.pid}  127.0.0.1:${cluster.postgres.port}  data ${cluster.postgres.dataDir}  log ${cluster.postgres.logFile}`,
			];
			for (const p of cluster.processes.values()) {
				const where = p.role === 'worker' ? `health ${p.healthUrl}` : p.baseUrl;
				lines.push(`  ${p.name.padEnd(10)} pid ${p.pid}  ${where}  broker ${p.env.N8N_RUNNERS_BROKER_PORT}  log ${p.logFile}`);
			}
			lines.push(`  proxy      ${cluster.proxy.url} → ${cluster.proxy.upstreams.map((u) => `${u.name} :${u.port}`).join(', ')} (${cluster.proxy.balance} round robin; the public webhook URL)`);
			return lines.join('\n');
		},
		async stop() {
			if (stopped) return;
			stopped = true;
			for (const close of closers) await Promise.resolve(close()).catch((error) => log(`stop: ${error.message}`));
			if (opts.keep) log(`--keep: kept ${dir}`);
			else removeDir();
		},
	});
	return cluster;
}

module.exports = { startQueueCluster, QUEUE_ENV };
