/**
 * Fixed-rate borrowing of spot margin (docs: spot-margin-uta/fixedborrow*,
 * fixed-available-inventory): lenders' quotes, a borrow order at a chosen
 * annual rate and term, renewals, and the orders and loan contracts. Every
 * request field is a string on Bybit's side except `sort`.
 */
import { NodeOperationError } from 'n8n-workflow';

import { decimalMath as D } from '../trading/lazy';
import { bybitApiRequest } from '../transport';
import { additional, choice, coin, decimal, returnAllOrLimit, text } from './fields';
import { checkDecimal } from './inputs';
import type { OperationSpec } from './types';

const TERMS: Array<[string, string]> = [['7 Days', '7'], ['14 Days', '14'], ['30 Days', '30'], ['90 Days', '90'], ['180 Days', '180']];
const TERM = choice('Term', 'term', TERMS, '7', 'Fixed term in days');
const STRINGS = { term: 'string', orderAmount: 'string', annualRate: 'string', repayType: 'string', strategyType: 'string', state: 'string', orderCurrency: 'string', currency: 'string' } as const;
const docs = (page: string) => `spot-margin-uta/${page}`;

export const spotMarginFixedSpecs: OperationSpec[] = [
	{
		resource: 'spotMargin', operation: 'getFixedBorrowQuote', name: 'Get Fixed Borrow Quote', action: 'Get fixed-rate borrow quotes',
		description: 'Get lenders\' offers (annual rate, term, quantity) for borrowing a coin at a fixed rate', method: 'GET', path: '/v5/spot-margin-trade/fixedborrow-order-quote', docs: docs('fixedborrow-order-quote'),
		fields: [coin('orderCurrency', true, 'Order Currency'), ...returnAllOrLimit(100), additional([TERM, choice('Order By', 'orderBy', [['Annual Rate', 'apy'], ['Quantity', 'quantity'], ['Term', 'term']], 'apy', 'Sort field'), choice('Sort', 'sort', [['Ascending (0)', 0], ['Descending (1)', 1]], 0, 'Sort direction')])],
		list: { listKey: 'list', maxLimit: { '*': 100 } },
		wireTypes: { ...STRINGS, sort: 'integer' },
	},
	{
		resource: 'spotMargin', operation: 'fixedBorrow', name: 'Fixed Borrow', action: 'Borrow at a fixed rate',
		description: 'Place a fixed-rate borrow order: the coin is credited to the unified account and owed with interest until the term ends', method: 'POST', path: '/v5/spot-margin-trade/fixedborrow', docs: docs('fixedborrow'), write: true,
		fields: [
			coin('orderCurrency', true, 'Order Currency'),
			decimal('Order Amount', 'orderAmount', 'Amount to borrow', true, '1000'),
			decimal('Annual Rate', 'annualRate', 'Highest annual interest rate accepted, e.g. 0.02 for 2%', true, '0.02'),
			{ ...TERM, required: true },
			additional([
				choice('Repay Type', 'repayType', [['Auto Repayment (1)', '1'], ['Transfer to Flexible Loan (2)', '2']], '1', 'What happens at the end of the term'),
				choice('Strategy Type', 'strategyType', [['Full Fill Only', 'FULL'], ['Allow Partial Fill', 'PARTIAL']], 'PARTIAL', 'Whether a partial fill is accepted'),
			]),
		],
		wireTypes: STRINGS,
		async run(i, params) {
			for (const name of ['orderAmount', 'annualRate']) {
				try {
					params[name] = checkDecimal(name, params[name] as string | number);
				} catch (error) {
					throw new NodeOperationError(this.getNode(), (error as Error).message, { itemIndex: i });
				}
				if (D.compare(String(params[name]), '0') <= 0) throw new NodeOperationError(this.getNode(), `"${name}" must be above 0, got "${String(params[name])}".`, { itemIndex: i });
			}
			return await bybitApiRequest.call(this, { method: 'POST', path: '/v5/spot-margin-trade/fixedborrow', body: params, itemIndex: i });
		},
	},
	{
		resource: 'spotMargin', operation: 'renewFixedBorrow', name: 'Renew Fixed Borrow', action: 'Renew a fixed-rate loan',
		description: 'Renew a fixed-rate loan contract (all of its remaining principal, or a quantity) for another term', method: 'POST', path: '/v5/spot-margin-trade/fixedborrow-renew', docs: docs('fixedborrow-renew'), write: true,
		fields: [text('Loan ID', 'loanId', 'The loan contract\'s ID (Get Fixed Borrow Contracts)', { required: true }), additional([decimal('Quantity', 'qty', 'Quantity to renew (default: the whole remaining principal)')])],
		async run(i, params) {
			// Bybit's result is the text "Success" or "Failure": one output object per item
			const result = (await bybitApiRequest.call(this, { method: 'POST', path: '/v5/spot-margin-trade/fixedborrow-renew', body: params, itemIndex: i })) as unknown;
			return { loanId: params.loanId, result: typeof result === 'string' ? result : JSON.stringify(result) };
		},
	},
	{
		resource: 'spotMargin', operation: 'getFixedBorrowOrders', name: 'Get Fixed Borrow Orders', action: 'Get fixed-rate borrow orders',
		description: 'Get fixed-rate borrow orders, newest first', method: 'GET', path: '/v5/spot-margin-trade/fixedborrow-order-info', docs: docs('fixedborrow-order-info'),
		fields: [...returnAllOrLimit(100), additional([text('Order ID', 'orderId', 'Loan order ID'), text('Order Currency', 'orderCurrency', 'Coin, e.g. USDT'), choice('State', 'state', [['Matching (1)', '1'], ['Partially Filled and Cancelled (2)', '2'], ['Fully Filled (3)', '3'], ['Cancelled (4)', '4']], '3', 'Order status'), TERM])],
		list: { listKey: 'list', pageSize: 100 },
		wireTypes: STRINGS,
	},
	{
		resource: 'spotMargin', operation: 'getFixedBorrowContracts', name: 'Get Fixed Borrow Contracts', action: 'Get fixed-rate loan contracts',
		description: 'Get fixed-rate loan contracts (principal left, repayment time), newest first', method: 'GET', path: '/v5/spot-margin-trade/fixedborrow-contract-info', docs: docs('fixedborrow-contract-info'),
		fields: [...returnAllOrLimit(100), additional([text('Order ID', 'orderId', 'Loan order ID'), text('Order Currency', 'orderCurrency', 'Coin, e.g. USDT'), TERM])],
		list: { listKey: 'list', pageSize: 100 },
		wireTypes: STRINGS,
	},
	{
		resource: 'spotMargin', operation: 'getFixedAvailableInventory', name: 'Get Fixed Available Inventory', action: 'Get the fixed-rate available inventory',
		description: 'Get how much of a coin can be borrowed for a term at an annual rate', method: 'GET', path: '/v5/spot-margin-trade/fixed-available-inventory', docs: docs('fixed-available-inventory'),
		fields: [coin('currency', true, 'Currency'), { ...TERM, required: true }, decimal('Annual Rate', 'annualRate', 'Annual interest rate, e.g. 0.02 for 2%', true, '0.02')],
		wireTypes: STRINGS,
	},
];
