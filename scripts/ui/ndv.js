'use strict';
// What a user does in n8n's editor, as page actions: open a node, pick an option, add every
// option of a collection, read what the panel shows, run the workflow. Waits for selectors.

const NDV = '[data-test-id="ndv"]';

async function openWorkflow(page, url) {
	await page.goto(url);
	await page.locator('[data-test-id="canvas-node"]').first().waitFor();
}

async function openNode(page, name) {
	await page.locator(`[data-test-id="canvas-node"][data-node-name="${name}"]`).dblclick();
	await page.locator(NDV).waitFor();
	await page.locator(`${NDV} [data-test-id="node-parameters"]`).waitFor();
}

async function closeNode(page) {
	// 2.x: a close button; 1.x: "Back to canvas".
	await page.locator('[data-test-id="ndv-close-button"], [data-test-id="back-to-canvas"]').first().click();
	await page.locator(NDV).waitFor({ state: 'hidden' });
}

/** The dropdown items n8n shows for the open select (element-plus popper). */
const openItems = (page) => page.locator('.el-select-dropdown__item:visible');

/** Opens the select of parameter `name` and returns [{ name, description, clamped }] of its items. */
async function readOptions(page, name) {
	await page.locator(`${NDV} [data-test-id="parameter-input-${name}"]`).click();
	await openItems(page).first().waitFor();
	const items = await openItems(page).evaluateAll((els) =>
		els.map((el) => {
			const description = el.querySelector('.option-description');
			return {
				name: (el.querySelector('.option-headline') ?? el).textContent.trim(),
				description: description?.textContent.trim() ?? '',
				// The dropdown clamps descriptions: a cut-off one has more text than room.
				clamped: description ? description.scrollHeight > description.clientHeight + 1 : false,
			};
		}),
	);
	return items;
}

async function closeDropdown(page) {
	await page.keyboard.press('Escape');
	await openItems(page).first().waitFor({ state: 'hidden' }).catch(() => undefined);
}

/** Picks `option` (its visible name) in the select of parameter `name`. */
async function selectOption(page, name, option) {
	await page.locator(`${NDV} [data-test-id="parameter-input-${name}"]`).click();
	await openItems(page).first().waitFor();
	// The item whose headline is exactly `option` ("Sora 2" is not "Sora 2 Pro"; Auto's description names other modes).
	const names = await openItems(page).evaluateAll((els) => els.map((el) => (el.querySelector('.option-headline') ?? el).textContent.trim()));
	const at = names.indexOf(option);
	if (at < 0) throw new Error(`"${option}" is not among the choices of ${name}: ${JSON.stringify(names)}`);
	await openItems(page).nth(at).click();
	await openItems(page).first().waitFor({ state: 'hidden' }).catch(() => undefined);
}

/** The names of the parameters the panel shows now (Parameters tab; collection children included). */
async function visibleParameters(page) {
	return page.locator(`${NDV} [data-test-id="node-parameters"] [data-test-id^="parameter-input-"]:visible`).evaluateAll((els) => [
		...new Set(
			els
				.map((el) => el.getAttribute('data-test-id').replace('parameter-input-', ''))
				.filter((name) => !['field', 'item'].includes(name)),
		),
	]);
}

async function notices(page) {
	return page.locator(`${NDV} [data-test-id="node-parameters"] .notice:visible`).evaluateAll((els) => els.map((el) => el.textContent.trim()));
}

/** The hint text under parameter `name`. */
async function hintOf(page, name) {
	const item = page.locator(`${NDV} .parameter-item`).filter({ has: page.locator(`[data-test-id="parameter-input-${name}"]`) }).first();
	return (await item.innerText()).trim();
}

const addSelect = (page, placeholder) =>
	// 2.x marks the "Add …" select with a test id; 1.x only with the class add-option.
	page.locator(`${NDV} [data-test-id="collection-parameter-add"], ${NDV} .add-option`).filter({ has: page.locator(`input[placeholder="${placeholder}"]`) }).first();

