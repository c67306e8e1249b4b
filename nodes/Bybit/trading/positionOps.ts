/**
 * Position-level operations traders otherwise script by hand: close one
 * position or all, flip, bring to a target size, move the stop to breakeven.
 * Every order goes through `createOrderOnce` with a fresh orderLinkId, so a
 * lost answer never turns into a second order.
 */
import { randomUUID } from 'crypto';
import type { IDataObject } from 'n8n-workflow';

import { bybitApiRequest, bybitApiRequestAllItems, type BybitContext } from '../transport';
import * as D from './decimalMath';
import { instrumentFilters } from './instruments';
import { createOrderOnce, type CreatedOrder } from './orderCreate';
import { roundPrice, roundQty, SizingError } from './sizing';

export interface PositionRow extends IDataObject {
	symbol: string;
	side: string;
	size: string;
	positionIdx: number;
	avgPrice: string;
}

type Side = 'Buy' | 'Sell';

const opposite = (side: string): Side => (side === 'Buy' ? 'Sell' : 'Buy');

/** A unique orderLinkId for orders this package places on its own (<= 36 chars). */
export function internalLinkId(prefix: string): string {
	return `${prefix}-${randomUUID().replace(/-/g, '')}`.slice(0, 36);
}

/** An order's id derived from a signal's orderLinkId: `<linkId>-<suffix>`, within Bybit's 36 characters. */
function derivedLinkId(linkId: string, suffix: string): string {
	return `${linkId.slice(0, 33)}-${suffix}`;
}

export async function openPositions(
	ctx: BybitContext,
	category: string,
	filter: { symbol?: string; settleCoin?: string },
	itemIndex?: number,
): Promise<PositionRow[]> {
	const qs: IDataObject = { category, symbol: filter.symbol, settleCoin: filter.symbol ? undefined : filter.settleCoin };
	const rows = await bybitApiRequestAllItems.call(
		ctx,
		{ method: 'GET', path: '/v5/position/list', qs, itemIndex },
		{ pageSize: 200 },
	);
	return (rows as PositionRow[]).filter((r) => r.size && D.isPositive(String(r.size)));
}

async function positionMode(ctx: BybitContext, category: string, symbol: string, itemIndex?: number): Promise<{ hedge: boolean; rows: PositionRow[] }> {
	const result = await bybitApiRequest.call(ctx, {
		method: 'GET',
		path: '/v5/position/list',
		qs: { category, symbol },
		itemIndex,
	});
	const rows = (result.list as PositionRow[] | undefined) ?? [];
	return { hedge: rows.some((r) => Number(r.positionIdx) !== 0), rows: rows.filter((r) => r.size && D.isPositive(String(r.size))) };
}

function closeOrder(category: string, row: PositionRow, orderLinkId: string): IDataObject {
	const order: IDataObject = {
		category,
		symbol: row.symbol,
		side: opposite(row.side),
		orderType: 'Market',
		qty: String(row.size),
		reduceOnly: true,
		orderLinkId,
	};
	// options have no position index; linear and inverse need the row's own
	if (category !== 'option') order.positionIdx = Number(row.positionIdx);
	return order;
}

export interface CloseResult extends IDataObject {
	symbol: string;
	closed: boolean;
	message: string;
	orders: CreatedOrder[];
}

/**
 * One reduce-only market order per row, of the row's exact size. With
 * `linkId` (a signal's deterministic id) the orders are `<linkId>-<n>`, so a
 * repeated signal is refused by Bybit as a duplicate instead of acting twice.
 */
async function closeRows(ctx: BybitContext, category: string, rows: PositionRow[], linkId: string | undefined, itemIndex?: number): Promise<CreatedOrder[]> {
	const orders: CreatedOrder[] = [];
	for (const [n, row] of rows.entries()) {
		const id = linkId ? derivedLinkId(linkId, String(n + 1)) : internalLinkId('close');
		orders.push(await createOrderOnce(ctx, closeOrder(category, row, id), itemIndex));
	}
	return orders;
}

/**
 * Spot has no positions: closing sells the base coin's free balance (wallet
 * balance minus what open orders lock), rounded down to the step. Dust below
 * the minimum order is reported, not sent.
 */
