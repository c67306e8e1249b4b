/**
 * Spot margin on the wire, end to end: leverage is refused while spot margin
 * is off, a spot order with isLeverage 1 too (170036); switched on with
 * leverage 4 the same order borrows (a liability appears), and switching off
 * is refused until the debt is repaid. Every spotMargin field goes out as a
 * string (spotMarginMode "1", leverage "4"); isLeverage as the number 1.
 */
import { rl } from '../../../harness/execute';
import type { CaseGroup } from './case';

const BTC = rl('BTCUSDT');
const SPOT_MARGIN_BUY = { category: 'spot', symbol: BTC, side: 'Buy', orderType: 'Market', qty: '150000', additionalFields: { isLeverage: 1, marketUnit: 'quoteCoin' } };

export const spotMarginCases: CaseGroup = (ctx) => [
	{ op: 'spotMargin.getStatus' },
	{ op: 'spotMargin.setLeverage', params: { leverage: '4' }, wire: { leverage: '4' }, error: /176038|spot leverage is closed/, retCode: 176038 },
	{ op: 'order.create', params: { ...SPOT_MARGIN_BUY, orderLinkId: 'conf-margin-off' }, path: '/v5/order/create', wire: { isLeverage: 1 }, error: /enabled Cross Margin Trading/, retCode: 170036 },
	{ op: 'spotMargin.switchMode', params: { spotMarginMode: '1' }, wire: { spotMarginMode: '1' } },
	{ op: 'spotMargin.setLeverage', params: { leverage: 4 }, wire: { leverage: '4' }, absent: ['currency'] },
	{ op: 'spotMargin.setLeverage', params: { leverage: '3', additionalFields: { currency: 'BTC' } }, wire: { leverage: '3', currency: 'BTC' } },
	{ op: 'spotMargin.setLeverage', params: { leverage: '11' }, wire: { leverage: '11' }, error: /176034|out of range/, retCode: 176034 },
	{ op: 'order.create', params: { ...SPOT_MARGIN_BUY, orderLinkId: 'conf-margin-on' }, path: '/v5/order/create', wire: { category: 'spot', isLeverage: 1, marketUnit: 'quoteCoin', qty: '150000' } },
	{ op: 'spotMargin.getLiability', params: { currency: rl('USDT') }, wire: { currency: 'USDT' } },
	{ op: 'spotMargin.switchMode', params: { spotMarginMode: '0' }, wire: { spotMarginMode: '0' }, error: /repay all your debts/, retCode: 176138 },
	{ op: 'spotMargin.getVipMarginData', params: { additionalFields: { vipLevel: 'No VIP', currency: 'BTC' } }, wire: { vipLevel: 'No VIP', currency: 'BTC' } },
	{ op: 'spotMargin.getTieredCollateralRatio', params: { additionalFields: { currency: 'BTC' } }, wire: { currency: 'BTC' } },
	{ op: 'spotMargin.getCoinState', params: {}, min: 5 },
	{ op: 'spotMargin.getCurrencyData', params: { additionalFields: { currency: 'ETH' } }, wire: { currency: 'ETH' }, min: 1 },
	{ op: 'spotMargin.getMaxBorrowable', params: { currency: rl('BTC') }, wire: { currency: 'BTC' } },
	{ op: 'spotMargin.getPositionTiers', params: {}, min: 5 },
	{ op: 'spotMargin.getRepaymentAvailableAmount', params: { currency: rl('USDT') }, wire: { currency: 'USDT' } },
	{ op: 'spotMargin.setAutoRepayMode', params: { autoRepayMode: '1', additionalFields: { currency: 'ETH' } }, wire: { autoRepayMode: '1', currency: 'ETH' } },
	{ op: 'spotMargin.getAutoRepayMode', params: { additionalFields: { currency: 'ETH' } }, wire: { currency: 'ETH' } },
	{ op: 'spotMargin.getInterestRateHistory', params: { currency: rl('USDC'), additionalFields: { vipLevel: 'No VIP' } }, wire: { currency: 'USDC', vipLevel: 'No VIP' }, min: 100 },
	{
		op: 'spotMargin.getInterestRateHistory',
		params: () => ({ currency: rl('USDC'), additionalFields: { startTime: Date.now() - 3 * 3_600_000, endTime: Date.now() } }),
		min: 3,
	},
	{ op: 'spotMargin.getFlexibleAvailableInventory', params: { currency: rl('BTC') }, wire: { currency: 'BTC' } },
	{ op: 'spotMargin.getFixedBorrowQuote', params: { orderCurrency: rl('ETH'), returnAll: true, additionalFields: { term: '30', orderBy: 'apy', sort: 1 } }, wire: { orderCurrency: 'ETH', term: '30', orderBy: 'apy', sort: '1', limit: '100' }, min: 2 },
	{ op: 'spotMargin.getFixedAvailableInventory', params: { currency: rl('USDT'), term: '7', annualRate: 0.02 }, wire: { currency: 'USDT', term: '7', annualRate: '0.02' } },
	{
		op: 'spotMargin.fixedBorrow',
		params: { orderCurrency: rl('USDT'), orderAmount: 1000, annualRate: '0.03', term: '30', additionalFields: { repayType: '1', strategyType: 'FULL' } },
		wire: { orderCurrency: 'USDT', orderAmount: '1000', annualRate: '0.03', term: '30', repayType: '1', strategyType: 'FULL' },
	},
	{ op: 'spotMargin.fixedBorrow', params: { orderCurrency: rl('USDT'), orderAmount: '0', annualRate: '0.03', term: '30' }, error: /"orderAmount" must be above 0/ },
	{ op: 'spotMargin.getFixedBorrowOrders', params: { returnAll: true, additionalFields: { state: '3', term: '30' } }, wire: { state: '3', term: '30', limit: '100' }, min: 1 },
	{ op: 'spotMargin.getFixedBorrowContracts', params: { returnAll: false, limit: 5, additionalFields: { orderCurrency: 'USDT' } }, wire: { orderCurrency: 'USDT', limit: '5' }, min: 1 },
	{ op: 'spotMargin.renewFixedBorrow', params: { loanId: '1', additionalFields: { qty: '10' } }, wire: { loanId: '1', qty: '10' }, error: /loanId invalid/, retCode: 10001 },
	// repaid (the sandbox's deposit covers the borrowed USDT): spot margin can be switched off, leaving the account as it was
	{ op: 'spotMargin.switchMode', before: () => ctx.sandbox().control.fund('USDT', '60000', 'UNIFIED'), params: { spotMarginMode: '0' }, wire: { spotMarginMode: '0' } },
];
