#!/usr/bin/env node
'use strict';
// `npm run test:install`: every install path the README gives, from the packed tarball (made from
// the source as a release is: scripts/pack/snapshot.js), into temporary folders (never ~/.n8n):
//
//   manual     the README's npm commands (its "install:manual" block, run as written, with HOME set
//              to a temporary home and the package name replaced by the tarball), with this
//              machine's Node/npm (a user on Node 20); then real n8n started the way the README
//              says (no N8N_USER_FOLDER: ~/.n8n from HOME).
//   installer  n8n's own Settings → Community Nodes installer, emulated step by step from its
//              dist/modules/community-packages/community-packages.service.js (downloadPackage):
//              the tarball in <n8n folder>/nodes, unpacked into node_modules/<name> with
//              tar --strip-components=1, devDependencies/peerDependencies/optionalDependencies
//              dropped from its package.json, `npm install --audit=false --fund=false
//              --bin-links=false --install-strategy=shallow --ignore-scripts=true
//              --package-lock=false` inside it, with n8n's Node on PATH; the ledger package.json.
//   docker     what can be checked without a Docker engine: the README's docker commands
//              (its "install:docker" block) against what n8n itself derives from HOME=/home/node.
//
// After manual and installer, real n8n must list both nodes and the credential
// (/types/nodes.json, /types/credentials.json, what the editor loads) and run
// Manual Trigger → Sora Generate (Poll, download) against the TTAPI simulator.
//
//   node scripts/install/check.js [--n8n 1|2|both] [--only manual|installer|docker]
//   Default: manual on 2.41.1 and 1.123.81, installer on 2.41.1 and 1.123.81, docker.

const { execFileSync, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const rt = require('../n8n/runtime');
const { cleanEnv, extractTarball, repoRoot, snapshotAndPack } = require('../pack/snapshot');
const { startSimulator } = require('../../test/simulator');

const PACKAGE = rt.PACKAGE_NAME;
const API_KEY = 'sk-install-check-KEY-3371';
const NODE_TYPES = [`${PACKAGE}.soraGenerate`, `${PACKAGE}.soraGenerateTrigger`];
const CREDENTIAL_TYPE = 'ttApi';
const NODE_NAME = 'Sora Generate';
const VIDEO_BYTES = 48 * 1024;

const log = (message) => console.log(`  ${message}`);

// ---------------------------------------------------------------- README blocks
/** The first ```bash block after `<!-- install:<name> -->` in the README. */
function readmeBlock(name) {
	const readme = fs.readFileSync(path.join(repoRoot, 'README.md'), 'utf8');
	const marker = `<!-- install:${name}`;
	const at = readme.indexOf(marker);
	if (at < 0) throw new Error(`README.md has no ${marker} block`);
	const match = /```bash\n([\s\S]*?)```/.exec(readme.slice(at));
	if (!match) throw new Error(`no \`\`\`bash block after ${marker} in README.md`);
	return match[1];
}

// ---------------------------------------------------------------- n8n checks shared by both paths
function workflow(credential) {
	return {
		name: 'install check',
		nodes: [
			{ id: 'b7d2c1e0-0001-4000-8000-000000000001', name: 'Manual Trigger', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} },
			{
				id: 'b7d2c1e0-0001-4000-8000-000000000002',
				name: NODE_NAME,
				type: `${PACKAGE}.soraGenerate`,
				typeVersion: 1,
				position: [240, 0],
				parameters: { operation: 'generateVideo', model: 'sora-2', prompt: 'an installed paper boat', waitMode: 'poll', pollIntervalSeconds: 1, timeoutMinutes: 2, downloadVideo: true },
				credentials: { ttApi: { id: credential.id, name: credential.name } },
			},
		],
		connections: { 'Manual Trigger': { main: [[{ node: NODE_NAME, type: 'main', index: 0 }]] } },
		settings: { executionOrder: 'v1' },
	};
}

/** What the editor loads: /types/nodes.json and /types/credentials.json (behind the login). */
async function editorTypes(n8n, file) {
	const response = await fetch(`${n8n.baseUrl}/types/${file}`, {
		headers: { cookie: n8n.rest.cookie, 'browser-id': n8n.rest.browserId },
	});
	if (!response.ok) throw new Error(`GET /types/${file} → ${response.status}`);
	return await response.json();
}

