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

/**
 * A symbol's position mode (one-way or hedge) for positionIdx Auto, kept 5 minutes: it changes only
 * when the user switches it, and then Bybit refuses the order before acting on it ("position idx not
 * match position mode"), after which the order is sent once more with the mode read fresh (see
 * runCreate). Leverage and sizes never come from here.
 */
const MODE_TTL_MS = 5 * 60_000;
const modes = new Map<string, { expires: number; hedge: Promise<boolean> }>();

async function isHedgeMode(ctx: BybitContext, category: string, symbol: string, itemIndex: number): Promise<boolean> {
	const key = `${await credentialScope(ctx)}|${category}|${symbol}`;
	const hit = modes.get(key);
	if (hit && hit.expires > Date.now()) return await hit.hedge;
	const hedge = positionSettings(ctx, category, symbol, itemIndex).then((rows) => rows.some((row) => Number(row.positionIdx) !== 0));
	modes.set(key, { expires: Date.now() + MODE_TTL_MS, hedge });
	hedge.catch(() => modes.delete(key));
	return await hedge;
}

/** Starts reading a symbol's position mode if it is not kept (errors surface where the mode is used). */
export function prefetchPositionMode(ctx: BybitContext, category: string, symbol: string, itemIndex: number): void {
	isHedgeMode(ctx, category, symbol, itemIndex).catch(() => undefined);
}

/** Forgets a symbol's position mode (after Bybit said the positionIdx did not match it). */
export async function forgetPositionMode(ctx: BybitContext, category: string, symbol: string): Promise<void> {
	const key = `${await credentialScope(ctx)}|${category}|${symbol}`;
	modes.delete(key);
	lists.delete(key);
}

/** Bybit's refusal of a positionIdx that does not match the symbol's position mode (before acting). */
export function isPositionModeMismatch(error: unknown): boolean {
	const e = error as { context?: { retCode?: unknown }; message?: string } | undefined;
	return e?.context?.retCode === 10001 && /position ?idx not match position mode/i.test(String(e?.message ?? ''));
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
	modes.clear();
}
