/**
 * Bybit's WebSocket Trade API (`/v5/trade`): one authenticated connection per key and host in
 * this process (in queue mode, one per worker), opened on first use, kept alive with Bybit's
 * heartbeat (a ping every 20 s while in use; no pong within 10 s ends it), closed after
 * IDLE_MS without an order. Bybit cuts a connection without ping or data after
 * `max_active_time` (asked for here: 600 s, its maximum); the client stops pinging when idle
 * and closes first, and a connection the server closes for any reason is opened again on the
 * next request.
 *
 * What a request can come to (the transport decides what each means for the order):
 * - `answer`: Bybit's reply to this reqId;
 * - `notSent`: nothing left this process (no connection, authentication refused): the same
 *   request may go over REST;
 * - `lost`: the frame was sent and no answer came (drop, timeout): Bybit may have acted.
 * A 10019 reply (trade service restarting: the request was not taken) moves to a new connection
 * and sends again, once.
 */
import { createHash, randomBytes } from 'crypto';
import { sleep } from 'n8n-workflow';

import { paceConnect } from '../../BybitTrigger/connectPace';

export interface TradeAnswer {
	reqId?: string;
	retCode: number;
	retMsg?: string;
	op?: string;
	data?: unknown;
	retExtInfo?: unknown;
	header?: Record<string, unknown>;
	connId?: string;
}

export type TradeOutcome = { kind: 'answer'; answer: TradeAnswer } | { kind: 'notSent'; reason: string } | { kind: 'lost'; reason: string };

export interface TradeTimings {
	/** How long a request waits for its answer before it counts as lost. */
	answerTimeoutMs: number;
	/** Opening and authenticating together. */
	connectTimeoutMs: number;
	pingIntervalMs: number;
	pongTimeoutMs: number;
	/** A connection without requests this long is closed. */
	idleMs: number;
}

/** The timings new clients use (tests shorten them). */
export const TRADE_TIMINGS: TradeTimings = { answerTimeoutMs: 10_000, connectTimeoutMs: 10_000, pingIntervalMs: 20_000, pongTimeoutMs: 10_000, idleMs: 600_000 };
/** The watch loop's step: deadlines are met to within this. */
const TICK_MS = 100;
const MAX_ACTIVE_TIME = '600s';
/** Bybit: "ws trade service is restarting, do not accept new request"; a new connection is routed to a normal one. */
const SERVICE_RESTARTING = 10019;

interface Pending {
	resolve: (outcome: TradeOutcome) => void;
	deadline: number;
}

/** One socket's life: opened, authenticated, used, closed. */
class TradeSocket {
	ws?: WebSocket;
	ready = false;
	closed = false;
	/** Replaced (10019): takes no new requests, finishes those in flight. */
	retired = false;
	readonly pending = new Map<string, Pending>();
	private authWait?: (answer: TradeAnswer | undefined) => void;
	private pingSentAt?: number;
	private lastPingAt = Date.now();
	lastUseAt = Date.now();
	private readonly prefix = randomBytes(4).toString('hex');
	private seq = 0;

	constructor(
		private readonly url: string,
		private readonly timings: TradeTimings,
	) {}

	nextReqId(): string {
		return `n8n${this.prefix}-${++this.seq}`;
	}

