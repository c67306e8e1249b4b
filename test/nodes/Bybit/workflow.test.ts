/**
 * The Bybit node inside n8n's own execution engine (n8n-core 2.41, in
 * process; see test/harness/n8nCore.ts): the seed's 16 calls, cursor
 * pagination, batch splitting from input items, continue-on-fail and the
 * error output. Requests go through n8n's real httpRequestWithAuthentication;
 * each signature is re-computed here over the raw bytes the sandbox received.
 */
import type { IDataObject, INodeParameters } from 'n8n-workflow';

import { resetRateLimiter } from '../../../nodes/Bybit/transport/rateLimiter';
import { sandboxCredentials } from '../../harness/execute';
import { runInN8n } from '../../harness/n8nCore';
import { independentlySigned } from '../../harness/signature';
import { startSandbox, type Sandbox } from '../../sandbox';

let sandbox: Sandbox;
beforeEach(async () => {
	resetRateLimiter();
	sandbox = await startSandbox({ port: 0, rateLimits: false });
});
afterEach(async () => await sandbox.close());

const creds = () => sandboxCredentials(sandbox.restUrl, sandbox.control.defaultKey.apiKey, sandbox.control.defaultKey.secret);
const BTC = { __rl: true, mode: 'id', value: 'BTCUSDT' };
type StateOrder = Record<string, string>;
const orders = () => (sandbox.control.getState() as { orders: StateOrder[] }).orders;
const byLink = (id: string) => orders().filter((o) => o.orderLinkId === id);

async function ok(parameters: INodeParameters, items?: IDataObject[]) {
	const run = await runInN8n(creds(), parameters, { items });
	if (run.error) throw new Error(`${String(parameters.operation)}: ${run.error.message}`);
	return run.output!.map((o) => o.json);
}

