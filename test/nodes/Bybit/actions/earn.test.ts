/**
 * Earn against the sandbox: stake and redeem move FUND / UNIFIED balances as
 * the docs' accountType says, rows come in the docs' shapes, Stake / Redeem
 * is write-once by orderLinkId (generated, looked up after a lost answer,
 * duplicate id returns the existing order), and the "Earn" key permission and
 * the credential's read-only mode are honoured.
 */
import type { IDataObject } from 'n8n-workflow';

import { runBybit, sandboxCredentials } from '../../../harness/execute';
import { useTradingSandbox } from '../../../harness/tradingSandbox';
import type { Sandbox } from '../../../sandbox';

jest.setTimeout(60_000);

let sandbox: Sandbox;
let creds: ReturnType<typeof sandboxCredentials>;
useTradingSandbox((s, c) => {
	sandbox = s;
	creds = c;
});

const STAKE = { resource: 'earn', operation: 'stakeOrRedeem', category: 'FlexibleSaving', orderType: 'Stake', accountType: 'FUND', coin: 'USDT', productId: '428' };
const placed = () => sandbox.control.requests().filter((r) => r.path === '/v5/earn/place-order');
async function balance(accountType: 'FUND' | 'UNIFIED', coin: string): Promise<number> {
	const [out] = await runBybit(creds, { resource: 'asset', operation: 'getSingleCoinBalance', accountType, coin });
	return Number((out.json.balance as IDataObject).walletBalance);
}

// the docs' response examples (finance/earn/easy-onchain/*.mdx), field for field
const PRODUCT_KEYS = ['category', 'estimateApr', 'coin', 'minStakeAmount', 'maxStakeAmount', 'precision', 'productId', 'status', 'bonusEvents', 'minRedeemAmount', 'maxRedeemAmount', 'duration', 'term', 'swapCoin', 'swapCoinPrecision', 'stakeExchangeRate', 'redeemExchangeRate', 'rewardDistributionType', 'rewardIntervalMinute', 'redeemProcessingMinute', 'stakeTime', 'interestCalculationTime'];
const ORDER_KEYS = ['coin', 'orderValue', 'orderType', 'orderId', 'orderLinkId', 'status', 'createdAt', 'productId', 'updatedAt', 'swapOrderValue', 'estimateRedeemTime', 'estimateStakeTime'];
const POSITION_KEYS = ['coin', 'productId', 'amount', 'totalPnl', 'claimableYield', 'id', 'status', 'orderId', 'estimateRedeemTime', 'estimateStakeTime', 'estimateInterestCalculationTime', 'settlementTime', 'autoReinvest', 'availableAmount', 'freezeDetails'];
const YIELD_KEYS = ['productId', 'coin', 'id', 'amount', 'yieldType', 'distributionMode', 'effectiveStakingAmount', 'orderId', 'status', 'createdAt'];
const HOURLY_KEYS = ['productId', 'coin', 'amount', 'effectiveStakingAmount', 'hourlyDate', 'status', 'createdAt'];

describe('earn: balances and shapes', () => {
	it('a Flexible Saving stake takes from the account type given, a redeem gives it back with the yield; rows in the docs\' shapes', async () => {
		const fund = await balance('FUND', 'USDT');
		const unified = await balance('UNIFIED', 'USDT');
		await runBybit(creds, { ...STAKE, amount: '250' });
		await runBybit(creds, { ...STAKE, accountType: 'UNIFIED', amount: '100' });
		expect(await balance('FUND', 'USDT')).toBeCloseTo(fund - 250, 8);
		expect(await balance('UNIFIED', 'USDT')).toBeCloseTo(unified - 100, 8);
		const [position] = await runBybit(creds, { resource: 'earn', operation: 'getPositions', category: 'FlexibleSaving' });
		expect(Object.keys(position.json)).toEqual(POSITION_KEYS);
		expect(position.json).toMatchObject({ coin: 'USDT', productId: '428', amount: '350', id: '', status: '' });

		await runBybit(creds, { ...STAKE, orderType: 'Redeem', amount: '50' });
		const back = await balance('FUND', 'USDT');
		expect(back).toBeGreaterThanOrEqual(fund - 200);
		expect(back).toBeLessThan(fund - 199.99);
		const [yieldRow] = await runBybit(creds, { resource: 'earn', operation: 'getYieldHistory', category: 'FlexibleSaving' });
		expect(Object.keys(yieldRow.json)).toEqual(YIELD_KEYS);
		expect(yieldRow.json).toMatchObject({ productId: '428', coin: 'USDT', distributionMode: 'Manual', effectiveStakingAmount: '50', status: 'Success' });
		expect(Number(yieldRow.json.amount)).toBeCloseTo(back - (fund - 200), 8);
		const [hourly] = await runBybit(creds, { resource: 'earn', operation: 'getHourlyYieldHistory', category: 'FlexibleSaving' });
		expect(Object.keys(hourly.json)).toEqual(HOURLY_KEYS);
		const orders = await runBybit(creds, { resource: 'earn', operation: 'getOrderHistory', category: 'FlexibleSaving', returnAll: true });
		expect(orders.map((o) => o.json.orderType)).toEqual(['Redeem', 'Stake', 'Stake']);
		expect(Object.keys(orders[0].json)).toEqual(ORDER_KEYS);
		const [product] = await runBybit(creds, { resource: 'earn', operation: 'getProducts', category: 'FlexibleSaving', additionalFields: { coin: 'USDT' } });
		expect(Object.keys(product.json)).toEqual(PRODUCT_KEYS);
		expect(product.json).toMatchObject({ estimateApr: '5.32%', precision: '8', term: 0, rewardIntervalMinute: 0 });
	});

	it('On-Chain stakes only from FUND, redeems a position by its ID, and an over-redeem or a wrong coin is refused with Bybit\'s earn codes', async () => {
		await expect(runBybit(creds, { ...STAKE, category: 'OnChain', productId: '9', accountType: 'UNIFIED', amount: '100' })).rejects.toThrow(/FUND only/);
		expect(placed()).toEqual([]);
		await runBybit(creds, { ...STAKE, category: 'OnChain', productId: '9', amount: '100' });
		const [position] = await runBybit(creds, { resource: 'earn', operation: 'getPositions', category: 'OnChain' });
		expect(position.json).toMatchObject({ productId: '9', amount: '100', status: 'Active', autoReinvest: '' });
		const id = String(position.json.id);
		await expect(runBybit(creds, { ...STAKE, category: 'OnChain', orderType: 'Redeem', productId: '9', amount: '100.5', additionalFields: { redeemPositionId: id } })).rejects.toThrow(/Redeem share/);
		await expect(runBybit(creds, { ...STAKE, coin: 'BTC', amount: '1' })).rejects.toThrow(/Invalid coin/);
		const fund = await balance('FUND', 'USDT');
		await runBybit(creds, { ...STAKE, category: 'OnChain', orderType: 'Redeem', productId: '9', amount: '100', additionalFields: { redeemPositionId: id } });
		expect(await balance('FUND', 'USDT')).toBeGreaterThanOrEqual(fund + 100);
		expect(await runBybit(creds, { resource: 'earn', operation: 'getPositions', category: 'OnChain' })).toEqual([]);
	});
});

