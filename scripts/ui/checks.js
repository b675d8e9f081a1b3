'use strict';
// The checks of `npm run test:ui`, in the order a new user meets things. Each adds rows:
// what was looked at, whether it is what the user should see, and what the page showed.

const fs = require('node:fs');
const path = require('node:path');

const ui = require('./ndv');

const SINGLE = 'Sora example 1: single video';
const TRIGGER_WF = 'Sora example 3b: fire-and-forget, save each video (Sora Trigger)';
const TABLE_SUBMIT_WF = 'Sora example 5a: prompts from a Data Table, submit';
const MODES = {
	auto: 'Auto',
	callback: 'Wait for Callback',
	poll: 'Poll Until Done',
	none: "Don't Wait (Return Job ID)",
};

/** What each wait mode must show (fields) and offer (Options), and what it must not. */
const EXPECTED = {
	auto: {
		shows: ['pollIntervalSeconds', 'timeoutMinutes', 'maxWaitMinutes', 'maxJobsInFlight', 'downloadVideo'],
		hides: [],
		options: ['Put Video in Field', 'Safety Check Every (Minutes)', 'Verify With TTAPI'],
		notice: /^Auto waits for TTAPI's callback, .*on n8n 2\.x .*otherwise it polls.*n8n 1\.x/,
	},
	callback: {
		shows: ['pollIntervalSeconds', 'maxWaitMinutes', 'maxJobsInFlight', 'downloadVideo'],
		hides: ['timeoutMinutes'],
		options: ['Put Video in Field', 'Safety Check Every (Minutes)', 'Verify With TTAPI'],
		notice: /^The execution pauses while Sora renders.*On n8n 1\.x, .* it polls instead/,
	},
	poll: {
		shows: ['pollIntervalSeconds', 'timeoutMinutes', 'maxJobsInFlight', 'downloadVideo'],
		hides: ['maxWaitMinutes'],
		options: ['Put Video in Field'],
		notice: /^The execution keeps running and asks TTAPI/,
	},
	none: {
		shows: ['timeoutMinutes', 'maxJobsInFlight'],
		hides: ['pollIntervalSeconds', 'maxWaitMinutes', 'downloadVideo'],
		options: ['Callback Data', 'Callback URL'],
		notice: /^Each item comes out at once with its job ID/,
	},
};

const sameSet = (a, b) => JSON.stringify([...a].sort()) === JSON.stringify([...b].sort());

