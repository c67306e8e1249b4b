/**
 * Convert (docs: asset/convert/*): coin list, quote, confirm, status,
 * history. Every endpoint needs the key's "Exchange" permission (docs: convert
 * guideline); a read-only key gets 10005 on quote and confirm (auth.ts).
 * Errors are the guideline's 7000xx codes with its messages (typos kept).
 */
import { ApiError, type Json } from '../types';
import type { Params } from '../params';
import { int, str } from '../params';
import {
	confirmQuote, convertError, convertState, CONVERT_COINS, CONVERT_WALLETS, floorTo, QUOTE_VALID_MS, type Quote,
} from '../state/convert';
import type { KeyRecord } from '../state/keys';
import { fixed, trimmed } from '../util/num';
import { get, post, type Route } from './route';

const LIST_WALLETS = ['eb_convert_funding', 'eb_convert_uta', 'eb_convert_spot', 'eb_convert_contract', 'eb_convert_inverse'];
const HISTORY_WALLETS = ['eb_convert_funding', 'eb_convert_uta', 'funding', 'funding_fiat', 'funding_fbtc_convert', 'funding_block_trade'];

function needExchange(key: KeyRecord | undefined): void {
	if (!key || !(key.permissions.Exchange ?? []).length) throw new ApiError(10005, 'Permission denied, please check your API key permissions.');
}

const parameterError = () => convertError(700000, 'parameter error');

function required(p: Params, name: string): string {
	const v = str(p, name);
	if (v === undefined) throw parameterError();
	return v;
}

function quoteView(q: Quote, uid: number): Json {
	return {
		accountType: q.accountType, exchangeTxId: q.quoteTxId, userId: String(uid), fromCoin: q.fromCoin, fromCoinType: 'crypto',
		fromAmount: trimmed(q.fromAmount, 18), toCoin: q.toCoin, toCoinType: 'crypto', toAmount: trimmed(q.toAmount, 18),
		exchangeStatus: q.status, extInfo: q.extInfo, convertRate: trimmed(q.rate, 18), createdAt: String(q.createdAt),
	};
}