async function closeSpot(ctx: BybitContext, symbol: string, linkId: string | undefined, itemIndex?: number): Promise<CloseResult> {
	const filters = await instrumentFilters(ctx, 'spot', symbol, itemIndex);
	const coin = filters.baseCoin ?? symbol.replace(new RegExp(`${filters.quoteCoin ?? 'USDT'}$`), '');
	const result = await bybitApiRequest.call(ctx, { method: 'GET', path: '/v5/account/wallet-balance', qs: { accountType: 'UNIFIED', coin }, itemIndex });
	const row = (((result.list as IDataObject[] | undefined)?.[0]?.coin as IDataObject[] | undefined) ?? []).find((c) => c.coin === coin);
	const free = D.sub(String(row?.walletBalance || '0'), String(row?.locked || '0'));
	const qty = D.isPositive(free) ? roundQty(free, filters) : '0';
	if (!D.isPositive(qty) || D.compare(qty, filters.minOrderQty) < 0) {
		return { symbol, closed: false, orders: [], message: `No ${coin} to sell for ${symbol} (free ${free}, minimum order ${filters.minOrderQty}): nothing to close.` };
	}
	const order = await createOrderOnce(
		ctx,
		{ category: 'spot', symbol, side: 'Sell', orderType: 'Market', qty, marketUnit: 'baseCoin', orderLinkId: linkId ?? internalLinkId('close') },
		itemIndex,
	);
	return { symbol, closed: true, orders: [order], message: `Selling ${qty} ${coin} (the free balance) at market to close ${symbol}.` };
}

/**
 * Closes a symbol's position (or one hedge side: positionIdx 1 long, 2 short)
 * with reduce-only market orders of the exact size. Spot sells the free base
 * coin balance; option closes the option position.
 */
export async function closePosition(
	ctx: BybitContext,
	category: string,
	symbol: string,
	positionIdx: number | undefined,
	itemIndex?: number,
	linkId?: string,
): Promise<CloseResult> {
	if (category === 'spot') return await closeSpot(ctx, symbol, linkId, itemIndex);
	const { rows } = await positionMode(ctx, category, symbol, itemIndex);
	const targets = rows.filter((r) => positionIdx === undefined || Number(r.positionIdx) === positionIdx);
	if (!targets.length) {
		return { symbol, closed: false, orders: [], message: `No open ${symbol} position${positionIdx ? ` on positionIdx ${positionIdx}` : ''}: nothing to close.` };
	}
	const orders = await closeRows(ctx, category, targets, linkId, itemIndex);
	const what = targets.map((r) => `${r.side} ${r.size}`).join(' and ');
	return { symbol, closed: true, orders, message: `Closing ${symbol} ${what} with reduce-only market orders.` };
}

/**
 * Closes every open position in a category (linear needs a settle coin,
 * default USDT), each on its own: one row per position, closed or failed with
 * the reason, so one failure never leaves the other positions open.
 */
export async function closeAll(ctx: BybitContext, category: string, settleCoin: string | undefined, itemIndex?: number, linkId?: string): Promise<CloseResult[]> {
	if (category === 'spot') throw new SizingError('Close All works on linear, inverse and option positions. For spot, use Close Position per symbol (it sells the free base coin).');
	const coin = settleCoin || (category === 'linear' ? 'USDT' : undefined);
	// in a fixed order, so that two runs with the same id derive the same id per position
	const rows = (await openPositions(ctx, category, { settleCoin: coin }, itemIndex)).sort((a, b) => `${a.symbol}|${a.positionIdx}`.localeCompare(`${b.symbol}|${b.positionIdx}`));
	const results: CloseResult[] = [];
	for (const [n, row] of rows.entries()) {
		const what = `${row.symbol} ${row.side} ${row.size}`;
		try {
			const orders = await closeRows(ctx, category, [row], linkId ? `${linkId.slice(0, 28)}-${n + 1}` : undefined, itemIndex);
			results.push({ symbol: row.symbol, closed: true, orders, message: `Closing ${what}.` });
		} catch (error) {
			results.push({ symbol: row.symbol, closed: false, orders: [], message: `Could not close ${what}: ${(error as Error).message}` });
		}
	}
	return results;
}

/**
 * Reverses a position. One-way mode: one market order of (current + new) size
 * on the other side. Hedge mode: close the open side, then open the other.
 * `qty` is the new position's size (default: the current size).
 */
