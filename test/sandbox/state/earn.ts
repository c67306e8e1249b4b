/**
 * Earn state (docs: finance/earn/easy-onchain): products of both categories,
 * stake/redeem orders, positions and yields, one per Exchange.
 */
import type { Json } from '../types';
import { SeqLog } from '../util/paginate';
import { trimmed } from '../util/num';
import type { Exchange } from './exchange';

export type EarnCategory = 'FlexibleSaving' | 'OnChain';

export interface EarnProduct {
	category: EarnCategory;
	productId: string;
	coin: string;
	/** APR as a fraction (0.05 = 5%). */
	apr: number;
	minStakeAmount: string;
	maxStakeAmount: string;
	precision: number;
	duration: '' | 'Fixed' | 'Flexible';
	term: number;
	status: 'Available' | 'NotAvailable';
}

export const EARN_PRODUCTS: readonly EarnProduct[] = [
	{ category: 'FlexibleSaving', productId: '428', coin: 'USDT', apr: 0.0532, minStakeAmount: '1', maxStakeAmount: '2000000', precision: 8, duration: '', term: 0, status: 'Available' },
	{ category: 'FlexibleSaving', productId: '430', coin: 'BTC', apr: 0.01, minStakeAmount: '0.001', maxStakeAmount: '10', precision: 8, duration: '', term: 0, status: 'Available' },
	{ category: 'FlexibleSaving', productId: '431', coin: 'ETH', apr: 0.015, minStakeAmount: '0.01', maxStakeAmount: '200', precision: 8, duration: '', term: 0, status: 'Available' },
	{ category: 'FlexibleSaving', productId: '432', coin: 'SOL', apr: 0.02, minStakeAmount: '0.1', maxStakeAmount: '1000', precision: 8, duration: '', term: 0, status: 'NotAvailable' },
	{ category: 'OnChain', productId: '8', coin: 'ETH', apr: 0.032, minStakeAmount: '0.1', maxStakeAmount: '500', precision: 8, duration: 'Fixed', term: 30, status: 'Available' },
	{ category: 'OnChain', productId: '9', coin: 'USDT', apr: 0.15, minStakeAmount: '10', maxStakeAmount: '50000', precision: 4, duration: 'Flexible', term: 0, status: 'Available' },
];

export interface EarnOrder {
	seq: number;
	category: EarnCategory;
	coin: string;
	orderValue: string;
	orderType: 'Stake' | 'Redeem';
	orderId: string;
	orderLinkId: string;
	status: 'Success' | 'Fail' | 'Pending';
	createdAt: number;
	productId: string;
}

export interface EarnPosition {
	category: EarnCategory;
	coin: string;
	productId: string;
	amount: number;
	/** On-Chain positions only. */
	id: string;
	orderId: string;
	stakedAt: number;
	autoReinvest: 'Enable' | 'Disable' | '';
}

export interface EarnYield {
	seq: number;
	category: EarnCategory;
	productId: string;
	coin: string;
	id: string;
	amount: number;
	effectiveStakingAmount: number;
	orderId: string;
	createdAt: number;
}

export class EarnState {
	readonly orders = new SeqLog<EarnOrder>();
	readonly positions: EarnPosition[] = [];
	readonly yields = new SeqLog<EarnYield>();
	/** orderLinkId -> time of last use (Bybit: not reusable within 30 min). */
	readonly linkIds = new Map<string, number>();
	positionSeq = 300;
}

const STATES = new WeakMap<Exchange, EarnState>();

export function earnOf(ex: Exchange): EarnState {
	let s = STATES.get(ex);
	if (!s) STATES.set(ex, (s = new EarnState()));
	return s;
}

const pct = (apr: number) => `${trimmed(apr * 100, 2)}%`;

/** A product as GET /v5/earn/product lists it (the docs' example fields, numbers as Bybit types them). */
export function productView(p: EarnProduct): Json {
	const onChain = p.category === 'OnChain';
	return {
		category: p.category, estimateApr: pct(p.apr), coin: p.coin, minStakeAmount: p.minStakeAmount, maxStakeAmount: p.maxStakeAmount,
		precision: String(p.precision), productId: p.productId, status: p.status, bonusEvents: [], minRedeemAmount: '', maxRedeemAmount: '',
		duration: p.duration, term: p.term, swapCoin: '', swapCoinPrecision: '', stakeExchangeRate: '', redeemExchangeRate: '',
		rewardDistributionType: onChain ? 'Simple' : '', rewardIntervalMinute: onChain ? 1440 : 0, redeemProcessingMinute: onChain ? 4320 : 0,
		stakeTime: '', interestCalculationTime: '',
	};
}

export function orderView(o: EarnOrder): Json {
	const onChain = o.category === 'OnChain';
	return {
		coin: o.coin, orderValue: o.orderValue, orderType: o.orderType, orderId: o.orderId, orderLinkId: o.orderLinkId, status: o.status,
		createdAt: String(o.createdAt), productId: o.productId, updatedAt: String(o.createdAt), swapOrderValue: '',
		estimateRedeemTime: onChain && o.orderType === 'Redeem' ? String(o.createdAt) : '', estimateStakeTime: onChain && o.orderType === 'Stake' ? String(o.createdAt) : '',
	};
}

export function positionView(p: EarnPosition, now: number): Json {
	const onChain = p.category === 'OnChain';
	const product = EARN_PRODUCTS.find((x) => x.productId === p.productId)!;
	const pnl = p.amount * product.apr * Math.max(0, now - p.stakedAt) / (365 * 86_400_000);
	const fixedTerm = product.duration === 'Fixed';
	return {
		coin: p.coin, productId: p.productId, amount: trimmed(p.amount, product.precision), totalPnl: onChain ? trimmed(pnl, 12) : '',
		claimableYield: onChain ? '' : trimmed(pnl, 12), id: onChain ? p.id : '', status: onChain ? 'Active' : '', orderId: onChain ? p.orderId : '',
		estimateRedeemTime: '', estimateStakeTime: onChain ? String(p.stakedAt) : '', estimateInterestCalculationTime: onChain ? String(p.stakedAt + 86_400_000) : '',
		settlementTime: fixedTerm ? String(p.stakedAt + product.term * 86_400_000) : '', autoReinvest: p.autoReinvest,
		availableAmount: trimmed(p.amount, product.precision), freezeDetails: [],
	};
}

export function yieldView(y: EarnYield): Json {
	return {
		productId: y.productId, coin: y.coin, id: y.id, amount: trimmed(y.amount, 12), yieldType: 'Normal', distributionMode: 'Manual',
		effectiveStakingAmount: trimmed(y.effectiveStakingAmount, 8), orderId: y.orderId, status: 'Success', createdAt: String(y.createdAt),
	};
}

export function hourlyYieldView(y: EarnYield): Json {
	const hour = Math.floor(y.createdAt / 3_600_000) * 3_600_000;
	return {
		productId: y.productId, coin: y.coin, amount: trimmed(y.amount, 18), effectiveStakingAmount: trimmed(y.effectiveStakingAmount, 8),
		hourlyDate: String(hour), status: 'Success', createdAt: String(y.createdAt),
	};
}
