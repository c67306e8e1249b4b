/**
 * The exactly-once model of the account trigger, as fast-check commands
 * driving the real Bybit Trigger (harness/trigger.ts: the node's trigger(),
 * n8n-workflow's static data handling, the real credential) against the
 * sandbox's real sockets and REST.
 *
 * The model is what happened on the exchange: every order update and
 * execution the sandbox made (each burst order fills once: one Filled update
 * and one execution), stamped with a clock that only moves forward. One to
 * three workflows listen on the same key (so on one shared connection), each
 * to all categories or to linear only. What must hold, checked by `settle()`
 * once the faults are cleared and n8n runs: for every workflow, every event of
 * its categories that happened was emitted exactly once over all its trigger
 * instances (live or through catch-up), and nothing else was; each persisted
 * ledger stays within its bound.
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

import { MAX_LEDGER_KEYS, TRIM_SLACK } from '../../../nodes/BybitTrigger/ledger';
import { N8nStaticData, startTrigger, triggerCredentials, type TriggerRun } from '../../harness/trigger';
import { startSandbox, type Sandbox } from '../../sandbox';

const paramsOf = (category: string) => ({ source: 'account', events: ['order', 'execution'], category, options: { catchUp: true } });
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
	/** Every event that happened, as `x:<orderLinkId>` (execution) or `o:<orderLinkId>` (order update), with its category. */
	happened: Map<string, string>;
	running: boolean;
	/** The most fills that shared one millisecond. */
	widestMs: number;
	/** Fills at the clock's millisecond so far. */
	atClock: number;
}

/** One workflow with a Bybit Trigger on the shared key. */
export interface Flow {
	/** '' (all categories) or one category. */
	category: string;
	/** The workflow's static data in the database of the n8n process now running (a reactivation copies it). */
	db: N8nStaticData;
	current?: TriggerRun;
	/** An activation under way: n8n goes on receiving events while a trigger activates and catches up. */
	starting?: Promise<void>;
	workflowId: string;
	runs: TriggerRun[];
}

export interface Real {
	sandbox: Sandbox;
	flows: Flow[];
}

/** What an emitted item stands for in the model. */
export const eventOf = (i: IDataObject) => `${i.execId ? 'x' : 'o'}:${String(i.orderLinkId)}`;

/** Workflow ids are unique across sequences and processes: in-process state must not reach the next. */
let processNo = 0;

/** Starts a workflow's trigger; the activation (connect, subscribe, catch-up) goes on while later commands run. */
function startFlow(r: Real, f: Flow): void {
	f.starting = startTrigger(paramsOf(f.category), triggerCredentials(r.sandbox), { n8n: f.db, workflowId: f.workflowId }).then((run) => {
		f.current = run;
		f.runs.push(run);
	});
}

/** n8n starts: every workflow's trigger activates. */
function start(r: Real): void {
	for (const f of r.flows) startFlow(r, f);
}

/** The workflow's instance, once its activation has returned. */
async function activated(f: Flow): Promise<TriggerRun | undefined> {
	await f.starting;
	return f.current;
}

/** n8n stops (crash or restart): every instance ends; n8n saves nothing on close. */
async function stop(r: Real): Promise<void> {
	processNo++;
	for (const f of r.flows) {
		const run = await activated(f);
		f.current = undefined;
		await run?.response.closeFunction?.();
		// the next start is another process: nothing in memory carries over
		f.workflowId = `wf-model-${processNo}-${r.flows.indexOf(f)}`;
	}
}

/** Every workflow's activation has returned (all of them awaited, so that none fails unobserved). */
const allActivated = async (r: Real) => {
	const results = await Promise.allSettled(r.flows.map((f) => activated(f)));
	const failed = results.find((x): x is PromiseRejectedResult => x.status === 'rejected');
	if (failed) throw failed.reason;
};

/** Records a burst's events in the model. */
function happened(m: Model, burst: { count: number; linkIdPrefix: string }, category: string): void {
	for (let i = 0; i < burst.count; i++) {
		m.happened.set(`x:${burst.linkIdPrefix}${i}`, category);
		m.happened.set(`o:${burst.linkIdPrefix}${i}`, category);
	}
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
		happened(m, await sending, category);
		// the most fills sharing one millisecond (several pushes can share it)
		m.atClock = this.after === 0 ? m.atClock + this.count : this.count;
		m.widestMs = Math.max(m.widestMs, m.atClock);
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
		const send = async (n: number) => happened(m, await r.sandbox.control.pushBurst(n, { category, symbol, perMessage: n, time: m.clock }), category);
		await allActivated(r);
		await send(this.cut);
		// the first message reaches the triggers before anything else happens
		const end = Date.now() + 2000;
		const arrived = () => r.flows.every((f) => f.runs.flatMap((run) => run.items()).length >= expected(m, f).length);
		while (this.between !== 'nothing' && m.running && Date.now() < end && !arrived()) await new Promise((res) => setTimeout(res, 5));
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
		m.atClock = this.count;
		m.widestMs = Math.max(m.widestMs, this.count);
	}
	toString = () => `sweep(${this.count} in one ms, ${this.between} after ${this.cut}, ${MARKETS[this.market].category}:${MARKETS[this.market].symbol})`;
}

