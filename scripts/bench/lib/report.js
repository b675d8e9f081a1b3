'use strict';
// The printed table and the target verdicts (also stored in the JSON).

const c = require('./common');

const MODES_OURS = new Set(['poll', 'callback', 'trigger']);

const DEFINITIONS = {
	makespan:
		'from the start request (POST to the batch workflow) to the last result available: the execution finished (n8n stoppedAt) for Poll, Wait for Callback and the stock loops; for Don\'t Wait + Sora Trigger, the last trigger execution finished',
	T: 'simulated time of one job = simulator queueMs + renderMs',
	K: 'simulator queueLimit (TTAPI max_queue) = Max Jobs in Flight',
	ideal: 'ceil(N/K) * T: the physical limit under the queue limit',
	callsPerJob: '1 submission + the status requests (/sora/fetch) the simulator counted for that job; refused submissions (queue full) are counted separately',
	refillGap: 'from a job ending to the next job taking its queue place (0 for a perfect scheduler)',
	rssGrowth: 'peak VmRSS of the n8n process + its descendants (sampled every 100 ms) minus its idle median before the run',
	triggerThroughput: 'signed callbacks answered 200 per second at a concurrency level; a level counts only if every accepted callback has a successful execution',
	nodeOverhead: "the node's execution time minus the time inside the TTAPI client's send(), per item, Max Jobs in Flight 1, in-process (n8n-core), zero render time",
};

/** Target ids that mean the run itself is wrong (not just slow): these fail `npm run bench`. */
const CORRECTNESS = /^(ok\.|3\.submissions|5\.lost|4\.ok)/;

function targets(results) {
	const list = [];
	const add = (id, what, pass, measured) => list.push({ id, what, pass, measured });
	const b = results.sections.batch;
	if (b) {
		const pollLimit = Math.ceil(b.tMs / (b.pollSeconds * 1000)) + 2;
		for (const mode of ['poll', 'callback', 'trigger']) {
			const m = b.modes[mode];
			if (!m) continue;
			add(`1.${mode}`, `${m.label}: makespan / ideal ≤ 1.10`, m.ratio <= 1.1, `×${m.ratio}`);
		}
		if (b.modes.poll) add('3.poll', `Poll: API calls per job ≤ ceil(T/interval)+2 = ${pollLimit}`, b.modes.poll.api.callsPerJobMax <= pollLimit, `max ${b.modes.poll.api.callsPerJobMax}, mean ${b.modes.poll.api.callsPerJobMean}`);
		if (b.modes.callback) add('3.callback', 'Wait for Callback: API calls per job ≤ 2', b.modes.callback.api.callsPerJobMax <= 2, `max ${b.modes.callback.api.callsPerJobMax}, mean ${b.modes.callback.api.callsPerJobMean} (status requests max ${b.modes.callback.api.fetchesPerJobMax})`);
		const ours = ['poll', 'callback', 'trigger'].filter((m) => b.modes[m]);
		if (ours.length) add('3.submissions', 'exactly one submission per job in every mode', ours.every((m) => b.modes[m].api.onePerJob), ours.map((m) => `${m} ${b.modes[m].api.jobs}/${b.n}`).join(', '));
		for (const [set, modes] of [['', b.modes], ['spread ', b.spread?.modes ?? {}]]) {
			for (const mode of Object.keys(modes)) {
				if (!modes[mode].ok) add(`ok.${set}${mode}`, `${set}${modes[mode].label}: the batch completed correctly`, false, modes[mode].check);
				if (MODES_OURS.has(mode) && !modes[mode].api.onePerJob) add(`3.submissions.${set}${mode}`, `${set}${modes[mode].label}: one submission per job`, false, JSON.stringify(modes[mode].api.resubmitted));
			}
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

function table(results) {
	const out = [];
	const m = results.machine;
	out.push('');
	const g = results.git ? `, package at ${results.git.commit}${results.git.nodeSourcesChanged ? ' + uncommitted node changes' : ''}` : '';
	out.push(`n8n-nodes-ttapi-sora benchmark: n8n ${results.n8n}${g}, ${m.cpu}, ${m.cores} cores, ${m.memGiB} GiB, ${m.node}`);
	out.push(`load average at start ${c.loadText(results.loadAtStart)}, at end ${c.loadText(results.loadAtEnd)}; took ${results.durationS} s`);
	const b = results.sections.batch;
	if (b) {
		out.push('');
		out.push(`1-3. Batch: N=${b.n}, K=${b.k}, T=${(b.tMs / 1000).toFixed(1)} s (queue ${b.sim.queueMs} + render ${b.sim.renderMs} ms), poll interval / stock Wait ${b.pollSeconds} s; ideal ⌈N/K⌉·T = ${c.seconds(Math.ceil(b.n / b.k) * b.tMs)}; one after another N·T = ${c.seconds(b.n * b.tMs)}`);
		const loopK = b.modes.loopK?.makespanMs;
		const loop1 = b.modes.loop1?.makespanMs;
		const rows = Object.values(b.modes).map((r) => [
			r.label,
			c.seconds(r.makespanMs, 2),
			`×${r.ratio.toFixed(2)}`,
			`+${r.overheadPerWaveMs} ms`,
			loopK ? `${(loopK / r.makespanMs).toFixed(2)}×` : '–',
			loop1 ? `${(loop1 / r.makespanMs).toFixed(2)}×` : '–',
			`${r.api.callsPerJobMax} / ${r.api.callsPerJobMean}`,
			r.api.refusedSubmits,
			r.api.onePerJob ? 'yes' : 'NO',
			r.timeline.refillGapMeanMs ?? '–',
			r.timeline.tailMs ?? '–',
			c.loadText(r.load.after).split(' ')[0],
			r.ok ? 'ok' : 'FAILED',
		]);
		out.push(tableOf(['mode', 'makespan', 'vs ideal', 'per wave', 'speed-up vs K loop', 'vs 1-at-a-time', 'calls/job max/mean', 'refused', '1 submit/job', 'refill gap ms', 'tail ms', 'load', 'result'], rows));
		const sp = b.spread;
		if (sp) {
			out.push('');
			out.push(`1-2b. Render times spread: T from ${c.seconds(sp.minTMs)} to ${c.seconds(sp.maxTMs)} (mean ${c.seconds(sp.meanTMs)}); ideal = perfect in-order scheduler = ${c.seconds(sp.idealMs, 2)}`);
			const spK = sp.modes.loopK?.makespanMs;
			out.push(
				tableOf(
					['mode', 'makespan', 'vs ideal', 'speed-up vs K loop', 'calls/job max/mean', '1 submit/job', 'load', 'result'],
					Object.values(sp.modes).map((r) => [r.label, c.seconds(r.makespanMs, 2), `×${r.ratio.toFixed(2)}`, spK ? `${(spK / r.makespanMs).toFixed(2)}×` : '–', `${r.api.callsPerJobMax} / ${r.api.callsPerJobMean}`, r.api.onePerJob ? 'yes' : 'NO', c.loadText(r.load.after).split(' ')[0], r.ok ? 'ok' : 'FAILED']),
				),
			);
		}
	}
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
