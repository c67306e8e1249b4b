/**
 * A latency proxy for benchmarks (dev only): puts a network between a client on this machine and
 * the sandbox. Listens on 127.0.0.1 port 0 and forwards every connection to `target`, holding
 * every chunk for the one-way delay `d` in each direction (order kept per connection and
 * direction), and models a connection's set-up: the client's first bytes leave only 2d after it
 * connected (the TCP handshake: one round trip) and, with `tls`, another 2d (a TLS 1.3 handshake:
 * one more), as a client would wait before it could send over a real network. So a request on a
 * new connection reaches the server after 2d (+2d) + d, and its answer comes back d later; on an
 * open one, d and d.
 *
 * Each connection is classified by its first request line: `ws <path>` for an HTTP Upgrade to
 * WebSocket, `rest` otherwise; the proxy records, per connection, when it opened, its kind and
 * path, the requests seen on it (request lines at the start of a client chunk) and how long its
 * first bytes were held for set-up.
 */
import * as net from 'net';

export interface ProxyConnection {
	id: number;
	openedAt: number;
	/** `rest` or `ws`; `?` until the first bytes arrive. */
	kind: 'rest' | 'ws' | '?';
	/** The path of the first request (without its query). */
	path: string;
	/** Requests seen on this connection (REST: one per request line; WebSocket: the upgrade). */
	requests: number;
	/** Their paths, in order (without the query). */
	paths: string[];
	/** ms the first bytes waited for the modelled set-up (beyond the one-way delay). */
	setupWaitMs: number;
}

export interface LatencyProxy {
	url: string;
	port: number;
	connections: ProxyConnection[];
	/** Connections of a kind opened in [from, to] (Date.now() times). */
	opened(kind: 'rest' | 'ws', from: number, to: number): ProxyConnection[];
	close(): Promise<void>;
}

export interface LatencyProxyOptions {
	target: { host: string; port: number };
	/** One-way delay in ms. */
	oneWayMs: number;
	/** The modelled host speaks TLS (https/wss): one more round trip before a new connection's first bytes. */
	tls: boolean;
}

const REQUEST_LINE = /^(GET|POST|PUT|DELETE|PATCH|HEAD|OPTIONS) (\S+) HTTP\/1\.[01]\r\n/;

/** One direction of one connection: chunks leave in order, each no earlier than its due time. */
class DelayLine {
	private readonly queue: Array<{ due: number; chunk: Buffer | null }> = [];
	private timer?: NodeJS.Timeout;
	private lastDue = 0;

	constructor(private readonly out: net.Socket) {}

	/** `null` is the end of the stream (passed on in order). */
	push(chunk: Buffer | null, due: number): void {
		this.lastDue = Math.max(this.lastDue, due);
		this.queue.push({ due: this.lastDue, chunk });
		if (!this.timer) this.arm();
	}

	private arm(): void {
		const head = this.queue[0];
		if (!head) return;
		this.timer = setTimeout(() => {
			this.timer = undefined;
			const now = Date.now();
			while (this.queue.length && this.queue[0].due <= now) {
				const { chunk } = this.queue.shift()!;
				if (this.out.destroyed) continue;
				if (chunk === null) this.out.end();
				else this.out.write(chunk);
			}
			this.arm();
		}, Math.max(0, head.due - Date.now()));
	}

	stop(): void {
		if (this.timer) clearTimeout(this.timer);
		this.timer = undefined;
		this.queue.length = 0;
	}
}

export async function startLatencyProxy(options: LatencyProxyOptions): Promise<LatencyProxy> {
	const d = options.oneWayMs;
	const setupMs = 2 * d + (options.tls ? 2 * d : 0);
	const connections: ProxyConnection[] = [];
	const sockets = new Set<net.Socket>();
	let nextId = 0;
	const server = net.createServer({ allowHalfOpen: true }, (client) => {
		const openedAt = Date.now();
		const conn: ProxyConnection = { id: ++nextId, openedAt, kind: '?', path: '', requests: 0, paths: [], setupWaitMs: 0 };
		connections.push(conn);
		const upstream = net.connect({ port: options.target.port, host: options.target.host, allowHalfOpen: true });
		client.setNoDelay(true);
		upstream.setNoDelay(true);
		sockets.add(client);
		sockets.add(upstream);
		const toServer = new DelayLine(upstream);
		const toClient = new DelayLine(client);
		/** When the client may first send: its connection's set-up is done. */
		const readyAt = openedAt + setupMs;
		let first = true;
		client.on('data', (chunk: Buffer) => {
			const now = Date.now();
			if (first) {
				first = false;
				conn.setupWaitMs = Math.max(0, readyAt - now);
				const head = chunk.subarray(0, 2048).toString('latin1');
				conn.path = (REQUEST_LINE.exec(head)?.[2] ?? '').split('?')[0];
				conn.kind = /\r\nupgrade:\s*websocket/i.test(head) ? 'ws' : 'rest';
			}
			const line = conn.kind === 'rest' || conn.requests === 0 ? REQUEST_LINE.exec(chunk.subarray(0, 2048).toString('latin1')) : null;
			if (line) {
				conn.requests++;
				conn.paths.push(line[2].split('?')[0]);
			}
			toServer.push(chunk, Math.max(now, readyAt) + d);
		});
		upstream.on('data', (chunk: Buffer) => toClient.push(chunk, Date.now() + d));
		client.on('end', () => toServer.push(null, Math.max(Date.now(), readyAt) + d));
		upstream.on('end', () => toClient.push(null, Date.now() + d));
		const teardown = () => {
			toServer.stop();
			toClient.stop();
			client.destroy();
			upstream.destroy();
			sockets.delete(client);
			sockets.delete(upstream);
		};
		// an abrupt close (reset) goes straight through: nothing more can be delivered either way
		client.on('error', teardown);
		upstream.on('error', teardown);
		// a side fully closed: what is queued for the other side still leaves (within d), then both go
		const later = () => setTimeout(teardown, d + 5);
		client.on('close', later);
		upstream.on('close', later);
	});
	await new Promise<void>((resolve, reject) => {
		server.once('error', reject);
		server.listen(0, '127.0.0.1', () => resolve());
	});
	const { port } = server.address() as net.AddressInfo;
	return {
		url: `127.0.0.1:${port}`,
		port,
		connections,
		opened: (kind, from, to) => connections.filter((c) => c.kind === kind && c.openedAt >= from && c.openedAt <= to),
		close: () =>
			new Promise<void>((resolve) => {
				for (const s of sockets) s.destroy();
				server.close(() => resolve());
			}),
	};
}
