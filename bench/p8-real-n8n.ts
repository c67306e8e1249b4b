/**
 * P8n shared connections in a REAL n8n 2.41.1 (issue #23): one n8n process on SQLite, one Bybit
 * credential, N = 100 workflows created and published through n8n's public API (POST
 * /api/v1/workflows, POST /api/v1/workflows/{id}/publish), each
 *   Bybit Trigger (private order + execution streams, Catch Up on, Order Link ID Prefix p8wNNN-)
 *     -> HTTP Request posting each item to a sink in this process,
 * then N more with a Bybit Trigger on the public tickers of 50 symbols (2 workflows per symbol).
 * Measured on the sandbox's side: the WebSocket connections open per path; n8n's heap and RSS after a
 * forced GC (through its inspector) before and after (per added workflow: n8n's own share included); the time for 1,000 execution events (100 messages of 10, event i
 * carrying orderLinkId p8w<i mod N>-i, so every trigger filters all 1,000 and fires for its 10)
 * until the sink has received all 1,000 items (i.e. 1,000 n8n executions ran to their second node),
 * the REST requests n8n sends after one drop of every socket (while two real orders fill), and the
 * connections opened after that drop.
 */
import * as fs from 'fs';
import * as http from 'http';
import * as os from 'os';
import * as path from 'path';
import { DatabaseSync } from 'node:sqlite';

import WebSocket from 'ws';

import { ownerSession } from '../test/e2e/n8nLine';
import { httpJson, sandboxOrder, waitFor, type Json, type Workflow, type Sandbox as E2eSandbox } from '../test/e2e/support';
import { startSandbox, type Sandbox } from '../test/sandbox';
import type { Figure } from './stats';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { startN8nStack } = require('../scripts/queueStack') as {
	startN8nStack(options: Json): Promise<{ base: string; main: { output: string }; stop(): Promise<void> }>;
};

const N = Number(process.env.P8N_N || 100);
const EVENTS = Number(process.env.P8N_EVENTS || 1000);
const PER_MESSAGE = 10;
const SYMBOLS = 50;
const CONCURRENCY = Number(process.env.P8N_CONCURRENCY || 10);
/** How long the connections opened after a mass drop are counted. */
const WATCH_MS = 15_000;
const CRED = { id: 'p8nBybit', name: 'P8n sandbox' };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const pad = (k: number) => String(k).padStart(3, '0');

interface SinkItem {
	wf: number;
	link: string;
	key: string;
	source: string;
	at: number;
}

function startSink(): Promise<{ url: string; items: SinkItem[]; close(): Promise<void> }> {
	const items: SinkItem[] = [];
	const server = http.createServer((req, res) => {
		let body = '';
		req.on('data', (d) => (body += d));
		req.on('end', () => {
			const at = performance.now();
			try {
				const j = JSON.parse(body) as Json;
				items.push({ wf: Number(req.url?.split('/').pop()), link: String(j.link), key: String(j.key), source: String(j.source), at });
			} catch {
				/* not an item */
			}
			res.end('{}');
		});
	});
	return new Promise((resolve) =>
		server.listen(0, '127.0.0.1', () => {
			const { port } = server.address() as { port: number };
			resolve({ url: `http://127.0.0.1:${port}`, items, close: () => new Promise((r) => server.close(() => r())) });
		}),
	);
}

function sinkNode(url: string): Workflow['nodes'][number] {
	return {
		id: 'sink',
		name: 'Sink',
		type: 'n8n-nodes-base.httpRequest',
		typeVersion: 4.2,
		position: [220, 0],
		parameters: {
			method: 'POST',
			url,
			sendBody: true,
			specifyBody: 'json',
			jsonBody: '={{ JSON.stringify({ link: $json.orderLinkId, key: $json.execId ? "x:" + $json.execId : "o:" + $json.orderId + ":" + $json.orderStatus, source: $json.source }) }}',
			options: {},
		},
	};
}

