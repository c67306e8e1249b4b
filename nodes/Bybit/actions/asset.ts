import type { IDataObject } from 'n8n-workflow';

import { writes } from '../trading/lazy';
import type { IdempotencySpec } from '../trading/writeOnce';
import { additional, choice, coin, decimal, returnAllOrLimit, text, TIME_RANGE } from './fields';
import type { OperationSpec } from './types';

const ACCOUNT_TYPES: Array<[string, string]> = [['Funding (FUND)', 'FUND'], ['Unified (UNIFIED)', 'UNIFIED']];
const ZERO_ONE = (no: string, yes: string): Array<[string, number]> => [[`${no} (0)`, 0], [`${yes} (1)`, 1]];
const WITH_BONUS = choice('With Bonus', 'withBonus', ZERO_ONE('No', 'Yes'), 0, 'Whether to return the bonus (1) or not (0)');
const JSON_OBJECT = (displayName: string, name: string, description: string) => ({ displayName, name, type: 'json' as const, default: '{}', description });

/**
 * Transfers carry a client UUID (generated per item when empty, before
 * sending). A lost answer is resolved by looking the transferId up in the
 * records before any re-send; 131214 ("TransferId exist") returns the
 * existing transfer. Any status found (SUCCESS, PENDING, FAILED) is the
 * transfer that exists: it is returned as it is, never made again.
 */
function transferIdempotency(recordsPath: string): IdempotencySpec {
	return {
		idField: 'transferId',
		generate: true,
		duplicateCodes: [131214],
		lookup: { paths: [recordsPath], listKey: 'list', match: 'contains' },
		answer: ['transferId', 'status'],
		recordKey: 'transfer',
	};
}

/**
 * Withdrawals: `requestId` is Bybit's idempotency key, but no endpoint finds
 * a withdrawal by it, so a lost answer is never re-sent (the error says so);
 * a repeated requestId is refused by Bybit (10014) and never withdraws twice.
 */
const WITHDRAW_IDEMPOTENCY: IdempotencySpec = { idField: 'requestId', duplicateCodes: [10014], answer: ['id'], recordKey: 'withdrawal' };