	/** Opens and authenticates; undefined when ready, else why not (nothing was sent). */
	async open(authArgs: () => unknown[], redact: (text: string) => string): Promise<string | undefined> {
		const deadline = Date.now() + this.timings.connectTimeoutMs;
		await paceConnect(this.url, () => Date.now() < deadline);
		if (Date.now() >= deadline) return 'Connections to this host are being paced (Bybit allows 500 new connections per 5 minutes per IP).';
		let ws: WebSocket;
		try {
			ws = new WebSocket(`${this.url}?max_active_time=${MAX_ACTIVE_TIME}`);
		} catch (error) {
			return `Could not open ${this.url}: ${redact((error as Error).message)}`;
		}
		this.ws = ws;
		const opened = await Promise.race([
			new Promise<boolean>((resolve) => {
				ws.addEventListener('open', () => resolve(true), { once: true });
				ws.addEventListener('error', () => resolve(false), { once: true });
				ws.addEventListener('close', () => resolve(false), { once: true });
			}),
			this.until(deadline, () => ws.readyState === WebSocket.CONNECTING).then(() => false),
		]);
		if (!opened) {
			this.end();
			return `Could not open a WebSocket to ${this.url}.`;
		}
		ws.addEventListener('message', (event) => this.onMessage(String(event.data)));
		ws.addEventListener('close', () => this.end());
		void this.watch();
		const answer = await new Promise<TradeAnswer | undefined>((resolve) => {
			this.authWait = resolve;
			ws.send(JSON.stringify({ op: 'auth', args: authArgs() }));
			void this.until(deadline, () => this.authWait === resolve && !this.closed).then(() => resolve(undefined));
		});
		this.authWait = undefined;
		if (!answer || answer.retCode !== 0) {
			this.end();
			return answer ? `Bybit refused the WebSocket authentication (${answer.retCode}): ${redact(String(answer.retMsg ?? ''))}` : 'Bybit did not answer the WebSocket authentication.';
		}
		this.ready = true;
		return undefined;
	}

	/** Sends one frame; resolves with its answer, or `lost`. */
	async send(reqId: string, text: string): Promise<TradeOutcome> {
		const ws = this.ws;
		if (!ws || this.closed || ws.readyState !== WebSocket.OPEN) return { kind: 'notSent', reason: 'The connection closed before the request was sent.' };
		this.lastUseAt = Date.now();
		return await new Promise<TradeOutcome>((resolve) => {
			this.pending.set(reqId, { resolve, deadline: Date.now() + this.timings.answerTimeoutMs });
			try {
				ws.send(text);
			} catch {
				// a send that throws may still have written part of the frame: count it as sent
				this.settle(reqId, { kind: 'lost', reason: 'The connection failed while the request was being sent.' });
			}
		});
	}

	private settle(reqId: string, outcome: TradeOutcome): void {
		const waiting = this.pending.get(reqId);
		if (!waiting) return;
		this.pending.delete(reqId);
		waiting.resolve(outcome);
	}

	private onMessage(raw: string): void {
		let msg: TradeAnswer & { op?: string; ret_msg?: string };
		try {
			msg = JSON.parse(raw) as typeof msg;
		} catch {
			return;
		}
		if (!msg || typeof msg !== 'object') return;
		if (msg.op === 'pong' || msg.ret_msg === 'pong' || msg.op === 'ping') {
			this.pingSentAt = undefined;
			return;
		}
		if (msg.op === 'auth' && this.authWait) {
			this.authWait(msg);
			return;
		}
		if (typeof msg.reqId === 'string' && this.pending.has(msg.reqId) && typeof msg.retCode === 'number') {
			this.settle(msg.reqId, { kind: 'answer', answer: msg });
			return;
		}
		if (this.ready && msg.op === 'auth' && typeof msg.retCode === 'number' && msg.retCode !== 0) this.unmatchedRefusal(msg);
	}

	/**
	 * Bybit refuses an order op for the key's permissions or IP with an `auth` answer that carries
	 * no reqId (10005, 10010). With one request in flight it is that request's answer. With more it
	 * could be any of them, and another may have been placed meanwhile: all are counted as lost,
	 * so each is resolved by look-up, never reported refused when it may exist.
	 */
	private unmatchedRefusal(msg: TradeAnswer): void {
		const ids = [...this.pending.keys()];
		if (ids.length === 1) this.settle(ids[0], { kind: 'answer', answer: { ...msg, op: undefined } });
		else for (const id of ids) this.settle(id, { kind: 'lost', reason: `Bybit refused a request on this connection without naming it (${msg.retCode})` });
	}

	/** Resolves at `deadline`, or earlier once `wanted()` turns false. */
	private async until(deadline: number, wanted: () => boolean): Promise<void> {
		while (wanted() && Date.now() < deadline) await sleep(Math.max(1, Math.min(TICK_MS, deadline - Date.now())));
	}

