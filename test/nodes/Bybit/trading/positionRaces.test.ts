/**
 * Position operations raced by two executions (queue mode: the same alert on two workers, a
 * retried webhook): with an Order Link ID, their orders get ids derived from it, so Bybit accepts
 * one create and refuses the other as a duplicate, which returns the existing order. The position
 * ends where one run would leave it: no overshoot. Without an id the race can overshoot (shown).
 */
import type { IDataObject } from 'n8n-workflow';

import { clearPositionModeCache } from '../../../../nodes/Bybit/actions/positionIdx';
import { clearInstrumentCache } from '../../../../nodes/Bybit/trading/instruments';
import { createOrderOnce } from '../../../../nodes/Bybit/trading/orderCreate';
import { closeAll, flipPosition, setTargetPosition } from '../../../../nodes/Bybit/trading/positionOps';
import { type BybitContext } from '../../../../nodes/Bybit/transport';
import { resetRateLimiter } from '../../../../nodes/Bybit/transport/rateLimiter';
import { transportContext } from '../../../harness/loopback';
import { startSandbox, type Sandbox } from '../../../sandbox';

let sandbox: Sandbox;
let ctx: BybitContext;
let other: BybitContext;

beforeEach(async () => {
	resetRateLimiter();
	clearInstrumentCache();
	clearPositionModeCache();
	sandbox = await startSandbox({ port: 0, rateLimits: false });
	const { apiKey, secret } = sandbox.control.defaultKey;
	ctx = transportContext(sandbox.restUrl, secret, { apiKey });
	other = transportContext(sandbox.restUrl, secret, { apiKey });
});
afterEach(() => sandbox.close());

const signed = (symbol: string) => {
	const p = (sandbox.control.getState().positions as IDataObject[]).find((r) => r.symbol === symbol && r.category === 'linear' && Number(r.positionIdx) === 0);
	if (!p || Number(p.size) === 0) return 0;
	return p.side === 'Sell' ? -Number(p.size) : Number(p.size);
};
const accepted = () => sandbox.control.requests().filter((r) => r.path === '/v5/order/create' && r.retCode === 0).length;

describe('racing position operations with the same Order Link ID act once', () => {
	test('setTarget +0.05 twice at once: one order, the position is +0.05', async () => {
		const [a, b] = await Promise.all([
			setTargetPosition(ctx, 'linear', 'BTCUSDT', '0.05', 0, 'alert-77'),
			setTargetPosition(other, 'linear', 'BTCUSDT', '0.05', 0, 'alert-77'),
		]);
		expect(signed('BTCUSDT')).toBeCloseTo(0.05, 10);
		expect(accepted()).toBe(1);
		expect((a.orders as IDataObject[])[0].orderId).toBe((b.orders as IDataObject[])[0].orderId);
	});

	test('flip of a long 0.02 twice at once: short 0.02, not short 0.06', async () => {
		await createOrderOnce(ctx, { category: 'linear', symbol: 'BTCUSDT', side: 'Buy', orderType: 'Market', qty: '0.02', positionIdx: 0 });
		await Promise.all([flipPosition(ctx, 'linear', 'BTCUSDT', undefined, 0, 'flip-9'), flipPosition(other, 'linear', 'BTCUSDT', undefined, 0, 'flip-9')]);
		expect(signed('BTCUSDT')).toBeCloseTo(-0.02, 10);
	});

	test('closeAll twice at once: every position closed by one order each', async () => {
		await createOrderOnce(ctx, { category: 'linear', symbol: 'BTCUSDT', side: 'Buy', orderType: 'Market', qty: '0.01', positionIdx: 0 });
		await createOrderOnce(ctx, { category: 'linear', symbol: 'ETHUSDT', side: 'Sell', orderType: 'Market', qty: '0.1', positionIdx: 0 });
		const before = accepted();
		await Promise.all([closeAll(ctx, 'linear', undefined, 0, 'panic-1'), closeAll(other, 'linear', undefined, 0, 'panic-1')]);
		expect(signed('BTCUSDT')).toBe(0);
		expect(signed('ETHUSDT')).toBe(0);
		expect(accepted() - before).toBe(2);
	});

	test('without an id, the same race can overshoot (why the examples derive one from the alert)', async () => {
		await Promise.all([setTargetPosition(ctx, 'linear', 'ETHUSDT', '0.1', 0), setTargetPosition(other, 'linear', 'ETHUSDT', '0.1', 0)]);
		expect(signed('ETHUSDT')).toBeCloseTo(0.2, 10);
	});
});
