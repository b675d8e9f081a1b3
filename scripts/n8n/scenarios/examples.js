#!/usr/bin/env node
'use strict';
// Every example workflow in examples/ runs in real n8n (1.x and/or 2.x) against the TTAPI
// simulator, exactly as shipped except for the output folder and a 1-second poll interval, so the
// examples never rot.
//
//   node scripts/n8n/scenarios/examples.js [--n8n 1|2|both]   (needs `npm run build` first)
//   require('./scenarios/examples').run({ line: '2', log }) → { rows: [{ scenario, pass, detail }] }
//
// One n8n instance per line, the credentials the examples reference ("TTAPI account" → the
// simulator, "OpenAI account" → scripts/demo/fake-openai.js), all examples imported with the CLI:
//   1  single video: n8n execute → one SUCCESS item, <jobId>.mp4 on disk
//   2  batch: the sheet plus one row TTAPI fails → one MP4 per good row, a results.csv row for
//      every row (the failed one with its reason), never more than Max Jobs in Flight (3) at TTAPI
//   4  agent: the AI Agent calls the Sora Generate tool once and answers with the video URL
//   3  fire-and-forget: 3b (Sora Trigger) active on a running n8n; 3a submits with the trigger's
//      path as callback → one 3b execution per job, each MP4 saved; every callback then sent
//      again twice at once → nothing saved twice (duplicates stop at the trigger)
//   5  prompts in a Data Table (05a + 05b, see ../dataTableExample.js): the table made through the
//      REST API, 05b active, 05a run as the editor's "Execute workflow" → every row updated by its
//      row ID (two rows share a prompt, one job fails, one prompt is refused at submit, one row was
//      done before), each job saved once; every callback sent again twice → the table unchanged.
//      n8n 1.x runs with DB_SQLITE_POOL_SIZE=2, as the example's note asks (lib.n8nEnv says why)
// SORA_EXAMPLES=2,3 runs only those (for working on one example).

const fs = require('node:fs');
const fsp = require('node:fs/promises');
const os = require('node:os');
const path = require('node:path');

const rt = require('../runtime');
const { listExecutions, readExecution, nodeItems, executionError } = require('../executions');
const { startSimulator } = require('../../../test/simulator');
const lib = require('../../demo/lib');
const { startFakeOpenAi } = require('../../demo/fake-openai');
const dataTableExample = require('../dataTableExample');

const VIDEO_BYTES = 64 * 1024;
const FAIL_PROMPT = '[sim:fail=prompt violation] a row that TTAPI refuses';
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Minimal RFC 4180 CSV parser (quoted fields, doubled quotes, CRLF), BOM stripped. */
function parseCsv(text) {
	const rows = [];
	let row = [];
	let field = '';
	let quoted = false;
	text = text.replace(/^\uFEFF/, '');
	for (let i = 0; i < text.length; i++) {
		const c = text[i];
		if (quoted) {
			if (c === '"' && text[i + 1] === '"') {
				field += '"';
				i++;
			} else if (c === '"') quoted = false;
			else field += c;
		} else if (c === '"') quoted = true;
		else if (c === ',') {
			row.push(field);
			field = '';
		} else if (c === '\n' || c === '\r') {
			if (c === '\r' && text[i + 1] === '\n') i++;
			row.push(field);
			rows.push(row);
			row = [];
			field = '';
		} else field += c;
	}
	if (field || row.length) {
		row.push(field);
		rows.push(row);
	}
	const [header, ...body] = rows.filter((r) => r.length > 1 || r[0]);
	return body.map((r) => Object.fromEntries(header.map((h, i) => [h, r[i] ?? ''])));
}

/** How an `n8n execute` went, for the report: ok, or the exit code and n8n's last words. */
const runText = (res) =>
	res.ok
		? 'ok'
		: `failed (exit ${res.code}${res.signal ? ` ${res.signal}` : ''}): ${res.error?.message ?? (res.stderr || res.stdout).trim().split('\n').slice(-3).join(' / ')}`;

const fileSize = (file) => (file && fs.existsSync(file) ? fs.statSync(file).size : 0);

