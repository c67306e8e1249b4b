/**
 * Limits across processes (queue mode): with "Processes Sharing This Key" = N, each process takes
 * its share of the per-key limits and of the IP budget. Two processes are simulated by loading the
 * node twice in isolated module registries (each copy has its own limiter state, as two n8n
 * workers do), both placing orders on ONE key against the sandbox enforcing Bybit's order limit.
 */
import fc from 'fast-check';
import type { ICredentialDataDecryptedObject, IDataObject, INodeExecutionData } from 'n8n-workflow';

import { IP_BUDGET, ipBudget, resetIpBudgets } from '../../../../nodes/Bybit/transport/ipBudget';
import { acquire, observe, resetRateLimiter, settle, shareFor, shareOf } from '../../../../nodes/Bybit/transport/rateLimiter';
import { limitBuy, sandboxCredentials, type Params, type RunOptions } from '../../../harness/execute';
import { busiestWindow } from '../../../harness/windows';
import { startSandbox, type Sandbox } from '../../../sandbox';

type RunBybit = (credentials: ICredentialDataDecryptedObject, params: Params, options?: RunOptions) => Promise<INodeExecutionData[]>;

/** A module loaded afresh, with its own module state: what another n8n process would have. */
function inAnotherProcess<T>(load: () => T): T {
	let loaded: T | undefined;
	jest.isolateModules(() => {
		loaded = load();
	});
	return loaded!;
}