export const assetSpecs: OperationSpec[] = [
	{
		resource: 'asset', operation: 'getCoinInfo', name: 'Get Coin Info', action: 'Get coin info',
		description: 'Get chains, deposit and withdrawal settings of coins', method: 'GET', path: '/v5/asset/coin/query-info', docs: 'asset/coin-info',
		fields: [additional([text('Coin', 'coin', 'Coin, e.g. USDT')])], list: { listKey: 'rows' },
	},
	{
		resource: 'asset', operation: 'getAllCoinsBalance', name: 'Get All Coins Balance', action: 'Get all coins balance',
		description: 'Get balances of all coins of an account type', method: 'GET', path: '/v5/asset/transfer/query-account-coins-balance', docs: 'asset/balance/all-balance',
		fields: [choice('Account Type', 'accountType', ACCOUNT_TYPES, 'FUND', 'Account type', true), additional([text('Coin', 'coin', 'Comma-separated coins (required for UNIFIED, up to 10)'), text('Member ID', 'memberId', 'Sub-account UID (master key only)'), WITH_BONUS])],
		list: { listKey: 'balance' },
	},
	{
		resource: 'asset', operation: 'getSingleCoinBalance', name: 'Get Single Coin Balance', action: 'Get a single coin balance',
		description: 'Get one coin\'s balance and transferable amount', method: 'GET', path: '/v5/asset/transfer/query-account-coin-balance', docs: 'asset/balance/account-coin-balance',
		fields: [
			choice('Account Type', 'accountType', ACCOUNT_TYPES, 'UNIFIED', 'Account type', true),
			coin(),
			additional([
				text('Member ID', 'memberId', 'Sub-account UID (required to query a sub-account with the master key)'),
				text('To Member ID', 'toMemberId', 'UID to transfer to (required for the transferable amount between UIDs)'),
				choice('To Account Type', 'toAccountType', ACCOUNT_TYPES, 'FUND', 'Account type to transfer to (required for the transferable amount between account types)'),
				WITH_BONUS,
				choice('With Transfer Safe Amount', 'withTransferSafeAmount', ZERO_ONE('No', 'Yes'), 0, 'Whether to return the delayed withdraw/transfer safe amount (1) or not (0)'),
				choice('With LTV Transfer Safe Amount', 'withLtvTransferSafeAmount', ZERO_ONE('No', 'Yes'), 0, 'OTC loan users: whether to return the amount transferable under the risk level (1, needs To Account Type) or not (0)'),
			]),
		],
	},
	{
		resource: 'asset', operation: 'getTransferableCoins', name: 'Get Transferable Coins', action: 'Get transferable coins',
		description: 'Get coins that can move between two account types', method: 'GET', path: '/v5/asset/transfer/query-transfer-coin-list', docs: 'asset/transfer/transferable-coin',
		fields: [choice('From Account Type', 'fromAccountType', ACCOUNT_TYPES, 'FUND', 'Source account', true), choice('To Account Type', 'toAccountType', ACCOUNT_TYPES, 'UNIFIED', 'Destination account', true)],
	},
	{
		resource: 'asset', operation: 'createInternalTransfer', name: 'Create Internal Transfer', action: 'Transfer between own accounts',
		description: 'Move funds between your own account types (e.g. FUND to UNIFIED)', method: 'POST', path: '/v5/asset/transfer/inter-transfer', docs: 'asset/transfer/create-inter-transfer', write: true,
		fields: [coin(), decimal('Amount', 'amount', 'Amount to transfer', true, '100'), choice('From Account Type', 'fromAccountType', ACCOUNT_TYPES, 'FUND', 'Source account', true), choice('To Account Type', 'toAccountType', ACCOUNT_TYPES, 'UNIFIED', 'Destination account', true), additional([text('Transfer ID', 'transferId', 'Your UUID for this transfer (generated when empty); reusing it never transfers twice')])],
		idempotency: transferIdempotency('/v5/asset/transfer/query-inter-transfer-list'),
	},
	{
		resource: 'asset', operation: 'getInternalTransferRecords', name: 'Get Internal Transfer Records', action: 'Get internal transfer records',
		description: 'Get transfers between your own accounts', method: 'GET', path: '/v5/asset/transfer/query-inter-transfer-list', docs: 'asset/transfer/inter-transfer-list',
		fields: [...returnAllOrLimit(50), additional([text('Transfer ID', 'transferId', 'Transfer UUID'), text('Coin', 'coin', 'Coin'), choice('Status', 'status', [['Failed', 'FAILED'], ['Pending', 'PENDING'], ['Success', 'SUCCESS']], 'SUCCESS', 'Transfer status'), ...TIME_RANGE])],
		list: { listKey: 'list', pageSize: 50 },
	},
	{
		resource: 'asset', operation: 'createUniversalTransfer', name: 'Create Universal Transfer', action: 'Transfer between sub accounts',
		description: 'Move funds between the master account and sub-accounts', method: 'POST', path: '/v5/asset/transfer/universal-transfer', docs: 'asset/transfer/unitransfer', write: true,
		fields: [coin(), decimal('Amount', 'amount', 'Amount to transfer', true, '100'), text('From Member ID', 'fromMemberId', 'Source UID', { required: true }), text('To Member ID', 'toMemberId', 'Destination UID', { required: true }), choice('From Account Type', 'fromAccountType', ACCOUNT_TYPES, 'FUND', 'Source account', true), choice('To Account Type', 'toAccountType', ACCOUNT_TYPES, 'FUND', 'Destination account', true), additional([text('Transfer ID', 'transferId', 'Your UUID for this transfer (generated when empty)')])],
		idempotency: transferIdempotency('/v5/asset/transfer/query-universal-transfer-list'),
		// documented as integers (UIDs): sent as JSON numbers
		wireTypes: { fromMemberId: 'integer', toMemberId: 'integer' },
	},
	{
		resource: 'asset', operation: 'getUniversalTransferRecords', name: 'Get Universal Transfer Records', action: 'Get universal transfer records',
		description: 'Get transfers between master and sub-accounts', method: 'GET', path: '/v5/asset/transfer/query-universal-transfer-list', docs: 'asset/transfer/unitransfer-list',
		fields: [...returnAllOrLimit(50), additional([text('Transfer ID', 'transferId', 'Transfer UUID'), text('Coin', 'coin', 'Coin'), choice('Status', 'status', [['Failed', 'FAILED'], ['Pending', 'PENDING'], ['Success', 'SUCCESS']], 'SUCCESS', 'Transfer status'), ...TIME_RANGE])],
		list: { listKey: 'list', pageSize: 50 },
	},
	{
		resource: 'asset', operation: 'getDepositRecords', name: 'Get Deposit Records', action: 'Get deposit records',
		description: 'Get on-chain deposits (30-day windows)', method: 'GET', path: '/v5/asset/deposit/query-record', docs: 'asset/deposit/deposit-record',
		fields: [...returnAllOrLimit(50), additional([text('ID', 'id', 'Bybit\'s internal deposit ID (takes priority over the other filters)'), text('Coin', 'coin', 'Coin'), text('Transaction ID', 'txID', 'On-chain transaction hash'), ...TIME_RANGE])],
		list: { listKey: 'rows', pageSize: 50 },
	},
	{
		resource: 'asset', operation: 'getWithdrawalRecords', name: 'Get Withdrawal Records', action: 'Get withdrawal records',
		description: 'Get withdrawals (master key, 30-day windows)', method: 'GET', path: '/v5/asset/withdraw/query-record', docs: 'asset/withdraw/withdraw-record',
		fields: [...returnAllOrLimit(50), additional([text('Coin', 'coin', 'Coin'), text('Withdraw ID', 'withdrawID', 'Withdrawal ID'), text('Transaction ID', 'txID', 'On-chain transaction hash'), choice('Withdraw Type', 'withdrawType', [['All (2)', 2], ['Off-Chain (1)', 1], ['On-Chain (0)', 0]], 2, 'Which withdrawals'), ...TIME_RANGE])],
		list: { listKey: 'rows', pageSize: 50 },
	},
	{
		resource: 'asset', operation: 'getDepositAddress', name: 'Get Deposit Address', action: 'Get a deposit address',
		description: 'Get the deposit address of a coin, per chain', method: 'GET', path: '/v5/asset/deposit/query-address', docs: 'asset/deposit/master-deposit-addr',
		fields: [coin(), additional([text('Chain Type', 'chainType', 'Chain, e.g. ETH or TRX')])],
	},
	{
		resource: 'asset', operation: 'withdraw', name: 'Withdraw', action: 'Withdraw funds',
		description: 'Withdraw to a whitelisted address (blocked unless the credential allows withdrawals)', method: 'POST', path: '/v5/asset/withdraw/create', docs: 'asset/withdraw', write: true,
		fields: [coin(), text('Chain', 'chain', 'Chain, e.g. ETH (required for on-chain withdrawals)'), text('Address', 'address', 'Whitelisted address (or UID when Force Chain is 2)', { required: true }), decimal('Amount', 'amount', 'Amount to withdraw', true), choice('Account Type', 'accountType', [['Earn (EARN)', 'EARN'], ['Funding (FUND)', 'FUND'], ['Funding, Then Unified, Then Earn (FUND,UTA,EARN)', 'FUND,UTA,EARN'], ['Unified (UTA)', 'UTA']], 'FUND', 'Account to withdraw from', true),
			additional([
				text('Tag', 'tag', 'Memo or tag, if the chain needs one'),
				choice('Force Chain', 'forceChain', [['Internal First (0)', 0], ['On-Chain (1)', 1], ['By UID (2)', 2]], 0, 'Internal or on-chain'),
				choice('Fee Type', 'feeType', [['Amount Is Received, Fee Added (0)', 0], ['Fee Deducted From Amount (1)', 1]], 0, 'Whether Amount is what arrives (0) or the fee is deducted from it (1)'),
				text('Request ID', 'requestId', 'Your idempotency key (1-32 letters and digits)'),
				text('Transaction Purpose', 'transactionPurpose', 'Purpose of the withdrawal, at least 20 characters (travel rule: required for Bybit Turkey users)'),
				JSON_OBJECT('Questionnaire', 'questionnaire', 'Travel-rule questionnaire (JSON object, sent as a JSON string of at most 16,384 bytes); supersedes Beneficiary and Transaction Purpose'),
				JSON_OBJECT('Beneficiary', 'beneficiary', 'Travel-rule beneficiary (JSON object, e.g. {"vaspEntityId": "...", "beneficiaryName": "..."}): required for some regions (KR, IND, TR, KZ, ID, UAE)'),
			]),
		],
		async run(i, params) {
			const body: IDataObject = { ...params, timestamp: Date.now() };
			return await writes.writeOnce(this, '/v5/asset/withdraw/create', body, WITHDRAW_IDEMPOTENCY, i);
		},
	},
];
