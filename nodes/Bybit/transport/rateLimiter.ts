/**
 * One rate limiter per API key and endpoint, shared by every node and
 * execution in this n8n process (module state). A rolling one-second window,
 * as Bybit counts, seeded from Bybit's documented per-UID limits and corrected
 * by the `X-Bapi-Limit*` headers of each answer. The IP-wide budget on top of
 * it (600 requests per 5 s per IP, all paths) is in ipBudget.ts.
 */
import { sleep } from 'n8n-workflow';

import { resetArrivalBounds } from './arrival';
import { resetIpBudgets } from './ipBudget';
import { Slots } from './slots';

/**
 * Bybit's rolling window plus a margin. A slot is dated no earlier than the request reached Bybit
 * (arrival.ts), and the next request reaches it no earlier than we send it, so spacing by the window
 * alone keeps within Bybit's count; the margin covers millisecond rounding on both sides.
 */
const WINDOW_MS = 1000 + 25;
/** How often a request waiting on a slot still in flight past its window looks again. */
const IN_FLIGHT_POLL_MS = 10;
/** Never wait longer than this for a reset announced by the server. */
export const MAX_RESET_WAIT_MS = 10_000;

/** Documented per-UID limits (requests per second); the header value wins once seen. */
const DOCUMENTED_LIMITS: ReadonlyArray<[RegExp, number, number?]> = [
	// [path, linear/inverse/option limit, spot limit]
	[/^\/v5\/order\/(create|cancel|cancel-all)$/, 10, 20],
	[/^\/v5\/order\/(amend)$/, 10, 10],
	[/^\/v5\/order\/(create-batch|amend-batch|cancel-batch)$/, 10, 20],
	[/^\/v5\/order\/disconnected-cancel-all$/, 5, 5],
	[/^\/v5\/order\/(realtime|history|spot-borrow-check)$|^\/v5\/execution\/list$/, 50, 50],
	[/^\/v5\/position\/(list|closed-pnl)$/, 50],
	[/^\/v5\/position\//, 10],
	[/^\/v5\/account\/(fee-rate|set-margin-mode)$/, 5],
	[/^\/v5\/account\/transaction-log$/, 25],
	[/^\/v5\/account\//, 50],
	[/^\/v5\/asset\/transfer\/(inter-transfer|query-inter-transfer-list|query-transfer-coin-list)$/, 1],
	[/^\/v5\/asset\/transfer\/query-account-coin-balance$/, 450],
	[/^\/v5\/asset\/(deposit|withdraw)\/query-record$/, 1],
	[/^\/v5\/asset\/withdraw\/(vasp\/list|cancel)$|^\/v5\/asset\/transfer\/query-sub-member-list$/, 1],
	[/^\/v5\/asset\//, 5],
	[/^\/v5\/user\/(submembers|escrow_sub_members)$/, 5],
	[/^\/v5\/user\//, 10],
];

/**
 * A process's own share of a per-key limit when `processes` n8n processes (queue-mode workers) use
 * the same key: floor(limit / N), at least 1, so N busy processes together stay within the limit.
 * The rest of the limit (limit mod N) is paced out as bonus slots (see `shareFor`); what the
 * others leave unused is borrowed from Bybit's headers (see `acquire`).
 */
export function shareOf(limit: number, processes = 1): number {
	return Math.max(1, Math.floor(limit / processCount(processes)));
}

function processCount(processes: number | undefined): number {
	return processes !== undefined && Number.isFinite(processes) && processes > 1 ? Math.floor(processes) : 1;
}

export interface Share {
	/** Requests per window this process may always send. */
	limit: number;
	/** The window's length (longer than Bybit's second when N processes share less than N per second). */
	windowMs: number;
	/**
	 * One bonus slot per this many ms (limit mod N > 0): on average each process then sends
	 * limit / N per window, so N busy processes use the whole limit instead of N * floor(limit / N).
	 */
	bonusEveryMs?: number;
}

/**
 * A process's share as a rate: floor(limit / N) per window plus a bonus slot every
 * N / (limit mod N) windows, so N busy processes send limit per window on average; below one
 * request per window per process (limit < N), one request per N / limit windows.
 */
export function shareFor(limit: number, processes = 1): Share {
	const n = processCount(processes);
	if (n === 1) return { limit, windowMs: WINDOW_MS };
	if (limit < n) return { limit: 1, windowMs: Math.ceil((WINDOW_MS * n) / limit) };
	const rest = limit % n;
	return { limit: shareOf(limit, n), windowMs: WINDOW_MS, bonusEveryMs: rest ? Math.ceil((WINDOW_MS * n) / rest) : undefined };
}

/** documentedLimit's answers by path: a request matches the table once per path, not once per send. */
const LIMIT_ROWS = new Map<string, readonly [number, number?] | null>();

export function documentedLimit(path: string, category?: string): number | undefined {
	let row = LIMIT_ROWS.get(path);
	if (row === undefined) {
		const found = DOCUMENTED_LIMITS.find(([pattern]) => pattern.test(path));
		row = found ? [found[1], found[2]] : null;
		if (LIMIT_ROWS.size >= 512) LIMIT_ROWS.clear();
		LIMIT_ROWS.set(path, row);
	}
	if (!row) return undefined; // market data: only the IP limit applies
	const [limit, spotLimit] = row;
	return category === 'spot' && spotLimit ? spotLimit : limit;
}

interface Bucket {
	limit: number;
	windowMs: number;
	/**
	 * Paced bonus slots (see `Share.bonusEveryMs`): the next one is due at `next`; `sent` holds the
	 * bonus slots still in the window (at most one). They count beside the share, not in it: a
	 * bonus counted in `sent` would only move the next share slot later, never add one.
	 */
	bonus?: { every: number; next: number; sent: Slots };
	sent: Slots;
	blockedUntil: number;
	/** Shared key (processes > 1): the key-wide limit and Bybit's last report of what is left in its window. */
	shared?: { full: number; processes: number; remaining: number; at: number; spent: number };
}

const buckets = new Map<string, Bucket>();

function bucketFor(key: string, limit: number, processes?: number): Bucket {
	let bucket = buckets.get(key);
	if (!bucket) {
		bucket = { limit, windowMs: WINDOW_MS, sent: new Slots(), blockedUntil: 0 };
		buckets.set(key, bucket);
	}
	if (processes !== undefined) applyShare(bucket, shareFor(limit, processes));
	return bucket;
}

function applyShare(bucket: Bucket, share: Share): void {
	bucket.limit = share.limit;
	bucket.windowMs = share.windowMs;
	if (!share.bonusEveryMs) bucket.bonus = undefined;
	// a random first bonus: processes started together do not all take theirs in the same window
	else if (bucket.bonus?.every !== share.bonusEveryMs) bucket.bonus = { every: share.bonusEveryMs, next: Date.now() + Math.random() * share.bonusEveryMs, sent: new Slots() };
}

/** Takes the bonus slot when it is due and the last one left the window: at most one beyond the share in any window. */
function takeBonus(bucket: Bucket, need: number, now: number): boolean {
	const b = bucket.bonus;
	if (!b || need !== 1 || now < b.next || b.sent.length > 0) return false;
	b.next = now + b.every;
	b.sent.take(now, 1);
	return true;
}

/** How long until a bonus slot can be taken (undefined: none for this request). */
function bonusWait(bucket: Bucket, need: number, now: number): number | undefined {
	const b = bucket.bonus;
	if (!b || need !== 1) return undefined;
	return Math.max(b.next - now, b.sent.length ? b.sent.at(0) + bucket.windowMs - now : 0);
}

/**
 * Reserve `weight` slots in the window for `key`, waiting as needed. The
 * check and the reservation happen in one synchronous step, so concurrent
 * executions in this process cannot overbook a window.
 */
export async function acquire(key: string, limit: number | undefined, weight = 1, processes?: number): Promise<Reservation | undefined> {
	if (!limit) return undefined;
	const bucket = buckets.get(key) ?? bucketFor(key, limit, processes);
	const need = Math.min(Math.max(1, weight), bucket.limit);
	for (;;) {
		const now = Date.now();
		bucket.sent.expire(now - bucket.windowMs, now);
		bucket.bonus?.sent.expire(now - bucket.windowMs, now);
		const blockedFor = bucket.blockedUntil - now;
		if (blockedFor <= 0) {
			if (bucket.sent.length + need <= bucket.limit || canBorrow(bucket, need, now)) {
				bucket.sent.take(now, need);
				if (bucket.shared) bucket.shared.spent += need;
				return { key, at: now, count: need };
			}
			if (takeBonus(bucket, need, now)) {
				if (bucket.shared) bucket.shared.spent += need;
				return { key, at: now, count: need, bonus: true };
			}
		}
		// the oldest `excess` sends must leave the window before `need` more fit
		const excess = bucket.sent.length + need - bucket.limit;
		let windowWait = excess > 0 ? bucket.sent.at(excess - 1) + bucket.windowMs - now : 0;
		const forBonus = bonusWait(bucket, need, now);
		if (forBonus !== undefined) windowWait = Math.min(windowWait, forBonus);
		// nothing fits yet the window says it should: a slot whose request is still in flight holds it
		const wait = Math.max(blockedFor, windowWait > 0 ? windowWait : IN_FLIGHT_POLL_MS);
		await sleep(Math.min(wait, MAX_RESET_WAIT_MS));
	}
}

export interface Reservation {
	key: string;
	at: number;
	count: number;
	/** A bonus slot (kept apart from the share's). */
	bonus?: boolean;
}

/**
 * Re-dates a reservation to when Bybit counted the request: after we reserved it, never after we
 * got the answer (the transport passes the bound from Bybit's own stamp, arrival.ts). Windows
 * measured from that moment cannot overlap Bybit's, even when the first request of a burst is slow
 * (connection set-up, a busy machine).
 */
export function settle(reservation: Reservation | undefined, at = Date.now()): void {
	if (!reservation) return;
	const bucket = buckets.get(reservation.key);
	const slots = reservation.bonus ? bucket?.bonus?.sent : bucket?.sent;
	slots?.settle(reservation.at, Math.max(at, reservation.at), reservation.count);
}

export interface LimitHeaders {
	limit?: number;
	remaining?: number;
	/** Server time (ms, already converted to local time) at which the window resets. */
	resetAt?: number;
}

/**
 * Learn the real limit from Bybit's headers (this process's share of it when several processes use
 * the key); block the bucket when none remain for the key, whoever used them.
 */
export function observe(key: string, headers: LimitHeaders, processes = 1): void {
	if (headers.limit === undefined || !Number.isFinite(headers.limit) || headers.limit <= 0) return;
	const bucket = bucketFor(key, headers.limit, processes);
	if (processes > 1 && headers.remaining !== undefined && Number.isFinite(headers.remaining)) {
		bucket.shared = { full: headers.limit, processes: processCount(processes), remaining: headers.remaining, at: Date.now(), spent: 0 };
	}
	if (headers.remaining === 0 && headers.resetAt && headers.resetAt > Date.now()) {
		bucket.blockedUntil = Math.min(headers.resetAt, Date.now() + MAX_RESET_WAIT_MS);
	}
}

/** How recent Bybit's report of what is left must be for a process to borrow beyond its share. */
const BORROW_FRESH_MS = 250;

/**
 * Beyond its own share, a process may take a slot the others left unused: when Bybit's last answer
 * (less than 250 ms ago) said enough is left in the key's window for this request and one more for
 * every process, counting what this process sent since, and its own window stays within
 * the key-wide limit. An idle process's share is not lost. Two processes may borrow the same slot at
 * once: Bybit then refuses one with 10006 before acting, and it is re-sent after the reset.
 */
function canBorrow(bucket: Bucket, need: number, now: number): boolean {
	const s = bucket.shared;
	if (!s || now - s.at >= BORROW_FRESH_MS) return false;
	return s.remaining - s.spent - need >= s.processes && bucket.sent.length + need <= s.full;
}

/** Block a bucket until a reset time (after a 10006 answer). */
export function blockUntil(key: string, resetAt: number): void {
	const bucket = buckets.get(key);
	if (bucket) bucket.blockedUntil = Math.min(resetAt, Date.now() + MAX_RESET_WAIT_MS);
}

/** For tests: forget all windows (the IP-wide budgets too). */
export function resetRateLimiter(): void {
	buckets.clear();
	resetIpBudgets();
	resetArrivalBounds();
}
