/**
 * The control API: in-process for tests and benchmarks, and the same
 * operations over HTTP under /sandbox/<name> (JSON in, JSON out).
 */
import { performance } from 'perf_hooks';
import type { Faults } from './faults';
import type { RateLimiter } from './rateLimit';
import type { Exchange } from './state/exchange';
import { fill, movePrice } from './state/matching';
import { isOpen, leavesQty, orderPushView, type Order } from './state/orders';
import { executionView, closedPnlView, txLogView, ACCOUNT_TYPES, type AccountType } from './state/records';
import { transferView, withdrawalView } from './state/assets';
import { isInterval } from './state/market';
import { parseDecimal } from './util/num';
import type { WsServer } from './ws/server';
import type { TradeFault, TradeFaultKind, TradeFrame, TradeStats } from './ws/tradeLog';
import { CATEGORIES, type Category, type Json, type RequestLogEntry, type SandboxKey } from './types';

export interface PriceInput {
	last?: string | number;
	mark?: string | number;
	index?: string | number;
}

export interface BurstOptions {
	category?: Category;
	symbol?: string;
	/** Topics to push (default order + execution; execution.fast is derived when subscribed). */
	topics?: Array<'order' | 'execution'>;
	/** Events per message (default 1). */
	perMessage?: number;
	/**
	 * Stamp every event with this time (epoch ms) instead of the clock: a book
	 * sweep, where Bybit stamps every fill of one taker order with one
	 * millisecond, or events that happened earlier or later than now.
	 */
	time?: number;
}

export interface BurstResult {
	burstNo: number;
	count: number;
	firstOrderId: string;
	lastOrderId: string;
	/** orderLinkId of event i is `burst-<burstNo>-<i>`. */
	linkIdPrefix: string;
	/** High-resolution send time of each event (epoch ms, performance clock). */
	sentAt: Float64Array;
	durationMs: number;
}

export interface SandboxControl {
	readonly defaultKey: { apiKey: string; secret: string };
	setPrice(symbol: string, prices: PriceInput, category?: Category): void;
	walkPrices(symbol: string, path: Array<string | number>, opts?: { category?: Category; intervalMs?: number }): Promise<void>;
	closeCandle(symbol: string, interval: string, category?: Category): void;
	liquidation(symbol: string, side: 'Buy' | 'Sell', size: string | number, price: string | number, category?: Category): void;
	fill(orderIdOrLinkId: string, qty?: string | number, price?: string | number): void;
	fund(coin: string, amount: string | number, accountType?: AccountType): void;
	/** Status of the transfers made from now on: SUCCESS (default) or PENDING (still processing; it exists all the same). */
	setTransferStatus(status: 'SUCCESS' | 'PENDING'): void;
	createKey(key: SandboxKey): { apiKey: string; secret: string };
	forceRateLimit(count: number): void;
	setClockSkew(ms: number): void;
	delayNext(n: number, ms: number, pathPrefix?: string): void;
	failNext(n: number, status?: number, pathPrefix?: string): void;
	dropNext(n: number, pathPrefix?: string): void;
	/** The next N matching requests are processed, then the connection is reset before the answer (default prefix: /v5/order/create, which also matches create-batch). */
	acceptThenDrop(n: number, pathPrefix?: string): void;
	clearFaults(): void;
	/**
	 * `hook` is called synchronously as each REST request (`rest`, its path) or order op on /v5/trade
	 * (`websocket`, its op) arrives, before its fault is taken: a fault armed in the hook applies to
	 * that very request, so a test arms faults at exact counts instead of polling. undefined removes it.
	 */
	onArrival(hook: ((via: 'rest' | 'websocket', name: string) => void) | undefined): void;
	dropAllSockets(): void;
	/** While on, every WebSocket upgrade is answered 503: an outage of the streams, held for exactly as long as a test needs. */
	refuseConnections(on: boolean): void;
	/**
	 * Accept, authenticate and subscribe as usual, then terminate every new
	 * connection `ms` after its first subscription (clients see 1006);
	 * undefined stops it. Returns the number of connections dropped so far.
	 */
	dropAfterSubscribe(ms: number | undefined): number;
	closeSockets(code: number, reason?: string): void;
	pausePushes(): void;
	resumePushes(): void;
	getState(): Json;
	requests(): RequestLogEntry[];
	clearRequests(): void;
	emitPrivate(topic: string, data: Json[]): number;
	/** Push on a public notice topic (insurance.USDT, priceLimit.BTCUSDT, adlAlert.USDT, system.status) in the docs' shape; see ws/notices.ts. */
	publishNotice(topic: string, data: Json | Json[], opts?: { type?: 'snapshot' | 'delta'; category?: Category }): number;
	/** Every WebSocket client message the sandbox received (parsed), oldest first, with the connection's path. */
	wsReceived(): Array<{ connId: string; kind: string; path: string; msg: Json }>;
	pushBurst(n: number, opts?: BurstOptions): Promise<BurstResult>;
	/** Closed WebSocket connections and their close codes, oldest first. */
	closeCodes(): Array<{ connId: string; kind: string; code: number; time: number }>;
	/** Open WebSocket connections. */
	openSockets(): number;
	/** Connections subscribed to a topic key (private: `order`, `execution.linear`; public: `linear|tickers.BTCUSDT`). */
	subscribers(topic: string): number;
	/** Stop (true) or resume (false) answering pings, to simulate a half-dead connection. */
	mutePongs(on: boolean): void;
	/**
	 * A fault on the next `n` order ops received on /v5/trade whose op starts
	 * with `op` (default every order op): dropBeforeAccept (socket destroyed on
	 * receipt, nothing executed), dropAfterAccept (executed, then the socket is
	 * destroyed before the answer), delay (executed at once, answered `ms`
	 * later), rateLimit (answered 10006 without executing).
	 */
	tradeFault(kind: TradeFaultKind, opts?: { n?: number; ms?: number; op?: string }): void;
	/** Close every /v5/trade connection with `code`, or terminate them (clients see 1006) without one. Returns how many. */
	closeTradeSockets(code?: number, reason?: string): number;
	/** Counters of order ops on /v5/trade (received, executed, ok, answered, dropped..., per key and per op). */
	tradeStats(): TradeStats;
	/** Every frame received on /v5/trade, raw text as sent, oldest first, with what became of it. */
	tradeFrames(): TradeFrame[];
	/** Forgets the trade frames and zeroes the trade counters. */
	clearTradeFrames(): void;
	/** How many ms one second of `max_active_time` lasts (default 1000; tests shorten it). Applies to connections opened afterwards. */
	setMaxActiveTimeScale(msPerSecond: number): void;
}

