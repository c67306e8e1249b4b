/**
 * n8n-nodes-bybit in a real browser: n8n 2.41.1's editor in headless Chromium (playwright-core;
 * the browser from scripts/chromium.js: CHROMIUM, else Debian's /usr/bin/chromium, else the one the
 * @sparticuz/chromium dev dependency ships), against the in-process Bybit sandbox. `npm run test:ui`; part of `npm test`.
 *
 *   1. credential form: environment Custom -> sandbox, wrong secret -> the retCode 10004 message,
 *      right secret -> "Connection tested successfully"
 *   2. node panel: find "Bybit", add "Place an order", pick the symbol from the searchable list,
 *      Execute step -> the order in the output panel and in the sandbox
 *   3. examples/tradingview-alert-to-order.json: Execute workflow, POST an alert with the example's
 *      secret to its test webhook -> one order (webhook, Read alert, Secret matches?, Place order, Respond)
 *   4. examples/fills-to-chat.json: the Bybit Trigger's output when listening; published, a fill in
 *      the sandbox -> a successful execution in the executions list (and the chat message)
 *
 * Each step saves a screenshot clipped to its panel (docs/ui/ with `npm run test:ui`, else a temp
 * folder). Set BYBIT_SKIP_UI=1 (or BYBIT_SKIP_E2E=1) to skip; without a usable Chromium it fails with the
 * fix.
 */
import * as http from 'http';
import type * as net from 'net';
import * as os from 'os';
import * as path from 'path';
import type { Locator, Page } from 'playwright-core';

import { ALERT_SECRET } from '../e2e/alerts';
import { bybitRest, HAS_ACTION, HAS_TRIGGER, httpJson, loadExample, REPO, sandboxOrders, waitFor, type Json, type Sandbox as E2ESandbox } from '../e2e/support';
import { launch, missingChromium, responseOf, shot, shotsDir, type Browser } from './browser';
import { OWNER, startStack, type Stack } from './stack';

const SKIP = process.env.BYBIT_SKIP_UI ? 'BYBIT_SKIP_UI' : process.env.BYBIT_SKIP_E2E ? 'BYBIT_SKIP_E2E' : '';
// eslint-disable-next-line no-console
if (SKIP) console.log(`[ui] ${SKIP} is set: the browser suite (n8n's editor in Chromium) is skipped.`);
const describeUI = SKIP ? describe.skip : describe;

const CRED_NAME = 'Bybit sandbox (UI)';
const say = (msg: string) => process.stdout.write(`[ui] ${msg}\n`);

