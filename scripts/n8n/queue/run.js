#!/usr/bin/env node
'use strict';
// `npm run test:queue`: the package in a real n8n queue-mode cluster (Redis + Postgres, main +
// 2 workers + 2 webhook processors behind a round-robin proxy) against the TTAPI simulator, one
// row per scenario of issue 10: scenario | expected | observed | PASS/FAIL. Exits non-zero when a
// row fails. See README.md in this folder.
//
//   node scripts/n8n/queue/run.js [--n8n 1|2|both] [--only <regex>] [--package <dir>] [--keep]
//                                 [--trigger-workflow plain,removeDuplicates,<file.js>]

const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const rt = require('../runtime');
const h = require('./harness');
const { scenarios } = require('./scenarios');
const { DEFAULT_TRIGGER_WORKFLOWS, resolveTriggerWorkflow } = require('./trigger-workflows');

const USAGE =
	'node scripts/n8n/queue/run.js [--only <regex>] [--package <dir with dist/>] [--keep] [--trigger-workflow plain,removeDuplicates,<file.js>]';
/** Rows that kill nothing run side by side (each has its own simulator and workflows). */
const TOGETHER = Number(process.env.QUEUE_CONCURRENCY || 4);

/** "<commit> (+ uncommitted changes)" of the package's checkout, to say which code a run tested. */
function packageVersion(dir) {
	const git = (args) => spawnSync('git', ['-C', dir, ...args], { encoding: 'utf8' });
	const head = git(['rev-parse', '--short', 'HEAD']);
	if (head.status !== 0) return 'not a git checkout';
	const dirty = git(['status', '--porcelain', '--', 'nodes', 'credentials', 'package.json']).stdout.trim();
	const stamp = [path.join(dir, 'dist', 'tsconfig.tsbuildinfo'), path.join(dir, 'dist')].find((f) => fs.existsSync(f));
	const built = fs.statSync(stamp).mtime.toISOString().replace(/\.\d+Z$/, 'Z');
	return `${head.stdout.trim()}${dirty ? ' + uncommitted changes in nodes/credentials' : ''}, dist/ built ${built}`;
}

function parseArgs(argv) {
	const opts = { only: undefined, packageDir: path.resolve(__dirname, '..', '..', '..'), keep: false, triggerWorkflows: DEFAULT_TRIGGER_WORKFLOWS };
	const rest = [];
	for (let i = 0; i < argv.length; i++) {
		let a = argv[i];
		let value;
		const eq = a.indexOf('=');
		if (a.startsWith('--') && eq > 0) {
			value = a.slice(eq + 1);
			a = a.slice(0, eq);
		}
		const next = () => {
			const v = value !== undefined ? value : argv[++i];
			if (v === undefined) throw new Error(`${a} needs a value`);
			return v;
		};
		if (a === '--only') opts.only = new RegExp(next(), 'i');
		else if (a === '--package') opts.packageDir = path.resolve(next());
		else if (a === '--keep') opts.keep = true;
		else if (a === '--trigger-workflow') opts.triggerWorkflows = next().split(',').filter(Boolean);
		else rest.push(value !== undefined ? `${a}=${value}` : a);
	}
	opts.lines = rt.linesFromArgs(rest, USAGE); // --n8n 1|2|both (default both), --help
	opts.triggerWorkflows = opts.triggerWorkflows.map(resolveTriggerWorkflow);
	const dist = path.join(opts.packageDir, 'dist');
	if (!fs.existsSync(dist)) throw new Error(`${dist} is missing: build the package first (npm run build in ${opts.packageDir})`);
	return opts;
}

const clip = (s, n) => {
	const t = String(s ?? '').replace(/\s+/g, ' ').replace(/\|/g, '/');
	return t.length > n ? `${t.slice(0, n - 1)}…` : t;
};

/** One row with a hard time limit: a hang is a FAIL, not a stuck CI. */
async function runRow(scenario, state, ctx, log) {
	const t0 = Date.now();
	let timer;
	let result;
	try {
		result = await Promise.race([
			scenario.run(ctx, state),
			new Promise((resolve) => {
				timer = setTimeout(() => resolve({ pass: false, observed: `row did not end within ${scenario.limitSeconds} s`, details: [] }), scenario.limitSeconds * 1000);
			}),
		]);
	} catch (error) {
		result = { pass: false, observed: `threw: ${(error.stack || String(error)).split('\n').slice(0, 3).join(' ')}`, details: [] };
	} finally {
		clearTimeout(timer);
	}
	const row = { id: scenario.id, title: scenario.title, expected: scenario.expected, seconds: (Date.now() - t0) / 1000, ...result };
	log(`${row.pass ? 'PASS' : 'FAIL'} [${row.seconds.toFixed(0)} s] ${row.id}: ${row.observed}${row.failures && row.failures.length ? `\n    why: ${row.failures.join('; ')}` : ''}`);
	return row;
}

