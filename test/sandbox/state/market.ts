/**
 * Per-instrument market data: last/mark/index prices, a synthetic order book
 * (a pure function of the last price, so snapshots and deltas are always
 * consistent), public trades, klines and 24 h statistics.
 */
import type { Instrument } from './instruments';
import { fixed, roundToStep, trimmed } from '../util/num';
import { hash01, type Ids } from '../util/ids';

export const INTERVALS = ['1', '3', '5', '15', '30', '60', '120', '240', '360', '720', 'D', 'W', 'M'] as const;
export type Interval = (typeof INTERVALS)[number];

export function isInterval(v: unknown): v is Interval {
	return typeof v === 'string' && (INTERVALS as readonly string[]).includes(v);
}

export interface Candle {
	start: number;
	end: number;
	open: number;
	high: number;
	low: number;
	close: number;
	volume: number;
	turnover: number;
}

export interface PublicTrade {
	execId: string;
	time: number;
	price: number;
	size: number;
	side: 'Buy' | 'Sell';
	seq: number;
	tickDirection: 'PlusTick' | 'ZeroPlusTick' | 'MinusTick' | 'ZeroMinusTick';
}

export type Level = [string, string];

const MINUTE = 60_000;

/** Start of the candle containing t. */
export function candleStart(interval: Interval, t: number): number {
	if (interval === 'D') return Math.floor(t / 86_400_000) * 86_400_000;
	if (interval === 'W') {
		// Bybit weeks start on Monday 00:00 UTC; 1970-01-01 was a Thursday.
		const day = Math.floor(t / 86_400_000);
		return (day - ((day + 3) % 7)) * 86_400_000;
	}
	if (interval === 'M') {
		const d = new Date(t);
		return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
	}
	const len = Number(interval) * MINUTE;
	return Math.floor(t / len) * len;
}

/** Last millisecond of the candle starting at `start`. */
export function candleEnd(interval: Interval, start: number): number {
	if (interval === 'D') return start + 86_400_000 - 1;
	if (interval === 'W') return start + 7 * 86_400_000 - 1;
	if (interval === 'M') {
		const d = new Date(start);
		return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1) - 1;
	}
	return start + Number(interval) * MINUTE - 1;
}

export class Market {
	last: number;
	mark: number;
	index: number;
	readonly prev24h: number;
	readonly prev1h: number;
	high24h: number;
	low24h: number;
	volume24h: number;
	turnover24h: number;
	openInterest: number;
	fundingRate = 0.0001;
	tickDirection: PublicTrade['tickDirection'] = 'ZeroPlusTick';
	/** Increments on every book change (REST `seq`, WS `seq`). */
	bookSeq: number;
	/** Increments on every ticker change (`cs`). */
	cs: number;
	tradeSeq: number;
	readonly trades: PublicTrade[] = [];
	private readonly current = new Map<Interval, Candle>();
	private readonly closed = new Map<Interval, Map<number, Candle>>();
	/** (time, price) after each change, for flat candles of quiet periods. */
	private readonly history: Array<[number, number]> = [];

	constructor(
		readonly inst: Instrument,
		private readonly ids: Ids,
		private readonly seed: number,
		readonly startedAt: number,
	) {
		const p = inst.initialPrice;
		this.last = p;
		this.mark = p;
		this.index = p;
		this.prev24h = roundToStep(p * 0.985, inst.tick);
		this.prev1h = roundToStep(p * 0.998, inst.tick);
		this.high24h = roundToStep(p * 1.012, inst.tick);
		this.low24h = roundToStep(p * 0.978, inst.tick);
		this.volume24h = inst.min * 250_000;
		this.turnover24h = this.volume24h * p;
		this.openInterest = inst.min * 400_000;
		this.bookSeq = 1_000_000 + Math.floor(hash01(inst.symbol, seed) * 1e6);
		this.cs = this.bookSeq * 3;
		this.tradeSeq = this.bookSeq * 7;
		this.history.push([startedAt, p]);
	}

