'use strict';
// Where the suite's Report nodes post each item that left a Sora node: { key, exec, node, item, json }.

const http = require('node:http');

async function startSink() {
	const reports = [];
	const server = http.createServer((req, res) => {
		const chunks = [];
		req.on('data', (c) => chunks.push(c));
		req.on('end', () => {
			if (req.method === 'POST' && req.url.startsWith('/report')) {
				try {
					reports.push({ at: Date.now(), ...JSON.parse(Buffer.concat(chunks).toString('utf8')) });
				} catch {
					reports.push({ at: Date.now(), unreadable: true });
				}
				res.writeHead(200, { 'content-type': 'application/json' });
				res.end('{"ok":true}');
				return;
			}
			res.writeHead(404);
			res.end();
		});
	});
	await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
	return {
		url: `http://127.0.0.1:${server.address().port}`,
		reports,
		/** Reports of one workflow key (and execution). */
		of: (key, exec) => reports.filter((r) => r.key === key && (exec === undefined || String(r.exec) === String(exec))),
		close: () =>
			new Promise((resolve) => {
				server.close(resolve);
				server.closeAllConnections();
			}),
	};
}

module.exports = { startSink };
