#!/usr/bin/env node
'use strict';
// The fault matrix: every row of docs/RELIABILITY.md run in real n8n against the TTAPI simulator
// with the fault injected, printed as a table (fault | mode | expected | observed | pass) with
// totals. Exits non-zero when any row fails.
//
//   node scripts/n8n/faults/run.js [--n8n 1|2|both] [--only <regex>]     (needs `npm run build`)
//
// --n8n: default both (2.41.1, then 1.123.81): nearly every group differs between the lines
//        somewhere (resume URLs, the 409 race, binary data mode, restarts), and a line takes a
//        few minutes. --only runs the rows whose "group fault mode" text matches (for debugging).
// FAULTS_PACKAGE_DIR: a built copy of the package to test instead of this checkout's dist/.
//
// One n8n instance per line; the simulators run in this process. Rows run concurrently (their
// prompts and faults are their own), the restart rows at the end on their own, then the checks
// over the whole run: one submission per job, and no secret anywhere n8n wrote.

const path = require('node:path');
const rt = require('../runtime');
const { setupLine } = require('./harness');

const GROUPS = [
	require('./fetch'),
	require('./submit'),
	require('./queue'),
	require('./jobs'),
	require('./outputs'),
	require('./callbacks'),
	require('./credentials'),
	require('./input'),
	require('./restart'),
	require('./final'),
];

const CONCURRENCY = Number(process.env.FAULTS_CONCURRENCY || 6);

/**
 * Whether a row runs on this n8n line: its `lines` when it names them, else every line, except
 * Wait for Callback rows, which run on 2.x only: on n8n 1.x Wait for Callback polls (1.x could
 * resume a paused execution twice), so there they would repeat the Poll rows. The 1.x rows that
 * prove what Wait for Callback does there name their line.
 */
const onLine = (row, line) => (row.lines ? row.lines.includes(line) : row.mode !== 'callback' || line !== '1');

function parseArgs(argv) {
	const opts = { which: 'both', only: undefined };
	for (let i = 0; i < argv.length; i++) {
		const a = argv[i];
		if (a === '--n8n') opts.which = argv[++i];
		else if (a.startsWith('--n8n=')) opts.which = a.slice(6);
		else if (a === '--only') opts.only = new RegExp(argv[++i], 'i');
		else if (a.startsWith('--only=')) opts.only = new RegExp(a.slice(7), 'i');
		else if (a === '-h' || a === '--help') {
			console.log('usage: node scripts/n8n/faults/run.js [--n8n 1|2|both] [--only <regex>]');
			process.exit(0);
		} else throw new Error(`unknown argument ${a}`);
	}
	const lines = opts.which === 'both' ? ['2', '1'] : [opts.which];
	for (const l of lines) if (!rt.VERSIONS[l]) throw new Error(`--n8n must be 1, 2 or both (got ${opts.which})`);
	return { lines, only: opts.only };
}

const clip = (s, n) => {
	const t = String(s ?? '').replace(/\s+/g, ' ').replace(/\|/g, '/');
	return t.length > n ? `${t.slice(0, n - 1)}…` : t;
};

/** Runs one row with a hard time limit, so that a hang is a FAIL and not a stuck CI. */
async function runRow(row, ctx) {
	const t0 = Date.now();
	const limitMs = (row.limitSeconds || 180) * 1000;
	let timer;
	try {
		const result = await Promise.race([
			row.run(ctx),
			new Promise((resolve) => {
				timer = setTimeout(() => resolve({ pass: false, observed: `row did not end within ${limitMs / 1000} s` }), limitMs);
			}),
		]);
		return { ...row, pass: !!result.pass, observed: result.observed, seconds: (Date.now() - t0) / 1000 };
	} catch (error) {
		return { ...row, pass: false, observed: `threw: ${(error.stack || String(error)).split('\n').slice(0, 3).join(' ')}`, seconds: (Date.now() - t0) / 1000 };
	} finally {
		clearTimeout(timer);
	}
}

