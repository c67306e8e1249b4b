#!/usr/bin/env node
/**
 * `npm run screenshot`: regenerates docs/bybit-node.png, the Bybit node's
 * parameters in the n8n editor, for the README. Not part of the tests.
 *
 *   1. starts the demo stack (scripts/start.js: sandbox + n8n with this
 *      package and the examples) on spare ports;
 *   2. signs in with the printed demo login in headless Chromium (the one
 *      scripts/chromium.js resolves, as the browser suite does: CHROMIUM,
 *      else Debian's /usr/bin/chromium, else the one the @sparticuz/chromium
 *      dev dependency ships) driven by playwright-core, opens the "TradingView alert to order" example and
 *      the "Place order" node;
 *   3. saves the screenshot and stops the stack.
 */
'use strict';

const { spawn } = require('child_process');
const fs = require('fs');
const path = require('path');

const { resolveChromium } = require('./chromium');

const REPO = path.resolve(__dirname, '..');
const OUT = path.join(REPO, 'docs', 'bybit-node.png');
const N8N_PORT = process.env.N8N_PORT || '5690';
const SANDBOX_PORT = process.env.SANDBOX_PORT || '8795';
const BROKER_PORT = process.env.N8N_RUNNERS_BROKER_PORT || '5691';
const WORKFLOW_ID = 'bybitExAlertToOrder';
const NODE_NAME = 'Place order';

function say(msg) {
	process.stdout.write(`[screenshot] ${msg}\n`);
}

/** Starts scripts/start.js and resolves with the login it prints. */
function startStack() {
	const child = spawn(process.execPath, [path.join(__dirname, 'start.js')], {
		cwd: REPO,
		env: { ...process.env, N8N_PORT, SANDBOX_PORT, N8N_RUNNERS_BROKER_PORT: BROKER_PORT },
		stdio: ['ignore', 'pipe', 'pipe'],
	});
	const login = {};
	const ready = new Promise((resolve, reject) => {
		let buffer = '';
		const onData = (chunk) => {
			buffer += chunk.toString();
			for (const [key, re] of [
				['email', /Login:\s+(\S+)/],
				['password', /Password:\s+(\S+)/],
				['base', /Open:\s+(\S+)/],
			]) {
				const m = buffer.match(re);
				if (m) login[key] = m[1];
			}
			if (login.email && login.password && login.base) resolve(login);
		};
		child.stdout.on('data', onData);
		child.stderr.on('data', (c) => process.stderr.write(c));
		child.on('exit', (code) => reject(new Error(`npm start exited with code ${code} before printing the login:\n${buffer.slice(-2000)}`)));
	});
	return { child, ready };
}

function stop(child) {
	return new Promise((resolve) => {
		if (child.exitCode !== null) return resolve();
		child.once('exit', () => resolve());
		child.kill('SIGINT');
		setTimeout(() => child.kill('SIGKILL'), 20000).unref();
	});
}

async function main() {
	const { chromium } = require('playwright-core');
	const browserBin = await resolveChromium(say); // throws the fix when no Chromium can be used
	say(`browser: ${browserBin.executablePath} (${browserBin.source})`);
	say(`starting the demo stack (n8n on ${N8N_PORT}, sandbox on ${SANDBOX_PORT})...`);
	const stack = startStack();
	let browser;
	try {
		const login = await stack.ready;
		say(`n8n is up at ${login.base}; signing in as ${login.email}`);
		browser = await chromium.launch({ executablePath: browserBin.executablePath, args: browserBin.args, env: browserBin.env });
		const page = await browser.newPage({ viewport: { width: 1440, height: 900 }, deviceScaleFactor: 1 });
		await page.goto(`${login.base}/signin`);
		await page.locator('input[type="email"], input[name="emailOrLdapLoginId"], input[name="email"]').first().fill(login.email);
		await page.locator('input[type="password"]').first().fill(login.password);
		await page.locator('button[type="submit"], [data-test-id="form-submit-button"]').first().click();
		await page.waitForURL((url) => !url.pathname.startsWith('/signin'), { timeout: 30000 });
		await page.goto(`${login.base}/workflow/${WORKFLOW_ID}`);
		const node = page.locator(`[data-test-id="canvas-node"][data-node-name="${NODE_NAME}"], [data-test-id="canvas-node"]:has-text("${NODE_NAME}")`).first();
		await node.waitFor({ timeout: 30000 });
		await node.dblclick();
		await page.locator('[data-test-id="ndv"], .ndv-wrapper, [data-test-id="node-parameters"]').first().waitFor({ timeout: 20000 });
		await page.waitForTimeout(1500);
		fs.mkdirSync(path.dirname(OUT), { recursive: true });
		await page.screenshot({ path: OUT });
		say(`saved ${path.relative(REPO, OUT)} (${Math.round(fs.statSync(OUT).size / 1024)} KB)`);
	} finally {
		if (browser) await browser.close();
		say('stopping the demo stack...');
		await stop(stack.child);
	}
}

main().then(
	() => process.exit(0),
	(err) => {
		process.stderr.write(`[screenshot] failed: ${err.message}\n`);
		process.exit(1);
	},
);
