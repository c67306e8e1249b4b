/**
 * n8n 2.41.1 in QUEUE MODE (scripts/queueStack.js): Redis + Postgres 17, one main, two workers,
 * the package installed in each process's user folder, against the in-process Bybit sandbox.
 *
 * - the seed's calls, as a webhook workflow, run on a worker and leave the sandbox as expected
 * - 20 concurrent deliveries of one TradingView alert to the production webhook: one order
 * - the Bybit Trigger on the main process: each sandbox fill runs once, on a worker
 * - a worker killed (SIGKILL) while its create waits for Bybit's answer: the stack reports it and
 *   restarts the worker; n8n does not re-run the job, and re-sending the same alert makes exactly one order
 *
 * Set BYBIT_SKIP_E2E=1 (or BYBIT_SKIP_QUEUE_E2E=1) to skip it.
 */
import * as fs from 'fs';
import * as http from 'http';
import type * as net from 'net';
import * as os from 'os';
import * as path from 'path';

import { ALERT_SECRET } from './alerts';
import { EXECUTE_CASES } from './cases';
import { CRED_ID, EXAMPLE_CRED_ID, HAS_ACTION, HAS_TRIGGER, httpJson, loadExample, sandboxCredentialData, sandboxOrder, sandboxOrders, startSandbox, waitFor, type Json, type NodeOutputs, type Sandbox, type Workflow } from './support';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { startQueueStack } = require('../../scripts/queueStack') as {
	startQueueStack(options: Json): Promise<QueueStack>;
};

interface N8nProcess {
	label: string;
	output: string;
	child: { pid: number };
}
interface StackEvent {
	type: string;
	label: string;
	pid: number;
	code: number | null;
	signal: string | null;
	message: string;
}
interface QueueStack {
	base: string;
	cookie: string;
	main: N8nProcess;
	workers: N8nProcess[];
	events: StackEvent[];
	executionsByWorker(): Record<string, string[]>;
	waitForWebhooks(paths: string[]): Promise<void>;
	stop(): Promise<void>;
}

const SKIP = Boolean(process.env.BYBIT_SKIP_E2E || process.env.BYBIT_SKIP_QUEUE_E2E) || !HAS_ACTION || !HAS_TRIGGER;
const describeQueue = SKIP ? describe.skip : describe;

/** The workflow with its Manual Trigger replaced by a production webhook that answers when the run ends. */
function asWebhook(wf: Workflow, webhookPath: string): Workflow {
	const trigger = wf.nodes.find((n) => n.type === 'n8n-nodes-base.manualTrigger');
	if (!trigger) throw new Error(`${wf.id}: no manual trigger`);
	Object.assign(trigger, {
		type: 'n8n-nodes-base.webhook',
		typeVersion: 2,
		webhookId: `${webhookPath}-id`,
		parameters: { httpMethod: 'POST', path: webhookPath, responseMode: 'lastNode', responseData: 'allEntries', options: {} },
	});
	return wf;
}

