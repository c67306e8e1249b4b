/** Conformance: asset extras (withdrawable amount, cancel withdrawal, overview, records, address book, VASPs, funding history). */
import { rl } from '../../../harness/execute';
import type { CaseGroup } from './case';

export const assetExtrasCases: CaseGroup = () => [
	{ op: 'asset.getWithdrawableAmount', params: { coin: rl('USDT') }, wire: { coin: 'USDT' } },
	{ op: 'asset.getWithdrawableAmount', params: { coin: rl('NOPE') }, wire: { coin: 'NOPE' }, error: /coin invalid/, retCode: 10001 },
	// the withdrawal made by the main cases (10001): cancelled, or status 0 once it is past its pending minute
	{ op: 'asset.cancelWithdrawal', params: { id: '10001' }, wire: { id: '10001' } },
	{ op: 'asset.cancelWithdrawal', params: { id: '999999' }, wire: { id: '999999' }, error: /Parameter error/, retCode: 131002 },
	{ op: 'asset.cancelWithdrawal', params: { id: '' }, error: /"id" is required for Cancel Withdrawal/ },
	{ op: 'asset.getAssetOverview', params: {}, absent: ['memberId', 'accountType'] },
	{ op: 'asset.getAssetOverview', params: { additionalFields: { memberId: rl('900001'), accountType: 'FundingAccount', valuationCurrency: 'USD' } }, wire: { memberId: '900001', accountType: 'FundingAccount', valuationCurrency: 'USD' } },
	{ op: 'asset.getAssetOverview', params: { additionalFields: { memberId: rl('123') } }, wire: { memberId: '123' }, error: /Invalid memberId/, retCode: 131202 },
	{ op: 'asset.getDeliveryRecords', params: { category: 'option', symbol: rl(''), returnAll: true }, wire: { category: 'option', limit: '50' }, absent: ['symbol'], min: 3 },
	{ op: 'asset.getDeliveryRecords', params: { category: 'linear', symbol: rl('BTCUSDT'), returnAll: false, limit: 5, additionalFields: { expDate: '25mar22' } }, wire: { limit: '5', expDate: '25mar22' }, error: /Invalid expDate/, retCode: 181018 },
	{ op: 'asset.getSettlementRecords', params: { category: 'linear', symbol: rl(''), returnAll: false, limit: 1 }, wire: { category: 'linear', limit: '1' } },
	{ op: 'asset.getInternalDepositRecords', params: { returnAll: true, additionalFields: { coin: 'ETH' } }, wire: { coin: 'ETH', limit: '50' } },
	{ op: 'asset.getExchangeRecords', params: { returnAll: false, limit: 2 }, wire: { limit: '2' }, min: 2 },
	{ op: 'asset.getExchangeRecords', params: { returnAll: true, additionalFields: { fromCoin: 'BTC', toCoin: 'ETH' } }, wire: { fromCoin: 'BTC', toCoin: 'ETH', limit: '50' } },
	{ op: 'asset.getSubDepositRecords', params: { subMemberId: rl('900001'), returnAll: true }, wire: { subMemberId: '900001', limit: '50' } },
	{ op: 'asset.getSubDepositRecords', params: { subMemberId: rl('123') }, error: /does not belong to the parent account/, retCode: 500010 },
	{ op: 'asset.getWithdrawalAddresses', params: { returnAll: true, additionalFields: { coin: 'baseCoin', addressType: '0' } }, wire: { coin: 'baseCoin', addressType: '0' } },
	{ op: 'asset.getWithdrawalAddresses', params: { returnAll: false, limit: 10, additionalFields: { addressType: 1 } }, wire: { addressType: '1', limit: '10' } },
	{ op: 'asset.getVaspList', params: {}, min: 20 },
	{ op: 'asset.getFundingHistory', params: { returnAll: true }, wire: { limit: '100' }, min: 4 },
	{
		op: 'asset.getFundingHistory',
		params: () => {
			const to = Math.floor(Date.now() / 1000);
			return { returnAll: false, limit: 3, additionalFields: { createTimeFrom: String(to - 6 * 86_400), createTimeTo: String(to) } };
		},
		wire: { limit: '3' },
		min: 3,
	},
	{ op: 'asset.getFundingHistory', params: { additionalFields: { createTimeFrom: '1772669763' } }, error: /must be used together/, retCode: 10001 },
];
