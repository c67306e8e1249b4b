/**
 * Sizing in the right currency (issue #13, observation 3), property-based:
 * generated instruments of every category (linear USDT/USDC, inverse, spot
 * with USD and non-USD quotes such as ETHBTC, option), steps, limits, prices,
 * stops, wallets (USD totals + coin rows valued at each coin's USD price) and
 * percentages. The loss at the stop, valued in USD, never exceeds the intended
 * risk (equity x risk%), and is within two qtySteps of it; balance-percent
 * orders never exceed the balance x leverage in the coin they spend.
 */
import fc from 'fast-check';
import type { IDataObject } from 'n8n-workflow';

import { balanceQty, riskQty, walletFromResult, type Wallet } from '../../../../nodes/Bybit/trading/balances';
import * as D from '../../../../nodes/Bybit/trading/decimalMath';
import { lossPerUnit, pnlCoin, qtyFromRisk, qtyProblem, spendCoin, SizingError, type InstrumentFilters } from '../../../../nodes/Bybit/trading/sizing';

const RUNS = { numRuns: Number(process.env.FC_RUNS ?? 600) };

/** A decimal with `scale` places from an integer in [min, max]. */
const dec = (min: number, max: number, scale: number) => fc.integer({ min, max }).map((n) => D.format({ units: BigInt(n), scale }));
const pow = (exp: number) => (exp >= 0 ? `1${'0'.repeat(exp)}` : `0.${'0'.repeat(-exp - 1)}1`);

type Pair = { category: string; base: string; quote: string; settle: string };
const PAIRS: Pair[] = [
	{ category: 'linear', base: 'BTC', quote: 'USDT', settle: 'USDT' },
	{ category: 'linear', base: 'ETH', quote: 'USDC', settle: 'USDC' },
	{ category: 'inverse', base: 'BTC', quote: 'USD', settle: 'BTC' },
	{ category: 'inverse', base: 'XRP', quote: 'USD', settle: 'XRP' },
	{ category: 'spot', base: 'ETH', quote: 'BTC', settle: 'BTC' },
	{ category: 'spot', base: 'BTC', quote: 'USDT', settle: 'USDT' },
	{ category: 'spot', base: 'SOL', quote: 'ETH', settle: 'ETH' },
	{ category: 'option', base: 'BTC', quote: 'USDC', settle: 'USDC' },
];

const instrument = fc
	.record({
		pair: fc.constantFrom(...PAIRS),
		stepExp: fc.integer({ min: -5, max: 2 }),
		tickExp: fc.integer({ min: -6, max: 1 }),
		minSteps: fc.integer({ min: 1, max: 50 }),
		maxSteps: fc.integer({ min: 100, max: 10_000_000 }),
		mktShare: fc.integer({ min: 1, max: 10 }),
		minNotional: fc.constantFrom(undefined, '0', '0.00001', '1', '5'),
	})
	.map(({ pair, stepExp, tickExp, minSteps, maxSteps, mktShare, minNotional }): InstrumentFilters => {
		const qtyStep = pow(stepExp);
		const maxOrderQty = D.mul(qtyStep, String(maxSteps));
		return {
			category: pair.category,
			symbol: pair.category === 'option' ? `${pair.base}-X-C` : `${pair.base}${pair.quote}`,
			tickSize: pow(tickExp),
			qtyStep,
			minOrderQty: D.mul(qtyStep, String(minSteps)),
			maxOrderQty,
			maxMktOrderQty: D.roundToStep(D.div(maxOrderQty, String(mktShare)), qtyStep, 'floor') || qtyStep,
			minNotionalValue: minNotional,
			baseCoin: pair.base,
			quoteCoin: pair.quote,
			settleCoin: pair.settle,
		};
	});

/** USD price of each coin (stablecoins near 1, never exactly assumed). */
const prices = fc.record({
	BTC: dec(1_000_00, 200_000_00, 2),
	ETH: dec(10_00, 10_000_00, 2),
	SOL: dec(1_00, 1_000_00, 2),
	XRP: dec(1_000, 5_000_000, 6),
	USDT: dec(9_800, 10_200, 4),
	USDC: dec(9_800, 10_200, 4),
});

/** Entry and stop on the tick, positive, different. */
function entryAndStop(f: InstrumentFilters) {
	return fc.record({ entryTicks: fc.integer({ min: 2, max: 50_000_000 }), stopShare: fc.integer({ min: 1, max: 999 }), above: fc.boolean() }).map(({ entryTicks, stopShare, above }) => {
		const entry = D.mul(f.tickSize, String(entryTicks));
		const distTicks = Math.max(1, Math.floor((entryTicks * stopShare) / 1000));
		const stop = D.mul(f.tickSize, String(above ? entryTicks + distTicks : entryTicks - distTicks));
		return { entry, stop };
	});
}

