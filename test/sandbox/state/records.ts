/** Executions, closed PnL, transaction log and wallet balances: models and Bybit shapes. */
import type { Category, Json } from '../types';
import type { Instrument } from './instruments';
import type { Side } from './orders';
import { fixed, trimmed } from '../util/num';

export interface Execution {
	seq: number;
	category: Category;
	symbol: string;
	execId: string;
	orderId: string;
	orderLinkId: string;
	side: Side;
	orderType: string;
	orderPrice: number;
	orderQty: number;
	leavesQty: number;
	stopOrderType: string;
	createType: string;
	execPrice: number;
	execQty: number;
	execValue: number;
	execFee: number;
	feeRate: number;
	feeCoin: string;
	execType: string;
	isMaker: boolean;
	execTime: number;
	closedSize: number;
	execPnl: number;
	markPrice: number;
	indexPrice: number;
	isLeverage: string;
	marketUnit: string;
	tradeSeq: number;
}

/** GET /v5/execution/list item; `push` adds the private-topic fields. */
export function executionView(e: Execution, inst: Instrument, push: boolean): Json {
	const p = (n: number) => fixed(n, inst.priceScale);
	const q = (n: number) => fixed(n, inst.category === 'spot' ? inst.baseDp : inst.qtyDp);
	const v: Json = {
		symbol: e.symbol,
		orderType: e.orderType,
		underlyingPrice: e.category === 'option' ? p(e.indexPrice) : '',
		orderLinkId: e.orderLinkId,
		side: e.side,
		indexPrice: e.category === 'option' ? p(e.indexPrice) : '',
		orderId: e.orderId,
		stopOrderType: e.stopOrderType || 'UNKNOWN',
		leavesQty: q(e.leavesQty),
		execTime: String(e.execTime),
		feeCurrency: e.category === 'spot' ? e.feeCoin : '',
		isMaker: e.isMaker,
		execFee: trimmed(e.execFee, 8),
		feeRate: trimmed(e.feeRate, 8),
		execId: e.execId,
		tradeIv: '',
		blockTradeId: '',
		markPrice: p(e.markPrice),
		execPrice: p(e.execPrice),
		markIv: '',
		orderQty: q(e.orderQty),
		orderPrice: e.orderPrice > 0 ? p(e.orderPrice) : '0',
		execValue: trimmed(e.execValue, 8),
		execType: e.execType,
		execQty: q(e.execQty),
		closedSize: e.category === 'spot' ? '' : q(e.closedSize),
		extraFees: '',
		seq: e.tradeSeq,
	};
	if (push) {
		v.category = e.category;
		v.isLeverage = e.isLeverage || '0';
		v.execPnl = trimmed(e.execPnl, 8);
		v.createType = e.createType;
		v.marketUnit = e.marketUnit;
		v.feeCurrency = e.feeCoin;
	}
	return v;
}

/** The `execution.fast` entry. */
export function fastExecutionView(e: Execution, inst: Instrument): Json {
	return {
		category: e.category,
		symbol: e.symbol,
		execId: e.execId,
		execPrice: fixed(e.execPrice, inst.priceScale),
		execQty: fixed(e.execQty, inst.category === 'spot' ? inst.baseDp : inst.qtyDp),
		orderId: e.orderId,
		isMaker: e.isMaker,
		orderLinkId: e.isMaker ? '' : e.orderLinkId,
		side: e.side,
		execTime: String(e.execTime),
		seq: e.tradeSeq,
	};
}

export interface ClosedPnl {
	seq: number;
	category: Category;
	symbol: string;
	orderId: string;
	side: Side;
	qty: number;
	orderPrice: number;
	orderType: string;
	execType: string;
	closedSize: number;
	cumEntryValue: number;
	avgEntryPrice: number;
	cumExitValue: number;
	avgExitPrice: number;
	closedPnl: number;
	fillCount: number;
	leverage: number;
	openFee: number;
	closeFee: number;
	createdTime: number;
	updatedTime: number;
}

export function closedPnlView(c: ClosedPnl, inst: Instrument): Json {
	return {
		symbol: c.symbol,
		orderType: c.orderType,
		leverage: trimmed(c.leverage, 2),
		updatedTime: String(c.updatedTime),
		side: c.side,
		orderId: c.orderId,
		closedPnl: trimmed(c.closedPnl, 8),
		openFee: trimmed(c.openFee, 8),
		closeFee: trimmed(c.closeFee, 8),
		avgEntryPrice: trimmed(c.avgEntryPrice, 8),
		qty: fixed(c.qty, inst.qtyDp),
		cumEntryValue: trimmed(c.cumEntryValue, 8),
		createdTime: String(c.createdTime),
		orderPrice: c.orderPrice > 0 ? fixed(c.orderPrice, inst.priceScale) : '0',
		closedSize: fixed(c.closedSize, inst.qtyDp),
		avgExitPrice: trimmed(c.avgExitPrice, 8),
		execType: c.execType,
		fillCount: String(c.fillCount),
		cumExitValue: trimmed(c.cumExitValue, 8),
	};
}

export interface TxLogEntry {
	seq: number;
	id: string;
	symbol: string;
	category: Category | '';
	side: Side | 'None' | '';
	transactionTime: number;
	type: string;
	transSubType: string;
	qty: string;
	size: string;
	currency: string;
	tradePrice: string;
	funding: string;
	fee: number;
	cashFlow: number;
	change: number;
	cashBalance: number;
	feeRate: string;
	tradeId: string;
	orderId: string;
	orderLinkId: string;
}

export function txLogView(t: TxLogEntry): Json {
	return {
		transSubType: t.transSubType,
		id: t.id,
		symbol: t.symbol,
		side: t.side,
		funding: t.funding,
		orderLinkId: t.orderLinkId,
		orderId: t.orderId,
		fee: fixed(t.fee, 8),
		change: trimmed(t.change, 8),
		cashFlow: trimmed(t.cashFlow, 8),
		transactionTime: String(t.transactionTime),
		type: t.type,
		feeRate: t.feeRate,
		bonusChange: '',
		size: t.size,
		qty: t.qty,
		cashBalance: fixed(t.cashBalance, 8),
		currency: t.currency,
		category: t.category,
		tradePrice: t.tradePrice,
		tradeId: t.tradeId,
		extraFees: '',
	};
}

export type AccountType = 'UNIFIED' | 'FUND';
export const ACCOUNT_TYPES: readonly AccountType[] = ['UNIFIED', 'FUND'];

export interface Balance {
	coin: string;
	walletBalance: number;
	/** Spot orders' locked funds. */
	locked: number;
	cumRealisedPnl: number;
}

export class Wallets {
	private readonly accounts: Record<AccountType, Map<string, Balance>> = { UNIFIED: new Map(), FUND: new Map() };

	balance(type: AccountType, coin: string): Balance {
		const m = this.accounts[type];
		let b = m.get(coin);
		if (!b) m.set(coin, (b = { coin, walletBalance: 0, locked: 0, cumRealisedPnl: 0 }));
		return b;
	}

	coins(type: AccountType): Balance[] {
		return [...this.accounts[type].values()];
	}

	add(type: AccountType, coin: string, amount: number): Balance {
		const b = this.balance(type, coin);
		b.walletBalance = Number((b.walletBalance + amount).toFixed(10));
		return b;
	}
}
