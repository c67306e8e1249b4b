import type { ICredentialDataDecryptedObject, IDataObject, IExecuteFunctions, NodeExecutionHint } from 'n8n-workflow';

import { Bybit } from '../../../../nodes/Bybit/Bybit.node';
import { executionHints, realFunds } from '../../../../nodes/Bybit/actions/hints';
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
