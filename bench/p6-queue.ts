/**
 * P6 queue mode: 400 orders on ONE API key through the production webhook of a real n8n 2.41.1 in
 * queue mode (scripts/queueStack.js: Redis, Postgres 17, main + workers), with the sandbox
 * enforcing Bybit's per-key order limit (create: 10/s). Run with 2 workers, then with 4 (2 more
 * added to the same stack). Prints, per run: wall time as a ratio of the rate-limit floor (400
 * orders at 10/s cannot finish before 39 s), the 10006 answers the sandbox gave and how many of them
 * surfaced as errors, and the most requests the machine sent in any 5 s window (Bybit bans an IP
 * above 600). P2 (one process, no n8n) is the same flow's baseline.
 *
 * The credential says how many processes share the key (`processesSharingKey` = the worker count):
 * each process then takes 1/N of the key's limits and of the IP budget.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

import { bybitRest, httpJson, type Json, type Workflow } from '../test/e2e/support';
import { busiestWindow } from '../test/harness/windows';
import { startSandbox } from '../test/sandbox';
import { hrtimeMs, type Figure } from './stats';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { startQueueStack } = require('../scripts/queueStack') as {
	startQueueStack(options: Json): Promise<{ base: string; mainEnv: NodeJS.ProcessEnv; workers: unknown[]; addWorkers(n: number): Promise<void>; waitForWebhooks(paths: string[]): Promise<void>; stop(): Promise<void> }>;
};
// eslint-disable-next-line @typescript-eslint/no-require-imports
const runtime = require('../scripts/runtime') as { runN8n(args: string[], env: NodeJS.ProcessEnv, opts: { timeoutMs: number }): Promise<{ code: number; stderr: string }> };

const ORDERS = Number(process.env.P6_ORDERS || 400);
const IN_FLIGHT = 20;
const QUOTA_PER_S = 10;
const CRED_ID = 'p6Bybit';

function orderWorkflow(): Workflow {
	return {
		id: 'p6QueueOrders',
		name: 'P6 webhook -> order',
		nodes: [
			{ id: 'p6-1', name: 'Webhook', type: 'n8n-nodes-base.webhook', typeVersion: 2, position: [0, 0], webhookId: 'p6-orders-id', parameters: { httpMethod: 'POST', path: 'p6-order', responseMode: 'lastNode', responseData: 'firstEntryJson', options: {} } } as Workflow['nodes'][number],
			{
				id: 'p6-2',
				name: 'Order',
				type: 'n8n-nodes-bybit.bybit',
				typeVersion: 1,
				position: [220, 0],
				credentials: { bybitApi: { id: CRED_ID, name: 'P6 sandbox' } },
				parameters: {
					resource: 'order',
					operation: 'create',
					category: 'linear',
					symbol: { __rl: true, mode: 'id', value: 'BTCUSDT' },
					side: 'Buy',
					orderType: 'Limit',
					qtyType: 'base',
					qty: '0.001',
					price: '={{ $json.body.price }}',
					positionIdx: '0',
					orderLinkId: '={{ $json.body.id }}',
					additionalFields: {},
					options: {},
				},
				onError: 'continueRegularOutput',
			},
		],
		connections: { Webhook: { main: [[{ node: 'Order', type: 'main', index: 0 }]] } },
		settings: { executionOrder: 'v1' },
	};
}

interface RunResult {
	wallMs: number;
	placed: number;
	answered10006: number;
	surfaced: number;
	errors: string[];
	maxPer5s: number;
}


export async function run(): Promise<Figure[]> {
	const sandbox = await startSandbox({ port: 0, rateLimits: true });
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-bybit-p6-'));
	const credential = (processes: number) => ({
		id: CRED_ID,
		name: 'P6 sandbox',
		type: 'bybitApi',
		data: {
			environment: 'custom',
			baseUrl: sandbox.restUrl,
			signatureMethod: 'hmac',
			apiKey: sandbox.control.defaultKey.apiKey,
			apiSecret: sandbox.control.defaultKey.secret,
			recvWindow: 5000,
			processesSharingKey: processes,
		},
	});
	const stack = await startQueueStack({ dir, workers: 2, credentials: [credential(2)], workflows: [orderWorkflow()], publish: ['p6QueueOrders'] });
	const figures: Figure[] = [];
	try {
		await stack.waitForWebhooks(['p6-order']);
		const flow = async (tag: string): Promise<RunResult> => {
			const seen = sandbox.control.requests().length;
			const errors: string[] = [];
			let next = 0;
			const start = process.hrtime.bigint();
			await Promise.all(
				Array.from({ length: IN_FLIGHT }, async () => {
					while (next < ORDERS) {
						const n = next++;
						const res = await httpJson('POST', `${stack.base}/webhook/p6-order`, { id: `${tag}-${n}`, price: String(40000 + n) }, {}, 180_000);
						const body = res.json as Json | undefined;
						if (res.status !== 200 || !body || body.error || !body.orderId) errors.push(`${res.status} ${res.text.slice(0, 160)}`);
					}
				}),
			);
			const wallMs = hrtimeMs(start);
			const requests = sandbox.control.requests().slice(seen);
			const placed = (sandbox.control.getState().orders as Json[]).filter((o) => String(o.orderLinkId).startsWith(`${tag}-`)).length;
			return {
				wallMs,
				placed,
				answered10006: requests.filter((r) => r.retCode === 10006).length,
				surfaced: errors.filter((e) => e.includes('10006')).length,
				errors,
				maxPer5s: busiestWindow(requests.map((r) => r.time), 5000),
			};
		};
		const floorMs = (Math.ceil(ORDERS / QUOTA_PER_S) - 1) * 1000;
		const figure = (id: string, workers: number, r: RunResult): Figure => {
			const ratio = r.wallMs / floorMs;
			return {
				id,
				name: `${ORDERS} orders on one key through the webhook, ${workers} workers`,
				value: `${ratio.toFixed(2)}x floor`,
				target: '<= 1.20x, 0 x 10006 errors, <= 600 req/5 s',
				met: ratio <= 1.2 && r.surfaced === 0 && r.errors.length === 0 && r.placed === ORDERS && r.maxPer5s <= 600,
				note: `${(r.wallMs / 1000).toFixed(1)} s (floor ${floorMs / 1000} s), ${r.placed}/${ORDERS} placed, ${r.answered10006} x 10006 answered, ${r.surfaced} surfaced, ${r.errors.length} errors${r.errors.length ? ` (first: ${r.errors[0]})` : ''}, max ${r.maxPer5s} requests in 5 s`,
			};
		};
		figures.push(figure('P6a', 2, await flow('p6w2')));
		// the sandbox keeps at most 500 open orders, as Bybit does: clear the first run's limit orders
		const cleared = await bybitRest(sandbox as never, 'POST', '/v5/order/cancel-all', { category: 'linear', symbol: 'BTCUSDT' });
		if (cleared.retCode !== 0) throw new Error(`cancel-all between the runs: ${JSON.stringify(cleared)}`);
		// what a user does when scaling to 4 workers: the credential says 4 processes share the key
		const file = path.join(dir, 'p6-credential.json');
		fs.writeFileSync(file, JSON.stringify([credential(4)]), { mode: 0o600 });
		const imported = await runtime.runN8n(['import:credentials', `--input=${file}`], stack.mainEnv, { timeoutMs: 120_000 });
		if (imported.code !== 0) throw new Error(`import:credentials failed: ${imported.stderr.slice(-500)}`);
		await stack.addWorkers(2);
		figures.push(figure('P6b', 4, await flow('p6w4')));
	} finally {
		await stack.stop();
		await sandbox.close();
		fs.rmSync(dir, { recursive: true, force: true });
	}
	return figures;
}
