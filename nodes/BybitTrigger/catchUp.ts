/**
 * Catch-up after a reconnect or an n8n restart: fetches the order and
 * execution updates the stream may have missed over REST and hands each
 * trigger those it has not seen, oldest first.
 *
 * One catch-up serves every trigger on a connection (`CatchUp`): a pass takes
 * the triggers due, reads each one's ledger floors (ledger.ts) before any
 * request (each trigger holds its floors there until it has emitted what the
 * pass hands it), asks Bybit once per category and stream from the lowest of
 * those floors, and gives each trigger the rows at or above its own floors,
 * told apart by key against its own ledger, never by a floor that live
 * events may have moved meanwhile. So the REST requests after a drop do not
 * grow with the number of triggers. A failed pass is tried again (1 s
 * doubling to 30 s) while a trigger due is live. At most 24 h are looked back.
 */
import { sleep, type IDataObject } from 'n8n-workflow';

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

/** One trigger's side of a catch-up. */
export interface CatchUpMember {
	readonly live: boolean;
	/** This trigger's REST context (refuses once the trigger is closed). */
	rest: BybitContext;
	events: AccountEvent[];
	categories: string[];
	ledgers: Ledgers;
	seen: SeenSet;
	/** Floors held by this trigger now (each lost connection holds them once more). */
	holds(): number;
	/** The pass's rows for this trigger; `covered` holds may be released once they are emitted. */
	deliver(missed: MissedEvent[], covered: number): void;
	warn(message: string): void;
}

type Stream = 'order' | 'execution';
const PATHS: Record<Stream, { path: string; pageSize: number; time: string }> = {
	order: { path: '/v5/order/history', pageSize: 50, time: 'updatedTime' },
	execution: { path: '/v5/execution/list', pageSize: 100, time: 'execTime' },
};

const wants = (m: CatchUpMember, stream: Stream) =>
	stream === 'order' ? m.events.includes('order') && m.ledgers.order !== undefined : (m.events.includes('execution') || m.events.includes('executionFast')) && m.ledgers.execution !== undefined;

/** Catch-up passes for the triggers of one connection, one at a time. */
export class CatchUp {
	private readonly due = new Set<CatchUpMember>();
	private running = false;

	/** `retryBaseMs`: the wait after the first failed pass, doubling up to 30 s. */
	constructor(private readonly retryBaseMs = 1000) {}

	/** Marks the trigger due and starts a pass unless one runs (a running pass starts another for it). */
	request(member: CatchUpMember): void {
		this.due.add(member);
		void this.run();
	}

	private async run(): Promise<void> {
		if (this.running) return;
		this.running = true;
		try {
			// every trigger a reconnect marks due in the same turn joins the first pass
			await Promise.resolve();
			for (let failures = 0; this.due.size; ) {
				const members = [...this.due].filter((m) => m.live);
				this.due.clear();
				if (!members.length) return;
				const covered = new Map(members.map((m) => [m, m.holds()]));
				try {
					const missed = await this.fetch(members);
					for (const m of members) if (m.live) m.deliver(missed.get(m) ?? [], covered.get(m) ?? 0);
					failures = 0;
				} catch (error) {
					const waiting = members.filter((m) => m.live);
					if (!waiting.length) continue;
					failures++;
					for (const m of waiting) this.due.add(m);
					waiting[0].warn(`Bybit Trigger catch-up failed (attempt ${failures}; trying again): ${(error as Error).message}`);
					const until = Date.now() + Math.min(30_000, this.retryBaseMs * 2 ** Math.min(failures - 1, 5));
					while (Date.now() < until && [...this.due].some((m) => m.live)) await sleep(Math.min(100, until - Date.now()));
				}
			}
		} finally {
			this.running = false;
		}
	}

	/** One request per category and stream, from the lowest floor of the members that want it; rows split by member. */
	private async fetch(members: CatchUpMember[]): Promise<Map<CatchUpMember, MissedEvent[]>> {
		const lookback = Date.now() - MAX_LOOKBACK_MS;
		// each member's floors, read once before any request
		const from = new Map(members.map((m) => [m, { order: m.ledgers.order && Math.max(lookback, m.ledgers.order.floor), execution: m.ledgers.execution && Math.max(lookback, m.ledgers.execution.floor) }]));
		const out = new Map<CatchUpMember, MissedEvent[]>(members.map((m) => [m, []]));
		const categories = [...new Set(members.flatMap((m) => m.categories))];
		for (const category of categories) {
			for (const stream of ['order', 'execution'] as const) {
				const takers = members.filter((m) => m.categories.includes(category) && wants(m, stream));
				if (!takers.length) continue;
				const start = Math.min(...takers.map((m) => from.get(m)![stream]!));
				const rest = takers.find((m) => m.live)?.rest;
				if (!rest) continue;
				const { path, pageSize, time } = PATHS[stream];
				const rows = await bybitApiRequestAllItems.call(rest, { method: 'GET', path, qs: { category, startTime: start } }, { pageSize });
				for (const m of takers) {
					const floor = from.get(m)![stream]!;
					const ledger = m.ledgers[stream]!;
					const event: AccountEvent = stream === 'order' ? 'order' : m.events.includes('execution') ? 'execution' : 'executionFast';
					const topic = event === 'executionFast' ? 'execution.fast' : event;
					for (const entry of rows) {
						const t = Number(entry[time]);
						const key = dedupeKey(event, entry);
						if (t >= floor && key !== undefined && !m.seen.has(key) && !ledger.has(key)) out.get(m)!.push({ event, topic, entry: { category, ...entry }, time: t });
					}
				}
			}
		}
		for (const list of out.values()) list.sort((a, b) => a.time - b.time);
		return out;
	}
}
