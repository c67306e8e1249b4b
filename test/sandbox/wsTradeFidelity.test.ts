/**
 * Fidelity of /v5/trade, checked by a client nobody here wrote: bybit-api's
 * WebsocketAPIClient (its `wsUrl` pointed at the sandbox) authenticates on
 * connect and places, amends, cancels and batches orders, resolving each
 * promise from the answer's reqId and op.
 */
import { WebsocketAPIClient } from 'bybit-api';
import { startSandbox, type Sandbox } from './index';
import { ok, type Json } from './helpers';

const silent = { trace: () => undefined, info: () => undefined, error: () => undefined };

describe('fidelity of /v5/trade with bybit-api', () => {
	let sb: Sandbox;
	beforeEach(async () => {
		sb = await startSandbox({ port: 0 });
	});
	afterEach(() => sb.close());

	it('WebsocketAPIClient: create, amend, cancel, batch create; zero error answers to order ops', async () => {
		const { apiKey: key, secret } = sb.control.defaultKey;
		const api = new WebsocketAPIClient({ key, secret, wsUrl: sb.tradeUrl, attachEventListeners: false }, silent);
		const exceptions: unknown[] = [];
		api.getWSClient().on('exception', (e: unknown) => exceptions.push(e));
		try {
			const order = { category: 'linear', symbol: 'BTCUSDT', side: 'Buy', orderType: 'Limit', qty: '0.001', price: '60000', orderLinkId: 'fid-1' } as const;
			const created = (await api.submitNewOrder(order)) as Json;
			expect(created).toMatchObject({ retCode: 0, op: 'order.create', data: { orderLinkId: 'fid-1' } });
			const amended = (await api.amendOrder({ category: 'linear', symbol: 'BTCUSDT', orderId: created.data.orderId, price: '61000' })) as Json;
			expect(amended).toMatchObject({ retCode: 0, op: 'order.amend' });
			const batch = (await api.batchSubmitOrders('linear', [{ ...order, orderLinkId: 'fid-2' }, { ...order, orderLinkId: 'fid-3' }])) as Json;
			expect(batch.retExtInfo.list.map((x: Json) => x.code)).toEqual([0, 0]);
			const cancelled = (await api.cancelOrder({ category: 'linear', symbol: 'BTCUSDT', orderLinkId: 'fid-1' })) as Json;
			expect(cancelled).toMatchObject({ retCode: 0, op: 'order.cancel' });
			const open = await ok(sb, 'GET', '/v5/order/realtime', { category: 'linear', symbol: 'BTCUSDT' });
			expect(open.list.map((o: Json) => [o.orderLinkId, o.price]).sort()).toEqual([['fid-2', '60000.00'], ['fid-3', '60000.00']]);
			const frames = sb.control.tradeFrames();
			// bybit-api (4.7.7) sends auth twice on connect; the second is a documented repeat auth (20001), which it ignores
			expect(frames.filter((f) => f.op === 'auth').map((f) => f.retCode)).toEqual([0, 20001]);
			expect(frames.filter((f) => f.op !== 'auth' && f.retCode !== 0)).toEqual([]);
			expect(sb.control.tradeStats()).toMatchObject({ received: 4, executed: 4, ok: 4 });
			expect(exceptions).toEqual([]);
			// what this client sends: reqId and header values as strings, args with one item
			const sent = JSON.parse(frames.find((f) => f.op === 'order.create')!.raw);
			expect([typeof sent.reqId, typeof sent.header['X-BAPI-TIMESTAMP'], typeof sent.header['X-BAPI-RECV-WINDOW'], sent.args.length]).toEqual(['string', 'string', 'string', 1]);
		} finally {
			api.getWSClient().closeAll(true);
			api.getWSClient().removeAllListeners();
		}
	});
});
