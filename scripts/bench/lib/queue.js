'use strict';
// `--queue`: the batch sections in an n8n queue-mode cluster (Redis, Postgres, main + 2 workers +
// 2 webhook processors behind the round-robin proxy; scripts/n8n/queue/cluster.js), against the
// same simulator, with the same workflows and the same batch as in one process.

const { startQueueCluster } = require('../../n8n/queue/cluster');
const c = require('./common');
const wf = require('./workflows');
const batch = require('./batch');
const { queueTarget } = require('./targets');

async function startBenchCluster({ line, packageDir, sim, k, pollSeconds, log }) {
	let flows;
	const cluster = await startQueueCluster({
		line,
		packageDir,
		simUrl: sim.url,
		apiKey: c.API_KEY,
		callbackSecret: c.SECRET,
		workers: 2,
		webhooks: 2,
		log: (m) => log(`[queue] ${m}`),
		workflows: (cl) => {
			flows = batch.batchWorkflows(wf, { simUrl: sim.url, apiKey: c.API_KEY, k, pollSeconds, credential: cl.credential });
			return Object.values(flows).map((f) => f.wf);
		},
	});
	return { cluster, target: queueTarget(cluster), flows };
}

module.exports = { startBenchCluster };