describe('Bybit node in n8n\'s execution engine', () => {
	it('runs the seed\'s 16 calls, signed over the exact bytes sent', async () => {
		const out: Record<string, IDataObject[]> = {};
		const seed: Array<[string, INodeParameters]> = [
			['get_server_time', { resource: 'market', operation: 'getServerTime' }],
			['get_orderbook', { resource: 'market', operation: 'getOrderbook', category: 'linear', symbol: BTC, limit: 5 }],
			['get_public_trade_history', { resource: 'market', operation: 'getRecentTrades', category: 'linear', symbol: BTC, limit: 5 }],
			['get_kline', { resource: 'market', operation: 'getKline', category: 'linear', symbol: BTC, interval: '1', limit: 5 }],
			['get_instruments_info', { resource: 'market', operation: 'getInstrumentsInfo', category: 'linear', symbol: BTC }],
			['get_wallet_balance', { resource: 'account', operation: 'getWalletBalance', accountType: 'UNIFIED' }],
			['place_order market', { resource: 'order', operation: 'create', category: 'linear', symbol: BTC, side: 'Buy', orderType: 'Market', qty: '0.01', orderLinkId: 'seed-mkt' }],
			['place_order limit', { resource: 'order', operation: 'create', category: 'linear', symbol: BTC, side: 'Buy', orderType: 'Limit', qty: '0.01', price: '50000', orderLinkId: 'seed-lmt' }],
			['place_order conditional', { resource: 'order', operation: 'create', category: 'linear', symbol: BTC, side: 'Buy', orderType: 'Market', qty: '0.01', orderLinkId: 'seed-cond', additionalFields: { triggerPrice: '80000', triggerDirection: 1 } }],
			['get_open_orders', { resource: 'order', operation: 'getOpenOrders', category: 'linear', symbol: BTC }],
			['amend_order', { resource: 'order', operation: 'amend', category: 'linear', symbol: BTC, orderLinkId: 'seed-lmt', additionalFields: { price: '50500' } }],
			['cancel_order', { resource: 'order', operation: 'cancel', category: 'linear', symbol: BTC, orderLinkId: 'seed-lmt' }],
			['place_batch_order', { resource: 'order', operation: 'createBatch', category: 'linear', source: 'json', orders: JSON.stringify([{ symbol: 'BTCUSDT', side: 'Buy', orderType: 'Limit', qty: '0.01', price: '40000', orderLinkId: 'seed-b1' }, { symbol: 'BTCUSDT', side: 'Buy', orderType: 'Limit', qty: '0.01', price: '40100', orderLinkId: 'seed-b2' }]) }],
			['cancel_batch_order', { resource: 'order', operation: 'cancelBatch', category: 'linear', source: 'json', orders: JSON.stringify([{ symbol: 'BTCUSDT', orderLinkId: 'seed-b1' }, { symbol: 'BTCUSDT', orderLinkId: 'seed-b2' }]) }],
			['switch_margin_mode', { resource: 'position', operation: 'switchIsolatedMargin', category: 'linear', symbol: { __rl: true, mode: 'id', value: 'ETHUSDT' }, tradeMode: 1, buyLeverage: '10', sellLeverage: '10' }],
			['set_leverage', { resource: 'position', operation: 'setLeverage', category: 'linear', symbol: BTC, buyLeverage: '5', sellLeverage: '5' }],
			['set_trading_stop', { resource: 'position', operation: 'setTradingStop', category: 'linear', symbol: BTC, tpslMode: 'Full', positionIdx: 'auto', takeProfit: '90000', stopLoss: '40000' }],
			['get_positions', { resource: 'position', operation: 'getPositions', category: 'linear', symbol: BTC }],
		];
		for (const [name, parameters] of seed) out[name] = await ok(parameters);

		expect(Number(out.get_server_time[0].timeSecond)).toBeGreaterThan(1_600_000_000);
		expect(out.get_orderbook[0]).toMatchObject({ s: 'BTCUSDT' });
		expect((out.get_orderbook[0].b as string[][]).length).toBeLessThanOrEqual(5);
		expect(out.get_public_trade_history.length).toBeLessThanOrEqual(5);
		expect(out.get_kline[0]).toEqual(expect.objectContaining({ open: expect.any(String), close: expect.any(String) }));
		expect(out.get_instruments_info[0]).toMatchObject({ symbol: 'BTCUSDT', contractType: 'LinearPerpetual' });
		expect(out.get_wallet_balance[0]).toMatchObject({ accountType: 'UNIFIED' });
		expect(out['get_open_orders'].map((o) => o.orderLinkId).sort()).toEqual(['seed-cond', 'seed-lmt']);
		expect(out.place_batch_order.map((o) => o.orderLinkId)).toEqual(['seed-b1', 'seed-b2']);
		expect(out.get_positions[0]).toMatchObject({ symbol: 'BTCUSDT', leverage: '5', takeProfit: expect.stringMatching(/^90000/) });

		expect(byLink('seed-mkt')).toEqual([expect.objectContaining({ orderStatus: 'Filled' })]);
		expect(byLink('seed-lmt')[0]).toMatchObject({ orderStatus: 'Cancelled' });
		expect(Number(byLink('seed-lmt')[0].price)).toBe(50500);
		expect(byLink('seed-cond')[0].orderStatus).toBe('Untriggered');
		expect([...byLink('seed-b1'), ...byLink('seed-b2')].map((o) => o.orderStatus)).toEqual(['Cancelled', 'Cancelled']);
		const positions = (sandbox.control.getState() as { positions: StateOrder[] }).positions;
		const btc = positions.find((p) => p.symbol === 'BTCUSDT' && Number(p.size) > 0)!;
		expect([Number(btc.leverage), Number(btc.takeProfit), Number(btc.stopLoss)]).toEqual([5, 90000, 40000]);
		expect(positions.find((p) => p.symbol === 'ETHUSDT')).toMatchObject({ tradeMode: 1 });

		const signed = sandbox.control.requests().filter((r) => r.headers['x-bapi-sign']);
		expect(signed.length).toBeGreaterThanOrEqual(18);
		expect(signed.filter((r) => !independentlySigned(r, sandbox.control.defaultKey.secret)).map((r) => r.path)).toEqual([]);
	});

	it('batch from input items: 60 orders in 6 requests of 10 (the per-order quota), each output paired to its item; then cursor pagination in 2 pages of 50', async () => {
		const items = Array.from({ length: 60 }, (_, i) => ({ symbol: 'BTCUSDT', side: 'Buy', orderType: 'Limit', qty: '0.001', price: String(30000 + i), orderLinkId: `page-${i}` }));
		const run = await runInN8n(creds(), { resource: 'order', operation: 'createBatch', category: 'linear', source: 'items' }, { items });
		expect(run.error).toBeUndefined();
		expect(run.output!.map((o) => [o.json.orderLinkId, o.pairedItem])).toEqual(items.map((it, i) => [it.orderLinkId, { item: i }]));
		const batches = sandbox.control.requests().filter((r) => r.path === '/v5/order/create-batch');
		expect(batches.map((r) => (JSON.parse(r.body) as { request: unknown[] }).request.length)).toEqual(Array(6).fill(10));

		sandbox.control.clearRequests();
		const all = await ok({ resource: 'order', operation: 'getOpenOrders', category: 'linear', symbol: BTC, returnAll: true });
		expect(all.map((o) => o.orderLinkId).sort()).toEqual(items.map((it) => it.orderLinkId).sort());
		const pages = sandbox.control.requests().filter((r) => r.path === '/v5/order/realtime');
		expect(pages).toHaveLength(2);
		expect(pages.slice(1).every((r) => /(^|&)cursor=[^&]+/.test(r.query))).toBe(true);
		const limited = await ok({ resource: 'order', operation: 'getOpenOrders', category: 'linear', symbol: BTC, returnAll: false, limit: 7 });
		expect(limited).toHaveLength(7);
	});

	const threeOrders = [
		{ qty: '0.01', link: 'cof-0' },
		{ qty: 'abc', link: 'cof-1' },
		{ qty: '0.02', link: 'cof-2' },
	];
	const perItem: INodeParameters = {
		resource: 'order',
		operation: 'create',
		category: 'linear',
		symbol: BTC,
		side: 'Buy',
		orderType: 'Market',
		qty: '={{ $json.qty }}',
		orderLinkId: '={{ $json.link }}',
	};

	it('continue-on-fail: a bad item becomes an error item paired to it; nothing is sent for it; the others go out', async () => {
		const run = await runInN8n(creds(), perItem, { items: threeOrders, onError: 'continueRegularOutput' });
		expect(run.error).toBeUndefined();
		expect(run.output!.map((o) => o.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
		expect(run.output![0].json.orderLinkId).toBe('cof-0');
		expect(String(run.output![1].json.error)).toMatch(/qty/);
		expect(run.output![2].json.orderLinkId).toBe('cof-2');
		expect(orders().map((o) => o.orderLinkId).sort()).toEqual(['cof-0', 'cof-2']);
	});

	it('error output: the bad item goes to the second output, paired; the good ones to the first', async () => {
		const run = await runInN8n(creds(), perItem, { items: threeOrders, onError: 'continueErrorOutput' });
		expect(run.output!.map((o) => [o.json.orderLinkId, o.pairedItem])).toEqual([
			['cof-0', { item: 0 }],
			['cof-2', { item: 2 }],
		]);
		expect(run.errorOutput).toHaveLength(1);
		expect(run.errorOutput![0].pairedItem).toEqual({ item: 1 });
		expect(String(run.errorOutput![0].json.error)).toMatch(/qty/);
	});

	it('stop on error: the run fails naming the field; items after it are not sent', async () => {
		const run = await runInN8n(creds(), perItem, { items: threeOrders });
		expect(run.error?.message).toMatch(/qty/);
		expect(orders().map((o) => o.orderLinkId)).toEqual(['cof-0']);
		expect(JSON.stringify(run.run)).not.toContain(sandbox.control.defaultKey.secret);
	});
});
