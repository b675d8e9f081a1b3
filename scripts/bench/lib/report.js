'use strict';
// The printed table and the target verdicts (also stored in the JSON).

const c = require('./common');

const MODES_OURS = new Set(['poll', 'callback', 'trigger']);

const DEFINITIONS = {
	makespan:
		'from the start request (POST to the batch workflow) to the last result available: the execution finished (n8n stoppedAt) for Poll, Wait for Callback and the stock loops; for Don\'t Wait + Sora Trigger, the last trigger execution finished',
	T: 'simulated time of one job = simulator queueMs + renderMs; by default the render part of each job is spread uniformly over 0.5…1.5 × renderMs (seeded, the same batch for every mode and topology)',
	K: 'simulator queueLimit (TTAPI max_queue) = Max Jobs in Flight',
	ideal: 'makespan of a perfect in-order scheduler that knows no durations (greedy list scheduling: each item starts the moment a queue place frees); with equal render times ceil(N/K) * T',
	pollLimit: "the same schedule with every job's end seen interval/2 late (the mean delay of a poll every interval after the submission): ideal + waves * interval/2 with equal render times",
	callbackLimit: "Wait for Callback polls its jobs while items wait for a place (a running execution gets no callbacks), so places free interval/2 late as in Poll; the last jobs' ends come by callback at once: ideal + (waves - 1) * interval/2 with equal render times",
	triggerLimit: "Don't Wait learns of a free place only when a submission it tries again (queue full, every 1 s on average from each of its K lanes) is taken: at best the tries are evenly spread, one every 1 s/K, so each place is taken at the next try after it frees; each result then reaches the trigger by callback at once, whose claim (one execution per job, in n8n's database) waits at least 2 × 400 ms",
	limit: 'Poll Until Done is compared with the Poll limit, Wait for Callback with the callback limit, Don\'t Wait + Sora Trigger with the trigger limit, the stock loops with the ideal; every mode is also given × ideal',
	held: "Wait for Callback: the Sora Generate node's run time until n8n stored the execution as waiting (its run data at the pause: startTime + executionTime), and the execution's startedAt until then; jobs at TTAPI = simulator jobs created before that moment",
	callsPerJob: '1 submission + the status requests (/sora/fetch) the simulator counted for that job; refused submissions (queue full) are counted separately',
	refillGap: 'from a job ending to the next job taking its queue place (0 for a perfect scheduler)',
	rssGrowth: 'peak VmRSS of the n8n process + its descendants (sampled every 100 ms) minus its idle median before the run',
	triggerThroughput: 'signed callbacks answered 200 per second at a concurrency level; a level counts only if every accepted callback has a successful execution',
	nodeOverhead: "the node's execution time minus the time inside the TTAPI client's send(), per item, Max Jobs in Flight 1, in-process (n8n-core), zero render time",
};

/** Target ids that mean the run itself is wrong (not just slow): these fail `npm run bench`. */
const CORRECTNESS = /^(ok\.|3\.submissions|5\.lost|4\.ok)/;

const TOPOLOGY_NAMES = { single: 'one process', queue: 'queue mode' };
const ratioText = (r) => (r === undefined || r === null ? '–' : `×${r.toFixed(2)}`);

