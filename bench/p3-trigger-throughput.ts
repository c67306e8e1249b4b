/**
 * P3 trigger throughput: the sandbox (own process) pushes private execution
 * events as fast as it can; the Bybit Trigger (parse, dedupe, filter,
 * normalise, emit) and, as the baseline in the same run, a bare WebSocket
 * client that only JSON-parses and counts, each receive the same burst.
 * Prints events/s (and the ratio to the baseline), send -> emit latency
 * p50/p99 at a paced rate, and the memory kept after the burst (after GC).
 *
 * Every measurement runs in a fresh process of its own (and its own sandbox
 * process), so what one client left in the heap or in RSS does not count for
 * the next. Memory is measured after GC, in two steps. After ordinary full
 * GCs, RSS still holds pages V8 is done with: its young generation, which it
 * grows under a high allocation rate (semi-spaces up to 64 MB with Node 24's
 * default heap limit here), and its pool of freed pages kept for reuse (tens
 * of MB after a 200,000-event burst, varying from run to run; `--trace-gc`
 * prints it as "pooled"). V8's memory reducer returns both about 8 s after
 * the allocation rate falls (`--trace-memory-reducer`), with a
 * memory-reducing GC; the figures are taken after one such GC, forced, so
 * they count what the code keeps. P3_IDLE_MS=20000 waits that long before
 * each measurement, so that V8's own reducer has run first (RSS after
 * ordinary GC is then as low as after the forced one).
 *
 *   npm run bench -- P3        (P3_EVENTS=200000 for a shorter run)
 */
import { fork, type ChildProcess } from 'child_process';
import { join } from 'path';
import { getHeapSpaceStatistics, setFlagsFromString } from 'v8';
import { runInNewContext } from 'vm';

import type { IDataObject, INode, INodeExecutionData, ITriggerFunctions } from 'n8n-workflow';

import { wsAuthArgs } from '../credentials/common/bybit/signing';
import { BybitTrigger } from '../nodes/BybitTrigger/BybitTrigger.node';
import { makeHttpRequestWithAuthentication } from '../test/harness/http';
import { percentile, type Figure } from './stats';

const EVENTS = Number(process.env.P3_EVENTS ?? 1_000_000);
const PACED = 2_000;
const PACED_RATE = 20_000;

interface Ready {
	restUrl: string;
	wsUrl: string;
	key: { apiKey: string; secret: string };
}
interface Done {
	burstNo: number;
	durationMs: number;
	sentAt?: number[];
}

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as (options?: { type: 'major'; execution: 'sync'; flavor: 'regular' | 'last-resort' }) => void;
const now = () => performance.timeOrigin + performance.now();

type Burst = (n: number, opts?: { wantTimes?: boolean; rate?: number }) => Promise<Done>;

