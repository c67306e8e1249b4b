/**
 * Spot margin of the unified account (docs: spot-margin-uta/*): the switch,
 * the leverage (account-wide and per coin), auto-repay per coin, and the
 * coins' static margin data. Liabilities are what margin orders borrowed: a
 * negative UNIFIED wallet balance. Kept beside the Exchange (one per sandbox).
 */
import { ApiError } from '../types';
import { fixed } from '../util/num';
import type { Exchange } from './exchange';

export interface MarginCoin {
	currency: string;
	hourlyBorrowRate: string;
	maxBorrowingAmount: string;
	/** Collateral tiers: [minQty, maxQty ('' = no upper limit), ratio]. */
	collateral: Array<[string, string, string]>;
	/** Position tiers: [borrowLimit, maxLeverage]; MMR 0.04 throughout, IMR = 1 / maxLeverage. */
	tiers: Array<[string, string]>;
	/** Platform lendable amount (flexible inventory). */
	lendable: number;
	minBorrowQty: string;
	accuracy: string;
	liquidationOrder: string;
}

export const MARGIN_COINS: MarginCoin[] = [
	{ currency: 'BTC', hourlyBorrowRate: '0.0000015021220000', maxBorrowingAmount: '3', collateral: [['0', '1000000', '0.85'], ['1000000', '', '0']], tiers: [['390', '5'], ['391', '4'], ['392', '3'], ['393', '2']], lendable: 500, minBorrowQty: '0.001', accuracy: '8', liquidationOrder: '11' },
	{ currency: 'ETH', hourlyBorrowRate: '0.0000016000000000', maxBorrowingAmount: '50', collateral: [['0', '10000000', '0.85'], ['10000000', '', '0']], tiers: [['5000', '10'], ['10000', '5'], ['20000', '2']], lendable: 8000, minBorrowQty: '0.01', accuracy: '8', liquidationOrder: '12' },
	{ currency: 'SOL', hourlyBorrowRate: '0.0000030000000000', maxBorrowingAmount: '2000', collateral: [['0', '5000000', '0.8'], ['5000000', '', '0']], tiers: [['20000', '5'], ['50000', '3']], lendable: 30000, minBorrowQty: '0.1', accuracy: '8', liquidationOrder: '20' },
	{ currency: 'USDC', hourlyBorrowRate: '0.0000068000000000', maxBorrowingAmount: '1000000', collateral: [['0', '', '1']], tiers: [['5000000', '10'], ['10000000', '5']], lendable: 20_000_000, minBorrowQty: '1', accuracy: '4', liquidationOrder: '2' },
	{ currency: 'USDT', hourlyBorrowRate: '0.0000068000000000', maxBorrowingAmount: '1000000', collateral: [['0', '', '1']], tiers: [['5000000', '10'], ['10000000', '5']], lendable: 50_000_000, minBorrowQty: '1', accuracy: '4', liquidationOrder: '1' },
];

export interface SpotMarginState {
	mode: '0' | '1';
	/** Account-wide spot leverage. */
	leverage: string;
	/** Leverage set per coin (set-leverage with currency). */
	coinLeverage: Map<string, string>;
	autoRepay: Map<string, '0' | '1'>;
}

const STATES = new WeakMap<Exchange, SpotMarginState>();

export function spotMargin(ex: Exchange): SpotMarginState {
	let s = STATES.get(ex);
	if (!s) STATES.set(ex, (s = { mode: '0', leverage: '10', coinLeverage: new Map(), autoRepay: new Map(MARGIN_COINS.map((c) => [c.currency, '0'])) }));
	return s;
}

export function marginCoin(currency: string | undefined): MarginCoin | undefined {
	return MARGIN_COINS.find((c) => c.currency === currency);
}

/** What margin orders borrowed of a coin: the negative part of its UNIFIED balance. */
export function borrowed(ex: Exchange, coin: string): number {
	return Math.max(0, -ex.wallets.balance('UNIFIED', coin).walletBalance);
}

export function borrowedUsd(ex: Exchange): number {
	return ex.wallets.coins('UNIFIED').reduce((sum, b) => sum + borrowed(ex, b.coin) * ex.usdPrice(b.coin), 0);
}

/** Leverage in force for a coin: its own, else the account's; '' when spot margin is off. */
export function coinLeverage(ex: Exchange, coin: string): string {
	const s = spotMargin(ex);
	return s.mode === '1' ? (s.coinLeverage.get(coin) ?? s.leverage) : '';
}

/** How much of a coin can still be borrowed: (available USD x (leverage - 1) - borrowed USD) / price, capped by the coin's limit. */
export function maxLoan(ex: Exchange, coin: MarginCoin): number {
	const lev = Number(coinLeverage(ex, coin.currency) || 0);
	const px = ex.usdPrice(coin.currency);
	if (!lev || !px) return 0;
	const room = Math.max(0, ex.summary().totalAvailable * (lev - 1) - borrowedUsd(ex)) / px;
	return Math.max(0, Math.min(room, Number(coin.maxBorrowingAmount) - borrowed(ex, coin.currency)));
}

export function effectiveLeverage(ex: Exchange): string {
	const equity = ex.summary().totalEquity;
	if (equity <= 0) return '0';
	return String(Math.floor(((equity + borrowedUsd(ex)) / equity) * 100) / 100);
}

/**
 * A spot order with isLeverage=1 (called by the order route): refused while
 * spot margin is off (170036, docs error table "Spot Trade"); its value in USD
 * may use the available balance times the leverage of the coin it borrows
 * (a buy borrows the quote coin, a sell the base coin; "Balance insufficient" beyond).
 */
export function checkMarginOrder(ex: Exchange, quoteCoin: string, borrowCoin: string, valueInQuote: number): void {
	if (spotMargin(ex).mode !== '1') {
		throw new ApiError(170036, "You haven't enabled Cross Margin Trading yet. To do so, please head to the PC trading site or the Bybit app");
	}
	const lev = Number(coinLeverage(ex, borrowCoin) || 1);
	if (valueInQuote * ex.usdPrice(quoteCoin) > ex.summary().totalAvailable * lev - borrowedUsd(ex) + 1e-9) throw new ApiError(170131, 'Balance insufficient');
}

/** Amounts as the docs' examples show them: 8 decimals ("0.02000000"). */
export const amount8 = (n: number): string => fixed(n, 8);
