/**
 * The IP-wide request budget: Bybit bans an IP (HTTP 403, at least 10
 * minutes) that sends more than 600 requests in a 5-second window to its
 * REST hosts, public and private paths alike. Every request this package
 * sends (the node's own look-ups included) takes a slot here first, in one
 * budget per Bybit host group shared by all executions of this n8n process.
 *
 * - Budget: 500 requests per 5 s (Bybit's 600 less headroom for other
 *   clients on the same IP and for the credential test, which n8n sends itself).
 * - A slot is held from the send until the answer arrives and counts in the
 *   window until 5 s after the answer: Bybit counts a request on arrival,
 *   which lies between the two, so Bybit's window can never hold more of our
 *   requests than ours does.
 * - Waiting, not failing: requests are admitted strictly in arrival order
 *   (fair between concurrent executions); only a request whose wait is
 *   estimated above a minute fails, at once, with a clear error.
 */
import { sleep } from 'n8n-workflow';

import { ENVIRONMENTS } from '../../../credentials/common/bybit/endpoints';

export const IP_BUDGET = { limit: 500, windowMs: 5000, maxWaitMs: 60_000 } as const;

export interface BudgetClock {
	now(): number;
	sleep(ms: number): Promise<void>;
}

const REAL_CLOCK: BudgetClock = { now: () => Date.now(), sleep: async (ms) => await sleep(ms) };

/** One admitted request: call `release()` once, when its answer (or failure) arrived. */
export interface BudgetTicket {
	release(): void;
}

/** Thrown when the estimated wait for a slot exceeds `maxWaitMs`. */
export class BudgetExhaustedError extends Error {
	constructor(
		readonly waitMs: number,
		readonly queued: number,
		readonly limit: number,
		readonly windowMs: number,
	) {
		super(
			`Too many requests to Bybit from this n8n instance: ${queued} are already waiting for the IP-wide budget ` +
				`(${limit} requests per ${windowMs / 1000} s; Bybit bans an IP above 600), so this one would wait about ` +
				`${Math.ceil(waitMs / 1000)} s. Process fewer items per execution or run fewer executions at the same time.`,
		);
		this.name = 'BudgetExhaustedError';
	}
}

interface Waiter {
	resolve(ticket: BudgetTicket): void;
	reject(error: Error): void;
	deadline: number;
}

/** A sliding-window budget with a FIFO queue; the clock is injectable (tests use a fake one). */
export class RequestBudget {
	/** Answer times of released requests still in (or just out of) the window, ascending. */
	private done: number[] = [];
	private head = 0;
	private pending = 0;
	private readonly queue: Waiter[] = [];
	private pumping = false;
	private wake: (() => void) | undefined;

	constructor(
		public limit: number,
		readonly windowMs: number,
		readonly maxWaitMs: number,
		private readonly clock: BudgetClock = REAL_CLOCK,
	) {}

	/** Requests in the window now: sent and unanswered, or answered less than `windowMs` ago. */
	inWindow(now = this.clock.now()): number {
		const d = this.done;
		while (this.head < d.length && d[this.head] <= now - this.windowMs) this.head++;
		if (this.head > 1024 && this.head * 2 > d.length) {
			this.done = d.slice(this.head);
			this.head = 0;
		}
		return this.pending + this.done.length - this.head;
	}

	queued(): number {
		return this.queue.length;
	}

	/** A slot now when there is room and nobody is queued (the fast path of acquire), else undefined. */
	tryAcquire(now = this.clock.now()): BudgetTicket | undefined {
		return this.queue.length === 0 && this.inWindow(now) < this.limit ? this.admit() : undefined;
	}

	/** Waits (in arrival order) for a slot; the fast path, with room and nobody queued, does not wait. */
	acquire(): Promise<BudgetTicket> {
		const now = this.clock.now();
		const free = this.tryAcquire(now);
		if (free) return Promise.resolve(free);
		const wait = this.estimateWait(now);
		if (wait > this.maxWaitMs) return Promise.reject(new BudgetExhaustedError(wait, this.queue.length, this.limit, this.windowMs));
		return new Promise<BudgetTicket>((resolve, reject) => {
			this.queue.push({ resolve, reject, deadline: now + this.maxWaitMs });
			void this.pump();
		});
	}

