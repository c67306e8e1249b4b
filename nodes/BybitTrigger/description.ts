import type { INodeProperties } from 'n8n-workflow';

import { compareNames, publicStreamHosts } from '../../credentials/common/bybit/endpoints';
import { symbolLocator } from '../Bybit/methods/symbolLocator';

const ACCOUNT = { show: { source: ['account'] } };
const MARKET = { show: { source: ['market'] } };
const marketEvent = (events: string[]) => ({ show: { source: ['market'], marketEvent: events } });
/** Events whose topic names no symbol (a contract group, or nothing): Market Category and Symbol do not apply. */
const NO_SYMBOL = ['insurance', 'adlAlert', 'systemStatus'];

export const triggerProperties: INodeProperties[] = [
	{
		displayName: 'Source',
		name: 'source',
		type: 'options',
		noDataExpression: true,
		options: [
			{ name: 'Account (Private Streams)', value: 'account', description: 'Your orders, executions, positions and wallet; needs the Bybit API credential' },
			{ name: 'Market (Public Streams)', value: 'market', description: 'Tickers, candles, trades, order book, liquidations; no credential needed' },
		],
		default: 'account',
	},
	{
		displayName: 'Events',
		name: 'events',
		type: 'multiOptions',
		displayOptions: ACCOUNT,
		options: [
			{
				name: 'DCP (Keep Disconnect Cancel All Armed)',
				value: 'dcp',
				description: 'Subscribes dcp.future, dcp.spot and dcp.option (only the Category\'s product when one is chosen): once every connection holding it is gone (the workflow deactivated, n8n down) for the window set with the Bybit node\'s Order → Set Disconnect Cancel All, Bybit cancels your open orders. Emits no items itself.',
			},
			{ name: 'Execution', value: 'execution', description: 'Your fills, with fees' },
			{ name: 'Execution (Fast)', value: 'executionFast', description: 'Lower-latency fills (trades only, fewer fields)' },
			{ name: 'Greeks', value: 'greeks', description: 'Option greeks of the account' },
			{ name: 'Order', value: 'order', description: 'Order updates: new, filled, cancelled and more' },
			{ name: 'Position', value: 'position', description: 'Position updates' },
			{ name: 'Wallet', value: 'wallet', description: 'Balance changes' },
		],
		default: ['order'],
		required: true,
	},
	{
		displayName: 'Category',
		name: 'category',
		type: 'options',
		displayOptions: ACCOUNT,
		options: [
			{ name: 'All Categories', value: '' },
			{ name: 'Inverse', value: 'inverse' },
			{ name: 'Linear', value: 'linear' },
			{ name: 'Option', value: 'option' },
			{ name: 'Spot', value: 'spot' },
		],
		default: '',
		description: 'Subscribe to the category topics (order.linear, ...) instead of all categories',
	},
	{
		displayName: 'Filters',
		name: 'filters',
		type: 'collection',
		placeholder: 'Add Filter',
		displayOptions: ACCOUNT,
		default: {},
		options: [
			{ displayName: 'Order Link ID Prefix', name: 'orderLinkIdPrefix', type: 'string', default: '', description: 'Only orders and fills whose orderLinkId starts with this' },
			{
				displayName: 'Order Status',
				name: 'orderStatus',
				type: 'multiOptions',
				options: ['Cancelled', 'Deactivated', 'Filled', 'New', 'PartiallyFilled', 'PartiallyFilledCanceled', 'Rejected', 'Triggered', 'Untriggered'].map((s) => ({ name: s, value: s })),
				default: [],
				description: 'Only order updates in these statuses',
			},
			{ displayName: 'Side', name: 'side', type: 'options', options: [{ name: 'Buy', value: 'Buy' }, { name: 'Sell', value: 'Sell' }], default: 'Buy' },
			{ displayName: 'Symbols', name: 'symbols', type: 'string', default: '', placeholder: 'BTCUSDT, ETHUSDT', description: 'Comma-separated symbols' },
		],
	},
	{
		displayName: 'Public Host',
		name: 'publicHost',
		type: 'options',
		displayOptions: MARKET,
		// mainnet, testnet and the regional sites with their own public streams (values: environment keys of endpoints.ts)
		options: [{ name: 'Custom URL', value: 'custom' }, ...publicStreamHosts()].sort((a, b) => compareNames(a.name, b.name)),
		default: 'mainnet',
	},
	{
		displayName: 'WebSocket Base URL',
		name: 'publicWsUrl',
		type: 'string',
		displayOptions: { show: { source: ['market'], publicHost: ['custom'] } },
		default: '',
		placeholder: 'ws://127.0.0.1:8790',
		description: 'Base URL without a path, e.g. a sandbox',
	},
	{
		displayName: 'Market Category',
		name: 'marketCategory',
		type: 'options',
		displayOptions: { ...MARKET, hide: { marketEvent: NO_SYMBOL } },
		options: [
			{ name: 'Inverse', value: 'inverse' },
			{ name: 'Linear', value: 'linear' },
			{ name: 'Option', value: 'option' },
			{ name: 'Spot', value: 'spot' },
		],
		default: 'linear',
	},
	// version 1 saved the symbol as text; 1.1 has the locator (list, symbol, trading-page URL)
	{ displayName: 'Symbol', name: 'symbol', type: 'string', displayOptions: { show: { source: ['market'], '@version': [1] }, hide: { marketEvent: NO_SYMBOL } }, default: 'BTCUSDT', required: true },
	{
		...symbolLocator({ searchListMethod: 'searchSymbols', description: 'Trading pair of the Market Category, e.g. BTCUSDT', default: 'BTCUSDT' }),
		displayOptions: { show: { source: ['market'], '@version': [{ _cnd: { gte: 1.1 } }] }, hide: { marketEvent: NO_SYMBOL } },
	},
	{
		displayName: 'Event',
		name: 'marketEvent',
		type: 'options',
		displayOptions: MARKET,
		options: [
			{ name: 'ADL Alert', value: 'adlAlert', description: 'Auto-deleveraging alerts per symbol of a contract group (emitted when an entry changes)' },
			{ name: 'Candle Closed', value: 'kline' },
			{ name: 'Insurance Pool Balance', value: 'insurance', description: 'Balance updates of the isolated insurance pools of a contract group' },
			{ name: 'Large Liquidation', value: 'liquidation' },
			{ name: 'Large Trade', value: 'publicTrade' },
			{ name: 'Order Book Snapshot', value: 'orderbook' },
			{ name: 'Order Price Limit', value: 'priceLimit', description: 'The highest buy and lowest sell price Bybit accepts for the symbol (emitted when they change)' },
			{ name: 'Price Condition', value: 'ticker' },
			{ name: 'System Status', value: 'systemStatus', description: 'Bybit platform maintenance and incidents (emitted when one is announced or changes)' },
		],
		default: 'ticker',
	},
	{
		displayName: 'Contract Group',
		name: 'contractGroup',
		type: 'options',
		displayOptions: marketEvent(['insurance', 'adlAlert']),
		options: [
			{ name: 'Inverse Contracts', value: 'inverse' },
			{ name: 'USDC Perpetuals and Futures', value: 'USDC' },
			{ name: 'USDT Perpetuals and Futures', value: 'USDT' },
		],
		default: 'USDT',
		description: 'USDT and USDC groups stream on the linear host, inverse on the inverse host',
	},
	{
		displayName: 'Only Symbols',
		name: 'noticeSymbols',
		type: 'string',
		displayOptions: marketEvent(['insurance', 'adlAlert']),
		default: '',
		placeholder: 'BTCUSDT, ETHUSDT',
		description: 'Comma-separated symbols; empty for every symbol of the group',
	},
	{
		displayName: 'Price',
		name: 'priceField',
		type: 'options',
		displayOptions: marketEvent(['ticker']),
		options: [
			{ name: 'Last Price', value: 'lastPrice' },
			{ name: 'Mark Price', value: 'markPrice' },
		],
		default: 'lastPrice',
	},
	{
		displayName: 'Condition',
		name: 'condition',
		type: 'options',
		displayOptions: marketEvent(['ticker']),
		options: [
			{ name: 'Crosses Above', value: 'crossesAbove' },
			{ name: 'Crosses Below', value: 'crossesBelow' },
			{ name: 'Moves by Percent', value: 'movesPercent' },
		],
		default: 'crossesAbove',
	},
	{ displayName: 'Level', name: 'level', type: 'number', typeOptions: { numberPrecision: 8 }, displayOptions: { show: { source: ['market'], marketEvent: ['ticker'], condition: ['crossesAbove', 'crossesBelow'] } }, default: 0 },
	{ displayName: 'Percent', name: 'percent', type: 'number', displayOptions: { show: { source: ['market'], marketEvent: ['ticker'], condition: ['movesPercent'] } }, default: 1 },
	{ displayName: 'Window (Seconds)', name: 'windowSeconds', type: 'number', displayOptions: { show: { source: ['market'], marketEvent: ['ticker'], condition: ['movesPercent'] } }, default: 60 },
	{
		displayName: 'Interval',
		name: 'interval',
		type: 'options',
		displayOptions: marketEvent(['kline']),
		options: [['1 Minute', '1'], ['5 Minutes', '5'], ['15 Minutes', '15'], ['1 Hour', '60'], ['4 Hours', '240'], ['1 Day', 'D']].map(([name, value]) => ({ name, value })),
		default: '60',
	},
	{ displayName: 'Minimum Size', name: 'minSize', type: 'number', displayOptions: marketEvent(['publicTrade']), default: 0, description: 'Only trades of at least this quantity' },
	{ displayName: 'Minimum Notional', name: 'minNotional', type: 'number', displayOptions: marketEvent(['publicTrade', 'liquidation']), default: 0, description: 'Only trades or liquidations worth at least this much (quantity x price)' },
	{ displayName: 'Levels', name: 'levels', type: 'number', displayOptions: marketEvent(['orderbook']), default: 5, description: 'Price levels per side in each snapshot' },
	{ displayName: 'Every (Seconds)', name: 'everySeconds', type: 'number', displayOptions: marketEvent(['orderbook']), default: 10, description: 'How often to emit the order book' },
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			{ displayName: 'Catch Up After Reconnects', name: 'catchUp', type: 'boolean', default: true, description: 'Whether to fetch order and execution updates missed while disconnected (or while n8n was down) and emit them once' },
			{ displayName: 'Heartbeat Interval (Seconds)', name: 'pingIntervalSeconds', type: 'number', default: 20, description: 'How often to ping Bybit; a missing pong within half of this (at most 10 s) reconnects' },
			{ displayName: 'Raw Messages', name: 'rawOutput', type: 'boolean', default: false, description: 'Whether to emit Bybit\'s messages as they arrive instead of one item per entry' },
		],
	},
];