/** A fresh copy of the node and its transport. */
function anotherProcess(): RunBybit {
	// eslint-disable-next-line @typescript-eslint/no-require-imports
	return inAnotherProcess(() => (require('../../../harness/execute') as { runBybit: RunBybit }).runBybit);
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

describe('shareFor: a process share as a rate (floor share plus paced bonus slots)', () => {
	const WINDOW = shareFor(10).windowMs;
	/** Requests per Bybit window one process sends on average when always busy. */
	const rate = (s: ReturnType<typeof shareFor>) => (s.limit * WINDOW) / s.windowMs + (s.bonusEveryMs ? WINDOW / s.bonusEveryMs : 0);

	test('N busy processes together use the whole limit on average, never more, within 1%', () => {
		fc.assert(
			fc.property(fc.integer({ min: 1, max: 600 }), fc.integer({ min: 1, max: 64 }), (limit, n) => {
				const total = rate(shareFor(limit, n)) * n;
				expect(total).toBeLessThanOrEqual(limit + 1e-9);
				expect(total).toBeGreaterThanOrEqual(limit * 0.99);
			}),
			{ numRuns: 1000 },
		);
	});

	test('the floor share is kept, and at most one bonus slot beyond it per window', () => {
		fc.assert(
			fc.property(fc.integer({ min: 1, max: 600 }), fc.integer({ min: 2, max: 64 }), (limit, n) => {
				const s = shareFor(limit, n);
				if (limit >= n) expect(s.limit).toBe(shareOf(limit, n));
				else expect([s.limit, s.bonusEveryMs]).toEqual([1, undefined]);
				// a bonus is never due more often than once per window
				if (s.bonusEveryMs) expect(s.bonusEveryMs).toBeGreaterThan(s.windowMs);
			}),
			{ numRuns: 1000 },
		);
	});

	test('4 processes on 10 per second: 2 each plus a bonus every 2.05 s (the old floor share left 2 per second unused)', () => {
		expect(shareFor(10, 4)).toEqual({ limit: 2, windowMs: WINDOW, bonusEveryMs: 2050 });
		expect(shareFor(10, 2)).toEqual({ limit: 5, windowMs: WINDOW, bonusEveryMs: undefined });
		// 4 processes on a 1-per-second transfer endpoint: one request per 4 windows each (the old share let all 4 send every second)
		expect(shareFor(1, 4)).toEqual({ limit: 1, windowMs: 4 * WINDOW });
	});
});

describe('acquire with bonus slots', () => {
	afterEach(() => {
		jest.restoreAllMocks();
		resetRateLimiter();
	});

	test('a window filled by borrowing is waited out in one sleep while a bonus is due, not polled every millisecond', async () => {
		jest.spyOn(Math, 'random').mockReturnValue(0); // the first bonus is due at once
		// Bybit just said the whole key's window is free: 2 from the share, then 4 borrowed, then the bonus
		observe('k|/v5/order/create', { limit: 10, remaining: 10 }, 4);
		const t0 = Date.now();
		for (let i = 0; i < 7; i++) settle(await acquire('k|/v5/order/create', 10, 1, 4));
		expect(Date.now() - t0).toBeLessThan(500); // no window waited (that takes 1000 ms); room for a busy machine
		const timers = jest.spyOn(global, 'setTimeout');
		await acquire('k|/v5/order/create', 10, 1, 4);
		expect(Date.now() - t0).toBeGreaterThanOrEqual(1000);
		expect(timers.mock.calls.length).toBeLessThanOrEqual(3);
	});
});

describe('acquire: a busy process really gets its share as a rate (simulated clock)', () => {
	type Limiter = typeof import('../../../../nodes/Bybit/transport/rateLimiter');
	/** Another process's limiter, as on another n8n worker. */
	// eslint-disable-next-line @typescript-eslint/no-require-imports
	const limiterCopy = (): Limiter => inAnotherProcess(() => require('../../../../nodes/Bybit/transport/rateLimiter') as Limiter);
	afterEach(() => {
		jest.useRealTimers();
		jest.restoreAllMocks();
	});

	/** Each process keeps 5 requests waiting for 21 simulated seconds; answers come 6 ms after the grant. */
	async function busy(processes: number, phases: number[]): Promise<number[][]> {
		jest.useFakeTimers({ now: 1_700_000_000_000 });
		const end = Date.now() + 21_000;
		const grants: number[][] = phases.map(() => []);
		const random = jest.spyOn(Math, 'random');
		const runs = phases.flatMap((phase, p) => {
			const limiter = limiterCopy();
			// the first bonus's phase is drawn when the bucket is made, at the first acquire
			random.mockReturnValueOnce(phase);
			void limiter.acquire('k|/v5/order/create|derivatives', 10, 1, processes).then((r) => limiter.settle(r));
			grants[p].push(Date.now());
			return Array.from({ length: 5 }, async () => {
				while (Date.now() < end) {
					const r = await limiter.acquire('k|/v5/order/create|derivatives', 10, 1, processes);
					if (Date.now() >= end) {
						limiter.settle(r);
						break;
					}
					grants[p].push(Date.now());
					await new Promise((ok) => setTimeout(ok, 6));
					limiter.settle(r);
				}
			});
		});
		// waiters queued at the end are granted within 2 windows plus a bonus period
		await jest.advanceTimersByTimeAsync(26_000);
		await Promise.all(runs);
		return grants;
	}

	test('4 processes on 10/s: each takes 2 plus a bonus every 2.05 s (about 2.5 per window), never more than 3 in one window', async () => {
		await fc.assert(
			fc.asyncProperty(fc.array(fc.double({ min: 0, max: 0.999, noNaN: true }), { minLength: 4, maxLength: 4 }), async (phases) => {
				const grants = await busy(4, phases);
				const windows = 21_000 / shareFor(10, 4).windowMs;
				for (const g of grants) {
					expect(busiestWindow(g, shareFor(10, 4).windowMs)).toBeLessThanOrEqual(3);
					// the old accounting, where a bonus took a share slot, gave 2 per window
					expect(g.length).toBeGreaterThanOrEqual(Math.floor(2.5 * windows) - 2);
					expect(g.length).toBeLessThanOrEqual(Math.ceil(2.5 * windows) + 3);
				}
			}),
			{ numRuns: 15 },
		);
	}, 60_000);

	test('2 processes on 10/s: 5 each per window, no bonus', async () => {
		const grants = await busy(2, [0.1, 0.7]);
		for (const g of grants) expect(busiestWindow(g, shareFor(10, 2).windowMs)).toBeLessThanOrEqual(5);
		expect(grants.flat().length).toBeGreaterThanOrEqual(10 * Math.floor(21_000 / shareFor(10, 2).windowMs));
	}, 60_000);
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
				(i) => limitBuy(40000 + i, `${tag}-${i}`),
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

	test("4 processes x 25 orders with the count set to 4: none lost, doubled or surfaced", async () => {
		const { apiKey, secret } = sandbox.control.defaultKey;
		const creds = sandboxCredentials(sandbox.restUrl, apiKey, secret, { processesSharingKey: 4 });
		const run = async (runBybit: RunBybit, tag: string) =>
			await runBybit(
				creds,
				(i) => limitBuy(40000 + i, `${tag}-${i}`),
				{ items: Array.from({ length: 25 }, (_, n) => ({ n })), continueOnFail: true },
			);
		const outs = (await Promise.all(['qa', 'qb', 'qc', 'qd'].map(async (tag) => await run(anotherProcess(), tag)))).flat();
		expect(outs.filter((o) => o.json.error !== undefined)).toEqual([]);
		const orders = (sandbox.control.getState().orders as IDataObject[]).filter((o) => /^q[a-d]-/.test(String(o.orderLinkId)));
		expect(orders).toHaveLength(100);
		expect(new Set(orders.map((o) => o.orderLinkId)).size).toBe(100);
		const creates = sandbox.control.requests().filter((r) => r.path === '/v5/order/create');
		const accepted = creates.filter((r) => r.retCode === 0).map((r) => r.time);
		// floor shares alone: 4 x 2 = 8 per window, so at most 4 x 2 x 2 = 16 in any 2.05 s; the bonus slots go beyond
		const perWindow = busiestWindow(accepted, 4 * shareFor(10, 4).windowMs) / 4;
		// eslint-disable-next-line no-console
		console.log(`four processes, count set: ${creates.length - accepted.length} x 10006 answered and re-sent; busiest 4 windows: ${perWindow * 4} accepted (${perWindow.toFixed(2)} per window)`);
		expect(creates.length - accepted.length).toBeLessThanOrEqual(20);
	}, 90_000);

	test("one process busy, the other idle: it borrows the idle share from Bybit's headers (more than 5/s, never above 10/s)", async () => {
		const { apiKey, secret } = sandbox.control.defaultKey;
		const creds = sandboxCredentials(sandbox.restUrl, apiKey, secret, { processesSharingKey: 2 });
		const items: IDataObject[] = Array.from({ length: 40 }, (_, n) => ({ n }));
		const out = await anotherProcess()(
			creds,
			(i) => limitBuy(40000 + i, `solo-${i}`),
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