/** What the collection's "Add …" select offers now ([] when it shows nothing more to add). */
async function collectionChoices(page, placeholder) {
	const select = addSelect(page, placeholder);
	if (!(await select.count())) return [];
	await select.click();
	const items = openItems(page);
	await items.first().waitFor({ timeout: 5000 }).catch(() => undefined);
	const names = await items.evaluateAll((els) => els.map((el) => el.textContent.trim()).filter(Boolean));
	await closeDropdown(page);
	return names;
}

/** Adds every option the collection offers, each with its default. Returns their names. */
async function addEveryOption(page, placeholder) {
	const added = [];
	for (let guard = 0; guard < 20; guard++) {
		const select = addSelect(page, placeholder);
		if (!(await select.count())) break;
		await select.click();
		const items = openItems(page);
		if (!(await items.first().waitFor({ timeout: 5000 }).then(() => true, () => false))) break;
		const name = (await items.first().textContent()).trim();
		await items.first().click();
		added.push(name);
		// The option appears as a field; its label is the option's name.
		await page.locator(`${NDV} [data-test-id="node-parameters"]`).getByText(name, { exact: true }).first().waitFor();
	}
	return added;
}

/** Execute workflow, then wait until `lastNode` shows success (or any node an error). */
async function runWorkflow(page, lastNode, timeoutMs = 120_000) {
	const success = page.locator(`[data-test-id="canvas-node"][data-node-name="${lastNode}"] [data-test-id="canvas-node-status-success"]`);
	const failure = page.locator('[data-test-id="canvas-node-status-error"]');
	await page.locator('[data-test-id="execute-workflow-button"]').click();
	// A new run first clears the previous run's marks.
	await success.waitFor({ state: 'detached', timeout: 10_000 }).catch(() => undefined);
	const outcome = await Promise.race([
		success.waitFor({ timeout: timeoutMs }).then(() => 'success'),
		failure.first().waitFor({ timeout: timeoutMs }).then(() => 'error'),
	]);
	return outcome;
}

/** The output panel's JSON view, parsed. */
async function outputJson(page) {
	const out = page.locator('[data-test-id="output-panel"]');
	await out.locator('[data-test-id="radio-button-json"]').click();
	const container = out.locator('[data-test-id="ndv-data-container"]');
	await container.getByText('"jobId"').first().waitFor();
	const text = await container.innerText();
	return JSON.parse(text.replace(/\s*\n\s*/g, ' '));
}

/** Opens the binary view's player and reads the <video> element: duration, size, error. */
async function playBinaryVideo(page) {
	const out = page.locator('[data-test-id="output-panel"]');
	await out.locator('[data-test-id="radio-button-binary"]').click();
	const meta = await out.locator('[data-test-id="ndv-binary-data_0"]').innerText();
	await out.locator('[data-test-id="ndv-view-binary-data"]').first().click();
	const video = page.locator('video').first();
	await video.waitFor();
	const state = await video.evaluate(async (v) => {
		if (v.readyState < 1 && !v.error) {
			await new Promise((resolve) => {
				v.addEventListener('loadedmetadata', resolve, { once: true });
				v.addEventListener('error', resolve, { once: true });
			});
		}
		v.muted = true;
		if (!v.error && v.duration > 1.5) {
			v.currentTime = 1.5;
			await new Promise((resolve) => v.addEventListener('seeked', resolve, { once: true }));
		}
		const mediaError = v.error ?? v.querySelector('source')?.error;
		return {
			duration: v.duration,
			width: v.videoWidth,
			height: v.videoHeight,
			error: mediaError ? `${mediaError.code} ${mediaError.message}` : null,
		};
	});
	return { ...state, meta: meta.replace(/\s+/g, ' ').trim() };
}

module.exports = {
	NDV,
	openWorkflow,
	openNode,
	closeNode,
	readOptions,
	closeDropdown,
	selectOption,
	visibleParameters,
	notices,
	hintOf,
	collectionChoices,
	addEveryOption,
	runWorkflow,
	outputJson,
	playBinaryVideo,
};
