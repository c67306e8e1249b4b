/** The control API over HTTP: POST (or GET) /sandbox/<name> with a JSON body of named arguments. */
import type { IncomingMessage, ServerResponse } from 'http';
import type { SandboxControl } from './control';
import type { Json } from './types';

type Args = Record<string, unknown>;

const S = (v: unknown) => (v === undefined ? undefined : String(v));
const N = (v: unknown, def?: number) => (v === undefined ? def : Number(v));

/** Each entry maps a JSON body to a control call. */
function operations(c: SandboxControl): Record<string, (a: Args) => unknown> {
	return {
		defaultKey: () => c.defaultKey,
		setPrice: (a) => c.setPrice(String(a.symbol), { last: S(a.last), mark: S(a.mark), index: S(a.index) }, a.category as never),
		walkPrices: (a) => c.walkPrices(String(a.symbol), (a.path as string[]) ?? [], { category: a.category as never, intervalMs: N(a.intervalMs) }),
		closeCandle: (a) => c.closeCandle(String(a.symbol), String(a.interval), a.category as never),
		liquidation: (a) => c.liquidation(String(a.symbol), a.side as 'Buy' | 'Sell', String(a.size), String(a.price), a.category as never),
		fill: (a) => c.fill(String(a.orderId ?? a.orderLinkId ?? a.id), S(a.qty), S(a.price)),
		fund: (a) => c.fund(String(a.coin), String(a.amount), (a.accountType as never) ?? 'UNIFIED'),
		setTransferStatus: (a) => c.setTransferStatus(a.status as never),
		createKey: (a) => c.createKey(a as never),
		forceRateLimit: (a) => c.forceRateLimit(N(a.count, 1)!),
		setClockSkew: (a) => c.setClockSkew(N(a.ms, 0)!),
		delayNext: (a) => c.delayNext(N(a.n, 1)!, N(a.ms, 1000)!, S(a.pathPrefix)),
		failNext: (a) => c.failNext(N(a.n, 1)!, N(a.status, 500), S(a.pathPrefix)),
		dropNext: (a) => c.dropNext(N(a.n, 1)!, S(a.pathPrefix)),
		acceptThenDrop: (a) => c.acceptThenDrop(N(a.n, 1)!, S(a.pathPrefix)),
		clearFaults: () => c.clearFaults(),
		dropAllSockets: () => c.dropAllSockets(),
		refuseConnections: (a) => c.refuseConnections(a.on === true),
		dropAfterSubscribe: (a) => c.dropAfterSubscribe(N(a.ms)),
		closeSockets: (a) => c.closeSockets(N(a.code, 1000)!, S(a.reason)),
		pausePushes: () => c.pausePushes(),
		resumePushes: () => c.resumePushes(),
		state: () => c.getState(),
		getState: () => c.getState(),
		requests: () => c.requests(),
		clearRequests: () => c.clearRequests(),
		emitPrivate: (a) => c.emitPrivate(String(a.topic), (a.data as Json[]) ?? []),
		tradeFault: (a) => c.tradeFault(a.kind as never, { n: N(a.n), ms: N(a.ms), op: S(a.op) }),
		closeTradeSockets: (a) => c.closeTradeSockets(N(a.code), S(a.reason)),
		tradeStats: () => c.tradeStats(),
		tradeFrames: () => c.tradeFrames(),
		clearTradeFrames: () => c.clearTradeFrames(),
		setMaxActiveTimeScale: (a) => c.setMaxActiveTimeScale(N(a.msPerSecond, 1000)!),
		pushBurst: async (a) => {
			const r = await c.pushBurst(N(a.n, 1)!, a as never);
			return { ...r, sentAt: undefined };
		},
	};
}

export function controlHandler(c: SandboxControl): (req: IncomingMessage, res: ServerResponse, path: string, body: string) => void {
	const ops = operations(c);
	return (_req, res, path, body) => {
		const name = path.replace(/^\/sandbox\/?/, '');
		const reply = (status: number, payload: unknown) => {
			const text = JSON.stringify(payload);
			res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(text) });
			res.end(text);
		};
		const op = ops[name];
		if (!op) return reply(404, { ok: false, error: `unknown control operation "${name}"`, operations: Object.keys(ops) });
		let args: Args = {};
		try {
			args = body.trim() ? (JSON.parse(body) as Args) : {};
		} catch {
			return reply(400, { ok: false, error: 'body must be JSON' });
		}
		Promise.resolve()
			.then(() => op(args))
			.then(
				(result) => reply(200, { ok: true, result: result ?? null }),
				(e: Error) => reply(400, { ok: false, error: e.message }),
			);
	};
}