/** n8n (already holding the installed package) lists both nodes and runs a workflow against the simulator. */
async function listAndRun(n8n, sim, check) {
	const [credential] = await n8n.importCredentials([
		{ name: 'TTAPI (simulator)', type: CREDENTIAL_TYPE, data: { apiKey: API_KEY, baseUrl: 'custom', customBaseUrl: sim.url } },
	]);
	const workflowId = await n8n.importWorkflow(workflow(credential));
	await n8n.start();
	await n8n.rest.setupOwner();
	const nodes = (await editorTypes(n8n, 'nodes.json')).map((type) => type.name);
	const credentials = (await editorTypes(n8n, 'credentials.json')).map((type) => type.name);
	const listed = NODE_TYPES.filter((type) => nodes.includes(type));
	check(listed.length === NODE_TYPES.length, `the editor's node list has ${listed.join(', ') || 'none'} (want ${NODE_TYPES.join(', ')})`);
	check(credentials.includes(CREDENTIAL_TYPE), `the editor's credential list ${credentials.includes(CREDENTIAL_TYPE) ? 'has' : 'lacks'} ${CREDENTIAL_TYPE}`);
	const run = await n8n.execute(workflowId, { timeoutMs: 120_000 });
	const [item] = rt.nodeOutput(run.run, NODE_NAME);
	const json = item?.json ?? {};
	check(
		run.ok && json.status === 'SUCCESS' && /^[0-9a-f-]{36}$/.test(String(json.jobId)) && item.binary?.data?.fileName === `${json.jobId}.mp4`,
		`workflow run: ${run.ok ? 'success' : `failed (${run.error?.message ?? `exit ${run.code}`})`}, ${NODE_NAME} → status ${json.status}, jobId ${json.jobId}, binary ${item?.binary?.data?.fileName}`,
	);
	await n8n.stop();
}

// ---------------------------------------------------------------- (a) the README's npm commands
function runManualCommands(home, tarball) {
	const block = readmeBlock('manual');
	const installLine = `npm install ${PACKAGE}`;
	if (!block.includes(installLine)) throw new Error(`the install:manual block has no "${installLine}"`);
	const script = block.replace(installLine, `npm install ${JSON.stringify(tarball)}`);
	const result = spawnSync('bash', ['-euo', 'pipefail', '-c', script], {
		env: cleanEnv({ HOME: home }),
		encoding: 'utf8',
		timeout: 180_000,
	});
	return { script, ...result };
}

async function manualPath(line, tarball, sim) {
	const failures = [];
	const check = (ok, what) => {
		log(`${ok ? 'ok  ' : 'FAIL'} ${what}`);
		if (!ok) failures.push(what);
	};
	// n8n as the README runs it: no N8N_USER_FOLDER, so its folder is $HOME/.n8n.
	const n8n = await rt.createN8nInstance({ line, installPackage: false, env: { N8N_USER_FOLDER: undefined }, log: () => {} });
	n8n.env.HOME = n8n.userFolder;
	try {
		const home = n8n.userFolder;
		const result = runManualCommands(home, tarball);
		const output = `${result.stdout}\n${result.stderr}`;
		check(result.status === 0, `the README's commands (node ${process.version}, npm ${npmVersion()}) exit ${result.status}${result.status ? `: ${output.trim().split('\n').slice(-6).join(' | ')}` : ''}`);
		const added = /added (\d+) packages?/.exec(output);
		const modules = path.join(home, '.n8n', 'nodes', 'node_modules');
		const installed = fs.existsSync(modules) ? fs.readdirSync(modules).filter((name) => !name.startsWith('.')) : [];
		check(added?.[1] === '1' && installed.join() === PACKAGE, `npm said "${added?.[0] ?? '?'}"; ~/.n8n/nodes/node_modules holds ${installed.join(', ') || 'nothing'} (want only ${PACKAGE}: n8n provides n8n-workflow)`);
		if (!failures.length) await listAndRun(n8n, sim, check);
	} catch (error) {
		check(false, (error.stack || String(error)).split('\n').slice(0, 4).join(' | '));
		log(n8n.tailLogs(20));
	} finally {
		await n8n.cleanup().catch(() => {});
	}
	return failures;
}

