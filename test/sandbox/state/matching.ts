/**
 * The matching engine: order activation, fills (positions, balances, fees,
 * executions, closed PnL, transaction log), conditional triggers, TP/SL
 * system orders, isolated liquidations and market moves.
 */
import type { Instrument } from './instruments';
import type { Exchange } from './exchange';
import { isOpen, leavesQty, type Order, type Side } from './orders';
import { applyFill, valueOf, type Position } from './positions';
import { toPlain, fixed } from '../util/num';

export function feeRates(inst: Instrument): { taker: number; maker: number } {
	if (inst.category === 'spot') return { taker: 0.001, maker: 0.001 };
	if (inst.category === 'option') return { taker: 0.0003, maker: 0.0003 };
	return { taker: 0.00055, maker: 0.0002 };
}

const opposite = (s: Side): Side => (s === 'Buy' ? 'Sell' : 'Buy');

/** A new order with Bybit's defaults; callers set what differs. */
export function makeOrder(ex: Exchange, inst: Instrument, fields: Partial<Order> & Pick<Order, 'side' | 'orderType' | 'qty'>): Order {
	const now = ex.now();
	return {
		seq: ex.orders.log.allocate(), category: inst.category, symbol: inst.symbol,
		orderId: inst.category === 'spot' ? ex.ids.numericId() : ex.ids.uuid(), orderLinkId: '', price: 0, quoteQty: 0, marketUnit: '',
		timeInForce: fields.orderType === 'Market' ? 'IOC' : 'GTC', orderStatus: 'New', positionIdx: 0, reduceOnly: false,
		closeOnTrigger: false, triggerPrice: 0, triggerDirection: 0, triggerBy: 'LastPrice', stopOrderType: '', orderFilter: 'Order',
		takeProfit: 0, stopLoss: 0, tpTriggerBy: 'LastPrice', slTriggerBy: 'LastPrice', tpslMode: '', tpLimitPrice: 0, slLimitPrice: 0,
		tpOrderType: 'Market', slOrderType: 'Market', trailingDistance: 0, fullPosition: false, cumExecQty: 0, cumExecValue: 0, cumExecFee: 0,
		feeCoin: inst.category === 'spot' ? (fields.side === 'Buy' ? inst.baseCoin : inst.quoteCoin) : inst.settleCoin, closedPnl: 0,
		cancelType: 'UNKNOWN', rejectReason: 'EC_NoError', createType: 'CreateByUser', isLeverage: inst.category === 'spot' ? '0' : '',
		orderIv: '', smpType: 'None', lastPriceOnCreated: ex.market(inst).last, createdTime: now, updatedTime: now, reserved: 0,
		reservedCoin: inst.settleCoin, ...fields,
	};
}

/** The position an order trades against. */
export function positionFor(ex: Exchange, o: Order): Position {
	return ex.position(ex.instOf(o), o.positionIdx);
}

/** Quantity a closing order may still fill: the opposite exposure of its position. */
export function closable(ex: Exchange, o: Order): number {
	const p = positionFor(ex, o);
	return p.size > 0 && p.side !== o.side ? p.size : 0;
}

/** Re-compute what an order reserves (derivative margin, spot funds) from its leaves quantity. */
export function setReserve(ex: Exchange, o: Order): void {
	const inst = ex.instOf(o);
	let amount = 0;
	const leaves = leavesQty(o);
	const live = isOpen(o) && o.orderStatus !== 'Untriggered';
	if (live && leaves > 0) {
		const price = o.price || ex.market(inst).last;
		if (inst.category === 'spot') {
			amount = o.side === 'Buy' ? leaves * price : leaves;
			o.reservedCoin = o.side === 'Buy' ? inst.quoteCoin : inst.baseCoin;
		} else if (!o.reduceOnly && !o.closeOnTrigger) {
			amount = valueOf(inst, leaves, price) / ex.position(inst, o.positionIdx).leverage;
		}
	}
	if (inst.category === 'spot') {
		const b = ex.wallets.balance('UNIFIED', o.reservedCoin);
		b.locked = Math.max(0, Number((b.locked - o.reserved + amount).toFixed(10)));
	}
	o.reserved = amount;
}

/** End an open order (Cancelled, Deactivated, Rejected...). */
export function closeOrder(ex: Exchange, o: Order, status: Order['orderStatus'], cancelType: string, rejectReason = 'EC_NoError'): void {
	if (!isOpen(o)) return;
	o.orderStatus = status === 'Cancelled' && o.category === 'spot' && o.cumExecQty > 0 ? 'PartiallyFilledCanceled' : status;
	o.cancelType = cancelType;
	o.rejectReason = rejectReason;
	setReserve(ex, o);
	ex.touchOrder(o);
	ex.touchWallet();
	if (o.category !== 'spot') ex.touchPosition(positionFor(ex, o));
}

