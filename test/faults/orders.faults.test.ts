/**
 * Fault suite, orders (issue #8): 1,000 creates with an orderLinkId while
 * the sandbox injects faults, armed on every 4th create as it arrives (the kind drawn at random):
 * answers lost after the exchange accepted (accept then reset), connection resets before processing,
 * 5xx, 10006, and clock skew of +-10 s. Every order must exist exactly once and
 * every item must report it. Prints its figures.
 * The same suite runs with the credential's Order Entry = WebSocket (issue #22), 500 creates: the
 * faults are armed on the sandbox's /v5/trade (dropped after or before Bybit took the order, an answer
 * later than the client waits, 10006, every connection closed) and the clock skew is the same.
 */
import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import { clearPositionModeCache } from '../../nodes/Bybit/actions/positionIdx';
import { resetRateLimiter } from '../../nodes/Bybit/transport/rateLimiter';
import { closeTradeClients, TRADE_TIMINGS } from '../../nodes/Bybit/transport/tradeSocket';
import { runBybit, sandboxCredentials } from '../harness/execute';
import { prng } from '../harness/prng';
import { armRestFault } from './injector';
import { startSandbox, type Sandbox } from '../sandbox';

jest.setTimeout(240_000);

const KEYS = 10; // the transport paces 10 creates/s per key: ten keys run side by side
type Entry = 'rest' | 'websocket';
const ORDERS: Record<Entry, number> = { rest: 1_000, websocket: 500 };
/** How a create reaches the sandbox on each entry: its REST path, or its op on /v5/trade. */
const CREATE: Record<Entry, string> = { rest: '/v5/order/create', websocket: 'order.create' };
const saved = { ...TRADE_TIMINGS };

let sandbox: Sandbox;
beforeEach(async () => {
	resetRateLimiter();
	clearPositionModeCache();
	sandbox = await startSandbox({ port: 0, rateLimits: false });
});
afterEach(async () => {
	closeTradeClients();
	Object.assign(TRADE_TIMINGS, saved);
	await sandbox.close();
});

/** Arms one fault on the path the orders take; returns its name. */
function arm(entry: Entry, roll: number): string {
	const c = sandbox.control;
	if (entry === 'rest') return armRestFault(c, CREATE.rest, roll, [0.35, 0.55, 0.8]);
	const op = CREATE.websocket;
	const faults: Array<[number, string, () => unknown]> = [
		[0.3, 'acceptThenDrop', () => c.tradeFault('dropAfterAccept', { op })],
		[0.5, 'reset', () => c.tradeFault('dropBeforeAccept', { op })],
		[0.65, 'lateAnswer', () => c.tradeFault('delay', { op, ms: 1500 })],
		[0.75, 'serverClose', () => c.closeTradeSockets()],
		[1, 'rateLimited', () => c.tradeFault('rateLimit', { op })],
	];
	const [, name, inject] = faults.find(([upTo]) => roll < upTo) ?? faults[faults.length - 1];
	inject();
	return name;
}

