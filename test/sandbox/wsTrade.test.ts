/** /v5/trade: auth, ping, order ops through the REST code, answer shapes and types, refusals. */
import { generateKeyPairSync } from 'crypto';
import WebSocket from 'ws';
import { wsAuthArgs } from '../../credentials/common/bybit/signing';
import { startSandbox, type Sandbox } from './index';
import { call, connect, keyOf, ok, type Json, type WsClient } from './helpers';
import { authedTrade, openTrade, resting } from './wsTradeHelpers';

describe('sandbox /v5/trade', () => {
	let sb: Sandbox;
	const clients: WsClient[] = [];
	beforeEach(async () => {
		sb = await startSandbox({ port: 0 });
	});
	afterEach(async () => {
		await Promise.all(clients.splice(0).map((c) => c.close()));
		await sb.close();
	});

	it('tradeUrl is wsUrl + /v5/trade', () => {
		expect(sb.tradeUrl).toBe(`${sb.wsUrl}/v5/trade`);
	});

	it('auth: documented success shape, 20001 on repeat, 10004 bad sign, 10003 unknown key, 10001 expired; reqId echoed only when sent', async () => {
		const c = await openTrade(sb, clients);
		const key = keyOf(sb);
		c.send({ op: 'auth', args: wsAuthArgs({ ...key, secret: 'wrong' }, Date.now() + 5000) });
		const bad = await c.next((m) => m.op === 'auth');
		expect(bad).toEqual({ retCode: 10004, retMsg: 'Invalid sign', op: 'auth', connId: expect.any(String) });
		c.send({ reqId: 'a2', op: 'auth', args: wsAuthArgs({ ...key, apiKey: 'nobody' }, Date.now() + 5000) });
		expect(await c.next((m) => m.reqId === 'a2')).toMatchObject({ retCode: 10003, op: 'auth' });
		c.send({ reqId: 'a3', op: 'auth', args: wsAuthArgs(key, Date.now() - 1) });
		expect(await c.next((m) => m.reqId === 'a3')).toMatchObject({ retCode: 10001, op: 'auth' });
		c.send({ op: 'auth', args: wsAuthArgs(key, Date.now() + 5000) });
		const good = (await c.collect((m) => m.op === 'auth', 4))[3];
		expect(good).toEqual({ retCode: 0, retMsg: 'OK', op: 'auth', connId: bad.connId });
		expect(Object.keys(good)).toEqual(['retCode', 'retMsg', 'op', 'connId']);
		c.send({ reqId: 'a5', op: 'auth', args: wsAuthArgs(key, Date.now() + 5000) });
		expect(await c.next((m) => m.reqId === 'a5')).toEqual({ reqId: 'a5', retCode: 20001, retMsg: 'Repeat auth', op: 'auth', connId: bad.connId });
	});

	it('auth with an RSA key (the private stream\'s verification)', async () => {
		const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
		sb.control.createKey({ apiKey: 'rsa-trade', signatureMethod: 'rsa', publicKey: publicKey.export({ type: 'spki', format: 'pem' }).toString() });
		const key = { apiKey: 'rsa-trade', signatureMethod: 'rsa' as const, secret: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString() };
		const c = await authedTrade(sb, clients, key);
		expect((await c.op('order.create', resting('rsa-1'))).retCode).toBe(0);
	});

	it('ping: the documented pong shape, before and after auth', async () => {
		const c = await openTrade(sb, clients);
		c.send({ op: 'ping' });
		const pong = await c.next((m) => m.op === 'pong');
		expect(pong).toEqual({ retCode: 0, retMsg: 'OK', op: 'pong', data: [expect.stringMatching(/^\d{13}$/)], connId: expect.any(String) });
		expect(Object.keys(pong)).toEqual(['retCode', 'retMsg', 'op', 'data', 'connId']);
		const a = await authedTrade(sb, clients);
		a.send({ op: 'ping' });
		expect(await a.next((m) => m.op === 'pong')).toMatchObject({ retCode: 0, op: 'pong', connId: expect.any(String) });
	});

	it('order op before auth: 10003, nothing executed', async () => {
		const c = await openTrade(sb, clients);
		const r = await c.op('order.create', resting('early'));
		expect(r).toMatchObject({ retCode: 10003, op: 'order.create', data: {} });
		expect(sb.control.tradeStats()).toMatchObject({ received: 1, executed: 0 });
		expect(sb.control.getState().orders).toHaveLength(0);
	});

	it('order.create: answer shape and JSON types as documented; the order is in /v5/order/realtime and pushed on the private stream', async () => {
		const priv = await connect(`${sb.wsUrl}/v5/private`);
		clients.push(priv);
		priv.send({ op: 'auth', args: wsAuthArgs(keyOf(sb), Date.now() + 5000) });
		await priv.next((m) => m.op === 'auth' && m.success === true);
		priv.send({ op: 'subscribe', args: ['order'] });
		await priv.next((m) => m.op === 'subscribe');
		const c = await authedTrade(sb, clients);
		const r = await c.op('order.create', resting('ws-1'), { reqId: 'test-005' });
		expect(Object.keys(r)).toEqual(['reqId', 'retCode', 'retMsg', 'op', 'data', 'retExtInfo', 'header', 'connId']);
		expect(r).toEqual({
			reqId: 'test-005', retCode: 0, retMsg: 'OK', op: 'order.create',
			data: { orderId: expect.any(String), orderLinkId: 'ws-1' }, retExtInfo: {},
			header: {
				'X-Bapi-Limit': '10', 'X-Bapi-Limit-Status': '9', 'X-Bapi-Limit-Reset-Timestamp': expect.stringMatching(/^\d{13}$/),
				Traceid: expect.stringMatching(/^[0-9a-f]{32}$/), Timenow: expect.stringMatching(/^\d{13}$/),
			},
			connId: expect.any(String),
		});
		const open = await ok(sb, 'GET', '/v5/order/realtime', { category: 'linear', symbol: 'BTCUSDT' });
		expect(open.list.map((o: Json) => o.orderLinkId)).toEqual(['ws-1']);
		const push = await priv.next((m) => m.topic === 'order');
		expect(push.data[0]).toMatchObject({ orderId: r.data.orderId, orderLinkId: 'ws-1', orderStatus: 'New' });
	});

	it('order.amend and order.cancel run the REST code (same answers, same errors)', async () => {
		const c = await authedTrade(sb, clients);
		const { data } = await c.op('order.create', resting('am-1'));
		const am = await c.op('order.amend', { category: 'linear', symbol: 'BTCUSDT', orderLinkId: 'am-1', price: '61000' });
		expect(am).toMatchObject({ retCode: 0, data: { orderId: data.orderId, orderLinkId: 'am-1' } });
		const cx = await c.op('order.cancel', { category: 'linear', symbol: 'BTCUSDT', orderId: data.orderId });
		expect(cx).toMatchObject({ retCode: 0, data: { orderId: data.orderId } });
		const again = await c.op('order.cancel', { category: 'linear', symbol: 'BTCUSDT', orderId: data.orderId });
		const rest = await call(sb, 'POST', '/v5/order/cancel', { category: 'linear', symbol: 'BTCUSDT', orderId: data.orderId });
		expect(again).toMatchObject({ retCode: rest.body.retCode, retMsg: rest.body.retMsg, data: {}, retExtInfo: {} });
		expect(again.retCode).toBe(110001);
		const bad = await c.op('order.create', { ...resting('v-1'), side: 'Up' });
		expect(bad).toMatchObject({ retCode: 10001, retMsg: 'params error: side invalid' });
	});

	it('orderLinkId is unique across REST and WS (110072, spot 170141)', async () => {
		await ok(sb, 'POST', '/v5/order/create', resting('shared'));
		const c = await authedTrade(sb, clients);
		expect((await c.op('order.create', resting('shared'))).retCode).toBe(110072);
		const spot = { category: 'spot', symbol: 'BTCUSDT', side: 'Buy', orderType: 'Limit', qty: '0.001', price: '60000', orderLinkId: 'sp' };
		expect((await c.op('order.create', spot)).retCode).toBe(0);
		expect((await call(sb, 'POST', '/v5/order/create', spot)).body.retCode).toBe(170141);
	});

	it('batch ops: args[0] = {category, request}, accepted in part as on REST', async () => {
		const c = await authedTrade(sb, clients);
		await c.op('order.create', resting('b-dup'));
		const r = await c.op('order.create-batch', { category: 'linear', request: [resting('b-1'), resting('b-dup')] });
		expect(r).toMatchObject({
			retCode: 0, retMsg: 'OK', op: 'order.create-batch',
			data: { list: [{ category: 'linear', symbol: 'BTCUSDT', orderLinkId: 'b-1', createAt: expect.stringMatching(/^\d{13}$/) }, { orderId: '', orderLinkId: 'b-dup', createAt: '' }] },
			retExtInfo: { list: [{ code: 0, msg: 'OK' }, { code: 110072, msg: expect.any(String) }] },
		});
		expect(r.header['X-Bapi-Limit-Status']).toBe('8'); // create-batch has its own window; each item counts
		const am = await c.op('order.amend-batch', { category: 'linear', request: [{ symbol: 'BTCUSDT', orderLinkId: 'b-1', qty: '0.002' }] });
		expect(am).toMatchObject({ retCode: 0, retExtInfo: { list: [{ code: 0, msg: 'OK' }] } });
		const cx = await c.op('order.cancel-batch', { category: 'linear', request: [{ symbol: 'BTCUSDT', orderLinkId: 'b-1' }, { symbol: 'BTCUSDT', orderLinkId: 'nope' }] });
		expect(cx.retExtInfo.list.map((e: Json) => e.code)).toEqual([0, 110001]);
	});

	it('refusals: 20006 repeated reqId (not executed), reqId over 36 chars, 10404 unknown op or category, 10001 args not one item, read-only key', async () => {
		const c = await authedTrade(sb, clients);
		expect((await c.op('order.create', resting('r-1'), { reqId: 'same' })).retCode).toBe(0);
		const dup = await c.op('order.create', resting('r-2'), { reqId: 'same' });
		expect(dup).toMatchObject({ reqId: 'same', retCode: 20006, op: 'order.create', data: {} });
		expect(sb.control.getState().orders).toHaveLength(1);
		expect((await c.op('order.create', resting('r-3'), { reqId: 'x'.repeat(37) })).retCode).toBe(10001);
		expect((await c.op('order.create', resting('r-3'), { reqId: 'x'.repeat(36) })).retCode).toBe(0);
		expect(await c.op('order.nope', resting('r-4'))).toMatchObject({ retCode: 10404, op: 'order.nope' });
		expect((await c.op('order.create', { ...resting('r-5'), category: 'spread' })).retCode).toBe(10404);
		expect((await c.op('order.create', {}, { args: [] })).retCode).toBe(10001);
		expect((await c.op('order.create', {}, { args: [resting('r-6'), resting('r-7')] })).retCode).toBe(10001);
		sb.control.createKey({ apiKey: 'ro-key', secret: 'ro-secret', readOnly: true });
		const ro = await authedTrade(sb, clients, { apiKey: 'ro-key', secret: 'ro-secret', signatureMethod: 'hmac' });
		ro.send({ reqId: 'ro-1', header: { 'X-BAPI-TIMESTAMP': String(Date.now()) }, op: 'order.create', args: [resting('ro')] });
		// observed on Bybit (ccxt issues 22411, 29361): answered as an auth failure, without the reqId
		expect(await ro.next((m) => m.retCode === 10005)).toEqual({ retCode: 10005, retMsg: 'Permission denied for current apikey', op: 'auth', connId: expect.any(String) });
		expect(sb.control.tradeStats().byKey['ro-key']).toEqual({ received: 1, executed: 0, ok: 0 });
	});

	it('header timestamp: required, a string of digits, inside [server - recvWindow, server + 1000) on the sandbox clock', async () => {
		const c = await authedTrade(sb, clients);
		expect((await c.op('order.create', resting('h-1'), { header: {} })).retCode).toBe(10001);
		expect((await c.op('order.create', resting('h-1'), { header: { 'X-BAPI-TIMESTAMP': Date.now() } })).retCode).toBe(10001);
		const old = String(Date.now() - 6000);
		const late = await c.op('order.create', resting('h-1'), { header: { 'X-BAPI-TIMESTAMP': old } });
		expect(late).toMatchObject({ retCode: 10002, retMsg: expect.stringContaining(`req_timestamp[${old}]`) });
		expect((await c.op('order.create', resting('h-1'), { header: { 'X-BAPI-TIMESTAMP': old, 'X-BAPI-RECV-WINDOW': '8000' } })).retCode).toBe(0);
		sb.control.setClockSkew(-3000);
		expect((await c.op('order.create', resting('h-2'))).retCode).toBe(10002);
		expect(sb.control.getState().orders).toHaveLength(1);
	});

	it('a bad max_active_time refuses the upgrade', async () => {
		for (const v of ['10s', '601s', '11m', '45', 'x']) {
			const ws = new WebSocket(`${sb.tradeUrl}?max_active_time=${v}`);
			ws.on('error', () => undefined);
			const status = await new Promise<number>((resolve) => {
				ws.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
				ws.once('open', () => resolve(101));
			});
			if (status === 101) ws.terminate();
			expect([v, status]).toEqual([v, 400]);
		}
	});
});
