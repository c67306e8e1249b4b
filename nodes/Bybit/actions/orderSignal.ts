/**
 * order.createFromSignal: a TradingView strategy alert, as it reaches a
 * Webhook node, becomes open / reduce / close / flip with the sizing of
 * order.create. Every order gets an orderLinkId derived from the alert, so a
 * repeated alert is refused by Bybit as a duplicate instead of trading twice.
 */
import { NodeApiError, NodeOperationError, type IDataObject, type IExecuteFunctions } from 'n8n-workflow';

import { decimalMath as D, instruments, positionOps, signal, sizing } from '../trading/lazy';
import type { SignalIntent, TradingViewAlert } from '../trading/signal';
import type { RoundTrace } from '../trading/sizing';
import { category, choice, decimal, text } from './fields';
import { MAX_DECIMAL_LENGTH } from './inputs';
import { noteRounding, prepareCreate, runCreate, type QtyType } from './orderSizing';
import { prefetchPositionMode } from './positionIdx';
import type { OperationSpec } from './types';

type SignalQty = QtyType | 'alert';

const SYMBOL = /^[A-Z0-9][A-Z0-9-]{1,59}$/;
const LINK_ID = /^[A-Za-z0-9_-]{1,36}$/;

function alertWithoutSecret(alert: TradingViewAlert): IDataObject {
	const { secret, ...rest } = alert;
	return { ...rest, ...(secret === undefined ? {} : { secret: '(checked, not shown)' }) };
}

/** Reads and checks the alert: secret first (an unauthenticated alert learns nothing), then age. */
function readAlert(params: IDataObject): TradingViewAlert {
	const alert = signal.parseAlert(params.alert);
	const expected = String(params.alertSecret ?? '');
	if (expected && !signal.secretMatches(alert.secret, expected)) {
		throw new signal.SignalError('The alert\'s secret does not match the node\'s Alert Secret. Add "secret": "<your secret>" to the TradingView alert message.');
	}
	const tooOld = signal.ageProblem(alert, Number(params.maxAlertAge ?? 0));
	if (tooOld) throw new signal.SignalError(tooOld);
	return alert;
}

/**
 * The order quantity: the alert's contracts or a base quantity (rounded down
 * to qtyStep and checked against the instrument's limits; spot market orders
 * in the base coin), or computed by order.create's sizing.
 */
async function sizeFor(ctx: IExecuteFunctions, body: IDataObject, qtyType: SignalQty, params: IDataObject, alert: TradingViewAlert, i: number): Promise<void> {
	if (qtyType !== 'alert' && qtyType !== 'base') {
		body.qty = params.qty;
		await prepareCreate(ctx, body, { qtyType, roundPrices: false, tpslUnit: 'price' }, i);
		return;
	}
	const given = qtyType === 'alert' ? alert.contracts : String(params.qty ?? '');
	if (!given || given.length > MAX_DECIMAL_LENGTH || !D.isDecimalString(given) || !D.isPositive(given)) {
		throw new signal.SignalError(
			qtyType === 'alert'
				? `The alert has no usable contracts ("${(given ?? '').slice(0, 40)}"): "contracts" must be a positive decimal. Add "contracts": "{{strategy.order.contracts}}" to the alert or choose another Quantity Type.`
				: `"qty" must be a positive decimal, got "${(given ?? '').slice(0, 40)}".`,
		);
	}
	const cat = String(body.category);
	// one round trip for both look-ups (each kept: filters 10 min, the check price 5 min)
	const [f, price] = await Promise.all([instruments.instrumentFilters(ctx, cat, String(body.symbol), i), instruments.checkPrice(ctx, cat, String(body.symbol), i)]);
	const trace: RoundTrace = {};
	body.qty = sizing.roundQty(given, f, trace);
	noteRounding(ctx, trace, f, i);
	if (cat === 'spot') body.marketUnit = 'baseCoin';
	const problem = sizing.qtyProblem(String(body.qty), price, 'Market', f);
	// the field the quantity came from, so an alert's author knows what to change
	if (problem) throw new signal.SignalError(`${qtyType === 'alert' ? 'The alert\'s "contracts"' : '"qty"'} (${given.slice(0, 40)}): ${problem}`);
}