function targets(results) {
	const list = [];
	const add = (id, what, pass, measured) => list.push({ id, what, pass, measured });
	const b = results.sections.batch;
	for (const [topology, run] of Object.entries(b?.topologies ?? {})) {
		const where = TOPOLOGY_NAMES[topology];
		const modes = run.modes;
		for (const mode of ['poll', 'callback', 'trigger']) {
			const m = modes[mode];
			if (!m) continue;
			add(`1.${topology}.${mode}`, `${where}, ${m.label}: makespan / its limit (${m.limit.name}) ≤ 1.10`, m.ratio !== undefined && m.ratio <= 1.1, m.ratio === undefined ? 'did not finish' : `×${m.ratio} (${c.seconds(m.makespanMs, 2)} vs ${c.seconds(m.limitMs, 2)}; ×${m.idealRatio} of ideal)`);
		}
		if (modes.poll) add(`3.${topology}.poll`, `${where}, Poll: every job's API calls ≤ ceil(its T / interval) + 2`, modes.poll.api.jobsOverPollBudget === 0, `${modes.poll.api.jobsOverPollBudget} jobs over; max ${modes.poll.api.callsPerJobMax}, mean ${modes.poll.api.callsPerJobMean}`);
		if (modes.callback) add(`3.${topology}.callback`, `${where}, Wait for Callback: API calls per job ≤ 2`, modes.callback.api.callsPerJobMax <= 2, `max ${modes.callback.api.callsPerJobMax}, mean ${modes.callback.api.callsPerJobMean} (status requests max ${modes.callback.api.fetchesPerJobMax})`);
		const ours = ['poll', 'callback', 'trigger'].filter((m) => modes[m]);
		if (ours.length) add(`3.submissions.${topology}`, `${where}: exactly one submission per job in every mode`, ours.every((m) => modes[m].api.onePerJob), ours.map((m) => `${m} ${modes[m].api.jobs}/${b.n}`).join(', '));
		for (const mode of Object.keys(modes)) {
			if (!modes[mode].ok) add(`ok.${topology}.${mode}`, `${where}, ${modes[mode].label}: the batch completed correctly`, false, modes[mode].check);
		}
	}
	for (const [topology, run] of Object.entries(results.sections.held?.topologies ?? {})) {
		for (const row of run.rows) {
			if (!row.reused && !row.ok) add(`ok.held.${topology}.${row.n}`, `${TOPOLOGY_NAMES[topology]}, Wait for Callback with N=${row.n}: the batch completed correctly`, false, row.check);
		}
	}
	const mem = results.sections.memory;
	if (mem?.modes?.filesystem) {
		const fsm = mem.modes.filesystem;
		add('4.filesystem', `filesystem mode: RSS growth ≤ 64 MB (${mem.videos} × ${mem.videoMb} MB)`, fsm.growthKiB <= 64 * 1024, c.mib(fsm.growthKiB));
		for (const m of Object.values(mem.modes)) if (!m.ok) add(`4.ok.${m.mode}`, `${m.mode} mode: every video downloaded`, false, m.check);
	}
	const tp = results.sections.trigger;
	if (tp) add('5.lost', 'Sora Trigger: no accepted callback lost', tp.verify.noneLost && tp.noVerify.noneLost, `best ${tp.verify.bestAcceptedPerS}/s (verify on), ${tp.noVerify.bestAcceptedPerS}/s (verify off); n8n's stock Webhook ${tp.stock?.bestAcceptedPerS}/s`);
	return list;
}

function pad(text, width, right = false) {
	const s = String(text);
	return right ? s.padStart(width) : s.padEnd(width);
}

function tableOf(header, rows) {
	const widths = header.map((h, i) => Math.max(String(h).length, ...rows.map((r) => String(r[i]).length)));
	const line = (cells) => `| ${cells.map((cell, i) => pad(cell, widths[i], i > 0)).join(' | ')} |`;
	return [line(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line)].join('\n');
}

