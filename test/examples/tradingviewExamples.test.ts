/**
 * The two TradingView example workflows (examples/*.json) with alerts filled
 * the way TradingView fills them (test/harness/tradingView.ts): the README's
 * template, ISO {{timenow}}, tickers with an exchange prefix and ".P", numbers
 * as text, delivered as application/json (the Webhook node's body is the
 * object) or as text/plain (the body is the text). The workflows' own
 * expressions are evaluated by n8n-workflow, and their Bybit nodes run in
 * n8n's execution engine against the sandbox. The real n8n runs them behind
 * their production webhooks in test/e2e.
 */
import fc from 'fast-check';
import * as fs from 'fs';
import * as path from 'path';
import { Workflow, type IDataObject, type INodeExecutionData, type INodeParameters, type INodeTypes } from 'n8n-workflow';

import { resetRateLimiter } from '../../nodes/Bybit/transport/rateLimiter';
import { clearInstrumentCache } from '../../nodes/Bybit/trading/instruments';
import { clearPositionModeCache } from '../../nodes/Bybit/actions/positionIdx';
import { orderLinkIdFromAlert, parseAlert } from '../../nodes/Bybit/trading/signal';
import { sandboxCredentials } from '../harness/execute';
import { runInN8n } from '../harness/n8nCore';
import { contentTypeOf, fillPlaceholders, readmeAlertTemplate, tvFills, tvTime, type TvFill } from '../harness/tradingView';
import { startSandbox, type Sandbox } from '../sandbox';

interface ExampleNode {
	name: string;
	type: string;
	parameters: INodeParameters;
}
const example = (file: string) => JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'examples', file), 'utf8')) as { nodes: ExampleNode[] };
const nodeOf = (file: string, type: string) => example(file).nodes.find((n) => n.type === type)!;

const ALERT_FILE = 'tradingview-alert-to-order.json';
const SIGNAL_FILE = 'tradingview-strategy-signal.json';
const template = readmeAlertTemplate();

/** n8n's expression engine, on one item. */
const nodeTypes = { getByName: () => ({ description: { properties: [] } }), getByNameAndVersion: () => ({ description: { properties: [] } }), getKnownTypes: () => ({}) } as unknown as INodeTypes;
const exprWorkflow = new Workflow({ id: 'expr', nodes: [{ id: '1', name: 'N', type: 'x', typeVersion: 1, position: [0, 0], parameters: {} }], connections: {}, active: false, nodeTypes });
function evaluate(expression: unknown, json: IDataObject): unknown {
	const items: INodeExecutionData[] = [{ json }];
	return exprWorkflow.expression.getParameterValue(expression as string, null, 0, 0, 'N', items, 'manual', {});
}

/** What the Webhook node hands on: the parsed object for application/json, the text for text/plain. */
function webhookBody(message: string, contentType: 'application/json' | 'text/plain'): unknown {
	return contentType === 'application/json' ? JSON.parse(message) : message;
}

/** The example's "Read alert" step (an Edit Fields node): its one assignment, evaluated. */
function readAlert(body: unknown): IDataObject {
	const set = nodeOf(ALERT_FILE, 'n8n-nodes-base.set');
	const assignment = (set.parameters.assignments as { assignments: Array<{ name: string; value: string }> }).assignments.find((a) => a.name === 'alert')!;
	return evaluate(assignment.value, { body: body as IDataObject }) as IDataObject;
}

const placeOrder = () => nodeOf(ALERT_FILE, 'n8n-nodes-bybit.bybit').parameters;
/** The secret the README's alert template sends: the placeholder both examples require out of the box. */
const templateSecret = () => (JSON.parse(template) as { secret: string }).secret;
const connections = (file: string) => (JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'examples', file), 'utf8')) as { connections: Record<string, { main: Array<Array<{ node: string }>> }> }).connections;
const locatorValue = (p: INodeParameters) => (p.symbol as { value: string }).value;

