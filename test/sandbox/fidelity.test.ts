/**
 * Fidelity, checked by clients nobody here wrote: bybit-api's RestClientV5
 * runs the pybit quick start's calls (shared/seed/pybit-quickstart.md)
 * against the sandbox, and its WebsocketClient (pointed at the sandbox with
 * its `wsUrl` option) authenticates, subscribes and receives pushes.
 */
import { RestClientV5, WebsocketClient } from 'bybit-api';
import { startSandbox, type Sandbox } from './index';

const silent = { trace: () => undefined, info: () => undefined, error: () => undefined };

describe('fidelity with bybit-api', () => {
	let sb: Sandbox;
	beforeEach(async () => {
		sb = await startSandbox({ port: 0 });
	});
	afterEach(() => sb.close());

	it('RestClientV5 runs the pybit quick start with zero signature rejections', async () => {
		const { apiKey: key, secret } = sb.control.defaultKey;
		const client = new RestClientV5({ key, secret, baseUrl: sb.restUrl });
		// the seed's prices assume BTC around 45,000 and ETH below 3,000
		sb.control.setPrice('BTCUSDT', { last: '45500' }, 'linear');
		sb.control.setPrice('ETHUSDT', { last: '2900' }, 'linear');
		const results: Array<[string, { retCode: number; retMsg: string; result: unknown }]> = [];
		const run = async <T extends { retCode: number; retMsg: string; result: unknown }>(name: string, p: Promise<T>): Promise<T> => {
			const r = await p;
			results.push([name, r]);
			return r;
		};
		const symbol = 'BTCUSDT';
		const time = await run('get_server_time', client.getServerTime());
		expect(Number(time.result.timeSecond)).toBeGreaterThan(1.6e9);
		const book = await run('get_orderbook', client.getOrderbook({ category: 'linear', symbol }));
		expect(book.result.b.length).toBeGreaterThan(0);
		await run('get_public_trade_history', client.getPublicTradingHistory({ category: 'linear', symbol, limit: 50 }));
		const kline = await run('get_kline', client.getKline({ category: 'linear', symbol, interval: '1', limit: 100 }));
		expect(kline.result.list).toHaveLength(100);
		const info = await run('get_instruments_info', client.getInstrumentsInfo({ category: 'linear', symbol }));
		expect(info.result.list[0]).toMatchObject({ symbol, priceFilter: { tickSize: '0.10' }, lotSizeFilter: { qtyStep: '0.001', minNotionalValue: '5' } });
		const wallet = await run('get_wallet_balance', client.getWalletBalance({ accountType: 'UNIFIED' }));
		expect(wallet.result.list[0].accountType).toBe('UNIFIED');
		await run('get_positions', client.getPositionInfo({ category: 'linear', symbol }));
		await run('get_open_orders', client.getActiveOrders({ category: 'linear', symbol }));
		await run('place_order market', client.submitOrder({ category: 'linear', symbol, side: 'Buy', orderType: 'Market', qty: '0.001' }));
		const limit = await run('place_order limit', client.submitOrder({ category: 'linear', symbol, side: 'Buy', orderType: 'Limit', qty: '0.001', price: '45000' }));
		const cond = await run(
			'place_order conditional',
			client.submitOrder({ category: 'linear', symbol, side: 'Buy', orderType: 'Limit', qty: '0.001', price: '45000', triggerPrice: '46000', triggerDirection: 1, triggerBy: 'LastPrice' }),
		);
		await run('cancel_order', client.cancelOrder({ category: 'linear', symbol, orderId: limit.result.orderId }));
		await run('amend_order', client.amendOrder({ category: 'linear', symbol, orderId: cond.result.orderId, qty: '0.002', price: '44000' }));
		const batch = await run(
			'place_batch_order',
			client.batchSubmitOrders('linear', [
				{ symbol: 'BTCUSDT', side: 'Buy', orderType: 'Limit', qty: '0.001', price: '45000' },
				{ symbol: 'ETHUSDT', side: 'Sell', orderType: 'Limit', qty: '0.01', price: '3000' },
			]),
		);
		expect(batch.retExtInfo.list.map((x) => x.code)).toEqual([0, 0]);
		const ids = batch.result.list.map((x) => x.orderId);
		const cancelBatch = await run(
			'cancel_batch_order',
			client.batchCancelOrders('linear', [{ symbol: 'BTCUSDT', orderId: ids[0] }, { symbol: 'ETHUSDT', orderId: ids[1] }]),
		);
		expect(cancelBatch.retExtInfo.list.map((x) => x.code)).toEqual([0, 0]);
		await run('switch_margin_mode', client.switchIsolatedMargin({ category: 'linear', symbol, tradeMode: 1, buyLeverage: '10', sellLeverage: '10' }));
		await run('set_trading_stop', client.setTradingStop({ category: 'linear', symbol, positionIdx: 0, stopLoss: '40000', takeProfit: '50000' } as never));
		// leverage is already 10 (switch_margin_mode set it): Bybit answers 110043 "not modified"; a change succeeds
		const same = await client.setLeverage({ category: 'linear', symbol, buyLeverage: '10', sellLeverage: '10' });
		expect(same.retCode).toBe(110043);
		await run('set_leverage', client.setLeverage({ category: 'linear', symbol, buyLeverage: '5', sellLeverage: '5' }));
		await run('set_margin_mode (portfolio)', client.setMarginMode('PORTFOLIO_MARGIN'));

		for (const [name, r] of results) expect([name, r.retCode, r.retMsg]).toEqual([name, 0, expect.any(String)]);
		const signed = sb.control.requests().filter((r) => !r.path.startsWith('/v5/market/'));
		expect(signed.length).toBeGreaterThanOrEqual(15);
		expect(signed.filter((r) => r.signatureValid !== true)).toEqual([]);
		const pos = (await client.getPositionInfo({ category: 'linear', symbol })).result.list[0];
		// account-level PORTFOLIO_MARGIN (the last call) puts every position back on cross margin
		expect(pos).toMatchObject({ side: 'Buy', size: '0.001', leverage: '5', takeProfit: '50000.00', stopLoss: '40000.00', tradeMode: 0 });
	});

	it('WebsocketClient: private topic after auth, and a public ticker (wsUrl pointed at the sandbox)', async () => {
		const { apiKey: key, secret } = sb.control.defaultKey;
		const priv = new WebsocketClient({ key, secret, wsUrl: `${sb.wsUrl}/v5/private` }, silent);
		const pub = new WebsocketClient({ wsUrl: `${sb.wsUrl}/v5/public/linear` }, silent);
		const updates: Array<{ topic: string; data: unknown }> = [];
		const exceptions: unknown[] = [];
		try {
			for (const c of [priv, pub]) {
				c.on('update', (u: { topic: string; data: unknown }) => updates.push(u));
				c.on('exception', (e: unknown) => exceptions.push(e));
			}
			const authed = new Promise((resolve) => priv.on('authenticated', resolve));
			await Promise.all(priv.subscribeV5(['order', 'execution'], 'linear', true));
			await authed;
			await Promise.all(pub.subscribeV5('tickers.BTCUSDT', 'linear'));
			const { orderId } = (await new RestClientV5({ key, secret, baseUrl: sb.restUrl }).submitOrder({ category: 'linear', symbol: 'BTCUSDT', side: 'Buy', orderType: 'Market', qty: '0.001' })).result;
			const deadline = Date.now() + 15_000; // bounds a hang
			while (Date.now() < deadline && !(updates.some((u) => u.topic === 'order') && updates.some((u) => u.topic === 'tickers.BTCUSDT') && updates.some((u) => u.topic === 'execution'))) {
				await new Promise((r) => setTimeout(r, 20));
			}
			expect((updates.find((u) => u.topic === 'order')!.data as Array<{ orderId: string }>)[0].orderId).toBe(orderId);
			expect((updates.find((u) => u.topic === 'tickers.BTCUSDT')!.data as { symbol: string }).symbol).toBe('BTCUSDT');
			expect(exceptions).toEqual([]);
		} finally {
			priv.closeAll(true);
			pub.closeAll(true);
			priv.removeAllListeners();
			pub.removeAllListeners();
		}
	});
});
