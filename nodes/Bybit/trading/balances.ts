/**
 * Balances for sizing, in the coin an order is sized in (see sizing.ts
 * pnlCoin / spendCoin), read from the Unified account's wallet balance
 * (GET /v5/account/wallet-balance, accountType UNIFIED).
 *
 * Which fields, per Bybit's docs:
 * - Risk % of equity: the account's equity is `totalEquity` (USD, all
 *   collateral); the risk budget is converted into the order's coin at that
 *   coin's USD price, `usdValue / equity` of its `coin[]` row (Bybit values
 *   each coin at its index price). A USD amount is never used as a coin amount.
 * - Balance % (derivatives): `coin[].availableToWithdraw` is deprecated for
 *   UNIFIED since 9 Jan 2025; Bybit's replacement for the derivatives available
 *   balance is, in cross and portfolio margin, `totalAvailableBalance` (USD)
 *   converted into the coin at its index price, and in isolated margin
 *   `walletBalance - totalPositionIM - totalOrderIM - locked - bonus` of the
 *   settle coin itself. The margin mode comes from GET /v5/account/info.
 * - Balance % (spot): the coin's own free balance, `walletBalance - spotBorrow
 *   - locked` (the quote coin for buys, the base coin for sells).
 * A coin the account does not hold has no row, so no price: USDT, USDC and USD
 * then count as 1 USD, an inverse contract's coin is priced at the contract's
 * index price, and any other coin is refused with the reason.
 */
import type { IDataObject } from 'n8n-workflow';

import { bybitApiRequest, type BybitContext } from '../transport';
import * as D from './decimalMath';
import { pnlCoin, qtyFromBalancePercent, qtyFromRisk, SizingError, spendCoin, type Amount, type InstrumentFilters, type RoundTrace } from './sizing';

export interface Wallet {
	totalEquity: string;
	totalAvailableBalance: string;
	coins: Map<string, IDataObject>;
}

export type MarginMode = 'REGULAR_MARGIN' | 'ISOLATED_MARGIN' | 'PORTFOLIO_MARGIN' | string;

const STABLE_USD = new Set(['USDT', 'USDC', 'USD']);

function decimalOr(value: unknown, fallback: string): string {
	const text = typeof value === 'number' ? String(value) : typeof value === 'string' ? value.trim() : '';
	return text && D.isDecimalString(text) ? text : fallback;
}

/** Reads the UNIFIED row of a wallet-balance result. */
export function walletFromResult(result: IDataObject): Wallet {
	const rows = (result.list as IDataObject[] | undefined) ?? [];
	const row = rows.find((r) => r.accountType === 'UNIFIED') ?? rows[0] ?? {};
	const coins = new Map<string, IDataObject>();
	for (const c of (row.coin as IDataObject[] | undefined) ?? []) if (typeof c?.coin === 'string') coins.set(c.coin, c);
	return { totalEquity: decimalOr(row.totalEquity, '0'), totalAvailableBalance: decimalOr(row.totalAvailableBalance, '0'), coins };
}

/** A coin's USD price as Bybit values it in the wallet: usdValue / equity; undefined when the row cannot tell. */
export function usdPriceOf(w: Wallet, coin: string): string | undefined {
	const row = w.coins.get(coin);
	if (!row) return undefined;
	const usd = decimalOr(row.usdValue, '0');
	const equity = decimalOr(row.equity, '0');
	if (D.compare(equity, '0') === 0) return undefined;
	const price = D.div(usd, equity);
	return D.isPositive(price) ? price : undefined;
}

/** The USD price to convert with: the wallet's, else 1 for USD stablecoins, else `fallback` (an index price), else a refusal. */
export function conversionPrice(w: Wallet, coin: string, fallback?: string): string {
	const price = usdPriceOf(w, coin) ?? (STABLE_USD.has(coin) ? '1' : fallback);
	if (!price || !D.isDecimalString(price) || !D.isPositive(price)) {
		throw new SizingError(
			`Cannot convert the account's USD balance into ${coin}: the Unified account holds no ${coin}, so Bybit reports no ${coin} price. Fund ${coin} or use Base Quantity or Quote Amount.`,
		);
	}
	return price;
}

function usdIn(usd: string, coin: string, price: string): Amount {
	return { amount: D.div(usd, price), coin };
}

/** The account's equity (totalEquity, USD) expressed in `coin`. */
export function equityIn(w: Wallet, coin: string, fallbackPrice?: string): Amount {
	return usdIn(w.totalEquity, coin, conversionPrice(w, coin, fallbackPrice));
}

/** The derivatives available balance in `coin` (see the header for the fields per margin mode). */
export function availableIn(w: Wallet, coin: string, marginMode: MarginMode, fallbackPrice?: string): Amount {
	if (marginMode === 'ISOLATED_MARGIN') {
		const row = w.coins.get(coin) ?? {};
		let free = decimalOr(row.walletBalance, '0');
		for (const field of ['totalPositionIM', 'totalOrderIM', 'locked', 'bonus']) free = D.sub(free, decimalOr(row[field], '0'));
		return { amount: free, coin };
	}
	return usdIn(w.totalAvailableBalance, coin, conversionPrice(w, coin, fallbackPrice));
}

/** A spot coin's own free balance: wallet balance minus spot borrowing minus what open orders lock. */
export function spotFree(w: Wallet, coin: string): Amount {
	const row = w.coins.get(coin) ?? {};
	const free = D.sub(D.sub(decimalOr(row.walletBalance, '0'), decimalOr(row.spotBorrow, '0')), decimalOr(row.locked, '0'));
	return { amount: free, coin };
}

export async function fetchWallet(ctx: BybitContext, itemIndex?: number): Promise<Wallet> {
	return walletFromResult(await bybitApiRequest.call(ctx, { method: 'GET', path: '/v5/account/wallet-balance', qs: { accountType: 'UNIFIED' }, itemIndex }));
}

export async function fetchMarginMode(ctx: BybitContext, itemIndex?: number): Promise<MarginMode> {
	const info = await bybitApiRequest.call(ctx, { method: 'GET', path: '/v5/account/info', itemIndex });
	return String(info.marginMode ?? 'REGULAR_MARGIN');
}

/** Risk sizing from the wallet: the account's equity in the order's pnl coin, then qtyFromRisk. */
export function riskQty(w: Wallet, riskPercent: string, entry: string, stop: string, f: InstrumentFilters, fallbackPrice?: string, trace?: RoundTrace): string {
	return qtyFromRisk(equityIn(w, pnlCoin(f), fallbackPrice), riskPercent, entry, stop, f, trace);
}

/** Balance-percent sizing from the wallet: the available balance of the coin the order spends, then qtyFromBalancePercent. */
export function balanceQty(
	w: Wallet,
	marginMode: MarginMode,
	percent: string,
	leverage: string,
	price: string,
	f: InstrumentFilters,
	side: 'Buy' | 'Sell',
	fallbackPrice?: string,
	trace?: RoundTrace,
): string {
	const coin = spendCoin(f, side);
	const available = f.category === 'spot' ? spotFree(w, coin) : availableIn(w, coin, marginMode, fallbackPrice);
	return qtyFromBalancePercent(available, percent, f.category === 'spot' ? '1' : leverage, price, f, side, trace);
}
