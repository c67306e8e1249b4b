/**
 * Issue #23: one connection per key and host, however many triggers listen.
 * Real sockets against the sandbox: sockets opened, every trigger served once
 * per event, catch-up requests after a drop independent of the number of
 * triggers, topics unsubscribed when their last trigger leaves and the
 * connection closed with the last trigger, a refused topic failing only its
 * own trigger, manual runs apart.
 */
import type { IDataObject } from 'n8n-workflow';

import { openConnections } from '../../../nodes/BybitTrigger/connections';
import { startTrigger, triggerCredentials, useTriggerSandbox, type TriggerRun } from '../../harness/trigger';
import type { Sandbox } from '../../sandbox';

jest.setTimeout(60_000);

let sandbox: Sandbox;
useTriggerSandbox((s) => (sandbox = s));

const ACCOUNT = { source: 'account', events: ['order', 'execution'], options: { catchUp: true } };
const settle = (ms = 300) => new Promise((r) => setTimeout(r, ms));
const catchUpRequests = (since: number) => sandbox.control.requests().filter((r) => r.time >= since && ['/v5/execution/list', '/v5/order/history'].includes(r.path)).length;
const market = (symbol: string) => ({ source: 'market', publicHost: 'custom', publicWsUrl: sandbox.wsUrl, marketCategory: 'linear', marketEvent: 'ticker', condition: 'crossesAbove', priceField: 'lastPrice', level: 66000, symbol });

async function startMany(n: number, params: Record<string, unknown> = ACCOUNT): Promise<TriggerRun[]> {
	const runs: TriggerRun[] = [];
	for (let i = 0; i < n; i++) runs.push(await startTrigger(params, params.source === 'account' ? triggerCredentials(sandbox) : undefined));
	return runs;
}

/** Catch-up requests after one drop of every socket, with n triggers on the key (each has missed 20 fills). */
async function afterDrop(n: number): Promise<{ requests: number; sockets: number; items: number[] }> {
	const runs = await startMany(n);
	const sockets = sandbox.control.openSockets();
	const closes = sandbox.control.closeCodes().length;
	const dropped = Date.now();
	sandbox.control.dropAllSockets();
	while (sandbox.control.closeCodes().length === closes) await settle(5);
	const burst = await sandbox.control.pushBurst(20, { topics: ['order', 'execution'] }); // while disconnected
	for (const run of runs) await run.waitFor((items) => items.filter((i) => String(i.orderLinkId).startsWith(burst.linkIdPrefix)).length >= 40, 20_000);
	await settle();
	const requests = catchUpRequests(dropped);
	for (const run of runs) await run.response.closeFunction!();
	return { requests, sockets, items: runs.map((r) => r.items().filter((i) => String(i.orderLinkId).startsWith(burst.linkIdPrefix)).length) };
}

