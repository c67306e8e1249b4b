/** Order entry: create (with Bybit's validation and codes), amend, cancel, cancel-all. */
import { ApiError, paramError, type Category } from '../types';
import { bool, dec, int, missing, oneOf, str, type Params } from '../params';
import type { Exchange } from './exchange';
import type { Instrument } from './instruments';
import { activate, closable, closeOrder, feeRates, fill, makeOrder, setReserve } from './matching';
import { isOpen, leavesQty, type Order, type Side } from './orders';
import { valueOf } from './positions';
import { checkMarginOrder } from './spotMargin';
import { fixed, isOnStep } from '../util/num';

const TIFS = ['GTC', 'IOC', 'FOK', 'PostOnly', 'RPI'] as const;
const TRIGGER_BY = ['LastPrice', 'IndexPrice', 'MarkPrice'] as const;
const LINK_ID = /^[A-Za-z0-9_-]{1,36}$/;

function spotErr(inst: Instrument, spotCode: number, spotMsg: string, code: number, msg: string): ApiError {
	return inst.category === 'spot' ? new ApiError(spotCode, spotMsg) : new ApiError(code, msg);
}

/** Validate a price against the tick and the price filter. */
function checkPrice(inst: Instrument, raw: string, name: string): number {
	const n = Number(raw);
	if (!(n > 0)) throw paramError(`params error: ${name} invalid`);
	if (!isOnStep(raw, inst.tickSize)) throw spotErr(inst, 170134, 'Order price decimal too long.', 10001, `${name === 'price' ? 'Order price' : name} has too many decimals.`);
	if (n < Number(inst.minPrice) || n > Number(inst.maxPrice)) {
		throw spotErr(inst, n < Number(inst.minPrice) ? 170133 : 170132, n < Number(inst.minPrice) ? 'Order price lower than the minimum.' : 'Order price too high.', 110003, 'Order price is out of permissible range');
	}
	return n;
}

function checkQty(inst: Instrument, raw: string, market: boolean, reduce: boolean): number {
	const n = Number(raw);
	const step = inst.category === 'spot' ? inst.basePrecision! : inst.qtyStep;
	if (n < inst.min) throw spotErr(inst, 170136, 'Order quantity lower than the minimum.', 10001, 'The number of contracts exceeds minimum limit allowed');
	const max = market ? inst.maxMkt : inst.max;
	if (n > max && !reduce) throw spotErr(inst, 170381, 'Order quantity too large.', 10001, 'The number of contracts exceeds maximum limit allowed: too large');
	if (!isOnStep(raw, step)) throw spotErr(inst, 170137, 'Order volume decimal too long', 10001, 'Order quantity has too many decimals.');
	return n;
}

function triggerCheck(px: number, trigger: number, direction: 1 | 2, by: string, inst: Instrument): void {
	const f = (n: number) => fixed(n, inst.priceScale);
	if (direction === 1 && trigger <= px) throw new ApiError(110092, `expect Rising, but trigger_price[${f(trigger)}] <= current[${f(px)}]??${by}`);
	if (direction === 2 && trigger >= px) throw new ApiError(110093, `expect Falling, but trigger_price[${f(trigger)}] >= current[${f(px)}]??${by}`);
}

