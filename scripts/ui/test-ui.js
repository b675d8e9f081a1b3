#!/usr/bin/env node
'use strict';
// `npm run test:ui`: the editor as a user sees it, in a real browser. Starts `npm run editor`
// (n8n with the package, the examples, the TTAPI simulator) on free ports, drives Debian's
// Chromium with playwright-core through what a new user does (node creator, the single-video
// example in every wait mode, every option at its default, the output and its video, the
// credential's Test, the Sora Trigger's URL and hints), prints one row per check and the
// screenshots it took (ui-screenshots/, ignored by git), and exits non-zero on any FAIL.
//
//   npm run test:ui [-- --n8n 1|2|both]   (default both; the package must be built)

const fs = require('node:fs');
const path = require('node:path');

const rt = require('../n8n/runtime');
const { launchBrowser, logIn } = require('./browser');
const { startEditor } = require('./editor-process');
const { CHECKS } = require('./checks');

const repoRoot = path.resolve(__dirname, '..', '..');
const SHOTS = path.join(repoRoot, 'ui-screenshots');
const log = (line = '') => process.stdout.write(`${line}\n`);

async function runLine(line) {
	const rows = [];
	const folder = path.join(SHOTS, `n8n-${rt.VERSIONS[line]}`);
	fs.rmSync(folder, { recursive: true, force: true });
	const [port, simPort] = await rt.freePorts(2);
	log(`\n=== test:ui on n8n ${rt.VERSIONS[line]}: starting npm run editor on port ${port}`);
	const editor = await startEditor({ line, port, simPort, log });
	let browser;
	try {
		browser = await launchBrowser({ screenshotDir: folder, log });
		const { page } = browser;
		await logIn(page, editor.baseUrl, editor.login);
		log(`  logged in as ${editor.login.email}; the simulator's videos: ${editor.video}`);
		for (const check of CHECKS) {
			const add = (what, pass, observed) => {
				rows.push({ check: check.name, what, pass: Boolean(pass), observed });
				log(`  ${pass ? 'PASS' : 'FAIL'}  ${what}\n        ${observed}`);
			};
			log(`\n--- ${check.name}`);
			try {
				await check({ page, shot: (name) => browser.shot(name), editor, add, log });
			} catch (error) {
				await browser.shot(`${check.name}-error`).catch(() => undefined);
				add(`${check.name} ran to the end`, false, error.message.split('\n').slice(0, 6).join(' / '));
				await page.keyboard.press('Escape').catch(() => undefined);
			}
		}
	} finally {
		if (browser) await browser.close();
		await editor.stop();
	}
	return { line, rows, shots: browser?.shots ?? [] };
}

async function main() {
	const lines = rt.linesFromArgs(process.argv.slice(2), 'node scripts/ui/test-ui.js');
	if (!fs.existsSync(path.join(repoRoot, 'dist', 'nodes', 'SoraGenerate', 'SoraGenerate.node.js'))) {
		throw new Error('dist/ is missing: run npm run build first');
	}
	const results = [];
	for (const line of lines) {
		try {
			results.push(await runLine(line));
		} catch (error) {
			results.push({ line, rows: [{ check: 'setup', what: 'npm run editor and the browser start', pass: false, observed: error.message.slice(0, 2000) }], shots: [] });
		}
	}
	log('\n=== test:ui summary');
	let passed = 0;
	let failed = 0;
	for (const { line, rows, shots } of results) {
		const bad = rows.filter((r) => !r.pass);
		passed += rows.length - bad.length;
		failed += bad.length;
		log(`  n8n ${rt.VERSIONS[line]}: ${rows.length - bad.length}/${rows.length} checks passed, ${shots.length} screenshots in ${path.relative(repoRoot, path.join(SHOTS, `n8n-${rt.VERSIONS[line]}`))}/`);
		for (const r of bad) log(`    FAIL  ${r.what}: ${r.observed}`);
	}
	log(`${passed} passed, ${failed} failed`);
	process.exit(failed === 0 && passed > 0 ? 0 : 1);
}

main().catch((error) => {
	console.error(`test:ui: ${error.stack || error.message}`);
	process.exit(1);
});
