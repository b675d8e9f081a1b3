#!/usr/bin/env node
'use strict';
// `npm run demo`: prompts become videos inside real n8n, with no TTAPI key and no internet.
//
// Builds the package, starts the local TTAPI simulator, runs real n8n headless (2.41.1 on
// Node 24 by default; `--n8n 1` for 1.123.81) with the package loaded, imports a credential that
// points at the simulator and the example batch workflow (examples/02-batch-from-a-sheet.json),
// runs it, prints prompt → job id → status → seconds → saved file, and stops everything it
// started. The MP4s and results.csv land in demo-output/run-<time>/ (ignored by git).
//
// With TTAPI_API_KEY set it uses the real TTAPI (https://api.ttapi.io) instead, says what the run
// will cost, and submits only after you confirm (--yes, or answering "yes" at the prompt).
//
//   npm run demo [-- --n8n 1|2] [--count N] [--yes] [--out DIR]

const fs = require('node:fs');
const path = require('node:path');
const readline = require('node:readline');

const lib = require('./lib');
const rt = require('../n8n/runtime');
const { startSimulator } = require('../../test/simulator');

const HELP = `Usage: npm run demo [-- options]

Runs the example batch workflow (examples/02-batch-from-a-sheet.json) in real n8n against the
local TTAPI simulator and prints what it made. Options:
  --n8n 1|2      n8n line: 2 = n8n 2.41.1 (default), 1 = n8n 1.123.81
  --count N      only the first N prompts of the sheet (default: all 5)
  --out DIR      where the MP4s and results.csv go (default demo-output/run-<time>/)
  --yes          with TTAPI_API_KEY set: confirm the real TTAPI jobs (they cost quota)
  --no-build     skip \`npm run build\` (dist/ must be current)
  --simulator    use the simulator even when TTAPI_API_KEY is set

Environment:
  TTAPI_API_KEY     use the real TTAPI instead of the simulator (asks before spending quota)
  TTAPI_BASE_URL    with TTAPI_API_KEY: https://api.ttapi.io (default), https://api.ttapi.org, or a proxy
  TTAPI_SORA_CACHE  where n8n is installed and cached (default ~/.cache/n8n-nodes-ttapi-sora)
  KEEP_N8N=1        keep n8n's temporary user folder (database, logs) for a look afterwards`;

/** TTAPI's documented example price of a 10-second Sora 2 job (quota; 100 quota = 1 USD). */
const QUOTA_PER_SORA2_10S = 3;
const WORKFLOW_NODES = { sheet: 'Prompt sheet', generate: 'Sora Generate', results: 'Results row' };

const say = (line = '') => process.stdout.write(`${line}\n`);
const step = (n, total, text) => say(`\n[${n}/${total}] ${text}`);
const rel = (p) => {
	const r = path.relative(lib.repoRoot, p);
	return r && !r.startsWith('..') && !path.isAbsolute(r) ? r : p;
};
const seconds = (ms) => `${(ms / 1000).toFixed(1)} s`;

class DemoError extends Error {}

function timestamp() {
	const d = new Date();
	const p = (n) => String(n).padStart(2, '0');
	return `${d.getFullYear()}${p(d.getMonth() + 1)}${p(d.getDate())}-${p(d.getHours())}${p(d.getMinutes())}${p(d.getSeconds())}`;
}

/** The batch example, writing to `folder`, limited to `count` prompts. */
function batchWorkflow({ folder, simulator, count }) {
	const wf = lib.loadExample('batch', { folder, pollSeconds: simulator ? 1 : undefined });
	const sheet = wf.nodes.find((n) => n.name === WORKFLOW_NODES.sheet);
	const table = JSON.parse(sheet.parameters.jsonOutput);
	if (count) table.rows = table.rows.slice(0, count);
	sheet.parameters.jsonOutput = JSON.stringify(table, null, 2);
	return { wf, prompts: table.rows.map((r) => r.prompt) };
}