/** A created order goes live: conditional orders wait, others trade now or rest. */
export function activate(ex: Exchange, o: Order): void {
	ex.orders.add(o);
	if (o.orderStatus === 'Untriggered') {
		ex.touchOrder(o);
		if (o.category !== 'spot') ex.touchPosition(positionFor(ex, o));
		return;
	}
	execute(ex, o);
}

function execute(ex: Exchange, o: Order): void {
	const inst = ex.instOf(o);
	const m = ex.market(inst);
	o.orderStatus = 'New';
	if (o.category !== 'spot') ex.touchPosition(positionFor(ex, o));
	if (o.orderType === 'Market') {
		if (o.marketUnit === 'quoteCoin' && o.qty === 0) {
			o.qty = Math.floor((o.quoteQty / m.last) * 10 ** inst.baseDp) / 10 ** inst.baseDp;
		}
		fill(ex, o, leavesQty(o), m.last, false);
		if (isOpen(o)) closeOrder(ex, o, 'Cancelled', 'UNKNOWN', 'EC_NoImmediateQtyToFill');
		return;
	}
	const marketable = o.side === 'Buy' ? o.price >= m.last : o.price <= m.last;
	if (marketable) {
		if (o.timeInForce === 'PostOnly') {
			closeOrder(ex, o, 'Cancelled', 'UNKNOWN', 'EC_PostOnlyWillTakeLiquidity');
			return;
		}
		fill(ex, o, leavesQty(o), m.last, false);
	} else if (o.timeInForce === 'IOC' || o.timeInForce === 'FOK') {
		closeOrder(ex, o, 'Cancelled', 'UNKNOWN', 'EC_NoImmediateQtyToFill');
		return;
	}
	if (isOpen(o)) {
		setReserve(ex, o);
		ex.touchOrder(o);
		ex.touchWallet();
	}
}

/** Fill `qty` of an order at `price`. Closing orders never fill more than the position. */
export function fill(ex: Exchange, o: Order, qty: number, price: number, isMaker: boolean, execType = 'Trade'): void {
	const inst = ex.instOf(o);
	const m = ex.market(inst);
	if (o.reduceOnly || o.closeOnTrigger) {
		qty = Math.min(qty, closable(ex, o));
		if (qty <= 0) {
			closeOrder(ex, o, o.orderStatus === 'Untriggered' ? 'Deactivated' : 'Cancelled', 'CancelByReduceOnly', 'EC_ReduceOnlySetButNotReducing');
			return;
		}
	}
	if (qty <= 0) return;
	const rates = feeRates(inst);
	const rate = isMaker ? rates.maker : rates.taker;
	const value = valueOf(inst, qty, price);
	const now = ex.now();
	let fee = 0;
	let pnl = 0;
	let closedSize = 0;
	let positionSize = '';
	if (inst.category === 'spot') {
		const base = ex.wallets.balance('UNIFIED', inst.baseCoin);
		const quote = ex.wallets.balance('UNIFIED', inst.quoteCoin);
		if (o.side === 'Buy') {
			fee = qty * rate;
			ex.wallets.add('UNIFIED', inst.quoteCoin, -value);
			ex.wallets.add('UNIFIED', inst.baseCoin, qty - fee);
		} else {
			fee = value * rate;
			ex.wallets.add('UNIFIED', inst.baseCoin, -qty);
			ex.wallets.add('UNIFIED', inst.quoteCoin, value - fee);
		}
		const buy = o.side === 'Buy';
		addTxLog(ex, o, inst.baseCoin, qty, price, buy ? qty - fee : -qty, buy ? fee : 0, rate, base.walletBalance, '');
		addTxLog(ex, o, inst.quoteCoin, qty, price, buy ? -value : value - fee, buy ? 0 : fee, rate, quote.walletBalance, '');
	} else {
		fee = inst.category === 'option' ? Math.min(rate * m.index * qty, 0.125 * value) : value * rate;
		const pos = positionFor(ex, o);
		const sizeBefore = pos.size;
		const openFeeBefore = pos.openFee;
		const out = applyFill(pos, inst, o.side, qty, price);
		pnl = out.pnl;
		closedSize = out.closed;
		const net = pnl - fee;
		const w = ex.wallets.add('UNIFIED', inst.settleCoin, net);
		w.cumRealisedPnl += net;
		pos.curRealisedPnl += net;
		pos.cumRealisedPnl += net;
		if (out.opened > 0) pos.openFee += (fee * out.opened) / qty;
		if (out.closed > 0) recordClosedPnl(ex, o, pos, out, fee, qty, price, sizeBefore, openFeeBefore, execType);
		positionSize = fixed(pos.size, inst.qtyDp);
		addTxLog(ex, o, inst.settleCoin, qty, price, net, fee, rate, w.walletBalance, positionSize, pnl);
		ex.touchPosition(pos);
		if (pos.size === 0) clearPositionTpSl(ex, pos);
		else if (out.opened > 0 && (o.takeProfit > 0 || o.stopLoss > 0)) attachTpSl(ex, o, pos, out.opened);
	}
	o.cumExecQty = Number((o.cumExecQty + qty).toFixed(inst.qtyDp + 2));
	o.cumExecValue += value;
	o.cumExecFee += fee;
	o.closedPnl += pnl;
	o.orderStatus = leavesQty(o) <= 1e-12 ? 'Filled' : 'PartiallyFilled';
	setReserve(ex, o);
	ex.touchOrder(o);
	ex.touchWallet();
	const trade = m.recordTrade(price, qty, isMaker ? opposite(o.side) : o.side, now);
	ex.addExecution({
		seq: ex.executions.allocate(), category: o.category, symbol: o.symbol,
		execId: o.category === 'spot' ? ex.ids.numericId() : ex.ids.uuid(), orderId: o.orderId, orderLinkId: o.orderLinkId, side: o.side,
		orderType: o.orderType, orderPrice: o.price, orderQty: o.qty, leavesQty: leavesQty(o), stopOrderType: o.stopOrderType,
		createType: o.createType, execPrice: price, execQty: qty, execValue: value, execFee: fee, feeRate: rate, feeCoin: o.feeCoin,
		execType, isMaker, execTime: now, closedSize, execPnl: pnl, markPrice: m.mark, indexPrice: m.index, isLeverage: o.isLeverage,
		marketUnit: o.marketUnit, tradeSeq: trade.seq,
	});
	ex.marketChanged(inst);
	ex.publicEvent({ kind: 'trade', inst, trades: [trade] });
}

