/**
 * startWebhookServer: a small HTTP server that stands in for n8n's webhook endpoint in front of
 * one trigger node, so the TTAPI simulator can call it for real (hookUrl callbacks and
 * sim.sendCallback). Each POST to /webhook/<path> (or /webhook-test/<path> in manual mode) runs
 * the node through runWebhook, with n8n's request handling:
 *   - the body is parsed like n8n's parseBody: application/json → JSON (invalid JSON → 422
 *     "Failed to parse request body", the node does not run), text/plain → string, else none;
 *   - the query string is parsed into strings / arrays for repeated names;
 *   - static data is loaded per call and saved after it (see run-webhook.ts);
 *   - an unknown path → 404.
 * Every handled call is recorded in `calls` (with the node's output items and, when webhook()
 * started one, the execution: see run-trigger-execution.ts).
 */
import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { parse as parseQuery } from 'node:querystring';

import {
	type RunWebhookResult,
	type StaticDataStore,
	type WebhookTarget,
	createStaticDataStore,
	resolveWebhookPath,
	runWebhook,
} from './run-webhook';
import { type TriggerExecutionResult, runTriggerExecution } from './run-trigger-execution';

export interface WebhookCall extends RunWebhookResult {
	/** The raw request URL (path + query). */
	url: string;
	/** The execution webhook() started, run after the call (n8n runs it on its own). */
	execution?: TriggerExecutionResult;
}

export interface WebhookServer {
	/** e.g. http://127.0.0.1:PORT */
	baseUrl: string;
	/** The Production URL (or test URL in manual mode) of the trigger, without any token. */
	webhookUrl: string;
	path: string;
	calls: WebhookCall[];
	staticData: StaticDataStore;
	/** Requests that reached the server (including refused and 404 ones). */
	requests: number;
	/** Resolves once `count` calls have been handled completely (webhook() returned). */
	waitForCalls(count: number, timeoutMs?: number): Promise<WebhookCall[]>;
	/** Calls whose webhook() started an execution. */
	startedCalls(): WebhookCall[];
	/** Calls whose execution got past the trigger (its output has items). */
	handledCalls(): WebhookCall[];
	close(): Promise<void>;
}

export async function startWebhookServer(target: WebhookTarget): Promise<WebhookServer> {
	const staticData = target.staticData ?? createStaticDataStore();
	const mode = target.mode ?? 'webhook';
	const prefix = mode === 'manual' ? '/webhook-test/' : '/webhook/';
	const path = resolveWebhookPath({ ...target, staticData });
	const calls: WebhookCall[] = [];
	const waiters: Array<() => void> = [];
	let requests = 0;
	let executions = 0;

	const server = http.createServer((req, res) => {
		requests += 1;
		void handle(req, res).catch((error: Error) => {
			if (!res.headersSent) {
				res.statusCode = 500;
				res.end(JSON.stringify({ message: error.message }));
			}
		});
	});

	async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
		const url = req.url ?? '/';
		const [rawPath, rawQuery = ''] = url.split(/\?(.*)/s, 2);
		const chunks: Buffer[] = [];
		for await (const chunk of req) chunks.push(chunk as Buffer);
		const raw = Buffer.concat(chunks);
		const wanted = `${prefix}${path}`;
		if (req.method !== 'POST' || rawPath.replace(/\/+$/, '') !== wanted) {
			res.statusCode = 404;
			res.setHeader('content-type', 'application/json');
			res.end(JSON.stringify({ code: 404, message: `The requested webhook "${req.method} ${rawPath}" is not registered.` }));
			return;
		}
		const contentType = (req.headers['content-type'] ?? '').split(';')[0].trim();
		let body: unknown;
		if (raw.length) {
			if (contentType === 'application/json') {
				try {
					body = JSON.parse(raw.toString('utf8'));
				} catch (error) {
					res.statusCode = 422;
					res.setHeader('content-type', 'application/json');
					res.end(JSON.stringify({ code: 422, message: 'Failed to parse request body', hint: (error as Error).message }));
					return;
				}
			} else if (contentType === 'text/plain') {
				body = raw.toString('utf8');
			}
		}
		const query = parseQuery(rawQuery) as Record<string, string | string[]>;
		const headers = Object.fromEntries(
			Object.entries(req.headers).map(([name, value]) => [name, Array.isArray(value) ? value.join(', ') : String(value ?? '')]),
		);
		const result = await runWebhook({
			...target,
			staticData,
			request: { body, query, headers },
			forwardTo: res,
		});
		if (!result.response.ended) {
			// What n8n does when webhook() throws: an error answer.
			res.statusCode = 500;
			res.setHeader('content-type', 'application/json');
			res.end(JSON.stringify({ code: 0, message: 'Workflow Webhook Error: Workflow could not be started!' }));
		}
		const execution = result.started
			? await runTriggerExecution({
					node: target.node,
					parameters: target.parameters,
					credentials: target.credentials,
					credentialTypes: target.credentialTypes,
					workflowId: target.workflowId ?? 'harness-webhook-workflow',
					items: result.items,
					executionId: `server-${++executions}`,
					mode,
					binaryMode: target.binaryMode,
				})
			: undefined;
		calls.push({ ...result, url, execution });
		for (const wake of waiters.splice(0)) wake();
	}

	server.listen(0, '127.0.0.1');
	await once(server, 'listening');
	const { port } = server.address() as AddressInfo;
	const baseUrl = `http://127.0.0.1:${port}`;

	return {
		baseUrl,
		webhookUrl: `${baseUrl}${prefix}${path}`,
		path,
		calls,
		staticData,
		get requests() {
			return requests;
		},
		async waitForCalls(count, timeoutMs = 15_000) {
			const deadline = Date.now() + timeoutMs;
			while (calls.length < count) {
				const left = deadline - Date.now();
				if (left <= 0) throw new Error(`only ${calls.length} of ${count} webhook calls within ${timeoutMs} ms`);
				await new Promise<void>((resolve) => {
					const timer = setTimeout(resolve, left);
					waiters.push(() => {
						clearTimeout(timer);
						resolve();
					});
				});
			}
			return calls.slice(0, count);
		},
		startedCalls: () => calls.filter((call) => call.started),
		handledCalls: () => calls.filter((call) => (call.execution?.items.length ?? 0) > 0),
		async close() {
			server.closeAllConnections?.();
			await new Promise<void>((resolve) => server.close(() => resolve()));
		},
	};
}