interface Case {
	f: InstrumentFilters;
	px: Record<string, string>;
	wallet: Wallet;
	totalEquity: string;
	totalAvailable: string;
	coinEquity: Record<string, string>;
	entry: string;
	stop: string;
	percent: string;
	leverage: string;
	side: 'Buy' | 'Sell';
}

const cases = fc
	.tuple(instrument, prices)
	.chain(([f, px]) =>
		fc.record({
			f: fc.constant(f),
			px: fc.constant(px as Record<string, string>),
			prices: entryAndStop(f),
			totalEquity: dec(1, 5_000_000_00, 2),
			availShare: fc.integer({ min: 0, max: 100 }),
			coinEquity: fc.record({ BTC: dec(0, 10_000_000, 6), ETH: dec(0, 1_000_000_00, 4), SOL: dec(0, 100_000_00, 2), XRP: dec(0, 100_000_000, 2), USDT: dec(0, 100_000_00, 2), USDC: dec(0, 100_000_00, 2) }),
			percent: fc.oneof(dec(1, 10_000, 4), dec(1, 100, 0)),
			leverage: fc.constantFrom('1', '2', '5', '10', '25', '100'),
			side: fc.constantFrom('Buy' as const, 'Sell' as const),
		}),
	)
	.map(({ f, px, prices: { entry, stop }, totalEquity, availShare, coinEquity, percent, leverage, side }): Case => {
		const totalAvailable = D.div(D.mul(totalEquity, String(availShare)), '100', 2);
		const coin: IDataObject[] = Object.entries(coinEquity)
			.filter(([, amount]) => D.isPositive(amount))
			.map(([name, amount]) => ({ coin: name, equity: amount, walletBalance: amount, locked: '0', usdValue: D.mul(amount, px[name]) }));
		const wallet = walletFromResult({ list: [{ accountType: 'UNIFIED', totalEquity, totalAvailableBalance: totalAvailable, coin }] });
		return { f, px, wallet, totalEquity, totalAvailable, coinEquity, entry, stop, percent, leverage, side };
	});

/** The coin's USD price sizing may use: the wallet's, 1 for an absent stablecoin (documented), the index price for an inverse coin. */
function priceUsed(c: Case, coin: string): string | undefined {
	if (D.isPositive(c.coinEquity[coin] ?? '0')) return c.px[coin];
	if (['USDT', 'USDC'].includes(coin)) return '1';
	return c.f.category === 'inverse' ? c.px[coin] : undefined;
}

