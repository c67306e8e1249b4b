/**
 * Catch-up after a reconnect or an n8n restart: fetches the order and
 * execution updates the stream may have missed over REST, from cursors kept
 * in the workflow's static data, and lets the trigger emit the ones it has
 * not emitted yet (de-duplicated by execId, and by orderId + updatedTime +
 * orderStatus). Memory is bounded: the seen-set keeps the newest keys.
 */
import type { IDataObject } from 'n8n-workflow';

import { bybitApiRequestAllItems, type BybitContext } from '../Bybit/transport';
import { dedupeKey, type AccountEvent } from './normalize';

const MAX_SEEN = 50_000;
/** Look back a little before the cursor: Bybit's REST views lag the stream slightly. */
const OVERLAP_MS = 5_000;
const MAX_LOOKBACK_MS = 24 * 3600_000;

export class SeenSet {
	private readonly keys = new Set<string>();

	/** Adds the key; returns false if it was already there. */
	add(key: string): boolean {
		if (this.keys.has(key)) return false;
		this.keys.add(key);
		if (this.keys.size > MAX_SEEN) this.keys.delete(this.keys.values().next().value as string);
		return true;
	}

	get size(): number {
		return this.keys.size;
	}
}

export interface Cursors {
	orderTime?: number;
	execTime?: number;
}

/** Advances the cursors from an entry that was emitted. */
export function advance(cursors: Cursors, event: AccountEvent, d: IDataObject): void {
	if (event === 'order') cursors.orderTime = Math.max(cursors.orderTime ?? 0, Number(d.updatedTime) || 0);
	if (event === 'execution' || event === 'executionFast') cursors.execTime = Math.max(cursors.execTime ?? 0, Number(d.execTime) || 0);
}

export interface MissedEvent {
	event: AccountEvent;
	topic: string;
	entry: IDataObject;
	time: number;
}

/** Fetches order and execution updates since the cursors, for the categories watched. */
export async function fetchMissed(
	ctx: BybitContext,
	events: AccountEvent[],
	categories: string[],
	cursors: Cursors,
	seen: SeenSet,
): Promise<MissedEvent[]> {
	const now = Date.now();
	const since = (t?: number) => Math.max(now - MAX_LOOKBACK_MS, (t ?? now) - OVERLAP_MS);
	const missed: MissedEvent[] = [];
	const wantOrders = events.includes('order');
	const wantExecs = events.includes('execution') || events.includes('executionFast');
	for (const category of categories) {
		if (wantOrders && cursors.orderTime) {
			const rows = await bybitApiRequestAllItems.call(ctx, { method: 'GET', path: '/v5/order/history', qs: { category, startTime: since(cursors.orderTime) } }, { pageSize: 50 });
			for (const entry of rows) {
				if (Number(entry.updatedTime) < (cursors.orderTime ?? 0) - OVERLAP_MS) continue;
				const key = dedupeKey('order', entry);
				if (key && seen.add(key)) missed.push({ event: 'order', topic: 'order', entry: { category, ...entry }, time: Number(entry.updatedTime) });
			}
		}
		if (wantExecs && cursors.execTime) {
			const event: AccountEvent = events.includes('execution') ? 'execution' : 'executionFast';
			const rows = await bybitApiRequestAllItems.call(ctx, { method: 'GET', path: '/v5/execution/list', qs: { category, startTime: since(cursors.execTime) } }, { pageSize: 100 });
			for (const entry of rows) {
				const key = dedupeKey(event, entry);
				if (key && seen.add(key)) missed.push({ event, topic: event === 'execution' ? 'execution' : 'execution.fast', entry: { category, ...entry }, time: Number(entry.execTime) });
			}
		}
	}
	return missed.sort((a, b) => a.time - b.time);
}
