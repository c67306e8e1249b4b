/**
 * The credential's limits on Convert and Spot Margin writes (safety.ts +
 * convertSafety.ts), pure: property-based over generated quotes, confirms,
 * prices, caps and allow-lists, with hostile coins, amounts and quote ids.
 */
import fc from 'fast-check';
import type { IDataObject } from 'n8n-workflow';

import { QUOTE_COINS, type ConvertQuoteFacts } from '../../../../credentials/common/bybit/convertSafety';
import { tickerKey, type MarketFacts } from '../../../../credentials/common/bybit/marketFacts';
import { guardrailsOf, isWrite, lookupsFor, safetyRefusal, type Guardrails } from '../../../../credentials/common/bybit/safety';
import type { TickerFacts } from '../../../../credentials/common/bybit/valuation';

const QUOTE = '/v5/asset/exchange/quote-apply';
const CONFIRM = '/v5/asset/exchange/convert-execute';
const quote = (g: Guardrails, body: IDataObject, facts?: MarketFacts) => safetyRefusal(g, { method: 'POST', path: QUOTE, body }, facts);
const confirm = (g: Guardrails, body: IDataObject, facts?: MarketFacts, early = false) => safetyRefusal(g, { method: 'POST', path: CONFIRM, body }, facts, early);

const decimal = fc
	.tuple(fc.integer({ min: 0, max: 200_000 }), fc.integer({ min: 0, max: 9999 }), fc.boolean())
	.map(([i, f, frac]) => (frac ? `${i}.${String(f).padStart(4, '0')}` : String(i)));
const hostileAmount = fc.constantFrom<unknown>('1e3', '-1', ' 1', '0x10', '', 'NaN', '1,5', '+2', 5, null, { n: 1 }, ['1']);
const amountArb = fc.oneof({ weight: 8, arbitrary: decimal as fc.Arbitrary<unknown> }, { weight: 2, arbitrary: hostileAmount });
const coinArb = fc.oneof(
	{ weight: 8, arbitrary: fc.constantFrom('BTC', 'ETH', 'SOL', 'USDT', 'USDC', 'XRP') },
	{ weight: 2, arbitrary: fc.constantFrom<unknown>('btc', ' usdt ', '', 'BTC USDT', 'BTCUSDT', 7, undefined, '__proto__') },
);
const priceText = fc.oneof({ weight: 8, arbitrary: decimal.filter((d) => Number(d) > 0) }, { weight: 1, arbitrary: fc.constantFrom('0', '', 'abc') });
const tickerArb = fc.record({ lastPrice: priceText, bid1Price: priceText, ask1Price: priceText }, { requiredKeys: [] });
const capArb = fc.integer({ min: 1, max: 5_000_000 });

/** Spot tickers of every non-USD coin of the pool (some missing). */
const factsArb = fc.record({ BTC: fc.option(tickerArb, { nil: undefined }), ETH: fc.option(tickerArb, { nil: undefined }), SOL: fc.option(tickerArb, { nil: undefined }) }).map((t) => {
	const facts: MarketFacts = { at: Date.now(), tickers: {}, orders: {} };
	for (const [coin, ticker] of Object.entries(t)) if (ticker) facts.tickers[tickerKey('spot', `${coin}USDT`)] = ticker as TickerFacts;
	return facts;
});

/** The test's own worst-case USD price: 1 for USDT/USDC, else the highest positive ticker price; undefined = cannot be valued. */
function worstPrice(coin: string, facts: MarketFacts): number | undefined {
	if (coin === 'USDT' || coin === 'USDC') return 1;
	const t = facts.tickers[tickerKey('spot', `${coin}USDT`)];
	const prices = [t?.lastPrice, t?.bid1Price, t?.ask1Price].filter((p) => typeof p === 'string' && /^\d+(\.\d+)?$/.test(p)).map(Number).filter((n) => n > 0);
	return prices.length ? Math.max(...prices) : undefined;
}
const upper = (v: unknown) => (typeof v === 'string' ? v.trim().toUpperCase() : '');
const validAmount = (v: unknown) => (typeof v === 'string' && /^\d+(\.\d+)?$/.test(v)) || (typeof v === 'number' && Number.isFinite(v) && v >= 0);

