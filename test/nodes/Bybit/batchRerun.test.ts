/**
 * Issue #21, observation 3: a batch Bybit accepts in part must not be placed
 * twice when the node runs again with the same input (Retry On Fail, or
 * re-running the failed execution: a new execution), and every order has one
 * outcome the user can see (placed with its ids, or refused with Bybit's code
 * and hint), with or without Continue On Fail. On the sandbox's wire.
 */
import type { IDataObject, IExecuteFunctions, NodeExecutionHint } from 'n8n-workflow';

import { Bybit } from '../../../nodes/Bybit/Bybit.node';

import { clearPositionModeCache } from '../../../nodes/Bybit/actions/positionIdx';
import { resetRateLimiter } from '../../../nodes/Bybit/transport/rateLimiter';
import { executeContext, runBybit, sandboxCredentials } from '../../harness/execute';
import { runInN8n } from '../../harness/n8nCore';
import { startSandbox, type Sandbox } from '../../sandbox';

let sandbox: Sandbox;
let creds: ReturnType<typeof sandboxCredentials>;

beforeEach(async () => {
	resetRateLimiter();
	clearPositionModeCache();
	sandbox = await startSandbox({ port: 0 });
	creds = sandboxCredentials(sandbox.restUrl, sandbox.control.defaultKey.apiKey, sandbox.control.defaultKey.secret);
});
afterEach(() => sandbox.close());

const DERIVED = /^n8n-[0-9a-f]{32}$/;
/** A 0.001 BTCUSDT limit buy well below the market: it stays open. */
const good = (n: number): IDataObject => ({ symbol: 'BTCUSDT', side: 'Buy', orderType: 'Limit', qty: '0.001', price: String(40000 + n * 10) });
/** Needs far more margin than the sandbox account has: Bybit refuses it with 110007. */
const tooLarge = (): IDataObject => ({ symbol: 'BTCUSDT', side: 'Buy', orderType: 'Limit', qty: '1000', price: '40000' });
const FIVE_AND_ONE = [good(1), good(2), good(3), tooLarge(), good(4), good(5)];
const params = { resource: 'order', operation: 'createBatch', category: 'linear', source: 'items' };

const batchCalls = () => sandbox.control.requests().filter((r) => r.path === '/v5/order/create-batch');
const bodies = () => batchCalls().map((r) => JSON.parse(r.body) as { category: unknown; request: IDataObject[] });
const orders = () => sandbox.control.getState().orders as IDataObject[];
const open = () => orders().filter((o) => o.orderStatus === 'New');
const item = (o: { pairedItem?: unknown }) => (o.pairedItem as { item: number }).item;

interface BatchContext {
	placed: Array<{ itemIndex: number; place: number; orderId: string; orderLinkId: string; recovered?: string }>;
	refused: Array<{ itemIndex: number; place: number; orderLinkId?: string; message: string; hint?: string; retCode?: number }>;
}
const batchOf = (error: unknown) => (error as { context: { batch: BatchContext } }).context.batch;

