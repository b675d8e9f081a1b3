'use strict';
// Shared pieces of the benchmark: machine and load readings, n8n setup (one CLI import for all
// workflows, activation through the public API), execution timestamps from n8n's database,
// and RSS sampling of the n8n process tree from /proc.

const fs = require('node:fs');
const fsp = require('node:fs/promises');
const os = require('node:os');
const path = require('node:path');

const rt = require('../../n8n/runtime');

const API_KEY = 'sk-bench-KEY-0f3e21';
const SECRET = 'bench-callback-SECRET-77d1';
const repoRoot = path.resolve(__dirname, '..', '..', '..');
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// ---------------------------------------------------------------- machine and load
function loadAvg() {
	const [one, five, fifteen] = fs.readFileSync('/proc/loadavg', 'utf8').split(' ').map(Number);
	return { one, five, fifteen };
}

const loadText = (l = loadAvg()) => `${l.one.toFixed(2)} ${l.five.toFixed(2)} ${l.fifteen.toFixed(2)}`;

function machine() {
	const cpus = os.cpus();
	return {
		cpu: cpus[0]?.model?.replace(/\s+/g, ' ').trim() ?? 'unknown',
		cores: cpus.length,
		memGiB: +(os.totalmem() / 2 ** 30).toFixed(1),
		os: `${os.type()} ${os.release()} ${os.arch()}`,
		node: process.version,
	};
}

/** Total CPU time (user + system, s) all processes used, from /proc/stat: to see how busy the box was. */
function cpuTimes() {
	const line = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
	const idle = line[3] + (line[4] || 0);
	const total = line.reduce((a, b) => a + b, 0);
	return { idle, total };
}

/**
 * Measures how busy the machine was while `work` ran: load average before/after and the share
 * of all cores that were busy (from /proc/stat), so disturbed figures can be spotted.
 */
async function withLoad(work) {
	const before = { load: loadAvg(), cpu: cpuTimes() };
	const result = await work();
	const after = { load: loadAvg(), cpu: cpuTimes() };
	const total = after.cpu.total - before.cpu.total;
	const busy = total > 0 ? 1 - (after.cpu.idle - before.cpu.idle) / total : 0;
	return { result, load: { before: before.load, after: after.load, busyCores: +(busy * os.cpus().length).toFixed(2) } };
}

// ---------------------------------------------------------------- dist freshness
/** Warns when a TypeScript source is newer than the build the benchmark will load. */
function staleBuild(root = repoRoot) {
	const stale = [];
	const walk = (dir) => {
		for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
			const p = path.join(dir, entry.name);
			if (entry.isDirectory()) walk(p);
			else if (entry.name.endsWith('.ts')) {
				const rel = path.relative(root, p).replace(/\.ts$/, '.js');
				const built = path.join(root, 'dist', rel);
				if (!fs.existsSync(built) || fs.statSync(built).mtimeMs < fs.statSync(p).mtimeMs) stale.push(rel);
			}
		}
	};
	for (const dir of ['nodes', 'credentials']) if (fs.existsSync(path.join(root, dir))) walk(path.join(root, dir));
	return stale;
}

/**
 * `--package DIR`: a copy of another checkout's built package (package.json + dist/) taken now,
 * so a rebuild there while the benchmark runs cannot mix two builds. Returns the copy's folder
 * and what it was built from (that checkout's commit, whether its node sources differ from it).
 */
async function snapshotPackage(source) {
	const dir = path.resolve(source);
	if (!fs.existsSync(path.join(dir, 'dist'))) throw new Error(`${dir}/dist is missing: build that checkout first`);
	const copy = await fsp.mkdtemp(path.join(os.tmpdir(), 'bench-package-'));
	await fsp.copyFile(path.join(dir, 'package.json'), path.join(copy, 'package.json'));
	await fsp.cp(path.join(dir, 'dist'), path.join(copy, 'dist'), { recursive: true });
	return {
		dir: copy,
		source: dir,
		git: gitInfo(dir),
		distBuiltAt: distBuiltAt(dir),
		remove: () => fs.rmSync(copy, { recursive: true, force: true }),
	};
}

