/** Every endpoint the action node wraps answers a typical call with retCode 0 and Bybit's result shape. */
import { startSandbox, type Sandbox } from './index';
import { buildRoutes } from './routes';
import { Exchange } from './state/exchange';
import { EXTRA_ENDPOINT_CASES, NO_RESULT } from './endpoints.extras';
import { EXTRA_CASES } from './extras.cases';
import { call, ok, type Json } from './helpers';
import { MARGIN_CONVERT_CASES } from './endpoints.marginConvert';

type Case = [method: 'GET' | 'POST', path: string, params: Json | ((ctx: Json) => Json), check?: (result: Json, body: Json) => void];

const S = 'BTCUSDT';
const uuid = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

const CASES: Case[] = [
	['GET', '/v5/market/time', {}, (r) => expect(r.timeNano).toMatch(/^\d{19}$/)],
	['GET', '/v5/market/orderbook', { category: 'spot', symbol: S }, (r) => expect(r.b).toHaveLength(1)],
	['GET', '/v5/market/recent-trade', { category: 'spot', symbol: S, limit: 1 }, (r) => expect(Object.keys(r.list[0])).toEqual(['execId', 'symbol', 'price', 'size', 'side', 'time', 'isBlockTrade', 'isRPITrade', 'seq'])],
	['GET', '/v5/market/kline', { category: 'inverse', symbol: 'BTCUSD', interval: '60', limit: 3 }, (r) => expect(r.list[0]).toHaveLength(7)],
	['GET', '/v5/market/mark-price-kline', { category: 'linear', symbol: S, interval: 'D', limit: 2 }, (r) => expect(r.list[0]).toHaveLength(5)],
	['GET', '/v5/market/index-price-kline', { category: 'linear', symbol: S, interval: '15', limit: 2 }, (r) => expect(r.list[0]).toHaveLength(5)],
	['GET', '/v5/market/premium-index-price-kline', { category: 'linear', symbol: S, interval: '1', limit: 2 }, (r) => expect(r.list).toHaveLength(2)],
	['GET', '/v5/market/instruments-info', { category: 'spot' }, (r) => expect(r.list[0].lotSizeFilter).toMatchObject({ basePrecision: '0.000001', minOrderAmt: '1' })],
	['GET', '/v5/market/tickers', { category: 'linear', symbol: S }, (r) => expect(r.list[0]).toMatchObject({ symbol: S, fundingRate: '0.0001' })],
	['GET', '/v5/market/funding/history', { category: 'linear', symbol: S, limit: 3 }, (r) => expect(r.list).toHaveLength(3)],
	['GET', '/v5/market/open-interest', { category: 'linear', symbol: S, intervalTime: '1h', limit: 2 }, (r) => expect(r.nextPageCursor).not.toBe('')],
	['GET', '/v5/market/historical-volatility', { category: 'option', baseCoin: 'BTC', period: 30 }, (r, body) => {
		expect(body).toMatchObject({ retMsg: 'SUCCESS', category: 'option' });
		expect(Array.isArray(r)).toBe(true);
	}],
	['GET', '/v5/market/insurance', { coin: 'USDT' }, (r) => expect(r.list[0].coin).toBe('USDT')],
	['GET', '/v5/market/risk-limit', { category: 'inverse', symbol: 'BTCUSD' }, (r) => expect(r.list[0]).toMatchObject({ id: 1, isLowestRisk: 1 })],
	['GET', '/v5/market/delivery-price', { category: 'option', limit: 2 }, (r) => expect(r.list).toHaveLength(2)],
	['GET', '/v5/market/account-ratio', { category: 'linear', symbol: S, period: '1h', limit: 2 }, (r) => expect(r.list[0]).toHaveProperty('buyRatio')],
	['POST', '/v5/order/create', { category: 'linear', symbol: S, side: 'Buy', orderType: 'Limit', qty: '0.001', price: '60000', orderLinkId: 'e-1' }],
	['POST', '/v5/order/amend', { category: 'linear', symbol: S, orderLinkId: 'e-1', price: '60100' }],
	['POST', '/v5/order/cancel', { category: 'linear', symbol: S, orderLinkId: 'e-1' }],
	['POST', '/v5/order/create-batch', { category: 'linear', request: [{ symbol: S, side: 'Buy', orderType: 'Limit', qty: '0.001', price: '60000', orderLinkId: 'e-2' }] }, (r) => expect(r.list[0].createAt).not.toBe('')],
	['POST', '/v5/order/amend-batch', { category: 'linear', request: [{ symbol: S, orderLinkId: 'e-2', qty: '0.002' }] }, (_r, b) => expect(b.retExtInfo.list[0].code).toBe(0)],
	['POST', '/v5/order/cancel-batch', { category: 'linear', request: [{ symbol: S, orderLinkId: 'e-2' }] }, (_r, b) => expect(b.retExtInfo.list[0].code).toBe(0)],
	['GET', '/v5/order/realtime', { category: 'linear', settleCoin: 'USDT' }],
	['POST', '/v5/order/cancel-all', { category: 'spot' }, (r) => expect(r.success).toBe('1')],
	['GET', '/v5/order/history', { category: 'linear', orderStatus: 'Cancelled' }, (r) => expect(r.list).toHaveLength(2)],
	['GET', '/v5/execution/list', { category: 'linear' }],
	['GET', '/v5/order/spot-borrow-check', { category: 'spot', symbol: S, side: 'Buy' }, (r) => expect(r.borrowCoin).toBe('USDT')],
	['POST', '/v5/order/disconnected-cancel-all', { timeWindow: 40, product: 'DERIVATIVES' }, (_r, b) => expect(b.retMsg).toBe('success')],
	['GET', '/v5/position/list', { category: 'inverse' }],
	['POST', '/v5/position/switch-isolated', { category: 'inverse', symbol: 'BTCUSD', tradeMode: 1, buyLeverage: '5', sellLeverage: '5' }],
	['POST', '/v5/position/set-leverage', { category: 'inverse', symbol: 'BTCUSD', buyLeverage: '8', sellLeverage: '8' }],
	['POST', '/v5/position/switch-mode', { category: 'linear', coin: 'USDT', mode: 3 }],
	['POST', '/v5/position/switch-isolated', { category: 'linear', symbol: 'SOLUSDT', tradeMode: 1, buyLeverage: '10', sellLeverage: '10' }],
	['POST', '/v5/position/set-auto-add-margin', { category: 'linear', symbol: 'SOLUSDT', autoAddMargin: 1, positionIdx: 1 }],
	['POST', '/v5/position/trading-stop', () => ({ category: 'inverse', symbol: 'BTCUSD', positionIdx: 0, tpslMode: 'Full', takeProfit: '80000' })],
	['POST', '/v5/position/add-margin', { category: 'inverse', symbol: 'BTCUSD', margin: '0.001' }, (r) => expect(r).toMatchObject({ category: 'inverse', symbol: 'BTCUSD' })],
	['GET', '/v5/position/closed-pnl', { category: 'linear' }],
	['GET', '/v5/account/wallet-balance', { accountType: 'UNIFIED' }, (r) => expect(r.list[0].coin.map((c: Json) => c.coin)).toEqual(expect.arrayContaining(['USDT', 'BTC', 'USDC']))],
	['GET', '/v5/account/fee-rate', { category: 'linear', symbol: S }, (r) => expect(r.list[0]).toEqual({ symbol: S, takerFeeRate: '0.00055', makerFeeRate: '0.0002' })],
	['GET', '/v5/account/info', {}, (r) => expect(r).toMatchObject({ unifiedMarginStatus: 5, marginMode: 'REGULAR_MARGIN' })],
	['GET', '/v5/account/transaction-log', { accountType: 'UNIFIED' }],
	['POST', '/v5/account/set-margin-mode', { setMarginMode: 'REGULAR_MARGIN' }, (r) => expect(r.reasons).toEqual([])],
	['GET', '/v5/account/collateral-info', { currency: 'BTC' }, (r) => expect(r.list[0].currency).toBe('BTC')],
	['GET', '/v5/account/borrow-history', {}],
	['GET', '/v5/account/query-dcp-info', {}, (r) => expect(r.dcpInfos).toEqual([{ product: 'DERIVATIVES', dcpStatus: 'ON', timeWindow: '40' }])],
	['GET', '/v5/asset/coin/query-info', { coin: 'USDT' }, (r) => expect(r.rows[0].chains.length).toBeGreaterThan(1)],
	['GET', '/v5/asset/transfer/query-account-coins-balance', { accountType: 'FUND' }, (r) => expect(r.balance.map((b: Json) => b.coin)).toEqual(['USDT', 'USDC'])],
	['GET', '/v5/asset/transfer/query-account-coin-balance', { accountType: 'UNIFIED', coin: 'USDT' }, (r) => expect(r.balance.coin).toBe('USDT')],
	['GET', '/v5/asset/transfer/query-transfer-coin-list', { fromAccountType: 'UNIFIED', toAccountType: 'FUND' }, (r) => expect(r.list).toContain('BTC')],
	['POST', '/v5/asset/transfer/inter-transfer', { transferId: uuid(1), coin: 'USDT', amount: '100', fromAccountType: 'FUND', toAccountType: 'UNIFIED' }, (r) => expect(r.status).toBe('SUCCESS')],
	['GET', '/v5/asset/transfer/query-inter-transfer-list', { coin: 'USDT' }, (r) => expect(r.list[0]).toMatchObject({ transferId: uuid(1), amount: '100' })],
	['POST', '/v5/asset/transfer/universal-transfer', (ctx) => ({ transferId: uuid(2), coin: 'USDT', amount: '50', fromMemberId: ctx.uid, toMemberId: 592324, fromAccountType: 'FUND', toAccountType: 'UNIFIED' })],
	['GET', '/v5/asset/transfer/query-universal-transfer-list', {}, (r) => expect(r.list[0]).toMatchObject({ toMemberId: '592324' })],
	['GET', '/v5/asset/deposit/query-record', { coin: 'USDT' }, (r) => expect(r.rows[0]).toMatchObject({ coin: 'USDT', status: 3 })],
	['POST', '/v5/asset/withdraw/create', () => ({ coin: 'USDT', chain: 'TRX', address: 'TXYZ', amount: '20', timestamp: Date.now(), accountType: 'FUND' }), (r) => expect(r.id).toMatch(/^\d+$/)],
	['GET', '/v5/asset/withdraw/query-record', {}, (r) => expect(r.rows[0]).toMatchObject({ coin: 'USDT', amount: '20', withdrawFee: '1' })],
	['GET', '/v5/asset/deposit/query-address', { coin: 'USDT', chainType: 'TRX' }, (r) => expect(r.chains[0].chain).toBe('TRX')],
	['GET', '/v5/user/query-api', {}, (r) => expect(r).toMatchObject({ readOnly: 0, secret: '', ips: ['*'] })],
	...EXTRA_ENDPOINT_CASES,
	...EXTRA_CASES,
	...MARGIN_CONVERT_CASES,
];

