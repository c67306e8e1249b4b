/** Test helpers for the sandbox's own tests: signed REST calls and a small WebSocket client. */
import WebSocket from 'ws';
import { restAuthHeaders, type SigningKey } from '../../credentials/common/bybit/signing';
import type { Sandbox } from './index';

export type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export interface CallOptions {
	key?: SigningKey;
	timestamp?: number;
	recvWindow?: number;
	/** Raw query string / body to send (signed as is) instead of serialising params. */
	raw?: string;
	/** Change the signature after signing. */
	tamper?: boolean;
	unsigned?: boolean;
}

export interface CallResult {
	status: number;
	headers: Headers;
	body: Json;
}

export function keyOf(sb: Sandbox): SigningKey {
	return { apiKey: sb.control.defaultKey.apiKey, secret: sb.control.defaultKey.secret, signatureMethod: 'hmac' };
}

export function query(params: Record<string, unknown>): string {
	return Object.entries(params)
		.filter(([, v]) => v !== undefined && v !== null && v !== '')
		.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`)
		.join('&');
}

/** A signed (unless `unsigned`) REST call to the sandbox. */
export async function call(sb: Sandbox, method: 'GET' | 'POST', path: string, params: Record<string, unknown> = {}, opts: CallOptions = {}): Promise<CallResult> {
	const payload = opts.raw ?? (method === 'GET' ? query(params) : JSON.stringify(params));
	const url = `${sb.restUrl}${path}${method === 'GET' && payload ? `?${payload}` : ''}`;
	const headers: Record<string, string> = { 'Content-Type': 'application/json' };
	if (!opts.unsigned) {
		const h = restAuthHeaders({ key: opts.key ?? keyOf(sb), timestamp: opts.timestamp ?? Date.now(), recvWindow: opts.recvWindow ?? 5000, payload });
		if (opts.tamper) h['X-BAPI-SIGN'] = h['X-BAPI-SIGN'].replace(/^./, (c) => (c === 'a' ? 'b' : 'a'));
		Object.assign(headers, h);
	}
	const res = await fetch(url, { method, headers, body: method === 'POST' ? payload : undefined });
	const text = await res.text();
	let body: Json;
	try {
		body = JSON.parse(text) as Json;
	} catch {
		body = { raw: text };
	}
	return { status: res.status, headers: res.headers, body };
}

/** Call and expect retCode 0; returns `result`. */
export async function ok(sb: Sandbox, method: 'GET' | 'POST', path: string, params: Record<string, unknown> = {}): Promise<Json> {
	const r = await call(sb, method, path, params);
	if (r.body.retCode !== 0) throw new Error(`${method} ${path} -> ${r.body.retCode} ${r.body.retMsg}`);
	return r.body.result;
}

export interface WsClient {
	ws: WebSocket;
	messages: Json[];
	send(msg: Json): void;
	/** Resolve with the first message (already received or future) matching the predicate. */
	next(pred: (m: Json) => boolean, timeoutMs?: number): Promise<Json>;
	/** Collect messages matching `pred` until `count` are seen. */
	collect(pred: (m: Json) => boolean, count: number, timeoutMs?: number): Promise<Json[]>;
	closed: Promise<{ code: number; reason: string }>;
	close(): Promise<void>;
}

export async function connect(url: string): Promise<WsClient> {
	const ws = new WebSocket(url);
	const messages: Json[] = [];
	const waiters: Array<() => void> = [];
	ws.on('message', (data) => {
		messages.push(JSON.parse(data.toString()) as Json);
		for (const w of waiters.splice(0)) w();
	});
	const closed = new Promise<{ code: number; reason: string }>((resolve) => ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })));
	await new Promise<void>((resolve, reject) => {
		ws.once('open', () => resolve());
		ws.once('error', reject);
	});
	const client: WsClient = {
		ws,
		messages,
		closed,
		send: (msg) => ws.send(JSON.stringify(msg)),
		async next(pred, timeoutMs = 3000) {
			return (await client.collect(pred, 1, timeoutMs))[0];
		},
		collect(pred, count, timeoutMs = 3000) {
			let from = 0;
			const found: Json[] = [];
			return new Promise<Json[]>((resolve, reject) => {
				const timer = setTimeout(() => reject(new Error(`timeout waiting for ${count} messages; got ${found.length}: ${JSON.stringify(messages.slice(-3))}`)), timeoutMs);
				const check = () => {
					for (; from < messages.length; from++) {
						if (pred(messages[from])) found.push(messages[from]);
						if (found.length >= count) {
							clearTimeout(timer);
							return resolve(found);
						}
					}
					waiters.push(check);
				};
				check();
			});
		},
		async close() {
			if (ws.readyState === WebSocket.CLOSED) return;
			ws.terminate();
			await closed;
		},
	};
	return client;
}

export function sleep(ms: number): Promise<void> {
	return new Promise((r) => setTimeout(r, ms));
}