/** When a checkout's dist/ was built (the Sora Generate node file's mtime). */
function distBuiltAt(dir) {
	const nodeFile = path.join(dir, 'dist', 'nodes', 'SoraGenerate', 'SoraGenerate.node.js');
	return fs.existsSync(nodeFile) ? fs.statSync(nodeFile).mtime.toISOString() : undefined;
}

/** The commit a checkout is at (and whether its node sources differ from it). */
function gitInfo(dir = repoRoot) {
	const { execFileSync } = require('node:child_process');
	try {
		const git = (...args) => execFileSync('git', args, { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
		return { commit: git('rev-parse', '--short', 'HEAD'), branch: git('rev-parse', '--abbrev-ref', 'HEAD'), nodeSourcesChanged: git('status', '--porcelain', '--', 'nodes', 'credentials') !== '' };
	} catch {
		return undefined;
	}
}

// ---------------------------------------------------------------- n8n
/**
 * A fresh n8n with the package, one credential for the simulator, and `workflows` imported in
 * one CLI call (each CLI call costs seconds), then started, with an owner and an API key, and
 * `activate` (ids) activated/published through the public API.
 */
async function startN8n({ line, sim, workflows, env = {}, log, packageDir }) {
	const n8n = await rt.createN8nInstance({ line, env, log, packageDir });
	const credential = { id: rt.randomId(), name: 'TTAPI (simulator)', type: 'ttApi' };
	await n8n.importCredentials([
		{ ...credential, data: { apiKey: API_KEY, baseUrl: 'custom', customBaseUrl: sim.url, callbackSecret: SECRET } },
	]);
	const built = workflows(credential);
	const list = Object.values(built).map(({ wf }) => ({ active: false, settings: { executionOrder: 'v1' }, connections: {}, ...wf, active: false }));
	const file = path.join(n8n.userFolder, `bench-workflows-${Date.now()}.json`);
	await fsp.writeFile(file, JSON.stringify(list));
	await n8n.runCli(['import:workflow', `--input=${file}`]);
	await n8n.start();
	await n8n.rest.setupOwner();
	await n8n.rest.createApiKey('bench');
	for (const { wf } of Object.values(built)) {
		await n8n.rest.publicApi('POST', `/workflows/${wf.id}/activate`);
	}
	return { n8n, credential, flows: built };
}

/** n8n's SQLite timestamps are UTC 'YYYY-MM-DD HH:MM:SS.SSS'. */
function dbTime(value) {
	if (value === null || value === undefined) return undefined;
	if (typeof value === 'number') return value;
	const text = String(value);
	return Date.parse(/[zZ]|[+-]\d\d:?\d\d$/.test(text) ? text.replace(' ', 'T') : `${text.replace(' ', 'T')}Z`);
}

/** Executions of a workflow with id > afterId: id, status, start and stop (epoch ms). */
async function executionsAfter(n8n, workflowId, afterId = 0) {
	const rows = await n8n.dbQuery(
		'SELECT id, status, startedAt, stoppedAt FROM execution_entity WHERE workflowId = ? AND CAST(id AS INTEGER) > ? ORDER BY CAST(id AS INTEGER)',
		[workflowId, Number(afterId)],
	);
	return rows.map((row) => ({ id: Number(row.id), status: row.status, startedAt: dbTime(row.startedAt), stoppedAt: dbTime(row.stoppedAt) }));
}

async function lastExecutionId(n8n) {
	const [row] = await n8n.dbQuery('SELECT MAX(CAST(id AS INTEGER)) AS id FROM execution_entity');
	return Number(row?.id ?? 0);
}

// ---------------------------------------------------------------- RSS of the n8n process tree
function readStatus(pid) {
	try {
		return fs.readFileSync(`/proc/${pid}/status`, 'utf8');
	} catch {
		return '';
	}
}
const statusField = (status, field) => {
	const m = new RegExp(`^${field}:\\s+(\\d+)`, 'm').exec(status);
	return m ? Number(m[1]) : undefined;
};

/** The `n8n start` process of an instance: the one whose environment has its user folder. */
function findN8nPid(n8n) {
	const needle = Buffer.from(`N8N_USER_FOLDER=${n8n.userFolder}\0`);
	const found = [];
	for (const entry of fs.readdirSync('/proc')) {
		if (!/^\d+$/.test(entry)) continue;
		try {
			const cmd = fs.readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
			if (!cmd.some((arg) => /n8n$/.test(arg)) || !cmd.includes('start')) continue;
			if (fs.readFileSync(`/proc/${entry}/environ`).includes(needle)) found.push(Number(entry));
		} catch {
			/* gone, or not ours */
		}
	}
	if (found.length !== 1) throw new Error(`expected one n8n start process for ${n8n.userFolder}, found ${found.length}`);
	return found[0];
}

/** pid and every descendant (task runners and their launchers). */
function processTree(rootPid) {
	const children = new Map();
	for (const entry of fs.readdirSync('/proc')) {
		if (!/^\d+$/.test(entry)) continue;
		const ppid = statusField(readStatus(entry), 'PPid');
		if (ppid === undefined) continue;
		if (!children.has(ppid)) children.set(ppid, []);
		children.get(ppid).push(Number(entry));
	}
	const out = [];
	const stack = [rootPid];
	while (stack.length) {
		const pid = stack.pop();
		out.push(pid);
		stack.push(...(children.get(pid) ?? []));
	}
	return out;
}

/**
 * Samples VmRSS (kB) of the n8n process and its descendants every `intervalMs`. The tree is
 * re-read every second (task runners come and go). stop() → { samples, peakKiB, ... }.
 */
function sampleRss(rootPid, intervalMs = 100) {
	const samples = [];
	let tree = processTree(rootPid);
	let treeAt = Date.now();
	const tick = () => {
		if (Date.now() - treeAt > 1000) {
			tree = processTree(rootPid);
			treeAt = Date.now();
		}
		let main = 0;
		let children = 0;
		for (const pid of tree) {
			const kib = statusField(readStatus(pid), 'VmRSS') ?? 0;
			if (pid === rootPid) main = kib;
			else children += kib;
		}
		samples.push({ t: Date.now(), main, children, total: main + children });
	};
	tick();
	const timer = setInterval(tick, intervalMs);
	return {
		samples,
		stop() {
			clearInterval(timer);
			tick();
			return summarise(samples);
		},
	};
}

function summarise(samples) {
	const peak = samples.reduce((best, s) => (s.total > best.total ? s : best), samples[0]);
	const median = (values) => {
		const sorted = [...values].sort((a, b) => a - b);
		return sorted[Math.floor(sorted.length / 2)] ?? 0;
	};
	return {
		count: samples.length,
		peakKiB: peak.total,
		peakMainKiB: Math.max(...samples.map((s) => s.main)),
		peakChildrenKiB: Math.max(...samples.map((s) => s.children)),
		medianKiB: median(samples.map((s) => s.total)),
		medianMainKiB: median(samples.map((s) => s.main)),
	};
}

// ---------------------------------------------------------------- formatting
const seconds = (ms, digits = 1) => (ms === undefined || ms === null || Number.isNaN(ms) ? '–' : `${(ms / 1000).toFixed(digits)} s`);
const mib = (kib) => (kib === undefined ? '–' : `${(kib / 1024).toFixed(0)} MB`);
const round = (value, digits = 2) => (value === undefined || value === null || Number.isNaN(value) ? null : +value.toFixed(digits));

module.exports = {
	API_KEY,
	SECRET,
	repoRoot,
	sleep,
	loadAvg,
	loadText,
	machine,
	withLoad,
	staleBuild,
	snapshotPackage,
	gitInfo,
	distBuiltAt,
	startN8n,
	dbTime,
	executionsAfter,
	lastExecutionId,
	findN8nPid,
	processTree,
	sampleRss,
	seconds,
	mib,
	round,
};
