#!/usr/bin/env node
'use strict';
// The TTAPI credential's Test button, through n8n's own path, in real n8n (1.x and/or 2.x)
// against the TTAPI simulator: log in as the owner, save a credential (POST /rest/credentials, as
// the editor does), test it (POST /rest/credentials/test, what the Test button sends), and check
// the exact status and message n8n answers. n8n runs the credential's declarative `test` request
// (credentials-tester.service.js: a credential's own test wins over any node's testedBy), so
// these are the texts a user sees.
//
//   node scripts/n8n/scenarios/credential.js [--n8n 1|2|both]   (needs `npm run build` first)
//
// Cases: a good key; a wrong key (TTAPI answers 401); a Base URL where nothing listens; https://
// to a server that speaks http; a scheme that is not http(s); a web server that is not TTAPI.
// The API key must appear in no answer.

const http = require('node:http');
const rt = require('../runtime');
const { startSimulator } = require('../../../test/simulator');

const API_KEY = 'sk-credential-scenario-KEY-5521';
const WRONG_KEY = 'sk-credential-scenario-WRONG-0042';

/**
 * The texts n8n answers. The TTAPI ones are the rules in credentials/TtApi.credentials.ts and the
 * same on both lines; for network errors n8n shows its own text, which differs between the lines
 * (2.x: the error code; 1.x: NodeApiError's wording).
 */
const EXPECTED = {
	good: { status: 'OK', message: 'Connection successful!' },
	wrongKey: { status: 'Error', message: 'TTAPI refused the API key: Wrong TT-API-KEY or email is not activated.' },
	notTtapi: {
		status: 'Error',
		message: 'The Base URL answered, but not as TTAPI does: is it https://api.ttapi.io, https://api.ttapi.org, or a proxy that passes /midjourney/v1/info on?',
	},
	deadUrl: { 2: 'ECONNREFUSED', 1: 'The service refused the connection - perhaps it is offline' },
	httpsToHttp: { 2: 'EPROTO', 1: /^write EPROTO [^\n]*SSL routines/ },
	notHttp: { 2: 'ERR_BAD_REQUEST', 1: 'Unsupported protocol ftp:' },
};

function cases({ line, simUrl, closedPort, webUrl }) {
	const custom = (customBaseUrl, apiKey = API_KEY) => ({ apiKey, baseUrl: 'custom', customBaseUrl, callbackSecret: '' });
	const simPort = new URL(simUrl).port;
	const networkError = (key) => ({ status: 'Error', message: EXPECTED[key][line] });
	return [
		{ key: 'good', title: 'a good key', data: custom(simUrl), expect: EXPECTED.good, reachesTtapi: true },
		{ key: 'wrongKey', title: 'a wrong key (TTAPI answers 401)', data: custom(simUrl, WRONG_KEY), expect: EXPECTED.wrongKey, reachesTtapi: true },
		{ key: 'deadUrl', title: 'a Base URL where nothing listens', data: custom(`http://127.0.0.1:${closedPort}`), expect: networkError('deadUrl') },
		{
			key: 'httpsToHttp',
			title: 'https:// for a server that speaks http (the http/https mistake)',
			data: custom(`https://127.0.0.1:${simPort}`),
			expect: networkError('httpsToHttp'),
		},
		{ key: 'notHttp', title: 'a Base URL that is not http(s) (ftp://)', data: custom('ftp://127.0.0.1:21'), expect: networkError('notHttp') },
		{ key: 'notTtapi', title: 'a web server that is not TTAPI (HTML 404)', data: custom(webUrl), expect: EXPECTED.notTtapi },
	];
}

function matches(expected, actual) {
	return expected instanceof RegExp ? expected.test(String(actual)) : expected === actual;
}

/** A web server that is not TTAPI: every path is an HTML 404. */
async function startWebServer() {
	const server = http.createServer((req, res) => {
		res.writeHead(404, { 'content-type': 'text/html' });
		res.end('<html><body><h1>Not Found</h1></body></html>');
	});
	await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
	return { url: `http://127.0.0.1:${server.address().port}`, close: () => new Promise((r) => server.close(r)) };
}

async function runLine(line, log) {
	const rows = [];
	const row = (scenario, pass, detail) => {
		rows.push({ scenario, pass: !!pass, detail });
		log(`${pass ? 'PASS' : 'FAIL'} ${scenario}: ${detail}`);
	};
	let sim;
	let web;
	let n8n;
	try {
		const info = await rt.ensureN8n(line);
		sim = await startSimulator({ port: 0, apiKeys: [API_KEY], queueMs: 100, renderMs: 500 });
		web = await startWebServer();
		const [closedPort] = await rt.freePorts(1);
		n8n = await rt.createN8nInstance({ line, n8n: info });
		await n8n.start();
		await n8n.rest.setupOwner();

		for (const c of cases({ line, simUrl: sim.url, closedPort, webUrl: web.url })) {
			// The simulator counts accepted info calls and 401 answers apart: together, "reached TTAPI".
			const reached = () => sim.counters().infoCalls + sim.counters().unauthorized;
			const reachedBefore = reached();
			// Save it as the editor does, then test it with the form's data, as the Test button does.
			const saved = await n8n.rest.call('POST', '/credentials', { name: `TTAPI ${c.key}`, type: 'ttApi', data: c.data });
			const answer = await n8n.rest.call('POST', '/credentials/test', {
				credentials: { id: saved.id, name: saved.name, type: 'ttApi', data: c.data },
			});
			const text = JSON.stringify(answer);
			const leaked = text.includes(API_KEY) || text.includes(WRONG_KEY);
			const reachedSim = reached() > reachedBefore;
			const pass =
				answer &&
				answer.status === c.expect.status &&
				matches(c.expect.message, answer.message) &&
				!leaked &&
				(!c.reachesTtapi || reachedSim);
			row(
				`${c.key}: ${c.title}`,
				pass,
				`n8n ${n8n.version} answered ${text}${leaked ? ' (CONTAINS THE API KEY)' : ''}${c.reachesTtapi ? `; requests that reached the simulator +${reached() - reachedBefore}` : ''}`,
			);
		}
	} catch (e) {
		row('setup/run', false, (e.stack || String(e)).split('\n').slice(0, 6).join(' | '));
		if (n8n) log(n8n.tailLogs(40));
	} finally {
		if (n8n) await n8n.cleanup().catch((e) => row('cleanup', false, e.message));
		if (web) await web.close();
		if (sim) await sim.close();
	}
	return rows;
}

async function run({ line = '2', log = (m) => process.stderr.write(`${m}\n`) } = {}) {
	return { rows: await runLine(String(line), log) };
}

async function main() {
	const lines = rt.linesFromArgs(process.argv.slice(2), 'node scripts/n8n/scenarios/credential.js');
	const all = [];
	for (const line of lines) {
		console.log(`\n=== credential Test (POST /rest/credentials/test): n8n line ${line}.x`);
		const { rows } = await run({ line, log: (m) => console.log(`  ${m}`) });
		for (const r of rows) all.push({ line, ...r });
	}
	console.log('\n=== credential Test summary');
	console.log('| n8n | case | result | what n8n answered |\n|---|---|---|---|');
	for (const r of all) console.log(`| ${r.line}.x | ${r.scenario} | ${r.pass ? 'PASS' : 'FAIL'} | ${r.detail.replace(/\|/g, '/')} |`);
	process.exit(all.length && all.every((r) => r.pass) ? 0 : 1);
}

module.exports = { run, EXPECTED };

if (require.main === module) {
	main().catch((e) => {
		console.error(e.stack || e);
		process.exit(1);
	});
}