describeUI('n8n 2.41.1 editor in Chromium with n8n-nodes-bybit', () => {
	let stack: Stack;
	let browser: Browser;
	let shots: string;
	let credentialId = '';
	const timings: Record<string, number> = {};
	const sizes: Record<string, number> = {};

	const save = async (target: Locator, name: string) => {
		sizes[name] = await shot(target, path.join(shots, `${name}.png`));
	};
	/** The workflow (JSON as in examples/) created through n8n's REST API, its Bybit credentials set to the one made in step 1. */
	const createWorkflow = async (wf: Json) => {
		const copy = JSON.parse(JSON.stringify(wf)) as { id?: string; nodes: Array<{ credentials?: Json }> };
		delete copy.id;
		for (const n of copy.nodes) if (n.credentials?.bybitApi) n.credentials.bybitApi = { id: credentialId, name: CRED_NAME };
		const r = await stack.rest('POST', '/rest/workflows', copy);
		if (r.status !== 200) throw new Error(`creating a workflow answered ${r.status}: ${r.text.slice(0, 300)}`);
		return String(r.json.data.id);
	};
	/** The credential the node's Credential field shows (an input whose value is the credential's name). */
	const expectCredential = (ndv: Locator) => expectShown(ndv.getByTestId('node-credentials-slot'), CRED_NAME);
	/** Waits until a parameter shows `text` (options and credentials render it as an input's value). */
	const expectShown = async (param: Locator, text: string) => {
		await waitFor(`"${text}" in ${param.toString()}`, () => param.evaluate((el, t) => [...el.querySelectorAll('input')].some((i) => i.value === t) || [...el.querySelectorAll('*')].some((n) => [...n.childNodes].filter((c) => c.nodeType === 3).map((c) => c.textContent).join('').trim() === t), text), 45_000, 100);
	};
	let current: Page | undefined;
	const newPage = async () => (current = await browser.newPage());
	const openWorkflow = async (id: string) => {
		const page = await newPage();
		await page.goto(`${stack.base}/workflow/${id}`);
		await page.getByTestId('canvas-node').first().waitFor();
		return page;
	};
	/** Runs one step; on failure saves what the browser showed (a temp PNG, path printed). */
	const step = async (name: string, fn: () => Promise<void>) => {
		const t0 = Date.now();
		try {
			await fn();
		} catch (err) {
			const file = path.join(os.tmpdir(), `n8n-bybit-ui-failed-${name}.png`);
			if (await current?.screenshot({ path: file }).then(() => true, () => false)) say(`step "${name}" failed; the browser showed: ${file}`);
			throw err;
		} finally {
			await current?.close().catch(() => undefined);
			current = undefined;
		}
		timings[name] = Date.now() - t0;
	};

	beforeAll(async () => {
		const missing = missingChromium();
		if (missing) throw new Error(missing);
		if (!HAS_ACTION || !HAS_TRIGGER) throw new Error('dist/ is missing the Bybit nodes: run `npm run build` first (npm test and npm run test:ui do).');
		shots = shotsDir(REPO);
		const t0 = Date.now();
		stack = await startStack(say);
		browser = await launch(say);
		timings.setup = Date.now() - t0;
	}, 15 * 60_000);

	afterAll(async () => {
		await browser?.close();
		await stack?.stop();
		const kb = Object.entries(sizes).map(([k, v]) => `${k} ${Math.round(v / 1024)} KB`);
		say(`steps (ms): ${JSON.stringify(timings)}; screenshots in ${shots}: ${kb.join(', ')}`);
	}, 60_000);

	test('sign in, create the Bybit API credential through its form: wrong secret -> retCode 10004 message, right secret -> Test succeeds', async () => {
		await step('credential', async () => {
			const page = await newPage();
			await page.goto(`${stack.base}/signin`);
			await page.locator('input[type="email"]').fill(OWNER.email);
			await page.locator('input[type="password"]').fill(OWNER.password);
			await page.getByTestId('form-submit-button').click();
			await page.waitForURL((u) => !u.pathname.startsWith('/signin'));

			await page.goto(`${stack.base}/home/credentials/create`);
			const chooser = page.getByTestId('selectCredential-modal');
			await chooser.getByRole('combobox').fill('Bybit');
			await page.getByTestId('new-credential-type-select-option').filter({ hasText: 'Bybit API' }).click();
			await page.getByTestId('new-credential-type-button').click();

			const modal = page.getByTestId('editCredential-modal');
			await modal.getByTestId('credential-name').click();
			await modal.getByTestId('inline-edit-input').fill(CRED_NAME);
			await modal.getByTestId('inline-edit-input').press('Enter');
			await modal.getByTestId('parameter-input-environment').click();
			await page.getByRole('option', { name: 'Custom (Sandbox or Proxy)', exact: true }).click();
			const field = (name: string) => modal.getByTestId(`parameter-input-${name}`).locator('input');
			await field('baseUrl').fill(stack.sandbox.restUrl);
			await field('wsBaseUrl').fill(stack.sandbox.wsUrl);
			await field('apiKey').fill(stack.sandbox.control.defaultKey.apiKey);
			await field('apiSecret').fill('not-the-secret-0000000000000000');

			// Save creates the credential, then n8n tests it (POST /rest/credentials/test)
			const wrong = await responseOf(page, 'POST', /^\/rest\/credentials\/test$/, () => modal.getByTestId('credential-save-button').click());
			const wrongResult = ((await wrong.json()) as { data: { status: string; message: string } }).data;
			expect(wrongResult).toMatchObject({ status: 'Error', message: expect.stringContaining('retCode 10004') });
			await modal.getByText('More details').click();
			await modal.getByText(/retCode 10004/).waitFor();
			await save(page.getByTestId('editCredential-modal'), 'credential-wrong-secret');

			const seen = stack.sandbox.control.requests().length;
			await field('apiSecret').fill(stack.sandbox.control.defaultKey.secret);
			const right = await responseOf(page, 'POST', /^\/rest\/credentials\/test$/, () => modal.getByTestId('credential-save-button').click());
			expect(((await right.json()) as { data: { status: string } }).data.status).toBe('OK');
			await modal.getByTestId('credentials-config-container-test-success').getByText('Connection tested successfully').waitFor();
			const tested = stack.sandbox.control.requests().slice(seen).filter((r) => r.path === '/v5/user/query-api');
			expect(tested.length).toBeGreaterThanOrEqual(1);
			expect(tested.every((r) => r.signatureValid === true)).toBe(true);
			await save(page.getByTestId('editCredential-modal'), 'credential');

			const list = await stack.rest('GET', '/rest/credentials');
			const mine = (list.json.data as Array<{ id: string; name: string; type: string }>).filter((c) => c.type === 'bybitApi');
			expect(mine.map((c) => c.name)).toEqual([CRED_NAME]);
			credentialId = mine[0].id;
		});
	}, 180_000);

	test('node panel: add Bybit "Place an order", pick the symbol from the searchable list, Execute step -> the order in the output panel and in the sandbox', async () => {
		await step('node', async () => {
			const id = await createWorkflow({
				name: 'UI: place an order',
				nodes: [{ id: 'ui-start', name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} }],
				connections: {},
				settings: { executionOrder: 'v1' },
			});
			const page = await openWorkflow(id);
			await page.locator('[data-test-id="canvas-node"][data-node-name="Start"]').click(); // what is added next connects to it
			await page.getByTestId('node-creator-plus-button').click();
			const creator = page.getByTestId('node-creator');
			await creator.getByTestId('node-creator-search-bar').fill('Bybit');
			const item = creator.getByTestId('item-iterator-item').filter({ has: page.getByTestId('node-creator-item-name').getByText('Bybit', { exact: true }) });
			await item.waitFor();
			await item.click();
			const create = creator.getByTestId('item-iterator-item').filter({ hasText: /^Place an order$/ });
			await create.scrollIntoViewIfNeeded(); // the screenshot shows the order actions
			await save(creator, 'node-panel');
			await create.click();

			const ndv = page.getByTestId('ndv');
			await expectCredential(ndv);
			await expectShown(ndv.getByTestId('parameter-input-resource'), 'Order');
			await expectShown(ndv.getByTestId('parameter-input-operation'), 'Create');

			// the symbol list is the node's listSearch method (searchSymbols), filtered by the search text
			await ndv.getByTestId('resource-locator-symbol').getByTestId('rlc-input').click();
			await page.getByTestId('rlc-item').first().waitFor();
			const search = await responseOf(page, 'POST', /resource-locator-results$/, () => page.getByTestId('rlc-search').locator('xpath=self::input|descendant::input').first().fill('ETH'));
			expect(search.status()).toBe(200);
			const listed = page.getByTestId('rlc-item');
			await waitFor('the filtered symbol list', async () => {
				const names = await listed.allInnerTexts();
				return names.length > 0 && names.every((n) => n.includes('ETH')) ? names : undefined;
			}, 45_000, 100);
			await listed.filter({ hasText: /^ETHUSDT$/ }).click();
			const chosen = ndv.getByTestId('resource-locator-symbol').getByTestId('rlc-input').locator('xpath=self::input|descendant::input').first();
			await waitFor('ETHUSDT in the Symbol field', async () => ((await chosen.inputValue()) === 'ETHUSDT' ? true : undefined), 45_000, 100);
			await ndv.getByTestId('parameter-input-qty').locator('input').fill('0.01');

			const before = sandboxOrders(stack.sandbox.control.getState()).length;
			await ndv.getByTestId('node-execute-button').click();
			const out = ndv.getByTestId('output-panel');
			await out.getByTestId('node-run-status-success').waitFor();
			const shown = out.getByText(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/).first(); // the orderId cell
			await shown.waitFor();
			const orderId = (await shown.innerText()).trim();
			const orders = sandboxOrders(stack.sandbox.control.getState());
			expect(orders.length).toBe(before + 1);
			const order = orders.find((o) => o.orderId === orderId);
			expect(order).toMatchObject({ symbol: 'ETHUSDT', side: 'Buy' });
			expect(Number(order?.qty)).toBe(0.01);
			await save(page.getByTestId('ndv'), 'node-order-create');
		});
	}, 180_000);

	test('alert example: Execute workflow, POST an alert to its test webhook -> exactly one order', async () => {
		await step('alert', async () => {
			const id = await createWorkflow(loadExample('tradingview-alert-to-order.json'));
			const page = await openWorkflow(id);
			const run = await responseOf(page, 'POST', /^\/rest\/workflows\/[^/]+\/run$/, () => page.getByTestId('execute-workflow-button').click());
			expect(((await run.json()) as { data: Json }).data).toMatchObject({ waitingForWebhook: true });

			const alert = { secret: ALERT_SECRET, id: `ui-alert-${Date.now()}`, ticker: 'BYBIT:BTCUSDT.P', action: 'buy', contracts: '0.01' };
			const res = await httpJson('POST', `${stack.base}/webhook-test/bybit-alert`, alert);
			expect(res.status).toBe(200);
			expect(res.json).toMatchObject({ ok: true, orderLinkId: `tv-${alert.id}` });
			await waitFor('every node of the run marked successful', async () => ((await page.getByTestId('canvas-node-status-success').count()) === 5 && (await page.getByTestId('edge-label').filter({ hasText: '1 item' }).count()) === 4 ? true : undefined), 30_000, 100);
			const mine = sandboxOrders(stack.sandbox.control.getState()).filter((o) => o.orderLinkId === `tv-${alert.id}`);
			expect(mine).toHaveLength(1);
			expect(mine[0]).toMatchObject({ symbol: 'BTCUSDT', side: 'Buy', orderId: res.json.orderId });
			expect(Number(mine[0].qty)).toBe(0.01);
			await save(page.getByTestId('canvas-wrapper'), 'alert-test-webhook');
		});
	}, 180_000);

	test('Bybit Trigger: its output when listening; published, a fill in the sandbox -> an execution in the executions list', async () => {
		const chat: Json[] = [];
		const sink = http.createServer((req, res) => {
			let text = '';
			req.on('data', (d) => (text += d));
			req.on('end', () => {
				chat.push(JSON.parse(text || '{}') as Json);
				res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
			});
		});
		await new Promise<void>((r) => sink.listen(0, '127.0.0.1', () => r()));
		const subscribed = () => stack.sandbox.control.subscribers('order');
		const fill = async (tag: string) => {
			const r = await bybitRest(stack.sandbox as unknown as E2ESandbox, 'POST', '/v5/order/create', { category: 'linear', symbol: 'BTCUSDT', side: 'Buy', orderType: 'Market', qty: '0.001', orderLinkId: `ui-${tag}-${Date.now()}` });
			expect(r.retCode).toBe(0);
			return String((r.result as Json).orderId);
		};
		try {
			await step('trigger', async () => {
				const wf = loadExample('fills-to-chat.json');
				wf.nodes.find((n) => n.type === 'n8n-nodes-base.httpRequest')!.parameters.url = `http://127.0.0.1:${(sink.address() as net.AddressInfo).port}/chat`;
				const id = await createWorkflow(wf);
				const page = await openWorkflow(id);

				// listening in the editor: one event, shown in the output panel
				await page.locator('[data-test-id="canvas-node"][data-node-name="Bybit Trigger"]').dblclick();
				const ndv = page.getByTestId('ndv');
				await expectCredential(ndv);
				await ndv.getByTestId('node-execute-button').click();
				await waitFor('the listening trigger to subscribe to order', () => (subscribed() > 0 ? true : undefined), 30_000, 100);
				const listened = await fill('listen');
				const out = ndv.getByTestId('output-panel');
				await out.getByTestId('node-run-status-success').waitFor();
				await out.getByText(listened).first().waitFor();
				await save(page.getByTestId('ndv'), 'trigger-output');
				await ndv.getByTestId('ndv-close-button').click();
				await waitFor('the listening socket to close', () => (subscribed() === 0 ? true : undefined), 30_000, 100);

				// published: every fill starts an execution
				await page.getByTestId('workflow-open-publish-modal-button').click();
				await page.getByTestId('workflowPublish-modal').getByTestId('workflow-publish-button').click();
				await page.getByRole('button', { name: 'Got it' }).click();
				await waitFor('the published trigger to subscribe to order', () => (subscribed() > 0 ? true : undefined), 30_000, 100);
				const orderId = await fill('active');
				await waitFor('the chat message', () => chat.find((m) => String(m.text ?? '').includes('BTCUSDT')), 30_000, 100);

				await page.getByTestId('radio-button-executions').click();
				const card = page.locator('[data-test-execution-status="success"]').first();
				await card.waitFor();
				const preview = page.getByTestId('execution-preview-host');
				await waitFor('the run drawn in the execution preview', async () => ((await preview.getByTestId('canvas-node-status-success').count()) === 3 && (await preview.getByTestId('edge-label').filter({ hasText: '1 item' }).count()) === 2 ? true : undefined), 30_000, 100);
				const listed = await stack.rest('GET', `/rest/executions?filter=${encodeURIComponent(JSON.stringify({ workflowId: id }))}`);
				expect(listed.status).toBe(200);
				const results = (listed.json.data.results ?? []) as Array<{ id: string; status: string; mode: string }>;
				expect(results.filter((e) => e.status === 'success' && e.mode === 'trigger').length).toBeGreaterThanOrEqual(1);
				const exec = await stack.rest('GET', `/rest/executions/${results[0].id}`);
				expect(exec.text).toContain(orderId);
				await save(page.getByTestId('executions-sidebar').locator('xpath=..'), 'trigger-executions');
				});
		} finally {
			await new Promise((r) => sink.close(() => r(undefined)));
		}
	}, 240_000);
});

