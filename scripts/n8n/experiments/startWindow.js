#!/usr/bin/env node
'use strict';
// What n8n answers a webhook call while it starts: a POST to an unknown production webhook every
// 10 ms from before the start until n8n is up, printed each time the answer changes.
//
//   node scripts/n8n/experiments/startWindow.js [--n8n 1|2|both]
//
// n8n answers 200 "n8n is starting up. Please wait" while its database is connected but its
// migrations are not yet checked (abstract-server.js): a TTAPI callback in that window is lost.
const rt = require('../runtime');

async function probeStart(line) {
	const info = await rt.ensureN8n(line);
	const n8n = await rt.createN8nInstance({ line, n8n: info, log: () => {} });
	try {
		// a first start creates and migrates the database; the probed start is a restart
		await n8n.start();
		await n8n.stop();
		const changes = [];
		let last = '';
		let probing = true;
		const t0 = Date.now();
		const probe = (async () => {
			while (probing) {
				let answer;
				try {
					const r = await fetch(`${n8n.baseUrl}/webhook/not-registered`, { method: 'POST', signal: AbortSignal.timeout(2000) });
					answer = `${r.status} ${(await r.text()).replace(/\s+/g, ' ').slice(0, 40)}`;
				} catch {
					answer = 'no answer (not listening)';
				}
				if (answer !== last) changes.push(`${Date.now() - t0} ms: ${answer}`);
				last = answer;
				await rt.sleep(10);
			}
		})();
		await n8n.start();
		probing = false;
		await probe;
		console.log(`n8n ${info.version}, answers to POST /webhook/not-registered during a restart:\n  ${changes.join('\n  ')}`);
	} finally {
		await n8n.cleanup();
	}
}

(async () => {
	for (const line of rt.linesFromArgs(process.argv.slice(2), 'node scripts/n8n/experiments/startWindow.js')) await probeStart(line);
})().catch((e) => {
	console.error(e);
	process.exit(1);
});
