/**
 * Earn endpoints (docs: finance/earn/easy-onchain): products and APR history
 * are public; the rest needs the key's "Earn" permission (10005 without it).
 * Stake takes from FUND or UNIFIED (On-Chain: FUND only); redeem gives back
 * to the account type (On-Chain: toAccountType, FUND by default) with the
 * yield accrued since the stake (Flexible Saving pays it on redemption).
 */
import { ApiError, paramError } from '../types';
import { dec, int, limit, missing, oneOf, reqStr, str, window, type Params } from '../params';
import type { Exchange, KeyRecord } from '../state/exchange';
import type { AccountType } from '../state/records';
import {
	EARN_PRODUCTS, earnOf, hourlyYieldView, orderView, positionView, productView, yieldView,
	type EarnCategory, type EarnOrder, type EarnPosition, type EarnProduct,
} from '../state/earn';
import { pageLog, type Verdict } from '../util/paginate';
import { trimmed, writtenDecimals } from '../util/num';
import { get, post, type Route } from './route';

const CATEGORIES = ['FlexibleSaving', 'OnChain'] as const;
const LINK_ID_REUSE_MS = 30 * 60_000;
const YEAR_MS = 365 * 86_400_000;

function earnPermission(key: KeyRecord | undefined): void {
	if (!(key?.permissions.Earn ?? []).includes('Earn')) throw new ApiError(10005, 'Permission denied, please check your API key permissions.');
}

function categoryOf(p: Params, allowed: readonly EarnCategory[] = CATEGORIES): EarnCategory {
	const c = oneOf(p, 'category', allowed);
	if (!c) throw missing('category');
	return c;
}

function product(category: EarnCategory, productId: string): EarnProduct {
	const found = EARN_PRODUCTS.find((x) => x.category === category && x.productId === productId);
	if (!found) throw new ApiError(180008, 'Invalid Product');
	return found;
}

function amountOf(p: Params, prod: EarnProduct): number {
	const text = reqStr(p, 'amount');
	const amount = dec(p, 'amount');
	if (amount === undefined || !(amount > 0)) throw new ApiError(180001, 'Invalid parameter');
	if (writtenDecimals(text) > prod.precision) throw new ApiError(180006, 'Validation failed');
	return amount;
}

function linkId(ex: Exchange, p: Params, now: number): string {
	const id = str(p, 'orderLinkId');
	if (!id) throw new ApiError(180019, 'empty order link id');
	if (id.length > 36) throw paramError('params error: orderLinkId invalid');
	const used = earnOf(ex).linkIds.get(id);
	if (used !== undefined && now - used < LINK_ID_REUSE_MS) throw new ApiError(180025, 'Order already exists');
	return id;
}

function accountTypeOf(p: Params, name: string, allowed: readonly AccountType[]): AccountType | undefined {
	const v = str(p, name);
	if (v === undefined) return undefined;
	if (!(allowed as readonly string[]).includes(v)) throw new ApiError(180001, 'Invalid parameter');
	return v as AccountType;
}