/** Checks the real TTAPI account and asks before anything is submitted. */
async function confirmRealTtapi({ apiKey, prompts, yes }) {
	say(`Using the REAL TTAPI at ${lib.realTtapiUrl()} because TTAPI_API_KEY is set (the key is never printed).`);
	let info;
	try {
		const r = await fetch(`${lib.realTtapiUrl()}/midjourney/v1/info`, {
			headers: { 'TT-API-KEY': apiKey, accept: 'application/json' },
			signal: AbortSignal.timeout(20_000),
		});
		const text = await r.text();
		try {
			info = JSON.parse(text);
		} catch {
			info = undefined;
		}
		if (r.status === 401 || (info && info.status === 'FAILED')) {
			throw new DemoError(`TTAPI refused TTAPI_API_KEY (HTTP ${r.status}): ${info?.message ?? text.slice(0, 200)}`);
		}
		if (!r.ok || !info) throw new DemoError(`TTAPI's account info answered HTTP ${r.status}: ${text.slice(0, 200)}`);
	} catch (e) {
		if (e instanceof DemoError) throw e;
		throw new DemoError(`cannot reach ${lib.realTtapiUrl()} (${e.cause?.code ?? e.message}). Unset TTAPI_API_KEY to use the local simulator.`);
	}
	const data = info.data ?? {};
	const estimate = prompts.length * QUOTA_PER_SORA2_10S;
	say(`  Account: balance ${data.balance ?? '?'} quota${data.freeze_balance ? ` (${data.freeze_balance} frozen)` : ''}, max_queue ${data.max_queue ?? '?'}.`);
	say(`  This run submits ${prompts.length} Sora 2 job(s) (10 s, TTAPI's default size), at most 3 at a time.`);
	say(`  Cost: about ${QUOTA_PER_SORA2_10S} quota per video (TTAPI's documented example price; check ttapi.io for`);
	say(`  current prices) = about ${estimate} quota (~$${(estimate / 100).toFixed(2)}).`);
	if (typeof data.balance === 'number' && data.balance < estimate) {
		throw new DemoError(`the balance (${data.balance} quota) is below the estimate (${estimate} quota): top up, or use --count`);
	}
	say('  Nothing has been submitted yet.');
	if (yes) {
		say('  --yes given: submitting.');
		return;
	}
	if (!process.stdin.isTTY) {
		throw new DemoError('not confirmed: re-run with --yes to submit these jobs to TTAPI (or unset TTAPI_API_KEY for the simulator)');
	}
	const rl = readline.createInterface({ input: process.stdin, output: process.stdout });
	const answer = await new Promise((resolve) => rl.question(`  Submit ${prompts.length} job(s) to TTAPI? Type "yes": `, resolve));
	rl.close();
	if (answer.trim().toLowerCase() !== 'yes') throw new DemoError('not confirmed: nothing was submitted');
}

/** Shows the jobs' progress (from the simulator) while `n8n execute` runs. */
function progressReporter({ sim, total, started }) {
	const tty = process.stdout.isTTY;
	let lastText = '';
	let lastPrint = 0;
	const tick = () => {
		const elapsed = Date.now() - started;
		let text;
		if (sim) {
			const jobs = sim.listJobs();
			const count = (s) => jobs.filter((j) => j.status === s).length;
			const done = count('SUCCESS');
			const failed = jobs.filter((j) => !['PENDING_QUEUE', 'ON_QUEUE', 'SUCCESS'].includes(j.status)).length;
			const waiting = total - jobs.length;
			text = `jobs: ${done}/${total} done, ${count('ON_QUEUE')} rendering, ${count('PENDING_QUEUE')} queued at TTAPI, ${waiting} not yet submitted${failed ? `, ${failed} failed` : ''}`;
			if (jobs.length === 0) text = 'n8n is starting and loading the package …';
		} else {
			text = 'waiting for TTAPI (Sora renders take a few minutes per video) …';
		}
		if (tty) {
			process.stdout.write(`\r\x1b[2K  ${seconds(elapsed).padStart(7)}  ${text}`);
		} else if (text !== lastText || Date.now() - lastPrint > 30_000) {
			say(`  ${seconds(elapsed).padStart(7)}  ${text}`);
			lastPrint = Date.now();
		}
		lastText = text;
	};
	tick();
	const timer = setInterval(tick, sim ? 500 : 5000);
	return () => {
		clearInterval(timer);
		tick();
		if (tty) process.stdout.write('\n');
	};
}