describe('earn: Stake / Redeem is write-once by orderLinkId', () => {
	it('generates an orderLinkId when empty (Bybit requires one)', async () => {
		const [out] = await runBybit(creds, { ...STAKE, amount: '10' });
		expect(out.json.orderLinkId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
		expect(JSON.parse(placed()[0].body).orderLinkId).toBe(out.json.orderLinkId);
	});

	it('a lost answer is looked up by orderLinkId before any re-send: one order, its ID reported', async () => {
		const fund = await balance('FUND', 'USDT');
		sandbox.control.acceptThenDrop(1, '/v5/earn/place-order');
		const [out] = await runBybit(creds, { ...STAKE, amount: '10', additionalFields: { orderLinkId: 'lost-1' } });
		expect(out.json).toMatchObject({ orderLinkId: 'lost-1', recovered: 'lostResponse' });
		expect(placed()).toHaveLength(1);
		const orders = await runBybit(creds, { resource: 'earn', operation: 'getOrderHistory', category: 'FlexibleSaving', returnAll: true });
		expect(orders.map((o) => o.json.orderId)).toEqual([out.json.orderId]);
		expect(await balance('FUND', 'USDT')).toBeCloseTo(fund - 10, 8);
	});

	it('a repeated orderLinkId returns the existing order (180025), never a second stake', async () => {
		const [first] = await runBybit(creds, { ...STAKE, amount: '10', additionalFields: { orderLinkId: 'dup-1' } });
		const fund = await balance('FUND', 'USDT');
		const [second] = await runBybit(creds, { ...STAKE, amount: '10', additionalFields: { orderLinkId: 'dup-1' } });
		expect(second.json).toMatchObject({ orderId: first.json.orderId, orderLinkId: 'dup-1', recovered: 'duplicateOrderLinkId' });
		expect((second.json.order as IDataObject).status).toBe('Success');
		expect(await balance('FUND', 'USDT')).toBe(fund);
	});

	it('an orderLinkId Bybit would refuse (over 36 characters) is refused before sending', async () => {
		await expect(runBybit(creds, { ...STAKE, amount: '10', additionalFields: { orderLinkId: 'x'.repeat(37) } })).rejects.toThrow(/"orderLinkId" must be at most 36/);
		expect(placed()).toEqual([]);
	});
});

describe('earn: permissions and limits', () => {
	it('a key without the "Earn" permission gets 10005 on private earn endpoints; products stay public', async () => {
		const key = sandbox.control.createKey({ apiKey: 'NOEARNKEY000000000', permissions: { Wallet: ['AccountTransfer'] } });
		const noEarn = sandboxCredentials(sandbox.restUrl, key.apiKey, key.secret);
		await expect(runBybit(noEarn, { ...STAKE, amount: '10' })).rejects.toThrow(/Permission denied/);
		await expect(runBybit(noEarn, { resource: 'earn', operation: 'getPositions', category: 'FlexibleSaving' })).rejects.toThrow(/Permission denied/);
		expect((await runBybit(noEarn, { resource: 'earn', operation: 'getProducts', category: 'OnChain' })).length).toBeGreaterThan(0);
	});

	it('a read-only credential refuses stake and redeem before sending; a read-only API key gets 10005', async () => {
		const readOnly = { ...creds, readOnly: true };
		await expect(runBybit(readOnly, { ...STAKE, amount: '10' })).rejects.toThrow(/read-only mode/);
		expect(placed()).toEqual([]);
		expect(await runBybit(readOnly, { resource: 'earn', operation: 'getPositions', category: 'FlexibleSaving' })).toEqual([]);
		const key = sandbox.control.createKey({ apiKey: 'READONLYEARN000000', readOnly: true });
		await expect(runBybit(sandboxCredentials(sandbox.restUrl, key.apiKey, key.secret), { ...STAKE, amount: '10' })).rejects.toThrow(/Permission denied/);
	});

	it('a cap or an allow-list does not bound a stake (it trades no symbol): documented, not refused', async () => {
		const limited = { ...creds, maxOrderNotional: 1, allowedSymbols: 'BTCUSDT' };
		const [out] = await runBybit(limited, { ...STAKE, amount: '500' });
		expect(out.json.orderId).toBeDefined();
	});
});
