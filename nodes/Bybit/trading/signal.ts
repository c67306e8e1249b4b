/**
 * TradingView strategy alerts, as they reach a Webhook node: JSON when the
 * message template is valid JSON, otherwise the plain text TradingView sends
 * (for example when a placeholder broke the JSON). Parsed into a trading
 * intent: open, reduce, close or flip.
 */
import { createHash, timingSafeEqual } from 'crypto';

import { toDecimal } from '../transport/decimal';

export interface TradingViewAlert {
	action?: string;
	contracts?: string;
	position?: string;
	prevPosition?: string;
	/** The position's size after the order ({{strategy.position_size}}), negative for shorts. */
	positionSize?: string;
	ticker?: string;
	price?: string;
	time?: string;
	id?: string;
	secret?: string;
	[key: string]: string | undefined;
}

export type SignalIntent =
	| { intent: 'open'; side: 'Buy' | 'Sell'; qty?: string }
	| { intent: 'reduce'; side: 'Buy' | 'Sell'; qty?: string }
	| { intent: 'close' }
	| { intent: 'flip'; side: 'Buy' | 'Sell'; qty?: string };

export class SignalError extends Error {}

/** Field names TradingView users commonly give each value, mapped to ours. */
const ALIASES: Record<string, keyof TradingViewAlert> = {
	action: 'action',
	side: 'action',
	'strategy.order.action': 'action',
	contracts: 'contracts',
	qty: 'contracts',
	size: 'contracts',
	'strategy.order.contracts': 'contracts',
	position: 'position',
	market_position: 'position',
	marketposition: 'position',
	'strategy.market_position': 'position',
	position_size: 'positionSize',
	'strategy.position_size': 'positionSize',
	prev_position: 'prevPosition',
	prev_market_position: 'prevPosition',
	'strategy.prev_market_position': 'prevPosition',
	ticker: 'ticker',
	symbol: 'ticker',
	price: 'price',
	close: 'price',
	time: 'time',
	timenow: 'time',
	id: 'id',
	alert_id: 'id',
	secret: 'secret',
	passphrase: 'secret',
};

/** Fields that carry numbers: JSON numbers and exponent forms become plain decimals. */
const NUMERIC = new Set<keyof TradingViewAlert>(['contracts', 'positionSize', 'price']);

const EXPONENT = /^([+-]?)(\d*)(?:\.(\d*))?[eE]([+-]?\d{1,3})$/;

/**
 * "1.5E-5" -> "0.000015", exactly (digits are moved, never computed in
 * floating point). TradingView prints fixed-point numbers, but a number sent
 * unquoted reaches us as a JSON number, and JavaScript prints 0.0000001 as
 * "1e-7". Anything else is returned unchanged for the caller to judge.
 */
export function plainDecimal(text: string): string {
	const m = EXPONENT.exec(text.trim());
	if (!m || (m[2] + (m[3] ?? '')).length === 0) return text.trim();
	const [, sign, int, frac = '', expText] = m;
	const digits = `${int}${frac}`;
	const point = int.length + Number(expText);
	let out: string;
	if (point <= 0) out = `0.${'0'.repeat(-point)}${digits}`;
	else if (point >= digits.length) out = digits + '0'.repeat(point - digits.length);
	else out = `${digits.slice(0, point)}.${digits.slice(point)}`;
	if (out.includes('.')) out = out.replace(/0+$/, '').replace(/\.$/, '');
	out = out.replace(/^0+(?=\d)/, '') || '0';
	return sign === '-' && /[1-9]/.test(out) ? `-${out}` : out;
}

function valueText(target: keyof TradingViewAlert, value: unknown): string {
	if (typeof value === 'number') return Number.isFinite(value) ? toDecimal(value) : String(value);
	const text = String(value).trim();
	return NUMERIC.has(target) ? plainDecimal(text) : text;
}

function normaliseKeys(raw: Record<string, unknown>): TradingViewAlert {
	const alert: TradingViewAlert = {};
	for (const [key, value] of Object.entries(raw)) {
		if (value === undefined || value === null || typeof value === 'object') continue;
		const name = key.trim().toLowerCase();
		const target = Object.prototype.hasOwnProperty.call(ALIASES, name) ? ALIASES[name] : undefined;
		if (target) alert[target] = valueText(target, value);
	}
	return alert;
}

/** Parses a JSON object, a JSON string, `key=value`/`key: value` lines, or "buy 0.01 BTCUSDT". */
export function parseAlert(input: unknown): TradingViewAlert {
	if (input && typeof input === 'object') return normaliseKeys(input as Record<string, unknown>);
	const text = String(input ?? '').trim();
	if (!text) throw new SignalError('The alert is empty. Send the alert JSON from TradingView in the webhook body.');
	if (text.startsWith('{')) {
		try {
			return normaliseKeys(JSON.parse(text) as Record<string, unknown>);
		} catch {
			// TradingView sends broken JSON as text: fall through to the lenient parser
		}
	}
	const pairs: Record<string, string> = {};
	// a quoted value runs to its closing quote (commas and colons included: "Long, 1-2026-11-30T13:49:50Z")
	for (const match of text.matchAll(/"?([A-Za-z_.]+)"?\s*[:=]\s*(?:"([^"\n]*)"|([^",\n}]*))/g)) pairs[match[1]] = match[2] ?? match[3];
	if (Object.keys(pairs).length) return normaliseKeys(pairs);
	const words = text.split(/\s+/);
	const alert: TradingViewAlert = {};
	for (const word of words) {
		if (/^(buy|sell|long|short)$/i.test(word)) alert.action = word;
		else if (/^\d+(\.\d+)?$/.test(plainDecimal(word))) alert.contracts = plainDecimal(word);
		else if (/^[A-Z0-9:._-]{3,}$/.test(word)) alert.ticker = word;
	}
	if (!alert.action) throw new SignalError(`Could not read an action (buy or sell) from the alert text "${text.slice(0, 80)}".`);
	return alert;
}

