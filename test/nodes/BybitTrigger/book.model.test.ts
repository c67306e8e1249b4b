/**
 * The exactly-once model at speed: thousands of random sequences per run over
 * the real event handling (book.ts), ledgers (ledger.ts) and shared catch-up
 * coordinator (catchUp.ts), with the exchange and the socket played in memory
 * (the REST pager is replaced by the model's history, answered when a command
 * says so, so live events, drops and restarts interleave with catch-ups in
 * flight). exactlyOnce.model.test.ts drives the whole trigger over real
 * sockets with the same model; this one covers far more interleavings.
 *
 * The model: events happen at a clock that only moves forward, singly or many
 * in one millisecond; while the connection is up every workflow gets them on
 * its topic, otherwise they are missed; a drop holds each workflow's floors,
 * a reconnect asks the shared catch-up; a restart starts new workflows from
 * what the last emit saved. After the last answer every workflow must have
 * emitted each event of its categories exactly once, nothing else, and keep
 * its persisted ledgers within their bound.
 */
import fc from 'fast-check';
import type { IDataObject } from 'n8n-workflow';

import { AccountBook } from '../../../nodes/BybitTrigger/book';
import { CatchUp, type Ledgers } from '../../../nodes/BybitTrigger/catchUp';
import { Ledger, markOf, MAX_LEDGER_KEYS, SeenSet, TRIM_SLACK, type Mark } from '../../../nodes/BybitTrigger/ledger';
import { CATEGORIES, type AccountEvent } from '../../../nodes/BybitTrigger/normalize';
import type { BybitContext } from '../../../nodes/Bybit/transport';

interface Happened {
	link: string;
	category: string;
	time: number;
}

/** REST requests of the catch-up, answered (or failed) by commands; the rows are those Bybit had when the request arrived. */
interface Pending {
	rows: IDataObject[];
	resolve: (rows: IDataObject[]) => void;
	reject: (error: Error) => void;
}

const world = { happened: [] as Happened[], pending: [] as Pending[] };

jest.mock('../../../nodes/Bybit/transport', () => ({
	bybitApiRequestAllItems: async (req: { path: string; qs: { category: string; startTime: number } }) => {
		const exec = req.path === '/v5/execution/list';
		// newest first, as Bybit lists them
		const rows = world.happened
			.filter((e) => e.category === req.qs.category && e.time >= req.qs.startTime)
			.map((e) => rowOf(e, exec))
			.reverse();
		return await new Promise<IDataObject[]>((resolve, reject) => world.pending.push({ rows, resolve, reject }));
	},
}));

const rowOf = (e: Happened, exec: boolean): IDataObject =>
	exec
		? { category: e.category, symbol: 'BTCUSDT', execId: `x-${e.link}`, orderId: `o-${e.link}`, orderLinkId: e.link, side: 'Buy', execQty: '0.001', execPrice: '65000', execType: 'Trade', execTime: String(e.time) }
		: { category: e.category, symbol: 'BTCUSDT', orderId: `o-${e.link}`, orderLinkId: e.link, side: 'Buy', orderType: 'Market', orderStatus: 'Filled', qty: '0.001', cumExecQty: '0.001', updatedTime: String(e.time) };

interface Flow {
	category: string;
	/** What the workflow's last emit saved (n8n saves static data at every emit). */
	saved: { orders?: Mark; executions?: Mark };
	emitted: string[];
	book?: AccountBook;
	alive: { live: boolean };
}

interface Model {
	clock: number;
	connected: boolean;
	widest: number;
	/** Events at the clock's millisecond so far. */
	atClock: number;
	next: number;
}

interface Real {
	flows: Flow[];
	catchUp: CatchUp;
}

const EVENTS: AccountEvent[] = ['order', 'execution'];
const eventOf = (i: IDataObject) => `${i.execId ? 'x' : 'o'}:${String(i.orderLinkId)}`;
const tick = () => new Promise((r) => setImmediate(r));

