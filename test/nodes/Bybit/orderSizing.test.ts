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

const create = (extra: Record<string, unknown>) => ({ resource: 'order', operation: 'create', category: 'linear', symbol: rl('BTCUSDT'), side: 'Buy', orderType: 'Market', positionIdx: 'auto', ...extra });
const creates = () => sandbox.control.requests().filter((r) => r.path === '/v5/order/create');
const sent = () => JSON.parse(creates()[creates().length - 1].body) as IDataObject;

async function wallet(): Promise<IDataObject> {
	const [item] = await runBybit(creds, { resource: 'account', operation: 'getWalletBalance', accountType: 'UNIFIED' });
	return item.json;
}

describe('order.create sizing, rounding and dry run', () => {
	it('sizes a quote amount at the last price, rounded down to qtyStep', async () => {
		await runBybit(creds, create({ qtyType: 'quote', qty: '1000' }));
		expect(sent()).toMatchObject({ qty: '0.015', orderType: 'Market' }); // 1000 / 65000 = 0.01538 -> 0.015
	});

	it('sizes a limit order at its own price and rounds the price so a buy never pays more', async () => {
		await runBybit(creds, create({ orderType: 'Limit', price: '64000.37', qtyType: 'quote', qty: '1000', options: { roundPrices: true } }));
		expect(sent()).toMatchObject({ price: '64000.3', qty: '0.015' });
	});

	it('sizes from a percentage of the available balance, with leverage', async () => {
		const w = await wallet();
		const [pos] = (await runBybit(creds, { resource: 'position', operation: 'getPositions', category: 'linear', symbol: rl('BTCUSDT'), simplify: false })).map((i) => i.json);
		await runBybit(creds, create({ qtyType: 'balancePercent', qty: '10' }));
		const notional = D.mul(D.div(D.mul(String(w.totalAvailableBalance), '10'), '100'), String(pos.leverage));
		expect(sent().qty).toBe(D.roundToStep(D.div(notional, '65000'), '0.001', 'floor'));
	});

	it('sizes from risk: equity x % / distance to the stop', async () => {
		const w = await wallet();
		await runBybit(creds, create({ qtyType: 'risk', qty: '1', additionalFields: { stopLoss: '64000' } }));
		expect(sent().qty).toBe(D.roundToStep(D.div(D.div(String(w.totalEquity), '100'), '1000'), '0.001', 'floor'));
		expect(sent().stopLoss).toBe('64000');
	});

	it('refuses a size that rounds to zero, naming the numbers, and sends nothing', async () => {
		await expect(runBybit(creds, create({ qtyType: 'quote', qty: '10' }))).rejects.toThrow(/rounds to 0 with qtyStep 0.001: increase the size \(minimum 0.001\)/);
		expect(creates()).toHaveLength(0);
	});

	it('dry run validates and returns the exact request without sending it', async () => {
		const [item] = await runBybit(creds, create({ qtyType: 'quote', qty: '1000', orderLinkId: 'dry-1', options: { dryRun: true } }));
		expect(item.json).toMatchObject({ dryRun: true, method: 'POST', path: '/v5/order/create', body: { qty: '0.015', orderLinkId: 'dry-1', positionIdx: 0 } });
		expect(creates()).toHaveLength(0);
	});

	it('dry run runs the credential\'s guardrails: a refused order is refused in the dry run too', async () => {
		const guarded = { ...creds, maxOrderNotional: 500, allowedSymbols: 'BTCUSDT' };
		await expect(runBybit(guarded, create({ qtyType: 'quote', qty: '1000', options: { dryRun: true } }))).rejects.toThrow(/exceeds the credential's maximum of 500 per order/);
		const [ok] = await runBybit(guarded, create({ qtyType: 'quote', qty: '400', options: { dryRun: true } }));
		expect(ok.json).toMatchObject({ dryRun: true, guardrails: 'passed', body: { qty: '0.006' } });
		expect(creates()).toHaveLength(0);
	});

	it('takes TP/SL as a percentage from the entry, rounded to the tick toward the entry', async () => {
		await runBybit(creds, create({ orderType: 'Limit', price: '64000', qty: '0.01', additionalFields: { takeProfit: '2.5', stopLoss: '1.03' }, options: { tpslUnit: 'percent' } }));
		expect(sent()).toMatchObject({ takeProfit: '65600', stopLoss: '63340.8' }); // 64000 x 1.025; 64000 x 0.9897 = 63340.8
		await runBybit(creds, create({ side: 'Sell', orderType: 'Limit', price: '66000', qty: '0.01', additionalFields: { takeProfit: '1.01', stopLoss: '1' }, options: { tpslUnit: 'percent' } }));
		expect(sent()).toMatchObject({ takeProfit: '65333.4', stopLoss: '66660' }); // short: 66000 x 0.9899 = 65333.4; 66000 x 1.01
	});

	it('takes TP/SL as ticks from the last price for a market order', async () => {
		await runBybit(creds, create({ qty: '0.01', additionalFields: { takeProfit: '100', stopLoss: '50' }, options: { tpslUnit: 'ticks' } }));
		expect(sent()).toMatchObject({ takeProfit: '65010', stopLoss: '64995' }); // tick 0.10
	});

	it('refuses a TP/SL distance that is not positive, naming the field', async () => {
		await expect(runBybit(creds, create({ qty: '0.01', additionalFields: { stopLoss: '-2' }, options: { tpslUnit: 'percent' } }))).rejects.toThrow(/"stopLoss" must be 0 or above, got "-2"/);
		expect(creates()).toHaveLength(0);
	});

	it('refuses an additional field the category does not take (reduceOnly on spot) instead of dropping it, sending nothing', async () => {
		await expect(runBybit(creds, create({ category: 'spot', qty: '0.01', additionalFields: { reduceOnly: true, marketUnit: 'baseCoin' } }))).rejects.toThrow(
			/"reduceOnly" applies only to linear, inverse, option orders, not spot\. Remove Reduce Only from Additional Fields or change Category\./,
		);
		await expect(runBybit(creds, create({ qty: '0.01', additionalFields: { marketUnit: 'baseCoin' } }))).rejects.toThrow(/"marketUnit" applies only to spot orders, not linear/);
		expect(creates()).toHaveLength(0);
		await runBybit(creds, create({ category: 'spot', qty: '0.01', additionalFields: { marketUnit: 'baseCoin', reduceOnly: false } }));
		expect(sent()).toMatchObject({ category: 'spot', marketUnit: 'baseCoin' });
		expect(sent()).not.toHaveProperty('reduceOnly'); // a switch left off means nothing on spot
	});

	it('risk sizing without a stop says what is missing', async () => {
		await expect(runBybit(creds, create({ qtyType: 'risk', qty: '1' }))).rejects.toThrow(/Risk sizing needs a Stop Loss/);
		expect(creates()).toHaveLength(0);
	});
});
