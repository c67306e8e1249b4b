/**
 * A slot whose request is still in flight never leaves its window (slots.ts): a request held up
 * before reaching Bybit (a busy worker, a slow network) cannot free its slot before Bybit counts it.
 */
import fc from 'fast-check';

import { acquire, resetRateLimiter, settle, type Reservation } from '../../../../nodes/Bybit/transport/rateLimiter';
import { Slots } from '../../../../nodes/Bybit/transport/slots';

describe('acquire with requests in flight (simulated clock)', () => {
	beforeEach(() => {
		resetRateLimiter();
		jest.useFakeTimers({ now: 1_700_000_000_000 });
	});
	afterEach(() => jest.useRealTimers());

	test('10 requests still in flight 3 s later: the 11th waits until one is counted, then goes one window after it', async () => {
		const flying: Reservation[] = [];
		for (let i = 0; i < 10; i++) flying.push((await acquire('k|/v5/order/create|derivatives', 10))!);
		let eleventh: number | undefined;
		void acquire('k|/v5/order/create|derivatives', 10).then(() => (eleventh = Date.now()));
		await jest.advanceTimersByTimeAsync(3000);
		// the old limiter let it go after 1.025 s, while all ten were still on their way to Bybit
		expect(eleventh).toBeUndefined();
		const counted = Date.now();
		settle(flying[0], counted); // Bybit counted the first just now
		await jest.advanceTimersByTimeAsync(1500);
		expect(eleventh).toBeDefined();
		expect(eleventh! - counted).toBeGreaterThanOrEqual(1000);
		expect(eleventh! - counted).toBeLessThan(1100);
	});

	test('a reservation never settled (a lost promise) does not lock the bucket for good', async () => {
		for (let i = 0; i < 10; i++) await acquire('k|/v5/order/create|derivatives', 10);
		let eleventh = false;
		void acquire('k|/v5/order/create|derivatives', 10).then(() => (eleventh = true));
		await jest.advanceTimersByTimeAsync(61_000);
		expect(eleventh).toBe(true);
	});
});

describe('Slots', () => {
	test('generated take/settle/expire sequences: a slot in flight is never dropped; a settled one leaves exactly one window after its date', () => {
		const op = fc.oneof(
			fc.record({ kind: fc.constant('take' as const), count: fc.integer({ min: 1, max: 3 }), dt: fc.integer({ min: 0, max: 400 }) }),
			fc.record({ kind: fc.constant('settle' as const), pick: fc.nat(), dt: fc.integer({ min: 0, max: 400 }) }),
		);
		fc.assert(
			fc.property(fc.array(op, { maxLength: 60 }), (ops) => {
				const slots = new Slots();
				let now = 1_700_000_000_000;
				const open: Array<{ at: number; count: number }> = [];
				const settled: number[] = [];
				for (const o of ops) {
					now += o.dt;
					if (o.kind === 'take') {
						slots.take(now, o.count);
						open.push({ at: now, count: o.count });
					} else if (open.length) {
						const [r] = open.splice(o.pick % open.length, 1);
						slots.settle(r.at, now, r.count);
						for (let i = 0; i < r.count; i++) settled.push(now);
					}
					slots.expire(now - 1000, now);
					const inFlight = open.reduce((n, r) => n + r.count, 0);
					expect(slots.length).toBe(inFlight + settled.filter((d) => d > now - 1000).length);
					for (let i = 1; i < slots.length; i++) expect(slots.at(i)).toBeGreaterThanOrEqual(slots.at(i - 1));
				}
				// once nothing is in flight, only the settled slots of the last window remain
				for (const r of open.splice(0)) {
					slots.settle(r.at, now, r.count);
					for (let i = 0; i < r.count; i++) settled.push(now);
				}
				slots.expire(now - 1000, now);
				expect(slots.length).toBe(settled.filter((d) => d > now - 1000).length);
			}),
			{ numRuns: 1000 },
		);
	});

	test('settling twice, or a reservation it does not hold, moves nothing', () => {
		const slots = new Slots();
		slots.take(1000, 2);
		slots.settle(1000, 1500, 2);
		slots.settle(1000, 9000, 2);
		slots.settle(4242, 9000, 1);
		expect([slots.at(0), slots.at(1), slots.length]).toEqual([1500, 1500, 2]);
	});
});
