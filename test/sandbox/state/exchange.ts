/**
 * The exchange's state for one unified account, and the transaction/event
 * machinery: state changes made inside `tx()` are pushed to the WebSocket
 * layer once, in order, when the outermost transaction ends.
 */
import type { Category, Json, SandboxKey } from '../types';
import { paramError } from '../types';
import { makeKeyRecord, type KeyRecord } from './keys';

export type { KeyRecord } from './keys';
import { buildInstruments, type Instrument } from './instruments';
import { Market, type PublicTrade } from './market';
import { OrderStore, orderPushView, type Order } from './orders';
import { newPosition, positionIM, positionMM, positionView, unrealisedPnl, liquidationPrice, type Position } from './positions';
import { Wallets, executionView, type ClosedPnl, type Execution, type TxLogEntry } from './records';
import { SeqLog } from '../util/paginate';
import { Bursts } from './burst';
import { Assets } from './assets';
import { Ids, Rng } from '../util/ids';
import { trimmed } from '../util/num';

export type PrivateTopic = 'order' | 'execution' | 'position' | 'wallet' | 'greeks';

export interface PublicEvent {
	kind: 'market' | 'trade' | 'liquidation';
	inst: Instrument;
	trades?: PublicTrade[];
	liquidation?: Json;
}

export interface Sinks {
	private(topic: PrivateTopic, category: Category | undefined, data: Json[], executions?: Execution[]): void;
	public(event: PublicEvent): void;
}

export interface SymbolSettings {
	/** 0 one-way (MergedSingle), 3 hedge (BothSides). */
	mode: 0 | 3;
	buyLeverage: number;
	sellLeverage: number;
	tradeMode: 0 | 1;
}

interface Batch {
	orderSnapshots: Array<[Order, Json]>;
	dirtyOrders: Set<Order>;
	executions: Execution[];
	positions: Set<Position>;
	wallet: boolean;
	greeks: boolean;
	markets: Set<Instrument>;
	publicEvents: PublicEvent[];
}

export class Exchange {
	readonly rng: Rng;
	readonly ids: Ids;
	skew = 0;
	readonly uid: number;
	readonly startedAt: number;
	readonly instruments: Instrument[];
	private readonly instByKey = new Map<string, Instrument>();
	private readonly marketByKey = new Map<string, Market>();
	readonly wallets = new Wallets();
	readonly orders = new OrderStore();
	readonly executions = new SeqLog<Execution>();
	readonly closedPnl = new SeqLog<ClosedPnl>();
	readonly txLog = new SeqLog<TxLogEntry>();
	private readonly positionMap = new Map<string, Position>();
	private readonly settingsMap = new Map<string, SymbolSettings>();
	readonly keys = new Map<string, KeyRecord>();
	readonly bursts: Bursts = new Bursts(this);
	readonly assets: Assets;
	/** Disconnect-cancel-all windows (seconds) per product. */
	readonly dcp = new Map<string, number>();
	account = { marginMode: 'REGULAR_MARGIN' as 'REGULAR_MARGIN' | 'ISOLATED_MARGIN' | 'PORTFOLIO_MARGIN', updatedTime: 0 };
	positionSeq = 1000;
	sinks: Sinks = { private: () => undefined, public: () => undefined };
	private batch: Batch | null = null;
	private depth = 0;

	constructor(
		readonly seed: number,
		extraLinear = 0,
	) {
		this.rng = new Rng(seed);
		this.ids = new Ids(this.rng);
		this.uid = 100_000 + this.rng.int(900_000);
		this.startedAt = Date.now();
		this.account.updatedTime = this.startedAt;
		this.instruments = buildInstruments(this.startedAt, extraLinear);
		for (const inst of this.instruments) {
			const key = `${inst.category}:${inst.symbol}`;
			this.instByKey.set(key, inst);
			const market = new Market(inst, this.ids, seed, this.startedAt);
			market.seedTrades(60, () => this.rng.next());
			this.marketByKey.set(key, market);
		}
		this.assets = new Assets(this.startedAt, (n) => this.rng.hex(n));
		this.wallets.add('UNIFIED', 'USDT', 100_000);
		this.wallets.add('UNIFIED', 'BTC', 1);
		this.wallets.add('UNIFIED', 'USDC', 10_000);
		this.wallets.add('UNIFIED', 'ETH', 10);
		this.wallets.add('FUND', 'USDT', 10_000);
		this.wallets.add('FUND', 'USDC', 1_000);
	}

