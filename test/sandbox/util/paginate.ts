/**
 * Append-only logs with cursor pagination that never scans the whole log:
 * a page is read newest-first from a binary-searched position.
 *
 * A log holds real items and "virtual ranges" (synthetic events from
 * pushBurst, materialised only when a page needs them), all with one
 * increasing `seq`.
 */
import { paramError } from '../types';

export interface Seqd {
	seq: number;
}

export interface VirtualRange<T> {
	firstSeq: number;
	count: number;
	make(index: number): T;
}

export class SeqLog<T extends Seqd> {
	private readonly items: T[] = [];
	private readonly ranges: VirtualRange<T>[] = [];
	private next = 1;
	private virtualCount = 0;

	get size(): number {
		return this.items.length + this.virtualCount;
	}

	/** Allocate the seq of the next item (call, then add). */
	allocate(): number {
		return this.next++;
	}

	add(item: T): T {
		this.items.push(item);
		return item;
	}

	addRange(count: number, make: (index: number) => T): VirtualRange<T> {
		const range: VirtualRange<T> = { firstSeq: this.next, count, make };
		this.next += count;
		this.virtualCount += count;
		this.ranges.push(range);
		return range;
	}

	/** Real items, oldest first (virtual ranges excluded). */
	real(): readonly T[] {
		return this.items;
	}

	/** Items with seq < beforeSeq, newest first. */
	*desc(beforeSeq = Number.POSITIVE_INFINITY): Generator<T> {
		const bound = Math.min(beforeSeq, Number.MAX_SAFE_INTEGER);
		let i = lastBelow(this.items, bound, (x) => x.seq);
		let r = lastBelow(this.ranges, bound, (x) => x.firstSeq);
		let k = r >= 0 ? Math.min(this.ranges[r].count - 1, bound - this.ranges[r].firstSeq - 1) : -1;
		for (;;) {
			while (r >= 0 && k < 0) {
				r -= 1;
				k = r >= 0 ? this.ranges[r].count - 1 : -1;
			}
			const itemSeq = i >= 0 ? this.items[i].seq : -1;
			const rangeSeq = r >= 0 ? this.ranges[r].firstSeq + k : -1;
			if (itemSeq < 0 && rangeSeq < 0) return;
			if (itemSeq > rangeSeq) yield this.items[i--];
			else yield this.ranges[r].make(k--);
		}
	}
}

/** Index of the last element whose key is < bound (-1 when none); elements sorted ascending by key. */
function lastBelow<X>(arr: readonly X[], bound: number, key: (x: X) => number): number {
	let lo = 0;
	let hi = arr.length;
	while (lo < hi) {
		const mid = (lo + hi) >>> 1;
		if (key(arr[mid]) < bound) lo = mid + 1;
		else hi = mid;
	}
	return lo - 1;
}

/** Result of a filter during a page walk: keep, skip, or stop walking (older items cannot match). */
export type Verdict = 'keep' | 'skip' | 'stop';

/** Opaque, URL-encoded cursors like Bybit's ("page_args%3D123%26"): clients must send them verbatim. */
export function encodeCursor(position: number | string): string {
	return `page_args%3D${position}%26`;
}

/** Accepts the cursor as sent by clients that encode it once more, or not at all. */
export function decodeCursor(cursor: unknown): string | undefined {
	if (cursor === undefined || cursor === null || cursor === '') return undefined;
	if (typeof cursor !== 'string') throw paramError('params error: cursor invalid');
	let text = cursor;
	for (let i = 0; i < 3 && text.includes('%'); i++) {
		try {
			text = decodeURIComponent(text);
		} catch {
			break;
		}
	}
	const m = /page_args=([^&]+)&?/.exec(text);
	if (!m) throw paramError('params error: cursor invalid');
	return m[1];
}

export interface Page<T> {
	list: T[];
	nextPageCursor: string;
}

/** One page of a log, newest first. */
export function pageLog<T extends Seqd>(
	log: SeqLog<T>,
	limit: number,
	cursor: unknown,
	filter: (item: T) => Verdict,
): Page<T> {
	const from = decodeCursor(cursor);
	const before = from === undefined ? Number.POSITIVE_INFINITY : Number(from);
	if (!Number.isFinite(before) && from !== undefined) throw paramError('params error: cursor invalid');
	const list: T[] = [];
	let more = false;
	for (const item of log.desc(before)) {
		const v = filter(item);
		if (v === 'stop') break;
		if (v === 'skip') continue;
		if (list.length === limit) {
			more = true;
			break;
		}
		list.push(item);
	}
	return { list, nextPageCursor: more ? encodeCursor(list[list.length - 1].seq) : '' };
}

/** One page of a static array (offset cursor). */
export function pageArray<T>(items: readonly T[], limit: number, cursor: unknown): Page<T> {
	const from = decodeCursor(cursor);
	const offset = from === undefined ? 0 : Number(from);
	if (!Number.isInteger(offset) || offset < 0) throw paramError('params error: cursor invalid');
	const list = items.slice(offset, offset + limit);
	const end = offset + list.length;
	return { list, nextPageCursor: end < items.length ? encodeCursor(end) : '' };
}