async function runDemo(line, args, state) {
	const total = 6;
	const apiKey = args.simulator ? '' : (process.env.TTAPI_API_KEY || '').trim();
	const simulator = !apiKey;
	const t0 = Date.now();

	step(1, total, args['no-build'] ? 'Package: using the existing build (--no-build)' : 'Building the package (npm run build)');
	if (!args['no-build']) {
		const tb = Date.now();
		await lib.buildPackage();
		say(`  built dist/ in ${seconds(Date.now() - tb)}`);
	}
	if (!fs.existsSync(path.join(lib.repoRoot, 'dist', 'nodes', 'SoraGenerate', 'SoraGenerate.node.js'))) {
		throw new DemoError('dist/ is missing: run without --no-build');
	}

	const version = rt.VERSIONS[line];
	const { cache, cached } = lib.n8nCached(line);
	step(2, total, `n8n ${version}${line === '2' ? ' on Node 24' : ' (runs on Node 24 too)'}`);
	if (cached) say(`  found in the cache (${cache})`);
	else {
		say(`  not installed yet: installing n8n ${version} and Node 24 from npm into ${cache}`);
		say('  (first time only: about 5–6 minutes and up to 3 GB; the next run starts in seconds)');
	}
	const ti = Date.now();
	const n8nInfo = await rt.ensureN8n(line);
	if (!cached) say(`  installed in ${seconds(Date.now() - ti)}`);

	const folder = lib.realFolder(args.out ? path.resolve(args.out) : path.join(lib.outputRoot, `run-${timestamp()}${args.n8n === 'both' ? `-n8n${line}` : ''}`));
	const { wf, prompts } = batchWorkflow({ folder, simulator, count: args.count });

	step(3, total, simulator ? 'Starting the local TTAPI simulator (no key, no internet, no cost)' : 'TTAPI');
	let credential;
	if (simulator) {
		state.sim = await startSimulator({ port: 0, apiKeys: [lib.SIM_API_KEY], queueMs: 400, renderMs: 2000, videoKind: 'real', videoBytes: 512 * 1024, queueLimit: 5 });
		say(`  listening on ${state.sim.url}: "renders" each video in ~2 s; each MP4 is ${state.sim.videoSource().description}`);
		say('  (set TTAPI_API_KEY to make real videos with TTAPI instead)');
		credential = lib.ttapiCredential({ simUrl: state.sim.url, callbackSecret: lib.randomSecret() });
	} else {
		await confirmRealTtapi({ apiKey, prompts, yes: args.yes });
		credential = lib.ttapiCredential({ apiKey, callbackSecret: lib.randomSecret() });
	}

	step(4, total, `Preparing n8n ${n8nInfo.version}: package, credential "${credential.name}", workflow "${wf.name}"`);
	const n8n = await rt.createN8nInstance({
		line,
		n8n: n8nInfo,
		env: lib.n8nEnv(folder),
		log: (m) => say(`  [n8n] ${m}`),
	});
	state.n8n = n8n;
	say(`  package copied into ${rel(path.join(n8n.dataDir, 'nodes', 'node_modules', rt.PACKAGE_NAME))}`);
	await n8n.importCredentials([credential]);
	const workflowId = await n8n.importWorkflow(wf);
	say(`  imported the credential (${simulator ? `Custom URL ${state.sim.url}` : lib.realTtapiUrl()}) and the workflow (id ${workflowId})`);

	step(5, total, `Running "${wf.name}" headless (n8n execute): ${prompts.length} prompt(s), Max Jobs in Flight 3`);
	const started = Date.now();
	const stopProgress = progressReporter({ sim: state.sim, total: prompts.length, started });
	let res;
	try {
		res = await n8n.execute(workflowId, { timeoutMs: simulator ? 5 * 60_000 : 120 * 60_000 });
	} finally {
		stopProgress();
	}
	if (!res.ok) {
		const message = res.error?.message ?? `n8n execute exited with ${res.code}`;
		const node = res.error?.node?.name ? ` (node "${res.error.node.name}")` : '';
		throw new DemoError(`the workflow failed${node}: ${message}\n${n8n.tailLogs(25)}`);
	}
	say(`  workflow finished in ${seconds(Date.now() - started)}`);

	step(6, total, 'Result');
	const rows = rt.nodeOutput(res.run, WORKFLOW_NODES.results).map((item) => item.json);
	if (rows.length !== prompts.length) {
		throw new DemoError(`expected ${prompts.length} result rows, got ${rows.length}`);
	}
	const problems = [];
	let bytes = 0;
	const tableRows = rows.map((row, i) => {
		let secs = '—';
		if (state.sim && row.jobId) {
			const job = state.sim.getJob(row.jobId);
			if (job?.endedAt) secs = ((Date.parse(job.endedAt) - Date.parse(job.createdAt)) / 1000).toFixed(1);
		}
		let file = row.file || '';
		if (row.status === 'SUCCESS') {
			const size = file && fs.existsSync(file) ? fs.statSync(file).size : 0;
			if (!size) problems.push(`row ${i + 1}: the MP4 was not written (${file || 'no file name'})`);
			bytes += size;
			file = file ? path.basename(file) : '';
		} else {
			problems.push(`row ${i + 1} "${lib.ellipsis(row.prompt ?? '', 40)}": ${row.status}${row.error ? ` (${row.error})` : ''}`);
			file = `— ${lib.ellipsis(row.error || 'no video', 40)}`;
		}
		return [i + 1, lib.ellipsis(row.prompt ?? '', 34), row.jobId || '—', row.status, secs, file];
	});
	say();
	say(lib.table(['#', 'Prompt', 'Job ID', 'Status', 'Seconds', 'Saved file'], tableRows));
	say();
	const csv = path.join(folder, 'results.csv');
	const okCount = rows.filter((r) => r.status === 'SUCCESS').length;
	say(`MP4 files (${okCount}, ${(bytes / 1024 / 1024).toFixed(1)} MB) were written to ${rel(folder)}${path.sep}`);
	if (fs.existsSync(csv)) say(`Results sheet (prompt, jobId, status, file, videoUrl, error): ${rel(csv)}`);
	else problems.push('results.csv was not written');
	if (simulator) {
		say(`These come from the simulator: each MP4 is ${state.sim.videoSource().description}. Set TTAPI_API_KEY for real Sora videos.`);
		const c = state.sim.counters();
		say(`Simulator: ${c.submissions} submissions, at most ${c.inFlightPeak} jobs in flight at once, ${c.fetchCalls} status requests, ${c.videoDownloads} downloads.`);
	}
	say(`n8n ${n8nInfo.version}, ${okCount}/${rows.length} videos, ${seconds(Date.now() - t0)} in total.`);
	if (problems.length) throw new DemoError(`${problems.length} problem(s):\n  - ${problems.join('\n  - ')}`);
}

