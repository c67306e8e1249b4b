/**
 * The credential's safety rules, pure (credentials/common/bybit/safety.ts):
 * property-based over generated order bodies (every category, order type,
 * side, price, qty, trigger, marketUnit, reduce-only flag, hostile keys,
 * single and batch) plus the observed bypasses of issue #13 as examples.
 */
import fc from 'fast-check';
import type { IDataObject } from 'n8n-workflow';

import { tickerKey, orderKey, type MarketFacts } from '../../../../credentials/common/bybit/marketFacts';
import { guardrailsOf, lookupsFor, safetyRefusal, type Guardrails } from '../../../../credentials/common/bybit/safety';
import type { TickerFacts } from '../../../../credentials/common/bybit/valuation';
import { ALL_SPECS } from '../../../../nodes/Bybit/actions';

type Body = IDataObject;

const create = (g: Guardrails, body: Body, facts?: MarketFacts) => safetyRefusal(g, { method: 'POST', path: '/v5/order/create', body }, facts);
const factsFor = (category: string, symbol: string, ticker: TickerFacts): MarketFacts => ({ at: Date.now(), tickers: { [tickerKey(category, symbol)]: ticker }, orders: {} });
const BTC: TickerFacts = { lastPrice: '65000', markPrice: '65000', bid1Price: '64999', ask1Price: '65001', indexPrice: '65000' };

const decimal = fc
	.tuple(fc.integer({ min: 0, max: 200_000 }), fc.integer({ min: 0, max: 9999 }), fc.boolean())
	.map(([i, f, frac]) => (frac ? `${i}.${String(f).padStart(4, '0')}` : String(i)));
const hostileNumber = fc.constantFrom('1e3', '-1', ' 1', '0x10', '', 'NaN', '1,5', '+2');
const maybe = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined });

const orderArb = fc.record(
	{
		symbol: fc.constantFrom('BTCUSDT', 'ETHUSDT', 'BTC-29NOV26-60000-C'),
		side: fc.oneof({ weight: 9, arbitrary: fc.constantFrom('Buy', 'Sell') }, { weight: 1, arbitrary: fc.constantFrom('buy', '', 'BUY') }),
		orderType: fc.oneof({ weight: 9, arbitrary: fc.constantFrom('Market', 'Limit') }, { weight: 1, arbitrary: fc.constantFrom('limit', 'Stop') }),
		qty: fc.oneof({ weight: 9, arbitrary: decimal }, { weight: 1, arbitrary: hostileNumber }),
		price: maybe(fc.oneof({ weight: 9, arbitrary: decimal }, { weight: 1, arbitrary: hostileNumber })),
		triggerPrice: maybe(decimal),
		marketUnit: maybe(fc.constantFrom('baseCoin', 'quoteCoin', 'BaseCoin')),
		reduceOnly: maybe(fc.constantFrom<unknown>(true, false, 'true')),
		closeOnTrigger: maybe(fc.constantFrom<unknown>(true, false, 1)),
	},
	{ requiredKeys: ['symbol', 'side', 'orderType', 'qty'] },
);
const categoryArb = fc.constantFrom('spot', 'linear', 'inverse', 'option');
const priceText = fc.oneof({ weight: 8, arbitrary: decimal.filter((d) => Number(d) > 0) }, { weight: 1, arbitrary: fc.constantFrom('0', '') });
const tickerArb = fc.record({
	lastPrice: priceText,
	markPrice: priceText,
	bid1Price: priceText,
	ask1Price: priceText,
	underlyingPrice: priceText,
	indexPrice: priceText,
});
const capArb = fc.integer({ min: 1, max: 5_000_000 });

function clean(body: Record<string, unknown>): Body {
	return Object.fromEntries(Object.entries(body).filter(([, v]) => v !== undefined)) as Body;
}

/** Bybit's own reduce-only guarantee (docs): the only exemption. */
function exempt(category: string, o: Body): boolean {
	return (o.reduceOnly === true && category !== 'spot') || (o.closeOnTrigger === true && (category === 'linear' || category === 'inverse'));
}

const pos = (s: unknown) => (typeof s === 'string' && Number(s) > 0 ? Number(s) : 0);