async function runLine(line, log) {
	const rows = [];
	const add = (scenario, pass, detail) => {
		rows.push({ scenario, pass: !!pass, detail });
		log(`  ${pass ? 'PASS' : 'FAIL'} ${scenario}: ${detail}`);
	};
	const only = (process.env.SORA_EXAMPLES || '1,2,3,4,5').split(',').map((x) => x.trim());
	const scenario = async (name, body) => {
		if (!only.includes(name.split(' ')[0])) return;
		try {
			await body();
		} catch (error) {
			add(name, false, `threw: ${(error.stack || error.message).split('\n').slice(0, 4).join(' | ')}`);
		}
	};

	let sim;
	let llm;
	let n8n;
	let tmp;
	try {
		const info = await rt.ensureN8n(line);
		tmp = await fsp.mkdtemp(path.join(os.tmpdir(), `sora-examples-${line}-`));
		const folder = lib.realFolder(path.join(tmp, 'videos'));
		sim = await startSimulator({ port: 0, apiKeys: [lib.SIM_API_KEY], queueMs: 100, renderMs: 1200, videoBytes: VIDEO_BYTES, queueLimit: 5 });
		llm = await startFakeOpenAi({ port: 0 });
		n8n = await rt.createN8nInstance({ line, n8n: info, env: lib.n8nEnv(folder, line), log: (m) => log(`  [n8n ${info.version}] ${m}`) });

		const secret = lib.randomSecret();
		await n8n.importCredentials([lib.ttapiCredential({ simUrl: sim.url, callbackSecret: secret }), lib.openAiCredential(`${llm.url}/v1`)]);
		const load = (key) => lib.loadExample(key, { folder, pollSeconds: 1 });

		const batch = load('batch');
		const sheet = batch.nodes.find((node) => node.name === 'Prompt sheet');
		const table = JSON.parse(sheet.parameters.jsonOutput);
		const goodPrompts = table.rows.map((row) => row.prompt);
		table.rows.splice(2, 0, { prompt: FAIL_PROMPT });
		sheet.parameters.jsonOutput = JSON.stringify(table);

		const ids = {};
		ids.single = await n8n.importWorkflow(load('single'));
		ids.batch = await n8n.importWorkflow(batch);
		ids.agent = await n8n.importWorkflow(load('agent'));
		ids.submit = await n8n.importWorkflow(load('submit'));
		ids.save = await n8n.importWorkflow(load('save'));
		ids.tableSubmit = await n8n.importWorkflow(load('tableSubmit'));
		ids.tableResults = await n8n.importWorkflow(load('tableResults'));
		await n8n.activateWorkflow(ids.save);
		await n8n.activateWorkflow(ids.tableResults);
		const jobsFor = (prompt) => sim.listJobs().filter((job) => job.prompt === prompt);

		await scenario('1 single video', async () => {
			const res = await n8n.execute(ids.single, { timeoutMs: 180_000 });
			const [item] = rt.nodeOutput(res.run, 'Sora Generate');
			const [saved] = rt.nodeOutput(res.run, 'Save MP4');
			const file = path.join(folder, `${item?.json.jobId}.mp4`);
			const ok =
				res.ok &&
				item?.json.status === 'SUCCESS' &&
				item.json.waitMode === 'poll' &&
				saved?.json.fileName === file &&
				fileSize(file) === VIDEO_BYTES;
			add('1 single video', ok, `run ${runText(res)}; ${item?.json.status} via ${item?.json.waitMode}; ${path.basename(file)} ${fileSize(file)} bytes`);
		});

		await scenario('2 batch from a sheet', async () => {
			const peakBefore = sim.counters().inFlightPeak;
			const res = await n8n.execute(ids.batch, { timeoutMs: 240_000 });
			const results = rt.nodeOutput(res.run, 'Results row').map((item) => item.json);
			const expected = table.rows.map((row) => row.prompt);
			const good = results.filter((r) => r.prompt !== FAIL_PROMPT);
			const bad = results.find((r) => r.prompt === FAIL_PROMPT);
			const csvFile = path.join(folder, 'results.csv');
			const csv = fs.existsSync(csvFile) ? parseCsv(fs.readFileSync(csvFile, 'utf8')) : [];
			const filesOk = good.every((r) => r.status === 'SUCCESS' && r.file === path.join(folder, `${r.jobId}.mp4`) && fileSize(r.file) === VIDEO_BYTES);
			const csvOk =
				csv.length === expected.length &&
				csv.every((r, i) => r.prompt === expected[i] && r.jobId === results[i].jobId && r.status === results[i].status && r.file === results[i].file) &&
				Object.keys(csv[0] ?? {}).join(',') === 'prompt,jobId,status,file,videoUrl,error';
			const onceEach = goodPrompts.every((prompt) => jobsFor(prompt).length === 1);
			const peak = sim.counters().inFlightPeak;
			const ok =
				res.ok &&
				results.length === expected.length &&
				results.every((r, i) => r.prompt === expected[i]) &&
				filesOk &&
				bad?.status === 'FAILED' &&
				/prompt violation/.test(bad.error) &&
				bad.file === '' &&
				!!bad.jobId &&
				csvOk &&
				onceEach &&
				Math.max(peak, peakBefore) <= 3;
			add(
				'2 batch from a sheet',
				ok,
				`run ${runText(res)}; ${good.filter((r) => fileSize(r.file) === VIDEO_BYTES).length}/${good.length} MP4s saved; ` +
					`failed row → ${bad?.status} "${bad?.error}" (job ${bad?.jobId ? 'kept' : 'missing'}); results.csv ${csv.length} rows ${csvOk ? 'match' : 'DIFFER'}; ` +
					`one submission per prompt: ${onceEach}; simulator peak in flight ${Math.max(peak, peakBefore)} (max 3)`,
			);
		});

		await scenario('4 AI Agent with the Sora tool', async () => {
			const before = llm.requests.length;
			const res = await n8n.execute(ids.agent, { timeoutMs: 240_000 });
			const [answer] = rt.nodeOutput(res.run, 'AI Agent');
			const calls = llm.requests.slice(before);
			const toolCall = calls.find((c) => c.answer.toolCall)?.answer.toolCall;
			const toolNames = (calls[0]?.body.tools ?? []).map((t) => t.function?.name);
			const prompt = toolCall ? JSON.parse(toolCall.arguments).prompt : undefined;
			const jobs = prompt ? jobsFor(prompt) : [];
			const ok =
				res.ok &&
				!!toolCall &&
				jobs.length === 1 &&
				jobs[0].status === 'SUCCESS' &&
				typeof answer?.json.output === 'string' &&
				answer.json.output.includes(jobs[0].videoUrl);
			add(
				'4 AI Agent with the Sora tool',
				ok,
				`run ${runText(res)}; tools offered ${JSON.stringify(toolNames)}; ${calls.length} model calls; ` +
					`tool submitted ${jobs.length} job(s) (${jobs[0]?.status}); answer: ${JSON.stringify(answer?.json.output ?? null)?.slice(0, 120)}`,
			);
		});

		await scenario('3 fire-and-forget (schedule submits, Sora Trigger saves)', async () => {
			await n8n.start();
			const hook = `${n8n.baseUrl}/webhook/ttapi-sora`;
			const probe = await n8n.waitForWebhook(hook, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' }, { timeoutMs: 30_000 });
			await probe.arrayBuffer();
			if (probe.status === 404) throw new Error(`${hook} never registered (404): is example 3b active?`);
			// Callbacks wait until `n8n execute` has exited: once (1 run in ~6) the CLI exited non-zero
			// after a successful run while the server was saving trigger executions into the same
			// SQLite file. Production never runs the CLI beside the server.
			sim.configure({ callbackDelayMs: 10_000 });
			const res = await n8n.execute(ids.submit, { timeoutMs: 180_000 });
			const submitted = rt.nodeOutput(res.run, "Sora Generate (don't wait)").map((item) => item.json);
			const jobIds = submitted.map((s) => s.jobId);
			const hooksOk = jobIds.length > 0 && jobIds.every((id) => /\/webhook\/ttapi-sora\?ttapiToken=/.test(sim.getJob(id)?.hookUrl ?? ''));
			// One 3b execution per job, each saving its MP4.
			const deadline = Date.now() + 90_000;
			let done = [];
			while (Date.now() < deadline) {
				done = (await listExecutions(n8n, ids.save)).filter((row) => !['new', 'running', 'waiting'].includes(row.status));
				if (done.length >= jobIds.length) break;
				await sleep(500);
			}
			// TTAPI sending every callback again, twice at the same moment: nothing is saved twice.
			const replays = (await Promise.all(jobIds.flatMap((id) => [sim.sendCallback(id), sim.sendCallback(id)]))).flat();
			await sleep(10_000); // the trigger's duplicate check takes a few seconds
			const all = await listExecutions(n8n, ids.save);
			const saved = [];
			const errors = [];
			let stopped = 0;
			for (const row of all) {
				const execution = await readExecution(n8n, row.id);
				const [item] = nodeItems(execution, 'Save MP4');
				if (row.status === 'success' && item) saved.push(item.json.jobId);
				if (row.status === 'success' && nodeItems(execution, 'Sora Trigger').length === 0) stopped++;
				const failure = executionError(execution);
				if (failure) errors.push(`${failure.node?.name ?? '?'}: ${failure.message}`);
			}
			const filesOk = jobIds.every((id) => fileSize(path.join(folder, `${id}.mp4`)) === VIDEO_BYTES);
			const ok =
				res.ok &&
				submitted.length === 3 &&
				submitted.every((s) => s.status === 'SUBMITTED' && s.waitMode === 'none') &&
				hooksOk &&
				replays.every((status) => status === 200) &&
				all.length === jobIds.length + stopped &&
				all.every((row) => row.status === 'success') &&
				jobIds.every((id) => saved.filter((s) => s === id).length === 1) &&
				filesOk;
			add(
				'3 fire-and-forget (schedule submits, Sora Trigger saves)',
				ok,
				`submit run ${runText(res)} in ${(res.ms / 1000).toFixed(0)} s: ${submitted.map((s) => s.status).join('/')}; ` +
					`hookUrl → /webhook/ttapi-sora with token: ${hooksOk}; every callback sent again twice at once → ${JSON.stringify(replays)}; trigger executions ${all.length} (${all.map((r) => r.status).join('/')}) for ${jobIds.length} jobs, ${stopped} of them duplicates stopped at the trigger; saved per job ${JSON.stringify(jobIds.map((id) => saved.filter((s) => s === id).length))}; MP4s on disk: ${filesOk}${errors.length ? `; errors: ${errors.join('; ')}` : ''}`,
			);
		});

		await scenario('5 prompts in a Data Table (Sora Trigger writes each row)', async () => {
			await n8n.start();
			await n8n.rest.setupOwner();
			const results = load('tableResults');
			const { path: triggerPath } = results.nodes.find((node) => node.name === dataTableExample.RESULT_NODES.trigger).parameters;
			const probe = await n8n.waitForWebhook(`${n8n.baseUrl}/webhook/${triggerPath}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' }, { timeoutMs: 30_000 });
			await probe.arrayBuffer();
			if (probe.status === 404) throw new Error(`/webhook/${triggerPath} never registered (404): is example 5b active?`);
			// Callbacks at once (scenario 3 delays them); 2 jobs at a time, so results of the first
			// jobs come in while the submit run still waits to send the rest.
			const before = sim.config();
			sim.configure({ callbackDelayMs: 0, queueLimit: 2 });
			try {
				const verdict = await dataTableExample.runRoundTrip({
					line,
					rest: n8n.rest,
					sim,
					io: { executions: (id) => listExecutions(n8n, id), readExecution: (id) => readExecution(n8n, id) },
					submitId: ids.tableSubmit,
					resultsId: ids.tableResults,
					submitWorkflow: load('tableSubmit'),
					path: triggerPath,
					log: (m) => log(`  ${m}`),
				});
				add('5 prompts in a Data Table (Sora Trigger writes each row)', verdict.pass, `${verdict.observed}${verdict.failures.length ? ` · FAILED: ${verdict.failures.join('; ')}` : ''}`);
				for (const detail of verdict.details) log(`      ${detail}`);
			} finally {
				sim.configure({ callbackDelayMs: before.callbackDelayMs, queueLimit: before.queueLimit });
			}
		});

		const leaks = [secret].filter((s) => n8n.allLogs().includes(s));
		add('no secret in n8n logs', leaks.length === 0, leaks.length ? 'Callback Secret found in the logs' : 'Callback Secret absent');
		if (rows.some((row) => !row.pass)) log(n8n.tailLogs(40));
	} catch (error) {
		add('setup/run', false, (error.stack || String(error)).split('\n').slice(0, 6).join(' | '));
		if (n8n) log(n8n.tailLogs(40));
	} finally {
		if (n8n) await n8n.cleanup().catch((error) => add('cleanup', false, error.message));
		if (sim) await sim.close().catch(() => undefined);
		if (llm) await llm.close().catch(() => undefined);
		if (tmp) await fsp.rm(tmp, { recursive: true, force: true }).catch(() => undefined);
	}
	return { rows };
}

async function run({ line = '2', log = (message) => process.stderr.write(`${message}\n`) } = {}) {
	log(`n8n ${rt.VERSIONS[line]}: example workflows (examples/*.json)`);
	return await runLine(String(line), log);
}

async function main() {
	lib.scrubNpmEnv(); // see lib.js: keeps `npm run` settings out of the n8n install
	const lines = rt.linesFromArgs(process.argv.slice(2), 'node scripts/n8n/scenarios/examples.js');
	const all = [];
	for (const line of lines) {
		const { rows } = await run({ line, log: (m) => console.log(m) });
		for (const row of rows) all.push({ line, ...row });
	}
	console.log('\n=== example workflows summary');
	console.log('| n8n | example | result | detail |\n|---|---|---|---|');
	for (const r of all) console.log(`| ${r.line}.x | ${r.scenario} | ${r.pass ? 'PASS' : 'FAIL'} | ${r.detail.replace(/\|/g, '/')} |`);
	process.exit(all.length && all.every((r) => r.pass) ? 0 : 1);
}

if (require.main === module) {
	main().catch((error) => {
		console.error(error.stack || error);
		process.exit(1);
	});
}

module.exports = { run, parseCsv };
