/**
 * Section 6 of `npm run bench`: the time Sora Generate's own code spends per item outside
 * waiting for TTAPI, run in-process inside n8n-core (the test harness) against the simulator
 * with zero render time. Not a test: run by scripts/bench/lib/overhead.js, which reads the JSON
 * written to $BENCH_OVERHEAD_OUT.
 *
 * Per item = (the node's execution time − the time spent inside the TTAPI client's send(), i.e.
 * n8n's HTTP helper + the loopback round trip + the simulator) / items, with Max Jobs in Flight
 * 1 so the sends do not overlap. What is left is our code plus the n8n calls it makes (parameter
 * and expression reads, building the request, classifying the answer, normalising the output).
 */
import { writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';

import { buildGenerationRequest } from '../../../nodes/SoraGenerate/actions/generateVideo/generationRequest';
import { normaliseJobResult } from '../../../nodes/shared/normalise';
import { classifySubmitResponse } from '../../../nodes/shared/soraApi';
import * as transport from '../../../nodes/shared/transport';
import { generateParameters, prompts, runSora, startTestSimulator } from '../../../test/integration/fixtures';

const ITEMS = Number(process.env.BENCH_OVERHEAD_ITEMS ?? 200);
const ROUNDS = 3;

function timedClients() {
	const timing = { sendMs: 0, sends: 0 };
	const original = transport.createTtApiClient;
	jest.spyOn(transport, 'createTtApiClient').mockImplementation(async (context) => {
		const client = await original(context);
		return {
			send: async (request) => {
				const started = performance.now();
				try {
					return await client.send(request);
				} finally {
					timing.sendMs += performance.now() - started;
					timing.sends++;
				}
			},
		};
	});
	return timing;
}

function perCallMicros(fn: () => unknown, calls = 20_000): number {
	for (let i = 0; i < 1000; i++) fn();
	const started = performance.now();
	for (let i = 0; i < calls; i++) fn();
	return ((performance.now() - started) * 1000) / calls;
}

test('node overhead per item', async () => {
	const sim = await startTestSimulator({ queueLimit: 1_000_000, queueMs: 0, renderMs: 0, videoBytes: 1024 });
	const timing = timedClients();
	const input = (n: number, tag: string) => prompts(...Array.from({ length: n }, (_, i) => `overhead ${tag} #${i}: a paper boat on a pond at dawn`));
	try {
		await runSora(sim, generateParameters({ waitMode: 'none', maxJobsInFlight: 1 }), input(20, 'warm-up'));

		const rounds = [];
		for (let round = 0; round < ROUNDS; round++) {
			timing.sendMs = 0;
			timing.sends = 0;
			const result = await runSora(sim, generateParameters({ waitMode: 'none', maxJobsInFlight: 1 }), input(ITEMS, `r${round}`));
			expect(result.error).toBeUndefined();
			expect(result.items).toHaveLength(ITEMS);
			const nodeMs = result.runData['Sora Generate'][0].executionTime;
			rounds.push({ nodeMs, sendMs: timing.sendMs, sends: timing.sends, ownPerItemMs: (nodeMs - timing.sendMs) / ITEMS, sendPerItemMs: timing.sendMs / ITEMS });
		}
		rounds.sort((a, b) => a.ownPerItemMs - b.ownPerItemMs);
		const median = rounds[Math.floor(rounds.length / 2)];

		// the same with 5 jobs in flight: how fast one node run submits a sheet (wall time per item)
		const parallel = await runSora(sim, generateParameters({ waitMode: 'none', maxJobsInFlight: 5 }), input(ITEMS, 'k5'));
		const parallelMs = parallel.runData['Sora Generate'][0].executionTime;

		const fetchBody = { status: 'SUCCESS', message: '', jobId: 'c679a92e-0000-4000-8000-000000000001', data: { model: 'sora-2', prompt: 'a paper boat', videoUrl: 'https://cdn.example/v.mp4', referImages: null, quota: '3', finishTime: '2025-10-10 07:24:42', hookUrl: 'https://n8n.example/webhook/x?ttapiToken=abc' } };
		const micro = {
			buildGenerationRequestUs: perCallMicros(() => buildGenerationRequest({ model: 'sora-2', prompt: 'a paper boat on a pond at dawn', orientation: 'portrait', duration: 10 } as never)),
			classifySubmitResponseUs: perCallMicros(() => classifySubmitResponse({ statusCode: 200, body: { status: 'SUCCESS', message: 'success', data: { job_id: 'c679a92e' } } })),
			normaliseJobResultUs: perCallMicros(() => normaliseJobResult(fetchBody, fetchBody.jobId)),
		};

		const out = {
			items: ITEMS,
			rounds,
			ownPerItemMs: median.ownPerItemMs,
			sendPerItemMs: median.sendPerItemMs,
			totalPerItemMs: median.nodeMs / ITEMS,
			k5WallPerItemMs: parallelMs / ITEMS,
			micro,
		};
		if (process.env.BENCH_OVERHEAD_OUT) writeFileSync(process.env.BENCH_OVERHEAD_OUT, JSON.stringify(out, null, 2));
		else console.log(JSON.stringify(out, null, 2));
	} finally {
		jest.restoreAllMocks();
		await sim.close();
	}
});
