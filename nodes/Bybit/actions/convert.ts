/**
 * Convert (docs: asset/convert/*): list the coins, request a quote (15 s),
 * confirm it (this moves funds), then read its status or the history. The
 * quote Bybit answers is remembered per key (trading/convertQuotes.ts): under
 * the credential's limits only such a quote can be confirmed.
 */
import { NodeOperationError, type IDataObject } from 'n8n-workflow';

import { decimalMath as D } from '../trading/lazy';
import { bybitApiRequest, bybitApiRequestNumberedPages, credentialScope } from '../transport';
import { rememberQuote } from '../trading/convertQuotes';

import { additional, choice, coin, decimal, returnAllOrLimit, text } from './fields';
import { checkDecimal } from './inputs';
import type { OperationSpec } from './types';

const ACCOUNT_TYPES: Array<[string, string]> = [['Funding (eb_convert_funding)', 'eb_convert_funding'], ['Unified (eb_convert_uta)', 'eb_convert_uta']];
const COIN_LIST_ACCOUNT_TYPES: Array<[string, string]> = [
	...ACCOUNT_TYPES,
	['Classic Contract (eb_convert_contract)', 'eb_convert_contract'],
	['Classic Inverse (eb_convert_inverse)', 'eb_convert_inverse'],
	['Classic Spot (eb_convert_spot)', 'eb_convert_spot'],
];
const QUOTE_TX_ID = text('Quote Transaction ID', 'quoteTxId', 'The quoteTxId from Request a Quote', { required: true });
const HISTORY_PAGE = 100;

export const convertSpecs: OperationSpec[] = [
	{
		resource: 'convert', operation: 'getCoinList', name: 'Get Coin List', action: 'Get the convertible coins',
		description: 'Get the coins you can convert from (with your balance) or to, with per-transaction limits', method: 'GET', path: '/v5/asset/exchange/query-coin-list', docs: 'asset/convert/convert-coin-list',
		fields: [
			choice('Account Type', 'accountType', COIN_LIST_ACCOUNT_TYPES, 'eb_convert_uta', 'Wallet to convert in', true),
			additional([
				choice('Side', 'side', [['From Coins (0)', 0], ['To Coins (1)', 1]], 0, 'From Coins: coins you can sell, with balances; To Coins: coins you can buy (for Coin, when set)'),
				text('Coin', 'coin', 'To Coins only: the coin to sell, upper case, e.g. ETH'),
			]),
		],
		list: { listKey: 'coins' },
		wireTypes: { side: 'integer' },
	},
	{
		resource: 'convert', operation: 'requestQuote', name: 'Request a Quote', action: 'Request a convert quote',
		description: 'Get a price to convert one coin to another, valid 15 seconds (nothing moves until confirmed)', method: 'POST', path: '/v5/asset/exchange/quote-apply', docs: 'asset/convert/apply-quote', write: true,
		fields: [
			choice('Account Type', 'accountType', ACCOUNT_TYPES, 'eb_convert_uta', 'Wallet to convert in', true),
			coin('fromCoin', true, 'From Coin'),
			coin('toCoin', true, 'To Coin'),
			decimal('Request Amount', 'requestAmount', 'Amount of From Coin to sell', true, '0.1'),
			additional([
				text('Request Coin', 'requestCoin', 'Coin the amount is in (Bybit: the From Coin, the default)'),
				text('Request ID', 'requestId', 'Your own ID for this quote (max 36 characters)'),
				choice('From Coin Type', 'fromCoinType', [['Crypto', 'crypto']], 'crypto', 'Type of From Coin'),
				choice('To Coin Type', 'toCoinType', [['Crypto', 'crypto']], 'crypto', 'Type of To Coin'),
				choice('Param Type', 'paramType', [['Op From (Broker)', 'opFrom']], 'opFrom', 'API brokers only'),
				text('Param Value', 'paramValue', 'API brokers only: the broker ID'),
			]),
		],
		async run(i, params) {
			let amount: string;
			try {
				amount = checkDecimal('requestAmount', params.requestAmount as string | number);
			} catch (error) {
				throw new NodeOperationError(this.getNode(), (error as Error).message, { itemIndex: i });
			}
			if (D.compare(amount, '0') <= 0) throw new NodeOperationError(this.getNode(), `"requestAmount" must be above 0, got "${amount}". Give the amount of From Coin to sell, e.g. 0.1.`, { itemIndex: i });
			const body: IDataObject = { ...params, requestAmount: amount, requestCoin: params.requestCoin ?? params.fromCoin };
			const result = await bybitApiRequest.call(this, { method: 'POST', path: '/v5/asset/exchange/quote-apply', body, itemIndex: i });
			rememberQuote(await credentialScope(this), result);
			return result;
		},
	},
	{
		resource: 'convert', operation: 'confirmQuote', name: 'Confirm a Quote', action: 'Confirm a convert quote',
		description: 'Execute a quote before it expires: this converts the funds', method: 'POST', path: '/v5/asset/exchange/convert-execute', docs: 'asset/convert/confirm-quote', write: true,
		fields: [{ ...QUOTE_TX_ID, hint: 'Under the credential\'s Max Order Notional or Allowed Symbols, only quotes requested by this node with the same credential in the last minute can be confirmed' }],
	},
	{
		resource: 'convert', operation: 'getConvertStatus', name: 'Get Convert Status', action: 'Get a convert status',
		description: 'Get the status and amounts of a confirmed quote', method: 'GET', path: '/v5/asset/exchange/convert-result-query', docs: 'asset/convert/get-convert-result',
		fields: [QUOTE_TX_ID, choice('Account Type', 'accountType', ACCOUNT_TYPES, 'eb_convert_uta', 'Wallet the quote was requested in', true)],
		async run(i, params) {
			const result = await bybitApiRequest.call(this, { method: 'GET', path: '/v5/asset/exchange/convert-result-query', qs: params, itemIndex: i });
			return (result.result as IDataObject | undefined) ?? result;
		},
	},
	{
		resource: 'convert', operation: 'getConvertHistory', name: 'Get Convert History', action: 'Get the convert history',
		description: 'Get confirmed converts (API and web), newest first', method: 'GET', path: '/v5/asset/exchange/query-convert-history', docs: 'asset/convert/get-convert-history',
		fields: [...returnAllOrLimit(HISTORY_PAGE), additional([text('Account Type', 'accountType', 'Comma-separated wallet types, e.g. eb_convert_uta,eb_convert_funding (also funding, funding_fiat, funding_fbtc_convert, funding_block_trade; default: all)')])],
		list: { listKey: 'list', pageSize: HISTORY_PAGE },
		wireTypes: { index: 'integer' },
		// pages by number (`index`, from 1), not by cursor
		async run(i, params) {
			const returnAll = this.getNodeParameter('returnAll', i, false) as boolean;
			const limit = returnAll ? undefined : (this.getNodeParameter('limit', i, 50) as number);
			const req = { method: 'GET' as const, path: '/v5/asset/exchange/query-convert-history' as const, qs: params, itemIndex: i };
			return await bybitApiRequestNumberedPages.call(this, req, { pageParam: 'index', pageSize: HISTORY_PAGE, limit });
		},
	},
];
