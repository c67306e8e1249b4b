/**
 * Issue #13, observation 7: two executions of 2,500 getTickers items each
 * (plus one placing quote-sized market orders under a notional limit, whose
 * instrument, ticker and safety-check look-ups count too) against one
 * sandbox. Counted on the sandbox's side (its request log, arrival times):
 * no 5-second window ever holds more than the budget (500; Bybit bans above
 * 600), and every item still gets its answer. Takes about 50 s: 5,000+
 * requests at 100 per second is the point.
 */

import { IP_BUDGET } from '../../../../nodes/Bybit/transport/ipBudget';
import { runBybit, sandboxCredentials } from '../../../harness/execute';
import { busiestWindow } from '../../../harness/windows';
import { useTradingSandbox } from '../../../harness/tradingSandbox';
import type { Sandbox } from '../../../sandbox';

jest.setTimeout(180_000);

let sandbox: Sandbox;
let creds: ReturnType<typeof sandboxCredentials>;
useTradingSandbox((s, c) => {
	sandbox = s;
	creds = c;
});


it('two executions of 2,500 getTickers items and an order flow with look-ups never exceed the IP budget in any 5 s window', async () => {
	const TICKERS = 2_500;
	const ORDERS = 30;
	const tickers = () =>
		runBybit(creds, { resource: 'market', operation: 'getTickers', category: 'linear', symbol: 'BTCUSDT', returnAll: true, additionalFields: {} }, {
			items: Array.from({ length: TICKERS }, () => ({})),
		});
	const guarded = { ...creds, maxOrderNotional: 1000 };
	const orders = runBybit(
		guarded,
		(i) => ({
			resource: 'order', operation: 'create', category: 'linear', symbol: 'BTCUSDT', side: 'Buy', orderType: 'Market', qtyType: 'quote', qty: '200',
			positionIdx: '0', orderLinkId: `budget-${i}`, additionalFields: {}, options: {},
		}),
		{ items: Array.from({ length: ORDERS }, () => ({})), continueOnFail: true },
	);
	const started = Date.now();
	const [a, b, placed] = await Promise.all([tickers(), tickers(), orders]);
	const seconds = (Date.now() - started) / 1000;

	expect(a).toHaveLength(TICKERS);
	expect(b).toHaveLength(TICKERS);
	expect([...a, ...b].every((o) => o.json.symbol === 'BTCUSDT')).toBe(true);
	expect(placed.map((o) => o.json.error).filter(Boolean)).toEqual([]);
	expect(placed).toHaveLength(ORDERS);

	const log = sandbox.control.requests();
	const lookups = log.filter((r) => r.path === '/v5/market/tickers').length - 2 * TICKERS;
	expect(lookups).toBeGreaterThanOrEqual(ORDERS); // sizing and the notional check read the price
	expect(log.some((r) => r.path === '/v5/market/instruments-info')).toBe(true);
	const busiest = busiestWindow(log.map((r) => r.time), IP_BUDGET.windowMs);
	process.stdout.write(
		`IP budget: ${log.length} requests (${2 * TICKERS} tickers items, ${lookups} ticker look-ups, ${ORDERS} orders) in ${seconds.toFixed(1)} s; ` +
			`busiest 5 s window ${busiest} (budget ${IP_BUDGET.limit}, Bybit's ban above 600)\n`,
	);
	expect(busiest).toBeLessThanOrEqual(IP_BUDGET.limit);
	// waiting, not starving: the budget was used, not left idle (at least 80% of 100/s on average)
	expect(log.length / seconds).toBeGreaterThan(0.8 * (IP_BUDGET.limit / (IP_BUDGET.windowMs / 1000)));
});
