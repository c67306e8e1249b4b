import {
	ageProblem,
	intentOf,
	orderLinkIdFromAlert,
	parseAlert,
	secretMatches,
	symbolFromTicker,
} from '../../../../nodes/Bybit/trading/signal';

describe('parseAlert', () => {
	it('reads the JSON template with TradingView placeholders filled', () => {
		const alert = parseAlert({
			secret: 's',
			id: 'L1',
			action: 'buy',
			contracts: '0.01',
			position: 'long',
			prev_position: 'flat',
			ticker: 'BYBIT:BTCUSDT.P',
			price: '64210.5',
			time: '2026-11-24T20:00:00Z',
		});
		expect(alert).toEqual({ secret: 's', id: 'L1', action: 'buy', contracts: '0.01', position: 'long', prevPosition: 'flat', ticker: 'BYBIT:BTCUSDT.P', price: '64210.5', time: '2026-11-24T20:00:00Z' });
	});

	it('reads broken JSON sent as text (an unfilled placeholder)', () => {
		const alert = parseAlert('{"action": "sell", "contracts": {{strategy.order.contracts}}, "ticker": "ETHUSDT.P", "position": "short"}');
		expect(alert.action).toBe('sell');
		expect(alert.ticker).toBe('ETHUSDT.P');
		expect(alert.position).toBe('short');
	});

	it('reads key=value text and bare words', () => {
		expect(parseAlert('action=buy\ncontracts=2\nticker=BTCUSDT')).toMatchObject({ action: 'buy', contracts: '2', ticker: 'BTCUSDT' });
		expect(parseAlert('sell 0.5 SOLUSDT')).toEqual({ action: 'sell', contracts: '0.5', ticker: 'SOLUSDT' });
		expect(() => parseAlert('hello there')).toThrow(/Could not read an action/);
		expect(() => parseAlert('')).toThrow(/empty/);
	});
});

describe('intentOf', () => {
	it.each([
		[{ action: 'buy', position: 'long', prevPosition: 'flat', contracts: '1' }, { intent: 'open', side: 'Buy', qty: '1' }],
		[{ action: 'sell', position: 'short', prevPosition: 'long', contracts: '2' }, { intent: 'flip', side: 'Sell', qty: '2' }],
		[{ action: 'sell', position: 'flat' }, { intent: 'close' }],
		[{ action: 'sell', position: 'long', prevPosition: 'long', contracts: '0.5' }, { intent: 'reduce', side: 'Sell', qty: '0.5' }],
		[{ action: 'buy', contracts: '3' }, { intent: 'open', side: 'Buy', qty: '3' }],
	])('%p', (alert, expected) => {
		expect(intentOf(alert)).toEqual(expected);
	});

	it('refuses unknown actions and positions, naming them', () => {
		expect(() => intentOf({ action: 'hold' })).toThrow(/must be buy or sell, got "hold"/);
		expect(() => intentOf({ action: 'buy', position: 'sideways' })).toThrow(/long, short or flat, got "sideways"/);
	});
});

describe('alert hygiene', () => {
	it('normalises TradingView tickers to Bybit symbols', () => {
		expect(symbolFromTicker('BYBIT:BTCUSDT.P')).toBe('BTCUSDT');
		expect(symbolFromTicker('ethusdt')).toBe('ETHUSDT');
	});

	it('refuses stale alerts', () => {
		const now = Date.parse('2026-11-24T20:01:00Z');
		expect(ageProblem({ time: '2026-11-24T20:00:30Z' }, 60, now)).toBeUndefined();
		expect(ageProblem({ time: '2026-11-24T19:58:00Z' }, 60, now)).toMatch(/180 s old, more than the allowed 60 s/);
		expect(ageProblem({}, 60, now)).toMatch(/no time/);
		expect(ageProblem({}, 0, now)).toBeUndefined();
	});

	it('compares secrets in constant time', () => {
		expect(secretMatches('abc', 'abc')).toBe(true);
		expect(secretMatches('abd', 'abc')).toBe(false);
		expect(secretMatches(undefined, 'abc')).toBe(false);
	});

	it('derives the same orderLinkId for the same alert, within Bybit\'s 36 characters', () => {
		const alert = { action: 'buy', contracts: '1', ticker: 'BTCUSDT', time: '2026-11-24T20:00:00Z', secret: 'x' };
		const id = orderLinkIdFromAlert(alert);
		expect(id).toMatch(/^tv-[0-9a-f]{30}$/);
		expect(orderLinkIdFromAlert({ ...alert, secret: 'other' })).toBe(id);
		expect(orderLinkIdFromAlert({ ...alert, contracts: '2' })).not.toBe(id);
		expect(orderLinkIdFromAlert({ id: 'alert-42_x' })).toBe('tv-alert-42_x');
		expect(orderLinkIdFromAlert({ id: 'alert 42/x' })).toMatch(/^tv-alert42x-[0-9a-f]{16}$/);
		expect(orderLinkIdFromAlert({ id: 'x'.repeat(40), action: 'buy' })).toHaveLength(33);
	});
});
