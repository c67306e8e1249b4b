/** Orders: the model, Bybit's REST/WS shapes, and the store (indexes + history log). */
import type { Category, Json } from '../types';
import type { Instrument } from './instruments';
import { fixed, trimmed } from '../util/num';
import { SeqLog } from '../util/paginate';

export type OrderStatus =
	| 'New' | 'PartiallyFilled' | 'Untriggered' | 'Rejected' | 'PartiallyFilledCanceled'
	| 'Filled' | 'Cancelled' | 'Triggered' | 'Deactivated';

export const OPEN_STATUSES: ReadonlySet<OrderStatus> = new Set(['New', 'PartiallyFilled', 'Untriggered']);

export type Side = 'Buy' | 'Sell';

export interface Order {
	seq: number;
	category: Category;
	symbol: string;
	orderId: string;
	orderLinkId: string;
	side: Side;
	orderType: 'Market' | 'Limit';
	/** Limit price; for market orders the protection price shown in `price`. */
	price: number;
	/** Base quantity (contracts for inverse). For spot market buys by quote, filled in at execution. */
	qty: number;
	/** Spot market order sized in quote coin. */
	quoteQty: number;
	marketUnit: '' | 'baseCoin' | 'quoteCoin';
	timeInForce: string;
	orderStatus: OrderStatus;
	positionIdx: 0 | 1 | 2;
	reduceOnly: boolean;
	closeOnTrigger: boolean;
	triggerPrice: number;
	triggerDirection: 0 | 1 | 2;
	triggerBy: string;
	stopOrderType: string;
	orderFilter: string;
	takeProfit: number;
	stopLoss: number;
	tpTriggerBy: string;
	slTriggerBy: string;
	tpslMode: string;
	tpLimitPrice: number;
	slLimitPrice: number;
	tpOrderType: string;
	slOrderType: string;
	/** Trailing stop distance (system TrailingStop orders). */
	trailingDistance: number;
	/** TP/SL system order that always closes the whole position. */
	fullPosition: boolean;
	cumExecQty: number;
	cumExecValue: number;
	cumExecFee: number;
	feeCoin: string;
	closedPnl: number;
	cancelType: string;
	rejectReason: string;
	createType: string;
	isLeverage: string;
	orderIv: string;
	smpType: string;
	lastPriceOnCreated: number;
	createdTime: number;
	updatedTime: number;
	/** Margin (settle coin) or funds (spot) reserved while the order rests. */
	reserved: number;
	reservedCoin: string;
}

export function isOpen(o: Order): boolean {
	return OPEN_STATUSES.has(o.orderStatus);
}

export function leavesQty(o: Order): number {
	return isOpen(o) ? Math.max(0, o.qty - o.cumExecQty) : 0;
}

