#!/usr/bin/env node
'use strict';
// `npm run lint:actions`: the GitHub Actions workflows checked without GitHub. The release
// workflow (.github/workflows/ci.yml) only runs on GitHub, so a typo in it would first show when a
// tag is pushed. @action-validator/cli (pinned dev dependency; its core is Rust compiled to WASM,
// with the SchemaStore github-workflow schema built in, so it needs no network) validates each file
// against that schema and checks that every `needs` names a job of the workflow.
//
//   node scripts/lint/actions.js                every .github/workflows/*.yml / *.yaml
//   node scripts/lint/actions.js <file> …       only these files
// Exits non-zero when a file fails, or when there is no workflow file to check.

const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const repoRoot = path.join(__dirname, '..', '..');
const workflowsDir = path.join(repoRoot, '.github', 'workflows');

function validatorBin() {
	const packageJson = require.resolve('@action-validator/cli/package.json');
	const { bin } = JSON.parse(fs.readFileSync(packageJson, 'utf8'));
	return path.join(path.dirname(packageJson), bin['action-validator']);
}

function workflowFiles(args) {
	// npm run changes to the package folder; INIT_CWD is where the command was typed
	if (args.length) return args.map((file) => path.resolve(process.env.INIT_CWD ?? process.cwd(), file));
	if (!fs.existsSync(workflowsDir)) return [];
	return fs
		.readdirSync(workflowsDir)
		.filter((name) => /\.ya?ml$/.test(name))
		.sort()
		.map((name) => path.join(workflowsDir, name));
}

function main() {
	const files = workflowFiles(process.argv.slice(2));
	if (!files.length) {
		console.error('[actions] no workflow file to check (.github/workflows/*.yml)');
		process.exit(1);
	}
	const bin = validatorBin();
	let failed = 0;
	for (const file of files) {
		const result = spawnSync(process.execPath, [bin, file], { encoding: 'utf8' });
		const relative = path.relative(repoRoot, file);
		const shown = relative.startsWith('..') ? file : relative;
		if (result.status === 0) {
			console.log(`[actions] ok    ${shown}`);
			continue;
		}
		failed++;
		console.log(`[actions] FAIL  ${shown} (action-validator exit ${result.status ?? result.signal})`);
		console.log(`${result.stdout}${result.stderr}`.trimEnd().replace(/^/gm, '    '));
	}
	console.log(`[actions] ${files.length - failed} of ${files.length} workflow file(s) valid`);
	process.exit(failed ? 1 : 0);
}

main();
