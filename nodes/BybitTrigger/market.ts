/**
 * Public-stream conditions, so a workflow runs on what matters and not
 * hundreds of times a second: price crosses, moves, closed candles, large
 * trades and liquidations, and a throttled order-book snapshot.
 */
import type { IDataObject } from 'n8n-workflow';

export type MarketEvent = 'ticker' | 'kline' | 'publicTrade' | 'orderbook' | 'liquidation';

export interface MarketSettings {
	event: MarketEvent;
	symbol: string;
	priceField?: 'lastPrice' | 'markPrice';
	condition?: 'crossesAbove' | 'crossesBelow' | 'movesPercent';
	level?: number;
	percent?: number;
	windowSeconds?: number;
	interval?: string;
	minSize?: number;
	minNotional?: number;
	depth?: number;
	levels?: number;
}

export function topicOf(s: MarketSettings): string {
	switch (s.event) {
		case 'ticker':
			return `tickers.${s.symbol}`;
		case 'kline':
			return `kline.${s.interval ?? '1'}.${s.symbol}`;
		case 'publicTrade':
			return `publicTrade.${s.symbol}`;
		case 'orderbook':
			return `orderbook.${s.depth ?? 50}.${s.symbol}`;
		case 'liquidation':
			return `allLiquidation.${s.symbol}`;
	}
}

interface PublicMessage {
	topic: string;
	type?: string;
	ts?: number;
	data: IDataObject | IDataObject[];
}

type Side = Map<string, string>;

/** Order book kept from snapshot + deltas; `u` must advance by one, else the book is stale. */
export class OrderBook {
	bids: Side = new Map();
	asks: Side = new Map();
	u = 0;
	seq = 0;
	ready = false;

	/** Returns false when a gap makes the book unusable (resubscribe for a new snapshot). */
	apply(type: string | undefined, data: IDataObject): boolean {
		const u = Number(data.u);
		if (type === 'snapshot' || u === 1) {
			this.bids = new Map((data.b as string[][]).map(([p, q]) => [p, q]));
			this.asks = new Map((data.a as string[][]).map(([p, q]) => [p, q]));
			this.u = u;
			this.seq = Number(data.seq ?? 0);
			this.ready = true;
			return true;
		}
		if (!this.ready || u !== this.u + 1) {
			this.ready = false;
			return false;
		}
		for (const [side, levels] of [[this.bids, data.b], [this.asks, data.a]] as Array<[Side, string[][]]>) {
			for (const [p, q] of levels ?? []) {
				if (Number(q) === 0) side.delete(p);
				else side.set(p, q);
			}
		}
		this.u = u;
		this.seq = Number(data.seq ?? this.seq);
		return true;
	}

	top(n: number): { b: string[][]; a: string[][] } {
		const sorted = (side: Side, desc: boolean) =>
			[...side.entries()].sort((x, y) => (desc ? Number(y[0]) - Number(x[0]) : Number(x[0]) - Number(y[0]))).slice(0, n);
		return { b: sorted(this.bids, true), a: sorted(this.asks, false) };
	}
}

export class MarketWatcher {
	private prev?: number;
	private readonly history: Array<[number, number]> = [];
	private readonly firedCandles = new Set<string>();
	readonly book = new OrderBook();
	/** Set when the order book lost sync and needs a fresh snapshot. */
	needsResync = false;

	constructor(readonly s: MarketSettings) {}

	/** Items to emit for one message. */
	onMessage(msg: PublicMessage): IDataObject[] {
		const base = { topic: msg.topic, eventType: this.s.event, symbol: this.s.symbol, ts: msg.ts ?? null };
		switch (this.s.event) {
			case 'ticker':
				return this.ticker(msg.data as IDataObject, base);
			case 'kline':
				return (msg.data as IDataObject[])
					.filter((k) => k.confirm === true && !this.firedCandles.has(String(k.start)))
					.map((k) => {
						this.firedCandles.add(String(k.start));
						if (this.firedCandles.size > 500) this.firedCandles.delete(this.firedCandles.values().next().value as string);
						return { ...base, ...k, summary: `Candle closed: ${this.s.symbol} ${k.interval} O ${k.open} H ${k.high} L ${k.low} C ${k.close}` };
					});
			case 'publicTrade':
				return (msg.data as IDataObject[])
					.filter((t) => Number(t.v) >= (this.s.minSize ?? 0) && Number(t.v) * Number(t.p) >= (this.s.minNotional ?? 0))
					.map((t) => ({ ...base, ...t, summary: `Trade: ${t.S} ${t.v} ${this.s.symbol} @ ${t.p}` }));
			case 'liquidation':
				return (msg.data as IDataObject[])
					.filter((l) => Number(l.v) * Number(l.p) >= (this.s.minNotional ?? 0))
					.map((l) => ({ ...base, ...l, summary: `Liquidation: ${l.S === 'Buy' ? 'long' : 'short'} ${l.v} ${this.s.symbol} @ ${l.p}` }));
			case 'orderbook':
				if (!this.book.apply(msg.type, msg.data as IDataObject)) this.needsResync = true;
				return [];
		}
	}

	/** The throttled order-book snapshot (called every N seconds). */
	bookSnapshot(): IDataObject[] {
		if (this.s.event !== 'orderbook' || !this.book.ready) return [];
		const { b, a } = this.book.top(this.s.levels ?? 5);
		return [{ topic: topicOf(this.s), eventType: 'orderbook', symbol: this.s.symbol, u: this.book.u, seq: this.book.seq, b, a, summary: `Book ${this.s.symbol}: bid ${b[0]?.[0] ?? '-'} / ask ${a[0]?.[0] ?? '-'}` }];
	}

	private ticker(d: IDataObject, base: IDataObject): IDataObject[] {
		const raw = d[this.s.priceField ?? 'lastPrice'];
		if (raw === undefined || raw === '') return [];
		const price = Number(raw);
		const prev = this.prev;
		this.prev = price;
		const level = this.s.level ?? 0;
		const fire = (summary: string) => [{ ...base, ...d, price: String(raw), summary }];
		if (this.s.condition === 'movesPercent') {
			const now = Date.now();
			const windowMs = (this.s.windowSeconds ?? 60) * 1000;
			this.history.push([now, price]);
			while (this.history.length && this.history[0][0] < now - windowMs) this.history.shift();
			const from = this.history[0][1];
			const move = ((price - from) / from) * 100;
			if (Math.abs(move) >= (this.s.percent ?? 1)) {
				this.history.length = 0;
				this.history.push([now, price]);
				return fire(`${this.s.symbol} moved ${move.toFixed(2)}% to ${raw} within ${this.s.windowSeconds ?? 60} s`);
			}
			return [];
		}
		if (prev === undefined) return [];
		if (this.s.condition === 'crossesBelow') return prev > level && price <= level ? fire(`${this.s.symbol} crossed below ${level}: ${raw}`) : [];
		return prev < level && price >= level ? fire(`${this.s.symbol} crossed above ${level}: ${raw}`) : [];
	}
}
