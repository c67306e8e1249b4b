/**
 * Account extras against the sandbox: borrow and repay move the unified
 * wallet, the transferable amount (GET /v5/account/withdrawal) is a read under
 * every credential setting, answers without a result still give an item, and
 * Request Demo Funds runs only where demo funds exist.
 */
import type { IDataObject } from 'n8n-workflow';

import { runBybit, sandboxCredentials } from '../../../harness/execute';
import type { SentRequest } from '../../../harness/http';
import { useTradingSandbox } from '../../../harness/tradingSandbox';
import type { Sandbox } from '../../../sandbox';

jest.setTimeout(60_000);

let sandbox: Sandbox;
let creds: ReturnType<typeof sandboxCredentials>;
useTradingSandbox((s, c) => {
	sandbox = s;
	creds = c;
});

async function unified(coin: string): Promise<number> {
	const [out] = await runBybit(creds, { resource: 'account', operation: 'getWalletBalance', accountType: 'UNIFIED', additionalFields: { coin } });
	return Number(((out.json.coin as IDataObject[])[0]).walletBalance);
}
const onPath = (path: string) => sandbox.control.requests().filter((r) => r.path === path);

describe('account extras: borrow and repay', () => {
	it('a borrow adds the coin, a repay takes it back; repaying more than is owed is refused (176017)', async () => {
		const btc = await unified('BTC');
		expect((await runBybit(creds, { resource: 'account', operation: 'borrow', coin: 'BTC', amount: '0.25' }))[0].json).toEqual({ coin: 'BTC', amount: '0.25' });
		expect(await unified('BTC')).toBeCloseTo(btc + 0.25, 10);
		await expect(runBybit(creds, { resource: 'account', operation: 'repayWithoutConversion', coin: 'BTC', additionalFields: { amount: '0.5' } })).rejects.toThrow(/exceeded the total liability/);
		const [out] = await runBybit(creds, { resource: 'account', operation: 'repayWithoutConversion', coin: 'BTC', additionalFields: { amount: '0.25' } });
		expect(out.json).toEqual({ resultStatus: 'SU' });
		expect(await unified('BTC')).toBeCloseTo(btc, 10);
		await expect(runBybit(creds, { resource: 'account', operation: 'repay', additionalFields: { repaymentType: 'ALL' } })).rejects.toThrow(/no liabilities/);
	});

	it('a read-only credential refuses borrow and repay before sending', async () => {
		const readOnly = { ...creds, readOnly: true };
		await expect(runBybit(readOnly, { resource: 'account', operation: 'borrow', coin: 'BTC', amount: '0.25' })).rejects.toThrow(/read-only mode/);
		await expect(runBybit(readOnly, { resource: 'account', operation: 'repay', additionalFields: { coin: 'BTC' } })).rejects.toThrow(/read-only mode/);
		expect(onPath('/v5/account/borrow')).toEqual([]);
		expect(onPath('/v5/account/repay')).toEqual([]);
	});

	it('under Max Order Notional a borrow is valued at amount x the coin\'s price, looked up on the spot ticker: above the cap nothing is sent', async () => {
		const capped = { ...creds, maxOrderNotional: 1000 };
		const price = Number(((await (await fetch(`${sandbox.restUrl}/v5/market/tickers?category=spot&symbol=BTCUSDT`)).json()) as { result: { list: IDataObject[] } }).result.list[0].ask1Price);
		await expect(runBybit(capped, { resource: 'account', operation: 'borrow', coin: 'BTC', amount: String(Math.ceil((1000 / price) * 1e4 + 1) / 1e4) })).rejects.toThrow(/Borrowing .* BTC is worth .* above the credential's maximum of 1000/);
		expect(onPath('/v5/account/borrow')).toEqual([]);
		const small = String(Math.floor((900 / price) * 1e4) / 1e4);
		expect((await runBybit(capped, { resource: 'account', operation: 'borrow', coin: 'BTC', amount: small }))[0].json).toEqual({ coin: 'BTC', amount: small });
		expect(onPath('/v5/account/borrow')).toHaveLength(1);
		await runBybit(creds, { resource: 'account', operation: 'repayWithoutConversion', coin: 'BTC', additionalFields: { amount: small } });
	});
});

describe('account extras: reads and settings', () => {
	it('the transferable amount is a read: served under read-only without Allow Withdrawals', async () => {
		const strict = { ...creds, readOnly: true, allowWithdrawals: false, maxOrderNotional: 10, allowedSymbols: 'BTCUSDT' };
		const [out] = await runBybit(strict, { resource: 'account', operation: 'getTransferableAmount', coinName: 'USDT,btc' });
		expect(Object.keys(out.json)).toEqual(['availableWithdrawal', 'availableWithdrawalMap']);
		expect(Object.keys(out.json.availableWithdrawalMap as IDataObject)).toEqual(['USDT', 'BTC']);
		expect(Number(out.json.availableWithdrawal)).toBeGreaterThan(0);
		await expect(runBybit(strict, { resource: 'account', operation: 'getTransferableAmount', coinName: Array.from({ length: 21 }, (_, n) => `C${n}`).join(',') })).rejects.toThrow(/at most 20 per request/);
	});

	it('answers without a result (spot hedging, MMP) still give one item: the settings sent', async () => {
		await runBybit(creds, { resource: 'account', operation: 'setMarginMode', setMarginMode: 'PORTFOLIO_MARGIN' });
		expect((await runBybit(creds, { resource: 'account', operation: 'setSpotHedging', setHedgingMode: 'ON' }))[0].json).toEqual({ setHedgingMode: 'ON' });
		expect((await runBybit(creds, { resource: 'account', operation: 'resetMmp', baseCoin: 'ETH' }))[0].json).toEqual({ baseCoin: 'ETH' });
		await runBybit(creds, { resource: 'account', operation: 'setMmp', baseCoin: 'ETH', window: '2000', frozenPeriod: '0', qtyLimit: '3.5', deltaLimit: '2' });
		const [state] = await runBybit(creds, { resource: 'account', operation: 'getMmpState', baseCoin: 'ETH' });
		expect(state.json).toMatchObject({ baseCoin: 'ETH', mmpEnabled: true, window: '2000', frozenPeriod: '0', qtyLimit: '3.5', deltaLimit: '2', vegaLimit: '500000', mmpFrozen: false });
	});
});

describe('account extras: Request Demo Funds', () => {
	it.each(['mainnet', 'testnet', 'eea'])('is refused on %s before anything is sent, naming the fix', async (environment) => {
		const sent: SentRequest[] = [];
		const run = runBybit({ ...creds, environment }, { resource: 'account', operation: 'requestDemoFunds', adjustType: 0, funds: { coin: [{ coin: 'USDT', amountStr: '100' }] } }, { sent });
		await expect(run).rejects.toThrow(new RegExp(`only on Demo Trading, but the credential's Environment is "${environment}".*Environment "Demo Trading"`));
		expect(sent).toEqual([]);
	});

	it('adds and removes demo funds on the unified wallet (a custom host: the sandbox)', async () => {
		const usdt = await unified('USDT');
		await runBybit(creds, { resource: 'account', operation: 'requestDemoFunds', adjustType: 0, funds: { coin: [{ coin: 'USDT', amountStr: '100000' }] } });
		expect(await unified('USDT')).toBeCloseTo(usdt + 100_000, 6);
		await runBybit(creds, { resource: 'account', operation: 'requestDemoFunds', adjustType: 1, funds: { coin: [{ coin: 'USDT', amountStr: '40000' }] } });
		expect(await unified('USDT')).toBeCloseTo(usdt + 60_000, 6);
		await expect(runBybit(creds, { resource: 'account', operation: 'requestDemoFunds', adjustType: 0, funds: {} })).rejects.toThrow(/"funds" is empty/);
		await expect(runBybit(creds, { resource: 'account', operation: 'requestDemoFunds', adjustType: 0, funds: { coin: [{ coin: 'USDT', amountStr: '1e5' }] } })).rejects.toThrow(/Funds entry 1: "amountStr" must be a decimal number/);
	});
});
