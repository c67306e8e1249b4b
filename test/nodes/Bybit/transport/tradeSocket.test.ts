/**
 * The /v5/trade connection's life on real sockets: heartbeat while in use, a missing pong ends
 * the connection (requests in flight are lost, never answered by guess), idle close, the
 * connection re-opened on the next request, `max_active_time` asked for, and a refusal without
 * reqId settling only a request it can belong to.
 */
import { WebSocketServer, type WebSocket as WsSocket } from 'ws';

import { TradeClient, type TradeTimings } from '../../../../nodes/Bybit/transport/tradeSocket';
import { waitFor } from '../../../harness/waitFor';

interface Server {
	url: string;
	frames: Array<Record<string, unknown>>;
	sockets: WsSocket[];
	urls: string[];
	/** How the server answers a frame (undefined: no answer). */
	answer: (frame: Record<string, unknown>) => Record<string, unknown> | undefined;
	close(): Promise<void>;
}

async function server(): Promise<Server> {
	const wss = new WebSocketServer({ port: 0, host: '127.0.0.1' });
	await new Promise((r) => wss.once('listening', r));
	const s: Server = {
		url: `ws://127.0.0.1:${(wss.address() as { port: number }).port}/v5/trade`,
		frames: [],
		sockets: [],
		urls: [],
		answer: (f) => {
			if (f.op === 'auth') return { retCode: 0, retMsg: 'OK', op: 'auth', connId: 'c1' };
			if (f.op === 'ping') return { op: 'pong', args: [String(Date.now())], conn_id: 'c1' };
			return { reqId: f.reqId, retCode: 0, retMsg: 'OK', op: f.op, data: { orderId: 'o1' }, retExtInfo: {}, header: {}, connId: 'c1' };
		},
		close: async () => {
			for (const ws of s.sockets) ws.terminate();
			await new Promise((r) => wss.close(r));
		},
	};
	wss.on('connection', (ws, req) => {
		s.sockets.push(ws);
		s.urls.push(req.url ?? '');
		ws.on('message', (data) => {
			const frame = JSON.parse(String(data)) as Record<string, unknown>;
			s.frames.push(frame);
			const reply = s.answer(frame);
			if (reply) ws.send(JSON.stringify(reply));
		});
	});
	return s;
}

const fast: TradeTimings = { answerTimeoutMs: 2000, connectTimeoutMs: 2000, pingIntervalMs: 150, pongTimeoutMs: 300, idleMs: 700 };
const order = (reqId: string) => JSON.stringify({ reqId, header: { 'X-BAPI-TIMESTAMP': String(Date.now()) }, op: 'order.create', args: [{ category: 'linear' }] });
const open = (s: Server) => s.sockets.filter((ws) => ws.readyState === ws.OPEN).length;

let s: Server;
let client: TradeClient;
beforeEach(async () => {
	s = await server();
	client = new TradeClient(s.url, () => ['key', Date.now() + 10_000, 'sig'], (t) => t, fast);
});
afterEach(async () => {
	client.close();
	await s.close();
});

it('authenticates once, asks for max_active_time, answers each request by its reqId', async () => {
	const [a, b] = await Promise.all([client.request(order), client.request(order)]);
	expect([a.kind, b.kind]).toEqual(['answer', 'answer']);
	expect(s.urls).toEqual(['/v5/trade?max_active_time=600s']);
	expect(s.frames.filter((f) => f.op === 'auth')).toHaveLength(1);
	const ids = s.frames.filter((f) => f.op === 'order.create').map((f) => f.reqId);
	expect(new Set(ids).size).toBe(2);
});

