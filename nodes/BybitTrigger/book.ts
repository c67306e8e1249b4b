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

	/** A stream message: its new entries emitted as items (or, raw, the message unless all of it was emitted already). */
	onMessage(m: PrivateMessage): void {
		const event = eventOfTopic(m.topic);
		if (this.o.raw) {
			// as Bybit sent it, unless every entry in it was emitted already (by catch-up)
			const entries = event && Array.isArray(m.data) ? m.data : [];
			const fresh = entries.map((entry) => this.remember(event!, entry));
			if (!entries.length || fresh.some(Boolean)) this.o.emit([m as unknown as IDataObject]);
			return;
		}
		if (!event || !Array.isArray(m.data)) return;
		const items: IDataObject[] = [];
		for (const entry of m.data) {
			const item = this.accept(event, m.topic, entry, m.creationTime, 'stream');
			if (item) items.push(item);
		}
		this.o.emit(items);
	}

	/** A catch-up is due (a lost connection, a restart): the floors stay until a pass that began after this has delivered. */
	hold(): void {
		if (!this.o.catchUp) return;
		this.ledgers.order?.hold();
		this.ledgers.execution?.hold();
		this.held++;
	}

	holds(): number {
		return this.held;
	}

	deliver(missed: MissedEvent[], covered: number): void {
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
