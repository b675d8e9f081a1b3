#!/usr/bin/env node
'use strict';
// `npm run bench`: how fast and how frugal the package is in real n8n, against the TTAPI
// simulator. Prints a table and writes the same figures as JSON to bench-results/ (git-ignored).
// See docs/PERFORMANCE.md for what each figure means and the latest results.
//
//   npm run bench [-- --n8n 1|2] [--n 40] [--quick] [--queue] [--only batch,held,trigger,memory,overhead]
//
// Sections (scripts/bench/lib/): batch.js (1-3: makespan against each mode's limit from
// limits.js, stock loops, API calls per job; in one process and, with --queue, in queue mode:
// targets.js, queue.js), held.js (3b: Wait for Callback's worker time before the pause),
// memory.js (4: RSS while downloading big videos, both binary modes), throughput.js (5: Sora
// Trigger callbacks per second), overhead.js + overhead/overhead.bench.ts (6: in-process, jest).
// Linux only (RSS from /proc). Needs `npm run build` first; n8n is installed/cached by
// scripts/n8n/install.sh like the other real-n8n scripts.

const fs = require('node:fs');
const path = require('node:path');

const rt = require('../n8n/runtime');
const { startSimulator } = require('../../test/simulator');
const c = require('./lib/common');
const wf = require('./lib/workflows');
const batch = require('./lib/batch');
const throughput = require('./lib/throughput');
const memory = require('./lib/memory');
const overhead = require('./lib/overhead');
const report = require('./lib/report');
const held = require('./lib/held');
const { batchTimes, batchLimits } = require('./lib/limits');
const { singleTarget } = require('./lib/targets');
const { startBenchCluster } = require('./lib/queue');

const SECTIONS = ['batch', 'held', 'trigger', 'memory', 'overhead'];

const HELP = `Usage: npm run bench [-- options]

Runs the package in real n8n against the local TTAPI simulator and measures:
  1-3 batch makespan against each mode's physical limit, and API calls per job (Poll, Wait for
      Callback, Don't Wait + Sora Trigger, and two hand-built loops of stock nodes), 3b how long
      Wait for Callback holds a worker before it pauses, per batch size, 4 memory for ten 50 MB
      videos in both binary modes, 5 Sora Trigger throughput, 6 node overhead per item.
Options:
  --n8n 1|2            n8n line: 2 = 2.41.1 (default), 1 = 1.123.81
  --n N                prompts per batch (default 40; --quick: 10)
  --k K                TTAPI queue limit = Max Jobs in Flight (default 5)
  --t-ms MS            simulated time of one job T = queue + render (default 3000; --quick: 900)
  --no-spread          every job takes exactly T (by default render times are spread uniformly
                       over 0.5…1.5 × the render part of T, the same for every mode)
  --seed S             seed of the spread render times (default 12345)
  --poll-seconds S     the poll interval of every mode that polls: Poll, Wait for Callback while
                       items wait for a place, the stock loops' Wait (default 1)
  --queue              also run the batch sections (batch, held) in n8n queue mode: Redis +
                       Postgres, main + 2 workers + 2 webhook processors behind a round-robin proxy
  --queue-only         run the batch sections in queue mode only
  --package DIR        benchmark another checkout's build (its package.json + dist/, copied at the
                       start); the simulator and the benchmark stay this checkout's
  --held-n LIST        batch sizes for 3b (default K,2K,4K; --quick: K,2K; the batch's N is reused)
  --videos N           videos in the memory run (default 10; --quick: 2)
  --video-mb MB        size of each video (default 50; --quick: 10)
  --tp-per-level N     callbacks per concurrency level in the trigger run (default 100; --quick: 10)
  --tp-max-conc N      highest concurrency in the trigger run (default 32; --quick: 2)
  --only LIST          comma list of sections: ${SECTIONS.join(', ')} (default: all)
  --skip-loop1         skip the one-at-a-time stock loop (it takes about N·T; never in queue mode
                       nor with --quick unless --modes names it)
  --modes LIST         batch modes to run: poll, callback, trigger, loopK, loop1 (default: all)
  --give-up-s S        a batch with no progress at the simulator for S seconds is recorded as
                       not finished (default 30)
  --quick              small and fast (CI): the defaults marked --quick above
  --out DIR            where the JSON goes (default bench-results/)
  --strict             exit 1 when a target is missed (by default only a broken run exits 1:
                       a batch that did not complete, a job submitted twice, a lost callback)
  --no-build-check     do not warn when dist/ is older than the TypeScript sources`;

