/** Public streams (/v5/public/{spot|linear|inverse|option}): order book, trades, tickers, klines, liquidations. */
import type { Exchange, PublicEvent } from '../state/exchange';
import type { Instrument } from '../state/instruments';
import { INTERVALS, isInterval, type Candle, type Interval, type Level, type Market } from '../state/market';
import { tickerJson } from '../routes/market';
import { trimmed } from '../util/num';
import type { Category, Json } from '../types';
import type { Conn, Hub } from './hub';
import { noticeServed } from './notices';

const DEPTHS: Record<Category, number[]> = { linear: [1, 50, 200, 1000], inverse: [1, 50, 200, 1000], spot: [1, 50, 200, 1000], option: [25, 100] };

type Parsed =
	| { kind: 'orderbook'; inst: Instrument; depth: number }
	| { kind: 'publicTrade'; insts: Instrument[] }
	| { kind: 'tickers'; inst: Instrument }
	| { kind: 'kline'; inst: Instrument; interval: Interval }
	| { kind: 'allLiquidation'; inst: Instrument }
	| { kind: 'notice' };

interface BookState {
	u: number;
	bids: Map<string, string>;
	asks: Map<string, string>;
}

export class PublicStreams {
	private readonly books = new Map<string, BookState>();
	private readonly lastTicker = new Map<string, Json>();
	private readonly timer: NodeJS.Timeout;

	constructor(
		private readonly ex: Exchange,
		private readonly hub: Hub,
	) {
		// Candles close with time even when the price does not move: confirm them once a second.
		this.timer = setInterval(() => this.rollKlines(), 1000);
		this.timer.unref();
	}

	close(): void {
		clearInterval(this.timer);
	}

	private parse(category: Category, topic: string): Parsed | undefined {
		const parts = topic.split('.');
		const inst = (s: string | undefined) => (s ? this.ex.inst(category, s) : undefined);
		if (parts[0] === 'orderbook' && parts.length === 3) {
			const depth = Number(parts[1]);
			const i = inst(parts[2]);
			return i && DEPTHS[category].includes(depth) ? { kind: 'orderbook', inst: i, depth } : undefined;
		}
		if (parts[0] === 'publicTrade' && parts.length === 2) {
			if (category === 'option') {
				const insts = this.ex.ofCategory('option').filter((x) => x.baseCoin === parts[1]);
				return insts.length ? { kind: 'publicTrade', insts } : undefined;
			}
			const i = inst(parts[1]);
			return i ? { kind: 'publicTrade', insts: [i] } : undefined;
		}
		if (parts[0] === 'tickers' && parts.length === 2) {
			const i = inst(parts[1]);
			return i ? { kind: 'tickers', inst: i } : undefined;
		}
		if (parts[0] === 'kline' && parts.length === 3 && category !== 'option') {
			const i = inst(parts[2]);
			return i && isInterval(parts[1]) ? { kind: 'kline', inst: i, interval: parts[1] } : undefined;
		}
		if (parts[0] === 'allLiquidation' && parts.length === 2 && (category === 'linear' || category === 'inverse')) {
			const i = inst(parts[1]);
			return i ? { kind: 'allLiquidation', inst: i } : undefined;
		}
		// insurance, priceLimit, adlAlert: pushed from control (notices.ts)
		return noticeServed(this.ex, category, topic) ? { kind: 'notice' } : undefined;
	}

