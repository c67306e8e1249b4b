import type { IDataObject } from 'n8n-workflow';

import { batchFields } from './batch';
import { additional, category, choice, decimal, flag, forCategories, POSITION_IDX, returnAllOrLimit, SIDE, symbol, text, TIME_RANGE, TRIGGER_BY } from './fields';
import { createSettings, runCreate } from './orderSizing';
import { createFromSignalSpec } from './orderSignal';
import type { OperationSpec } from './types';

const ALL = ['linear', 'inverse', 'spot', 'option'] as const;
const DERIV = ['linear', 'inverse'];
const NOT_SPOT = ['linear', 'inverse', 'option'];
const NOT_OPTION = ['linear', 'inverse', 'spot'];
const SPOT = ['spot'];
const OPTION = ['option'];

const ORDER_FILTER_ALL: Array<[string, string]> = [['Bidirectional TP/SL Order (Spot)', 'BidirectionalTpslOrder'], ['OCO Order (Spot)', 'OcoOrder'], ['Order', 'Order'], ['StopOrder', 'StopOrder'], ['TP/SL Order', 'tpslOrder']];
const ORDER_ID = text('Order ID', 'orderId', 'Bybit\'s order ID. Either this or the Order Link ID is required.');
const ORDER_LINK_ID = text('Order Link ID', 'orderLinkId', 'Your own order ID (max 36 characters: letters, digits, - and _)');

const TPSL_FIELDS = [
	decimal('Take Profit', 'takeProfit', 'Take-profit price'),
	decimal('Stop Loss', 'stopLoss', 'Stop-loss price'),
	forCategories(DERIV, choice('TP/SL Mode', 'tpslMode', [['Full', 'Full'], ['Partial', 'Partial']], 'Full', 'Full: whole position at market; Partial: allows limit TP/SL (linear and inverse)')),
	forCategories(DERIV, choice('TP Trigger By', 'tpTriggerBy', TRIGGER_BY, 'LastPrice', 'Price that triggers the take-profit')),
	forCategories(DERIV, choice('SL Trigger By', 'slTriggerBy', TRIGGER_BY, 'LastPrice', 'Price that triggers the stop-loss')),
	forCategories(NOT_OPTION, choice('TP Order Type', 'tpOrderType', [['Market', 'Market'], ['Limit', 'Limit']], 'Market', 'Order type when the take-profit triggers')),
	forCategories(NOT_OPTION, choice('SL Order Type', 'slOrderType', [['Market', 'Market'], ['Limit', 'Limit']], 'Market', 'Order type when the stop-loss triggers')),
	forCategories(NOT_OPTION, decimal('TP Limit Price', 'tpLimitPrice', 'Limit price of a limit take-profit')),
	forCategories(NOT_OPTION, decimal('SL Limit Price', 'slLimitPrice', 'Limit price of a limit stop-loss')),
];