	now(): number {
		return Date.now() + this.skew;
	}

	// ---------------------------------------------------------------- lookups

	inst(category: Category, symbol: string): Instrument | undefined {
		return this.instByKey.get(`${category}:${symbol}`);
	}

	instOrThrow(category: Category, symbol: unknown): Instrument {
		if (typeof symbol !== 'string' || symbol === '') throw paramError('Missing some parameters that must be filled in, symbol');
		const inst = this.inst(category, symbol);
		if (!inst) throw paramError('params error: symbol invalid');
		return inst;
	}

	market(inst: Instrument): Market {
		return this.marketByKey.get(`${inst.category}:${inst.symbol}`)!;
	}

	ofCategory(category: Category): Instrument[] {
		return this.instruments.filter((i) => i.category === category);
	}

	/** USD value of one unit of a coin (index prices of the linear perps). */
	usdPrice(coin: string): number {
		if (coin === 'USDT' || coin === 'USDC' || coin === 'USD') return 1;
		const inst = this.inst('linear', `${coin}USDT`);
		return inst ? this.market(inst).index : 0;
	}

	settings(inst: Instrument): SymbolSettings {
		const key = `${inst.category}:${inst.symbol}`;
		let s = this.settingsMap.get(key);
		if (!s) {
			const lev = inst.category === 'option' || inst.category === 'spot' ? 1 : 10;
			const tradeMode = this.account.marginMode === 'ISOLATED_MARGIN' ? 1 : 0;
			this.settingsMap.set(key, (s = { mode: 0, buyLeverage: lev, sellLeverage: lev, tradeMode }));
		}
		return s;
	}

	/** The position row for (symbol, positionIdx), created empty when missing. */
	position(inst: Instrument, idx: 0 | 1 | 2): Position {
		const key = `${inst.category}:${inst.symbol}:${idx}`;
		let p = this.positionMap.get(key);
		if (!p) {
			const s = this.settings(inst);
			p = newPosition(inst, idx, idx === 2 ? s.sellLeverage : s.buyLeverage, s.tradeMode, this.now());
			this.positionMap.set(key, p);
		}
		return p;
	}

	/** The rows a symbol has in its current mode: [0] one-way, [1, 2] hedge. */
	positionsOf(inst: Instrument): Position[] {
		return this.settings(inst).mode === 3 ? [this.position(inst, 1), this.position(inst, 2)] : [this.position(inst, 0)];
	}

	allPositions(): Position[] {
		return [...this.positionMap.values()];
	}

	instOf(p: { category: Category; symbol: string }): Instrument {
		return this.inst(p.category, p.symbol)!;
	}

	// ---------------------------------------------------------------- transactions and pushes

	tx<T>(fn: () => T): T {
		if (this.depth === 0) {
			this.batch = {
				orderSnapshots: [], dirtyOrders: new Set(), executions: [], positions: new Set(), wallet: false, greeks: false,
				markets: new Set(), publicEvents: [],
			};
		}
		this.depth += 1;
		try {
			return fn();
		} finally {
			this.depth -= 1;
			if (this.depth === 0) {
				const b = this.batch!;
				this.batch = null;
				this.flush(b);
			}
		}
	}

	private get b(): Batch {
		if (!this.batch) throw new Error('sandbox: state change outside tx()');
		return this.batch;
	}

	/** The order changed: its final state is pushed at the end of the transaction. */
	touchOrder(o: Order): void {
		o.updatedTime = this.now();
		this.orders.sync(o);
		this.b.dirtyOrders.add(o);
	}

	/** Push the order's current state now (intermediate states such as Triggered). */
	snapshotOrder(o: Order): void {
		o.updatedTime = this.now();
		this.orders.sync(o);
		this.b.orderSnapshots.push([o, orderPushView(o, this.instOf(o))]);
	}

	touchPosition(p: Position): void {
		p.updatedTime = this.now();
		p.seq = ++this.positionSeq;
		this.b.positions.add(p);
		if (p.category === 'option') this.b.greeks = true;
	}

