'use strict';
// Debian's Chromium driven by playwright-core (the npm registry cannot download Playwright's own
// browser builds here): launch, log in to n8n, screenshots with names that are printed.

const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const ARGS = [
	'--no-sandbox',
	'--headless',
	'--disable-gpu',
	'--disable-background-networking',
	'--disable-component-update',
	'--disable-sync',
	'--no-first-run',
	'--disable-dev-shm-usage',
];

/** Starts Chromium with a fresh profile; `close()` removes the profile. */
async function launchBrowser({ screenshotDir, log = () => undefined }) {
	if (!fs.existsSync(CHROMIUM)) {
		throw new Error(`${CHROMIUM} not found: apt-get install -y chromium (or set CHROMIUM_PATH)`);
	}
	const { chromium } = require('playwright-core');
	const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'sora-ui-chromium-'));
	const context = await chromium.launchPersistentContext(profile, {
		executablePath: CHROMIUM,
		args: ARGS,
		headless: true,
		viewport: { width: 1440, height: 1400 },
	});
	context.setDefaultTimeout(30_000);
	const page = context.pages()[0] ?? (await context.newPage());
	fs.mkdirSync(screenshotDir, { recursive: true });
	const shots = [];
	let counter = 0;
	return {
		page,
		context,
		shots,
		/** Saves a full-window PNG as NN-name.png and prints its path. */
		async shot(name) {
			counter += 1;
			const file = path.join(screenshotDir, `${String(counter).padStart(2, '0')}-${name}.png`);
			await page.screenshot({ path: file });
			shots.push(file);
			log(`  screenshot ${path.relative(process.cwd(), file)}`);
			return file;
		},
		async close() {
			await context.close().catch(() => undefined);
			fs.rmSync(profile, { recursive: true, force: true });
		},
	};
}

/** n8n's sign-in form (1.x: email, 2.x: emailOrLdapLoginId). */
async function logIn(page, baseUrl, { email, password }) {
	await page.goto(`${baseUrl}/signin`);
	const emailInput = page.locator('input[name="email"], input[name="emailOrLdapLoginId"]').first();
	await emailInput.waitFor();
	await emailInput.fill(email);
	await page.locator('input[name="password"]').fill(password);
	await page.locator('[data-test-id="form-submit-button"]').click();
	await page.waitForURL((url) => !url.pathname.startsWith('/signin'));
}

module.exports = { launchBrowser, logIn, CHROMIUM };