function startChild(): Promise<{ child: ChildProcess; ready: Ready; burst: Burst }> {
	const child = fork(join(__dirname, 'p3-sandbox-child.ts'), [], { execArgv: ['-r', 'ts-node/register/transpile-only'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
	let waiting: ((d: Done) => void) | undefined;
	return new Promise((resolve, reject) => {
		child.once('error', reject);
		child.on('message', (m: Ready & Done & { ready?: boolean; done?: boolean }) => {
			if (m.ready) {
				resolve({
					child,
					ready: m,
					burst: (n, opts = {}) =>
						new Promise<Done>((r) => {
							waiting = r;
							child.send({ burst: n, ...opts });
						}),
				});
			} else if (m.done) waiting?.(m);
		});
	});
}

let emits = 0;

/** The Bybit Trigger with an emit that counts (and timestamps) instead of keeping items. */
async function startNodeClient(ready: Ready, onItem: (item: IDataObject, at: number) => void, catchUp: boolean) {
	const credentials = { environment: 'custom', baseUrl: ready.restUrl, wsBaseUrl: ready.wsUrl, signatureMethod: 'hmac', apiKey: ready.key.apiKey, apiSecret: ready.key.secret, recvWindow: 5000 };
	const params: IDataObject = { source: 'account', events: ['execution'], filters: { symbols: 'BTCUSDT' }, options: { catchUp } };
	const node: INode = { id: 'p3', name: 'Bybit Trigger', type: 'n8n-nodes-bybit.bybitTrigger', typeVersion: 1, position: [0, 0], parameters: {} };
	const ctx = {
		getNode: () => node,
		getMode: () => 'trigger',
		getCredentials: async () => credentials,
		getNodeParameter: (name: string, fallback?: unknown) => (name in params ? params[name] : fallback),
		getWorkflowStaticData: () => ({}),
		emit: (data: INodeExecutionData[][]) => {
			const at = now();
			emits++;
			for (const d of data[0]) onItem(d.json, at);
		},
		emitError: (error: Error) => {
			throw error;
		},
		logger: { warn: () => undefined, info: () => undefined, debug: () => undefined, error: () => undefined },
		helpers: {
			returnJsonArray: (data: IDataObject | IDataObject[]) => (Array.isArray(data) ? data : [data]).map((json) => ({ json })),
			httpRequestWithAuthentication: makeHttpRequestWithAuthentication(credentials),
		},
	} as unknown as ITriggerFunctions;
	return await new BybitTrigger().trigger.call(ctx);
}

/** Baseline: authenticate, subscribe, JSON.parse every message, count its entries. */
async function startBareClient(ready: Ready, onEntry: (entry: IDataObject, at: number) => void): Promise<{ close: () => void }> {
	const ws = new WebSocket(`${ready.wsUrl}/v5/private`);
	await new Promise<void>((resolve, reject) => {
		ws.onerror = () => reject(new Error('bare client: connection failed'));
		ws.onopen = () => ws.send(JSON.stringify({ op: 'auth', args: wsAuthArgs({ ...ready.key, signatureMethod: 'hmac' }, Date.now() + 10_000) }));
		ws.onmessage = (e) => {
			const m = JSON.parse(String(e.data));
			if (m.op === 'auth') ws.send(JSON.stringify({ op: 'subscribe', args: ['execution'] }));
			if (m.op === 'subscribe') resolve();
		};
	});
	ws.onmessage = (e) => {
		const at = now();
		const m = JSON.parse(String(e.data));
		if (Array.isArray(m.data)) for (const entry of m.data) onEntry(entry, at);
	};
	return { close: () => ws.close(1000) };
}

async function until(predicate: () => boolean, timeoutMs: number, what: string): Promise<void> {
	const end = Date.now() + timeoutMs;
	while (!predicate()) {
		if (Date.now() > end) throw new Error(`P3: timed out waiting for ${what}`);
		await new Promise((r) => setTimeout(r, 5));
	}
}

interface Memory {
	/** RSS after a memory-reducing GC. */
	rss: number;
	/** RSS after ordinary full GCs (V8's young generation and page pool not yet returned); read, not compared. */
	rssGc: number;
	heap: number;
	/** Resident pages of V8's spaces: young generation; old generation (old, code, trusted spaces); large objects. */
	young: number;
	old: number;
	large: number;
	/** RSS outside V8's spaces: malloc (Buffers, the runtime's own), stacks, the binary's code. */
	outside: number;
}

/** After GC, in MB. */
function memory(): Memory {
	gc();
	gc();
	const rssGc = process.memoryUsage().rss / 2 ** 20;
	gc({ type: 'major', execution: 'sync', flavor: 'last-resort' });
	const m = process.memoryUsage();
	const spaces = getHeapSpaceStatistics();
	const resident = (match: (name: string) => boolean) => spaces.filter((s) => match(s.space_name)).reduce((sum, s) => sum + s.physical_space_size, 0) / 2 ** 20;
	const young = resident((n) => n.startsWith('new_'));
	const large = resident((n) => !n.startsWith('new_') && n.endsWith('large_object_space'));
	const old = resident((n) => !n.startsWith('new_') && !n.endsWith('large_object_space'));
	const rss = m.rss / 2 ** 20;
	return { rss, rssGc, heap: m.heapUsed / 2 ** 20, young, old, large, outside: rss - young - old - large };
}

const growth = (a: Memory, b: Memory) => Object.fromEntries(Object.keys(a).map((k) => [k, b[k as keyof Memory] - a[k as keyof Memory]])) as unknown as Memory;

/** P3_IDLE_MS: a wait before each measurement (see above). */
const idle = () => new Promise((r) => setTimeout(r, Number(process.env.P3_IDLE_MS ?? 0)));

interface Job {
	kind: 'node' | 'bare';
	/** Paced at PACED_RATE (P3d) instead of warm-up, latency phase and full-speed bursts. */
	paced?: boolean;
	catchUp?: boolean;
	/** Node flags of the measuring process. */
	flags?: string[];
}

interface ClientFigures {
	eventsPerSecond: number;
	p50: number;
	p99: number;
	/** Over the first burst of EVENTS (full speed, or paced). */
	grown: Memory;
	/** Heap growth over a second burst of EVENTS at full speed (what is kept per event, not once). */
	heapSecondMb: number;
	/** Emits per event (node client). */
	emitsPerEvent: number;
	/** RSS the memory-reducing GC returned after the first burst (young generation, pooled pages). */
	returnedMb: number;
}

async function measure(job: Job, ready: Ready, burst: Burst): Promise<ClientFigures> {
	let count = 0;
	let last = 0;
	const arrivals = new Map<string, number>();
	let tracking = false;
	const on = (entry: IDataObject, at: number) => {
		count++;
		last = at;
		if (tracking) arrivals.set(String(entry.orderLinkId), at);
	};
	const client = job.kind === 'node' ? await startNodeClient(ready, on, job.catchUp === true) : await startBareClient(ready, on);
	try {
		let target = 5_000;
		await burst(5_000);
		await until(() => count >= target, 60_000, 'warm-up');
		if (job.paced) {
			await idle();
			const before = memory();
			target += EVENTS;
			await burst(EVENTS, { rate: PACED_RATE });
			await until(() => count >= target, 600_000, `${EVENTS} paced events`);
			await idle();
			const after = memory();
			return { eventsPerSecond: 0, p50: 0, p99: 0, grown: growth(before, after), heapSecondMb: 0, emitsPerEvent: 0, returnedMb: after.rssGc - after.rss };
		}
		// the paced latency phase: one event at a time
		tracking = true;
		const latencies: number[] = [];
		for (let i = 0; i < PACED; i++) {
			const done = await burst(1, { wantTimes: true });
			target += 1;
			await until(() => count >= target, 10_000, 'a paced event');
			latencies.push(arrivals.get(`burst-${done.burstNo}-0`)! - done.sentAt![0]);
		}
		tracking = false;
		arrivals.clear();
		await idle();
		const before = memory();
		const emitsBefore = emits;
		const start = now();
		target += EVENTS;
		await burst(EVENTS);
		await until(() => count >= target, 600_000, `${EVENTS} events`);
		const seconds = (last - start) / 1000;
		const emitsPerEvent = (emits - emitsBefore) / EVENTS;
		await idle();
		const after = memory();
		target += EVENTS;
		await burst(EVENTS);
		await until(() => count >= target, 600_000, `${EVENTS} more events`);
		await idle();
		return {
			eventsPerSecond: EVENTS / seconds,
			p50: percentile(latencies, 50),
			p99: percentile(latencies, 99),
			grown: growth(before, after),
			heapSecondMb: memory().heap - after.heap,
			emitsPerEvent,
			returnedMb: after.rssGc - after.rss,
		};
	} finally {
		if ('closeFunction' in client) await client.closeFunction?.();
		else (client as { close: () => void }).close();
	}
}

/** One measurement in this (fresh) process, with a sandbox process of its own. */
async function measureHere(job: Job): Promise<ClientFigures> {
	const { child, ready, burst } = await startChild();
	try {
		return await measure(job, ready, burst);
	} finally {
		child.send({ close: true });
	}
}

/** Runs a measurement in a fresh process. */
function inFreshProcess(job: Job): Promise<ClientFigures> {
	const child = fork(__filename, [], {
		execArgv: ['-r', 'ts-node/register/transpile-only', ...(job.flags ?? [])],
		env: { ...process.env, P3_JOB: JSON.stringify(job), TS_NODE_PREFER_TS_EXTS: 'true' },
		stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
	});
	return new Promise((resolve, reject) => {
		child.once('error', reject);
		child.once('message', (m: { figures?: ClientFigures; error?: string }) => (m.figures ? resolve(m.figures) : reject(new Error(m.error))));
		child.once('exit', (code) => reject(new Error(`P3: a measuring process exited (${code}) without figures`)));
	});
}

if (process.env.P3_JOB && process.send) {
	const job = JSON.parse(process.env.P3_JOB) as Job;
	void measureHere(job).then(
		(figures) => process.send!({ figures }, () => process.exit(0)),
		(error: Error) => process.send!({ error: error.message }, () => process.exit(1)),
	);
}

export async function run(): Promise<Figure[]> {
	if (typeof WebSocket !== 'function') throw new Error(`P3 needs the global WebSocket (Node 22+); this is Node ${process.versions.node}`);
	const bare = await inFreshProcess({ kind: 'bare' });
	const node = await inFreshProcess({ kind: 'node' });
	const nodeCatchUp = await inFreshProcess({ kind: 'node', catchUp: true });
	const paced = await inFreshProcess({ kind: 'node', paced: true, catchUp: true });
	const ratio = node.eventsPerSecond / bare.eventsPerSecond;
	const k = (n: number) => `${Math.round(n).toLocaleString('en-US')}/s`;
	const mb = (n: number) => `${n >= 0 ? '+' : ''}${n.toFixed(1)} MB`;
	const parts = (f: ClientFigures) =>
		`RSS ${mb(f.grown.rss)} (V8 old generation ${mb(f.grown.old)}, large objects ${mb(f.grown.large)}, young generation ${mb(f.grown.young)}, outside V8's spaces ${mb(f.grown.outside)}), heap ${mb(f.grown.heap)}; the memory-reducing GC returned ${f.returnedMb.toFixed(1)} MB`;
	const n = EVENTS.toLocaleString('en-US');
	return [
		{ id: 'P3a', name: `trigger throughput, ${n} execution events`, value: k(node.eventsPerSecond), target: '>= 20,000/s', met: node.eventsPerSecond >= 20_000, note: `${ratio.toFixed(2)}x a bare parse-and-count client (${k(bare.eventsPerSecond)}); catch-up on (the default): ${k(nodeCatchUp.eventsPerSecond)}; ${node.emitsPerEvent.toFixed(3)} emits per event` },
		{ id: 'P3b', name: 'send -> emit latency p50 / p99 (paced)', value: `${node.p50.toFixed(2)} / ${node.p99.toFixed(2)} ms`, target: 'p99 <= 2 ms', met: node.p99 <= 2, note: `bare client ${bare.p50.toFixed(2)} / ${bare.p99.toFixed(2)} ms` },
		{
			id: 'P3c',
			name: `memory kept over ${n} events at full speed (after a memory-reducing GC): JS heap; RSS`,
			value: `${mb(nodeCatchUp.grown.heap)}; ${mb(nodeCatchUp.grown.rss)} (catch-up off: ${mb(node.grown.heap)}; ${mb(node.grown.rss)})`,
			target: '<= 10 MB each',
			met: Math.max(node.grown.heap, node.grown.rss, nodeCatchUp.grown.heap, nodeCatchUp.grown.rss) <= 10,
			note: `catch-up on (the default): ${parts(nodeCatchUp)}, heap over a second ${n}: ${mb(nodeCatchUp.heapSecondMb)}; catch-up off: ${parts(node)}, heap over a second ${n}: ${mb(node.heapSecondMb)}; bare client: ${parts(bare)}`,
		},
		{
			id: 'P3d',
			name: `memory kept over ${n} events at ${PACED_RATE.toLocaleString('en-US')}/s (after a memory-reducing GC): JS heap; RSS`,
			value: `${mb(paced.grown.heap)}; ${mb(paced.grown.rss)}`,
			target: '<= 10 MB each',
			met: paced.grown.heap <= 10 && paced.grown.rss <= 10,
			note: `catch-up on: ${parts(paced)}`,
		},
	];
}