	onMessage(conn: Conn, msg: Json): void {
		const category = conn.category!;
		const op = msg.op;
		const reqId = typeof msg.req_id === 'string' ? msg.req_id : '';
		if (op === 'ping' && this.hub.mutePongs) return;
		if (op === 'ping') {
			if (category === 'option') return this.hub.reply(conn, { args: [String(this.ex.now())], op: 'pong' });
			if (category === 'spot') return this.hub.reply(conn, { success: true, ret_msg: 'pong', conn_id: conn.connId, ...(reqId ? { req_id: reqId } : {}), op: 'ping' });
			return this.hub.reply(conn, { success: true, ret_msg: 'pong', conn_id: conn.connId, req_id: reqId, op: 'ping' });
		}
		if (op === 'pong') return;
		if (op !== 'subscribe' && op !== 'unsubscribe') {
			return this.hub.reply(conn, { success: false, ret_msg: `error:invalid op:${String(op)}`, conn_id: conn.connId, req_id: reqId, op: String(op) });
		}
		const topics = (Array.isArray(msg.args) ? msg.args : []).filter((t): t is string => typeof t === 'string');
		const ok: string[] = [];
		const failed: string[] = [];
		let reason = '';
		if (category === 'spot' && topics.length > 10) {
			failed.push(...topics);
			reason = 'args size >10';
		} else {
			for (const t of topics) {
				const parsed = this.parse(category, t);
				const key = `${category}|${t}`;
				if (!parsed) {
					failed.push(t);
					reason ||= `error:handler not found,topic:${t}`;
				} else if (op === 'subscribe' && conn.topics.has(key)) {
					failed.push(t);
					reason ||= `error:already subscribed,topic:${t}`;
				} else {
					ok.push(t);
					if (op === 'subscribe') this.hub.subscribe(conn, key);
					else this.hub.unsubscribe(conn, key);
				}
			}
		}
		const success = failed.length === 0 && topics.length > 0;
		if (category === 'option') {
			this.hub.reply(conn, { success, conn_id: conn.connId, data: { failTopics: failed, successTopics: ok }, type: 'COMMAND_RESP', ...(reqId ? { req_id: reqId } : {}) });
		} else {
			const retMsg = success ? (category === 'spot' ? op : '') : reason || 'error:empty args';
			this.hub.reply(conn, { success, ret_msg: retMsg, conn_id: conn.connId, req_id: reqId, op });
		}
		if (op === 'subscribe') for (const t of ok) this.initial(conn, category, t);
	}

	/** What a new subscriber gets right away: book and ticker snapshots, the current candle. */
	private initial(conn: Conn, category: Category, topic: string): void {
		const p = this.parse(category, topic)!;
		const now = this.ex.now();
		if (p.kind === 'orderbook') {
			const m = this.ex.market(p.inst);
			const st = this.bookState(p.inst, p.depth);
			const { b, a } = m.book(p.depth);
			this.hub.push(conn, this.bookMessage(topic, 'snapshot', p.inst, b, a, st.u, m, now));
		} else if (p.kind === 'tickers') {
			const data = tickerData(this.ex, p.inst);
			this.lastTicker.set(`${category}|${topic}`, data);
			this.hub.push(conn, this.tickerMessage(topic, p.inst, data, 'snapshot', now));
		} else if (p.kind === 'kline') {
			const m = this.ex.market(p.inst);
			this.hub.push(conn, klineMessage(topic, p.interval, m.candle(p.interval, now), false, m, now));
		}
	}

	private bookState(inst: Instrument, depth: number): BookState {
		const key = `${inst.category}:${inst.symbol}:${depth}`;
		let st = this.books.get(key);
		if (!st) {
			const { b, a } = this.ex.market(inst).book(depth);
			st = { u: 1, bids: new Map(b), asks: new Map(a) };
			this.books.set(key, st);
		}
		return st;
	}

	private bookMessage(topic: string, type: 'snapshot' | 'delta', inst: Instrument, b: Level[], a: Level[], u: number, m: Market, now: number): string {
		const data = { s: inst.symbol, b, a, u, seq: m.bookSeq };
		const tsFirst = inst.category === 'spot' || topic.startsWith('orderbook.1.');
		return JSON.stringify(tsFirst ? { topic, ts: now, type, data, cts: now - 1 } : { topic, type, ts: now, data, cts: now - 1 });
	}

