/** endpoints.test.ts cases for the spot margin, convert and pre-check routes (a typical call each, in an order that makes it succeed). */
import type { Json } from './helpers';

type Case = [method: 'GET' | 'POST', path: string, params: Json | ((ctx: Json) => Json), check?: (result: Json, body: Json) => void];

let quoteTxId = '';
let loanId = '';

export const MARGIN_CONVERT_CASES: Case[] = [
	['POST', '/v5/spot-margin-trade/switch-mode', { spotMarginMode: '1' }, (r) => expect(r).toEqual({ spotMarginMode: '1' })],
	['POST', '/v5/spot-margin-trade/set-leverage', { leverage: '4' }, (r) => expect(r).toEqual({})],
	['GET', '/v5/spot-margin-trade/state', {}, (r) => expect(r).toMatchObject({ spotLeverage: '4', spotMarginMode: '1', effectiveLeverage: expect.any(String) })],
	['GET', '/v5/spot-margin-trade/data', { vipLevel: 'No VIP', currency: 'BTC' }, (r, b) => expect([b.retMsg, r.vipCoinList[0].list[0]]).toEqual(['success', expect.objectContaining({ currency: 'BTC', borrowable: true, maxBorrowingAmount: '3' })])],
	['GET', '/v5/spot-margin-trade/collateral', { currency: 'BTC' }, (r) => expect(r.list[0].collateralRatioList[1]).toEqual({ minQty: '1000000', maxQty: '', collateralRatio: '0' })],
	['GET', '/v5/spot-margin-trade/coinstate', { currency: 'ETH' }, (r) => expect(r.list).toEqual([{ spotLeverage: '4', currency: 'ETH' }])],
	['GET', '/v5/spot-margin-trade/currency-data', { currency: 'BTC' }, (r) => expect(r.list[0]).toMatchObject({ flexibleManualBorrowable: true, fixedManualBorrowable: true, minFixedManualBorrowQty: '0.001' })],
	['GET', '/v5/spot-margin-trade/max-borrowable', { currency: 'BTC' }, (r) => expect(r).toEqual({ maxLoan: expect.stringMatching(/^\d+\.\d{8}$/), currency: 'BTC' })],
	['GET', '/v5/spot-margin-trade/position-tiers', { currency: 'BTC' }, (r) => expect(r.list[0].positionTiersRatioList[0]).toEqual({ tier: '1', borrowLimit: '390', positionMMR: '0.04', positionIMR: '0.2', maxLeverage: '5' })],
	['GET', '/v5/spot-margin-trade/repayment-available-amount', { currency: 'BTC' }, (r) => expect(r).toEqual({ lossLessRepaymentAmount: '0.00000000', currency: 'BTC' })],
	['POST', '/v5/spot-margin-trade/set-auto-repay-mode', { currency: 'ETH', autoRepayMode: '1' }, (r) => expect(r.data).toEqual([{ currency: 'ETH', autoRepayMode: '1' }])],
	['GET', '/v5/spot-margin-trade/get-auto-repay-mode', { currency: 'ETH' }, (r) => expect(r.data).toEqual([{ autoRepayMode: '1', currency: 'ETH' }])],
	['GET', '/v5/spot-margin-trade/interest-rate-history', { currency: 'USDC' }, (r) => expect(r.list[0]).toMatchObject({ currency: 'USDC', vipLevel: 'No VIP', timestamp: expect.any(Number) })],
	['GET', '/v5/spot-margin-trade/liability', { currency: 'BTC' }, (r) => expect(r).toMatchObject({ totalBorrowAmount: '0.00000000', fixedBorrowAmount: '0.00000000' })],
	['GET', '/v5/spot-margin-trade/flexible-available-inventory', { currency: 'BTC' }, (r) => expect(r).toMatchObject({ currency: 'BTC', updateTime: expect.stringMatching(/^\d+$/) })],
	['POST', '/v5/spot-margin-trade/switch-mode', { spotMarginMode: '0' }, (r) => expect(r).toEqual({ spotMarginMode: '0' })],
	['GET', '/v5/spot-margin-trade/fixedborrow-order-quote', { orderCurrency: 'ETH', sort: 1 }, (r) => expect(r.list[0]).toEqual({ orderCurrency: 'ETH', term: 30, annualRate: '0.1', qty: '100' })],
	['GET', '/v5/spot-margin-trade/fixed-available-inventory', { currency: 'BTC', term: '7', annualRate: '0.01' }, (r) => expect(r).toMatchObject({ currency: 'BTC', term: '7', annualRate: '0.01', availableInventory: '2' })],
	['POST', '/v5/spot-margin-trade/fixedborrow', { orderCurrency: 'BTC', orderAmount: '0.5', annualRate: '0.02', term: '7', strategyType: 'FULL' }, (r, b) => {
		expect([b.retMsg, r.orderId]).toEqual(['success', expect.stringMatching(/^FIXED_BORROW_/)]);
	}],
	['GET', '/v5/spot-margin-trade/fixedborrow-order-info', { orderCurrency: 'BTC' }, (r) => expect(r.list[0]).toMatchObject({ state: 3, term: 7, orderQty: '0.500000000000000000', filledQty: '0.500000000000000000', strategyType: 'FULL' })],
	['GET', '/v5/spot-margin-trade/fixedborrow-contract-info', { orderCurrency: 'BTC' }, (r) => {
		loanId = r.list[0].loanId;
		expect(r.list[0]).toMatchObject({ borrowCurrency: 'BTC', status: 1, term: '7', residualPrincipal: '0.500000000000000000' });
	}],
	['POST', '/v5/spot-margin-trade/fixedborrow-renew', () => ({ loanId, qty: '0.2' }), (r) => expect(r).toBe('Success')],
	['GET', '/v5/asset/exchange/query-coin-list', { accountType: 'eb_convert_uta', side: 0 }, (r) => expect(r.coins.find((c: Json) => c.coin === 'BTC')).toMatchObject({ accuracyLength: 8, balance: expect.stringMatching(/^\d+(\.\d+)?$/), disableFrom: false })],
	['POST', '/v5/asset/exchange/quote-apply', { accountType: 'eb_convert_uta', fromCoin: 'USDT', toCoin: 'BTC', requestCoin: 'USDT', requestAmount: '650', requestId: 'e-1' }, (r) => {
		quoteTxId = r.quoteTxId;
		expect(r).toMatchObject({ fromAmount: '650', requestId: 'e-1', toAmount: expect.stringMatching(/^0\.0\d{17}$/), extTaxAndFee: [] });
	}],
	['POST', '/v5/asset/exchange/convert-execute', () => ({ quoteTxId }), (r) => expect(r).toEqual({ exchangeStatus: 'processing', quoteTxId })],
	['GET', '/v5/asset/exchange/convert-result-query', () => ({ quoteTxId, accountType: 'eb_convert_uta' }), (r) => expect(r.result).toMatchObject({ exchangeTxId: quoteTxId, exchangeStatus: 'success' })],
	['GET', '/v5/asset/exchange/query-convert-history', { accountType: 'eb_convert_uta' }, (r) => expect(r.list.map((q: Json) => q.exchangeTxId)).toEqual([quoteTxId])],
	['POST', '/v5/order/pre-check', { category: 'linear', symbol: 'BTCUSDT', side: 'Buy', orderType: 'Limit', qty: '0.01', price: '60000', positionIdx: 0 }, (r) => expect(r).toMatchObject({ preImrE4: expect.any(Number), postImrE4: expect.any(Number) })],
];