async function shutdown(state) {
	const n8n = state.n8n;
	const sim = state.sim;
	state.n8n = undefined;
	state.sim = undefined;
	if (n8n) await n8n.cleanup().catch((e) => say(`  (n8n cleanup: ${e.message})`));
	if (sim) await sim.close().catch(() => undefined);
}

async function main() {
	let args;
	lib.scrubNpmEnv(); // see lib.js: keeps `npm run` settings out of the n8n install
	try {
		args = lib.parseArgs(process.argv.slice(2), {
			n8n: { default: '2', choices: ['1', '2', 'both'] },
			count: { type: 'number' },
			out: {},
			yes: { type: 'boolean', default: false },
			'no-build': { type: 'boolean', default: false },
			simulator: { type: 'boolean', default: false },
		});
	} catch (e) {
		console.error(`demo: ${e.message}`);
		process.exit(2);
	}
	if (args.help) {
		say(HELP);
		return;
	}
	const lines = args.n8n === 'both' ? ['2', '1'] : [args.n8n];
	const real = !args.simulator && !!(process.env.TTAPI_API_KEY || '').trim();
	if (lines.length > 1 && real) {
		console.error('demo: --n8n both with TTAPI_API_KEY would pay twice; pick one line');
		process.exit(2);
	}
	if (lines.length > 1 && args.out) {
		console.error('demo: --out with --n8n both would mix the two runs; leave --out out');
		process.exit(2);
	}
	const state = {};
	lib.onInterrupt(() => shutdown(state));
	let failed = false;
	for (const [i, line] of lines.entries()) {
		say(`=== n8n-nodes-ttapi-sora demo: Sora Generate in real n8n ${rt.VERSIONS[line]}${real ? ' with the REAL TTAPI' : ' with the local TTAPI simulator'}`);
		try {
			await runDemo(line, i > 0 ? { ...args, 'no-build': true } : args, state);
			await shutdown(state);
			say(real ? 'Stopped n8n. Demo passed.' : 'Stopped n8n and the simulator. Demo passed.');
		} catch (e) {
			failed = true;
			await shutdown(state);
			say();
			console.error(`DEMO FAILED (n8n ${rt.VERSIONS[line]}): ${e instanceof DemoError ? e.message : e.stack || e.message}`);
			if (/SQLite package has not been found/.test(e.message)) {
				const { cache } = lib.n8nCached(line);
				console.error(`The cached n8n install is broken (its sqlite3 module was never built). Delete ${path.join(cache, `n8n-${rt.VERSIONS[line]}`)} and run the demo again.`);
			}
			console.error('Everything the demo started has been stopped.');
		}
	}
	process.exitCode = failed ? 1 : 0;
}

main();