	private tickerMessage(topic: string, inst: Instrument, data: Json, type: 'snapshot' | 'delta', now: number): string {
		const m = this.ex.market(inst);
		if (inst.category === 'option') return JSON.stringify({ id: `${topic}-${m.cs}-${now}`, topic, ts: now, data, type: 'snapshot' });
		if (inst.category === 'spot') return JSON.stringify({ topic, ts: now, type: 'snapshot', cs: m.cs, data });
		return JSON.stringify({ topic, type, data, cs: m.cs, ts: now });
	}

	/** Events from the exchange. */
	publish(ev: PublicEvent): void {
		const { inst } = ev;
		const cat = inst.category;
		const now = this.ex.now();
		const m = this.ex.market(inst);
		if (ev.kind === 'trade' && ev.trades) {
			const topic = cat === 'option' ? `publicTrade.${inst.baseCoin}` : `publicTrade.${inst.symbol}`;
			this.hub.publish(`${cat}|${topic}`, () =>
				JSON.stringify({
					topic, type: 'snapshot', ts: now,
					data: ev.trades!.map((t) => ({
						T: t.time, s: inst.symbol, S: t.side, v: m.qty(t.size), p: m.price(t.price), ...(cat === 'spot' ? {} : { L: t.tickDirection }),
						i: t.execId, BT: false, RPI: false, seq: t.seq,
					})),
				}),
			);
			return;
		}
		if (ev.kind === 'liquidation' && ev.liquidation) {
			const topic = `allLiquidation.${inst.symbol}`;
			this.hub.publish(`${cat}|${topic}`, JSON.stringify({ topic, type: 'snapshot', ts: now, data: [ev.liquidation] }));
			return;
		}
		// market: book, ticker, klines
		for (const depth of DEPTHS[cat]) {
			const topic = `orderbook.${depth}.${inst.symbol}`;
			const key = `${cat}|${topic}`;
			if (!this.hub.has(key)) continue;
			const st = this.bookState(inst, depth);
			const { b, a } = m.book(depth);
			st.u += 1;
			if (depth === 1) {
				st.bids = new Map(b);
				st.asks = new Map(a);
				this.hub.publish(key, this.bookMessage(topic, 'snapshot', inst, b, a, st.u, m, now));
				continue;
			}
			const db = diff(st.bids, b, true);
			const da = diff(st.asks, a, false);
			st.bids = new Map(b);
			st.asks = new Map(a);
			if (db.length || da.length) this.hub.publish(key, this.bookMessage(topic, 'delta', inst, db, da, st.u, m, now));
		}
		const tKey = `${cat}|tickers.${inst.symbol}`;
		if (this.hub.has(tKey)) {
			const data = tickerData(this.ex, inst);
			const prev = this.lastTicker.get(tKey);
			this.lastTicker.set(tKey, data);
			if (cat === 'linear' || cat === 'inverse') {
				const delta: Json = { symbol: inst.symbol };
				for (const [k, v] of Object.entries(data)) if (!prev || prev[k] !== v) delta[k] = v;
				if (Object.keys(delta).length > 1) this.hub.publish(tKey, this.tickerMessage(`tickers.${inst.symbol}`, inst, delta, 'delta', now));
			} else this.hub.publish(tKey, this.tickerMessage(`tickers.${inst.symbol}`, inst, data, 'snapshot', now));
		}
		this.pushKlines(inst, now);
	}

	private pushKlines(inst: Instrument, now: number): void {
		const m = this.ex.market(inst);
		const subscribed = INTERVALS.filter((i) => this.hub.has(`${inst.category}|kline.${i}.${inst.symbol}`));
		if (subscribed.length === 0) return;
		for (const { interval, candle } of m.rollCandles(now, subscribed)) {
			const topic = `kline.${interval}.${inst.symbol}`;
			this.hub.publish(`${inst.category}|${topic}`, klineMessage(topic, interval, candle, true, m, now));
		}
		for (const interval of subscribed) {
			const topic = `kline.${interval}.${inst.symbol}`;
			this.hub.publish(`${inst.category}|${topic}`, klineMessage(topic, interval, m.candle(interval, now), false, m, now));
		}
	}

