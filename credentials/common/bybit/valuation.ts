/**
 * Worst-case value of one order, for the credential's maximum notional. Pure
 * and exact (decimal strings as scaled BigInts): the value is
 * qty x max(limit price, trigger price, executable market price), where the
 * executable price is the worse of lastPrice, markPrice and the opposite best
 * quote (ask for buys, bid for sells). `price` on a Market order is ignored
 * (Bybit ignores it). Options are valued on the underlying (qty x max(underlying,
 * index, option prices)): a short option's risk is not bounded by its premium.
 * Inverse qty is already USD; a spot market order sized in the quote coin is
 * its own value. Whatever cannot be valued is refused with the reason.
 */
import type { GateBody } from './bodyKeys';

/** An exact non-negative decimal: n / 10^s. */
export interface Dec {
	n: bigint;
	s: number;
}

const DECIMAL = /^\d{1,30}(\.\d{1,30})?$/;

/** Parses a decimal string (or a plain finite number); undefined when absent, 'invalid' otherwise. */
export function parseDecimal(value: unknown): Dec | 'invalid' | undefined {
	if (value === undefined || value === null || value === '') return undefined;
	const text = typeof value === 'number' && Number.isFinite(value) ? String(value) : value;
	if (typeof text !== 'string' || !DECIMAL.test(text)) return 'invalid';
	const [int, frac = ''] = text.split('.');
	return { n: BigInt(int + frac), s: frac.length };
}

/** A price from a ticker: positive decimal, else undefined. */
function pricePart(value: unknown): Dec | undefined {
	const d = parseDecimal(value);
	return d && d !== 'invalid' && d.n > 0n ? d : undefined;
}

export function mul(a: Dec, b: Dec): Dec {
	return { n: a.n * b.n, s: a.s + b.s };
}

export function compare(a: Dec, b: Dec): number {
	const s = Math.max(a.s, b.s);
	const x = a.n * 10n ** BigInt(s - a.s);
	const y = b.n * 10n ** BigInt(s - b.s);
	return x === y ? 0 : x > y ? 1 : -1;
}

function maxOf(values: Dec[]): Dec {
	return values.reduce((a, b) => (compare(a, b) >= 0 ? a : b));
}

/** The cap from the credential (a JS number) as an exact decimal. */
export function decOfNumber(value: number): Dec {
	const text = String(value);
	if (/e/i.test(text)) return { n: BigInt(Math.floor(value)), s: 0 };
	return parseDecimal(text) as Dec;
}

export function formatDec(d: Dec): string {
	const digits = d.n.toString().padStart(d.s + 1, '0');
	if (d.s === 0) return digits;
	const text = `${digits.slice(0, -d.s)}.${digits.slice(-d.s)}`.replace(/0+$/, '').replace(/\.$/, '');
	return text;
}

/** The ticker fields the valuation reads (strings as Bybit sends them). */
export interface TickerFacts {
	lastPrice?: string;
	markPrice?: string;
	bid1Price?: string;
	ask1Price?: string;
	indexPrice?: string;
	underlyingPrice?: string;
}

/** The order fields the valuation reads, from a request body (or an open order merged with an amend). */
export interface OrderView {
	category: string;
	symbol: string;
	side?: unknown;
	orderType?: unknown;
	qty?: unknown;
	price?: unknown;
	triggerPrice?: unknown;
	marketUnit?: unknown;
	reduceOnly?: unknown;
	closeOnTrigger?: unknown;
}

export const CATEGORIES = new Set(['spot', 'linear', 'inverse', 'option']);

/**
 * Whether Bybit itself guarantees the order can only reduce a position:
 * reduceOnly on linear, inverse and option; closeOnTrigger on linear and
 * inverse (docs: order/create-order). A spot order has neither: no exemption.
 */
export function isRiskReducing(order: Pick<OrderView, 'category' | 'reduceOnly' | 'closeOnTrigger'>): boolean {
	if (order.reduceOnly === true && ['linear', 'inverse', 'option'].includes(order.category)) return true;
	return order.closeOnTrigger === true && ['linear', 'inverse'].includes(order.category);
}

/** Whether the qty of a spot market order is in the quote coin (Bybit: buys by default, sells with marketUnit quoteCoin). */
function qtyInQuote(order: OrderView): boolean {
	if (order.category !== 'spot' || order.orderType !== 'Market') return false;
	if (order.side === 'Buy') return order.marketUnit !== 'baseCoin';
	return order.marketUnit === 'quoteCoin';
}