describeQueue('n8n 2.41.1 queue mode: main + 2 workers over Redis and Postgres', () => {
	let sandbox: Sandbox;
	let stack: QueueStack;
	let dir: string;
	let apiKey = '';
	let sink: http.Server | undefined;
	const chat: Json[] = [];
	const seedCase = EXECUTE_CASES[0];
	const SEED_WF = 'e2eQueueSeed';
	const SIGNAL_WF = 'bybitExStrategySignal';
	const FILLS_WF = 'bybitExFillsToChat';

	const publicApi = async (p: string) => {
		const r = await httpJson('GET', `${stack.base}/api/v1${p}`, undefined, { 'X-N8N-API-KEY': apiKey });
		expect(r.status).toBe(200);
		return r.json;
	};
	const finished = (e: Json) => !['new', 'running', 'waiting'].includes(String(e.status));
	const workerOf = (executionId: string) => Object.entries(stack.executionsByWorker()).find(([, ids]) => ids.includes(executionId))?.[0];

	beforeAll(async () => {
		sandbox = await startSandbox();
		sink = http.createServer((req, res) => {
			let text = '';
			req.on('data', (d) => (text += d));
			req.on('end', () => {
				chat.push(JSON.parse(text || '{}') as Json);
				res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
			});
		});
		await new Promise<void>((r) => sink!.listen(0, '127.0.0.1', () => r()));
		const fills = loadExample('fills-to-chat.json');
		fills.nodes.find((n) => n.type === 'n8n-nodes-base.httpRequest')!.parameters.url = `http://127.0.0.1:${(sink.address() as net.AddressInfo).port}/chat`;
		const seed = asWebhook({ ...seedCase.workflow(), id: SEED_WF, name: 'e2e queue seed' }, 'queue-seed');
		const credData = sandboxCredentialData(sandbox);
		dir = fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-bybit-queue-'));
		stack = await startQueueStack({
			dir,
			workers: 2,
			credentials: [
				{ id: CRED_ID, name: 'Bybit sandbox (e2e)', type: 'bybitApi', data: credData },
				{ id: EXAMPLE_CRED_ID, name: 'Bybit sandbox (demo)', type: 'bybitApi', data: credData },
			],
			workflows: [seed, loadExample('tradingview-strategy-signal.json'), fills],
			publish: [SEED_WF, SIGNAL_WF, FILLS_WF],
			owner: { email: 'queue@n8n-nodes-bybit.local', firstName: 'Queue', lastName: 'Owner', password: 'Queue-owner-password-1' },
			report: (message: string) => console.log(`[queue] ${message}`), // eslint-disable-line no-console
		});
		await stack.waitForWebhooks(['queue-seed', 'bybit-signal']);
		const key = await httpJson('POST', `${stack.base}/rest/api-keys`, { label: 'queue', expiresAt: null, scopes: ['execution:read', 'execution:list', 'workflow:read', 'workflow:list'] }, { cookie: stack.cookie });
		expect(key.status).toBe(200);
		apiKey = key.json.data.rawApiKey;
	}, 10 * 60_000);

	afterAll(async () => {
		await stack?.stop();
		await sandbox?.close();
		if (sink) await new Promise((r) => sink!.close(() => r(undefined)));
		if (dir && !process.env.BYBIT_E2E_KEEP) fs.rmSync(dir, { recursive: true, force: true });
	}, 120_000);

	test("the seed's calls run on a worker and leave the sandbox as the single-process run does", async () => {
		const seen = sandbox.control.requests().length;
		const res = await httpJson('POST', `${stack.base}/webhook/queue-seed`, {});
		expect(res.status).toBe(200);
		const list = (await publicApi(`/executions?workflowId=${SEED_WF}&limit=5`)).data as Json[];
		expect(list).toHaveLength(1);
		const exec = await waitFor('the seed execution to finish', async () => {
			const e = (await publicApi(`/executions/${list[0].id}?includeData=true`)) as Json;
			return finished(e) ? e : undefined;
		});
		expect(exec.status).toBe('success');
		expect(workerOf(String(exec.id))).toMatch(/^worker-/);
		const runData = ((exec.data as Json).resultData as Json).runData as Record<string, Array<{ data?: { main?: Array<Array<{ json: Json }>> } }>>;
		const out: NodeOutputs = {};
		for (const [name, runs] of Object.entries(runData)) out[name] = (runs[0]?.data?.main?.[0] ?? []).map((i) => i.json);
		await seedCase.check(out, { sandbox, requests: sandbox.control.requests().slice(seen) });
	}, 120_000);

	test('20 concurrent deliveries of one TradingView alert to the production webhook make one order', async () => {
		const id = `q-${Date.now()}`;
		const alert = { secret: ALERT_SECRET, id, ticker: 'BYBIT:ETHUSDT.P', action: 'buy', contracts: '0.1', market_position: 'long', prev_market_position: 'flat', time: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z') };
		const answers = await Promise.all(Array.from({ length: 20 }, () => httpJson('POST', `${stack.base}/webhook/bybit-signal`, alert)));
		expect(answers.map((a) => a.status)).toEqual(Array(20).fill(200));
		const mine = sandboxOrders(sandbox.control.getState()).filter((o) => String(o.orderLinkId).startsWith(`tv-${id}`));
		expect(mine).toHaveLength(1);
		expect(mine[0]).toMatchObject({ symbol: 'ETHUSDT', side: 'Buy' });
		expect(Number(mine[0].qty)).toBe(0.1);
		const creates = sandbox.control.requests().filter((r) => r.path === '/v5/order/create' && JSON.stringify(r.body ?? '').includes(id));
		expect(creates.length).toBeGreaterThanOrEqual(1);
		const executions = ((await publicApi(`/executions?workflowId=${SIGNAL_WF}&limit=50`)).data as Json[]).filter(finished);
		const ran = new Set(executions.map((e) => workerOf(String(e.id))));
		expect([...ran].every((w) => w && w.startsWith('worker-'))).toBe(true);
		// eslint-disable-next-line no-console
		console.log(`[queue] 20 deliveries -> ${mine.length} order, ${creates.length} create request(s); executions per worker: ${JSON.stringify(Object.fromEntries(Object.entries(stack.executionsByWorker()).map(([w, ids]) => [w, ids.length])))}`);
	}, 120_000);

	test('the trigger on the main process: each sandbox fill runs once, on a worker', async () => {
		const ids: string[] = [];
		for (let i = 0; i < 5; i++) {
			const order = { category: 'linear', symbol: 'BTCUSDT', side: i % 2 ? 'Sell' : 'Buy', orderType: 'Market', qty: '0.001', orderLinkId: `q-fill-${Date.now()}-${i}` };
			const res = await sandboxOrder(sandbox, order);
			ids.push(String((res.result as Json).orderId));
		}
		const executions = await waitFor('one finished execution per fill', async () => {
			const list = ((await publicApi(`/executions?workflowId=${FILLS_WF}&includeData=true&limit=100`)).data as Json[]).filter(finished);
			return ids.every((id) => list.some((e) => JSON.stringify(e).includes(id))) ? list : undefined;
		}, 60_000);
		for (const id of ids) expect(executions.filter((e) => JSON.stringify(e).includes(id))).toHaveLength(1);
		for (const e of executions) {
			expect(e.status).toBe('success');
			expect(workerOf(String(e.id))).toMatch(/^worker-/);
		}
		expect(stack.main.output).not.toContain('Worker started execution');
	}, 120_000);

	test('a worker killed while its create waits for Bybit: reported and restarted; the same alert re-sent within Max Alert Age makes exactly one order', async () => {
		const id = `q-crash-${Date.now()}`;
		const alert = { secret: ALERT_SECRET, id, ticker: 'BYBIT:SOLUSDT.P', action: 'buy', contracts: '1', market_position: 'long', prev_market_position: 'flat', time: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z') };
		const mine = () => sandboxOrders(sandbox.control.getState()).filter((o) => String(o.orderLinkId).startsWith(`tv-${id}`));
		const creates = () => sandbox.control.requests().filter((r) => r.path === '/v5/order/create' && String(r.body ?? '').includes(id));
		const control = sandbox.control as unknown as { delayNext(n: number, ms: number, prefix: string): void; pausePushes(): void; resumePushes(): void };
		// The order's fill would start a fills-to-chat execution at the same moment, maybe on the other worker:
		// the sandbox holds its pushes until the worker running the alert is known.
		control.pausePushes();
		const before = stack.executionsByWorker();
		// Bybit makes the order at once and its answer is held: the worker is killed while it waits.
		control.delayNext(1, 90_000, '/v5/order/create');
		const first = httpJson('POST', `${stack.base}/webhook/bybit-signal`, alert, {}, 150_000).then(
			(r) => r.status,
			(e: Error) => e.message,
		);
		await waitFor('the create on the sandbox (the order exists, its answer held)', () => mine().length === 1, 30_000, 100);
		let worker: N8nProcess;
		try {
			const started = await waitFor('the worker running the execution', () => {
				const now = stack.executionsByWorker();
				const busy = stack.workers.filter((w) => now[w.label].length > (before[w.label] ?? []).length);
				return busy.length ? busy : undefined;
			}, 10_000, 100);
			expect(started).toHaveLength(1); // the alert's execution, nothing else
			worker = started[0];
		} finally {
			control.resumePushes();
		}
		const pid = worker.child.pid;
		process.kill(pid, 'SIGKILL');
		const killedAt = Date.now();
		const died = await waitFor('the stack to report the dead worker', () => stack.events.find((e) => e.type === 'died' && e.pid === pid), 10_000, 100);
		expect(died).toMatchObject({ label: worker.label, signal: 'SIGKILL' });
		expect(died.message).toContain(`${worker.label} (pid ${pid}) died: killed by SIGKILL`);

		// What the README tells the user to do: re-send the same alert (same id, same time) within Max Alert Age.
		const again = await httpJson('POST', `${stack.base}/webhook/bybit-signal`, alert, {}, 60_000);
		expect(again.status).toBe(200);
		expect(again.json).toMatchObject({ ok: true, intent: 'open', symbol: 'SOLUSDT' });
		expect(mine()).toHaveLength(1);
		expect(creates().filter((r) => r.retCode === 0)).toHaveLength(1); // the killed worker's; the re-send's create was refused as a duplicate
		expect(creates().length).toBeGreaterThanOrEqual(2);
		expect(mine()[0]).toMatchObject({ symbol: 'SOLUSDT', side: 'Buy', orderLinkId: again.json.orderLinkId });

		const restarted = await waitFor('the worker restarted', () => stack.events.find((e) => e.type === 'restarted' && e.label === worker.label), 180_000, 500);
		expect(restarted.pid).not.toBe(pid);
		expect(worker.child.pid).toBe(restarted.pid);
		// n8n does not re-run the job (Bull's stalled count is 0): the first caller gets a 500, about 100 s after the kill.
		const firstStatus = await first;
		const waited = Math.round((Date.now() - killedAt) / 1000);
		expect(firstStatus).toBe(500);
		expect(mine()).toHaveLength(1);
		// eslint-disable-next-line no-console
		console.log(`[queue] killed ${worker.label} (pid ${pid}) mid-order; re-sent alert answered ${again.status}; ${mine().length} order, ${creates().length} create request(s) (${creates().filter((r) => r.retCode === 0).length} accepted); restarted as pid ${restarted.pid}; the first caller got ${firstStatus} ${waited} s after the kill`);
	}, 360_000);
});
