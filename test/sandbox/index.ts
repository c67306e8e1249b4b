/**
 * Bybit V5 sandbox: a local, stateful, signature-verifying stand-in for
 * Bybit's REST and WebSocket APIs, on one loopback port.
 *
 *   const sandbox = await startSandbox({ port: 0 });
 *   // sandbox.restUrl, sandbox.wsUrl, sandbox.control, await sandbox.close()
 *
 * See README.md in this folder.
 */
import { randomBytes } from 'crypto';
import { createServer, type Server } from 'http';
import type { AddressInfo } from 'net';
import { createControl, type SandboxControl } from './control';
import { controlHandler } from './controlHttp';
import { Faults } from './faults';
import { createRequestHandler } from './http';
import { RateLimiter } from './rateLimit';
import { buildRoutes } from './routes';
import { Exchange } from './state/exchange';
import type { RequestLogEntry, SandboxKey, SandboxOptions } from './types';
import { WsServer } from './ws/server';

export type { SandboxKey, SandboxOptions, RequestLogEntry, Category, Json } from './types';
export type { SandboxControl, PriceInput, BurstOptions, BurstResult } from './control';

export interface Sandbox {
	restUrl: string;
	wsUrl: string;
	/** The WebSocket trade stream, `${wsUrl}/v5/trade`. */
	tradeUrl: string;
	control: SandboxControl;
	close(): Promise<void>;
}

export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
	const host = options.host ?? '127.0.0.1';
	const ex = new Exchange(options.seed ?? 1, options.extraLinearSymbols ?? 0);
	const keys: SandboxKey[] = options.keys?.length
		? options.keys
		: [{ apiKey: randomBytes(14).toString('base64').replace(/[^A-Za-z0-9]/g, 'X').slice(0, 18), secret: randomBytes(27).toString('base64').replace(/[^A-Za-z0-9]/g, 'Z').slice(0, 36) }];
	const records = keys.map((k) => ex.addKey(k));
	const defaultKey = { apiKey: records[0].apiKey, secret: records[0].secret };
	const log: RequestLogEntry[] = [];
	const faults = new Faults();
	const limiter = new RateLimiter(options.rateLimits !== false);
	const forced = { count: 0 };
	let control: SandboxControl | undefined;
	let controlHttp: ReturnType<typeof controlHandler> | undefined;
	const routes = buildRoutes(ex);
	const server: Server = createServer(
		createRequestHandler({
			ex, routes, limiter, faults, log, forced,
			control: (req, res, path, body) => controlHttp!(req, res, path, body),
		}),
	);
	server.keepAliveTimeout = 30_000;
	const ws = new WsServer(ex, server, routes, limiter);
	control = createControl({ ex, ws, faults, limiter, log, forced, defaultKey });
	controlHttp = controlHandler(control);
	await new Promise<void>((resolve, reject) => {
		server.once('error', reject);
		server.listen(options.port ?? 0, host, () => {
			server.off('error', reject);
			resolve();
		});
	});
	const { port } = server.address() as AddressInfo;
	const base = host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
	let closed: Promise<void> | undefined;
	return {
		restUrl: `http://${base}`,
		wsUrl: `ws://${base}`,
		tradeUrl: `ws://${base}/v5/trade`,
		control,
		close() {
			closed ??= (async () => {
				await ws.close();
				server.closeAllConnections();
				await new Promise<void>((resolve) => server.close(() => resolve()));
			})();
			return closed;
		},
	};
}
