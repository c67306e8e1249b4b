/**
 * WebSocket order entry (issue #22) against the sandbox's /v5/trade: every order-placing
 * operation goes over the key's one connection when the credential asks for it, with the REST
 * path's guarantees (safety limits before anything is sent, write-once after a lost answer,
 * shared rate limits, retCodes and hints); REST with a hint where the WebSocket cannot be used.
 */
import type { ICredentialDataDecryptedObject, IDataObject, IExecuteFunctions, NodeExecutionHint } from 'n8n-workflow';

import { wsTradeUrl } from '../../../../credentials/common/bybit/endpoints';
import { Bybit } from '../../../../nodes/Bybit/Bybit.node';
import { takeRunNotes } from '../../../../nodes/Bybit/actions/hints';
import { createOrderOnce } from '../../../../nodes/Bybit/trading/orderCreate';
import { bybitApiRequest } from '../../../../nodes/Bybit/transport';
import { closeTradeClients, TRADE_TIMINGS, tradeClients } from '../../../../nodes/Bybit/transport/tradeSocket';
import { executeContext, rl, sandboxCredentials, type Params } from '../../../harness/execute';
import { useTradingSandbox } from '../../../harness/tradingSandbox';
import { startSandbox, type Sandbox } from '../../../sandbox';

jest.setTimeout(60_000);

let sandbox: Sandbox;
let rest: ICredentialDataDecryptedObject;
useTradingSandbox((s, c) => {
	sandbox = s;
	rest = c;
});
const saved = { ...TRADE_TIMINGS };
beforeEach(() => Object.assign(TRADE_TIMINGS, { answerTimeoutMs: 1500 }));
afterEach(() => {
	closeTradeClients();
	Object.assign(TRADE_TIMINGS, saved);
});

const wsCreds = (extra: IDataObject = {}) => ({ ...rest, wsBaseUrl: sandbox.wsUrl, orderEntry: 'websocket', ...extra });

async function run(credentials: ICredentialDataDecryptedObject, params: Params, items?: IDataObject[]) {
	const hints: NodeExecutionHint[] = [];
	const ctx = Object.assign(executeContext(credentials, params, { items }), {
		getMode: () => 'trigger',
		addExecutionHints: (...h: NodeExecutionHint[]) => hints.push(...h),
	}) as unknown as IExecuteFunctions;
	const [out] = await new Bybit().execute.call(ctx);
	return { out: out.map((o) => o.json), hints: hints.map((h) => h.message) };
}

const restCalls = (path: string) => sandbox.control.requests().filter((r) => r.path === path);
const opFrames = () => sandbox.control.tradeFrames().filter((f) => f.op !== 'auth' && f.op !== 'ping');
const orders = () => sandbox.control.getState().orders as IDataObject[];
const create = (extra: IDataObject = {}) => ({ resource: 'order', operation: 'create', category: 'linear', symbol: rl('BTCUSDT'), side: 'Buy', orderType: 'Limit', qty: '0.001', price: '60000', positionIdx: 'auto', ...extra });

