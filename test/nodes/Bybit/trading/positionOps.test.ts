import type { IDataObject } from 'n8n-workflow';

import { createOrderOnce } from '../../../../nodes/Bybit/trading/orderCreate';
import { clearInstrumentCache } from '../../../../nodes/Bybit/trading/instruments';
import { breakevenStop, closeAll, closePosition, flipPosition, setTargetPosition } from '../../../../nodes/Bybit/trading/positionOps';
import { bybitApiRequest, type BybitContext } from '../../../../nodes/Bybit/transport';
import { resetRateLimiter } from '../../../../nodes/Bybit/transport/rateLimiter';
import { transportContext } from '../../../harness/loopback';
import { startSandbox, type Sandbox } from '../../../sandbox';

let sandbox: Sandbox;
let ctx: BybitContext;

beforeEach(async () => {
	resetRateLimiter();
	clearInstrumentCache();
	sandbox = await startSandbox({ port: 0, rateLimits: false });
	const { apiKey, secret } = sandbox.control.defaultKey;
	ctx = transportContext(sandbox.restUrl, secret, { apiKey });
});
afterEach(() => sandbox.close());

const market = (symbol: string, side: 'Buy' | 'Sell', qty: string, positionIdx = 0) =>
	createOrderOnce(ctx, { category: 'linear', symbol, side, orderType: 'Market', qty, positionIdx });

function position(symbol: string, positionIdx = 0): IDataObject | undefined {
	return (sandbox.control.getState().positions as IDataObject[]).find(
		(p) => p.symbol === symbol && Number(p.positionIdx) === positionIdx && p.category === 'linear',
	);
}

const sizeOf = (symbol: string, positionIdx = 0) => {
	const p = position(symbol, positionIdx);
	return p && Number(p.size) > 0 ? `${p.side} ${Number(p.size)}` : 'flat';
};

const createsSent = () => sandbox.control.requests().filter((r) => r.path === '/v5/order/create' && r.retCode === 0);