/** New position size for a flip: the alert's position size, else its contracts minus the current size, else the current size. */
function flipSize(alert: TradingViewAlert, current: string): string | undefined {
	if (alert.positionSize && D.isPositive(alert.positionSize.replace(/^-/, ''))) return alert.positionSize.replace(/^-/, '');
	if (alert.contracts && D.compare(alert.contracts, current) > 0) return D.sub(alert.contracts, current);
	return undefined;
}

async function act(ctx: IExecuteFunctions, i: number, params: IDataObject, alert: TradingViewAlert, intent: SignalIntent, symbol: string, linkId: string, dryRun: boolean): Promise<IDataObject> {
	const cat = String(params.category);
	const qtyType = ctx.getNodeParameter('qtyType', i, 'alert') as SignalQty;
	if (intent.intent === 'close') {
		if (dryRun) return { dryRun: true, plan: `Close the open ${symbol} position with reduce-only market orders (nothing sent).` };
		return await positionOps.closePosition(ctx, cat, symbol, undefined, i, linkId);
	}
	if (intent.intent === 'flip') {
		if (cat === 'spot') throw new signal.SignalError('Spot has no short positions to flip into. Send the alert to a linear or inverse symbol.');
		const rows = await positionOps.openPositions(ctx, cat, { symbol }, i);
		if (!rows.length) {
			// nothing to flip (e.g. the first alert after a restart): open the new side at its size
			const size = alert.positionSize?.replace(/^-/, '') || alert.contracts;
			return await act(ctx, i, params, { ...alert, contracts: size }, { intent: 'open', side: intent.side }, symbol, linkId, dryRun);
		}
		if (rows.length === 1 && rows[0].side === intent.side) {
			return { flipped: false, message: `${symbol} is already ${intent.side === 'Buy' ? 'long' : 'short'} (${rows[0].size}): the flip was done by an earlier alert, nothing sent.` };
		}
		let qty = rows.length === 1 ? flipSize(alert, String(rows[0].size)) : undefined;
		if (qtyType !== 'alert') {
			const sized: IDataObject = { category: cat, symbol, side: intent.side, orderType: 'Market' };
			await sizeFor(ctx, sized, qtyType, params, alert, i);
			qty = String(sized.qty);
		}
		if (dryRun) return { dryRun: true, plan: `Flip ${symbol} to ${intent.side === 'Buy' ? 'long' : 'short'} ${qty ?? '(the current size)'} (nothing sent).` };
		return await positionOps.flipPosition(ctx, cat, symbol, qty, i, linkId);
	}
	const body: IDataObject = { category: cat, symbol, side: intent.side, orderType: 'Market', orderLinkId: linkId };
	if (intent.intent === 'reduce' && cat !== 'spot') body.reduceOnly = true;
	if (cat !== 'spot') body.positionIdx = 'auto';
	// Position mode (for positionIdx Auto) is read while the order is sized, not after: an alert minutes
	// after the last finds every cache expired, and these look-ups then cost one round trip, not three.
	if (cat === 'linear' || cat === 'inverse') prefetchPositionMode(ctx, cat, symbol, i);
	await sizeFor(ctx, body, qtyType, params, alert, i);
	return await runCreate(ctx, body, { qtyType: 'base', roundPrices: false, tpslUnit: 'price', dryRun }, i);
}

/** Signal and sizing problems become the item's error; Bybit's own errors pass through unchanged. */
function nodeErrorOf(ctx: IExecuteFunctions, error: unknown, i: number): NodeOperationError | NodeApiError {
	if (error instanceof NodeApiError || error instanceof NodeOperationError) return error;
	const message = error instanceof signal.SignalError || error instanceof sizing.SizingError ? error.message : String((error as Error)?.message ?? error);
	return new NodeOperationError(ctx.getNode(), message, { itemIndex: i });
}