function batchTables(b) {
	const out = [];
	const t = b.times;
	const l = b.limits;
	out.push('');
	out.push(`1-3. Batch: N=${b.n}, K=${b.k}, T=${(b.tMs / 1000).toFixed(1)} s (queue ${b.sim.queueMs} + render ${b.sim.renderMs} ms), ${t.spread ? `render times spread: T ${c.seconds(t.minTMs, 2)}–${c.seconds(t.maxTMs, 2)}, mean ${c.seconds(t.meanTMs, 2)} (seed ${t.seed})` : 'every job exactly T'}; poll interval / stock Wait ${b.pollSeconds} s`);
	out.push(`Limits (in-order list scheduling of these times over K places): ideal ${c.seconds(l.idealMs, 2)}; Poll's, every end seen interval/2 late, ${c.seconds(l.pollLimitMs, 2)} (each end at the first poll after it, zero latency: ${c.seconds(l.pollTicksMs, 2)}); Wait for Callback's, places freed interval/2 late until the last item is at TTAPI, then callbacks, ${c.seconds(l.callbackLimitMs, 2)}; Don't Wait + Sora Trigger's, places taken at evenly spread resubmissions, then the trigger's claim, ${c.seconds(l.triggerLimitMs, 2)}; ${l.waves} waves; one after another ${c.seconds(l.oneAfterAnotherMs, 1)}`);
	const topologies = Object.keys(b.topologies);
	const modes = [...new Set(topologies.flatMap((top) => Object.keys(b.topologies[top].modes)))];
	const header = ['mode', 'compared with', 'limit'];
	for (const top of topologies) header.push(`${TOPOLOGY_NAMES[top]}: makespan`, '× limit', '× ideal');
	const rows = modes.map((mode) => {
		const any = topologies.map((top) => b.topologies[top].modes[mode]).find(Boolean);
		const row = [any.label, any.limit.name, c.seconds(any.limitMs, 2)];
		for (const top of topologies) {
			const r = b.topologies[top].modes[mode];
			row.push(r ? (r.makespanMs === undefined ? 'did not finish' : c.seconds(r.makespanMs, 2)) : '–', r ? ratioText(r.ratio) : '–', r ? ratioText(r.idealRatio) : '–');
		}
		return row;
	});
	out.push(tableOf(header, rows));
	for (const top of topologies) {
		const run = b.topologies[top];
		const loopK = run.modes.loopK?.makespanMs;
		const loop1 = (run.modes.loop1 ?? b.topologies.single?.modes.loop1)?.makespanMs;
		out.push('');
		out.push(`${run.label}${run.clusterStartup ? ` (cluster up in ${c.seconds(run.clusterStartup.totalMs)})` : ''}:`);
		const detail = Object.values(run.modes).map((r) => [
			r.label,
			r.makespanMs === undefined ? '–' : c.seconds(r.makespanMs, 2),
			r.overheadPerWaveMs === undefined ? '–' : `${r.overheadPerWaveMs >= 0 ? '+' : ''}${r.overheadPerWaveMs} ms`,
			loopK && r.makespanMs ? `${(loopK / r.makespanMs).toFixed(2)}×` : '–',
			loop1 && r.makespanMs ? `${(loop1 / r.makespanMs).toFixed(2)}×` : '–',
			`${r.api.callsPerJobMax} / ${r.api.callsPerJobMean}`,
			r.api.refusedSubmits,
			r.api.onePerJob ? 'yes' : 'NO',
			`${r.timeline.refillGapMeanMs ?? '–'} / ${r.timeline.refillGapMaxMs ?? '–'}`,
			r.timeline.tailMs ?? '–',
			c.loadText(r.load.after).split(' ')[0],
			r.ok ? 'ok' : `FAILED: ${r.check}`,
		]);
		out.push(tableOf(['mode', 'makespan', 'per wave vs limit', 'speed-up vs K loop', 'vs 1-at-a-time', 'calls/job max/mean', 'refused', '1 submit/job', 'refill gap ms mean/max', 'tail ms', 'load', 'result'], detail));
		const probe = run.modes.callback?.resumeProbe;
		if (probe) out.push(`one callback in n8n (sequential, on a paused execution): healthz ${probe.healthz.medianMs} ms, wrong token ${probe.wrongToken.medianMs} ms, running job (token + confirming fetch) ${probe.runningCallback.medianMs} ms`);
	}
	return out;
}

function heldTable(h) {
	const out = [''];
	out.push(`3b. Wait for Callback: worker time before the pause (K=${h.k}, T=${(h.tMs / 1000).toFixed(1)} s${h.spread ? `, spread, seed ${h.seed}` : ''}; from n8n's run data at the pause)`);
	const rows = [];
	for (const [top, run] of Object.entries(h.topologies)) {
		for (const r of run.rows) {
			const x = r.held ?? {};
			rows.push([
				TOPOLOGY_NAMES[top],
				r.n,
				r.waves,
				r.makespanMs === undefined ? 'did not finish' : c.seconds(r.makespanMs, 2),
				ratioText(r.makespanMs === undefined ? undefined : r.makespanMs / r.idealMs),
				x.paused ? c.seconds(x.executeHeldMs, 2) : '–',
				x.paused && x.startToPauseMs !== undefined ? c.seconds(x.startToPauseMs, 2) : '–',
				x.paused ? `${x.jobsAtPause}/${x.of}` : x.note ?? '–',
				x.paused && x.lastSubmitToPauseMs !== undefined ? `${x.lastSubmitToPauseMs} ms` : '–',
				`${c.seconds(r.lastStartIdealMs, 1)} / ${c.seconds(r.lastStartPollMs, 1)}`,
				x.afterResumeMs !== undefined ? `${x.afterResumeMs} ms` : '–',
				r.ok ? 'ok' : `FAILED: ${r.check}`,
			]);
		}
	}
	out.push(tableOf(['topology', 'N', 'waves', 'makespan', '× ideal', 'execute() held', 'start → pause', 'jobs at TTAPI at pause', 'last submit → pause', 'last item can start: ideal / polled', 'resume → end', 'result'], rows));
	return out;
}

