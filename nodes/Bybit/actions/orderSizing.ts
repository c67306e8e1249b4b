/**
 * order.create's sizing, rounding and dry run: the quantity may be given as
 * a base quantity, a quote amount, a percentage of the available balance or
 * a risk percentage of equity with the stop-loss as the stop; computed
 * quantities are rounded down to qtyStep, prices to tickSize, and the result
 * is checked against the instrument's limits before anything is sent.
 */
import { NodeOperationError, type IDataObject, type IExecuteFunctions } from 'n8n-workflow';

import { balances, decimalMath as D, instruments, orderCreate, preCheck, sizing } from '../trading/lazy';
import { checkGuardrails, toNodeError } from '../transport';
import { forgetPositionMode, isPositionModeMismatch, positionSettings, resolvePositionIdx } from './positionIdx';
import type { InstrumentFilters, PriceKind, RoundTrace } from '../trading/sizing';
import { addRunNote } from './hints';

export type QtyType = 'base' | 'quote' | 'balancePercent' | 'risk';

const PRICE_FIELDS: Array<[string, PriceKind]> = [
	['price', 'limit'],
	['triggerPrice', 'trigger'],
	['takeProfit', 'takeProfit'],
	['stopLoss', 'stopLoss'],
	['tpLimitPrice', 'takeProfit'],
	['slLimitPrice', 'stopLoss'],
];

async function leverageOf(ctx: IExecuteFunctions, body: IDataObject, i: number): Promise<string> {
	if (body.category === 'spot' || body.category === 'option') return '1';
	const rows = await positionSettings(ctx, String(body.category), String(body.symbol), i);
	// hedge mode: the long side's row (positionIdx 1) for buys, the short side's (2) for sells
	const row = rows.find((r) => Number(r.positionIdx) === (body.side === 'Sell' ? 2 : 1)) ?? rows[0];
	return String(row?.leverage ?? '1');
}

/** An inverse contract's coin is its base coin, priced in USD by the contract's index price (used only when the wallet has no row for it). */
async function fallbackPrice(ctx: IExecuteFunctions, f: InstrumentFilters, coin: string, i: number): Promise<string | undefined> {
	if (f.category !== 'inverse' || coin !== (f.settleCoin || f.baseCoin)) return undefined;
	return await instruments.currentPrice(ctx, 'inverse', f.symbol, 'indexPrice', i);
}

/**
 * Balance and risk sizing in the coin the order is counted in (see
 * trading/balances.ts for which wallet fields, per Bybit's docs).
 */
async function sizedQty(ctx: IExecuteFunctions, qtyType: QtyType, body: IDataObject, f: InstrumentFilters, price: string, i: number, trace: RoundTrace): Promise<string> {
	const value = String(body.qty);
	const side = body.side === 'Sell' ? 'Sell' : 'Buy';
	switch (qtyType) {
		case 'base':
			return value;
		case 'quote':
			return sizing.qtyFromQuote(value, price, f, trace);
		case 'balancePercent': {
			const coin = sizing.spendCoin(f, side);
			const w = await balances.fetchWallet(ctx, i);
			if (f.category === 'spot') return balances.balanceQty(w, 'REGULAR_MARGIN', value, '1', price, f, side, undefined, trace);
			const fallback = balances.usdPriceOf(w, coin) ? undefined : await fallbackPrice(ctx, f, coin, i);
			return balances.balanceQty(w, await balances.fetchMarginMode(ctx, i), value, await leverageOf(ctx, body, i), price, f, side, fallback, trace);
		}
		case 'risk': {
			if (!body.stopLoss) throw new sizing.SizingError('Risk sizing needs a Stop Loss (Additional Fields): the quantity is the risk divided by the distance to the stop.');
			const coin = sizing.pnlCoin(f);
			const w = await balances.fetchWallet(ctx, i);
			const fallback = balances.usdPriceOf(w, coin) ? undefined : await fallbackPrice(ctx, f, coin, i);
			return balances.riskQty(w, value, price, String(body.stopLoss), f, fallback, trace);
		}
	}
}

/** Notes a quantity rounded down to qtyStep for the execution hint (requested shown to 8 decimals past the step). */
export function noteRounding(ctx: IExecuteFunctions, trace: RoundTrace, f: InstrumentFilters, i: number): void {
	if (trace.requested === undefined || trace.sent === undefined || D.compare(trace.sent, trace.requested) >= 0) return;
	const cut = D.roundToStep(trace.requested, D.div(f.qtyStep, '100000000', 30), 'floor');
	const shown = cut.includes('.') ? cut.replace(/0+$/, '').replace(/\.$/, '') : cut;
	addRunNote(ctx, { kind: 'qtyRoundedDown', itemIndex: i, symbol: f.symbol, requested: D.compare(cut, trace.requested) === 0 ? shown : `${shown}…`, sent: trace.sent, qtyStep: f.qtyStep });
}

export type TpslUnit = 'price' | 'percent' | 'ticks';

export interface CreateSettings {
	qtyType: QtyType;
	roundPrices: boolean;
	/** How takeProfit / stopLoss are given: prices, or a distance from the entry in percent or ticks. */
	tpslUnit: TpslUnit;
	dryRun: boolean;
}