/** Bybit's order object (GET /v5/order/realtime and /history). */
export function orderView(o: Order, inst: Instrument): Json {
	const p = (n: number) => fixed(n, inst.priceScale);
	const q = (n: number) => fixed(n, inst.category === 'spot' ? inst.baseDp : inst.qtyDp);
	const isCond = o.triggerPrice > 0;
	const leaves = leavesQty(o);
	const inverse = inst.category === 'inverse';
	return {
		orderId: o.orderId,
		orderLinkId: o.orderLinkId,
		blockTradeId: '',
		symbol: o.symbol,
		price: o.price > 0 ? p(o.price) : '0',
		qty: o.marketUnit === 'quoteCoin' ? trimmed(o.quoteQty, inst.quoteDp) : q(o.qty),
		side: o.side,
		isLeverage: o.isLeverage,
		positionIdx: o.positionIdx,
		orderStatus: o.orderStatus,
		createType: o.createType,
		cancelType: o.cancelType,
		rejectReason: o.rejectReason,
		avgPrice: o.cumExecQty > 0 ? trimmed(inverse ? o.cumExecQty / o.cumExecValue : o.cumExecValue / o.cumExecQty, 8) : '0',
		leavesQty: q(leaves),
		leavesValue: trimmed(inverse ? leaves / (o.price || o.lastPriceOnCreated) : leaves * (o.price || o.lastPriceOnCreated), 8),
		cumExecQty: q(o.cumExecQty),
		cumExecValue: trimmed(o.cumExecValue, 8),
		cumExecFee: trimmed(o.cumExecFee, 8),
		timeInForce: o.timeInForce,
		orderType: o.orderType,
		stopOrderType: o.stopOrderType || 'UNKNOWN',
		orderIv: o.orderIv,
		marketUnit: o.marketUnit,
		triggerPrice: p(o.triggerPrice),
		takeProfit: p(o.takeProfit),
		stopLoss: p(o.stopLoss),
		tpTriggerBy: o.takeProfit > 0 ? o.tpTriggerBy : 'UNKNOWN',
		slTriggerBy: o.stopLoss > 0 ? o.slTriggerBy : 'UNKNOWN',
		triggerDirection: o.triggerDirection,
		triggerBy: isCond ? o.triggerBy : 'UNKNOWN',
		lastPriceOnCreated: p(o.lastPriceOnCreated),
		reduceOnly: o.reduceOnly,
		closeOnTrigger: o.closeOnTrigger,
		smpType: o.smpType,
		smpGroup: 0,
		smpOrderId: '',
		tpslMode: o.tpslMode,
		tpLimitPrice: o.tpLimitPrice > 0 ? p(o.tpLimitPrice) : '',
		slLimitPrice: o.slLimitPrice > 0 ? p(o.slLimitPrice) : '',
		placeType: '',
		slippageToleranceType: 'UNKNOWN',
		slippageTolerance: '',
		createdTime: String(o.createdTime),
		updatedTime: String(o.updatedTime),
		extraFees: '',
		cumFeeDetail: o.cumExecFee !== 0 ? { [o.feeCoin]: trimmed(o.cumExecFee, 8) } : {},
		rpiTakerAccess: false,
		rpiMatchedQty: '0',
	};
}

/** The `order` topic entry: the REST object plus category, closedPnl, feeCurrency. */
export function orderPushView(o: Order, inst: Instrument): Json {
	const v = orderView(o, inst);
	v.category = o.category;
	v.closedPnl = trimmed(o.closedPnl, 8);
	v.feeCurrency = o.category === 'spot' ? o.feeCoin : '';
	return v;
}

export class OrderStore {
	readonly log = new SeqLog<Order>();
	private readonly byId = new Map<string, Order>();
	private readonly byLink = new Map<string, Order>();
	/** Open orders per "category:symbol". */
	private readonly openBySymbol = new Map<string, Set<Order>>();

	add(o: Order): void {
		this.log.add(o);
		this.byId.set(o.orderId, o);
		if (o.orderLinkId) this.byLink.set(`${o.category}:${o.orderLinkId}`, o);
		if (isOpen(o)) this.markOpen(o);
	}

	get(orderId: string): Order | undefined {
		return this.byId.get(orderId);
	}

	byLinkId(category: Category, orderLinkId: string): Order | undefined {
		return this.byLink.get(`${category}:${orderLinkId}`);
	}

	/** Call after any status change. */
	sync(o: Order): void {
		if (isOpen(o)) this.markOpen(o);
		else this.openBySymbol.get(`${o.category}:${o.symbol}`)?.delete(o);
	}

	private markOpen(o: Order): void {
		const key = `${o.category}:${o.symbol}`;
		let set = this.openBySymbol.get(key);
		if (!set) this.openBySymbol.set(key, (set = new Set()));
		set.add(o);
	}

	/** Open orders of one symbol (a copy: safe to mutate the store while iterating). */
	openOf(category: Category, symbol: string): Order[] {
		const set = this.openBySymbol.get(`${category}:${symbol}`);
		return set ? [...set] : [];
	}

	/** All open orders, newest first. */
	allOpen(category?: Category): Order[] {
		const out: Order[] = [];
		for (const [key, set] of this.openBySymbol) {
			if (category && !key.startsWith(`${category}:`)) continue;
			for (const o of set) out.push(o);
		}
		return out.sort((a, b) => b.seq - a.seq);
	}

	countOpen(category: Category, symbol: string, conditional: boolean): number {
		let n = 0;
		for (const o of this.openBySymbol.get(`${category}:${symbol}`) ?? []) if ((o.triggerPrice > 0) === conditional) n++;
		return n;
	}
}
