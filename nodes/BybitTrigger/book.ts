/**
 * One account trigger's event handling, apart from the connection layer
 * (connections.ts) and from n8n (account.ts wires it to a trigger context):
 * what it has seen (SeenSet, per-stream ledgers), its filters, the items it
 * makes of stream messages and catch-up rows, and the floors it holds while a
 * catch-up is due. It is the trigger's side of a shared catch-up pass
 * (CatchUpMember): `deliver` accepts a pass's rows, releases the holds the pass
 * covered and emits, in that order, so that what is saved with the emit never
 * has a floor above an event not yet emitted.
 */
import type { IDataObject } from 'n8n-workflow';

import type { BybitContext } from '../Bybit/transport';
import { ledgerOf, type CatchUpMember, type Ledgers, type MissedEvent } from './catchUp';
import { passes, type AccountFilters } from './filters';
import type { SeenSet } from './ledger';
import { dedupeKey, eventOfTopic, itemOf, type AccountEvent, type PrivateMessage } from './normalize';

export interface BookOptions {
	events: AccountEvent[];
	/** The categories whose catch-up rows this trigger takes. */
	categories: string[];
	ledgers: Ledgers;
	seen: SeenSet;
	filters: AccountFilters;
	/** Raw Messages: emit Bybit's messages as they are. */
	raw: boolean;
	/** Catch-up on: floors are held and persisted. */
	catchUp: boolean;
	live: () => boolean;
	rest: BybitContext;
	emit: (items: IDataObject[]) => void;
	warn: (message: string) => void;
}

export class AccountBook implements CatchUpMember {
	readonly events: AccountEvent[];
	readonly categories: string[];
	readonly ledgers: Ledgers;
	readonly seen: SeenSet;
	readonly rest: BybitContext;
	private held = 0;

	constructor(private readonly o: BookOptions) {
		this.events = o.events;
		this.categories = o.categories;
		this.ledgers = o.ledgers;
		this.seen = o.seen;
		this.rest = o.rest;
	}

	get live(): boolean {
		return this.o.live();
	}

	/** Records an entry as seen; false when it was seen before. */
	remember(event: AccountEvent, entry: IDataObject): boolean {
		const k = dedupeKey(event, entry);
		if (!k) return true;
		if (!this.seen.add(k)) return false;
		const { ledger, time } = ledgerOf(this.ledgers, event, entry);
		ledger?.record(k, time);
		return true;
	}

	/** The item for an entry not seen before that passes the filters. */
	accept(event: AccountEvent, topic: string, entry: IDataObject, creationTime: number | undefined, source: 'stream' | 'catchUp'): IDataObject | undefined {
		if (!this.remember(event, entry) || !passes(this.o.filters, entry)) return undefined;
		return itemOf(event, { topic, creationTime, data: [] }, entry, source);
	}

	/** Stream messages of the socket read being handled, not yet recorded. */
	private pending: PrivateMessage[] = [];

	/**
	 * A stream message: handled with the others of the same socket read, once
	 * the read's messages have all been dispatched (a microtask: the runtime's
	 * WebSocket dispatches a read's messages synchronously, then runs
	 * microtasks). So a burst makes one emit (one execution, one save of the
	 * ledgers) per read instead of one per message; at most one read's
	 * messages wait, and they wait for no other work.
	 */
	onMessage(m: PrivateMessage): void {
		if (this.pending.push(m) === 1) void Promise.resolve().then(() => this.flush());
	}

	/**
	 * Records the waiting messages' new entries and emits them as one batch:
	 * recorded and emitted together, so the ledgers saved with the emit never
	 * hold an event not emitted. Before a hold or a catch-up delivery too, so
	 * the order of events is the order they arrived in.
	 */
	flush(): void {
		const batch = this.pending;
		if (!batch.length) return;
		this.pending = [];
		if (!this.o.live()) return;
		const items: IDataObject[] = [];
		for (const m of batch) this.handle(m, items);
		this.o.emit(items);
	}

	/** A stream message's new entries as items (or, raw, the message unless all of it was emitted already). */
	private handle(m: PrivateMessage, items: IDataObject[]): void {
		const event = eventOfTopic(m.topic);
		if (this.o.raw) {
			// as Bybit sent it, unless every entry in it was emitted already (by catch-up)
			const entries = event && Array.isArray(m.data) ? m.data : [];
			const fresh = entries.map((entry) => this.remember(event!, entry));
			if (!entries.length || fresh.some(Boolean)) items.push(m as unknown as IDataObject);
			return;
		}
		if (!event || !Array.isArray(m.data)) return;
		for (const entry of m.data) {
			const item = this.accept(event, m.topic, entry, m.creationTime, 'stream');
			if (item) items.push(item);
		}
	}

	/** A catch-up is due (a lost connection, a restart): the floors stay until a pass that began after this has delivered. */
	hold(): void {
		this.flush();
		if (!this.o.catchUp) return;
		this.ledgers.order?.hold();
		this.ledgers.execution?.hold();
		this.held++;
	}

	holds(): number {
		return this.held;
	}

	deliver(missed: MissedEvent[], covered: number): void {
		this.flush();
		const items: IDataObject[] = [];
		for (const m of missed) {
			const item = this.accept(m.event, m.topic, m.entry, undefined, 'catchUp');
			if (item) items.push(item);
		}
		for (let i = 0; i < covered; i++) {
			this.ledgers.order?.release();
			this.ledgers.execution?.release();
		}
		this.held -= covered;
		this.o.emit(items);
	}

	warn(message: string): void {
		this.o.warn(message);
	}
}
