/**
 * The Bybit node as an AI agent's tool, in a REAL n8n 2.41.1 (and 1.123.x under N8N_VERSION; n8nLine.ts), with @n8n/n8n-nodes-langchain:
 * AI Agent + n8n's OpenAI Chat Model (pointed at a scripted stand-in model, agentModel.ts) + two
 * Bybit tools (agentWorkflow.ts) on a credential capped by Max Order Notional, one `n8n execute`.
 *
 * The stand-in plays a model: it reads the tool schema n8n sends, calls the ticker tool, then asks
 * for an order with the side in lower case, then (refused) one worth twice the cap, then (refused)
 * one worth half the cap, then answers. Checked: (a) the tool schema the model gets, (b) the read
 * returns sandbox data to the model, (c) the bad side and the over-cap order are refused with the
 * field or limit named and never reach the wire; the good order is sent once.
 *
 * Set BYBIT_SKIP_E2E=1 to skip. Needs `npm run build` (dist/) and the cached runtime (scripts/runtime.js).
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

import { ALL_SPECS } from '../../nodes/Bybit/actions/index';
import * as runtime from '../../scripts/runtime';
import { startStandInModel, textOf, type ChatRequest, type Exchange, type Reply, type StandInModel } from './agentModel';
import { AGENT_PROMPT, AGENT_WF_ID, agentWorkflow, CAPPED_CRED_ID, FROM_AI, MAX_NOTIONAL, MODEL_CRED_ID, ORDER_TOOL, TICKER_TOOL } from './agentWorkflow';
import { REAL_N8N } from './n8nLine';
import { freePort, HAS_ACTION, REPO, sandboxCredentialData, sandboxOrders, startSandbox, type Json, type Sandbox } from './support';

const SKIP = Boolean(process.env.BYBIT_SKIP_E2E) || !HAS_ACTION;
const describeE2E = SKIP ? describe.skip : describe;

const toolName = (nodeName: string) => nodeName.replace(/[^a-zA-Z0-9_-]+/g, '_');
const TICKER = toolName(TICKER_TOOL);
const ORDER = toolName(ORDER_TOOL);
const QTY_STEP = 0.001; // BTCUSDT linear in the sandbox

/** The model's side of the conversation: one step per tool result received so far. */
function script(request: ChatRequest): Reply {
	const names = (request.tools ?? []).map((t) => t.function.name);
	for (const n of [TICKER, ORDER]) if (!names.includes(n)) throw new Error(`no tool named ${n} (got ${names.join(', ')})`);
	const results = request.messages.filter((m) => m.role === 'tool').map(textOf);
	const price = () => {
		const m = /"lastPrice":"([\d.]+)"/.exec(results[0] ?? '');
		if (!m) throw new Error(`no lastPrice in the ticker tool result: ${results[0]?.slice(0, 300)}`);
		return Number(m[1]);
	};
	const steps = (usdt: number, round: (x: number) => number) => (round(usdt / price() / QTY_STEP) * QTY_STEP).toFixed(3);
	switch (results.length) {
		case 0:
			return { toolCall: { name: TICKER, args: { symbol: 'BTCUSDT' } } };
		case 1: // as models often do: the side in lower case
			return { toolCall: { name: ORDER, args: { symbol: 'BTCUSDT', side: 'buy', qty: steps(MAX_NOTIONAL / 2, Math.floor) } } };
		case 2:
			return { toolCall: { name: ORDER, args: { symbol: 'BTCUSDT', side: 'Buy', qty: steps(2 * MAX_NOTIONAL, Math.ceil) } } };
		case 3:
			return { toolCall: { name: ORDER, args: { symbol: 'BTCUSDT', side: 'Buy', qty: steps(MAX_NOTIONAL / 2, Math.floor) } } };
		default:
			return { text: `Done. ${results[results.length - 1].slice(0, 200)}` };
	}
}

