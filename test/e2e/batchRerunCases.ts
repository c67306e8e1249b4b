/**
 * Create Batch run again in real n8n (issue #21, observation 3): 5 good
 * orders and 1 too large for the account (Bybit: 110007), the node with
 * Retry On Fail and "On Error: Continue (using error output)", the workflow
 * executed twice with `n8n execute` (two executions, as re-running a failed
 * one from the list). The orders without an orderLinkId get ids derived from
 * the workflow, the node and the order, so the second execution meets
 * 110072 for the 5 placed ones: still 5 orders, each output item naming the
 * order Bybit has (`recovered`), and the refused order on the error output.
 * (Retry On Fail with the node failing runs in n8n's engine in process:
 * test/nodes/Bybit/batchRerun.test.ts; `n8n execute` treats a failed
 * execution as a failed command.) Kept apart from cases.ts so case lists
 * merge cleanly.
 */
import { bybitCredRef, sandboxOrders, type ExecuteCase, type Json } from './support';

/** Prices only this case uses, so the shared sandbox's other orders do not count. */
const PRICES = ['41001', '41002', '41003', '41004', '41005'];
const ORDERS = [
	...PRICES.slice(0, 3).map((price) => ({ symbol: 'BTCUSDT', side: 'Buy', orderType: 'Limit', qty: '0.001', price })),
	{ symbol: 'BTCUSDT', side: 'Buy', orderType: 'Limit', qty: '1000', price: '41000' },
	...PRICES.slice(3).map((price) => ({ symbol: 'BTCUSDT', side: 'Buy', orderType: 'Limit', qty: '0.001', price })),
];

const bodyOf = (body: unknown) => (typeof body === 'string' ? JSON.parse(body) : body) as { request?: Json[] };

export const BATCH_RERUN_CASES: ExecuteCase[] = [
	{
		title: 'Create Batch, 5 good + 1 too large, executed twice: still 5 orders; the second execution returns them as recovered',
		needs: ['action'],
		executions: 2,
		workflow: () => ({
			id: 'e2eBatchRerun',
			name: 'e2e e2eBatchRerun',
			nodes: [
				{ id: 'e2eBatchRerun-0', name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} },
				{
					id: 'e2eBatchRerun-1',
					name: 'Batch',
					type: 'n8n-nodes-bybit.bybit',
					typeVersion: 1,
					position: [220, 0],
					parameters: { resource: 'order', operation: 'createBatch', category: 'linear', source: 'json', orders: JSON.stringify(ORDERS) },
					credentials: bybitCredRef,
					retryOnFail: true,
					maxTries: 2,
					waitBetweenTries: 0,
					onError: 'continueErrorOutput',
				},
			],
			connections: { Start: { main: [[{ node: 'Batch', type: 'main', index: 0 }]] } },
			settings: { executionOrder: 'v1' },
		}),
		check: (out, { sandbox, requests }) => {
			const mine = sandboxOrders(sandbox.control.getState()).filter((o) => PRICES.includes(String(Number(o.price))) || Number(o.qty) === 1000);
			expect(mine).toHaveLength(5);
			expect(mine.every((o) => o.orderStatus === 'New' && /^n8n-[0-9a-f]{32}$/.test(String(o.orderLinkId)))).toBe(true);
			expect(new Set(mine.map((o) => o.orderLinkId)).size).toBe(5);

			// the second execution: one request of the 6 orders, the same derived ids, each placed one recovered
			const batches = requests.filter((r) => r.path === '/v5/order/create-batch').map((r) => bodyOf(r.body).request ?? []);
			expect(batches).toHaveLength(1);
			expect(batches[0]).toHaveLength(6);
			const sent = batches[0].map((o) => String(o.orderLinkId));
			expect(new Set(mine.map((o) => String(o.orderLinkId)))).toEqual(new Set(sent.filter((_, n) => n !== 3)));
			expect(out.Batch).toHaveLength(5);
			const byLink = new Map(mine.map((o) => [String(o.orderLinkId), String(o.orderId)]));
			for (const item of out.Batch) {
				expect(item).toMatchObject({ recovered: 'duplicateOrderLinkId', retCode: 0 });
				expect(item.orderId).toBe(byLink.get(String(item.orderLinkId)));
			}
		},
	},
];
