/**
 * A scriptable Bybit-shaped HTTP server on a real loopback socket (port 0),
 * for transport-level tests that need exact control over each answer. It
 * verifies each request's signature independently over the raw bytes received.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'http';
import type { AddressInfo } from 'net';
import type { INode } from 'n8n-workflow';

import { restSigningString, verifyString } from '../../credentials/common/bybit/signing';
import type { BybitContext } from '../../nodes/Bybit/transport';
import { resetRateLimiter } from '../../nodes/Bybit/transport/rateLimiter';
import { makeHttpRequestWithAuthentication } from './http';

export interface Seen {
	method: string;
	path: string;
	query: string;
	body: string;
	validSignature: boolean;
	timestamp: number;
}

export type Handler = (seen: Seen, res: ServerResponse) => void;

export interface Loopback {
	base: string;
	seen: Seen[];
	handler: Handler;
	close(): Promise<void>;
}

export function reply(res: ServerResponse, body: unknown, status = 200, headers: Record<string, string> = {}): void {
	res.writeHead(status, { 'Content-Type': 'application/json', ...headers });
	res.end(typeof body === 'string' ? body : JSON.stringify(body));
}

export function ok(result: unknown): object {
	return { retCode: 0, retMsg: 'OK', result, retExtInfo: {}, time: Date.now() };
}

export async function startLoopback(secret: string, loop: Loopback = {} as Loopback): Promise<Loopback> {
	Object.assign(loop, { base: '', seen: [], handler: (_s: Seen, res: ServerResponse) => reply(res, ok({})), close: async () => undefined });
	const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
		const chunks: Buffer[] = [];
		req.on('data', (c: Buffer) => chunks.push(c));
		req.on('end', () => {
			const [path, query = ''] = req.url!.split('?');
			const body = Buffer.concat(chunks).toString('utf8');
			const h = req.headers as Record<string, string>;
			const payload = req.method === 'GET' ? query : body;
			const seen: Seen = {
				method: req.method!,
				path,
				query,
				body,
				timestamp: Number(h['x-bapi-timestamp']),
				validSignature: verifyString(
					'hmac',
					secret,
					restSigningString(h['x-bapi-timestamp'], h['x-bapi-api-key'], h['x-bapi-recv-window'], payload),
					h['x-bapi-sign'] ?? '',
				),
			};
			loop.seen.push(seen);
			loop.handler(seen, res);
		});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	loop.base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
	loop.close = async () => {
		server.closeAllConnections();
		await new Promise<void>((resolve) => server.close(() => resolve()));
	};
	return loop;
}

/**
 * One loopback server per test file, started before all tests and closed
 * after them; before each test its log is cleared and the shared rate
 * limiter reset. The returned object is filled in by `beforeAll`.
 */
export function useLoopback(secret: string): Loopback {
	const loop = {} as Loopback;
	beforeAll(async () => {
		await startLoopback(secret, loop);
	});
	afterAll(() => loop.close());
	beforeEach(() => {
		loop.seen.length = 0;
		resetRateLimiter();
	});
	return loop;
}

/** A minimal node context whose HTTP helper runs the real credential. */
export function transportContext(base: string, secret: string, extra: Record<string, unknown> = {}): BybitContext {
	const credentials = { environment: 'custom', baseUrl: base, signatureMethod: 'hmac', apiKey: 'tk', apiSecret: secret, recvWindow: 5000, ...extra };
	const node: INode = { id: '1', name: 'Bybit', type: 'n8n-nodes-bybit.bybit', typeVersion: 1, position: [0, 0], parameters: {} };
	return {
		getNode: () => node,
		getCredentials: async () => credentials,
		helpers: { httpRequestWithAuthentication: makeHttpRequestWithAuthentication(credentials) },
	} as unknown as BybitContext;
}
