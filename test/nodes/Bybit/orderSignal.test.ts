import type { ICredentialDataDecryptedObject, IDataObject } from 'n8n-workflow';

import { runBybit } from '../../harness/execute';
import { useTradingSandbox } from '../../harness/tradingSandbox';
import type { Sandbox } from '../../sandbox';

let sandbox: Sandbox;
let creds: ICredentialDataDecryptedObject;
useTradingSandbox((s, c) => {
	sandbox = s;
	creds = c;
});

const now = () => new Date().toISOString();
const signal = (alert: unknown, extra: Record<string, unknown> = {}) => ({
	resource: 'order',
	operation: 'createFromSignal',
	category: 'linear',
	alert,
	symbol: '',
	qtyType: 'alert',
	maxAlertAge: 120,
	alertSecret: '',
	linkIdPrefix: 'tv',
	dryRun: false,
	...extra,
});
const creates = () => sandbox.control.requests().filter((r) => r.path === '/v5/order/create');
const accepted = () => creates().filter((r) => r.retCode === 0).map((r) => JSON.parse(r.body) as IDataObject);

function position(symbol = 'BTCUSDT'): string {
	const p = (sandbox.control.getState().positions as IDataObject[]).find((row) => row.symbol === symbol && row.category === 'linear' && Number(row.size) > 0);
	return p ? `${p.side} ${Number(p.size)}` : 'flat';
}

