import type { ServerResponse } from 'http';

import { createOrderOnce } from '../../../../nodes/Bybit/trading/orderCreate';
import { ok, reply, transportContext, useLoopback, type Seen } from '../../../harness/loopback';

const SECRET = 'idem-secret-0123456789abcdef';
const loop = useLoopback(SECRET);

/** A tiny exchange: creates orders, answers duplicate orderLinkIds like Bybit, lists them. */
let orders: Array<{ orderId: string; orderLinkId: string }>;
let fault: ((s: Seen, res: ServerResponse, accept: () => void) => boolean) | undefined;

beforeEach(() => {
	orders = [];
	fault = undefined;
	loop.handler = (s, res) => {
		if (s.method === 'GET') {
			const linkId = new URLSearchParams(s.query).get('orderLinkId');
			return reply(res, ok({ category: 'linear', list: orders.filter((o) => o.orderLinkId === linkId), nextPageCursor: '' }));
		}
		const body = JSON.parse(s.body);
		const accept = () => {
			orders.push({ orderId: `id-${orders.length + 1}`, orderLinkId: body.orderLinkId ?? '' });
		};
		if (fault && fault(s, res, accept)) return;
		if (body.orderLinkId && orders.some((o) => o.orderLinkId === body.orderLinkId)) {
			return reply(res, { retCode: 110072, retMsg: 'OrderLinkedID is duplicate', result: {}, retExtInfo: {}, time: 1 });
		}
		accept();
		reply(res, ok(orders[orders.length - 1]));
	};
});

const body = (orderLinkId?: string) => ({ category: 'linear', symbol: 'BTCUSDT', side: 'Buy', orderType: 'Market', qty: '0.01', orderLinkId });
const ctx = () => transportContext(loop.base, SECRET);
const creates = () => loop.seen.filter((s) => s.path === '/v5/order/create').length;

describe('createOrderOnce', () => {
	it('accepted then the connection dropped: found by orderLinkId, never sent twice', async () => {
		let dropped = false;
		fault = (_s, res, accept) => {
			if (dropped) return false;
			dropped = true;
			accept();
			res.socket!.destroy();
			return true;
		};
		const result = await createOrderOnce(ctx(), body('alert-1'), 0);
		expect(result).toMatchObject({ orderId: 'id-1', orderLinkId: 'alert-1', recovered: 'lostResponse' });
		expect(orders).toHaveLength(1);
		expect(creates()).toBe(1);
		expect(loop.seen.map((s) => s.path)).toEqual(['/v5/order/create', '/v5/order/realtime']);
	});

	it('a 5xx before Bybit acted: looked up, not found, re-sent once', async () => {
		let failed = false;
		fault = (_s, res) => {
			if (failed) return false;
			failed = true;
			reply(res, 'bad gateway', 502);
			return true;
		};
		const result = await createOrderOnce(ctx(), body('alert-2'), 0);
		expect(result).toMatchObject({ orderId: 'id-1', orderLinkId: 'alert-2' });
		expect(orders).toHaveLength(1);
		expect(loop.seen.map((s) => s.path)).toEqual(['/v5/order/create', '/v5/order/realtime', '/v5/order/history', '/v5/order/create']);
	});

	it('a repeated alert returns the existing order (duplicate orderLinkId)', async () => {
		await createOrderOnce(ctx(), body('alert-3'), 0);
		const again = await createOrderOnce(ctx(), body('alert-3'), 0);
		expect(again).toMatchObject({ orderId: 'id-1', recovered: 'duplicateOrderLinkId' });
		expect(orders).toHaveLength(1);
	});

	it('rate-limited (10006) creates are re-sent: Bybit did not act', async () => {
		let limited = false;
		fault = (_s, res) => {
			if (limited) return false;
			limited = true;
			reply(res, { retCode: 10006, retMsg: 'Too many visits!', result: {} });
			return true;
		};
		await createOrderOnce(ctx(), body('alert-4'), 0);
		expect(orders).toHaveLength(1);
		expect(creates()).toBe(2);
	});

	it('without orderLinkId a lost answer is an error and nothing is re-sent', async () => {
		fault = (_s, res, accept) => {
			accept();
			res.socket!.destroy();
			return true;
		};
		await expect(createOrderOnce(ctx(), body(undefined), 0)).rejects.toThrow(/Could not reach Bybit/);
		expect(creates()).toBe(1);
		expect(orders).toHaveLength(1);
	});

	it('a business error is reported as is, without lookups', async () => {
		fault = (_s, res) => {
			reply(res, { retCode: 110007, retMsg: 'ab not enough for new order', result: {} });
			return true;
		};
		await expect(createOrderOnce(ctx(), body('alert-5'), 0)).rejects.toThrow('Bybit error 110007: ab not enough for new order');
		expect(loop.seen).toHaveLength(1);
	});
});