/** Starts a workflow's trigger from what it saved, as account.ts does (a new process: a new seen-set). */
function activate(f: Flow, catchUp: CatchUp): void {
	const alive = { live: true };
	const marks = { order: markOf(f.saved.orders), execution: markOf(f.saved.executions) };
	const now = Date.now();
	const ledgers: Ledgers = { order: marks.order ? new Ledger(marks.order) : Ledger.fresh(now), execution: marks.execution ? new Ledger(marks.execution) : Ledger.fresh(now) };
	const seen = new SeenSet();
	for (const l of [ledgers.order!, ledgers.execution!]) for (const k of l.keyList()) seen.add(k);
	const persist = () => {
		if (ledgers.order!.dirty) f.saved.orders = JSON.parse(JSON.stringify(ledgers.order!.snapshot())) as Mark;
		if (ledgers.execution!.dirty) f.saved.executions = JSON.parse(JSON.stringify(ledgers.execution!.snapshot())) as Mark;
	};
	const emit = (items: IDataObject[]) => {
		if (!alive.live || !items.length) return;
		// persisted as a new plain object through JSON (n8n saves at every emit), then emitted
		persist();
		f.emitted.push(...items.map(eventOf));
	};
	const book = new AccountBook({
		events: EVENTS, categories: f.category ? [f.category] : CATEGORIES, ledgers, seen, filters: {}, raw: false, catchUp: true,
		live: () => alive.live, rest: {} as BybitContext, emit, warn: () => undefined,
	});
	f.book = book;
	f.alive = alive;
	if (marks.order || marks.execution) {
		book.hold();
		catchUp.request(book);
	}
	// n8n saves the static data once the activation has completed
	persist();
}

class Happen implements fc.AsyncCommand<Model, Real> {
	constructor(readonly n: number, readonly category: string, readonly dt: number) {}
	check = () => true;
	async run(m: Model, r: Real): Promise<void> {
		m.clock += this.dt;
		const batch = Array.from({ length: this.n }, (): Happened => ({ link: `l${m.next++}`, category: this.category, time: m.clock }));
		world.happened.push(...batch);
		// the most events sharing one millisecond (several happens can share it)
		m.atClock = this.dt === 0 ? m.atClock + this.n : this.n;
		m.widest = Math.max(m.widest, m.atClock);
		if (!m.connected) return;
		for (const f of r.flows) {
			if (f.category && f.category !== this.category) continue;
			const suffix = f.category ? `.${f.category}` : '';
			f.book!.onMessage({ topic: `order${suffix}`, creationTime: m.clock, data: batch.map((e) => rowOf(e, false)) } as never);
			f.book!.onMessage({ topic: `execution${suffix}`, creationTime: m.clock, data: batch.map((e) => rowOf(e, true)) } as never);
		}
	}
	toString = () => `happen(${this.n} ${this.category} at +${this.dt} ms)`;
}

class Drop implements fc.AsyncCommand<Model, Real> {
	check = (m: Readonly<Model>) => m.connected;
	async run(m: Model, r: Real): Promise<void> {
		m.connected = false;
		for (const f of r.flows) f.book!.hold();
	}
	toString = () => 'drop';
}

class Reconnect implements fc.AsyncCommand<Model, Real> {
	check = (m: Readonly<Model>) => !m.connected;
	async run(m: Model, r: Real): Promise<void> {
		m.connected = true;
		for (const f of r.flows) r.catchUp.request(f.book!);
		await tick();
	}
	toString = () => 'reconnect';
}

/** The oldest catch-up request is answered (or fails). */
class Answer implements fc.AsyncCommand<Model, Real> {
	constructor(readonly fail: boolean) {}
	check = () => true;
	async run(): Promise<void> {
		await tick();
		const p = world.pending.shift();
		if (this.fail) p?.reject(new Error('HTTP 500'));
		else p?.resolve(p.rows);
		await tick();
	}
	toString = () => (this.fail ? 'failAnswer' : 'answer');
}

/** n8n restarts: the workflows start again from what they saved; requests in flight answer to no one. */
class Restart implements fc.AsyncCommand<Model, Real> {
	check = () => true;
	async run(m: Model, r: Real): Promise<void> {
		for (const f of r.flows) f.alive.live = false;
		r.catchUp = new CatchUp(1);
		m.connected = true;
		for (const f of r.flows) activate(f, r.catchUp);
		await tick();
	}
	toString = () => 'restart';
}