/**
 * An independent bound on what the admitted order can cost, at any fill Bybit
 * would give it on this market: buys at the ask (or worse, up to the limit),
 * sells at the bid or their limit, conditional orders at their trigger; a
 * spot market order in quote units costs its qty; inverse qty is USD; an
 * option's exposure is qty x underlying.
 */
function worstFill(category: string, o: Body, t: TickerFacts): number {
	const qty = Number(o.qty);
	if (category === 'inverse') return qty;
	const market = o.orderType === 'Market';
	if (category === 'spot' && market && (o.side === 'Buy' ? o.marketUnit !== 'baseCoin' : o.marketUnit === 'quoteCoin')) return qty;
	const quote = o.side === 'Buy' ? pos(t.ask1Price) : pos(t.bid1Price);
	const fills = [quote || pos(t.lastPrice), pos(t.markPrice), pos(o.triggerPrice)];
	if (!market) fills.push(pos(o.price));
	if (category === 'option') fills.push(pos(t.underlyingPrice) || pos(t.indexPrice));
	return qty * Math.max(...fills);
}

const REASON = /maximum notional|maximum of|allowed symbols|read-only|Withdrawals|field|must be|not a decimal|no market price|no underlying price|Set a symbol|not a write/;

describe('safety rules: maximum notional (property-based)', () => {
	it('every admitted order costs at most the cap at any fill Bybit would give it; every refusal names the reason', () => {
		let admitted = 0;
		fc.assert(
			fc.property(categoryArb, orderArb, tickerArb, capArb, (category, raw, ticker, cap) => {
				const order = clean(raw);
				const body = { category, ...order };
				const g = guardrailsOf({ maxOrderNotional: cap });
				const refusal = create(g, body, factsFor(category, String(order.symbol), ticker));
				if (refusal !== undefined) {
					expect(refusal).toMatch(REASON);
					expect(exempt(category, order)).toBe(false);
					return;
				}
				if (exempt(category, order)) return;
				admitted++;
				expect(worstFill(category, order, ticker)).toBeLessThanOrEqual(cap * (1 + 1e-12));
			}),
			{ numRuns: 1000 },
		);
		expect(admitted).toBeGreaterThan(100); // the property saw many admitted, valued orders
	});

	it('price on a Market order never changes the verdict (Bybit ignores it)', () => {
		fc.assert(
			fc.property(categoryArb, orderArb, tickerArb, capArb, decimal, (category, raw, ticker, cap, price) => {
				const order: Body = { ...clean(raw), orderType: 'Market' };
				delete order.price;
				const g = guardrailsOf({ maxOrderNotional: cap });
				const facts = factsFor(category, String(order.symbol), ticker);
				expect(create(g, { category, ...order, price }, facts) === undefined).toBe(create(g, { category, ...order }, facts) === undefined);
			}),
			{ numRuns: 500 },
		);
	});

	it('a batch is admitted exactly when each of its orders is admitted on its own', () => {
		fc.assert(
			fc.property(categoryArb, fc.array(orderArb, { minLength: 1, maxLength: 5 }), tickerArb, capArb, (category, raws, ticker, cap) => {
				const orders = raws.map(clean);
				const g = guardrailsOf({ maxOrderNotional: cap });
				const facts: MarketFacts = { at: Date.now(), tickers: {}, orders: {} };
				for (const o of orders) facts.tickers[tickerKey(category, String(o.symbol))] = ticker;
				const singly = orders.map((o) => create(g, { category, ...o }, facts));
				const batch = safetyRefusal(g, { method: 'POST', path: '/v5/order/create-batch', body: { category, request: orders } }, facts);
				expect(batch === undefined).toBe(singly.every((r) => r === undefined));
				const first = singly.findIndex((r) => r !== undefined);
				if (first >= 0) expect(batch).toContain(`Order ${first + 1} of the batch`);
			}),
			{ numRuns: 500 },
		);
	});

	it('without looked-up prices (the HTTP Request node), every order that needs a price is refused, naming the fix', () => {
		fc.assert(
			fc.property(categoryArb, orderArb, capArb, (category, raw, cap) => {
				const order = clean(raw);
				const g = guardrailsOf({ maxOrderNotional: cap });
				const refusal = create(g, { category, ...order });
				const needsPrice = lookupsFor(g, { method: 'POST', path: '/v5/order/create', body: { category, ...order } }).tickers.length > 0;
				if (needsPrice) expect(refusal).toMatch(/use the Bybit node .* or remove "Max Order Notional"|must be|not a decimal/);
			}),
			{ numRuns: 500 },
		);
	});

	it('a key that is a read field in another case is refused, whatever its value', () => {
		fc.assert(
			fc.property(fc.constantFrom('Qty', 'QTY', 'Price', 'SYMBOL', 'orderTYPE', 'ReduceOnly', 'marketunit'), fc.string(), (key, value) => {
				const g = guardrailsOf({ maxOrderNotional: 1000 });
				const body = { category: 'linear', symbol: 'BTCUSDT', side: 'Buy', orderType: 'Market', qty: '0.001', [key]: value };
				expect(create(g, body, factsFor('linear', 'BTCUSDT', BTC))).toMatch(new RegExp(`field "${key}".*Rename it`));
			}),
			{ numRuns: 100 },
		);
	});
});