	/** Recent trades before the sandbox started, so recent-trade is never empty. */
	seedTrades(count: number, rand: () => number): void {
		for (let i = count; i > 0; i--) {
			this.tradeSeq += 1;
			const price = roundToStep(this.last * (1 + (rand() - 0.5) * 0.001), this.inst.tick);
			this.trades.push({
				execId: this.inst.category === 'spot' ? this.ids.numericId() : this.ids.uuid(), time: this.startedAt - i * 1000, price,
				size: roundToStep(this.inst.min * (1 + Math.floor(rand() * 20)), this.inst.step), side: rand() < 0.5 ? 'Buy' : 'Sell',
				seq: this.tradeSeq, tickDirection: 'ZeroPlusTick',
			});
		}
	}

	get key(): string {
		return `${this.inst.category}:${this.inst.symbol}`;
	}

	price(n: number): string {
		return fixed(n, this.inst.priceScale);
	}

	qty(n: number): string {
		return fixed(n, this.inst.qtyDp);
	}

	/** Move prices. Returns the closed candles (candles roll when time passes). */
	setPrices(next: { last?: number; mark?: number; index?: number }, now: number): void {
		if (next.last !== undefined && next.last !== this.last) {
			this.tickDirection = next.last > this.last ? 'PlusTick' : 'MinusTick';
			this.last = next.last;
			this.high24h = Math.max(this.high24h, next.last);
			this.low24h = Math.min(this.low24h, next.last);
			this.history.push([now, next.last]);
			if (this.history.length > 20_000) this.history.splice(0, 10_000);
			this.bookSeq += 1;
		}
		if (next.mark !== undefined) this.mark = next.mark;
		if (next.index !== undefined) this.index = next.index;
		this.cs += 1;
	}

	/** Record a public trade at the current time and update candles and 24 h stats. */
	recordTrade(price: number, size: number, side: 'Buy' | 'Sell', now: number): PublicTrade {
		this.tradeSeq += 1;
		const prev = this.trades.length ? this.trades[this.trades.length - 1].price : this.last;
		const tickDirection = price > prev ? 'PlusTick' : price < prev ? 'MinusTick' : this.tickDirection.startsWith('Plus') || this.tickDirection === 'ZeroPlusTick' ? 'ZeroPlusTick' : 'ZeroMinusTick';
		const trade: PublicTrade = {
			execId: this.inst.category === 'spot' ? this.ids.numericId() : this.ids.uuid(),
			time: now, price, size, side, seq: this.tradeSeq, tickDirection,
		};
		this.trades.push(trade);
		if (this.trades.length > 2000) this.trades.splice(0, 1000);
		const value = this.inst.category === 'inverse' ? size / price : size * price;
		this.volume24h += size;
		this.turnover24h += value;
		for (const interval of INTERVALS) {
			const c = this.candle(interval, now);
			c.close = price;
			c.high = Math.max(c.high, price);
			c.low = Math.min(c.low, price);
			c.volume += size;
			c.turnover += value;
		}
		return trade;
	}

	/** The current candle of an interval (rolls over when time passed its end). */
	candle(interval: Interval, now: number): Candle {
		let c = this.current.get(interval);
		if (!c || now > c.end) {
			if (c) this.store(interval, c);
			const start = c && c.end + 1 > candleStart(interval, now) ? c.end + 1 : candleStart(interval, now);
			const open = this.last;
			c = { start, end: candleEnd(interval, start), open, high: open, low: open, close: open, volume: 0, turnover: 0 };
			this.current.set(interval, c);
		}
		return c;
	}

	/** Candles that ended before `now` and were not yet reported (rolls them over). */
	rollCandles(now: number, intervals: Iterable<Interval>): Array<{ interval: Interval; candle: Candle }> {
		const out: Array<{ interval: Interval; candle: Candle }> = [];
		for (const interval of intervals) {
			const c = this.current.get(interval);
			if (c && now > c.end) {
				out.push({ interval, candle: c });
				this.candle(interval, now);
			}
		}
		return out;
	}

