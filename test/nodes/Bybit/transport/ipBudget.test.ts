/**
 * The IP-wide budget on a fake clock (no timed assertions): generated arrival
 * patterns and answer delays, then checks that no window ever holds more than
 * the budget, on our side and on the server's (a request arrives somewhere
 * between its send and its answer), that admission is strictly first come,
 * first served, and that nothing hangs.
 */
import fc from 'fast-check';

import { busiestWindow } from '../../../harness/windows';
import { budgetKey, BudgetExhaustedError, IP_BUDGET, RequestBudget, type BudgetClock, type BudgetTicket } from '../../../../nodes/Bybit/transport/ipBudget';

class FakeClock implements BudgetClock {
	t = 0;
	timers: Array<{ at: number; fire: () => void }> = [];
	now = () => this.t;
	sleep = (ms: number) => new Promise<void>((resolve) => this.at(this.t + ms, resolve));
	at(at: number, fire: () => void): void {
		this.timers.push({ at, fire });
	}
	nextAt(): number | undefined {
		return this.timers.length ? Math.min(...this.timers.map((x) => x.at)) : undefined;
	}
	/** Moves to `at` and fires every timer due. */
	advance(at: number): void {
		this.t = Math.max(this.t, at);
		const due = this.timers.filter((x) => x.at <= this.t);
		this.timers = this.timers.filter((x) => x.at > this.t);
		for (const x of due) x.fire();
	}
}

const flush = () => new Promise<void>((resolve) => setImmediate(resolve));

interface Req {
	gap: number; // ms after the previous arrival
	service: number; // ms from admission to answer
	arrivalShare: number; // where in [send, answer] the server sees it (0..1)
}

interface Outcome {
	arrivedAt: number;
	sentAt?: number;
	answeredAt?: number;
	rejected?: boolean;
}

async function simulate(limit: number, windowMs: number, maxWaitMs: number, reqs: Req[]): Promise<Outcome[]> {
	const clock = new FakeClock();
	const budget = new RequestBudget(limit, windowMs, maxWaitMs, clock);
	const out: Outcome[] = [];
	const admissions: number[] = [];
	let t = 0;
	reqs.forEach((r, i) => {
		t += r.gap;
		clock.at(t, () => {
			const o: Outcome = { arrivedAt: clock.t };
			out[i] = o;
			budget.acquire().then(
				(ticket: BudgetTicket) => {
					o.sentAt = clock.t;
					admissions.push(i);
					clock.at(clock.t + r.service, () => {
						o.answeredAt = clock.t;
						ticket.release();
					});
				},
				(error: Error) => {
					expect(error).toBeInstanceOf(BudgetExhaustedError);
					o.rejected = true;
				},
			);
		});
	});
	for (let steps = 0; ; steps++) {
		await flush();
		const next = clock.nextAt();
		if (next === undefined) break;
		clock.advance(next);
		if (steps > 200_000) throw new Error('simulation did not settle');
	}
	// FIFO: requests are sent in the order they arrived
	expect(admissions).toEqual([...admissions].sort((a, b) => a - b));
	return out;
}


const reqArb = fc.record({
	gap: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 5 }), fc.integer({ min: 0, max: 400 })),
	service: fc.oneof(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 300 })),
	arrivalShare: fc.double({ min: 0, max: 1, noNaN: true }),
});

describe('RequestBudget (IP-wide budget) on a fake clock', () => {
	it('never lets a window hold more than the budget, on either side, admits first come first served, and never hangs', async () => {
		await fc.assert(
			fc.asyncProperty(
				fc.integer({ min: 1, max: 8 }),
				fc.integer({ min: 10, max: 500 }),
				fc.array(reqArb, { minLength: 1, maxLength: 80 }),
				async (limit, windowMs, reqs) => {
					const out = await simulate(limit, windowMs, 1e9, reqs);
					expect(out.every((o) => o.sentAt !== undefined && o.answeredAt !== undefined)).toBe(true);
					// our side: at every send, earlier requests still unanswered or answered within the window, plus this one
					for (const o of out) {
						const held = out.filter((x) => x !== o && x.sentAt! <= o.sentAt! && (x.answeredAt! > o.sentAt! - windowMs || x.answeredAt! > o.sentAt!));
						expect(held.length + 1).toBeLessThanOrEqual(limit);
					}
					// the server's side: each request counted when it arrives, anywhere between send and answer
					const arrivals = out.map((o, i) => o.sentAt! + (o.answeredAt! - o.sentAt!) * reqs[i].arrivalShare);
					expect(busiestWindow(arrivals, windowMs)).toBeLessThanOrEqual(limit);
				},
			),
			{ numRuns: 300 },
		);
	});

	it('fails at once, naming the budget, a request whose wait is estimated above the maximum; the rest still go in order', async () => {
		await fc.assert(
			fc.asyncProperty(fc.integer({ min: 1, max: 5 }), fc.integer({ min: 25, max: 100 }), async (limit, burst) => {
				const windowMs = 1000;
				const maxWaitMs = 3000;
				const reqs: Req[] = Array.from({ length: burst }, () => ({ gap: 0, service: 1, arrivalShare: 0.5 }));
				const out = await simulate(limit, windowMs, maxWaitMs, reqs);
				const sent = out.filter((o) => o.sentAt !== undefined);
				expect(sent.length + out.filter((o) => o.rejected).length).toBe(burst);
				expect(out.some((o) => o.rejected)).toBe(true);
				for (const o of sent) expect(o.sentAt! - o.arrivedAt).toBeLessThanOrEqual(maxWaitMs);
				expect(busiestWindow(sent.map((o) => o.sentAt!), windowMs)).toBeLessThanOrEqual(limit);
			}),
			{ numRuns: 100 },
		);
		const budget = new RequestBudget(1, 5000, 60_000, new FakeClock());
		await budget.acquire();
		const waiting = Array.from({ length: 12 }, () => budget.acquire());
		const error = await budget.acquire().catch((e: Error) => e);
		expect(String(error)).toMatch(/12 are already waiting for the IP-wide budget \(1 requests per 5 s; Bybit bans an IP above 600\).*about 65 s/);
		void waiting;
	});

	it('documents the numbers and shares one budget between Bybit\'s production hosts', () => {
		expect(IP_BUDGET).toEqual({ limit: 500, windowMs: 5000, maxWaitMs: 60_000 });
		expect(budgetKey('https://api.bybit.com')).toBe(budgetKey('https://api.bytick.com'));
		expect(budgetKey('https://api.bybit.kz')).toBe(budgetKey('https://api.bybit.com'));
		expect(budgetKey('https://api-testnet.bybit.com')).not.toBe(budgetKey('https://api.bybit.com'));
		expect(budgetKey('http://127.0.0.1:1234')).toBe('http://127.0.0.1:1234');
	});
});
