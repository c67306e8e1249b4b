/**
 * The exactly-once model of the account trigger, as fast-check commands
 * driving the real Bybit Trigger (harness/trigger.ts: the node's trigger(),
 * n8n-workflow's static data handling, the real credential) against the
 * sandbox's real sockets and REST.
 *
 * The model is what happened on the exchange: every order update and
 * execution the sandbox made (each burst order fills once: one Filled update
 * and one execution), stamped with a clock that only moves forward. What must
 * hold, checked by `settle()` once the faults are cleared and n8n runs: every
 * event that happened was emitted exactly once over all the trigger instances
 * (live or through catch-up), and nothing else was; the persisted ledger stays
 * within its bound.
 *
 * The commands are what the world does to the trigger: events (single fills,
 * and book sweeps of up to 1,000 fills sharing one millisecond, over several
 * messages and pages, across symbols and categories), time passing (past the
 * ledger's 5 s overlap), dropped sockets, n8n stopped and started again over
 * the saved static data (also in the middle of a sweep and of a catch-up), a
 * reactivation with two instances in one process, and slow or failing
 * catch-up answers.
 */
import fc from 'fast-check';
import type { IDataObject } from 'n8n-workflow';

import { MAX_LEDGER_KEYS } from '../../../nodes/BybitTrigger/ledger';
import { N8nStaticData, startTrigger, triggerCredentials, type TriggerRun } from '../../harness/trigger';
import { startSandbox, type Sandbox } from '../../sandbox';

export const PARAMS = { source: 'account', events: ['order', 'execution'], options: { catchUp: true } };
const CATCH_UP_PATHS = ['/v5/execution/list', '/v5/order/history'];
const MARKETS = [
	{ category: 'linear', symbol: 'BTCUSDT' },
	{ category: 'linear', symbol: 'ETHUSDT' },
	{ category: 'spot', symbol: 'BTCUSDT' },
	{ category: 'inverse', symbol: 'BTCUSD' },
] as const;

export interface Model {
	/** The exchange's clock for the events pushed (ms); only moves forward. */
	clock: number;
	/** Every event that happened, as `x:<orderLinkId>` (execution) or `o:<orderLinkId>` (order update). */
	happened: Set<string>;
	running: boolean;
	/** The most fills that shared one millisecond. */
	widestMs: number;
}

export interface Real {
	sandbox: Sandbox;
	/** The database of the n8n process now running (a reactivation copies it). */
	db: N8nStaticData;
	current?: TriggerRun;
	/** An activation under way: n8n goes on receiving events while a trigger activates and catches up. */
	starting?: Promise<void>;
	workflowId: string;
	runs: TriggerRun[];
	processes: number;
}

/** What an emitted item stands for in the model. */
export const eventOf = (i: IDataObject) => `${i.execId ? 'x' : 'o'}:${String(i.orderLinkId)}`;

/** Starts an instance; the activation (connect, subscribe, catch-up) goes on while later commands run. */
function start(r: Real): void {
	r.starting = startTrigger(PARAMS, triggerCredentials(r.sandbox), { n8n: r.db, workflowId: r.workflowId }).then((run) => {
		r.current = run;
		r.runs.push(run);
	});
}

/** The instance, once its activation has returned. */
async function activated(r: Real): Promise<TriggerRun | undefined> {
	await r.starting;
	return r.current;
}

/** Workflow ids are unique across sequences: one sequence's in-process state must not reach the next. */
let processNo = 0;

/** n8n stops (crash or restart): the instance ends; n8n saves nothing on close. */
async function stop(r: Real): Promise<void> {
	const run = await activated(r);
	r.current = undefined;
	await run?.response.closeFunction?.();
	// the next start is another process: nothing in memory carries over
	r.workflowId = `wf-model-${++processNo}`;
	r.processes++;
}

export class Push implements fc.AsyncCommand<Model, Real> {
	constructor(
		readonly count: number,
		readonly perMessage: number,
		readonly market: number,
		readonly after: number,
		/** Stop n8n while the burst is being sent (when it runs). */
		readonly stopMidway: boolean,
	) {}
	check = () => true;
	async run(m: Model, r: Real): Promise<void> {
		m.clock += this.after;
		const { category, symbol } = MARKETS[this.market];
		const sending = r.sandbox.control.pushBurst(this.count, { category, symbol, perMessage: this.perMessage, time: m.clock });
		if (this.stopMidway && m.running) {
			await stop(r);
			m.running = false;
		}
		const burst = await sending;
		for (let i = 0; i < burst.count; i++) {
			m.happened.add(`x:${burst.linkIdPrefix}${i}`);
			m.happened.add(`o:${burst.linkIdPrefix}${i}`);
		}
		m.widestMs = Math.max(m.widestMs, this.count);
	}
	toString = () => `push(${this.count}/${this.perMessage}, ${MARKETS[this.market].category}:${MARKETS[this.market].symbol}, +${this.after} ms${this.stopMidway ? ', stop midway' : ''})`;
}

