/**
 * One Bybit WebSocket stream with an explicit state machine: INITIAL ->
 * CONNECTING -> CONNECTED, RECONNECTING after any close not asked for, and
 * CLOSING/CLOSED once `close()` is called (nothing reconnects after that).
 * Uses the runtime's global WebSocket; waits are loops on n8n's `sleep`
 * sliced short, so closing is prompt and leaves no timer behind.
 */
import { sleep } from 'n8n-workflow';

export enum StreamState {
	Initial = 'INITIAL',
	Connecting = 'CONNECTING',
	Connected = 'CONNECTED',
	Reconnecting = 'RECONNECTING',
	Closing = 'CLOSING',
	Closed = 'CLOSED',
}

export class StreamAuthError extends Error {}

export interface StreamTimings {
	pingIntervalMs: number;
	pongTimeoutMs: number;
	replyTimeoutMs: number;
	backoffBaseMs: number;
	backoffMaxMs: number;
	maxReconnects: number;
}

export const DEFAULT_TIMINGS: StreamTimings = {
	pingIntervalMs: 20_000,
	pongTimeoutMs: 10_000,
	replyTimeoutMs: 10_000,
	backoffBaseMs: 500,
	backoffMaxMs: 30_000,
	maxReconnects: 10,
};

export interface StreamOptions {
	url: string;
	/** Arguments of the `auth` op, made fresh for every connection (private streams). */
	authArgs?: () => unknown[];
	topics: () => string[];
	/** Max topics per subscribe request (spot public: 10). */
	batchSize?: number;
	onMessage: (msg: { topic: string; [key: string]: unknown }) => void;
	/** After a reconnect is subscribed again (catch-up runs here). */
	onReconnected?: () => Promise<void>;
	/** A condition the stream cannot recover from by itself. */
	onFatal: (error: Error) => void;
	timings?: Partial<StreamTimings>;
}

type Reply = { op?: string; success?: boolean; ret_msg?: string; [key: string]: unknown };

const SLICE_MS = 100;

export class BybitStream {
	state = StreamState.Initial;
	readonly timings: StreamTimings;
	private ws?: WebSocket;
	private generation = 0;
	private waiters: Array<{ match: (r: Reply) => boolean; resolve: (r: Reply) => void }> = [];
	reconnects = 0;

	constructor(private readonly options: StreamOptions) {
		this.timings = { ...DEFAULT_TIMINGS, ...options.timings };
	}

	private get closing(): boolean {
		return this.state === StreamState.Closing || this.state === StreamState.Closed;
	}

	/** Sleeps up to `ms` in short slices; returns early once closing. */
	private async pause(ms: number, stillWanted: () => boolean = () => !this.closing): Promise<void> {
		const end = Date.now() + ms;
		while (stillWanted() && Date.now() < end) await sleep(Math.min(SLICE_MS, end - Date.now()));
	}

	private async waitFor(match: (r: Reply) => boolean, timeoutMs: number, gone: () => boolean = () => false): Promise<Reply | undefined> {
		let got: Reply | undefined;
		const waiter = { match, resolve: (r: Reply) => (got = r) };
		this.waiters.push(waiter);
		await this.pause(timeoutMs, () => got === undefined && !this.closing && !gone());
		this.waiters = this.waiters.filter((w) => w !== waiter);
		return got;
	}

	private send(payload: object): void {
		if (this.ws && this.ws.readyState === WebSocket.OPEN) this.ws.send(JSON.stringify(payload));
	}

	/** Connects, authenticates and subscribes; throws when any of it fails. */
	async start(): Promise<void> {
		await this.connect().catch(async (error: Error) => {
			this.state = StreamState.Closed;
			this.generation++;
			return await Promise.reject(error);
		});
	}

