/**
 * Limits across processes (queue mode): with "Processes Sharing This Key" = N, each process takes
 * its share of the per-key limits and of the IP budget. Two processes are simulated by loading the
 * node twice in isolated module registries (each copy has its own limiter state, as two n8n
 * workers do), both placing orders on ONE key against the sandbox enforcing Bybit's order limit.
 */
import fc from 'fast-check';
import type { ICredentialDataDecryptedObject, IDataObject, INodeExecutionData } from 'n8n-workflow';

import { IP_BUDGET, ipBudget, resetIpBudgets } from '../../../../nodes/Bybit/transport/ipBudget';
import { shareOf } from '../../../../nodes/Bybit/transport/rateLimiter';
import { sandboxCredentials, type Params, type RunOptions } from '../../../harness/execute';
import { busiestWindow } from '../../../harness/windows';
import { startSandbox, type Sandbox } from '../../../sandbox';

type RunBybit = (credentials: ICredentialDataDecryptedObject, params: Params, options?: RunOptions) => Promise<INodeExecutionData[]>;

/** A fresh copy of the node and its transport: what another n8n process would have. */
function anotherProcess(): RunBybit {
	let run: RunBybit | undefined;
	jest.isolateModules(() => {
		// eslint-disable-next-line @typescript-eslint/no-require-imports
		run = (require('../../../harness/execute') as { runBybit: RunBybit }).runBybit;
	});
	return run!;
}

describe('shareOf: a process share of a per-key limit', () => {
	test('N busy processes together stay within the limit (each at least 1)', () => {
		fc.assert(
			fc.property(fc.integer({ min: 1, max: 600 }), fc.integer({ min: 1, max: 64 }), (limit, n) => {
				const share = shareOf(limit, n);
				expect(share).toBeGreaterThanOrEqual(1);
				if (limit >= n) expect(share * n).toBeLessThanOrEqual(limit);
				expect(share * n).toBeGreaterThan(limit - n);
			}),
			{ numRuns: 1000 },
		);
	});

	test('one process, or a nonsense count, keeps the whole limit', () => {
		for (const n of [1, 0, -3, Number.NaN, Number.POSITIVE_INFINITY]) expect(shareOf(10, n)).toBe(10);
	});
});

describe('ipBudget: the IP budget split between processes', () => {
	afterEach(() => resetIpBudgets());

	test('N processes keep to floor(500 / N) each, so together never above the budget', () => {
		fc.assert(
			fc.property(fc.integer({ min: 1, max: 500 }), (n) => {
				resetIpBudgets();
				const limit = ipBudget('http://127.0.0.1:1', n).limit;
				expect(limit * n).toBeLessThanOrEqual(IP_BUDGET.limit);
				expect(limit).toBe(Math.max(1, Math.floor(IP_BUDGET.limit / n)));
			}),
			{ numRuns: 300 },
		);
	});

	test('the largest count any credential gives for a host wins', () => {
		expect(ipBudget('http://127.0.0.1:2', 4).limit).toBe(125);
		expect(ipBudget('http://127.0.0.1:2', 1).limit).toBe(125);
		expect(ipBudget('http://127.0.0.1:2', 5).limit).toBe(100);
	});
});

describe('two processes on one key against the sandbox (order create: 10/s per key)', () => {
	let sandbox: Sandbox;
	beforeEach(async () => {
		sandbox = await startSandbox({ port: 0, rateLimits: true });
	});
	afterEach(async () => {
		await sandbox.close();
	});

	async function placeFromTwoProcesses(processesSharingKey: number | undefined, perProcess: number) {
		const { apiKey, secret } = sandbox.control.defaultKey;
		const creds = sandboxCredentials(sandbox.restUrl, apiKey, secret, processesSharingKey === undefined ? {} : { processesSharingKey });
		const run = async (runBybit: RunBybit, tag: string) => {
			const items: IDataObject[] = Array.from({ length: perProcess }, (_, n) => ({ n }));
			return await runBybit(
				creds,
				(i) => ({ resource: 'order', operation: 'create', category: 'linear', symbol: 'BTCUSDT', side: 'Buy', orderType: 'Limit', qtyType: 'base', qty: '0.001', price: String(40000 + i), positionIdx: '0', orderLinkId: `${tag}-${i}`, additionalFields: {}, options: {} }),
				{ items, continueOnFail: true },
			);
		};
		const t0 = Date.now();
		// items of one execution go one after another, as in n8n; the two processes run side by side
		const outs = await Promise.all([run(anotherProcess(), 'pa'), run(anotherProcess(), 'pb')]);
		const wallMs = Date.now() - t0;
		const creates = sandbox.control.requests().filter((r) => r.path === '/v5/order/create');
		const orders = (sandbox.control.getState().orders as IDataObject[]).filter((o) => /^p[ab]-/.test(String(o.orderLinkId)));
		return { outs: outs.flat(), wallMs, refused: creates.filter((r) => r.retCode === 10006).length, orders };
	}

	test('with the count set, 2 x 30 orders: none lost or doubled, and far fewer 10006 answers than without it', async () => {
		const r = await placeFromTwoProcesses(2, 30);
		expect(r.outs.filter((o) => o.json.error !== undefined)).toEqual([]);
		expect(r.orders).toHaveLength(60);
		expect(new Set(r.orders.map((o) => o.orderLinkId)).size).toBe(60);
		// only slots both borrowed at the same moment are refused (without the count: about 26 of 60)
		expect(r.refused).toBeLessThanOrEqual(8);
		// eslint-disable-next-line no-console
		console.log(`two processes, count set: ${r.refused} x 10006 answered and re-sent, ${(r.wallMs / 1000).toFixed(1)} s for 60 orders`);
	}, 60_000);

	test("one process busy, the other idle: it borrows the idle share from Bybit's headers (more than 5/s, never above 10/s)", async () => {
		const { apiKey, secret } = sandbox.control.defaultKey;
		const creds = sandboxCredentials(sandbox.restUrl, apiKey, secret, { processesSharingKey: 2 });
		const items: IDataObject[] = Array.from({ length: 40 }, (_, n) => ({ n }));
		const out = await anotherProcess()(
			creds,
			(i) => ({ resource: 'order', operation: 'create', category: 'linear', symbol: 'BTCUSDT', side: 'Buy', orderType: 'Limit', qtyType: 'base', qty: '0.001', price: String(40000 + i), positionIdx: '0', orderLinkId: `solo-${i}`, additionalFields: {}, options: {} }),
			{ items, continueOnFail: true },
		);
		expect(out.filter((o) => o.json.error !== undefined)).toEqual([]);
		const creates = sandbox.control.requests().filter((r) => r.path === '/v5/order/create');
		expect(creates.filter((r) => r.retCode === 10006)).toHaveLength(0);
		const busiest = busiestWindow(creates.map((r) => r.time), 1000);
		expect(busiest).toBeGreaterThan(5);
		expect(busiest).toBeLessThanOrEqual(10);
	}, 60_000);

	test('without it, the 10006 answers the key gets are re-sent, never surfaced, never doubled', async () => {
		const r = await placeFromTwoProcesses(undefined, 30);
		expect(r.outs.filter((o) => o.json.error !== undefined)).toEqual([]);
		expect(r.orders).toHaveLength(60);
		expect(new Set(r.orders.map((o) => o.orderLinkId)).size).toBe(60);
		// eslint-disable-next-line no-console
		console.log(`two processes, no count set: ${r.refused} x 10006 answered and re-sent, ${(r.wallMs / 1000).toFixed(1)} s for 60 orders`);
	}, 90_000);
});
