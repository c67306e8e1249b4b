/**
 * Withdrawal reads and Cancel Withdrawal through the node and the one signer,
 * against the sandbox: the reads run under Read-Only Mode with withdrawals
 * off; Cancel Withdrawal needs no "Allow Withdrawals" but is refused in
 * read-only mode before anything is sent; any spelling of the withdraw path
 * stays blocked.
 */
import type { IDataObject } from 'n8n-workflow';

import { resetRateLimiter } from '../../../../nodes/Bybit/transport/rateLimiter';
import { rl, runBybit, sandboxCredentials } from '../../../harness/execute';
import { startSandbox, type Sandbox } from '../../../sandbox';

let sandbox: Sandbox;
beforeAll(async () => {
	resetRateLimiter();
	sandbox = await startSandbox({ port: 0, rateLimits: false });
	sandbox.control.fund('USDT', '500', 'FUND');
});
afterAll(() => sandbox.close());
beforeEach(() => sandbox.control.clearRequests());

const creds = (extra: IDataObject) => sandboxCredentials(sandbox.restUrl, sandbox.control.defaultKey.apiKey, sandbox.control.defaultKey.secret, extra);
const readOnly = () => creds({ readOnly: true, allowWithdrawals: false });
const paths = () => sandbox.control.requests().map((r) => r.path);

describe('withdrawal reads under Read-Only Mode with withdrawals off', () => {
	it.each<[string, IDataObject, string]>([
		['getWithdrawableAmount', { coin: rl('USDT') }, '/v5/asset/withdraw/withdrawable-amount'],
		['getWithdrawalRecords', { returnAll: true }, '/v5/asset/withdraw/query-record'],
		['getWithdrawalAddresses', { returnAll: true }, '/v5/asset/withdraw/query-address'],
		['getVaspList', {}, '/v5/asset/withdraw/vasp/list'],
	])('%s is sent and answered', async (operation, params, path) => {
		const out = await runBybit(readOnly(), { resource: 'asset', operation, ...params });
		expect(out.length).toBeGreaterThanOrEqual(operation === 'getWithdrawalRecords' ? 0 : 1);
		expect(sandbox.control.requests().map((r) => [r.path, r.retCode, r.signatureValid])).toEqual([[path, 0, true]]);
	});

	it('the withdrawable amount comes back per wallet, numbers as text', async () => {
		const [item] = await runBybit(readOnly(), { resource: 'asset', operation: 'getWithdrawableAmount', coin: rl('USDT') });
		expect(item.json).toMatchObject({ limitAmountUsd: '0', withdrawableAmount: { FUND: { coin: 'USDT', withdrawableAmount: expect.stringMatching(/^\d+(\.\d+)?$/) } } });
		expect(Number((item.json.withdrawableAmount as IDataObject & { FUND: IDataObject }).FUND.availableBalance)).toBeGreaterThanOrEqual(500);
	});
});

describe('Cancel Withdrawal', () => {
	it('is refused in read-only mode before anything is sent', async () => {
		await expect(runBybit(readOnly(), { resource: 'asset', operation: 'cancelWithdrawal', id: '10001' })).rejects.toThrow(/read-only mode, so \/v5\/asset\/withdraw\/cancel was not sent/);
		expect(paths()).toEqual([]);
	});

	it('is sent without "Allow Withdrawals" (cancelling only reduces risk) and cancels a pending withdrawal', async () => {
		const made = await runBybit(creds({ allowWithdrawals: true }), { resource: 'asset', operation: 'withdraw', coin: rl('USDT'), chain: 'TRX', address: 'TXabc', amount: '10', accountType: 'FUND' });
		const id = String(made[0].json.id);
		const [out] = await runBybit(creds({}), { resource: 'asset', operation: 'cancelWithdrawal', id });
		expect(out.json).toEqual({ status: 1 });
		const cancel = sandbox.control.requests().find((r) => r.path === '/v5/asset/withdraw/cancel')!;
		expect([JSON.parse(cancel.body), cancel.retCode]).toEqual([{ id }, 0]);
	});

	it('withdrawing stays blocked without "Allow Withdrawals", in any spelling of the path', async () => {
		await expect(runBybit(creds({}), { resource: 'asset', operation: 'withdraw', coin: rl('USDT'), chain: 'TRX', address: 'TXabc', amount: '10', accountType: 'FUND' })).rejects.toThrow(/Withdrawals are blocked/);
		// odd spellings are refused by Custom API Call's path rule first, and by the signer anyway (safety.withdraw.test.ts)
		for (const [method, path, error] of [
			['GET', '/v5/asset/withdraw/create', /Withdrawals are blocked/],
			['POST', '/v5/asset/Withdraw/create', /Withdrawals are blocked/],
			['POST', '/v5//asset/withdraw/create/', /Withdrawals are blocked|may contain only/],
		] as const) {
			const run = runBybit(creds({}), { resource: 'custom', operation: 'apiCall', method, path, specifyParameters: 'keypair', parameters: { parameter: [{ name: 'coin', value: 'USDT' }] } });
			await expect(run).rejects.toThrow(error);
		}
		expect(paths()).toEqual([]);
	});
});
