'use strict';
// Section 6: runs scripts/bench/overhead/overhead.bench.ts with jest (the in-process n8n-core
// harness the tests use) and returns what it measured.

const { spawn } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const c = require('./common');

async function runOverhead({ items, log }) {
	const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'bench-overhead-')), 'overhead.json');
	const jest = path.join(c.repoRoot, 'node_modules', 'jest', 'bin', 'jest.js');
	const config = path.join(c.repoRoot, 'scripts', 'bench', 'overhead', 'jest.config.js');
	const { result, load } = await c.withLoad(
		() =>
			new Promise((resolve, reject) => {
				const child = spawn(process.execPath, [jest, '--config', config, '--runInBand', '--silent'], {
					cwd: c.repoRoot,
					env: { ...process.env, BENCH_OVERHEAD_OUT: out, BENCH_OVERHEAD_ITEMS: String(items) },
					stdio: ['ignore', 'pipe', 'pipe'],
				});
				let text = '';
				child.stdout.on('data', (d) => (text += d));
				child.stderr.on('data', (d) => (text += d));
				child.on('error', reject);
				child.on('close', (code) => {
					if (code !== 0 || !fs.existsSync(out)) reject(new Error(`overhead bench failed (exit ${code}):\n${text.slice(-3000)}`));
					else resolve(JSON.parse(fs.readFileSync(out, 'utf8')));
				});
			}),
	);
	fs.rmSync(path.dirname(out), { recursive: true, force: true });
	const r = { ...result, load };
	log(`  our code: ${r.ownPerItemMs.toFixed(2)} ms/item (HTTP round trip ${r.sendPerItemMs.toFixed(2)} ms/item; total ${r.totalPerItemMs.toFixed(2)} ms/item over ${r.items} items; 5 in flight: ${r.k5WallPerItemMs.toFixed(2)} ms/item wall), load ${c.loadText(load.after)}`);
	return r;
}

module.exports = { runOverhead };