export const CREATE_ADDITIONAL = [
	{
		...choice('Time In Force', 'timeInForce', [['Fill or Kill', 'FOK'], ['Good Till Cancel', 'GTC'], ['Immediate or Cancel', 'IOC'], ['Post Only', 'PostOnly'], ['Retail Price Improvement (RPI)', 'RPI']], 'GTC', 'How long the order stays open (market orders are always IOC; RPI: post-only, for eligible market makers)'),
		hint: 'Post Only is cancelled when it would fill at once; IOC and FOK cancel what cannot fill right away',
		builderHint: { propertyHint: 'Leave GTC unless asked: market orders ignore it; PostOnly for maker-only limit orders.' },
	},
	flag('RPI Taker Access', 'rpiTakerAccess', 'Whether the order may match against Retail Price Improvement (RPI) quotes'),
	forCategories(DERIV, choice('BBO Side Type', 'bboSideType', [['Counterparty', 'Counterparty'], ['Queue', 'Queue']], 'Queue', 'Price the limit order at the best bid/offer: Queue = same side as the order, Counterparty = opposite side (linear, inverse)')),
	forCategories(DERIV, choice('BBO Level', 'bboLevel', [['1', '1'], ['2', '2'], ['3', '3'], ['4', '4'], ['5', '5']], '1', 'Order book level used with BBO Side Type (linear, inverse)')),
	forCategories(NOT_SPOT, { ...flag('Reduce Only', 'reduceOnly', 'Whether the order may only reduce a position (linear, inverse, option)'), hint: 'Refused when there is no position on the other side to reduce: a Buy reduces a short, a Sell a long', builderHint: { propertyHint: 'true only for orders that close or shrink an existing position (take-profit/stop exits); never for entries.' } }),
	forCategories(DERIV, flag('Close On Trigger', 'closeOnTrigger', 'Whether this closing order may cancel other orders to free margin (linear, inverse)')),
	forCategories(NOT_OPTION, decimal('Trigger Price', 'triggerPrice', 'Makes the order conditional: it is placed when the price reaches this value')),
	forCategories(DERIV, choice('Trigger Direction', 'triggerDirection', [['Rises To Trigger Price', 1], ['Falls To Trigger Price', 2]], 1, 'Linear and inverse conditional orders')),
	forCategories(DERIV, choice('Trigger By', 'triggerBy', TRIGGER_BY, 'LastPrice', 'Price that triggers a conditional order')),
	...TPSL_FIELDS,
	forCategories(SPOT, choice('Market Unit', 'marketUnit', [['Base Coin', 'baseCoin'], ['Quote Coin', 'quoteCoin']], 'baseCoin', 'Spot market orders: whether the quantity is in the base or the quote coin (spot market buys default to quote)')),
	forCategories(SPOT, choice('Is Leverage', 'isLeverage', [['Spot (0)', 0], ['Margin (1)', 1]], 0, 'Spot only: 1 borrows for margin trading')),
	forCategories(SPOT, choice('Order Filter', 'orderFilter', [['Order', 'Order'], ['StopOrder', 'StopOrder'], ['TP/SL Order', 'tpslOrder']], 'Order', 'Spot only: kind of order')),
	choice('SMP Type', 'smpType', [['Cancel Both', 'CancelBoth'], ['Cancel Maker', 'CancelMaker'], ['Cancel Taker', 'CancelTaker'], ['None', 'None']], 'None', 'Self-match prevention'),
	forCategories(OPTION, decimal('Order IV', 'orderIv', 'Option only: implied volatility (0.1 = 10%), takes priority over price')),
	forCategories(OPTION, flag('MMP', 'mmp', 'Whether this is a market maker protection order (option only)')),
	choice('Slippage Tolerance Type', 'slippageToleranceType', [['Percent', 'Percent'], ['Tick Size', 'TickSize']], 'Percent', 'Market orders only'),
	decimal('Slippage Tolerance', 'slippageTolerance', 'Market orders only: ticks (1-10000) or percent (0.01-10)'),
];

const AMEND_ADDITIONAL = [
	decimal('Quantity', 'qty', 'New quantity'),
	decimal('Price', 'price', 'New limit price'),
	forCategories(NOT_OPTION, decimal('Trigger Price', 'triggerPrice', 'New trigger price')),
	forCategories(DERIV, choice('Trigger By', 'triggerBy', TRIGGER_BY, 'LastPrice', 'Price that triggers a conditional order')),
	forCategories(OPTION, decimal('Order IV', 'orderIv', 'Option only: implied volatility')),
	...TPSL_FIELDS.filter((f) => !['tpOrderType', 'slOrderType'].includes(f.name)),
];

