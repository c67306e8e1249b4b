/**
 * Fault suite, orders (issue #8): 1,000 creates with an orderLinkId while
 * the sandbox injects faults at random: answers lost after the exchange
 * accepted (accept then reset), connection resets before processing, 5xx,
 * 10006 (about one create in four meets one), and clock skew of +-10 s. Every order must exist exactly once and
 * every item must report it. Prints its figures.
 */
import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import { clearPositionModeCache } from '../../nodes/Bybit/actions/positionIdx';
import { resetRateLimiter } from '../../nodes/Bybit/transport/rateLimiter';
import { runBybit, sandboxCredentials } from '../harness/execute';
import { prng } from '../harness/prng';
import { startSandbox, type Sandbox } from '../sandbox';

jest.setTimeout(240_000);

const ORDERS = 1_000;
const KEYS = 10; // the transport paces 10 creates/s per key: ten keys run side by side

let sandbox: Sandbox;
let stopInjector = () => undefined as unknown;
beforeEach(async () => {
	resetRateLimiter();
	clearPositionModeCache();
	sandbox = await startSandbox({ port: 0, rateLimits: false });
});
afterEach(async () => {
	stopInjector();
	await sandbox.close();
});

it(`${ORDERS} creates under injected faults: 0 duplicates, 0 lost`, async () => {
	const random = prng(20261124);
	const injected: Record<string, number> = { acceptThenDrop: 0, reset: 0, http503: 0, rateLimited: 0, clockSkew: 0 };
	let running = true;
	stopInjector = () => (running = false);
	// about one create in four meets a fault: a new fault is armed once the previous one had its chance
	const createsSoFar = () => sandbox.control.requests().filter((r) => r.path === '/v5/order/create').length;
	const injector = (async () => {
		let armedAt = 0;
		let skewedAt = 0;
		let skewed = false;
		while (running) {
			await new Promise((r) => setTimeout(r, 5));
			const n = createsSoFar();
			if (n - armedAt >= 4) {
				armedAt = n;
				sandbox.control.clearFaults();
				const roll = random();
				if (roll < 0.35) {
					sandbox.control.acceptThenDrop(1, '/v5/order/create');
					injected.acceptThenDrop++;
				} else if (roll < 0.55) {
					sandbox.control.dropNext(1, '/v5/order/create');
					injected.reset++;
				} else if (roll < 0.8) {
					sandbox.control.failNext(1, 503, '/v5/order/create');
					injected.http503++;
				} else {
					sandbox.control.forceRateLimit(1);
					injected.rateLimited++;
				}
			}
			// every ~150 creates the exchange clock jumps 10 s ahead or behind for ~50 creates
			if (!skewed && n - skewedAt >= 150) {
				skewed = true;
				skewedAt = n;
				sandbox.control.setClockSkew(random() < 0.5 ? 10_000 : -10_000);
				injected.clockSkew++;
			} else if (skewed && n - skewedAt >= 50) {
				skewed = false;
				sandbox.control.setClockSkew(0);
			}
		}
	})();

	const started = Date.now();
	const runs: Array<Promise<INodeExecutionData[]>> = [];
	const secrets: string[] = [];
	for (let k = 0; k < KEYS; k++) {
		const key = k === 0 ? sandbox.control.defaultKey : sandbox.control.createKey({ apiKey: `FAULTKEY${k}`.padEnd(18, '0') });
		secrets.push(key.secret);
		const creds = sandboxCredentials(sandbox.restUrl, key.apiKey, key.secret);
		const items = Array.from({ length: ORDERS / KEYS }, (_, n) => ({ n: k * (ORDERS / KEYS) + n }));
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
	running = false;
	await injector;
	sandbox.control.clearFaults();
	sandbox.control.setClockSkew(0);

	const orders = (sandbox.control.getState().orders as IDataObject[]).filter((o) => String(o.orderLinkId).startsWith('fault-'));
	const perLinkId = new Map<string, number>();
	for (const o of orders) perLinkId.set(String(o.orderLinkId), (perLinkId.get(String(o.orderLinkId)) ?? 0) + 1);
	const duplicates = [...perLinkId.values()].filter((c) => c > 1).length;
	const lost = ORDERS - perLinkId.size;
	const failed = outputs.filter((o) => o.json.error !== undefined);
	const recovered = outputs.filter((o) => o.json.recovered !== undefined).length;
	const creates = sandbox.control.requests().filter((r) => r.path === '/v5/order/create');
	process.stdout.write(
		`fault suite (orders): ${ORDERS} creates over ${KEYS} keys in ${((Date.now() - started) / 1000).toFixed(1)} s; ` +
			`injected ${Object.entries(injected).map(([k, v]) => `${k} ${v}`).join(', ')}; ` +
			`${creates.length} create requests, ${recovered} answers recovered by orderLinkId lookup; ` +
			`${duplicates} duplicate orders, ${lost} lost, ${failed.length} items failed\n`,
	);
	expect(failed.map((f) => f.json.error)).toEqual([]);
	expect(duplicates).toBe(0);
	expect(lost).toBe(0);
	expect(orders).toHaveLength(ORDERS);
	// every item reports the order that exists for its orderLinkId
	const byLink = new Map(orders.map((o) => [String(o.orderLinkId), String(o.orderId)]));
	for (const out of outputs) expect(out.json.orderId).toBe(byLink.get(String(out.json.orderLinkId)));
	expect(injected.acceptThenDrop + injected.reset + injected.http503).toBeGreaterThan(150);
	expect(injected.clockSkew).toBeGreaterThan(2);
	const captured = JSON.stringify(outputs);
	expect(secrets.filter((secret) => captured.includes(secret))).toEqual([]);
});