export class Drop implements fc.AsyncCommand<Model, Real> {
	check = (m: Readonly<Model>) => m.running;
	async run(_m: Model, r: Real): Promise<void> {
		await allActivated(r);
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

/** n8n starts a workflow's trigger again in the same process while the old instance still runs. */
export class Reactivate implements fc.AsyncCommand<Model, Real> {
	constructor(
		readonly closeOld: boolean,
		readonly flow: number,
	) {}
	check = (m: Readonly<Model>) => m.running;
	async run(_m: Model, r: Real): Promise<void> {
		const f = r.flows[this.flow % r.flows.length];
		const old = await activated(f);
		f.db = new N8nStaticData(JSON.parse(f.db.db) as IDataObject);
		startFlow(r, f);
		if (this.closeOld) await old?.response.closeFunction?.();
	}
	toString = () => `reactivate(workflow ${this.flow}, ${this.closeOld ? 'old closed' : 'old left open'})`;
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
	fc.tuple(fc.boolean(), fc.nat(2)).map(([closeOld, flow]) => new Reactivate(closeOld, flow)),
	fc.tuple(fc.constantFrom<'delay' | 'fail'>('delay', 'delay', 'fail'), fc.integer({ min: 1, max: 2 }), fc.integer({ min: 50, max: 1500 })).map(([k, n, ms]) => new CatchUpFault(k, n, ms)),
	fc.integer({ min: 0, max: 300 }).map((ms) => new Wait(ms)),
];

/** A fresh sandbox and n8n process with one workflow per entry of `categories`, all on the sandbox's key. */
export async function setup(categories: string[] = ['']): Promise<{ model: Model; real: Real }> {
	const sandbox = await startSandbox({ port: 0, rateLimits: false });
	processNo++;
	const flows = categories.map((category, i): Flow => ({ category, db: new N8nStaticData(), workflowId: `wf-model-${processNo}-${i}`, runs: [] }));
	const real: Real = { sandbox, flows };
	start(real);
	try {
		await allActivated(real);
	} catch (error) {
		await teardown(real);
		throw error;
	}
	// events happen after the activation's millisecond
	const model: Model = { clock: Date.now() + 2, happened: new Map(), running: true, widestMs: 0, atClock: 0 };
	return { model, real };
}

/** The events a workflow must emit: those of its category. */
export const expected = (m: Model, f: Flow) => [...m.happened].filter(([, category]) => !f.category || category === f.category).map(([k]) => k);

export interface Verdict {
	emitted: number;
	expected: number;
	missing: string[];
	duplicated: string[];
	invented: string[];
	savedKeys: number;
	savedBytes: number;
}

/**
 * Faults cleared and n8n running: waits until every workflow emitted every
 * event of its categories that happened (or `timeoutMs` passed: a bound on a hang, generous for a
 * busy machine, free when all arrive), then a moment
 * for late duplicates, and compares each workflow with the model.
 */
export async function settle(m: Model, r: Real, timeoutMs = 30_000): Promise<Verdict> {
	r.sandbox.control.clearFaults();
	if (!m.running) {
		start(r);
		m.running = true;
	}
	await allActivated(r);
	const emitted = (f: Flow) => f.runs.flatMap((run) => run.items()).map(eventOf);
	const done = () => r.flows.every((f) => new Set(emitted(f)).size >= expected(m, f).length && expected(m, f).every((k) => emitted(f).includes(k)));
	const end = Date.now() + timeoutMs;
	while (Date.now() < end && !done()) await new Promise((res) => setTimeout(res, 25));
	await new Promise((res) => setTimeout(res, 150));
	const verdict: Verdict = { emitted: 0, expected: 0, missing: [], duplicated: [], invented: [], savedKeys: 0, savedBytes: 0 };
	for (const [i, f] of r.flows.entries()) {
		const all = emitted(f);
		const want = new Set(expected(m, f));
		const times = new Map<string, number>();
		for (const k of all) times.set(k, (times.get(k) ?? 0) + 1);
		const saved = f.db.saved();
		const keysOf = (name: string) => Object.keys(((saved[name] as IDataObject | undefined)?.keys as IDataObject | undefined) ?? {}).length;
		verdict.emitted += all.length;
		verdict.expected += want.size;
		verdict.missing.push(...[...want].filter((k) => !times.has(k)).map((k) => `workflow ${i}: ${k}`));
		verdict.duplicated.push(...[...times].filter(([, n]) => n > 1).map(([k]) => `workflow ${i}: ${k}`));
		verdict.invented.push(...[...times.keys()].filter((k) => !want.has(k)).map((k) => `workflow ${i}: ${k}`));
		verdict.savedKeys = Math.max(verdict.savedKeys, keysOf('executions'), keysOf('orders'));
		verdict.savedBytes = Math.max(verdict.savedBytes, JSON.stringify(saved).length);
	}
	return verdict;
}

/** The persisted bound (ledger.ts): per stream MAX_LEDGER_KEYS keys, or the newest millisecond's if more, and TRIM_SLACK added before the next trim. */
export const keyBound = (m: Model) => Math.max(MAX_LEDGER_KEYS, m.widestMs) + TRIM_SLACK;

export async function teardown(r: Real): Promise<void> {
	for (const f of r.flows) {
		// an activation that never ends is the failure being reported: do not wait for it for ever
		await Promise.race([f.starting?.catch(() => undefined), new Promise((res) => setTimeout(res, 5_000))]);
		for (const run of f.runs) await Promise.race([run.response.closeFunction?.(), new Promise((res) => setTimeout(res, 5_000))]);
	}
	await r.sandbox.close();
}
