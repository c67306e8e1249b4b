/**
 * The WebSocket order frame passes the same gate as the REST signer: for generated orders,
 * limits and market facts, tradeFrame refuses exactly when signBybitRequest refuses (with the
 * same reason), and what it would send is what the REST signer would send (the same body).
 */
import fc from 'fast-check';
import type { IDataObject, IHttpRequestOptions } from 'n8n-workflow';

import { tickerKey, withMarketFacts, type MarketFacts } from '../../../../credentials/common/bybit/marketFacts';
import { signBybitRequest, type BybitCredentialData } from '../../../../credentials/common/bybit/request';
import { TRADE_OPS, tradeFrame, tradeOpOf } from '../../../../credentials/common/bybit/tradeFrame';

const BASE: BybitCredentialData = { environment: 'custom', baseUrl: 'http://127.0.0.1:1', apiKey: 'k-test', apiSecret: 's-test', recvWindow: 7000 };
const now = () => 1_700_000_000_123;

const decimal = fc
	.tuple(fc.integer({ min: 0, max: 200_000 }), fc.integer({ min: 0, max: 9999 }), fc.boolean())
	.map(([i, f, frac]) => (frac ? `${i}.${String(f).padStart(4, '0')}` : String(i)));
const hostile = fc.constantFrom('1e3', '-1', ' 1', '', 'NaN', '+2');
const order = fc.record(
	{
		symbol: fc.constantFrom('BTCUSDT', 'ETHUSDT', 'btcusdt', 'SOLUSDT'),
		side: fc.constantFrom('Buy', 'Sell', 'buy'),
		orderType: fc.constantFrom('Market', 'Limit', 'limit'),
		qty: fc.oneof({ weight: 9, arbitrary: decimal }, { weight: 1, arbitrary: hostile }),
		price: fc.option(decimal, { nil: undefined }),
		orderLinkId: fc.option(fc.stringMatching(/^[a-z0-9-]{1,36}$/), { nil: undefined }),
		reduceOnly: fc.option(fc.constantFrom<unknown>(true, false, 'true'), { nil: undefined }),
		// keys a folding decoder could read as a field the rules read
		Qty: fc.option(decimal, { nil: undefined }),
		'sym\u00adbol': fc.option(fc.constant('ETHUSDT'), { nil: undefined }),
	},
	{ requiredKeys: ['symbol', 'side', 'orderType', 'qty'] },
);
const clean = (o: Record<string, unknown>): IDataObject => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as IDataObject;
const limits = fc.record({
	maxOrderNotional: fc.constantFrom(0, 100, 50_000, 5_000_000),
	allowedSymbols: fc.constantFrom('', 'BTCUSDT', 'BTCUSDT, ETHUSDT'),
	readOnly: fc.boolean().map((b) => b && Math.random() < 0.2),
});
const request = fc.oneof(
	fc.tuple(fc.constant('/v5/order/create'), fc.constantFrom('linear', 'spot'), order).map(([path, category, o]) => ({ path, body: { category, ...clean(o) } })),
	fc.tuple(fc.constant('/v5/order/create-batch'), fc.constantFrom('linear', 'spot'), fc.array(order, { minLength: 1, maxLength: 4 })).map(([path, category, list]) => ({
		path,
		body: { category, request: list.map(clean) } as IDataObject,
	})),
	fc.tuple(fc.constant('/v5/order/cancel'), order).map(([path, o]) => ({ path, body: { category: 'linear', symbol: o.symbol, orderLinkId: o.orderLinkId ?? 'x' } as IDataObject })),
	fc.tuple(fc.constant('/v5/order/amend'), order).map(([path, o]) => ({ path, body: clean({ category: 'linear', symbol: o.symbol, orderId: 'o-1', qty: o.qty, price: o.price }) })),
);

function facts(): MarketFacts {
	const t = { lastPrice: '65000', markPrice: '65000', bid1Price: '64999', ask1Price: '65001', indexPrice: '65000' };
	const tickers: MarketFacts['tickers'] = {};
	for (const c of ['linear', 'spot']) for (const s of ['BTCUSDT', 'ETHUSDT', 'SOLUSDT']) tickers[tickerKey(c, s)] = t;
	return { at: Date.now(), tickers, orders: {} };
}

function restVerdict(credentials: BybitCredentialData, path: string, body: IDataObject, f: MarketFacts): { refused?: string; body?: unknown } {
	try {
		const signed = signBybitRequest(credentials, withMarketFacts({ method: 'POST', url: path, body } as IHttpRequestOptions, f), now);
		return { body: JSON.parse(String(signed.body)) };
	} catch (error) {
		return { refused: (error as Error).message };
	}
}

