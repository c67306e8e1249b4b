/**
 * What TradingView sends to a webhook, as the tests reproduce it. Facts
 * (TradingView support: "How to use a variable value in alert" and "How to
 * configure webhook alerts"):
 * - the alert message is sent as the POST body with every {{placeholder}}
 *   replaced by text; Content-Type is application/json when the result is
 *   valid JSON, else text/plain;
 * - {{time}} and {{timenow}} are UTC, yyyy-MM-ddTHH:mm:ssZ (to the second, no
 *   milliseconds), e.g. 2019-08-27T09:56:00Z;
 * - other values are fixed-point numbers with a decimal point (1245.25);
 * - {{ticker}} is the chart's ticker without the exchange ("BTCUSDT.P" for a
 *   Bybit USDT perpetual, "BTCUSDT" for spot); {{exchange}} is "BYBIT" (feeds
 *   shown delayed end in _DL); templates often write {{exchange}}:{{ticker}};
 * - {{strategy.order.action}} is buy or sell; {{strategy.market_position}}
 *   and {{strategy.prev_market_position}} are long, flat or short;
 *   {{strategy.position_size}} is negative for shorts;
 * - the receiver has 3 s to answer before TradingView cancels the request.
 */
import fc from 'fast-check';
import * as fs from 'fs';
import * as path from 'path';

/** {{timenow}} for an instant: ISO-8601 UTC to the second, with Z. */
export function tvTime(ms: number): string {
	return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** The alert message template of README.md's "Alert to order" section (its first ```json block). */
export function readmeAlertTemplate(): string {
	const readme = fs.readFileSync(path.join(__dirname, '..', '..', 'README.md'), 'utf8');
	const section = readme.slice(readme.indexOf('## Alert to order'));
	const block = /```json\n([\s\S]*?)```/.exec(section);
	if (!block) throw new Error('README.md: no ```json block in "Alert to order"');
	return block[1];
}

/** Replaces each {{name}} as TradingView does (unknown placeholders stay as they are). */
export function fillPlaceholders(template: string, values: Record<string, string>): string {
	return template.replace(/\{\{([A-Za-z0-9_.]+)\}\}/g, (all, name: string) => (name in values ? values[name] : all));
}

/** The Content-Type TradingView sends for a filled message. */
export function contentTypeOf(message: string): 'application/json' | 'text/plain' {
	try {
		JSON.parse(message);
		return 'application/json';
	} catch {
		return 'text/plain';
	}
}

export interface TvFill {
	values: Record<string, string>;
	/** The Bybit symbol the ticker names. */
	symbol: string;
	side: 'Buy' | 'Sell';
}

/** Fixed-point text as TradingView prints it: no exponent, no trailing zeros. */
export const fixedPoint = (maxUnits: number, maxScale: number): fc.Arbitrary<string> =>
	fc.tuple(fc.integer({ min: 1, max: maxUnits }), fc.integer({ min: 0, max: maxScale })).map(([units, scale]) => {
		const digits = String(units).padStart(scale + 1, '0');
		const text = scale ? `${digits.slice(0, -scale)}.${digits.slice(-scale)}` : digits;
		return text.includes('.') ? text.replace(/0+$/, '').replace(/\.$/, '') : text;
	});

export const orderIds = fc.oneof(
	fc.constantFrom('Long', 'Short', 'Long Entry', 'Exit Long', 'TP 1', 'L#2', 'Close entry(s) order Long', 'long_1', 'SL', 'Long, 1', 'Long, 2', 'x=1'),
	fc.string({ unit: fc.constantFrom(...'ABCxyz019 _-#().:/,='.split('')), minLength: 1, maxLength: 40 }).filter((s) => s.trim().length > 0),
);

/** Values for one strategy alert on a Bybit linear perpetual (symbols the sandbox lists). */
export function tvFills(symbols: string[] = ['BTCUSDT', 'ETHUSDT', 'SOLUSDT']): fc.Arbitrary<TvFill> {
	return fc
		.record({
			orderId: orderIds,
			time: fc.integer({ min: Date.parse('2024-01-01T00:00:00Z'), max: Date.parse('2030-12-31T23:59:59Z') }),
			action: fc.constantFrom<'buy' | 'sell'>('buy', 'sell'),
			prefix: fc.constantFrom('', 'BYBIT:', 'BYBIT_DL:', 'BINANCE:', 'bybit:'),
			symbol: fc.constantFrom(...symbols),
			suffix: fc.constantFrom('.P', '.P', '', '.p'),
			contracts: fixedPoint(99_999, 4),
			close: fixedPoint(9_999_999, 2),
			position: fc.constantFrom('long', 'short', 'flat'),
			prev: fc.constantFrom('long', 'short', 'flat'),
		})
		.map((r) => ({
			values: {
				'strategy.order.id': r.orderId,
				timenow: tvTime(r.time),
				time: tvTime(r.time),
				'strategy.order.action': r.action,
				'strategy.order.contracts': r.contracts,
				'strategy.market_position': r.position,
				'strategy.prev_market_position': r.prev,
				'strategy.position_size': r.position === 'short' ? `-${r.contracts}` : r.position === 'flat' ? '0' : r.contracts,
				ticker: `${r.prefix}${r.symbol}${r.suffix}`,
				exchange: 'BYBIT',
				close: r.close,
			},
			symbol: r.symbol,
			side: r.action === 'buy' ? ('Buy' as const) : ('Sell' as const),
		}));
}
