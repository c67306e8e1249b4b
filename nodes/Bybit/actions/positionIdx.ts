/**
 * positionIdx "Auto": Bybit's most repeated support question is "position idx
 * not match position mode". Auto reads the symbol's position mode and derives
 * the index: one-way 0; hedge 1 (long side) or 2 (short side), from the
 * order's side and whether it reduces.
 */
import type { IDataObject } from 'n8n-workflow';

import { bybitApiRequest, credentialScope, type BybitContext } from '../transport';

const TTL_MS = 5_000;
const modes = new Map<string, { expires: number; hedge: Promise<boolean> }>();

async function isHedgeMode(ctx: BybitContext, category: string, symbol: string, itemIndex: number): Promise<boolean> {
	const key = `${await credentialScope(ctx)}|${category}|${symbol}`;
	const hit = modes.get(key);
	if (hit && hit.expires > Date.now()) return await hit.hedge;
	const hedge = bybitApiRequest
		.call(ctx, { method: 'GET', path: '/v5/position/list', qs: { category, symbol }, itemIndex })
		.then((result: IDataObject) => ((result.list as IDataObject[] | undefined) ?? []).some((row) => Number(row.positionIdx) !== 0));
	modes.set(key, { expires: Date.now() + TTL_MS, hedge });
	hedge.catch(() => modes.delete(key));
	return await hedge;
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
	modes.clear();
}