describe('Bybit Trigger: shared connections', () => {
	it('10 account triggers on one key share one socket; each gets every event once', async () => {
		const runs = await startMany(10);
		expect(sandbox.control.openSockets()).toBe(1);
		const burst = await sandbox.control.pushBurst(50, { topics: ['order', 'execution'], perMessage: 10 });
		for (const run of runs) await run.waitFor((items) => items.length >= 100);
		await settle();
		for (const run of runs) {
			const keys = run.items().map((i: IDataObject) => `${i.execId ? 'x' : 'o'}:${i.orderLinkId}`);
			expect(keys).toHaveLength(100);
			expect(new Set(keys).size).toBe(100);
			expect(keys.every((k) => k.includes(burst.linkIdPrefix))).toBe(true);
		}
		for (const run of runs.slice(0, 9)) await run.response.closeFunction!();
		expect(sandbox.control.openSockets()).toBe(1); // the last trigger still listens
		await runs[9].response.closeFunction!();
		await settle(100);
		expect(sandbox.control.openSockets()).toBe(0);
		expect(openConnections()).toEqual([]);
	});

	it('the catch-up after a drop asks Bybit the same number of times for 1 trigger and for 10', async () => {
		const one = await afterDrop(1);
		const ten = await afterDrop(10);
		expect(one.sockets).toBe(1);
		expect(ten.sockets).toBe(1);
		expect(one.items).toEqual([40]);
		expect(ten.items).toEqual(Array(10).fill(40));
		expect(ten.requests).toBe(one.requests);
		expect(one.requests).toBeGreaterThan(0);
	});

	// found by the exactly-once model: the union mixed `order` and `order.linear` in one subscribe, which Bybit refuses
	it('triggers on every category and on one category, activating at once, share the socket (All-In-One and categorised topics in separate requests)', async () => {
		const runs = await Promise.all([
			startTrigger(ACCOUNT, triggerCredentials(sandbox)),
			startTrigger({ ...ACCOUNT, category: 'linear' }, triggerCredentials(sandbox)),
			startTrigger({ ...ACCOUNT, category: 'spot' }, triggerCredentials(sandbox)),
		]);
		expect(sandbox.control.openSockets()).toBe(1);
		const subs = sandbox.control.wsReceived().filter((r) => r.msg.op === 'subscribe').map((r) => r.msg.args as string[]);
		expect(subs.length).toBeGreaterThanOrEqual(2);
		for (const args of subs) expect(args.every((t) => t.includes('.')) || args.every((t) => !t.includes('.'))).toBe(true);
		await sandbox.control.pushBurst(3, { topics: ['order', 'execution'] });
		for (const run of runs.slice(0, 2)) await run.waitFor((items) => items.length >= 6);
		await settle();
		expect(runs.map((r) => r.items().length)).toEqual([6, 6, 0]);
	});

	// found by the exactly-once model: the reconnect handler of a trigger whose join had not returned threw, and the stream reconnected for ever
	it('a trigger activating while the shared connection reconnects gets its events, on the one socket', async () => {
		const first = await startTrigger(ACCOUNT, triggerCredentials(sandbox));
		const closes = sandbox.control.closeCodes().length;
		sandbox.control.dropAllSockets();
		while (sandbox.control.closeCodes().length === closes) await settle(5);
		const second = await startTrigger({ ...ACCOUNT, category: 'linear' }, triggerCredentials(sandbox)); // joins while reconnecting
		await sandbox.control.pushBurst(2, { topics: ['order', 'execution'] });
		await first.waitFor((items) => items.length >= 4);
		await second.waitFor((items) => items.length >= 4);
		await settle(1500); // past another backoff: no second reconnect
		expect(sandbox.control.openSockets()).toBe(1);
		expect(first.errors).toEqual([]);
	});

	it('a topic is unsubscribed when its last trigger leaves, and kept while another needs it', async () => {
		const orders = await startTrigger({ source: 'account', events: ['order'], category: 'linear' }, triggerCredentials(sandbox));
		const fills = await startTrigger({ source: 'account', events: ['execution'], category: 'linear' }, triggerCredentials(sandbox));
		const both = await startTrigger({ source: 'account', events: ['order'], category: 'linear' }, triggerCredentials(sandbox));
		expect(sandbox.control.openSockets()).toBe(1);
		expect(sandbox.control.subscribers('order.linear')).toBe(1);
		await orders.response.closeFunction!();
		await settle(100);
		expect(sandbox.control.subscribers('order.linear')).toBe(1); // `both` still needs it
		await both.response.closeFunction!();
		await settle(100);
		expect(sandbox.control.subscribers('order.linear')).toBe(0);
		expect(sandbox.control.subscribers('execution.linear')).toBe(1);
		await fills.response.closeFunction!();
	});

	it('a topic Bybit refuses fails only the trigger that asked for it', async () => {
		const good = await startTrigger(market('BTCUSDT'), undefined);
		await expect(startTrigger(market('NOSUCHUSDT'), undefined)).rejects.toThrow(/refused the subscription to tickers\.NOSUCHUSDT/);
		expect(sandbox.control.openSockets()).toBe(1);
		for (const p of ['65000', '66500']) {
			sandbox.control.setPrice('BTCUSDT', { last: p });
			await settle(150);
		}
		await good.waitFor((items) => items.length >= 1);
		expect(good.items().map((i) => Number(i.price))).toEqual([66500]);
	});

	it('market triggers on one host and category share a socket, each getting its own symbol', async () => {
		const btc = await startMany(3, market('BTCUSDT'));
		const eth = await startMany(2, { ...market('ETHUSDT'), level: 4000 });
		expect(sandbox.control.openSockets()).toBe(1);
		expect(sandbox.control.subscribers('linear|tickers.BTCUSDT')).toBe(1); // one subscription for the three
		sandbox.control.setPrice('BTCUSDT', { last: '65000' });
		sandbox.control.setPrice('ETHUSDT', { last: '3900' });
		await settle(200);
		sandbox.control.setPrice('BTCUSDT', { last: '66100' });
		sandbox.control.setPrice('ETHUSDT', { last: '4100' });
		for (const run of [...btc, ...eth]) await run.waitFor((items) => items.length >= 1);
		await settle();
		for (const run of btc) expect(run.items().map((i) => i.symbol)).toEqual(['BTCUSDT']);
		for (const run of eth) expect(run.items().map((i) => i.symbol)).toEqual(['ETHUSDT']);
	});

	it('a manual run opens its own connection, and closing it leaves the active trigger connected', async () => {
		const active = await startTrigger(ACCOUNT, triggerCredentials(sandbox));
		const manual = await startTrigger(ACCOUNT, triggerCredentials(sandbox), { mode: 'manual' });
		expect(sandbox.control.openSockets()).toBe(2);
		await manual.response.closeFunction!();
		await settle(100);
		expect(sandbox.control.openSockets()).toBe(1);
		await sandbox.control.pushBurst(1, { topics: ['execution'] });
		await active.waitFor((items) => items.length >= 1);
	});
});