it('pings while in use, then closes when idle; the next request opens a new connection', async () => {
	// timings with room for a slow machine: the pings must come well before the idle close, and a stall must not end the connection
	client.close();
	client = new TradeClient(s.url, () => ['key', Date.now() + 10_000, 'sig'], (t) => t, { ...fast, pongTimeoutMs: 2000, idleMs: 1500 });
	await client.request(order);
	const used = Date.now();
	await waitFor('two pings', () => s.frames.filter((f) => f.op === 'ping').length >= 2, 5000, 20);
	expect(open(s)).toBe(1);
	await waitFor('the idle close', () => open(s) === 0, 10_000, 20);
	expect(Date.now() - used).toBeGreaterThanOrEqual(1500 - 150);
	expect((await client.request(order)).kind).toBe('answer');
	expect(client.opened).toBe(2);
});

it('no pong: the connection ends and a request in flight is lost (Bybit may have acted), not answered', async () => {
	s.answer = (f) => (f.op === 'auth' ? { retCode: 0, retMsg: 'OK', op: 'auth', connId: 'c1' } : undefined);
	const outcome = await client.request(order);
	expect(outcome).toEqual({ kind: 'lost', reason: 'The connection closed before the answer came.' });
	expect(s.frames.some((f) => f.op === 'ping')).toBe(true);
});

it('a refused authentication is `notSent` (the request may go over REST) and names no secret', async () => {
	s.answer = (f) => (f.op === 'auth' ? { retCode: 10004, retMsg: 'Invalid sign. origin_string[GET/realtime123]', op: 'auth', connId: 'c1' } : undefined);
	client = new TradeClient(s.url, () => ['key', 1, 'sig'], (t) => t.replace(/origin_string\[[^\]]*\]/, 'origin_string[redacted]'), fast);
	const outcome = await client.request(order);
	expect(outcome).toEqual({ kind: 'notSent', reason: 'Bybit refused the WebSocket authentication (10004): Invalid sign. origin_string[redacted]' });
	expect(s.frames.filter((f) => f.op === 'order.create')).toHaveLength(0);
});

it('a refusal without reqId (10005, as Bybit answers a key without trade permission) settles the one request in flight', async () => {
	s.answer = (f) => (f.op === 'auth' ? { retCode: 0, retMsg: 'OK', op: 'auth', connId: 'c1' } : { retCode: 10005, retMsg: 'Permission denied for current apikey', op: 'auth', connId: 'c1' });
	const outcome = await client.request(order);
	expect(outcome).toMatchObject({ kind: 'answer', answer: { retCode: 10005 } });
});

it('the same refusal with two requests in flight: both lost (it could be either, and the other may have been placed)', async () => {
	let held = 0;
	s.answer = (f) => {
		if (f.op === 'auth') return { retCode: 0, retMsg: 'OK', op: 'auth', connId: 'c1' };
		if (f.op !== 'order.create') return undefined;
		return ++held === 2 ? { retCode: 10005, retMsg: 'Permission denied for current apikey', op: 'auth', connId: 'c1' } : undefined;
	};
	const outcomes = await Promise.all([client.request(order), client.request(order)]);
	expect(outcomes.map((o) => o.kind)).toEqual(['lost', 'lost']);
});

it('10019 (trade service restarting: request not taken): sent once more on a new connection', async () => {
	let first = true;
	s.answer = (f) => {
		if (f.op === 'auth') return { retCode: 0, retMsg: 'OK', op: 'auth', connId: 'c1' };
		if (f.op !== 'order.create') return undefined;
		const code = first ? 10019 : 0;
		first = false;
		return { reqId: f.reqId, retCode: code, retMsg: code ? 'ws trade service is restarting' : 'OK', op: f.op, data: {}, retExtInfo: {}, header: {}, connId: 'c1' };
	};
	const outcome = await client.request(order);
	expect(outcome).toMatchObject({ kind: 'answer', answer: { retCode: 0 } });
	expect(client.opened).toBe(2);
	expect(s.frames.filter((f) => f.op === 'order.create')).toHaveLength(2);
});

it('a server that does not answer the open: `notSent` within the connect timeout', async () => {
	client = new TradeClient('ws://127.0.0.1:9/v5/trade', () => ['key', 1, 'sig'], (t) => t, fast);
	const outcome = await client.request(order);
	expect(outcome.kind).toBe('notSent');
});