const commands = [
	fc
		.tuple(fc.oneof({ weight: 5, arbitrary: fc.integer({ min: 1, max: 3 }) }, { weight: 2, arbitrary: fc.integer({ min: 4, max: 300 }) }, { weight: 1, arbitrary: fc.integer({ min: 301, max: 2600 }) }), fc.constantFrom('linear', 'linear', 'spot'), fc.constantFrom(0, 1, 2, 1_000, 4_999, 5_000, 6_000))
		.map(([n, c, dt]) => new Happen(n, c, dt)),
	fc.constant(new Drop()),
	fc.constant(new Reconnect()),
	fc.boolean().map((fail) => new Answer(fail)),
	fc.constant(new Answer(false)),
	fc.constant(new Restart()),
];

const RUNS = Number(process.env.BOOK_MODEL_RUNS ?? 3000);
jest.setTimeout(900_000);

it(`each event reaches each workflow exactly once, shared catch-up, drops and restarts (${RUNS} random sequences)`, async () => {
	const totals = { sequences: 0, commands: 0, events: 0, emitted: 0, maxKeys: 0 };
	await fc.assert(
		fc.asyncProperty(fc.array(fc.constantFrom('', 'linear', 'spot'), { minLength: 1, maxLength: 3 }), fc.commands(commands, { maxCommands: 25 }), async (categories, cmds) => {
			world.happened = [];
			world.pending = [];
			const real: Real = { flows: categories.map((category) => ({ category, saved: {}, emitted: [], alive: { live: true } })), catchUp: new CatchUp(1) };
			for (const f of real.flows) activate(f, real.catchUp);
			const model: Model = { clock: Date.now() + 1, connected: true, widest: 0, atClock: 0, next: 0 };
			await fc.asyncModelRun(() => ({ model, real }), cmds);
			// the connection comes back, every request is answered until nothing is pending
			if (!model.connected) await new Reconnect().run(model, real);
			for (let quiet = 0; quiet < 5; ) {
				await tick();
				const p = world.pending.shift();
				if (p) {
					p.resolve(p.rows);
					quiet = 0;
				} else {
					quiet++;
					await new Promise((res) => setTimeout(res, 2));
				}
			}
			for (const [i, f] of real.flows.entries()) {
				const want = world.happened.filter((e) => !f.category || e.category === f.category).flatMap((e) => [`x:${e.link}`, `o:${e.link}`]);
				const counts = new Map<string, number>();
				for (const k of f.emitted) counts.set(k, (counts.get(k) ?? 0) + 1);
				const missing = want.filter((k) => !counts.has(k));
				const doubled = [...counts].filter(([, n]) => n > 1).map(([k]) => k);
				const invented = [...counts.keys()].filter((k) => !want.includes(k));
				expect({ workflow: i, missing: missing.slice(0, 5), doubled: doubled.slice(0, 5), invented: invented.slice(0, 5) }).toEqual({ workflow: i, missing: [], doubled: [], invented: [] });
				// the bound, once no catch-up is due (what the next emit saves) ...
				const ledgers = [f.book!.ledgers.order!, f.book!.ledgers.execution!];
				expect(ledgers.map((l) => l.held)).toEqual([false, false]);
				const keys = Math.max(...ledgers.map((l) => l.size));
				totals.maxKeys = Math.max(totals.maxKeys, keys);
				expect(keys).toBeLessThanOrEqual(Math.max(MAX_LEDGER_KEYS, model.widest) + TRIM_SLACK);
				// ... and what was saved (possibly while a catch-up was due: then the keys since its floor) holds only events at or above its floor
				for (const mark of [f.saved.orders, f.saved.executions]) {
					const times = new Map(world.happened.map((e) => [e.link, e.time]));
					for (const [k, t] of Object.entries(mark?.keys ?? {})) expect([t >= mark!.floor, times.get(k.replace(/^x:x-|^o:o-/, '').split(':')[0]) === t]).toEqual([true, true]);
				}
				totals.emitted += f.emitted.length;
			}
			totals.sequences++;
			totals.commands += [...cmds].length;
			totals.events += world.happened.length * 2;
		}),
		{ numRuns: RUNS },
	);
	process.stdout.write(`book model: ${totals.sequences} sequences, ${totals.commands} commands, ${totals.events} events happened, ${totals.emitted} emitted to workflows, 0 lost, 0 doubled; persisted at most ${totals.maxKeys} keys a stream\n`);
});
