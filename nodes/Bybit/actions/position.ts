import { NodeOperationError, type IDataObject, type IExecuteFunctions } from 'n8n-workflow';

import { positionOps } from '../trading/lazy';
import { bybitApiRequest, bybitApiRequestAllItems } from '../transport';
import { additional, category, choice, decimal, forCategories, POSITION_IDX, returnAllOrLimit, symbol, text, TIME_RANGE, TRIGGER_BY } from './fields';
import { resolvePositionIdx } from './positionIdx';
import type { OperationSpec } from './types';

const DERIV = ['linear', 'inverse'];
const SIDE_IDX = choice('Position', 'positionIdx', [['All (One-Way or Both Hedge Sides)', 'all'], ['Hedge Long Side (1)', '1'], ['Hedge Short Side (2)', '2']], 'all', 'Which position of the symbol');
const idxOf = (value: unknown) => (value === undefined || value === 'all' || value === '' ? undefined : Number(value));
/**
 * The id the orders of a position operation are derived from (`<id>-1`, `<id>-o`, `<id>-t`): the
 * same operation run twice with the same id (a retried webhook, two queue-mode workers) acts once.
 */
const ACTION_LINK_ID = text(
	'Order Link ID',
	'orderLinkId',
	'Your own ID for this action, e.g. from the alert (at most 28 letters, digits, - and _). The orders are given IDs derived from it, so the same action sent twice acts once. Empty: a fresh ID each run.',
);
function linkIdOf(ctx: IExecuteFunctions, params: IDataObject, itemIndex: number): string | undefined {
	const id = typeof params.orderLinkId === 'string' ? params.orderLinkId : '';
	if (id.length > 28) {
		throw new NodeOperationError(ctx.getNode(), `"orderLinkId" must be at most 28 characters here (the orders add a suffix within Bybit's 36), got ${id.length}. Shorten it, e.g. keep the alert's own id.`, { itemIndex });
	}
	return id || undefined;
}