describe('safety rules: the observed bypasses (issue #13)', () => {
	const g = guardrailsOf({ maxOrderNotional: 1000 });

	it('1: a price on a market order does not lower its value', () => {
		const order = { category: 'linear', symbol: 'BTCUSDT', side: 'Buy', orderType: 'Market', qty: '1', price: '1' };
		expect(create(g, order, factsFor('linear', 'BTCUSDT', BTC))).toMatch(/Order notional 65001 for 1 BTCUSDT at 65001 .* exceeds the credential's maximum of 1000/);
	});

	it('2: a marketable limit is valued at the market (spot sell @100 of 1 BTC), options at the underlying', () => {
		const sell = { category: 'spot', symbol: 'BTCUSDT', side: 'Sell', orderType: 'Limit', qty: '1', price: '100' };
		expect(create(g, sell, factsFor('spot', 'BTCUSDT', BTC))).toMatch(/Order notional 65000 /);
		const option = { category: 'option', symbol: 'BTC-29NOV26-60000-C', side: 'Sell', orderType: 'Limit', qty: '0.1', price: '5', orderIv: '0.1' };
		const facts = (t: TickerFacts) => factsFor('option', option.symbol, t);
		expect(create(g, option, facts({ lastPrice: '0', markPrice: '0', bid1Price: '0', underlyingPrice: '65000' }))).toMatch(/Order notional 6500 /);
		expect(create(g, option, facts({ lastPrice: '0', markPrice: '', underlyingPrice: '0', indexPrice: '' }))).toMatch(/no underlying price for option/);
	});

	it('10: writes without a symbol are refused under an allow-list, account-wide ones pass', () => {
		const allow = guardrailsOf({ allowedSymbols: 'BTCUSDT' });
		const post = (path: string, body: Body) => safetyRefusal(allow, { method: 'POST', path, body });
		expect(post('/v5/order/cancel-all', { category: 'linear', settleCoin: 'USDT' })).toMatch(/without a symbol would cancel orders on every symbol.*Set a symbol/);
		expect(post('/v5/order/cancel-all', { category: 'linear', symbol: 'BTCUSDT' })).toBeUndefined();
		expect(post('/v5/position/switch-mode', { category: 'linear', coin: 'USDT', mode: 3 })).toMatch(/by coin .* Set a symbol/);
		expect(post('/v5/position/set-leverage', { category: 'linear', buyLeverage: '5', sellLeverage: '5' })).toMatch(/has no symbol/);
		expect(post('/v5/asset/transfer/inter-transfer', { coin: 'USDT', amount: '1' })).toBeUndefined();
		expect(post('/v5/spread/order/create', { symbol: 'BTCUSDT' })).toMatch(/not a write the credential's allowed symbols can check/);
		expect(post('/v5/order/pre-check', { category: 'linear', symbol: 'SOLUSDT' })).toBeUndefined();
	});

	it('9: reduce-only and close-on-trigger orders pass the cap and the allow-list where Bybit enforces them, never on spot', () => {
		const both = guardrailsOf({ maxOrderNotional: 10, allowedSymbols: 'ETHUSDT' });
		const close = { category: 'linear', symbol: 'BTCUSDT', side: 'Sell', orderType: 'Market', qty: '100', reduceOnly: true };
		expect(create(both, close)).toBeUndefined();
		expect(create(both, { ...close, reduceOnly: undefined, closeOnTrigger: true })).toBeUndefined();
		expect(create(both, { ...close, category: 'option', reduceOnly: true })).toBeUndefined();
		expect(create(both, { ...close, category: 'option', reduceOnly: false, closeOnTrigger: true })).toMatch(/not in the credential's allowed symbols/);
		expect(create(both, { ...close, category: 'spot' })).toMatch(/not in the credential's allowed symbols/);
		expect(create(both, { ...close, reduceOnly: 'true' })).toMatch(/not in the credential's allowed symbols/);
		expect(create(guardrailsOf({ readOnly: true }), close)).toMatch(/read-only mode/);
	});

	it('11: a price-only amend is valued with the open order\'s quantity and side', () => {
		const amend = { category: 'linear', symbol: 'BTCUSDT', orderId: 'o1', price: '60000' };
		const facts = factsFor('linear', 'BTCUSDT', BTC);
		expect(safetyRefusal(g, { method: 'POST', path: '/v5/order/amend', body: amend }, facts)).toMatch(/without the open order's quantity/);
		facts.orders[orderKey('linear', 'BTCUSDT', 'o1', undefined)] = { side: 'Buy', orderType: 'Limit', qty: '0.01', price: '50000' };
		expect(safetyRefusal(g, { method: 'POST', path: '/v5/order/amend', body: amend }, facts)).toBeUndefined();
		expect(safetyRefusal(g, { method: 'POST', path: '/v5/order/amend', body: { ...amend, qty: '0.1' } }, facts)).toMatch(/Order notional 6500.1 for 0.1 BTCUSDT/);
		expect(lookupsFor(g, { method: 'POST', path: '/v5/order/amend', body: amend }).orders).toEqual([{ category: 'linear', symbol: 'BTCUSDT', orderId: 'o1', orderLinkId: undefined }]);
	});

	it('unknown writes: refused in read-only mode and under a cap; withdrawals blocked by any spelling of the path', () => {
		expect(safetyRefusal(g, { method: 'POST', path: '/v5/spread/order/create', body: {} })).toMatch(/not a write the credential's maximum notional can check/);
		expect(safetyRefusal(guardrailsOf({ readOnly: true }), { method: 'DELETE', path: '/v5/anything', body: {} })).toMatch(/read-only/);
		expect(safetyRefusal(guardrailsOf({}), { method: 'POST', path: '/v5//asset/Withdraw/create/', body: {} })).toMatch(/Withdrawals are blocked/);
		expect(safetyRefusal(guardrailsOf({}), { method: 'GET', path: '/v5/asset/withdraw/create', body: { coin: 'USDT' } })).toMatch(/Withdrawals are blocked/);
		expect(safetyRefusal(guardrailsOf({ readOnly: true }), { method: 'GET', path: '/v5/order/create', body: {} })).toMatch(/read-only/);
		expect(safetyRefusal(guardrailsOf({ readOnly: true }), { method: 'GET', path: '/v5/order/realtime', body: {} })).toBeUndefined();
	});
});

describe('safety rules know every write of the Bybit node', () => {
	it('no Bybit node operation is refused as an unknown write under a cap or an allow-list', () => {
		const g = guardrailsOf({ maxOrderNotional: 1000, allowedSymbols: 'BTCUSDT', allowWithdrawals: true });
		const writes = ALL_SPECS.filter((s) => s.method !== 'GET');
		expect(writes.length).toBeGreaterThan(10);
		for (const spec of writes) {
			expect([spec.path, safetyRefusal(g, { method: spec.method, path: spec.path, body: { category: 'linear', symbol: 'BTCUSDT' } }) ?? '']).not.toEqual([spec.path, expect.stringMatching(/not a write/)]);
		}
	});
});
