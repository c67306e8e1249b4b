/**
 * Spot margin trade (docs: spot-margin-uta/*). Shapes and retMsgs as the
 * docs' examples; every number a string. Permissions: the writes and the
 * interest history (docs: "the api key needs Spot permission") need the key's
 * Spot "SpotTrade"; a read-only key gets 10005 on the writes (auth.ts).
 */
import { ApiError, paramError, type Json } from '../types';
import { int, oneOf, reqStr, str } from '../params';
import { fixedLiability } from '../state/fixedBorrow';
import type { KeyRecord } from '../state/keys';
import {
	amount8, borrowed, coinLeverage, effectiveLeverage, marginCoin, maxLoan, MARGIN_COINS, spotMargin, type MarginCoin,
} from '../state/spotMargin';
import { fixed } from '../util/num';
import { get, post, type Route } from './route';

const VIP_LEVELS = ['No VIP', 'VIP-1', 'VIP-2', 'VIP-3', 'VIP-4', 'VIP-5', 'VIP-Supreme', 'PRO-1', 'PRO-2', 'PRO-3', 'PRO-4', 'PRO-5', 'PRO-6'] as const;
const DAY = 86_400_000;

function needSpot(key: KeyRecord | undefined): void {
	if (!key || !(key.permissions.Spot ?? []).includes('SpotTrade')) throw new ApiError(10005, 'Permission denied, please check your API key permissions.');
}

/** The coins a `currency` filter selects (all when absent; an unknown coin: 176011 as Bybit's margin errors). */
function coins(currency: string | undefined, required = false): MarginCoin[] {
	if (currency === undefined) {
		if (required) throw paramError('Missing some parameters that must be filled in, currency');
		return MARGIN_COINS;
	}
	const c = marginCoin(currency);
	if (!c) throw new ApiError(176011, 'Cross Margin Trading not yet supported by the selected coin');
	return [c];
}

const one = (currency: string | undefined): MarginCoin => coins(currency, true)[0];

