/**
 * The example gallery (issue #24, part 3) in a REAL n8n 2.41.1 against the sandbox: the six
 * workflows people build (examples/dca-spot-buy.json, grid-spot.json, protect-entry-tpsl.json,
 * daily-pnl-report.json, risk-guard-liquidation.json, rebalancer.json), imported as `npm start`
 * imports them (credential id `bybitDemoSandbox`), the trigger-based ones published.
 *
 * Schedule-started workflows are run from their own Schedule Trigger on demand, as the editor's
 * "Execute workflow" does (POST /rest/workflows/:id/run with triggerToStartFrom = the schedule
 * node): the trigger emits the current time exactly as when the clock fires it, so "the schedule
 * fired twice in one period" is two such runs. Trigger-started ones get their events from the
 * sandbox (fills by price moves and orders, position pushes); each test asserts what reached the
 * sandbox's wire (paths, bodies, JSON types) and its state (orders), then that a repeat, a
 * re-delivered event and an n8n restart place nothing twice.
 *
 * One n8n process (restarted once); about 45 s on 2 cores. BYBIT_SKIP_E2E=1 skips it.
 * BYBIT_GALLERY_SHOTS=docs/gallery also saves each workflow's canvas as a PNG (headless Chromium from
 * scripts/chromium.js, as the browser suite test/ui; a few seconds more).
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

import * as runtime from '../../scripts/runtime';
import { n8nProcess } from './n8nProcess';
import { launch, shot } from '../ui/browser';
import { bybitRest, EXAMPLE_CRED_ID, freePort, HAS_ACTION, HAS_TRIGGER, httpJson, loadExample, REPO, sandboxCredentialData, sandboxOrder, sandboxOrders, startSandbox, waitFor, type Json, type Sandbox, type Workflow } from './support';

const SKIP = Boolean(process.env.BYBIT_SKIP_E2E) || !HAS_ACTION || !HAS_TRIGGER;

const WF = {
	dca: 'bybitExDca',
	grid: 'bybitExGrid',
	protect: 'bybitExProtectEntry',
	pnl: 'bybitExDailyPnl',
	guard: 'bybitExRiskGuard',
	rebalance: 'bybitExRebalancer',
	rebalanceLive: 'bybitExRebalancerLive', // the same file with Settings.placeOrders = true, as a user switches it
};
const FILES: Record<string, string> = {
	[WF.dca]: 'dca-spot-buy.json',
	[WF.grid]: 'grid-spot.json',
	[WF.protect]: 'protect-entry-tpsl.json',
	[WF.pnl]: 'daily-pnl-report.json',
	[WF.guard]: 'risk-guard-liquidation.json',
	[WF.rebalance]: 'rebalancer.json',
};
const PUBLISHED = [WF.grid, WF.protect, WF.guard];

type Outputs = Record<string, Json[]>;
interface Wire {
	path: string;
	retCode: number;
	body: Json;
	query: string;
}

const parse = (s: unknown): Json => {
	if (typeof s !== 'string') return (s ?? {}) as Json;
	try {
		return JSON.parse(s) as Json;
	} catch {
		return {};
	}
};

(SKIP ? describe.skip : describe)('real n8n 2.41.1: the example gallery against the sandbox', () => {
	let sandbox: Sandbox;
	let userFolder: string;
	let env: NodeJS.ProcessEnv;
	let base = '';
	let cookie = '';
	let apiKey = '';
	const t0 = Date.now();
	const redact = (s: string) => (sandbox ? s.split(sandbox.control.defaultKey.secret).join('***') : s);

	const { n8n, start, stop } = n8nProcess(() => ({ env, userFolder }), redact);

	const owner = { email: 'e2e@n8n-nodes-bybit.local', firstName: 'E2E', lastName: 'Owner', password: 'E2e-owner-password-1' };
	async function login(): Promise<void> {
		if (!cookie) expect((await httpJson('POST', `${base}/rest/owner/setup`, owner)).status).toBe(200);
		const r = await httpJson('POST', `${base}/rest/login`, { emailOrLdapLoginId: owner.email, password: owner.password });
		expect(r.status).toBe(200);
		cookie = String((r.headers['set-cookie'] ?? []).find((c) => c.startsWith('n8n-auth=')) ?? '').split(';')[0];
		if (!apiKey) {
			const key = await httpJson('POST', `${base}/rest/api-keys`, { label: 'e2e', expiresAt: null, scopes: ['execution:read', 'execution:list'] }, { cookie });
			expect(key.status).toBe(200);
			apiKey = key.json.data.rawApiKey;
		}
	}

	/** The triggers of the published workflows are subscribed (n8n 2.41 activates them after "Editor is now accessible"). */
	async function triggersSubscribed(): Promise<void> {
		const subs = sandbox.control.subscribers as (topic: string) => number;
		await waitFor('the three triggers subscribed', () => (subs('order.spot') >= 1 && subs('order.linear') >= 1 && subs('position.linear') >= 1) || undefined, 90_000, 200);
		await new Promise((r) => setTimeout(r, 500));
	}

	const finished = (e: Json) => !['new', 'running', 'waiting'].includes(String(e.status));
	/** node name -> the json of its first run's items on output 0 (IF: true, Filter: kept) */
	const outputsOf = (e: Json): Outputs => {
		const runData = (((e.data as Json | undefined)?.resultData as Json | undefined)?.runData ?? {}) as Record<string, Array<{ data?: { main?: Array<Array<{ json: Json }>> } }>>;
		return Object.fromEntries(Object.entries(runData).map(([name, runs]) => [name, (runs[0]?.data?.main?.[0] ?? []).map((i) => i.json)]));
	};

	/** Runs a workflow from one of its triggers, as the editor does; resolves with each node's output items. */
	async function run(workflowId: string, trigger: string): Promise<Outputs> {
		const r = await httpJson('POST', `${base}/rest/workflows/${workflowId}/run`, { triggerToStartFrom: { name: trigger } }, { cookie });
		expect({ status: r.status, body: r.status === 200 ? 'ok' : r.text.slice(0, 500) }).toEqual({ status: 200, body: 'ok' });
		const executionId = String(r.json?.data?.executionId ?? '');
		expect(executionId).not.toBe('');
		const e = await waitFor(`execution ${executionId} of ${workflowId}`, async () => {
			const x = await httpJson('GET', `${base}/api/v1/executions/${executionId}?includeData=true`, undefined, { 'X-N8N-API-KEY': apiKey });
			return x.status === 200 && finished(x.json as Json) ? (x.json as Json) : undefined;
		}, 60_000, 250);
		expect({ workflowId, status: e.status, error: JSON.stringify(((e.data as Json)?.resultData as Json)?.error ?? null).slice(0, 800) }).toEqual({ workflowId, status: 'success', error: 'null' });
		return outputsOf(e);
	}

	async function executions(workflowId: string): Promise<Json[]> {
		const r = await httpJson('GET', `${base}/api/v1/executions?workflowId=${workflowId}&includeData=true&limit=250`, undefined, { 'X-N8N-API-KEY': apiKey });
		expect(r.status).toBe(200);
		return r.json.data as Json[];
	}

	const wire = (p: string): Wire[] =>
		sandbox.control.requests().filter((r) => r.path === p).map((r) => ({ path: r.path, retCode: Number(r.retCode), body: parse(r.body), query: typeof r.query === 'string' ? r.query : '' }));
	const creates = (linkPrefix: string) => wire('/v5/order/create').filter((w) => String(w.body.orderLinkId ?? '').startsWith(linkPrefix));
	const orders = (linkPrefix: string) => sandboxOrders(sandbox.control.getState()).filter((o) => String(o.orderLinkId ?? '').startsWith(linkPrefix));
	const brief = (list: Json[]) => list.map((o) => ({ orderStatus: o.orderStatus, side: o.side, price: Number(o.price), qty: Number(o.qty) }));
	const state = () => sandbox.control.getState() as Json;
	const emit = (topic: string, data: Json[]) => (sandbox.control.emitPrivate as (t: string, d: Json[]) => number)(topic, data);
	const settle = (ms = 3000) => new Promise((r) => setTimeout(r, ms));

	beforeAll(async () => {
		await runtime.ensureRuntime();
		sandbox = await startSandbox();
		userFolder = fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-bybit-gallery-'));
		runtime.installPackage(userFolder, REPO);
		const port = await freePort();
		base = `http://127.0.0.1:${port}`;
		env = runtime.n8nEnv(userFolder, port, { N8N_RUNNERS_BROKER_PORT: String(await freePort()) });

		// the credential as `npm start` imports it (scripts/demo.js: id bybitDemoSandbox), pointing at this sandbox
		const credFile = path.join(userFolder, 'credentials.json');
		fs.writeFileSync(credFile, JSON.stringify([{ id: EXAMPLE_CRED_ID, name: 'Bybit sandbox (demo)', type: 'bybitApi', data: sandboxCredentialData(sandbox) }]), { mode: 0o600 });
		try {
			await n8n(['import:credentials', `--input=${credFile}`]);
		} finally {
			fs.rmSync(credFile, { force: true });
		}
		const wfDir = path.join(userFolder, 'workflows');
		fs.mkdirSync(wfDir);
		const workflows: Workflow[] = Object.values(FILES).map((f) => loadExample(f));
		const live = loadExample(FILES[WF.rebalance]);
		live.id = WF.rebalanceLive;
		live.name += ' (placeOrders on)';
		const settings = live.nodes.find((n) => n.name === 'Settings')!;
		const assignments = (settings.parameters.assignments as { assignments: Array<{ name: string; value: unknown }> }).assignments;
		assignments.find((a) => a.name === 'placeOrders')!.value = true;
		workflows.push(live);
		for (const wf of workflows) fs.writeFileSync(path.join(wfDir, `${wf.id}.json`), JSON.stringify(wf));
		await n8n(['import:workflow', '--separate', `--input=${wfDir}`]);
		for (const id of PUBLISHED) await n8n(['publish:workflow', `--id=${id}`]);
		await start();
		await login();
		await triggersSubscribed();
		// eslint-disable-next-line no-console
		console.log(`[gallery] n8n ready with 7 workflows (3 published) after ${Math.round((Date.now() - t0) / 1000)} s`);
	}, 10 * 60_000);

	afterAll(async () => {
		await stop();
		await sandbox?.close();
		// eslint-disable-next-line no-console
		console.log(`[gallery] suite time ${Math.round((Date.now() - t0) / 1000)} s`);
		if (userFolder && !process.env.BYBIT_E2E_KEEP) fs.rmSync(userFolder, { recursive: true, force: true });
	}, 60_000);

	// ------------------------------------------------------------------------------------- a quiet day
	test('Daily PnL report on a day without trades: no spreadsheet rows, a message saying so', async () => {
		const out = await run(WF.pnl, 'Every day');
		expect(out['Spreadsheet rows']).toEqual([]);
		expect(out.Message).toHaveLength(1);
		expect(out.Message[0]).toMatchObject({ symbols: 0, net: 0 });
		expect(String(out.Message[0].text)).toMatch(/^Bybit daily PnL, .* UTC \(USDT\)\nNo closed positions, fees or funding\.$/);
	}, 60_000);

	// ------------------------------------------------------------------------------------- DCA
	let dcaLinkId = '';
	test('DCA: the hourly schedule fired twice in one hour buys 50 USDT of BTC once (spot market, marketUnit quoteCoin)', async () => {
		// two runs must fall in the same UTC hour: never start within 20 s of the hour's end
		const now = new Date();
		if (now.getUTCMinutes() === 59 && now.getUTCSeconds() >= 40) await settle((61 - now.getUTCSeconds()) * 1000);
		const hour = new Date().toISOString().slice(0, 13).replace(/[-T]/g, '');
		dcaLinkId = `dca-BTCUSDT-${hour.slice(0, 8)}-${hour.slice(8)}`;
		const first = await run(WF.dca, 'Every hour');
		const second = await run(WF.dca, 'Every hour');

		const sent = creates('dca-');
		expect(sent.map((w) => w.body)).toEqual([
			{ category: 'spot', symbol: 'BTCUSDT', side: 'Buy', orderType: 'Market', qty: '50', marketUnit: 'quoteCoin', orderLinkId: dcaLinkId },
			{ category: 'spot', symbol: 'BTCUSDT', side: 'Buy', orderType: 'Market', qty: '50', marketUnit: 'quoteCoin', orderLinkId: dcaLinkId },
		]);
		expect(sent.map((w) => w.retCode)).toEqual([0, 170141]); // the second: Bybit's duplicate orderLinkId (spot)
		const placed = orders('dca-');
		expect(placed).toHaveLength(1);
		expect(placed[0]).toMatchObject({ orderLinkId: dcaLinkId, side: 'Buy', orderStatus: 'Filled' });
		expect(Number(placed[0].cumExecValue)).toBeGreaterThan(49.9); // 50 USDT, less what the base precision leaves
		expect(Number(placed[0].cumExecValue)).toBeLessThanOrEqual(50);
		// both executions hand on the same order
		expect(first.Buy[0].orderId).toBe(placed[0].orderId);
		expect(second.Buy[0].orderId).toBe(placed[0].orderId);
	}, 120_000);

	// ------------------------------------------------------------------------------------- Rebalancer
	let rebalanceIds: string[] = [];
	test('Rebalancer: Dry Run by default sends no order; with placeOrders true it trades toward 50/30/20 once per day', async () => {
		const st = state();
		const wallet = (st.wallet as Json).UNIFIED as Record<string, { walletBalance: string }>;
		const last = (sym: string) => Number(((st.prices as Json[]).find((p) => p.category === 'spot' && p.symbol === sym) as Json).last);
		const value = { BTC: Number(wallet.BTC.walletBalance) * last('BTCUSDT'), ETH: Number(wallet.ETH.walletBalance) * last('ETHUSDT'), USDT: Number(wallet.USDT.walletBalance) };
		const total = value.BTC + value.ETH + value.USDT;
		const expected = (['BTC', 'ETH'] as const).map((c) => ({ coin: c, diff: { BTC: 0.5, ETH: 0.3 }[c] * total - value[c] })).filter((t) => Math.abs(t.diff) >= 10);
		expect(expected.length).toBeGreaterThan(0);
		const day = new Date().toISOString().slice(0, 10).replace(/-/g, '');

		const dry = await run(WF.rebalance, 'Every day');
		expect(wire('/v5/order/create').filter((w) => String(w.body.orderLinkId ?? '').startsWith('rb-'))).toEqual([]);
		expect(dry['Plan trades'].map((t) => ({ symbol: t.symbol, orderLinkId: t.orderLinkId, dryRun: t.dryRun }))).toEqual(
			expected.sort((a, b) => (a.diff < 0 ? 0 : 1) - (b.diff < 0 ? 0 : 1)).map((t) => ({ symbol: `${t.coin}USDT`, orderLinkId: `rb-${day}-${t.coin}`, dryRun: true })),
		);
		for (const t of dry['Plan trades']) {
			const e = expected.find((x) => `${x.coin}USDT` === t.symbol)!;
			expect(t.side).toBe(e.diff > 0 ? 'Buy' : 'Sell');
			expect(Number(t.amount)).toBeCloseTo(Math.abs(e.diff), 1);
		}

		const live = await run(WF.rebalanceLive, 'Every day');
		const sent = creates('rb-');
		rebalanceIds = live['Plan trades'].map((t) => String(t.orderLinkId));
		expect(sent.map((w) => w.body.orderLinkId)).toEqual(rebalanceIds);
		for (const w of sent) {
			const t = live['Plan trades'].find((x) => x.orderLinkId === w.body.orderLinkId)!;
			// sized in USDT by the node: the base quantity at the last price, rounded down to the base precision
			// (BTCUSDT 0.000001, ETHUSDT 0.00001: the decimals of the qty sent)
			const price = last(String(t.symbol));
			const step = 10 ** -(String(w.body.qty).split('.')[1] ?? '').length;
			expect(w.body).toEqual({ category: 'spot', symbol: t.symbol, side: t.side, orderType: 'Market', qty: expect.stringMatching(/^\d+\.\d{1,6}$/), marketUnit: 'baseCoin', orderLinkId: t.orderLinkId });
			expect(Number(w.body.qty) * price).toBeLessThanOrEqual(Number(t.amount));
			expect(Number(w.body.qty) * price).toBeGreaterThan(Number(t.amount) - price * step - 1e-9);
			expect(w.retCode).toBe(0);
		}
		// the dry run showed exactly the requests the live run sent, and sent none of them
		expect(dry.Trade.map((t) => [t.dryRun, t.body])).toEqual(sent.map((w) => [true, w.body]));
		const placed = orders('rb-');
		expect(placed.map((o) => o.orderLinkId).sort()).toEqual([...rebalanceIds].sort());
		expect(placed.every((o) => o.orderStatus === 'Filled')).toBe(true);

		// the same day again (a retry, a second firing): nothing traded twice
		await run(WF.rebalanceLive, 'Every day');
		expect(orders('rb-')).toHaveLength(rebalanceIds.length);
	}, 120_000);

	// ------------------------------------------------------------------------------------- Grid
	const ladderIds = [0, 1, 2, 3, 4, 6, 7, 8, 9, 10].map((i) => `grid-g1-${String(i).padStart(2, '0')}-${i < 5 ? 'B' : 'S'}-0`);
	test('Grid: the ladder placed twice is 10 limit orders once; each fill places its opposite one level away', async () => {
		await run(WF.grid, 'Place grid');
		await run(WF.grid, 'Place grid');
		const batches = wire('/v5/order/create-batch');
		expect(batches).toHaveLength(2);
		expect(batches[0].body).toEqual({
			category: 'spot',
			request: ladderIds.map((orderLinkId, k) => {
				const i = k < 5 ? k : k + 1;
				return { symbol: 'BTCUSDT', side: i < 5 ? 'Buy' : 'Sell', orderType: 'Limit', qty: '0.001', price: String(60000 + i * 1000), orderLinkId };
			}),
		});
		expect(batches[1].body).toEqual(batches[0].body); // the same ids again: Bybit refuses each as a duplicate
		const ladder = orders('grid-g1-');
		expect(ladder.map((o) => o.orderLinkId).sort()).toEqual([...ladderIds].sort());
		expect(ladder.every((o) => o.orderStatus === 'New')).toBe(true);

		// the price falls to 64,000 then 63,000: the buys there fill, and each gets its sell one level up
		sandbox.control.setPrice!('BTCUSDT', { last: 64000 }, 'spot');
		await waitFor('the sell after the 64,000 buy', () => orders('grid-g1-05-S-1')[0], 45_000, 250);
		sandbox.control.setPrice!('BTCUSDT', { last: 63000 }, 'spot');
		await waitFor('the sell after the 63,000 buy', () => orders('grid-g1-04-S-1')[0], 45_000, 250);
		// qty: the filled quantity as Bybit reports it (cumExecQty, the spot base precision's 6 decimals)
		expect(creates('grid-g1-').map((w) => w.body)).toEqual([
			{ category: 'spot', symbol: 'BTCUSDT', side: 'Sell', orderType: 'Limit', qty: '0.001000', price: '65000', orderLinkId: 'grid-g1-05-S-1', timeInForce: 'GTC' },
			{ category: 'spot', symbol: 'BTCUSDT', side: 'Sell', orderType: 'Limit', qty: '0.001000', price: '64000', orderLinkId: 'grid-g1-04-S-1', timeInForce: 'GTC' },
		]);
		expect(brief(orders('grid-g1-05-S-1'))).toEqual([{ orderStatus: 'New', side: 'Sell', price: 65000, qty: 0.001 }]);
		expect(brief(orders('grid-g1-04-S-1'))).toEqual([{ orderStatus: 'New', side: 'Sell', price: 64000, qty: 0.001 }]);
	}, 120_000);

	// ------------------------------------------------------------------------------------- Protect every entry
	let entryLinkId = '';
	test('Protect every entry: a filled long entry gets a Partial take-profit and stop-loss of its size, rounded to the tick', async () => {
		entryLinkId = `entry-${Date.now()}`;
		await sandboxOrder(sandbox, { category: 'linear', symbol: 'BTCUSDT', side: 'Buy', orderType: 'Market', qty: '0.010', orderLinkId: entryLinkId });
		const entry = orders(entryLinkId)[0];
		expect(entry).toMatchObject({ orderStatus: 'Filled', avgPrice: '65000', cumExecQty: '0.010' });
		const calls = await waitFor('the trading-stop call', () => {
			const w = wire('/v5/position/trading-stop').filter((x) => x.body.symbol === 'BTCUSDT');
			return w.length ? w : undefined;
		}, 45_000, 250);
		expect(calls.map((c) => [c.retCode, c.body])).toEqual([
			[0, { category: 'linear', symbol: 'BTCUSDT', tpslMode: 'Partial', positionIdx: 0, takeProfit: '66300.00', stopLoss: '64350.00', tpSize: '0.010', slSize: '0.010', tpOrderType: 'Market', slOrderType: 'Market' }],
		]);
		const stops = sandboxOrders(state()).filter((o) => o.symbol === 'BTCUSDT' && o.category === 'linear' && o.orderStatus === 'Untriggered');
		expect(stops.map((o) => [o.stopOrderType, Number(o.triggerPrice), o.qty]).sort()).toEqual([
			['PartialStopLoss', 64350, '0.010'],
			['PartialTakeProfit', 66300, '0.010'],
		]);

		// a limit entry filled 0.5 of 2 SOL, then cancelled: protected for the 0.5 that filled
		const solLink = `entry-sol-${Date.now()}`;
		await sandboxOrder(sandbox, { category: 'linear', symbol: 'SOLUSDT', side: 'Buy', orderType: 'Limit', qty: '2', price: '140', orderLinkId: solLink });
		sandbox.control.setPrice!('SOLUSDT', { last: 141, mark: 141 }, 'linear'); // near the order (a TP below the last price is refused)
		(sandbox.control.fill as (id: string, qty?: string) => void)(solLink, '0.5');
		const cancel = await bybitRest(sandbox, 'POST', '/v5/order/cancel', { category: 'linear', symbol: 'SOLUSDT', orderLinkId: solLink });
		expect(cancel.retCode).toBe(0);
		expect(orders(solLink)).toMatchObject([{ orderStatus: 'Cancelled', cumExecQty: '0.5' }]);
		const sol = await waitFor('the trading-stop call for the partial fill', () => wire('/v5/position/trading-stop').find((x) => x.body.symbol === 'SOLUSDT'), 45_000, 250);
		expect(sol.retCode).toBe(0);
		expect(sol.body).toMatchObject({ category: 'linear', symbol: 'SOLUSDT', tpslMode: 'Partial', positionIdx: 0, tpSize: '0.5', slSize: '0.5' });
		expect(Number(sol.body.takeProfit)).toBeCloseTo(142.8, 6); // 140 + 2 %
		expect(Number(sol.body.stopLoss)).toBeCloseTo(138.6, 6); // 140 - 1 %
		expect(wire('/v5/position/trading-stop').filter((x) => x.body.symbol === 'SOLUSDT')).toHaveLength(1);
	}, 90_000);

	// ------------------------------------------------------------------------------------- Risk guard
	const breach = () => {
		const pos = (state().positions as Json[]).find((p) => p.symbol === 'ETHUSDT' && Number(p.size) > 0)!;
		return { ...pos, category: 'linear', markPrice: '3200.00', liqPrice: '3100.00', updatedTime: String(Date.now()) } as Json;
	};
	test('Risk guard: a position 3.1% from liquidation (limit 5%) is reduced by 25%, reduce-only, once for the same breach pushed twice', async () => {
		await sandboxOrder(sandbox, { category: 'linear', symbol: 'ETHUSDT', side: 'Buy', orderType: 'Market', qty: '1.00', orderLinkId: `guard-open-${Date.now()}` });
		const before = (await executions(WF.guard)).length;
		const event = breach();
		expect(event.size).toBe('1.00');
		emit('position', [event]);
		await waitFor('the reduce order', () => orders('rg-')[0], 45_000, 250);
		emit('position', [breach()]);
		await waitFor('the second breach push handled', async () => (await executions(WF.guard)).filter((e) => finished(e) && JSON.stringify(e).includes('"liqPrice":"3100.00"')).length >= 2 || undefined, 45_000, 500);
		expect((await executions(WF.guard)).length).toBeGreaterThanOrEqual(before + 2);
		const sent = creates('rg-');
		expect(sent.map((w) => [w.retCode, w.body])).toEqual([
			[0, { category: 'linear', symbol: 'ETHUSDT', side: 'Sell', orderType: 'Market', qty: '0.25', positionIdx: 0, orderLinkId: 'rg-ETHUSDT-0-3100', reduceOnly: true }],
			// the second push carries the reduced size (0.75): a quarter of it, under the same breach's id, is refused as a duplicate
			[110072, { category: 'linear', symbol: 'ETHUSDT', side: 'Sell', orderType: 'Market', qty: '0.18', positionIdx: 0, orderLinkId: 'rg-ETHUSDT-0-3100', reduceOnly: true }],
		]);
		expect(orders('rg-')).toMatchObject([{ orderLinkId: 'rg-ETHUSDT-0-3100', orderStatus: 'Filled', reduceOnly: true }]);
		expect((state().positions as Json[]).find((p) => p.symbol === 'ETHUSDT')).toMatchObject({ size: '0.75', side: 'Buy' });
	}, 90_000);

	// ------------------------------------------------------------------------------------- Daily PnL report
	test('Daily PnL report: one flat row per symbol (closed PnL, fees, funding, net as JSON numbers) equal to the sandbox\'s records, and a message', async () => {
		// close the BTC entry 1,000 higher: a closed PnL of about +10 USDT before fees
		sandbox.control.setPrice!('BTCUSDT', { last: 66000, mark: 66000 }, 'linear');
		await sandboxOrder(sandbox, { category: 'linear', symbol: 'BTCUSDT', side: 'Sell', orderType: 'Market', qty: '0.010', reduceOnly: true, orderLinkId: `exit-${Date.now()}` });
		const st = state();
		const expected = new Map<string, { closedPnl: number; fees: number; funding: number; closedTrades: number }>();
		const row = (s: string) => expected.get(s) ?? expected.set(s, { closedPnl: 0, fees: 0, funding: 0, closedTrades: 0 }).get(s)!;
		for (const c of (st.closedPnl as Json[]).filter((x) => x.category === 'linear')) {
			row(String(c.symbol)).closedPnl += Number(c.closedPnl);
			row(String(c.symbol)).closedTrades += 1;
		}
		for (const t of (st.transactionLog as Json[]).filter((x) => x.category === 'linear' && x.currency === 'USDT')) {
			row(String(t.symbol)).fees += Number(t.fee);
			row(String(t.symbol)).funding += Number(t.funding || 0);
		}
		expect([...expected.keys()].sort()).toEqual(['BTCUSDT', 'ETHUSDT', 'SOLUSDT']); // SOL: the partly filled entry's fee

		const out = await run(WF.pnl, 'Every day');
		const rows = out['Sum per symbol'];
		expect(rows.map((r) => r.symbol)).toEqual(['BTCUSDT', 'ETHUSDT', 'SOLUSDT']);
		for (const r of rows) {
			const e = expected.get(String(r.symbol))!;
			expect(Object.keys(r)).toEqual(['date', 'symbol', 'closedPnl', 'fees', 'funding', 'net', 'closedTrades', 'currency', 'from', 'to']);
			for (const k of ['closedPnl', 'fees', 'funding', 'net', 'closedTrades']) expect(typeof r[k]).toBe('number');
			expect(Object.values(r).every((v) => typeof v !== 'object')).toBe(true); // flat: a spreadsheet row
			expect(r.closedPnl as number).toBeCloseTo(e.closedPnl, 6);
			expect(r.fees as number).toBeCloseTo(e.fees, 6);
			expect(r.funding as number).toBeCloseTo(e.funding, 6);
			expect(r.net as number).toBeCloseTo(e.closedPnl + e.funding, 6);
			expect(r.closedTrades).toBe(e.closedTrades);
			expect(r.currency).toBe('USDT');
		}
		expect(rows[0].closedPnl as number).toBeGreaterThan(9); // +10 before the open and close fees
		expect(out['Spreadsheet rows']).toEqual(rows);
		const msg = out.Message[0];
		expect(typeof msg.text).toBe('string');
		expect(msg.text).toContain(`BTCUSDT: closed PnL +${(rows[0].closedPnl as number).toFixed(2)}`);
		expect(msg.text).toContain('ETHUSDT: closed PnL ');
		expect(msg).toMatchObject({ symbols: 3 });
		// what it asked Bybit: the 24 h window, USDT perpetuals
		const [pnlQuery] = wire('/v5/position/closed-pnl').map((w) => new URLSearchParams(w.query));
		expect(pnlQuery.get('category')).toBe('linear');
		expect(Number(pnlQuery.get('endTime')) - Number(pnlQuery.get('startTime'))).toBe(24 * 3600 * 1000);
		const [logQuery] = wire('/v5/account/transaction-log').map((w) => new URLSearchParams(w.query));
		expect({ category: logQuery.get('category'), currency: logQuery.get('currency') }).toEqual({ category: 'linear', currency: 'USDT' });

		// a second run reports the same figures (reads only: nothing on the account changes)
		const again = await run(WF.pnl, 'Every day');
		expect(again['Sum per symbol'].map((r) => [r.symbol, r.closedPnl, r.fees, r.net])).toEqual(rows.map((r) => [r.symbol, r.closedPnl, r.fees, r.net]));
	}, 120_000);

	// ------------------------------------------------------------------------------------- Re-delivered events
	test('a fill delivered again: the grid places no second opposite order, the entry gets no second TP/SL', async () => {
		const redeliver = (linkId: string) => {
			const o = (state().orders as Json[]).find((x) => x.orderLinkId === linkId)!;
			expect(o.orderStatus).toBe('Filled');
			// a new update time: the trigger's own de-duplication lets it through, as a real re-delivery would be
			emit('order', [{ ...o, updatedTime: String(Number(o.updatedTime) + 1) }]);
		};
		const protectRuns = (await executions(WF.protect)).length;
		redeliver('grid-g1-04-B-0');
		await waitFor('the grid met its own order', () => creates('grid-g1-05-S-1').length >= 2 || undefined, 45_000, 250);
		expect(creates('grid-g1-05-S-1').map((w) => w.retCode)).toEqual([0, 170141]);
		expect(orders('grid-g1-05-S-1')).toHaveLength(1);

		redeliver(entryLinkId);
		await waitFor('the protect workflow ran on the re-delivered fill', async () => (await executions(WF.protect)).filter(finished).length > protectRuns || undefined, 45_000, 500);
		await settle(1000);
		expect(wire('/v5/position/trading-stop').filter((w) => w.body.symbol === 'BTCUSDT')).toHaveLength(1);
	}, 120_000);

	// ------------------------------------------------------------------------------------- Restart
	test('n8n restarted: the grid fills made while it was down get their opposite orders once; nothing placed before is placed again', async () => {
		const tradingStops = wire('/v5/position/trading-stop').length;
		await stop();
		// while n8n is down the price comes back to 65,000: the two grid sells (64,000 and 65,000) fill
		sandbox.control.setPrice!('BTCUSDT', { last: 65000 }, 'spot');
		expect(orders('grid-g1-04-S-1')[0].orderStatus).toBe('Filled');
		expect(orders('grid-g1-05-S-1')[0].orderStatus).toBe('Filled');
		await start();
		await login();
		await triggersSubscribed();
		// caught up after the restart: each sell gets its buy one level down
		await waitFor('the buys after the sells filled while n8n was down', () => (orders('grid-g1-03-B-2').length && orders('grid-g1-04-B-2').length) || undefined, 60_000, 250);
		expect(brief(orders('grid-g1-03-B-2'))).toEqual([{ side: 'Buy', price: 63000, qty: 0.001, orderStatus: 'New' }]);
		expect(brief(orders('grid-g1-04-B-2'))).toEqual([{ side: 'Buy', price: 64000, qty: 0.001, orderStatus: 'New' }]);

		// the same hour's DCA, the same day's rebalance, the same breach again after the restart
		await run(WF.dca, 'Every hour');
		await run(WF.rebalanceLive, 'Every day');
		emit('position', [breach()]);
		await waitFor('the breach after the restart handled', () => creates('rg-').length >= 3 || undefined, 45_000, 250);
		await settle(3000); // a late duplicate would show up by now

		// one order per id (a run past the hour or the day would rightly place the next period's order under a new id)
		const unique = (prefix: string) => {
			const ids = orders(prefix).map((o) => String(o.orderLinkId));
			expect(ids.length).toBe(new Set(ids).size);
		};
		unique('dca-');
		unique('rb-');
		expect(orders(dcaLinkId)).toHaveLength(1);
		for (const id of rebalanceIds) expect(orders(id)).toHaveLength(1);
		expect(orders('rg-')).toHaveLength(1);
		expect(wire('/v5/position/trading-stop')).toHaveLength(tradingStops);
		const grid = orders('grid-').map((o) => String(o.orderLinkId));
		expect(grid.length).toBe(new Set(grid).size);
		expect(grid.sort()).toEqual([...ladderIds, 'grid-g1-05-S-1', 'grid-g1-04-S-1', 'grid-g1-03-B-2', 'grid-g1-04-B-2'].sort());
		// every create the workflows sent either placed an order or met the one placed before
		expect(wire('/v5/order/create').filter((w) => /^(dca|rb|rg|grid)-/.test(String(w.body.orderLinkId))).every((w) => [0, 110072, 170141].includes(w.retCode))).toBe(true);
	}, 240_000);

	// ------------------------------------------------------------------------------------- screenshots (optional)
	(process.env.BYBIT_GALLERY_SHOTS ? test : test.skip)('screenshots: each gallery workflow\'s canvas (BYBIT_GALLERY_SHOTS)', async () => {
		const dir = path.resolve(REPO, process.env.BYBIT_GALLERY_SHOTS!);
		fs.mkdirSync(dir, { recursive: true });
		const browser = await launch();
		try {
			const page = await browser.newPage();
			await page.goto(`${base}/signin`);
			await page.locator('input[type="email"]').fill(owner.email);
			await page.locator('input[type="password"]').fill(owner.password);
			await page.getByTestId('form-submit-button').click();
			await page.waitForURL((u) => !u.pathname.startsWith('/signin'));
			const sizes: string[] = [];
			for (const [id, file] of Object.entries(FILES)) {
				const tab = await browser.newPage();
				await tab.goto(`${base}/workflow/${id}`);
				await tab.getByTestId('canvas-node').first().waitFor();
				await tab.waitForTimeout(800); // the canvas fits the view after the nodes render
				const out = path.join(dir, file.replace(/\.json$/, '.png'));
				sizes.push(`${path.basename(out)} ${Math.round((await shot(tab.getByTestId('canvas-wrapper'), out)) / 1024)} KB`);
				await tab.close();
			}
			// eslint-disable-next-line no-console
			console.log(`[gallery] screenshots in ${dir}: ${sizes.join(', ')}`);
		} finally {
			await browser.close();
		}
	}, 180_000);
});
