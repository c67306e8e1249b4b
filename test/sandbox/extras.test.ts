/**
 * The sandbox's extra endpoints follow Bybit's docs: response shapes and
 * types of the docs' examples (numbers as strings where the docs show
 * strings), documented permissions, public access where documented, and
 * the documented paging (nextCursor "0" = no more pages).
 */
import { startSandbox, type Sandbox } from './index';
import { call, ok, type Json } from './helpers';

let sb: Sandbox;
beforeAll(async () => {
	sb = await startSandbox({ port: 0, rateLimits: false });
	sb.control.fund('USDT', '1000', 'FUND');
});
afterAll(() => sb.close());

const keyed = (apiKey: string, permissions: Record<string, string[]>, readOnly = true) => {
	const k = sb.control.createKey({ apiKey, readOnly, permissions });
	return { key: { ...k, signatureMethod: 'hmac' as const } };
};

describe('permissions as documented', () => {
	it('sub-account lists need Account Transfer, Subaccount Transfer or Withdrawal (master key)', async () => {
		const none = keyed('no-wallet', { Spot: ['SpotTrade'] });
		for (const path of ['/v5/user/query-sub-members', '/v5/user/submembers', '/v5/user/escrow_sub_members']) {
			expect([path, (await call(sb, 'GET', path, {}, none)).body.retCode]).toEqual([path, 10005]);
		}
		const transfer = keyed('transfer-only', { Wallet: ['AccountTransfer'] });
		expect((await call(sb, 'GET', '/v5/user/query-sub-members', {}, transfer)).body.retCode).toBe(0);
		const withdraw = keyed('withdraw-only', { Wallet: ['Withdraw'] });
		expect((await call(sb, 'GET', '/v5/user/submembers', {}, withdraw)).body.retCode).toBe(0);
	});

	it('the withdrawal address book needs the withdrawal permission; a read-only key keeps it for reads', async () => {
		const transfer = keyed('addr-transfer', { Wallet: ['AccountTransfer'] });
		expect((await call(sb, 'GET', '/v5/asset/withdraw/query-address', {}, transfer)).body.retCode).toBe(10005);
		const withdraw = keyed('addr-withdraw', { Wallet: ['Withdraw'] }, true);
		expect((await call(sb, 'GET', '/v5/asset/withdraw/query-address', {}, withdraw)).body.retCode).toBe(0);
	});

	it('sub-account API keys: any permission; a read-only key cannot cancel a withdrawal', async () => {
		const any = keyed('any-perm', { Spot: ['SpotTrade'] });
		expect((await call(sb, 'GET', '/v5/user/sub-apikeys', { subMemberId: '900001' }, any)).body.retCode).toBe(0);
		expect((await call(sb, 'POST', '/v5/asset/withdraw/cancel', { id: '1' }, any)).body.retCode).toBe(10005);
	});

	it('system status and announcements are public; asset and user reads are not', async () => {
		expect((await call(sb, 'GET', '/v5/system/status', {}, { unsigned: true })).body.retCode).toBe(0);
		expect((await call(sb, 'GET', '/v5/announcements/index', { locale: 'en-US' }, { unsigned: true })).body.retCode).toBe(0);
		expect((await call(sb, 'GET', '/v5/asset/withdraw/vasp/list', {}, { unsigned: true })).body.retCode).toBe(10003);
		expect((await call(sb, 'GET', '/v5/user/query-sub-members', {}, { unsigned: true })).body.retCode).toBe(10003);
	});
});