describe('Convert under Max Order Notional (property-based)', () => {
	it('a quote request is admitted exactly when requestCoin is one of its coins and requestAmount x the worst USD price <= cap', () => {
		fc.assert(
			fc.property(coinArb, coinArb, fc.option(coinArb, { nil: undefined }), amountArb, factsArb, capArb, (from, to, request, amount, facts, cap) => {
				const g = guardrailsOf({ maxOrderNotional: cap });
				const body: IDataObject = { accountType: 'eb_convert_uta', fromCoin: from as string, toCoin: to as string, requestCoin: (request ?? from) as string, requestAmount: amount as string };
				const verdict = quote(g, body, facts);
				const req = upper(request ?? from);
				const price = worstPrice(req, facts);
				const known = upper(from) !== '' && upper(to) !== '' && (req === upper(from) || req === upper(to)) && validAmount(amount) && price !== undefined;
				const admitted = known && Number(amount) * price! <= cap * (1 + 1e-12);
				if (known && Math.abs(Number(amount) * price! - cap) / cap < 1e-9) return; // float ties: exact decimals decide
				expect([verdict === undefined, body]).toEqual([admitted, body]);
				if (verdict !== undefined) expect(verdict).toMatch(/maximum notional|maximum of/);
			}),
			{ numRuns: 1000 },
		);
	});

	it('a confirm is admitted only for a remembered quote (own key of facts.quotes), when both legs are within the cap', () => {
		const quoteArb: fc.Arbitrary<ConvertQuoteFacts> = fc.record({ fromCoin: fc.constantFrom('BTC', 'ETH', 'USDT', 'XRP'), toCoin: fc.constantFrom('USDT', 'BTC', 'USDC'), fromAmount: decimal, toAmount: decimal });
		const idArb = fc.oneof(fc.constantFrom('q1', 'q2', '__proto__', 'constructor', 'toString', 'hasOwnProperty', ''), fc.string({ maxLength: 8 }));
		fc.assert(
			fc.property(idArb, fc.dictionary(fc.constantFrom('q1', 'q2', 'q3'), fc.option(quoteArb, { nil: null })), factsArb, capArb, (id, quotes, facts, cap) => {
				const g = guardrailsOf({ maxOrderNotional: cap });
				const withQuotes: MarketFacts = { ...facts, quotes };
				const verdict = confirm(g, { quoteTxId: id }, withQuotes);
				const q = Object.prototype.hasOwnProperty.call(quotes, id) ? quotes[id] : undefined;
				if (!q) {
					expect(verdict).toMatch(/was not requested by the Bybit node|needs "quoteTxId"/);
					return;
				}
				const pf = worstPrice(q.fromCoin, withQuotes);
				const pt = worstPrice(q.toCoin, withQuotes);
				if (pf === undefined || pt === undefined) return expect(verdict).toMatch(/Cannot check the convert/);
				const value = Math.max(Number(q.fromAmount) * pf, Number(q.toAmount) * pt);
				if (Math.abs(value - cap) / cap < 1e-9) return;
				expect(verdict === undefined).toBe(value <= cap);
				// no facts at all (n8n's HTTP Request node): never admitted
				expect(confirm(g, { quoteTxId: id })).toMatch(/was not requested by the Bybit node/);
			}),
			{ numRuns: 1000 },
		);
	});

	it('without looked-up prices a quote in a coin other than USDT/USDC is refused, naming why; USDT/USDC need none', () => {
		const g = guardrailsOf({ maxOrderNotional: 100 });
		expect(quote(g, { fromCoin: 'BTC', toCoin: 'USDT', requestCoin: 'BTC', requestAmount: '0.0001' })).toMatch(/no BTCUSDT spot price was looked up/);
		expect(quote(g, { fromCoin: 'USDT', toCoin: 'BTC', requestCoin: 'USDT', requestAmount: '100' })).toBeUndefined();
		expect(quote(g, { fromCoin: 'USDC', toCoin: 'BTC', requestCoin: 'USDC', requestAmount: '100.01' })).toMatch(/worth 100.01 USD, above the credential's maximum of 100/);
		expect(quote(g, { fromCoin: 'USDT', toCoin: 'BTC', requestCoin: 'ETH', requestAmount: '1' })).toMatch(/"requestCoin" must be the fromCoin \(USDT\) or the toCoin \(BTC\)/);
		expect(quote(g, { fromCoin: 'USDT', toCoin: 'BTC', requestAmount: '1' })).toMatch(/"requestCoin" must be/);
		expect(quote(g, { fromCoin: 'USDT', toCoin: 'BTC', requestCoin: 'USDT', RequestAmount: '1000000', requestAmount: '1' })).toMatch(/"RequestAmount" \(Bybit's field is "requestAmount"\)/);
	});
});

describe('Convert under Allowed Symbols', () => {
	const allowedArb = fc.uniqueArray(
		fc.tuple(fc.constantFrom('BTC', 'ETH', 'SOL', 'XRP', 'BTCU', 'ETHB'), fc.constantFrom('USDT', 'USDC', 'BTC', 'ETH', 'EUR', 'SDT', 'TC')).map(([b, q]) => b + q),
		{ minLength: 1, maxLength: 5 },
	);
	const splitArb = allowedArb.chain((allowed) =>
		fc.tuple(fc.constant(allowed), fc.constantFrom(...allowed), fc.integer({ min: 1, max: 8 }), fc.boolean()).map(([list, symbol, at, swap]) => {
			const [a, b] = [symbol.slice(0, at), symbol.slice(at)];
			return { allowed: list, from: swap ? b : a, to: swap ? a : b };
		}),
	);

	it('a quote passes exactly when a listed symbol is the two coins joined with a quote coin second, in either direction', () => {
		fc.assert(
			fc.property(splitArb, ({ allowed, from, to }) => {
				const g = guardrailsOf({ allowedSymbols: allowed.join(',') });
				const set = new Set(allowed);
				const expected = from !== '' && to !== '' && from !== to && ((set.has(from + to) && QUOTE_COINS.has(to)) || (set.has(to + from) && QUOTE_COINS.has(from)));
				const verdict = quote(g, { fromCoin: from, toCoin: to, requestCoin: from, requestAmount: '1' });
				expect([from, to, verdict === undefined]).toEqual([from, to, expected]);
			}),
			{ numRuns: 500 },
		);
	});

	it('examples: BTCUSDT allows BTC<->USDT, not odd splits nor BTC<->ETH; a confirm is judged by its quote, and waits for it in the early pass', () => {
		const g = guardrailsOf({ allowedSymbols: 'BTCUSDT, ETHUSDT' });
		const body = (fromCoin: string, toCoin: string) => ({ fromCoin, toCoin, requestCoin: fromCoin, requestAmount: '1' });
		expect(quote(g, body('BTC', 'USDT'))).toBeUndefined();
		expect(quote(g, body('usdt', 'btc'))).toBeUndefined();
		expect(quote(g, body('BTCU', 'SDT'))).toMatch(/Converting BTCU to SDT is not allowed/);
		expect(quote(g, body('BTC', 'ETH'))).toMatch(/needs the pair BTCETH or ETHBTC in the list/);
		const facts: MarketFacts = { at: Date.now(), tickers: {}, orders: {}, quotes: { ok: { fromCoin: 'ETH', toCoin: 'USDT', fromAmount: '1', toAmount: '3200' }, bad: { fromCoin: 'SOL', toCoin: 'USDT', fromAmount: '1', toAmount: '150' } } };
		expect(confirm(g, { quoteTxId: 'ok' }, facts)).toBeUndefined();
		expect(confirm(g, { quoteTxId: 'bad' }, facts)).toMatch(/Converting SOL to USDT is not allowed/);
		expect(confirm(g, { quoteTxId: 'ok' })).toMatch(/was not requested by the Bybit node/);
		expect(confirm(g, { quoteTxId: 'ok' }, undefined, true)).toBeUndefined();
	});
});

describe('Convert and Spot Margin: read-only, no limits, look-ups', () => {
	const SPOT_MARGIN = ['/v5/spot-margin-trade/switch-mode', '/v5/spot-margin-trade/set-leverage', '/v5/spot-margin-trade/set-auto-repay-mode'];

	it('read-only refuses quotes, confirms and spot margin writes; without limits they pass (Bybit judges unknown quotes)', () => {
		const ro = guardrailsOf({ readOnly: true });
		for (const path of [QUOTE, CONFIRM, ...SPOT_MARGIN]) {
			expect(safetyRefusal(ro, { method: 'POST', path, body: {} })).toMatch(/read-only/);
			expect(safetyRefusal(guardrailsOf({}), { method: 'POST', path, body: { quoteTxId: 'anything' } })).toBeUndefined();
		}
		for (const path of ['/v5/asset/exchange/query-coin-list', '/v5/asset/exchange/convert-result-query', '/v5/asset/exchange/query-convert-history', '/v5/spot-margin-trade/state']) {
			expect([path, isWrite('GET', path)]).toEqual([path, false]);
		}
	});

	it('spot margin writes touch no symbol: they pass an allow-list and a cap; spot orders with isLeverage 1 are still valued', () => {
		const g = guardrailsOf({ allowedSymbols: 'BTCUSDT', maxOrderNotional: 1000 });
		for (const path of SPOT_MARGIN) expect(safetyRefusal(g, { method: 'POST', path, body: { spotMarginMode: '1', leverage: '10' } })).toBeUndefined();
		const facts: MarketFacts = { at: Date.now(), tickers: { [tickerKey('spot', 'BTCUSDT')]: { lastPrice: '65000' } }, orders: {} };
		const order = { category: 'spot', symbol: 'BTCUSDT', side: 'Buy', orderType: 'Limit', qty: '0.1', price: '60000', isLeverage: 1 };
		expect(safetyRefusal(g, { method: 'POST', path: '/v5/order/create', body: order }, facts)).toMatch(/exceeds the credential's maximum of 1000/);
	});

	it('look-ups: a quote needs its request coin\'s USDT spot ticker; a confirm its quote, then both legs\' tickers', () => {
		const cap = guardrailsOf({ maxOrderNotional: 1000 });
		const req = (path: string, body: IDataObject) => ({ method: 'POST', path, body });
		expect(lookupsFor(cap, req(QUOTE, { fromCoin: 'eth', toCoin: 'USDT', requestCoin: 'eth', requestAmount: '1' }))).toEqual({ tickers: [{ category: 'spot', symbol: 'ETHUSDT' }], orders: [], quotes: [] });
		expect(lookupsFor(cap, req(QUOTE, { fromCoin: 'USDT', toCoin: 'BTC', requestCoin: 'USDT', requestAmount: '1' })).tickers).toEqual([]);
		expect(lookupsFor(cap, req(CONFIRM, { quoteTxId: 'q' }))).toEqual({ tickers: [], orders: [], quotes: ['q'] });
		const facts: MarketFacts = { at: Date.now(), tickers: {}, orders: {}, quotes: { q: { fromCoin: 'BTC', toCoin: 'ETH', fromAmount: '1', toAmount: '20' } } };
		expect(lookupsFor(cap, req(CONFIRM, { quoteTxId: 'q' }), facts).tickers).toEqual([{ category: 'spot', symbol: 'BTCUSDT' }, { category: 'spot', symbol: 'ETHUSDT' }]);
		expect(lookupsFor(guardrailsOf({ allowedSymbols: 'BTCUSDT' }), req(CONFIRM, { quoteTxId: 'q' }))).toEqual({ tickers: [], orders: [], quotes: ['q'] });
		expect(lookupsFor(guardrailsOf({}), req(CONFIRM, { quoteTxId: 'q' }))).toEqual({ tickers: [], orders: [], quotes: [] });
	});
});

describe('Borrowing (fixed rate and variable rate) under the limits', () => {
	const BORROW = '/v5/spot-margin-trade/fixedborrow';
	const FLEXIBLE = '/v5/account/borrow';
	const RENEW = '/v5/spot-margin-trade/fixedborrow-renew';

	it('a borrow order is admitted under a cap exactly when orderAmount x the worst USD price of orderCurrency <= cap (property-based)', () => {
		fc.assert(
			fc.property(coinArb, amountArb, factsArb, capArb, (coin, amount, facts, cap) => {
				const body: IDataObject = { orderCurrency: coin as string, orderAmount: amount as string, annualRate: '0.02', term: '7' };
				const verdict = safetyRefusal(guardrailsOf({ maxOrderNotional: cap }), { method: 'POST', path: BORROW, body }, facts);
				const price = worstPrice(upper(coin), facts);
				const known = upper(coin) !== '' && validAmount(amount) && price !== undefined;
				if (known && Math.abs(Number(amount) * price! - cap) / cap < 1e-9) return;
				expect([verdict === undefined, body]).toEqual([known && Number(amount) * price! <= cap, body]);
			}),
			{ numRuns: 1000 },
		);
	});

	it('a variable-rate borrow (coin, amount) is admitted under a cap exactly when amount x the worst USD price of the coin <= cap (property-based)', () => {
		fc.assert(
			fc.property(coinArb, amountArb, factsArb, capArb, (coin, amount, facts, cap) => {
				const body: IDataObject = { coin: coin as string, amount: amount as string };
				const verdict = safetyRefusal(guardrailsOf({ maxOrderNotional: cap }), { method: 'POST', path: FLEXIBLE, body }, facts);
				const price = worstPrice(upper(coin), facts);
				const known = upper(coin) !== '' && validAmount(amount) && price !== undefined;
				if (known && Math.abs(Number(amount) * price! - cap) / cap < 1e-9) return;
				expect([verdict === undefined, body]).toEqual([known && Number(amount) * price! <= cap, body]);
			}),
			{ numRuns: 1000 },
		);
		expect(lookupsFor(guardrailsOf({ maxOrderNotional: 10 }), { method: 'POST', path: FLEXIBLE, body: { coin: 'sol', amount: '1' } }).tickers).toEqual([{ category: 'spot', symbol: 'SOLUSDT' }]);
		expect(safetyRefusal(guardrailsOf({ allowedSymbols: 'BTCUSDT' }), { method: 'POST', path: FLEXIBLE, body: { coin: 'SOL', amount: '1000000' } })).toBeUndefined();
	});

	it('a renewal cannot be valued: refused under a cap; borrowing and renewing touch no symbol (allow-list passes); read-only refuses both', () => {
		expect(safetyRefusal(guardrailsOf({ maxOrderNotional: 1e9 }), { method: 'POST', path: RENEW, body: { loanId: '1' } })).toMatch(/renewal names only the loan's ID/);
		for (const path of [BORROW, RENEW]) {
			expect(safetyRefusal(guardrailsOf({ allowedSymbols: 'BTCUSDT' }), { method: 'POST', path, body: { loanId: '1', orderCurrency: 'SOL', orderAmount: '1' } })).toBeUndefined();
			expect(safetyRefusal(guardrailsOf({ readOnly: true }), { method: 'POST', path, body: {} })).toMatch(/read-only/);
		}
		expect(lookupsFor(guardrailsOf({ maxOrderNotional: 10 }), { method: 'POST', path: BORROW, body: { orderCurrency: 'eth', orderAmount: '1' } }).tickers).toEqual([{ category: 'spot', symbol: 'ETHUSDT' }]);
		expect(safetyRefusal(guardrailsOf({ maxOrderNotional: 10 }), { method: 'POST', path: BORROW, body: { orderCurrency: 'USDT', OrderAmount: '1e9', orderAmount: '1' } })).toMatch(/"OrderAmount"/);
	});
});
