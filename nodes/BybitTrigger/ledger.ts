/**
 * What the account trigger has emitted, kept so that nothing is emitted twice
 * and nothing is lost across reconnects, reactivations and n8n restarts.
 *
 * - `SeenSet`: every key seen by this process (bounded at 50,000 keys), for
 *   de-duplicating the stream against catch-up.
 * - `Ledger`: one per stream (orders, executions), persisted in the node's
 *   static data. `high` is the newest event time seen. Catch-up asks Bybit
 *   for the events from `floor` on, and `keys` holds every event recorded at
 *   or after `floor`, so de-duplication there is exact by key. The invariant:
 *   every event older than `floor` was emitted. So the floor only rises to
 *   `high` minus the 5 s overlap (events of one stream reach us at most that
 *   much out of time order), and never while a catch-up is outstanding
 *   (`hold()`: from the moment a connection is lost, or a restart begins,
 *   until what was missed has been fetched and emitted), since live events
 *   that arrive meanwhile must not lift it past the missed ones.
 * - Keys are never forgotten at the newest timestamp, however many share it
 *   (a book sweep stamps hundreds of fills with one millisecond). Past
 *   `MAX_LEDGER_KEYS` keys, and only when no catch-up is outstanding, the
 *   oldest timestamps (older than `high`) are forgotten and the floor rises
 *   above them: exact for up to 2,000 events of one stream within 5 s.
 *   Persisted size: outside a catch-up at most 2,250 keys a stream (2,000,
 *   and 250 added before the next trim; or the keys of the newest
 *   millisecond and 250, if more than 2,000 share it); an execution key
 *   (`x:` + execId) takes about 55 bytes of JSON with its time, an order key
 *   (`o:orderId:updatedTime:status`) at most about 95: at most about 125 KB +
 *   215 KB, typically a few hundred bytes (only the events of the last 5 s
 *   are kept). While a catch-up is outstanding the keys since its floor are
 *   kept as well.
 */
export const OVERLAP_MS = 5_000;
export const MAX_LEDGER_KEYS = 2_000;
/** Keys added beyond the bound before the next trim (a trim sorts the keys). */
export const TRIM_SLACK = 250;
const MAX_SEEN = 50_000;

export class SeenSet {
	private readonly keys = new Set<string>();
	/**
	 * The keys in insertion order, oldest first, kept from one eviction to
	 * the next. A Set's iterator sees keys added after it was made and skips
	 * deleted ones; a fresh `values()` per eviction would instead step over
	 * every key deleted since the Set's storage was last rebuilt (V8 leaves
	 * them as holes until then: up to 80,000 here, about 10 us an eviction).
	 * Made at the first eviction: an iterator not advanced would keep every
	 * storage the Set outgrew alive (V8 links them for it), 1.3 MB at 50,000.
	 */
	private oldest?: SetIterator<string>;

	has(key: string): boolean {
		return this.keys.has(key);
	}

	/** Adds the key; returns false if it was already there. */
	add(key: string): boolean {
		if (this.keys.has(key)) return false;
		this.keys.add(key);
		if (this.keys.size > MAX_SEEN) this.keys.delete((this.oldest ??= this.keys.values()).next().value as string);
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
	private bottom: number;
	private readonly keys: Map<string, number>;
	/** Catch-ups outstanding: while any is, the floor stays where it was. */
	private holds = 0;
	/** No key is older than this (a lower bound), so a floor below it has nothing to forget. */
	private oldest = Infinity;
	/** Size at which the oldest timestamps are next forgotten. */
	private crowdLimit = MAX_LEDGER_KEYS;
	/** Whether it changed since the last `snapshot()` (a new ledger has not been saved yet). */
	dirty = true;

	constructor(mark: Mark) {
		this.high = mark.high;
		this.bottom = mark.floor;
		this.keys = new Map(Object.entries(mark.keys));
		for (const t of this.keys.values()) if (t < this.oldest) this.oldest = t;
	}

	/** Nothing emitted yet: catch-up starts at `now` (activation), not before. */
	static fresh(now: number): Ledger {
		return new Ledger({ high: now, floor: now, keys: {} });
	}

	/** Every event older than this was emitted; catch-up asks from here. */
	get floor(): number {
		return this.bottom;
	}

	get held(): boolean {
		return this.holds > 0;
	}

	has(key: string): boolean {
		return this.keys.has(key);
	}

	keyList(): string[] {
		return [...this.keys.keys()];
	}

	get size(): number {
		return this.keys.size;
	}

	/**
	 * A catch-up begins (or a lost connection means one is due): the floor
	 * stays until `release()`. Returns the floor the catch-up asks from.
	 */
	hold(): number {
		this.holds++;
		return this.bottom;
	}

	/** A catch-up that emitted all it fetched has ended: the floor may follow `high` again. */
	release(): void {
		if (this.holds === 0) return;
		this.holds--;
		this.settle();
	}

	/** Records an event the trigger accepted (emitted, or filtered out on purpose). */
	record(key: string, time: number): void {
		this.dirty = true;
		if (time > this.high) this.high = time;
		if (time >= this.bottom) {
			this.keys.set(key, time);
			if (time < this.oldest) this.oldest = time;
		}
		this.settle();
	}

	/** Raises the floor as far as the invariant allows, and forgets what lies below it. */
	private settle(): void {
		if (this.holds > 0) return;
		let floor = Math.max(this.bottom, this.high - OVERLAP_MS);
		const crowded = this.keys.size > this.crowdLimit;
		if (crowded) floor = Math.max(floor, this.crowdedFloor());
		if (floor > this.bottom) {
			this.bottom = floor;
			this.dirty = true;
			if (floor > this.oldest) {
				let oldest = Infinity;
				for (const [k, t] of this.keys) {
					if (t < floor) this.keys.delete(k);
					else if (t < oldest) oldest = t;
				}
				this.oldest = oldest;
			}
		}
		// trimming again only once another TRIM_SLACK keys have been added keeps a long sweep linear
		if (crowded || this.keys.size <= MAX_LEDGER_KEYS) this.crowdLimit = Math.max(MAX_LEDGER_KEYS, this.keys.size) + TRIM_SLACK;
	}

	/**
	 * The lowest floor that keeps at most MAX_LEDGER_KEYS keys, whole
	 * timestamps only, but never above `high`: the newest millisecond is kept
	 * whole however many share it.
	 */
	private crowdedFloor(): number {
		const times = [...this.keys.values()].sort((a, b) => b - a);
		const cut = times[MAX_LEDGER_KEYS - 1];
		// keys sharing the cut's timestamp beyond the MAX_LEDGER_KEYS-th go with it: forget that timestamp whole
		const floor = times[MAX_LEDGER_KEYS] === cut ? cut + 1 : cut;
		return Math.min(floor, this.high);
	}

	toMark(): Mark {
		return { high: this.high, floor: this.bottom, keys: Object.fromEntries(this.keys) };
	}

	/** A new plain object each time, so that n8n's ObservableObject sees the assignment. */
	snapshot(): Mark {
		this.dirty = false;
		return this.toMark();
	}
}