describe('examples/tradingview-alert-to-order.json: its expressions on alerts TradingView sends', () => {
	it('symbol, side, size and orderLinkId from the README template, as JSON or as text; the orderLinkId is the one Create From Signal derives', () => {
		const p = placeOrder();
		fc.assert(
			fc.property(tvFills(), fc.constantFrom<'application/json' | 'text/plain'>('application/json', 'text/plain'), (fill, contentType) => {
				const message = fillPlaceholders(template, fill.values);
				const alert = readAlert(webhookBody(message, contentType));
				expect(evaluate(locatorValue(p), { alert })).toBe(fill.symbol);
				expect(evaluate(p.side, { alert })).toBe(fill.side);
				expect(evaluate(p.qtyType, { alert })).toBe('base');
				expect(evaluate(p.qty, { alert })).toBe(fill.values['strategy.order.contracts']);
				const linkId = evaluate(p.orderLinkId, { alert }) as string;
				expect(linkId).toMatch(/^[A-Za-z0-9_-]{1,36}$/);
				expect(linkId).toBe(orderLinkIdFromAlert(parseAlert(message)));
			}),
			{ numRuns: 300 },
		);
	});

	it('an alert without an id still gets a valid, deterministic orderLinkId; "usdt" sizes as a quote amount', () => {
		const p = placeOrder();
		const alert = { action: 'sell', ticker: 'BYBIT:ETHUSDT.P', usdt: '100', time: '2026-11-30T13:49:50Z' };
		const linkId = evaluate(p.orderLinkId, { alert }) as string;
		expect(linkId).toMatch(/^tv-[A-Za-z0-9]{1,13}-[0-9a-f]{16}$/);
		expect(evaluate(p.orderLinkId, { alert: { ...alert } })).toBe(linkId);
		expect(evaluate(p.orderLinkId, { alert: { ...alert, time: '2026-11-30T13:49:51Z' } })).not.toBe(linkId);
		expect([evaluate(p.qtyType, { alert }), evaluate(p.qty, { alert }), evaluate(p.side, { alert })]).toEqual(['quote', '100', 'Sell']);
	});
});

describe('both TradingView examples refuse an alert without the secret the README template sends', () => {
	it('the template carries a placeholder secret, and it is the one both examples require', () => {
		expect(templateSecret()).toBe('change-me');
		expect(nodeOf(SIGNAL_FILE, 'n8n-nodes-bybit.bybit').parameters.alertSecret).toBe(templateSecret());
	});

	it('alert to order: "Secret matches?" compares the alert\'s secret with it; only its true output reaches Place order, the false one answers 401', () => {
		const gate = nodeOf(ALERT_FILE, 'n8n-nodes-base.if');
		const { conditions, combinator } = gate.parameters.conditions as { conditions: Array<{ leftValue: string; rightValue: string; operator: { type: string; operation: string } }>; combinator: string };
		expect(combinator).toBe('and');
		expect(conditions).toHaveLength(1);
		expect(conditions[0].operator).toEqual({ type: 'string', operation: 'equals' });
		expect(conditions[0].rightValue).toBe(templateSecret());
		const secretOf = (alert: IDataObject) => evaluate(conditions[0].leftValue, { alert });
		expect(secretOf({ secret: templateSecret(), id: 'x' })).toBe(templateSecret());
		expect(secretOf({ id: 'x' })).toBe('');
		expect(secretOf({ secret: 'wrong', id: 'x' })).toBe('wrong');
		// the alert as the Webhook node hands it on, JSON or text, reaches the gate with its secret
		for (const contentType of ['application/json', 'text/plain'] as const) {
			expect(secretOf(readAlert(webhookBody(fillPlaceholders(template, {}), contentType)))).toBe(templateSecret());
		}
		const c = connections(ALERT_FILE);
		expect(c['Read alert'].main).toEqual([[expect.objectContaining({ node: gate.name })]]);
		expect(c[gate.name].main[0]).toEqual([expect.objectContaining({ node: 'Place order' })]);
		const refuse = example(ALERT_FILE).nodes.find((n) => n.name === c[gate.name].main[1][0].node)!;
		expect(refuse.type).toBe('n8n-nodes-base.respondToWebhook');
		expect((refuse.parameters.options as IDataObject).responseCode).toBe(401);
		// nothing else leads to Place order
		const into = Object.entries(c).filter(([, out]) => out.main.flat().some((t) => t.node === 'Place order')).map(([from]) => from);
		expect(into).toEqual([gate.name]);
	});
});