export const orderSpecs: OperationSpec[] = [
	{
		resource: 'order', operation: 'create', name: 'Create', action: 'Place an order',
		builderHint: 'Place one order with explicit fields. For a TradingView (or similar) webhook alert use Create From Signal instead; set Order Link ID from the alert\'s id so a repeated delivery never makes a second order; test with Options → Dry Run first.',
		description: 'Place a market, limit or conditional order', method: 'POST', path: '/v5/order/create', docs: 'order/create-order', write: true,
		fields: [
			category([...ALL]),
			symbol(),
			SIDE,
			choice('Order Type', 'orderType', [['Limit', 'Limit'], ['Market', 'Market']], 'Market', 'Market fills now at the best price; Limit waits for your price', true),
			{
				hint: 'Base Quantity is sent as typed and must be a multiple of the symbol\'s quantity step; the other types are rounded down to it for you',
				builderHint: { propertyHint: 'Use quote to size in USDT (e.g. qty 100 = 100 USDT worth), base for coin amounts (0.01 BTC), balancePercent or risk (needs a stop loss) to size from the wallet.' },
				...choice(
					'Quantity Type',
					'qtyType',
					[['Base Quantity', 'base'], ['Percent of Available Balance', 'balancePercent'], ['Quote Amount', 'quote'], ['Risk Percent of Equity', 'risk']],
					'base',
					'How Quantity is given. Quote Amount: e.g. 100 (USDT) worth at the current or limit price. Percent of Available Balance: leverage included for derivatives. Risk Percent: equity x % lost if the Stop Loss is hit. Computed sizes are rounded down to the instrument\'s step and checked against its limits.',
				),
			},
			decimal('Quantity', 'qty', 'Order quantity in the base coin (inverse: contracts in USD; spot market buy: quote coin unless Market Unit says otherwise), or the amount / percent chosen in Quantity Type', true, '0.001'),
			{ ...decimal('Price', 'price', 'Limit price', true, '64000'), displayOptions: { show: { orderType: ['Limit'] } } },
			{ ...POSITION_IDX, hint: 'Keep Auto unless you must: a hedge-mode account refuses 0, a one-way account refuses 1 and 2', displayOptions: { show: { category: ['linear', 'inverse'] } } },
			text('Order Link ID', 'orderLinkId', 'Your own unique ID (max 36: letters, digits, - and _). Set it (e.g. from the alert ID) so a repeated alert or a lost answer never creates a second order.', {
				builderHint: { propertyHint: 'Map a stable id of the triggering event (e.g. {{ $json.body.id }}), never a random or time-based value: the same id is what makes a retry place one order.' },
			}),
			additional(CREATE_ADDITIONAL),
			{
				displayName: 'Options',
				name: 'options',
				type: 'collection',
				placeholder: 'Add Option',
				default: {},
				options: [
					{ displayName: 'Dry Run', name: 'dryRun', type: 'boolean', default: false, description: 'Whether to validate and size the order, run the credential\'s safety checks and return the exact request instead of sending it', builderHint: { propertyHint: 'true while building or testing a workflow: nothing is sent, the output shows the exact order and Bybit\'s pre-check.' } },
					{ displayName: 'Round Prices to Tick Size', name: 'roundPrices', type: 'boolean', default: false, description: 'Whether to round price, trigger, take-profit and stop-loss to the instrument\'s tick size (a buy limit never rounds up, a sell limit never down; TP/SL toward the entry)' },
					{
						displayName: 'TP/SL Given As',
						name: 'tpslUnit',
						type: 'options',
						options: [
							{ name: 'Percent From Entry', value: 'percent', description: 'Take Profit 2 = 2% above a long\'s entry (below a short\'s)' },
							{ name: 'Price', value: 'price', description: 'Take Profit and Stop Loss are prices' },
							{ name: 'Ticks From Entry', value: 'ticks', description: 'Distance in multiples of the instrument\'s tick size' },
						],
						default: 'price',
						description: 'How Take Profit and Stop Loss (Additional Fields) are given. The entry is the limit price, else the trigger price, else the last price; computed prices are rounded to the tick toward the entry.',
					},
				],
			},
		],
		async run(i, params) {
			return await runCreate(this, params, createSettings(this, i), i);
		},
	},
	createFromSignalSpec,
	{
		resource: 'order', operation: 'amend', name: 'Amend', action: 'Amend an order',
		description: 'Change the quantity, price or TP/SL of an open order', method: 'POST', path: '/v5/order/amend', docs: 'order/amend-order', write: true,
		fields: [category([...ALL]), symbol(), ORDER_ID, ORDER_LINK_ID, additional(AMEND_ADDITIONAL)],
	},
	{
		resource: 'order', operation: 'cancel', name: 'Cancel', action: 'Cancel an order',
		description: 'Cancel an open order', method: 'POST', path: '/v5/order/cancel', docs: 'order/cancel-order', write: true,
		fields: [category([...ALL]), symbol(), ORDER_ID, ORDER_LINK_ID, additional([forCategories(SPOT, choice('Order Filter', 'orderFilter', [['Order', 'Order'], ['StopOrder', 'StopOrder'], ['TP/SL Order', 'tpslOrder']], 'Order', 'Spot only'))])],
	},
	{
		resource: 'order', operation: 'cancelAll', name: 'Cancel All', action: 'Cancel all orders',
		description: 'Cancel all open orders of a symbol, base coin or settle coin', method: 'POST', path: '/v5/order/cancel-all', docs: 'order/cancel-all', write: true,
		fields: [category([...ALL]), symbol(false, 'Symbol (linear and inverse need a symbol, base coin or settle coin)'), additional([text('Base Coin', 'baseCoin', 'Cancel all orders of this base coin'), text('Settle Coin', 'settleCoin', 'Cancel all orders of this settle coin'), choice('Order Filter', 'orderFilter', [['Open Order', 'OpenOrder'], ...ORDER_FILTER_ALL], 'Order', 'Which kind of orders to cancel (spot: Order, TP/SL, Stop, OCO, Bidirectional TP/SL; linear/inverse: Order, StopOrder, Open Order; option: Order, StopOrder)'), choice('Stop Order Type', 'stopOrderType', [['Stop', 'Stop']], 'Stop', 'Cancel only conditional orders of this type')])],
	},
	{
		resource: 'order', operation: 'getOpenOrders', name: 'Get Open Orders', action: 'Get open orders',
		description: 'Get open and recently closed orders', method: 'GET', path: '/v5/order/realtime', docs: 'order/open-order',
		fields: [category([...ALL]), symbol(false, 'Symbol (linear needs a symbol, base coin or settle coin)'), ...returnAllOrLimit(50), additional([text('Base Coin', 'baseCoin', 'Base coin'), text('Settle Coin', 'settleCoin', 'Settle coin, e.g. USDT'), ORDER_ID, ORDER_LINK_ID, choice('Open Only', 'openOnly', [['Open Orders (0)', 0], ['Recently Closed Orders (1)', 1]], 0, 'Which orders to return'), choice('Order Filter', 'orderFilter', ORDER_FILTER_ALL, 'Order', 'Kind of order (default: all kinds)')])],
		list: { listKey: 'list', pageSize: 50 },
	},
	{
		resource: 'order', operation: 'getOrderHistory', name: 'Get Order History', action: 'Get order history',
		description: 'Get closed orders (7-day windows)', method: 'GET', path: '/v5/order/history', docs: 'order/order-list',
		fields: [category([...ALL]), symbol(false), ...returnAllOrLimit(50), additional([ORDER_ID, ORDER_LINK_ID, text('Base Coin', 'baseCoin', 'Base coin'), text('Settle Coin', 'settleCoin', 'Settle coin'), choice('Order Status', 'orderStatus', [['Cancelled', 'Cancelled'], ['Deactivated', 'Deactivated'], ['Filled', 'Filled'], ['New', 'New'], ['Partially Filled', 'PartiallyFilled'], ['Partially Filled Canceled (Spot)', 'PartiallyFilledCanceled'], ['Rejected', 'Rejected'], ['Triggered', 'Triggered'], ['Untriggered', 'Untriggered']], 'Filled', 'Only orders in this status'), choice('Order Filter', 'orderFilter', ORDER_FILTER_ALL, 'Order', 'Kind of order (default: all kinds)'), ...TIME_RANGE])],
		list: { listKey: 'list', pageSize: 50 },
	},
	{
		resource: 'order', operation: 'getExecutions', name: 'Get Executions', action: 'Get trade executions',
		description: 'Get your fills (trade history, 7-day windows)', method: 'GET', path: '/v5/execution/list', docs: 'order/execution',
		fields: [category([...ALL]), symbol(false), ...returnAllOrLimit(100), additional([ORDER_ID, ORDER_LINK_ID, text('Base Coin', 'baseCoin', 'Base coin'), forCategories(NOT_SPOT, text('Settle Coin', 'settleCoin', 'Settle coin, e.g. USDT (linear, inverse, option)')), choice('Exec Type', 'execType', [['Adl Trade', 'AdlTrade'], ['Block Trade', 'BlockTrade'], ['Bust Trade', 'BustTrade'], ['Corporate Action', 'CorporateAction'], ['Delivery', 'Delivery'], ['Funding', 'Funding'], ['Future Spread', 'FutureSpread'], ['Move Position', 'MovePosition'], ['Settle', 'Settle'], ['Trade', 'Trade']], 'Trade', 'Only executions of this type'), ...TIME_RANGE])],
		list: { listKey: 'list', pageSize: 100 },
	},
	{
		resource: 'order', operation: 'getSpotBorrowQuota', name: 'Get Spot Borrow Quota', action: 'Get the spot borrow quota',
		description: 'Get the maximum spot margin trade quantity', method: 'GET', path: '/v5/order/spot-borrow-check', docs: 'order/spot-borrow-quota',
		fields: [symbol(), SIDE], fixed: { category: 'spot' },
	},
	{
		resource: 'order', operation: 'setDisconnectCancelAll', name: 'Set Disconnect Cancel All', action: 'Set disconnect cancel all',
		description: 'Set the dead-man switch window (DCP, institutional accounts)', method: 'POST', path: '/v5/order/disconnected-cancel-all', docs: 'order/dcp', write: true,
		fields: [{ displayName: 'Time Window (Seconds)', name: 'timeWindow', type: 'number', typeOptions: { minValue: 3, maxValue: 300 }, default: 10, required: true, description: 'Cancel all orders when the connection is lost for this long (3-300 s)' }, additional([choice('Product', 'product', [['Derivatives', 'DERIVATIVES'], ['Options', 'OPTIONS'], ['Spot', 'SPOT']], 'OPTIONS', 'Which product')])],
	},
	...batchFields(),
];

export type OrderBody = IDataObject;