function parseArgs(argv) {
	const opts = { line: '2', quick: false, only: SECTIONS, out: path.join(c.repoRoot, 'bench-results'), buildCheck: true };
	const num = (name, value) => {
		const n = Number(value);
		if (!Number.isFinite(n) || n <= 0) throw new Error(`${name} needs a positive number (got ${value})`);
		return n;
	};
	for (let i = 0; i < argv.length; i++) {
		let arg = argv[i];
		let value;
		const eq = arg.indexOf('=');
		if (arg.startsWith('--') && eq > 0) {
			value = arg.slice(eq + 1);
			arg = arg.slice(0, eq);
		}
		const next = () => (value !== undefined ? value : argv[++i]);
		switch (arg) {
			case '-h':
			case '--help':
				console.log(HELP);
				process.exit(0);
				break;
			case '--n8n':
				opts.line = String(next()).replace(/^v/, '').split('.')[0];
				if (!rt.VERSIONS[opts.line]) throw new Error('--n8n must be 1 or 2');
				break;
			case '--n': opts.n = Math.floor(num(arg, next())); break;
			case '--k': opts.k = Math.floor(num(arg, next())); break;
			case '--t-ms': opts.tMs = Math.floor(num(arg, next())); break;
			case '--poll-seconds': opts.pollSeconds = num(arg, next()); break;
			case '--videos': opts.videos = Math.floor(num(arg, next())); break;
			case '--video-mb': opts.videoMb = num(arg, next()); break;
			case '--tp-per-level': opts.tpPerLevel = Math.floor(num(arg, next())); break;
			case '--tp-max-conc': opts.tpMaxConcurrency = Math.floor(num(arg, next())); break;
			case '--only': {
				const list = String(next()).split(',').map((s) => s.trim()).filter(Boolean);
				for (const s of list) if (!SECTIONS.includes(s)) throw new Error(`unknown section ${s} (use ${SECTIONS.join(', ')})`);
				opts.only = list;
				break;
			}
			case '--skip-loop1': opts.skipLoop1 = true; break;
			case '--no-spread': opts.spread = false; break;
			case '--spread': opts.spread = true; break;
			case '--seed': opts.seed = Math.floor(num(arg, next())); break;
			case '--queue': opts.queue = true; break;
			case '--queue-only': opts.queue = true; opts.single = false; break;
			case '--package': opts.packageDir = path.resolve(next()); break;
			case '--held-n': opts.heldN = String(next()).split(',').map((s) => Math.floor(num(arg, s.trim()))); break;
			case '--give-up-s': opts.giveUpS = num(arg, next()); break;
			case '--modes': opts.modes = String(next()).split(',').map((s) => s.trim()).filter(Boolean); break;
			case '--quick': opts.quick = true; break;
			case '--strict': opts.strict = true; break;
			case '--out': opts.out = path.resolve(next()); break;
			case '--no-build-check': opts.buildCheck = false; break;
			default:
				throw new Error(`unknown argument ${arg} (see --help)`);
		}
	}
	const q = opts.quick;
	opts.spread ??= true;
	opts.seed ??= 12345;
	opts.queue ??= false;
	opts.single ??= true;
	opts.giveUpS ??= 30;
	opts.n ??= q ? 10 : 40;
	opts.k ??= 5;
	opts.tMs ??= q ? 900 : 3000;
	opts.pollSeconds ??= 1;
	opts.videos ??= q ? 2 : 10;
	opts.videoMb ??= q ? 10 : 50;
	opts.tpPerLevel ??= q ? 10 : 100;
	opts.tpMaxConcurrency ??= q ? 2 : 32;
	opts.heldN ??= q ? [opts.k, 2 * opts.k] : undefined;
	// --quick stays within CI's 3 minutes: the one-at-a-time loop (N·T, the same workflow as the
	// K-per-round loop with batch size 1) runs only when --modes names it
	opts.skipLoop1 ??= q && !opts.modes?.includes('loop1');
	return opts;
}

function timestamp() {
	return new Date().toISOString().replace(/[:]/g, '').replace(/\.\d+Z$/, 'Z');
}

/** The batch order per topology: queue mode skips the one-at-a-time loop unless --modes names it. */
function batchOrder(opts, topology) {
	const order = (opts.modes ?? Object.keys(batch.MODES)).filter((m) => !(m === 'loop1' && (opts.skipLoop1 || (topology === 'queue' && !opts.modes?.includes('loop1')))));
	for (const m of order) if (!batch.MODES[m]) throw new Error(`unknown mode ${m} (use ${Object.keys(batch.MODES).join(', ')})`);
	return order;
}

