/**
 * Spot margin end to end on the sandbox, through the node: a spot order with
 * Is Leverage 1 is refused while spot margin is off; switched on with
 * leverage 4 it borrows (a liability, an effective leverage above 1), and
 * spot margin cannot be switched off until the debt is repaid. The
 * credential's limits still value every margin order; a key without Spot
 * trade permission cannot switch it.
 */
import type { ICredentialDataDecryptedObject, IDataObject } from 'n8n-workflow';

import { rl, runBybit, sandboxCredentials } from '../../../harness/execute';
import { useTradingSandbox } from '../../../harness/tradingSandbox';
import type { Sandbox } from '../../../sandbox';

let sandbox: Sandbox;
let creds: ICredentialDataDecryptedObject;
useTradingSandbox((s, c) => {
	sandbox = s;
	creds = c;
});

const op = async (operation: string, params: IDataObject = {}, c = creds) => (await runBybit(c, { resource: 'spotMargin', operation, ...params }))[0].json;
const marginBuy = (usdt: string, c = creds, orderLinkId = 'margin-1') =>
	runBybit(c, { resource: 'order', operation: 'create', category: 'spot', symbol: rl('BTCUSDT'), side: 'Buy', orderType: 'Market', qty: usdt, orderLinkId, additionalFields: { isLeverage: 1 } });
const usdt = async () => Number(((await runBybit(creds, { resource: 'account', operation: 'getWalletBalance', accountType: 'UNIFIED', additionalFields: { coin: 'USDT' } }))[0].json.coin as IDataObject[])[0].walletBalance);