export const spotMarginRoutes: Route[] = [
	post('/v5/spot-margin-trade/switch-mode', ({ ex, params: p, key }) => {
		needSpot(key);
		const mode = oneOf(p, 'spotMarginMode', ['0', '1'] as const);
		if (!mode) throw paramError('Missing some parameters that must be filled in, spotMarginMode');
		const s = spotMargin(ex);
		if (mode === '1' && ex.account.marginMode === 'ISOLATED_MARGIN') {
			throw new ApiError(182021, 'Cannot enable spot margin while in isolated margin mode. Please switch to cross margin mode or portfolio margin mode to trade spot with margin.');
		}
		if (mode === '0') {
			if (ex.orders.allOpen().some((o) => o.category === 'spot' && o.isLeverage === '1')) throw new ApiError(176040, 'There is a spot leverage order, and the adjustment of the leverage switch failed!');
			if (MARGIN_COINS.some((c) => borrowed(ex, c.currency) > 0)) throw new ApiError(176138, 'You need to repay all your debts before closing your disabling cross margin account');
		}
		s.mode = mode;
		return { spotMarginMode: mode };
	}),
	post('/v5/spot-margin-trade/set-leverage', ({ ex, params: p, key }) => {
		needSpot(key);
		const raw = reqStr(p, 'leverage');
		const currency = str(p, 'currency');
		const coin = currency === undefined ? undefined : one(currency);
		const s = spotMargin(ex);
		if (s.mode !== '1') throw new ApiError(176038, 'The spot leverage is closed and the current operation is not allowed');
		const lev = /^\d+(\.\d+)?$/.test(raw) ? Number(raw) : Number.NaN;
		const max = coin ? Number(coin.tiers[0][1]) : 10;
		if (!(lev >= 2 && lev <= Math.min(10, max))) throw new ApiError(176034, 'The leverage ratio is out of range');
		if (coin) s.coinLeverage.set(coin.currency, raw);
		else s.leverage = raw;
		return {};
	}),
	get('/v5/spot-margin-trade/state', 'private', ({ ex }) => {
		const s = spotMargin(ex);
		return { spotLeverage: s.mode === '1' ? s.leverage : '', spotMarginMode: s.mode, effectiveLeverage: effectiveLeverage(ex) };
	}),
	get('/v5/spot-margin-trade/data', 'public', ({ params: p }) => {
		const level = oneOf(p, 'vipLevel', VIP_LEVELS, 'No VIP')!;
		const list = coins(str(p, 'currency')).map((c) => ({
			borrowable: true, collateralRatio: c.collateral[0][2], currency: c.currency, hourlyBorrowRate: c.hourlyBorrowRate,
			liquidationOrder: c.liquidationOrder, marginCollateral: true, maxBorrowingAmount: c.maxBorrowingAmount,
		}));
		return { vipCoinList: [{ list, vipLevel: level }] };
	}, 'success'),
	get('/v5/spot-margin-trade/collateral', 'public', ({ params: p }) => ({
		list: coins(str(p, 'currency')).map((c) => ({
			currency: c.currency, collateralRatioList: c.collateral.map(([minQty, maxQty, collateralRatio]) => ({ minQty, maxQty, collateralRatio })),
		})),
	})),
	get('/v5/spot-margin-trade/coinstate', 'private', ({ ex, params: p }) => ({
		list: coins(str(p, 'currency')).map((c) => ({ spotLeverage: coinLeverage(ex, c.currency), currency: c.currency })),
	}), 'Success'),
	get('/v5/spot-margin-trade/currency-data', 'private', ({ params: p }) => ({
		list: coins(str(p, 'currency')).map((c) => ({
			currency: c.currency, flexibleManualBorrowable: true, minFlexibleManualBorrowQty: c.minBorrowQty, flexibleManualBorrowAccuracy: c.accuracy,
			fixedManualBorrowable: true, minFixedManualBorrowQty: c.minBorrowQty, fixedManualBorrowAccuracy: c.accuracy, fixedInterestRateAccuracy: '4', minFixedInterestRate: '0.01', maxFixedInterestRate: '0.8',
		})),
	})),
	get('/v5/spot-margin-trade/max-borrowable', 'private', ({ ex, params: p }) => {
		const c = one(str(p, 'currency'));
		return { maxLoan: amount8(maxLoan(ex, c)), currency: c.currency };
	}, 'Success'),
	get('/v5/spot-margin-trade/position-tiers', 'private', ({ params: p }) => ({
		list: coins(str(p, 'currency')).map((c) => ({
			currency: c.currency,
			positionTiersRatioList: c.tiers.map(([borrowLimit, maxLeverage], n) => ({
				tier: String(n + 1), borrowLimit, positionMMR: '0.04', positionIMR: String(Number((1 / Number(maxLeverage)).toFixed(8))), maxLeverage,
			})),
		})),
	})),
	get('/v5/spot-margin-trade/repayment-available-amount', 'private', ({ ex, params: p }) => {
		const c = one(str(p, 'currency'));
		const available = Math.max(0, ex.wallets.balance('UNIFIED', c.currency).walletBalance);
		return { lossLessRepaymentAmount: amount8(Math.min(available, borrowed(ex, c.currency))), currency: c.currency };
	}, 'Success'),
	get('/v5/spot-margin-trade/get-auto-repay-mode', 'private', ({ ex, params: p }) => ({
		data: coins(str(p, 'currency')).map((c) => ({ autoRepayMode: spotMargin(ex).autoRepay.get(c.currency) ?? '0', currency: c.currency })),
	}), 'Success'),
	post('/v5/spot-margin-trade/set-auto-repay-mode', ({ ex, params: p, key }) => {
		needSpot(key);
		const mode = oneOf(p, 'autoRepayMode', ['0', '1'] as const);
		if (!mode) throw paramError('Missing some parameters that must be filled in, autoRepayMode');
		const selected = coins(str(p, 'currency'));
		for (const c of selected) spotMargin(ex).autoRepay.set(c.currency, mode);
		return { data: selected.map((c) => ({ currency: c.currency, autoRepayMode: mode })) };
	}, 'success'),
	get('/v5/spot-margin-trade/interest-rate-history', 'private', ({ ex, params: p, key, now }) => {
		needSpot(key);
		const c = one(str(p, 'currency'));
		const level = oneOf(p, 'vipLevel', VIP_LEVELS, 'No VIP')!;
		const start = int(p, 'startTime');
		const end = int(p, 'endTime');
		if ((start === undefined) !== (end === undefined)) throw paramError('params error: startTime and endTime must be passed together');
		if (start !== undefined && end !== undefined && (end < start || end - start > 30 * DAY)) throw paramError('params error: the time range cannot exceed 30 days');
		const to = Math.floor((end ?? now) / 3_600_000) * 3_600_000;
		const from = start ?? to - 7 * DAY;
		const list: Json[] = [];
		for (let t = to; t >= from && t >= ex.startedAt - 183 * DAY; t -= 3_600_000) {
			list.push({ timestamp: t, currency: c.currency, hourlyBorrowRate: fixed(Number(c.hourlyBorrowRate), 12), vipLevel: level });
		}
		return { list };
	}),
	get('/v5/spot-margin-trade/liability', 'private', ({ ex, params: p }) => {
		const c = one(str(p, 'currency'));
		const flexible = borrowed(ex, c.currency);
		const fixedRate = fixedLiability(ex, c.currency);
		return {
			currency: c.currency, totalBorrowAmount: amount8(flexible + fixedRate), fixedBorrowAmount: amount8(fixedRate), flexibleBorrowAmount: amount8(flexible),
			spotTotalBorrow: amount8(flexible + fixedRate), derivativesBorrow: amount8(0),
		};
	}, 'Success'),
	get('/v5/spot-margin-trade/flexible-available-inventory', 'private', ({ ex, params: p, now }) => {
		const c = one(str(p, 'currency'));
		const inventory = Math.min(c.lendable, maxLoan(ex, c), Number(c.tiers[0][0]));
		return { currency: c.currency, availableInventory: amount8(inventory), updateTime: String(now) };
	}, 'Success'),
];
