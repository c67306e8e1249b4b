/**
 * P7 what an alert user feels: in a real n8n 2.41.1 (one process), the time from the webhook POST of
 * a TradingView alert to the order/create request on the sandbox's wire, for
 *   - the strategy-signal example (Webhook -> Bybit Create From Signal -> Respond),
 *   - the signed baseline: Webhook -> n8n's HTTP Request node posting the same order body to
 *     /v5/order/create with Authentication = the Bybit credential (bybitApi), which signs it and
 *     applies the credential's safety limits, as a user without this node would do it, and
 *   - the unsigned baseline: the same HTTP Request node without a credential, and
 *   - the strategy-signal example on a second credential whose Order Entry is WebSocket (P7e): its
 *     order goes over Bybit's /v5/trade (one authenticated connection per key per process); "on the
 *     wire" is then the order.create frame's arrival on the sandbox's /v5/trade (same clock as REST).
 * 200 warm alerts each, interleaved (the two Create From Signal series swap places every round): p50
 * and p99 and the p50 ratios. The WebSocket series is checked to have sent every order over /v5/trade
 * (frames counted) and none to REST order/create. Where the time goes, from n8n's
 * own execution data: POST -> the node's start (n8n's part: webhook, execution set-up, the nodes
 * before) and the node's start -> the request on the wire (the node's part).
 * First alert after n8n start: n8n is started three times, sending first ours, the signed baseline,
 * or ours with WebSocket order entry (which also pays the connection's open and auth), so that each
 * first alert pays n8n's own first-execution cost.
 * Cold: the first alert on other symbols (no instrument, ticker or position mode cached), and one
 * alert after a pause (P7_PAUSE_MS, default 65 s; 0 skips it), then a WebSocket one after a second pause.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

import { ownerSession } from '../test/e2e/n8nLine';
import { EXAMPLE_CRED_ID, httpJson, loadExample, sandboxCredentialData, type Json, type Workflow } from '../test/e2e/support';
import { startSandbox, type Sandbox } from '../test/sandbox';
import { percentile, type Figure } from './stats';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { startN8nStack } = require('../scripts/queueStack') as {
	startN8nStack(options: Json): Promise<{ base: string; waitForWebhooks(paths: string[]): Promise<void>; stop(): Promise<void> }>;
};

const ALERTS = Number(process.env.P7_ALERTS || 200);
const COLD_SYMBOLS = ['ETHUSDT', 'SOLUSDT'];
/** An alert after a pause (TradingView's usual rhythm): the 5 s position rows and the 1 s credential read have expired, idle sockets may be gone; the 5-10 min instrument, check-price and position-mode caches are not. */
const PAUSE_MS = Number(process.env.P7_PAUSE_MS ?? 65_000);
const SECRET = 'change-me'; // the example's Alert Secret
const OURS = 'bybit-signal';
const SIGNED = 'p7-signed';
const UNSIGNED = 'p7-unsigned';
/** The strategy-signal example on a credential whose Order Entry is WebSocket. */
const OURS_WS = 'bybit-signal-ws';
const WS_WF_ID = 'p7SignalWs';
const WS_CRED_ID = 'p7BybitWs';
const SIGNAL_NODE = 'Trade the signal';

/** The strategy-signal example as it is, on the WebSocket-order-entry credential (its own id, webhook path and webhook id). */
function signalOverWebSocket(): Workflow {
	const wf = loadExample('tradingview-strategy-signal.json');
	wf.id = WS_WF_ID;
	wf.name = `${wf.name} (WebSocket order entry)`;
	for (const node of wf.nodes) {
		if (node.type === 'n8n-nodes-base.webhook') {
			node.parameters.path = OURS_WS;
			(node as { webhookId?: string }).webhookId = '3d7b9e21-5c4a-4f0e-8b6d-2a1c9e7f5b03';
		}
		const creds = (node as { credentials?: Record<string, { id: string; name: string }> }).credentials;
		if (creds?.bybitApi) creds.bybitApi = { id: WS_CRED_ID, name: 'Bybit sandbox (WebSocket order entry)' };
	}
	return wf;
}

