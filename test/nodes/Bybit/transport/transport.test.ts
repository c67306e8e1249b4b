import type { IDataObject } from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';

import { setClockOffset } from '../../../../credentials/common/bybit/clock';
import {
	bybitApiRequest,
	bybitApiRequestAllItems,
	bybitApiRequestEnvelope,
	rowsOf,
	type BybitContext,
} from '../../../../nodes/Bybit/transport';
import { ok, reply, transportContext, useLoopback } from '../../../harness/loopback';

const SECRET = 'transport-secret-abcdef0123456789';

const loop = useLoopback(SECRET);
let base: string;

beforeEach(() => {
	base = loop.base;
	setClockOffset(base, 0);
	loop.handler = (_s, res) => reply(res, ok({}));
});

function context(): BybitContext {
	return transportContext(base, SECRET);
}

describe('bybitApiRequest', () => {
	it('returns result and signs every request', async () => {
		loop.handler = (_s, res) => reply(res, ok({ timeSecond: '1' }));
		const result = await bybitApiRequest.call(context(), { method: 'GET', path: '/v5/market/time' });
		expect(result).toEqual({ timeSecond: '1' });
		expect(loop.seen[0].validSignature).toBe(true);
	});

	it('turns an HTTP-200 retCode into a NodeApiError with code, message and hint, without secrets', async () => {
		loop.handler = (_s, res) => reply(res, { retCode: 10004, retMsg: 'error sign!', result: {}, retExtInfo: {}, time: 1 });
		const error = await bybitApiRequest.call(context(), { method: 'POST', path: '/v5/order/create', body: { a: 1 } }).catch((e) => e);
		expect(error).toBeInstanceOf(NodeApiError);
		expect(error.message).toBe('Bybit error 10004: error sign!');
		expect(error.description).toMatch(/API secret .* wrong/);
		expect(JSON.stringify(error)).not.toContain(SECRET);
		expect(JSON.stringify({ ...error, stack: error.stack })).not.toMatch(/X-BAPI-SIGN/i);
		expect(loop.seen).toHaveLength(1);
	});

	it('re-syncs the clock once after 10002 and retries with a corrected timestamp', async () => {
		const serverSkew = 60_000; // the "exchange" runs a minute ahead
		loop.handler = (s, res) => {
			if (s.path === '/v5/market/time') {
				const now = Date.now() + serverSkew;
				return reply(res, ok({ timeSecond: String(Math.floor(now / 1000)), timeNano: `${now}000000` }));
			}
			const serverNow = Date.now() + serverSkew;
			if (s.timestamp < serverNow - 5000 || s.timestamp >= serverNow + 1000) {
				return reply(res, { retCode: 10002, retMsg: 'invalid request, please check your server timestamp or recv_window param', result: {}, time: serverNow });
			}
			reply(res, ok({ orderId: 'o1' }));
		};
		const result = await bybitApiRequest.call(context(), { method: 'POST', path: '/v5/order/create', body: { orderLinkId: 'x' } });
		expect(result).toEqual({ orderId: 'o1' });
		expect(loop.seen.map((s) => s.path)).toEqual(['/v5/order/create', '/v5/market/time', '/v5/order/create']);
		expect(Math.abs(loop.seen[2].timestamp - (Date.now() + serverSkew))).toBeLessThan(2000);
	});

	it('after a failed re-sync, states the measured offset', async () => {
		loop.handler = (s, res) => {
			if (s.path === '/v5/market/time') return reply(res, ok({ timeNano: `${Date.now() + 30_000}000000` }));
			reply(res, { retCode: 10002, retMsg: 'timestamp', result: {} });
		};
		const error = await bybitApiRequest.call(context(), { method: 'GET', path: '/v5/order/realtime' }).catch((e) => e);
		expect(error.description).toMatch(/Measured clock offset to Bybit: (29|30)\d{3} ms/);
		// re-synced, sent again, measured again: the clock had not moved, so no third send
		expect(loop.seen.map((s) => s.path)).toEqual(['/v5/order/realtime', '/v5/market/time', '/v5/order/realtime', '/v5/market/time']);
	});

	it('re-syncs a second time when the clock moved again in between (10002 is refused before acting)', async () => {
		let skew = 30_000;
		let sends = 0;
		loop.handler = (s, res) => {
			if (s.path === '/v5/market/time') return reply(res, ok({ timeNano: `${Date.now() + skew}000000` }));
			sends++;
			if (sends === 2) skew = -30_000; // the exchange clock jumps while the first retry is on its way
			if (Math.abs(s.timestamp - (Date.now() + skew)) > 5000) return reply(res, { retCode: 10002, retMsg: 'timestamp', result: {} });
			reply(res, ok({ list: [] }));
		};
		const result = await bybitApiRequest.call(context(), { method: 'GET', path: '/v5/order/realtime' });
		expect(result).toEqual({ list: [] });
		expect(loop.seen.map((s) => s.path)).toEqual(['/v5/order/realtime', '/v5/market/time', '/v5/order/realtime', '/v5/market/time', '/v5/order/realtime']);
	});

	it('explains HTTP 403 as a region block or IP ban', async () => {
		loop.handler = (_s, res) => reply(res, 'Forbidden', 403);
		const error = await bybitApiRequest.call(context(), { method: 'GET', path: '/v5/market/time' }).catch((e) => e);
		expect(error.message).toBe('Bybit answered HTTP 403');
		expect(error.description).toMatch(/blocked region .* banned/);
	});

	it('retries a read after 5xx, never a write without retrySafe', async () => {
		let calls = 0;
		loop.handler = (_s, res) => (++calls === 1 ? reply(res, 'oops', 502) : reply(res, ok({ list: [] })));
		await bybitApiRequest.call(context(), { method: 'GET', path: '/v5/order/realtime' });
		expect(loop.seen).toHaveLength(2);
		loop.seen.length = 0;
		calls = 0;
		const error = await bybitApiRequest.call(context(), { method: 'POST', path: '/v5/order/create', body: {} }).catch((e) => e);
		expect(error.message).toBe('Bybit answered HTTP 502');
		expect(loop.seen).toHaveLength(1);
	});

	it('a dropped connection on a write is reported as "outcome unknown" and not re-sent', async () => {
		loop.handler = (_s, res) => res.socket?.destroy();
		const error = await bybitApiRequest.call(context(), { method: 'POST', path: '/v5/order/create', body: {} }).catch((e) => e);
		expect(error.message).toMatch(/^Could not reach Bybit/);
		expect(error.description).toMatch(/may or may not have reached Bybit/);
		expect(loop.seen).toHaveLength(1);
	});

	it('waits for X-Bapi-Limit-Reset-Timestamp after 10006 and retries a read', async () => {
		let calls = 0;
		let resetAt = 0;
		loop.handler = (_s, res) => {
			if (++calls === 1) {
				resetAt = Date.now() + 300;
				return reply(res, { retCode: 10006, retMsg: 'Too many visits!', result: {} }, 200, {
					'X-Bapi-Limit': '50',
					'X-Bapi-Limit-Status': '0',
					'X-Bapi-Limit-Reset-Timestamp': String(resetAt),
				});
			}
			reply(res, ok({ list: [] }));
		};
		await bybitApiRequest.call(context(), { method: 'GET', path: '/v5/order/realtime', qs: { category: 'linear' } });
		expect(loop.seen).toHaveLength(2);
		expect(calls).toBe(2);
		// the retry left only after the announced reset
		expect(Date.now()).toBeGreaterThanOrEqual(resetAt);
	});

	it('keeps a burst within the documented per-endpoint limit (no 10006 needed)', async () => {
		const times: number[] = [];
		loop.handler = (_s, res) => {
			times.push(Date.now());
			reply(res, ok({}));
		};
		const ctx = context();
		await Promise.all(
			Array.from({ length: 15 }, (_, i) =>
				bybitApiRequest.call(ctx, { method: 'POST', path: '/v5/order/cancel', body: { category: 'linear', orderId: String(i) } }),
			),
		);
		// cancel is 10/s for linear: sends are spaced by ~1.05 s per 10 (arrival jitter on a loaded machine allowed)
		times.sort((a, b) => a - b);
		for (let i = 10; i < times.length; i++) expect(times[i] - times[i - 10]).toBeGreaterThanOrEqual(900); // without the limiter: ~0-10 ms apart
	});
});