async function runConcurrently(rows, ctx, report) {
	const queue = [...rows].sort((a, b) => (b.estSeconds || 10) - (a.estSeconds || 10));
	const serial = new Map(); // serialKey → promise chain
	const results = [];
	const lane = async () => {
		while (queue.length) {
			const row = queue.shift();
			let result;
			if (row.serialKey) {
				const before = serial.get(row.serialKey) || Promise.resolve();
				const mine = before.then(() => runRow(row, ctx));
				serial.set(row.serialKey, mine.catch(() => undefined));
				result = await mine;
			} else result = await runRow(row, ctx);
			results.push(result);
			report(result);
		}
	};
	await Promise.all(Array.from({ length: CONCURRENCY }, lane));
	return results;
}

function printTable(line, version, results, seconds) {
	const header = `\n=== Fault matrix: n8n ${version} (${line}.x), ${results.length} rows in ${seconds.toFixed(0)} s`;
	console.log(header);
	console.log('| # | fault | mode | expected | observed | pass |');
	console.log('|---|---|---|---|---|---|');
	results.forEach((r, i) => {
		console.log(`| ${i + 1} | ${clip(r.fault, 70)} | ${r.mode} | ${clip(r.expected, 110)} | ${clip(r.observed, 420)} | ${r.pass ? 'PASS' : 'FAIL'} |`);
	});
	const passed = results.filter((r) => r.pass).length;
	console.log(`\nn8n ${version}: ${results.length} rows, ${passed} pass, ${results.length - passed} fail`);
}

async function runLine(line, only) {
	const t0 = Date.now();
	const log = (m) => process.stderr.write(`[faults ${line}.x +${((Date.now() - t0) / 1000).toFixed(0)}s] ${m}\n`);
	const packageDir = path.resolve(process.env.FAULTS_PACKAGE_DIR || path.join(__dirname, '..', '..', '..'));
	let ctx;
	const results = [];
	const report = (r) => log(`${r.pass ? 'PASS' : 'FAIL'} [${r.seconds.toFixed(0)} s] ${r.group}. ${r.fault} (${r.mode}): ${clip(r.observed, 1500)}`);
	try {
		ctx = await setupLine(line, { log, packageDir });
		log(`n8n ${ctx.version} up at ${ctx.n8n.baseUrl}; simulator ${ctx.sim.url}, queue simulator ${ctx.qsim.url}`);
		const selected = (row) => onLine(row, line) && (!only || only.test(`${row.group} ${row.fault} ${row.mode}`));
		const concurrent = [];
		const phases = [];
		for (const group of GROUPS) {
			if (group.rows) concurrent.push(...group.rows(ctx).filter(selected));
			if (group.phase) phases.push(group);
		}
		results.push(...(await runConcurrently(concurrent, ctx, report)));
		for (const group of phases) {
			if (only && !group.rowNames.some((name) => only.test(name))) continue;
			for (const r of await group.phase(ctx, results, { only })) {
				results.push(r);
				report(r);
			}
		}
	} catch (error) {
		results.push({ group: 0, fault: 'setup / run', mode: '-', expected: 'the matrix runs', pass: false, observed: (error.stack || String(error)).split('\n').slice(0, 4).join(' '), seconds: 0 });
		if (ctx) log(ctx.n8n.tailLogs(40));
	} finally {
		if (ctx) await ctx.close();
	}
	results.sort((a, b) => a.group - b.group || (a.order ?? 0) - (b.order ?? 0));
	printTable(line, rt.VERSIONS[line], results, (Date.now() - t0) / 1000);
	return results;
}

async function main() {
	const { lines, only } = parseArgs(process.argv.slice(2));
	const all = [];
	for (const line of lines) all.push(...(await runLine(line, only)).map((r) => ({ line, ...r })));
	const failed = all.filter((r) => !r.pass);
	console.log(`\n=== Fault matrix totals: ${all.length} rows on ${lines.map((l) => rt.VERSIONS[l]).join(' + ')}: ${all.length - failed.length} pass, ${failed.length} fail`);
	for (const r of failed) console.log(`  FAIL n8n ${rt.VERSIONS[r.line]}: ${r.group}. ${r.fault} (${r.mode}): ${clip(r.observed, 400)}`);
	process.exit(failed.length ? 1 : 0);
}

main().catch((error) => {
	console.error(error.stack || error);
	process.exit(1);
});