/** Sections 1-3 and 3b on one target (one process or queue mode); fills results.sections. */
async function runBatchSections(ctx, target, opts, results) {
	const { times, limits } = ctx;
	const topology = target.kind;
	if (opts.only.includes('batch')) {
		const order = batchOrder(opts, topology);
		ctx.log(`\n[1-3] ${target.label}: batch of ${opts.n}, K=${opts.k}, T=${opts.tMs} ms (${times.spread ? `spread ${times.minTMs}–${times.maxTMs} ms, seed ${times.seed}` : 'every job the same'}), poll interval ${opts.pollSeconds} s; ideal ${c.seconds(limits.idealMs, 2)}, Poll's limit ${c.seconds(limits.pollLimitMs, 2)}, Wait for Callback's ${c.seconds(limits.callbackLimitMs, 2)}, Don't Wait + Sora Trigger's ${c.seconds(limits.triggerLimitMs, 2)}`);
		results.sections.batch.topologies[topology] = { label: target.label, modes: await batch.runBatch(ctx, target, { order, times, limits }) };
		if (target.cluster) results.sections.batch.topologies[topology].clusterStartup = target.cluster.startup;
	}
	if (opts.only.includes('held')) {
		const sizes = held.heldSizes(opts.k, opts.heldN);
		const reuse = {};
		const ran = results.sections.batch?.topologies?.[topology]?.modes?.callback;
		if (ran) reuse[opts.n] = ran;
		ctx.log(`\n[3b] ${target.label}: Wait for Callback, worker time before the pause, N = ${sizes.join(', ')} (K=${opts.k})`);
		if (!ran) await batch.warmUp(ctx, target, ['callback']);
		results.sections.held.topologies[topology] = { label: target.label, rows: await held.runHeld(ctx, target, { sizes, spread: opts.spread, seed: opts.seed, reuse }) };
	}
}