describe('spot margin on the sandbox', () => {
	it('switch on, set leverage, place an isLeverage=1 spot order: it borrows; switching off waits for the repayment', async () => {
		expect(await op('getStatus')).toEqual({ spotLeverage: '', spotMarginMode: '0', effectiveLeverage: '1' });
		await expect(marginBuy('150000', creds, 'margin-off')).rejects.toThrow(/170036/);
		expect(await op('switchMode', { spotMarginMode: '1' })).toEqual({ spotMarginMode: '1' });
		await op('setLeverage', { leverage: '4' });
		expect(await op('getStatus')).toMatchObject({ spotLeverage: '4', spotMarginMode: '1' });
		const balance = await usdt();
		// above the balance, within balance x leverage
		const [order] = await marginBuy(String(Math.round(balance + 50_000)));
		expect(order.json.orderId).toBeTruthy();
		const [filled] = await runBybit(creds, { resource: 'order', operation: 'getOrderHistory', category: 'spot', symbol: rl('BTCUSDT'), additionalFields: { orderLinkId: 'margin-1' } });
		expect(filled.json).toMatchObject({ orderStatus: 'Filled', isLeverage: '1' });
		const liability = await op('getLiability', { currency: rl('USDT') });
		expect(Number(liability.totalBorrowAmount)).toBeCloseTo(50_000, 0);
		expect(liability.totalBorrowAmount).toMatch(/^\d+\.\d{8}$/);
		expect(Number((await op('getStatus')).effectiveLeverage)).toBeGreaterThan(1);
		await expect(op('switchMode', { spotMarginMode: '0' })).rejects.toThrow(/176138/);
		sandbox.control.fund('USDT', '60000');
		expect(await op('switchMode', { spotMarginMode: '0' })).toEqual({ spotMarginMode: '0' });
		await expect(op('setLeverage', { leverage: '4' })).rejects.toThrow(/176038/);
	});

	it('an order beyond available balance x the borrowed coin\'s leverage is refused (170131); leverage out of range (176034)', async () => {
		await op('switchMode', { spotMarginMode: '1' });
		await expect(op('setLeverage', { leverage: '1' })).rejects.toThrow(/176034/);
		await expect(op('setLeverage', { leverage: '5', additionalFields: { currency: 'BTC' } })).resolves.toBeDefined();
		await expect(op('setLeverage', { leverage: '6', additionalFields: { currency: 'BTC' } })).rejects.toThrow(/176034/);
		await op('setLeverage', { leverage: '2' });
		// a buy borrows USDT: the account's available balance (USD, every collateral coin) x 2
		const available = Number((await runBybit(creds, { resource: 'account', operation: 'getWalletBalance', accountType: 'UNIFIED' }))[0].json.totalAvailableBalance);
		await expect(marginBuy(String(Math.round(available * 2 + 1000)))).rejects.toThrow(/170131/);
		await expect(marginBuy(String(Math.round(available * 2 - 1000)))).resolves.toHaveLength(1);
	});

	it('the credential\'s cap values margin orders like any spot order; switching touches no symbol', async () => {
		const capped = { ...creds, maxOrderNotional: 1000, allowedSymbols: 'ETHUSDT' };
		expect(await op('switchMode', { spotMarginMode: '1' }, capped)).toEqual({ spotMarginMode: '1' });
		await expect(marginBuy('5000', { ...creds, maxOrderNotional: 1000 })).rejects.toThrow(/exceeds the credential's maximum of 1000/);
		await expect(op('switchMode', { spotMarginMode: '0' }, { ...creds, readOnly: true })).rejects.toThrow(/read-only/);
		expect(sandbox.control.requests().filter((r) => r.path === '/v5/order/create')).toEqual([]);
	});

	it('a key without Spot trade permission cannot switch spot margin (10005) but reads its state', async () => {
		const k = sandbox.control.createKey({ apiKey: 'no-spot', secret: 'no-spot-secret', permissions: { ContractTrade: ['Order', 'Position'] } });
		const c = sandboxCredentials(sandbox.restUrl, k.apiKey, 'no-spot-secret');
		await expect(op('switchMode', { spotMarginMode: '1' }, c)).rejects.toThrow(/10005/);
		expect(await op('getStatus', {}, c)).toMatchObject({ spotMarginMode: '0' });
		expect((await runBybit(c, { resource: 'spotMargin', operation: 'getPositionTiers', additionalFields: { currency: 'BTC' } }))[0].json).toMatchObject({ currency: 'BTC', positionTiersRatioList: expect.any(Array) });
	});

	it('fixed-rate borrowing: quotes, a FULL order filled from the offers, the loan as fixed liability, a renewal; capped on the wire', async () => {
		const quotes = (await runBybit(creds, { resource: 'spotMargin', operation: 'getFixedBorrowQuote', orderCurrency: rl('ETH'), returnAll: true })).map((i) => i.json);
		expect(quotes.length).toBeGreaterThan(3);
		await expect(op('fixedBorrow', { orderCurrency: rl('ETH'), orderAmount: '5', annualRate: '0.05', term: '30', additionalFields: { strategyType: 'FULL' } })).resolves.toMatchObject({ orderId: expect.stringMatching(/^FIXED_BORROW_/) });
		const [order] = await runBybit(creds, { resource: 'spotMargin', operation: 'getFixedBorrowOrders', returnAll: true });
		// 30 days at <= 5%: only the 0.6 ETH offer at 3.3%; FULL refuses a partial fill
		expect(order.json).toMatchObject({ state: 4, filledQty: '0.000000000000000000' });
		await op('fixedBorrow', { orderCurrency: rl('ETH'), orderAmount: '5', annualRate: '0.1', term: '30' });
		const contracts = (await runBybit(creds, { resource: 'spotMargin', operation: 'getFixedBorrowContracts', returnAll: true })).map((i) => i.json);
		expect(contracts).toEqual([expect.objectContaining({ borrowCurrency: 'ETH', residualPrincipal: '5.000000000000000000', status: 1 })]);
		expect(await op('getLiability', { currency: rl('ETH') })).toMatchObject({ fixedBorrowAmount: '5.00000000', totalBorrowAmount: '5.00000000' });
		expect(await op('renewFixedBorrow', { loanId: contracts[0].loanId, additionalFields: { qty: '2' } })).toEqual({ loanId: contracts[0].loanId, result: 'Success' });
		const after = (await runBybit(creds, { resource: 'spotMargin', operation: 'getFixedBorrowContracts', returnAll: true })).map((i) => i.json.residualPrincipal);
		expect(after).toEqual(['2.000000000000000000', '3.000000000000000000']);
		sandbox.control.clearRequests();
		await expect(op('fixedBorrow', { orderCurrency: rl('ETH'), orderAmount: '1', annualRate: '0.1', term: '30' }, { ...creds, maxOrderNotional: 1000 })).rejects.toThrow(/Borrowing 1 ETH is worth 32\d\d(\.\d+)? USD, above the credential's maximum of 1000/);
		await expect(op('renewFixedBorrow', { loanId: contracts[0].loanId }, { ...creds, maxOrderNotional: 1000 })).rejects.toThrow(/renewal names only the loan's ID/);
		expect(sandbox.control.requests().filter((r) => r.path.includes('fixedborrow'))).toEqual([]);
	});
});