describe('WebSocket order entry: every order write over /v5/trade', () => {
	it('create, amend, cancel, batch create and batch cancel go over one connection; nothing order-placing goes over REST', async () => {
		const c = wsCreds();
		const [placed] = (await run(c, create({ orderLinkId: 'ws-1' }))).out;
		expect(placed).toMatchObject({ orderLinkId: 'ws-1' });
		expect(typeof placed.orderId).toBe('string');
		await run(c, { resource: 'order', operation: 'amend', category: 'linear', symbol: rl('BTCUSDT'), orderLinkId: 'ws-1', additionalFields: { price: '60500' } });
		await run(c, { resource: 'order', operation: 'cancel', category: 'linear', symbol: rl('BTCUSDT'), orderLinkId: 'ws-1' });
		const batch = [
			{ symbol: 'BTCUSDT', side: 'Buy', orderType: 'Limit', qty: '0.001', price: '59000', orderLinkId: 'wb-1' },
			{ symbol: 'BTCUSDT', side: 'Buy', orderType: 'Limit', qty: '0.001', price: '59100', orderLinkId: 'wb-2' },
		];
		const made = (await run(c, { resource: 'order', operation: 'createBatch', category: 'linear', source: 'json', orders: JSON.stringify(batch) })).out;
		expect(made.map((o) => o.orderLinkId)).toEqual(['wb-1', 'wb-2']);
		await run(c, { resource: 'order', operation: 'cancelBatch', category: 'linear', source: 'json', orders: JSON.stringify(batch.map((b) => ({ symbol: b.symbol, orderLinkId: b.orderLinkId }))) });

		expect(opFrames().map((f) => [f.op, f.retCode])).toEqual([
			['order.create', 0],
			['order.amend', 0],
			['order.cancel', 0],
			['order.create-batch', 0],
			['order.cancel-batch', 0],
		]);
		for (const path of ['create', 'amend', 'cancel', 'create-batch', 'cancel-batch']) expect(restCalls(`/v5/order/${path}`)).toHaveLength(0);
		expect(new Set(sandbox.control.tradeFrames().map((f) => f.connId)).size).toBe(1);
		expect(sandbox.control.tradeFrames().filter((f) => f.op === 'auth')).toHaveLength(1);
		expect(orders().filter((o) => o.orderStatus === 'Cancelled').map((o) => o.orderLinkId).sort()).toEqual(['wb-1', 'wb-2', 'ws-1']);
	});

	it('sends the body the REST path would send, with the JSON types Bybit reads (strings for decimals, numbers for positionIdx)', async () => {
		await run(wsCreds(), create({ orderLinkId: 'types-1' }));
		await run(rest, create({ orderLinkId: 'types-2' }));
		const [frame] = opFrames();
		const parsed = JSON.parse(frame.raw) as { reqId: string; header: Record<string, unknown>; op: string; args: IDataObject[] };
		expect(Object.keys(parsed)).toEqual(['reqId', 'header', 'op', 'args']);
		expect(parsed.reqId).toMatch(/^[A-Za-z0-9_-]{1,36}$/);
		expect(typeof parsed.header['X-BAPI-TIMESTAMP']).toBe('string');
		expect(typeof parsed.header['X-BAPI-RECV-WINDOW']).toBe('string');
		expect(parsed.args).toHaveLength(1);
		const overRest = JSON.parse(restCalls('/v5/order/create')[0].body) as IDataObject;
		expect({ ...parsed.args[0], orderLinkId: '' }).toEqual({ ...overRest, orderLinkId: '' });
		expect(typeof parsed.args[0].qty).toBe('string');
		expect(typeof parsed.args[0].price).toBe('string');
		expect(typeof parsed.args[0].positionIdx).toBe('number');
	});

	it('Create From Signal and Close Position place their orders over the WebSocket', async () => {
		const c = wsCreds();
		const alert = { action: 'buy', contracts: '0.01', ticker: 'BYBIT:BTCUSDT.P', market_position: 'long', prev_market_position: 'flat', time: new Date().toISOString(), id: 'ws-sig-1' };
		const signal = { resource: 'order', operation: 'createFromSignal', category: 'linear', alert, symbol: '', qtyType: 'alert', maxAlertAge: 120, alertSecret: '', linkIdPrefix: 'tv', dryRun: false };
		expect((await run(c, signal)).out[0]).toMatchObject({ intent: 'open', orderLinkId: 'tv-ws-sig-1' });
		await run(c, { resource: 'position', operation: 'closePosition', category: 'linear', symbol: rl('BTCUSDT'), positionIdx: 'all', orderLinkId: 'ws-close-1' });
		expect(opFrames().map((f) => [f.op, JSON.parse(f.raw).args[0].orderLinkId, f.retCode])).toEqual([
			['order.create', 'tv-ws-sig-1', 0],
			['order.create', 'ws-close-1-1', 0],
		]);
		expect(restCalls('/v5/order/create')).toHaveLength(0);
		const open = (sandbox.control.getState().positions as IDataObject[]).filter((p) => p.symbol === 'BTCUSDT' && Number(p.size) > 0);
		expect(open).toHaveLength(0);
	});

	it('an order the safety limits refuse is refused before anything is sent (no frame, no REST request)', async () => {
		const c = wsCreds({ maxOrderNotional: 50 });
		await expect(run(c, create({ orderType: 'Market', qty: '0.01', orderLinkId: 'big-1' }))).rejects.toThrow(/exceeds the credential's maximum of 50/);
		await expect(run(wsCreds({ allowedSymbols: 'ETHUSDT' }), create({ orderLinkId: 'sym-1' }))).rejects.toThrow(/BTCUSDT/);
		expect(opFrames()).toHaveLength(0);
		expect(restCalls('/v5/order/create')).toHaveLength(0);
		expect(orders()).toHaveLength(0);
	});

	it('a Create without an orderLinkId gets a random one, so a lost answer can be looked up', async () => {
		await run(wsCreds(), create());
		await run(wsCreds(), create());
		const ids = opFrames().map((f) => JSON.parse(f.raw).args[0].orderLinkId as string);
		expect(ids).toHaveLength(2);
		for (const id of ids) expect(id).toMatch(/^n8n-[0-9a-f]{32}$/);
		expect(ids[0]).not.toBe(ids[1]);
		expect(orders()).toHaveLength(2);
	});
});

describe('WebSocket order entry: faults (0 duplicates, 0 lost)', () => {
	it('accepted, then the connection dropped: looked up by orderLinkId over REST, recovered, placed once', async () => {
		sandbox.control.tradeFault('dropAfterAccept', { op: 'order.create' });
		const [out] = (await run(wsCreds(), create({ orderLinkId: 'drop-a' }))).out;
		expect(out).toMatchObject({ orderLinkId: 'drop-a', recovered: 'lostResponse' });
		expect(orders().filter((o) => o.orderLinkId === 'drop-a')).toHaveLength(1);
		expect(opFrames()).toHaveLength(1);
		expect(restCalls('/v5/order/realtime').length).toBeGreaterThan(0);
	});

	it('dropped before Bybit took it: looked up, not found, sent again on a new connection, placed once', async () => {
		sandbox.control.tradeFault('dropBeforeAccept', { op: 'order.create' });
		const [out] = (await run(wsCreds(), create({ orderLinkId: 'drop-b' }))).out;
		expect(out).toMatchObject({ orderLinkId: 'drop-b' });
		expect(out.recovered).toBeUndefined();
		expect(orders().filter((o) => o.orderLinkId === 'drop-b')).toHaveLength(1);
		expect(new Set(sandbox.control.tradeFrames().map((f) => f.connId)).size).toBe(2);
	});

	it('no answer in time (the answer comes late): looked up, found, placed once; the late answer is ignored', async () => {
		sandbox.control.tradeFault('delay', { op: 'order.create', ms: 2500 });
		const [out] = (await run(wsCreds(), create({ orderLinkId: 'late-1' }))).out;
		expect(out).toMatchObject({ orderLinkId: 'late-1' });
		expect(orders().filter((o) => o.orderLinkId === 'late-1')).toHaveLength(1);
	});

	it('a rate-limit answer (10006) is waited out and sent again: placed once', async () => {
		sandbox.control.tradeFault('rateLimit', { op: 'order.create' });
		const [out] = (await run(wsCreds(), create({ orderLinkId: 'rl-1' }))).out;
		expect(out).toMatchObject({ orderLinkId: 'rl-1' });
		expect(opFrames().map((f) => f.retCode)).toEqual([10006, 0]);
		expect(orders().filter((o) => o.orderLinkId === 'rl-1')).toHaveLength(1);
	});

	it('a clock 10 s behind Bybit: refused before acting (the WebSocket auth as expired, REST with 10002), re-synced, then placed once over the WebSocket', async () => {
		sandbox.control.setClockSkew(10_000);
		const body = (orderLinkId: string) => ({ category: 'linear', symbol: 'BTCUSDT', side: 'Buy', orderType: 'Limit', qty: '0.001', price: '60000', orderLinkId });
		// the order alone (no instrument look-ups first, which would re-sync the clock before it)
		expect(await createOrderOnce(executeContext(wsCreds(), {}), body('skew-1'), 0)).toMatchObject({ orderLinkId: 'skew-1' });
		expect(sandbox.control.tradeFrames().map((f) => [f.op, f.retCode])).toEqual([
			['auth', 10001],
			['auth', 0],
			['order.create', 0],
		]);
		expect(restCalls('/v5/order/create').map((r) => r.retCode)).toEqual([10002]);
		expect(restCalls('/v5/market/time')).toHaveLength(1);
		await createOrderOnce(executeContext(wsCreds(), {}), body('skew-2'), 0);
		expect(opFrames().map((f) => f.retCode)).toEqual([0, 0]);
		expect(restCalls('/v5/order/create')).toHaveLength(1);
		expect(orders().map((o) => o.orderLinkId).sort()).toEqual(['skew-1', 'skew-2']);
	});

	it('a clock 7 s behind Bybit: the frame gets 10002 (the auth still passes), the clock is re-synced, the frame goes again, placed once', async () => {
		sandbox.control.setClockSkew(7000);
		const body = { category: 'linear', symbol: 'BTCUSDT', side: 'Buy', orderType: 'Limit', qty: '0.001', price: '60000', orderLinkId: 'skew-7' };
		expect(await createOrderOnce(executeContext(wsCreds(), {}), body, 0)).toMatchObject({ orderLinkId: 'skew-7' });
		expect(sandbox.control.tradeFrames().map((f) => [f.op, f.retCode])).toEqual([
			['auth', 0],
			['order.create', 10002],
			['order.create', 0],
		]);
		expect(restCalls('/v5/order/create')).toHaveLength(0);
		expect(restCalls('/v5/market/time')).toHaveLength(1);
		expect(orders().filter((o) => o.orderLinkId === 'skew-7')).toHaveLength(1);
	});

	it('without an orderLinkId to look up (an amend), a lost answer is reported, never sent again', async () => {
		await run(wsCreds(), create({ orderLinkId: 'am-1' }));
		sandbox.control.tradeFault('dropAfterAccept', { op: 'order.amend' });
		const error = (await run(wsCreds(), { resource: 'order', operation: 'amend', category: 'linear', symbol: rl('BTCUSDT'), orderId: String(orders()[0].orderId), additionalFields: { price: '61000' } }).catch(
			(e: unknown) => e,
		)) as { message: string; description?: string };
		expect(error.message).toMatch(/no answer over Bybit's WebSocket Trade API: The connection closed before the answer came/);
		expect(error.description).toMatch(/may or may not have reached Bybit, so it was not sent again/);
		expect(opFrames().filter((f) => f.op === 'order.amend')).toHaveLength(1);
	});

	it('the server closing every connection between orders: the next order opens a new one', async () => {
		await run(wsCreds(), create({ orderLinkId: 'c-1' }));
		sandbox.control.closeTradeSockets();
		await run(wsCreds(), create({ orderLinkId: 'c-2' }));
		expect(orders().map((o) => o.orderLinkId).sort()).toEqual(['c-1', 'c-2']);
		expect(new Set(sandbox.control.tradeFrames().map((f) => f.connId)).size).toBe(2);
	});
});

describe('WebSocket order entry: where it cannot be used, REST, with a hint', () => {
	it('Demo Trading (no /v5/trade, per Bybit\'s docs): the order goes over REST and the run notes why', async () => {
		const sentTo: string[] = [];
		const ctx = executeContext({ ...wsCreds(), environment: 'demo' }, {});
		(ctx.helpers as unknown as Record<string, unknown>).httpRequestWithAuthentication = async (_type: string, options: { url: string; body: IDataObject }) => {
			sentTo.push(options.url);
			return { statusCode: 200, headers: {}, body: { retCode: 0, retMsg: 'OK', result: { orderId: 'd-1', orderLinkId: options.body.orderLinkId }, retExtInfo: {}, time: Date.now() } };
		};
		const body = { category: 'linear', symbol: 'BTCUSDT', side: 'Buy', orderType: 'Limit', qty: '0.001', price: '60000', orderLinkId: 'demo-1' };
		expect(await bybitApiRequest.call(ctx, { method: 'POST', path: '/v5/order/create', body, itemIndex: 0 })).toEqual({ orderId: 'd-1', orderLinkId: 'demo-1' });
		expect(sentTo).toEqual(['/v5/order/create']);
		expect(takeRunNotes(ctx)).toEqual([{ kind: 'orderEntryRest', itemIndex: 0, reason: expect.stringMatching(/no WebSocket order entry on this credential's Environment \(Demo Trading/) }]);
		expect(sandbox.control.tradeFrames()).toHaveLength(0);
		for (const environment of ['demo', 'netherlands', 'eea', 'uae', 'georgia', 'indonesia', 'japan']) expect(wsTradeUrl({ environment })).toBeUndefined();
		expect(wsTradeUrl({ environment: 'mainnet' })).toBe('wss://stream.bybit.com/v5/trade');
		expect(wsTradeUrl({ environment: 'testnet' })).toBe('wss://stream-testnet.bybit.com/v5/trade');
		expect(wsTradeUrl({ environment: 'turkey' })).toBe('wss://stream.bybit.tr/v5/trade');
		expect(wsTradeUrl({ environment: 'kazakhstan' })).toBe('wss://stream.bybit.kz/v5/trade');
	});

	it('a spread order (Custom API Call): REST, and the run says Bybit takes none over the WebSocket', async () => {
		const ctx = executeContext(wsCreds(), {});
		await bybitApiRequest.call(ctx, { method: 'POST', path: '/v5/spread/order/create', body: { symbol: 'SOLUSDT_SOL/USDT', side: 'Buy', orderType: 'Limit', qty: '1', price: '1' }, itemIndex: 0 }).catch(() => undefined);
		expect(takeRunNotes(ctx)).toEqual([{ kind: 'orderEntryRest', itemIndex: 0, reason: 'Bybit\'s WebSocket Trade API does not take spread orders' }]);
		expect(sandbox.control.tradeFrames()).toHaveLength(0);
	});

	it('a host whose /v5/trade does not answer: the order goes over REST, once, and the run says why', async () => {
		const c = wsCreds({ wsBaseUrl: 'ws://127.0.0.1:9' });
		const { out, hints } = await run(c, create({ orderLinkId: 'fb-1' }));
		expect(out[0]).toMatchObject({ orderLinkId: 'fb-1' });
		expect(restCalls('/v5/order/create')).toHaveLength(1);
		expect(hints.join(' ')).toMatch(/Sent over REST, not WebSocket \(item 1\): the WebSocket Trade API could not be used/);
	});

	it('a wrong secret: the WebSocket auth is refused, the reason names no secret, and REST then refuses the order (nothing placed)', async () => {
		const c = wsCreds({ apiSecret: 'wrong-secret-0123456789' });
		const error = await run(c, create({ orderLinkId: 'bad-1' })).catch((e: Error) => e);
		expect(error).toBeInstanceOf(Error);
		const text = JSON.stringify(error) + String((error as Error).message);
		expect(text).not.toContain('wrong-secret-0123456789');
		expect(text).not.toContain(String(rest.apiKey));
		expect(orders()).toHaveLength(0);
		expect(opFrames()).toHaveLength(0);
	});
});

it('one client per key per process: several runs and items share it', async () => {
	await run(wsCreds(), create({ orderLinkId: '={{ "m-" + $itemIndex }}' }), [{}, {}, {}]).catch(() => undefined);
	await run(wsCreds(), create({ orderLinkId: 'm-x' }));
	expect(tradeClients()).toHaveLength(1);
	expect(tradeClients()[0].opened).toBe(1);
});

describe('WebSocket order entry: rate limits shared with REST (Bybit counts both per key)', () => {
	let limited: Sandbox;
	afterEach(async () => await limited?.close());

	it('30 creates at once, half over the WebSocket and half over REST on the same key: all placed, none refused for the rate limit', async () => {
		limited = await startSandbox({ port: 0 });
		limited.control.setPrice('BTCUSDT', { last: '65000', mark: '65000', index: '65000' });
		const base = sandboxCredentials(limited.restUrl, limited.control.defaultKey.apiKey, limited.control.defaultKey.secret);
		const body = (n: number) => ({ category: 'linear', symbol: 'BTCUSDT', side: 'Buy', orderType: 'Limit', qty: '0.001', price: String(50000 + n), orderLinkId: `rl-${n}` });
		const sends = Array.from({ length: 30 }, (_, n) =>
			createOrderOnce(executeContext(n % 2 ? { ...base, wsBaseUrl: limited.wsUrl, orderEntry: 'websocket' } : base, {}), body(n), 0),
		);
		await Promise.all(sends);
		expect((limited.control.getState().orders as IDataObject[]).length).toBe(30);
		const ws = limited.control.tradeFrames().filter((f) => f.op === 'order.create');
		const overRest = limited.control.requests().filter((r) => r.path === '/v5/order/create');
		expect(ws.length + overRest.length).toBe(30);
		expect([...ws.map((f) => f.retCode), ...overRest.map((r) => r.retCode)].filter((c) => c === 10006)).toEqual([]);
	});
});