function wsVerdict(credentials: BybitCredentialData, path: string, body: IDataObject, f: MarketFacts): { refused?: string; body?: unknown; frame?: IDataObject } {
	try {
		const frame = JSON.parse(tradeFrame(credentials, { path, body, reqId: 'r-1', facts: f }, now).text) as IDataObject;
		return { body: (frame.args as unknown[])[0], frame };
	} catch (error) {
		return { refused: (error as Error).message };
	}
}

describe('tradeFrame: the WebSocket order frame', () => {
	it('is Bybit\'s documented request: reqId, header strings, op, one arg that is the body', () => {
		const body = { category: 'linear', symbol: 'BTCUSDT', side: 'Buy', orderType: 'Limit', qty: '0.01', price: '60000', orderLinkId: 'a-1', positionIdx: 0 };
		const frame = JSON.parse(tradeFrame(BASE, { path: '/v5/order/create', body, reqId: 'n8n-7' }, now).text) as IDataObject;
		expect(frame).toEqual({ reqId: 'n8n-7', header: { 'X-BAPI-TIMESTAMP': '1700000000123', 'X-BAPI-RECV-WINDOW': '7000' }, op: 'order.create', args: [body] });
		expect(Object.keys(frame)).toEqual(['reqId', 'header', 'op', 'args']);
		expect(typeof (frame.args as IDataObject[])[0].positionIdx).toBe('number');
	});

	it('has an op for exactly the six order writes Bybit takes over /v5/trade', () => {
		expect(TRADE_OPS).toEqual({
			'/v5/order/create': 'order.create',
			'/v5/order/amend': 'order.amend',
			'/v5/order/cancel': 'order.cancel',
			'/v5/order/create-batch': 'order.create-batch',
			'/v5/order/amend-batch': 'order.amend-batch',
			'/v5/order/cancel-batch': 'order.cancel-batch',
		});
		for (const p of ['/v5/order/cancel-all', '/v5/spread/order/create', '/v5/position/trading-stop', 'constructor', '__proto__']) expect(tradeOpOf(p)).toBeUndefined();
		expect(() => tradeFrame(BASE, { path: '/v5/order/cancel-all', body: {}, reqId: 'r' })).toThrow(/cannot be sent over Bybit's WebSocket/);
	});

	it('refuses a reqId Bybit would refuse, and a body that is not one object', () => {
		for (const reqId of ['', 'x'.repeat(37), 'a b', 'a"b']) expect(() => tradeFrame(BASE, { path: '/v5/order/create', body: {}, reqId })).toThrow(/reqId/);
		expect(() => tradeFrame(BASE, { path: '/v5/order/create', body: [] as unknown as IDataObject, reqId: 'r' })).toThrow(/one JSON object/);
	});

	it('judges the body as sent: a toJSON that would change it after the check cannot', () => {
		const credentials = { ...BASE, allowedSymbols: 'BTCUSDT' };
		const sneaky = { category: 'linear', symbol: 'BTCUSDT', side: 'Buy', orderType: 'Market', qty: '1', toJSON: () => ({ category: 'linear', symbol: 'ETHUSDT', side: 'Buy', orderType: 'Market', qty: '1' }) };
		expect(() => tradeFrame(credentials, { path: '/v5/order/create', body: sneaky as unknown as IDataObject, reqId: 'r' })).toThrow(/ETHUSDT/);
	});

	it('refuses exactly what the REST signer refuses, with the same reason, and sends the same body (property)', () => {
		let refused = 0;
		let admitted = 0;
		fc.assert(
			fc.property(limits, request, (l, { path, body }) => {
				const credentials = { ...BASE, ...l };
				const f = facts();
				const rest = restVerdict(credentials, path, body, f);
				const ws = wsVerdict(credentials, path, body, f);
				expect(ws.refused).toBe(rest.refused);
				expect(ws.body).toEqual(rest.body);
				if (rest.refused) refused++;
				else admitted++;
			}),
			{ numRuns: 3000 },
		);
		expect(refused).toBeGreaterThan(300);
		expect(admitted).toBeGreaterThan(300);
	});
});

it('the REST signer, too, judges a write from the text it sends: a toJSON cannot show the check one body and send another', () => {
	const credentials = { ...BASE, allowedSymbols: 'BTCUSDT' };
	const sneaky = { category: 'linear', symbol: 'BTCUSDT', side: 'Buy', orderType: 'Market', qty: '1', toJSON: () => ({ category: 'linear', symbol: 'ETHUSDT', side: 'Buy', orderType: 'Market', qty: '1' }) };
	expect(() => signBybitRequest(credentials, { method: 'POST', url: '/v5/order/create', body: sneaky } as unknown as IHttpRequestOptions, now)).toThrow(/ETHUSDT/);
});