export type Valuation =
	| { kind: 'value'; notional: Dec; price?: Dec }
	| { kind: 'refuse'; reason: string }
	| { kind: 'needsTicker' };

/** Whether valuing this order needs the market price (the transport looks it up). */
export function needsTicker(order: OrderView): boolean {
	if (order.category === 'inverse') return false;
	return !qtyInQuote(order);
}

/** Values one order that is not exempt. `ticker` undefined = not looked up. */
export function valueOrder(order: OrderView, ticker: TickerFacts | undefined): Valuation {
	const what = `${order.symbol || 'the order'}`;
	if (!CATEGORIES.has(order.category)) {
		return { kind: 'refuse', reason: `category "${String(order.category)}" is not one of spot, linear, inverse, option, so ${what} cannot be valued` };
	}
	if (order.side !== 'Buy' && order.side !== 'Sell') return { kind: 'refuse', reason: `side of ${what} must be Buy or Sell` };
	if (order.orderType !== 'Market' && order.orderType !== 'Limit') return { kind: 'refuse', reason: `orderType of ${what} must be Market or Limit` };
	if (order.category === 'spot' && order.marketUnit !== undefined && order.marketUnit !== 'baseCoin' && order.marketUnit !== 'quoteCoin') {
		return { kind: 'refuse', reason: `marketUnit of ${what} must be baseCoin or quoteCoin` };
	}
	const qty = parseDecimal(order.qty);
	if (qty === undefined || qty === 'invalid') return { kind: 'refuse', reason: `qty of ${what} is not a decimal number (got ${JSON.stringify(order.qty ?? null)})` };
	const limit = order.orderType === 'Limit' ? parseDecimal(order.price) : undefined;
	if (limit === 'invalid') return { kind: 'refuse', reason: `price of ${what} is not a decimal number` };
	const trigger = parseDecimal(order.triggerPrice);
	if (trigger === 'invalid') return { kind: 'refuse', reason: `triggerPrice of ${what} is not a decimal number` };
	if (order.category === 'inverse' || qtyInQuote(order)) return { kind: 'value', notional: qty };
	if (!ticker) return { kind: 'needsTicker' };

	const quotes = order.side === 'Buy' ? [ticker.ask1Price] : [ticker.bid1Price];
	const market = [ticker.lastPrice, ticker.markPrice, ...quotes].map(pricePart).filter((d): d is Dec => d !== undefined);
	if (order.category === 'option') {
		const underlying = [ticker.underlyingPrice, ticker.indexPrice].map(pricePart).filter((d): d is Dec => d !== undefined);
		if (!underlying.length) return { kind: 'refuse', reason: `Bybit gave no underlying price for option ${what}, so its notional cannot be checked` };
		market.push(...underlying);
	}
	if (!market.length) return { kind: 'refuse', reason: `Bybit gave no market price (last, mark or best quote) for ${what}, so its notional cannot be checked` };
	const candidates = [...market];
	if (limit) candidates.push(limit);
	if (trigger) candidates.push(trigger);
	const price = maxOf(candidates);
	return { kind: 'value', notional: mul(qty, price), price };
}

/** The open order an amend changes, as the transport found it on Bybit. */
export interface OpenOrderFacts {
	side?: string;
	orderType?: string;
	qty?: string;
	price?: string;
	triggerPrice?: string;
	marketUnit?: string;
	reduceOnly?: boolean;
	closeOnTrigger?: boolean;
}

/** The order an amend leaves behind: the amend's fields over the open order's. */
export function amendedOrder(category: string, body: GateBody, open: OpenOrderFacts): OrderView {
	const pick = (key: 'qty' | 'price' | 'triggerPrice') => (body[key] === undefined || body[key] === '' ? open[key] : body[key]);
	return {
		category,
		symbol: String(body.symbol ?? ''),
		side: open.side,
		orderType: open.orderType,
		qty: pick('qty'),
		price: pick('price'),
		triggerPrice: pick('triggerPrice'),
		marketUnit: open.marketUnit || undefined,
		reduceOnly: open.reduceOnly,
		closeOnTrigger: open.closeOnTrigger,
	};
}