/** POST /v5/order/create (and each create-batch item). */
export function createOrder(ex: Exchange, category: Category, p: Params): Order {
	const inst = ex.instOrThrow(category, p.symbol);
	const m = ex.market(inst);
	const side = str(p, 'side');
	if (side !== 'Buy' && side !== 'Sell') throw paramError('params error: side invalid');
	const orderType = str(p, 'orderType');
	if (orderType !== 'Market' && orderType !== 'Limit') throw paramError('params error: orderType invalid');
	const market = orderType === 'Market';
	let tif = oneOf(p, 'timeInForce', TIFS, 'GTC')!;
	if (market) tif = 'IOC';
	if (tif === 'RPI') throw new ApiError(110119, 'Order failed. RPI orders are restricted to approved market makers only');
	const derivative = category !== 'spot';
	const settings = ex.settings(inst);
	let reduceOnly = derivative && !!bool(p, 'reduceOnly');
	const closeOnTrigger = derivative && !!bool(p, 'closeOnTrigger');
	bool(p, 'rpiTakerAccess'); // documented boolean; the sandbox has no RPI quotes to match

	// positionIdx must match the symbol's position mode
	let positionIdx: 0 | 1 | 2 = 0;
	if (derivative) {
		const idx = int(p, 'positionIdx') ?? 0;
		if (settings.mode === 0 ? idx !== 0 : idx !== 1 && idx !== 2) throw paramError('position idx not match position mode');
		positionIdx = idx as 0 | 1 | 2;
		if ((idx === 1 && side === 'Sell') || (idx === 2 && side === 'Buy')) reduceOnly = true;
	}

	const orderLinkId = str(p, 'orderLinkId') ?? '';
	if (category === 'option' && !orderLinkId) throw missing('orderLinkId');
	if (orderLinkId && !LINK_ID.test(orderLinkId)) throw paramError('params error: orderLinkId invalid');
	if (orderLinkId && ex.orders.byLinkId(category, orderLinkId)) {
		throw category === 'spot' ? new ApiError(170141, 'Duplicate clientOrderId') : new ApiError(110072, 'OrderLinkedID is duplicate');
	}

	// quantity (spot market buys are sized in quote coin unless marketUnit=baseCoin)
	const qtyRaw = str(p, 'qty');
	if (qtyRaw === undefined) throw missing('qty');
	if (!/^\d+(\.\d+)?$/.test(qtyRaw)) throw paramError('params error: qty invalid');
	const marketUnit = category === 'spot' && market ? (oneOf(p, 'marketUnit', ['baseCoin', 'quoteCoin'] as const) ?? (side === 'Buy' ? 'quoteCoin' : 'baseCoin')) : '';
	let qty = 0;
	let quoteQty = 0;
	if (marketUnit === 'quoteCoin') {
		quoteQty = Number(qtyRaw);
		if (!isOnStep(qtyRaw, inst.quotePrecision!)) throw new ApiError(170148, 'Market order amount decimal too long');
		if (quoteQty < Number(inst.minOrderAmt)) throw new ApiError(170140, 'Order value exceeded lower limit');
	} else if (Number(qtyRaw) === 0 && reduceOnly && closeOnTrigger) {
		qty = closable(ex, { side, positionIdx, category, symbol: inst.symbol } as Order);
		if (qty === 0) throw new ApiError(110017, 'current position is zero, cannot fix reduce-only order qty');
	} else {
		if (!(Number(qtyRaw) > 0)) throw paramError('params error: qty invalid');
		qty = checkQty(inst, qtyRaw, market, reduceOnly || closeOnTrigger);
	}

	// price
	let price = 0;
	const priceRaw = str(p, 'price');
	const bbo = derivative && category !== 'option' ? oneOf(p, 'bboSideType', ['Queue', 'Counterparty'] as const) : undefined;
	if (!market && bbo) {
		// BBO order: the price of the book level on the same side (Queue) or the opposite side (Counterparty)
		const level = Number(oneOf(p, 'bboLevel', ['1', '2', '3', '4', '5'] as const, '1'));
		const { b, a } = m.book(level);
		const side0 = (side === 'Buy') === (bbo === 'Queue') ? b : a;
		const row = side0[level - 1] ?? side0[side0.length - 1];
		if (!row) throw paramError('params error: no order book level for bboLevel');
		price = checkPrice(inst, row[0], 'price');
	} else if (!market) {
		if (priceRaw === undefined) {
			if (category === 'option' && str(p, 'orderIv')) price = m.mark;
			else throw missing('price');
		} else price = checkPrice(inst, priceRaw, 'price');
	}

	// conditional
	let triggerPrice = 0;
	let triggerDirection: 0 | 1 | 2 = 0;
	const triggerBy = oneOf(p, 'triggerBy', TRIGGER_BY, 'LastPrice')!;
	const orderFilter = category === 'spot' ? oneOf(p, 'orderFilter', ['Order', 'tpslOrder', 'StopOrder'] as const, 'Order')! : 'Order';
	const trigRaw = str(p, 'triggerPrice');
	if (trigRaw !== undefined && Number(trigRaw) !== 0) {
		triggerPrice = checkPrice(inst, trigRaw, 'triggerPrice');
		const current = triggerBy === 'MarkPrice' ? m.mark : triggerBy === 'IndexPrice' ? m.index : m.last;
		if (category === 'spot') triggerDirection = triggerPrice > current ? 1 : 2;
		else {
			const d = int(p, 'triggerDirection');
			if (d !== 1 && d !== 2) throw paramError('params error: triggerDirection invalid');
			triggerDirection = d;
			triggerCheck(current, triggerPrice, d, triggerBy, inst);
		}
		if (ex.orders.countOpen(category, inst.symbol, true) >= 10) throw new ApiError(110009, 'The number of stop orders exceeds the maximum allowable limit');
	} else if (orderFilter !== 'Order') throw new ApiError(170202, 'Please enter the TP/SL price.');
	if (ex.orders.countOpen(category, inst.symbol, false) >= 500) throw new ApiError(110020, 'Not allowed to have more than 500 active orders.');

	// TP/SL on the order
	const takeProfit = dec(p, 'takeProfit') ?? 0;
	const stopLoss = dec(p, 'stopLoss') ?? 0;
	const tpslMode = oneOf(p, 'tpslMode', ['Full', 'Partial'] as const) ?? (takeProfit > 0 || stopLoss > 0 ? 'Full' : '');
	if ((takeProfit > 0 || stopLoss > 0) && (reduceOnly || closeOnTrigger)) throw paramError('params error: TP/SL cannot be set on a reduce-only order');
	if (takeProfit > 0) checkPrice(inst, str(p, 'takeProfit')!, 'takeProfit');
	if (stopLoss > 0) checkPrice(inst, str(p, 'stopLoss')!, 'stopLoss');
	const base = triggerPrice || price || m.last;
	const posSide = side === 'Buy' ? 'Buy' : 'Sell';
	const f = (n: number) => fixed(n, inst.priceScale);
	if (takeProfit > 0 && (side === 'Buy' ? takeProfit <= base : takeProfit >= base)) {
		throw paramError(`TakeProfit:${f(takeProfit)} set for ${posSide} position should be ${side === 'Buy' ? 'higher' : 'lower'} than base_price:${f(base)}??LastPrice`);
	}
	if (stopLoss > 0 && (side === 'Buy' ? stopLoss >= base : stopLoss <= base)) {
		throw paramError(`StopLoss:${f(stopLoss)} set for ${posSide} position should be ${side === 'Buy' ? 'lower' : 'higher'} than base_price:${f(base)}??LastPrice`);
	}
	const tpOrderType = oneOf(p, 'tpOrderType', ['Market', 'Limit'] as const, 'Market')!;
	const slOrderType = oneOf(p, 'slOrderType', ['Market', 'Limit'] as const, 'Market')!;
	if (tpslMode === 'Full' && derivative && (tpOrderType === 'Limit' || slOrderType === 'Limit')) {
		throw paramError('params error: tpslMode Full supports Market TP/SL orders only');
	}

	// reduce-only needs something to reduce; opening orders need notional and margin
	const refPrice = price || m.last;
	if ((reduceOnly || closeOnTrigger) && !triggerPrice && closable(ex, { side, positionIdx, category, symbol: inst.symbol } as Order) === 0) {
		throw new ApiError(110017, 'current position is zero, cannot fix reduce-only order qty');
	}
	if (derivative && !reduceOnly && !closeOnTrigger) {
		if (valueOf(inst, qty, refPrice) * (category === 'inverse' ? refPrice : 1) < inst.minNotional) {
			throw new ApiError(110094, 'Order notional value below the lower limit');
		}
		if (!triggerPrice) {
			const lev = ex.position(inst, positionIdx).leverage;
			const value = valueOf(inst, qty, refPrice);
			const need = (value / lev + value * feeRates(inst).taker) * ex.usdPrice(inst.settleCoin);
			if (need > ex.summary().totalAvailable) throw new ApiError(110007, 'ab not enough for new order');
		}
	}
	if (category === 'spot') {
		if (marketUnit !== 'quoteCoin' && qty * refPrice < Number(inst.minOrderAmt)) throw new ApiError(170140, 'Order value exceeded lower limit');
		if (str(p, 'isLeverage') === '1') checkMarginOrder(ex, inst.quoteCoin, side === 'Buy' ? inst.quoteCoin : inst.baseCoin, marketUnit === 'quoteCoin' ? quoteQty : qty * refPrice);
		else if (!triggerPrice) {
			const coin = side === 'Buy' ? inst.quoteCoin : inst.baseCoin;
			const need = side === 'Buy' ? (marketUnit === 'quoteCoin' ? quoteQty : qty * refPrice) : qty;
			const b = ex.wallets.balance('UNIFIED', coin);
			if (need > b.walletBalance - b.locked + 1e-12) throw new ApiError(170131, 'Balance insufficient');
		}
	}

	return ex.tx(() => {
		const o = makeOrder(ex, inst, {
			side: side as Side, orderType, qty, quoteQty, marketUnit, price: market ? 0 : price, timeInForce: tif, positionIdx,
			orderLinkId, reduceOnly, closeOnTrigger, triggerPrice, triggerDirection, triggerBy, orderFilter,
			stopOrderType: triggerPrice ? (category === 'spot' ? (orderFilter === 'tpslOrder' ? 'tpslOrder' : 'Stop') : 'Stop') : '',
			orderStatus: triggerPrice ? 'Untriggered' : 'New', takeProfit, stopLoss,
			tpTriggerBy: oneOf(p, 'tpTriggerBy', TRIGGER_BY, 'LastPrice')!, slTriggerBy: oneOf(p, 'slTriggerBy', TRIGGER_BY, 'LastPrice')!,
			tpslMode: derivative ? tpslMode : '', tpLimitPrice: dec(p, 'tpLimitPrice') ?? 0, slLimitPrice: dec(p, 'slLimitPrice') ?? 0,
			tpOrderType, slOrderType, isLeverage: category === 'spot' ? (str(p, 'isLeverage') === '1' ? '1' : '0') : '',
			orderIv: str(p, 'orderIv') ?? '', smpType: oneOf(p, 'smpType', ['None', 'CancelMaker', 'CancelTaker', 'CancelBoth'] as const, 'None')!,
		});
		if (market && category !== 'spot') o.price = roundProtection(inst, side === 'Buy' ? m.last * 1.03 : m.last * 0.97);
		activate(ex, o);
		return o;
	});
}