	private admit(): BudgetTicket {
		this.pending++;
		let released = false;
		return {
			release: () => {
				if (released) return;
				released = true;
				this.pending--;
				const at = this.clock.now();
				// answers are released in clock order; keep the list sorted should a clock step back
				const d = this.done;
				if (d.length > this.head && d[d.length - 1] > at) d.splice(this.insertionPoint(at), 0, at);
				else d.push(at);
				this.wake?.();
			},
		};
	}

	private insertionPoint(at: number): number {
		let i = this.done.length;
		while (i > this.head && this.done[i - 1] > at) i--;
		return i;
	}

	/**
	 * Estimated wait of a request joining the queue now: the slots ahead of it
	 * leave the window as their answers age; answers not yet in are assumed to
	 * come now, so the estimate is a lower bound (a hung request is caught
	 * by the deadline instead).
	 */
	private estimateWait(now: number): number {
		const need = this.inWindow(now) + this.queue.length + 1 - this.limit;
		if (need <= 0) return 0;
		const answered = this.done.length - this.head;
		if (need <= answered) return this.done[this.head + need - 1] + this.windowMs - now;
		return this.windowMs * (1 + Math.floor((need - answered - 1) / this.limit));
	}

	private async pump(): Promise<void> {
		if (this.pumping) return;
		this.pumping = true;
		try {
			while (this.queue.length) {
				const now = this.clock.now();
				if (this.inWindow(now) < this.limit) {
					this.queue.shift()!.resolve(this.admit());
					continue;
				}
				const late = this.queue[0];
				if (now >= late.deadline) {
					this.queue.shift();
					late.reject(new BudgetExhaustedError(now - late.deadline + this.maxWaitMs, this.queue.length, this.limit, this.windowMs));
					continue;
				}
				// the oldest answer leaves the window, or a pending request is answered, whichever comes first
				const answered = this.done.length > this.head;
				const until = answered ? this.done[this.head] + this.windowMs - now : this.windowMs;
				const woken = new Promise<void>((resolve) => (this.wake = resolve));
				await Promise.race([this.clock.sleep(Math.max(1, Math.min(until, late.deadline - now))), woken]);
				this.wake = undefined;
			}
		} finally {
			this.pumping = false;
		}
	}
}

/** Bybit's production hosts share one IP limit ("api.bybit.com, api.bytick.com and local site hostnames"). */
const PRODUCTION = new Set<string>(
	Object.entries(ENVIRONMENTS)
		.filter(([env]) => env !== 'testnet' && env !== 'demo')
		.map(([, e]) => e.rest),
);

/** The budget a REST origin counts against: Bybit's production hosts together, any other origin on its own. */
export function budgetKey(origin: string): string {
	return PRODUCTION.has(origin) ? 'bybit-production' : origin;
}

const budgets = new Map<string, RequestBudget>();

/**
 * The process-wide budget for a REST origin. With `processes` > 1 (queue-mode workers on one IP,
 * from the credential's "Processes Sharing This Key"), this process keeps to floor(500 / processes):
 * together they stay within the IP budget. The largest count any credential gave for the origin wins.
 */
export function ipBudget(origin: string, processes = 1): RequestBudget {
	const key = budgetKey(origin);
	let budget = budgets.get(key);
	if (!budget) budgets.set(key, (budget = new RequestBudget(IP_BUDGET.limit, IP_BUDGET.windowMs, IP_BUDGET.maxWaitMs)));
	const n = Number.isFinite(processes) && processes > 1 ? Math.floor(processes) : 1;
	budget.limit = Math.min(budget.limit, Math.max(1, Math.floor(IP_BUDGET.limit / n)));
	return budget;
}

/** For tests: forget all budgets. */
export function resetIpBudgets(): void {
	budgets.clear();
}