/**
 * A book sweep: `count` fills stamped with one millisecond, in two messages,
 * and between them a drop, an n8n restart or a stop (n8n down for the rest).
 */
export class Sweep implements fc.AsyncCommand<Model, Real> {
	constructor(
		readonly count: number,
		readonly cut: number,
		readonly market: number,
		readonly between: 'drop' | 'restart' | 'stop' | 'nothing',
	) {}
	check = (m: Readonly<Model>) => m.running || this.between === 'nothing';
	async run(m: Model, r: Real): Promise<void> {
		m.clock += 1;
		const { category, symbol } = MARKETS[this.market];
		const send = async (n: number) => {
			const burst = await r.sandbox.control.pushBurst(n, { category, symbol, perMessage: n, time: m.clock });
			for (let i = 0; i < burst.count; i++) {
				m.happened.add(`x:${burst.linkIdPrefix}${i}`);
				m.happened.add(`o:${burst.linkIdPrefix}${i}`);
			}
		};
		await activated(r);
		await send(this.cut);
		// the first message reaches the trigger before anything else happens
		const first = m.happened.size;
		const end = Date.now() + 2000;
		while (this.between !== 'nothing' && m.running && Date.now() < end && r.runs.flatMap((run) => run.items()).length < first) await new Promise((res) => setTimeout(res, 5));
		if (this.between === 'drop') r.sandbox.control.dropAllSockets();
		if (this.between === 'restart' || this.between === 'stop') {
			await stop(r);
			m.running = false;
		}
		await send(this.count - this.cut);
		if (this.between === 'restart') {
			start(r);
			m.running = true;
		}
		m.widestMs = Math.max(m.widestMs, this.count);
	}
	toString = () => `sweep(${this.count} in one ms, ${this.between} after ${this.cut}, ${MARKETS[this.market].category}:${MARKETS[this.market].symbol})`;
}

export class Drop implements fc.AsyncCommand<Model, Real> {
	check = (m: Readonly<Model>) => m.running;
	async run(_m: Model, r: Real): Promise<void> {
		await activated(r);
		r.sandbox.control.dropAllSockets();
	}
	toString = () => 'drop';
}

export class Stop implements fc.AsyncCommand<Model, Real> {
	check = (m: Readonly<Model>) => m.running;
	async run(m: Model, r: Real): Promise<void> {
		await stop(r);
		m.running = false;
	}
	toString = () => 'stop';
}

export class Start implements fc.AsyncCommand<Model, Real> {
	check = (m: Readonly<Model>) => !m.running;
	async run(m: Model, r: Real): Promise<void> {
		start(r);
		m.running = true;
	}
	toString = () => 'start';
}

/** n8n starts the workflow's trigger again in the same process while the old instance still runs. */
export class Reactivate implements fc.AsyncCommand<Model, Real> {
	constructor(readonly closeOld: boolean) {}
	check = (m: Readonly<Model>) => m.running;
	async run(_m: Model, r: Real): Promise<void> {
		const old = await activated(r);
		r.db = new N8nStaticData(JSON.parse(r.db.db) as IDataObject);
		start(r);
		if (this.closeOld) await old?.response.closeFunction?.();
	}
	toString = () => `reactivate(${this.closeOld ? 'old closed' : 'old left open'})`;
}

/** The next catch-up answers are slow, or fail (HTTP 500), on both paths. */
export class CatchUpFault implements fc.AsyncCommand<Model, Real> {
	constructor(
		readonly kind: 'delay' | 'fail',
		readonly count: number,
		readonly ms: number,
	) {}
	check = () => true;
	async run(_m: Model, r: Real): Promise<void> {
		for (const path of CATCH_UP_PATHS) {
			if (this.kind === 'delay') r.sandbox.control.delayNext(this.count, this.ms, path);
			else r.sandbox.control.failNext(this.count, 500, path);
		}
	}
	toString = () => `${this.kind}CatchUp(${this.count}${this.kind === 'delay' ? `, ${this.ms} ms` : ''})`;
}

