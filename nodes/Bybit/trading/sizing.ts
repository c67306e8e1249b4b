/**
 * Order sizing and rounding on an instrument's filters: what alert-to-order
 * users otherwise write by hand in Code nodes. Every result is a decimal
 * string on the instrument's steps, or an error naming the numbers.
 */
import * as D from './decimalMath';

export interface InstrumentFilters {
	category: string;
	symbol: string;
	tickSize: string;
	/** Base-quantity step (spot: basePrecision). Inverse: contracts (USD). */
	qtyStep: string;
	minOrderQty: string;
	maxOrderQty?: string;
	maxMktOrderQty?: string;
	/** Minimum order value in the quote coin (linear minNotionalValue, spot minOrderAmt). */
	minNotionalValue?: string;
	baseCoin?: string;
	quoteCoin?: string;
	settleCoin?: string;
}

export class SizingError extends Error {}

/** Reads the filters from a `/v5/market/instruments-info` row of any category. */
export function filtersFromInstrument(category: string, row: Record<string, unknown>): InstrumentFilters {
	const lot = (row.lotSizeFilter ?? {}) as Record<string, string>;
	const price = (row.priceFilter ?? {}) as Record<string, string>;
	const spot = category === 'spot';
	return {
		category,
		symbol: String(row.symbol),
		tickSize: price.tickSize,
		qtyStep: spot ? lot.basePrecision : lot.qtyStep,
		minOrderQty: lot.minOrderQty,
		maxOrderQty: spot ? lot.maxLimitOrderQty || lot.maxOrderQty : lot.maxOrderQty,
		maxMktOrderQty: spot ? lot.maxMarketOrderQty || lot.maxMktOrderQty : lot.maxMktOrderQty,
		minNotionalValue: spot ? lot.minOrderAmt : lot.minNotionalValue,
		baseCoin: row.baseCoin as string | undefined,
		quoteCoin: row.quoteCoin as string | undefined,
		settleCoin: row.settleCoin as string | undefined,
	};
}

/** Where roundQty reports the quantity it was given and the one it returned (for the execution hint). */
export interface RoundTrace {
	requested?: string;
	sent?: string;
}

/** Rounds a computed quantity down to the step (never more than asked for). */
export function roundQty(qty: string, f: InstrumentFilters, trace?: RoundTrace): string {
	const rounded = D.roundToStep(qty, f.qtyStep, 'floor');
	if (trace) {
		trace.requested = qty;
		trace.sent = rounded;
	}
	return rounded;
}

export type PriceKind = 'limit' | 'trigger' | 'takeProfit' | 'stopLoss';

/**
 * Rounds a price to the tick in the direction that never hurts the user:
 * a buy limit rounds down and a sell limit up (never pays more / sells for
 * less than asked); TP and SL round toward the entry (a closer target, a
 * tighter stop); `side` is the side of the ORDER that opens or holds the
 * position for TP/SL (Buy = long). Triggers round to the nearest tick.
 */
export function roundPrice(price: string, f: InstrumentFilters, kind: PriceKind, side: 'Buy' | 'Sell'): string {
	const long = side === 'Buy';
	switch (kind) {
		case 'limit':
			return D.roundToStep(price, f.tickSize, long ? 'floor' : 'ceil');
		case 'takeProfit':
			return D.roundToStep(price, f.tickSize, long ? 'floor' : 'ceil');
		case 'stopLoss':
			return D.roundToStep(price, f.tickSize, long ? 'ceil' : 'floor');
		case 'trigger':
			return D.roundToStep(price, f.tickSize, 'nearest');
	}
}

/** Base quantity worth `amount` of the quote coin at `price` (inverse: `amount` USD is the contract count). */
export function qtyFromQuote(amount: string, price: string, f: InstrumentFilters, trace?: RoundTrace): string {
	if (!D.isPositive(amount)) throw new SizingError(`The quote amount must be positive, got ${amount}.`);
	if (f.category === 'inverse') return roundQty(amount, f, trace);
	if (!D.isPositive(price)) throw new SizingError(`No usable price for ${f.symbol} (got ${price}).`);
	return roundQty(D.div(amount, price), f, trace);
}

