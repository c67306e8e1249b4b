/**
 * Sub-accounts through the node against the sandbox: paging by nextCursor
 * with pageSize (Limit across pages, Return All until "0"), the sub-account
 * picker (listSearch), and a picked or typed UID reaching the wire as text.
 */
import type { ILoadOptionsFunctions } from 'n8n-workflow';

import { searchSubAccounts } from '../../../../nodes/Bybit/methods/subAccounts';
import { resetRateLimiter } from '../../../../nodes/Bybit/transport/rateLimiter';
import { rl, runBybit, sandboxCredentials } from '../../../harness/execute';
import { makeHttpRequestWithAuthentication } from '../../../harness/http';
import { startSandbox, type Sandbox } from '../../../sandbox';

let sandbox: Sandbox;
beforeAll(async () => {
	resetRateLimiter();
	sandbox = await startSandbox({ port: 0, rateLimits: false });
});
afterAll(() => sandbox.close());
beforeEach(() => sandbox.control.clearRequests());

const creds = () => sandboxCredentials(sandbox.restUrl, sandbox.control.defaultKey.apiKey, sandbox.control.defaultKey.secret);
const queries = () => sandbox.control.requests().map((r) => r.query);

describe('Get Sub-Accounts (Paged)', () => {
	it('Limit across pages: 100, then the rest from nextCursor', async () => {
		const out = await runBybit(creds(), { resource: 'user', operation: 'getSubAccountsPaged', returnAll: false, limit: 110 });
		expect(out).toHaveLength(110);
		expect(queries()).toEqual(['pageSize=100', 'pageSize=10&nextCursor=100']);
		expect(new Set(out.map((i) => i.json.uid)).size).toBe(110);
	});

	it('Return All stops at nextCursor "0"', async () => {
		const out = await runBybit(creds(), { resource: 'user', operation: 'getSubAccountsPaged', returnAll: true });
		expect(out).toHaveLength(120);
		expect(queries()).toEqual(['pageSize=100', 'pageSize=100&nextCursor=100']);
	});

	it('fund custodial sub-accounts: one page', async () => {
		const out = await runBybit(creds(), { resource: 'user', operation: 'getFundCustodialSubAccounts', returnAll: true });
		expect(out.map((i) => i.json.memberType)).toEqual([12, 12]);
		expect(queries()).toEqual(['pageSize=100']);
	});
});

describe('sub-account picker', () => {
	function loadOptionsContext(): ILoadOptionsFunctions {
		const credentials = creds();
		return {
			getNode: () => ({ id: 'n1', name: 'Bybit', type: 'n8n-nodes-bybit.bybit', typeVersion: 1, position: [0, 0], parameters: {} }),
			getCurrentNodeParameter: () => undefined,
			getCredentials: async () => credentials,
			helpers: { httpRequestWithAuthentication: makeHttpRequestWithAuthentication(credentials) },
		} as unknown as ILoadOptionsFunctions;
	}

	it('lists the sub-accounts (username, remark and UID), filtered by UID or name', async () => {
		const all = await searchSubAccounts.call(loadOptionsContext());
		expect(all.results).toHaveLength(120);
		expect(all.results[0]).toEqual({ name: 'sandbox_sub001, trading bot (900001)', value: '900001' });
		const some = await searchSubAccounts.call(loadOptionsContext(), 'TRADING');
		expect(some.results.map((r) => r.value)).toEqual(['900001']);
		expect((await searchSubAccounts.call(loadOptionsContext(), '90012')).results.map((r) => r.value)).toEqual(['900120']);
		expect(sandbox.control.requests().every((r) => r.path === '/v5/user/query-sub-members' && r.signatureValid)).toBe(true);
	});

	it('a picked UID and a typed one reach the wire as the same text', async () => {
		await runBybit(creds(), { resource: 'user', operation: 'getSubAccountApiKeys', subMemberId: { __rl: true, mode: 'list', value: '900002' }, returnAll: true });
		await runBybit(creds(), { resource: 'user', operation: 'getSubAccountApiKeys', subMemberId: rl('900002'), returnAll: true });
		expect(queries()).toEqual(['subMemberId=900002&limit=20', 'subMemberId=900002&limit=20']);
	});

	it('Create Universal Transfer keeps its plain UID fields (saved workflows hold strings)', async () => {
		sandbox.control.fund('USDT', '10', 'FUND');
		const uid = String(sandbox.control.getState().uid);
		const [out] = await runBybit(creds(), { resource: 'asset', operation: 'createUniversalTransfer', coin: rl('USDT'), amount: '1', fromMemberId: uid, toMemberId: '900001', fromAccountType: 'FUND', toAccountType: 'FUND' });
		expect(out.json.status).toBe('SUCCESS');
		const body = JSON.parse(sandbox.control.requests().find((r) => r.path === '/v5/asset/transfer/universal-transfer')!.body) as Record<string, unknown>;
		expect([body.fromMemberId, body.toMemberId]).toEqual([Number(uid), 900001]);
	});
});
