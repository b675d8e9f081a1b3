#!/usr/bin/env node
'use strict';
// `npm run lint`: n8n's verification scanner (@n8n/scan-community-package, pinned in
// scripts/lint/scanner/package.json) on what n8n would verify:
//   1. the source leg: a `git archive` of HEAD (or of the working tree as it would be committed),
//      files package.json and {nodes,credentials}/**/*.{js,ts,json} (the scanner's SOURCE_FILE_PATTERNS);
//   2. the tarball leg: that source built and `npm pack`ed, files **/*.js and package.json.
// Each leg runs the scanner's own analyzePackage() (its verdict, errors only) and, with the very
// same ESLint options and config (its exported buildScanConfig), counts warnings as well. Inline
// eslint-disable comments are ignored, as the scanner ignores them. Exits non-zero on any error or
// warning in either leg.
//
//   node scripts/lint/scan.js           both legs
//   node scripts/lint/scan.js --fix     also applies the rules' automatic fixes to this working tree
//                                       (package.json, nodes/, credentials/), then scans

const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const { pathToFileURL } = require('node:url');

const { extractTarball, repoRoot, snapshotAndPack, cleanEnv } = require('../pack/snapshot');

const scannerDir = path.join(__dirname, 'scanner');
const scannerPackage = path.join(scannerDir, 'node_modules', '@n8n', 'scan-community-package');
const TARBALL_PATTERNS = ['**/*.js', 'package.json'];

const log = (message) => console.log(`[scan] ${message}`);

function wantedScannerVersion() {
	return JSON.parse(fs.readFileSync(path.join(scannerDir, 'package.json'), 'utf8')).dependencies['@n8n/scan-community-package'];
}

function installedVersion(dir) {
	try {
		return JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')).version;
	} catch {
		return undefined;
	}
}

/** Installs the pinned scanner into scripts/lint/scanner/node_modules when it is missing or another version. */
function ensureScanner() {
	const wanted = wantedScannerVersion();
	if (installedVersion(scannerPackage) === wanted) return wanted;
	log(`installing @n8n/scan-community-package ${wanted} into ${path.relative(repoRoot, scannerDir)}/node_modules (npm ci --ignore-scripts)`);
	// --ignore-scripts: a dependency's install script runs `npx only-allow pnpm`, and nothing there needs building.
	execFileSync('npm', ['ci', '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=error'], {
		cwd: scannerDir,
		env: cleanEnv(),
		stdio: ['ignore', 'inherit', 'inherit'],
	});
	if (installedVersion(scannerPackage) !== wanted) throw new Error(`the scanner did not install as version ${wanted}`);
	return wanted;
}

async function loadScanner() {
	const scanner = await import(pathToFileURL(path.join(scannerPackage, 'scanner', 'scanner.mjs')).href);
	const requireFromScanner = require('node:module').createRequire(path.join(scannerPackage, 'package.json'));
	const { ESLint } = requireFromScanner('eslint');
	const glob = requireFromScanner('fast-glob');
	const plugin = installedVersion(path.join(scannerDir, 'node_modules', '@n8n', 'eslint-plugin-community-nodes'));
	return { ...scanner, ESLint, glob, pluginVersion: plugin };
}

/** The scanner's ESLint run (same options as its analyzePackage), with warnings counted too. */
async function lintLikeTheScanner(scanner, dir, patterns, { fix = false } = {}) {
	const eslint = new scanner.ESLint({
		cwd: dir,
		allowInlineConfig: false,
		overrideConfigFile: true,
		overrideConfig: await scanner.buildScanConfig(),
		fix,
	});
	const files = scanner.glob.sync(patterns, {
		cwd: dir,
		absolute: true,
		ignore: ['node_modules/**', '**/package-lock.json'],
	});
	const results = files.length ? await eslint.lintFiles(files) : [];
	if (fix) await scanner.ESLint.outputFixes(results);
	const formatter = await eslint.loadFormatter('stylish');
	return {
		files: files.length,
		errors: results.reduce((sum, r) => sum + r.errorCount, 0),
		warnings: results.reduce((sum, r) => sum + r.warningCount, 0),
		report: (await formatter.format(results)).trim(),
	};
}

async function runLeg(scanner, title, dir, patterns) {
	const verdict = await scanner.analyzePackage(dir, patterns);
	const counted = await lintLikeTheScanner(scanner, dir, patterns);
	const ok = verdict.passed && counted.errors === 0 && counted.warnings === 0;
	console.log(`\n${ok ? 'PASS' : 'FAIL'}  ${title}`);
	console.log(`      ${counted.files} files, ${counted.errors} errors, ${counted.warnings} warnings; scanner verdict: ${verdict.passed ? 'passed' : `failed (${verdict.message})`}`);
	if (counted.report) console.log(counted.report.replaceAll(dir + path.sep, '').replace(/^/gm, '      '));
	return { ok, ...counted, passed: verdict.passed };
}

async function main() {
	const fix = process.argv.includes('--fix');
	const version = ensureScanner();
	const scanner = await loadScanner();
	log(`@n8n/scan-community-package ${version} (eslint-plugin-community-nodes ${scanner.pluginVersion}); inline eslint-disable comments ignored`);

	if (fix) {
		const fixed = await lintLikeTheScanner(scanner, repoRoot, scanner.SOURCE_FILE_PATTERNS, { fix: true });
		log(`--fix: applied automatic fixes in the working tree; ${fixed.errors} errors and ${fixed.warnings} warnings remain there`);
	}

	const snapshot = snapshotAndPack({ log });
	try {
		if (process.env.CI === 'true' && !snapshot.source.clean) {
			throw new Error(`CI must scan a git archive of HEAD, but the working tree differs from it: ${snapshot.source.label}`);
		}
		const source = await runLeg(scanner, `source leg: ${snapshot.source.label}`, snapshot.source.dir, scanner.SOURCE_FILE_PATTERNS);
		const unpacked = extractTarball(snapshot.tarball, path.join(snapshot.scratch, 'unpacked'));
		const tarball = await runLeg(
			scanner,
			`tarball leg: ${path.basename(snapshot.tarball)} (${snapshot.files.length} files packed)`,
			unpacked,
			TARBALL_PATTERNS,
		);
		console.log(
			`\nscanner: source ${source.errors} errors / ${source.warnings} warnings, tarball ${tarball.errors} errors / ${tarball.warnings} warnings`,
		);
		process.exitCode = source.ok && tarball.ok ? 0 : 1;
	} finally {
		snapshot.cleanup();
	}
}

main().catch((error) => {
	console.error(error.stack || error);
	process.exit(1);
});
