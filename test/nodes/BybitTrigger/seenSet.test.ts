/**
 * The trigger's in-process de-duplication set (SeenSet in ledger.ts): it
 * remembers exactly the newest 50,000 keys, forgets the oldest first however
 * often its storage is rebuilt, and forgetting one costs about what adding
 * one does (it used to rescan every key deleted since the last rebuild).
 */
import { SeenSet } from '../../../nodes/BybitTrigger/ledger';

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
});