export function createSettings(ctx: IExecuteFunctions, i: number): CreateSettings {
	const options = ctx.getNodeParameter('options', i, {}) as IDataObject;
	return {
		qtyType: ctx.getNodeParameter('qtyType', i, 'base') as QtyType,
		roundPrices: options.roundPrices === true,
		tpslUnit: (options.tpslUnit as TpslUnit | undefined) ?? 'price',
		dryRun: options.dryRun === true,
	};
}

/**
 * TP/SL given as a distance: a long's take-profit is above the entry and its
 * stop below (a short's the other way round); the entry is the limit price,
 * else the trigger price, else the last price.
 */
function applyTpslOffsets(body: IDataObject, unit: TpslUnit, entry: string, f: InstrumentFilters): void {
	const long = body.side !== 'Sell';
	for (const [field, kind] of [['takeProfit', 'takeProfit'], ['stopLoss', 'stopLoss']] as const) {
		const value = body[field];
		if (value === undefined || value === '' || value === '0') continue;
		const distance = String(value);
		if (!D.isPositive(distance)) throw new sizing.SizingError(`"${field}" is a distance in ${unit} here and must be positive, got ${distance}.`);
		const up = (kind === 'takeProfit') === long;
		const raw = unit === 'percent' ? sizing.priceFromPercent(entry, distance, up ? 'up' : 'down') : sizing.priceFromTicks(entry, distance, f, up ? 'up' : 'down');
		if (!D.isPositive(raw)) throw new sizing.SizingError(`"${field}" ${distance} ${unit} from ${entry} gives ${raw}: a price must be positive.`);
		body[field] = sizing.roundPrice(raw, f, kind, long ? 'Buy' : 'Sell');
	}
}

/**
 * Applies sizing, TP/SL distances and rounding to a create body in place.
 * Throws a NodeOperationError naming the numbers when the order breaks a limit.
 */
export async function prepareCreate(ctx: IExecuteFunctions, body: IDataObject, s: Omit<CreateSettings, 'dryRun'>, i: number): Promise<void> {
	if (s.qtyType === 'base' && !s.roundPrices && s.tpslUnit === 'price') return;
	const category = String(body.category);
	const symbol = String(body.symbol);
	try {
		const f = await instruments.instrumentFilters(ctx, category, symbol, i);
		const side = body.side === 'Sell' ? 'Sell' : 'Buy';
		if (s.roundPrices) {
			for (const [field, kind] of PRICE_FIELDS) {
				if (s.tpslUnit !== 'price' && (field === 'takeProfit' || field === 'stopLoss')) continue;
				if (body[field] !== undefined && body[field] !== '' && body[field] !== '0') body[field] = sizing.roundPrice(String(body[field]), f, kind, side);
			}
		}
		const limit = body.orderType === 'Limit' && body.price ? String(body.price) : undefined;
		const price = limit ?? (await instruments.currentPrice(ctx, category, symbol, 'lastPrice', i));
		if (s.tpslUnit !== 'price') applyTpslOffsets(body, s.tpslUnit, limit ?? (body.triggerPrice ? String(body.triggerPrice) : price), f);
		const trace: RoundTrace = {};
		body.qty = await sizedQty(ctx, s.qtyType, body, f, price, i, trace);
		noteRounding(ctx, trace, f, i);
		if (s.qtyType !== 'base' && category === 'spot' && body.orderType === 'Market') body.marketUnit = 'baseCoin';
		const problem = category === 'spot' && body.orderType === 'Market' && body.marketUnit !== 'baseCoin' ? undefined : sizing.qtyProblem(String(body.qty), price, String(body.orderType), f);
		if (problem) throw new sizing.SizingError(problem);
	} catch (error) {
		if (error instanceof sizing.SizingError) throw new NodeOperationError(ctx.getNode(), error.message, { itemIndex: i });
		throw new NodeOperationError(ctx.getNode(), error as Error, { itemIndex: i });
	}
}

/**
 * order.create from its body: sizing and rounding, positionIdx Auto, then
 * either the idempotent send or, in a dry run, the credential's guardrail
 * checks, the exact request that would have been sent and Bybit's pre-check
 * of it (`bybitPreCheck`, trading/preCheck.ts).
 */
export async function runCreate(ctx: IExecuteFunctions, body: IDataObject, s: CreateSettings, i: number): Promise<IDataObject> {
	await prepareCreate(ctx, body, s, i);
	const auto = body.positionIdx === 'auto';
	await resolvePositionIdx(ctx, body, i);
	if (!s.dryRun) {
		try {
			return await orderCreate.createOrderOnce(ctx, body, i);
		} catch (error) {
			// the position mode kept for Auto is stale (the user switched it): Bybit refused before acting,
			// so the order goes once more with the mode read fresh
			if (!auto || !isPositionModeMismatch(error)) throw toNodeError(ctx.getNode(), error, i);
			await forgetPositionMode(ctx, String(body.category), String(body.symbol));
			body.positionIdx = 'auto';
			await resolvePositionIdx(ctx, body, i);
			return await orderCreate.createOrderOnce(ctx, body, i);
		}
	}
	await checkGuardrails.call(ctx, { method: 'POST', path: '/v5/order/create', body, itemIndex: i });
	// Bybit's own margin check where the environment serves it (never places the order, never fails the dry run)
	return { dryRun: true, method: 'POST', path: '/v5/order/create', body, guardrails: 'passed', bybitPreCheck: await preCheck.askPreCheck(ctx, body, i) };
}
