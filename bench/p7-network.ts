/**
 * P7f (`npm run bench -- P7n`): P7e with a network between n8n and Bybit. In a real n8n 2.41.1 (one
 * process), the strategy-signal example (Webhook -> Create From Signal -> Respond) on a credential
 * with Order Entry = REST and on one with Order Entry = WebSocket (/v5/trade), both pointing
 * (baseUrl and wsBaseUrl) at a latency proxy in front of the sandbox (bench/latencyProxy.ts): a
 * one-way delay d on every chunk, and a new connection's first bytes held for its TCP and TLS 1.3
 * handshakes (2d + 2d), as against Bybit's https/wss hosts. One proxy (and pair of credentials,
 * hence one /v5/trade connection) per d (P7N_DELAYS, default 10 and 50 ms).
 *
 * First P7N_WARM (200) alerts to the same example on a loopback credential, so that n8n is past its
 * warm-up. Then per d: the first alert of each credential (REST first: it reads the instrument, ticker and
 * position mode cold; then WebSocket: it opens and authenticates its connection, and reads what
 * its credential has not cached), 10 warm-up rounds, then P7N_ALERTS (100) rounds of one alert
 * each, interleaved (the two swap places every round). Measured: POST -> order on the sandbox's
 * wire (REST order/create, or the order.create frame on /v5/trade), POST -> the webhook's answer
 * (which waits for Bybit's reply), and from the proxy: the connections opened during each alert,
 * the requests each REST connection carried, and how long the order's own connection held its
 * first bytes for set-up (the REST time that is connection set-up).
 */
import { randomUUID } from 'crypto';
import * as fs from 'fs';
import * as http from 'http';
import * as os from 'os';
import * as path from 'path';

import { EXAMPLE_CRED_ID, httpJson, loadExample, type Json, type Workflow } from '../test/e2e/support';
import { startSandbox, type Sandbox } from '../test/sandbox';
import { startLatencyProxy, type LatencyProxy } from './latencyProxy';
import { percentile, type Figure } from './stats';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { startN8nStack } = require('../scripts/queueStack') as {
	startN8nStack(options: Json): Promise<{ base: string; waitForWebhooks(paths: string[]): Promise<void>; stop(): Promise<void> }>;
};

const ALERTS = Number(process.env.P7N_ALERTS || 100);
const DELAYS = (process.env.P7N_DELAYS || '10,50').split(',').map(Number).filter((d) => d > 0);
const SECRET = 'change-me'; // the example's Alert Secret
const SIGNAL_FILE = 'tradingview-strategy-signal.json';
const WARM_HOOK = 'p7n-warm';
/** Alerts on loopback (no proxy) before anything is measured. */
const WARM_ALERTS = Number(process.env.P7N_WARM || 200);

type Entry = 'rest' | 'ws';

interface Sample {
	link: string;
	t0: number;
	/** The order on the sandbox's wire. */
	wire: number;
	/** The webhook's answer. */
	done: number;
}

/** The strategy-signal example on its own credential, webhook path and ids. */
function signalOn(id: string, webhookPath: string, credId: string, credName: string): Workflow {
	const wf = loadExample(SIGNAL_FILE);
	wf.id = id;
	wf.name = `${wf.name} (${credName})`;
	for (const node of wf.nodes) {
		if (node.type === 'n8n-nodes-base.webhook') {
			node.parameters.path = webhookPath;
			(node as { webhookId?: string }).webhookId = randomUUID();
		}
		const creds = (node as { credentials?: Record<string, { id: string; name: string }> }).credentials;
		if (creds?.bybitApi) creds.bybitApi = { id: credId, name: credName };
	}
	return wf;
}

/** A `bybitApi` credential (environment Custom) whose REST and WebSocket hosts are the proxy. */
function credentialData(sandbox: Sandbox, proxy: LatencyProxy | undefined, orderEntry: Entry): Json {
	const host = proxy ? proxy.url : new URL(sandbox.restUrl).host;
	return {
		environment: 'custom',
		baseUrl: `http://${host}`,
		wsBaseUrl: `ws://${host}`,
		signatureMethod: 'hmac',
		apiKey: sandbox.control.defaultKey.apiKey,
		apiSecret: sandbox.control.defaultKey.secret,
		recvWindow: 5000,
		...(orderEntry === 'ws' ? { orderEntry: 'websocket' } : {}),
	};
}

/** A GET through the proxy on a new connection (no agent reuse): set-up + one round trip + the sandbox. */
function ping(proxy: LatencyProxy): Promise<number> {
	const t0 = Date.now();
	return new Promise((resolve, reject) => {
		http
			.get({ host: '127.0.0.1', port: proxy.port, path: '/v5/market/time', agent: false }, (res) => {
				res.resume();
				res.on('end', () => resolve(Date.now() - t0));
			})
			.on('error', reject);
	});
}

const ms = (v: number) => `${v.toFixed(1)} ms`;
const p = (v: number[], q: number) => percentile(v, q);
const mean = (v: number[]) => (v.length ? v.reduce((a, b) => a + b, 0) / v.length : 0);
const sum = (v: number[]) => v.reduce((a, b) => a + b, 0);