export const createFromSignalSpec: OperationSpec = {
	resource: 'order', operation: 'createFromSignal', name: 'Create From Signal', action: 'Place an order from a TradingView alert',
	builderHint: 'The operation for alert-to-order workflows: put it right after a Webhook node and pass the whole body (Alert = {{ $json.body }}). It reads ticker (e.g. BYBIT:BTCUSDT.P), action, contracts, position and id, derives the orderLinkId from the alert so retries place one order, and opens, reduces, closes or flips.',
	description: 'Open, reduce, close or flip from a TradingView strategy alert', method: 'POST', path: '/v5/order/create', docs: 'order/create-order', write: true,
	fields: [
		category(['linear', 'inverse', 'spot']),
		{
			displayName: 'Alert',
			name: 'alert',
			type: 'string',
			default: '={{ $json.body }}',
			required: true,
			description: 'The alert as the Webhook node received it: JSON (an object or text) or TradingView\'s plain text',
			builderHint: { propertyHint: 'Keep {{ $json.body }} when this node follows the Webhook node that receives the alert.' },
		},
		symbol(),
		choice(
			'Quantity Type',
			'qtyType',
			[['Contracts From Alert', 'alert'], ['Base Quantity', 'base'], ['Percent of Available Balance', 'balancePercent'], ['Quote Amount', 'quote']],
			'alert',
			'Contracts From Alert: {{strategy.order.contracts}} as the base quantity. Otherwise Quantity below, sized like Create.',
		),
		{ ...decimal('Quantity', 'qty', 'Base quantity, quote amount or balance percent, per Quantity Type', true, '100'), displayOptions: { show: { qtyType: ['base', 'balancePercent', 'quote'] } } },
		{ displayName: 'Max Alert Age (Seconds)', name: 'maxAlertAge', type: 'number', typeOptions: { minValue: 0 }, default: 120, description: 'Refuse alerts whose "time" ({{timenow}}) is older than this; 0 = no check' },
		text('Alert Secret', 'alertSecret', 'When set, the alert must carry the same "secret"; others are refused', { typeOptions: { password: true } }),
		text('Order Link ID Prefix', 'linkIdPrefix', 'Prefix of the orderLinkId derived from the alert (its ID, or a hash of it or of the alert\'s content); at most 16 letters, digits, - and _', { default: 'tv' }),
		{ displayName: 'Dry Run', name: 'dryRun', type: 'boolean', default: false, description: 'Whether to parse, check and size the signal and return what would be sent, without sending' },
	],
	async run(i, params) {
		try {
			const alert = readAlert(params);
			const ticker = signal.symbolFromTicker(String(params.symbol ?? '') || alert.ticker || '');
			if (!ticker) throw new signal.SignalError('No symbol: set Symbol in the node or add "ticker": "{{ticker}}" to the alert.');
			if (!SYMBOL.test(ticker)) {
				throw new signal.SignalError(`"ticker" must name a Bybit symbol such as BYBIT:BTCUSDT.P or BTCUSDT (letters, digits and -), got "${ticker.slice(0, 40)}".`);
			}
			const intent = signal.intentOf(alert);
			const linkId = signal.orderLinkIdFromAlert(alert, String(params.linkIdPrefix || 'tv'));
			if (!LINK_ID.test(linkId)) {
				throw new signal.SignalError(`"linkIdPrefix" must be letters, digits, - and _ (an orderLinkId is at most 36 of them), got "${String(params.linkIdPrefix).slice(0, 40)}".`);
			}
			const result = await act(this, i, params, alert, intent, ticker, linkId, params.dryRun === true);
			return { intent: intent.intent, symbol: ticker, orderLinkId: linkId, ...result, alert: alertWithoutSecret(alert) };
		} catch (error) {
			throw nodeErrorOf(this, error, i);
		}
	},
};

function symbol(): ReturnType<typeof text> {
	return text('Symbol', 'symbol', 'Symbol to trade; empty = from the alert\'s ticker (BYBIT:BTCUSDT.P -> BTCUSDT)', { placeholder: 'BTCUSDT' });
}