function table(results) {
	const out = [];
	const m = results.machine;
	out.push('');
	const p = results.package;
	const built = p?.distBuiltAt ? `, dist/ built ${p.distBuiltAt.replace(/\.\d+Z$/, 'Z')}` : '';
	const g = p?.git ? `, package ${p.source === c.repoRoot ? 'this checkout' : p.source} at ${p.git.branch ?? ''} ${p.git.commit}${p.git.nodeSourcesChanged ? ' + uncommitted node changes' : ''}${built}` : '';
	out.push(`n8n-nodes-ttapi-sora benchmark: n8n ${results.n8n}${g}, ${m.cpu}, ${m.cores} cores, ${m.memGiB} GiB, ${m.node}`);
	out.push(`started ${results.startedAt}; load average at start ${c.loadText(results.loadAtStart)}, at end ${c.loadText(results.loadAtEnd)}; took ${results.durationS} s`);
	if (results.sections.batch) out.push(...batchTables(results.sections.batch));
	if (results.sections.held) out.push(...heldTable(results.sections.held));
	const mem = results.sections.memory;
	if (mem) {
		out.push('');
		out.push(`4. Memory: ${mem.videos} videos × ${mem.videoMb} MB downloaded into binary data (Poll, Download Video on), RSS of n8n + task runners`);
		const rows = Object.values(mem.modes).map((r) => [r.mode, c.mib(r.idleRssKiB), c.mib(r.peakRssKiB), c.mib(r.growthKiB), c.mib(r.mainGrowthKiB), `${(r.binaryBytesWritten / 2 ** 20).toFixed(0)} MB`, c.seconds(r.runMs), c.loadText(r.load.after).split(' ')[0], r.ok ? 'ok' : `FAILED (${r.check})`]);
		out.push(tableOf(['binary mode', 'idle RSS', 'peak RSS', 'growth', 'growth (main)', 'on disk', 'run', 'load', 'result'], rows));
	}
	const tp = results.sections.trigger;
	if (tp) {
		out.push('');
		out.push(`5. Sora Trigger throughput: ${tp.perLevel} signed callbacks per level on loopback, concurrency 1…${tp.maxConcurrency}`);
		const rows = [];
		for (const { key, name } of tp.variants) {
			for (const l of tp[key].levels) rows.push([name, l.concurrency, `${l.accepted}/${l.callbacks}`, l.acceptedPerS, l.processedPerS, l.answerP50Ms, l.answerP95Ms, l.lost, c.loadText(l.load.after).split(' ')[0]]);
		}
		out.push(tableOf(['receiver', 'concurrency', 'accepted', 'accepted/s', 'executions/s', 'answer p50 ms', 'p95 ms', 'lost', 'load'], rows));
		out.push(`best accepted/s: ${tp.variants.map(({ key, name }) => `${name} ${tp[key].bestAcceptedPerS}/s at c=${tp[key].bestAt} (stopped: ${tp[key].stoppedBecause})`).join('; ')}`);
	}
	const o = results.sections.overhead;
	if (o) {
		out.push('');
		out.push(`6. Node overhead (in-process, ${o.items} items, Don't Wait, zero render time): our code ${o.ownPerItemMs.toFixed(2)} ms/item outside the HTTP round trip (${o.sendPerItemMs.toFixed(2)} ms/item); 5 in flight: ${o.k5WallPerItemMs.toFixed(2)} ms/item wall. normalise ${o.micro.normaliseJobResultUs.toFixed(2)} µs, build request ${o.micro.buildGenerationRequestUs.toFixed(2)} µs per call. load ${c.loadText(o.load.after)}`);
	}
	out.push('');
	out.push(results.options?.quick ? 'Targets (--quick: a smoke run with tiny N and T; timing targets only mean something in a full run):' : 'Targets:');
	for (const t of results.targets) out.push(`  ${t.pass ? 'PASS' : 'MISS'}  ${t.what}: ${t.measured}`);
	out.push('');
	return out.join('\n');
}

module.exports = { DEFINITIONS, CORRECTNESS, targets, table };
