#!/usr/bin/env node
'use strict';
// The `npm run demo` suite of `npm run test:n8n`: runs scripts/demo/demo.js on each n8n line
// against the simulator (even if TTAPI_API_KEY is set) into a temporary folder, and fails unless
// it exits 0 having printed its result table and "Demo passed.".
//
//   node scripts/demo/test-demo.js [--n8n 1|2|both]   (the package must be built)

const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const rt = require('../n8n/runtime');

const lines = rt.linesFromArgs(process.argv.slice(2), 'node scripts/demo/test-demo.js');
const results = [];
for (const line of lines) {
	const out = fs.mkdtempSync(path.join(os.tmpdir(), `sora-demo-${line}-`));
	const started = Date.now();
	const env = { ...process.env };
	delete env.TTAPI_API_KEY;
	const run = spawnSync(process.execPath, [path.join(__dirname, 'demo.js'), '--n8n', line, '--no-build', '--simulator', '--out', out], {
		env,
		encoding: 'utf8',
		stdio: ['ignore', 'pipe', 'pipe'],
		timeout: 15 * 60_000,
	});
	process.stdout.write(run.stdout || '');
	process.stderr.write(run.stderr || '');
	const text = run.stdout || '';
	const mp4s = fs.existsSync(out) ? fs.readdirSync(out).filter((f) => f.endsWith('.mp4')).length : 0;
	const pass = run.status === 0 && /Demo passed\./.test(text) && /#\s+Prompt\s+Job ID\s+Status\s+Seconds\s+Saved file/.test(text) && mp4s === 5 && fs.existsSync(path.join(out, 'results.csv'));
	results.push({ line, pass, detail: `exit ${run.status}, ${mp4s} MP4s + results.csv: ${fs.existsSync(path.join(out, 'results.csv'))}, ${((Date.now() - started) / 1000).toFixed(0)} s` });
	fs.rmSync(out, { recursive: true, force: true });
}
console.log('\n=== npm run demo summary');
for (const r of results) console.log(`  ${r.pass ? 'PASS' : 'FAIL'}  n8n ${rt.VERSIONS[r.line]}: ${r.detail}`);
process.exit(results.every((r) => r.pass) ? 0 : 1);
