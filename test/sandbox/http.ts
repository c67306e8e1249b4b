/**
 * The REST front: request log, fault injection, routing, authentication,
 * rate limits and Bybit's envelope (`{retCode, retMsg, result, retExtInfo, time}`)
 * with the `X-Bapi-Limit*` headers.
 */
import type { IncomingMessage, ServerResponse } from 'http';
import { authenticate, checkSignature, clientIp } from './auth';
import type { Faults } from './faults';
import { costOf, RateLimiter, type LimitState } from './rateLimit';
import { RawBody, WithExtInfo, type RouteTable } from './routes/route';
import type { Exchange } from './state/exchange';
import { ApiError, CATEGORIES, type Category, type Json, type RequestLogEntry } from './types';
import type { Params } from './params';

export interface HttpContext {
	ex: Exchange;
	routes: RouteTable;
	limiter: RateLimiter;
	faults: Faults;
	log: RequestLogEntry[];
	/** Next N signed requests answered with 10006. */
	forced: { count: number };
	control(req: IncomingMessage, res: ServerResponse, path: string, body: string): void;
}

const JSON_TYPE = 'application/json; charset=utf-8';

function parseQuery(raw: string): Params {
	const out: Params = {};
	if (!raw) return out;
	for (const [k, v] of new URLSearchParams(raw)) out[k] = v;
	return out;
}

function send(res: ServerResponse, status: number, body: string, headers: Record<string, string | number>): void {
	res.writeHead(status, { 'Content-Type': JSON_TYPE, 'Content-Length': Buffer.byteLength(body), ...headers });
	res.end(body);
}

export function createRequestHandler(ctx: HttpContext): (req: IncomingMessage, res: ServerResponse) => void {
	return (req, res) => {
		const url = req.url ?? '/';
		const q = url.indexOf('?');
		const path = q < 0 ? url : url.slice(0, q);
		const rawQuery = q < 0 ? '' : url.slice(q + 1);
		const chunks: Buffer[] = [];
		req.on('data', (c: Buffer) => chunks.push(c));
		req.on('end', () => {
			const rawBody = chunks.length === 0 ? '' : chunks.length === 1 ? chunks[0].toString('utf8') : Buffer.concat(chunks).toString('utf8');
			if (path.startsWith('/sandbox/') || path === '/sandbox') return ctx.control(req, res, path, rawBody);
			handle(ctx, req, res, path, rawQuery, rawBody);
		});
	};
}

function handle(ctx: HttpContext, req: IncomingMessage, res: ServerResponse, path: string, rawQuery: string, rawBody: string): void {
	const { ex } = ctx;
	const now = ex.now();
	const method = req.method ?? 'GET';
	const h = req.headers;
	const apiKeyHeader = h['x-bapi-api-key'];
	const entry: RequestLogEntry = {
		method, path, query: rawQuery, body: rawBody, headers: h, apiKey: typeof apiKeyHeader === 'string' ? apiKeyHeader : '',
		signatureValid: null, retCode: -1, status: 0, time: now,
	};
	ctx.log.push(entry);

	const fault = ctx.faults.take(path);
	if (fault?.kind === 'drop') {
		req.socket.destroy();
		return;
	}
	if (fault?.kind === 'fail') {
		entry.status = fault.status;
		const body = JSON.stringify({ retCode: 10016, retMsg: 'Server error.', result: {}, retExtInfo: {}, time: now });
		const go = () => send(res, fault.status, body, { Timenow: now });
		return void (fault.ms > 0 ? setTimeout(go, fault.ms).unref() : go());
	}

	let status = 200;
	let headers: Record<string, string | number> = { Timenow: now };
	let body: string;
	try {
		const out = dispatch(ctx, req, method, path, rawQuery, rawBody, entry, now);
		headers = { ...headers, ...out.headers };
		body = out.body;
		status = out.status;
	} catch (e) {
		const err = e instanceof ApiError ? e : new ApiError(10016, `Server error: ${(e as Error).message}`);
		status = err.status;
		entry.retCode = err.retCode;
		body = JSON.stringify({ retCode: err.retCode, retMsg: err.message, result: err.result, retExtInfo: {}, time: now });
	}
	entry.status = status;

	const finish = () => {
		if (fault?.kind === 'acceptThenDrop') {
			entry.status = 0;
			req.socket.destroy();
			return;
		}
		send(res, status, body, headers);
	};
	if (fault?.kind === 'delay' && fault.ms > 0) setTimeout(() => (res.destroyed ? undefined : finish()), fault.ms).unref();
	else finish();
}