/** An amount of one coin. Sizing refuses an amount in another coin than the order's: that is how USD got used as BTC. */
export interface Amount {
	amount: string;
	coin: string;
}

function coinOrRefuse(coin: string | undefined, what: string, f: InstrumentFilters): string {
	if (!coin) throw new SizingError(`Bybit's instrument info for ${f.symbol} names no ${what}, so the order cannot be sized in it. Use Base Quantity.`);
	return coin;
}

/**
 * The coin an order's profit and loss are counted in: the settle coin of
 * linear (USDT/USDC), inverse (the base coin: BTC for BTCUSD) and option
 * (USDC/USDT) contracts; the quote coin for spot (BTC for ETHBTC).
 */
export function pnlCoin(f: InstrumentFilters): string {
	if (f.category === 'spot') return coinOrRefuse(f.quoteCoin, 'quote coin', f);
	if (f.category === 'inverse') return coinOrRefuse(f.settleCoin || f.baseCoin, 'settle coin', f);
	return coinOrRefuse(f.settleCoin || f.quoteCoin, 'settle coin', f);
}

/** The coin a balance-percent order spends: a spot sell spends the base coin, everything else the pnl coin. */
export function spendCoin(f: InstrumentFilters, side: 'Buy' | 'Sell'): string {
	if (f.category === 'spot' && side === 'Sell') return coinOrRefuse(f.baseCoin, 'base coin', f);
	return pnlCoin(f);
}

function expectCoin(value: Amount, coin: string, what: string, f: InstrumentFilters): void {
	if (value.coin !== coin) {
		throw new SizingError(`The ${what} is in ${value.coin}, but ${f.symbol} (${f.category}) is sized in ${coin}: convert it first.`);
	}
}

function checkPercent(percent: string, what: string): void {
	if (!D.isDecimalString(percent) || !D.isPositive(percent) || D.compare(percent, '100') > 0) {
		throw new SizingError(`The ${what} must be above 0 and at most 100, got ${percent}.`);
	}
}

/**
 * Quantity using `percent` of the available balance of the coin the order
 * spends (see spendCoin). Derivatives multiply the margin by the leverage
 * (10% of 1000 USDT at 5x = 500 USDT of notional; inverse: 10% of 0.1 BTC at
 * 5x and 60,000 = 3,000 USD contracts); spot buys spend the quote coin, spot
 * sells sell that share of the base coin.
 */
export function qtyFromBalancePercent(available: Amount, percent: string, leverage: string, price: string, f: InstrumentFilters, side: 'Buy' | 'Sell' = 'Buy', trace?: RoundTrace): string {
	checkPercent(percent, 'balance percentage');
	expectCoin(available, spendCoin(f, side), 'available balance', f);
	if (!D.isPositive(available.amount)) {
		throw new SizingError(`The available ${available.coin} balance is ${available.amount}: nothing to size ${f.symbol} from.`);
	}
	const margin = D.div(D.mul(available.amount, percent), '100');
	if (f.category === 'spot') return side === 'Sell' ? roundQty(margin, f, trace) : qtyFromQuote(margin, price, f, trace);
	const lev = leverage && D.isDecimalString(leverage) && D.isPositive(leverage) ? leverage : '1';
	const notional = D.mul(margin, lev);
	if (f.category === 'inverse') {
		if (!D.isPositive(price)) throw new SizingError(`No usable price for ${f.symbol} (got ${price}).`);
		return roundQty(D.mul(notional, price), f, trace);
	}
	return qtyFromQuote(notional, price, f, trace);
}