	/** Deadlines, heartbeat and idle close, while the socket lives. */
	private async watch(): Promise<void> {
		while (!this.closed) {
			await sleep(TICK_MS);
			if (this.closed) return;
			const now = Date.now();
			for (const [reqId, p] of this.pending) {
				if (now >= p.deadline) this.settle(reqId, { kind: 'lost', reason: `No answer within ${Math.round(this.timings.answerTimeoutMs / 1000)} s.` });
			}
			if (this.pingSentAt !== undefined && now - this.pingSentAt > this.timings.pongTimeoutMs) {
				// no pong: the connection is dead even if the socket has not noticed
				this.end();
				return;
			}
			if (!this.ready) continue;
			const idle = this.pending.size === 0 && (this.retired || now - this.lastUseAt >= this.timings.idleMs);
			if (idle) {
				this.end();
				return;
			}
			if (this.pingSentAt === undefined && now - this.lastPingAt >= this.timings.pingIntervalMs) {
				this.pingSentAt = now;
				this.lastPingAt = now;
				this.ws?.send(JSON.stringify({ op: 'ping' }));
			}
		}
	}

	/** Closes the socket; requests in flight are lost (Bybit may have acted on them). */
	end(): void {
		if (this.closed) return;
		this.closed = true;
		this.ready = false;
		for (const reqId of [...this.pending.keys()]) this.settle(reqId, { kind: 'lost', reason: 'The connection closed before the answer came.' });
		this.authWait?.(undefined);
		try {
			this.ws?.close(1000);
		} catch {
			// already closing
		}
	}
}

/** The WebSocket order entry of one key on one host. */
export class TradeClient {
	private socket?: TradeSocket;
	private opening?: Promise<TradeSocket | string>;
	/** Sockets opened so far (tests and benchmarks read it). */
	opened = 0;

	constructor(
		readonly url: string,
		private readonly authArgs: () => unknown[],
		private readonly redact: (text: string) => string,
		private readonly timings: TradeTimings = { ...TRADE_TIMINGS },
	) {}

	private async current(): Promise<TradeSocket | string> {
		const socket = this.socket;
		if (socket && socket.ready && !socket.closed && !socket.retired) return socket;
		if (!this.opening) {
			const fresh = new TradeSocket(this.url, this.timings);
			this.opened++;
			this.opening = fresh.open(this.authArgs, this.redact).then((refused) => {
				this.opening = undefined;
				if (refused) return refused;
				this.socket = fresh;
				return fresh;
			});
		}
		return await this.opening;
	}

	/**
	 * Sends one request whose frame `build` makes for the reqId given (it throws, before anything
	 * is sent, when the request may not go out).
	 */
	async request(build: (reqId: string) => string): Promise<TradeOutcome> {
		for (let round = 0; ; round++) {
			const socket = await this.current();
			if (typeof socket === 'string') return { kind: 'notSent', reason: socket };
			const reqId = socket.nextReqId();
			const outcome = await socket.send(reqId, build(reqId));
			if (outcome.kind === 'notSent' && round === 0) continue;
			if (outcome.kind === 'answer' && outcome.answer.retCode === SERVICE_RESTARTING && round === 0) {
				socket.retired = true;
				continue;
			}
			return outcome;
		}
	}

	/** Whether a socket is open now. */
	get connected(): boolean {
		return !!this.socket && !this.socket.closed;
	}

	close(): void {
		this.socket?.end();
		this.socket = undefined;
	}
}

const CLIENTS = new Map<string, TradeClient>();

/** The process's client for a key on a host (one connection per key per process). */
export function tradeClient(url: string, apiKey: string, secret: string, authArgs: () => unknown[], redact: (text: string) => string): TradeClient {
	const scope = `${url}|${apiKey}|${createHash('sha256').update(secret).digest('hex')}`;
	let client = CLIENTS.get(scope);
	if (!client) {
		client = new TradeClient(url, authArgs, redact);
		CLIENTS.set(scope, client);
	}
	return client;
}

/** Every client of this process (tests, benchmarks). */
export function tradeClients(): TradeClient[] {
	return [...CLIENTS.values()];
}

/** Closes and forgets every client (tests). */
export function closeTradeClients(): void {
	for (const client of CLIENTS.values()) client.close();
	CLIENTS.clear();
}