function recordClosedPnl(
	ex: Exchange, o: Order, pos: Position, out: { closed: number; pnl: number; entryPrice: number }, fee: number, qty: number,
	price: number, sizeBefore: number, openFeeBefore: number, execType: string,
): void {
	const inst = ex.instOf(o);
	const openFee = sizeBefore > 0 ? (openFeeBefore * out.closed) / sizeBefore : 0;
	const closeFee = (fee * out.closed) / qty;
	const now = ex.now();
	ex.closedPnl.add({
		seq: ex.closedPnl.allocate(), category: o.category, symbol: o.symbol, orderId: o.orderId, side: o.side, qty: o.qty,
		orderPrice: o.price, orderType: o.orderType, execType, closedSize: out.closed, cumEntryValue: valueOf(inst, out.closed, out.entryPrice),
		avgEntryPrice: out.entryPrice, cumExitValue: valueOf(inst, out.closed, price), avgExitPrice: price,
		closedPnl: out.pnl - openFee - closeFee, fillCount: 1, leverage: pos.leverage, openFee, closeFee, createdTime: now, updatedTime: now,
	});
}

function addTxLog(
	ex: Exchange, o: Order, currency: string, qty: number, price: number, change: number, fee: number, rate: number,
	cashBalance: number, size: string, cashFlow = 0,
): void {
	const inst = ex.instOf(o);
	ex.txLog.add({
		seq: ex.txLog.allocate(), id: `${ex.uid}_${o.symbol}_${ex.txLog.size + 1}`, symbol: o.symbol, category: o.category, side: o.side,
		transactionTime: ex.now(), type: 'TRADE', transSubType: '', qty: fixed(qty, inst.category === 'spot' ? inst.baseDp : inst.qtyDp),
		size: size || fixed(qty, inst.category === 'spot' ? inst.baseDp : inst.qtyDp), currency, tradePrice: fixed(price, inst.priceScale),
		funding: '', fee, cashFlow, change, cashBalance, feeRate: toPlain(rate), tradeId: '', orderId: o.orderId, orderLinkId: o.orderLinkId,
	});
}

// ---------------------------------------------------------------- TP/SL system orders

type TpslKind = 'TakeProfit' | 'StopLoss' | 'TrailingStop';

