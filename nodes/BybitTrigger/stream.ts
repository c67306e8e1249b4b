/**
 * One Bybit WebSocket stream with an explicit state machine: INITIAL ->
 * CONNECTING -> CONNECTED, RECONNECTING after any close not asked for, and
 * CLOSING/CLOSED once `close()` is called (nothing reconnects after that).
 * Uses the runtime's global WebSocket; waits are loops on n8n's `sleep`
 * sliced short, so closing is prompt and leaves no timer behind.
 *
 * Reconnect backoff: base * 2^(failures - 1) with jitter (half to full), capped.
 * `failures` counts attempts that failed and connections the server closed
 * before they proved stable; it resets only once a connection has stayed up
 * for `stableMs` (30 s) or delivered a stream message. So a server that
 * accepts, subscribes, then drops every connection gets ever slower retries
 * (at most 0.5, 1, 2, 4, 8, 16, 30, 30 ... s), and after `maxShortLived` (5) such
 * connections in a row, and after every further 5, the trigger reports it
 * through `onFatal` (n8n's emitError) and keeps retrying at the capped delay.
 */
import { sleep } from 'n8n-workflow';

import { paceConnect } from './connectPace';
import { redactSecrets } from '../../credentials/common/bybit/errors';
import { authArgSecrets } from '../../credentials/common/bybit/signing';

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
	/** Failed connection attempts in a row before reporting (retrying goes on). */
	maxReconnects: number;
	/** A connection that stays up this long resets the backoff. */
	stableMs: number;
	/** Connections closed before proving stable, in a row, before reporting. */
	maxShortLived: number;
}

export const DEFAULT_TIMINGS: StreamTimings = {
	pingIntervalMs: 20_000,
	pongTimeoutMs: 10_000,
	replyTimeoutMs: 10_000,
	backoffBaseMs: 500,
	backoffMaxMs: 30_000,
	maxReconnects: 10,
	stableMs: 30_000,
	maxShortLived: 5,
};

/** Counters that outlive one stream object (handed over on reactivation). */
export interface StreamHealth {
	failures: number;
	shortLived: number;
}

export interface StreamOptions {
	url: string;
	/** Arguments of the `auth` op, made fresh for every connection (private streams). */
	authArgs?: () => unknown[];
	topics: () => string[];
	/** Max topics per subscribe request (spot public: 10). */
	batchSize?: number;
	/** Topics of different groups never share a request (private: All-In-One and categorised forms). */
	requestGroup?: (topic: string) => string;
	onMessage: (msg: { topic: string; [key: string]: unknown }) => void;
	/**
	 * A live connection was lost (called at once, before any reconnect is
	 * tried): what arrives on the next connection may come before the catch-up
	 * of what was missed meanwhile.
	 */
	onDropped?: () => void;
	/** After a reconnect is subscribed again (catch-up runs here). */
	onReconnected?: () => Promise<void>;
	/** A condition the stream cannot recover from by itself, or keeps failing at. */
	onFatal: (error: Error) => void;
	timings?: Partial<StreamTimings>;
	/** Shared counters (defaults to the stream's own). */
	health?: StreamHealth;
	/** False once this stream's owner was superseded: it stops reconnecting. */
	wanted?: () => boolean;
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
	readonly health: StreamHealth;
	private connectedAt = 0;
	/** Whether the current connection delivered a stream message. */
	private delivered = false;
	private connectFailures = 0;
	/** Topics Bybit confirmed on the current connection. */
	private subscribed = new Set<string>();
	/** Subscription changes on a live connection, one at a time (a reply names no topic). */
	private changes: Promise<unknown> = Promise.resolve();
	private requestNo = 0;
	/** Secrets of the current connection's authentication, to redact from Bybit's replies. */
	private secrets: string[] = [];

	constructor(private readonly options: StreamOptions) {
		this.timings = { ...DEFAULT_TIMINGS, ...options.timings };
		this.health = options.health ?? { failures: 0, shortLived: 0 };
	}

	private get closing(): boolean {
		return this.state === StreamState.Closing || this.state === StreamState.Closed || this.options.wanted?.() === false;
	}

	/** The delay before the next attempt: exponential in the failures, jittered, capped. */
	nextBackoffMs(): number {
		const { backoffBaseMs, backoffMaxMs } = this.timings;
		const backoff = Math.min(backoffMaxMs, backoffBaseMs * 2 ** Math.min(Math.max(0, this.health.failures - 1), 30));
		return backoff / 2 + Math.random() * (backoff / 2);
	}

	/** Sleeps up to `ms` in short slices; returns early once closing. */
	private async pause(ms: number, stillWanted: () => boolean = () => !this.closing): Promise<void> {
		const end = Date.now() + ms;
		while (stillWanted() && Date.now() < end) await sleep(Math.max(1, Math.min(SLICE_MS, end - Date.now())));
	}

