/**
 * Fault suite, batches and transfers (issue #13): batch creates and internal
 * and universal transfers while the sandbox injects faults (one request in three, the kind drawn at random) on
 * their paths: answers lost after the exchange acted (accept then reset),
 * resets before processing, HTTP 503, and 10006. Every order and every
 * transfer must exist exactly once and every item must report it. A share of
 * the orders and transfers come without a client id (the node generates one).
 * Prints its figures.
 */
import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import { clearPositionModeCache } from '../../nodes/Bybit/actions/positionIdx';
import { resetRateLimiter } from '../../nodes/Bybit/transport/rateLimiter';
import { runBybit, sandboxCredentials } from '../harness/execute';
import { prng } from '../harness/prng';
import { injectRestFaults } from './injector';
import { startSandbox, type Sandbox } from '../sandbox';

jest.setTimeout(240_000);

const BATCH_ORDERS = 400;
const INTERNAL = 96;
const UNIVERSAL = 96;
const KEYS = 8; // every count is a multiple of KEYS
const PATHS = ['/v5/order/create-batch', '/v5/asset/transfer/inter-transfer', '/v5/asset/transfer/universal-transfer'] as const;

let sandbox: Sandbox;
beforeEach(async () => {
	resetRateLimiter();
	clearPositionModeCache();
	sandbox = await startSandbox({ port: 0, rateLimits: false });
	sandbox.control.fund('USDT', '1000000', 'UNIFIED');
	sandbox.control.fund('USDT', '1000000', 'FUND');
});
afterEach(async () => {
	await sandbox.close();
});

const count = <T>(values: T[]) => {
	const m = new Map<T, number>();
	for (const v of values) m.set(v, (m.get(v) ?? 0) + 1);
	return m;
};

