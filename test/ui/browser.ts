/**
 * Headless Chromium driven by playwright-core, set up for n8n's editor:
 * - the browser from scripts/chromium.js (CHROMIUM, else Debian's /usr/bin/chromium, else the one
 *   shipped in the @sparticuz/chromium dev dependency), with the flags a closed network needs;
 * - a fresh profile per run;
 * - `getByTestId` reads n8n's `data-test-id` attribute;
 * - CSS transitions and animations off, so elements are stable as soon as they render
 *   (clicks never race a sliding panel);
 * - screenshots clipped to one element, saved as PNG.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { BrowserContext, Locator, Page, Response } from 'playwright-core';

import { missingChromium, resolveChromium } from '../../scripts/chromium';

export { missingChromium };

const NO_MOTION = `*, *::before, *::after { transition: none !important; animation: none !important; caret-color: transparent !important; }`;

export interface Browser {
	context: BrowserContext;
	/** A new tab (one per step, so that leaving an edited workflow never prompts). */
	newPage(): Promise<Page>;
	close(): Promise<void>;
}

export async function launch(log: (msg: string) => void = () => undefined): Promise<Browser> {
	const chromium = await resolveChromium(log);
	log(`browser: ${chromium.executablePath} (${chromium.source})`);
	// eslint-disable-next-line @typescript-eslint/no-require-imports
	const pw = require('playwright-core') as typeof import('playwright-core');
	pw.selectors.setTestIdAttribute('data-test-id');
	const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-bybit-chromium-'));
	const context = await pw.chromium.launchPersistentContext(profile, {
		executablePath: chromium.executablePath,
		headless: true,
		args: chromium.args,
		env: chromium.env,
		viewport: { width: 1280, height: 860 },
		deviceScaleFactor: 1,
		reducedMotion: 'reduce',
	});
	context.setDefaultTimeout(90_000); // bounds a hang: a busy CI machine took 7-9 s per step
	await context.addInitScript({
		content: `(() => {
			const add = () => { const s = document.createElement('style'); s.textContent = ${JSON.stringify(NO_MOTION)}; document.head.appendChild(s); };
			if (document.head) add(); else document.addEventListener('DOMContentLoaded', add);
		})();`,
	});
	for (const p of context.pages()) await p.close();
	return {
		context,
		newPage: () => context.newPage(),
		async close() {
			await context.close();
			fs.rmSync(profile, { recursive: true, force: true });
		},
	};
}

/** Where the step screenshots go: BYBIT_UI_SHOTS (npm run test:ui sets docs/ui), else a temp folder. */
export function shotsDir(repo: string): string {
	const dir = process.env.BYBIT_UI_SHOTS ? path.resolve(repo, process.env.BYBIT_UI_SHOTS) : path.join(os.tmpdir(), 'n8n-bybit-ui-shots');
	fs.mkdirSync(dir, { recursive: true });
	return dir;
}

/** A PNG of one element (its bounding box, inside the viewport). Returns the file's size in bytes. */
export async function shot(target: Locator, file: string): Promise<number> {
	await target.waitFor({ state: 'visible' });
	// toasts ("Node executed successfully") and popovers (n8n's "Production Checklist" after a first publish) would cover the panel
	const style = '.el-notification, [data-reka-popper-content-wrapper] { display: none !important; }';
	await target.screenshot({ path: file, animations: 'disabled', caret: 'hide', scale: 'css', style });
	return fs.statSync(file).size;
}

/** Resolves with the first response whose method and URL match, started before `action` runs. */
export async function responseOf(page: Page, method: string, url: RegExp, action: () => Promise<unknown>): Promise<Response> {
	const [res] = await Promise.all([
		page.waitForResponse((r) => r.request().method() === method && url.test(new URL(r.url()).pathname)),
		action(),
	]);
	return res;
}