describe('the TradingView examples in n8n\'s engine against the sandbox', () => {
	let sandbox: Sandbox;
	beforeEach(async () => {
		resetRateLimiter();
		clearInstrumentCache();
		clearPositionModeCache();
		sandbox = await startSandbox({ port: 0, rateLimits: false });
	});
	afterEach(async () => await sandbox.close());
	const creds = () => sandboxCredentials(sandbox.restUrl, sandbox.control.defaultKey.apiKey, sandbox.control.defaultKey.secret);
	const accepted = () =>
		sandbox.control
			.requests()
			.filter((r) => r.path === '/v5/order/create' && r.retCode === 0)
			.map((r) => JSON.parse(r.body) as IDataObject);
	/** Realistic alerts, fresh ({{timenow}} now) and sized on each symbol's step. */
	const QTY: Record<string, string> = { BTCUSDT: '0.002', ETHUSDT: '0.05', SOLUSDT: '1.5' };
	const fills = (seed: number) => fc.sample(tvFills(), { numRuns: 4, seed }).map((f, k): TvFill => ({ ...f, values: { ...f.values, 'strategy.order.contracts': QTY[f.symbol], timenow: tvTime(Date.now() - k * 1000) } }));

	async function run(parameters: INodeParameters, json: IDataObject) {
		const out = await runInN8n(creds(), parameters, { items: [json] });
		if (out.error) throw out.error;
		return out.output![0].json;
	}

	it('alert to order: each alert is one order with its symbol, side and qty, JSON or text; the same alert twice is still one', async () => {
		const sent: TvFill[] = fills(13);
		for (const fill of sent) {
			const message = fillPlaceholders(template, fill.values);
			const first = await run(placeOrder(), { alert: readAlert(webhookBody(message, 'application/json')) });
			const again = await run(placeOrder(), { alert: readAlert(webhookBody(message, 'text/plain')) });
			expect(again.orderId).toBe(first.orderId);
			const mine = accepted().filter((o) => o.orderLinkId === first.orderLinkId);
			expect(mine).toEqual([expect.objectContaining({ category: 'linear', symbol: fill.symbol, side: fill.side, orderType: 'Market', qty: QTY[fill.symbol] })]);
		}
		expect(accepted()).toHaveLength(sent.length);
	});

	it('strategy signal: the README template, JSON or text, trades once per alert', async () => {
		const params = nodeOf(SIGNAL_FILE, 'n8n-nodes-bybit.bybit').parameters;
		const fill = fills(7)[1];
		fill.values['strategy.market_position'] = fill.side === 'Buy' ? 'long' : 'short';
		fill.values['strategy.prev_market_position'] = 'flat';
		const message = fillPlaceholders(template, fill.values);
		expect(contentTypeOf(message)).toBe('application/json');
		const first = await run(params, { body: JSON.parse(message) });
		const again = await run(params, { body: message });
		expect(first).toMatchObject({ intent: 'open', symbol: fill.symbol, orderLinkId: orderLinkIdFromAlert(parseAlert(message)) });
		expect(again.orderLinkId).toBe(first.orderLinkId);
		expect(accepted()).toEqual([expect.objectContaining({ symbol: fill.symbol, side: fill.side, qty: fill.values['strategy.order.contracts'], orderLinkId: first.orderLinkId })]);
	});

	it('strategy signal: an alert without the secret, or with a wrong one, places nothing and sends nothing', async () => {
		const params = nodeOf(SIGNAL_FILE, 'n8n-nodes-bybit.bybit').parameters;
		const fill = fills(11)[0];
		fill.values['strategy.market_position'] = fill.side === 'Buy' ? 'long' : 'short';
		fill.values['strategy.prev_market_position'] = 'flat';
		const alert = JSON.parse(fillPlaceholders(template, fill.values)) as IDataObject;
		const { secret: _secret, ...withoutSecret } = alert;
		for (const body of [withoutSecret, { ...alert, secret: 'wrong' }, { ...alert, secret: '' }, JSON.stringify({ ...alert, secret: 'Change-Me' })]) {
			const out = await runInN8n(creds(), params, { items: [{ body }] });
			expect(out.error?.message).toMatch(/secret does not match/);
		}
		expect(sandbox.control.requests().filter((r) => r.path.startsWith('/v5/order/'))).toEqual([]);
		// the same alert with the secret trades
		await run(params, { body: alert });
		expect(accepted()).toHaveLength(1);
	});
});
