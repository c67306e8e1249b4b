/**
 * Convert on the wire: `side` and `index`/`limit` go out as integers (text in
 * the query), amounts as decimal strings, requestCoin defaults to fromCoin.
 * The whole quote → confirm → status → history flow, with balances, expiry
 * and the credential's limits, is in ../actions/convert.test.ts.
 */
import { rl } from '../../../harness/execute';
import type { CaseGroup } from './case';

export const convertCases: CaseGroup = () => [
	{ op: 'convert.getCoinList', params: { accountType: 'eb_convert_uta' }, wire: { accountType: 'eb_convert_uta' }, min: 5 },
	{ op: 'convert.getCoinList', params: { accountType: 'eb_convert_funding', additionalFields: { side: 1, coin: 'ETH' } }, wire: { side: '1', coin: 'ETH' }, min: 4 },
	{
		op: 'convert.requestQuote',
		params: { accountType: 'eb_convert_uta', fromCoin: rl('BTC'), toCoin: rl('USDT'), requestAmount: 0.01, additionalFields: { requestId: 'conf-q-1', paramType: 'opFrom', paramValue: 'broker-1' } },
		wire: { accountType: 'eb_convert_uta', fromCoin: 'BTC', toCoin: 'USDT', requestCoin: 'BTC', requestAmount: '0.01', requestId: 'conf-q-1', paramType: 'opFrom' },
	},
	{ op: 'convert.requestQuote', params: { accountType: 'eb_convert_uta', fromCoin: rl('BTC'), toCoin: rl('USDT'), requestAmount: '5' }, wire: { requestAmount: '5' }, error: /700007|Large amount limit/, retCode: 700007 },
	{ op: 'convert.requestQuote', params: { accountType: 'eb_convert_uta', fromCoin: rl('BTC'), toCoin: rl('USDT'), requestAmount: '1e-3' }, error: /"requestAmount" must be a decimal number/ },
	{ op: 'convert.confirmQuote', params: { quoteTxId: '10100108106409343501030232064' }, wire: { quoteTxId: '10100108106409343501030232064' }, error: /700008|price time out/, retCode: 700008 },
	{ op: 'convert.getConvertStatus', params: { quoteTxId: '10100108106409343501030232064', accountType: 'eb_convert_uta' }, wire: { quoteTxId: '10100108106409343501030232064' }, error: /700004/, retCode: 700004 },
	{ op: 'convert.getConvertHistory', params: { returnAll: true, additionalFields: { accountType: 'eb_convert_uta,eb_convert_funding' } }, wire: { accountType: 'eb_convert_uta,eb_convert_funding', index: '1', limit: '100' }, min: 0 },
	{ op: 'convert.getConvertHistory', params: { returnAll: false, limit: 7 }, wire: { index: '1', limit: '7' }, min: 0 },
];
