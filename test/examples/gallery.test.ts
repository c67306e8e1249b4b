/**
 * The gallery's own logic (examples/*.json), without n8n: each Code node's JavaScript run on inputs
 * the real n8n run (test/e2e/gallery.e2e.test.ts) cannot produce cheaply (edges of the grid, tiny
 * liquidation prices, funding rows the sandbox never writes, bad settings, shorts), and the Set
 * nodes' period expressions evaluated by n8n-workflow. The e2e test runs the same files in n8n.
 */
import * as fs from 'fs';
import * as path from 'path';
import { Workflow, type IDataObject, type INodeExecutionData, type INodeTypes } from 'n8n-workflow';

interface ExampleNode {
	name: string;
	type: string;
	parameters: IDataObject;
	[k: string]: unknown;
}
interface Example {
	id: string;
	nodes: ExampleNode[];
	connections: Record<string, { main: Array<Array<{ node: string }>> }>;
}
const example = (file: string) => JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'examples', file), 'utf8')) as Example;
const nodeOf = (file: string, name: string) => {
	const n = example(file).nodes.find((x) => x.name === name);
	if (!n) throw new Error(`${file}: no node ${name}`);
	return n;
};
type Item = { json: IDataObject };
const items = (list: IDataObject[]): Item[] => list.map((json) => ({ json }));

/**
 * A Code node's JavaScript with the parts of n8n's Code sandbox the gallery uses: `$input` (all, first,
 * item), `$json` (per-item mode) and `$('Node')` (first, all, item).
 */
function runCode(file: string, name: string, input: IDataObject[], nodes: Record<string, IDataObject[]> = {}): IDataObject[] {
	const node = nodeOf(file, name);
	const code = String(node.parameters.jsCode);
	const ref = (n: string, index = 0) => {
		const list = items(nodes[n] ?? []);
		if (!nodes[n]) throw new Error(`the test gave no output for node ${n}`);
		return { first: () => list[0], all: () => list, item: list[index] };
	};
	const fn = new Function('$input', '$json', '$', code) as (...a: unknown[]) => unknown;
	const toJson = (r: unknown): IDataObject[] => (Array.isArray(r) ? r.map((x: Item) => x.json) : [r as IDataObject]);
	if (node.parameters.mode === 'runOnceForEachItem') {
		return input.flatMap((json, i) => toJson(fn({ item: { json }, all: () => items(input) }, json, (n: string) => ref(n, i))));
	}
	const all = items(input);
	return toJson(fn({ all: () => all, first: () => all[0] }, undefined, (n: string) => ref(n)));
}

/** n8n's expression engine on one item (as the Set nodes evaluate their assignments). */
const nodeTypes = { getByName: () => ({ description: { properties: [] } }), getByNameAndVersion: () => ({ description: { properties: [] } }), getKnownTypes: () => ({}) } as unknown as INodeTypes;
const exprWorkflow = new Workflow({ id: 'expr', nodes: [{ id: '1', name: 'N', type: 'x', typeVersion: 1, position: [0, 0], parameters: {} }], connections: {}, active: false, nodeTypes });
function evaluate(expression: unknown, json: IDataObject): unknown {
	const list: INodeExecutionData[] = [{ json }];
	return exprWorkflow.expression.getParameterValue(expression as string, null, 0, 0, 'N', list, 'manual', {});
}
const assignment = (file: string, node: string, name: string) =>
	(nodeOf(file, node).parameters.assignments as { assignments: Array<{ name: string; value: unknown }> }).assignments.find((a) => a.name === name)!.value;

