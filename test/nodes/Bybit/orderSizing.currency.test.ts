/**
 * Sandbox regressions for issue #13 observation 3 (sizing in the wrong
 * currency) and a negative quantity that used to pass: the sandbox account
 * holds 100,000 USDT, 1 BTC, 10,000 USDC and 10 ETH (about 207,000 USD with
 * BTC at 65,000), as in the reproduction.
 */
import type { ICredentialDataDecryptedObject, IDataObject } from 'n8n-workflow';

import * as D from '../../../nodes/Bybit/trading/decimalMath';
import { rl, runBybit } from '../../harness/execute';
import { useTradingSandbox } from '../../harness/tradingSandbox';
import type { Sandbox } from '../../sandbox';

let sandbox: Sandbox;
let creds: ICredentialDataDecryptedObject;
useTradingSandbox((s, c) => {
	sandbox = s;
	creds = c;
});

const creates = () => sandbox.control.requests().filter((r) => r.path === '/v5/order/create');
const sent = () => JSON.parse(creates()[creates().length - 1].body) as IDataObject;
const order = (extra: Record<string, unknown>) => ({ resource: 'order', operation: 'create', side: 'Buy', orderType: 'Market', positionIdx: 'auto', ...extra });

async function wallet(): Promise<IDataObject> {
	const [item] = await runBybit(creds, { resource: 'account', operation: 'getWalletBalance', accountType: 'UNIFIED' });
	return item.json;
}
const coinRow = (w: IDataObject, coin: string) => ((w.coin as IDataObject[]) ?? []).find((c) => c.coin === coin)!;
/** The coin's USD price as the wallet values it. */
const usdPrice = (w: IDataObject, coin: string) => D.div(String(coinRow(w, coin).usdValue), String(coinRow(w, coin).equity));

describe('inverse BTCUSD: risk and balance sized in BTC, quantity in USD contracts', () => {
	beforeEach(() => sandbox.control.setPrice('BTCUSD', { last: '60000', mark: '60000', index: '60000' }, 'inverse'));

	it('0.00001% risk of ~207,000 USD, entry 60,000, stop 59,000: 1 contract (was 73,278, losing 1,221 USD)', async () => {
		const w = await wallet();
		await runBybit(creds, order({ category: 'inverse', symbol: rl('BTCUSD'), qtyType: 'risk', qty: '0.00001', additionalFields: { stopLoss: '59000' } }));
		const qty = String(sent().qty);
		expect(qty).toBe('1');
		// loss at the stop: contracts x (1/59000 - 1/60000) BTC, valued at BTC's USD price; intended: equity x 0.00001%
		const lossUsd = D.mul(D.mul(qty, D.div('1000', D.mul('60000', '59000'), 30)), usdPrice(w, 'BTC'));
		const intended = D.div(D.mul(String(w.totalEquity), '0.00001'), '100');
		expect(D.compare(lossUsd, intended)).toBeLessThanOrEqual(0);
		expect(D.compare(String(w.totalEquity), '200000')).toBeGreaterThan(0);
	});

	it('10% of the available balance at the position\'s leverage: contracts / price <= available BTC x 10% x leverage', async () => {
		const w = await wallet();
		const [pos] = (await runBybit(creds, { resource: 'position', operation: 'getPositions', category: 'inverse', symbol: rl('BTCUSD'), simplify: false })).map((i) => i.json);
		await runBybit(creds, order({ category: 'inverse', symbol: rl('BTCUSD'), qtyType: 'balancePercent', qty: '10' }));
		const availableBtc = D.div(String(w.totalAvailableBalance), usdPrice(w, 'BTC'));
		const maxContracts = D.mul(D.mul(D.div(availableBtc, '10'), String(pos.leverage)), '60000');
		expect(sent().qty).toBe(D.roundToStep(maxContracts, '1', 'floor'));
	});
});

describe('spot ETHBTC: risk and balance sized in BTC, the quote coin', () => {
	beforeEach(() => sandbox.control.setPrice('ETHBTC', { last: '0.05' }, 'spot'));

	it('0.1% risk of ~207,000 USD, entry 0.05 BTC, stop 0.049 BTC: about 3.18 ETH (was about 207,000 ETH)', async () => {
		const w = await wallet();
		await runBybit(creds, order({ category: 'spot', symbol: rl('ETHBTC'), qtyType: 'risk', qty: '0.1', additionalFields: { stopLoss: '0.049' } }));
		const riskBtc = D.div(D.div(D.mul(String(w.totalEquity), '0.1'), '100'), usdPrice(w, 'BTC'));
		expect(sent()).toMatchObject({ symbol: 'ETHBTC', marketUnit: 'baseCoin', qty: D.roundToStep(D.div(riskBtc, '0.001'), '0.0001', 'floor') });
		expect(Number(sent().qty)).toBeGreaterThan(3);
		expect(Number(sent().qty)).toBeLessThan(3.3);
	});

	it('balance percent: a buy spends 10% of the free BTC, a sell sells 10% of the free ETH', async () => {
		const w = await wallet();
		const freeBtc = D.sub(String(coinRow(w, 'BTC').walletBalance), String(coinRow(w, 'BTC').locked));
		await runBybit(creds, order({ category: 'spot', symbol: rl('ETHBTC'), qtyType: 'balancePercent', qty: '10' }));
		expect(sent().qty).toBe(D.roundToStep(D.div(D.div(freeBtc, '10'), '0.05'), '0.0001', 'floor')); // 0.1 BTC / 0.05 = 2 ETH (was 414,000)
		const after = await wallet();
		const freeEth = D.sub(String(coinRow(after, 'ETH').walletBalance), String(coinRow(after, 'ETH').locked));
		await runBybit(creds, order({ category: 'spot', symbol: rl('ETHBTC'), side: 'Sell', qtyType: 'balancePercent', qty: '10' }));
		expect(sent()).toMatchObject({ side: 'Sell', qty: D.roundToStep(D.div(freeEth, '10'), '0.0001', 'floor') });
	});
});

describe('a negative or zero quantity is refused before anything is sent', () => {
	it.each([
		['dry run', { dryRun: true }],
		['real run', {}],
	])('%s', async (_, options) => {
		for (const qty of ['-0.01', '-1', '0', '-0']) {
			await expect(runBybit(creds, order({ category: 'linear', symbol: rl('BTCUSDT'), qtyType: 'base', qty, options }))).rejects.toThrow(/"qty" must be above 0, got "-?[0-9.]+"\. Give a positive decimal/);
		}
		expect(creates()).toHaveLength(0);
		expect(sandbox.control.requests()).toHaveLength(0);
	});
});
