/**
 * order.create's sizing, rounding and dry run: the quantity may be given as
 * a base quantity, a quote amount, a percentage of the available balance or
 * a risk percentage of equity with the stop-loss as the stop; computed
 * quantities are rounded down to qtyStep, prices to tickSize, and the result
 * is checked against the instrument's limits before anything is sent.
 */
import { NodeOperationError, type IDataObject, type IExecuteFunctions } from 'n8n-workflow';

import { bybitApiRequest } from '../transport';
import { currentPrice, instrumentFilters } from '../trading/instruments';
import {
	qtyFromBalancePercent,
	qtyFromQuote,
	qtyFromRisk,
	qtyProblem,
	roundPrice,
	SizingError,
	type InstrumentFilters,
	type PriceKind,
} from '../trading/sizing';

export type QtyType = 'base' | 'quote' | 'balancePercent' | 'risk';

const PRICE_FIELDS: Array<[string, PriceKind]> = [
	['price', 'limit'],
	['triggerPrice', 'trigger'],
	['takeProfit', 'takeProfit'],
	['stopLoss', 'stopLoss'],
	['tpLimitPrice', 'takeProfit'],
	['slLimitPrice', 'stopLoss'],
];

async function wallet(ctx: IExecuteFunctions, i: number): Promise<IDataObject> {
	const result = await bybitApiRequest.call(ctx, { method: 'GET', path: '/v5/account/wallet-balance', qs: { accountType: 'UNIFIED' }, itemIndex: i });
	return ((result.list as IDataObject[] | undefined) ?? [])[0] ?? {};
}

async function leverageOf(ctx: IExecuteFunctions, body: IDataObject, i: number): Promise<string> {
	if (body.category === 'spot') return '1';
	const result = await bybitApiRequest.call(ctx, { method: 'GET', path: '/v5/position/list', qs: { category: body.category, symbol: body.symbol }, itemIndex: i });
	return String(((result.list as IDataObject[] | undefined) ?? [])[0]?.leverage ?? '1');
}

async function sizedQty(ctx: IExecuteFunctions, qtyType: QtyType, body: IDataObject, f: InstrumentFilters, price: string, i: number): Promise<string> {
	const value = String(body.qty);
	switch (qtyType) {
		case 'base':
			return value;
		case 'quote':
			return qtyFromQuote(value, price, f);
		case 'balancePercent': {
			const w = await wallet(ctx, i);
			const available = String(w.totalAvailableBalance ?? '0');
			return qtyFromBalancePercent(available, value, await leverageOf(ctx, body, i), price, f);
		}
		case 'risk': {
			if (!body.stopLoss) throw new SizingError('Risk sizing needs a Stop Loss (Additional Fields): the quantity is the risk divided by the distance to the stop.');
			const w = await wallet(ctx, i);
			return qtyFromRisk(String(w.totalEquity ?? '0'), value, price, String(body.stopLoss), f);
		}
	}
}

/**
 * Applies sizing and rounding to a create body in place. Returns nothing;
 * throws a NodeOperationError naming the numbers when the order breaks a limit.
 */
export async function prepareCreate(ctx: IExecuteFunctions, body: IDataObject, qtyType: QtyType, roundPrices: boolean, i: number): Promise<void> {
	if (qtyType === 'base' && !roundPrices) return;
	const category = String(body.category);
	const symbol = String(body.symbol);
	try {
		const f = await instrumentFilters(ctx, category, symbol, i);
		const side = body.side === 'Sell' ? 'Sell' : 'Buy';
		if (roundPrices) {
			for (const [field, kind] of PRICE_FIELDS) {
				if (body[field] !== undefined && body[field] !== '' && body[field] !== '0') body[field] = roundPrice(String(body[field]), f, kind, side);
			}
		}
		const price = body.orderType === 'Limit' && body.price ? String(body.price) : await currentPrice(ctx, category, symbol, 'lastPrice', i);
		body.qty = await sizedQty(ctx, qtyType, body, f, price, i);
		if (qtyType !== 'base' && category === 'spot' && body.orderType === 'Market') body.marketUnit = 'baseCoin';
		const problem = category === 'spot' && body.orderType === 'Market' && body.marketUnit !== 'baseCoin' ? undefined : qtyProblem(String(body.qty), price, String(body.orderType), f);
		if (problem) throw new SizingError(problem);
	} catch (error) {
		if (error instanceof SizingError) throw new NodeOperationError(ctx.getNode(), error.message, { itemIndex: i });
		throw new NodeOperationError(ctx.getNode(), error as Error, { itemIndex: i });
	}
}