export interface ControlDeps {
	ex: Exchange;
	ws: WsServer;
	faults: Faults;
	limiter: RateLimiter;
	log: RequestLogEntry[];
	forced: { count: number };
	defaultKey: { apiKey: string; secret: string };
}

function num(v: unknown, name: string): number {
	const n = parseDecimal(v);
	if (Number.isNaN(n)) throw new Error(`sandbox control: ${name} must be a decimal number`);
	return n;
}

export function createControl(d: ControlDeps): SandboxControl {
	const { ex, ws, faults } = d;
	const insts = (symbol: string, category?: Category) => {
		const list = ex.instruments.filter((i) => i.symbol === symbol && (!category || i.category === category));
		if (list.length === 0) throw new Error(`sandbox control: unknown symbol ${category ? `${category} ` : ''}${symbol}`);
		return list;
	};
	const findOrder = (id: string): Order => {
		const o = ex.orders.get(id) ?? CATEGORIES.map((c) => ex.orders.byLinkId(c, id)).find(Boolean);
		if (!o) throw new Error(`sandbox control: no order ${id}`);
		return o;
	};
	const control: SandboxControl = {
		defaultKey: d.defaultKey,
		setPrice(symbol, prices, category) {
			const next = {
				last: prices.last !== undefined ? num(prices.last, 'last') : undefined,
				mark: prices.mark !== undefined ? num(prices.mark, 'mark') : undefined,
				index: prices.index !== undefined ? num(prices.index, 'index') : undefined,
			};
			for (const inst of insts(symbol, category)) movePrice(ex, inst, next);
		},
		async walkPrices(symbol, path, opts = {}) {
			for (const p of path) {
				control.setPrice(symbol, { last: p }, opts.category);
				if (opts.intervalMs) await new Promise<void>((r) => setTimeout(r, opts.intervalMs).unref());
			}
		},
		closeCandle(symbol, interval, category) {
			if (!isInterval(interval)) throw new Error(`sandbox control: bad interval ${interval}`);
			for (const inst of insts(symbol, category)) if (inst.category !== 'option') ws.pub.closeCandle(inst, interval);
		},
		liquidation(symbol, side, size, price, category) {
			for (const inst of insts(symbol, category)) {
				if (inst.category !== 'linear' && inst.category !== 'inverse') continue;
				const m = ex.market(inst);
				ex.tx(() =>
					ex.publicEvent({ kind: 'liquidation', inst, liquidation: { T: ex.now(), s: symbol, S: side, v: m.qty(num(size, 'size')), p: m.price(num(price, 'price')) } }),
				);
			}
		},
		fill(id, qty, price) {
			const o = findOrder(id);
			if (!isOpen(o) || o.orderStatus === 'Untriggered') throw new Error(`sandbox control: order ${id} is not resting (${o.orderStatus})`);
			const q = qty !== undefined ? Math.min(num(qty, 'qty'), leavesQty(o)) : leavesQty(o);
			ex.tx(() => fill(ex, o, q, price !== undefined ? num(price, 'price') : o.price || ex.market(ex.instOf(o)).last, true));
		},
		fund(coin, amount, accountType = 'UNIFIED') {
			if (!ACCOUNT_TYPES.includes(accountType)) throw new Error(`sandbox control: accountType must be ${ACCOUNT_TYPES.join(' or ')}`);
			ex.tx(() => {
				ex.wallets.add(accountType, coin, num(amount, 'amount'));
				if (accountType === 'UNIFIED') ex.touchWallet();
			});
		},
		setTransferStatus(status) {
			if (status !== 'SUCCESS' && status !== 'PENDING') throw new Error('sandbox control: status must be SUCCESS or PENDING');
			ex.assets.transferStatus = status;
		},
		createKey(key) {
			const rec = ex.addKey(key);
			return { apiKey: rec.apiKey, secret: rec.secret };
		},
		forceRateLimit(count) {
			d.forced.count = Math.max(0, Math.floor(count));
		},
		setClockSkew(ms) {
			ex.skew = Math.round(ms);
		},
		delayNext: (n, ms, pathPrefix) => faults.add('delay', n, { ms, prefix: pathPrefix }),
		failNext: (n, status = 500, pathPrefix) => faults.add('fail', n, { status, prefix: pathPrefix }),
		dropNext: (n, pathPrefix) => faults.add('drop', n, { prefix: pathPrefix }),
		acceptThenDrop: (n, pathPrefix = '/v5/order/create') => faults.add('acceptThenDrop', n, { prefix: pathPrefix }),
		clearFaults() {
			faults.clear();
			ws.trade.log.clearFaults();
			ws.hub.dropAfterSubscribeMs = undefined;
		},
		dropAllSockets: () => ws.hub.terminateAll(),
		refuseConnections(on) {
			ws.refuseUpgrades = on;
		},
		dropAfterSubscribe(ms) {
			ws.hub.dropAfterSubscribeMs = ms === undefined ? undefined : Math.max(0, ms);
			return ws.hub.dropsAfterSubscribe;
		},
		closeSockets: (code, reason = '') => ws.hub.closeAll(code, reason),
		pausePushes: () => ws.hub.pause(),
		resumePushes: () => ws.hub.resume(),
		getState: () => state(d),
		requests: () => d.log.slice(),
		clearRequests() {
			d.log.length = 0;
		},
		emitPrivate: (topic, data) => ws.priv.emit(topic, data),
		publishNotice: (topic, data, opts) => ws.notices.publish(topic, data, opts),
		wsReceived: () => ws.hub.received.slice(),
		pushBurst: (n, opts) => burst(d, n, opts ?? {}),
		closeCodes: () => ws.hub.closes.slice(),
		openSockets: () => ws.hub.conns.size,
		subscribers: (topic) => ws.hub.subs.get(topic)?.size ?? 0,
		mutePongs: (on) => {
			ws.hub.mutePongs = on;
		},
		onArrival(hook) {
			faults.onArrival = hook && ((path) => hook('rest', path));
			ws.trade.log.onArrival = hook && ((op) => hook('websocket', op));
		},
		tradeFault(kind, opts = {}) {
			if (!['dropBeforeAccept', 'dropAfterAccept', 'delay', 'rateLimit'].includes(kind)) throw new Error(`sandbox control: unknown trade fault ${String(kind)}`);
			ws.trade.log.addFault(kind, opts.n ?? 1, opts.op ?? '', opts.ms ?? 1000);
		},
		closeTradeSockets: (code, reason) => ws.trade.closeAll(code, reason),
		tradeStats: () => structuredClone(ws.trade.log.stats),
		tradeFrames: () => ws.trade.log.frames.map((f) => ({ ...f })),
		clearTradeFrames: () => ws.trade.log.clear(),
		setMaxActiveTimeScale(msPerSecond) {
			if (!(msPerSecond > 0)) throw new Error('sandbox control: msPerSecond must be positive');
			ws.activeTimeMsPerSecond = msPerSecond;
		},
	};
	return control;
}

