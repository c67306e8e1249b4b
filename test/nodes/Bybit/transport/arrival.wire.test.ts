/**
 * On the wire: the rate limiter dates a slot from when Bybit stamped the answer, not from when this
 * process read it. The sandbox counts each order, stamps its answer, then holds the answer 900 ms
 * (a busy worker reading it late, a slow return path). 20 concurrent orders on create's 10/s: the
 * eleventh may go once the first left Bybit's window (1 s after it arrived), not 900 ms later.
 */
import type { IDataObject } from 'n8n-workflow';

import { resetRateLimiter } from '../../../../nodes/Bybit/transport/rateLimiter';
import { limitBuy, runBybit, sandboxCredentials } from '../../../harness/execute';
import { busiestWindow } from '../../../harness/windows';
import { startSandbox, type Sandbox } from '../../../sandbox';

const HOLD_MS = 900; // under the 1 s window: a longer hold makes every order wait for its answer anyway (a slot in flight is held until Bybit's stamp is known)

describe('slots dated from Bybit\'s stamp (answers read late)', () => {
	let sandbox: Sandbox;
	beforeEach(async () => {
		resetRateLimiter();
		sandbox = await startSandbox({ port: 0, rateLimits: true });
	});
	afterEach(async () => {
		await sandbox.close();
	});

	test('20 concurrent orders, every answer held 900 ms: no 10006, never above 10 in any second, and the second ten go about 1 s after the first', async () => {
		const { apiKey, secret } = sandbox.control.defaultKey;
		const creds = sandboxCredentials(sandbox.restUrl, apiKey, secret);
		// warm the instrument and ticker caches, and let one quick answer teach the clock bound
		const warm = await runBybit(creds, limitBuy(40000, 'warm-0'));
		expect(warm[0].json.error).toBeUndefined();
		await new Promise((r) => setTimeout(r, 1100)); // the warm-up order leaves the window
		const seen = sandbox.control.requests().length;
		sandbox.control.delayNext(20, HOLD_MS, '/v5/order/create');
		const outs = await Promise.all(
			Array.from({ length: 20 }, async (_, n) =>
				await runBybit(creds, limitBuy(40001 + n, `late-${n}`)),
			),
		);
		expect(outs.flat().filter((o) => o.json.error !== undefined)).toEqual([]);
		const creates = sandbox.control.requests().slice(seen).filter((r) => r.path === '/v5/order/create');
		expect(creates.filter((r) => r.retCode === 10006)).toHaveLength(0);
		expect(creates).toHaveLength(20);
		const arrivals = creates.map((r) => r.time).sort((a, b) => a - b);
		expect(busiestWindow(arrivals, 1000)).toBeLessThanOrEqual(10);
		const gap = arrivals[10] - arrivals[0];
		// eslint-disable-next-line no-console
		console.log(`answers held ${HOLD_MS} ms: the eleventh order arrived ${gap} ms after the first (dated from the answer: >= ${1025 + HOLD_MS} ms)`);
		expect(gap).toBeGreaterThanOrEqual(1000);
		// dated from the answer it would be >= 1025 + HOLD_MS; the bound leaves a busy machine ~700 ms of its own
		expect(gap).toBeLessThan(1025 + HOLD_MS - 150);
		const orders = (sandbox.control.getState().orders as IDataObject[]).filter((o) => String(o.orderLinkId).startsWith('late-'));
		expect(new Set(orders.map((o) => o.orderLinkId)).size).toBe(20);
	}, 30_000);
});
