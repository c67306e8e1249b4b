import type { IDataObject } from 'n8n-workflow';

import { bybitApiRequest } from '../transport';
import { additional, category, choice, forCategories, ms, returnAllOrLimit, symbol, text, TIME_RANGE, type Category } from './fields';
import type { OperationSpec } from './types';

const KLINE_INTERVALS: Array<[string, string]> = [
	['1 Minute', '1'], ['3 Minutes', '3'], ['5 Minutes', '5'], ['15 Minutes', '15'], ['30 Minutes', '30'], ['1 Hour', '60'],
	['2 Hours', '120'], ['4 Hours', '240'], ['6 Hours', '360'], ['12 Hours', '720'], ['1 Day', 'D'], ['1 Week', 'W'], ['1 Month', 'M'],
];
const PERIODS: Array<[string, string]> = [['5 Minutes', '5min'], ['15 Minutes', '15min'], ['30 Minutes', '30min'], ['1 Hour', '1h'], ['4 Hours', '4h'], ['1 Day', '1d']];

const KLINE_PATHS: Record<string, string> = {
	last: '/v5/market/kline',
	mark: '/v5/market/mark-price-kline',
	index: '/v5/market/index-price-kline',
	premiumIndex: '/v5/market/premium-index-price-kline',
};

const KLINE_CATEGORIES: Array<[string, Category[]]> = [
	['last', ['linear', 'inverse', 'spot']],
	['mark', ['linear', 'inverse', 'option']],
	['index', ['linear', 'inverse']],
	['premiumIndex', ['linear']],
];

const KLINE_COLUMNS = ['startTime', 'open', 'high', 'low', 'close', 'volume', 'turnover'];