function state(d: ControlDeps): Json {
	const { ex } = d;
	const orders = ex.orders.log.real().map((o) => orderPushView(o, ex.instOf(o)));
	const wallet = (t: AccountType) => Object.fromEntries(ex.wallets.coins(t).map((b) => [b.coin, { walletBalance: String(b.walletBalance), locked: String(b.locked) }]));
	return {
		serverTime: ex.now(),
		uid: ex.uid,
		prices: ex.instruments.map((i) => {
			const m = ex.market(i);
			return { category: i.category, symbol: i.symbol, last: m.price(m.last), mark: m.price(m.mark), index: m.price(m.index) };
		}),
		orders,
		openOrders: orders.filter((o) => ['New', 'PartiallyFilled', 'Untriggered'].includes(String(o.orderStatus))),
		positions: ex.allPositions().map((p) => ({ ...ex.positionJson(p, false), category: p.category })),
		positionModes: Object.fromEntries(ex.instruments.filter((i) => i.category === 'linear').map((i) => [i.symbol, ex.settings(i).mode === 3 ? 'BothSides' : 'MergedSingle'])),
		marginMode: ex.account.marginMode,
		wallet: { UNIFIED: wallet('UNIFIED'), FUND: wallet('FUND') },
		walletBalance: ex.walletJson(undefined)[0],
		executions: ex.executions.real().map((e) => executionView(e, ex.instOf(e), true)),
		closedPnl: ex.closedPnl.real().map((c) => ({ ...closedPnlView(c, ex.instOf(c)), category: c.category })),
		transactionLog: ex.txLog.real().map(txLogView),
		transfers: { internal: ex.assets.inter.real().map((t) => transferView(t, false)), universal: ex.assets.universal.real().map((t) => transferView(t, true)) },
		withdrawals: ex.assets.withdrawals.real().map(withdrawalView),
		keys: [...ex.keys.values()].map((k) => ({ apiKey: k.apiKey, signatureMethod: k.signatureMethod, readOnly: k.readOnly, ips: k.ips, permissions: k.permissions })),
		dcp: Object.fromEntries(ex.dcp),
		burstEvents: ex.bursts.total(),
		pendingFaults: d.faults.pending(),
		trade: { pendingFaults: d.ws.trade.log.pendingFaults() satisfies TradeFault[], stats: d.ws.trade.log.stats, frames: d.ws.trade.log.frames.length, activeTimeCuts: d.ws.activeTimeCuts },
		forcedRateLimits: d.forced.count,
		rateLimits: d.limiter.enabled,
		clockSkew: ex.skew,
		requestCount: d.log.length,
	};
}

