'use strict';
// Runs `npm run editor` (scripts/demo/editor.js) as a user does, on free ports, and reads what it
// prints: the editor's address, the login, a link per example workflow, the simulator's address.

const { spawn } = require('node:child_process');
const path = require('node:path');

const EDITOR = path.join(__dirname, '..', 'demo', 'editor.js');

/**
 * Starts the editor and resolves once it prints "Press Ctrl-C" (n8n up, owner set up, examples
 * imported). `stop()` sends Ctrl-C (SIGINT) and waits for it to clean up.
 */
async function startEditor({ line, port, simPort, log, timeoutMs = 8 * 60_000 }) {
	const child = spawn(process.execPath, [EDITOR, '--n8n', line, '--port', String(port), '--sim-port', String(simPort), '--render-seconds', '1', '--no-build'], {
		stdio: ['ignore', 'pipe', 'pipe'],
		env: { ...process.env, TTAPI_API_KEY: '' },
	});
	let output = '';
	const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
	const ready = new Promise((resolve, reject) => {
		const timer = setTimeout(() => reject(new Error(`npm run editor was not ready after ${timeoutMs / 1000} s:\n${output.slice(-3000)}`)), timeoutMs);
		const onData = (chunk) => {
			output += chunk;
			if (/Press Ctrl-C to stop/.test(output)) {
				clearTimeout(timer);
				resolve();
			}
		};
		child.stdout.on('data', onData);
		child.stderr.on('data', (chunk) => (output += chunk));
		exited.then(({ code }) => {
			clearTimeout(timer);
			reject(new Error(`npm run editor exited (${code}) before it was ready:\n${output.slice(-3000)}`));
		});
	});
	const stop = async () => {
		if (child.exitCode === null && child.signalCode === null) child.kill('SIGINT');
		const timeout = new Promise((resolve) => setTimeout(() => resolve('timeout'), 60_000).unref());
		if ((await Promise.race([exited, timeout])) === 'timeout') child.kill('SIGKILL');
	};
	try {
		await ready;
	} catch (error) {
		await stop();
		throw error;
	}
	const baseUrl = /editor: (http:\/\/\S+)/.exec(output)?.[1];
	const email = /Log in with\s+(\S+)\s+\/\s+(\S+)/.exec(output);
	const workflows = {};
	for (const match of output.matchAll(/^ {2}(Sora example [^\n]*?)(?: {2}\[active[^\n]*)?\n {4}(http\S+)/gm)) {
		workflows[match[1].trim()] = match[2];
	}
	const simUrl = /the local TTAPI simulator at (http:\/\/\S+)/.exec(output)?.[1];
	const video = /Each video is ([^\n]+)\./.exec(output)?.[1];
	log?.(`  npm run editor is up: ${baseUrl}, ${Object.keys(workflows).length} workflows, simulator ${simUrl}`);
	return { baseUrl, login: { email: email?.[1], password: email?.[2] }, workflows, simUrl, video, output: () => output, stop };
}

module.exports = { startEditor };
