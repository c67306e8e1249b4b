import type { ICredentialDataDecryptedObject, IDataObject, IExecuteFunctions, NodeExecutionHint } from 'n8n-workflow';

import { Bybit } from '../../../../nodes/Bybit/Bybit.node';
import fc from 'fast-check';

import { executionHints, realFunds, takeRunNotes } from '../../../../nodes/Bybit/actions/hints';
import { noteRounding } from '../../../../nodes/Bybit/actions/orderSizing';
import * as D from '../../../../nodes/Bybit/trading/decimalMath';
import { roundQty, type InstrumentFilters, type RoundTrace } from '../../../../nodes/Bybit/trading/sizing';
import { bybitApiRequestAllItems } from '../../../../nodes/Bybit/transport';
import { transportContext } from '../../../harness/loopback';
import { executeContext, rl } from '../../../harness/execute';
import { useTradingSandbox } from '../../../harness/tradingSandbox';
import type { Sandbox } from '../../../sandbox';

let sandbox: Sandbox;
let creds: ICredentialDataDecryptedObject;
useTradingSandbox((s, c) => {
	sandbox = s;
	creds = c;
});

const create = (extra: Record<string, unknown>) => ({ resource: 'order', operation: 'create', category: 'linear', symbol: rl('BTCUSDT'), side: 'Buy', orderType: 'Market', positionIdx: 'auto', qty: '0.01', ...extra });

/** Runs the node as n8n would in `mode`, collecting the execution hints it adds. */
async function run(params: Record<string, unknown>, mode: string, items: IDataObject[] = [{}]) {
	const hints: NodeExecutionHint[] = [];
	const ctx = Object.assign(executeContext(creds, params, { items }), { getMode: () => mode, addExecutionHints: (...h: NodeExecutionHint[]) => hints.push(...h) }) as unknown as IExecuteFunctions;
	const [out] = await new Bybit().execute.call(ctx);
	return { out, hints };
}

