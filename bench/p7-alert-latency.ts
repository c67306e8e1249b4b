/**
 * P7 what an alert user feels: in a real n8n 2.41.1 (one process), the time from the webhook POST of
 * a TradingView alert to the order/create request on the sandbox's wire, for
 *   - the strategy-signal example (Webhook -> Bybit order.createFromSignal -> Respond), and
 *   - a baseline in the same run: Webhook -> n8n's HTTP Request node posting the same order body
 *     to the sandbox (no node of ours in between).
 * 200 alerts each, interleaved, with the Bybit node's caches warm: p50 and p99, and the p50 ratio.
 * Cold: the first alert on each of several symbols (no instrument, ticker or position mode cached),
 * which is what an alert minutes after the last one meets once the short caches expired.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

import { EXAMPLE_CRED_ID, httpJson, loadExample, type Json, type Workflow } from '../test/e2e/support';
import { startSandbox } from '../test/sandbox';
import { percentile, type Figure } from './stats';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { startN8nStack } = require('../scripts/queueStack') as {
	startN8nStack(options: Json): Promise<{ base: string; waitForWebhooks(paths: string[]): Promise<void>; stop(): Promise<void> }>;
};

const ALERTS = Number(process.env.P7_ALERTS || 200);
const COLD_SYMBOLS = ['ETHUSDT', 'SOLUSDT'];
/** An alert a minute after the last one: every cache of the node (instruments 60 s) has expired. */
const MINUTE_MS = Number(process.env.P7_PAUSE_MS || 65_000);

function baselineWorkflow(sandboxUrl: string): Workflow {
	return {
		id: 'p7Baseline',
		name: 'P7 baseline: webhook -> HTTP Request',
		nodes: [
			{ id: 'p7b-1', name: 'Webhook', type: 'n8n-nodes-base.webhook', typeVersion: 2, position: [0, 0], webhookId: 'p7-baseline-id', parameters: { httpMethod: 'POST', path: 'p7-baseline', responseMode: 'lastNode', responseData: 'firstEntryJson', options: {} } } as Workflow['nodes'][number],
			{
				id: 'p7b-2',
				name: 'Post order',
				type: 'n8n-nodes-base.httpRequest',
				typeVersion: 4.2,
				position: [220, 0],
				parameters: {
					method: 'POST',
					url: `${sandboxUrl}/v5/order/create`,
					sendBody: true,
					specifyBody: 'json',
					jsonBody: '={{ JSON.stringify({ category: "linear", symbol: "BTCUSDT", side: "Buy", orderType: "Market", qty: $json.body.contracts, orderLinkId: $json.body.id }) }}',
					options: {},
				},
				onError: 'continueRegularOutput',
			} as Workflow['nodes'][number],
		],
		connections: { Webhook: { main: [[{ node: 'Post order', type: 'main', index: 0 }]] } },
		settings: { executionOrder: 'v1' },
	};
}