export const marketSpecs: OperationSpec[] = [
	{
		resource: 'market', operation: 'getServerTime', name: 'Get Server Time', action: 'Get the server time',
		description: 'Get Bybit\'s server time', method: 'GET', path: '/v5/market/time', docs: 'market/time', fields: [],
	},
	{
		resource: 'market', operation: 'getKline', name: 'Get Kline', action: 'Get candles',
		description: 'Get candles (klines) of last, mark, index or premium index price', method: 'GET', path: '/v5/market/kline', docs: 'market/kline',
		fields: [
			// one Category per price type: each offers only the categories Bybit serves for it (docs: market/kline, mark-kline, index-kline, premium-index-kline)
			...KLINE_CATEGORIES.map(([priceType, allowed]) => ({ ...category(allowed), displayOptions: { show: { priceType: [priceType] } } })),
			symbol(),
			choice('Interval', 'interval', KLINE_INTERVALS, '60', 'Candle length', true),
			choice('Price Type', 'priceType', [['Last Price', 'last'], ['Mark Price', 'mark'], ['Index Price', 'index'], ['Premium Index Price', 'premiumIndex']], 'last', 'Which price the candles are built from'),
			{ displayName: 'Simplify', name: 'simplify', type: 'boolean', default: true, description: 'Whether to return each candle as an object (startTime, open, high, low, close, volume, turnover) instead of Bybit\'s array' },
			{ displayName: 'Limit', name: 'limit', type: 'number', typeOptions: { minValue: 1, maxValue: 1000 }, default: 50, description: 'Max number of results to return' },
			additional([...TIME_RANGE.map((f) => ({ ...f, name: f.name === 'startTime' ? 'start' : 'end' }))]),
		],
		async run(i, params) {
			const { priceType = 'last', ...qs } = params;
			// option mark-price klines: at most 500 per request (docs: market/mark-kline)
			qs.limit = Math.min(this.getNodeParameter('limit', i, 50) as number, qs.category === 'option' ? 500 : 1000);
			const result = await bybitApiRequest.call(this, { method: 'GET', path: KLINE_PATHS[priceType as string] ?? KLINE_PATHS.last, qs, itemIndex: i });
			const rows = (result.list as string[][] | undefined) ?? [];
			if (!this.getNodeParameter('simplify', i, true)) return rows.map((row) => ({ symbol: result.symbol, category: result.category, kline: row }));
			return rows.map((row) => Object.fromEntries([['symbol', result.symbol], ...row.map((v, k) => [KLINE_COLUMNS[k], v])]) as IDataObject);
		},
	},
	{
		resource: 'market', operation: 'getOrderbook', name: 'Get Orderbook', action: 'Get the order book',
		description: 'Get the order book depth of a symbol', method: 'GET', path: '/v5/market/orderbook', docs: 'market/orderbook',
		fields: [category(['linear', 'inverse', 'spot', 'option']), symbol(), { displayName: 'Depth', name: 'limit', type: 'number', typeOptions: { minValue: 1, maxValue: 1000 }, default: 50, description: 'Max number of results to return' }],
		async run(i, params) {
			return await bybitApiRequest.call(this, { method: 'GET', path: '/v5/market/orderbook', qs: { ...params, limit: Math.min(this.getNodeParameter('limit', i, 50) as number, params.category === 'option' ? 25 : 1000) }, itemIndex: i });
		},
	},
	{
		resource: 'market', operation: 'getRecentTrades', name: 'Get Recent Trades', action: 'Get recent public trades',
		description: 'Get the most recent public trades (not a history: spot up to 60, others up to 1000)', method: 'GET', path: '/v5/market/recent-trade', docs: 'market/recent-trade',
		fields: [category(['linear', 'inverse', 'spot', 'option']), symbol(false), ...returnAllOrLimit(1000), additional([text('Base Coin', 'baseCoin', 'Option only, default BTC'), { displayName: 'Option Type', name: 'optionType', type: 'options', options: [{ name: 'Call', value: 'Call' }, { name: 'Put', value: 'Put' }], default: 'Call' }])],
		// no cursor: one request of up to 60 (spot) or 1,000 trades; without limit Bybit returns 60 / 500
		list: { listKey: 'list', maxLimit: { spot: 60, '*': 1000 } },
	},
	{
		resource: 'market', operation: 'getInstrumentsInfo', name: 'Get Instruments Info', action: 'Get instruments info',
		description: 'Get instrument specifications: tick size, quantity step, limits', method: 'GET', path: '/v5/market/instruments-info', docs: 'market/instrument',
		fields: [category(['linear', 'inverse', 'spot', 'option']), symbol(false), ...returnAllOrLimit(1000), additional([
			text('Base Coin', 'baseCoin', 'Filter by base coin (not spot)'),
			choice('Status', 'status', [['Pre-Launch', 'PreLaunch'], ['Trading', 'Trading'], ['Delivering', 'Delivering'], ['Closed', 'Closed']], 'Trading', 'Instrument status (default: Trading; options: Pre-Launch, Trading and Delivering)'),
			forCategories(['linear', 'inverse', 'spot'], choice('Symbol Type', 'symbolType', [['Innovation (Linear)', 'innovation'], ['Adventure (Spot)', 'adventure'], ['xStocks (Spot)', 'xstocks'], ['Commodity (Linear)', 'commodity'], ['Stock (Linear)', 'stock'], ['Forex (Linear)', 'forex']], 'innovation', 'The region or zone a symbol belongs to (linear, inverse and spot)')),
		])],
		list: { listKey: 'list', pageSize: 1000 },
	},
	{
		resource: 'market', operation: 'getTickers', name: 'Get Tickers', action: 'Get tickers',
		builderHint: 'Current price, 24 h change, volume and funding of a symbol (or all of a category). Needs no credential: set Authentication to None for price alerts and reports.',
		description: 'Get last price, best bid/ask, 24h volume and more', method: 'GET', path: '/v5/market/tickers', docs: 'market/tickers',
		fields: [category(['linear', 'inverse', 'spot', 'option']), symbol(false, 'Trading pair, e.g. BTCUSDT. Empty returns all symbols of the category.'), ...returnAllOrLimit(1000), additional([text('Base Coin', 'baseCoin', 'Option only'), text('Expiry Date', 'expDate', 'Option only, e.g. 25DEC22')])],
		list: { listKey: 'list' },
	},
	{
		resource: 'market', operation: 'getFundingRateHistory', name: 'Get Funding Rate History', action: 'Get funding rate history',
		description: 'Get historical funding rates of a perpetual', method: 'GET', path: '/v5/market/funding/history', docs: 'market/history-fund-rate',
		fields: [category(['linear', 'inverse']), symbol(), ...returnAllOrLimit(200), additional(TIME_RANGE)],
		// no cursor: one request of up to 200 rates (page back with End Time)
		list: { listKey: 'list', maxLimit: { '*': 200 } },
	},
	{
		resource: 'market', operation: 'getOpenInterest', name: 'Get Open Interest', action: 'Get open interest',
		description: 'Get open interest over time', method: 'GET', path: '/v5/market/open-interest', docs: 'market/open-interest',
		fields: [category(['linear', 'inverse']), symbol(), choice('Interval', 'intervalTime', PERIODS, '1h', 'Data interval', true), ...returnAllOrLimit(200), additional(TIME_RANGE)],
		list: { listKey: 'list', pageSize: 200 },
	},
	{
		resource: 'market', operation: 'getHistoricalVolatility', name: 'Get Historical Volatility', action: 'Get historical volatility',
		description: 'Get options historical volatility', method: 'GET', path: '/v5/market/historical-volatility', docs: 'market/iv',
		fields: [additional([text('Base Coin', 'baseCoin', 'Default BTC'), text('Quote Coin', 'quoteCoin', 'USD (default) or USDT'), { displayName: 'Period', name: 'period', type: 'number', default: 7, description: 'Period in days' }, ms('Start Time', 'startTime', 'Start'), ms('End Time', 'endTime', 'End')])],
		fixed: { category: 'option' },
		wireTypes: { period: 'integer' },
		async run(i, params) {
			// non-standard envelope: result is an array, category at the top level
			const result = (await bybitApiRequest.call(this, { method: 'GET', path: '/v5/market/historical-volatility', qs: params, itemIndex: i })) as unknown;
			return Array.isArray(result) ? (result as IDataObject[]) : [result as IDataObject];
		},
	},
	{
		resource: 'market', operation: 'getInsurance', name: 'Get Insurance', action: 'Get the insurance fund',
		description: 'Get insurance pool balances', method: 'GET', path: '/v5/market/insurance', docs: 'market/insurance',
		fields: [additional([text('Coin', 'coin', 'Coin, e.g. USDT')])], list: { listKey: 'list' },
	},
	{
		resource: 'market', operation: 'getRiskLimit', name: 'Get Risk Limit', action: 'Get risk limits',
		description: 'Get risk limit tiers', method: 'GET', path: '/v5/market/risk-limit', docs: 'market/risk-limit',
		fields: [category(['linear', 'inverse']), symbol(false), ...returnAllOrLimit(1000)], list: { listKey: 'list', cursor: true },
	},
	{
		resource: 'market', operation: 'getDeliveryPrice', name: 'Get Delivery Price', action: 'Get delivery prices',
		description: 'Get delivery prices of futures and options', method: 'GET', path: '/v5/market/delivery-price', docs: 'market/delivery-price',
		fields: [category(['linear', 'inverse', 'option']), symbol(false), ...returnAllOrLimit(200), additional([text('Base Coin', 'baseCoin', 'Option only, default BTC'), text('Settle Coin', 'settleCoin', 'Default USDC')])],
		list: { listKey: 'list', pageSize: 200 },
	},
	{
		resource: 'market', operation: 'getLongShortRatio', name: 'Get Long Short Ratio', action: 'Get the long short ratio',
		description: 'Get the ratio of accounts long and short', method: 'GET', path: '/v5/market/account-ratio', docs: 'market/long-short-ratio',
		fields: [category(['linear', 'inverse']), symbol(), choice('Period', 'period', PERIODS, '1h', 'Data period', true), ...returnAllOrLimit(500), additional(TIME_RANGE)],
		list: { listKey: 'list', pageSize: 500 },
	},
];