describe('position operations against the sandbox', () => {
	it('closePosition closes a one-way position with one reduce-only market order of the exact size', async () => {
		await market('BTCUSDT', 'Buy', '0.013');
		expect(sizeOf('BTCUSDT')).toBe('Buy 0.013');
		const result = await closePosition(ctx, 'linear', 'BTCUSDT', undefined);
		expect(result.closed).toBe(true);
		expect(sizeOf('BTCUSDT')).toBe('flat');
		const close = JSON.parse(createsSent()[1].body);
		expect(close).toMatchObject({ side: 'Sell', qty: '0.013', reduceOnly: true, orderType: 'Market', positionIdx: 0 });
		expect(close.orderLinkId).toMatch(/^close-[0-9a-f]{30}$/);
	});

	it('closePosition on a flat symbol is a clear no-op', async () => {
		const result = await closePosition(ctx, 'linear', 'ETHUSDT', undefined);
		expect(result).toMatchObject({ closed: false, orders: [] });
		expect(result.message).toMatch(/No open ETHUSDT position: nothing to close/);
		expect(createsSent()).toHaveLength(0);
	});

	it('in hedge mode closes only the requested side', async () => {
		await bybitApiRequest.call(ctx, { method: 'POST', path: '/v5/position/switch-mode', body: { category: 'linear', symbol: 'BTCUSDT', mode: 3 } });
		await market('BTCUSDT', 'Buy', '0.02', 1);
		await market('BTCUSDT', 'Sell', '0.01', 2);
		await closePosition(ctx, 'linear', 'BTCUSDT', 1);
		expect(sizeOf('BTCUSDT', 1)).toBe('flat');
		expect(sizeOf('BTCUSDT', 2)).toBe('Sell 0.01');
	});

	it('closePosition closes an option position with a reduce-only order and no positionIdx', async () => {
		const instruments = await bybitApiRequest.call(ctx, { method: 'GET', path: '/v5/market/instruments-info', qs: { category: 'option', baseCoin: 'BTC' } });
		const call = String((instruments.list as IDataObject[]).find((i) => String(i.symbol).endsWith('-60000-C'))!.symbol);
		await createOrderOnce(ctx, { category: 'option', symbol: call, side: 'Buy', orderType: 'Market', qty: '0.5', orderLinkId: 'opt-open-1' });
		const result = await closePosition(ctx, 'option', call, undefined);
		expect(result.closed).toBe(true);
		const close = JSON.parse(createsSent()[1].body);
		expect(close).toMatchObject({ category: 'option', symbol: call, side: 'Sell', reduceOnly: true, orderType: 'Market' });
		expect(close).not.toHaveProperty('positionIdx');
		const open = (sandbox.control.getState().positions as IDataObject[]).filter((p) => p.symbol === call && Number(p.size) > 0);
		expect(open).toHaveLength(0);
	});

	it('closePosition on spot sells the free base coin balance; a second close finds nothing to sell', async () => {
		const before = await bybitApiRequest.call(ctx, { method: 'GET', path: '/v5/account/wallet-balance', qs: { accountType: 'UNIFIED', coin: 'ETH' } });
		const eth = ((before.list as IDataObject[])[0].coin as IDataObject[])[0];
		const result = await closePosition(ctx, 'spot', 'ETHUSDT', undefined);
		expect(result.closed).toBe(true);
		const sell = JSON.parse(createsSent()[0].body);
		expect(sell).toMatchObject({ category: 'spot', side: 'Sell', orderType: 'Market', marketUnit: 'baseCoin' });
		expect(Number(sell.qty)).toBe(Number(eth.walletBalance) - Number(eth.locked)); // the whole free balance (a multiple of basePrecision here)
		const again = await closePosition(ctx, 'spot', 'ETHUSDT', undefined);
		expect(again).toMatchObject({ closed: false, orders: [] });
		expect(again.message).toMatch(/No ETH to sell for ETHUSDT \(free .*minimum order 0.00062\)/);
		expect(createsSent()).toHaveLength(1);
	});

	it('closeAll closes every open position in the settle coin', async () => {
		await market('BTCUSDT', 'Buy', '0.01');
		await market('ETHUSDT', 'Sell', '0.5');
		const results = await closeAll(ctx, 'linear', 'USDT');
		expect(results.map((r) => r.symbol).sort()).toEqual(['BTCUSDT', 'ETHUSDT']);
		expect(sizeOf('BTCUSDT')).toBe('flat');
		expect(sizeOf('ETHUSDT')).toBe('flat');
	});

	it('flip in one-way mode sends one order of old + new size', async () => {
		await market('BTCUSDT', 'Buy', '0.01');
		const result = await flipPosition(ctx, 'linear', 'BTCUSDT', undefined);
		expect(result).toMatchObject({ from: 'Buy 0.010', to: 'Sell 0.010' }); // sizes as Bybit writes them
		expect(sizeOf('BTCUSDT')).toBe('Sell 0.01');
		expect(JSON.parse(createsSent()[1].body)).toMatchObject({ side: 'Sell', qty: '0.02' });
		expect(createsSent()).toHaveLength(2);
	});

	it('setTarget moves a one-way position with the minimum order, reduce-only when shrinking', async () => {
		await setTargetPosition(ctx, 'linear', 'BTCUSDT', '0.03');
		expect(sizeOf('BTCUSDT')).toBe('Buy 0.03');
		await setTargetPosition(ctx, 'linear', 'BTCUSDT', '0.01');
		expect(sizeOf('BTCUSDT')).toBe('Buy 0.01');
		await setTargetPosition(ctx, 'linear', 'BTCUSDT', '-0.01');
		expect(sizeOf('BTCUSDT')).toBe('Sell 0.01');
		const bodies = createsSent().map((r) => JSON.parse(r.body));
		expect(bodies.map((b) => [b.side, b.qty, b.reduceOnly])).toEqual([
			['Buy', '0.03', false],
			['Sell', '0.02', true],
			['Sell', '0.02', false],
		]);
		const same = await setTargetPosition(ctx, 'linear', 'BTCUSDT', '-0.0104');
		expect(same.message).toMatch(/already at -0.01/);
	});

	it('breakeven moves the stop-loss to the entry price', async () => {
		await market('BTCUSDT', 'Buy', '0.01');
		sandbox.control.setPrice('BTCUSDT', { last: '66000', mark: '66000', index: '66000' }); // in profit: a stop at entry is valid
		const [row] = await breakevenStop(ctx, 'linear', 'BTCUSDT', undefined);
		expect(Number(position('BTCUSDT')!.stopLoss)).toBe(Number(row.stopLoss));
		expect(Number(row.stopLoss)).toBeGreaterThanOrEqual(Number(row.entry));
	});

	it('a create accepted by the exchange whose answer is lost yields exactly one order', async () => {
		sandbox.control.acceptThenDrop(1);
		const result = await createOrderOnce(ctx, { category: 'linear', symbol: 'BTCUSDT', side: 'Buy', orderType: 'Market', qty: '0.01', orderLinkId: 'alert-123' });
		expect(result).toMatchObject({ orderLinkId: 'alert-123', recovered: 'lostResponse' });
		const orders = (sandbox.control.getState().orders as IDataObject[]).filter((o) => o.orderLinkId === 'alert-123');
		expect(orders).toHaveLength(1);
		expect(sizeOf('BTCUSDT')).toBe('Buy 0.01');
	});
});