function placeOrder(ex: Exchange, p: Params, now: number): { orderId: string; orderLinkId: string } {
	const category = categoryOf(p);
	const orderType = oneOf(p, 'orderType', ['Stake', 'Redeem'] as const);
	if (!orderType) throw missing('orderType');
	const accountType = accountTypeOf(p, 'accountType', category === 'OnChain' ? ['FUND'] : ['FUND', 'UNIFIED']);
	if (!accountType) throw missing('accountType');
	const coin = reqStr(p, 'coin');
	const prod = product(category, reqStr(p, 'productId'));
	if (prod.coin !== coin) throw new ApiError(180002, 'Invalid coin');
	const amount = amountOf(p, prod);
	const orderLinkId = linkId(ex, p, now);
	const toAccountType = accountTypeOf(p, 'toAccountType', ['FUND']) ?? accountType;
	if (p.interestCard !== undefined && (typeof p.interestCard !== 'object' || p.interestCard === null || Array.isArray(p.interestCard))) throw new ApiError(180001, 'Invalid parameter');
	const earn = earnOf(ex);
	let position: EarnPosition | undefined;
	let accrued = 0;
	if (orderType === 'Stake') {
		if (prod.status !== 'Available') throw new ApiError(180007, 'Product not available');
		if (amount < Number(prod.minStakeAmount)) throw new ApiError(180012, 'Purchase share is invalid');
		const staked = earn.positions.filter((x) => x.productId === prod.productId).reduce((s, x) => s + x.amount, 0);
		if (amount + staked > Number(prod.maxStakeAmount)) throw new ApiError(180013, 'Stake over maximum share');
		const b = ex.wallets.balance(accountType, coin);
		if (amount > b.walletBalance - b.locked + 1e-12) throw new ApiError(180016, 'Balance not enough');
	} else {
		if (category === 'OnChain') {
			const id = str(p, 'redeemPositionId');
			if (!id) throw missing('redeemPositionId');
			position = earn.positions.find((x) => x.category === 'OnChain' && x.id === id && x.productId === prod.productId && x.amount > 0);
			if (!position) throw new ApiError(180020, 'Position not found');
		} else position = earn.positions.find((x) => x.category === category && x.productId === prod.productId);
		if (!position || amount > position.amount + 1e-12) throw new ApiError(180014, 'Redeem share invlaid');
		accrued = amount * prod.apr * Math.max(0, now - position.stakedAt) / YEAR_MS;
	}
	const orderId = ex.ids.uuid();
	const order: EarnOrder = {
		seq: earn.orders.allocate(), category, coin, orderValue: trimmed(amount, prod.precision), orderType, orderId, orderLinkId, status: 'Success',
		createdAt: now, productId: prod.productId,
	};
	ex.tx(() => {
		if (orderType === 'Stake') {
			ex.wallets.add(accountType, coin, -amount);
			const flexible = category === 'FlexibleSaving' ? earn.positions.find((x) => x.category === category && x.productId === prod.productId) : undefined;
			if (flexible) {
				flexible.amount += amount;
				flexible.stakedAt = now;
			} else {
				earn.positions.push({
					category, coin, productId: prod.productId, amount, id: category === 'OnChain' ? String(++earn.positionSeq) : '', orderId, stakedAt: now,
					autoReinvest: prod.duration === 'Fixed' ? 'Disable' : '',
				});
			}
		} else {
			position!.amount = Number((position!.amount - amount).toFixed(12));
			ex.wallets.add(category === 'OnChain' ? toAccountType : accountType, coin, amount + accrued);
			if (category === 'FlexibleSaving') {
				earn.yields.add({
					seq: earn.yields.allocate(), category, productId: prod.productId, coin, id: String(1_002_000 + earn.yields.size), amount: accrued,
					effectiveStakingAmount: amount, orderId, createdAt: now,
				});
			}
		}
		if (accountType === 'UNIFIED' || toAccountType === 'UNIFIED') ex.touchWallet();
	});
	earn.orders.add(order);
	earn.linkIds.set(orderLinkId, now);
	return { orderId, orderLinkId };
}

