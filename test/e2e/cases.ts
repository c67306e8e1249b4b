/**
 * `n8n execute` cases of the real-n8n suite: adding a workflow and its
 * assertions is one entry here.
 */
import { chainWorkflow, exampleAsManual, type ExecuteCase, type Json } from './support';

export const BTC = { __rl: true, mode: 'id', value: 'BTCUSDT' };
export const once = { executeOnce: true, alwaysOutputData: true };
export const seedStep = (name: string, parameters: Json) => ({ name, parameters, extra: once });

export const EXECUTE_CASES: ExecuteCase[] = [
	{
		title: "the pybit quick start's calls in one workflow, and the sandbox's resulting state",
		needs: ['action'],
		workflow: () =>
			chainWorkflow('e2eSeed16', [
				seedStep('get_server_time', { resource: 'market', operation: 'getServerTime' }),
				seedStep('get_orderbook', { resource: 'market', operation: 'getOrderbook', category: 'linear', symbol: BTC }),
				seedStep('get_public_trade_history', { resource: 'market', operation: 'getRecentTrades', category: 'linear', symbol: BTC, limit: 5 }),
				seedStep('get_kline', { resource: 'market', operation: 'getKline', category: 'linear', symbol: BTC, interval: '1', limit: 5 }),
				seedStep('get_instruments_info', { resource: 'market', operation: 'getInstrumentsInfo', category: 'linear', symbol: BTC }),
				seedStep('get_wallet_balance', { resource: 'account', operation: 'getWalletBalance', accountType: 'UNIFIED' }),
				seedStep('place_order market', { resource: 'order', operation: 'create', category: 'linear', symbol: BTC, side: 'Buy', orderType: 'Market', qty: '0.01', orderLinkId: 'seed-mkt' }),
				seedStep('place_order limit', { resource: 'order', operation: 'create', category: 'linear', symbol: BTC, side: 'Buy', orderType: 'Limit', qty: '0.01', price: '50000', orderLinkId: 'seed-lmt' }),
				seedStep('place_order conditional', { resource: 'order', operation: 'create', category: 'linear', symbol: BTC, side: 'Buy', orderType: 'Market', qty: '0.01', orderLinkId: 'seed-cond', additionalFields: { triggerPrice: '80000', triggerDirection: 1 } }),
				seedStep('get_open_orders', { resource: 'order', operation: 'getOpenOrders', category: 'linear', symbol: BTC }),
				seedStep('amend_order', { resource: 'order', operation: 'amend', category: 'linear', symbol: BTC, orderLinkId: 'seed-lmt', additionalFields: { price: '50500' } }),
				seedStep('cancel_order', { resource: 'order', operation: 'cancel', category: 'linear', symbol: BTC, orderLinkId: 'seed-lmt' }),
				seedStep('place_batch_order', { resource: 'order', operation: 'createBatch', category: 'linear', source: 'json', orders: JSON.stringify([{ symbol: 'BTCUSDT', side: 'Buy', orderType: 'Limit', qty: '0.01', price: '40000', orderLinkId: 'seed-b1' }, { symbol: 'BTCUSDT', side: 'Buy', orderType: 'Limit', qty: '0.01', price: '40100', orderLinkId: 'seed-b2' }]) }),
				seedStep('cancel_batch_order', { resource: 'order', operation: 'cancelBatch', category: 'linear', source: 'json', orders: JSON.stringify([{ symbol: 'BTCUSDT', orderLinkId: 'seed-b1' }, { symbol: 'BTCUSDT', orderLinkId: 'seed-b2' }]) }),
				seedStep('switch_margin_mode', { resource: 'position', operation: 'switchIsolatedMargin', category: 'linear', symbol: { __rl: true, mode: 'id', value: 'ETHUSDT' }, tradeMode: 1, buyLeverage: '10', sellLeverage: '10' }),
				seedStep('set_leverage', { resource: 'position', operation: 'setLeverage', category: 'linear', symbol: BTC, buyLeverage: '5', sellLeverage: '5' }),
				seedStep('set_trading_stop', { resource: 'position', operation: 'setTradingStop', category: 'linear', symbol: BTC, tpslMode: 'Full', positionIdx: 'auto', takeProfit: '90000', stopLoss: '40000' }),
				seedStep('get_positions', { resource: 'position', operation: 'getPositions', category: 'linear', symbol: BTC }),
			]),
		check: (out, { sandbox, requests }) => {
			for (const name of ['get_server_time', 'get_orderbook', 'place_order market', 'place_order limit', 'place_order conditional', 'amend_order', 'cancel_order', 'set_leverage', 'set_trading_stop']) {
				expect(out[name]?.length).toBeGreaterThanOrEqual(1);
			}
			expect(out['place_batch_order']).toHaveLength(2);
			expect(out['cancel_batch_order']).toHaveLength(2);
			expect(out['get_positions'][0]).toMatchObject({ symbol: 'BTCUSDT', leverage: '5' });
			const state = sandbox.control.getState() as { orders: Array<Record<string, string>>; positions: Array<Record<string, string>> };
			const byLink = (id: string) => state.orders.filter((o) => o.orderLinkId === id);
			expect(byLink('seed-mkt')).toHaveLength(1);
			expect(byLink('seed-mkt')[0].orderStatus).toBe('Filled');
			expect(byLink('seed-lmt')[0]).toMatchObject({ orderStatus: 'Cancelled' });
			expect(Number(byLink('seed-lmt')[0].price)).toBe(50500);
			expect(byLink('seed-cond')[0].orderStatus).toBe('Untriggered');
			expect(byLink('seed-b1')[0].orderStatus).toBe('Cancelled');
			expect(byLink('seed-b2')[0].orderStatus).toBe('Cancelled');
			const btc = state.positions.find((p) => p.symbol === 'BTCUSDT' && Number(p.size) > 0)!;
			expect(Number(btc.leverage)).toBe(5);
			expect(Number(btc.takeProfit)).toBe(90000);
			expect(Number(btc.stopLoss)).toBe(40000);
			expect(requests.filter((r) => r.signatureValid === false)).toEqual([]);
		},
	},
	{
		title: 'market.getServerTime -> user.getApiKeyInfo',
		needs: ['action'],
		workflow: () =>
			chainWorkflow('e2eSeedTimeKey', [
				{ name: 'Server time', parameters: { resource: 'market', operation: 'getServerTime' } },
				{ name: 'API key info', parameters: { resource: 'user', operation: 'getApiKeyInfo' } },
			]),
		check: (out, { sandbox, requests }) => {
			expect(out['Server time']).toHaveLength(1);
			expect(Number(out['Server time'][0].timeSecond)).toBeGreaterThan(1_600_000_000);
			expect(out['API key info']).toHaveLength(1);
			expect(out['API key info'][0].apiKey).toBe(sandbox.control.defaultKey.apiKey);
			const keyInfo = requests.filter((r) => r.path === '/v5/user/query-api');
			expect(keyInfo.length).toBeGreaterThanOrEqual(1);
			expect(keyInfo.every((r) => r.signatureValid === true)).toBe(true);
			expect(requests.some((r) => r.path === '/v5/market/time')).toBe(true);
		},
	},
	{
		title: 'example "portfolio snapshot" (schedule swapped for a manual trigger) -> one summary item',
		needs: ['action'],
		workflow: () => exampleAsManual('portfolio-snapshot.json', 'e2eExPortfolio'),
		check: (out, { requests }) => {
			expect(out.Summary).toHaveLength(1);
			expect(out.Summary[0].summary).toMatch(/^Equity .* open position\(s\)/);
			expect(Array.isArray(out.Summary[0].openPositions)).toBe(true);
			const signed = requests.filter((r) => r.path === '/v5/account/wallet-balance' || r.path === '/v5/position/list');
			expect(signed.length).toBeGreaterThanOrEqual(2);
			expect(signed.every((r) => r.signatureValid === true)).toBe(true);
		},
	},
];