export function limitHeaders(s: LimitState | undefined): Record<string, string> {
	if (!s) return {};
	return { 'X-Bapi-Limit': String(s.limit), 'X-Bapi-Limit-Status': String(s.remaining), 'X-Bapi-Limit-Reset-Timestamp': String(s.resetAt) };
}

function dispatch(
	ctx: HttpContext, req: IncomingMessage, method: string, path: string, rawQuery: string, rawBody: string, entry: RequestLogEntry, now: number,
): { status: number; body: string; headers: Record<string, string> } {
	const { ex } = ctx;
	const route = ctx.routes.get(path);
	if (!route || route.method !== method) throw new ApiError(10017, 'Route not found', 404);

	let params: Params;
	if (method === 'GET') params = parseQuery(rawQuery);
	else {
		try {
			params = rawBody.trim() === '' ? {} : (JSON.parse(rawBody) as Params);
		} catch {
			throw new ApiError(10001, 'params error: the request body is not valid JSON');
		}
		if (!params || typeof params !== 'object' || Array.isArray(params)) throw new ApiError(10001, 'params error: the request body must be a JSON object');
	}
	const category = typeof params.category === 'string' && (CATEGORIES as readonly string[]).includes(params.category) ? (params.category as Category) : undefined;
	const authReq = { method, path, rawQuery, rawBody, headers: req.headers, ip: clientIp(req.socket.remoteAddress) };

	let key;
	let limit: LimitState | undefined;
	let allowance = Number.POSITIVE_INFINITY;
	if (route.auth === 'private') {
		const auth = authenticate(ex, authReq, route.write, category);
		entry.signatureValid = auth.signatureValid;
		if (auth.error) {
			const peek = auth.key ? ctx.limiter.peek(auth.key.apiKey, path, category, now) : undefined;
			entry.retCode = auth.error.retCode;
			return { status: auth.error.status, headers: limitHeaders(peek), body: JSON.stringify({ retCode: auth.error.retCode, retMsg: auth.error.message, result: {}, retExtInfo: {}, time: now }) };
		}
		key = auth.key;
		const items = costOf(path, category, params);
		if (ctx.forced.count > 0) {
			ctx.forced.count -= 1;
			const l = RateLimiter.limitFor(path, category) ?? { limit: 10, windowMs: 1000 };
			const h = limitHeaders({ limit: l.limit, remaining: 0, resetAt: now + l.windowMs, granted: 0 });
			entry.retCode = 10006;
			return { status: 200, headers: h, body: JSON.stringify({ retCode: 10006, retMsg: 'Too many visits!', result: {}, retExtInfo: {}, time: now }) };
		}
		limit = ctx.limiter.consume(key.apiKey, path, category, items, now);
		if (limit && limit.granted === 0) {
			entry.retCode = 10006;
			return { status: 200, headers: limitHeaders(limit), body: JSON.stringify({ retCode: 10006, retMsg: 'Too many visits!', result: {}, retExtInfo: {}, time: now }) };
		}
		if (limit) allowance = limit.granted;
	} else {
		const k = typeof req.headers['x-bapi-api-key'] === 'string' ? ex.keys.get(req.headers['x-bapi-api-key']) : undefined;
		if (k && req.headers['x-bapi-sign']) entry.signatureValid = checkSignature(k, authReq);
		limit = ctx.limiter.countPublic(authReq.ip, path, now);
	}

	const headers = limitHeaders(limit);
	try {
		const out = route.handler({ ex, params, key, allowance, now });
		let body: Json;
		if (out instanceof RawBody) body = out.body;
		else if (out instanceof WithExtInfo) body = { retCode: 0, retMsg: route.okMsg ?? 'OK', result: out.result, retExtInfo: out.retExtInfo, time: ex.now() };
		else body = { retCode: 0, retMsg: route.okMsg ?? 'OK', result: out ?? {}, retExtInfo: {}, time: ex.now() };
		entry.retCode = typeof body.retCode === 'number' ? body.retCode : 0;
		return { status: 200, headers, body: JSON.stringify(body) };
	} catch (e) {
		if (!(e instanceof ApiError)) throw e;
		entry.retCode = e.retCode;
		return {
			status: e.status,
			headers,
			body: JSON.stringify({ retCode: e.retCode, retMsg: e.message, result: e.result, retExtInfo: {}, time: ex.now() }),
		};
	}
}