function systemOrders(ex: Exchange, pos: Position, kinds: readonly string[]): Order[] {
	return ex.orders.openOf(pos.category, pos.symbol).filter((o) => o.positionIdx === pos.positionIdx && kinds.includes(o.stopOrderType));
}

/** Set (price > 0), replace or remove (price 0) a whole-position TP, SL or trailing stop. */
export function setPositionStop(ex: Exchange, pos: Position, kind: TpslKind, price: number, triggerBy: string, activePrice = 0): void {
	const inst = ex.instOf(pos);
	const existing = systemOrders(ex, pos, [kind]).filter((o) => o.fullPosition);
	const long = pos.side === 'Buy';
	if (kind === 'TakeProfit') pos.takeProfit = price;
	else if (kind === 'StopLoss') pos.stopLoss = price;
	else pos.trailingStop = price;
	if (kind === 'TakeProfit') pos.tpTriggerBy = triggerBy;
	if (kind === 'StopLoss') pos.slTriggerBy = triggerBy;
	for (const o of existing) closeOrder(ex, o, 'Deactivated', 'CancelByTpSlTsClear');
	if (price <= 0 || pos.size === 0) return;
	const m = ex.market(inst);
	let trigger = price;
	let direction: 1 | 2 = kind === 'TakeProfit' ? (long ? 1 : 2) : long ? 2 : 1;
	if (kind === 'TrailingStop') {
		const ref = activePrice > 0 ? activePrice : m.last;
		trigger = long ? ref - price : ref + price;
		direction = long ? 2 : 1;
	}
	const o = makeOrder(ex, inst, {
		side: opposite(pos.side as Side), orderType: 'Market', qty: pos.size, positionIdx: pos.positionIdx, reduceOnly: true,
		closeOnTrigger: true, triggerPrice: trigger, triggerDirection: direction, triggerBy, stopOrderType: kind, orderFilter: 'StopOrder',
		tpslMode: 'Full', fullPosition: true, orderStatus: 'Untriggered', trailingDistance: kind === 'TrailingStop' ? price : 0,
		createType: kind === 'TakeProfit' ? 'CreateByTakeProfit' : kind === 'StopLoss' ? 'CreateByStopLoss' : 'CreateByTrailingStop',
	});
	activate(ex, o);
}

/** Partial-mode TP or SL: a reduce-only conditional order of its own size. */
export function addPartialStop(ex: Exchange, pos: Position, kind: 'TakeProfit' | 'StopLoss', price: number, size: number, triggerBy: string, orderType: string, limitPrice: number): void {
	const inst = ex.instOf(pos);
	const long = pos.side === 'Buy';
	const o = makeOrder(ex, inst, {
		side: opposite(pos.side as Side), orderType: orderType === 'Limit' ? 'Limit' : 'Market', price: orderType === 'Limit' ? limitPrice : 0,
		qty: size, positionIdx: pos.positionIdx, reduceOnly: true, closeOnTrigger: false, triggerPrice: price,
		triggerDirection: kind === 'TakeProfit' ? (long ? 1 : 2) : long ? 2 : 1, triggerBy, stopOrderType: `Partial${kind}`,
		orderFilter: 'StopOrder', tpslMode: 'Partial', orderStatus: 'Untriggered',
		createType: kind === 'TakeProfit' ? 'CreateByPartialTakeProfit' : 'CreateByPartialStopLoss',
	});
	activate(ex, o);
}

/** TP/SL given on an order apply once it opens exposure. */
function attachTpSl(ex: Exchange, o: Order, pos: Position, opened: number): void {
	if (o.tpslMode === 'Partial') {
		if (o.takeProfit > 0) addPartialStop(ex, pos, 'TakeProfit', o.takeProfit, opened, o.tpTriggerBy, o.tpOrderType, o.tpLimitPrice);
		if (o.stopLoss > 0) addPartialStop(ex, pos, 'StopLoss', o.stopLoss, opened, o.slTriggerBy, o.slOrderType, o.slLimitPrice);
		return;
	}
	if (o.takeProfit > 0) setPositionStop(ex, pos, 'TakeProfit', o.takeProfit, o.tpTriggerBy);
	if (o.stopLoss > 0) setPositionStop(ex, pos, 'StopLoss', o.stopLoss, o.slTriggerBy);
}

function clearPositionTpSl(ex: Exchange, pos: Position): void {
	pos.takeProfit = 0;
	pos.stopLoss = 0;
	pos.trailingStop = 0;
	for (const o of systemOrders(ex, pos, ['TakeProfit', 'StopLoss', 'TrailingStop', 'PartialTakeProfit', 'PartialStopLoss'])) {
		closeOrder(ex, o, 'Deactivated', 'CancelByTpSlTsClear');
	}
}

