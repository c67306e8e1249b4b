/**
 * Issue #13, observations 8 and 11: writes with a client id resolve a lost
 * answer by looking the id up before any re-send, and a repeated id returns
 * the existing object. Against the sandbox, with its faults injected on the
 * wire (the request is processed, then the connection is reset).
 */
import type { IDataObject } from 'n8n-workflow';

import { BYBIT_ERRORS } from '../../../credentials/common/bybit/errors';
import { runBybit, sandboxCredentials } from '../../harness/execute';
import { useTradingSandbox } from '../../harness/tradingSandbox';
import type { Sandbox } from '../../sandbox';

jest.setTimeout(60_000);

let sandbox: Sandbox;
let creds: ReturnType<typeof sandboxCredentials>;
useTradingSandbox((s, c) => {
	sandbox = s;
	creds = c;
	s.control.fund('USDT', '100000', 'FUND');
});

const calls = (path: string) => sandbox.control.requests().filter((r) => r.path === path);
const transfers = (kind: 'internal' | 'universal') => (sandbox.control.getState().transfers as Record<string, IDataObject[]>)[kind];

const TRANSFERS = {
	internal: {
		path: '/v5/asset/transfer/inter-transfer',
		params: (transferId?: string) => ({
			resource: 'asset', operation: 'createInternalTransfer', coin: 'USDT', amount: '25', fromAccountType: 'FUND', toAccountType: 'UNIFIED',
			additionalFields: transferId ? { transferId } : {},
		}),
	},
	universal: {
		path: '/v5/asset/transfer/universal-transfer',
		params: (transferId?: string) => ({
			resource: 'asset', operation: 'createUniversalTransfer', coin: 'USDT', amount: '25', fromMemberId: String(sandbox.control.getState().uid), toMemberId: '900001',
			fromAccountType: 'FUND', toAccountType: 'FUND', additionalFields: transferId ? { transferId } : {},
		}),
	},
} as const;

describe.each(['internal', 'universal'] as const)('%s transfer', (kind) => {
	const t = TRANSFERS[kind];

	it('an answer lost after Bybit made the transfer: looked up by transferId, returned as recovered, made once, no 131214', async () => {
		sandbox.control.acceptThenDrop(1, t.path);
		const [out] = await runBybit(creds, t.params());
		const made = transfers(kind);
		expect(made).toHaveLength(1);
		expect(out.json).toMatchObject({ transferId: made[0].transferId, status: 'SUCCESS', recovered: 'lostResponse', transfer: { transferId: made[0].transferId, amount: '25' } });
		expect(calls(t.path)).toHaveLength(1); // found by the lookup: never sent again
		expect(calls(t.path).every((r) => r.retCode !== 131214)).toBe(true);
	});

	it('a transfer still PENDING is the transfer that exists, not a failure', async () => {
		sandbox.control.setTransferStatus('PENDING');
		sandbox.control.acceptThenDrop(1, t.path);
		const [out] = await runBybit(creds, t.params('0b7c3f0e-2d7a-4c55-9d55-6d4e0c2a1f01'));
		expect(transfers(kind)).toHaveLength(1);
		expect(out.json).toMatchObject({ transferId: '0b7c3f0e-2d7a-4c55-9d55-6d4e0c2a1f01', status: 'PENDING', recovered: 'lostResponse' });
	});

	it('a repeated transferId (a re-run) returns the existing transfer, and transfers once', async () => {
		const id = 'f3a1c9d2-6b1e-4f7a-8a44-2b9e5c7d0a13';
		const [first] = await runBybit(creds, t.params(id));
		const [again] = await runBybit(creds, t.params(id));
		expect(first.json).toEqual({ transferId: id, status: 'SUCCESS' });
		expect(again.json).toMatchObject({ transferId: id, status: 'SUCCESS', recovered: 'duplicateTransferId' });
		expect(transfers(kind)).toHaveLength(1);
		expect(calls(t.path).map((r) => r.retCode)).toEqual([0, 131214]);
	});
});

it('the 131214 hint never invites a second transfer', () => {
	expect(BYBIT_ERRORS[131214].hint).not.toMatch(/generate a new/i);
	expect(BYBIT_ERRORS[131214].hint).toMatch(/already exists, so Bybit did not transfer again/);
});