describe('execution hints', () => {
	it('a dry run says that nothing was sent, and nothing was', async () => {
		const before = sandbox.control.requests().filter((r) => r.path === '/v5/order/create').length;
		const { out, hints } = await run(create({ options: { dryRun: true } }), 'manual', [{}, {}]);
		expect(out.every((o) => o.json.dryRun === true)).toBe(true);
		expect(sandbox.control.requests().filter((r) => r.path === '/v5/order/create')).toHaveLength(before);
		expect(hints).toEqual([expect.objectContaining({ type: 'info', message: expect.stringMatching(/^Dry run: nothing was sent to Bybit \(2 of 2 items/) })]);
	});

	it('a real order on a sandbox (custom) credential from the editor: no hint', async () => {
		const { out, hints } = await run(create({}), 'manual');
		expect(out[0].json.orderId).toBeTruthy();
		expect(hints).toEqual([]);
	});

	it('a read-only operation never warns, whatever the environment', () => {
		expect(executionHints({ rows: [{ a: 1 }], write: false, mode: 'manual', environment: 'mainnet' })).toEqual([]);
	});

	it('a write from a manual run warns on every real-funds environment, and only there', () => {
		for (const env of ['mainnet', 'mainnetBytick', 'netherlands', 'eea', 'japan']) {
			expect(realFunds(env)).toBe(true);
			const [hint] = executionHints({ rows: [{ orderId: 'x' }], write: true, mode: 'manual', environment: env });
			expect(hint).toMatchObject({ type: 'warning', message: expect.stringContaining('changed your real Bybit account') });
		}
		for (const env of ['testnet', 'demo', 'custom']) {
			expect(executionHints({ rows: [{ orderId: 'x' }], write: true, mode: 'manual', environment: env })).toEqual([]);
		}
		// production runs (trigger, webhook) and dry runs do not warn
		expect(executionHints({ rows: [{ orderId: 'x' }], write: true, mode: 'trigger', environment: 'mainnet' })).toEqual([]);
		expect(executionHints({ rows: [{ dryRun: true }], write: true, mode: 'manual', environment: 'mainnet' }).map((h) => h.type)).toEqual(['info']);
	});
});

describe('execution hints: Return All hit its cap', () => {
	const funding = (extra: Record<string, unknown>) => ({ resource: 'market', operation: 'getFundingRateHistory', category: 'linear', symbol: rl('BTCUSDT'), ...extra });

	it('Return All on an endpoint without pages that answers its maximum (200 funding rates) says so', async () => {
		const { out, hints } = await run(funding({ returnAll: true }), 'trigger');
		expect(out).toHaveLength(200);
		expect(hints).toEqual([
			{
				type: 'warning',
				location: 'outputPane',
				message:
					'Return All hit its cap (item 1): the output stops at 200 rows, all Bybit returns in one request for Get Funding Rate History (it has no further pages); there may be more. Narrow Start Time / End Time (or page back with End Time set to the oldest row\'s time) and run again for the rest.',
			},
		]);
	});

	it('no hint when Return All got fewer rows than the cap, or when a Limit was asked for', async () => {
		const end = Date.now();
		const window = await run(funding({ returnAll: true, additionalFields: { startTime: end - 3 * 86_400_000, endTime: end } }), 'trigger');
		expect(window.out.length).toBeGreaterThan(0);
		expect(window.out.length).toBeLessThan(200);
		expect(window.hints).toEqual([]);
		const limited = await run(funding({ returnAll: false, limit: 200 }), 'trigger');
		expect(limited.out).toHaveLength(200);
		expect(limited.hints).toEqual([]);
	});

	it('only items that succeeded count: a capped item that then failed (Continue On Fail) gives no hint', async () => {
		const hints: NodeExecutionHint[] = [];
		const params = (i: number) => funding({ returnAll: true, symbol: rl(i === 0 ? 'BTCUSDT' : 'NOPEUSDT') });
		const ctx = Object.assign(executeContext(creds, params, { items: [{}, {}], continueOnFail: true }), {
			getMode: () => 'trigger',
			addExecutionHints: (...h: NodeExecutionHint[]) => hints.push(...h),
		}) as unknown as IExecuteFunctions;
		const [out] = await new Bybit().execute.call(ctx);
		expect(out.filter((o) => 'error' in o.json)).toHaveLength(1);
		expect(hints.map((h) => h.message)).toEqual([expect.stringMatching(/^Return All hit its cap \(item 1\): /)]);
	});

	it('a paginated list stopped by the page safety stop reports it; one that ends on its own does not', async () => {
		const ctx = transportContext(sandbox.restUrl, sandbox.control.defaultKey.secret, { apiKey: sandbox.control.defaultKey.apiKey });
		const req = { method: 'GET' as const, path: '/v5/market/instruments-info', qs: { category: 'linear' } };
		const capped: number[] = [];
		const rows = await bybitApiRequestAllItems.call(ctx, req, { pageSize: 1, maxPages: 2, onCapped: (n) => capped.push(n) });
		expect(rows).toHaveLength(2);
		expect(capped).toEqual([2]);
		const all = await bybitApiRequestAllItems.call(ctx, req, { pageSize: 1000, onCapped: (n) => capped.push(n) });
		expect(all.length).toBeGreaterThan(2);
		expect(capped).toEqual([2]);
		const [hint] = executionHints({ rows: [{}], write: false, mode: 'trigger', environment: 'custom', notes: [{ kind: 'returnAllCapped', itemIndex: 0, operation: 'Get Open Orders', max: 1000, unit: 'pages', narrow: 'Narrow it.' }] });
		expect(hint.message).toBe('Return All hit its cap (item 1): the output stops at 1000 pages of Get Open Orders, the node\'s maximum; there may be more. Narrow it.');
	});
});

describe('execution hints: quantity rounded down to the quantity step', () => {
	const quote = (qty: string) => create({ qtyType: 'quote', qty });

	it('a quote amount sized to a quantity off the step: requested vs sent and the qtyStep', async () => {
		const { out, hints } = await run(quote('100'), 'trigger');
		expect(out[0].json.orderId).toBeTruthy();
		const sent = sandbox.control.requests().filter((r) => r.path === '/v5/order/create').map((r) => JSON.parse(r.body).qty);
		expect(sent).toEqual(['0.001']);
		// 100 USDT / 65,000 = 0.0015384615..., shown to 8 decimals past the step
		expect(hints).toEqual([
			{
				type: 'info',
				location: 'outputPane',
				message: 'Quantity rounded down to the quantity step (item 1): BTCUSDT requested 0.00153846153…, sent 0.001 (qtyStep 0.001). Bybit takes only multiples of qtyStep; rounding down never orders more than asked.',
			},
		]);
	});

	it('no hint when the sized quantity is on the step already, or given as a base quantity', async () => {
		expect((await run(quote('130'), 'trigger')).hints).toEqual([]); // 130 / 65,000 = 0.002
		expect((await run(create({ qty: '0.01' }), 'trigger')).hints).toEqual([]);
	});

	it('a TradingView alert\'s contracts rounded down: one hint for the items it happened to', async () => {
		const signal = (contracts: string, id: string) => ({
			resource: 'order', operation: 'createFromSignal', category: 'linear', symbol: '', qtyType: 'alert', maxAlertAge: 120, alertSecret: '', linkIdPrefix: 'tv', dryRun: false,
			alert: { action: 'buy', contracts, ticker: 'BTCUSDT', time: new Date().toISOString(), id },
		});
		const hints: NodeExecutionHint[] = [];
		const alerts = [signal('0.0105', 'a1'), signal('0.01', 'a2'), signal('0.02019', 'a3')];
		const ctx = Object.assign(executeContext(creds, (i) => alerts[i], { items: [{}, {}, {}] }), {
			getMode: () => 'trigger',
			addExecutionHints: (...h: NodeExecutionHint[]) => hints.push(...h),
		}) as unknown as IExecuteFunctions;
		await new Bybit().execute.call(ctx);
		const sent = sandbox.control.requests().filter((r) => r.path === '/v5/order/create' && r.retCode === 0).map((r) => JSON.parse(r.body).qty);
		expect(sent).toEqual(['0.01', '0.01', '0.02']);
		expect(hints.map((h) => h.message)).toEqual([
			'Quantity rounded down to the quantity step (items 1, 3): BTCUSDT requested 0.0105, sent 0.01 (qtyStep 0.001); BTCUSDT requested 0.02019, sent 0.02 (qtyStep 0.001). Bybit takes only multiples of qtyStep; rounding down never orders more than asked.',
		]);
	});
});

describe('the rounding note (property)', () => {
	it('appears exactly when the quantity sent is below the one asked for, and names both truthfully', () => {
		const decimal = fc.tuple(fc.integer({ min: 0, max: 10_000 }), fc.stringMatching(/^[0-9]{0,12}$/)).map(([i, f]) => (f ? `${i}.${f}` : String(i)));
		fc.assert(
			fc.property(decimal, fc.constantFrom('0.001', '0.01', '1', '0.00001', '100'), (qty, qtyStep) => {
				const f = { symbol: 'BTCUSDT', qtyStep } as InstrumentFilters;
				const ctx = {};
				const trace: RoundTrace = {};
				const sent = roundQty(qty, f, trace);
				noteRounding(ctx as never, trace, f, 0);
				const notes = takeRunNotes(ctx);
				if (D.compare(sent, qty) === 0) return notes.length === 0;
				const [n] = notes as Array<{ requested: string; sent: string; qtyStep: string }>;
				const shown = n.requested.replace(/…$/, '');
				return (
					notes.length === 1 && n.sent === sent && n.qtyStep === qtyStep && D.isMultipleOf(sent, qtyStep) &&
					D.compare(sent, qty) < 0 && D.compare(D.sub(qty, sent), qtyStep) < 0 &&
					D.compare(shown, qty) <= 0 && D.compare(D.sub(qty, shown), D.div(qtyStep, '100000000', 30)) < 0 &&
					n.requested.endsWith('…') === (D.compare(shown, qty) < 0)
				);
			}),
			{ numRuns: 500 },
		);
	});
});
