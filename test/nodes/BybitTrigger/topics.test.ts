/**
 * Each private topic through the trigger on real sockets, the category topic
 * forms, the order-status filter, raw output and manual mode.
 */
import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import { bybitApiRequest } from '../../../nodes/Bybit/transport';
import { placeOrder, sandboxContext, startTrigger, triggerCredentials, useTriggerSandbox, type TriggerRun } from '../../harness/trigger';
import type { Sandbox } from '../../sandbox';

let sandbox: Sandbox;
let run: TriggerRun | undefined;
useTriggerSandbox((s) => (sandbox = s));

const creds = () => triggerCredentials(sandbox);
const ctx = () => sandboxContext(sandbox);
const settle = (ms = 200) => new Promise((r) => setTimeout(r, ms));
const order = (body: IDataObject) => placeOrder(sandbox, body);

describe('Bybit Trigger: each private topic', () => {
	it('position and wallet updates after a fill, with normalised fields and summaries', async () => {
		run = await startTrigger({ source: 'account', events: ['position', 'wallet'] }, creds());
		await order({ orderLinkId: 'pos-1', qty: '0.02' });
		await run.waitFor((items) => items.some((i) => i.topic === 'position') && items.some((i) => i.topic === 'wallet'));
		const position = run.items().find((i) => i.topic === 'position')!;
		expect(position).toMatchObject({ symbol: 'BTCUSDT', side: 'Buy', category: 'linear', source: 'stream' });
		expect(Number(position.size)).toBeCloseTo(0.02, 8);
		expect(position.normalized).toMatchObject({ eventType: 'position', symbol: 'BTCUSDT', side: 'Buy' });
		expect(position.summary).toMatch(/^Position: Buy 0\.02\d* BTCUSDT @ \d{2},\d{3}/);
		const wallet = run.items().find((i) => i.topic === 'wallet')!;
		expect(wallet.category).toBeNull();
		expect(wallet).toMatchObject({ accountType: 'UNIFIED' });
		expect((wallet.coin as IDataObject[]).some((c) => c.coin === 'USDT')).toBe(true);
		expect(wallet.summary).toMatch(/^Wallet: equity [\d.]+ \(.*USDT [\d.]+/);
		expect(run.items().every((i) => i.topic === 'position' || i.topic === 'wallet')).toBe(true);
	});

	it('category topics: order.linear and execution.fast.linear only carry that category', async () => {
		run = await startTrigger({ source: 'account', events: ['order', 'executionFast'], category: 'linear' }, creds());
		await order({ category: 'spot', symbol: 'BTCUSDT', qty: '0.001', marketUnit: 'baseCoin', orderLinkId: 'spot-1' });
		await order({ orderLinkId: 'lin-1' });
		await run.waitFor((items) => items.some((i) => i.topic === 'execution.fast.linear') && items.some((i) => i.topic === 'order.linear'));
		await settle();
		expect(new Set(run.items().map((i) => i.topic))).toEqual(new Set(['order.linear', 'execution.fast.linear']));
		expect(run.items().every((i) => i.category === 'linear')).toBe(true);
		const fast = run.items().find((i) => i.topic === 'execution.fast.linear')!;
		expect(fast).toMatchObject({ symbol: 'BTCUSDT', side: 'Buy', orderLinkId: 'lin-1' });
		expect(fast.normalized).toMatchObject({ eventType: 'executionFast', filledQty: fast.execQty });
		expect(fast.summary).toMatch(/^Executed: Buy 0\.01\d* BTCUSDT @ /);
		expect(run.items().some((i) => i.orderLinkId === 'spot-1')).toBe(false);
	});

	it('greeks after an option trade', async () => {
		const { list } = (await bybitApiRequest.call(ctx(), { method: 'GET', path: '/v5/market/instruments-info', qs: { category: 'option' } })) as { list: IDataObject[] };
		run = await startTrigger({ source: 'account', events: ['greeks'] }, creds());
		await order({ category: 'option', symbol: String(list[0].symbol), qty: '0.1', orderLinkId: 'opt-1' });
		await run.waitFor((items) => items.length >= 1);
		const greeks = run.items()[0];
		expect(greeks).toMatchObject({ topic: 'greeks', baseCoin: 'BTC', category: null });
		expect(greeks.normalized).toMatchObject({ eventType: 'greeks' });
		expect(greeks.summary).toMatch(/^Greeks BTC: delta -?[\d.]+, gamma -?[\d.]+/);
	});

	it('order status filter: only Filled and Cancelled updates pass', async () => {
		run = await startTrigger({ source: 'account', events: ['order'], filters: { orderStatus: ['Filled', 'Cancelled'] } }, creds());
		const resting = await order({ orderType: 'Limit', price: '50000', orderLinkId: 'rest-1' });
		await order({ orderLinkId: 'fill-1' });
		await bybitApiRequest.call(ctx(), { method: 'POST', path: '/v5/order/cancel', body: { category: 'linear', symbol: 'BTCUSDT', orderId: resting.orderId } });
		await run.waitFor((items) => items.length >= 2);
		await settle();
		expect(run.items().map((i) => [i.orderLinkId, i.orderStatus])).toEqual(
			expect.arrayContaining([
				['fill-1', 'Filled'],
				['rest-1', 'Cancelled'],
			]),
		);
		expect(run.items()).toHaveLength(2);
	});

	it('raw output emits Bybit messages as they arrive', async () => {
		run = await startTrigger({ source: 'account', events: ['execution'], options: { rawOutput: true } }, creds());
		await order({ orderLinkId: 'raw-1' });
		await run.waitFor((items) => items.length >= 1);
		const [msg] = run.items();
		expect(msg).toMatchObject({ topic: 'execution', id: expect.any(String), creationTime: expect.any(Number) });
		expect((msg.data as IDataObject[])[0]).toMatchObject({ orderLinkId: 'raw-1', execType: 'Trade' });
		expect(msg.summary).toBeUndefined();
	});

	it('manual mode: the swapped emit receives the first matching event', async () => {
		run = await startTrigger({ source: 'account', events: ['order'], filters: { orderStatus: ['Filled'] } }, creds(), { mode: 'manual' });
		// n8n replaces emit after trigger() returns; the first call ends the test run
		const first = new Promise<INodeExecutionData[][]>((resolve) => {
			(run!.ctx as unknown as { emit: (d: INodeExecutionData[][]) => void }).emit = resolve;
		});
		await order({ orderType: 'Limit', price: '50000', orderLinkId: 'not-filled' });
		await order({ orderLinkId: 'manual-1' });
		const data = await first;
		expect(data[0].map((d) => d.json.orderLinkId)).toEqual(['manual-1']);
		expect(run.emitted).toEqual([]);
	});
});

describe('Bybit Trigger: trade and liquidation conditions', () => {
	const market = (extra: Record<string, unknown>) => ({ source: 'market', publicHost: 'custom', publicWsUrl: sandbox.wsUrl, marketCategory: 'linear', symbol: 'BTCUSDT', ...extra });

	it('large trades: only trades at or above the size pass', async () => {
		run = await startTrigger(market({ marketEvent: 'publicTrade', minSize: 0.5 }), undefined);
		await settle(100);
		await order({ qty: '0.1', orderLinkId: 'small' });
		await order({ qty: '0.7', orderLinkId: 'big', side: 'Sell' });
		await run.waitFor((items) => items.length >= 1);
		await settle();
		expect(run.items()).toHaveLength(1);
		expect(run.items()[0]).toMatchObject({ topic: 'publicTrade.BTCUSDT', eventType: 'publicTrade', S: 'Sell' });
		expect(Number(run.items()[0].v)).toBeCloseTo(0.7, 8);
		expect(run.items()[0].summary).toMatch(/^Trade: Sell 0\.70* BTCUSDT @ /);
	});

	it('liquidations: only above the notional, long or short named', async () => {
		run = await startTrigger(market({ marketEvent: 'liquidation', minNotional: 100_000 }), undefined);
		await settle(100);
		sandbox.control.liquidation('BTCUSDT', 'Buy', '1', '60000', 'linear'); // 60,000 notional: filtered out
		sandbox.control.liquidation('BTCUSDT', 'Sell', '2', '61000', 'linear'); // 122,000
		await run.waitFor((items) => items.length >= 1);
		await settle();
		expect(run.items()).toHaveLength(1);
		expect(run.items()[0]).toMatchObject({ topic: 'allLiquidation.BTCUSDT', S: 'Sell', p: '61000.00' });
		expect(run.items()[0].summary).toBe('Liquidation: short 2.000 BTCUSDT @ 61000.00');
	});
});
