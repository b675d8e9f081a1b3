'use strict';
// What n8n's verification looks at, made from this repository the way a release is made:
// - the source: `git archive` of HEAD (with local changes: of the working tree as `git add -A`
//   would commit it, so `npm run lint` checks what you are about to commit);
// - the tarball: that source built (`npm run build`) and packed (`npm pack`), as the release
//   workflow does. Never the local dist/, which may be stale.
// Used by the scanner legs (scripts/lint/scan.js) and the install check (scripts/install/check.js).

const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const repoRoot = path.resolve(__dirname, '..', '..');

function git(args, opts = {}) {
	return execFileSync('git', args, { cwd: repoRoot, encoding: 'utf8', ...opts }).trim();
}

/** A fresh temporary folder, removed by the returned cleanup (unless KEEP_SNAPSHOT=1). */
function tempDir(prefix) {
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
	return {
		dir,
		cleanup() {
			if (process.env.KEEP_SNAPSHOT === '1') return;
			fs.rmSync(dir, { recursive: true, force: true });
		},
	};
}

/**
 * The tree to archive: HEAD's, or, when the working tree differs, the tree `git add -A` would
 * give (built in a throw-away index, so the real index is untouched).
 */
function sourceTree(scratch) {
	const head = git(['rev-parse', 'HEAD']);
	const headTree = git(['rev-parse', 'HEAD^{tree}']);
	const env = { ...process.env, GIT_INDEX_FILE: path.join(scratch, 'index') };
	git(['read-tree', 'HEAD'], { env });
	git(['add', '-A'], { env });
	const tree = git(['write-tree'], { env });
	if (tree === headTree) return { tree, label: `git archive of HEAD (${head.slice(0, 12)})`, clean: true };
	const changed = git(['diff', '--name-only', headTree, tree]).split('\n').filter(Boolean);
	return {
		tree,
		label: `git archive of the working tree as it would be committed (HEAD ${head.slice(0, 12)} + ${changed.length} changed file(s))`,
		clean: false,
	};
}

/** Extracts the source snapshot into `<scratch>/source`. */
function extractSource(scratch) {
	const { tree, label, clean } = sourceTree(scratch);
	const dir = path.join(scratch, 'source');
	fs.mkdirSync(dir, { recursive: true });
	const archive = path.join(scratch, 'source.tar');
	git(['archive', '--format=tar', `--output=${archive}`, tree]);
	execFileSync('tar', ['-xf', archive, '-C', dir]);
	fs.rmSync(archive);
	return { dir, label, clean };
}

/** npm settings inherited from a parent `npm run` must not leak into the child npm/tsc runs. */
function cleanEnv(extra = {}) {
	const env = {};
	for (const [key, value] of Object.entries(process.env)) {
		if (/^npm_/i.test(key)) continue;
		env[key] = value;
	}
	return { ...env, ...extra };
}

/**
 * Builds the source snapshot with this repository's dev dependencies (linked, not installed)
 * and packs it. Returns the tarball's path and npm's file list.
 */
function buildAndPack(sourceDir, destDir, log = () => {}) {
	const modules = path.join(repoRoot, 'node_modules');
	if (!fs.existsSync(path.join(modules, 'typescript'))) {
		throw new Error(`${modules} has no typescript: run \`npm ci\` first`);
	}
	fs.symlinkSync(modules, path.join(sourceDir, 'node_modules'), 'dir');
	log('building the snapshot (npm run build)');
	execFileSync('npm', ['run', 'build', '--silent'], { cwd: sourceDir, env: cleanEnv(), stdio: ['ignore', 'ignore', 'inherit'] });
	fs.mkdirSync(destDir, { recursive: true });
	log('packing it (npm pack)');
	const out = execFileSync('npm', ['pack', '--json', '--pack-destination', destDir], {
		cwd: sourceDir,
		env: cleanEnv(),
		encoding: 'utf8',
		stdio: ['ignore', 'pipe', 'inherit'],
	});
	const [info] = JSON.parse(out);
	const tarball = path.join(destDir, info.filename);
	const files = info.files.map((f) => f.path);
	return { tarball, files, info };
}

/** Unpacks a tarball the way n8n's installer does (`tar -xzf … --strip-components=1`). */
function extractTarball(tarball, dir) {
	fs.mkdirSync(dir, { recursive: true });
	execFileSync('tar', ['-xzf', tarball, '-C', dir, '--strip-components=1']);
	return dir;
}

/** Every file the package.json `n8n` section points at must be in the tarball. */
function missingN8nFiles(packageJson, files) {
	const listed = [...(packageJson.n8n?.nodes ?? []), ...(packageJson.n8n?.credentials ?? [])];
	return listed.filter((file) => !files.includes(file));
}

/**
 * The source snapshot and the tarball made from it, in one temporary folder.
 * Returns { scratch, source: {dir,label,clean}, tarball, files, cleanup }.
 */
function snapshotAndPack({ log = () => {}, prefix = 'ttapi-sora-snapshot-' } = {}) {
	const { dir: scratch, cleanup } = tempDir(prefix);
	try {
		const source = extractSource(scratch);
		log(`source: ${source.label}`);
		const { tarball, files } = buildAndPack(source.dir, path.join(scratch, 'pack'), log);
		const packageJson = JSON.parse(fs.readFileSync(path.join(source.dir, 'package.json'), 'utf8'));
		const missing = missingN8nFiles(packageJson, files);
		if (missing.length) throw new Error(`the tarball lacks files its package.json n8n section lists: ${missing.join(', ')}`);
		return { scratch, source, tarball, files, packageJson, cleanup };
	} catch (error) {
		cleanup();
		throw error;
	}
}

module.exports = { repoRoot, tempDir, extractSource, buildAndPack, extractTarball, missingN8nFiles, snapshotAndPack, cleanEnv };
