/** Endpoint cases for the earn and account-extra routes (read by endpoints.test.ts), each answered with retCode 0 in the docs' shape. */
import type { Json } from './helpers';

type Case = [method: 'GET' | 'POST', path: string, params: Json | ((ctx: Json) => Json), check?: (result: Json, body: Json) => void];

/** Endpoints whose documented answer has no `result` (set-spot-hedge, set-mmp, reset-mmp). */
export const NO_RESULT = new Set(['/v5/account/set-hedging-mode', '/v5/account/mmp-modify', '/v5/account/mmp-reset']);

const uuid = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

export const EXTRA_ENDPOINT_CASES: Case[] = [
	['GET', '/v5/earn/product', { category: 'FlexibleSaving', coin: 'BTC' }, (r, b) => {
		expect(b.retMsg).toBe('');
		expect(r.list[0]).toMatchObject({ category: 'FlexibleSaving', coin: 'BTC', productId: '430', minStakeAmount: '0.001', maxStakeAmount: '10', precision: '8', status: 'Available', term: 0 });
	}],
	['POST', '/v5/earn/place-order', { category: 'FlexibleSaving', orderType: 'Stake', accountType: 'FUND', amount: '100', coin: 'USDT', productId: '428', orderLinkId: 'earn-e-1' }, (r) => {
		expect(Object.keys(r)).toEqual(['orderId', 'orderLinkId']);
		expect(r.orderLinkId).toBe('earn-e-1');
	}],
	['POST', '/v5/earn/place-order', { category: 'FlexibleSaving', orderType: 'Redeem', accountType: 'FUND', amount: '40', coin: 'USDT', productId: '428', orderLinkId: 'earn-e-2' }],
	['GET', '/v5/earn/position', { category: 'FlexibleSaving', coin: 'USDT' }, (r) => expect(r.list[0]).toMatchObject({ coin: 'USDT', productId: '428', amount: '60', availableAmount: '60', freezeDetails: [] })],
	['GET', '/v5/earn/order', { category: 'FlexibleSaving', orderLinkId: 'earn-e-1' }, (r) => expect(r.list).toEqual([expect.objectContaining({ orderLinkId: 'earn-e-1', orderType: 'Stake', orderValue: '100', status: 'Success' })])],
	['GET', '/v5/earn/yield', { category: 'FlexibleSaving' }, (r) => expect(r.yield[0]).toMatchObject({ productId: '428', yieldType: 'Normal', distributionMode: 'Manual', effectiveStakingAmount: '40' })],
	['GET', '/v5/earn/hourly-yield', { category: 'FlexibleSaving' }, (r) => expect(r.list[0].hourlyDate).toMatch(/^\d+$/)],
	['GET', '/v5/earn/apr-history', { category: 'OnChain', productId: '8' }, (r) => expect(r.list[0]).toEqual({ timestamp: expect.stringMatching(/^\d+$/), apr: '3.2%' })],
	['GET', '/v5/earn/coupons', { category: 'FlexibleSaving' }, (r) => expect(r).toEqual({ interestCards: [], awardCards: [] })],
	['POST', '/v5/asset/transfer/inter-transfer', { transferId: uuid(90), coin: 'ETH', amount: '1', fromAccountType: 'UNIFIED', toAccountType: 'FUND' }],
	['POST', '/v5/earn/place-order', { category: 'OnChain', orderType: 'Stake', accountType: 'FUND', amount: '0.5', coin: 'ETH', productId: '8', orderLinkId: 'earn-e-3' }],
	['POST', '/v5/earn/position/modify', { category: 'OnChain', productId: 8, positionId: 301, autoReinvest: 1 }, (r) => expect(r).toEqual({})],
	['POST', '/v5/account/borrow', { coin: 'BTC', amount: '0.1' }, (r) => expect(r).toEqual({ coin: 'BTC', amount: '0.1' })],
	['POST', '/v5/account/no-convert-repay', { coin: 'BTC', amount: '0.05' }, (r) => expect(r).toEqual({ resultStatus: 'SU' })],
	['POST', '/v5/account/repay', { coin: 'BTC' }, (r) => expect(r).toEqual({ resultStatus: 'SU' })],
	['POST', '/v5/account/set-collateral-switch', { coin: 'ETH', collateralSwitch: 'OFF' }, (_r, b) => expect(b.retMsg).toBe('SUCCESS')],
	['POST', '/v5/account/set-collateral-switch-batch', { request: [{ coin: 'ETH', collateralSwitch: 'ON' }, { coin: 'SOL', collateralSwitch: 'OFF' }] }, (r) => expect(r.list).toEqual([{ coin: 'ETH', collateralSwitch: 'ON' }, { coin: 'SOL', collateralSwitch: 'OFF' }])],
	['POST', '/v5/account/set-margin-mode', { setMarginMode: 'PORTFOLIO_MARGIN' }],
	['POST', '/v5/account/set-hedging-mode', { setHedgingMode: 'ON' }, (_r, b) => expect(b).toEqual({ retCode: 0, retMsg: 'SUCCESS' })],
	['POST', '/v5/account/set-margin-mode', { setMarginMode: 'REGULAR_MARGIN' }],
	['POST', '/v5/account/mmp-modify', { baseCoin: 'ETH', window: '5000', frozenPeriod: '100000', qtyLimit: '50', deltaLimit: '20' }, (_r, b) => expect(b).toEqual({ retCode: 0, retMsg: 'success' })],
	['POST', '/v5/account/mmp-reset', { baseCoin: 'ETH' }, (_r, b) => expect(b).toEqual({ retCode: 0, retMsg: 'success' })],
	['GET', '/v5/account/mmp-state', { baseCoin: 'ETH' }, (r) => expect(r.result[0]).toEqual({ baseCoin: 'ETH', mmpEnabled: true, window: '5000', frozenPeriod: '100000', qtyLimit: '50', deltaLimit: '20', vegaLimit: '500000', mmpFrozenUntil: '0', mmpFrozen: false })],
	['GET', '/v5/asset/coin-greeks', { baseCoin: 'BTC' }, (r) => expect(Object.keys(r.list[0])).toEqual(['baseCoin', 'totalDelta', 'totalGamma', 'totalVega', 'totalTheta'])],
	['GET', '/v5/account/user-setting-config', {}, (r) => expect(r).toEqual({ lpaSpot: false, lpaPerp: false, smsef: false, fmsef: false })],
	['GET', '/v5/account/smp-group', {}, (r, b) => expect([r, b.retMsg]).toEqual([{ smpGroup: 0 }, 'success'])],
	['GET', '/v5/account/withdrawal', { coinName: 'BTC,USDT' }, (r) => expect(Object.keys(r.availableWithdrawalMap)).toEqual(['BTC', 'USDT'])],
	['GET', '/v5/account/option-asset-info', {}, (r) => expect(Object.keys(r.result[0])).toEqual(['totalDelta', 'assetIM', 'totalUPL', 'totalRPL', 'assetMM', 'coin', 'sendTime'])],
	['POST', '/v5/account/demo-apply-money', { adjustType: 0, utaDemoApplyMoney: [{ coin: 'USDT', amountStr: '109' }, { coin: 'ETH', amountStr: '1' }] }, (_r, b) => expect(b.retMsg).toBe('success')],
];
