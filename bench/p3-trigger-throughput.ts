/**
 * P3 trigger throughput: the sandbox (own process) pushes private execution
 * events as fast as it can; the Bybit Trigger (parse, dedupe, filter,
 * normalise, emit) and, as the baseline in the same run, a bare WebSocket
 * client that only JSON-parses and counts, each receive the same burst.
 * Prints events/s (and the ratio to the baseline), send -> emit latency
 * p50/p99 at a paced rate, and RSS before/after 1M events (after GC).
 *
 *   npm run bench -- P3        (P3_EVENTS=200000 for a shorter run)
 */
import { fork, type ChildProcess } from 'child_process';
import { join } from 'path';
import { setFlagsFromString } from 'v8';
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
const gc = runInNewContext('gc') as () => void;
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

/** The Bybit Trigger with an emit that counts (and timestamps) instead of keeping items. */
async function startNodeClient(ready: Ready, onItem: (item: IDataObject, at: number) => void) {
	const credentials = { environment: 'custom', baseUrl: ready.restUrl, wsBaseUrl: ready.wsUrl, signatureMethod: 'hmac', apiKey: ready.key.apiKey, apiSecret: ready.key.secret, recvWindow: 5000 };
	const params: IDataObject = { source: 'account', events: ['execution'], filters: { symbols: 'BTCUSDT' }, options: { catchUp: false } };
	const node: INode = { id: 'p3', name: 'Bybit Trigger', type: 'n8n-nodes-bybit.bybitTrigger', typeVersion: 1, position: [0, 0], parameters: {} };
	const ctx = {
		getNode: () => node,
		getMode: () => 'trigger',
		getCredentials: async () => credentials,
		getNodeParameter: (name: string, fallback?: unknown) => (name in params ? params[name] : fallback),
		getWorkflowStaticData: () => ({}),
		emit: (data: INodeExecutionData[][]) => {
			const at = now();
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

interface ClientFigures {
	eventsPerSecond: number;
	p50: number;
	p99: number;
	rssBeforeMb: number;
	rssAfterMb: number;
	heapGrowthMb: number;
	/** RSS growth over EVENTS delivered at PACED_RATE (the target rate), measured in a fresh feed. */
	pacedRssGrowthMb?: number;
}

async function measure(kind: 'node' | 'bare', ready: Ready, burst: Burst, paced = false): Promise<ClientFigures> {
	let count = 0;
	let last = 0;
	const arrivals = new Map<string, number>();
	let tracking = false;
	const on = (entry: IDataObject, at: number) => {
		count++;
		last = at;
		if (tracking) arrivals.set(String(entry.orderLinkId), at);
	};
	const client = kind === 'node' ? await startNodeClient(ready, on) : await startBareClient(ready, on);
	try {
		if (paced) {
			await burst(5_000);
			await until(() => count >= 5_000, 60_000, 'warm-up');
			gc();
			const before = process.memoryUsage().rss;
			await burst(EVENTS, { rate: PACED_RATE });
			await until(() => count >= 5_000 + EVENTS, 600_000, `${EVENTS} paced events`);
			gc();
			return { eventsPerSecond: 0, p50: 0, p99: 0, rssBeforeMb: 0, rssAfterMb: 0, heapGrowthMb: 0, pacedRssGrowthMb: (process.memoryUsage().rss - before) / 2 ** 20 };
		}
		// warm-up, then the paced latency phase: one event at a time
		let target = 5_000;
		await burst(5_000);
		await until(() => count >= target, 60_000, 'warm-up');
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
		gc();
		const rssBefore = process.memoryUsage().rss;
		const heapBefore = process.memoryUsage().heapUsed;
		const start = now();
		target += EVENTS;
		await burst(EVENTS);
		await until(() => count >= target, 600_000, `${EVENTS} events`);
		const seconds = (last - start) / 1000;
		gc();
		const rssAfter = process.memoryUsage().rss;
		const heapGrowthMb = (process.memoryUsage().heapUsed - heapBefore) / 2 ** 20;
		return {
			eventsPerSecond: EVENTS / seconds,
			p50: percentile(latencies, 50),
			p99: percentile(latencies, 99),
			rssBeforeMb: rssBefore / 2 ** 20,
			rssAfterMb: rssAfter / 2 ** 20,
			heapGrowthMb,
		};
	} finally {
		if ('closeFunction' in client) await client.closeFunction?.();
		else (client as { close: () => void }).close();
	}
}

export async function run(): Promise<Figure[]> {
	if (typeof WebSocket !== 'function') throw new Error(`P3 needs the global WebSocket (Node 22+); this is Node ${process.versions.node}`);
	const results: Partial<Record<'node' | 'bare', ClientFigures>> = {};
	for (const kind of ['bare', 'node'] as const) {
		const { child, ready, burst } = await startChild(); // a fresh feed per client
		try {
			results[kind] = await measure(kind, ready, burst);
		} finally {
			child.send({ close: true });
		}
	}
	const { child, ready, burst } = await startChild();
	let pacedGrowth: number;
	try {
		pacedGrowth = (await measure('node', ready, burst, true)).pacedRssGrowthMb!;
	} finally {
		child.send({ close: true });
	}
	const node = results.node!;
	const bare = results.bare!;
	const ratio = node.eventsPerSecond / bare.eventsPerSecond;
	const growth = node.rssAfterMb - node.rssBeforeMb;
	const k = (n: number) => `${Math.round(n).toLocaleString('en-US')}/s`;
	return [
		{ id: 'P3a', name: `trigger throughput, ${EVENTS.toLocaleString('en-US')} execution events`, value: k(node.eventsPerSecond), target: '>= 20,000/s', met: node.eventsPerSecond >= 20_000, note: `${ratio.toFixed(2)}x a bare parse-and-count client (${k(bare.eventsPerSecond)})` },
		{ id: 'P3b', name: 'send -> emit latency p50 / p99 (paced)', value: `${node.p50.toFixed(2)} / ${node.p99.toFixed(2)} ms`, target: 'p99 <= 2 ms', met: node.p99 <= 2, note: `bare client ${bare.p50.toFixed(2)} / ${bare.p99.toFixed(2)} ms` },
		{ id: 'P3c', name: `RSS growth over ${EVENTS.toLocaleString('en-US')} events at full speed (after GC)`, value: `${growth.toFixed(1)} MB`, target: '<= 10 MB', met: growth <= 10, note: `${node.rssBeforeMb.toFixed(0)} -> ${node.rssAfterMb.toFixed(0)} MB, JS heap +${node.heapGrowthMb.toFixed(1)} MB; bare client ${(bare.rssAfterMb - bare.rssBeforeMb).toFixed(1)} MB` },
		{ id: 'P3d', name: `RSS growth over ${EVENTS.toLocaleString('en-US')} events at ${PACED_RATE.toLocaleString('en-US')}/s (after GC)`, value: `${pacedGrowth.toFixed(1)} MB`, target: '<= 10 MB', met: pacedGrowth <= 10, note: 'a feed the trigger keeps up with: no receive backlog' },
	];
}