describe('risk sizing, in the pnl coin, never loses more than the risk at the stop', () => {
	it('loss x coin price <= equity (USD) x risk%, within two qtySteps, a multiple of qtyStep, limits named', () => {
		let sized = 0;
		fc.assert(
			fc.property(cases, (c) => {
				const coin = pnlCoin(c.f);
				const price = priceUsed(c, coin);
				const fallback = c.f.category === 'inverse' ? c.px[coin] : undefined;
				let qty: string;
				try {
					qty = riskQty(c.wallet, c.percent, c.entry, c.stop, c.f, fallback);
				} catch (error) {
					expect(error).toBeInstanceOf(SizingError);
					// refused only when no price converts USD into the coin
					expect(price).toBeUndefined();
					expect((error as Error).message).toContain(coin);
					return;
				}
				expect(price).toBeDefined();
				sized++;
				expect(D.isMultipleOf(qty, c.f.qtyStep)).toBe(true);
				expect(D.compare(qty, '0')).toBeGreaterThanOrEqual(0);
				// exact: qty x loss-per-unit x price <= equity x percent / 100 (inverse: loss per contract = |E-S| / (E x S))
				const distance = D.sub(c.entry, c.stop).replace(/^-/, '');
				const inverse = c.f.category === 'inverse';
				const budgetTimes = (q: string) => D.mul(D.mul(D.mul(q, distance), price!), '100');
				const allowed = inverse ? D.mul(D.mul(c.totalEquity, c.percent), D.mul(c.entry, c.stop)) : D.mul(c.totalEquity, c.percent);
				expect(D.compare(budgetTimes(qty), allowed)).toBeLessThanOrEqual(0);
				// and not more than two steps below it (one for rounding down, one for truncated division)
				expect(D.compare(budgetTimes(D.add(qty, D.mul(c.f.qtyStep, '2'))), allowed)).toBeGreaterThan(0);
				const problem = qtyProblem(qty, c.entry, 'Limit', c.f);
				if (problem) expect(problem).toMatch(new RegExp(`${qty.replace('.', '\\.')}|rounds to 0`));
				else {
					expect(D.compare(qty, c.f.minOrderQty)).toBeGreaterThanOrEqual(0);
					expect(D.compare(qty, c.f.maxOrderQty!)).toBeLessThanOrEqual(0);
				}
			}),
			RUNS,
		);
		expect(sized).toBeGreaterThan(300);
	});

	it('the issue\'s cases: inverse BTCUSD 0.00001% of 207,000 USD and ETHBTC 1% of 10,000 USD', () => {
		const btcusd = { category: 'inverse', symbol: 'BTCUSD', tickSize: '0.5', qtyStep: '1', minOrderQty: '1', baseCoin: 'BTC', quoteCoin: 'USD', settleCoin: 'BTC' };
		const w = walletFromResult({ list: [{ totalEquity: '207000', totalAvailableBalance: '207000', coin: [{ coin: 'BTC', equity: '1', usdValue: '60000' }] }] });
		const contracts = riskQty(w, '0.00001', '60000', '59000', btcusd);
		expect(contracts).toBe('1'); // was 73278: 0.0207 USD used as 0.0207 BTC
		expect(D.compare(D.mul(D.mul(contracts, lossPerUnit('60000', '59000', btcusd)), '60000'), '0.0207')).toBeLessThanOrEqual(0);
		const ethbtc = { category: 'spot', symbol: 'ETHBTC', tickSize: '0.000001', qtyStep: '0.0001', minOrderQty: '0.0001', baseCoin: 'ETH', quoteCoin: 'BTC' };
		const w2 = walletFromResult({ list: [{ totalEquity: '10000', coin: [{ coin: 'BTC', equity: '0.5', usdValue: '30000' }] }] });
		expect(riskQty(w2, '1', '0.05', '0.049', ethbtc)).toBe('1.6666'); // 100 USD = 0.001666 BTC over 0.001 BTC per ETH; was 100000
		expect(() => qtyFromRisk({ amount: '10000', coin: 'USD' }, '1', '0.05', '0.049', ethbtc)).toThrow(/is in USD, but ETHBTC \(spot\) is sized in BTC/);
	});
});

describe('balance-percent sizing never spends more than the balance x leverage in its coin', () => {
	it.each(['REGULAR_MARGIN', 'ISOLATED_MARGIN'])('%s', (marginMode) => {
		let sized = 0;
		fc.assert(
			fc.property(cases, (c) => {
				const coin = spendCoin(c.f, c.side);
				const price = priceUsed(c, coin);
				const spot = c.f.category === 'spot';
				const fallback = c.f.category === 'inverse' ? c.px[coin] : undefined;
				const held = c.coinEquity[coin] ?? '0';
				let qty: string;
				try {
					qty = balanceQty(c.wallet, marginMode, c.percent, c.leverage, c.entry, c.f, c.side, fallback);
				} catch (error) {
					expect(error).toBeInstanceOf(SizingError);
					const cross = !spot && marginMode !== 'ISOLATED_MARGIN';
					// refused only for no price (cross), or nothing available
					expect(cross ? price === undefined || !D.isPositive(c.totalAvailable) : !D.isPositive(held)).toBe(true);
					return;
				}
				sized++;
				expect(D.isMultipleOf(qty, c.f.qtyStep)).toBe(true);
				// available in the coin, times 100 (percent) and times the coin's price for cross margin (USD totals)
				const lev = spot ? '1' : c.leverage;
				let spent: string; // what the order commits, x 100, in the same unit as `limit`
				let limit: string;
				if (spot || marginMode === 'ISOLATED_MARGIN') {
					spent = spot && c.side === 'Sell' ? D.mul(qty, '100') : c.f.category === 'inverse' ? D.mul(qty, '100') : D.mul(D.mul(qty, c.entry), '100');
					limit = D.mul(D.mul(held, c.percent), lev);
					if (c.f.category === 'inverse') limit = D.mul(limit, c.entry);
				} else {
					spent = c.f.category === 'inverse' ? D.mul(D.mul(qty, price!), '100') : D.mul(D.mul(D.mul(qty, c.entry), price!), '100');
					limit = D.mul(D.mul(c.totalAvailable, c.percent), lev);
					if (c.f.category === 'inverse') limit = D.mul(limit, c.entry);
				}
				expect(D.compare(spent, limit)).toBeLessThanOrEqual(0);
			}),
			RUNS,
		);
		expect(sized).toBeGreaterThan(200);
	});
});
