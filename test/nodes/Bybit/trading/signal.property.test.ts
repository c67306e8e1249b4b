/**
 * Alerts filled the way TradingView fills them (test/harness/tradingView.ts),
 * through the node's own parsing: the README's template, delivered as JSON or
 * as the same text (text/plain), or broken by a placeholder.
 */
import fc from 'fast-check';

import { LINK_ID_MAX, orderLinkIdFromAlert, parseAlert, plainDecimal, symbolFromTicker } from '../../../../nodes/Bybit/trading/signal';
import { toDecimal } from '../../../../nodes/Bybit/transport/decimal';
import { contentTypeOf, fillPlaceholders, orderIds, readmeAlertTemplate, tvFills } from '../../../harness/tradingView';

const BYBIT_LINK_ID = /^[A-Za-z0-9_-]{1,36}$/;
const RUNS = { numRuns: 500 };

describe('TradingView alerts as TradingView sends them', () => {
	const template = readmeAlertTemplate();

	it('the README template, filled, is JSON: every field read, a valid orderLinkId, the right symbol, as JSON or as text', () => {
		fc.assert(
			fc.property(tvFills(), (fill) => {
				const message = fillPlaceholders(template, fill.values);
				expect(contentTypeOf(message)).toBe('application/json');
				const asJson = parseAlert(JSON.parse(message));
				const asText = parseAlert(message);
				expect(asText).toEqual(asJson);
				expect(asJson).toMatchObject({
					action: fill.values['strategy.order.action'],
					contracts: fill.values['strategy.order.contracts'],
					time: fill.values.timenow,
					id: `${fill.values['strategy.order.id']}-${fill.values.timenow}`.trim(),
				});
				expect(symbolFromTicker(asJson.ticker!)).toBe(fill.symbol);
				const linkId = orderLinkIdFromAlert(asJson);
				expect(linkId).toMatch(BYBIT_LINK_ID);
				expect(linkId.length).toBeLessThanOrEqual(LINK_ID_MAX);
				expect(orderLinkIdFromAlert(parseAlert(message))).toBe(linkId); // deterministic, whatever the Content-Type
			}),
			RUNS,
		);
	});

	it('a placeholder that broke the JSON (text/plain): the other fields are still read', () => {
		const broken = template.replace('"{{strategy.order.contracts}}"', '{{strategy.order.contracts}}').replace('"{{close}}"', '{{plot("Stop")}}');
		fc.assert(
			fc.property(tvFills(), (fill) => {
				const message = fillPlaceholders(broken, fill.values);
				expect(contentTypeOf(message)).toBe('text/plain');
				const alert = parseAlert(message);
				expect(alert).toMatchObject({ action: fill.values['strategy.order.action'], contracts: fill.values['strategy.order.contracts'], time: fill.values.timenow });
				expect(symbolFromTicker(alert.ticker!)).toBe(fill.symbol);
				expect(orderLinkIdFromAlert(alert)).toBe(orderLinkIdFromAlert(parseAlert(JSON.parse(fillPlaceholders(template, fill.values)))));
			}),
			RUNS,
		);
	});

	it('distinct alert ids give distinct orderLinkIds (and distinct 33-character heads for derived close/flip ids)', () => {
		const ids = fc.oneof(
			orderIds,
			fc.tuple(orderIds, fc.integer({ min: 0, max: 4e12 })).map(([id, t]) => `${id}-${new Date(t).toISOString().replace(/\.\d{3}Z$/, 'Z')}`),
			fc.string({ minLength: 1, maxLength: 60 }),
		);
		fc.assert(
			fc.property(fc.uniqueArray(ids.map((s) => s.trim()).filter((s) => s.length > 0), { minLength: 2, maxLength: 40 }), (list) => {
				const linkIds = list.map((id) => orderLinkIdFromAlert({ id }));
				for (const l of linkIds) expect(l).toMatch(BYBIT_LINK_ID);
				expect(new Set(linkIds).size).toBe(list.length);
				expect(new Set(linkIds.map((l) => `${l.slice(0, 33)}-1`)).size).toBe(list.length);
			}),
			RUNS,
		);
	});

	it('ids that clean up alike stay apart; a fitting clean id is kept readable', () => {
		const a = orderLinkIdFromAlert({ id: 'L-2026-11-30T13:49:50Z' });
		const b = orderLinkIdFromAlert({ id: 'L-2026-11-30T13-49-50Z' });
		const c = orderLinkIdFromAlert({ id: 'L-2026-11-30T13.49.50Z' });
		expect(new Set([a, b, c]).size).toBe(3);
		expect(b).toBe('tv-L-2026-11-30T13-49-50Z');
		expect(orderLinkIdFromAlert({ id: 'Long Entry-2026-11-30T13:49:50Z' })).toBe('tv-LongEntry2026-a0674a2c6830e259'); // README's example
		expect(a).toMatch(/^tv-L20261130T134-[0-9a-f]{16}$/);
		expect(orderLinkIdFromAlert({ id: 'x'.repeat(40) })).toBe(orderLinkIdFromAlert({ id: 'x'.repeat(40), action: 'sell' }));
		expect(orderLinkIdFromAlert({ id: 'x'.repeat(40) })).not.toBe(orderLinkIdFromAlert({ id: 'x'.repeat(41) }));
		expect(() => orderLinkIdFromAlert({ id: 'a' }, 'bad prefix')).toThrow(/"linkIdPrefix" must be at most 16 letters/);
		expect(orderLinkIdFromAlert({ id: 'a:b' }, 'p'.repeat(16))).toMatch(/^p{16}-[0-9a-f]{16}$/);
	});
});

