/** WebSocket: private auth and account pushes, public market streams, push control. */
import { createHmac } from 'crypto';
import { startSandbox, type Sandbox } from './index';
import { call, connect, ok, sleep, type Json, type WsClient } from './helpers';

describe('sandbox WebSocket', () => {
	let sb: Sandbox;
	const clients: WsClient[] = [];
	beforeEach(async () => {
		sb = await startSandbox({ port: 0 });
	});
	afterEach(async () => {
		await Promise.all(clients.splice(0).map((c) => c.close()));
		await sb.close();
	});

	const open = async (path: string) => {
		const c = await connect(`${sb.wsUrl}${path}`);
		clients.push(c);
		return c;
	};
	const authArgs = (expires = Date.now() + 5000, secret = sb.control.defaultKey.secret) => [
		sb.control.defaultKey.apiKey, expires, createHmac('sha256', secret).update(`GET/realtime${expires}`).digest('hex'),
	];
	const authed = async (topics: string[]) => {
		const c = await open('/v5/private');
		c.send({ req_id: 'a1', op: 'auth', args: authArgs() });
		expect(await c.next((m) => m.op === 'auth')).toMatchObject({ success: true, ret_msg: '', op: 'auth', req_id: 'a1' });
		c.send({ req_id: 's1', op: 'subscribe', args: topics });
		expect(await c.next((m) => m.op === 'subscribe')).toMatchObject({ success: true, ret_msg: '', op: 'subscribe', req_id: 's1' });
		return c;
	};

	it('private auth: success, failures, subscribe before auth, ping/pong', async () => {
		const c = await open('/v5/private');
		c.send({ op: 'subscribe', args: ['order'] });
		expect(await c.next((m) => m.op === 'subscribe')).toMatchObject({ success: false, ret_msg: 'Request not authorized' });
		c.send({ op: 'auth', args: authArgs(Date.now() - 1) });
		const expired = await c.next((m) => m.op === 'auth');
		expect(expired).toMatchObject({ success: false, op: 'auth' });
		expect(typeof expired.conn_id).toBe('string');
		c.send({ op: 'auth', args: authArgs(Date.now() + 5000, 'wrong') });
		expect((await c.collect((m) => m.op === 'auth', 2))[1]).toMatchObject({ success: false });
		c.send({ op: 'auth', args: authArgs() });
		expect((await c.collect((m) => m.op === 'auth', 3))[2]).toMatchObject({ success: true });
		c.send({ req_id: 'p1', op: 'ping' });
		const pong = await c.next((m) => m.op === 'pong');
		expect(pong).toMatchObject({ req_id: 'p1', op: 'pong' });
		expect(pong.args[0]).toMatch(/^\d{13}$/);
		c.send({ op: 'subscribe', args: ['order', 'order.linear'] });
		expect(await c.next((m) => m.op === 'subscribe')).toMatchObject({ success: false });
		c.send({ op: 'subscribe', args: ['nope'] });
		expect((await c.collect((m) => m.op === 'subscribe', 2))[1]).toMatchObject({ success: false });
	});

	it('pushes order, execution, execution.fast, position and wallet on a fill (all-in-one and categorised forms)', async () => {
		const all = await authed(['order', 'execution', 'execution.fast', 'position', 'wallet']);
		const cat = await authed(['order.linear', 'execution.spot']);
		const { orderId } = await ok(sb, 'POST', '/v5/order/create', { category: 'linear', symbol: 'BTCUSDT', side: 'Buy', orderType: 'Market', qty: '0.001', orderLinkId: 'ws-1' });
		const orderMsg = await all.next((m) => m.topic === 'order');
		expect(orderMsg).toMatchObject({ topic: 'order', data: [{ orderId, orderLinkId: 'ws-1', orderStatus: 'Filled', category: 'linear', symbol: 'BTCUSDT' }] });
		expect(typeof orderMsg.id).toBe('string');
		expect(typeof orderMsg.creationTime).toBe('number');
		const exec = await all.next((m) => m.topic === 'execution');
		expect(exec.data[0]).toMatchObject({ category: 'linear', orderId, execType: 'Trade', execQty: '0.001', execPrice: '65000.00', feeRate: '0.00055' });
		const fast = await all.next((m) => m.topic === 'execution.fast');
		expect(fast.id).toBeUndefined();
		expect(fast.data[0]).toMatchObject({ orderId, execId: exec.data[0].execId, orderLinkId: 'ws-1' });
		expect((await all.next((m) => m.topic === 'position')).data[0]).toMatchObject({ symbol: 'BTCUSDT', size: '0.001', entryPrice: '65000', category: 'linear' });
		expect((await all.next((m) => m.topic === 'wallet')).data[0]).toMatchObject({ accountType: 'UNIFIED' });
		expect((await cat.next((m) => m.topic === 'order.linear')).data[0].orderId).toBe(orderId);
		await sleep(50);
		expect(cat.messages.some((m) => m.topic === 'execution.spot')).toBe(false);
	});

	it('conditional orders push Untriggered, Triggered, then Filled', async () => {
		const c = await authed(['order']);
		const { orderId } = await ok(sb, 'POST', '/v5/order/create', { category: 'linear', symbol: 'BTCUSDT', side: 'Buy', orderType: 'Market', qty: '0.001', triggerPrice: '65500', triggerDirection: 1 });
		sb.control.setPrice('BTCUSDT', { last: '65600' }, 'linear');
		const statuses = (await c.collect((m) => m.topic === 'order' && m.data.some((o: Json) => o.orderId === orderId), 2)).flatMap((m) => m.data.map((o: Json) => o.orderStatus));
		expect(statuses).toEqual(['Untriggered', 'Triggered', 'Filled']);
	});

	it('option trades push greeks and position.option', async () => {
		const c = await authed(['greeks', 'position.option']);
		const sym = (await ok(sb, 'GET', '/v5/market/instruments-info', { category: 'option' })).list[0].symbol;
		const noLink = await call(sb, 'POST', '/v5/order/create', { category: 'option', symbol: sym, side: 'Buy', orderType: 'Market', qty: '0.1' });
		expect(noLink.body.retCode).toBe(10001);
		await ok(sb, 'POST', '/v5/order/create', { category: 'option', symbol: sym, side: 'Buy', orderType: 'Market', qty: '0.1', orderLinkId: 'opt-1' });
		expect((await c.next((m) => m.topic === 'greeks')).data[0]).toMatchObject({ baseCoin: 'BTC', totalDelta: '0.055' });
		expect((await c.next((m) => m.topic === 'position.option')).data[0]).toMatchObject({ symbol: sym, size: '0.10', category: 'option' });
	});

	it('refuseConnections: every upgrade answered 503 while on, accepted again once off; open sockets untouched', async () => {
		const before = await open('/v5/private');
		sb.control.refuseConnections(true);
		for (const path of ['/v5/private', '/v5/trade', '/v5/public/linear']) await expect(connect(`${sb.wsUrl}${path}`)).rejects.toThrow(/503/);
		expect(before.ws.readyState).toBe(before.ws.OPEN);
		sb.control.refuseConnections(false);
		expect((await open('/v5/public/linear')).ws.readyState).toBe(before.ws.OPEN);
	});

	it('pause and resume pushes: queued in order, flushed on resume', async () => {
		const c = await authed(['order']);
		sb.control.pausePushes();
		for (const price of ['60000', '60100', '60200']) await ok(sb, 'POST', '/v5/order/create', { category: 'linear', symbol: 'BTCUSDT', side: 'Buy', orderType: 'Limit', qty: '0.001', price });
		await sleep(50);
		expect(c.messages.filter((m) => m.topic === 'order')).toHaveLength(0);
		sb.control.resumePushes();
		const msgs = await c.collect((m) => m.topic === 'order', 3);
		expect(msgs.map((m) => m.data[0].price)).toEqual(['60000.00', '60100.00', '60200.00']);
	});

	it('emitPrivate, dropAllSockets and closeSockets', async () => {
		const c = await authed(['order']);
		expect(sb.control.emitPrivate('order', [{ orderId: 'x', orderStatus: 'Filled', category: 'linear' }])).toBe(1);
		expect((await c.next((m) => m.topic === 'order')).data[0].orderId).toBe('x');
		sb.control.dropAllSockets();
		expect((await c.closed).code).toBe(1006);
		const d = await open('/v5/public/linear');
		sb.control.closeSockets(4001, 'maintenance');
		expect(await d.closed).toEqual({ code: 4001, reason: 'maintenance' });
	});

	it('pushBurst: unique events pushed and recorded for REST catch-up', async () => {
		const c = await authed(['order', 'execution']);
		const r = await sb.control.pushBurst(120);
		expect(r.count).toBe(120);
		const orders = await c.collect((m) => m.topic === 'order', 120);
		const execs = await c.collect((m) => m.topic === 'execution', 120);
		expect(new Set(orders.map((m) => m.data[0].orderId)).size).toBe(120);
		expect(new Set(execs.map((m) => m.data[0].execId)).size).toBe(120);
		expect(orders[5].data[0]).toMatchObject({ orderLinkId: `${r.linkIdPrefix}5`, orderStatus: 'Filled', category: 'linear' });
		// pushed entries and REST catch-up agree field by field
		const restOrder = (await ok(sb, 'GET', '/v5/order/history', { category: 'linear', orderId: orders[3].data[0].orderId })).list[0];
		expect(orders[3].data[0]).toMatchObject(restOrder);
		const restExec = (await ok(sb, 'GET', '/v5/execution/list', { category: 'linear', orderId: execs[4].data[0].orderId })).list[0];
		expect({ ...execs[4].data[0], feeCurrency: restExec.feeCurrency }).toMatchObject(restExec); // REST shows "" for derivatives, the push the coin
		const ids: string[] = [];
		let cursor = '';
		do {
			const page = await ok(sb, 'GET', '/v5/order/history', { category: 'linear', limit: 50, cursor });
			ids.push(...page.list.map((o: Json) => o.orderId));
			cursor = page.nextPageCursor;
		} while (cursor);
		expect(ids).toHaveLength(120);
		expect(ids[0]).toBe(r.lastOrderId);
		expect((await ok(sb, 'GET', '/v5/execution/list', { category: 'linear', limit: 100 })).list).toHaveLength(100);
		expect((await ok(sb, 'GET', '/v5/order/realtime', { category: 'linear', symbol: 'BTCUSDT', orderLinkId: `${r.linkIdPrefix}7` })).list[0].orderId).toBe(orders[7].data[0].orderId);
		expect((await ok(sb, 'GET', '/v5/order/realtime', { category: 'linear', symbol: 'BTCUSDT', openOnly: 1, limit: 5 })).list).toHaveLength(5);
	});

	it('public linear: subscribe reply, ticker snapshot then deltas, order book snapshot then consistent deltas', async () => {
		const c = await open('/v5/public/linear');
		c.send({ req_id: 'x', op: 'subscribe', args: ['tickers.BTCUSDT', 'orderbook.50.BTCUSDT', 'orderbook.1.BTCUSDT'] });
		expect(await c.next((m) => m.op === 'subscribe')).toMatchObject({ success: true, ret_msg: '', req_id: 'x', op: 'subscribe' });
		const snap = await c.next((m) => m.topic === 'tickers.BTCUSDT');
		expect(snap).toMatchObject({ type: 'snapshot', data: { symbol: 'BTCUSDT', lastPrice: '65000.00' } });
		const book = await c.next((m) => m.topic === 'orderbook.50.BTCUSDT');
		expect(book.type).toBe('snapshot');
		expect(book.data.b).toHaveLength(50);
		const bids = new Map<string, string>(book.data.b);
		const asks = new Map<string, string>(book.data.a);
		sb.control.setPrice('BTCUSDT', { last: '65003.3' }, 'linear');
		const delta = await c.next((m) => m.topic === 'tickers.BTCUSDT' && m.type === 'delta');
		expect(delta.data).toMatchObject({ symbol: 'BTCUSDT', lastPrice: '65003.30' });
		expect(delta.data.fundingRate).toBeUndefined();
		const d = await c.next((m) => m.topic === 'orderbook.50.BTCUSDT' && m.type === 'delta');
		expect(d.data.u).toBe(book.data.u + 1);
		for (const [p, s] of d.data.b as string[][]) (s === '0' ? bids.delete(p) : bids.set(p, s));
		for (const [p, s] of d.data.a as string[][]) (s === '0' ? asks.delete(p) : asks.set(p, s));
		const rest = await ok(sb, 'GET', '/v5/market/orderbook', { category: 'linear', symbol: 'BTCUSDT', limit: 50 });
		expect([...bids].sort((x, y) => Number(y[0]) - Number(x[0]))).toEqual(rest.b);
		expect([...asks].sort((x, y) => Number(x[0]) - Number(y[0]))).toEqual(rest.a);
		const top = await c.collect((m) => m.topic === 'orderbook.1.BTCUSDT', 2);
		expect(top[1].type).toBe('snapshot');
		expect(top[1].data.b[0][0]).toBe('65003.30');
	});

	it('public trades, klines (confirm on close), liquidations', async () => {
		const c = await open('/v5/public/linear');
		c.send({ op: 'subscribe', args: ['publicTrade.BTCUSDT', 'kline.1.BTCUSDT', 'allLiquidation.BTCUSDT'] });
		await c.next((m) => m.op === 'subscribe' && m.success);
		expect((await c.next((m) => m.topic === 'kline.1.BTCUSDT')).data[0].confirm).toBe(false);
		sb.control.setPrice('BTCUSDT', { last: '65100' }, 'linear');
		const trade = await c.next((m) => m.topic === 'publicTrade.BTCUSDT');
		expect(trade.data[0]).toMatchObject({ s: 'BTCUSDT', p: '65100.00', S: 'Buy', L: 'PlusTick' });
		sb.control.closeCandle('BTCUSDT', '1', 'linear');
		const closed = await c.next((m) => m.topic === 'kline.1.BTCUSDT' && m.data[0].confirm === true);
		expect(closed.data[0]).toMatchObject({ interval: '1', close: '65100.00', high: '65100.00' });
		sb.control.liquidation('BTCUSDT', 'Buy', '0.5', '60000', 'linear');
		expect((await c.next((m) => m.topic === 'allLiquidation.BTCUSDT')).data[0]).toMatchObject({ s: 'BTCUSDT', S: 'Buy', v: '0.500', p: '60000.00' });
	});

	it('per-category reply and pong shapes (spot, linear, option)', async () => {
		const spot = await open('/v5/public/spot');
		spot.send({ req_id: 'r1', op: 'subscribe', args: ['tickers.BTCUSDT'] });
		expect(await spot.next((m) => m.op === 'subscribe')).toMatchObject({ success: true, ret_msg: 'subscribe', req_id: 'r1' });
		spot.send({ op: 'ping' });
		expect(await spot.next((m) => m.ret_msg === 'pong')).toMatchObject({ success: true, op: 'ping' });
		expect((await spot.next((m) => m.topic === 'tickers.BTCUSDT')).data.symbol).toBe('BTCUSDT');
		const lin = await open('/v5/public/linear');
		lin.send({ op: 'ping' });
		expect(await lin.next((m) => m.ret_msg === 'pong')).toMatchObject({ success: true, req_id: '', op: 'ping' });
		lin.send({ op: 'subscribe', args: ['tickers.NOPE'] });
		expect(await lin.next((m) => m.op === 'subscribe')).toMatchObject({ success: false, ret_msg: 'error:handler not found,topic:tickers.NOPE' });
		const opt = await open('/v5/public/option');
		opt.send({ op: 'ping' });
		expect(await opt.next((m) => m.op === 'pong')).toMatchObject({ op: 'pong' });
		const sym = (await ok(sb, 'GET', '/v5/market/instruments-info', { category: 'option' })).list[0].symbol;
		opt.send({ op: 'subscribe', args: [`tickers.${sym}`] });
		expect(await opt.next((m) => m.type === 'COMMAND_RESP')).toMatchObject({ success: true, data: { successTopics: [`tickers.${sym}`], failTopics: [] } });
	});
});