	private async waitFor(match: (r: Reply) => boolean, timeoutMs: number, gone: () => boolean = () => false): Promise<Reply | undefined> {
		let got: Reply | undefined;
		let wake = () => {};
		const arrived = new Promise<void>((resolve) => (wake = resolve));
		const waiter = {
			match,
			resolve: (r: Reply) => {
				got = r;
				wake();
			},
		};
		this.waiters.push(waiter);
		// the answer ends the wait at once; the sliced pause ends it on timeout, close or a dead socket
		await Promise.race([arrived, this.pause(timeoutMs, () => got === undefined && !this.closing && !gone())]);
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
		await paceConnect(this.options.url, () => !this.closing);
		if (this.closing) throw new Error('The stream was closed while connecting');
		const ws = new WebSocket(this.options.url);
		this.ws = ws;
		const opened = await new Promise<boolean>((resolve) => {
			ws.addEventListener('open', () => resolve(true), { once: true });
			ws.addEventListener('error', () => resolve(false), { once: true });
			ws.addEventListener('close', () => resolve(false), { once: true });
		});
		if (!opened) throw new Error(`Could not open a WebSocket to ${this.options.url}`);
		this.connectedAt = Date.now();
		this.delivered = false;
		ws.addEventListener('message', (event) => this.onRaw(String(event.data)));
		ws.addEventListener('close', (event) => this.onClose(ws, event.code));
		// a socket that dies while we authenticate or subscribe ends the wait at once
		const gone = () => ws.readyState === WebSocket.CLOSED || ws.readyState === WebSocket.CLOSING;
		const lost = () => new Error('The connection closed while authenticating or subscribing');

		// Bybit's reasons go through the same redaction as REST errors (the key, secret, RSA key and signature sent)
		this.secrets = [];
		this.subscribed = new Set();
		if (this.options.authArgs) {
			const args = this.options.authArgs();
			this.secrets = authArgSecrets(args);
			this.send({ req_id: 'auth', op: 'auth', args });
			const reply = await this.waitFor((r) => r.op === 'auth', this.timings.replyTimeoutMs, gone);
			if (!reply && gone()) throw lost();
			if (!reply || reply.success !== true) {
				ws.close(1000);
				throw new StreamAuthError(
					reply ? `Bybit rejected the WebSocket authentication: ${this.reason(reply)}` : 'Bybit did not answer the WebSocket authentication',
				);
			}
		}
		// until every topic wanted is subscribed (a shared connection's set can grow meanwhile)
		for (let wanted = this.unsubscribed(); wanted.length; wanted = this.unsubscribed()) {
			const refused = await this.request('subscribe', wanted, gone);
			if (refused === 'lost') throw lost();
			if (refused) {
				ws.close(1000);
				throw new Error(refused);
			}
		}
		if (this.closing || generation !== this.generation) return;
		if (gone()) throw lost();
		this.state = StreamState.Connected;
		void this.heartbeat(generation);
	}

	private reason(reply: Reply): string {
		return redactSecrets(String(reply.ret_msg || 'no reason given'), this.secrets);
	}

	private unsubscribed(): string[] {
		return this.options.topics().filter((t) => !this.subscribed.has(t));
	}

	/**
	 * Sends a subscribe or unsubscribe in batches of `batchSize`; returns
	 * Bybit's refusal as a message, 'lost' when the socket died meanwhile, or
	 * undefined when every batch was accepted (or, for unsubscribe, sent).
	 */
	private async request(op: 'subscribe' | 'unsubscribe', topics: string[], gone: () => boolean): Promise<string | undefined> {
		const size = this.options.batchSize ?? 100;
		const group = this.options.requestGroup ?? (() => '');
		const groups = [...new Set(topics.map(group))].map((g) => topics.filter((t) => group(t) === g));
		const batches = groups.flatMap((list) => Array.from({ length: Math.ceil(list.length / size) }, (_, i) => list.slice(i * size, (i + 1) * size)));
		for (const args of batches) {
			const id = `${op === 'subscribe' ? 'sub' : 'unsub'}-${++this.requestNo}`;
			this.send({ req_id: id, op, args });
			const reply = await this.waitFor(
				(r) => (r.op === op || r.type === 'COMMAND_RESP') && (r.req_id === undefined || r.req_id === '' || r.req_id === id),
				this.timings.replyTimeoutMs,
				gone,
			);
			if (!reply && gone()) return 'lost';
			if (reply && reply.success === false) return `Bybit refused the ${op === 'subscribe' ? 'subscription to' : 'unsubscription from'} ${args.join(', ')}: ${this.reason(reply)}`;
			for (const t of args) {
				if (op === 'subscribe') this.subscribed.add(t);
				else this.subscribed.delete(t);
			}
		}
		return undefined;
	}

	/**
	 * Subscribes topics added to `topics()` while the connection is up (a
	 * shared connection gaining a trigger). Waits while the stream connects;
	 * throws Bybit's refusal. A connection lost meanwhile subscribes them
	 * when it is back.
	 */
	async subscribe(topics: string[]): Promise<void> {
		const run = this.changes.then(async () => {
			while (!this.closing && this.state !== StreamState.Connected) await sleep(SLICE_MS);
			const ws = this.ws;
			const fresh = topics.filter((t) => !this.subscribed.has(t));
			if (this.closing || !ws || !fresh.length) return;
			const refused = await this.request('subscribe', fresh, () => ws.readyState !== WebSocket.OPEN);
			if (refused && refused !== 'lost') throw new Error(refused);
		});
		this.changes = run.catch(() => undefined);
		await run;
	}