	touchWallet(): void {
		this.b.wallet = true;
	}

	addExecution(e: Execution): void {
		this.executions.add(e);
		this.b.executions.push(e);
	}

	marketChanged(inst: Instrument): void {
		this.b.markets.add(inst);
	}

	publicEvent(ev: PublicEvent): void {
		this.b.publicEvents.push(ev);
	}

	private flush(b: Batch): void {
		const byCat = <T>(items: T[], cat: (t: T) => Category, render: (t: T) => Json) => {
			const m = new Map<Category, Json[]>();
			for (const it of items) {
				const c = cat(it);
				let arr = m.get(c);
				if (!arr) m.set(c, (arr = []));
				arr.push(render(it));
			}
			return m;
		};
		const orderEntries: Array<[Category, Json]> = b.orderSnapshots.map(([o, v]) => [o.category, v]);
		for (const o of b.dirtyOrders) orderEntries.push([o.category, orderPushView(o, this.instOf(o))]);
		const orderByCat = new Map<Category, Json[]>();
		for (const [c, v] of orderEntries) {
			let arr = orderByCat.get(c);
			if (!arr) orderByCat.set(c, (arr = []));
			arr.push(v);
		}
		for (const [c, data] of orderByCat) this.sinks.private('order', c, data);
		if (b.executions.length) {
			const execByCat = new Map<Category, Execution[]>();
			for (const e of b.executions) {
				let arr = execByCat.get(e.category);
				if (!arr) execByCat.set(e.category, (arr = []));
				arr.push(e);
			}
			for (const [c, list] of execByCat) {
				this.sinks.private('execution', c, list.map((e) => executionView(e, this.instOf(e), true)), list);
			}
		}
		if (b.positions.size) {
			for (const [c, data] of byCat([...b.positions], (p) => p.category, (p) => this.positionJson(p, true))) {
				this.sinks.private('position', c, data);
			}
		}
		if (b.wallet) this.sinks.private('wallet', undefined, this.walletJson(undefined));
		if (b.greeks) this.sinks.private('greeks', undefined, this.greeksJson());
		for (const inst of b.markets) this.sinks.public({ kind: 'market', inst });
		for (const ev of b.publicEvents) this.sinks.public(ev);
	}

	// ---------------------------------------------------------------- account arithmetic

	/** Per-coin equity and margin usage, and USD totals (collateral value ratio 1). */
	summary(): {
		coins: Map<string, { upl: number; positionIM: number; positionMM: number; orderIM: number }>;
		totalEquity: number; totalWallet: number; totalIM: number; totalMM: number; totalPerpUPL: number; totalAvailable: number;
	} {
		const coins = new Map<string, { upl: number; positionIM: number; positionMM: number; orderIM: number }>();
		const slot = (coin: string) => {
			let s = coins.get(coin);
			if (!s) coins.set(coin, (s = { upl: 0, positionIM: 0, positionMM: 0, orderIM: 0 }));
			return s;
		};
		for (const p of this.positionMap.values()) {
			if (p.size === 0) continue;
			const inst = this.instOf(p);
			const s = slot(inst.settleCoin);
			s.upl += unrealisedPnl(p, inst, this.market(inst).mark);
			s.positionIM += positionIM(p, inst);
			s.positionMM += positionMM(p, inst);
		}
		for (const o of this.orders.allOpen()) if (o.reserved > 0 && o.category !== 'spot') slot(o.reservedCoin).orderIM += o.reserved;
		let totalEquity = 0;
		let totalWallet = 0;
		let totalIM = 0;
		let totalMM = 0;
		let totalPerpUPL = 0;
		let locked = 0;
		for (const b of this.wallets.coins('UNIFIED')) slot(b.coin);
		for (const [coin, s] of coins) {
			const px = this.usdPrice(coin);
			const b = this.wallets.balance('UNIFIED', coin);
			totalWallet += b.walletBalance * px;
			totalEquity += (b.walletBalance + s.upl) * px;
			totalIM += (s.positionIM + s.orderIM) * px;
			totalMM += s.positionMM * px;
			totalPerpUPL += s.upl * px;
			locked += b.locked * px;
		}
		return { coins, totalEquity, totalWallet, totalIM, totalMM, totalPerpUPL, totalAvailable: totalEquity - totalIM - locked };
	}