function roundProtection(inst: Instrument, n: number): number {
	return Number((Math.round(n / inst.tick) * inst.tick).toFixed(inst.priceScale));
}

/** Find the order an amend/cancel names: orderId wins over orderLinkId. */
export function findOrder(ex: Exchange, category: Category, inst: Instrument, p: Params, notFound: () => ApiError): Order {
	const orderId = str(p, 'orderId');
	const linkId = str(p, 'orderLinkId');
	if (!orderId && !linkId) throw paramError('params error: OrderId or orderLinkId is required');
	const o = orderId ? ex.orders.get(orderId) : ex.orders.byLinkId(category, linkId!);
	if (!o || o.category !== category || o.symbol !== inst.symbol || !isOpen(o)) throw notFound();
	return o;
}

/** POST /v5/order/amend. */
export function amendOrder(ex: Exchange, category: Category, p: Params): Order {
	const inst = ex.instOrThrow(category, p.symbol);
	const o = findOrder(ex, category, inst, p, () =>
		category === 'spot' ? new ApiError(170213, 'Order does not exist.') : new ApiError(110001, 'order not exists or too late to replace'),
	);
	const qtyRaw = str(p, 'qty');
	const priceRaw = str(p, 'price');
	const trigRaw = str(p, 'triggerPrice');
	const tp = dec(p, 'takeProfit');
	const sl = dec(p, 'stopLoss');
	let changed = false;
	let qty = o.qty;
	let price = o.price;
	let triggerPrice = o.triggerPrice;
	if (qtyRaw !== undefined) {
		qty = checkQty(inst, qtyRaw, o.orderType === 'Market', o.reduceOnly);
		if (qty <= o.cumExecQty) throw new ApiError(110064, 'The modified contract quantity cannot be less than or equal to the filled quantity.');
		changed ||= qty !== o.qty;
	}
	if (priceRaw !== undefined && o.orderType === 'Limit') {
		price = checkPrice(inst, priceRaw, 'price');
		changed ||= price !== o.price;
	}
	if (trigRaw !== undefined) {
		if (o.orderStatus !== 'Untriggered') throw paramError('params error: triggerPrice can only be amended on an untriggered order');
		triggerPrice = checkPrice(inst, trigRaw, 'triggerPrice');
		changed ||= triggerPrice !== o.triggerPrice;
	}
	if (tp !== undefined) changed ||= tp !== o.takeProfit;
	if (sl !== undefined) changed ||= sl !== o.stopLoss;
	const tpBy = oneOf(p, 'tpTriggerBy', TRIGGER_BY);
	const slBy = oneOf(p, 'slTriggerBy', TRIGGER_BY);
	const by = oneOf(p, 'triggerBy', TRIGGER_BY);
	changed ||= (tpBy !== undefined && tpBy !== o.tpTriggerBy) || (slBy !== undefined && slBy !== o.slTriggerBy) || (by !== undefined && by !== o.triggerBy);
	if (!changed) throw paramError('The order remains unchanged as the parameters entered match the existing ones.');
	return ex.tx(() => {
		o.qty = qty;
		o.price = price;
		o.triggerPrice = triggerPrice;
		if (tp !== undefined) o.takeProfit = tp;
		if (sl !== undefined) o.stopLoss = sl;
		if (tpBy) o.tpTriggerBy = tpBy;
		if (slBy) o.slTriggerBy = slBy;
		if (by) o.triggerBy = by;
		setReserve(ex, o);
		ex.touchOrder(o);
		ex.touchWallet();
		if (o.category !== 'spot') ex.touchPosition(ex.position(inst, o.positionIdx));
		const m = ex.market(inst);
		if (o.orderStatus !== 'Untriggered' && o.orderType === 'Limit' && (o.side === 'Buy' ? o.price >= m.last : o.price <= m.last)) {
			fill(ex, o, leavesQty(o), m.last, false);
		}
		return o;
	});
}

