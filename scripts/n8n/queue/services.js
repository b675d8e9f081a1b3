'use strict';
// Redis and a Postgres cluster for one queue-mode run: each on its own free port, with its data
// folder under the run's temp dir, stopped by PID (never the machine's default instances or
// ports). Missing binaries are installed with apt-get when we run as root (CI starts from a blank
// Debian machine); otherwise the error says what to install.
//
//   const redis = await startRedis(dir, { log });       // { port, pid, logFile, stop() }
//   const pg = await startPostgres(dir, { log });       // { port, pid, dataDir, logFile, conn, stop() }
//   await pg.createDatabase('n8n');

const { spawn } = require('node:child_process');
const fs = require('node:fs');
const fsp = require('node:fs/promises');
const path = require('node:path');
const { freePorts, sleep } = require('../runtime');

const isRoot = () => typeof process.getuid === 'function' && process.getuid() === 0;

/**
 * PIDs of the services we started → the signal that stops them at once; sent when this process
 * exits however it exits (Postgres' SIGQUIT = immediate shutdown, which also ends its backends).
 */
const ownPids = new Map();
process.on('exit', () => {
	for (const [pid, signal] of ownPids) {
		try {
			process.kill(pid, signal);
		} catch {
			/* gone already */
		}
	}
});

function run(cmd, args, { env = process.env, inherit = false } = {}) {
	return new Promise((resolve) => {
		const child = spawn(cmd, args, { env, stdio: ['ignore', inherit ? process.stderr : 'pipe', inherit ? process.stderr : 'pipe'] });
		let out = '';
		if (!inherit) {
			child.stdout.on('data', (d) => (out += d));
			child.stderr.on('data', (d) => (out += d));
		}
		child.on('error', (error) => resolve({ code: -1, out: `${out}${error.message}` }));
		child.on('close', (code) => resolve({ code, out }));
	});
}

function findPostgresBin() {
	const base = '/usr/lib/postgresql';
	if (!fs.existsSync(base)) return undefined;
	const versions = fs
		.readdirSync(base)
		.filter((v) => fs.existsSync(path.join(base, v, 'bin', 'initdb')))
		.sort((a, b) => Number(b) - Number(a));
	return versions.length ? path.join(base, versions[0], 'bin') : undefined;
}

function findRedis() {
	for (const dir of (process.env.PATH || '').split(path.delimiter).concat(['/usr/bin', '/usr/sbin'])) {
		const p = path.join(dir, 'redis-server');
		if (dir && fs.existsSync(p)) return p;
	}
	return undefined;
}

/** Makes sure redis-server and Postgres' initdb/pg_ctl exist; installs them with apt-get if not. */
async function ensureServerPackages({ log = () => {} } = {}) {
	let redis = findRedis();
	let pgBin = findPostgresBin();
	if (redis && pgBin) return { redis, pgBin };
	const missing = [!redis && 'redis-server', !pgBin && 'postgresql'].filter(Boolean);
	if (!isRoot()) {
		throw new Error(`queue mode needs ${missing.join(' and ')}: run \`sudo apt-get update && sudo apt-get install -y redis-server postgresql\``);
	}
	log(`installing ${missing.join(', ')} with apt-get (not found on this machine)`);
	const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
	const update = await run('apt-get', ['update'], { env, inherit: true });
	if (update.code !== 0) throw new Error(`apt-get update failed (exit ${update.code})`);
	const install = await run('apt-get', ['install', '-y', 'redis-server', 'postgresql'], { env, inherit: true });
	if (install.code !== 0) throw new Error(`apt-get install -y redis-server postgresql failed (exit ${install.code})`);
	redis = findRedis();
	pgBin = findPostgresBin();
	if (!redis || !pgBin) throw new Error(`apt-get installed the packages, but redis-server (${redis}) or initdb (${pgBin}) is still missing`);
	return { redis, pgBin };
}

function pidAlive(pid) {
	try {
		process.kill(pid, 0);
		return true;
	} catch (error) {
		return error.code === 'EPERM';
	}
}

/** Signals a PID and waits until it is gone; escalates to SIGKILL after graceMs. */
async function stopPid(pid, signal, graceMs = 15_000) {
	if (!pid || !pidAlive(pid)) return;
	try {
		process.kill(pid, signal);
	} catch {
		return;
	}
	const deadline = Date.now() + graceMs;
	while (pidAlive(pid) && Date.now() < deadline) await sleep(100);
	if (pidAlive(pid)) {
		try {
			process.kill(pid, 'SIGKILL');
		} catch {
			/* gone */
		}
		while (pidAlive(pid)) await sleep(100);
	}
}

async function readPid(file, timeoutMs = 10_000) {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		try {
			const pid = Number(fs.readFileSync(file, 'utf8').split('\n')[0].trim());
			if (pid > 0) return pid;
		} catch {
			/* not written yet */
		}
		if (Date.now() > deadline) throw new Error(`no PID in ${file} after ${timeoutMs} ms`);
		await sleep(100);
	}
}

