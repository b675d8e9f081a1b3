#!/usr/bin/env node
'use strict';
// `npm run editor`: the demo's setup, left running so you can play with it in n8n's editor.
//
// n8n (2.41.1 by default, `--n8n 1` for 1.123.81) at http://localhost:5678 with this package,
// a "TTAPI account" credential pointing at the local TTAPI simulator, every example workflow
// imported (the Sora Triggers of examples 3b and 5b active), the data table "Sora prompts" of
// example 5 with a few prompts, an "OpenAI account" credential pointing at a scripted stand-in for
// OpenAI so the AI Agent example runs offline, and a printed login.
// Ctrl-C stops everything it started. Videos go to demo-output/editor/ (ignored by git).

const net = require('node:net');
const path = require('node:path');

const lib = require('./lib');
const rt = require('../n8n/runtime');
const { startSimulator } = require('../../test/simulator');
const { startFakeOpenAi } = require('./fake-openai');
const dataTableExample = require('../n8n/dataTableExample');

const HELP = `Usage: npm run editor [-- options]

Starts n8n's editor with this package, a credential, every example workflow, the TTAPI
simulator and a scripted stand-in for OpenAI (for the AI Agent example). Ctrl-C stops it all.
  --n8n 1|2          n8n line: 2 = n8n 2.41.1 (default), 1 = n8n 1.123.81
  --port N           n8n's port (default 5678)
  --sim-port N       the TTAPI simulator's port (default 8787, or any free one if taken)
  --render-seconds N how long the simulator takes per video (default 3)
  --no-build         skip \`npm run build\`

With TTAPI_API_KEY set, the "TTAPI account" credential uses the real TTAPI (https://api.ttapi.io):
every video you generate then costs quota.`;

const OWNER = { email: 'demo@example.com', firstName: 'Sora', lastName: 'Demo', password: 'SoraDemo-2026' };

const say = (line = '') => process.stdout.write(`${line}\n`);

function portFree(port) {
	return new Promise((resolve) => {
		const s = net.createServer();
		s.once('error', () => resolve(false));
		s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
	});
}