	/**
	 * Unsubscribes and subscribes topics again, acknowledged, so that Bybit
	 * sends their snapshot anew (a trigger joining a topic others already
	 * receive the deltas of).
	 */
	async refresh(topics: string[]): Promise<void> {
		const run = this.changes.then(async () => {
			while (!this.closing && this.state !== StreamState.Connected) await sleep(SLICE_MS);
			const ws = this.ws;
			if (this.closing || !ws) return;
			const gone = () => ws.readyState !== WebSocket.OPEN;
			await this.request('unsubscribe', topics, gone);
			const refused = await this.request('subscribe', topics, gone);
			if (refused && refused !== 'lost') throw new Error(refused);
		});
		this.changes = run.catch(() => undefined);
		await run;
	}

	/** Unsubscribes topics no longer in `topics()` (the last trigger needing them left). */
	async unsubscribe(topics: string[]): Promise<void> {
		const run = this.changes.then(async () => {
			const ws = this.ws;
			const gone = topics.filter((t) => this.subscribed.has(t));
			if (this.closing || !ws || this.state !== StreamState.Connected || !gone.length) {
				for (const t of topics) this.subscribed.delete(t);
				return;
			}
			await this.request('unsubscribe', gone, () => ws.readyState !== WebSocket.OPEN);
		});
		this.changes = run.catch(() => undefined);
		await run;
	}

	private onRaw(text: string): void {
		let msg: Reply;
		try {
			msg = JSON.parse(text) as Reply;
		} catch {
			return; // not JSON: nothing Bybit sends; ignore
		}
		if (typeof msg.topic === 'string') {
			this.delivered = true;
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
				this.options.onDropped?.();
				this.judgeConnection(4000);
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
		// only a live connection reconnects here; failures while connecting are handled by connect()'s caller
		if (this.state !== StreamState.Connected) return;
		this.generation++;
		this.options.onDropped?.();
		this.judgeConnection(code);
		void this.reconnect();
	}

	/** A connection ended: stable ones reset the backoff, short-lived ones grow it. */
	private judgeConnection(code: number): void {
		const lifetimeMs = Date.now() - this.connectedAt;
		if (this.delivered || lifetimeMs >= this.timings.stableMs) {
			this.health.failures = 0;
			this.health.shortLived = 0;
			return;
		}
		this.health.failures++;
		this.health.shortLived++;
		const k = this.timings.maxShortLived;
		if (this.health.shortLived % k === 0) {
			this.options.onFatal(
				new Error(
					`Bybit closed the last ${k} WebSocket connections within ${Math.ceil(this.timings.stableMs / 1000)} s of subscribing, before any event arrived (last one after ${(lifetimeMs / 1000).toFixed(1)} s, close code ${code}). ` +
						`The trigger keeps reconnecting, waiting longer each time (up to ${Math.round(this.timings.backoffMaxMs / 1000)} s). ` +
						'Check the network or proxy between n8n and Bybit, the API key\'s IP restriction, and Bybit\'s status page.',
				),
			);
		}
	}

	private async reconnect(): Promise<void> {
		if (this.closing || this.state === StreamState.Reconnecting) return;
		this.state = StreamState.Reconnecting;
		while (!this.closing) {
			await this.pause(this.nextBackoffMs());
			if (this.closing) return;
			try {
				this.state = StreamState.Reconnecting;
				await this.connect();
				if (this.closing) return;
				this.connectFailures = 0;
				this.reconnects++;
				// what the owner does once reconnected is not the connection's failure: never connect again for it
				await Promise.resolve(this.options.onReconnected?.()).catch((error: Error) => this.options.onFatal(error));
				return;
			} catch (error) {
				if (error instanceof StreamAuthError) {
					this.options.onFatal(error);
					return;
				}
				if (this.closing) return;
				this.state = StreamState.Reconnecting;
				this.health.failures++;
				this.connectFailures++;
				if (this.connectFailures % this.timings.maxReconnects === 0) {
					this.options.onFatal(
						new Error(
							`Lost the Bybit stream and could not reconnect after ${this.connectFailures} attempts (${(error as Error).message}). The trigger keeps trying every ${Math.round(this.timings.backoffMaxMs / 1000)} s at most.`,
						),
					);
				}
			}
		}
	}

	/** Unsubscribes and subscribes again, for a fresh snapshot (order book out of sequence). */
	resubscribe(args: string[] = this.options.topics()): void {
		this.send({ req_id: 'resub-u', op: 'unsubscribe', args });
		this.send({ req_id: 'resub-s', op: 'subscribe', args });
	}

	/** Closes with code 1000; nothing reconnects afterwards. */
	async close(): Promise<void> {
		if (this.state === StreamState.Closing || this.state === StreamState.Closed) return;
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