export async function run(): Promise<Figure[]> {
	const sandbox = await startSandbox({ port: 0 });
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-bybit-p7-'));
	const signal = loadExample('tradingview-strategy-signal.json');
	const stack = await startN8nStack({
		queue: false,
		dir,
		credentials: [
			{
				id: EXAMPLE_CRED_ID,
				name: 'Bybit sandbox (demo)',
				type: 'bybitApi',
				data: { environment: 'custom', baseUrl: sandbox.restUrl, signatureMethod: 'hmac', apiKey: sandbox.control.defaultKey.apiKey, apiSecret: sandbox.control.defaultKey.secret, recvWindow: 5000 },
			},
		],
		workflows: [signal, baselineWorkflow(sandbox.restUrl)],
		publish: [signal.id, 'p7Baseline'],
	});
	const wireTime = (linkId: string) => sandbox.control.requests().find((r) => r.path === '/v5/order/create' && r.body.includes(linkId))?.time;
	const alertFor = (id: string, ticker: string, action: string) => ({
		id,
		ticker: `BYBIT:${ticker}.P`,
		action,
		contracts: ticker === 'BTCUSDT' ? '0.001' : '1',
		market_position: action === 'buy' ? 'long' : 'short',
		prev_market_position: action === 'buy' ? 'long' : 'short',
		time: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
	});
	/** ms from just before the POST to the create request on the sandbox's wire. */
	const send = async (webhook: string, alert: Json, linkId: string): Promise<number> => {
		const t0 = Date.now();
		const res = await httpJson('POST', `${stack.base}/webhook/${webhook}`, alert);
		const at = wireTime(linkId);
		if (res.status !== 200 || at === undefined) throw new Error(`${webhook}: no create on the wire for ${linkId} (HTTP ${res.status} ${res.text.slice(0, 200)})`);
		return at - t0;
	};
	try {
		await stack.waitForWebhooks(['bybit-signal', 'p7-baseline']);
		const cold: number[] = [];
		for (const [n, symbol] of COLD_SYMBOLS.entries()) cold.push(await send('bybit-signal', alertFor(`p7c${n}`, symbol, 'buy'), `tv-p7c${n}`));
		// warm-up, then interleaved measurements (alternating buy/sell keeps the position small)
		for (let n = 0; n < 10; n++) {
			await send('bybit-signal', alertFor(`p7w${n}`, 'BTCUSDT', n % 2 ? 'sell' : 'buy'), `tv-p7w${n}`);
			await send('p7-baseline', { id: `p7bw${n}`, contracts: '0.001' }, `p7bw${n}`);
		}
		const ours: number[] = [];
		const base: number[] = [];
		for (let n = 0; n < ALERTS; n++) {
			ours.push(await send('bybit-signal', alertFor(`p7s${n}`, 'BTCUSDT', n % 2 ? 'sell' : 'buy'), `tv-p7s${n}`));
			base.push(await send('p7-baseline', { id: `p7b${n}`, contracts: '0.001' }, `p7b${n}`));
		}
		await new Promise((r) => setTimeout(r, MINUTE_MS));
		const late = await send('bybit-signal', alertFor('p7late', 'BTCUSDT', 'buy'), 'tv-p7late');
		const lateBase = await send('p7-baseline', { id: 'p7blate', contracts: '0.001' }, 'p7blate');
		const ratio = percentile(ours, 50) / percentile(base, 50);
		const ms = (v: number) => `${v.toFixed(1)} ms`;
		return [
			{
				id: 'P7a',
				name: `webhook -> order/create on the wire, ${ALERTS} warm alerts (Create From Signal) vs Webhook -> HTTP Request`,
				value: `${ratio.toFixed(2)}x`,
				target: 'p50 <= 1.25x',
				met: ratio <= 1.25,
				note: `p50 ${ms(percentile(ours, 50))} vs ${ms(percentile(base, 50))}, p99 ${ms(percentile(ours, 99))} vs ${ms(percentile(base, 99))}`,
			},
			{
				id: 'P7b',
				name: `cold alert (first on a symbol: nothing cached), ${COLD_SYMBOLS.length} symbols`,
				value: `${(percentile(cold, 50) / percentile(base, 50)).toFixed(2)}x`,
				target: 'p50 <= 1.25x',
				met: percentile(cold, 50) / percentile(base, 50) <= 1.25,
				note: `${cold.map((c) => ms(c)).join(', ')} (the very first includes n8n loading the workflow); baseline p50 ${ms(percentile(base, 50))}`,
			},
			{
				id: 'P7c',
				name: `an alert ${Math.round(MINUTE_MS / 1000)} s after the last (all caches expired) vs the baseline's at the same moment`,
				value: `${(late / lateBase).toFixed(2)}x`,
				target: '<= 1.25x (one sample)',
				met: late / lateBase <= 1.25,
				note: `${ms(late)} vs ${ms(lateBase)}`,
			},
		];
	} finally {
		await stack.stop();
		await sandbox.close();
		fs.rmSync(dir, { recursive: true, force: true });
	}
}