describe('bybitApiRequestAllItems', () => {
	beforeEach(() => {
		const rows = Array.from({ length: 7 }, (_, i) => ({ id: String(i) }));
		loop.handler = (s, res) => {
			const q = new URLSearchParams(s.query);
			const start = Number(q.get('cursor') ?? 0);
			const limit = Number(q.get('limit') ?? 3);
			const page = rows.slice(start, start + limit);
			const next = start + limit < rows.length ? String(start + limit) : '';
			reply(res, ok({ list: page, nextPageCursor: next }));
		};
	});

	it('follows nextPageCursor to the end', async () => {
		const rows = await bybitApiRequestAllItems.call(context(), { method: 'GET', path: '/v5/order/history', qs: { category: 'linear' } }, { pageSize: 3 });
		expect(rows.map((r: IDataObject) => r.id)).toEqual(['0', '1', '2', '3', '4', '5', '6']);
		expect(loop.seen.map((s) => s.query)).toEqual([
			'category=linear&limit=3',
			'category=linear&limit=3&cursor=3',
			'category=linear&limit=3&cursor=6',
		]);
		expect(loop.seen.every((s) => s.validSignature)).toBe(true);
	});

	it('stops at the limit, asking only for what is left', async () => {
		const rows = await bybitApiRequestAllItems.call(context(), { method: 'GET', path: '/v5/order/history', qs: { category: 'linear' } }, { pageSize: 3, limit: 4 });
		expect(rows).toHaveLength(4);
		expect(loop.seen.map((s) => s.query)).toEqual(['category=linear&limit=3', 'category=linear&limit=1&cursor=3']);
	});

	it('reads rows under the first of several keys present, on every page (yield history: `yield` in the docs\' example, `list` in their table)', async () => {
		for (const key of ['yield', 'list']) {
			loop.seen.length = 0;
			loop.handler = (s, res) => {
				const second = new URLSearchParams(s.query).get('cursor') === 'p2';
				reply(res, ok({ [key]: second ? [{ id: 'b' }] : [{ id: 'a' }], nextPageCursor: second ? '' : 'p2' }));
			};
			const rows = await bybitApiRequestAllItems.call(context(), { method: 'GET', path: '/v5/earn/yield', qs: { category: 'FlexibleSaving' } }, { listKey: ['yield', 'list'], pageSize: 100 });
			expect([key, rows.map((r: IDataObject) => r.id)]).toEqual([key, ['a', 'b']]);
		}
		expect(rowsOf({ list: [{ id: 1 }] }, ['yield', 'list'])).toEqual([{ id: 1 }]);
		expect(rowsOf({}, ['yield', 'list'])).toEqual([]);
		expect(rowsOf(undefined, 'list')).toEqual([]);
	});

	it('returns the envelope when asked (batch results need retExtInfo)', async () => {
		loop.handler = (_s, res) => reply(res, { retCode: 0, retMsg: 'OK', result: { list: [{}] }, retExtInfo: { list: [{ code: 0, msg: 'OK' }] }, time: 1 });
		const envelope = await bybitApiRequestEnvelope.call(context(), { method: 'POST', path: '/v5/order/create-batch', body: {} });
		expect(envelope.retExtInfo).toEqual({ list: [{ code: 0, msg: 'OK' }] });
	});
});
