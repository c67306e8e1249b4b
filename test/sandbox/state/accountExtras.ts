/** Account settings and liabilities beyond the core account (borrow, collateral switches, MMP, spot hedging), one per Exchange. */
import type { Exchange } from './exchange';

export interface MmpSettings {
	window: string;
	frozenPeriod: string;
	qtyLimit: string;
	deltaLimit: string;
	vegaLimit: string;
	frozenUntil: number;
}

export class AccountExtras {
	/** Variable-rate liabilities per coin (manual borrow). */
	readonly liabilities = new Map<string, number>();
	/** Coins whose collateral switch is OFF (every coin is collateral by default). */
	readonly collateralOff = new Set<string>();
	spotHedging: 'ON' | 'OFF' = 'OFF';
	/** Base coins the sandbox account has MMP enabled for (Bybit enables it on request), with Bybit's defaults. */
	readonly mmp = new Map<string, MmpSettings>([
		['BTC', { window: '5000', frozenPeriod: '100', qtyLimit: '100', deltaLimit: '100', vegaLimit: '500000', frozenUntil: 0 }],
		['ETH', { window: '5000', frozenPeriod: '100', qtyLimit: '100', deltaLimit: '100', vegaLimit: '500000', frozenUntil: 0 }],
	]);
}

const STATES = new WeakMap<Exchange, AccountExtras>();

export function extrasOf(ex: Exchange): AccountExtras {
	let s = STATES.get(ex);
	if (!s) STATES.set(ex, (s = new AccountExtras()));
	return s;
}

/** Maximum a user may borrow per coin (matches the sandbox's collateral-info `maxBorrowingAmount`). */
export const MAX_BORROW: Readonly<Record<string, number>> = { BTC: 3, ETH: 50, SOL: 1_000_000, USDT: 1_000_000, USDC: 1_000_000 };

/** Demo funds: coins and the most one request may add (docs: demo.mdx). */
export const DEMO_MAX: Readonly<Record<string, number>> = { BTC: 15, ETH: 200, USDT: 100_000, USDC: 100_000 };