export function earnRoutes(ex: Exchange): Route[] {
	const earn = earnOf(ex);
	return [
		get('/v5/earn/product', 'public', ({ params: p }) => {
			const category = categoryOf(p);
			const coin = str(p, 'coin');
			return { list: EARN_PRODUCTS.filter((x) => x.category === category && (!coin || x.coin === coin)).map(productView) };
		}, ''),
		post('/v5/earn/place-order', ({ key, params: p, now }) => {
			earnPermission(key);
			return placeOrder(ex, p, now);
		}, ''),
		get('/v5/earn/position', 'private', ({ key, params: p, now }) => {
			earnPermission(key);
			const category = categoryOf(p);
			const productId = str(p, 'productId');
			const coin = str(p, 'coin');
			const list = earn.positions.filter((x) => x.category === category && (!productId || x.productId === productId) && (!coin || x.coin === coin) && (category === 'FlexibleSaving' || x.amount > 0));
			return { list: list.map((x) => positionView(x, now)) };
		}, ''),
		get('/v5/earn/order', 'private', ({ key, params: p, now }) => {
			earnPermission(key);
			const category = categoryOf(p);
			const orderId = str(p, 'orderId');
			const orderLinkId = str(p, 'orderLinkId');
			if (category === 'OnChain' && !orderId && !orderLinkId) throw missing('orderId or orderLinkId');
			const productId = str(p, 'productId');
			const w = window(p, now);
			// docs: "Always return the latest one if order link id is ever reused when querying by orderLinkId only"
			const latestOnly = !orderId && !!orderLinkId;
			let found = false;
			const page = pageLog(earn.orders, limit(p, 50, 100), p.cursor, (o): Verdict => {
				const byId = !!orderId || !!orderLinkId;
				if (!byId && o.createdAt < w.start) return 'stop';
				if (o.category !== category || (orderId && o.orderId !== orderId) || (orderLinkId && o.orderLinkId !== orderLinkId) || (productId && o.productId !== productId)) return 'skip';
				if (!byId && o.createdAt > w.end) return 'skip';
				if (latestOnly && found) return 'stop';
				found = true;
				return 'keep';
			});
			return { list: page.list.map(orderView), nextPageCursor: page.nextPageCursor };
		}, ''),
		get('/v5/earn/yield', 'private', ({ key, params: p, now }) => {
			earnPermission(key);
			const category = categoryOf(p);
			const productId = str(p, 'productId');
			if (category === 'OnChain' && productId) throw new ApiError(180001, 'Invalid parameter');
			const w = window(p, now);
			const page = pageLog(earn.yields, limit(p, 50, 100), p.cursor, (y): Verdict =>
				y.createdAt < w.start ? 'stop' : y.category !== category || (productId && y.productId !== productId) || y.createdAt > w.end ? 'skip' : 'keep',
			);
			return { yield: page.list.map(yieldView), nextPageCursor: page.nextPageCursor };
		}, ''),
		get('/v5/earn/hourly-yield', 'private', ({ key, params: p, now }) => {
			earnPermission(key);
			categoryOf(p, ['FlexibleSaving']);
			const productId = str(p, 'productId');
			const w = window(p, now);
			const page = pageLog(earn.yields, limit(p, 50, 100), p.cursor, (y): Verdict =>
				y.createdAt < w.start ? 'stop' : y.category !== 'FlexibleSaving' || (productId && y.productId !== productId) || y.createdAt > w.end ? 'skip' : 'keep',
			);
			return { list: page.list.map(hourlyYieldView), nextPageCursor: page.nextPageCursor };
		}, ''),
		get('/v5/earn/apr-history', 'public', ({ params: p, now }) => {
			const category = categoryOf(p);
			const prod = product(category, reqStr(p, 'productId'));
			const w = window(p, now, 182, 7);
			const day = 86_400_000;
			const list = [];
			for (let t = Math.floor(Math.min(w.end, now) / day) * day; t >= w.start && list.length < 183; t -= day) list.push({ timestamp: String(t), apr: `${trimmed(prod.apr * 100, 2)}%` });
			return { list };
		}, ''),
		get('/v5/earn/coupons', 'private', ({ params: p }) => {
			if (!oneOf(p, 'category', ['FlexibleSaving', 'DualAssets'] as const)) throw missing('category');
			return { interestCards: [], awardCards: [] };
		}),
		post('/v5/earn/position/modify', ({ key, params: p }) => {
			earnPermission(key);
			if (str(p, 'category') !== 'OnChain') throw new ApiError(180001, 'Invalid parameter');
			const productId = int(p, 'productId');
			const positionId = int(p, 'positionId');
			const auto = int(p, 'autoReinvest');
			if (productId === undefined || positionId === undefined || auto === undefined) throw missing('productId, positionId, autoReinvest');
			if (auto !== 0 && auto !== 1) throw new ApiError(180001, 'Invalid parameter');
			const position = earn.positions.find((x) => x.category === 'OnChain' && x.id === String(positionId) && x.productId === String(productId) && x.amount > 0);
			if (!position) throw new ApiError(180020, 'Position not found');
			if (product('OnChain', position.productId).duration !== 'Fixed') throw new ApiError(180028, 'Reinvest validation failed');
			position.autoReinvest = auto === 1 ? 'Enable' : 'Disable';
			return {};
		}, ''),
	];
}