export async function run(): Promise<Figure[]> {
	const sandbox = await startSandbox({ port: 0, rateLimits: false });
	const target = new URL(sandbox.restUrl);
	const proxies = new Map<number, LatencyProxy>();
	for (const d of DELAYS) proxies.set(d, await startLatencyProxy({ target: { host: target.hostname, port: Number(target.port) }, oneWayMs: d, tls: true }));
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-bybit-p7n-'));
	const stacks: Array<{ stop(): Promise<void> }> = [];
	const hook = (d: number, entry: Entry) => `p7n-${entry}-${d}`;
	try {
		const credentials: Json[] = [];
		const workflows: Workflow[] = [];
		for (const [d, proxy] of proxies) {
			for (const entry of ['rest', 'ws'] as const) {
				const credId = `p7n${entry}${d}`;
				const credName = `Bybit via ${d} ms proxy (${entry === 'ws' ? 'WebSocket' : 'REST'} order entry)`;
				credentials.push({ id: credId, name: credName, type: 'bybitApi', data: credentialData(sandbox, proxy, entry) });
				workflows.push(signalOn(`p7n${entry}wf${d}`, hook(d, entry), credId, credName));
			}
		}
		// the same on loopback (no proxy), only to take n8n's own first executions before anything is measured
		credentials.push({ id: EXAMPLE_CRED_ID, name: 'Bybit sandbox (demo)', type: 'bybitApi', data: credentialData(sandbox, undefined, 'rest') });
		workflows.push(signalOn('p7nwarm', WARM_HOOK, EXAMPLE_CRED_ID, 'Bybit sandbox (demo)'));
		const stack = await startN8nStack({ queue: false, dir, credentials, workflows, publish: workflows.map((w) => w.id), onStack: (st: { stop(): Promise<void> }) => stacks.push(st) });
		await stack.waitForWebhooks(workflows.map((w) => (w.nodes.find((n) => n.type === 'n8n-nodes-base.webhook')!.parameters.path as string)));

		const send = async (d: number, entry: Entry, id: string, n: number, webhook = hook(d, entry)): Promise<Sample> => {
			const action = n % 2 ? 'sell' : 'buy';
			const alert = { secret: SECRET, id, ticker: 'BYBIT:BTCUSDT.P', action, contracts: '0.001', market_position: action === 'buy' ? 'long' : 'short', prev_market_position: action === 'buy' ? 'long' : 'short', time: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z') };
			const link = `tv-${id}`;
			const t0 = Date.now();
			const res = await httpJson('POST', `${stack.base}/webhook/${webhook}`, alert);
			const done = Date.now();
			const wire =
				entry === 'ws'
					? sandbox.control.tradeFrames().find((f) => f.op === 'order.create' && f.raw.includes(`"${link}"`))?.time
					: sandbox.control.requests().find((r) => r.path === '/v5/order/create' && r.body.includes(`"${link}"`))?.time;
			if (res.status !== 200 || wire === undefined) throw new Error(`${webhook}: no create on the wire for ${link} (HTTP ${res.status} ${res.text.slice(0, 200)})`);
			return { link, t0, wire, done };
		};

		// n8n just started is slower for a while (a d = 10 ms series measured first read 20-25 ms more, a
		// WebSocket one more than a REST one, than the same measured after the d = 50 ms series)
		for (let n = 0; n < WARM_ALERTS; n++) await send(0, 'rest', `p7n-warm${n}`, n, WARM_HOOK);
		const figures: Figure[] = [];
		for (const [d, proxy] of proxies) {
			const pings = [await ping(proxy), await ping(proxy), await ping(proxy)];
			const firstRest = await send(d, 'rest', `p7n${d}-first-r`, 0);
			const firstWs = await send(d, 'ws', `p7n${d}-first-e`, 1);
			for (let n = 0; n < 10; n++) {
				await send(d, 'rest', `p7n${d}-wr${n}`, n);
				await send(d, 'ws', `p7n${d}-we${n}`, n);
			}
			const framesBefore = sandbox.control.tradeFrames().length;
			const rest: Sample[] = [];
			const ws: Sample[] = [];
			for (let n = 0; n < ALERTS; n++) {
				if (n % 2 === 0) {
					rest.push(await send(d, 'rest', `p7n${d}-r${n}`, n));
					ws.push(await send(d, 'ws', `p7n${d}-e${n}`, n));
				} else {
					ws.push(await send(d, 'ws', `p7n${d}-e${n}`, n));
					rest.push(await send(d, 'rest', `p7n${d}-r${n}`, n));
				}
			}

			const log = sandbox.control.requests();
			/** What one alert did on the network: connections opened (by kind), REST reads before the order, set-up on the order's own connection. */
			const net = (s: Sample) => {
				const restConns = proxy.opened('rest', s.t0, s.done);
				const orderConn = restConns.find((c) => c.paths.includes('/v5/order/create'));
				return {
					rest: restConns.length,
					ws: proxy.opened('ws', s.t0, s.done).length,
					reads: log.filter((r) => r.time >= s.t0 && r.time <= s.wire && r.path !== '/v5/order/create').length,
					orderSetup: orderConn?.setupWaitMs ?? 0,
					/** The longest set-up among the other connections opened before the order (reads run side by side). */
					readSetup: Math.max(0, ...restConns.filter((c) => c !== orderConn && c.openedAt <= s.wire).map((c) => c.setupWaitMs)),
				};
			};
			const lat = (v: Sample[]) => v.map((x) => x.wire - x.t0);
			const answer = (v: Sample[]) => v.map((x) => x.done - x.t0);
			const [r, e] = [lat(rest), lat(ws)];
			const [rNet, eNet] = [rest.map(net), ws.map(net)];
			const ratio = p(e, 50) / p(r, 50);
			const paired = e.map((x, n) => x - r[n]);
			const setup = rNet.map((x) => x.orderSetup + x.readSetup);
			const share = mean(setup) / mean(r);
			const restConnsInSeries = proxy.connections.filter((c) => c.kind === 'rest' && c.openedAt >= rest[0].t0);
			const perConn = restConnsInSeries.map((c) => c.requests);
			const frames = sandbox.control.tradeFrames().slice(framesBefore);
			const wsLinks = new Set(ws.map((x) => x.link));
			const wsCreates = frames.filter((f) => f.op === 'order.create' && wsLinks.has(String((JSON.parse(f.raw) as { args?: Json[] }).args?.[0]?.orderLinkId))).length;
			const wsConnsUsed = new Set(frames.filter((f) => f.op.startsWith('order.')).map((f) => f.connId)).size;
			const conns = (v: ReturnType<typeof net>[]) => `REST ${(sum(v.map((x) => x.rest)) / v.length).toFixed(2)}, WebSocket ${(sum(v.map((x) => x.ws)) / v.length).toFixed(2)}`;
			const first = (s: Sample) => {
				const x = net(s);
				return `${ms(s.wire - s.t0)} to the wire, ${ms(s.done - s.t0)} to the answer (${x.reads} reads, ${x.rest} REST + ${x.ws} WebSocket connections opened)`;
			};
			figures.push(
				{
					id: d === 10 ? 'P7f' : `P7f-${d}ms`,
					name: `d = ${d} ms one way (RTT ${2 * d} ms, TLS 1.3 host), ${ALERTS} warm alerts each, interleaved: Create From Signal with Order Entry = WebSocket vs REST (webhook -> order on the sandbox's wire)`,
					value: `${ratio.toFixed(2)}x`,
					target: 'report',
					met: wsCreates === ALERTS,
					note:
						`p50 ${ms(p(e, 50))} vs ${ms(p(r, 50))}, p99 ${ms(p(e, 99))} vs ${ms(p(r, 99))}; paired per round (WebSocket - REST) p50 ${ms(p(paired, 50))}; ` +
						`POST -> webhook answer p50 ${ms(p(answer(ws), 50))} vs ${ms(p(answer(rest), 50))} (${(p(answer(ws), 50) / p(answer(rest), 50)).toFixed(2)}x); ` +
						`connections opened per alert: WebSocket series ${conns(eNet)}; REST series ${conns(rNet)} (requests per REST connection p50 ${p(perConn, 50)}, max ${Math.max(...perConn)}); ` +
						`REST reads before the order per alert p50: WebSocket ${p(eNet.map((x) => x.reads), 50)}, REST ${p(rNet.map((x) => x.reads), 50)}; ` +
						`REST connection set-up before the order: mean ${ms(mean(setup))} of the REST mean ${ms(mean(r))} (${(share * 100).toFixed(0)}%), p50 ${ms(p(setup, 50))} of the REST p50 ${ms(p(r, 50))} (${((p(setup, 50) / p(r, 50)) * 100).toFixed(0)}%; model ${4 * d} ms per new connection); ` +
						`${wsCreates} of ${ALERTS} WebSocket orders seen as order.create frames, over ${wsConnsUsed} connection(s); proxy check: a GET on a new connection ${pings.map(ms).join(', ')} (model ${6 * d} ms + the sandbox)`,
				},
				{
					id: d === 10 ? 'P7f2' : `P7f2-${d}ms`,
					name: `d = ${d} ms: the first alert on each credential in a warm n8n, WebSocket (opens and authenticates /v5/trade) vs REST (sent just before it)`,
					value: `${((firstWs.wire - firstWs.t0) / (firstRest.wire - firstRest.t0)).toFixed(2)}x`,
					target: 'report',
					met: true,
					note: `WebSocket ${first(firstWs)}; REST ${first(firstRest)}; warm p50 WebSocket ${ms(p(e, 50))}, REST ${ms(p(r, 50))}`,
				},
			);
		}
		return figures;
	} finally {
		for (const st of stacks) await st.stop(); // stop() is idempotent
		for (const proxy of proxies.values()) await proxy.close();
		await sandbox.close();
		fs.rmSync(dir, { recursive: true, force: true });
	}
}