// ---------------------------------------------------------------- market moves

function sourcePrice(ex: Exchange, inst: Instrument, by: string): number {
	const m = ex.market(inst);
	return by === 'MarkPrice' ? m.mark : by === 'IndexPrice' ? m.index : m.last;
}

/** After prices moved: triggers, crossing limit orders, trailing stops, isolated liquidations. */
export function onPriceChange(ex: Exchange, inst: Instrument): void {
	const m = ex.market(inst);
	for (const o of ex.orders.openOf(inst.category, inst.symbol).sort((a, b) => a.seq - b.seq)) {
		if (!isOpen(o)) continue;
		if (o.orderStatus === 'Untriggered') {
			const px = sourcePrice(ex, inst, o.triggerBy);
			if (o.stopOrderType === 'TrailingStop' && o.trailingDistance > 0) {
				const next = o.side === 'Sell' ? px - o.trailingDistance : px + o.trailingDistance;
				if ((o.side === 'Sell' && next > o.triggerPrice) || (o.side === 'Buy' && next < o.triggerPrice)) {
					o.triggerPrice = next;
					ex.touchOrder(o);
				}
			}
			const hit = o.triggerDirection === 1 ? px >= o.triggerPrice : px <= o.triggerPrice;
			if (hit) trigger(ex, o);
		} else if (o.orderType === 'Limit') {
			const crossed = o.side === 'Buy' ? m.last <= o.price : m.last >= o.price;
			if (crossed) fill(ex, o, leavesQty(o), o.price, true);
		}
	}
	for (const p of ex.positionsOf(inst)) {
		if (p.size === 0 || p.tradeMode !== 1) continue;
		const liq = ex.liqPrice(p);
		if (liq > 0 && (p.side === 'Buy' ? m.mark <= liq : m.mark >= liq)) liquidate(ex, p, liq);
	}
}

function trigger(ex: Exchange, o: Order): void {
	if (o.fullPosition) {
		const size = closable(ex, o);
		if (size <= 0) return closeOrder(ex, o, 'Deactivated', 'CancelByTpSlTsClear');
		o.qty = size;
	}
	o.orderStatus = 'Triggered';
	ex.snapshotOrder(o);
	if (!o.reduceOnly && !o.closeOnTrigger && o.category !== 'spot') {
		const inst = ex.instOf(o);
		const need = valueOf(inst, o.qty, o.price || ex.market(inst).last) / positionFor(ex, o).leverage;
		if (need * ex.usdPrice(inst.settleCoin) > ex.summary().totalAvailable) {
			o.orderStatus = 'New';
			return closeOrder(ex, o, 'Rejected', 'UNKNOWN', 'EC_InsufficientAvailableBalance');
		}
	}
	execute(ex, o);
}

function liquidate(ex: Exchange, p: Position, price: number): void {
	const inst = ex.instOf(p);
	const side = p.side as Side;
	const size = p.size;
	const o = makeOrder(ex, inst, {
		side: opposite(side), orderType: 'Market', qty: size, positionIdx: p.positionIdx, reduceOnly: true, closeOnTrigger: true,
		createType: 'CreateByLiq', timeInForce: 'IOC',
	});
	ex.orders.add(o);
	p.positionStatus = 'Liq';
	fill(ex, o, size, price, false, 'BustTrade');
	p.positionStatus = 'Normal';
	const now = ex.now();
	ex.publicEvent({
		kind: 'liquidation', inst,
		liquidation: { T: now, s: inst.symbol, S: side, v: fixed(size, inst.qtyDp), p: fixed(price, inst.priceScale) },
	});
}

/** Move the market (control). Only the given prices change; a lone `last` moves mark and index with it. */
export function movePrice(ex: Exchange, inst: Instrument, prices: { last?: number; mark?: number; index?: number }): void {
	ex.tx(() => {
		const m = ex.market(inst);
		const onlyLast = prices.last !== undefined && prices.mark === undefined && prices.index === undefined;
		const before = m.last;
		m.setPrices(onlyLast ? { last: prices.last, mark: prices.last, index: prices.last } : prices, ex.now());
		if (prices.last !== undefined && prices.last !== before) {
			const size = inst.min * (1 + ex.rng.int(20));
			const t = m.recordTrade(prices.last, size, prices.last > before ? 'Buy' : 'Sell', ex.now());
			ex.publicEvent({ kind: 'trade', inst, trades: [t] });
		}
		ex.marketChanged(inst);
		onPriceChange(ex, inst);
	});
}

