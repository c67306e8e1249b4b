/** /v5/trade: one rate-limit budget with REST, fault controls, counters, recorded frames, max_active_time. */
import { startSandbox, type Sandbox } from './index';
import { call, connect, ok, sleep, type Json, type WsClient } from './helpers';
import { authedTrade, resting } from './wsTradeHelpers';
import { waitFor } from '../harness/waitFor';

describe('sandbox /v5/trade faults and accounting', () => {
	let sb: Sandbox;
	const clients: WsClient[] = [];
	beforeEach(async () => {
		sb = await startSandbox({ port: 0 });
	});
	afterEach(async () => {
		await Promise.all(clients.splice(0).map((c) => c.close()));
		await sb.close();
	});

	const linkIds = async (): Promise<string[]> => (await ok(sb, 'GET', '/v5/order/realtime', { category: 'linear', symbol: 'BTCUSDT', limit: 50 })).list.map((o: Json) => o.orderLinkId);
	const control = async (op: string, body: Json = {}) => (await fetch(`${sb.restUrl}/sandbox/${op}`, { method: 'POST', body: JSON.stringify(body) })).json() as Promise<Json>;

	it('a REST create and a WS create share one budget (10/s linear): the 11th is refused on both', async () => {
		const c = await authedTrade(sb, clients);
		// all within one 1 s window: REST calls in parallel, then six WS ops pipelined
		const rest = await Promise.all([0, 1, 2, 3, 4].map((i) => call(sb, 'POST', '/v5/order/create', resting(`rest-${i}`))));
		expect(rest.map((r) => r.body.retCode)).toEqual([0, 0, 0, 0, 0]);
		const answers = await Promise.all([0, 1, 2, 3, 4, 5].map((i) => c.op('order.create', resting(`ws-${i}`))));
		expect(answers.map((r) => [r.retCode, r.header['X-Bapi-Limit-Status']])).toEqual([[0, '4'], [0, '3'], [0, '2'], [0, '1'], [0, '0'], [10006, '0']]);
		expect(answers[5]).toMatchObject({ retMsg: expect.stringMatching(/^Too many visits/), data: {}, header: { 'X-Bapi-Limit': '10' } });
		expect((await call(sb, 'POST', '/v5/order/create', resting('rest-over'))).body.retCode).toBe(10006);
		expect((await linkIds()).length).toBe(10);
		expect(sb.control.tradeStats()).toMatchObject({ received: 6, executed: 5, ok: 5, answered: 6 });
	});

	it('dropAfterAccept: the order is made, the socket dies unanswered; a retry with the same orderLinkId leaves exactly one order', async () => {
		sb.control.tradeFault('dropAfterAccept', { op: 'order.create' });
		const c = await authedTrade(sb, clients);
		c.send({ reqId: 'd-1', header: { 'X-BAPI-TIMESTAMP': String(Date.now()) }, op: 'order.create', args: [resting('once')] });
		expect((await c.closed).code).toBe(1006);
		expect(c.messages.filter((m) => m.reqId === 'd-1')).toEqual([]);
		const again = await authedTrade(sb, clients);
		expect((await again.op('order.create', resting('once'), { reqId: 'd-1' })).retCode).toBe(110072);
		expect((await linkIds()).filter((l) => l === 'once')).toHaveLength(1);
		const s = sb.control.tradeStats();
		expect(s).toMatchObject({ received: 2, executed: 2, ok: 1, droppedAfterAccept: 1, answered: 1 });
		expect(sb.control.tradeFrames().filter((f) => f.op === 'order.create').map((f) => [f.status, f.executed, f.retCode])).toEqual([['dropped', true, 0], ['answered', true, 110072]]);
	});

	it('dropBeforeAccept: the socket dies on receipt, nothing is executed', async () => {
		sb.control.tradeFault('dropBeforeAccept');
		const c = await authedTrade(sb, clients);
		c.send({ reqId: 'b-1', header: { 'X-BAPI-TIMESTAMP': String(Date.now()) }, op: 'order.create', args: [resting('never')] });
		expect((await c.closed).code).toBe(1006);
		expect(await linkIds()).toEqual([]);
		expect(sb.control.tradeStats()).toMatchObject({ received: 1, executed: 0, droppedBeforeAccept: 1, answered: 0 });
		const next = await authedTrade(sb, clients);
		expect((await next.op('order.create', resting('later'))).retCode).toBe(0);
	});

	it('delay: executed at once, answered later', async () => {
		sb.control.tradeFault('delay', { ms: 2000 });
		const c = await authedTrade(sb, clients);
		const t0 = Date.now();
		let answered = false;
		const answer = c.op('order.create', resting('slow')).finally(() => (answered = true));
		await waitFor('the order to exist', async () => (await linkIds()).includes('slow'), 10_000, 20);
		expect(answered).toBe(false);
		expect(sb.control.tradeFrames().find((f) => f.op === 'order.create')?.status).toBe('pending');
		expect((await answer).retCode).toBe(0);
		expect(Date.now() - t0).toBeGreaterThanOrEqual(1990);
		expect(sb.control.tradeStats().delayed).toBe(1);
	});

	it('rateLimit (set over the control endpoint): 10006 without executing; the op after it goes through', async () => {
		expect(await control('tradeFault', { kind: 'rateLimit', n: 1 })).toEqual({ ok: true, result: null });
		const c = await authedTrade(sb, clients);
		expect(await c.op('order.create', resting('rl'))).toMatchObject({ retCode: 10006, data: {}, header: { 'X-Bapi-Limit-Status': '0' } });
		expect(await linkIds()).toEqual([]);
		expect((await c.op('order.create', resting('rl'))).retCode).toBe(0);
		expect((await control('tradeStats')).result).toMatchObject({ received: 2, executed: 1, rateLimitedByFault: 1 });
		expect((await control('tradeFault', { kind: 'nope' })).ok).toBe(false);
	});

	it('closeTradeSockets closes /v5/trade connections only (a code, or 1006 without one)', async () => {
		const priv = await connect(`${sb.wsUrl}/v5/private`);
		clients.push(priv);
		const a = await authedTrade(sb, clients);
		expect(sb.control.closeTradeSockets(4001, 'bye')).toBe(1);
		expect(await a.closed).toEqual({ code: 4001, reason: 'bye' });
		const b = await authedTrade(sb, clients);
		expect((await control('closeTradeSockets')).result).toBe(1);
		expect((await b.closed).code).toBe(1006);
		expect(priv.ws.readyState).toBe(priv.ws.OPEN);
	});

	it('records every frame as sent (raw text) and counts per key', async () => {
		sb.control.createKey({ apiKey: 'k2', secret: 's2' });
		const a = await authedTrade(sb, clients);
		const b = await authedTrade(sb, clients, { apiKey: 'k2', secret: 's2', signatureMethod: 'hmac' });
		const text = `{"reqId":"raw-1","header":{"X-BAPI-TIMESTAMP":"${Date.now()}","X-BAPI-RECV-WINDOW":"8000"},"op":"order.create","args":[{"category":"linear","symbol":"BTCUSDT","side":"Buy","orderType":"Limit","qty":"0.001","price":"60000"}]}`;
		a.ws.send(text);
		await a.next((m) => m.reqId === 'raw-1');
		await b.op('order.create', resting('k2-1'));
		await b.op('order.cancel', { category: 'linear', symbol: 'BTCUSDT', orderLinkId: 'k2-1' });
		const frames = sb.control.tradeFrames();
		const f = frames.find((x) => x.reqId === 'raw-1')!;
		expect(f).toMatchObject({ raw: text, op: 'order.create', apiKey: sb.control.defaultKey.apiKey, retCode: 0, executed: true, status: 'answered' });
		const sent = JSON.parse(f.raw);
		expect(typeof sent.header['X-BAPI-TIMESTAMP']).toBe('string');
		expect(typeof sent.args[0].qty).toBe('string');
		expect(frames.filter((x) => x.op === 'auth')).toHaveLength(2);
		const s = sb.control.tradeStats();
		expect(s.byKey).toEqual({ [sb.control.defaultKey.apiKey]: { received: 1, executed: 1, ok: 1 }, k2: { received: 2, executed: 2, ok: 2 } });
		expect(s.byOp['order.cancel']).toEqual({ received: 1, executed: 1, ok: 1 });
		expect(((await control('tradeFrames')).result as Json[]).length).toBe(frames.length);
		sb.control.clearTradeFrames();
		expect(sb.control.tradeFrames()).toEqual([]);
		expect(sb.control.tradeStats().received).toBe(0);
	});

	it('max_active_time: an idle connection is cut when it expires, one that pings is kept (30s scaled to 1.5 s); /v5/private too', async () => {
		sb.control.setMaxActiveTimeScale(50);
		const idle = await authedTrade(sb, clients, undefined, '?max_active_time=30s');
		const busy = await authedTrade(sb, clients, undefined, '?max_active_time=30s');
		const priv = await connect(`${sb.wsUrl}/v5/private?max_active_time=1m`);
		clients.push(priv);
		const t0 = Date.now();
		// ping every 50 ms (a gap of 1.5 s would be needed to cut it) until both quiet connections are cut
		let quiet = 2;
		const cut = Promise.all([idle.closed, priv.closed].map(async (closed) => ((await closed), quiet--)));
		while (quiet > 0 && Date.now() - t0 < 20_000) {
			busy.send({ op: 'ping' });
			await sleep(50);
		}
		await cut;
		expect((await idle.closed).code).toBe(1006);
		expect(busy.ws.readyState).toBe(busy.ws.OPEN);
		expect((await priv.closed).code).toBe(1006);
		expect(Date.now() - t0).toBeGreaterThanOrEqual(3000 - 50);
		expect(sb.control.getState().trade).toMatchObject({ activeTimeCuts: 2 });
	});
});