describe('every gallery workflow', () => {
	const FILES = ['dca-spot-buy.json', 'grid-spot.json', 'protect-entry-tpsl.json', 'daily-pnl-report.json', 'risk-guard-liquidation.json', 'rebalancer.json'];
	it.each(FILES)('%s: importable (id of at most 21 characters, every connection names a node), the demo credential, a sticky note that says what to set', (file) => {
		const wf = example(file);
		expect(wf.id.length).toBeLessThanOrEqual(21); // n8n keeps a trigger's static data only for such ids
		const names = new Set(wf.nodes.map((n) => n.name));
		expect(names.size).toBe(wf.nodes.length);
		for (const [from, c] of Object.entries(wf.connections)) {
			expect(names.has(from)).toBe(true);
			for (const t of c.main.flat()) expect(names.has(t.node)).toBe(true);
		}
		for (const n of wf.nodes.filter((x) => x.type.startsWith('n8n-nodes-bybit.'))) {
			expect(n.credentials).toEqual({ bybitApi: { id: 'bybitDemoSandbox', name: 'Bybit sandbox (demo)' } }); // scripts/demo.js
		}
		const note = wf.nodes.find((n) => n.type === 'n8n-nodes-base.stickyNote');
		expect(String(note?.parameters.content)).toMatch(/\*\*Set\*\*/);
		// no webhook: nothing here can be started by an unauthenticated caller
		expect(wf.nodes.some((n) => /webhook/i.test(n.type))).toBe(false);
		// every Bybit write carries an id derived from what started it (or is a Set Trading Stop guarded by Remove Duplicates)
		for (const n of wf.nodes.filter((x) => x.type === 'n8n-nodes-bybit.bybit' && x.parameters.operation === 'create')) expect(String(n.parameters.orderLinkId)).toMatch(/^=\{\{/);
	});
});

describe('DCA and rebalancer periods (n8n expressions)', () => {
	it('the period is the schedule time\'s UTC hour (DCA) or day (rebalancer), whatever the instance time zone', () => {
		const dca = assignment('dca-spot-buy.json', 'Settings', 'period');
		expect(evaluate(dca, { timestamp: '2026-12-07T03:05:00.000+01:00' })).toBe('20261207-02');
		expect(evaluate(dca, { timestamp: '2026-12-07T02:59:59.999+00:00' })).toBe('20261207-02');
		expect(evaluate(dca, { timestamp: '2026-12-07T03:00:00.000+00:00' })).toBe('20261207-03');
		expect(evaluate(dca, {})).toMatch(/^\d{8}-\d{2}$/); // no schedule time (a manual run): now
		const reb = assignment('rebalancer.json', 'Settings', 'period');
		expect(evaluate(reb, { timestamp: '2026-12-08T00:30:00.000+02:00' })).toBe('20261207');
		const link = nodeOf('dca-spot-buy.json', 'Buy').parameters.orderLinkId;
		expect(evaluate(link, { symbol: 'BTCUSDT', period: '20261207-02' })).toBe('dca-BTCUSDT-20261207-02');
	});
	it('the report window is the 24 h before the schedule time', () => {
		const ts = { timestamp: '2026-12-07T00:05:00.000+00:00' };
		expect(evaluate(assignment('daily-pnl-report.json', 'Report window', 'to'), ts)).toBe(Date.parse('2026-12-07T00:05:00Z'));
		expect(evaluate(assignment('daily-pnl-report.json', 'Report window', 'from'), ts)).toBe(Date.parse('2026-12-06T00:05:00Z'));
	});
});

describe('grid-spot.json', () => {
	const settings = { gridId: 'g1', symbol: 'BTCUSDT', lower: '60000', upper: '70000', levels: 11, qty: '0.001' };
	const ladder = (last: number, s: IDataObject = settings) => runCode('grid-spot.json', 'Ladder', [{ lastPrice: String(last) }], { 'Grid settings': [s] });
	const opposite = (fill: IDataObject, s: IDataObject = settings) => runCode('grid-spot.json', 'Opposite order', [fill], { 'Grid settings': [s] });

	it('the ladder: every level but the one nearest the price, buys below and sells above, ids per level', () => {
		const at65400 = ladder(65400);
		expect(at65400.map((o) => `${o.side} ${o.price} ${o.orderLinkId}`)).toEqual([
			'Buy 60000 grid-g1-00-B-0', 'Buy 61000 grid-g1-01-B-0', 'Buy 62000 grid-g1-02-B-0', 'Buy 63000 grid-g1-03-B-0', 'Buy 64000 grid-g1-04-B-0',
			'Sell 66000 grid-g1-06-S-0', 'Sell 67000 grid-g1-07-S-0', 'Sell 68000 grid-g1-08-S-0', 'Sell 69000 grid-g1-09-S-0', 'Sell 70000 grid-g1-10-S-0',
		]);
		expect(at65400.every((o) => Object.keys(o).join() === 'symbol,side,orderType,qty,price,orderLinkId')).toBe(true); // only Bybit's batch fields
		// the price below the grid: every level a sell, the lowest left empty
		expect(ladder(59000).map((o) => o.side)).toEqual(Array(10).fill('Sell'));
		expect(ladder(59000)[0].price).toBe('61000');
		// decimals of the bounds are kept
		expect(ladder(1.22, { ...settings, lower: '1.00', upper: '1.50', levels: 6 }).map((o) => `${o.side} ${o.price}`)).toEqual(['Buy 1.00', 'Buy 1.10', 'Sell 1.30', 'Sell 1.40', 'Sell 1.50']);
	});

	it('bad settings are refused with the fix', () => {
		expect(() => ladder(65000, { ...settings, levels: 4 })).toThrow(/divides evenly/);
		expect(() => ladder(65000, { ...settings, upper: '50000' })).toThrow(/lower < upper/);
		expect(() => ladder(65000, { ...settings, gridId: 'my-grid' })).toThrow(/gridId/);
		expect(() => ladder(0)).toThrow(/no last price/);
	});

	it('a fill: the opposite side one level away, the round counted up; the edges, other grids and other symbols place nothing', () => {
		expect(opposite({ orderLinkId: 'grid-g1-04-B-0', symbol: 'BTCUSDT', qty: '0.001', cumExecQty: '0.001000', avgPrice: '64000' })).toEqual([
			{ symbol: 'BTCUSDT', side: 'Sell', qty: '0.001000', price: '65000', orderLinkId: 'grid-g1-05-S-1', filledOrderLinkId: 'grid-g1-04-B-0', filledPrice: '64000' },
		]);
		expect(opposite({ orderLinkId: 'grid-g1-05-S-1', symbol: 'BTCUSDT', cumExecQty: '0.001' })[0]).toMatchObject({ side: 'Buy', price: '64000', orderLinkId: 'grid-g1-04-B-2' });
		expect(opposite({ orderLinkId: 'grid-g1-10-B-3', symbol: 'BTCUSDT', cumExecQty: '0.001' })).toEqual([]); // top of the grid
		expect(opposite({ orderLinkId: 'grid-g1-00-S-1', symbol: 'BTCUSDT', cumExecQty: '0.001' })).toEqual([]); // bottom
		expect(opposite({ orderLinkId: 'grid-g2-04-B-0', symbol: 'BTCUSDT', cumExecQty: '0.001' })).toEqual([]); // another grid
		expect(opposite({ orderLinkId: 'grid-g1-04-B-0', symbol: 'ETHUSDT', cumExecQty: '0.001' })).toEqual([]);
		expect(opposite({ orderLinkId: 'tv-grid-g1-04-B-0', symbol: 'BTCUSDT', cumExecQty: '0.001' })).toEqual([]);
		// the same fill twice derives the same id (Bybit then refuses the second order); ids stay within 36 characters for 10^6 rounds
		const f = { orderLinkId: 'grid-g1-07-S-999998', symbol: 'BTCUSDT', cumExecQty: '0.001' };
		expect(opposite(f)).toEqual(opposite(f));
		expect(String(opposite({ ...f, orderLinkId: 'grid-ABCDEFGH-07-S-999998' }, { ...settings, gridId: 'ABCDEFGH' })[0].orderLinkId).length).toBeLessThanOrEqual(36);
	});
});

describe('protect-entry-tpsl.json: TP/SL prices', () => {
	const settings = { takeProfitPercent: 2, stopLossPercent: 1 };
	const prices = (fill: IDataObject, tickSize: string) => runCode('protect-entry-tpsl.json', 'TP/SL prices', [{ priceFilter: { tickSize } }], { 'Once per fill': [{ ...settings, ...fill }] })[0];
	it('a long: TP above, SL below, rounded to the tick toward the entry; a short the other way; sized to the fill', () => {
		expect(prices({ symbol: 'BTCUSDT', side: 'Buy', avgPrice: '65000', cumExecQty: '0.010', positionIdx: 0 }, '0.10')).toEqual({
			symbol: 'BTCUSDT', positionIdx: '0', size: '0.010', entry: '65000', takeProfit: '66300.00', stopLoss: '64350.00', orderId: undefined,
		});
		// 64,999.9 x 1.02 = 66,299.898 -> 66,299.8 (down, toward the entry); x 0.99 = 64,349.901 -> 64,350.0 (up)
		expect(prices({ side: 'Buy', avgPrice: '64999.9', cumExecQty: '0.5' }, '0.10')).toMatchObject({ takeProfit: '66299.80', stopLoss: '64350.00', size: '0.5' });
		// a short in hedge mode: TP below (up to the tick), SL above (down to the tick)
		expect(prices({ side: 'Sell', avgPrice: '3201.37', cumExecQty: '2.5', positionIdx: 2 }, '0.01')).toMatchObject({ takeProfit: '3137.35', stopLoss: '3233.38', positionIdx: '2' });
		expect(() => prices({ side: 'Buy', avgPrice: '1' }, '')).toThrow(/no tick size/);
	});
	it('skips exits and orders with their own TP/SL (the IF before it)', () => {
		const cond = String(((nodeOf('protect-entry-tpsl.json', 'An entry?').parameters.conditions as IDataObject).conditions as IDataObject[])[0].leftValue);
		const entry = { reduceOnly: false, closeOnTrigger: false, cumExecQty: '0.01', takeProfit: '0.00', stopLoss: '' };
		expect(evaluate(cond, entry)).toBe(true);
		expect(evaluate(cond, { ...entry, reduceOnly: true })).toBe(false);
		expect(evaluate(cond, { ...entry, closeOnTrigger: true })).toBe(false);
		expect(evaluate(cond, { ...entry, cumExecQty: '0' })).toBe(false); // cancelled before any fill
		expect(evaluate(cond, { ...entry, takeProfit: '70000' })).toBe(false);
		expect(evaluate(cond, { ...entry, stopLoss: '60000' })).toBe(false);
	});
});

describe('risk-guard-liquidation.json', () => {
	const guard = (positions: IDataObject[]) => runCode('risk-guard-liquidation.json', 'Too close to liquidation?', positions.map((p) => ({ maxDistance: 0.05, reduceFraction: 0.25, positionIdx: 0, ...p })));
	it('reduces a quarter of a position within 5% of liquidation, once per liquidation price bucket', () => {
		expect(guard([{ symbol: 'ETHUSDT', side: 'Buy', size: '1.00', markPrice: '3200.00', liqPrice: '3100.00' }])).toEqual([
			{ symbol: 'ETHUSDT', side: 'Sell', qty: '0.25', positionIdx: '0', orderLinkId: 'rg-ETHUSDT-0-3100', size: '1.00', markPrice: '3200.00', liqPrice: '3100.00', distancePercent: 3.125 },
		]);
		// a short: buy back; the bucket is the liquidation price to 3 significant digits
		expect(guard([{ symbol: 'BTCUSDT', side: 'Sell', size: '0.400', markPrice: '65000', liqPrice: '66149.5', positionIdx: 2 }])[0]).toMatchObject({ side: 'Buy', qty: '0.100', orderLinkId: 'rg-BTCUSDT-2-66100' });
		// the same breach a little later (liq 66,120): the same id
		expect(guard([{ symbol: 'BTCUSDT', side: 'Sell', size: '0.300', markPrice: '65100', liqPrice: '66120', positionIdx: 2 }])[0].orderLinkId).toBe('rg-BTCUSDT-2-66100');
		// tiny prices: the decimal point spelled p (Bybit's ids allow letters, digits, - and _)
		expect(guard([{ symbol: '1000PEPEUSDT', side: 'Buy', size: '100000', markPrice: '0.012800', liqPrice: '0.012345' }])[0]).toMatchObject({ qty: '25000', orderLinkId: 'rg-1000PEPEUSDT-0-0p0123' });
	});
	it('leaves alone: far from liquidation, no liquidation price, an empty position, a quarter below the step', () => {
		expect(guard([
			{ symbol: 'ETHUSDT', side: 'Buy', size: '1.00', markPrice: '3200', liqPrice: '3000' }, // 6.25%
			{ symbol: 'ETHUSDT', side: 'Buy', size: '1.00', markPrice: '3200', liqPrice: '' },
			{ symbol: 'ETHUSDT', side: '', size: '0', markPrice: '3200', liqPrice: '3190' },
			{ symbol: 'BTCUSDT', side: 'Buy', size: '0.003', markPrice: '65000', liqPrice: '64000' },
		])).toEqual([]);
	});
});

describe('daily-pnl-report.json', () => {
	const window = { from: Date.parse('2026-12-06T00:05:00Z'), to: Date.parse('2026-12-07T00:05:00Z'), currency: 'USDT' };
	const report = (closed: IDataObject[], log: IDataObject[]) => runCode('daily-pnl-report.json', 'Sum per symbol', closed, { 'Report window': [window], 'Closed PnL': closed, 'Transaction log': log });
	it('sums closed PnL, fees and funding (SETTLEMENT rows) per symbol; net = closed PnL + funding; JSON numbers', () => {
		const rows = report(
			[{ symbol: 'ETHUSDT', closedPnl: '-0.44' }, { symbol: 'BTCUSDT', closedPnl: '9.2850' }, { symbol: 'BTCUSDT', closedPnl: '1.10000001' }],
			[
				{ symbol: 'BTCUSDT', type: 'TRADE', fee: '0.3575', funding: '' },
				{ symbol: 'BTCUSDT', type: 'SETTLEMENT', fee: '0', funding: '-1.5' },
				{ symbol: 'BTCUSDT', type: 'SETTLEMENT', fee: '0', funding: '0.3' },
				{ symbol: 'SOLUSDT', type: 'SETTLEMENT', fee: '0', funding: '0.02' },
				{ symbol: '', type: 'TRANSFER_IN', fee: '0', funding: '' },
			],
		);
		expect(rows).toEqual([
			{ date: '2026-12-07', symbol: 'BTCUSDT', closedPnl: 10.38500001, fees: 0.3575, funding: -1.2, net: 9.18500001, closedTrades: 2, currency: 'USDT', from: '2026-12-06T00:05:00.000Z', to: '2026-12-07T00:05:00.000Z' },
			{ date: '2026-12-07', symbol: 'ETHUSDT', closedPnl: -0.44, fees: 0, funding: 0, net: -0.44, closedTrades: 1, currency: 'USDT', from: '2026-12-06T00:05:00.000Z', to: '2026-12-07T00:05:00.000Z' },
			{ date: '2026-12-07', symbol: 'SOLUSDT', closedPnl: 0, fees: 0, funding: 0.02, net: 0.02, closedTrades: 0, currency: 'USDT', from: '2026-12-06T00:05:00.000Z', to: '2026-12-07T00:05:00.000Z' },
		]);
		const msg = runCode('daily-pnl-report.json', 'Message', rows, { 'Report window': [window] })[0];
		expect(msg).toEqual({
			text: [
				'Bybit daily PnL, 2026-12-06 00:05 to 2026-12-07 00:05 UTC (USDT)',
				'BTCUSDT: closed PnL +10.39, fees 0.36, funding -1.20, net +9.19 (2 closed)',
				'ETHUSDT: closed PnL -0.44, fees 0.00, funding +0.00, net -0.44 (1 closed)',
				'SOLUSDT: closed PnL +0.00, fees 0.00, funding +0.02, net +0.02 (0 closed)',
				'Total: net +8.77, fees 0.36, funding -1.18',
			].join('\n'),
			symbols: 3,
			net: 8.76500001,
		});
	});
	it('a quiet day: the empty items of Closed PnL and the log make no row', () => {
		expect(report([{}], [{}])).toEqual([]);
	});
});

describe('rebalancer.json', () => {
	const settings = { targets: '{"BTC": 0.5, "ETH": 0.3, "USDT": 0.2}', quoteCoin: 'USDT', minTradeUsdt: 10, placeOrders: false, period: '20261207' };
	const tickers = [{ symbol: 'BTCUSDT', lastPrice: '65000' }, { symbol: 'ETHUSDT', lastPrice: '3200' }, { symbol: 'ETHBTC', lastPrice: '0.05' }];
	const plan = (coins: IDataObject[], s: IDataObject = settings) => runCode('rebalancer.json', 'Plan trades', [], { Settings: [s], 'Wallet balance': [{ coin: coins }], 'Spot prices': tickers });
	it('sells first, then buys; trades under minTradeUsdt skipped; Dry Run unless placeOrders', () => {
		// 2 BTC (130,000) + 10 ETH (32,000) + 38,000 USDT = 200,000: BTC 65% -> sell 30,000; ETH 16% -> buy 28,000
		const trades = plan([{ coin: 'BTC', walletBalance: '2' }, { coin: 'ETH', walletBalance: '10' }, { coin: 'USDT', walletBalance: '38000' }, { coin: 'USDC', walletBalance: '5000' }]);
		expect(trades.map((t) => [t.symbol, t.side, t.amount, t.orderLinkId, t.weightNow, t.dryRun])).toEqual([
			['BTCUSDT', 'Sell', '30000.00', 'rb-20261207-BTC', 0.65, true],
			['ETHUSDT', 'Buy', '28000.00', 'rb-20261207-ETH', 0.16, true],
		]);
		expect(plan([{ coin: 'BTC', walletBalance: '1.5385' }, { coin: 'ETH', walletBalance: '18.75' }, { coin: 'USDT', walletBalance: '40000' }], { ...settings, placeOrders: true })).toEqual([]); // within 10 USDT
		expect(plan([{ coin: 'BTC', walletBalance: '2' }, { coin: 'USDT', walletBalance: '0' }], { ...settings, placeOrders: true })[0]).toMatchObject({ dryRun: false });
	});
	it('refuses targets that do not add up to 1, leave out the quote coin, or have no price', () => {
		const coins = [{ coin: 'USDT', walletBalance: '1000' }];
		expect(() => plan(coins, { ...settings, targets: '{"BTC": 0.5, "USDT": 0.4}' })).toThrow(/add up to 0.9/);
		expect(() => plan(coins, { ...settings, targets: '{"BTC": 1}' })).toThrow(/quote coin USDT/);
		expect(() => plan(coins, { ...settings, targets: '{"DOGE": 0.5, "USDT": 0.5}' })).toThrow(/no DOGEUSDT spot price/);
		expect(() => plan([], settings)).toThrow(/worth 0/);
	});
});