function npmVersion() {
	return execFileSync('npm', ['--version'], { env: cleanEnv(), encoding: 'utf8' }).trim();
}

// ---------------------------------------------------------------- (b) n8n's Community Nodes installer
/** community-packages.service.js downloadPackage(), from the tarball instead of `npm pack <name>@<version>`. */
function emulateInstaller(downloadFolder, tarball, nodeBin) {
	fs.mkdirSync(downloadFolder, { recursive: true });
	const tarballName = path.basename(tarball);
	fs.copyFileSync(tarball, path.join(downloadFolder, tarballName)); // what `npm pack` leaves in the folder
	const packageDirectory = path.join(downloadFolder, 'node_modules', PACKAGE);
	fs.mkdirSync(packageDirectory, { recursive: true });
	execFileSync('tar', ['-xzf', tarballName, '-C', packageDirectory, '--strip-components=1'], { cwd: downloadFolder });
	const packageJsonPath = path.join(packageDirectory, 'package.json');
	const { devDependencies, peerDependencies, optionalDependencies, ...packageJson } = JSON.parse(fs.readFileSync(packageJsonPath, 'utf8'));
	fs.writeFileSync(packageJsonPath, JSON.stringify(packageJson, null, 2), 'utf8');
	const install = spawnSync(
		'npm',
		['install', '--audit=false', '--fund=false', '--bin-links=false', '--install-strategy=shallow', '--ignore-scripts=true', '--package-lock=false', '--registry=https://registry.npmjs.org'],
		{ cwd: packageDirectory, env: cleanEnv({ PATH: `${path.dirname(nodeBin)}${path.delimiter}${process.env.PATH}` }), encoding: 'utf8', timeout: 180_000 },
	);
	fs.rmSync(path.join(downloadFolder, tarballName));
	// updatePackageJsonDependency(): the ledger of installed packages
	const ledgerPath = path.join(downloadFolder, 'package.json');
	const ledger = fs.existsSync(ledgerPath) ? JSON.parse(fs.readFileSync(ledgerPath, 'utf8')) : { name: 'installed-nodes', private: true, dependencies: {} };
	ledger.dependencies[PACKAGE] = packageJson.version;
	fs.writeFileSync(ledgerPath, JSON.stringify(ledger, null, 2), 'utf8');
	return { install, packageDirectory, dropped: { devDependencies, peerDependencies, optionalDependencies } };
}

async function installerPath(line, tarball, sim) {
	const failures = [];
	const check = (ok, what) => {
		log(`${ok ? 'ok  ' : 'FAIL'} ${what}`);
		if (!ok) failures.push(what);
	};
	const n8n = await rt.createN8nInstance({ line, installPackage: false, log: () => {} });
	try {
		const { install, packageDirectory, dropped } = emulateInstaller(path.join(n8n.dataDir, 'nodes'), tarball, n8n.n8n.nodeBin);
		check(install.status === 0, `npm install inside the package (n8n's flags, Node ${execFileSync(n8n.n8n.nodeBin, ['--version'], { encoding: 'utf8' }).trim()}) exits ${install.status}${install.status ? `: ${(install.stderr || '').trim().split('\n').slice(-4).join(' | ')}` : ''}`);
		const nested = path.join(packageDirectory, 'node_modules');
		const extra = fs.existsSync(nested) ? fs.readdirSync(nested).filter((name) => !name.startsWith('.')) : [];
		check(extra.length === 0, `dropped ${Object.entries(dropped).filter(([, v]) => v).map(([k]) => k).join(', ') || 'nothing'}; the package's own node_modules holds ${extra.join(', ') || 'nothing'} (no runtime dependencies)`);
		if (!failures.length) await listAndRun(n8n, sim, check);
	} catch (error) {
		check(false, (error.stack || String(error)).split('\n').slice(0, 4).join(' | '));
		log(n8n.tailLogs(20));
	} finally {
		await n8n.cleanup().catch(() => {});
	}
	return failures;
}

