/** The bench's latency proxy (bench/latencyProxy.ts) on real sockets: delays, set-up, order, kinds. */
import * as http from 'http';
import * as net from 'net';

import { startLatencyProxy, type LatencyProxy } from '../../bench/latencyProxy';

// d is large enough that each upper bound below, which tells the modelled delays from a proxy that
// paid one twice, leaves almost a whole set-up (190 ms or more) for a busy machine's scheduling
const D = 100;

/** An echo server that also answers HTTP requests (`ok <path>`). */
async function startEcho(): Promise<{ port: number; close(): Promise<void> }> {
	const server = http.createServer((req, res) => res.end(`ok ${req.url}`));
	const upgraded = new Set<net.Socket>(); // no longer the server's: closeAllConnections() does not see them
	server.on('upgrade', (_req, socket: net.Socket, head: Buffer) => {
		upgraded.add(socket);
		socket.write('HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n');
		socket.write(head); // echo (what came with the upgrade's headers, then the rest)
		socket.on('data', (d) => socket.write(d));
	});
	await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
	return {
		port: (server.address() as net.AddressInfo).port,
		close: () => new Promise<void>((r) => { for (const s of upgraded) s.destroy(); server.closeAllConnections(); server.close(() => r()); }),
	};
}

function get(port: number, path: string, agent: http.Agent): Promise<string> {
	return new Promise((resolve, reject) => {
		http.get({ host: '127.0.0.1', port, path, agent }, (res) => {
			let t = '';
			res.on('data', (c) => (t += c));
			res.on('end', () => resolve(t));
		}).on('error', reject);
	});
}

describe('latency proxy', () => {
	let echo: Awaited<ReturnType<typeof startEcho>>;
	const proxies: LatencyProxy[] = [];
	beforeAll(async () => { echo = await startEcho(); });
	afterAll(async () => {
		for (const p of proxies) await p.close();
		await echo.close();
	});

	it.each([
		[false, 2 * D],
		[true, 4 * D],
	])('a request on a new connection (tls %s) takes set-up + 2d; a second on the kept-open connection 2d', async (tls, setup) => {
		const proxy = await startLatencyProxy({ target: { host: '127.0.0.1', port: echo.port }, oneWayMs: D, tls });
		proxies.push(proxy);
		const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
		let t = Date.now();
		expect(await get(proxy.port, '/v5/a?x=1', agent)).toBe('ok /v5/a?x=1');
		const first = Date.now() - t;
		t = Date.now();
		expect(await get(proxy.port, '/v5/b', agent)).toBe('ok /v5/b');
		const second = Date.now() - t;
		agent.destroy();
		expect(first).toBeGreaterThanOrEqual(setup + 2 * D - 2);
		expect(first).toBeLessThan(setup + 2 * D + setup - 10); // set-up paid once (twice is at least 2 setup + 2d)
		expect(second).toBeGreaterThanOrEqual(2 * D - 2);
		expect(second).toBeLessThan(2 * D + setup - 10); // and not again on the kept-open connection
		expect(proxy.connections).toHaveLength(1);
		expect(proxy.connections[0]).toMatchObject({ kind: 'rest', path: '/v5/a', requests: 2, paths: ['/v5/a', '/v5/b'] });
		expect(proxy.connections[0].setupWaitMs).toBeGreaterThan(setup - 10);
	});

	it('a new agent per request opens a connection per request; a WebSocket upgrade is counted as ws, its frames keep their order', async () => {
		const proxy = await startLatencyProxy({ target: { host: '127.0.0.1', port: echo.port }, oneWayMs: D, tls: true });
		proxies.push(proxy);
		for (let n = 0; n < 3; n++) await get(proxy.port, '/v5/order/create', new http.Agent());
		expect(proxy.opened('rest', 0, Date.now())).toHaveLength(3);

		const socket = net.connect(proxy.port, '127.0.0.1');
		let got = '';
		const t0 = Date.now();
		const answered = new Promise<number>((resolve) => socket.on('data', (c) => { got += c.toString(); if (got.endsWith('9')) resolve(Date.now() - t0); }));
		socket.write('GET /v5/trade?max_active_time=600s HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n');
		for (let n = 0; n < 10; n++) socket.write(String(n)); // echoed after the 101, in order
		const elapsed = await answered;
		socket.destroy();
		expect(got.slice(got.indexOf('\r\n\r\n') + 4)).toBe('0123456789');
		expect(elapsed).toBeGreaterThanOrEqual(4 * D + 2 * D - 2);
		expect(elapsed).toBeLessThan(6 * D + 2 * D); // frames share one delay each way, not d apiece (16d)
		const ws = proxy.opened('ws', 0, Date.now());
		expect(ws).toHaveLength(1);
		expect(ws[0].path).toBe('/v5/trade');
	});
});