export class Wait implements fc.AsyncCommand<Model, Real> {
	constructor(readonly ms: number) {}
	check = () => true;
	async run(): Promise<void> {
		await new Promise((r) => setTimeout(r, this.ms));
	}
	toString = () => `wait(${this.ms} ms)`;
}

const count = fc.oneof(
	{ weight: 6, arbitrary: fc.integer({ min: 1, max: 3 }) },
	{ weight: 3, arbitrary: fc.integer({ min: 4, max: 150 }) },
	{ weight: 1, arbitrary: fc.integer({ min: 151, max: 1000 }) },
);

export const commands = [
	fc
		.tuple(count, fc.integer({ min: 1, max: 400 }), fc.nat(MARKETS.length - 1), fc.constantFrom(0, 1, 3, 2_000, 6_000), fc.boolean())
		.map(([n, per, market, after, midway]) => new Push(n, Math.min(n, per), market, after, midway && n > per)),
	fc
		.tuple(fc.integer({ min: 2, max: 1000 }), fc.nat(), fc.nat(MARKETS.length - 1), fc.constantFrom<Sweep['between']>('drop', 'restart', 'stop', 'nothing'))
		.map(([n, cut, market, between]) => new Sweep(n, 1 + (cut % (n - 1)), market, between)),
	fc.constant(new Drop()),
	fc.constant(new Stop()),
	fc.constant(new Start()),
	fc.boolean().map((closeOld) => new Reactivate(closeOld)),
	fc.tuple(fc.constantFrom<'delay' | 'fail'>('delay', 'delay', 'fail'), fc.integer({ min: 1, max: 2 }), fc.integer({ min: 50, max: 1500 })).map(([k, n, ms]) => new CatchUpFault(k, n, ms)),
	fc.integer({ min: 0, max: 300 }).map((ms) => new Wait(ms)),
];

export async function setup(): Promise<{ model: Model; real: Real }> {
	const sandbox = await startSandbox({ port: 0, rateLimits: false });
	const real: Real = { sandbox, db: new N8nStaticData(), workflowId: `wf-model-${++processNo}`, runs: [], processes: 1 };
	start(real);
	await activated(real);
	// events happen after the activation's millisecond
	const model: Model = { clock: Date.now() + 2, happened: new Set(), running: true, widestMs: 0 };
	return { model, real };
}

export interface Verdict {
	emitted: number;
	missing: string[];
	duplicated: string[];
	invented: string[];
	savedKeys: number;
	savedBytes: number;
}

/**
 * Faults cleared and n8n running: waits until every event that happened was
 * emitted (or `timeoutMs` passed), then a moment for late duplicates, and
 * compares with the model.
 */
export async function settle(m: Model, r: Real, timeoutMs = 10_000): Promise<Verdict> {
	r.sandbox.control.clearFaults();
	if (!m.running) {
		start(r);
		m.running = true;
	}
	await activated(r);
	const emitted = () => r.runs.flatMap((run) => run.items()).map(eventOf);
	const end = Date.now() + timeoutMs;
	while (Date.now() < end && !(new Set(emitted()).size >= m.happened.size && [...m.happened].every((k) => emitted().includes(k)))) {
		await new Promise((res) => setTimeout(res, 25));
	}
	await new Promise((res) => setTimeout(res, 150));
	const all = emitted();
	const times = new Map<string, number>();
	for (const k of all) times.set(k, (times.get(k) ?? 0) + 1);
	const saved = r.db.saved();
	const keysOf = (name: string) => Object.keys(((saved[name] as IDataObject | undefined)?.keys as IDataObject | undefined) ?? {}).length;
	return {
		emitted: all.length,
		missing: [...m.happened].filter((k) => !times.has(k)),
		duplicated: [...times].filter(([, n]) => n > 1).map(([k]) => k),
		invented: [...times.keys()].filter((k) => !m.happened.has(k)),
		savedKeys: Math.max(keysOf('executions'), keysOf('orders')),
		savedBytes: JSON.stringify(saved).length,
	};
}

/** The persisted bound (ledger.ts): per stream at most MAX_LEDGER_KEYS keys, an eighth more between trims, or the newest millisecond's. */
export const keyBound = (m: Model) => Math.max(Math.ceil(MAX_LEDGER_KEYS * 1.125), m.widestMs);

export async function teardown(r: Real): Promise<void> {
	for (const run of r.runs) await run.response.closeFunction?.();
	await r.sandbox.close();
}
