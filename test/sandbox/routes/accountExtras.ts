/**
 * Account endpoints beyond the core (docs: account/*): manual borrow and
 * repay, collateral switches, spot hedging, MMP, coin greeks, trade behaviour
 * config, SMP group, transferable amount, option asset info, demo funds.
 */
import { ApiError, paramError } from '../types';
import { dec, missing, oneOf, reqStr, str, type Params } from '../params';
import type { Exchange } from '../state/exchange';
import { DEMO_MAX, extrasOf, MAX_BORROW } from '../state/accountExtras';
import { trimmed, writtenDecimals } from '../util/num';
import { get, post, RawBody, type Route } from './route';

/** Coins the sandbox lends and takes as collateral (its collateral-info list). */
const COINS = ['BTC', 'ETH', 'SOL', 'USDT', 'USDC'];
const MMP_COINS = ['BTC', 'ETH', 'SOL'];

function coinOf(p: Params, name = 'coin'): string {
	const coin = reqStr(p, name);
	if (coin !== coin.toUpperCase()) throw paramError(`params error: ${name} invalid`);
	return coin;
}

function positiveAmount(p: Params, name = 'amount'): number | undefined {
	const v = dec(p, name);
	if (v === undefined) return undefined;
	if (!(v > 0)) throw paramError(`params error: ${name} invalid`);
	return v;
}

/** Free UNIFIED balance of a coin (what repays without conversion). */
function free(ex: Exchange, coin: string): number {
	const b = ex.wallets.balance('UNIFIED', coin);
	return Math.max(0, b.walletBalance - b.locked);
}

function repay(ex: Exchange, p: Params, convert: boolean) {
	const extras = extrasOf(ex);
	const coin = convert ? str(p, 'coin') : coinOf(p);
	const amount = positiveAmount(p);
	if (!coin && amount !== undefined) throw paramError('params error: amount needs coin');
	const type = oneOf(p, 'repaymentType', ['ALL', 'FIXED', 'FLEXIBLE'] as const, 'FLEXIBLE')!;
	if (!coin && type !== 'ALL') throw paramError('params error: repaymentType must be ALL without coin');
	const coins = coin ? [coin] : [...extras.liabilities.keys()];
	const owed = coins.reduce((s, c) => s + (extras.liabilities.get(c) ?? 0), 0);
	// the sandbox has no fixed-rate loans: FIXED finds no liability
	if (owed <= 0 || type === 'FIXED') throw new ApiError(182102, 'Failed repayment, there are no liabilities in the current currency');
	if (coin && amount !== undefined && amount > owed + 1e-12) throw new ApiError(176017, 'Repayment amount has exceeded the total liability');
	const plan: Array<[string, number]> = coins.map((c) => [c, coin && amount !== undefined ? amount : extras.liabilities.get(c) ?? 0]);
	for (const [c, a] of plan) {
		// converting other assets is beyond the sandbox: both kinds repay from the coin's own free balance
		if (a > free(ex, c) + 1e-12) throw new ApiError(182101, 'Failed repayment, insufficient collateral balance');
	}
	ex.tx(() => {
		for (const [c, a] of plan) {
			ex.wallets.add('UNIFIED', c, -a);
			const left = Number(((extras.liabilities.get(c) ?? 0) - a).toFixed(12));
			if (left > 0) extras.liabilities.set(c, left);
			else extras.liabilities.delete(c);
		}
		ex.touchWallet();
	});
	return { resultStatus: type === 'FLEXIBLE' ? 'SU' : 'P' };
}

/** MMP limits: positive, at most 2 decimals (docs: set-mmp). */
function limit2(p: Params, name: string, required: boolean): string | undefined {
	const text = str(p, name);
	if (text === undefined) {
		if (required) throw missing(name);
		return undefined;
	}
	const v = dec(p, name);
	if (v === undefined || !(v > 0) || writtenDecimals(text) > 2) throw paramError(`params error: ${name} invalid`);
	return text;
}

function msParam(p: Params, name: string): string {
	const text = reqStr(p, name);
	if (!/^\d+$/.test(text)) throw paramError(`params error: ${name} invalid`);
	return text;
}

