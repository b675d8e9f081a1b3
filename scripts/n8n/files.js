'use strict';
// Reading what real n8n wrote to its user folder: binary data sizes and leaked secrets.

const fs = require('node:fs');
const path = require('node:path');

/** Size of a 2.x filesystem binary (id "filesystem-v2:<relative path>" or "filesystem:<file>"). */
function binaryFileSize(dataDir, id) {
	const m = /^filesystem(?:-v2)?:(.+)$/.exec(id || '');
	if (!m) return undefined;
	for (const base of [path.join(dataDir, 'binaryData'), path.join(dataDir, 'storage')]) {
		const p = path.join(base, m[1]);
		if (fs.existsSync(p)) return fs.statSync(p).size;
	}
	return undefined;
}

/** Size of a binary from an execution: inline base64 (1.x default) or a filesystem id (2.x default). */
function binarySize(dataDir, bin) {
	if (!bin) return undefined;
	if (bin.data && bin.data !== 'filesystem' && !bin.id) return Buffer.from(bin.data, 'base64').length;
	return binaryFileSize(dataDir, bin.id);
}

/** Every file under dir that contains one of the needles (binary-safe), as "<path> (<needle>…)". */
function filesContaining(dir, needles) {
	const hits = [];
	const bufs = [].concat(needles).map((n) => [n, Buffer.from(n)]);
	const walk = (d) => {
		for (const e of fs.readdirSync(d, { withFileTypes: true })) {
			const p = path.join(d, e.name);
			if (e.isDirectory()) walk(p);
			else if (e.isFile()) {
				let content;
				try {
					content = fs.readFileSync(p);
				} catch {
					continue; // vanished (sqlite -shm/-wal)
				}
				for (const [needle, buf] of bufs) if (content.includes(buf)) hits.push(`${path.relative(dir, p)} (${needle.slice(0, 6)}…)`);
			}
		}
	};
	walk(dir);
	return hits;
}

module.exports = { binaryFileSize, binarySize, filesContaining };
