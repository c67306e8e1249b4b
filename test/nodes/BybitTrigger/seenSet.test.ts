/**
 * The trigger's in-process de-duplication set (SeenSet in ledger.ts): it
 * remembers exactly the newest 50,000 keys, forgets the oldest first however
 * often its storage is rebuilt, and forgetting one costs about what adding
 * one does (it used to rescan every key deleted since the last rebuild).
 * The keys it holds (normalize.ts) are the persisted ledgers' keys too, so
 * their text must not change; they are kept flat, which this checks by the
 * heap 50,000 of them keep.
 */
import { randomUUID } from 'crypto';
import fc from 'fast-check';
import { setFlagsFromString } from 'v8';
import { runInNewContext } from 'vm';

import type { IDataObject } from 'n8n-workflow';

import { SeenSet } from '../../../nodes/BybitTrigger/ledger';
import { dedupeKey } from '../../../nodes/BybitTrigger/normalize';

const MAX = 50_000;
const key = (i: number) => `x:${String(i).padStart(8, '0')}-0000-4000-8000-000000000000`;

describe('Bybit Trigger seen-set', () => {
	it('remembers the newest 50,000 keys and forgets the oldest first, across many rebuilds of its storage', () => {
		const seen = new SeenSet();
		const total = 6 * MAX + 123;
		for (let i = 0; i < total; i++) if (!seen.add(key(i))) throw new Error(`refused ${i}, never added before`);
		expect(seen.size).toBe(MAX);
		for (let i = total - MAX; i < total; i++) if (!seen.has(key(i))) throw new Error(`forgot ${i}, one of the newest ${MAX}`);
		for (let i = 0; i < total - MAX; i++) if (seen.has(key(i))) throw new Error(`still holds ${i}, older than the newest ${MAX}`);
	});

	it('a key seen again is refused and makes nothing forgotten; a forgotten key counts as new', () => {
		const seen = new SeenSet();
		for (let i = 0; i <= MAX; i++) seen.add(key(i));
		expect(seen.has(key(0))).toBe(false);
		expect(seen.add(key(1))).toBe(false);
		expect(seen.add(key(MAX))).toBe(false);
		expect(seen.size).toBe(MAX);
		expect(seen.has(key(1))).toBe(true);
		expect(seen.add(key(0))).toBe(true);
		expect(seen.has(key(1))).toBe(false);
		expect(seen.has(key(2))).toBe(true);
	});

	it('adding to a full set costs about what adding to a filling one does', () => {
		const keys = Array.from({ length: 5 * MAX }, (_, i) => key(i));
		const perAdd = (seen: SeenSet, from: number, to: number) => {
			const t0 = performance.now();
			for (let i = from; i < to; i++) seen.add(keys[i]);
			return (performance.now() - t0) / (to - from);
		};
		// the best of three, so that a busy machine does not decide
		const ratios = [0, 1, 2].map(() => {
			const seen = new SeenSet();
			const filling = perAdd(seen, 0, MAX);
			const full = perAdd(seen, MAX, 5 * MAX);
			return full / filling;
		});
		// a fresh iterator per eviction made this 30-100x
		expect(Math.min(...ratios)).toBeLessThan(5);
	});

	it('keys read as before (the persisted ledgers hold them): x:execId, o:orderId:updatedTime:orderStatus, absent parts as "undefined"', () => {
		const part = fc.oneof(fc.string(), fc.integer(), fc.constant(undefined), fc.constant(null));
		fc.assert(
			fc.property(fc.oneof(fc.string({ minLength: 1 }), fc.integer({ min: 1 })), part, part, (id, updatedTime, orderStatus) => {
				expect(dedupeKey('execution', { execId: id })).toBe(`x:${id}`);
				expect(dedupeKey('executionFast', { execId: id })).toBe(`x:${id}`);
				expect(dedupeKey('order', { orderId: id, updatedTime, orderStatus } as IDataObject)).toBe(`o:${id}:${updatedTime}:${orderStatus}`);
			}),
		);
		expect(dedupeKey('order', { orderId: 'o1' })).toBe('o:o1:undefined:undefined');
		expect(dedupeKey('execution', { execId: '' })).toBeUndefined();
	});

	it('50,000 order keys made from parsed frames keep under 9 MB of heap (as concatenations they kept 14-16 MB)', () => {
		setFlagsFromString('--expose-gc');
		const gc = runInNewContext('gc') as () => void;
		const heap = () => {
			gc();
			gc();
			return process.memoryUsage().heapUsed / 2 ** 20;
		};
		const seen = new SeenSet();
		const before = heap();
		for (let i = 0; i < 2 * MAX; i++) {
			const frame = `{"topic":"order","data":[{"orderId":"${randomUUID()}","updatedTime":"${1_790_000_000_000 + i}","orderStatus":"PartiallyFilled","symbol":"BTCUSDT"}]}`;
			const entry = (JSON.parse(frame) as { data: IDataObject[] }).data[0];
			seen.add(dedupeKey('order', entry)!);
		}
		const kept = heap() - before;
		expect(seen.size).toBe(MAX);
		expect(kept).toBeLessThan(9);
	});
});
