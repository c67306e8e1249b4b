/**
 * P8 shared connections (issue #23): N = 1, 10, 100, 500 active Bybit
 * Triggers in one process on one key (private order + execution streams with
 * catch-up), and N market triggers on the tickers of 50 symbols. Per N:
 * sockets open, heap and RSS per added trigger (after a GC), the time for
 * 1,000 events to reach every trigger (per trigger-event, so that a cost
 * linear in N shows as a flat figure), the catch-up requests after one drop of
 * every socket, and the connection attempts after that drop. The figures for
 * N = 1 are the baseline of the same run.
 */
import { setFlagsFromString } from 'v8';
import { runInNewContext } from 'vm';

import { connectAttempts } from '../nodes/BybitTrigger/connectPace';
import { startTrigger, triggerCredentials, type TriggerRun } from '../test/harness/trigger';
import { startSandbox, type Sandbox } from '../test/sandbox';
import type { Figure } from './stats';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const NS = (process.env.P8_N ?? '1,10,100,500').split(',').map(Number);
const EVENTS = 1000;

function heap(): { heap: number; rss: number } {
	gc();
	gc();
	const m = process.memoryUsage();
	return { heap: m.heapUsed, rss: m.rss };
}

interface Row {
	n: number;
	sockets: number;
	heapPerTrigger: number;
	rssPerTrigger: number;
	fanOutMs: number;
	restAfterDrop: number;
	attemptsAfterDrop: number;
}

async function privateRow(n: number): Promise<Row> {
	const sandbox = await startSandbox({ port: 0, rateLimits: false });
	const runs: TriggerRun[] = [];
	try {
		const before = heap();
		for (let i = 0; i < n; i++) runs.push(await startTrigger({ source: 'account', events: ['order', 'execution'], options: { catchUp: true } }, triggerCredentials(sandbox)));
		const after = heap();
		const sockets = sandbox.control.openSockets();
		const t0 = performance.now();
		await sandbox.control.pushBurst(EVENTS, { topics: ['execution'], perMessage: 50 });
		for (const run of runs) await run.waitFor((items) => items.length >= EVENTS, 120_000);
		const fanOutMs = performance.now() - t0;
		const { restAfterDrop, attemptsAfterDrop } = await dropOnce(sandbox, runs, EVENTS);
		return { n, sockets, heapPerTrigger: (after.heap - before.heap) / n, rssPerTrigger: (after.rss - before.rss) / n, fanOutMs, restAfterDrop, attemptsAfterDrop };
	} finally {
		for (const run of runs) await run.response.closeFunction?.();
		await sandbox.close();
	}
}

/** Drops every socket, pushes 10 events meanwhile, waits until every trigger has them: catch-up requests and connection attempts since. */
async function dropOnce(sandbox: Sandbox, runs: TriggerRun[], had: number): Promise<{ restAfterDrop: number; attemptsAfterDrop: number }> {
	const since = Date.now();
	const closes = sandbox.control.closeCodes().length;
	sandbox.control.dropAllSockets();
	while (sandbox.control.closeCodes().length === closes) await sleep(2);
	await sandbox.control.pushBurst(10, { topics: ['execution'] });
	for (const run of runs) await run.waitFor((items) => items.length >= had + 10, 60_000);
	await sleep(500);
	const restAfterDrop = sandbox.control.requests().filter((r) => r.time >= since && (r.path === '/v5/execution/list' || r.path === '/v5/order/history')).length;
	return { restAfterDrop, attemptsAfterDrop: connectAttempts(sandbox.wsUrl, Date.now() - since) };
}

async function publicRow(n: number): Promise<Row> {
	const sandbox = await startSandbox({ port: 0, rateLimits: false, extraLinearSymbols: 50 });
	const symbols = (sandbox.control.getState().prices as Array<{ symbol: string; category: string }>).filter((p) => p.category === 'linear').map((p) => p.symbol);
	const fifty = Array.from({ length: 50 }, (_, i) => symbols[i % symbols.length]);
	const runs: TriggerRun[] = [];
	try {
		const before = heap();
		for (let i = 0; i < n; i++) {
			const symbol = fifty[i % fifty.length];
			runs.push(await startTrigger({ source: 'market', publicHost: 'custom', publicWsUrl: sandbox.wsUrl, marketCategory: 'linear', marketEvent: 'ticker', condition: 'movesPercent', percent: 50, windowSeconds: 60, priceField: 'lastPrice', symbol }, undefined));
		}
		const after = heap();
		const sockets = sandbox.control.openSockets();
		const since = Date.now();
		const closes = sandbox.control.closeCodes().length;
		sandbox.control.dropAllSockets();
		while (sandbox.control.closeCodes().length === closes) await sleep(2);
		const end = Date.now() + 30_000;
		while (sandbox.control.openSockets() < sockets && Date.now() < end) await sleep(20);
		await sleep(500);
		return { n, sockets, heapPerTrigger: (after.heap - before.heap) / n, rssPerTrigger: (after.rss - before.rss) / n, fanOutMs: NaN, restAfterDrop: 0, attemptsAfterDrop: connectAttempts(sandbox.wsUrl, Date.now() - since) };
	} finally {
		for (const run of runs) await run.response.closeFunction?.();
		await sandbox.close();
	}
}

const kb = (b: number) => `${(b / 1024).toFixed(1)} KB`;

export async function run(): Promise<Figure[]> {
	const rows: Row[] = [];
	for (const n of NS) rows.push(await privateRow(n));
	const pub: Row[] = [];
	for (const n of NS) pub.push(await publicRow(n));
	const base = rows[0];
	const perEvent = (r: Row) => (r.fanOutMs * 1000) / (r.n * EVENTS);
	const figures: Figure[] = [];
	for (const r of rows) {
		figures.push(
			{ id: `P8a n=${r.n}`, name: `private: sockets for ${r.n} triggers on one key`, value: String(r.sockets), target: '1', met: r.sockets === 1, note: `${r.attemptsAfterDrop} connection attempt(s) after a drop of every socket` },
			{ id: `P8b n=${r.n}`, name: 'private: heap per added trigger', value: r.n > 1 ? kb(r.heapPerTrigger) : '-', target: '<= 50 KB', met: r.n === 1 || r.heapPerTrigger <= 50 * 1024, note: `RSS ${kb(r.rssPerTrigger)} per trigger` },
			{ id: `P8c n=${r.n}`, name: `private: ${EVENTS} events to every trigger`, value: `${r.fanOutMs.toFixed(0)} ms`, target: 'linear in N', met: r.n === 1 || perEvent(r) <= perEvent(base) * 1.5, note: `${perEvent(r).toFixed(2)} us per trigger-event (n=1: ${perEvent(base).toFixed(2)} us)` },
			{ id: `P8d n=${r.n}`, name: 'private: catch-up requests after one drop', value: String(r.restAfterDrop), target: `= n=1 (${base.restAfterDrop})`, met: r.restAfterDrop === base.restAfterDrop },
		);
	}
	for (const r of pub) {
		const minimum = Math.max(1, Math.ceil(Math.min(r.n, 50) * 20 / 21_000));
		figures.push(
			{ id: `P8e n=${r.n}`, name: `public: sockets for ${r.n} ticker triggers on ${Math.min(r.n, 50)} symbols`, value: String(r.sockets), target: `${minimum} (Bybit's argument limits)`, met: r.sockets === minimum, note: `${r.attemptsAfterDrop} connection attempt(s) after a drop of every socket; heap ${r.n > 1 ? kb(r.heapPerTrigger) : '-'} per trigger` },
		);
	}
	return figures;
}
