/**
 * More asset endpoints (issue #14): withdrawable amount, cancel a withdrawal,
 * asset overview, delivery / settlement / internal deposit / coin exchange /
 * sub-account deposit records, the withdrawal address book, VASPs and the
 * funding account history. Reads only, except Cancel Withdrawal.
 */
import { additional, category, choice, coin, returnAllOrLimit, symbol, text, TIME_RANGE } from './fields';
import { subAccount } from './subAccount';
import type { OperationSpec } from './types';

const ASSET_ACCOUNT_TYPES: Array<[string, string]> = [
	['Alpha', 'Alpha'], ['Copy Trading', 'CopyTrading'], ['Crypto Loans', 'CryptoLoans'], ['Crypto Loans (Legacy)', 'CryptoLoans_legacy'], ['Earn', 'Earn'],
	['Funding', 'FundingAccount'], ['Launchpool', 'Launchpool'], ['Margin Staked SOL', 'MarginStakedSOL'], ['Pay Later', 'PayLater'], ['TradFi', 'TradFi'],
	['Trading Bot', 'TradingBot'], ['Unified Trading', 'UnifiedTradingAccount'],
];

export const assetExtraSpecs: OperationSpec[] = [
	{
		resource: 'asset', operation: 'getWithdrawableAmount', name: 'Get Withdrawable Amount', action: 'Get the withdrawable amount',
		description: 'Get how much of a coin can be withdrawn per wallet, and the amount frozen by risk control (delayed withdrawal)', method: 'GET', path: '/v5/asset/withdraw/withdrawable-amount', docs: 'asset/balance/delay-amount',
		fields: [coin()],
	},
	{
		resource: 'asset', operation: 'cancelWithdrawal', name: 'Cancel Withdrawal', action: 'Cancel a withdrawal',
		description: 'Cancel a pending withdrawal by its ID (allowed without "Allow Withdrawals"; refused in read-only mode)', method: 'POST', path: '/v5/asset/withdraw/cancel', docs: 'asset/withdraw/cancel-withdraw', write: true,
		fields: [text('Withdrawal ID', 'id', 'The withdrawal\'s ID, as returned by Withdraw or Get Withdrawal Records', { required: true })],
	},
	{
		resource: 'asset', operation: 'getAssetOverview', name: 'Get Asset Overview', action: 'Get the asset overview',
		description: 'Get total equity and holdings per account type (master account or one sub-account)', method: 'GET', path: '/v5/asset/asset-overview', docs: 'asset/balance/asset-overview',
		fields: [additional([
			{ ...subAccount('memberId', false, 'Member ID'), description: 'Sub-account UID (required to query a sub-account with the master key)' },
			text('Valuation Currency', 'valuationCurrency', 'Fiat currency to value in (default USD)'),
			choice('Account Type', 'accountType', ASSET_ACCOUNT_TYPES, 'FundingAccount', 'Only this account type (default: all)'),
		])],
	},
	{
		resource: 'asset', operation: 'getDeliveryRecords', name: 'Get Delivery Records', action: 'Get delivery records',
		description: 'Get delivery records of futures and options (30-day windows, newest first)', method: 'GET', path: '/v5/asset/delivery-record', docs: 'asset/delivery',
		fields: [category(['inverse', 'linear', 'option']), symbol(false), ...returnAllOrLimit(50), additional([text('Expiry Date', 'expDate', 'Expiry date, e.g. 25MAR22'), ...TIME_RANGE])],
		list: { listKey: 'list', pageSize: 50 },
	},
	{
		resource: 'asset', operation: 'getSettlementRecords', name: 'Get Settlement Records', action: 'Get session settlement records',
		description: 'Get session settlement records of USDC perpetuals and futures (30-day windows)', method: 'GET', path: '/v5/asset/settlement-record', docs: 'asset/settlement',
		fields: [category(['linear']), symbol(false), ...returnAllOrLimit(50), additional(TIME_RANGE)],
		list: { listKey: 'list', pageSize: 50 },
	},
	{
		resource: 'asset', operation: 'getInternalDepositRecords', name: 'Get Internal Deposit Records', action: 'Get internal deposit records',
		description: 'Get deposits from other Bybit users (off-chain, 30-day windows)', method: 'GET', path: '/v5/asset/deposit/query-internal-record', docs: 'asset/deposit/internal-deposit-record',
		fields: [...returnAllOrLimit(50), additional([text('Transaction ID', 'txID', 'Internal transfer transaction ID'), text('Coin', 'coin', 'Coin, e.g. BTC'), ...TIME_RANGE])],
		list: { listKey: 'rows', pageSize: 50 },
	},
	{
		resource: 'asset', operation: 'getExchangeRecords', name: 'Get Coin Exchange Records', action: 'Get coin exchange records',
		description: 'Get coin exchange (convert) records', method: 'GET', path: '/v5/asset/exchange/order-record', docs: 'asset/exchange',
		fields: [...returnAllOrLimit(50), additional([text('From Coin', 'fromCoin', 'Coin converted from, e.g. BTC'), text('To Coin', 'toCoin', 'Coin converted to, e.g. USDT')])],
		list: { listKey: 'orderBody', pageSize: 50 },
	},
	{
		resource: 'asset', operation: 'getSubDepositRecords', name: 'Get Sub-Account Deposit Records', action: 'Get sub account deposit records',
		description: 'Get on-chain deposits of a sub-account (master key, 30-day windows)', method: 'GET', path: '/v5/asset/deposit/query-sub-member-record', docs: 'asset/deposit/sub-deposit-record',
		fields: [subAccount('subMemberId', true), ...returnAllOrLimit(50), additional([text('ID', 'id', 'Bybit\'s internal deposit ID (takes priority over the other filters)'), text('Transaction ID', 'txID', 'On-chain transaction hash'), text('Coin', 'coin', 'Coin'), ...TIME_RANGE])],
		list: { listKey: 'rows', pageSize: 50 },
	},
	{
		resource: 'asset', operation: 'getWithdrawalAddresses', name: 'Get Withdrawal Addresses', action: 'Get withdrawal addresses',
		description: 'Get the addresses of the withdrawal address book (the key needs the withdrawal permission)', method: 'GET', path: '/v5/asset/withdraw/query-address', docs: 'asset/withdraw/withdraw-address',
		fields: [...returnAllOrLimit(50), additional([
			text('Coin', 'coin', 'Coin; "baseCoin" for universal addresses'),
			text('Chain', 'chain', 'Chain, e.g. ETH'),
			choice('Address Type', 'addressType', [['On-Chain (0)', 0], ['Internal Transfer (1)', 1], ['On-Chain and Internal Transfer (2)', 2]], 0, 'Which addresses (Coin and Chain apply to on-chain addresses only)'),
		])],
		list: { listKey: 'rows', pageSize: 50 },
		// coin is sent as given: "baseCoin" selects universal addresses
		wireTypes: { addressType: 'integer', coin: 'string' },
	},
	{
		resource: 'asset', operation: 'getVaspList', name: 'Get VASP List', action: 'Get the VASP list',
		description: 'Get the exchanges (VASPs) a travel-rule withdrawal can name as beneficiary platform', method: 'GET', path: '/v5/asset/withdraw/vasp/list', docs: 'asset/withdraw/vasp-list',
		fields: [], list: { listKey: 'vasp' },
	},
	{
		resource: 'asset', operation: 'getFundingHistory', name: 'Get Funding Account History', action: 'Get the funding account history',
		description: 'Get the transaction log of the Funding account (7-day windows)', method: 'GET', path: '/v5/asset/fundinghistory', docs: 'asset/fund-history',
		fields: [...returnAllOrLimit(100), additional([
			text('Create Time From', 'createTimeFrom', 'Start, Unix time in SECONDS; set together with Create Time To, at most 7 days apart (default: the last 7 days)', { placeholder: '1772669763' }),
			text('Create Time To', 'createTimeTo', 'End, Unix time in SECONDS; set together with Create Time From', { placeholder: '1773274563' }),
		])],
		list: { listKey: 'list', pageSize: 100 },
		// documented as strings (seconds and page size)
		wireTypes: { createTimeFrom: 'string', createTimeTo: 'string', limit: 'string' },
	},
];
