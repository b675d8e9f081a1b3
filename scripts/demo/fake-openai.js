'use strict';
// A scripted stand-in for OpenAI's Chat Completions API, so that the AI Agent example runs
// offline (tests, `npm run editor`). It is not a language model: asked with tools, it calls the
// Sora tool once with a prompt made from the user's message; given the tool's result, it answers
// with the video URL. Point an OpenAI credential's Base URL at `<url>/v1`.
//
//   const llm = await startFakeOpenAi({ port: 0 });  llm.url; llm.requests; await llm.close();

const http = require('node:http');
const crypto = require('node:crypto');

const MODELS = ['gpt-4.1-mini', 'gpt-4o-mini'];

function textOf(content) {
	if (typeof content === 'string') return content;
	if (Array.isArray(content)) return content.map((part) => (typeof part === 'string' ? part : part?.text ?? '')).join('');
	return '';
}

/** The reply to one chat request: a tool call, or a final text. */
function reply(body) {
	const messages = Array.isArray(body.messages) ? body.messages : [];
	const tools = Array.isArray(body.tools) ? body.tools : [];
	const last = messages[messages.length - 1];
	if (last && last.role === 'tool') {
		const result = textOf(last.content);
		const url = /https?:\/\/[^\s"'\\)]+\.mp4/.exec(result)?.[0];
		const job = /"jobId"\s*:\s*"([^"]+)"/.exec(result)?.[1];
		const failed = /"status"\s*:\s*"FAILED"/.test(result) || /error/i.test(result.slice(0, 200));
		return {
			content: url
				? `Your video is ready: ${url}${job ? ` (TTAPI job ${job})` : ''}`
				: `The video could not be made${failed ? '' : ' yet'}: ${result.slice(0, 300)}`,
		};
	}
	const user = [...messages].reverse().find((m) => m.role === 'user');
	const ask = textOf(user?.content).trim() || 'a short video';
	const tool = tools.find((t) => /sora|video/i.test(t?.function?.name ?? '')) ?? tools[0];
	if (!tool) return { content: `(scripted stand-in for an LLM: no tool attached) You asked: ${ask}` };
	const subject = ask.replace(/^(please\s+)?(make|create|generate)\s+(me\s+)?(a\s+)?(short\s+)?video\s+(of\s+)?/i, '').replace(/[.!?]+$/, '');
	const prompt = `${subject.charAt(0).toUpperCase()}${subject.slice(1)}, cinematic, natural light, slow camera movement`;
	const properties = tool.function?.parameters?.properties ?? { prompt: { type: 'string' } };
	const args = {};
	for (const [name, schema] of Object.entries(properties)) {
		if (!schema || schema.type === 'string' || schema.type === undefined) args[name] = prompt;
	}
	return { toolCall: { id: `call_${crypto.randomBytes(8).toString('hex')}`, name: tool.function.name, arguments: JSON.stringify(args) } };
}

async function startFakeOpenAi({ port = 0, host = '127.0.0.1' } = {}) {
	const requests = [];
	const server = http.createServer((req, res) => {
		let raw = '';
		req.on('data', (d) => (raw += d));
		req.on('end', () => {
			const url = new URL(req.url, 'http://x');
			const json = (status, body) => {
				res.writeHead(status, { 'content-type': 'application/json' });
				res.end(JSON.stringify(body));
			};
			if (req.method === 'GET' && /\/models$/.test(url.pathname)) {
				return json(200, { object: 'list', data: MODELS.map((id) => ({ id, object: 'model', created: 0, owned_by: 'fake' })) });
			}
			if (req.method !== 'POST' || !/\/chat\/completions$/.test(url.pathname)) {
				return json(404, { error: { message: `fake OpenAI: ${req.method} ${url.pathname} is not implemented`, type: 'invalid_request_error' } });
			}
			let body;
			try {
				body = JSON.parse(raw || '{}');
			} catch {
				return json(400, { error: { message: 'invalid JSON', type: 'invalid_request_error' } });
			}
			const answer = reply(body);
			requests.push({ body, answer });
			const id = `chatcmpl-${crypto.randomBytes(6).toString('hex')}`;
			const created = Math.floor(Date.now() / 1000);
			const model = body.model || MODELS[0];
			const usage = { prompt_tokens: 50, completion_tokens: 20, total_tokens: 70 };
			const message = answer.toolCall
				? {
						role: 'assistant',
						content: null,
						tool_calls: [{ id: answer.toolCall.id, type: 'function', function: { name: answer.toolCall.name, arguments: answer.toolCall.arguments } }],
					}
				: { role: 'assistant', content: answer.content };
			const finish = answer.toolCall ? 'tool_calls' : 'stop';
			if (!body.stream) {
				return json(200, { id, object: 'chat.completion', created, model, choices: [{ index: 0, message, finish_reason: finish, logprobs: null }], usage });
			}
			res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
			const chunk = (delta, finishReason = null, extra = {}) =>
				res.write(`data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created, model, choices: [{ index: 0, delta, finish_reason: finishReason, logprobs: null }], ...extra })}\n\n`);
			if (answer.toolCall) {
				chunk({ role: 'assistant', content: null, tool_calls: [{ index: 0, id: answer.toolCall.id, type: 'function', function: { name: answer.toolCall.name, arguments: '' } }] });
				chunk({ tool_calls: [{ index: 0, function: { arguments: answer.toolCall.arguments } }] });
			} else {
				chunk({ role: 'assistant', content: '' });
				chunk({ content: answer.content });
			}
			chunk({}, finish);
			if (body.stream_options?.include_usage) {
				res.write(`data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created, model, choices: [], usage })}\n\n`);
			}
			res.end('data: [DONE]\n\n');
		});
	});
	await new Promise((resolve, reject) => server.once('error', reject).listen(port, host, resolve));
	const url = `http://${host}:${server.address().port}`;
	return {
		url,
		requests,
		close: () => new Promise((resolve) => server.close(() => resolve())),
	};
}

module.exports = { startFakeOpenAi };