// ---------------------------------------------------------------- (c) Docker, without a Docker engine
function dockerPath(unpackedPackageJson) {
	const failures = [];
	const check = (ok, what) => {
		log(`${ok ? 'ok  ' : 'FAIL'} ${what}`);
		if (!ok) failures.push(what);
	};
	const block = readmeBlock('docker');
	// What n8n derives from the image's HOME=/home/node (no N8N_USER_FOLDER), read from its config code.
	const n8nFolder = path.posix.join('/home/node', '.n8n');
	const nodesFolder = path.posix.join(n8nFolder, 'nodes');
	check(block.includes('-v n8n_data:/home/node/.n8n'), `the volume is mounted at n8n's folder ${n8nFolder} (n8n: $N8N_USER_FOLDER ?? $HOME, + ".n8n")`);
	check(
		block.includes("mkdir -p ~/.n8n/nodes && cd ~/.n8n/nodes") && block.includes(`npm install ${PACKAGE}`),
		`docker exec installs into ~/.n8n/nodes = ${nodesFolder}, n8n's community package folder (nodesDownloadDir = <n8n folder>/nodes)`,
	);
	check(!/docker exec[^\n]*-u\s+root/.test(block), 'docker exec runs as the image user (node), so ~ is /home/node and the files belong to n8n');
	check(block.includes('/home/node/.n8n-files/sora'), "the videos folder is under ~/.n8n-files, n8n 2.x's default N8N_RESTRICT_FILE_ACCESS_TO (~/.n8n-files), where the examples write");
	check(block.includes('docker restart n8n'), 'n8n is restarted after the npm install (it loads packages at start)');
	check(!unpackedPackageJson.dependencies, 'the package has no runtime dependencies, so npm inside the container fetches nothing but the package');
	log('not checked here (no Docker engine on this machine): that the image ships npm, that its user is node with HOME=/home/node, and that the commands run; the manual and installer paths above run the same npm steps outside a container');
	return failures;
}

// ---------------------------------------------------------------- main
function parseArgs(argv) {
	const options = { lines: ['2', '1'], only: null };
	for (let i = 0; i < argv.length; i++) {
		if (argv[i] === '--n8n') options.lines = argv[++i] === 'both' ? ['2', '1'] : [argv[i]];
		else if (argv[i] === '--only') options.only = argv[++i];
		else throw new Error(`unknown argument ${argv[i]} (use --n8n 1|2|both, --only manual|installer|docker)`);
	}
	return options;
}

async function main() {
	const { lines, only } = parseArgs(process.argv.slice(2));
	const started = Date.now();
	console.log('=== install check: packing the release tarball');
	const snapshot = snapshotAndPack({ log, prefix: 'ttapi-sora-install-' });
	const results = [];
	let sim;
	try {
		log(`tarball ${path.basename(snapshot.tarball)} (${snapshot.files.length} files)`);
		const unpacked = JSON.parse(fs.readFileSync(path.join(extractTarball(snapshot.tarball, path.join(snapshot.scratch, 'unpacked')), 'package.json'), 'utf8'));
		sim = await startSimulator({ port: 0, apiKeys: [API_KEY], queueMs: 200, renderMs: 1200, videoBytes: VIDEO_BYTES });
		for (const [name, fn] of [
			['manual', manualPath],
			['installer', installerPath],
		]) {
			if (only && only !== name) continue;
			for (const line of lines) {
				const t = Date.now();
				console.log(`\n=== ${name}: n8n ${rt.VERSIONS[line]}`);
				const failures = await fn(line, snapshot.tarball, sim);
				results.push({ name: `${name} → n8n ${rt.VERSIONS[line]}`, failures, seconds: (Date.now() - t) / 1000 });
			}
		}
		if (!only || only === 'docker') {
			console.log('\n=== docker (static: no Docker engine here)');
			results.push({ name: 'docker (static checks)', failures: dockerPath(unpacked), seconds: 0 });
		}
	} finally {
		if (sim) await sim.close();
		snapshot.cleanup();
	}
	console.log('\n=== install check summary');
	for (const r of results) console.log(`  ${r.failures.length ? 'FAIL' : 'PASS'}  ${r.name.padEnd(32)} ${r.seconds.toFixed(0).padStart(4)} s${r.failures.length ? `  ${r.failures[0]}` : ''}`);
	console.log(`  total ${((Date.now() - started) / 1000).toFixed(0)} s`);
	process.exit(results.length && results.every((r) => r.failures.length === 0) ? 0 : 1);
}

main().catch((error) => {
	console.error(error.stack || error);
	process.exit(1);
});
