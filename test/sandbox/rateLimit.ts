/**
 * Bybit's per-endpoint API rate limits (rate-limit.mdx, "UTA2.0 Pro" column):
 * a rolling window per API key, per endpoint, per category. Batch endpoints
 * count each order (option batches count per request).
 */
import type { Category } from './types';

interface Rule {
	limit: number;
	spot?: number;
	option?: number;
	windowMs?: number;
}

const S = (limit: number, extra: Omit<Rule, 'limit'> = {}): Rule => ({ limit, ...extra });
const PER_MIN = { windowMs: 60_000 };

/** Market endpoints have no per-UID limit; their headers report the documented IP limit (600 per 5 s), never enforced here. */
const PUBLIC = { limit: 600, windowMs: 5000 };

const RULES: Record<string, Rule> = {
	'/v5/order/create': S(10, { spot: 20 }),
	'/v5/order/amend': S(10),
	'/v5/order/cancel': S(10, { spot: 20 }),
	'/v5/order/cancel-all': S(10, { spot: 20, option: 1 }),
	'/v5/order/create-batch': S(10, { spot: 20 }),
	'/v5/order/amend-batch': S(10, { spot: 20 }),
	'/v5/order/cancel-batch': S(10, { spot: 20 }),
	'/v5/order/disconnected-cancel-all': S(5),
	'/v5/order/realtime': S(50),
	'/v5/order/history': S(50),
	'/v5/execution/list': S(50),
	'/v5/order/spot-borrow-check': S(50),
	'/v5/position/list': S(50),
	'/v5/position/closed-pnl': S(50),
	'/v5/position/set-leverage': S(10),
	'/v5/position/switch-mode': S(10),
	'/v5/position/switch-isolated': S(10),
	'/v5/position/trading-stop': S(10),
	'/v5/position/set-auto-add-margin': S(10),
	'/v5/position/add-margin': S(10),
	'/v5/account/wallet-balance': S(50),
	'/v5/account/borrow-history': S(50),
	'/v5/account/collateral-info': S(50),
	'/v5/account/info': S(50),
	'/v5/account/transaction-log': S(25),
	'/v5/account/fee-rate': S(5),
	'/v5/account/set-margin-mode': S(5),
	'/v5/account/query-dcp-info': S(5),
	'/v5/asset/transfer/query-inter-transfer-list': S(60, PER_MIN),
	'/v5/asset/transfer/query-transfer-coin-list': S(60, PER_MIN),
	'/v5/asset/transfer/inter-transfer': S(60, PER_MIN),
	'/v5/asset/transfer/query-universal-transfer-list': S(5),
	'/v5/asset/transfer/universal-transfer': S(5),
	'/v5/asset/transfer/query-account-coins-balance': S(5),
	'/v5/asset/transfer/query-account-coin-balance': S(450),
	'/v5/asset/deposit/query-record': S(100, PER_MIN),
	'/v5/asset/deposit/query-address': S(10),
	'/v5/asset/withdraw/query-record': S(300, PER_MIN),
	'/v5/asset/coin/query-info': S(5),
	'/v5/asset/withdraw/create': S(5),
	'/v5/user/query-api': S(10),
};

/** Batch endpoints count each order; option batches count per request. */
export const PER_ITEM = new Set(['/v5/order/create-batch', '/v5/order/amend-batch', '/v5/order/cancel-batch']);

/** Units a request costs: each order of a batch (option batches: 1), else 1. */
export function costOf(path: string, category: Category | undefined, params: Record<string, unknown>): number {
	return PER_ITEM.has(path) && category !== 'option' && Array.isArray(params.request) ? Math.max(1, params.request.length) : 1;
}

export interface LimitState {
	limit: number;
	/** Requests (or items) still allowed in the window after this one. */
	remaining: number;
	/** ms when the window frees a slot if exceeded; otherwise now. */
	resetAt: number;
	/** Units granted (< cost when the quota ran short). */
	granted: number;
}

class Window {
	private times: number[] = [];
	private head = 0;
	prune(now: number, windowMs: number): number {
		const t = this.times;
		while (this.head < t.length && t[this.head] <= now - windowMs) this.head++;
		if (this.head > 256 && this.head * 2 > t.length) {
			this.times = t.slice(this.head);
			this.head = 0;
		}
		return this.times.length - this.head;
	}
	push(now: number, n: number): void {
		for (let i = 0; i < n; i++) this.times.push(now);
	}
	oldest(): number {
		return this.times[this.head];
	}
}

export class RateLimiter {
	private readonly windows = new Map<string, Window>();
	constructor(public enabled: boolean) {}

	static limitFor(path: string, category: Category | undefined): { limit: number; windowMs: number } | undefined {
		if (path.startsWith('/v5/market/')) return PUBLIC;
		const r = RULES[path];
		if (!r) return undefined;
		const limit = (category === 'spot' && r.spot) || (category === 'option' && r.option) || r.limit;
		return { limit, windowMs: r.windowMs ?? 1000 };
	}

	/** The state of a window without consuming (for answers that never reached the limiter). */
	peek(id: string, path: string, category: Category | undefined, now: number): LimitState | undefined {
		const rule = RateLimiter.limitFor(path, category);
		if (!rule) return undefined;
		const used = this.windows.get(`${id}|${path}|${category ?? ''}`)?.prune(now, rule.windowMs) ?? 0;
		return { limit: rule.limit, remaining: Math.max(0, rule.limit - used), resetAt: now, granted: 0 };
	}

	/** Public endpoints: counted per client IP for the headers, never refused. */
	countPublic(ip: string, path: string, now: number): LimitState {
		const was = this.enabled;
		this.enabled = true;
		const s = this.consume(ip, path, undefined, 1, now)!;
		this.enabled = was;
		return { ...s, granted: 1, resetAt: now };
	}

	/** Consume `cost` units; grants fewer (possibly 0) when the window is short. */
	consume(apiKey: string, path: string, category: Category | undefined, cost: number, now: number): LimitState | undefined {
		const rule = RateLimiter.limitFor(path, category);
		if (!rule) return undefined;
		if (!this.enabled) return { limit: rule.limit, remaining: rule.limit - 1, resetAt: now, granted: cost };
		const key = `${apiKey}|${path}|${category ?? ''}`;
		let w = this.windows.get(key);
		if (!w) this.windows.set(key, (w = new Window()));
		const used = w.prune(now, rule.windowMs);
		const free = Math.max(0, rule.limit - used);
		const granted = Math.min(free, cost);
		w.push(now, granted);
		const exceeded = granted < cost;
		return {
			limit: rule.limit,
			remaining: Math.max(0, free - granted),
			resetAt: exceeded && used + granted > 0 ? w.oldest() + rule.windowMs : now,
			granted,
		};
	}
}