/** The node creator: one Sora app with its actions and its trigger; TTAPI finds it. */
async function nodeCreator({ page, shot, editor, add }) {
	await ui.openWorkflow(page, editor.workflows[SINGLE]);
	await page.locator('[data-test-id="node-creator-plus-button"]').click();
	const search = page.locator('[data-test-id="node-creator-search-bar"]').first();
	await search.fill('Sora');
	const names = page.locator('[data-test-id="node-creator-item-name"]');
	await names.filter({ hasText: 'Sora Generate' }).first().waitFor();
	const found = await names.allTextContents();
	const soraApps = found.map((n) => n.trim()).filter((n) => /sora/i.test(n));
	await shot('node-creator-search-sora');
	add('search "Sora": one app, Sora Generate (no separate "Sora" trigger app)', sameSet(soraApps, ['Sora Generate']), `apps named like Sora: ${JSON.stringify(soraApps)}; first 5 results: ${found.slice(0, 5).join(', ')}`);

	await names.filter({ hasText: 'Sora Generate' }).first().click();
	const panel = page.locator('[data-test-id="node-creator"]');
	await panel.getByText('Generate a video').waitFor();
	const triggersHeader = panel.getByText(/^Triggers \(\d+\)/);
	await triggersHeader.click();
	await panel.getByText('On succeeded jobs only').waitFor();
	const text = await panel.innerText();
	await shot('node-creator-sora-app');
	const actions = ['Generate a video', 'Get a video', 'Create a character', 'Get a character', 'Get the account'].filter((a) => text.includes(a));
	const triggers = ['On failed jobs only', 'On succeeded and failed jobs', 'On succeeded jobs only'].filter((t) => text.includes(t));
	add(
		'the Sora Generate app lists its 5 actions (Video, Character, Account) and its trigger (one per "Trigger On" choice)',
		actions.length === 5 && triggers.length === 3 && /Actions \(5\)/.test(text) && /Triggers \(3\)/.test(text),
		text.replace(/\s*\n\s*/g, ' | ').slice(0, 400),
	);
	add("the app's description fits the whole app (n8n shows the trigger's)", /Generate videos with TTAPI's Sora 2, and start a workflow when each one finishes/.test(text), text.split('\n').find((l) => /Sora 2|TTAPI/.test(l)) ?? '');

	await page.keyboard.press('Escape'); // closes the node creator
	await panel.waitFor({ state: 'hidden' });
	await page.locator('[data-test-id="node-creator-plus-button"]').click();
	await search.fill('TTAPI');
	// Results replace the category list; if Sora Generate never shows, the row below says what did.
	await names.filter({ hasText: 'Sora Generate' }).first().waitFor({ timeout: 10_000 }).catch(() => undefined);
	const ttapi = (await names.allTextContents()).map((n) => n.trim());
	await shot('node-creator-search-ttapi');
	add('search "TTAPI" finds Sora Generate first', ttapi[0] === 'Sora Generate', `results: ${ttapi.slice(0, 5).join(', ')}`);
	await page.keyboard.press('Escape');
}

/** The example opens; Sora Generate in each wait mode shows what that mode uses, and says what it does. */
async function waitModes({ page, shot, editor, add }) {
	await ui.openWorkflow(page, editor.workflows[SINGLE]);
	const canvas = await page.locator('[data-test-id="canvas-node"]').evaluateAll((els) => els.map((el) => el.getAttribute('data-node-name')));
	const sticky = await page.locator('[data-test-id="sticky"]').first().innerText();
	await shot('example-single-video');
	add('the single-video example opens: trigger → Sora Generate → Save MP4, with its note', ['Sora Generate', 'Save MP4'].every((n) => canvas.includes(n)) && /pick your TTAPI credential \(here TTAPI account; its type is TTAPI API\)/.test(sticky), `nodes ${JSON.stringify(canvas)}; note: ${sticky.replace(/\s+/g, ' ').slice(0, 160)}…`);

	await ui.openNode(page, 'Sora Generate');
	// The example was saved with only operation=generateVideo: Resource's default (Video) applies.
	const resource = await page.locator(`${ui.NDV} [data-test-id="parameter-input-resource"] input`).first().inputValue().catch(() => '');
	const operation = await page.locator(`${ui.NDV} [data-test-id="parameter-input-operation"] input`).first().inputValue().catch(() => '');
	add('the example, saved without a Resource, opens as Resource Video, Operation Generate', resource === 'Video' && operation === 'Generate', `Resource "${resource}", Operation "${operation}"`);
	const options = await ui.readOptions(page, 'waitMode');
	await shot('wait-for-result-dropdown');
	await ui.closeDropdown(page);
	add('Wait for Result: every mode has a one-line description that is not cut off', options.length === 4 && options.every((o) => o.description && !o.clamped), options.map((o) => `${o.name}: "${o.description}"${o.clamped ? ' (CUT OFF)' : ''}`).join('; '));

	const noticesSeen = [];
	for (const [mode, label] of Object.entries(MODES)) {
		await ui.selectOption(page, 'waitMode', label);
		const expected = EXPECTED[mode];
		const notice = page.locator(`${ui.NDV} .notice:visible`).filter({ hasText: expected.notice });
		await notice.first().waitFor();
		const shown = await ui.visibleParameters(page);
		const seen = await ui.notices(page);
		const offered = await ui.collectionChoices(page, 'Add Option');
		noticesSeen.push(seen.join(' '));
		await shot(`mode-${mode}`);
		const missing = expected.shows.filter((n) => !shown.includes(n));
		const extra = expected.hides.filter((n) => shown.includes(n));
		add(`${label}: shows ${expected.shows.join(', ')}${expected.hides.length ? `; not ${expected.hides.join(', ')}` : ''}`, !missing.length && !extra.length, `shown: ${shown.join(', ')}${missing.length ? `; MISSING ${missing}` : ''}${extra.length ? `; SHOULD NOT SHOW ${extra}` : ''}`);
		add(`${label}: Options offers exactly ${expected.options.join(', ')}`, sameSet(offered, expected.options), `offered: ${JSON.stringify(offered)}`);
		add(`${label}: the notice says what this mode does`, seen.length === 1 && expected.notice.test(seen[0]), `notice: ${JSON.stringify(seen)}`);
		const numbers = await page.locator(`${ui.NDV} [data-test-id="node-parameters"] [data-test-id="input-number"] input:visible, ${ui.NDV} [data-test-id^="parameter-input-"] input[type="number"]:visible`).evaluateAll((els) => els.map((el) => el.value));
		if (mode === 'auto') add('numbers show as typed (30, 180, 15 … not 30.0)', numbers.length >= 3 && numbers.every((v) => /^\d+$/.test(v)), `number fields: ${JSON.stringify(numbers)}`);
	}
	add('the four notices differ (help follows the choice)', new Set(noticesSeen).size === 4, `${new Set(noticesSeen).size} different notices`);

	await ui.selectOption(page, 'waitMode', MODES.poll);
	await page.locator(`${ui.NDV} [data-test-id="parameter-input-downloadVideo"] .el-switch, ${ui.NDV} [data-test-id="parameter-input-downloadVideo"]`).first().click();
	const withoutDownload = await ui.collectionChoices(page, 'Add Option');
	add('Poll Until Done with Download Video off: Put Video in Field is not offered', !withoutDownload.includes('Put Video in Field'), `offered: ${JSON.stringify(withoutDownload)}`);
	await page.locator(`${ui.NDV} [data-test-id="parameter-input-downloadVideo"] .el-switch, ${ui.NDV} [data-test-id="parameter-input-downloadVideo"]`).first().click();
	await ui.selectOption(page, 'waitMode', MODES.auto);

	const sora2 = await ui.collectionChoices(page, 'Add Video Option');
	const durations2 = (await ui.readOptions(page, 'duration')).map((o) => o.name);
	await ui.closeDropdown(page);
	await ui.selectOption(page, 'model', 'Sora 2 Pro');
	const pro = await ui.collectionChoices(page, 'Add Video Option');
	const durationsPro = (await ui.readOptions(page, 'duration')).map((o) => o.name);
	await ui.closeDropdown(page);
	await ui.selectOption(page, 'model', 'Sora 2');
	add('Size is offered for Sora 2 Pro only', !sora2.includes('Size') && pro.includes('Size'), `Sora 2 offers ${JSON.stringify(sora2)}; Sora 2 Pro offers ${JSON.stringify(pro)}`);
	add('Duration: 10/15 s for Sora 2, 10/15/25 s for Sora 2 Pro', sameSet(durations2, ['10 Seconds', '15 Seconds']) && durationsPro.length === 3, `Sora 2 ${JSON.stringify(durations2)}; Pro ${JSON.stringify(durationsPro)}`);
	await ui.closeNode(page);
}

/** Every option added with its default, per model: the workflow runs and the video plays. */
async function everyOptionRuns({ page, shot, editor, add }) {
	await ui.openWorkflow(page, editor.workflows[SINGLE]);
	for (const [model, value] of [['Sora 2', 'sora-2'], ['Sora 2 Pro', 'sora-2-pro']]) {
		const tag = value.replace('sora-', 'sora');
		await ui.openNode(page, 'Sora Generate');
		await ui.selectOption(page, 'model', model);
		const videoAdded = await ui.addEveryOption(page, 'Add Video Option');
		const optionsAdded = await ui.addEveryOption(page, 'Add Option');
		const left = [...(await ui.collectionChoices(page, 'Add Video Option')), ...(await ui.collectionChoices(page, 'Add Option'))];
		await shot(`every-option-${tag}`);
		await ui.closeNode(page);
		add(`${model}: every Video Option and Option added with its default`, videoAdded.length + optionsAdded.length > 0 && left.length === 0, `added now: ${JSON.stringify([...videoAdded, ...optionsAdded])}; still offered: ${JSON.stringify(left)}`);

		const outcome = await ui.runWorkflow(page, 'Save MP4');
		let toast = '';
		if (outcome !== 'success') toast = await page.locator('.el-notification').allInnerTexts().then((t) => t.join(' | '));
		await shot(`run-${tag}`);
		add(`${model}, every option at its default: the workflow runs to the end`, outcome === 'success', outcome === 'success' ? 'Save MP4 succeeded' : `failed: ${toast}`);
		if (outcome !== 'success') continue;

		await ui.openNode(page, 'Sora Generate');
		const [item] = await ui.outputJson(page);
		await shot(`output-json-${tag}`);
		const job = await fetch(`${editor.simUrl}/__sim/jobs/${item.jobId}`).then((r) => r.json());
		const sent = job.body ?? {};
		const fieldsOk = item.status === 'SUCCESS' && item.model === value && item.waitMode === 'poll' && typeof item.videoUrl === 'string' && item.videoUrl.endsWith(`${item.jobId}.mp4`) && !('message' in item) && !('referImages' in item);
		add(`${model}: output JSON (jobId, status SUCCESS, videoUrl, waitMode poll; no message "", no referImages null)`, fieldsOk, `keys ${Object.keys(item).join(', ')}; status ${item.status}, model ${item.model}, waitMode ${item.waitMode}`);
		const sizeOk = value === 'sora-2' ? !('size' in sent) : sent.size === 'small';
		add(`${model}: what reached TTAPI (the simulator) for the defaults`, sizeOk && sent.private === true && sent.orientation === 'landscape', `request body: ${JSON.stringify({ ...sent, prompt: '…' })}`);

		const video = await ui.playBinaryVideo(page);
		await shot(`video-${tag}`);
		add(`${model}: the binary video plays in the editor (duration > 0, no decode error, landscape as asked)`, video.duration > 0 && !video.error && video.width > video.height, `<video> duration ${video.duration} s, ${video.width}×${video.height}, error ${video.error}; ${video.meta}`);
		await ui.closeNode(page);
	}
}

/** README's promise for the credential Test, read from the README itself. */
function readmeCredentialPromise() {
	const readme = fs.readFileSync(path.join(__dirname, '..', '..', 'README.md'), 'utf8');
	const section = /## Credential: TTAPI API[\s\S]*?\n(\*\*Test\*\*[\s\S]*?)\n\n/.exec(readme);
	return section ? section[1].replace(/\s+/g, ' ') : '(no Test paragraph in the README)';
}

/**
 * The credential's Test, as the user sees it in the dialog: saved good key, a wrong key, a
 * base URL where nothing listens, then the good settings again. What n8n shows is printed.
 */
async function credentialTest({ page, shot, editor, add, log }) {
	await page.goto(`${editor.baseUrl}/home/credentials`);
	await page.getByText('TTAPI account', { exact: true }).first().click();
	const dialog = page.locator('[data-test-id="credential-edit-dialog"]');
	const banner = dialog.locator('[data-test-id="node-credentials-config-container"]');
	const save = page.locator('[data-test-id="credential-save-button"]');
	const result = /Connection tested successfully|Couldn.t connect with these settings/;
	const read = async () => {
		await banner.getByText(result).first().waitFor({ timeout: 60_000 });
		const more = banner.getByText('More details');
		if (await more.count()) await more.first().click();
		const text = (await banner.innerText()).split(/\nAPI Key/)[0];
		return text.replace(/^[\s\S]*?read the docs\s*/, '').replace(/\s*\n\s*/g, ' | ').replace(/\s*\|\s*Retry\s*/, ' | ').trim();
	};
	const saveAndRead = async (previous) => {
		await save.click();
		// A new test result replaces the previous one (or the same text comes back after "Testing…").
		await banner.getByText(result).first().waitFor({ state: 'detached', timeout: 5000 }).catch(() => undefined);
		let text = await read();
		for (let i = 0; i < 20 && text === previous; i++) {
			await page.waitForFunction(() => true, null, { timeout: 500 }).catch(() => undefined);
			text = await read();
		}
		return text;
	};
	const promise = readmeCredentialPromise();
	log(`  README promises: ${promise}`);

	const good = await read();
	await shot('credential-good-key');
	const apiKey = dialog.locator('[data-test-id="parameter-input-apiKey"] input');
	const customUrl = dialog.locator('[data-test-id="parameter-input-customBaseUrl"] input');
	await apiKey.fill('wrong-key-for-the-test');
	const wrong = await saveAndRead(good);
	await shot('credential-wrong-key');
	const simUrl = await customUrl.inputValue();
	await apiKey.fill('sim-key');
	await customUrl.fill('http://127.0.0.1:9');
	const dead = await saveAndRead(wrong);
	await shot('credential-dead-url');
	await customUrl.fill(simUrl);
	const restored = await saveAndRead(dead);
	log(`  credential Test shows: good key "${good}"; wrong key "${wrong}"; dead URL "${dead}"; restored "${restored}"`);

	add('credential Test, good key: the user sees success', /Connection tested successfully/.test(good) && /Connection tested successfully/.test(restored), `shown: "${good}", after restoring: "${restored}"`);
	// The texts the README's Credential table promises: TTAPI's own words for a refused key; for a
	// network error n8n's own text, which differs between the lines.
	add('credential Test, wrong key: TTAPI\'s own message, as the README says', /Couldn.t connect/.test(wrong) && /TTAPI refused the API key: Wrong TT-API-KEY or email is not activated\./.test(wrong), `shown: "${wrong}"`);
	add('credential Test, base URL where nothing listens: refused with n8n\'s network text, as the README says', /Couldn.t connect/.test(dead) && /ECONNREFUSED|refused the connection - perhaps it is offline/.test(dead), `shown: "${dead}"`);
	await page.keyboard.press('Escape');
}

/** Sora Trigger: its Production URL, and a Path hint and notice that read right. */
async function triggerPanel({ page, shot, editor, add }) {
	await ui.openWorkflow(page, editor.workflows[TRIGGER_WF]);
	await ui.openNode(page, 'Sora Trigger');
	const params = page.locator(`${ui.NDV} [data-test-id="node-parameters"]`);
	await params.locator('[title="Click to display webhook URLs"]').click();
	await params.locator('[data-test-id="radio-button-production"]').click();
	const urlText = await params.getByText(/\/webhook\/ttapi-sora/).first().innerText();
	const hint = await ui.hintOf(page, 'path');
	const seen = await ui.notices(page);
	await shot('sora-trigger');
	const port = new URL(editor.baseUrl).port;
	add("Sora Trigger: the Production URL is this n8n's /webhook/ttapi-sora", new RegExp(`^http://[^/]+:${port}/webhook/ttapi-sora$`).test(urlText.trim()), `Production URL shown: ${urlText.trim()}`);
	add('Sora Trigger: the Path hint reads whole (no <…> eaten as HTML)', /your n8n address, then \/webhook\/, then this path \(e\.g\. https:\/\/n8n\.example\.com\/webhook\/ttapi-sora\)/.test(hint) && !/\/webhook\/\./.test(hint), `hint: ${hint.replace(/\s*\n\s*/g, ' | ')}`);
	add('Sora Trigger: the notice names the Callback URL option and the Production URL switch', seen.length === 1 && /Options → Callback URL/.test(seen[0]) && /switch from Test URL to Production URL/.test(seen[0]) && !/give Sora Generate this Path/.test(seen[0]), `notice: ${JSON.stringify(seen)}`);
	const title = await page.locator(`${ui.NDV} [data-test-id="node-title-container"]`).innerText().catch(() => '');
	add('Sora Trigger: the panel title is the display name users read in the docs', /Sora Trigger/.test(title), `title: ${title.trim()}`);
	await ui.closeNode(page);
}

/** The values the open node's inputs show (selects and text fields), in page order. */
const inputValues = (locator) => locator.locator('input').evaluateAll((els) => els.map((el) => el.value).filter(Boolean));

/**
 * Example 5: its Data table nodes find the table `npm run editor` made, "Sora prompts". n8n 2.x
 * looks it up By Name, as imported; n8n 1.x has no By Name: the user's one step, From list → the
 * table, must offer it and load its columns. (Last check: on 1.x it leaves the workflow unsaved.)
 */
async function dataTableExample({ page, shot, editor, add }) {
	const line = /n8n (\d)\.\d+\.\d+ editor:/.exec(editor.output())?.[1];
	await ui.openWorkflow(page, editor.workflows[TABLE_SUBMIT_WF]);
	await ui.openNode(page, 'Prompts to do');
	const params = page.locator(`${ui.NDV} [data-test-id="node-parameters"]`);
	const table = params.locator('[data-test-id="resource-locator-dataTableId"]');
	const [mode, value] = await inputValues(table);
	const columnsLoaded = async () => {
		// the conditions' choices load from the table after the panel opens ("Loading options...")
		await page.waitForFunction(
			(sel) => ![...document.querySelectorAll(`${sel} input`)].some((el) => el.value === 'Loading options...'),
			`${ui.NDV} [data-test-id="node-parameters"]`,
			{ timeout: 15_000 },
		).catch(() => undefined);
		const shown = await inputValues(params);
		return shown.includes('status (string)') && shown.includes('Is Empty') && shown.includes('Equals');
	};
	await shot('example-5a-prompts-to-do');
	if (line === '2') {
		const loaded = await columnsLoaded();
		add('example 5a: Data table "Sora prompts" found By Name as imported; the conditions show its status column', mode === 'By Name' && value === 'Sora prompts' && loaded, `Data table: ${mode} "${value}"; conditions ${loaded ? 'status (string) Is Empty / Equals' : JSON.stringify(await inputValues(params))}`);
		return await ui.closeNode(page);
	}
	await table.locator('[data-test-id="rlc-mode-selector"]').click();
	const modes = page.locator('.el-select-dropdown__item:visible');
	await modes.first().waitFor();
	const offered = await modes.allInnerTexts();
	await modes.filter({ hasText: 'From list' }).first().click();
	await table.locator('[data-test-id="rlc-input"]').click();
	const items = page.locator('[data-test-id="rlc-item"]:visible');
	await items.first().waitFor();
	const tables = await items.allInnerTexts();
	await items.filter({ hasText: 'Sora prompts' }).first().click();
	await ui.closeNode(page);
	await ui.openNode(page, 'Prompts to do'); // 1.x loads a condition's choices when the panel opens
	const [modeAfter, valueAfter] = await inputValues(table);
	const loaded = await columnsLoaded();
	await shot('example-5a-prompts-to-do-from-list');
	add(
		'example 5a on n8n 1.x: the table By Name shows as mode "name"; From list offers "Sora prompts", and picking it loads its columns (the note\'s step 3)',
		mode === 'name' && value === 'Sora prompts' && offered.some((o) => /From list/i.test(o)) && tables.some((t) => t.trim() === 'Sora prompts') && modeAfter === 'From list' && valueAfter === 'Sora prompts' && loaded,
		`as imported: ${mode} "${value}"; modes offered ${JSON.stringify(offered)}; tables offered ${JSON.stringify(tables)}; after: ${modeAfter} "${valueAfter}", conditions ${loaded ? 'status (string) Is Empty / Equals' : JSON.stringify(await inputValues(params))}`,
	);
	await ui.closeNode(page);
}

module.exports = { CHECKS: [nodeCreator, waitModes, everyOptionRuns, credentialTest, triggerPanel, dataTableExample], SINGLE, TRIGGER_WF };