/** What one unit of quantity loses between entry and stop, in the pnl coin (inverse: |1/E - 1/S| coin per USD contract). */
export function lossPerUnit(entry: string, stop: string, f: InstrumentFilters, digits = 30): string {
	const distance = D.sub(entry, stop).replace(/^-/, '');
	if (f.category !== 'inverse') return distance;
	return D.div(distance, D.mul(entry, stop), digits);
}

/**
 * Quantity that loses at most `riskPercent` of `equity` (in the pnl coin, see
 * pnlCoin) if the stop is hit: qty = risk / |entry - stop|; inverse, where qty
 * is USD contracts: contracts = risk x entry x stop / |entry - stop|. Rounded
 * down, so the loss at the stop never exceeds the risk.
 */
export function qtyFromRisk(equity: Amount, riskPercent: string, entry: string, stop: string, f: InstrumentFilters, trace?: RoundTrace): string {
	checkPercent(riskPercent, 'risk percentage');
	expectCoin(equity, pnlCoin(f), 'equity', f);
	if (!D.isPositive(equity.amount)) throw new SizingError(`The ${equity.coin} equity is ${equity.amount}: there is nothing to risk.`);
	if (!D.isPositive(entry) || !D.isPositive(stop)) throw new SizingError(`The entry (${entry}) and the stop (${stop}) must be positive prices.`);
	const distance = D.sub(entry, stop).replace(/^-/, '');
	if (!D.isPositive(distance)) throw new SizingError(`The stop (${stop}) must differ from the entry (${entry}).`);
	const risk = D.div(D.mul(equity.amount, riskPercent), '100');
	if (f.category === 'inverse') {
		return roundQty(D.div(D.mul(D.mul(risk, entry), stop), distance), f, trace);
	}
	return roundQty(D.div(risk, distance), f, trace);
}

/** Checks a quantity against the instrument's limits; returns the problem, naming the numbers. */
export function qtyProblem(qty: string, price: string | undefined, orderType: string, f: InstrumentFilters): string | undefined {
	if (!D.isPositive(qty)) {
		return `The quantity for ${f.symbol} rounds to ${qty} with qtyStep ${f.qtyStep}: increase the size (minimum ${f.minOrderQty}).`;
	}
	if (!D.isMultipleOf(qty, f.qtyStep)) return `Quantity ${qty} is not a multiple of ${f.symbol}'s qtyStep ${f.qtyStep}.`;
	if (f.minOrderQty && D.compare(qty, f.minOrderQty) < 0) return `Quantity ${qty} is below ${f.symbol}'s minOrderQty ${f.minOrderQty}.`;
	const max = orderType === 'Market' && f.maxMktOrderQty ? f.maxMktOrderQty : f.maxOrderQty;
	if (max && D.compare(qty, max) > 0) {
		return `Quantity ${qty} is above ${f.symbol}'s ${orderType === 'Market' ? 'maxMktOrderQty' : 'maxOrderQty'} ${max}.`;
	}
	if (f.minNotionalValue && price && f.category !== 'inverse' && D.isPositive(price)) {
		const notional = D.mul(qty, price);
		if (D.compare(notional, f.minNotionalValue) < 0) {
			return `Order value ${notional} (${qty} x ${price}) is below ${f.symbol}'s minimum notional ${f.minNotionalValue}.`;
		}
	}
	return undefined;
}

/** A price `percent` away from `from`: up for a long's TP / short's SL, down otherwise. */
export function priceFromPercent(from: string, percent: string, direction: 'up' | 'down'): string {
	const delta = D.div(D.mul(from, percent), '100');
	return direction === 'up' ? D.add(from, delta) : D.sub(from, delta);
}

export function priceFromTicks(from: string, ticks: string, f: InstrumentFilters, direction: 'up' | 'down'): string {
	const delta = D.mul(f.tickSize, ticks);
	return direction === 'up' ? D.add(from, delta) : D.sub(from, delta);
}
