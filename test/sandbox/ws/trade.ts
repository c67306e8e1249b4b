/**
 * The WebSocket trade stream (/v5/trade, docs: websocket/trade/guideline.mdx):
 * `auth`, `ping`, and the order ops, each run through the REST route of the
 * same name (same validation, matching engine, answers, pushes) and counted
 * against the same per-key rate-limit windows as REST.
 */
import { randomBytes } from 'crypto';
import { accessError } from '../auth';
import { limitHeaders } from '../http';
import { costOf, type LimitState, type RateLimiter } from '../rateLimit';
import { WithExtInfo, type RouteTable } from '../routes/route';
import type { Exchange, KeyRecord } from '../state/exchange';
import type { Params } from '../params';
import { ApiError, CATEGORIES, type Category, type Json } from '../types';
import type { Conn, Hub } from './hub';
import { TradeLog, type TradeFrame } from './tradeLog';
import { verifyWsAuth, type WsAuthFailure } from './wsAuth';

/** Order op -> the REST path whose code (and rate-limit window) it shares. */
export const TRADE_OPS: Readonly<Record<string, string>> = {
	'order.create': '/v5/order/create',
	'order.amend': '/v5/order/amend',
	'order.cancel': '/v5/order/cancel',
	'order.create-batch': '/v5/order/create-batch',
	'order.amend-batch': '/v5/order/amend-batch',
	'order.cancel-batch': '/v5/order/cancel-batch',
};

/** Auth answers (docs: 0 OK, 20001 repeat auth, 10004 invalid sign, 10001 param error; 10003 unknown key as on REST). */
const AUTH_FAIL: Record<WsAuthFailure, [number, string]> = {
	repeat: [20001, 'Repeat auth'],
	params: [10001, 'Params Error'],
	expired: [10001, 'Params Error'],
	unknownKey: [10003, 'API key is invalid.'],
	badSign: [10004, 'Invalid sign'],
};

const RATE_LIMITED = 'Too many visits. Exceeded the API Rate Limit.';

/** An order op refused before the engine: [retCode, retMsg]. */
class Refusal {
	constructor(
		readonly retCode: number,
		readonly retMsg: string,
	) {}
}

export class TradeStream {
	readonly log = new TradeLog();

	constructor(
		private readonly ex: Exchange,
		private readonly hub: Hub,
		private readonly routes: RouteTable,
		private readonly limiter: RateLimiter,
	) {}

	onMessage(conn: Conn, raw: string): void {
		const frame: TradeFrame = { connId: conn.connId, apiKey: conn.key?.apiKey ?? '', raw, op: '', retCode: -1, executed: false, status: 'none', time: this.ex.now() };
		this.log.frames.push(frame);
		let msg: Json;
		try {
			msg = JSON.parse(raw) as Json;
		} catch {
			return this.send(conn, frame, { retCode: 10001, retMsg: 'request is not a valid JSON', op: '', connId: conn.connId });
		}
		if (!msg || typeof msg !== 'object' || Array.isArray(msg)) return this.send(conn, frame, { retCode: 10001, retMsg: 'request must be a JSON object', op: '', connId: conn.connId });
		const op = typeof msg.op === 'string' ? msg.op : '';
		frame.op = op;
		if ('reqId' in msg) frame.reqId = msg.reqId;
		this.hub.received.push({ connId: conn.connId, kind: 'trade', path: '/v5/trade', msg: op === 'auth' ? { ...msg, args: ['(redacted)'] } : msg });
		if (this.hub.received.length > 10_000) this.hub.received.shift();
		const echo: Json = 'reqId' in msg ? { reqId: msg.reqId } : {};
		if (op === 'pong' || (op === 'ping' && this.hub.mutePongs)) return;
		if (op === 'ping') return this.send(conn, frame, { ...echo, retCode: 0, retMsg: 'OK', op: 'pong', data: [String(this.ex.now())], connId: conn.connId });
		if (op === 'auth') return this.auth(conn, frame, echo, Array.isArray(msg.args) ? msg.args : []);
		if (!TRADE_OPS[op]) return this.send(conn, frame, { ...echo, retCode: 10404, retMsg: 'op type is not found', op: String(msg.op ?? ''), connId: conn.connId });
		this.order(conn, frame, msg, op, echo);
	}

	private auth(conn: Conn, frame: TradeFrame, echo: Json, args: unknown[]): void {
		const out = verifyWsAuth(this.ex, conn.key, args);
		if (out.failure) {
			const [retCode, retMsg] = AUTH_FAIL[out.failure];
			return this.send(conn, frame, { ...echo, retCode, retMsg, op: 'auth', connId: conn.connId });
		}
		conn.key = out.key;
		this.send(conn, frame, { ...echo, retCode: 0, retMsg: 'OK', op: 'auth', connId: conn.connId });
	}