describe('tickers and numbers', () => {
	it.each([
		['BYBIT:BTCUSDT.P', 'BTCUSDT'],
		['BTCUSDT.P', 'BTCUSDT'],
		['BINANCE:BTCUSDT', 'BTCUSDT'],
		['BYBIT_DL:ethusdt.p', 'ETHUSDT'],
		[' bybit:SOLUSDT.P ', 'SOLUSDT'],
		['BYBIT:BTCUSD.P', 'BTCUSD'],
		['BYBIT:BTCPERP', 'BTCPERP'],
		['BTCUSDT', 'BTCUSDT'],
	])('%s -> %s', (ticker, symbol) => expect(symbolFromTicker(ticker)).toBe(symbol));

	it('exponent forms become the same plain decimal, exactly', () => {
		fc.assert(
			fc.property(fc.bigInt({ min: 1n, max: 10n ** 12n }), fc.integer({ min: -12, max: 12 }), fc.boolean(), (units, exp, upper) => {
				const digits = units.toString();
				const mantissa = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
				const text = `${mantissa}${upper ? 'E' : 'e'}${exp}`;
				const plain = plainDecimal(text);
				expect(plain).toMatch(/^\d+(\.\d*[1-9])?$/);
				// plain * 10^-(exp - (digits - 1)) == units
				const [int, frac = ''] = plain.split('.');
				const scaled = BigInt(int + frac);
				const shift = exp - (digits.length - 1) + frac.length;
				expect(shift >= 0 ? units * 10n ** BigInt(shift) : units).toBe(shift >= 0 ? scaled : scaled * 10n ** BigInt(-shift));
			}),
			RUNS,
		);
		expect(plainDecimal('1.5E-5')).toBe('0.000015');
		expect(plainDecimal('2e3')).toBe('2000');
		expect(plainDecimal('0.001')).toBe('0.001');
		expect(plainDecimal('NaN')).toBe('NaN');
	});

	it('reads numbers sent unquoted (JSON numbers) and exponent text as plain decimals', () => {
		expect(parseAlert({ action: 'buy', contracts: 0.0000001, price: 64210.5 })).toMatchObject({ contracts: '0.0000001', price: '64210.5' });
		expect(parseAlert({ action: 'buy', contracts: '1.5E-5' }).contracts).toBe('0.000015');
		expect(parseAlert('{"action": "sell", "contracts": 1e-7, "ticker": "BYBIT:BTCUSDT.P"').contracts).toBe('0.0000001');
		expect(parseAlert('buy 2.5e-3 BTCUSDT.P')).toEqual({ action: 'buy', contracts: '0.0025', ticker: 'BTCUSDT.P' });
		expect(toDecimal(0.0000001)).toBe('0.0000001');
	});
});
