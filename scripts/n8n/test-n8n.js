#!/usr/bin/env node
'use strict';
// `npm run test:n8n`: every real-n8n suite on both lines (or `--n8n 1|2`), one after another so
// that two n8n instances never compete for this machine's two cores. Exits non-zero if any fails.

const { spawnSync } = require('node:child_process');
const path = require('node:path');

const SUITES = [
	['smoke (package loads, Poll mode end to end)', 'smoke.js'],
	['credential Test button (POST /rest/credentials/test)', 'scenarios/credential.js'],
	['Sora Trigger scenarios', 'scenarios/trigger.js'],
	['Wait for Callback / Auto scenarios', 'scenarios/callback.js'],
	['resources: Video, Character, Account (scenarios/resources.js)', 'scenarios/resources.js'],
	['example workflows (examples/*.json)', 'scenarios/examples.js'],
	['npm run demo (simulator)', '../demo/test-demo.js'],
];

const at = process.argv.indexOf('--n8n');
const lines = at >= 0 ? [process.argv[at + 1]] : ['both'];
const results = [];
for (const [title, script] of SUITES) {
	const started = Date.now();
	console.log(`\n##### ${title}`);
	const run = spawnSync(process.execPath, [path.join(__dirname, script), '--n8n', lines[0]], { stdio: 'inherit' });
	results.push({ title, ok: run.status === 0, seconds: (Date.now() - started) / 1000 });
}
console.log('\n##### real-n8n summary');
for (const { title, ok, seconds } of results) {
	console.log(`  ${ok ? 'PASS' : 'FAIL'}  ${title.padEnd(48)} ${seconds.toFixed(0).padStart(5)} s`);
}
process.exit(results.every((result) => result.ok) ? 0 : 1);
