'use strict';
// 8. Bad credentials: a wrong key (TTAPI's 401 and its message), a base URL where nothing listens,
//    a base URL that is a web server but not TTAPI, a base URL that is not http(s). Clear errors.
//    (That the API key appears nowhere is checked over the whole run in final.js.)

const { describe, triggerItem } = require('./check');

const MODES = [
	['poll', 'poll'],
	['callback', 'cb'],
	['trigger', 'none'],
];
const routeFor = (prefix, route) => `${route}${prefix}`;

function wrongKeyRow(mode, route, order) {
	return {
		group: 8,
		order,
		fault: 'wrong API key (TTAPI answers 401)',
		mode,
		expected: 'item error "TTAPI refused the API key: Wrong TT-API-KEY or email is not activated."; no job',
		estSeconds: 6,
		async run(ctx) {
			const prompt = `${ctx.tag(`cred-key-${route}`)} wrong key`;
			const r = await ctx.generate(routeFor('WrongKey', route), [prompt]);
			const item = r.items[0];
			const text = String(item?.json?.error ?? '');
			const pass = r.status === 'success' && text.includes('TTAPI refused the API key: Wrong TT-API-KEY or email is not activated.') && !item.json.jobId && ctx.submissionsFor(prompt) === 0 && r.seconds < 30;
			return { pass, observed: `execution ${r.status} in ${r.seconds.toFixed(0)} s: ${describe(item)}; jobs ${ctx.submissionsFor(prompt)}` };
		},
	};
}

function triggerWrongKeyRow(order) {
	return {
		group: 8,
		order,
		fault: 'wrong API key on the Sora Trigger\'s credential (its lookup gets 401)',
		mode: 'trigger',
		expected: 'the trigger still starts once, from the callback body, marked verified:false with verifyError "refused the API key … Wrong TT-API-KEY"',
		estSeconds: 15,
		async run(ctx) {
			const prompt = `${ctx.tag('cred-key-trigger')} trigger with a wrong key`;
			const r = await ctx.generate('noneToWrongKeyTrigger', [prompt]);
			const job = ctx.jobsFor(prompt)[0];
			const reports = job ? await ctx.waitTrigger(job.jobId, { timeoutMs: 30_000 }) : [];
			const j = reports[0] ? (await triggerItem(ctx, reports[0].exec))?.json || {} : {};
			const pass = r.status === 'success' && reports.length === 1 && j.verified === false && /refused the API key: Wrong TT-API-KEY/.test(j.verifyError ?? '') && j.status === 'SUCCESS';
			return { pass, observed: `trigger executions ${reports.length}: status ${j.status}, verified ${j.verified}, verifyError "${(j.verifyError ?? '').slice(0, 110)}"` };
		},
	};
}

function refusedRow(mode, route, order) {
	return {
		group: 8,
		order,
		fault: 'wrong base URL: nothing listens there (connection refused)',
		mode,
		expected: 'item error "Could not connect to TTAPI at <url> (ECONNREFUSED) … nothing was charged" within 30 s',
		estSeconds: 10,
		async run(ctx) {
			const prompt = `${ctx.tag(`cred-refused-${route}`)} nobody home`;
			const r = await ctx.generate(routeFor('Refused', route), [prompt], { timeoutMs: 150_000 });
			const item = r.items[0];
			const text = String(item?.json?.error ?? '');
			const pass = r.status === 'success' && text.includes(`Could not connect to TTAPI at http://127.0.0.1:${ctx.closedPort} (ECONNREFUSED)`) && /nothing was charged/.test(text) && r.seconds < 30;
			return { pass, observed: `execution ${r.status} in ${r.seconds.toFixed(0)} s: ${describe(item)}` };
		},
	};
}

function notTtapiRow(mode, route, order) {
	return {
		group: 8,
		order,
		fault: 'wrong base URL: a web server that is not TTAPI (HTML 404)',
		mode,
		expected: 'item error naming HTTP 404 and the non-JSON answer; the request was sent once, not resent',
		estSeconds: 6,
		async run(ctx) {
			const prompt = `${ctx.tag(`cred-web-${route}`)} wrong server`;
			const r = await ctx.generate(routeFor('NotTtapi', route), [prompt]);
			const item = r.items[0];
			const text = String(item?.json?.error ?? '');
			const sent = ctx.sink.others.filter((o) => o.body && o.body.prompt === prompt).length;
			const pass = r.status === 'success' && /HTTP 404/.test(text) && /not JSON/.test(text) && sent === 1;
			return { pass, observed: `execution ${r.status} in ${r.seconds.toFixed(0)} s: ${describe(item)}; requests that reached the server ${sent}` };
		},
	};
}

function ftpRow(mode, route, order) {
	return {
		group: 8,
		order,
		fault: 'base URL that is not http(s) (ftp://…), Continue On Fail',
		mode,
		expected: 'an error item "Base URL must start with http:// or https://" for the input item; nothing sent',
		estSeconds: 5,
		async run(ctx) {
			const prompt = `${ctx.tag(`cred-ftp-${route}`)} ftp`;
			const r = await ctx.generate(routeFor('Ftp', route), [prompt]);
			const item = r.items[0];
			const text = String(item?.json?.error ?? '');
			const pass = /Base URL must start with http:\/\/ or https:\/\//.test(text) && ctx.submissionsFor(prompt) === 0;
			const passedThrough = item && !item.json.error && item.json.prompt === prompt;
			const how = passedThrough
				? `the input item came out unchanged, with no error field (${JSON.stringify(item.json).slice(0, 60)}); the message is only on the node's run: "${r.nodeError?.message ?? '?'}"`
				: describe(item);
			return { pass, observed: `execution ${r.status} in ${r.seconds.toFixed(0)} s: ${how}; jobs ${ctx.submissionsFor(prompt)}` };
		},
	};
}

function rows() {
	const out = [];
	MODES.forEach(([mode, route], i) => {
		out.push(wrongKeyRow(mode, route, i));
	});
	out.push(triggerWrongKeyRow(3));
	MODES.forEach(([mode, route], i) => out.push(refusedRow(mode, route, 10 + i)));
	MODES.forEach(([mode, route], i) => out.push(notTtapiRow(mode, route, 20 + i)));
	MODES.forEach(([mode, route], i) => out.push(ftpRow(mode, route, 30 + i)));
	return out;
}

module.exports = { rows };
