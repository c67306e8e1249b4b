/** Earn (docs: finance/earn/easy-onchain): products, stake and redeem of both categories, positions, orders, yields. */
import { rl } from '../../../harness/execute';
import type { CaseGroup } from './case';

const STAKE = { category: 'FlexibleSaving', orderType: 'Stake', accountType: 'FUND', coin: rl('USDT'), productId: '428' };

export const earnCases: CaseGroup = ({ sandbox }) => [
	{ op: 'earn.getProducts', params: { category: 'FlexibleSaving' }, wire: { category: 'FlexibleSaving' }, min: 3 },
	{ op: 'earn.getProducts', params: { category: 'OnChain', additionalFields: { coin: 'ETH' } }, wire: { category: 'OnChain', coin: 'ETH' }, min: 1 },
	{ op: 'earn.stakeOrRedeem', params: { ...STAKE, amount: '100', additionalFields: { orderLinkId: 'conf-earn-1' } }, wire: { category: 'FlexibleSaving', orderType: 'Stake', accountType: 'FUND', coin: 'USDT', amount: '100', productId: '428', orderLinkId: 'conf-earn-1' } },
	// the same orderLinkId again: Bybit answers 180025, the node returns the existing order (never a second stake)
	{ op: 'earn.stakeOrRedeem', params: { ...STAKE, amount: '100', additionalFields: { orderLinkId: 'conf-earn-1' } }, wire: { orderLinkId: 'conf-earn-1' }, retCode: 180025 },
	// without an orderLinkId the node generates one (Bybit requires it); a number amount goes out as decimal text
	{ op: 'earn.stakeOrRedeem', params: { ...STAKE, amount: 50.5 }, wire: { amount: '50.5', orderLinkId: expect.stringMatching(/^[0-9a-f-]{36}$/) } },
	{ op: 'earn.stakeOrRedeem', params: { ...STAKE, accountType: 'UNIFIED', coin: rl('BTC'), productId: '430', amount: '0.01', additionalFields: { interestCard: '{"awardId": "1001", "specCode": "FS_APY_3PCT_30D"}' } }, wire: { accountType: 'UNIFIED', coin: 'BTC', interestCard: { awardId: 1001, specCode: 'FS_APY_3PCT_30D' } } },
	{ op: 'earn.stakeOrRedeem', params: { ...STAKE, orderType: 'Redeem', amount: '30' }, wire: { orderType: 'Redeem', amount: '30' } },
	{ op: 'earn.stakeOrRedeem', params: { ...STAKE, amount: '-1' }, error: /"amount" must be above 0/ },
	{ op: 'earn.stakeOrRedeem', params: { ...STAKE, orderType: 'Redeem', amount: '100000' }, error: /Redeem share/, retCode: 180014 },
	{ op: 'earn.stakeOrRedeem', params: { ...STAKE, category: 'OnChain', coin: rl('USDT'), productId: '9', amount: '100' }, wire: { category: 'OnChain', productId: '9' } },
	{ op: 'earn.stakeOrRedeem', params: { ...STAKE, category: 'OnChain', accountType: 'UNIFIED', coin: rl('USDT'), productId: '9', amount: '100' }, error: /On-Chain products stake from and redeem to FUND only/ },
	{ op: 'earn.stakeOrRedeem', params: { ...STAKE, amount: '10', additionalFields: { interestCard: '{"awardId": "10x"}' } }, error: /"interestCard" must be \{"awardId"/ },
	{ op: 'earn.stakeOrRedeem', params: { ...STAKE, orderType: 'Redeem', amount: '10', additionalFields: { interestCard: '{"awardId": 1, "specCode": "A"}' } }, error: /applies only to Flexible Saving stakes/ },
	{ op: 'earn.stakeOrRedeem', params: { ...STAKE, amount: '10', additionalFields: { redeemPositionId: '301' } }, error: /applies only to On-Chain redemptions/ },
	{ op: 'earn.stakeOrRedeem', before: () => sandbox().control.fund('ETH', '5', 'FUND'), params: { ...STAKE, category: 'OnChain', coin: rl('ETH'), productId: '8', amount: '1' }, wire: { coin: 'ETH', productId: '8' } },
	{ op: 'earn.getPositions', params: { category: 'OnChain' }, wire: { category: 'OnChain' }, min: 2 },
	{ op: 'earn.getPositions', params: { category: 'FlexibleSaving', additionalFields: { coin: 'USDT', productId: '428' } }, wire: { coin: 'USDT', productId: '428' }, min: 1 },
	{ op: 'earn.stakeOrRedeem', params: { ...STAKE, category: 'OnChain', orderType: 'Redeem', coin: rl('USDT'), productId: '9', amount: '40', additionalFields: { redeemPositionId: '301', toAccountType: 'FUND' } }, wire: { orderType: 'Redeem', redeemPositionId: '301', toAccountType: 'FUND' } },
	{ op: 'earn.setAutoReinvest', params: { productId: '8', positionId: '302', autoReinvest: 1 }, wire: { category: 'OnChain', productId: 8, positionId: 302, autoReinvest: 1 } },
	{ op: 'earn.setAutoReinvest', params: { productId: '9', positionId: '301', autoReinvest: 1 }, error: /Reinvest validation failed/, retCode: 180028 },
	{ op: 'earn.setAutoReinvest', params: { productId: '8', positionId: 'p-302', autoReinvest: 1 }, error: /"positionId" must be a whole number/ },
	{ op: 'earn.getOrderHistory', params: { category: 'FlexibleSaving', returnAll: true }, wire: { category: 'FlexibleSaving', limit: '100' }, min: 4 },
	{ op: 'earn.getOrderHistory', params: { category: 'OnChain', additionalFields: { orderLinkId: 'conf-earn-1' } }, wire: { orderLinkId: 'conf-earn-1', limit: '50' }, min: 0 },
	{ op: 'earn.getOrderHistory', params: { category: 'OnChain' }, error: /orderId or orderLinkId/, retCode: 10001 },
	{ op: 'earn.getYieldHistory', params: { category: 'FlexibleSaving' }, wire: { category: 'FlexibleSaving', limit: '50' }, min: 1 },
	{ op: 'earn.getYieldHistory', params: { category: 'OnChain', additionalFields: { productId: '8' } }, error: /Invalid parameter/, retCode: 180001 },
	{ op: 'earn.getHourlyYieldHistory', params: { category: 'FlexibleSaving', returnAll: true, additionalFields: { productId: '428' } }, wire: { productId: '428', limit: '100' }, min: 1 },
	{ op: 'earn.getAprHistory', params: { category: 'FlexibleSaving', productId: '428' }, wire: { category: 'FlexibleSaving', productId: '428' }, absent: ['limit'], min: 7 },
	{ op: 'earn.getCoupons', params: { category: 'FlexibleSaving' }, wire: { category: 'FlexibleSaving' } },
];