describeE2E(`${REAL_N8N}: the Bybit node as an AI Agent tool`, () => {
	let sandbox: Sandbox;
	let model: StandInModel;
	let userFolder: string;
	let run: { status: string; data: { resultData: { runData: Record<string, Array<Json>>; error?: Json } } };
	let secrets: string[] = [];
	let stdout = '';
	const redact = (s: string) => secrets.reduce((acc, sec) => (sec ? acc.split(sec).join('***') : acc), s);
	const creates = () => sandbox.control.requests().filter((r) => r.path === '/v5/order/create');
	const exchange = (i: number): Exchange => {
		const e = model.exchanges[i];
		if (!e) throw new Error(`the model got ${model.exchanges.length} requests, not ${i + 1}:\n${redact(stdout).slice(-3000)}`);
		return e;
	};
	/** the tool result (role "tool") the model received in request i, by tool call order */
	const toolResults = (i: number) => exchange(i).request.messages.filter((m) => m.role === 'tool').map(textOf);

	beforeAll(async () => {
		const t0 = Date.now();
		await runtime.ensureRuntime();
		sandbox = await startSandbox();
		model = await startStandInModel(script, () => creates().length);
		secrets = [sandbox.control.defaultKey.secret];
		userFolder = fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-bybit-agent-'));
		runtime.installPackage(userFolder, REPO);
		const env = runtime.n8nEnv(userFolder, await freePort(), { N8N_RUNNERS_BROKER_PORT: String(await freePort()) });
		const n8n = async (args: string[]) => {
			const r = await runtime.runN8n(args, env, { timeoutMs: 180_000 });
			if (r.code !== 0) throw new Error(`n8n ${args[0]} exited with ${r.code}:\n${redact(`${r.stdout}\n${r.stderr}`).split('\n').slice(-40).join('\n')}`);
			return r;
		};
		const credFile = path.join(userFolder, 'credentials.json');
		fs.writeFileSync(
			credFile,
			JSON.stringify([
				{ id: CAPPED_CRED_ID, name: 'Bybit sandbox (agent, capped)', type: 'bybitApi', data: sandboxCredentialData(sandbox, { maxOrderNotional: MAX_NOTIONAL }) },
				{ id: MODEL_CRED_ID, name: 'Stand-in model', type: 'openAiApi', data: { apiKey: 'sk-stand-in-not-a-key', url: model.baseUrl } },
			]),
			{ mode: 0o600 },
		);
		const wfFile = path.join(userFolder, 'agent.json');
		fs.writeFileSync(wfFile, JSON.stringify(agentWorkflow()));
		try {
			await n8n(['import:credentials', `--input=${credFile}`]);
			await n8n(['import:workflow', `--input=${wfFile}`]);
		} finally {
			fs.rmSync(credFile, { force: true });
		}
		const tExec = Date.now();
		const r = await n8n(['execute', `--id=${AGENT_WF_ID}`, '--rawOutput']);
		const execS = Math.round((Date.now() - tExec) / 1000);
		stdout = r.stdout;
		run = runtime.parseExecuteOutput(r.stdout) as typeof run;
		// eslint-disable-next-line no-console
		console.log(`[e2e agent] set up and ran the agent (${model.exchanges.length} model calls) in ${Math.round((Date.now() - t0) / 1000)} s (n8n execute: ${execS} s)`);
	}, 10 * 60_000);

	afterAll(async () => {
		await model?.close();
		await sandbox?.close();
		if (userFolder && !process.env.BYBIT_E2E_KEEP) fs.rmSync(userFolder, { recursive: true, force: true });
	}, 60_000);

	test('the execution succeeds, the model got five calls and nothing else, and no secret is in the output', () => {
		expect(run.status).toBe('success');
		expect(model.unexpected).toEqual([]);
		expect(model.exchanges.map((e) => ('toolCall' in e.reply ? e.reply.toolCall.name : 'text'))).toEqual([TICKER, ORDER, ORDER, ORDER, 'text']);
		expect(redact(stdout)).toBe(stdout);
		// what the model is sent (tool results included) holds neither the key nor the secret
		expect(JSON.stringify(model.exchanges)).not.toContain(sandbox.control.defaultKey.secret);
		expect(JSON.stringify(model.exchanges)).not.toContain(sandbox.control.defaultKey.apiKey);
		const agentOut = (run.data.resultData.runData['AI Agent']?.[0] as { data?: { main?: Array<Array<{ json: Json }>> } })?.data?.main?.[0]?.[0]?.json;
		expect(String(agentOut?.output)).toMatch(/^Done\./);
	});

	test('(a) the tool schema n8n sends: two distinct named tools, clear descriptions, every $fromAI parameter typed and described', () => {
		const first = exchange(0).request;
		expect(textOf(first.messages.find((m) => m.role === 'user')!)).toContain(AGENT_PROMPT);
		const tools = first.tools ?? [];
		expect(tools.map((t) => t.function.name).sort()).toEqual([ORDER, TICKER].sort());
		for (const t of tools) expect(t.function.name).toMatch(/^[a-zA-Z0-9_-]{1,64}$/);
		const byName = Object.fromEntries(tools.map((t) => [t.function.name, t.function]));
		// (printed so a reader sees what the model is told)
		// eslint-disable-next-line no-console
		console.log(`[e2e agent] tools as the model sees them:\n${JSON.stringify(tools, null, 1)}`);
		const ticker = byName[TICKER];
		const order = byName[ORDER];
		// Tool Description "Set Automatically": the operation's action (test/nodes/Bybit/toolDescription.test.ts checks all of them)
		const actionOf = (resource: string, operation: string) => ALL_SPECS.find((s) => s.resource === resource && s.operation === operation)!.action;
		expect(ticker.description).toBe(`${actionOf('market', 'getTickers')} in Bybit`);
		expect(order.description).toBe(`${actionOf('order', 'create')} in Bybit`);
		expect(ticker.description).not.toBe(order.description);
		expect(ticker.parameters).toMatchObject({ type: 'object', properties: { symbol: { type: 'string', description: FROM_AI.symbol } }, required: ['symbol'] });
		expect(Object.keys(ticker.parameters?.properties ?? {})).toEqual(['symbol']);
		expect(order.parameters?.properties).toEqual({
			symbol: expect.objectContaining({ type: 'string', description: FROM_AI.symbol }),
			side: expect.objectContaining({ type: 'string', description: FROM_AI.side }),
			qty: expect.objectContaining({ type: 'string', description: FROM_AI.qty }),
		});
		expect([...(order.parameters?.required ?? [])].sort()).toEqual(['qty', 'side', 'symbol']);
	});

	test('(b) the read tool returns the sandbox\'s ticker to the model', () => {
		const [tickerResult] = toolResults(1);
		const ticker = JSON.parse(tickerResult) as Json[];
		expect(ticker).toEqual([expect.objectContaining({ symbol: 'BTCUSDT', lastPrice: expect.stringMatching(/^\d+(\.\d+)?$/) })]);
		const wire = sandbox.control.requests().filter((r) => r.path === '/v5/market/tickers');
		expect(wire.length).toBeGreaterThanOrEqual(1);
		expect(wire[0]).toMatchObject({ method: 'GET', signatureValid: true });
		expect(String(wire[0].query)).toContain('symbol=BTCUSDT');
	});

	const errorOf = (result: string) => {
		const items = JSON.parse(result) as Array<{ error?: string }>;
		expect(items).toHaveLength(1);
		return String(items[0].error);
	};
	const argsOf = (i: number) => (exchange(i).reply as { toolCall: { args: Json } }).toolCall.args;

	test('(c) a side in the wrong case is refused, naming the field and its values, and never sent', () => {
		// request 2 carries the refusal, and the wire had no create when it arrived
		expect(errorOf(toolResults(2)[1])).toBe('"side" must be one of Buy, Sell; got "buy". Choose one of these.');
		expect(exchange(2).note).toBe(0);
	});

	test('(c) an order above Max Order Notional is refused with the limit named and never sent; one within it is placed once', () => {
		// request 3 carries the refusal, and the wire still had no create when it arrived
		expect(errorOf(toolResults(3)[2])).toMatch(new RegExp(`^Order notional [\\d.]+ for ${String(argsOf(2).qty).replace('.', '\\.')} BTCUSDT .*exceeds the credential's maximum of ${MAX_NOTIONAL} per order\\. Reduce the quantity or raise "Max Order Notional" in the credential\\.$`));
		expect(exchange(3).note).toBe(0);
		// request 4 carries the placed order: exactly one create on the wire, for the smaller quantity
		const placedArgs = argsOf(3);
		const wire = creates();
		expect(wire).toHaveLength(1);
		expect(exchange(4).note).toBe(1);
		const body = (typeof wire[0].body === 'string' ? JSON.parse(wire[0].body) : wire[0].body) as Json;
		expect(body).toMatchObject({ category: 'linear', symbol: 'BTCUSDT', side: 'Buy', orderType: 'Market', qty: placedArgs.qty });
		expect(wire[0]).toMatchObject({ signatureValid: true, retCode: 0 });
		const orders = sandboxOrders(sandbox.control.getState()).filter((o) => o.symbol === 'BTCUSDT');
		expect(orders).toHaveLength(1);
		expect(JSON.parse(toolResults(4)[3])).toEqual([expect.objectContaining({ orderId: orders[0].orderId })]);
	});
});
