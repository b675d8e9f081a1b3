#!/usr/bin/env node
'use strict';
// Real-n8n smoke test: installs the built package into n8n 1.x and/or 2.x, runs
// Manual Trigger → Sora Generate (poll + download) against the local TTAPI simulator, and checks
// the run, the simulator's counters, the public API's view of the execution and that the API key
// appears nowhere n8n wrote (CLI output, logs, database, binary data).
//
//   node scripts/n8n/smoke.js [--n8n 1|2|both]     (default both; non-zero exit on any failure)
//   KEEP_N8N=1 keeps the n8n user folders for inspection.

const fs = require('node:fs');
const path = require('node:path');
const rt = require('./runtime');
const { binaryFileSize, filesContaining } = require('./files');
const { startSimulator } = require('../../test/simulator');

const SECRET = 'sk-smoke-SECRET-123456';
const PROMPT = 'a paper boat on a pond';
const VIDEO_BYTES = 96 * 1024;
const NODE_NAME = 'Sora Generate';

function workflow(credential) {
	return {
		name: 'TTAPI Sora smoke',
		nodes: [
			{
				id: 'e1f3a0c2-0001-4000-8000-000000000001',
				name: 'Manual Trigger',
				type: 'n8n-nodes-base.manualTrigger',
				typeVersion: 1,
				position: [0, 0],
				parameters: {},
			},
			{
				id: 'e1f3a0c2-0001-4000-8000-000000000002',
				name: NODE_NAME,
				type: `${rt.PACKAGE_NAME}.soraGenerate`,
				typeVersion: 1,
				position: [240, 0],
				parameters: {
					operation: 'generateVideo',
					model: 'sora-2',
					prompt: PROMPT,
					waitMode: 'poll',
					pollIntervalSeconds: 1,
					timeoutMinutes: 2,
					downloadVideo: true,
				},
				credentials: { ttApi: { id: credential.id, name: credential.name } },
			},
		],
		connections: {
			'Manual Trigger': { main: [[{ node: NODE_NAME, type: 'main', index: 0 }]] },
		},
		settings: { executionOrder: 'v1' },
	};
}