it(`${BATCH_ORDERS} batch orders, ${INTERNAL} internal and ${UNIVERSAL} universal transfers under injected faults: 0 duplicates, 0 lost`, async () => {
	const random = prng(20261130);
	// on each path, one request in three meets a fault, armed as it arrives
	const injected = injectRestFaults(sandbox.control, PATHS, 3, random);

	const uid = String(sandbox.control.getState().uid);
	const started = Date.now();
	const secrets: string[] = [];
	const batches: Array<Promise<INodeExecutionData[]>> = [];
	const internal: Array<Promise<INodeExecutionData[]>> = [];
	const universal: Array<Promise<INodeExecutionData[]>> = [];
	for (let k = 0; k < KEYS; k++) {
		const key = k === 0 ? sandbox.control.defaultKey : sandbox.control.createKey({ apiKey: `WRITEKEY${k}`.padEnd(18, '0') });
		secrets.push(key.secret);
		const creds = sandboxCredentials(sandbox.restUrl, key.apiKey, key.secret);
		// one order in five without an orderLinkId
		const orders = Array.from({ length: BATCH_ORDERS / KEYS }, (_, i) => {
			const n = k * (BATCH_ORDERS / KEYS) + i;
			return { symbol: 'BTCUSDT', side: 'Buy', orderType: 'Limit', qty: '0.001', price: String(30000 + n), ...(n % 5 ? { orderLinkId: `wf-${n}` } : {}) };
		});
		batches.push(runBybit(creds, { resource: 'order', operation: 'createBatch', category: 'linear', source: 'items' }, { items: orders, continueOnFail: true }));
		// one transfer in three without a transferId
		const ids = (prefix: string, total: number) =>
			Array.from({ length: total / KEYS }, (_, i) => {
				const n = k * (total / KEYS) + i;
				return { n, transferId: n % 3 ? `${prefix}0000-0000-4000-8000-${String(n).padStart(12, '0')}` : undefined };
			});
		const inter = ids('aaaa', INTERNAL);
		internal.push(
			runBybit(
				creds,
				(i) => ({
					resource: 'asset', operation: 'createInternalTransfer', coin: 'USDT', amount: String(1 + (inter[i].n % 7)), fromAccountType: i % 2 ? 'UNIFIED' : 'FUND', toAccountType: i % 2 ? 'FUND' : 'UNIFIED',
					additionalFields: inter[i].transferId ? { transferId: inter[i].transferId } : {},
				}),
				{ items: inter as unknown as IDataObject[], continueOnFail: true },
			),
		);
		const uni = ids('bbbb', UNIVERSAL);
		universal.push(
			runBybit(
				creds,
				(i) => ({
					resource: 'asset', operation: 'createUniversalTransfer', coin: 'USDT', amount: String(1 + (uni[i].n % 5)), fromMemberId: uid, toMemberId: '900001',
					fromAccountType: 'FUND', toAccountType: 'FUND', additionalFields: uni[i].transferId ? { transferId: uni[i].transferId } : {},
				}),
				{ items: uni as unknown as IDataObject[], continueOnFail: true },
			),
		);
	}
	const [batchOut, interOut, uniOut] = (await Promise.all([Promise.all(batches), Promise.all(internal), Promise.all(universal)])).map((runs) => runs.flat());
	sandbox.control.onArrival(undefined);
	sandbox.control.clearFaults();

	const state = sandbox.control.getState();
	const placed = state.orders as IDataObject[];
	const made = state.transfers as { internal: IDataObject[]; universal: IDataObject[] };
	const outputs = [...batchOut, ...interOut, ...uniOut];
	const failed = outputs.filter((o) => o.json.error !== undefined);
	const recovered = outputs.filter((o) => o.json.recovered !== undefined).length;
	const dup = (ids: string[]) => [...count(ids).values()].filter((c) => c > 1).length;
	const duplicates = dup(placed.map((o) => String(o.orderLinkId))) + dup(made.internal.map((t) => String(t.transferId))) + dup(made.universal.map((t) => String(t.transferId)));
	const lost = BATCH_ORDERS - placed.length + (INTERNAL - made.internal.length) + (UNIVERSAL - made.universal.length);
	const sent = count(sandbox.control.requests().map((r) => r.path));
	process.stdout.write(
		`fault suite (batches, transfers): ${BATCH_ORDERS} batch orders, ${INTERNAL} internal and ${UNIVERSAL} universal transfers over ${KEYS} keys in ` +
			`${((Date.now() - started) / 1000).toFixed(1)} s; injected ${Object.entries(injected).map(([k, v]) => `${k} ${v}`).join(', ')}; ` +
			`${PATHS.map((p) => `${sent.get(p) ?? 0} ${p.split('/').pop()}`).join(', ')} requests; ${recovered} answers recovered by client-id lookup; ` +
			`${duplicates} duplicates, ${lost} lost, ${failed.length} items failed\n`,
	);
	expect(failed.map((f) => f.json.error)).toEqual([]);
	expect(duplicates).toBe(0);
	expect(lost).toBe(0);
	expect(placed).toHaveLength(BATCH_ORDERS);
	expect(made.internal).toHaveLength(INTERNAL);
	expect(made.universal).toHaveLength(UNIVERSAL);
	// every item reports the object that exists for its client id
	const orderByLink = new Map(placed.map((o) => [String(o.orderLinkId), String(o.orderId)]));
	expect(batchOut).toHaveLength(BATCH_ORDERS);
	for (const out of batchOut) expect(out.json.orderId).toBe(orderByLink.get(String(out.json.orderLinkId)));
	expect(new Set(batchOut.map((o) => o.json.orderLinkId)).size).toBe(BATCH_ORDERS);
	for (const [outs, list] of [[interOut, made.internal], [uniOut, made.universal]] as const) {
		const ids = new Set(list.map((t) => String(t.transferId)));
		expect(new Set(outs.map((o) => String(o.json.transferId))).size).toBe(list.length);
		for (const out of outs) expect(ids.has(String(out.json.transferId))).toBe(true);
	}
	expect(recovered).toBeGreaterThan(20);
	expect(injected.acceptThenDrop).toBeGreaterThan(20);
	const captured = JSON.stringify(outputs);
	expect(secrets.filter((secret) => captured.includes(secret))).toEqual([]);
});