function baselineWorkflow(id: string, webhookPath: string, sandboxUrl: string, signed: boolean): Workflow {
	return {
		id,
		name: `P7 baseline: webhook -> HTTP Request (${signed ? 'signed with the Bybit credential' : 'unsigned'})`,
		nodes: [
			{ id: `${id}-1`, name: 'Webhook', type: 'n8n-nodes-base.webhook', typeVersion: 2, position: [0, 0], webhookId: `${id}-hook`, parameters: { httpMethod: 'POST', path: webhookPath, responseMode: 'lastNode', responseData: 'firstEntryJson', options: {} } },
			{
				id: `${id}-2`,
				name: 'Post order',
				type: 'n8n-nodes-base.httpRequest',
				typeVersion: 4.2,
				position: [220, 0],
				parameters: {
					method: 'POST',
					url: `${sandboxUrl}/v5/order/create`,
					...(signed ? { authentication: 'predefinedCredentialType', nodeCredentialType: 'bybitApi' } : {}),
					sendBody: true,
					specifyBody: 'json',
					jsonBody: '={{ JSON.stringify({ category: "linear", symbol: "BTCUSDT", side: $json.body.side, orderType: "Market", qty: $json.body.contracts, orderLinkId: $json.body.id, positionIdx: 0 }) }}',
					options: {},
				},
				...(signed ? { credentials: { bybitApi: { id: EXAMPLE_CRED_ID, name: 'Bybit sandbox (demo)' } } } : {}),
				onError: 'continueRegularOutput',
			},
		],
		connections: { Webhook: { main: [[{ node: 'Post order', type: 'main', index: 0 }]] } },
		settings: { executionOrder: 'v1' },
	};
}

interface Sample {
	link: string;
	t0: number;
	wire: number;
}

/** A `bybitApi` credential on the sandbox (environment Custom; `wsBaseUrl` is where /v5/trade is). */
function credentialData(sandbox: Sandbox, over: Json = {}): Json {
	return sandboxCredentialData(sandbox as unknown as Parameters<typeof sandboxCredentialData>[0], over);
}

/** The order.create frame on /v5/trade carrying `linkId` (args[0].orderLinkId), if any. */
function tradeFrameOf(sandbox: Sandbox, linkId: string) {
	return sandbox.control.tradeFrames().find((f) => f.op === 'order.create' && f.raw.includes(`"${linkId}"`) && (JSON.parse(f.raw) as { args?: Json[] }).args?.[0]?.orderLinkId === linkId);
}

