/**
 * What the account trigger has emitted, kept so that nothing is emitted twice
 * across reconnects, reactivations and n8n restarts.
 *
 * - `SeenSet`: every key seen by this process (bounded at 50,000 keys), for
 *   de-duplicating the stream against catch-up.
 * - `Ledger`: one per stream (orders, executions), persisted in the node's
 *   static data. `high` is the newest event time seen; catch-up considers
 *   events from `floor` on, and `keys` holds every event seen at or after
 *   `floor`, so de-duplication above the floor is exact and nothing below it
 *   is fetched. The floor trails `high` by the 5 s REST-lag overlap, and at
 *   most 100 keys are kept: with more than 100 events within 5 s the floor
 *   rises past the oldest ones. Persisted size: at most 100 keys plus two
 *   timestamps per stream; an execution key (`x:` + execId) takes about 55
 *   bytes of JSON with its time, an order key (`o:orderId:updatedTime:status`)
 *   at most about 95, so at most about 5.5 KB + 9.5 KB, typically a few
 *   hundred bytes (only the events of the last 5 s are kept).
 */
export const OVERLAP_MS = 5_000;
export const MAX_LEDGER_KEYS = 100;
const MAX_SEEN = 50_000;

export class SeenSet {
	private readonly keys = new Set<string>();

	has(key: string): boolean {
		return this.keys.has(key);
	}

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

/** The persisted form: plain JSON, replaced (never mutated) in static data. */
export interface Mark {
	high: number;
	floor: number;
	keys: Record<string, number>;
}

const isTime = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v) && v > 0;

/** Reads a mark from static data; anything malformed counts as absent. */
export function markOf(raw: unknown): Mark | undefined {
	if (!raw || typeof raw !== 'object') return undefined;
	const m = raw as { high?: unknown; floor?: unknown; keys?: unknown };
	if (!isTime(m.high) || !isTime(m.floor)) return undefined;
	const keys: Record<string, number> = {};
	if (m.keys && typeof m.keys === 'object') {
		for (const [k, t] of Object.entries(m.keys as Record<string, unknown>)) if (isTime(t) && t >= m.floor) keys[k] = t;
	}
	return { high: m.high, floor: m.floor, keys };
}

/** Two records of the same stream (static data and a live instance): their union. */
export function mergeMarks(a: Mark | undefined, b: Mark | undefined): Mark | undefined {
	if (!a || !b) return a ?? b;
	const floor = Math.max(a.floor, b.floor);
	const keys: Record<string, number> = {};
	for (const [k, t] of [...Object.entries(a.keys), ...Object.entries(b.keys)]) if (t >= floor) keys[k] = t;
	return { high: Math.max(a.high, b.high), floor, keys };
}

export class Ledger {
	high: number;
	floor: number;
	private readonly keys: Map<string, number>;
	/** Whether it changed since the last `snapshot()` (a new ledger has not been saved yet). */
	dirty = true;

	constructor(mark: Mark) {
		this.high = mark.high;
		this.floor = mark.floor;
		this.keys = new Map(Object.entries(mark.keys));
	}

	/** Nothing emitted yet: catch-up starts at `now` (activation), not before. */
	static fresh(now: number): Ledger {
		return new Ledger({ high: now, floor: now, keys: {} });
	}

	has(key: string): boolean {
		return this.keys.has(key);
	}

	keyList(): string[] {
		return [...this.keys.keys()];
	}

	/** Records an event the trigger accepted (emitted, or filtered out on purpose). */
	record(key: string, time: number): void {
		this.dirty = true;
		if (time > this.high) {
			this.high = time;
			const floor = time - OVERLAP_MS;
			if (floor > this.floor) {
				this.floor = floor;
				for (const [k, t] of this.keys) if (t < floor) this.keys.delete(k);
			}
		}
		if (time < this.floor) return;
		this.keys.set(key, time);
		while (this.keys.size > MAX_LEDGER_KEYS) {
			let oldest = Infinity;
			for (const t of this.keys.values()) oldest = Math.min(oldest, t);
			this.floor = oldest + 1;
			for (const [k, t] of this.keys) if (t <= oldest) this.keys.delete(k);
		}
	}

	toMark(): Mark {
		return { high: this.high, floor: this.floor, keys: Object.fromEntries(this.keys) };
	}

	/** A new plain object each time, so that n8n's ObservableObject sees the assignment. */
	snapshot(): Mark {
		this.dirty = false;
		return this.toMark();
	}
}