describe('order.createBatch', () => {
	const order = (n: number, linkId = true): IDataObject => ({
		symbol: 'BTCUSDT', side: 'Buy', orderType: 'Limit', qty: '0.001', price: String(50000 + n), ...(linkId ? { orderLinkId: `idem-${n}` } : {}),
	});
	const params = { resource: 'order', operation: 'createBatch', category: 'linear', source: 'items' };
	const orders = () => sandbox.control.getState().orders as IDataObject[];

	it('a batch answer lost after Bybit placed the orders: each order exists once, each item is its order (recovered)', async () => {
		sandbox.control.acceptThenDrop(1, '/v5/order/create-batch');
		const items = Array.from({ length: 7 }, (_, n) => order(n));
		const out = await runBybit(creds, params, { items });
		expect(orders()).toHaveLength(7);
		const byLink = new Map(orders().map((o) => [String(o.orderLinkId), String(o.orderId)]));
		expect(out).toHaveLength(7);
		out.forEach((o, n) => {
			expect(o.pairedItem).toEqual({ item: n });
			expect(o.json).toMatchObject({ orderLinkId: `idem-${n}`, orderId: byLink.get(`idem-${n}`), recovered: 'lostResponse', retCode: 0, symbol: 'BTCUSDT' });
		});
		expect(calls('/v5/order/create-batch')).toHaveLength(1); // all found: nothing sent again
	});

	it('orders without an orderLinkId get a generated one, so a lost answer is resolved all the same', async () => {
		sandbox.control.acceptThenDrop(1, '/v5/order/create-batch');
		const out = await runBybit(creds, params, { items: [order(1, false), order(2, false)] });
		expect(orders()).toHaveLength(2);
		expect(out.map((o) => o.json.orderLinkId).sort()).toEqual(orders().map((o) => String(o.orderLinkId)).sort());
		expect(out.every((o) => /^n8n-[0-9a-f]{32}$/.test(String(o.json.orderLinkId)) && o.json.recovered === 'lostResponse')).toBe(true);
	});

	it('a lost answer where Bybit placed nothing: the orders are looked up, then sent once more', async () => {
		sandbox.control.dropNext(1, '/v5/order/create-batch');
		const out = await runBybit(creds, params, { items: [order(1), order(2)] });
		expect(orders()).toHaveLength(2);
		expect(out.map((o) => o.json.recovered)).toEqual([undefined, undefined]);
		expect(calls('/v5/order/create-batch')).toHaveLength(2);
		expect(calls('/v5/order/realtime').length).toBeGreaterThanOrEqual(2);
	});

	it('a re-run with the same orderLinkIds returns the existing orders (no 110072 errors, no new orders)', async () => {
		const items = Array.from({ length: 4 }, (_, n) => order(n));
		const first = await runBybit(creds, params, { items });
		const rerun = await runBybit(creds, params, { items, continueOnFail: true });
		expect(orders()).toHaveLength(4);
		expect(rerun.map((o) => o.json.error)).toEqual([undefined, undefined, undefined, undefined]);
		rerun.forEach((o, n) => expect(o.json).toMatchObject({ orderId: first[n].json.orderId, orderLinkId: `idem-${n}`, recovered: 'duplicateOrderLinkId', retCode: 0 }));
		const second = JSON.parse(calls('/v5/order/create-batch')[1].body);
		expect(second.request).toHaveLength(4); // the sandbox answered each with 110072 in retExtInfo
	});
});

describe('asset.withdraw (Bybit offers no lookup by requestId)', () => {
	const withdraw = (requestId: string) => ({
		resource: 'asset', operation: 'withdraw', coin: 'USDT', chain: 'ETH', address: '0xabc', amount: '20', accountType: 'FUND', additionalFields: { requestId },
	});
	const allowed = () => ({ ...creds, allowWithdrawals: true });

	it('a lost answer is never re-sent, and says so', async () => {
		sandbox.control.acceptThenDrop(1, '/v5/asset/withdraw/create');
		const error = (await runBybit(allowed(), withdraw('req1')).catch((e: unknown) => e)) as Error;
		expect(String(error.message)).toMatch(/^Could not reach Bybit/);
		expect(calls('/v5/asset/withdraw/create')).toHaveLength(1);
		expect(sandbox.control.getState().withdrawals).toHaveLength(1);
	});

	it('a repeated requestId is refused by Bybit (10014) with a hint that nothing was withdrawn again', async () => {
		await runBybit(allowed(), withdraw('req2'));
		const error = (await runBybit(allowed(), withdraw('req2')).catch((e: unknown) => e)) as Error & { description?: string };
		expect(error.message).toMatch(/Bybit error 10014/);
		expect(error.description).toMatch(/requestId was already used, so nothing was withdrawn again/);
		expect(sandbox.control.getState().withdrawals).toHaveLength(1);
	});
});