async function runLine(line, opts) {
	const t0 = Date.now();
	const log = (m) => process.stderr.write(`[queue ${line}.x] ${m}\n`);
	const all = scenarios({ triggerWorkflows: opts.triggerWorkflows, line });
	const selected = all.filter((s) => !opts.only || opts.only.test(s.id) || opts.only.test(s.title));
	const results = [];
	let setup;
	if (!selected.length) throw new Error(`--only ${opts.only} matches no row (rows: ${all.map((s) => s.id).join(', ')})`);
	try {
		setup = await h.setupLine(line, { scenarios: selected, packageDir: opts.packageDir, keep: opts.keep, log });
		const { ctx, states } = setup;
		const { cluster } = ctx;
		console.log(`\n=== Queue mode: n8n ${cluster.version} (${line}.x), package ${opts.packageDir} (${packageVersion(opts.packageDir)})`);
		console.log(cluster.describe());
		console.log(`  cluster up in ${h.sec(cluster.startup.totalMs)} (services ${h.sec(cluster.startup.servicesMs)}, import ${h.sec(cluster.startup.importMs)}, main + activation ${h.sec(cluster.startup.mainMs)}, workers + webhook processors ${h.sec(cluster.startup.othersMs)})`);
		console.log(`  simulators: ${states.map((s) => `${s.key} ${s.sim.url}`).join(', ')}`);
		const byId = new Map(states.map((s) => [s.key, s]));
		const together = selected.filter((s) => s.phase === 'together');
		const alone = selected.filter((s) => s.phase === 'alone');
		const queue = [...together];
		await Promise.all(
			Array.from({ length: Math.min(TOGETHER, queue.length) }, async () => {
				while (queue.length) {
					const s = queue.shift();
					results.push(await runRow(s, byId.get(s.id), ctx, log));
				}
			}),
		);
		for (const s of alone) results.push(await runRow(s, byId.get(s.id), ctx, log));
	} catch (error) {
		results.push({ id: 'setup', title: 'queue cluster setup / run', expected: 'the suite runs', pass: false, observed: (error.stack || String(error)).split('\n').slice(0, 6).join(' '), details: [], seconds: 0 });
	} finally {
		if (setup) await setup.close();
	}
	const order = all.map((s) => s.id);
	results.sort((a, b) => order.indexOf(a.id) - order.indexOf(b.id));
	printTable(line, results, (Date.now() - t0) / 1000);
	return results;
}

function printTable(line, results, seconds) {
	console.log(`\n=== Queue mode: n8n ${rt.VERSIONS[line]} (${line}.x), ${results.length} rows in ${seconds.toFixed(0)} s`);
	console.log('| # | scenario | expected | observed | pass |');
	console.log('|---|---|---|---|---|');
	results.forEach((r, i) => console.log(`| ${i + 1} | ${clip(r.title, 140)} | ${clip(r.expected, 300)} | ${clip(r.observed, 700)} | ${r.pass ? 'PASS' : 'FAIL'} |`));
	console.log('\nPer row (why it failed, per item):');
	for (const r of results) {
		console.log(`  ${r.pass ? 'PASS' : 'FAIL'} ${r.id} (${r.seconds.toFixed(0)} s)${r.failures && r.failures.length ? `: ${r.failures.join('; ')}` : ''}`);
		for (const d of r.details || []) console.log(`      ${d}`);
	}
	const passed = results.filter((r) => r.pass).length;
	console.log(`\nn8n ${rt.VERSIONS[line]}: ${results.length} rows, ${passed} pass, ${results.length - passed} fail`);
}

async function main() {
	const opts = parseArgs(process.argv.slice(2));
	const all = [];
	for (const line of opts.lines) all.push(...(await runLine(line, opts)).map((r) => ({ line, ...r })));
	const failed = all.filter((r) => !r.pass);
	console.log(`\n=== Queue mode totals on ${opts.lines.map((l) => rt.VERSIONS[l]).join(' + ')}: ${all.length} rows, ${all.length - failed.length} pass, ${failed.length} fail`);
	for (const r of failed) console.log(`  FAIL n8n ${rt.VERSIONS[r.line]}: ${r.id}: ${clip((r.failures || []).join('; ') || r.observed, 300)}`);
	process.exit(failed.length ? 1 : 0);
}

main().catch((error) => {
	console.error(error.stack || error);
	process.exit(1);
});