function privateWorkflow(k: number, sinkUrl: string): Omit<Workflow, 'id'> {
	return {
		name: `P8n fills of p8w${pad(k)}-`,
		nodes: [
			{
				id: 'trigger',
				name: 'Bybit Trigger',
				type: 'n8n-nodes-bybit.bybitTrigger',
				typeVersion: 1,
				position: [0, 0],
				parameters: { source: 'account', events: ['order', 'execution'], category: '', filters: { orderLinkIdPrefix: `p8w${pad(k)}-` }, options: { catchUp: true } },
				credentials: { bybitApi: CRED },
			},
			sinkNode(`${sinkUrl}/sink/${k}`),
		],
		connections: { 'Bybit Trigger': { main: [[{ node: 'Sink', type: 'main', index: 0 }]] } },
		settings: { executionOrder: 'v1' },
	};
}

function tickerWorkflow(k: number, symbol: string, wsUrl: string): Omit<Workflow, 'id'> {
	return {
		name: `P8n ticker ${symbol} #${k}`,
		nodes: [
			{
				id: 'trigger',
				name: 'Bybit Trigger',
				type: 'n8n-nodes-bybit.bybitTrigger',
				typeVersion: 1,
				position: [0, 0],
				parameters: { source: 'market', publicHost: 'custom', publicWsUrl: wsUrl, marketCategory: 'linear', marketEvent: 'ticker', condition: 'movesPercent', percent: 50, windowSeconds: 60, priceField: 'lastPrice', symbol },
			},
			{ id: 'noop', name: 'Act', type: 'n8n-nodes-base.noOp', typeVersion: 1, position: [220, 0], parameters: {} },
		],
		connections: { 'Bybit Trigger': { main: [[{ node: 'Act', type: 'main', index: 0 }]] } },
		settings: { executionOrder: 'v1' },
	};
}

/** n8n's heap and RSS after two full GCs, through its inspector (n8n runs with --inspect=127.0.0.1:0; the main process only). */
async function memoryAfterGc(inspectorUrl: string): Promise<{ heap: number; rss: number }> {
	const ws = new WebSocket(inspectorUrl);
	await new Promise((resolve, reject) => {
		ws.once('open', resolve);
		ws.once('error', reject);
	});
	let next = 0;
	const call = (method: string, params: Json = {}) =>
		new Promise<Json>((resolve) => {
			const id = ++next;
			const on = (d: WebSocket.RawData) => {
				const m = JSON.parse(String(d)) as Json;
				if (m.id !== id) return;
				ws.off('message', on);
				resolve((m.result ?? m) as Json);
			};
			ws.on('message', on);
			ws.send(JSON.stringify({ id, method, params }));
		});
	try {
		await sleep(1000); // what was in flight settles
		await call('HeapProfiler.collectGarbage');
		await call('HeapProfiler.collectGarbage');
		const r = await call('Runtime.evaluate', { expression: 'JSON.stringify(process.memoryUsage())', returnByValue: true });
		const m = JSON.parse(String((r.result as Json).value)) as { heapUsed: number; rss: number };
		return { heap: m.heapUsed, rss: m.rss };
	} finally {
		ws.close();
	}
}

/** Open WebSocket connections per path, from the sandbox's log of client messages and closes (every connection sends auth or subscribe first). */
function openByPath(sandbox: Sandbox): Record<string, number> {
	const closed = new Set(sandbox.control.closeCodes().map((c) => c.connId));
	const paths = new Map<string, string>();
	for (const r of sandbox.control.wsReceived()) if (!closed.has(r.connId)) paths.set(r.connId, r.path);
	const out: Record<string, number> = {};
	for (const p of paths.values()) out[p] = (out[p] ?? 0) + 1;
	return out;
}
/** Connections that sent their first message after the `from`-th logged message, per path. */
function newConnections(sandbox: Sandbox, from: number): Record<string, number> {
	const seen = new Set(sandbox.control.wsReceived().slice(0, from).map((r) => r.connId));
	const fresh = new Map<string, string>();
	for (const r of sandbox.control.wsReceived().slice(from)) if (!seen.has(r.connId)) fresh.set(r.connId, r.path);
	const out: Record<string, number> = {};
	for (const p of fresh.values()) out[p] = (out[p] ?? 0) + 1;
	return out;
}
const show = (o: Record<string, number>) => Object.entries(o).map(([p, n]) => `${p} ${n}`).join(', ') || 'none';
const mb = (b: number) => `${(b / 1048576).toFixed(1)} MB`;
const kb = (b: number) => `${(b / 1024).toFixed(0)} KB`;