/**
 * TradingView's ticker -> Bybit's symbol: "BYBIT:BTCUSDT.P" -> "BTCUSDT".
 * Drops an exchange prefix (`{{exchange}}:{{ticker}}`, delayed feeds end in
 * _DL) and TradingView's ".P" perpetual suffix; keeps "PERP", which is part
 * of Bybit's own USDC perpetual names (BTCPERP).
 */
export function symbolFromTicker(ticker: string): string {
	return ticker.trim().replace(/^[A-Z0-9_]+:/i, '').replace(/\.P$/i, '').toUpperCase();
}

function sideOf(action: string | undefined): 'Buy' | 'Sell' {
	const a = (action ?? '').toLowerCase();
	if (a === 'buy' || a === 'long') return 'Buy';
	if (a === 'sell' || a === 'short') return 'Sell';
	throw new SignalError(`The alert's action must be buy or sell, got "${action ?? ''}".`);
}

export function intentOf(alert: TradingViewAlert): SignalIntent {
	const position = alert.position?.toLowerCase();
	const prev = alert.prevPosition?.toLowerCase();
	const qty = alert.contracts;
	if (position === 'flat') return { intent: 'close' };
	const side = sideOf(alert.action);
	if (!position) return { intent: 'open', side, qty };
	if (position !== 'long' && position !== 'short') {
		throw new SignalError(`The alert's market position must be long, short or flat, got "${alert.position}".`);
	}
	if (prev && prev !== 'flat' && prev !== position) return { intent: 'flip', side, qty };
	const withPosition = (side === 'Buy') === (position === 'long');
	return withPosition ? { intent: 'open', side, qty } : { intent: 'reduce', side, qty };
}

/** Refuses alerts older than `maxAgeSeconds` (TradingView's {{timenow}} is ISO UTC). */
export function ageProblem(alert: TradingViewAlert, maxAgeSeconds: number, now = Date.now()): string | undefined {
	if (!maxAgeSeconds) return undefined;
	if (!alert.time) return `The alert has no time; add "time": "{{timenow}}" to the alert or set Max Alert Age to 0.`;
	const sent = Date.parse(alert.time);
	if (!Number.isFinite(sent)) return `The alert's time "${alert.time}" is not a date.`;
	const age = Math.round((now - sent) / 1000);
	return age > maxAgeSeconds ? `The alert is ${age} s old, more than the allowed ${maxAgeSeconds} s: not trading on a stale signal.` : undefined;
}

export function secretMatches(given: string | undefined, expected: string): boolean {
	const a = createHash('sha256').update(given ?? '').digest();
	const b = createHash('sha256').update(expected).digest();
	return given !== undefined && timingSafeEqual(a, b);
}

/** Bybit allows 36; 33 leaves room for the "-1" / "-o" that close and flip orders append (positionOps). */
export const LINK_ID_MAX = 33;
const HASH_CHARS = 16;
const ID_CHARS = /^[A-Za-z0-9_-]+$/;

export function linkIdPrefixProblem(prefix: string): string | undefined {
	const longest = LINK_ID_MAX - HASH_CHARS - 1;
	if (ID_CHARS.test(prefix) && prefix.length <= longest) return undefined;
	return `"linkIdPrefix" must be at most ${longest} letters, digits, - and _, got "${prefix.slice(0, 40)}".`;
}

/**
 * A deterministic orderLinkId from the alert's id (Bybit: at most 36
 * letters, digits, - and _): the same alert maps to the same id, so Bybit
 * refuses a repeat instead of opening a second order.
 * - an id already made of those characters that fits is kept: `tv-strat-42`;
 * - any other id (TradingView's {{timenow}} has colons) becomes a readable
 *   head plus 16 hex digits of its SHA-256, so ids that clean up alike
 *   ("a:1" and "a.1") or share a long beginning stay distinct:
 *   `tv-LongEntry2026-3f9c0a...`;
 * - an alert without an id: a hash of its content (secret excluded).
 * At most LINK_ID_MAX (33) characters. The example workflow
 * examples/tradingview-alert-to-order.json computes the same id with an n8n
 * expression (`.hash('sha256')`).
 */
export function orderLinkIdFromAlert(alert: TradingViewAlert, prefix = 'tv'): string {
	const problem = linkIdPrefixProblem(prefix);
	if (problem) throw new SignalError(problem);
	if (!alert.id) {
		const content = JSON.stringify(
			Object.keys(alert)
				.filter((k) => k !== 'secret' && alert[k] !== undefined)
				.sort()
				.map((k) => [k, alert[k]]),
		);
		return `${prefix}-${createHash('sha256').update(content).digest('hex').slice(0, LINK_ID_MAX - prefix.length - 1)}`;
	}
	const key = alert.id;
	if (ID_CHARS.test(key) && prefix.length + 1 + key.length <= LINK_ID_MAX) return `${prefix}-${key}`;
	const digest = createHash('sha256').update(key).digest('hex').slice(0, HASH_CHARS);
	const room = LINK_ID_MAX - prefix.length - 1 - HASH_CHARS - 1;
	const head = room > 0 ? key.replace(/[^A-Za-z0-9]/g, '').slice(0, room) : '';
	return head ? `${prefix}-${head}-${digest}` : `${prefix}-${digest}`;
}