export const positionSpecs: OperationSpec[] = [
	{
		resource: 'position', operation: 'getPositions', name: 'Get Positions', action: 'Get positions',
		description: 'Get open positions', method: 'GET', path: '/v5/position/list', docs: 'position',
		fields: [
			category(['linear', 'inverse', 'option']),
			symbol(false, 'Symbol (linear needs a symbol or a settle coin)'),
			...returnAllOrLimit(200),
			additional([text('Settle Coin', 'settleCoin', 'Settle coin, e.g. USDT'), text('Base Coin', 'baseCoin', 'Option only')]),
			{ displayName: 'Drop Empty Positions', name: 'simplify', type: 'boolean', default: true, description: 'Whether to drop rows with size 0 (the empty side of a hedge-mode symbol, or a symbol with no position)' },
		],
		async run(i, params) {
			const returnAll = this.getNodeParameter('returnAll', i, false) as boolean;
			const limit = returnAll ? undefined : (this.getNodeParameter('limit', i, 50) as number);
			const rows = await bybitApiRequestAllItems.call(this, { method: 'GET', path: '/v5/position/list', qs: params, itemIndex: i }, { pageSize: 200, limit });
			return this.getNodeParameter('simplify', i, true) ? rows.filter((r) => Number(r.size) > 0) : rows;
		},
	},
	{
		resource: 'position', operation: 'setLeverage', name: 'Set Leverage', action: 'Set leverage',
		description: 'Set the leverage of a symbol', method: 'POST', path: '/v5/position/set-leverage', docs: 'position/leverage', write: true,
		fields: [category(['linear', 'inverse']), symbol(), decimal('Buy Leverage', 'buyLeverage', 'Leverage for long positions (one-way mode: equal to sell)', true, '10'), decimal('Sell Leverage', 'sellLeverage', 'Leverage for short positions', true, '10')],
	},
	{
		resource: 'position', operation: 'setTradingStop', name: 'Set Trading Stop', action: 'Set take profit stop loss',
		description: 'Set take-profit, stop-loss or trailing stop of a position', method: 'POST', path: '/v5/position/trading-stop', docs: 'position/trading-stop', write: true,
		fields: [
			category(['linear', 'inverse', 'option']),
			symbol(),
			{ ...choice('TP/SL Mode', 'tpslMode', [['Full', 'Full'], ['Partial', 'Partial']], 'Full', 'Full: the whole position; Partial: a size you give (limit TP/SL allowed)', true), displayOptions: { show: { category: DERIV } } },
			// options allow Full only (docs: position/trading-stop)
			{ ...choice('TP/SL Mode', 'tpslMode', [['Full', 'Full']], 'Full', 'Options support Full (the whole position) only', true), displayOptions: { show: { category: ['option'] } } },
			{ ...POSITION_IDX, description: 'Position to set it on. Auto works in one-way mode; in hedge mode choose 1 (long) or 2 (short).', displayOptions: { show: { category: DERIV } } },
			decimal('Take Profit', 'takeProfit', 'Take-profit price ("0" removes it)'),
			decimal('Stop Loss', 'stopLoss', 'Stop-loss price ("0" removes it)'),
			additional([
				decimal('Trailing Stop', 'trailingStop', 'Trailing distance in price ("0" removes it)'),
				decimal('Active Price', 'activePrice', 'Price at which the trailing stop activates'),
				choice('TP Trigger By', 'tpTriggerBy', TRIGGER_BY, 'LastPrice', 'Price that triggers the take-profit'),
				choice('SL Trigger By', 'slTriggerBy', TRIGGER_BY, 'LastPrice', 'Price that triggers the stop-loss'),
				forCategories(DERIV, decimal('TP Size', 'tpSize', 'Partial mode: size to take profit on')),
				forCategories(DERIV, decimal('SL Size', 'slSize', 'Partial mode: size to stop out')),
				forCategories(DERIV, decimal('TP Limit Price', 'tpLimitPrice', 'Partial mode, limit TP')),
				forCategories(DERIV, decimal('SL Limit Price', 'slLimitPrice', 'Partial mode, limit SL')),
				forCategories(DERIV, choice('TP Order Type', 'tpOrderType', [['Limit', 'Limit'], ['Market', 'Market']], 'Market', 'Order type of the take-profit')),
				forCategories(DERIV, choice('SL Order Type', 'slOrderType', [['Limit', 'Limit'], ['Market', 'Market']], 'Market', 'Order type of the stop-loss')),
			]),
		],
		async run(i, params) {
			if (params.category === 'option') {
				// options have no hedge mode: Bybit documents positionIdx as required, and it is 0 (one-way)
				params.positionIdx = 0;
			} else if (params.positionIdx === 'auto') {
				// trading-stop has no side: Auto works in one-way mode; in hedge mode the side must be explicit
				const probe: IDataObject = { category: params.category, symbol: params.symbol, side: 'Buy', positionIdx: 'auto' };
				await resolvePositionIdx(this, probe, i);
				if (probe.positionIdx !== 0) {
					throw new NodeOperationError(this.getNode(), `${String(params.symbol)} is in hedge mode: set Position Index to Hedge Mode Buy Side (1) for the long or Sell Side (2) for the short.`, { itemIndex: i });
				}
				params.positionIdx = 0;
			}
			return await bybitApiRequest.call(this, { method: 'POST', path: '/v5/position/trading-stop', body: params, itemIndex: i });
		},
	},
	{
		resource: 'position', operation: 'switchIsolatedMargin', name: 'Switch Isolated Margin', action: 'Switch cross or isolated margin',
		description: 'Switch a symbol between cross and isolated margin (classic and UTA 1.0 accounts; UTA 2.0 uses Account > Set Margin Mode)', method: 'POST', path: '/v5/position/switch-isolated', docs: 'abandon/cross-isolate', write: true,
		fields: [category(['linear', 'inverse']), symbol(), choice('Trade Mode', 'tradeMode', [['Cross Margin (0)', 0], ['Isolated Margin (1)', 1]], 1, 'Margin mode', true), decimal('Buy Leverage', 'buyLeverage', 'Leverage (equal for buy and sell)', true, '10'), decimal('Sell Leverage', 'sellLeverage', 'Leverage (equal for buy and sell)', true, '10')],
	},
	{
		resource: 'position', operation: 'switchPositionMode', name: 'Switch Position Mode', action: 'Switch position mode',
		description: 'Switch between one-way and hedge mode (USDT perpetuals)', method: 'POST', path: '/v5/position/switch-mode', docs: 'position/position-mode', write: true,
		fields: [category(['linear']), choice('Mode', 'mode', [['Both Sides / Hedge (3)', 3], ['Merged Single / One-Way (0)', 0]], 0, 'Position mode', true), symbol(false, 'Symbol (this or a coin is required)'), additional([text('Coin', 'coin', 'Switch every symbol settled in this coin')])],
	},
	{
		resource: 'position', operation: 'setAutoAddMargin', name: 'Set Auto Add Margin', action: 'Set auto add margin',
		description: 'Turn automatic margin top-up on or off for an isolated position', method: 'POST', path: '/v5/position/set-auto-add-margin', docs: 'position/auto-add-margin', write: true,
		fields: [category(['linear']), symbol(), choice('Auto Add Margin', 'autoAddMargin', [['Off (0)', 0], ['On (1)', 1]], 1, 'Whether to add margin automatically', true), { ...POSITION_IDX, default: '0', description: 'Required in hedge mode' }],
	},
	{
		resource: 'position', operation: 'addOrReduceMargin', name: 'Add or Reduce Margin', action: 'Add or reduce margin',
		description: 'Add margin to (positive) or remove it from (negative) an isolated position', method: 'POST', path: '/v5/position/add-margin', docs: 'position/manual-add-margin', write: true,
		fields: [category(['linear', 'inverse']), symbol(), { displayName: 'Margin', name: 'margin', type: 'string', default: '', required: true, placeholder: '10 or -10', description: 'Positive adds, negative reduces (up to 4 decimals)' }, { ...POSITION_IDX, default: '0' }],
	},
	{
		resource: 'position', operation: 'getClosedPnl', name: 'Get Closed PnL', action: 'Get closed profit and loss',
		description: 'Get realised profit and loss of closed positions', method: 'GET', path: '/v5/position/closed-pnl', docs: 'position/close-pnl',
		fields: [category(['linear', 'inverse']), symbol(false), ...returnAllOrLimit(100), additional(TIME_RANGE)],
		list: { listKey: 'list', pageSize: 100 },
	},
	{
		resource: 'position', operation: 'closePosition', name: 'Close Position', action: 'Close a position',
		builderHint: 'Closes a symbol\'s open position with a reduce-only market order sized from the live position (no quantity to compute). Set Order Link ID from the triggering event so a retry does not close twice.',
		description: 'Close a symbol\'s position (or one hedge side) with a reduce-only market order of the exact size; spot sells the free base coin', method: 'POST', path: '/v5/order/create', docs: 'order/create-order', write: true,
		fields: [category(['linear', 'inverse', 'spot', 'option']), symbol(), { ...SIDE_IDX, displayOptions: { show: { category: ['linear', 'inverse'] } } }, ACTION_LINK_ID],
		async run(i, params) {
			return await positionOps.closePosition(this, String(params.category), String(params.symbol), idxOf(params.positionIdx), i, linkIdOf(this, params, i));
		},
	},
	{
		resource: 'position', operation: 'closeAll', name: 'Close All Positions', action: 'Close all positions',
		builderHint: 'Emergency exit: closes every open position of a settle coin, one output row per position (closed or failed with the reason).',
		description: 'Close every open position in a category', method: 'POST', path: '/v5/order/create', docs: 'order/create-order', write: true,
		fields: [category(['linear', 'inverse', 'option']), text('Settle Coin', 'settleCoin', 'Only positions settled in this coin (linear: default USDT)'), ACTION_LINK_ID],
		async run(i, params) {
			return await positionOps.closeAll(this, String(params.category), params.settleCoin as string | undefined, i, linkIdOf(this, params, i));
		},
	},
	{
		resource: 'position', operation: 'flip', name: 'Flip Position', action: 'Flip a position',
		description: 'Close the position and open the other side', method: 'POST', path: '/v5/order/create', docs: 'order/create-order', write: true,
		fields: [category(['linear', 'inverse']), symbol(), decimal('Quantity', 'qty', 'Size of the new position (empty: the current size)'), ACTION_LINK_ID],
		async run(i, params) {
			return await positionOps.flipPosition(this, String(params.category), String(params.symbol), params.qty as string | undefined, i, linkIdOf(this, params, i));
		},
	},
	{
		resource: 'position', operation: 'setTarget', name: 'Set Target Position', action: 'Set a target position size',
		description: 'Bring a one-way position to a signed size (+long, -short, 0 flat) with the minimum order', method: 'POST', path: '/v5/order/create', docs: 'order/create-order', write: true,
		fields: [category(['linear', 'inverse']), symbol(), { displayName: 'Target Size', name: 'target', type: 'string', default: '', required: true, placeholder: '-0.01', description: 'Signed position size: positive long, negative short, 0 flat' }, ACTION_LINK_ID],
		async run(i, params) {
			return await positionOps.setTargetPosition(this, String(params.category), String(params.symbol), String(params.target), i, linkIdOf(this, params, i));
		},
	},
	{
		resource: 'position', operation: 'breakevenStop', name: 'Move Stop to Breakeven', action: 'Move the stop loss to breakeven',
		description: 'Set the stop-loss at the entry price', method: 'POST', path: '/v5/position/trading-stop', docs: 'position/trading-stop', write: true,
		fields: [category(['linear', 'inverse']), symbol(), SIDE_IDX],
		async run(i, params) {
			return await positionOps.breakevenStop(this, String(params.category), String(params.symbol), idxOf(params.positionIdx), i);
		},
	},
];
