/** WebSocket connections and outgoing pushes (pausable: queued in order, flushed on resume). */
import type { WebSocket } from 'ws';
import type { Category, Json } from '../types';
import type { KeyRecord } from '../state/exchange';

export interface Conn {
	ws: WebSocket;
	kind: 'public' | 'private' | 'status' | 'trade';
	category?: Category;
	connId: string;
	key?: KeyRecord;
	topics: Set<string>;
	/** Set once a drop is scheduled for this connection (dropAfterSubscribe). */
	dropScheduled?: boolean;
	/** Client address (IP binding checks on the trade stream). */
	ip?: string;
	/** Trade stream: the reqIds this connection has used. */
	reqIds?: Set<string>;
	/** Date.now() of the last frame either way (max_active_time). */
	lastActive?: number;
	/** Stops the max_active_time watch. */
	stopActiveTime?: () => void;
}

export class Hub {
	readonly conns = new Set<Conn>();
	/** When set, pings get no pong (a half-dead connection). */
	mutePongs = false;
	/** When set, every connection is terminated this many ms after its first subscription. */
	dropAfterSubscribeMs?: number;
	/** Connections terminated by dropAfterSubscribe. */
	dropsAfterSubscribe = 0;
	/** Every closed connection with the close code the server saw (1000 = a clean client close). */
	readonly closes: Array<{ connId: string; kind: string; code: number; time: number }> = [];
	/** Every client message received, parsed, in order: what went over the wire (subscribe args and all). */
	readonly received: Array<{ connId: string; kind: string; path: string; msg: Json }> = [];
	/** topic -> subscribed connections (public topics are keyed "category|topic", system status "status|system.status"). */
	readonly subs = new Map<string, Set<Conn>>();
	private paused = false;
	private queue: Array<[Conn, string]> = [];

	/** A reply to a client op: never paused. */
	reply(conn: Conn, msg: object): void {
		if (conn.ws.readyState !== 1) return;
		conn.lastActive = Date.now();
		conn.ws.send(JSON.stringify(msg));
	}

	/** A push (already serialised): queued while paused. */
	push(conn: Conn, data: string): void {
		if (this.paused) this.queue.push([conn, data]);
		else if (conn.ws.readyState === 1) {
			conn.lastActive = Date.now();
			conn.ws.send(data);
		}
	}

	/** Push to every subscriber of a topic key. */
	publish(key: string, data: string | (() => string)): number {
		const set = this.subs.get(key);
		if (!set || set.size === 0) return 0;
		const text = typeof data === 'string' ? data : data();
		for (const c of set) this.push(c, text);
		return set.size;
	}

	has(key: string): boolean {
		const set = this.subs.get(key);
		return !!set && set.size > 0;
	}

	subscribe(conn: Conn, key: string): void {
		let set = this.subs.get(key);
		if (!set) this.subs.set(key, (set = new Set()));
		set.add(conn);
		conn.topics.add(key);
		const ms = this.dropAfterSubscribeMs;
		if (ms !== undefined && !conn.dropScheduled) {
			conn.dropScheduled = true;
			setTimeout(() => {
				if (conn.ws.readyState !== 1) return;
				this.dropsAfterSubscribe++;
				conn.ws.terminate();
			}, ms).unref();
		}
	}

	unsubscribe(conn: Conn, key: string): void {
		this.subs.get(key)?.delete(conn);
		conn.topics.delete(key);
	}

	remove(conn: Conn): void {
		for (const key of conn.topics) this.subs.get(key)?.delete(conn);
		this.conns.delete(conn);
	}

	pause(): void {
		this.paused = true;
	}

	resume(): void {
		this.paused = false;
		const q = this.queue;
		this.queue = [];
		for (const [conn, data] of q) if (conn.ws.readyState === 1) conn.ws.send(data);
	}

	get isPaused(): boolean {
		return this.paused;
	}

	terminateAll(): void {
		for (const c of this.conns) c.ws.terminate();
	}

	closeAll(code: number, reason: string): void {
		for (const c of this.conns) {
			try {
				c.ws.close(code, reason);
			} catch {
				c.ws.terminate(); // an invalid close code: drop instead
			}
		}
	}

	/** Bytes queued in the sockets' send buffers (backpressure for bursts). */
	buffered(): number {
		let n = 0;
		for (const c of this.conns) n += c.ws.bufferedAmount;
		return n;
	}
}