/** Every file under dir that contains needle (binary-safe). */
async function smokeLine(line) {
	const t0 = Date.now();
	const failures = [];
	const check = (cond, msg) => {
		if (!cond) failures.push(msg);
		return !!cond;
	};
	let sim;
	let n8n;
	let version = rt.VERSIONS[line];
	try {
		const info = await rt.ensureN8n(line);
		version = info.version;
		sim = await startSimulator({
			port: 0,
			apiKeys: [SECRET],
			queueMs: 300,
			renderMs: 1500,
			videoBytes: VIDEO_BYTES,
		});
		n8n = await rt.createN8nInstance({ line, n8n: info });

		const [cred] = await n8n.importCredentials([
			{
				name: 'TTAPI (simulator)',
				type: 'ttApi',
				data: { apiKey: SECRET, baseUrl: 'custom', customBaseUrl: sim.url },
			},
		]);
		const workflowId = await n8n.importWorkflow(workflow(cred));

		// run it from the CLI while the server runs, so the public API can be checked as well
		await n8n.start();
		await n8n.rest.setupOwner();
		await n8n.rest.createApiKey();
		const res = await n8n.execute(workflowId, { timeoutMs: 180_000 });
		const run = res.run;

		// --- the run
		check(res.ok, `run failed: ${res.error ? res.error.message || JSON.stringify(res.error) : `exit ${res.code}`}`);
		check(run.status === undefined || run.status === 'success', `run status is ${run.status}`);
		const items = rt.nodeOutput(run, NODE_NAME);
		if (check(items.length === 1, `${NODE_NAME} output has ${items.length} items (want 1)`)) {
			const { json, binary } = items[0];
			check(json.status === 'SUCCESS', `json.status is ${JSON.stringify(json.status)}`);
			check(typeof json.jobId === 'string' && json.jobId.length > 0, `no jobId in ${JSON.stringify(json)}`);
			check(typeof json.videoUrl === 'string' && json.videoUrl.startsWith(sim.url), `videoUrl ${json.videoUrl}`);
			const bin = binary && binary.data;
			if (check(bin, 'no binary "data" on the output item')) {
				check(bin.fileName === `${json.jobId}.mp4`, `binary fileName ${bin.fileName} (want ${json.jobId}.mp4)`);
				check(bin.mimeType === 'video/mp4', `binary mimeType ${bin.mimeType}`);
				// the whole file arrived: 1.x keeps it inline (base64), 2.x on disk (id reference)
				let size;
				if (bin.data && bin.data !== 'filesystem' && !bin.id) size = Buffer.from(bin.data, 'base64').length;
				else size = binaryFileSize(n8n.dataDir, bin.id);
				check(size === VIDEO_BYTES, `binary size ${size} (want ${VIDEO_BYTES}; id ${bin.id})`);
			}
		}

		// --- what the simulator saw
		const c = sim.counters();
		check(c.submissions === 1, `simulator counted ${c.submissions} submissions (want 1)`);
		check((c.submissionsByPrompt || {})[PROMPT] === 1, `submissionsByPrompt ${JSON.stringify(c.submissionsByPrompt)}`);
		check(c.fetchCalls >= 1, `fetchCalls ${c.fetchCalls}`);
		check(c.videoDownloads === 1, `videoDownloads ${c.videoDownloads} (want 1)`);
		check((c.requestsWithKey || {})[SECRET] >= 3, `requestsWithKey ${JSON.stringify(Object.keys(c.requestsWithKey || {}).length)} keys, ${(c.requestsWithKey || {})[SECRET]} with the credential's key`);
		check(!c.unauthorized, `simulator answered 401 ${c.unauthorized} times`);

		// --- the public API sees the same execution
		const execs = await n8n.rest.getExecutions({ workflowId });
		if (check(execs.length === 1, `public API lists ${execs.length} executions (want 1)`)) {
			check(execs[0].status === 'success', `public API status ${execs[0].status}`);
			const full = await n8n.rest.getExecution(execs[0].id, true);
			const apiItems = rt.nodeOutput(full, NODE_NAME);
			check(apiItems.length === 1 && apiItems[0].json.jobId === items[0]?.json.jobId, 'public API execution data differs from the CLI run');
			check(!JSON.stringify(full).includes(SECRET), 'API key appears in the execution data from the public API');
		}

		await n8n.stop();

		// --- the API key leaks nowhere: CLI output, server log, DB (+WAL), event log, binary files
		check(!(res.stdout + res.stderr).includes(SECRET), 'API key appears in `n8n execute` output');
		const leaks = filesContaining(n8n.userFolder, SECRET);
		check(leaks.length === 0, `API key found in ${leaks.join(', ')}`);
		check(c.submissions === sim.counters().submissions, 'a submission arrived after the run ended');
	} catch (e) {
		failures.push(e.stack || String(e));
	} finally {
		if (failures.length && n8n) console.error(`\n----- n8n ${version} logs (tail)\n${n8n.tailLogs(40)}\n`);
		if (n8n) await n8n.cleanup().catch((e) => failures.push(`cleanup: ${e.message}`));
		if (sim) await sim.close();
	}
	return { line, version, seconds: (Date.now() - t0) / 1000, failures };
}

async function main() {
	const lines = rt.linesFromArgs(process.argv.slice(2), 'node scripts/n8n/smoke.js');
	const distNode = path.join(__dirname, '..', '..', 'dist', 'nodes', 'SoraGenerate', 'SoraGenerate.node.js');
	if (!fs.existsSync(distNode)) {
		console.error(`${distNode} is missing: run \`npm run build\` first`);
		process.exit(2);
	}
	const results = [];
	for (const line of lines) {
		console.log(`\n=== smoke: n8n line ${line}.x`);
		const r = await smokeLine(line);
		results.push(r);
		console.log(`${r.failures.length ? 'FAIL' : 'PASS'} n8n ${r.version} in ${r.seconds.toFixed(1)} s`);
		for (const f of r.failures) console.log(`  - ${f}`);
	}
	console.log('\n=== smoke summary');
	for (const r of results) {
		const reason = r.failures.length ? ` — ${r.failures[0].split('\n')[0]}${r.failures.length > 1 ? ` (+${r.failures.length - 1} more)` : ''}` : '';
		console.log(`  n8n ${r.version.padEnd(9)} ${r.seconds.toFixed(1).padStart(6)} s  ${r.failures.length ? 'FAIL' : 'PASS'}${reason}`);
	}
	process.exit(results.every((r) => r.failures.length === 0) ? 0 : 1);
}

main().catch((e) => {
	console.error(e.stack || e);
	process.exit(1);
});