async function main() {
	let args;
	lib.scrubNpmEnv(); // see lib.js: keeps `npm run` settings out of the n8n install
	try {
		args = lib.parseArgs(process.argv.slice(2), {
			n8n: { default: '2', choices: ['1', '2'] },
			port: { type: 'number', default: 5678 },
			'sim-port': { type: 'number', default: 8787 },
			'render-seconds': { type: 'number', default: 3 },
			'no-build': { type: 'boolean', default: false },
		});
	} catch (e) {
		console.error(`editor: ${e.message}`);
		process.exit(2);
	}
	if (args.help) return say(HELP);

	const state = {};
	const shutdown = async () => {
		const { n8n, sim, llm } = state;
		Object.keys(state).forEach((k) => delete state[k]);
		if (n8n) {
			await n8n.stop().catch(() => undefined);
			await n8n.cleanup().catch(() => undefined);
		}
		if (sim) await sim.close().catch(() => undefined);
		if (llm) await llm.close().catch(() => undefined);
		say('Stopped n8n, the simulator and the stand-in LLM.');
	};
	lib.onInterrupt(shutdown);

	const line = args.n8n;
	const apiKey = (process.env.TTAPI_API_KEY || '').trim();
	try {
		if (!(await portFree(args.port))) {
			throw new Error(`port ${args.port} is in use (another n8n?): stop it, or use --port`);
		}
		if (!args['no-build']) {
			say('Building the package (npm run build) …');
			await lib.buildPackage();
		}
		const { cache, cached } = lib.n8nCached(line);
		if (!cached) say(`Installing n8n ${rt.VERSIONS[line]} and Node 24 into ${cache} (first time only: about 5–6 minutes) …`);
		const n8nInfo = await rt.ensureN8n(line);

		const folder = lib.realFolder(path.join(lib.outputRoot, 'editor'));
		let credential;
		if (apiKey) {
			credential = lib.ttapiCredential({ apiKey, callbackSecret: lib.randomSecret() });
		} else {
			const simPort = (await portFree(args['sim-port'])) ? args['sim-port'] : 0;
			state.sim = await startSimulator({
				port: simPort,
				apiKeys: [lib.SIM_API_KEY],
				queueMs: 500,
				renderMs: Math.round(args['render-seconds'] * 1000),
				videoKind: 'real',
				videoBytes: 512 * 1024,
				queueLimit: 5,
			});
			credential = lib.ttapiCredential({ simUrl: state.sim.url, callbackSecret: lib.randomSecret() });
		}
		state.llm = await startFakeOpenAi({ port: 0 });

		say(`Preparing n8n ${n8nInfo.version} …`);
		const n8n = await rt.createN8nInstance({
			line,
			n8n: n8nInfo,
			port: args.port,
			env: lib.n8nEnv(folder, line),
			log: (m) => say(`  [n8n] ${m}`),
		});
		state.n8n = n8n;
		await n8n.importCredentials([credential, lib.openAiCredential(`${state.llm.url}/v1`)]);
		const imported = [];
		for (const key of Object.keys(lib.EXAMPLES)) {
			const wf = lib.loadExample(key, { folder, pollSeconds: apiKey ? undefined : 2 });
			const id = await n8n.importWorkflow(wf);
			imported.push({ key, id, name: wf.name });
		}
		const active = {
			save: 'Sora Trigger listening on /webhook/ttapi-sora',
			tableResults: 'Sora Trigger listening on /webhook/ttapi-sora-table',
		};
		for (const w of imported.filter((x) => active[x.key])) await n8n.activateWorkflow(w.id);
		await n8n.start({ timeoutMs: 180_000 });
		await n8n.rest.setupOwner(OWNER);
		// Example 5's table, made as a user would in Overview → Data tables
		const tableName = dataTableExample.tableNameOf(lib.loadExample('tableSubmit'));
		await dataTableExample.createTable(n8n.rest, tableName, dataTableExample.SAMPLE_ROWS);

		const base = `http://localhost:${args.port}`;
		say('');
		say(`n8n ${n8nInfo.version} editor: ${base}`);
		say(`Log in with  ${OWNER.email}  /  ${OWNER.password}`);
		say('');
		say('Workflows (Overview → Workflows):');
		for (const w of imported) {
			say(`  ${w.name}${active[w.key] ? `  [active: ${active[w.key]}]` : ''}`);
			say(`    ${base}/workflow/${w.id}`);
		}
		say('');
		say(`Data table "${tableName}" (Overview → Data tables): ${dataTableExample.SAMPLE_ROWS.length} prompts for example 5a to send.${line === '1' ? ' n8n 1.x: in the Data table nodes of 5a and 5b, switch Data table from "name" to "From list" and pick it (this n8n runs with DB_SQLITE_POOL_SIZE=2, as example 5\'s note asks).' : ''}`);
		say('');
		if (apiKey) {
			say(`Credential "TTAPI account": the REAL TTAPI (${lib.realTtapiUrl()}, key from TTAPI_API_KEY). Every video costs quota.`);
		} else {
			say(`Credential "TTAPI account": the local TTAPI simulator at ${state.sim.url} (API key ${lib.SIM_API_KEY}), ~${args['render-seconds']} s per video, no cost.`);
			say(`  Each video is ${state.sim.videoSource().description}.`);
			say('  Set TTAPI_API_KEY before `npm run editor` to use the real TTAPI.');
		}
		say(`Credential "OpenAI account": a scripted stand-in for OpenAI at ${state.llm.url}/v1 (for the AI Agent example;`);
		say('  it always calls the Sora tool once). Put your own OpenAI key in it, with Base URL https://api.openai.com/v1, for a real model.');
		say(`Videos and results.csv are written to ${path.relative(lib.repoRoot, folder)}${path.sep}`);
		say(`n8n's data for this session: ${n8n.userFolder} (deleted on exit).`);
		say('');
		say('Press Ctrl-C to stop n8n, the simulator and the stand-in LLM.');

		// Stay up until Ctrl-C; exit if n8n dies underneath us.
		let misses = 0;
		for (;;) {
			await rt.sleep(5000);
			if (!state.n8n) return;
			try {
				const r = await fetch(`${n8n.baseUrl}/healthz`, { signal: AbortSignal.timeout(4000) });
				misses = r.ok ? 0 : misses + 1;
			} catch {
				misses += 1;
			}
			if (misses >= 6) throw new Error(`n8n stopped answering on ${n8n.baseUrl}\n${n8n.tailLogs(30)}`);
		}
	} catch (e) {
		console.error(`\nEDITOR FAILED: ${e.message}`);
		await shutdown();
		process.exit(1);
	}
}

main();
