/**
 * P2 order flow: 200 orders from 200 input items, through order.createBatch
 * and through 200 single order.create calls, with the sandbox enforcing
 * Bybit's documented per-key order limits (create 10/s, create-batch 10
 * orders/s for linear). Prints requests, wall time, 10006 answers, and wall
 * time as a ratio of the rate-limit floor (the least time the limits allow:
 * with a quota of q orders per rolling second, n orders cannot finish before
 * (ceil(n / q) - 1) seconds).
 */
import type { IDataObject } from 'n8n-workflow';

import { resetRateLimiter } from '../nodes/Bybit/transport/rateLimiter';
import { runBybit, sandboxCredentials } from '../test/harness/execute';
import { startSandbox } from '../test/sandbox';
import { hrtimeMs, type Figure } from './stats';

const ORDERS = 200;
const QUOTA_PER_S = 10;

interface FlowResult {
	requests: number;
	rateLimited: number;
	placed: number;
	wallMs: number;
	errors: number;
}

async function flow(operation: 'createBatch' | 'create'): Promise<FlowResult> {
	resetRateLimiter();
	const sandbox = await startSandbox({ port: 0, rateLimits: true });
	try {
		const { apiKey, secret } = sandbox.control.defaultKey;
		const creds = sandboxCredentials(sandbox.restUrl, apiKey, secret);
		const tag = `p2${operation === 'create' ? 's' : 'b'}`;
		const items: IDataObject[] = Array.from({ length: ORDERS }, (_, n) => ({
			symbol: 'BTCUSDT', side: 'Buy', orderType: 'Limit', qty: '0.001', price: String(40000 + n), orderLinkId: `${tag}-${n}`,
		}));
		const params = (i: number) =>
			operation === 'createBatch'
				? { resource: 'order', operation, category: 'linear', source: 'items' }
				: { resource: 'order', operation, category: 'linear', symbol: 'BTCUSDT', qtyType: 'base', positionIdx: '0', additionalFields: {}, options: {}, ...items[i] };
		const start = process.hrtime.bigint();
		const out = await runBybit(creds, params, { items, continueOnFail: true });
		const wallMs = hrtimeMs(start);
		const path = operation === 'createBatch' ? '/v5/order/create-batch' : '/v5/order/create';
		const requests = sandbox.control.requests().filter((r) => r.path === path);
		const placed = (sandbox.control.getState().orders as IDataObject[]).filter((o) => String(o.orderLinkId).startsWith(`${tag}-`)).length;
		return {
			requests: requests.length,
			rateLimited: requests.filter((r) => r.retCode === 10006).length + out.filter((o) => String(o.json.error ?? '').includes('10006')).length,
			placed,
			wallMs,
			errors: out.filter((o) => o.json.error !== undefined).length,
		};
	} finally {
		await sandbox.close();
	}
}

export async function run(): Promise<Figure[]> {
	const floorMs = (Math.ceil(ORDERS / QUOTA_PER_S) - 1) * 1000;
	const batch = await flow('createBatch');
	const single = await flow('create');
	const figure = (id: string, name: string, r: FlowResult): Figure => {
		const ratio = r.wallMs / floorMs;
		return {
			id,
			name,
			value: `${ratio.toFixed(2)}x floor`,
			target: '<= 1.10x, 0 x 10006',
			met: ratio <= 1.1 && r.rateLimited === 0 && r.placed === ORDERS && r.errors === 0,
			note: `${r.requests} requests, ${(r.wallMs / 1000).toFixed(1)} s (floor ${floorMs / 1000} s), ${r.rateLimited} rate-limited, ${r.placed}/${ORDERS} placed, ${r.errors} errors`,
		};
	};
	return [
		figure('P2a', `${ORDERS} orders through createBatch (10 per request)`, batch),
		figure('P2b', `${ORDERS} orders through single create calls`, single),
	];
}