	/** Close the current candle now (control): the next candle starts right after it. */
	closeCandle(interval: Interval, now: number): Candle {
		const c = this.candle(interval, now);
		this.store(interval, c);
		const start = c.end + 1;
		const open = this.last;
		this.current.set(interval, { start, end: candleEnd(interval, start), open, high: open, low: open, close: open, volume: 0, turnover: 0 });
		return c;
	}

	private store(interval: Interval, c: Candle): void {
		let m = this.closed.get(interval);
		if (!m) this.closed.set(interval, (m = new Map()));
		m.set(c.start, c);
		if (m.size > 1500) {
			const first = m.keys().next().value;
			if (first !== undefined) m.delete(first);
		}
	}

	/** Klines newest first, like Bybit: `limit` candles ending at `end` (default now). */
	klines(interval: Interval, now: number, start: number | undefined, end: number | undefined, limit: number): Candle[] {
		const out: Candle[] = [];
		const cur = this.candle(interval, now);
		let t = end === undefined || end >= cur.start ? cur.start : candleStart(interval, end);
		while (out.length < limit && t >= 0) {
			if (start !== undefined && candleEnd(interval, t) < start) break;
			out.push(this.candleAt(interval, t));
			t = candleStart(interval, t - 1);
		}
		return out;
	}

	private candleAt(interval: Interval, start: number): Candle {
		const cur = this.current.get(interval);
		if (cur && cur.start === start) return cur;
		const stored = this.closed.get(interval)?.get(start);
		if (stored) return stored;
		const end = candleEnd(interval, start);
		if (end >= this.startedAt) {
			const p = this.priceAt(start);
			return { start, end, open: p, high: p, low: p, close: p, volume: 0, turnover: 0 };
		}
		return this.synthetic(interval, start, end);
	}

	private priceAt(t: number): number {
		let lo = 0;
		let hi = this.history.length - 1;
		if (t < this.history[0][0]) return this.history[0][1];
		while (lo < hi) {
			const mid = (lo + hi + 1) >>> 1;
			if (this.history[mid][0] <= t) lo = mid;
			else hi = mid - 1;
		}
		return this.history[lo][1];
	}

	/** Deterministic history before the sandbox started: a gentle wave around the initial price. */
	private synthetic(interval: Interval, start: number, end: number): Candle {
		const base = this.inst.initialPrice;
		const at = (t: number) => {
			const wave = 0.03 * Math.sin(t / (3 * 86_400_000)) + 0.01 * Math.sin(t / 3_600_000);
			return roundToStep(base * (1 + wave), this.inst.tick);
		};
		const open = at(start);
		const close = at(end + 1);
		const h = hash01(`${this.inst.symbol}:${interval}:${start}`, this.seed);
		const high = roundToStep(Math.max(open, close) * (1 + 0.002 * h), this.inst.tick);
		const low = roundToStep(Math.min(open, close) * (1 - 0.002 * (1 - h)), this.inst.tick);
		const volume = roundToStep(this.inst.min * (200 + 5000 * h), this.inst.step);
		const turnover = this.inst.category === 'inverse' ? volume / ((open + close) / 2) : volume * ((open + close) / 2);
		return { start, end, open, high, low, close, volume, turnover };
	}

	/** Synthetic order book around the last price: asks from last+tick up, bids from last down. */
	book(depth: number): { b: Level[]; a: Level[] } {
		const { tick } = this.inst;
		const base = roundToStep(this.last, tick, 'down');
		const b: Level[] = [];
		const a: Level[] = [];
		for (let i = 0; i < depth; i++) {
			const bid = roundToStep(base - i * tick, tick);
			if (bid > 0) b.push([this.price(bid), this.levelSize(bid)]);
			const ask = roundToStep(base + (i + 1) * tick, tick);
			a.push([this.price(ask), this.levelSize(ask)]);
		}
		return { b, a };
	}

	levelSize(price: number): string {
		const h = hash01(`${this.inst.symbol}@${this.price(price)}`, this.seed);
		const lot = this.inst.min * 50;
		return this.qty(Math.max(this.inst.min, roundToStep(lot * (0.2 + 3 * h), this.inst.step)));
	}

	price24hPcnt(): string {
		return trimmed((this.last - this.prev24h) / this.prev24h, 6);
	}
}