	/** Control: close the current candle now and push it with confirm=true. */
	closeCandle(inst: Instrument, interval: Interval): Candle {
		const now = this.ex.now();
		const m = this.ex.market(inst);
		const c = m.closeCandle(interval, now);
		const topic = `kline.${interval}.${inst.symbol}`;
		this.hub.publish(`${inst.category}|${topic}`, klineMessage(topic, interval, c, true, m, now));
		return c;
	}

	private rollKlines(): void {
		const now = this.ex.now();
		for (const inst of this.ex.instruments) {
			const m = this.ex.market(inst);
			const subscribed = INTERVALS.filter((i) => this.hub.has(`${inst.category}|kline.${i}.${inst.symbol}`));
			for (const { interval, candle } of m.rollCandles(now, subscribed)) {
				const topic = `kline.${interval}.${inst.symbol}`;
				this.hub.publish(`${inst.category}|${topic}`, klineMessage(topic, interval, candle, true, m, now));
				this.hub.publish(`${inst.category}|${topic}`, klineMessage(topic, interval, m.candle(interval, now), false, m, now));
			}
		}
	}
}

function diff(prev: Map<string, string>, next: Level[], desc: boolean): Level[] {
	const out: Level[] = [];
	const seen = new Set<string>();
	for (const [p, s] of next) {
		seen.add(p);
		if (prev.get(p) !== s) out.push([p, s]);
	}
	for (const p of prev.keys()) if (!seen.has(p)) out.push([p, '0']);
	return out.sort((x, y) => (desc ? Number(y[0]) - Number(x[0]) : Number(x[0]) - Number(y[0])));
}

function tickerData(ex: Exchange, inst: Instrument): Json {
	const rest = tickerJson(ex, inst);
	const m = ex.market(inst);
	if (inst.category === 'option') {
		return {
			symbol: inst.symbol, bidPrice: rest.bid1Price, bidSize: rest.bid1Size, bidIv: rest.bid1Iv, askPrice: rest.ask1Price, askSize: rest.ask1Size,
			askIv: rest.ask1Iv, lastPrice: rest.lastPrice, highPrice24h: rest.highPrice24h, lowPrice24h: rest.lowPrice24h, markPrice: rest.markPrice,
			indexPrice: rest.indexPrice, markPriceIv: rest.markIv, underlyingPrice: rest.underlyingPrice, openInterest: rest.openInterest,
			turnover24h: rest.turnover24h, volume24h: rest.volume24h, totalVolume: rest.totalVolume, totalTurnover: rest.totalTurnover,
			delta: rest.delta, gamma: rest.gamma, vega: rest.vega, theta: rest.theta, predictedDeliveryPrice: rest.predictedDeliveryPrice,
			change24h: rest.change24h,
		};
	}
	if (inst.category === 'spot') {
		const { symbol, lastPrice, highPrice24h, lowPrice24h, prevPrice24h, volume24h, turnover24h, price24hPcnt, usdIndexPrice } = rest;
		return { symbol, lastPrice, highPrice24h, lowPrice24h, prevPrice24h, volume24h, turnover24h, price24hPcnt, usdIndexPrice };
	}
	return { ...rest, tickDirection: m.tickDirection };
}

function klineMessage(topic: string, interval: Interval, c: Candle, confirm: boolean, m: Market, now: number): string {
	return JSON.stringify({
		topic,
		data: [{
			start: c.start, end: c.end, interval, open: m.price(c.open), close: m.price(c.close), high: m.price(c.high), low: m.price(c.low),
			volume: trimmed(c.volume, 8), turnover: trimmed(c.turnover, 8), confirm, timestamp: now,
		}],
		ts: now,
		type: 'snapshot',
	});
}

