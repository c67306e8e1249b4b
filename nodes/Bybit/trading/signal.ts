/**
 * TradingView strategy alerts, as they reach a Webhook node: JSON when the
 * message template is valid JSON, otherwise the plain text TradingView sends
 * (for example when a placeholder broke the JSON). Parsed into a trading
 * intent: open, reduce, close or flip.
 */
import { createHash, timingSafeEqual } from 'crypto';

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

function normaliseKeys(raw: Record<string, unknown>): TradingViewAlert {
	const alert: TradingViewAlert = {};
	for (const [key, value] of Object.entries(raw)) {
		if (value === undefined || value === null || typeof value === 'object') continue;
		const name = key.trim().toLowerCase();
		const target = Object.prototype.hasOwnProperty.call(ALIASES, name) ? ALIASES[name] : undefined;
		if (target) alert[target] = String(value).trim();
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
	for (const match of text.matchAll(/"?([A-Za-z_.]+)"?\s*[:=]\s*"?([^",\n}]*)"?/g)) pairs[match[1]] = match[2];
	if (Object.keys(pairs).length) return normaliseKeys(pairs);
	const words = text.split(/\s+/);
	const alert: TradingViewAlert = {};
	for (const word of words) {
		if (/^(buy|sell|long|short)$/i.test(word)) alert.action = word;
		else if (/^\d+(\.\d+)?$/.test(word)) alert.contracts = word;
		else if (/^[A-Z0-9:._-]{3,}$/.test(word)) alert.ticker = word;
	}
	if (!alert.action) throw new SignalError(`Could not read an action (buy or sell) from the alert text "${text.slice(0, 80)}".`);
	return alert;
}

/** "BYBIT:BTCUSDT.P" -> "BTCUSDT". */
export function symbolFromTicker(ticker: string): string {
	return ticker.replace(/^[A-Z0-9_]+:/i, '').replace(/\.P$/i, '').toUpperCase();
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

/**
 * A deterministic orderLinkId from the alert's content (Bybit: at most 36
 * characters, letters, digits, - and _): a repeated alert maps to the same id,
 * so Bybit refuses the duplicate instead of opening a second order.
 */
export function orderLinkIdFromAlert(alert: TradingViewAlert, prefix = 'tv'): string {
	if (alert.id) {
		const clean = alert.id.replace(/[^A-Za-z0-9_-]/g, '-');
		if (clean.length + prefix.length + 1 <= 36) return `${prefix}-${clean}`;
	}
	const content = JSON.stringify(
		Object.keys(alert)
			.filter((k) => k !== 'secret')
			.sort()
			.map((k) => [k, alert[k]]),
	);
	const digest = createHash('sha256').update(content).digest('hex');
	return `${prefix}-${digest}`.slice(0, 36);
}