function mmpCoin(ex: Exchange, p: Params) {
	const baseCoin = coinOf(p, 'baseCoin');
	if (!MMP_COINS.includes(baseCoin)) throw new ApiError(110062, 'There is no MMP information of the institution found.');
	const mmp = extrasOf(ex).mmp.get(baseCoin);
	if (!mmp) throw new ApiError(110065, "MMP hasn't yet been enabled for your account. Please contact your BD manager.");
	return { baseCoin, mmp };
}

export function accountExtraRoutes(ex: Exchange): Route[] {
	const extras = extrasOf(ex);
	return [
		post('/v5/account/borrow', ({ params: p }) => {
			const coin = coinOf(p);
			const amount = positiveAmount(p);
			if (amount === undefined) throw missing('amount');
			if (!COINS.includes(coin)) throw new ApiError(176010, 'Failed to locate the coins to borrow');
			if (writtenDecimals(reqStr(p, 'amount')) > 8) throw new ApiError(176031, 'Number of decimals for borrow amount has exceeded the maximum precision');
			const owed = extras.liabilities.get(coin) ?? 0;
			if (owed + amount > MAX_BORROW[coin] + 1e-12) throw new ApiError(176029, "Amount to borrow has exceeded the user's estimated max. amount to borrow");
			ex.tx(() => {
				ex.wallets.add('UNIFIED', coin, amount);
				extras.liabilities.set(coin, Number((owed + amount).toFixed(12)));
				ex.touchWallet();
			});
			return { coin, amount: str(p, 'amount')! };
		}, 'success'),
		post('/v5/account/repay', ({ params: p }) => repay(ex, p, true), 'success'),
		post('/v5/account/no-convert-repay', ({ params: p }) => repay(ex, p, false), 'success'),
		post('/v5/account/set-collateral-switch', ({ params: p }) => {
			const coin = coinOf(p);
			const sw = oneOf(p, 'collateralSwitch', ['ON', 'OFF'] as const);
			if (!sw) throw missing('collateralSwitch');
			if (coin === 'USDT' || coin === 'USDC' || !COINS.includes(coin)) throw new ApiError(182111, 'The requested currency has a non guaranteed gold currency or does not support switching status currencies');
			if (sw === 'OFF') extras.collateralOff.add(coin);
			else extras.collateralOff.delete(coin);
			return {};
		}, 'SUCCESS'),
		post('/v5/account/set-collateral-switch-batch', ({ params: p }) => {
			const request = p.request;
			if (!Array.isArray(request) || request.length === 0) throw missing('request');
			const items = request.map((r) => {
				if (!r || typeof r !== 'object' || Array.isArray(r)) throw paramError('params error: request invalid');
				const item = r as Params;
				const sw = oneOf(item, 'collateralSwitch', ['ON', 'OFF'] as const);
				if (!sw) throw missing('collateralSwitch');
				return { coin: coinOf(item), collateralSwitch: sw };
			});
			if (new Set(items.map((i) => i.coin)).size !== items.length) throw new ApiError(182112, 'Duplicate currency, please re-adjust');
			for (const { coin } of items) {
				if (coin === 'USDT' || coin === 'USDC' || !COINS.includes(coin)) throw new ApiError(182111, 'The requested currency has a non guaranteed gold currency or does not support switching status currencies');
			}
			for (const { coin, collateralSwitch } of items) {
				if (collateralSwitch === 'OFF') extras.collateralOff.add(coin);
				else extras.collateralOff.delete(coin);
			}
			return { list: items };
		}, 'SUCCESS'),
		post('/v5/account/set-hedging-mode', ({ params: p }) => {
			const mode = oneOf(p, 'setHedgingMode', ['ON', 'OFF'] as const);
			if (!mode) throw missing('setHedgingMode');
			if (ex.account.marginMode !== 'PORTFOLIO_MARGIN') throw new ApiError(140001, 'Switching the PM spot hedging switch is not allowed in non PM mode');
			extras.spotHedging = mode;
			// docs: the answer has no result
			return new RawBody({ retCode: 0, retMsg: 'SUCCESS' });
		}),
		get('/v5/account/mmp-state', 'private', ({ params: p, now }) => {
			const baseCoin = coinOf(p, 'baseCoin');
			const mmp = extras.mmp.get(baseCoin);
			if (!mmp) return { result: [] };
			const frozen = mmp.frozenUntil > now;
			return {
				result: [{
					baseCoin, mmpEnabled: true, window: mmp.window, frozenPeriod: mmp.frozenPeriod, qtyLimit: mmp.qtyLimit, deltaLimit: mmp.deltaLimit,
					vegaLimit: mmp.vegaLimit, mmpFrozenUntil: String(mmp.frozenUntil), mmpFrozen: frozen,
				}],
			};
		}),
		post('/v5/account/mmp-modify', ({ params: p }) => {
			const { mmp } = mmpCoin(ex, p);
			const window = msParam(p, 'window');
			const frozenPeriod = msParam(p, 'frozenPeriod');
			const qtyLimit = limit2(p, 'qtyLimit', true)!;
			const deltaLimit = limit2(p, 'deltaLimit', true)!;
			const vegaLimit = limit2(p, 'vegaLimit', false) ?? '500000';
			Object.assign(mmp, { window, frozenPeriod, qtyLimit, deltaLimit, vegaLimit });
			return new RawBody({ retCode: 0, retMsg: 'success' });
		}),
		post('/v5/account/mmp-reset', ({ params: p }) => {
			const { mmp } = mmpCoin(ex, p);
			mmp.frozenUntil = 0;
			return new RawBody({ retCode: 0, retMsg: 'success' });
		}),
		get('/v5/asset/coin-greeks', 'private', ({ params: p }) => {
			const baseCoin = str(p, 'baseCoin');
			return { list: ex.greeksJson().filter((g) => !baseCoin || g.baseCoin === baseCoin) };
		}),
		get('/v5/account/user-setting-config', 'private', () => ({ lpaSpot: false, lpaPerp: false, smsef: false, fmsef: false })),
		get('/v5/account/smp-group', 'private', () => ({ smpGroup: 0 }), 'success'),
		get('/v5/account/withdrawal', 'private', ({ params: p }) => {
			const coins = reqStr(p, 'coinName').split(',').map((c) => c.trim()).filter(Boolean);
			if (coins.length === 0 || coins.length > 20) throw paramError('params error: coinName invalid');
			const available = Math.max(0, ex.summary().totalAvailable);
			const map: Record<string, string> = {};
			for (const c of coins) map[c] = trimmed(Math.max(0, Math.min(free(ex, c), available / (ex.usdPrice(c) || 1))), 8);
			return { availableWithdrawal: map[coins[0]], availableWithdrawalMap: map };
		}),
		get('/v5/account/option-asset-info', 'private', ({ now }) => ({
			result: ['BTC', 'ETH'].map((coin) => ({ totalDelta: '0', assetIM: '0.0000', totalUPL: '0.0000', totalRPL: '0.0000', assetMM: '0.0000', coin, sendTime: now })),
		}), 'Success'),
		post('/v5/account/demo-apply-money', ({ params: p }) => {
			const adjust = p.adjustType === undefined ? 0 : p.adjustType;
			if (adjust !== 0 && adjust !== 1) throw paramError('params error: adjustType invalid');
			const funds = p.utaDemoApplyMoney ?? [];
			if (!Array.isArray(funds)) throw paramError('params error: utaDemoApplyMoney invalid');
			const plan = funds.map((f) => {
				const item = (f && typeof f === 'object' ? f : {}) as Params;
				const coin = reqStr(item, 'coin');
				const amount = dec(item, 'amountStr');
				if (!(coin in DEMO_MAX)) throw paramError('params error: coin invalid');
				if (amount === undefined || !(amount > 0) || amount > DEMO_MAX[coin]) throw paramError('params error: amountStr invalid');
				return [coin, adjust === 1 ? -Math.min(amount, free(ex, coin)) : amount] as const;
			});
			ex.tx(() => {
				for (const [coin, amount] of plan) ex.wallets.add('UNIFIED', coin, amount);
				if (plan.length) ex.touchWallet();
			});
			return {};
		}, 'success'),
	];
}
