/**
 * Convert (docs: asset/convert/*): quotes priced from the sandbox's own
 * prices (USD value of the from coin / USD value of the to coin, from the
 * linear perps' index, USDT and USDC at 1), valid 15 s, confirmed once;
 * a confirm moves the wallet balances at the quoted amounts.
 */
import { ApiError } from '../types';
import type { Exchange } from './exchange';
import type { AccountType } from './records';

export const QUOTE_VALID_MS = 15_000;

export interface ConvertCoin {
	coin: string;
	fullName: string;
	accuracyLength: number;
	singleFromMinLimit: string;
	singleFromMaxLimit: string;
}

export const CONVERT_COINS: ConvertCoin[] = [
	{ coin: 'BTC', fullName: 'BTC', accuracyLength: 8, singleFromMinLimit: '0.001', singleFromMaxLimit: '1' },
	{ coin: 'ETH', fullName: 'ETH', accuracyLength: 8, singleFromMinLimit: '0.01', singleFromMaxLimit: '250' },
	{ coin: 'SOL', fullName: 'SOL', accuracyLength: 8, singleFromMinLimit: '0.1', singleFromMaxLimit: '1250' },
	{ coin: 'USDC', fullName: 'USDC', accuracyLength: 8, singleFromMinLimit: '1', singleFromMaxLimit: '1000000' },
	{ coin: 'USDT', fullName: 'USDT', accuracyLength: 8, singleFromMinLimit: '1', singleFromMaxLimit: '1000000' },
];

/** Wallet types a quote can be requested in (docs: enum convertAccountType). */
export const CONVERT_WALLETS: Record<string, AccountType> = { eb_convert_funding: 'FUND', eb_convert_uta: 'UNIFIED' };

export interface Quote {
	quoteTxId: string;
	accountType: string;
	fromCoin: string;
	toCoin: string;
	fromAmount: number;
	toAmount: number;
	rate: number;
	createdAt: number;
	expiredTime: number;
	requestId: string;
	extInfo: Record<string, string>;
	status: 'init' | 'processing' | 'success' | 'failure';
	confirmedAt?: number;
}

export interface ConvertState {
	quotes: Map<string, Quote>;
	seq: number;
}

const STATES = new WeakMap<Exchange, ConvertState>();

export function convertState(ex: Exchange): ConvertState {
	let s = STATES.get(ex);
	if (!s) STATES.set(ex, (s = { quotes: new Map(), seq: 0 }));
	return s;
}

export const convertError = (code: number, msg: string) => new ApiError(code, msg);

/** Floors to a coin's precision. */
export function floorTo(n: number, decimals: number): number {
	const f = 10 ** decimals;
	return Math.floor(n * f + 1e-9) / f;
}

/** Confirms a quote: once, before it expires; the balance is checked again and moved (status success, else failure). */
export function confirmQuote(ex: Exchange, quoteTxId: string): Quote {
	const q = convertState(ex).quotes.get(quoteTxId);
	if (!q) throw convertError(700008, 'quote fail: price time out');
	if (q.status === 'init' && ex.now() > q.expiredTime) throw convertError(700008, 'quote fail: price time out');
	if (q.status !== 'init') throw convertError(700009, 'quoteTxId has already been used');
	const wallet = CONVERT_WALLETS[q.accountType];
	q.confirmedAt = ex.now();
	const b = ex.wallets.balance(wallet, q.fromCoin);
	if (b.walletBalance - b.locked + 1e-12 < q.fromAmount) {
		q.status = 'failure';
		return q;
	}
	ex.tx(() => {
		ex.wallets.add(wallet, q.fromCoin, -q.fromAmount);
		ex.wallets.add(wallet, q.toCoin, q.toAmount);
		if (wallet === 'UNIFIED') ex.touchWallet();
	});
	q.status = 'success';
	return q;
}
