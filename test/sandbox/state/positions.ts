/** Positions: the model, fill arithmetic (linear, inverse, option) and Bybit's shapes. */
import type { Category, Json } from '../types';
import type { Instrument } from './instruments';
import type { Side } from './orders';
import { fixed, trimmed } from '../util/num';

export const MMR = 0.005;

export interface Position {
	category: Category;
	symbol: string;
	positionIdx: 0 | 1 | 2;
	/** Unsigned size. */
	size: number;
	side: Side | '';
	avgPrice: number;
	leverage: number;
	/** 0 cross, 1 isolated. */
	tradeMode: 0 | 1;
	autoAddMargin: 0 | 1;
	/** Margin added to an isolated position (add-margin). */
	extraMargin: number;
	takeProfit: number;
	stopLoss: number;
	trailingStop: number;
	tpTriggerBy: string;
	slTriggerBy: string;
	curRealisedPnl: number;
	cumRealisedPnl: number;
	/** Fees paid while opening the current size (for closed PnL). */
	openFee: number;
	createdTime: number;
	updatedTime: number;
	seq: number;
	positionStatus: 'Normal' | 'Liq' | 'Adl';
}

export function newPosition(inst: Instrument, positionIdx: 0 | 1 | 2, leverage: number, tradeMode: 0 | 1, now: number): Position {
	return {
		category: inst.category, symbol: inst.symbol, positionIdx, size: 0, side: '', avgPrice: 0, leverage, tradeMode, autoAddMargin: 0,
		extraMargin: 0, takeProfit: 0, stopLoss: 0, trailingStop: 0, tpTriggerBy: 'LastPrice', slTriggerBy: 'LastPrice',
		curRealisedPnl: 0, cumRealisedPnl: 0, openFee: 0, createdTime: now, updatedTime: now, seq: 0, positionStatus: 'Normal',
	};
}

export interface FillOutcome {
	/** Quantity that closed existing exposure. */
	closed: number;
	/** Gross realised PnL of the closed part (settle coin). */
	pnl: number;
	/** Entry price of the closed part. */
	entryPrice: number;
	/** Quantity that opened/increased exposure. */
	opened: number;
}

/** Value of `qty` at `price` in the settle coin. */
export function valueOf(inst: Instrument, qty: number, price: number): number {
	return inst.category === 'inverse' ? qty / price : qty * price;
}

function pnlOf(inst: Instrument, long: boolean, qty: number, entry: number, exit: number): number {
	const dir = long ? 1 : -1;
	return inst.category === 'inverse' ? dir * qty * (1 / entry - 1 / exit) : dir * qty * (exit - entry);
}

/** Apply a fill to a position. One-way positions may flip; hedge sides only grow or shrink. */
export function applyFill(pos: Position, inst: Instrument, side: Side, qty: number, price: number): FillOutcome {
	const out: FillOutcome = { closed: 0, pnl: 0, entryPrice: pos.avgPrice, opened: 0 };
	const long = pos.side === 'Buy';
	if (pos.size > 0 && pos.side !== side) {
		const close = Math.min(qty, pos.size);
		out.closed = close;
		out.pnl = pnlOf(inst, long, close, pos.avgPrice, price);
		const remaining = pos.size - close;
		pos.openFee = pos.size > 0 ? pos.openFee * (remaining / pos.size) : 0;
		pos.size = round(remaining, inst);
		qty = round(qty - close, inst);
		if (pos.size === 0) {
			pos.side = '';
			pos.avgPrice = 0;
			pos.extraMargin = 0;
		}
	}
	if (qty > 0) {
		out.opened = qty;
		if (pos.size === 0) {
			pos.side = side;
			pos.avgPrice = price;
			pos.size = qty;
		} else if (inst.category === 'inverse') {
			const total = pos.size + qty;
			pos.avgPrice = total / (pos.size / pos.avgPrice + qty / price);
			pos.size = round(total, inst);
		} else {
			const total = pos.size + qty;
			pos.avgPrice = (pos.size * pos.avgPrice + qty * price) / total;
			pos.size = round(total, inst);
		}
	}
	return out;
}