describe('shapes of the docs\' examples', () => {
	it('withdrawable amount: per wallet, as strings', async () => {
		const r = await ok(sb, 'GET', '/v5/asset/withdraw/withdrawable-amount', { coin: 'USDT' });
		expect(r).toEqual({ limitAmountUsd: '0', withdrawableAmount: { FUND: { coin: 'USDT', withdrawableAmount: expect.any(String), availableBalance: expect.any(String) }, UTA: expect.objectContaining({ coin: 'USDT' }) } });
		expect(Number(r.withdrawableAmount.FUND.withdrawableAmount)).toBeGreaterThanOrEqual(1000);
	});

	it('cancel withdrawal: status 1 within the pending minute, then 0; funds come back once', async () => {
		const id = (await ok(sb, 'POST', '/v5/asset/withdraw/create', { coin: 'USDT', chain: 'ETH', address: '0xabc', amount: '20', accountType: 'FUND', timestamp: Date.now() })).id as string;
		const before = Number((await ok(sb, 'GET', '/v5/asset/withdraw/withdrawable-amount', { coin: 'USDT' })).withdrawableAmount.FUND.availableBalance);
		const first = await call(sb, 'POST', '/v5/asset/withdraw/cancel', { id });
		expect([first.body.retMsg, first.body.result]).toEqual(['success', { status: 1 }]);
		expect((await ok(sb, 'POST', '/v5/asset/withdraw/cancel', { id })).status).toBe(0);
		const after = Number((await ok(sb, 'GET', '/v5/asset/withdraw/withdrawable-amount', { coin: 'USDT' })).withdrawableAmount.FUND.availableBalance);
		expect(after - before).toBeCloseTo(23, 8); // amount + the ETH chain's 3 USDT fee
		const rows = (await ok(sb, 'GET', '/v5/asset/withdraw/query-record', { withdrawID: id })).rows as Json[];
		expect(rows.map((w) => w.status)).toEqual(['CancelByUser']);
	});

	it('sub-accounts: integers for memberType/status/accountMode, string UIDs; paged by nextCursor until "0"', async () => {
		const all = (await ok(sb, 'GET', '/v5/user/query-sub-members')).subMembers as Json[];
		expect(all[0]).toEqual({ uid: '900001', username: expect.any(String), memberType: 1, status: 1, remark: 'trading bot', accountMode: 5 });
		const p1 = await ok(sb, 'GET', '/v5/user/submembers', { pageSize: '100' });
		const p2 = await ok(sb, 'GET', '/v5/user/submembers', { pageSize: '100', nextCursor: p1.nextCursor });
		expect([p1.subMembers.length, p1.nextCursor, p2.subMembers.length, p2.nextCursor]).toEqual([100, '100', all.length - 100, '0']);
		expect((await call(sb, 'GET', '/v5/user/submembers', { pageSize: '101' })).body.retCode).toBe(10001);
		const uids = await ok(sb, 'GET', '/v5/asset/transfer/query-sub-member-list');
		expect(uids.transferableSubMemberIds).toEqual(['900001', '900002']);
	});

	it('sub API keys: secret masked, readOnly boolean, paged; an unknown sub-account is 500010', async () => {
		const r = await ok(sb, 'GET', '/v5/user/sub-apikeys', { subMemberId: '900001', limit: 2 });
		expect([r.result.length, typeof r.result[0].readOnly, r.result[0].secret, r.nextPageCursor !== '']).toEqual([2, 'boolean', '******', true]);
		expect((await call(sb, 'GET', '/v5/user/sub-apikeys', { subMemberId: '42' })).body.retCode).toBe(500010);
		const types = await ok(sb, 'GET', '/v5/user/get-member-type', { memberIds: '900002' });
		expect((types.accounts as Json[]).map((a) => a.uid)).toEqual([String(sb.control.getState().uid), '900002']);
	});

	it('system status follows the clock: the planned maintenance is scheduled, then ongoing', async () => {
		const planned = async () => ((await ok(sb, 'GET', '/v5/system/status', { id: 'sandbox-0001-planned' })).list as Json[])[0];
		expect((await planned()).state).toBe('scheduled');
		sb.control.setClockSkew(86_400_000 + 60_000);
		try {
			const row = await planned();
			expect(row).toMatchObject({ state: 'ongoing', begin: expect.stringMatching(/^\d+$/), serviceTypes: [1, 2, 3], maintainType: 1, env: 1, uidSuffix: [] });
		} finally {
			sb.control.setClockSkew(0);
		}
	});

	it('RPI order book: [price, non-RPI size, RPI size]; limit required and at most 50', async () => {
		const r = await ok(sb, 'GET', '/v5/market/rpi_orderbook', { category: 'linear', symbol: 'BTCUSDT', limit: 2 });
		expect([r.a.length, r.a[0].length, typeof r.ts, typeof r.u, typeof r.seq, typeof r.cts]).toEqual([2, 3, 'number', 'number', 'number', 'number']);
		expect((await call(sb, 'GET', '/v5/market/rpi_orderbook', { symbol: 'BTCUSDT' })).body.retMsg).toMatch(/limit/);
		expect((await call(sb, 'GET', '/v5/market/rpi_orderbook', { symbol: 'BTCUSDT', limit: 51 })).body.retCode).toBe(10001);
	});

	it('funding history: seconds, both bounds or none, at most 7 days', async () => {
		const r = await ok(sb, 'GET', '/v5/asset/fundinghistory', { limit: '2' });
		expect([r.list.length, r.list[0].ioDirection, /^\d{10}$/.test(r.list[0].createTime)]).toEqual([2, 'I', true]);
		const now = Math.floor(Date.now() / 1000);
		expect((await call(sb, 'GET', '/v5/asset/fundinghistory', { createTimeFrom: String(now - 8 * 86_400), createTimeTo: String(now) })).body.retCode).toBe(10001);
	});
});