/** One n8n process with the four workflows, and how to send each kind of alert to it. */
async function startN8n(sandbox: Sandbox, dir: string, stacks: Array<{ stop(): Promise<void> }>) {
	const signal = loadExample('tradingview-strategy-signal.json');
	const stack = await startN8nStack({
		queue: false,
		dir,
		credentials: [
			{ id: EXAMPLE_CRED_ID, name: 'Bybit sandbox (demo)', type: 'bybitApi', data: credentialData(sandbox) },
			{ id: WS_CRED_ID, name: 'Bybit sandbox (WebSocket order entry)', type: 'bybitApi', data: credentialData(sandbox, { orderEntry: 'websocket' }) },
		],
		workflows: [signal, signalOverWebSocket(), baselineWorkflow('p7Signed', SIGNED, sandbox.restUrl, true), baselineWorkflow('p7Unsigned', UNSIGNED, sandbox.restUrl, false)],
		publish: [signal.id, WS_WF_ID, 'p7Signed', 'p7Unsigned'],
		onStack: (st: { stop(): Promise<void> }) => stacks.push(st),
	});
	const wireTime = (linkId: string) => sandbox.control.requests().find((r) => r.path === '/v5/order/create' && r.body.includes(`"${linkId}"`))?.time;
	const isSignal = (webhook: string) => webhook === OURS || webhook === OURS_WS;
	/** ms from just before the POST to the create request on the sandbox's wire. */
	const send = async (webhook: string, id: string, n: number, symbol = 'BTCUSDT'): Promise<Sample> => {
		const action = n % 2 ? 'sell' : 'buy';
		const alert =
			isSignal(webhook)
				? { secret: SECRET, id, ticker: `BYBIT:${symbol}.P`, action, contracts: symbol === 'BTCUSDT' ? '0.001' : '1', market_position: action === 'buy' ? 'long' : 'short', prev_market_position: action === 'buy' ? 'long' : 'short', time: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z') }
				: { id, side: action === 'buy' ? 'Buy' : 'Sell', contracts: '0.001' };
		const link = isSignal(webhook) ? `tv-${id}` : id;
		const t0 = Date.now();
		const res = await httpJson('POST', `${stack.base}/webhook/${webhook}`, alert);
		const wire = webhook === OURS_WS ? tradeFrameOf(sandbox, link)?.time : wireTime(link);
		if (res.status !== 200 || wire === undefined) throw new Error(`${webhook}: no create on the wire for ${link} (HTTP ${res.status} ${res.text.slice(0, 200)})`);
		return { link, t0, wire };
	};
	await stack.waitForWebhooks([OURS, OURS_WS, SIGNED, UNSIGNED]);
	return { stack, send };
}

/** Each sample's node start (from n8n's execution data), keyed by the order's link id. */
async function nodeStarts(base: string, apiKey: string, workflowId: string, nodeName: string, linkOf: (json: Json) => string): Promise<Map<string, number>> {
	const starts = new Map<string, number>();
	let cursor = '';
	for (let page = 0; page < 4; page++) {
		const r = await httpJson('GET', `${base}/api/v1/executions?workflowId=${workflowId}&includeData=true&limit=100${cursor ? `&cursor=${cursor}` : ''}`, undefined, { 'X-N8N-API-KEY': apiKey });
		for (const e of (r.json?.data ?? []) as Json[]) {
			const runData = ((e.data as Json | undefined)?.resultData as Json | undefined)?.runData as Record<string, Array<{ startTime: number; data?: { main?: Array<Array<{ json: Json }>> } }>> | undefined;
			const hook = Object.values(runData ?? {}).find((runs) => (runs[0]?.data?.main?.[0]?.[0]?.json as Json | undefined)?.body !== undefined);
			const body = hook?.[0]?.data?.main?.[0]?.[0]?.json?.body as Json | undefined;
			const start = runData?.[nodeName]?.[0]?.startTime;
			if (body && start) starts.set(linkOf(body), start);
		}
		cursor = String(r.json?.nextCursor ?? '');
		if (!cursor) break;
	}
	return starts;
}

const ms = (v: number) => `${v.toFixed(1)} ms`;
const p = (v: number[], q: number) => percentile(v, q);

export async function run(): Promise<Figure[]> {
	const sandbox = await startSandbox({ port: 0, rateLimits: false });
	const dirs = [0, 1, 2].map(() => fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-bybit-p7-')));
	const stacks: Array<{ stop(): Promise<void> }> = [];
	try {
		// first alert after start, signed baseline first (its own n8n)
		let n8n = await startN8n(sandbox, dirs[1], stacks);
		const firstSigned = await n8n.send(SIGNED, 'p7f-s1', 0);
		const secondOurs = await n8n.send(OURS, 'p7f-o1', 1);
		await n8n.stack.stop();
		// ours with WebSocket order entry first (its own n8n; it also opens and authenticates the connection), then ours over REST
		n8n = await startN8n(sandbox, dirs[2], stacks);
		const firstWs = await n8n.send(OURS_WS, 'p7f-e1', 0);
		const secondOursAfterWs = await n8n.send(OURS, 'p7f-o3', 1);
		const framesBeforeMain = sandbox.control.tradeFrames().length;
		await n8n.stack.stop();
		// ours first, then everything else in this process
		n8n = await startN8n(sandbox, dirs[0], stacks);
		const { stack, send } = n8n;
		const firstOurs = await send(OURS, 'p7f-o2', 0);
		const secondSigned = await send(SIGNED, 'p7f-s2', 1);
		const { apiKey } = await ownerSession(stack.base, ['execution:read', 'execution:list']);
		const cold: Sample[] = [];
		for (const [n, symbol] of COLD_SYMBOLS.entries()) cold.push(await send(OURS, `p7c${n}`, n, symbol));
		// the first WebSocket alert in a warm n8n: pays the connection's open and auth, not n8n's first execution
		const firstWsWarmN8n = await send(OURS_WS, 'p7we-first', 0);
		for (let n = 0; n < 10; n++) {
			await send(OURS, `p7w${n}`, n);
			await send(OURS_WS, `p7we${n}`, n);
			await send(SIGNED, `p7ws${n}`, n);
			await send(UNSIGNED, `p7wu${n}`, n);
		}
		const ours: Sample[] = [];
		const oursWs: Sample[] = [];
		const signed: Sample[] = [];
		const unsigned: Sample[] = [];
		for (let n = 0; n < ALERTS; n++) {
			// the two Create From Signal series swap places every round
			if (n % 2 === 0) {
				ours.push(await send(OURS, `p7s${n}`, n));
				oursWs.push(await send(OURS_WS, `p7e${n}`, n));
			} else {
				oursWs.push(await send(OURS_WS, `p7e${n}`, n));
				ours.push(await send(OURS, `p7s${n}`, n));
			}
			signed.push(await send(SIGNED, `p7b${n}`, n));
			unsigned.push(await send(UNSIGNED, `p7u${n}`, n));
		}
		let late: Sample | undefined;
		let lateWs: Sample | undefined;
		let lateBase: Sample | undefined;
		if (PAUSE_MS > 0) {
			await new Promise((r) => setTimeout(r, PAUSE_MS));
			late = await send(OURS, 'p7late', 0);
			lateBase = await send(SIGNED, 'p7blate', 0);
			// a second pause, so that the WebSocket alert meets expired caches too (not the ones the REST alert just filled)
			await new Promise((r) => setTimeout(r, PAUSE_MS));
			lateWs = await send(OURS_WS, 'p7elate', 0);
		}
		// did the WebSocket series really go over /v5/trade? Its order.create frames (this process), their connections, and REST creates carrying its link ids (must be none)
		const wsLinks = new Set(oursWs.map((x) => x.link));
		const mainFrames = sandbox.control.tradeFrames().slice(framesBeforeMain);
		const wsSeriesFrames = mainFrames.filter((f) => f.op === 'order.create' && wsLinks.has(String((JSON.parse(f.raw) as { args?: Json[] }).args?.[0]?.orderLinkId)));
		const wsSeriesOk = wsSeriesFrames.filter((f) => f.retCode === 0).length;
		const wsConnections = new Set(mainFrames.filter((f) => f.op.startsWith('order.')).map((f) => f.connId)).size;
		const wsSeriesRest = sandbox.control.requests().filter((r) => r.path === '/v5/order/create' && /"tv-p7(e|we|f-e)/.test(r.body)).length;
		const wsAuths = mainFrames.filter((f) => f.op === 'auth').length;
		// where the time goes: n8n's part (POST -> node start) and the node's (node start -> wire), last 100 warm alerts each
		const split = async (samples: Sample[], workflowId: string, node: string, linkOf: (b: Json) => string) => {
			const starts = await nodeStarts(stack.base, apiKey, workflowId, node, linkOf);
			const before: number[] = [];
			const inNode: number[] = [];
			for (const s of samples.slice(-100)) {
				const start = starts.get(s.link);
				if (start === undefined) continue;
				before.push(start - s.t0);
				inNode.push(s.wire - start);
			}
			// the mean too: times are whole ms, and the node's part is a few of them
			const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
			return before.length ? `${ms(p(before, 50))} to the node's start + ${ms(p(inNode, 50))} in it (p50 of ${before.length}; means ${ms(mean(before))} + ${ms(mean(inNode))})` : 'no execution data';
		};
		const signalId = loadExample('tradingview-strategy-signal.json').id;
		const splitOurs = await split(ours, signalId, SIGNAL_NODE, (b) => `tv-${String(b.id)}`);
		const splitWs = await split(oursWs, WS_WF_ID, SIGNAL_NODE, (b) => `tv-${String(b.id)}`);
		const splitSigned = await split(signed, 'p7Signed', 'Post order', (b) => String(b.id));
		const splitUnsigned = await split(unsigned, 'p7Unsigned', 'Post order', (b) => String(b.id));

		const lat = (s: Sample[]) => s.map((x) => x.wire - x.t0);
		const [o, e, s, u] = [lat(ours), lat(oursWs), lat(signed), lat(unsigned)];
		const wsVsRest = p(e, 50) / p(o, 50);
		// paired: each round's WebSocket alert minus its REST one (sent back to back), which cancels most of the machine's drift
		const paired = e.map((x, n) => x - o[n]);
		// REST requests the node sent between the POST and its order (reads), per alert: p50 and total over the series
		const log = sandbox.control.requests();
		const readsOf = (samples: Sample[]) => samples.map((x) => log.filter((r) => r.time >= x.t0 && r.time <= x.wire && r.path !== '/v5/order/create').length);
		const reads = (samples: Sample[]) => { const r = readsOf(samples); return `${p(r, 50)} (${r.reduce((a, b) => a + b, 0)} in all)`; };
		const wsVsSigned = p(e, 50) / p(s, 50);
		const vsSigned = p(o, 50) / p(s, 50);
		const vsUnsigned = p(o, 50) / p(u, 50);
		const first = (x: Sample) => x.wire - x.t0;
		const firstRatio = first(firstOurs) / first(firstSigned);
		const figures: Figure[] = [
			{
				id: 'P7a',
				name: `webhook -> order/create on the wire, ${ALERTS} warm alerts: Create From Signal vs Webhook -> HTTP Request signed with the Bybit credential`,
				value: `${vsSigned.toFixed(2)}x`,
				target: 'p50 <= 1.25x',
				met: vsSigned <= 1.25,
				note: `p50 ${ms(p(o, 50))} vs ${ms(p(s, 50))}, p99 ${ms(p(o, 99))} vs ${ms(p(s, 99))}; ours ${splitOurs}; signed ${splitSigned}`,
			},
			{
				id: 'P7a2',
				name: `the same ${ALERTS} warm alerts vs the HTTP Request node unsigned`,
				value: `${vsUnsigned.toFixed(2)}x`,
				target: 'report',
				met: true,
				note: `p50 ${ms(p(o, 50))} vs ${ms(p(u, 50))}, p99 ${ms(p(o, 99))} vs ${ms(p(u, 99))}; unsigned ${splitUnsigned}`,
			},
			{
				id: 'P7b',
				name: 'the first alert after n8n start: Create From Signal vs the signed HTTP Request (each first in its own fresh n8n)',
				value: `${firstRatio.toFixed(2)}x`,
				target: '<= 2x',
				met: firstRatio <= 2,
				note: `${ms(first(firstOurs))} vs ${ms(first(firstSigned))}; sent second after start: ours ${ms(first(secondOurs))}, signed ${ms(first(secondSigned))}`,
			},
			{
				id: 'P7c',
				name: `cold: the first alert on another symbol (nothing of it cached), ${COLD_SYMBOLS.length} symbols`,
				value: `${(p(cold.map(first), 50) / p(s, 50)).toFixed(2)}x`,
				target: 'p50 <= 1.25x of the signed warm p50',
				met: p(cold.map(first), 50) / p(s, 50) <= 1.25,
				note: `${cold.map((c) => ms(first(c))).join(', ')}; signed warm p50 ${ms(p(s, 50))}`,
			},
		];
		if (late && lateBase) {
			figures.push({
				id: 'P7d',
				name: `an alert ${Math.round(PAUSE_MS / 1000)} s after the last vs the signed baseline's at the same moment`,
				value: `${(first(late) / first(lateBase)).toFixed(2)}x`,
				target: '<= 1.25x (one sample)',
				met: first(late) / first(lateBase) <= 1.25,
				note: `${ms(first(late))} vs ${ms(first(lateBase))}`,
			});
		}
		const overWs = `${wsSeriesFrames.length} of ${ALERTS} orders seen as order.create frames on /v5/trade (${wsSeriesOk} with retCode 0), over ${wsConnections} connection(s) in this n8n (${wsAuths} auth), ${wsSeriesRest} REST order/create with the link id of any WebSocket alert of the run`;
		figures.push(
			{
				id: 'P7e',
				name: `the same ${ALERTS} warm alerts with the credential's Order Entry = WebSocket: Create From Signal over /v5/trade vs Create From Signal over REST (webhook -> order.create frame on /v5/trade)`,
				value: `${wsVsRest.toFixed(2)}x`,
				target: 'p50 < 1.00x',
				met: wsVsRest < 1 && wsSeriesFrames.length === ALERTS && wsSeriesRest === 0,
				note: `p50 ${ms(p(e, 50))} vs ${ms(p(o, 50))}, p99 ${ms(p(e, 99))} vs ${ms(p(o, 99))}; paired per round (WebSocket - REST): p50 ${ms(p(paired, 50))}, p10 ${ms(p(paired, 10))}, p90 ${ms(p(paired, 90))}; WebSocket ${splitWs}; REST ${splitOurs}; REST reads before the order per alert, p50: WebSocket ${reads(oursWs)}, REST ${reads(ours)}; ${overWs}`,
			},
			{
				id: 'P7e2',
				name: `the WebSocket series vs Webhook -> HTTP Request signed with the Bybit credential`,
				value: `${wsVsSigned.toFixed(2)}x`,
				target: 'report',
				met: true,
				note: `p50 ${ms(p(e, 50))} vs ${ms(p(s, 50))}, p99 ${ms(p(e, 99))} vs ${ms(p(s, 99))}; signed ${splitSigned}`,
			},
			{
				id: 'P7e3',
				name: 'the first alert after n8n start with WebSocket order entry (its own fresh n8n; pays the connection open + auth) vs the REST Create From Signal\'s first alert',
				value: `${(first(firstWs) / first(firstOurs)).toFixed(2)}x`,
				target: 'report',
				met: true,
				note: `${ms(first(firstWs))} vs ${ms(first(firstOurs))} (signed baseline's first: ${ms(first(firstSigned))}); REST Create From Signal sent second in that n8n: ${ms(first(secondOursAfterWs))}; the first WebSocket alert in an n8n already warm (open + auth only): ${ms(first(firstWsWarmN8n))} vs the REST warm p50 ${ms(p(o, 50))}`,
			},
		);
		if (late && lateWs && lateBase) {
			figures.push({
				id: 'P7e4',
				name: `an alert ${Math.round(PAUSE_MS / 1000)} s after the last with WebSocket order entry (after a second pause; the connection kept open by its 20 s ping) vs the REST Create From Signal's after the first pause`,
				value: `${(first(lateWs) / first(late)).toFixed(2)}x`,
				target: 'report (one sample)',
				met: true,
				note: `${ms(first(lateWs))} vs ${ms(first(late))}; signed baseline ${ms(first(lateBase))}`,
			});
		}
		return figures;
	} finally {
		for (const st of stacks) await st.stop(); // stop() is idempotent
		await sandbox.close();
		for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
	}
}