async function burst(d: ControlDeps, n: number, opts: BurstOptions): Promise<BurstResult> {
	const { ex, ws } = d;
	const category = opts.category ?? 'linear';
	const b = ex.bursts.create(Math.max(0, Math.floor(n)), category, opts.symbol ?? (category === 'inverse' ? 'BTCUSD' : category === 'option' ? ex.ofCategory('option')[0].symbol : 'BTCUSDT'));
	const topics = opts.topics ?? ['order', 'execution'];
	const per = Math.max(1, Math.floor(opts.perMessage ?? 1));
	const sentAt = new Float64Array(b.count);
	const t0 = performance.now();
	const hub = ws.hub;
	for (let i = 0; i < b.count; ) {
		const end = Math.min(b.count, i + per);
		const now = opts.time ?? ex.now();
		for (let k = i; k < end; k++) ex.bursts.markSent(b, k, now);
		const indices = Array.from({ length: end - i }, (_, k) => i + k);
		const send = (topic: string, render: (k: number) => string, withId = true) => {
			if (!hub.has(topic)) return;
			const head = withId ? `{"id":"${ex.ids.burstMessageId()}","topic":"${topic}","creationTime":${now},"data":[` : `{"topic":"${topic}","creationTime":${now},"data":[`;
			hub.publish(topic, `${head}${indices.map(render).join(',')}]}`);
		};
		if (topics.includes('order')) {
			send('order', b.orderJson);
			send(`order.${category}`, b.orderJson);
		}
		if (topics.includes('execution')) {
			send('execution', b.executionJson);
			send(`execution.${category}`, b.executionJson);
			send('execution.fast', b.fastJson, false);
			send(`execution.fast.${category}`, b.fastJson, false);
		}
		const ts = performance.timeOrigin + performance.now();
		for (let k = i; k < end; k++) sentAt[k] = ts;
		i = end;
		if (i % 512 < per || hub.buffered() > 4 * 1024 * 1024) {
			while (hub.buffered() > 4 * 1024 * 1024 && hub.conns.size > 0) await new Promise<void>((r) => setTimeout(r, 1));
			await new Promise<void>((r) => setImmediate(r));
		}
	}
	return {
		burstNo: b.burstNo, count: b.count, firstOrderId: b.count ? b.order(0).orderId : '', lastOrderId: b.count ? b.order(b.count - 1).orderId : '',
		linkIdPrefix: `burst-${b.burstNo}-`, sentAt, durationMs: performance.now() - t0,
	};
}