/** POST /v5/order/cancel. */
export function cancelOrder(ex: Exchange, category: Category, p: Params): Order {
	const inst = ex.instOrThrow(category, p.symbol);
	const o = findOrder(ex, category, inst, p, () =>
		category === 'spot' ? new ApiError(170213, 'Order does not exist.') : new ApiError(110001, 'Order does not exist'),
	);
	return ex.tx(() => {
		closeOrder(ex, o, o.orderStatus === 'Untriggered' ? 'Deactivated' : 'Cancelled', 'CancelByUser');
		return o;
	});
}

const CANCEL_ALL_FILTERS: Record<Category, readonly string[]> = {
	spot: ['Order', 'tpslOrder', 'StopOrder', 'OcoOrder', 'BidirectionalTpslOrder'],
	linear: ['Order', 'StopOrder', 'OpenOrder'],
	inverse: ['Order', 'StopOrder', 'OpenOrder'],
	option: ['Order', 'StopOrder'],
};

/** POST /v5/order/cancel-all. Whole-position TP/SL (set via trading-stop) are position attributes and stay. */
export function cancelAll(ex: Exchange, category: Category, p: Params): Order[] {
	const symbol = str(p, 'symbol');
	const baseCoin = str(p, 'baseCoin');
	const settleCoin = str(p, 'settleCoin');
	if ((category === 'linear' || category === 'inverse') && !symbol && !baseCoin && !settleCoin) {
		throw missing('symbol or settleCoin or baseCoin');
	}
	if (symbol) ex.instOrThrow(category, symbol);
	// docs (cancel-all): spot Order (default), tpslOrder, StopOrder, OcoOrder, BidirectionalTpslOrder; linear/inverse Order, StopOrder, OpenOrder; option Order, StopOrder
	const filters = CANCEL_ALL_FILTERS[category];
	const filter = oneOf(p, 'orderFilter', filters, category === 'spot' ? 'Order' : undefined);
	const stopOrderType = oneOf(p, 'stopOrderType', ['Stop'] as const);
	const targets = ex.orders.allOpen(category).filter((o) => {
		const inst = ex.instOf(o);
		if (o.fullPosition) return false;
		if (symbol ? o.symbol !== symbol : baseCoin ? inst.baseCoin !== baseCoin : settleCoin ? inst.settleCoin !== settleCoin : false) return false;
		const conditional = o.triggerPrice > 0;
		if ((filter === 'Order' || filter === 'OpenOrder') && conditional) return false;
		if ((filter === 'OcoOrder' || filter === 'BidirectionalTpslOrder') && o.orderFilter !== filter) return false;
		if (filter === 'StopOrder' && !conditional) return false;
		if (filter === 'tpslOrder' && o.orderFilter !== 'tpslOrder') return false;
		if (stopOrderType === 'Stop' && o.stopOrderType !== 'Stop') return false;
		return true;
	});
	ex.tx(() => {
		for (const o of targets) closeOrder(ex, o, o.orderStatus === 'Untriggered' ? 'Deactivated' : 'Cancelled', 'CancelByUser');
	});
	return targets;
}

