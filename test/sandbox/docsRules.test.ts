/**
 * The sandbox follows Bybit's docs for enums, account types and permissions:
 * a documented value is accepted, an undocumented one gets 10001 naming the
 * parameter, legacy account types are known but hold nothing, and a read
 * that the docs put behind a permission is refused without it.
 */
import { startSandbox, type Sandbox } from './index';
import { call, ok, type Json } from './helpers';

let sb: Sandbox;
beforeAll(async () => {
	sb = await startSandbox({ port: 0, rateLimits: false });
	sb.control.fund('USDT', '1000', 'FUND');
});
afterAll(() => sb.close());

const code = async (method: 'GET' | 'POST', path: string, params: Json, key?: { apiKey: string; secret: string }) =>
	(await call(sb, method, path, params, key ? { key: { ...key, signatureMethod: 'hmac' } } : {})).body as Json;

describe('documented enum values are accepted, others refused with the parameter named', () => {
	it.each<[string, string, Json, string]>([
		['/v5/market/instruments-info', 'status', { category: 'linear' }, 'Closed'],
		['/v5/market/instruments-info', 'symbolType', { category: 'spot' }, 'xstocks'],
		['/v5/order/history', 'orderFilter', { category: 'spot' }, 'OcoOrder'],
		['/v5/order/history', 'orderStatus', { category: 'spot' }, 'PartiallyFilledCanceled'],
		['/v5/order/realtime', 'orderFilter', { category: 'spot' }, 'BidirectionalTpslOrder'],
		['/v5/execution/list', 'execType', { category: 'linear', settleCoin: 'USDT' }, 'MovePosition'],
		['/v5/account/transaction-log', 'type', {}, 'FEE_REFUND'],
		['/v5/account/transaction-log', 'category', {}, 'option'],
		['/v5/account/transaction-log', 'transSubType', {}, 'movePosition'],
		['/v5/asset/transfer/query-inter-transfer-list', 'status', {}, 'PENDING'],
		['/v5/asset/transfer/query-universal-transfer-list', 'status', {}, 'FAILED'],
	])('%s %s', async (path, name, base, good) => {
		expect(await ok(sb, 'GET', path, { ...base, [name]: good })).toBeDefined();
		const bad = await code('GET', path, { ...base, [name]: 'NotAValue' });
		expect([bad.retCode, bad.retMsg]).toEqual([10001, `params error: ${name} invalid`]);
	});
});

it('cancel-all takes the orderFilter values documented for each category, and spot cancels plain orders by default', async () => {
	for (const [category, good, bad] of [['spot', 'OcoOrder', 'OpenOrder'], ['linear', 'OpenOrder', 'tpslOrder'], ['option', 'StopOrder', 'OcoOrder']]) {
		const base = { category, ...(category === 'linear' ? { settleCoin: 'USDT' } : {}) };
		expect(await ok(sb, 'POST', '/v5/order/cancel-all', { ...base, orderFilter: good })).toHaveProperty('list');
		const r = await code('POST', '/v5/order/cancel-all', { ...base, orderFilter: bad });
		expect([category, r.retCode, r.retMsg]).toEqual([category, 10001, 'params error: orderFilter invalid']);
	}
	await ok(sb, 'POST', '/v5/order/create', { category: 'spot', symbol: 'BTCUSDT', side: 'Buy', orderType: 'Limit', qty: '0.001', price: '1000', triggerPrice: '1000', orderFilter: 'StopOrder', orderLinkId: 'spot-stop-1' });
	await ok(sb, 'POST', '/v5/order/cancel-all', { category: 'spot' });
	expect((await ok(sb, 'GET', '/v5/order/realtime', { category: 'spot', orderLinkId: 'spot-stop-1' })).list[0].orderStatus).toBe('Untriggered');
	await ok(sb, 'POST', '/v5/order/cancel-all', { category: 'spot', orderFilter: 'StopOrder' });
});

describe('account types', () => {
	it.each(['UNIFIED', 'CONTRACT', 'SPOT', 'OPTION', 'INVESTMENT', 'FUND'])('%s is a documented account type for balance reads', async (type) => {
		const all = await ok(sb, 'GET', '/v5/asset/transfer/query-account-coins-balance', { accountType: type, coin: 'USDT' });
		expect(all.accountType).toBe(type);
		const one = await ok(sb, 'GET', '/v5/asset/transfer/query-account-coin-balance', { accountType: type, coin: 'USDT' });
		expect(one.accountType).toBe(type);
		if (type !== 'UNIFIED' && type !== 'FUND') expect(one.balance.walletBalance).toBe('0');
	});

	it('refuses an undocumented account type and money moving into a legacy wallet of a UTA2.0 account', async () => {
		expect((await code('GET', '/v5/asset/transfer/query-account-coins-balance', { accountType: 'MARGIN' })).retCode).toBe(10001);
		const legacy = await code('POST', '/v5/asset/transfer/inter-transfer', { transferId: '00000000-0000-4000-8000-000000000001', coin: 'USDT', amount: '1', fromAccountType: 'FUND', toAccountType: 'CONTRACT' });
		expect([legacy.retCode, legacy.retMsg]).toEqual([131207, 'Account not exist']);
		const same = await code('POST', '/v5/asset/transfer/inter-transfer', { transferId: '00000000-0000-4000-8000-000000000002', coin: 'USDT', amount: '1', fromAccountType: 'FUND', toAccountType: 'FUND' });
		expect(same.retCode).toBe(131211);
		expect((await ok(sb, 'GET', '/v5/asset/transfer/query-transfer-coin-list', { fromAccountType: 'SPOT', toAccountType: 'UNIFIED' })).list).toEqual([]);
	});

	it('coin balance: the documented 0/1 flags, and toAccountType required with withLtvTransferSafeAmount', async () => {
		const r = await ok(sb, 'GET', '/v5/asset/transfer/query-account-coin-balance', { accountType: 'FUND', coin: 'USDT', toAccountType: 'UNIFIED', withBonus: 1, withTransferSafeAmount: 1, withLtvTransferSafeAmount: 1 });
		expect(r.balance).toMatchObject({ bonus: '0', transferSafeAmount: r.balance.transferBalance, ltvTransferSafeAmount: r.balance.transferBalance });
		expect(Number(r.balance.transferBalance)).toBeGreaterThanOrEqual(1000);
		const missing = await code('GET', '/v5/asset/transfer/query-account-coin-balance', { accountType: 'FUND', coin: 'USDT', withLtvTransferSafeAmount: 1 });
		expect([missing.retCode, missing.retMsg]).toEqual([10001, 'Missing some parameters that must be filled in, toAccountType']);
		expect((await code('GET', '/v5/asset/transfer/query-account-coin-balance', { accountType: 'FUND', coin: 'USDT', withBonus: 2 })).retCode).toBe(10001);
	});
});

