/**
 * Fault suite, earn stakes and redemptions (Stake / Redeem is write-once by
 * orderLinkId): items are sent while the sandbox injects faults (one request in three, the kind at random) on
 * /v5/earn/place-order (answers lost after the exchange acted, resets before
 * processing, HTTP 503, 10006). Every order must exist exactly once, every
 * item must report it, and the FUND balance must move by exactly the sum of
 * the items. A share come without an orderLinkId (the node generates one).
 * Prints its figures.
 */
import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import { resetRateLimiter } from '../../nodes/Bybit/transport/rateLimiter';
import { runBybit, sandboxCredentials } from '../harness/execute';
import { prng } from '../harness/prng';
import { injectRestFaults } from './injector';
import { startSandbox, type Sandbox } from '../sandbox';

jest.setTimeout(180_000);

const STAKES = 96;
const REDEEMS = 48;
const KEYS = 4;
const PATH = '/v5/earn/place-order';

let sandbox: Sandbox;
beforeEach(async () => {
	resetRateLimiter();
	sandbox = await startSandbox({ port: 0, rateLimits: false });
	sandbox.control.fund('USDT', '1000000', 'FUND');
});
afterEach(async () => {
	await sandbox.close();
});

async function fundBalance(creds: ReturnType<typeof sandboxCredentials>): Promise<number> {
	const [out] = await runBybit(creds, { resource: 'asset', operation: 'getSingleCoinBalance', accountType: 'FUND', coin: 'USDT' });
	return Number((out.json.balance as IDataObject).walletBalance);
}

it(`${STAKES} stakes and ${REDEEMS} redemptions under injected faults: 0 duplicates, 0 lost`, async () => {
	const random = prng(20261201);
	// one place-order request in three meets a fault, armed as it arrives
	const injected = injectRestFaults(sandbox.control, [PATH], 3, random);

	const keys = Array.from({ length: KEYS }, (_, k) => (k === 0 ? sandbox.control.defaultKey : sandbox.control.createKey({ apiKey: `EARNKEY${k}`.padEnd(18, '0') })));
	const creds = keys.map((key) => sandboxCredentials(sandbox.restUrl, key.apiKey, key.secret));
	const before = await fundBalance(creds[0]);
	const started = Date.now();
	const run = (orderType: 'Stake' | 'Redeem', total: number, amount: (n: number) => number) =>
		Promise.all(
			creds.map((c, k) => {
				const items = Array.from({ length: total / KEYS }, (_, i) => {
					const n = k * (total / KEYS) + i;
					// one order in three without an orderLinkId
					return { n, orderLinkId: n % 3 ? `${orderType.toLowerCase()}-${n}` : undefined };
				});
				return runBybit(
					c,
					(i) => ({
						resource: 'earn', operation: 'stakeOrRedeem', category: 'FlexibleSaving', orderType, accountType: 'FUND', coin: 'USDT', productId: '428',
						amount: String(amount(items[i].n)), additionalFields: items[i].orderLinkId ? { orderLinkId: items[i].orderLinkId } : {},
					}),
					{ items: items as unknown as IDataObject[], continueOnFail: true },
				);
			}),
		).then((runs) => runs.flat());
	const stakeAmount = (n: number) => 10 + (n % 7);
	const redeemAmount = (n: number) => 1 + (n % 5);
	const stakes: INodeExecutionData[] = await run('Stake', STAKES, stakeAmount);
	const redeems: INodeExecutionData[] = await run('Redeem', REDEEMS, redeemAmount);
	sandbox.control.onArrival(undefined);
	sandbox.control.clearFaults();

	const orders = (await runBybit(creds[0], { resource: 'earn', operation: 'getOrderHistory', category: 'FlexibleSaving', returnAll: true })).map((o) => o.json);
	const outputs = [...stakes, ...redeems];
	const failed = outputs.filter((o) => o.json.error !== undefined);
	const recovered = outputs.filter((o) => o.json.recovered !== undefined).length;
	const links = orders.map((o) => String(o.orderLinkId));
	const duplicates = links.length - new Set(links).size;
	const lost = STAKES + REDEEMS - new Set(links).size;
	const staked = Array.from({ length: STAKES }, (_, n) => stakeAmount(n)).reduce((a, b) => a + b, 0);
	const redeemed = Array.from({ length: REDEEMS }, (_, n) => redeemAmount(n)).reduce((a, b) => a + b, 0);
	const [position] = await runBybit(creds[0], { resource: 'earn', operation: 'getPositions', category: 'FlexibleSaving', additionalFields: { productId: '428' } });
	const after = await fundBalance(creds[0]);
	process.stdout.write(
		`fault suite (earn): ${STAKES} stakes and ${REDEEMS} redemptions over ${KEYS} keys in ${((Date.now() - started) / 1000).toFixed(1)} s; ` +
			`injected ${Object.entries(injected).map(([k, v]) => `${k} ${v}`).join(', ')}; ${sandbox.control.requests().filter((r) => r.path === PATH).length} place-order requests; ` +
			`${recovered} answers recovered by orderLinkId lookup; ${duplicates} duplicates, ${lost} lost, ${failed.length} items failed\n`,
	);
	expect(failed.map((f) => f.json.error)).toEqual([]);
	expect(duplicates).toBe(0);
	expect(lost).toBe(0);
	expect(orders).toHaveLength(STAKES + REDEEMS);
	// every item reports the order that exists for its orderLinkId
	const byLink = new Map(orders.map((o) => [String(o.orderLinkId), String(o.orderId)]));
	for (const out of outputs) expect(out.json.orderId).toBe(byLink.get(String(out.json.orderLinkId)));
	expect(new Set(outputs.map((o) => o.json.orderLinkId)).size).toBe(STAKES + REDEEMS);
	// money moved exactly once per item: principal staked minus redeemed, FUND down by the same less the yield paid
	expect(Number(position.json.amount)).toBeCloseTo(staked - redeemed, 8);
	expect(before - after).toBeGreaterThan(staked - redeemed - 0.01);
	expect(before - after).toBeLessThanOrEqual(staked - redeemed + 1e-9);
	expect(recovered).toBeGreaterThan(5);
	expect(injected.acceptThenDrop).toBeGreaterThan(5);
});
