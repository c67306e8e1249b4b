/**
 * Catch-up after a reconnect or an n8n restart: fetches the order and
 * execution updates the stream may have missed over REST, from each stream's
 * ledger floor (see ledger.ts) as it stood when the catch-up began (the caller
 * holds the floors there until it has emitted what this returns), and returns
 * those not seen yet, oldest first. Rows are told apart by key, never by a
 * floor that live events may have moved meanwhile. The caller accepts them
 * (de-duplication again, in case the stream delivered one meanwhile) and
 * emits. At most 24 h are looked back.
 */
import type { IDataObject } from 'n8n-workflow';

import { bybitApiRequestAllItems, type BybitContext } from '../Bybit/transport';
import type { Ledger, SeenSet } from './ledger';
import { dedupeKey, type AccountEvent } from './normalize';

const MAX_LOOKBACK_MS = 24 * 3600_000;

export interface Ledgers {
	order?: Ledger;
	execution?: Ledger;
}

/** The ledger an event is recorded in, and the event's time. */
export function ledgerOf(ledgers: Ledgers, event: AccountEvent, d: IDataObject): { ledger?: Ledger; time: number } {
	if (event === 'order') return { ledger: ledgers.order, time: Number(d.updatedTime) || Date.now() };
	if (event === 'execution' || event === 'executionFast') return { ledger: ledgers.execution, time: Number(d.execTime) || Date.now() };
	return { time: Date.now() };
}

export interface MissedEvent {
	event: AccountEvent;
	topic: string;
	entry: IDataObject;
	time: number;
}

/** Fetches order and execution updates from the ledgers' floors, read once before any request, for the categories watched. */
export async function fetchMissed(
	ctx: BybitContext,
	events: AccountEvent[],
	categories: string[],
	ledgers: Ledgers,
	seen: SeenSet,
): Promise<MissedEvent[]> {
	const from = {
		order: ledgers.order && Math.max(Date.now() - MAX_LOOKBACK_MS, ledgers.order.floor),
		execution: ledgers.execution && Math.max(Date.now() - MAX_LOOKBACK_MS, ledgers.execution.floor),
	};
	const missed: MissedEvent[] = [];
	const fresh = (event: AccountEvent, ledger: Ledger, start: number, entry: IDataObject, time: number) => {
		const key = dedupeKey(event, entry);
		return time >= start && key !== undefined && !seen.has(key) && !ledger.has(key);
	};
	for (const category of categories) {
		const orders = ledgers.order;
		if (events.includes('order') && orders && from.order !== undefined) {
			const rows = await bybitApiRequestAllItems.call(ctx, { method: 'GET', path: '/v5/order/history', qs: { category, startTime: from.order } }, { pageSize: 50 });
			for (const entry of rows) {
				const time = Number(entry.updatedTime);
				if (fresh('order', orders, from.order, entry, time)) missed.push({ event: 'order', topic: 'order', entry: { category, ...entry }, time });
			}
		}
		const execs = ledgers.execution;
		if ((events.includes('execution') || events.includes('executionFast')) && execs && from.execution !== undefined) {
			const event: AccountEvent = events.includes('execution') ? 'execution' : 'executionFast';
			const rows = await bybitApiRequestAllItems.call(ctx, { method: 'GET', path: '/v5/execution/list', qs: { category, startTime: from.execution } }, { pageSize: 100 });
			for (const entry of rows) {
				const time = Number(entry.execTime);
				if (fresh(event, execs, from.execution, entry, time)) missed.push({ event, topic: event === 'execution' ? 'execution' : 'execution.fast', entry: { category, ...entry }, time });
			}
		}
	}
	return missed.sort((a, b) => a.time - b.time);
}
