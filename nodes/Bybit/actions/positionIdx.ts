/**
 * positionIdx "Auto": Bybit's most repeated support question is "position idx
 * not match position mode". Auto reads the symbol's position mode and derives
 * the index: one-way 0; hedge 1 (long side) or 2 (short side), from the
 * order's side and whether it reduces.
 */
import type { IDataObject } from 'n8n-workflow';

import { bybitApiRequest, credentialScope, type BybitContext } from '../transport';

const TTL_MS = 5_000;
const lists = new Map<string, { expires: number; rows: Promise<IDataObject[]> }>();

/**
 * A symbol's position rows, shared for a few seconds by positionIdx Auto and
 * balance sizing (mode and leverage change rarely). Never used for sizes:
 * closing reads positions fresh.
 */
export async function positionSettings(ctx: BybitContext, category: string, symbol: string, itemIndex?: number): Promise<IDataObject[]> {
	const key = `${await credentialScope(ctx)}|${category}|${symbol}`;
	const hit = lists.get(key);
	if (hit && hit.expires > Date.now()) return await hit.rows;
	const rows = bybitApiRequest
		.call(ctx, { method: 'GET', path: '/v5/position/list', qs: { category, symbol }, itemIndex })
		.then((result: IDataObject) => (result.list as IDataObject[] | undefined) ?? []);
	lists.set(key, { expires: Date.now() + TTL_MS, rows });
	rows.catch(() => lists.delete(key));
	return await rows;
}

async function isHedgeMode(ctx: BybitContext, category: string, symbol: string, itemIndex: number): Promise<boolean> {
	return (await positionSettings(ctx, category, symbol, itemIndex)).some((row) => Number(row.positionIdx) !== 0);
}

export function hedgeIndex(side: string, reduceOnly: boolean): 1 | 2 {
	const long = side === 'Buy' ? !reduceOnly : reduceOnly;
	return long ? 1 : 2;
}

/** Replaces `positionIdx: 'auto'` (or a numeric string) in a request body; spot and option take none. */
export async function resolvePositionIdx(ctx: BybitContext, body: IDataObject, itemIndex: number, sideField = 'side'): Promise<void> {
	const value = body.positionIdx;
	if (value === undefined || value === '') return;
	const category = String(body.category);
	if (category !== 'linear' && category !== 'inverse') {
		delete body.positionIdx;
		return;
	}
	if (value !== 'auto') {
		body.positionIdx = Number(value);
		return;
	}
	const hedge = await isHedgeMode(ctx, category, String(body.symbol), itemIndex);
	body.positionIdx = hedge ? hedgeIndex(String(body[sideField] ?? ''), body.reduceOnly === true) : 0;
}

/** For tests. */
export function clearPositionModeCache(): void {
	lists.clear();
}