	/** The wallet-balance list item (also the `wallet` topic entry). */
	walletJson(coinFilter: string[] | undefined): Json[] {
		const s = this.summary();
		const rows: Json[] = [];
		const names = coinFilter ?? this.wallets.coins('UNIFIED').filter((b) => b.walletBalance !== 0 || (s.coins.get(b.coin)?.positionIM ?? 0) > 0).map((b) => b.coin);
		for (const coin of names) {
			const b = this.wallets.balance('UNIFIED', coin);
			const c = s.coins.get(coin) ?? { upl: 0, positionIM: 0, positionMM: 0, orderIM: 0 };
			const equity = b.walletBalance + c.upl;
			rows.push({
				availableToBorrow: '', bonus: '0', accruedInterest: '0', availableToWithdraw: '', totalOrderIM: trimmed(c.orderIM, 8),
				equity: trimmed(equity, 8), totalPositionMM: trimmed(c.positionMM, 8), usdValue: trimmed(equity * this.usdPrice(coin), 8),
				spotHedgingQty: '0', unrealisedPnl: trimmed(c.upl, 8), collateralSwitch: true, borrowAmount: '0', totalPositionIM: trimmed(c.positionIM, 8),
				walletBalance: trimmed(b.walletBalance, 8), cumRealisedPnl: trimmed(b.cumRealisedPnl, 8), locked: trimmed(b.locked, 8),
				marginCollateral: true, coin, spotBorrow: '0',
			});
		}
		const imRate = s.totalEquity > 0 ? s.totalIM / s.totalEquity : 0;
		const mmRate = s.totalEquity > 0 ? s.totalMM / s.totalEquity : 0;
		return [{
			totalEquity: trimmed(s.totalEquity, 8), accountIMRate: trimmed(imRate, 4), accountIMRateByMp: trimmed(imRate, 4),
			totalMarginBalance: trimmed(s.totalEquity, 8), totalInitialMargin: trimmed(s.totalIM, 8), totalInitialMarginByMp: trimmed(s.totalIM, 8),
			accountType: 'UNIFIED', totalAvailableBalance: trimmed(Math.max(0, s.totalAvailable), 8), accountMMRate: trimmed(mmRate, 4),
			accountMMRateByMp: trimmed(mmRate, 4), totalPerpUPL: trimmed(s.totalPerpUPL, 8), totalWalletBalance: trimmed(s.totalWallet, 8),
			accountLTV: '0', totalMaintenanceMargin: trimmed(s.totalMM, 8), totalMaintenanceMarginByMp: trimmed(s.totalMM, 8), coin: rows,
		}];
	}

	/** Liquidation price: isolated positions are backed by their own margin, cross ones by the free balance too. */
	liqPrice(p: Position): number {
		const inst = this.instOf(p);
		if (p.size === 0) return 0;
		let backing = positionIM(p, inst);
		if (p.tradeMode === 0) {
			const px = this.usdPrice(inst.settleCoin) || 1;
			backing += Math.max(0, this.summary().totalAvailable) / px;
		}
		return liquidationPrice(p, inst, backing);
	}

	positionJson(p: Position, ws: boolean): Json {
		const inst = this.instOf(p);
		return positionView(p, inst, this.market(inst).mark, this.liqPrice(p), ws);
	}

	greeksJson(): Json[] {
		let delta = 0;
		for (const p of this.positionMap.values()) {
			if (p.category !== 'option' || p.size === 0) continue;
			const inst = this.instOf(p);
			delta += (inst.optionsType === 'Call' ? 0.55 : -0.45) * p.size * (p.side === 'Buy' ? 1 : -1);
		}
		return [{ baseCoin: 'BTC', totalDelta: trimmed(delta, 8), totalGamma: '0', totalVega: '0', totalTheta: '0' }];
	}

	// ---------------------------------------------------------------- keys

	addKey(k: SandboxKey): KeyRecord {
		const rec = makeKeyRecord(k, () => this.rng.alnum(36).toUpperCase(), this.now(), this.keys.size);
		this.keys.set(rec.apiKey, rec);
		return rec;
	}
}