describe('every endpoint', () => {
	let sb: Sandbox;
	beforeAll(async () => {
		sb = await startSandbox({ port: 0, rateLimits: false });
	});
	afterAll(() => sb.close());

	it('is covered by this table', () => {
		const routes = [...buildRoutes(new Exchange(1)).keys()].sort();
		expect([...new Set(CASES.map((c) => c[1]))].sort()).toEqual(routes);
	});

	it.each(CASES.map((c) => [`${c[0]} ${c[1]}`, c] as const))('%s', async (_name, [method, path, params, check]) => {
		if (path === '/v5/position/trading-stop' || path === '/v5/position/add-margin') {
			// needs an inverse position (the case before switched BTCUSD to isolated)
			if (path === '/v5/position/trading-stop') await ok(sb, 'POST', '/v5/order/create', { category: 'inverse', symbol: 'BTCUSD', side: 'Buy', orderType: 'Market', qty: '100' });
		}
		const ctx = { uid: (sb.control.getState() as Json).uid };
		const r = await call(sb, method, path, typeof params === 'function' ? params(ctx) : params);
		expect([r.body.retCode, r.body.retMsg]).toEqual([0, expect.any(String)]);
		if (!NO_RESULT.has(path)) expect(r.body.result).toBeDefined();
		check?.(r.body.result, r.body);
	});
});