async function startRedis(dir, { redisBin, log = () => {} } = {}) {
	redisBin = redisBin || findRedis();
	await fsp.mkdir(dir, { recursive: true });
	const [port] = await freePorts(1);
	const pidFile = path.join(dir, 'redis.pid');
	const logFile = path.join(dir, 'redis.log');
	const args = ['--port', String(port), '--bind', '127.0.0.1', '--daemonize', 'yes', '--save', '', '--appendonly', 'no', '--dir', dir, '--pidfile', pidFile, '--logfile', logFile];
	const res = await run(redisBin, args);
	if (res.code !== 0) throw new Error(`redis-server failed to start (exit ${res.code}): ${res.out}`);
	const pid = await readPid(pidFile);
	ownPids.set(pid, 'SIGKILL');
	// ready when it answers PING
	const deadline = Date.now() + 10_000;
	for (;;) {
		if (await redisPing(port)) break;
		if (Date.now() > deadline) throw new Error(`redis on port ${port} did not answer PING (log ${logFile})`);
		await sleep(100);
	}
	log(`redis pid ${pid} on 127.0.0.1:${port}`);
	return {
		port,
		pid,
		logFile,
		dir,
		async stop() {
			await stopPid(pid, 'SIGTERM');
			ownPids.delete(pid);
		},
	};
}

function redisPing(port) {
	return new Promise((resolve) => {
		const socket = require('node:net').connect(port, '127.0.0.1');
		let data = '';
		socket.setTimeout(1000);
		socket.on('connect', () => socket.write('PING\r\n'));
		socket.on('data', (d) => {
			data += d;
			if (data.includes('\r\n')) {
				socket.destroy();
				resolve(data.startsWith('+PONG'));
			}
		});
		socket.on('timeout', () => {
			socket.destroy();
			resolve(false);
		});
		socket.on('error', () => resolve(false));
	});
}

/**
 * initdb + pg_ctl start of a throwaway cluster (trust auth, durability off: it is test data).
 * Postgres refuses to run as root, so as root its commands run as the `postgres` OS user
 * (created by Debian's postgresql package), and the data folder belongs to that user.
 */
async function startPostgres(dir, opts = {}) {
	const { log = () => {} } = opts;
	const pgBin = opts.pgBin || findPostgresBin();
	const dataDir = path.join(dir, 'data');
	const logFile = path.join(dir, 'postgres.log');
	await fsp.mkdir(dir, { recursive: true });
	const asPostgres = isRoot();
	if (asPostgres) {
		const { uid, gid } = postgresUser();
		await fsp.chown(dir, uid, gid);
		// that user must be able to reach the folder: open the run's own folders for traversal
		// (never the folders above runDir, which are not ours)
		const runDir = path.resolve(opts.runDir || path.dirname(dir));
		for (let p = path.dirname(path.resolve(dir)); p.startsWith(runDir); p = path.dirname(p)) {
			const mode = fs.statSync(p).mode;
			if ((mode & 0o001) === 0) await fsp.chmod(p, (mode & 0o7777) | 0o011);
			if (p === runDir) break;
		}
	}
	const pgRun = (bin, args) => (asPostgres ? run('runuser', ['-u', 'postgres', '--', path.join(pgBin, bin), ...args]) : run(path.join(pgBin, bin), args));
	const init = await pgRun('initdb', ['-D', dataDir, '-U', 'postgres', '--auth=trust', '--no-sync', '-E', 'UTF8']);
	if (init.code !== 0) throw new Error(`initdb failed (exit ${init.code}): ${init.out.slice(-2000)}`);
	const [port] = await freePorts(1);
	const serverOpts = `-p ${port} -k ${dataDir} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200`;
	const start = await pgRun('pg_ctl', ['-D', dataDir, '-l', logFile, '-o', serverOpts, '-w', '-t', '60', 'start']);
	if (start.code !== 0) throw new Error(`pg_ctl start failed (exit ${start.code}): ${start.out.slice(-2000)}\n${tailFile(logFile)}`);
	const pid = await readPid(path.join(dataDir, 'postmaster.pid'));
	ownPids.set(pid, 'SIGQUIT');
	log(`postgres pid ${pid} on 127.0.0.1:${port} (data ${dataDir})`);
	const conn = { host: '127.0.0.1', port, user: 'postgres', password: 'postgres' };
	return {
		port,
		pid,
		dataDir,
		logFile,
		dir,
		conn,
		/** CREATE DATABASE through psql over TCP (trust auth). */
		async createDatabase(name) {
			const psql = fs.existsSync(path.join(pgBin, 'psql')) ? path.join(pgBin, 'psql') : 'psql';
			const res = await run(psql, ['-h', '127.0.0.1', '-p', String(port), '-U', 'postgres', '-d', 'postgres', '-v', 'ON_ERROR_STOP=1', '-c', `CREATE DATABASE "${name}"`]);
			if (res.code !== 0) throw new Error(`CREATE DATABASE ${name} failed: ${res.out}`);
		},
		async stop() {
			// SIGINT = Postgres' "fast" shutdown: ends sessions, no waiting for clients
			await stopPid(pid, 'SIGINT');
			ownPids.delete(pid);
		},
	};
}

function postgresUser() {
	const line = fs
		.readFileSync('/etc/passwd', 'utf8')
		.split('\n')
		.find((l) => l.startsWith('postgres:'));
	if (!line) throw new Error('no `postgres` OS user: is the postgresql package installed?');
	const [, , uid, gid] = line.split(':');
	return { uid: Number(uid), gid: Number(gid) };
}

function tailFile(file, n = 30) {
	try {
		return fs.readFileSync(file, 'utf8').split('\n').slice(-n).join('\n');
	} catch {
		return '';
	}
}

module.exports = { ensureServerPackages, startRedis, startPostgres, stopPid, findPostgresBin, findRedis };