export async function run(): Promise<Figure[]> {
	const sandbox = await startSandbox({ port: 0, rateLimits: false, extraLinearSymbols: SYMBOLS });
	const sink = await startSink();
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-bybit-p8n-'));
	const wsBase = sandbox.wsUrl.replace(/\/v5\/.*$/, '').replace(/\/+$/, '');
	const stack = await startN8nStack({
		queue: false,
		dir,
		// n8n runs at most this many production executions at once and queues the rest (its own setting for
		// bursts): without it, 1,000 executions at once on SQLite time out on its write lock (measured: 26 of 1,000
		// failed with "Timeout waiting for lock SqliteWriteConnectionMutex", RSS 7.7 GB)
		// --inspect: heap after a forced GC, read through the inspector (memoryAfterGc)
		env: { N8N_CONCURRENCY_PRODUCTION_LIMIT: String(CONCURRENCY), NODE_OPTIONS: '--inspect=127.0.0.1:0' },
		credentials: [{ ...CRED, type: 'bybitApi', data: { environment: 'custom', baseUrl: sandbox.restUrl, wsBaseUrl: wsBase, signatureMethod: 'hmac', apiKey: sandbox.control.defaultKey.apiKey, apiSecret: sandbox.control.defaultKey.secret, recvWindow: 5000 } }],
	});
	try {
		const { apiKey } = await ownerSession(stack.base, ['workflow:create', 'workflow:read', 'workflow:list', 'workflow:activate', 'workflow:deactivate']);
		const api = { 'X-N8N-API-KEY': apiKey };
		const inspector = /Debugger listening on (ws:\/\/127\.0\.0\.1:\d+\/[\w-]+)/.exec(stack.main.output)?.[1];
		if (!inspector) throw new Error(`n8n printed no inspector URL:\n${stack.main.output.slice(0, 1000)}`);
		const memory = () => memoryAfterGc(inspector);
		/** Creates and publishes one workflow through the public API. */
		const publish = async (wf: Omit<Workflow, 'id'>): Promise<void> => {
			const created = await httpJson('POST', `${stack.base}/api/v1/workflows`, wf, api);
			if (created.status !== 200) throw new Error(`create ${wf.name}: ${created.status} ${created.text.slice(0, 300)}`);
			const published = await httpJson('POST', `${stack.base}/api/v1/workflows/${created.json.id}/publish`, {}, api);
			if (published.status !== 200) throw new Error(`publish ${wf.name}: ${published.status} ${published.text.slice(0, 300)}`);
		};
		await sleep(5000); // n8n's start-up work (publication outbox, pruning) settles
		const m0 = await memory();
		await publish(privateWorkflow(0, sink.url));
		await waitFor('the first trigger connected', () => sandbox.control.openSockets() >= 1 || undefined, 60_000, 100);
		const m1 = await memory();
		const t0 = performance.now();
		for (let k = 1; k < N; k++) await publish(privateWorkflow(k, sink.url));
		const publishMs = performance.now() - t0;
		await sleep(2000);
		const mN = await memory();
		const privateOpen = openByPath(sandbox);
		const privateSockets = sandbox.control.openSockets();

		// 1,000 execution events, 100 messages of 10: every trigger sees all of them, fires for its own
		const linkRe = /^p8w\d{3}-\d+$/;
		const tFan = performance.now();
		const tFanWall = Date.now();
		for (let m = 0; m < EVENTS / PER_MESSAGE; m++) {
			const data: Json[] = [];
			for (let i = m * PER_MESSAGE; i < (m + 1) * PER_MESSAGE; i++) {
				const now = Date.now();
				data.push({
					category: 'linear', symbol: 'BTCUSDT', execId: `p8e-${i}-${now}`, orderId: `p8o-${i}-${now}`, orderLinkId: `p8w${pad(i % N)}-${i}`, side: 'Buy', orderType: 'Market',
					orderPrice: '65000', orderQty: '0.001', leavesQty: '0', createType: 'CreateByUser', execPrice: '65000', execQty: '0.001', execValue: '65',
					execFee: '0.03575', feeRate: '0.00055', execType: 'Trade', isMaker: false, execTime: String(now), seq: 9_000_000 + i,
				});
			}
			(sandbox.control.emitPrivate as (topic: string, data: Json[]) => number)('execution', data);
		}
		const fanItems = () => sink.items.filter((s) => linkRe.test(s.link));
		// until all arrived, or nothing more for 60 s (an execution n8n failed never arrives)
		for (let last = 0, since = performance.now(); fanItems().length < EVENTS && performance.now() - since < 60_000; await sleep(50)) {
			if (fanItems().length !== last) [last, since] = [fanItems().length, performance.now()];
		}
		const fanOutMs = Math.max(...fanItems().map((s) => s.at)) - tFan;
		await sleep(2000);
		const fan = fanItems();
		// when each trigger handed its items to n8n: the executions' creation times in n8n's database (before
		// n8n's concurrency queue), i.e. the events reached every trigger, through its filter, by then
		const db = new DatabaseSync(path.join(dir, 'main', '.n8n', 'database.sqlite'), { readOnly: true });
		const created = db.prepare('SELECT createdAt FROM execution_entity').all().map((r) => Date.parse(`${String(r.createdAt).replace(' ', 'T')}Z`)).filter((t) => t >= tFanWall - 1000);
		db.close();
		const emittedMs = Math.max(...created) - tFanWall;
		const wrongWf = fan.filter((s) => s.link.slice(3, 6) !== pad(s.wf)).length;
		const dupes = fan.length - new Set(fan.map((s) => `${s.wf}|${s.key}`)).size;

		// one drop of every socket while two real orders fill (each for one workflow's prefix)
		const fromMsg = sandbox.control.wsReceived().length;
		const fromReq = sandbox.control.requests().length;
		const closes = sandbox.control.closeCodes().length;
		sandbox.control.dropAllSockets();
		while (sandbox.control.closeCodes().length === closes) await sleep(2);
		const dropLinks = [`p8w${pad(3 % N)}-drop-${Date.now()}`, `p8w${pad(42 % N)}-drop-${Date.now()}`];
		for (const orderLinkId of dropLinks) await sandboxOrder(sandbox as unknown as E2eSandbox, { category: 'linear', symbol: 'BTCUSDT', side: 'Buy', orderType: 'Market', qty: '0.001', orderLinkId });
		await waitFor('the fills made during the drop', () => dropLinks.every((l) => sink.items.some((s) => s.link === l && s.key.startsWith('x:'))) || undefined, 120_000, 100);
		await sleep(WATCH_MS);
		const afterDrop = sandbox.control.requests().slice(fromReq).filter((r) => r.path !== '/v5/order/create');
		const restByPath: Record<string, number> = {};
		for (const r of afterDrop) restByPath[r.path] = (restByPath[r.path] ?? 0) + 1;
		const dropFills = sink.items.filter((s) => dropLinks.includes(s.link) && s.key.startsWith('x:'));
		const attemptsPrivate = newConnections(sandbox, fromMsg);

		// public: N ticker triggers on 50 symbols, in the same n8n
		const symbols = (sandbox.control.getState().prices as Array<{ symbol: string; category: string }>).filter((p) => p.category === 'linear').map((p) => p.symbol).slice(0, SYMBOLS);
		const mP0 = await memory();
		for (let k = 0; k < N; k++) await publish(tickerWorkflow(k, symbols[k % symbols.length], wsBase));
		await sleep(3000);
		const mP = await memory();
		const publicOpen = openByPath(sandbox);
		const fromMsg2 = sandbox.control.wsReceived().length;
		const closes2 = sandbox.control.closeCodes().length;
		sandbox.control.dropAllSockets();
		while (sandbox.control.closeCodes().length === closes2) await sleep(2);
		await sleep(WATCH_MS);
		const attemptsAll = newConnections(sandbox, fromMsg2);
		const reopened = openByPath(sandbox);

		const privPath = Object.keys(privateOpen).find((p) => p.includes('private')) ?? '/v5/private';
		const pubPaths = Object.keys(publicOpen).filter((p) => p.includes('public'));
		const pubSockets = pubPaths.reduce((a, p) => a + publicOpen[p], 0);
		const restTotal = afterDrop.length;
		return [
			{ id: 'P8n-a', name: `real n8n: sockets for ${N} published trigger workflows on one key`, value: String(privateOpen[privPath] ?? 0), target: '1', met: privateSockets === 1 && privateOpen[privPath] === 1, note: `open: ${show(privateOpen)}; ${N} workflows created + published through the public API in ${(publishMs / 1000).toFixed(1)} s` },
			{ id: 'P8n-b', name: 'real n8n: main process heap per added trigger workflow (after GC)', value: kb((mN.heap - m1.heap) / (N - 1)), target: 'report', met: true, note: `heap ${mb(m0.heap)} idle, ${mb(m1.heap)} with 1, ${mb(mN.heap)} with ${N}; RSS ${mb(m0.rss)}, ${mb(m1.rss)}, ${mb(mN.rss)} (${kb((mN.rss - m1.rss) / (N - 1))} per workflow)` },
			{ id: 'P8n-c', name: `real n8n: ${EVENTS} execution events (${EVENTS / PER_MESSAGE} messages) through ${N} filtering triggers to the sink`, value: `${(fanOutMs / 1000).toFixed(2)} s`, target: 'report', met: wrongWf === 0 && dupes === 0 && fan.length === EVENTS, note: `${fan.length} items = ${fan.length} n8n executions (Trigger -> HTTP Request; N8N_CONCURRENCY_PRODUCTION_LIMIT=${CONCURRENCY}), ${(fanOutMs / fan.length).toFixed(1)} ms each; all ${created.length} executions created by the triggers within ${(emittedMs / 1000).toFixed(2)} s (n8n's database); ${wrongWf} to the wrong workflow, ${dupes} duplicates` },
			{ id: 'P8n-d', name: `real n8n: REST requests after one drop of the socket (${N} triggers on it)`, value: String(restTotal), target: '<= 8 (1 per category and stream)', met: restTotal <= 8 && dropFills.length === dropLinks.length, note: `${show(restByPath)}; the 2 fills made during the drop reached their workflows ${dropFills.length} time(s) in all (want ${dropLinks.length})` },
			{ id: 'P8n-e', name: `real n8n: connections opened within ${WATCH_MS / 1000} s of a drop`, value: String(attemptsPrivate[privPath] ?? 0), target: '1', met: (attemptsPrivate[privPath] ?? 0) === 1, note: `private only: ${show(attemptsPrivate)}; with the ${N} ticker workflows too: ${show(attemptsAll)} (open again: ${show(reopened)})` },
			{ id: 'P8n-f', name: `real n8n: public sockets for ${N} ticker triggers on ${SYMBOLS} symbols`, value: String(pubSockets), target: '1 (Bybit\'s argument limits)', met: pubSockets === 1, note: `open: ${show(publicOpen)}; heap ${kb((mP.heap - mP0.heap) / N)} per ticker workflow (${mb(mP0.heap)} -> ${mb(mP.heap)}), RSS ${mb(mP0.rss)} -> ${mb(mP.rss)}` },
		];
	} finally {
		await stack.stop();
		await sink.close();
		await sandbox.close();
		fs.rmSync(dir, { recursive: true, force: true });
	}
}