async function main() {
	const opts = parseArgs(process.argv.slice(2));
	const log = (line) => process.stderr.write(`${line}\n`);
	const started = Date.now();
	let pkg;
	if (opts.packageDir) {
		pkg = await c.snapshotPackage(opts.packageDir);
		log(`bench: package from ${pkg.source} (${pkg.git ? `${pkg.git.branch} at ${pkg.git.commit}${pkg.git.nodeSourcesChanged ? ' + uncommitted node changes' : ''}` : 'not a git checkout'}; dist built ${pkg.distBuiltAt}), copied to ${pkg.dir}`);
	}
	const packageRoot = pkg?.source ?? c.repoRoot;
	if (opts.buildCheck) {
		const stale = c.staleBuild(packageRoot);
		if (stale.length) log(`WARNING: ${packageRoot}/dist is older than ${stale.length} source file(s) (e.g. ${stale[0]}): run \`npm run build\` there first`);
	}
	const info = await rt.ensureN8n(opts.line);
	const results = {
		bench: 'n8n-nodes-ttapi-sora',
		startedAt: new Date(started).toISOString(),
		n8n: info.version,
		git: c.gitInfo(),
		package: pkg ? { source: pkg.source, git: pkg.git, distBuiltAt: pkg.distBuiltAt } : { source: c.repoRoot, git: c.gitInfo(), distBuiltAt: c.distBuiltAt(c.repoRoot) },
		machine: c.machine(),
		loadAtStart: c.loadAvg(),
		options: { ...opts, out: undefined },
		definitions: report.DEFINITIONS,
		sections: {},
	};
	log(`bench: n8n ${info.version}, ${results.machine.cores} cores, load ${c.loadText()}${opts.quick ? ' (quick)' : ''}`);

	// queueMs + renderMs = T; a fixed small queue phase like TTAPI's PENDING_QUEUE
	const queueMs = Math.min(200, Math.floor(opts.tMs / 10));
	const simTiming = { queueMs, renderMs: opts.tMs - queueMs };
	const times = batchTimes(opts.n, simTiming, { spread: opts.spread, seed: opts.seed });
	const limits = batchLimits(times, opts.k, opts.pollSeconds * 1000);
	const batchWanted = opts.only.includes('batch') || opts.only.includes('held');
	if (opts.only.includes('batch')) {
		results.sections.batch = { n: opts.n, k: opts.k, tMs: opts.tMs, sim: simTiming, pollSeconds: opts.pollSeconds, times, limits, topologies: {} };
	}
	if (opts.only.includes('held')) results.sections.held = { k: opts.k, tMs: opts.tMs, spread: opts.spread, seed: opts.seed, topologies: {} };

	const sim = await startSimulator({ port: 0, apiKeys: [c.API_KEY], queueLimit: opts.k, ...simTiming, videoBytes: 64 * 1024 });
	const ctx = { sim, k: opts.k, tMs: opts.tMs, simTiming, pollMs: opts.pollSeconds * 1000, times, limits, giveUpIdleMs: opts.giveUpS * 1000, packageDir: pkg?.dir ?? c.repoRoot, log };
	let n8n;
	let cluster;
	try {
		const singleSections = opts.only.filter((s) => (s === 'batch' || s === 'held' ? opts.single : s !== 'overhead'));
		if (singleSections.length) {
			const setup = await c.startN8n({
				line: opts.line,
				sim,
				packageDir: pkg?.dir,
				log: (m) => log(`[n8n ${info.version}] ${m}`),
				workflows: (credential) => ({
					...batch.batchWorkflows(wf, { simUrl: sim.url, apiKey: c.API_KEY, k: opts.k, pollSeconds: opts.pollSeconds, credential }),
					...throughput.throughputWorkflows(wf, credential),
					...memory.memoryWorkflows(wf, credential, opts),
				}),
			});
			n8n = setup.n8n;
			Object.assign(ctx, { n8n, flows: setup.flows });
			if (batchWanted && opts.single) await runBatchSections(ctx, singleTarget(n8n), opts, results);
			if (opts.only.includes('trigger')) {
				log(`\n[5] Sora Trigger throughput: up to ${opts.tpMaxConcurrency} concurrent callbacks, ${opts.tpPerLevel} per level`);
				results.sections.trigger = await throughput.runThroughput(ctx, { perLevel: opts.tpPerLevel, maxConcurrency: opts.tpMaxConcurrency });
				sim.configure({ queueLimit: opts.k, ...simTiming });
			}
			if (opts.only.includes('memory')) {
				log(`\n[4] memory: ${opts.videos} videos of ${opts.videoMb} MB, binary modes filesystem and memory`);
				results.sections.memory = await memory.runMemory(ctx, { videos: opts.videos, videoMb: opts.videoMb, k: opts.k });
			}
			await n8n.cleanup();
			n8n = undefined;
		}
		if (batchWanted && opts.queue) {
			log(`\n[queue] starting an n8n ${info.version} queue-mode cluster (main + 2 workers + 2 webhook processors, Redis, Postgres)`);
			const q = await startBenchCluster({ line: opts.line, packageDir: pkg?.dir, sim, k: opts.k, pollSeconds: opts.pollSeconds, log });
			cluster = q.cluster;
			await runBatchSections({ ...ctx, n8n: cluster.main, flows: q.flows }, q.target, opts, results);
			await cluster.stop();
			cluster = undefined;
		}
		if (opts.only.includes('overhead')) {
			log(`\n[6] node overhead per item (in-process, n8n-core ${require('n8n-core/package.json').version}; always this checkout's sources)`);
			results.sections.overhead = await overhead.runOverhead({ items: opts.quick ? 50 : 200, log });
		}
	} finally {
		if (n8n) await n8n.cleanup().catch(() => undefined);
		if (cluster) await cluster.stop().catch(() => undefined);
		await sim.close();
		pkg?.remove();
	}
	results.finishedAt = new Date().toISOString();
	results.durationS = Math.round((Date.now() - started) / 1000);
	results.loadAtEnd = c.loadAvg();
	results.targets = report.targets(results);

	fs.mkdirSync(opts.out, { recursive: true });
	const file = path.join(opts.out, `${timestamp()}-n8n${info.version}${opts.quick ? '-quick' : ''}${opts.queue ? (opts.single ? '-queue' : '-queue-only') : ''}.json`);
	fs.writeFileSync(file, JSON.stringify(results, null, 2));
	await new Promise((resolve) => process.stdout.write(`${report.table(results)}\nJSON: ${path.relative(process.cwd(), file)}\n`, resolve));
	const broken = results.targets.filter((t) => !t.pass && report.CORRECTNESS.test(t.id));
	const missed = results.targets.filter((t) => !t.pass);
	if (broken.length) {
		process.stderr.write(`bench: the run is broken: ${broken.map((t) => t.what).join('; ')}\n`);
		process.exitCode = 1;
	} else if (opts.strict && missed.length) process.exitCode = 1;
}

if (require.main === module) {
	// Exit once the report is out: idle keep-alive sockets and pools would hold the process ~10 s.
	main().then(
		() => process.exit(),
		(error) => {
			console.error(error);
			process.exit(1);
		},
	);
}

module.exports = { parseArgs };
