/**
 * What an alert waits for before its order leaves (P7): a warm alert sends only the create; a cold
 * one (every cache expired: the usual alert minutes after the last) reads the instrument, the check
 * price and the position mode side by side, not one after another. Checked on the sandbox's wire,
 * with each look-up answer delayed so that a sequential path would show.
 */
import { clearPositionModeCache } from '../../../nodes/Bybit/actions/positionIdx';
import { clearInstrumentCache } from '../../../nodes/Bybit/trading/instruments';
import { resetRateLimiter } from '../../../nodes/Bybit/transport/rateLimiter';
import { runBybit, sandboxCredentials } from '../../harness/execute';
import { startSandbox, type Sandbox } from '../../sandbox';

const DELAY_MS = 1000;

describe('createFromSignal: look-ups before the order', () => {
	let sandbox: Sandbox;
	beforeEach(async () => {
		resetRateLimiter();
		clearInstrumentCache();
		clearPositionModeCache();
		sandbox = await startSandbox({ port: 0 });
	});
	afterEach(async () => {
		await sandbox.close();
	});

	const alert = (id: string) => ({ id, ticker: 'BYBIT:BTCUSDT.P', action: 'buy', contracts: '0.001', market_position: 'long', prev_market_position: 'long', time: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z') });
	const send = async (id: string) => {
		const { apiKey, secret } = sandbox.control.defaultKey;
		const seen = sandbox.control.requests().length;
		const out = await runBybit(sandboxCredentials(sandbox.restUrl, apiKey, secret), { resource: 'order', operation: 'createFromSignal', category: 'linear', alert: alert(id), qtyType: 'alert', maxAlertAge: 120, options: {} });
		const log = sandbox.control.requests().slice(seen);
		return { out: out.map((o) => o.json), requests: log.map((r) => `${r.method} ${r.path}`), times: log.map((r) => r.time) };
	};

	test('cold: the three look-ups go out together, so the order waits one delayed answer, not three', async () => {
		sandbox.control.delayNext(2, DELAY_MS, '/v5/market/');
		sandbox.control.delayNext(1, DELAY_MS, '/v5/position/');
		const cold = await send('lat-cold');
		expect(cold.out[0]).toMatchObject({ intent: 'open', orderLinkId: 'tv-lat-cold' });
		expect([...cold.requests].sort()).toEqual(['GET /v5/market/instruments-info', 'GET /v5/market/tickers', 'GET /v5/position/list', 'POST /v5/order/create']);
		expect(cold.requests[cold.requests.length - 1]).toBe('POST /v5/order/create');
		// on the wire, not by the clock of a busy machine: every look-up arrived before the first one could be answered
		// (one after another, each would wait DELAY_MS for the previous answer), and the create after the last answer
		const lookups = cold.times.slice(0, 3);
		expect(Math.max(...lookups) - Math.min(...lookups)).toBeLessThan(DELAY_MS);
		expect(cold.times[3]).toBeGreaterThanOrEqual(Math.max(...lookups) + DELAY_MS - 5);
	});

	test('a kept position mode that went stale: Bybit refuses once, the order goes again with the mode read fresh', async () => {
		await send('lat-mode-1');
		const { apiKey, secret } = sandbox.control.defaultKey;
		// the user switches BTCUSDT to hedge mode (after closing the position) while the node keeps "one-way"
		await runBybit(sandboxCredentials(sandbox.restUrl, apiKey, secret), { resource: 'position', operation: 'closePosition', category: 'linear', symbol: { __rl: true, mode: 'id', value: 'BTCUSDT' }, positionIdx: 'all' });
		await runBybit(sandboxCredentials(sandbox.restUrl, apiKey, secret), { resource: 'position', operation: 'switchPositionMode', category: 'linear', symbol: { __rl: true, mode: 'id', value: 'BTCUSDT' }, mode: 3 });
		const next = await send('lat-mode-2');
		expect(next.out[0]).toMatchObject({ intent: 'open', orderLinkId: 'tv-lat-mode-2' });
		const creates = sandbox.control.requests().filter((r) => r.path === '/v5/order/create' && r.body.includes('tv-lat-mode-2'));
		expect(creates.map((r) => [r.retCode, JSON.parse(r.body).positionIdx])).toEqual([
			[10001, 0],
			[0, 1],
		]);
	});

	test('warm: a second alert sends only the order', async () => {
		await send('lat-1');
		const warm = await send('lat-2');
		expect(warm.out[0]).toMatchObject({ intent: 'open', orderLinkId: 'tv-lat-2' });
		expect(warm.requests).toEqual(['POST /v5/order/create']);
	});
});