function round(n: number, inst: Instrument): number {
	return Number(n.toFixed(inst.qtyDp + 2));
}

export function positionValue(p: Position, inst: Instrument): number {
	return p.size > 0 ? valueOf(inst, p.size, p.avgPrice) : 0;
}

export function positionIM(p: Position, inst: Instrument): number {
	return positionValue(p, inst) / p.leverage + p.extraMargin;
}

export function positionMM(p: Position, inst: Instrument): number {
	return positionValue(p, inst) * MMR;
}

export function unrealisedPnl(p: Position, inst: Instrument, mark: number): number {
	return p.size > 0 ? pnlOf(inst, p.side === 'Buy', p.size, p.avgPrice, mark) : 0;
}

/** Price at which the margin backing the position (IM + extra) minus MM is lost. 0 when none. */
export function liquidationPrice(p: Position, inst: Instrument, backing: number): number {
	if (p.size === 0) return 0;
	const m = backing - positionMM(p, inst);
	const long = p.side === 'Buy';
	if (inst.category === 'inverse') {
		const inv = long ? 1 / p.avgPrice + m / p.size : 1 / p.avgPrice - m / p.size;
		return inv > 0 ? 1 / inv : 0;
	}
	const price = long ? p.avgPrice - m / p.size : p.avgPrice + m / p.size;
	return price > 0 ? price : 0;
}

/** Bybit's position object. REST uses `avgPrice`; the WS topic `entryPrice` and adds `category`. */
export function positionView(p: Position, inst: Instrument, mark: number, liq: number, ws: boolean): Json {
	const price = (n: number) => fixed(n, inst.priceScale);
	const im = p.size > 0 ? positionIM(p, inst) : 0;
	const mm = p.size > 0 ? positionMM(p, inst) : 0;
	const v: Json = {
		positionIdx: p.positionIdx,
		riskId: 1,
		riskLimitValue: inst.category === 'inverse' ? '150' : '2000000',
		symbol: p.symbol,
		side: p.side,
		size: fixed(p.size, inst.qtyDp),
		[ws ? 'entryPrice' : 'avgPrice']: p.size > 0 ? trimmed(p.avgPrice, 8) : '0',
		positionValue: trimmed(positionValue(p, inst), 8),
		tradeMode: p.tradeMode,
		positionStatus: p.positionStatus,
		autoAddMargin: p.autoAddMargin,
		adlRankIndicator: p.size > 0 ? 2 : 0,
		leverage: trimmed(p.leverage, 2),
		breakEvenPrice: p.size > 0 ? trimmed(p.avgPrice * (p.side === 'Buy' ? 1.0011 : 0.9989), 8) : '0',
		positionBalance: trimmed(im, 8),
		markPrice: price(mark),
		liqPrice: liq > 0 ? price(liq) : '',
		bustPrice: '',
		positionMM: trimmed(mm, 8),
		positionMMByMp: trimmed(mm, 8),
		positionIM: trimmed(im, 8),
		positionIMByMp: trimmed(im, 8),
		tpslMode: 'Full',
		takeProfit: price(p.takeProfit),
		stopLoss: price(p.stopLoss),
		trailingStop: price(p.trailingStop),
		unrealisedPnl: trimmed(unrealisedPnl(p, inst, mark), 8),
		curRealisedPnl: trimmed(p.curRealisedPnl, 8),
		cumRealisedPnl: trimmed(p.cumRealisedPnl, 8),
		sessionAvgPrice: '',
		seq: p.seq,
		isReduceOnly: false,
		mmrSysUpdatedTime: '',
		leverageSysUpdatedTime: '',
		createdTime: String(p.createdTime),
		updatedTime: String(p.updatedTime),
	};
	if (inst.category === 'option') {
		const delta = p.size > 0 ? (inst.optionsType === 'Call' ? 0.55 : -0.45) * p.size * (p.side === 'Buy' ? 1 : -1) : 0;
		Object.assign(v, { delta: trimmed(delta, 8), gamma: '0.00001', vega: '0.5', theta: '-10' });
	}
	if (ws) v.category = p.category;
	return v;
}