describe('Create Batch run again with the same input (5 good orders + 1 too large)', () => {
	it('Retry On Fail in n8n\'s engine: the retry sends the same orderLinkIds, 5 orders stay open, the error lists all 6 outcomes', async () => {
		const run = await runInN8n(creds, params, { items: FIVE_AND_ONE, settings: { retryOnFail: true, maxTries: 2, waitBetweenTries: 0 } });
		expect(run.output).toBeUndefined();
		expect(open()).toHaveLength(5);
		expect(orders()).toHaveLength(5);

		// the wire: two tries, each one request of the 6 orders with the same derived ids, Bybit's JSON types
		const sent = bodies();
		expect(sent).toHaveLength(2);
		for (const body of sent) {
			expect(body.category).toBe('linear');
			expect(body.request).toHaveLength(6);
			for (const [n, o] of body.request.entries()) {
				expect(Object.keys(o).sort()).toEqual(['orderLinkId', 'orderType', 'price', 'qty', 'side', 'symbol']);
				for (const value of Object.values(o)) expect(typeof value).toBe('string');
				expect(o).toMatchObject(FIVE_AND_ONE[n]);
				expect(o.orderLinkId).toMatch(DERIVED);
			}
		}
		const ids = sent[0].request.map((o) => o.orderLinkId);
		expect(new Set(ids).size).toBe(6);
		expect(sent[1].request.map((o) => o.orderLinkId)).toEqual(ids);
		expect(batchCalls().map((c) => c.retCode)).toEqual([0, 0]); // per-order answers are in retExtInfo

		// the error of the last try: Bybit's refusal first, then every order's outcome
		const error = run.error as Error & { description?: string };
		expect(error.message).toMatch(/^Bybit error 110007: .*\(order n8n-[0-9a-f]{32} of a batch\) \[5 of 6 orders of the batch placed, 1 not: see the details\]$/);
		const batch = batchOf(error);
		expect(batch.placed.map((p) => p.itemIndex)).toEqual([0, 1, 2, 4, 5]);
		expect(batch.placed.every((p) => p.recovered === 'duplicateOrderLinkId')).toBe(true);
		const byLink = new Map(orders().map((o) => [String(o.orderLinkId), String(o.orderId)]));
		for (const p of batch.placed) {
			expect(p.orderId).toBe(byLink.get(p.orderLinkId));
			expect(error.description).toContain(`input item ${p.itemIndex}, order 1: orderId ${p.orderId}, orderLinkId ${p.orderLinkId}`);
		}
		expect(batch.refused).toEqual([expect.objectContaining({ itemIndex: 3, place: 1, orderLinkId: ids[3], retCode: 110007 })]);
		expect(error.description).toMatch(/Not placed \(1 of 6\):\n- input item 3, order 1, orderLinkId n8n-[0-9a-f]{32}: Bybit error 110007/);
	});

	it('a new execution of the same workflow (re-running the failed one): still 5 open orders, the refused order sent again', async () => {
		const first = await runInN8n(creds, params, { items: FIVE_AND_ONE, executionId: 'exec-1' });
		expect(first.error?.message).toMatch(/^Bybit error 110007/);
		expect(open()).toHaveLength(5);
		const firstIds = bodies()[0].request.map((o) => o.orderLinkId);

		const again = await runInN8n(creds, params, { items: FIVE_AND_ONE, executionId: 'exec-2' });
		expect(again.error?.message).toMatch(/\[5 of 6 orders of the batch placed, 1 not/);
		expect(open()).toHaveLength(5);
		expect(orders()).toHaveLength(5);
		expect(bodies()[1].request.map((o) => o.orderLinkId)).toEqual(firstIds);

		// once the account can carry it, the refused order is placed, once, and the others are not doubled
		sandbox.control.fund('USDT', '100000000');
		const third = await runInN8n(creds, params, { items: FIVE_AND_ONE, executionId: 'exec-3' });
		expect(third.error).toBeUndefined();
		expect(third.output?.map((o) => o.json.recovered)).toEqual(['duplicateOrderLinkId', 'duplicateOrderLinkId', 'duplicateOrderLinkId', undefined, 'duplicateOrderLinkId', 'duplicateOrderLinkId']);
		expect(open()).toHaveLength(6);
		expect(new Set(orders().map((o) => o.orderLinkId))).toEqual(new Set(firstIds));
	});

	it('Continue On Fail: one item per order, placed with its ids or refused with Bybit\'s code and hint; a re-run places nothing twice', async () => {
		for (const run of [1, 2]) {
			const out = await runBybit(creds, params, { items: FIVE_AND_ONE, continueOnFail: true });
			expect(out.map(item).sort()).toEqual([0, 1, 2, 3, 4, 5]);
			const refused = out.find((o) => item(o) === 3)!.json;
			expect(Object.keys(refused).sort()).toEqual(['details', 'error']); // n8n's error-output keys only
			expect(String(refused.error)).toMatch(/^Bybit error 110007: .*\(order n8n-[0-9a-f]{32} of a batch\)$/);
			expect(String(refused.details)).toMatch(/\S/);
			for (const o of out.filter((x) => item(x) !== 3)) {
				expect(o.json).toMatchObject({ retCode: 0, orderLinkId: expect.stringMatching(DERIVED), orderId: expect.any(String) });
				expect(o.json.recovered).toBe(run === 1 ? undefined : 'duplicateOrderLinkId');
			}
			expect(open()).toHaveLength(5);
		}
	});

	it('an orderLinkId set by the user is sent as it is; identical orders in one batch are two orders, and stay two', async () => {
		const items = [{ ...good(1), orderLinkId: 'mine-1' }, good(2), good(2)];
		const first = await runBybit(creds, params, { items });
		expect(bodies()[0].request.map((o) => o.orderLinkId)).toEqual(['mine-1', expect.stringMatching(DERIVED), expect.stringMatching(DERIVED)]);
		expect(new Set(first.map((o) => o.json.orderLinkId)).size).toBe(3);
		await runBybit(creds, params, { items });
		expect(orders()).toHaveLength(3);
	});

	it('a deliberate second batch: another scope (e.g. {{ $execution.id }}) gives new orderLinkIds and places the orders again; another workflow too', async () => {
		const items = [good(1), good(2)];
		await runBybit(creds, { ...params, options: { linkIdScope: 'exec-1' } }, { items });
		await runBybit(creds, { ...params, options: { linkIdScope: 'exec-1' } }, { items });
		expect(orders()).toHaveLength(2);
		await runBybit(creds, { ...params, options: { linkIdScope: 'exec-2' } }, { items });
		expect(orders()).toHaveLength(4);
		await runBybit(creds, params, { items, workflowId: 'another-workflow' });
		expect(orders()).toHaveLength(6);
		expect(new Set(orders().map((o) => o.orderLinkId)).size).toBe(6);
	});

	it('a JSON list: the error names each order by its place in the item\'s list', async () => {
		const list = (i: number) => ({ ...params, source: 'json', orders: JSON.stringify(i === 0 ? [good(1), tooLarge()] : [good(2)]) });
		const error = await runBybit(creds, list, { items: [{}, {}] }).catch((e: unknown) => e);
		const batch = batchOf(error);
		expect(batch.placed.map((p) => [p.itemIndex, p.place])).toEqual([[0, 1], [1, 1]]);
		expect(batch.refused.map((r) => [r.itemIndex, r.place, r.retCode])).toEqual([[0, 2, 110007]]);
		await runBybit(creds, list, { items: [{}, {}] }).catch((e: unknown) => e);
		expect(orders()).toHaveLength(2);
	});

	it('Cancel Batch reports the same way: the error names the cancelled order and the one Bybit refused', async () => {
		await runBybit(creds, params, { items: [{ ...good(1), orderLinkId: 'c-1' }] });
		const cancel = { resource: 'order', operation: 'cancelBatch', category: 'linear', source: 'items' };
		const error = (await runBybit(creds, cancel, { items: [{ symbol: 'BTCUSDT', orderLinkId: 'c-1' }, { symbol: 'BTCUSDT', orderLinkId: 'c-unknown' }] }).catch((e: unknown) => e)) as Error & { description: string };
		expect(error.message).toMatch(/^Bybit error \d+: .*\[1 of 2 orders of the batch cancelled, 1 not: see the details\]$/);
		expect(error.description).toMatch(/Cancelled \(1 of 2\):\n- input item 0, order 1: orderId \S+, orderLinkId c-1\nNot cancelled \(1 of 2\):\n- input item 1, order 1, orderLinkId c-unknown: /);
		expect(error.description).not.toMatch(/Running the node again/);
		expect(orders().find((o) => o.orderLinkId === 'c-1')?.orderStatus).toBe('Cancelled');
	});

	it('a re-run says so above the output: how many orders already existed, and how to place them again on purpose', async () => {
		const run = async () => {
			const hints: NodeExecutionHint[] = [];
			const ctx = Object.assign(executeContext(creds, params, { items: [good(1), good(2)] }), { getMode: () => 'trigger', addExecutionHints: (...h: NodeExecutionHint[]) => hints.push(...h) });
			await new Bybit().execute.call(ctx as unknown as IExecuteFunctions);
			return hints;
		};
		expect(await run()).toEqual([]);
		expect(await run()).toEqual([expect.objectContaining({ type: 'info', message: expect.stringMatching(/^2 of 2 orders already existed under the same orderLinkId .*Order Link ID Scope per run/) })]);
		expect(orders()).toHaveLength(2);
	});
});