it.each(['rest', 'websocket'] as const)('order entry %s: creates under injected faults, 0 duplicates, 0 lost', async (entry) => {
	const ORDER_COUNT = ORDERS[entry];
	if (entry === 'websocket') Object.assign(TRADE_TIMINGS, { answerTimeoutMs: 1000 });
	const random = prng(20261124);
	const injected: Record<string, number> = { clockSkew: 0 };
	// one create in four meets a fault, armed as it arrives (so the count does not depend on how busy the machine is):
	// the 4th, 8th, ... create the sandbox receives, retries included
	let arrivals = 0;
	let skewedAt = 0;
	let skewed = false;
	sandbox.control.onArrival((via, name) => {
		if (via !== entry || name !== CREATE[entry]) return;
		const n = ++arrivals;
		if (n % 4 === 0) {
			sandbox.control.clearFaults();
			const fault = arm(entry, random());
			injected[fault] = (injected[fault] ?? 0) + 1;
		}
		// every ~150 creates the exchange clock jumps 10 s ahead or behind for 50 creates
		if (!skewed && n - skewedAt >= 150) {
			skewed = true;
			skewedAt = n;
			sandbox.control.setClockSkew(random() < 0.5 ? 10_000 : -10_000);
			injected.clockSkew++;
		} else if (skewed && n - skewedAt >= 50) {
			skewed = false;
			sandbox.control.setClockSkew(0);
		}
	});

	const started = Date.now();
	const runs: Array<Promise<INodeExecutionData[]>> = [];
	const secrets: string[] = [];
	for (let k = 0; k < KEYS; k++) {
		const key = k === 0 ? sandbox.control.defaultKey : sandbox.control.createKey({ apiKey: `FAULTKEY${k}`.padEnd(18, '0') });
		secrets.push(key.secret);
		const creds = sandboxCredentials(sandbox.restUrl, key.apiKey, key.secret, entry === 'websocket' ? { wsBaseUrl: sandbox.wsUrl, orderEntry: 'websocket' } : {});
		const items = Array.from({ length: ORDER_COUNT / KEYS }, (_, n) => ({ n: k * (ORDER_COUNT / KEYS) + n }));
		runs.push(
			runBybit(
				creds,
				(i) => ({
					resource: 'order', operation: 'create', category: 'linear', symbol: 'BTCUSDT', side: (items[i].n % 2 ? 'Sell' : 'Buy'), orderType: 'Market',
					qtyType: 'base', qty: '0.001', positionIdx: '0', orderLinkId: `fault-${items[i].n}`, additionalFields: {}, options: {},
				}),
				{ items, continueOnFail: true },
			),
		);
	}
	const outputs = (await Promise.all(runs)).flat();
	sandbox.control.onArrival(undefined);
	sandbox.control.clearFaults();
	sandbox.control.setClockSkew(0);

	const orders = (sandbox.control.getState().orders as IDataObject[]).filter((o) => String(o.orderLinkId).startsWith('fault-'));
	const perLinkId = new Map<string, number>();
	for (const o of orders) perLinkId.set(String(o.orderLinkId), (perLinkId.get(String(o.orderLinkId)) ?? 0) + 1);
	const duplicates = [...perLinkId.values()].filter((c) => c > 1).length;
	const lost = ORDER_COUNT - perLinkId.size;
	const failed = outputs.filter((o) => o.json.error !== undefined);
	const recovered = outputs.filter((o) => o.json.recovered !== undefined).length;
	const creates = sandbox.control.requests().filter((r) => r.path === CREATE.rest);
	const frames = sandbox.control.tradeFrames().filter((f) => f.op === CREATE.websocket);
	process.stdout.write(
		`fault suite (orders, ${entry}): ${ORDER_COUNT} creates over ${KEYS} keys in ${((Date.now() - started) / 1000).toFixed(1)} s; ` +
			`injected ${Object.entries(injected).map(([k, v]) => `${k} ${v}`).join(', ')}; ` +
			`${creates.length} REST create requests, ${frames.length} WebSocket create frames, ${recovered} answers recovered by orderLinkId lookup; ` +
			`${duplicates} duplicate orders, ${lost} lost, ${failed.length} items failed\n`,
	);
	expect(failed.map((f) => f.json.error)).toEqual([]);
	expect(duplicates).toBe(0);
	expect(lost).toBe(0);
	expect(orders).toHaveLength(ORDER_COUNT);
	if (entry === 'websocket') expect(frames.length).toBeGreaterThanOrEqual(ORDER_COUNT * 0.9);
	// every item reports the order that exists for its orderLinkId
	const byLink = new Map(orders.map((o) => [String(o.orderLinkId), String(o.orderId)]));
	for (const out of outputs) expect(out.json.orderId).toBe(byLink.get(String(out.json.orderLinkId)));
	const lostAnswers = (injected.acceptThenDrop ?? 0) + (injected.reset ?? 0) + (injected.http503 ?? 0) + (injected.lateAnswer ?? 0) + (injected.serverClose ?? 0);
	expect(lostAnswers).toBeGreaterThan(ORDER_COUNT * 0.1);
	expect(injected.clockSkew).toBeGreaterThan(2);
	const captured = JSON.stringify(outputs);
	expect(secrets.filter((secret) => captured.includes(secret))).toEqual([]);
});