	private async connect(): Promise<void> {
		this.state = StreamState.Connecting;
		const generation = ++this.generation;
		const ws = new WebSocket(this.options.url);
		this.ws = ws;
		const opened = await new Promise<boolean>((resolve) => {
			ws.addEventListener('open', () => resolve(true), { once: true });
			ws.addEventListener('error', () => resolve(false), { once: true });
			ws.addEventListener('close', () => resolve(false), { once: true });
		});
		if (!opened) throw new Error(`Could not open a WebSocket to ${this.options.url}`);
		ws.addEventListener('message', (event) => this.onRaw(String(event.data)));
		ws.addEventListener('close', (event) => this.onClose(ws, event.code));
		// a socket that dies while we authenticate or subscribe ends the wait at once
		const gone = () => ws.readyState === WebSocket.CLOSED || ws.readyState === WebSocket.CLOSING;
		const lost = () => new Error('The connection closed while authenticating or subscribing');

		if (this.options.authArgs) {
			this.send({ req_id: 'auth', op: 'auth', args: this.options.authArgs() });
			const reply = await this.waitFor((r) => r.op === 'auth', this.timings.replyTimeoutMs, gone);
			if (!reply && gone()) throw lost();
			if (!reply || reply.success !== true) {
				ws.close(1000);
				throw new StreamAuthError(
					reply ? `Bybit rejected the WebSocket authentication: ${reply.ret_msg || 'no reason given'}` : 'Bybit did not answer the WebSocket authentication',
				);
			}
		}
		const topics = this.options.topics();
		const size = this.options.batchSize ?? 100;
		for (let i = 0; i < topics.length; i += size) {
			const args = topics.slice(i, i + size);
			this.send({ req_id: `sub-${i}`, op: 'subscribe', args });
			const reply = await this.waitFor((r) => r.op === 'subscribe' || r.type === 'COMMAND_RESP', this.timings.replyTimeoutMs, gone);
			if (!reply && gone()) throw lost();
			if (reply && reply.success === false) {
				ws.close(1000);
				throw new Error(`Bybit refused the subscription to ${args.join(', ')}: ${reply.ret_msg || 'no reason given'}`);
			}
		}
		if (this.closing || generation !== this.generation) return;
		if (gone()) throw lost();
		this.state = StreamState.Connected;
		void this.heartbeat(generation);
	}

	private onRaw(text: string): void {
		let msg: Reply;
		try {
			msg = JSON.parse(text) as Reply;
		} catch {
			return; // not JSON: nothing Bybit sends; ignore
		}
		if (typeof msg.topic === 'string') {
			this.options.onMessage(msg as { topic: string });
			return;
		}
		for (const w of this.waiters) if (w.match(msg)) w.resolve(msg);
	}

	private async heartbeat(generation: number): Promise<void> {
		const current = () => generation === this.generation && this.state === StreamState.Connected;
		while (current()) {
			await this.pause(this.timings.pingIntervalMs, current);
			if (!current()) return;
			this.send({ req_id: 'hb', op: 'ping' });
			const pong = await this.waitFor((r) => r.op === 'pong' || r.ret_msg === 'pong', this.timings.pongTimeoutMs);
			if (!current()) return;
			if (!pong) {
				// no pong: the connection is dead even if the socket has not noticed
				this.abandon();
				void this.reconnect();
				return;
			}
		}
	}

	/** Drops the current socket without waiting for its close handshake. */
	private abandon(): void {
		this.generation++;
		const ws = this.ws;
		this.ws = undefined;
		try {
			ws?.close(4000, 'no pong');
		} catch {
			// already closing
		}
	}

	private onClose(ws: WebSocket, code: number): void {
		if (ws !== this.ws) return; // an abandoned socket
		this.ws = undefined;
		if (this.closing) {
			this.state = StreamState.Closed;
			return;
		}
		void code;
		// only a live connection reconnects here; failures while connecting are handled by connect()'s caller
		if (this.state !== StreamState.Connected) return;
		this.generation++;
		void this.reconnect();
	}

	private async reconnect(): Promise<void> {
		if (this.closing || this.state === StreamState.Reconnecting) return;
		this.state = StreamState.Reconnecting;
		for (let attempt = 1; attempt <= this.timings.maxReconnects; attempt++) {
			const backoff = Math.min(this.timings.backoffMaxMs, this.timings.backoffBaseMs * 2 ** (attempt - 1));
			await this.pause(backoff / 2 + Math.random() * (backoff / 2));
			if (this.closing) return;
			try {
				this.state = StreamState.Reconnecting;
				await this.connect();
				if (this.closing) return;
				this.reconnects++;
				await this.options.onReconnected?.();
				return;
			} catch (error) {
				if (error instanceof StreamAuthError) {
					this.options.onFatal(error);
					return;
				}
				this.state = StreamState.Reconnecting;
			}
		}
		if (!this.closing) this.options.onFatal(new Error(`Lost the Bybit stream and could not reconnect after ${this.timings.maxReconnects} attempts.`));
	}

	/** Unsubscribes and subscribes again, for a fresh snapshot (order book out of sequence). */
	resubscribe(): void {
		const args = this.options.topics();
		this.send({ req_id: 'resub-u', op: 'unsubscribe', args });
		this.send({ req_id: 'resub-s', op: 'subscribe', args });
	}

	/** Closes with code 1000; nothing reconnects afterwards. */
	async close(): Promise<void> {
		if (this.closing) return;
		this.state = StreamState.Closing;
		this.generation++;
		const ws = this.ws;
		if (!ws || ws.readyState === WebSocket.CLOSED) {
			this.state = StreamState.Closed;
			return;
		}
		ws.close(1000, 'closed by n8n');
		await this.pause(2000, () => ws.readyState !== WebSocket.CLOSED);
		this.state = StreamState.Closed;
	}
}
