'use strict';
// Section 4: n8n's peak RSS growth over its idle RSS while Sora Generate (Poll Until Done,
// Download Video on) downloads `videos` videos of `videoMb` MB into binary data in one run, in
// both of n8n's binary modes. The same n8n is restarted with N8N_DEFAULT_BINARY_DATA_MODE set.
// RSS = VmRSS of the `n8n start` process plus its descendants (task runners), every 100 ms.
// The workflow does not save successful executions' data (saveDataSuccessExecution: none) in
// either mode, so the figure is the download, not n8n serialising 500 MB of base64 into SQLite;
// the webhook answers when the workflow has finished (responseMode lastNode).

const fs = require('node:fs');
const path = require('node:path');

const c = require('./common');
const { GENERATE } = require('./workflows');

const FLOW_PATH = 'bench-memory';

function memoryWorkflows(wf, credential, { k = 5 } = {}) {
	const flow = wf.soraBatchWorkflow(
		'memory',
		credential,
		{ waitMode: 'poll', pollIntervalSeconds: 1, timeoutMinutes: 30, maxJobsInFlight: k, downloadVideo: true },
		{ saveDataSuccessExecution: 'none', saveDataErrorExecution: 'all' },
	);
	const start = flow.wf.nodes.find((node) => node.name === 'Start');
	start.parameters = { ...start.parameters, path: FLOW_PATH, responseMode: 'lastNode', responseData: 'allEntries', options: {} };
	flow.path = FLOW_PATH;
	return { memory: flow };
}

/** Bytes under n8n's binary data folders (filesystem mode writes the videos there). */
function binaryBytes(dataDir) {
	let total = 0;
	const walk = (dir) => {
		let entries;
		try {
			entries = fs.readdirSync(dir, { withFileTypes: true });
		} catch {
			return;
		}
		for (const entry of entries) {
			const p = path.join(dir, entry.name);
			if (entry.isDirectory()) walk(p);
			else if (entry.isFile()) total += fs.statSync(p).size;
		}
	};
	for (const dir of ['binaryData', 'storage']) walk(path.join(dataDir, dir));
	return total;
}

/** Runs the memory workflow; resolves with its items (the webhook answers at the end). */
async function runFlow(n8n, prompts) {
	const response = await n8n.waitForWebhook(`${n8n.baseUrl}/webhook/${FLOW_PATH}`, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify({ prompts: prompts.map((prompt) => ({ prompt })) }),
		signal: AbortSignal.timeout(600_000),
	});
	const text = await response.text();
	let items;
	try {
		items = JSON.parse(text);
	} catch {
		items = undefined;
	}
	return { status: response.status, items: Array.isArray(items) ? items : items ? [items] : [], text: text.slice(0, 300) };
}

async function measureMode(ctx, mode, { videos, videoMb }) {
	const { n8n, sim, log } = ctx;
	await n8n.stop();
	n8n.env.N8N_DEFAULT_BINARY_DATA_MODE = mode;
	await n8n.start();
	const pid = c.findN8nPid(n8n);

	// warm-up with small videos: loads the node code and n8n's download path
	sim.reset();
	sim.configure({ queueMs: 0, renderMs: 200, videoBytes: 256 * 1024 });
	const warm = await runFlow(n8n, ['memory warm-up 1', 'memory warm-up 2']);
	if (warm.status !== 200) throw new Error(`memory warm-up answered ${warm.status}: ${warm.text}`);
	await c.sleep(3000);
	const idleSampler = c.sampleRss(pid, 100);
	await c.sleep(3000);
	const idle = idleSampler.stop();

	sim.reset();
	sim.configure({ queueMs: 100, renderMs: 1000, videoBytes: Math.round(videoMb * 1024 * 1024) });
	const bytesBefore = binaryBytes(n8n.dataDir);
	let diskPeak = 0;
	const diskTimer = setInterval(() => (diskPeak = Math.max(diskPeak, binaryBytes(n8n.dataDir) - bytesBefore)), 500);
	const sampler = c.sampleRss(pid, 100);
	const { result, load } = await c.withLoad(async () => {
		const t0 = Date.now();
		const run = await runFlow(n8n, Array.from({ length: videos }, (_, i) => `memory ${mode} #${i}`));
		const ms = Date.now() - t0;
		diskPeak = Math.max(diskPeak, binaryBytes(n8n.dataDir) - bytesBefore);
		await c.sleep(2000); // anything n8n does after answering (saving, cleanup) still counts
		return { run, ms };
	});
	clearInterval(diskTimer);
	const busy = sampler.stop();
	const counters = sim.counters();
	const { run, ms } = result;
	const ok = run.status === 200 && run.items.length === videos && run.items.every((item) => item.status === 'SUCCESS') && counters.videoDownloads === videos;
	const out = {
		mode: mode === 'default' ? 'memory' : mode,
		envValue: mode,
		videos,
		videoMb,
		ok,
		check: `HTTP ${run.status}, ${run.items.filter((item) => item.status === 'SUCCESS').length}/${videos} SUCCESS, ${counters.videoDownloads} downloads`,
		runMs: ms,
		idleRssKiB: idle.medianKiB,
		peakRssKiB: busy.peakKiB,
		growthKiB: busy.peakKiB - idle.medianKiB,
		mainGrowthKiB: busy.peakMainKiB - idle.medianMainKiB,
		childrenPeakKiB: busy.peakChildrenKiB,
		samples: busy.count,
		// peak bytes in n8n's binary data folders during the run (n8n deletes them afterwards,
		// as the execution is not saved): shows the videos went to disk in filesystem mode
		binaryBytesWritten: diskPeak,
		load,
	};
	log(`  ${out.mode}: idle ${c.mib(out.idleRssKiB)}, peak ${c.mib(out.peakRssKiB)}, growth ${c.mib(out.growthKiB)} (${out.check}, ${(out.binaryBytesWritten / 2 ** 20).toFixed(0)} MB on disk at peak, ${c.seconds(ms)}), load ${c.loadText(load.after)}`);
	return out;
}

async function runMemory(ctx, { videos, videoMb }) {
	const out = { videos, videoMb, modes: {} };
	for (const mode of ['filesystem', 'default']) {
		out.modes[mode === 'default' ? 'memory' : mode] = await measureMode(ctx, mode, { videos, videoMb });
	}
	return out;
}

module.exports = { memoryWorkflows, runMemory, GENERATE };
