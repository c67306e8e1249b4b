/**
 * Dating a rate-limit slot from Bybit's own stamp (arrival.ts): never before the request reached
 * Bybit when the stamps are honest, whatever the clock offset and latencies; never outside
 * [sent, answered] whatever the stamps say.
 */
import fc from 'fast-check';

import { arrivalDate, resetArrivalBounds } from '../../../../nodes/Bybit/transport/arrival';

/** One request: forward latency, time in Bybit before the stamp, return latency (ms). */
const trip = fc.record({ gap: fc.integer({ min: 0, max: 5000 }), forward: fc.integer({ min: 0, max: 2000 }), process: fc.integer({ min: 0, max: 500 }), back: fc.integer({ min: 0, max: 2000 }) });

describe('arrivalDate', () => {
	beforeEach(() => resetArrivalBounds());

	test('honest stamps on any fixed clock offset: the date is within [arrival, answer]', () => {
		fc.assert(
			fc.property(fc.integer({ min: -3_600_000, max: 3_600_000 }), fc.array(trip, { minLength: 1, maxLength: 40 }), (offset, trips) => {
				resetArrivalBounds();
				let sent = 1_700_000_000_000;
				for (const t of trips) {
					sent += t.gap;
					const arrival = sent + t.forward;
					const stamp = arrival + t.process + offset; // server clock
					const answered = arrival + t.process + t.back;
					const date = arrivalDate('https://api.bybit.com', sent, answered, stamp);
					expect(date).toBeGreaterThanOrEqual(arrival);
					expect(date).toBeLessThanOrEqual(answered);
				}
			}),
			{ numRuns: 2000 },
		);
	});

	test('a fast return trip after slow ones: the date comes close to the arrival, not the answer', () => {
		// a first quick answer teaches the bound; the next answer is read 600 ms after Bybit stamped it
		const t = 1_700_000_000_000;
		arrivalDate('o', t + 1000, t + 1004, t + 1002 + 250);
		expect(arrivalDate('o', t + 2000, t + 2602, t + 2002 + 250)).toBeLessThanOrEqual(t + 2004);
	});

	test('any stamps at all (a lying or jumping server clock, strings, garbage): the date stays within [sent, answer]', () => {
		const stamp = fc.oneof(fc.integer({ min: -1e13, max: 1e13 }), fc.double(), fc.string(), fc.constant(undefined), fc.constant(null), fc.integer({ min: 1e12, max: 2e12 }).map(String));
		fc.assert(
			fc.property(fc.array(fc.tuple(trip, stamp), { minLength: 1, maxLength: 40 }), (rows) => {
				resetArrivalBounds();
				let sent = 1_700_000_000_000;
				for (const [t, s] of rows) {
					sent += t.gap;
					const answered = sent + t.forward + t.process + t.back;
					const date = arrivalDate('o', sent, answered, s);
					expect(Number.isFinite(date)).toBe(true);
					expect(date).toBeGreaterThanOrEqual(sent);
					expect(date).toBeLessThanOrEqual(answered);
				}
			}),
			{ numRuns: 2000 },
		);
	});

	test('a server clock that steps back is noticed: the next contradicting answer starts the bound again', () => {
		const t = 1_700_000_000_000;
		arrivalDate('o', t + 1000, t + 1010, t + 1005 + 5000); // offset +5 s
		// the clock stepped back by 10 s: this answer's upper bound (-4995) is below the learnt +4995
		expect(arrivalDate('o', t + 2000, t + 2010, t + 2005 - 5000)).toBe(t + 2010);
		// from then on, dated on the new offset
		expect(arrivalDate('o', t + 3000, t + 3400, t + 3005 - 5000)).toBeLessThanOrEqual(t + 3010);
	});

	test('each origin keeps its own bound', () => {
		const t = 1_700_000_000_000;
		arrivalDate('a', t + 1000, t + 1004, t + 1002 + 60_000);
		expect(arrivalDate('b', t + 2000, t + 2600, t + 2002)).toBe(t + 2600);
	});
});