describe('withdraw: fee type and travel-rule fields as documented', () => {
	const base = () => ({ coin: 'USDT', chain: 'ETH', address: '0xabc', amount: '10', accountType: 'FUND', timestamp: Date.now() });
	it('accepts them in their documented shapes', async () => {
		const r = await ok(sb, 'POST', '/v5/asset/withdraw/create', { ...base(), feeType: 1, beneficiary: { beneficiaryName: 'A B' }, transactionPurpose: 'x'.repeat(20), questionnaire: '{"a":1}' });
		expect(r.id).toMatch(/^\d+$/);
	});
	it.each<[string, Json]>([
		['feeType', { feeType: 3 }],
		['forceChain', { forceChain: 5 }],
		['beneficiary', { beneficiary: 'A B' }],
		['transactionPurpose', { transactionPurpose: 'too short' }],
		['questionnaire', { questionnaire: 'not json' }],
		['questionnaire', { questionnaire: JSON.stringify({ a: 'x'.repeat(16_400) }) }],
	])('refuses a bad %s', async (name, extra) => {
		const r = await code('POST', '/v5/asset/withdraw/create', { ...base(), ...extra });
		expect(r.retCode).toBe(10001);
		expect(r.retMsg).toContain(name);
	});
});

describe('options and BBO orders', () => {
	it('trading-stop: option allows tpslMode Full only', async () => {
		const inst = (await ok(sb, 'GET', '/v5/market/instruments-info', { category: 'option' })).list[0].symbol as string;
		const r = await code('POST', '/v5/position/trading-stop', { category: 'option', symbol: inst, tpslMode: 'Partial', positionIdx: 0, takeProfit: '1' });
		expect([r.retCode, r.retMsg]).toEqual([10001, 'params error: option supports tpslMode Full only']);
	});

	it('a BBO limit order takes the price of the chosen book level (Queue: same side, Counterparty: opposite)', async () => {
		const book = await ok(sb, 'GET', '/v5/market/orderbook', { category: 'linear', symbol: 'BTCUSDT', limit: 5 });
		const place = async (bboSideType: string, bboLevel: string, n: number) => {
			await ok(sb, 'POST', '/v5/order/create', { category: 'linear', symbol: 'BTCUSDT', side: 'Buy', orderType: 'Limit', qty: '0.001', price: '1', bboSideType, bboLevel, orderLinkId: `bbo-${n}` });
			return (await ok(sb, 'GET', '/v5/order/realtime', { category: 'linear', orderLinkId: `bbo-${n}`, openOnly: 0 })).list[0] ?? (await ok(sb, 'GET', '/v5/order/history', { category: 'linear', orderLinkId: `bbo-${n}` })).list[0];
		};
		expect((await place('Queue', '3', 1)).price).toBe(book.b[2][0]);
		expect((await place('Counterparty', '1', 2)).price).toBe(book.a[0][0]);
		expect((await code('POST', '/v5/order/create', { category: 'linear', symbol: 'BTCUSDT', side: 'Buy', orderType: 'Limit', qty: '0.001', price: '1', bboSideType: 'Queue', bboLevel: '6' })).retCode).toBe(10001);
	});
});

describe('permissions on reads', () => {
	it('universal-transfer records need SubMemberTransfer (master) or SubMemberTransferList (sub); other reads need none', async () => {
		const without = sb.control.createKey({ apiKey: 'no-sub-transfer', readOnly: true, permissions: { Wallet: ['AccountTransfer'] } });
		const r = await code('GET', '/v5/asset/transfer/query-universal-transfer-list', {}, without);
		expect(r.retCode).toBe(10005);
		expect((await code('GET', '/v5/asset/transfer/query-inter-transfer-list', {}, without)).retCode).toBe(0);
		const list = sb.control.createKey({ apiKey: 'sub-transfer-list', readOnly: true, permissions: { Wallet: ['SubMemberTransferList'] } });
		expect((await code('GET', '/v5/asset/transfer/query-universal-transfer-list', {}, list)).retCode).toBe(0);
		expect((await code('GET', '/v5/asset/transfer/query-universal-transfer-list', {})).retCode).toBe(0);
	});
});