export const convertRoutes: Route[] = [
	get('/v5/asset/exchange/query-coin-list', 'private', ({ ex, params: p, key }) => {
		needExchange(key);
		const accountType = required(p, 'accountType');
		if (!LIST_WALLETS.includes(accountType)) throw parameterError();
		const side = int(p, 'side') ?? 0;
		if (side !== 0 && side !== 1) throw parameterError();
		const from = side === 1 ? str(p, 'coin') : undefined;
		const wallet = CONVERT_WALLETS[accountType];
		return {
			coins: CONVERT_COINS.filter((c) => c.coin !== from).map((c) => {
				const balance = wallet ? Math.max(0, ex.wallets.balance(wallet, c.coin).walletBalance - ex.wallets.balance(wallet, c.coin).locked) : 0;
				return {
					coin: c.coin, fullName: c.fullName, icon: '', iconNight: '', accuracyLength: c.accuracyLength, coinType: 'crypto',
					balance: trimmed(balance, 8), uBalance: trimmed(balance * ex.usdPrice(c.coin), 8), timePeriod: 0,
					singleFromMinLimit: c.singleFromMinLimit, singleFromMaxLimit: c.singleFromMaxLimit, singleToMinLimit: '0', singleToMaxLimit: '0',
					dailyFromMinLimit: '0', dailyFromMaxLimit: '0', dailyToMinLimit: '0', dailyToMaxLimit: '0', disableFrom: false, disableTo: false,
				};
			}),
		};
	}, 'ok'),
	post('/v5/asset/exchange/quote-apply', ({ ex, params: p, key, now }) => {
		needExchange(key);
		const accountType = required(p, 'accountType');
		const fromCoin = required(p, 'fromCoin');
		const toCoin = required(p, 'toCoin');
		const requestCoin = required(p, 'requestCoin');
		const amountText = required(p, 'requestAmount');
		const requestId = str(p, 'requestId') ?? '';
		const wallet = CONVERT_WALLETS[accountType];
		if (!wallet || !/^\d+(\.\d+)?$/.test(amountText) || requestId.length > 36) throw parameterError();
		if (requestCoin !== fromCoin) throw convertError(700002, 'quote fial: not support quote type');
		const from = CONVERT_COINS.find((c) => c.coin === fromCoin);
		const to = CONVERT_COINS.find((c) => c.coin === toCoin);
		if (!from || !to || from === to) throw convertError(700001, 'quote fail: no deler can be used');
		const amount = Number(amountText);
		if (amount < Number(from.singleFromMinLimit)) throw convertError(700006, 'Low amount limit');
		if (amount > Number(from.singleFromMaxLimit)) throw convertError(700007, 'Large amount limit');
		const b = ex.wallets.balance(wallet, fromCoin);
		if (b.walletBalance - b.locked + 1e-12 < amount) throw convertError(700005, 'Your available balance is insufficient or wallet does not exist');
		const rate = ex.usdPrice(fromCoin) / ex.usdPrice(toCoin);
		const s = convertState(ex);
		const extInfo: Record<string, string> = {};
		for (const name of ['paramType', 'paramValue']) if (str(p, name)) extInfo[name] = str(p, name)!;
		const q: Quote = {
			quoteTxId: `1010010810640${String(now).slice(-10)}${String(++s.seq).padStart(6, '0')}`, accountType, fromCoin, toCoin, fromAmount: amount,
			toAmount: floorTo(amount * rate, to.accuracyLength), rate, createdAt: now, expiredTime: now + QUOTE_VALID_MS, requestId, extInfo, status: 'init',
		};
		s.quotes.set(q.quoteTxId, q);
		return {
			quoteTxId: q.quoteTxId, exchangeRate: fixed(rate, 18), fromCoin, fromCoinType: 'crypto', toCoin, toCoinType: 'crypto',
			fromAmount: amountText, toAmount: fixed(q.toAmount, 18), expiredTime: String(q.expiredTime), requestId, extTaxAndFee: [],
		};
	}, 'ok'),
	post('/v5/asset/exchange/convert-execute', ({ ex, params: p, key }) => {
		needExchange(key);
		const q = confirmQuote(ex, required(p, 'quoteTxId'));
		// asynchronous on Bybit: the answer is "processing"; the status query tells success or failure
		return { exchangeStatus: 'processing', quoteTxId: q.quoteTxId };
	}, 'ok'),
	get('/v5/asset/exchange/convert-result-query', 'private', ({ ex, params: p, key }) => {
		needExchange(key);
		const id = required(p, 'quoteTxId');
		const accountType = required(p, 'accountType');
		const q = convertState(ex).quotes.get(id);
		if (!q || q.accountType !== accountType) throw convertError(700004, 'order does not exit');
		return { result: quoteView(q, ex.uid) };
	}, 'ok'),
	get('/v5/asset/exchange/query-convert-history', 'private', ({ ex, params: p, key }) => {
		needExchange(key);
		const types = str(p, 'accountType')?.split(',').map((t) => t.trim()).filter(Boolean);
		if (types?.some((t) => !HISTORY_WALLETS.includes(t))) throw parameterError();
		const index = int(p, 'index') ?? 1;
		const size = Math.min(int(p, 'limit') ?? 20, 100);
		if (index < 1 || size < 1) throw parameterError();
		const done = [...convertState(ex).quotes.values()]
			.filter((q) => q.confirmedAt !== undefined && (!types || types.includes(q.accountType)))
			.sort((a, b) => b.confirmedAt! - a.confirmedAt! || b.quoteTxId.localeCompare(a.quoteTxId));
		return { list: done.slice((index - 1) * size, index * size).map((q) => quoteView(q, ex.uid)) };
	}, 'ok'),
];
