import type { IDataObject } from 'n8n-workflow';

import { batchSize } from '../../../nodes/Bybit/actions/batch';
import { clearPositionModeCache } from '../../../nodes/Bybit/actions/positionIdx';
import { resetRateLimiter } from '../../../nodes/Bybit/transport/rateLimiter';
import { runBybit, sandboxCredentials } from '../../harness/execute';
import { bybitApiRequestEnvelope } from '../../../nodes/Bybit/transport';
import { transportContext } from '../../harness/loopback';
import { startSandbox, type Sandbox } from '../../sandbox';

let sandbox: Sandbox;
let creds: ReturnType<typeof sandboxCredentials>;

beforeEach(async () => {
	resetRateLimiter();
	clearPositionModeCache();
	sandbox = await startSandbox({ port: 0, rateLimits: true });
	creds = sandboxCredentials(sandbox.restUrl, sandbox.control.defaultKey.apiKey, sandbox.control.defaultKey.secret);
});
afterEach(() => sandbox.close());

const limitOrder = (n: number, tag: string): IDataObject => ({ symbol: 'BTCUSDT', side: 'Buy', orderType: 'Limit', qty: '0.001', price: String(40000 + n), orderLinkId: `${tag}-${n}` });
const batchCalls = () => sandbox.control.requests().filter((r) => r.path === '/v5/order/create-batch');
const ordersTagged = (tag: string) => (sandbox.control.getState().orders as IDataObject[]).filter((o) => String(o.orderLinkId).startsWith(`${tag}-`));

describe('order.createBatch against Bybit\'s per-order batch quota', () => {
	it('sizes requests by the quota: linear 10 (each order counts against 10/s), spot 10, option 20 (counted per request)', () => {
		expect(batchSize('linear', '/v5/order/create-batch')).toBe(10);
		expect(batchSize('inverse', '/v5/order/create-batch')).toBe(10);
		expect(batchSize('spot', '/v5/order/create-batch')).toBe(10);
		expect(batchSize('option', '/v5/order/create-batch')).toBe(20);
	});

	it('places 35 orders from input items in 4 paced requests, none refused by the limit, each paired to its item', async () => {
		const items = Array.from({ length: 35 }, (_, n) => limitOrder(n, 'b35'));
		const out = await runBybit(creds, { resource: 'order', operation: 'createBatch', category: 'linear', source: 'items' }, { items });
		expect(out).toHaveLength(35);
		expect(out.map((o) => (o.pairedItem as { item: number }).item).sort((a, b) => a - b)).toEqual(items.map((_, n) => n));
		expect(out.every((o) => o.json.retCode === 0)).toBe(true);
		const calls = batchCalls();
		expect(calls.map((c) => JSON.parse(c.body).request.length)).toEqual([10, 10, 10, 5]);
		expect(calls.every((c) => c.retCode === 0)).toBe(true);
		expect(ordersTagged('b35')).toHaveLength(35);
	});

	it('re-sends only the orders the limit refused, so each order exists exactly once', async () => {
		// another client used 6 of the 10 slots of this second: the node's first batch gets 4 through
		const ctx = transportContext(sandbox.restUrl, sandbox.control.defaultKey.secret, { apiKey: sandbox.control.defaultKey.apiKey });
		const other = await bybitApiRequestEnvelope.call(ctx, { method: 'POST', path: '/v5/order/create-batch', body: { category: 'linear', request: Array.from({ length: 6 }, (_, n) => limitOrder(n, 'other')) } });
		expect(other.retCode).toBe(0);
		resetRateLimiter(); // the node's limiter does not know about the other client
		const items = Array.from({ length: 10 }, (_, n) => limitOrder(n, 'r10'));
		const out = await runBybit(creds, { resource: 'order', operation: 'createBatch', category: 'linear', source: 'items' }, { items });
		expect(out.every((o) => o.json.retCode === 0)).toBe(true);
		expect(out).toHaveLength(10);
		const mine = ordersTagged('r10');
		expect(mine).toHaveLength(10);
		expect(new Set(mine.map((o) => o.orderLinkId)).size).toBe(10);
		const sizes = batchCalls().slice(1).map((c) => JSON.parse(c.body).request.length);
		expect(sizes[0]).toBe(10);
		expect(sizes.slice(1).reduce((a, b) => a + b, 0)).toBe(6); // the refused 6, and nothing else, sent again
	});
});
