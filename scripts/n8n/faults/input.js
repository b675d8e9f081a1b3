'use strict';
// 9. Bad input from upstream nodes: expressions that resolve to a number, an empty string, a list
//    where text is expected, a 10 000-character prompt, a bad duration, a non-http image URL.
//    Every bad item gets an error that names its field, and nothing is sent for it. With Continue
//    On Fail the good item still runs; without it nothing at all is sent.
//    The check runs before the wait mode matters, but it is run in all three modes (on n8n 1.x,
//    where Wait for Callback polls, in Poll and Don't Wait).

const { describe } = require('./check');

const MODES = [
	['poll', 'pollIn', 'pollInStrict'],
	['callback', 'cbIn', 'cbInStrict'],
	['trigger', 'noneIn', 'noneInStrict'],
];

const KINDS = [
	{ name: 'prompt expression resolves to a number', item: () => ({ prompt: 12345 }), cause: /^Invalid "Prompt": must be text, but the value is a number$/ },
	{ name: 'prompt expression resolves to an empty string', item: () => ({ prompt: '' }), cause: /^Invalid "Prompt": must not be empty$/ },
	{ name: 'prompt of spaces only', item: () => ({ prompt: '   ' }), cause: /^Invalid "Prompt": must not be empty$/ },
	{ name: 'prompt expression resolves to a list', item: () => ({ prompt: ['a cat', 'a dog'] }), cause: /^Invalid "Prompt": must be text, but the value is a list$/ },
	{ name: '10 000-character prompt', item: (tag) => ({ prompt: `${tag} ${'x'.repeat(10_000 - tag.length - 1)}` }), cause: /^Invalid "Prompt": must be at most 4000 characters \(it has 10000\)$/ },
	{ name: 'duration expression resolves to "abc"', item: (tag) => ({ prompt: `${tag} bad duration`, duration: 'abc' }), cause: /^Invalid "Duration \(Seconds\)": must be 10, 15 or 25 seconds/ },
	{ name: 'reference image URL is ftp://… / a number', item: (tag) => ({ prompt: `${tag} bad image`, refs: ['ftp://example.com/a.png', 7] }), cause: /^Invalid "Reference Image URLs"/ },
];

/** Requests the simulator saw that belong to this batch: any body with the tag, or a non-text prompt. */
function requestsOf(ctx, tag) {
	const c = ctx.sim.counters();
	return [...c.generationBodies, ...c.rejectedGenerationBodies].filter((b) => b.body && (typeof b.body.prompt !== 'string' || b.body.prompt.includes(tag)));
}

/** One execution per mode with a good item first and every bad kind after it (Continue On Fail). */
function batchRunner() {
	const memo = new Map();
	return (ctx, mode, route) => {
		if (!memo.has(mode)) {
			memo.set(mode, (async () => {
				const tag = ctx.tag(`input-${route}`);
				const items = [{ prompt: `${tag} good` }, ...KINDS.map((k) => k.item(tag))];
				const r = await ctx.generate(route, items);
				return { r, tag, good: items[0].prompt };
			})());
		}
		return memo.get(mode);
	};
}

/** The modes a line runs: on n8n 1.x Wait for Callback polls, so it would repeat the Poll run. */
const modesOn = (line) => MODES.filter(([mode]) => mode !== 'callback' || line !== '1');

function kindRow(kind, index, batch, modes) {
	return {
		group: 9,
		order: index,
		fault: kind.name,
		mode: modes.map(([mode]) => mode).join(', '),
		expected: 'in each mode an error naming the field; nothing sent for it; the good item of the batch still runs (Continue On Fail)',
		estSeconds: 10,
		async run(ctx) {
			const seen = [];
			let pass = true;
			for (const [mode, route] of modes) {
				const { r, tag, good } = await batch(ctx, mode, route);
				const item = r.items[index + 1];
				const text = String(item?.json?.error ?? '');
				const goodItem = r.items[0]?.json || {};
				const goodOk = mode === 'trigger' ? goodItem.status === 'SUBMITTED' : goodItem.status === 'SUCCESS';
				const sent = requestsOf(ctx, tag);
				const onlyGood = sent.length === 1 && sent[0].body.prompt === good;
				const ok = r.status === 'success' && kind.cause.test(text) && !item.json.jobId && goodOk && onlyGood;
				pass = pass && ok;
				seen.push(`${mode}: ${ok ? '' : '✗ '}"${text.slice(0, 90)}"${onlyGood ? '' : ` (requests ${sent.length})`}${goodOk ? '' : ` good item ${goodItem.status}`}`);
			}
			return { pass, observed: seen.join(' · ') };
		},
	};
}

function strictRow(mode, route, order) {
	return {
		group: 9,
		order,
		fault: 'a bad item in a batch without Continue On Fail (good item first, then a number as prompt)',
		mode,
		expected: 'the node fails naming the field and the item, "Nothing was sent to TTAPI"; no request at all, not even for the good item',
		estSeconds: 5,
		async run(ctx) {
			const tag = ctx.tag(`input-strict-${route}`);
			const r = await ctx.generate(route, [{ prompt: `${tag} good` }, { prompt: 12345 }]);
			const message = r.error?.message ?? '';
			const description = r.error?.description ?? '';
			const sent = requestsOf(ctx, tag).filter((b) => typeof b.body.prompt === 'string').length;
			const pass = r.status === 'error' && /^Invalid "Prompt": must be text, but the value is a number/.test(message) && /Nothing was sent to TTAPI/.test(description) && sent === 0;
			return { pass, observed: `execution ${r.status}: "${message}" (${description}); item ${JSON.stringify(r.error?.context?.itemIndex ?? r.error?.itemIndex)}; requests ${sent}${r.items.length ? `; output ${describe(r.items[0])}` : ''}` };
		},
	};
}

function rows(ctx) {
	const batch = batchRunner();
	const modes = modesOn(ctx.line);
	return [...KINDS.map((kind, i) => kindRow(kind, i, batch, modes)), ...MODES.map(([mode, , strict], i) => strictRow(mode, strict, 20 + i))];
}

module.exports = { rows };