	private order(conn: Conn, frame: TradeFrame, msg: Json, op: string, echo: Json): void {
		const apiKey = conn.key?.apiKey ?? '';
		this.log.count('received', apiKey, op);
		const fault = this.log.takeFault(op);
		if (fault?.kind === 'dropBeforeAccept') {
			this.log.stats.droppedBeforeAccept++;
			frame.status = 'dropped';
			conn.ws.terminate();
			return;
		}
		const path = TRADE_OPS[op];
		const now = this.ex.now();
		let limit: LimitState | undefined;
		let answer: Json;
		try {
			const { key, params, category } = this.admit(conn, msg, now);
			limit = this.limiter.peek(key.apiKey, path, category, now);
			const denied = accessError(key, conn.ip ?? '', path, true, category);
			if (denied) {
				// Observed (ccxt issues 22411, 29361): a refused key's order op is answered as an auth failure, without reqId.
				return this.send(conn, frame, { retCode: denied.retCode, retMsg: denied.retCode === 10005 ? 'Permission denied for current apikey' : denied.message, op: 'auth', connId: conn.connId });
			}
			if (fault?.kind === 'rateLimit') {
				this.log.stats.rateLimitedByFault++;
				limit = limit && { ...limit, remaining: 0, resetAt: now + 1000 };
				throw new Refusal(10006, RATE_LIMITED);
			}
			const granted = this.limiter.consume(key.apiKey, path, category, costOf(path, category, params), now);
			limit = granted ?? limit;
			if (granted && granted.granted === 0) throw new Refusal(10006, RATE_LIMITED);
			answer = this.execute(key, params, path, granted?.granted ?? Number.POSITIVE_INFINITY, now, frame, op);
		} catch (e) {
			if (!(e instanceof Refusal)) throw e;
			answer = { retCode: e.retCode, retMsg: e.retMsg, data: {}, retExtInfo: {} };
		}
		const body = { ...echo, retCode: answer.retCode, retMsg: answer.retMsg, op, data: answer.data, retExtInfo: answer.retExtInfo, header: this.header(limit), connId: conn.connId };
		if (fault?.kind === 'dropAfterAccept') {
			this.log.stats.droppedAfterAccept++;
			frame.retCode = Number(answer.retCode);
			frame.status = 'dropped';
			conn.ws.terminate();
			return;
		}
		if (fault?.kind === 'delay' && fault.ms > 0) {
			this.log.stats.delayed++;
			frame.status = 'pending';
			setTimeout(() => this.send(conn, frame, body), fault.ms).unref();
			return;
		}
		this.send(conn, frame, body);
	}

	/** The checks before the engine, in order: reqId, duplicate reqId, auth, header timestamp, args, category. */
	private admit(conn: Conn, msg: Json, now: number): { key: KeyRecord; params: Params; category: Category } {
		const reqId = msg.reqId;
		if (reqId !== undefined && (typeof reqId !== 'string' || reqId.length > 36)) throw new Refusal(10001, 'params error: reqId must be a string of at most 36 characters');
		if (typeof reqId === 'string' && reqId !== '') {
			conn.reqIds ??= new Set();
			if (conn.reqIds.has(reqId)) throw new Refusal(20006, 'Duplicate reqId');
			conn.reqIds.add(reqId);
		}
		const key = conn.key;
		if (!key) throw new Refusal(10003, 'Request not authorized');
		const h = (msg.header && typeof msg.header === 'object' ? msg.header : {}) as Json;
		const ts = h['X-BAPI-TIMESTAMP'];
		const recv = h['X-BAPI-RECV-WINDOW'] ?? '5000';
		if (typeof ts !== 'string' || !/^\d+$/.test(ts) || typeof recv !== 'string' || !/^\d+$/.test(recv)) {
			throw new Refusal(10001, 'params error: header X-BAPI-TIMESTAMP is required and it and X-BAPI-RECV-WINDOW must be integers in strings');
		}
		if (!(Number(ts) >= now - Number(recv) && Number(ts) < now + 1000)) {
			throw new Refusal(10002, `invalid request, please check your server timestamp or recv_window param. req_timestamp[${ts}],server_timestamp[${now}],recv_window[${recv}]`);
		}
		const args = msg.args;
		if (!Array.isArray(args) || args.length !== 1 || !args[0] || typeof args[0] !== 'object' || Array.isArray(args[0])) {
			throw new Refusal(10001, 'params error: args must hold exactly one object');
		}
		const params = args[0] as Params;
		if (!(CATEGORIES as readonly unknown[]).includes(params.category)) throw new Refusal(10404, 'category is not correct/supported');
		return { key, params, category: params.category as Category };
	}

	/** Run the REST route's handler: its result is `data`, its retExtInfo the answer's. */
	private execute(key: KeyRecord, params: Params, path: string, allowance: number, now: number, frame: TradeFrame, op: string): Json {
		const route = this.routes.get(path)!;
		frame.executed = true;
		this.log.count('executed', key.apiKey, op);
		try {
			const out = route.handler({ ex: this.ex, params, key, allowance, now });
			this.log.count('ok', key.apiKey, op);
			if (out instanceof WithExtInfo) return { retCode: 0, retMsg: 'OK', data: out.result, retExtInfo: out.retExtInfo };
			return { retCode: 0, retMsg: 'OK', data: out ?? {}, retExtInfo: {} };
		} catch (e) {
			if (!(e instanceof ApiError)) throw e;
			return { retCode: e.retCode, retMsg: e.message, data: {}, retExtInfo: {} };
		}
	}

	/** The answer's header: the limit fields (when the limiter was reached), Traceid and Timenow, all strings. */
	private header(limit: LimitState | undefined): Json {
		return { ...limitHeaders(limit), Traceid: randomBytes(16).toString('hex'), Timenow: String(this.ex.now()) };
	}

	private send(conn: Conn, frame: TradeFrame, body: Json): void {
		frame.retCode = typeof body.retCode === 'number' ? body.retCode : -1;
		if (conn.ws.readyState !== 1) {
			frame.status = 'dropped';
			return;
		}
		frame.status = 'answered';
		if (TRADE_OPS[frame.op]) this.log.stats.answered++;
		this.hub.reply(conn, body);
	}

	/** Close every /v5/trade connection: with a close code, or terminated (clients see 1006) without one. */
	closeAll(code?: number, reason = ''): number {
		let n = 0;
		for (const c of this.hub.conns) {
			if (c.kind !== 'trade') continue;
			n++;
			if (code === undefined) c.ws.terminate();
			else {
				try {
					c.ws.close(code, reason);
				} catch {
					c.ws.terminate();
				}
			}
		}
		return n;
	}
}