describe('order.createFromSignal', () => {
	it('opens from a TradingView JSON alert, and the same alert twice places one order', async () => {
		const alert = { action: 'buy', contracts: '0.01', ticker: 'BYBIT:BTCUSDT.P', market_position: 'long', prev_market_position: 'flat', time: now(), id: 'strat-42' };
		const [first] = await runBybit(creds, signal(alert));
		expect(first.json).toMatchObject({ intent: 'open', symbol: 'BTCUSDT', orderLinkId: 'tv-strat-42' });
		const [second] = await runBybit(creds, signal(JSON.stringify(alert)));
		expect(second.json).toMatchObject({ recovered: 'duplicateOrderLinkId', orderLinkId: 'tv-strat-42' });
		expect(accepted()).toEqual([expect.objectContaining({ side: 'Buy', qty: '0.01', orderType: 'Market', positionIdx: 0, orderLinkId: 'tv-strat-42' })]);
		expect(position()).toBe('Buy 0.01');
	});

	it('closes on market_position flat, from TradingView\'s plain text (broken JSON)', async () => {
		await runBybit(creds, signal({ action: 'buy', contracts: '0.02', ticker: 'BTCUSDT', time: now(), id: 'o1' }));
		const text = `{"action": "sell", "contracts": 0.02, "ticker": "BYBIT:BTCUSDT.P", "market_position": "flat", "time": "${now()}", "id": "c1", "comment": {{strategy.order.comment}}}`;
		const [out] = await runBybit(creds, signal(text));
		expect(out.json).toMatchObject({ intent: 'close', closed: true, symbol: 'BTCUSDT' });
		expect(position()).toBe('flat');
		expect(accepted()[1]).toMatchObject({ side: 'Sell', qty: '0.020', reduceOnly: true, orderLinkId: 'tv-c1-1' });
	});

	it('flips a long to a short in one order (one-way mode); a repeated flip alert is a no-op', async () => {
		await runBybit(creds, signal({ action: 'buy', contracts: '0.01', ticker: 'BTCUSDT', time: now(), id: 'o2' }));
		const flip = { action: 'sell', contracts: '0.02', position_size: '-0.01', ticker: 'BTCUSDT', market_position: 'short', prev_market_position: 'long', time: now(), id: 'f1' };
		const [out] = await runBybit(creds, signal(flip));
		expect(out.json).toMatchObject({ intent: 'flip', from: 'Buy 0.010', to: 'Sell 0.01' });
		expect(accepted()[1]).toMatchObject({ side: 'Sell', qty: '0.02', orderLinkId: 'tv-f1' });
		expect(position()).toBe('Sell 0.01');
		const [again] = await runBybit(creds, signal(flip));
		expect(again.json).toMatchObject({ intent: 'flip', flipped: false });
		expect(accepted()).toHaveLength(2);
	});

	it('sizes a quote amount instead of the alert\'s contracts', async () => {
		await runBybit(creds, signal({ action: 'buy', contracts: '5', ticker: 'BTCUSDT', time: now(), id: 'q1' }, { qtyType: 'quote', qty: '1300' }));
		expect(accepted()[0]).toMatchObject({ qty: '0.02' }); // 1300 / 65000
	});

	it('refuses a stale alert and a wrong secret before sending anything, never echoing the secret', async () => {
		const old = new Date(Date.now() - 600_000).toISOString();
		await expect(runBybit(creds, signal({ action: 'buy', contracts: '0.01', ticker: 'BTCUSDT', time: old }))).rejects.toThrow(/is 600 s old, more than the allowed 120 s/);
		const wrong = runBybit(creds, signal({ action: 'buy', contracts: '0.01', ticker: 'BTCUSDT', time: now(), secret: 'guess-1' }, { alertSecret: 'hunter2-long-secret' }));
		await expect(wrong).rejects.toThrow(/secret does not match/);
		await wrong.catch((e: Error) => {
			expect(JSON.stringify(e)).not.toContain('hunter2-long-secret');
			expect(e.message).not.toContain('hunter2-long-secret');
		});
		expect(sandbox.control.requests()).toHaveLength(0);
	});

	it('accepts the right secret and does not output it', async () => {
		const [out] = await runBybit(creds, signal({ action: 'buy', contracts: '0.01', ticker: 'BTCUSDT', time: now(), secret: 'hunter2-long-secret', id: 's1' }, { alertSecret: 'hunter2-long-secret' }));
		expect(JSON.stringify(out.json)).not.toContain('hunter2-long-secret');
		expect(accepted()).toHaveLength(1);
	});

	it('a TradingView id with {{timenow}} trades under a derived orderLinkId; a bad prefix is refused before sending', async () => {
		const alert = { action: 'buy', contracts: '0.01', ticker: 'BYBIT:BTCUSDT.P', time: now(), id: 'Long Entry-2026-11-30T13:49:50Z' };
		const [out] = await runBybit(creds, signal(alert));
		expect(out.json).toMatchObject({ intent: 'open', symbol: 'BTCUSDT', orderLinkId: 'tv-LongEntry2026-a0674a2c6830e259' });
		expect(accepted()).toEqual([expect.objectContaining({ symbol: 'BTCUSDT', orderLinkId: 'tv-LongEntry2026-a0674a2c6830e259' })]);
		await expect(runBybit(creds, signal({ ...alert, id: 'x2' }, { linkIdPrefix: 'my prefix' }))).rejects.toThrow(/"linkIdPrefix" must be at most 16 letters, digits, - and _/);
		expect(creates()).toHaveLength(1);
	});

	it('dry run sizes the order and sends nothing', async () => {
		const [out] = await runBybit(creds, signal({ action: 'sell', contracts: '0.0157', ticker: 'BTCUSDT', time: now(), id: 'd1' }, { dryRun: true }));
		expect(out.json).toMatchObject({ dryRun: true, guardrails: 'passed', body: { side: 'Sell', qty: '0.015', orderLinkId: 'tv-d1' } }); // rounded down to qtyStep 0.001
		expect(creates()).toHaveLength(0);
	});

	it('a spot close sells the free base coin balance', async () => {
		await runBybit(creds, signal({ action: 'buy', contracts: '0.01', ticker: 'BTCUSDT', time: now(), id: 'sp1' }, { category: 'spot', qtyType: 'base', qty: '0.01' }));
		const [out] = await runBybit(creds, signal({ action: 'sell', ticker: 'BTCUSDT', market_position: 'flat', time: now(), id: 'sp2' }, { category: 'spot' }));
		expect(out.json).toMatchObject({ intent: 'close', closed: true });
		const [buy, sell] = accepted();
		expect(buy).toMatchObject({ category: 'spot', side: 'Buy', qty: '0.01', marketUnit: 'baseCoin' });
		expect(sell).toMatchObject({ category: 'spot', side: 'Sell', marketUnit: 'baseCoin', orderLinkId: 'tv-sp2' });
	});
});
