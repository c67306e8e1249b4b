/**
 * The persisted ledger (ledger.ts), property-based: whatever was recorded
 * before a restart is never selected again by catch-up, whatever was not is
 * selected when it lies within the overlap, and the persisted size is bounded.
 */
import fc from 'fast-check';

import { Ledger, markOf, MAX_LEDGER_KEYS, mergeMarks, OVERLAP_MS, type Mark } from '../../../nodes/BybitTrigger/ledger';

const T0 = 1_790_000_000_000;
/** Events: unique execId-like keys, times within a minute, in the order the stream delivered them. */
const eventsArb = fc
	.array(fc.record({ dt: fc.integer({ min: 0, max: 60_000 }), jitter: fc.integer({ min: 0, max: 3_000 }) }), { minLength: 1, maxLength: 400 })
	.map((list) => list.map((e, i) => ({ key: `x:${String(i).padStart(4, '0')}-${'0'.repeat(31)}`, time: T0 + e.dt, arrival: e.dt + e.jitter })).sort((a, b) => a.arrival - b.arrival));

/** Through JSON, as n8n's database stores static data. */
const roundTrip = (m: Mark) => markOf(JSON.parse(JSON.stringify(m)));

/** What catch-up would emit from a REST list: at or above the floor and not recorded (catchUp.ts). */
const selected = (ledger: Ledger, events: Array<{ key: string; time: number }>) => events.filter((e) => e.time >= ledger.floor && !ledger.has(e.key));

describe('Bybit Trigger ledger', () => {
	it('after a restart, catch-up never re-selects a recorded event and selects every missed one within the overlap', () => {
		fc.assert(
			fc.property(eventsArb, fc.nat(), (events, cut) => {
				const k = cut % (events.length + 1);
				const ledger = Ledger.fresh(T0 - 1);
				for (const e of events.slice(0, k)) ledger.record(e.key, e.time);
				const restored = new Ledger(roundTrip(ledger.snapshot())!);
				const chosen = selected(restored, events);
				const recorded = new Set(events.slice(0, k).map((e) => e.key));
				// no duplicates
				expect(chosen.filter((e) => recorded.has(e.key))).toEqual([]);
				// no loss within the overlap, unless more than MAX_LEDGER_KEYS events crowded it
				const inWindow = events.slice(0, k).filter((e) => e.time >= restored.high - OVERLAP_MS).length;
				const missed = events.slice(k).filter((e) => e.time >= Math.max(T0, restored.high - OVERLAP_MS));
				if (inWindow <= MAX_LEDGER_KEYS) expect(chosen.map((e) => e.key).sort()).toEqual(missed.map((e) => e.key).sort());
				// bounded
				expect(restored.keyList().length).toBeLessThanOrEqual(MAX_LEDGER_KEYS);
				expect(JSON.stringify(restored.toMark()).length).toBeLessThan(MAX_LEDGER_KEYS * 60 + 100);
			}),
			{ numRuns: 300 },
		);
	});

	it('merging a stale copy (the database) with the live record (a reactivation) never re-selects a recorded event', () => {
		fc.assert(
			fc.property(eventsArb, fc.nat(), fc.nat(), (events, a, b) => {
				const [early, late] = [a % (events.length + 1), b % (events.length + 1)].sort((x, y) => x - y);
				const ledger = Ledger.fresh(T0 - 1);
				for (const e of events.slice(0, early)) ledger.record(e.key, e.time);
				const stale = roundTrip(ledger.toMark());
				for (const e of events.slice(early, late)) ledger.record(e.key, e.time);
				const merged = new Ledger(mergeMarks(stale, ledger.toMark())!);
				const recorded = new Set(events.slice(0, late).map((e) => e.key));
				expect(selected(merged, events).filter((e) => recorded.has(e.key))).toEqual([]);
				expect(merged.floor).toBe(ledger.floor);
			}),
			{ numRuns: 300 },
		);
	});

	it('reads malformed or foreign static data as absent', () => {
		expect(markOf(undefined)).toBeUndefined();
		expect(markOf({ high: 'x', floor: 1, keys: {} })).toBeUndefined();
		expect(markOf({ high: T0, floor: T0 - 10, keys: { a: T0, b: 'no', c: T0 - 20 } })).toEqual({ high: T0, floor: T0 - 10, keys: { a: T0 } });
	});
});
