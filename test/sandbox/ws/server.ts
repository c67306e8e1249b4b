/** WebSocket endpoints on the REST server's port: /v5/public/{category}, /v5/public/misc/status, /v5/private and /v5/trade. */
import type { IncomingMessage, Server } from 'http';
import type { Duplex } from 'stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { clientIp } from '../auth';
import type { RateLimiter } from '../rateLimit';
import type { RouteTable } from '../routes/route';
import type { Exchange } from '../state/exchange';
import type { Category, Json } from '../types';
import { Hub, type Conn } from './hub';
import { PrivateStream } from './private';
import { NoticeStreams, STATUS_PATH } from './notices';
import { PublicStreams } from './public';
import { parseMaxActiveTime, watchActiveTime } from './activeTime';
import { TradeStream } from './trade';

const PUBLIC = /^\/v5\/public\/(spot|linear|inverse|option)$/;

export class WsServer {
	readonly hub = new Hub();
	readonly priv: PrivateStream;
	readonly pub: PublicStreams;
	readonly notices: NoticeStreams;
	readonly trade: TradeStream;
	/** How long one second of `max_active_time` lasts (tests shorten it). */
	activeTimeMsPerSecond = 1000;
	/** While true every upgrade is answered 503 (an outage: the host is up, the stream is not). */
	refuseUpgrades = false;
	/** Connections cut by max_active_time. */
	activeTimeCuts = 0;
	private readonly wss = new WebSocketServer({ noServer: true, perMessageDeflate: false });

	constructor(
		private readonly ex: Exchange,
		server: Server,
		routes: RouteTable,
		limiter: RateLimiter,
	) {
		this.priv = new PrivateStream(ex, this.hub);
		this.trade = new TradeStream(ex, this.hub, routes, limiter);
		this.pub = new PublicStreams(ex, this.hub);
		this.notices = new NoticeStreams(ex, this.hub);
		ex.sinks = {
			private: (topic, category, data, executions) => this.priv.publish(topic, category, data, executions),
			public: (event) => this.pub.publish(event),
		};
		server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => this.upgrade(req, socket, head));
	}

	private upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
		const url = req.url ?? '';
		const path = url.split('?')[0];
		if (this.refuseUpgrades) {
			socket.end('HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
			return;
		}
		const m = PUBLIC.exec(path);
		if (!m && path !== '/v5/private' && path !== '/v5/trade' && path !== STATUS_PATH) {
			socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
			return;
		}
		// max_active_time: private stream and order entry only (docs: ws/connect); an invalid value refuses the upgrade.
		const activeTime = path === '/v5/private' || path === '/v5/trade' ? parseMaxActiveTime(url) : undefined;
		if (activeTime === 'invalid') {
			socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
			return;
		}
		this.wss.handleUpgrade(req, socket, head, (ws) => {
			const conn = this.accept(ws, path, m ? (m[1] as Category) : undefined, clientIp(req.socket.remoteAddress));
			if (activeTime !== undefined) {
				watchActiveTime(conn, activeTime, this.activeTimeMsPerSecond, () => {
					this.activeTimeCuts++;
					ws.terminate();
				});
			}
		});
	}

	private accept(ws: WebSocket, path: string, category: Category | undefined, ip: string): Conn {
		const kind = category ? 'public' : path === STATUS_PATH ? 'status' : path === '/v5/trade' ? 'trade' : 'private';
		const conn: Conn = { ws, kind, category, connId: this.ex.ids.connId(), topics: new Set(), ip };
		this.hub.conns.add(conn);
		ws.on('message', (raw) => {
			conn.lastActive = Date.now();
			if (conn.kind === 'trade') return this.trade.onMessage(conn, raw.toString());
			let msg: Json;
			try {
				msg = JSON.parse(raw.toString()) as Json;
			} catch {
				return this.hub.reply(conn, { success: false, ret_msg: 'error:request is not a valid JSON', conn_id: conn.connId });
			}
			if (!msg || typeof msg !== 'object') return;
			// auth args carry the key and a signature: kept out of the log
			this.hub.received.push({ connId: conn.connId, kind: conn.kind, path, msg: msg.op === 'auth' ? { ...msg, args: ['(redacted)'] } : msg });
			if (this.hub.received.length > 10_000) this.hub.received.shift();
			if (conn.kind === 'private') this.priv.onMessage(conn, msg);
			else if (conn.kind === 'status') this.notices.onStatusMessage(conn, msg);
			else this.pub.onMessage(conn, msg);
		});
		ws.on('error', () => undefined);
		ws.on('close', (code: number) => {
			conn.stopActiveTime?.();
			this.hub.closes.push({ connId: conn.connId, kind: conn.kind, code, time: Date.now() });
			this.hub.remove(conn);
			if (conn.kind === 'private') this.priv.onClose(conn);
		});
		return conn;
	}

	async close(): Promise<void> {
		this.pub.close();
		this.priv.close();
		this.hub.terminateAll();
		await new Promise<void>((resolve) => this.wss.close(() => resolve()));
	}
}