export async function flipPosition(
	ctx: BybitContext,
	category: string,
	symbol: string,
	qty: string | undefined,
	itemIndex?: number,
	linkId?: string,
): Promise<IDataObject> {
	const { hedge, rows } = await positionMode(ctx, category, symbol, itemIndex);
	if (rows.length !== 1) {
		throw new SizingError(
			rows.length ? `${symbol} has positions on both sides (hedge mode): close one side before flipping.` : `No open ${symbol} position to flip.`,
		);
	}
	const row = rows[0];
	const newQty = qty || String(row.size);
	const side = opposite(row.side);
	if (!hedge) {
		const order = await createOrderOnce(
			ctx,
			{ category, symbol, side, orderType: 'Market', qty: D.add(String(row.size), newQty), positionIdx: 0, orderLinkId: linkId ?? internalLinkId('flip') },
			itemIndex,
		);
		return { symbol, from: `${row.side} ${row.size}`, to: `${side} ${newQty}`, orders: [order] };
	}
	const [close] = await closeRows(ctx, category, [row], linkId, itemIndex);
	const open = await createOrderOnce(
		ctx,
		{ category, symbol, side, orderType: 'Market', qty: newQty, positionIdx: side === 'Buy' ? 1 : 2, orderLinkId: linkId ? derivedLinkId(linkId, 'o') : internalLinkId('flip') },
		itemIndex,
	);
	return { symbol, from: `${row.side} ${row.size}`, to: `${side} ${newQty}`, orders: [close, open] };
}

/**
 * Brings a one-way position to a signed target size (+long, -short, 0 flat)
 * with one market order of the difference, reduce-only when it only shrinks.
 */
export async function setTargetPosition(ctx: BybitContext, category: string, symbol: string, target: string, itemIndex?: number, linkId?: string): Promise<IDataObject> {
	const { hedge, rows } = await positionMode(ctx, category, symbol, itemIndex);
	if (hedge) throw new SizingError(`${symbol} is in hedge mode: a signed target size needs one-way mode. Use Close Position and Create instead.`);
	const row = rows[0];
	const current = row ? (row.side === 'Sell' ? `-${row.size}` : String(row.size)) : '0';
	const filters = await instrumentFilters(ctx, category, symbol, itemIndex);
	const diff = D.sub(target, current);
	const qty = roundQty(diff.replace(/^-/, ''), filters);
	if (!D.isPositive(qty)) return { symbol, current, target, message: `${symbol} is already at ${current} (target ${target}, step ${filters.qtyStep}): nothing to do.`, orders: [] };
	const side: Side = D.compare(diff, '0') > 0 ? 'Buy' : 'Sell';
	const shrinking = D.compare(target, '0') === 0 || (D.compare(current, '0') !== 0 && (D.compare(target, '0') > 0) === (D.compare(current, '0') > 0) && D.compare(target.replace(/^-/, ''), current.replace(/^-/, '')) < 0);
	const order = await createOrderOnce(
		ctx,
		{ category, symbol, side, orderType: 'Market', qty, reduceOnly: shrinking, positionIdx: 0, orderLinkId: linkId ? derivedLinkId(linkId, 't') : internalLinkId('tgt') },
		itemIndex,
	);
	return { symbol, current, target, orders: [order], message: `${side} ${qty} ${symbol} (${current} -> ${target}).` };
}

/** Moves the stop-loss to the entry price (rounded to the tick on the safe side). */
export async function breakevenStop(ctx: BybitContext, category: string, symbol: string, positionIdx: number | undefined, itemIndex?: number): Promise<IDataObject[]> {
	const { rows } = await positionMode(ctx, category, symbol, itemIndex);
	const targets = rows.filter((r) => positionIdx === undefined || Number(r.positionIdx) === positionIdx);
	if (!targets.length) throw new SizingError(`No open ${symbol} position: no stop to move.`);
	const filters = await instrumentFilters(ctx, category, symbol, itemIndex);
	const out: IDataObject[] = [];
	for (const row of targets) {
		const stopLoss = roundPrice(String(row.avgPrice), filters, 'stopLoss', row.side === 'Sell' ? 'Sell' : 'Buy');
		await bybitApiRequest.call(ctx, {
			method: 'POST',
			path: '/v5/position/trading-stop',
			body: { category, symbol, tpslMode: 'Full', positionIdx: Number(row.positionIdx), stopLoss },
			itemIndex,
		});
		out.push({ symbol, positionIdx: Number(row.positionIdx), side: row.side, entry: row.avgPrice, stopLoss });
	}
	return out;
}
