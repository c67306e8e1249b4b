import { additional, category, choice, returnAllOrLimit, symbol, text, TIME_RANGE } from './fields';
import { TRANSLOG_TYPES } from './translogTypes';
import type { OperationSpec } from './types';

export const accountSpecs: OperationSpec[] = [
	{
		resource: 'account', operation: 'getWalletBalance', name: 'Get Wallet Balance', action: 'Get the wallet balance',
		description: 'Get the unified account\'s equity, margin and coin balances', method: 'GET', path: '/v5/account/wallet-balance', docs: 'account/wallet-balance',
		fields: [choice('Account Type', 'accountType', [['Unified', 'UNIFIED']], 'UNIFIED', 'Account type (only UNIFIED today)', true), additional([text('Coin', 'coin', 'Comma-separated coins, e.g. USDT,USDC (default: non-zero coins)')])],
		list: { listKey: 'list' },
	},
	{
		resource: 'account', operation: 'getFeeRate', name: 'Get Fee Rate', action: 'Get fee rates',
		description: 'Get your maker and taker fee rates', method: 'GET', path: '/v5/account/fee-rate', docs: 'account/fee-rate',
		fields: [category(['linear', 'inverse', 'spot', 'option']), symbol(false), additional([text('Base Coin', 'baseCoin', 'Option only: SOL, BTC or ETH')])],
		list: { listKey: 'list' },
	},
	{
		resource: 'account', operation: 'getAccountInfo', name: 'Get Account Info', action: 'Get account info',
		description: 'Get margin mode and account status', method: 'GET', path: '/v5/account/info', docs: 'account/account-info', fields: [],
	},
	{
		resource: 'account', operation: 'getTransactionLog', name: 'Get Transaction Log', action: 'Get the transaction log',
		description: 'Get trades, fees, funding and transfers of the unified account (24 h windows by default)', method: 'GET', path: '/v5/account/transaction-log', docs: 'account/transaction-log',
		fields: [...returnAllOrLimit(50), additional([
			choice('Account Type', 'accountType', [['Unified', 'UNIFIED']], 'UNIFIED', 'Account type'),
			// was free text: saved values that Bybit accepts (spot, linear, inverse, option) are these options' values
			choice('Category', 'category', [['Inverse', 'inverse'], ['Linear', 'linear'], ['Option', 'option'], ['Spot', 'spot']], 'linear', 'Product type'),
			text('Currency', 'currency', 'Currency, e.g. USDT'),
			text('Base Coin', 'baseCoin', 'Base coin'),
			// was free text: Bybit's documented types (enum type(uta-translog)); a saved value Bybit accepts is one of them
			choice('Type', 'type', TRANSLOG_TYPES.map((t) => [t, t]), 'TRADE', 'Transaction type'),
			choice('Trans Sub Type', 'transSubType', [['Move Position', 'movePosition']], 'movePosition', 'Only transaction logs of Move Position'),
			...TIME_RANGE,
		])],
		list: { listKey: 'list', pageSize: 50 },
	},
	{
		resource: 'account', operation: 'setMarginMode', name: 'Set Margin Mode', action: 'Set the margin mode',
		description: 'Set the account\'s margin mode: isolated, cross (regular) or portfolio margin', method: 'POST', path: '/v5/account/set-margin-mode', docs: 'account/set-margin-mode', write: true,
		fields: [choice('Margin Mode', 'setMarginMode', [['Cross (Regular) Margin', 'REGULAR_MARGIN'], ['Isolated Margin', 'ISOLATED_MARGIN'], ['Portfolio Margin', 'PORTFOLIO_MARGIN']], 'REGULAR_MARGIN', 'Account margin mode', true)],
	},
	{
		resource: 'account', operation: 'getCollateralInfo', name: 'Get Collateral Info', action: 'Get collateral info',
		description: 'Get borrow rates and collateral settings per coin', method: 'GET', path: '/v5/account/collateral-info', docs: 'account/collateral-info',
		fields: [additional([text('Currency', 'currency', 'Coin, e.g. BTC')])], list: { listKey: 'list' },
	},
	{
		resource: 'account', operation: 'getBorrowHistory', name: 'Get Borrow History', action: 'Get borrow history',
		description: 'Get interest charged on borrowings (30-day windows)', method: 'GET', path: '/v5/account/borrow-history', docs: 'account/borrow-history',
		fields: [...returnAllOrLimit(50), additional([text('Currency', 'currency', 'Coin, e.g. USDT'), ...TIME_RANGE])], list: { listKey: 'list', pageSize: 50 },
	},
];
