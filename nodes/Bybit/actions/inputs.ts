/**
 * Input rules shared by the engine (every spec's parameters) and the batch
 * operations (every order of a JSON list or input item): a value Bybit would
 * refuse or misread is refused here, naming the field and the fix, before
 * anything is sent. Pure: errors are InputError, which callers turn into
 * NodeOperationErrors for their item.
 */
import { decimalMath as D } from '../trading/lazy';
import { toDecimal } from '../transport/decimal';
import { DECIMAL_FIELDS } from './fields';

export class InputError extends Error {}

const own = (table: object, key: string): boolean => Object.prototype.hasOwnProperty.call(table, key);

/** Identifier fields: Bybit's character sets, so a typo or an injected string never reaches the wire. */
const IDENTIFIERS: Record<string, { pattern: RegExp; upper: boolean; what: string }> = {
	symbol: { pattern: /^[A-Z0-9][A-Z0-9-]{1,59}$/, upper: true, what: 'a Bybit symbol such as BTCUSDT (letters, digits and -)' },
	orderLinkId: { pattern: /^[A-Za-z0-9_-]{1,36}$/, upper: false, what: 'at most 36 letters, digits, - and _' },
	orderId: { pattern: /^[A-Za-z0-9-]{1,64}$/, upper: false, what: 'a Bybit order ID (letters, digits and -)' },
	coin: { pattern: /^[A-Z0-9]{1,20}$/, upper: true, what: 'a coin such as USDT' },
	baseCoin: { pattern: /^[A-Z0-9]{1,20}$/, upper: true, what: 'a coin such as BTC' },
	settleCoin: { pattern: /^[A-Z0-9]{1,20}$/, upper: true, what: 'a coin such as USDT' },
};

/** Decimal fields that must be above 0 when given; NON_NEGATIVE ones may be 0 (Bybit: "0" cancels a TP/SL/trailing stop). Others (margin, target) take any sign. */
const POSITIVE = new Set([
	'qty', 'price', 'triggerPrice', 'orderIv', 'tpLimitPrice', 'slLimitPrice', 'buyLeverage', 'sellLeverage', 'amount', 'quoteAmount',
	'balancePercent', 'riskPercent', 'stopDistance', 'tpSize', 'slSize', 'activePrice', 'slippageTolerance',
]);
const NON_NEGATIVE = new Set(['takeProfit', 'stopLoss', 'trailingStop']);
/** Longer than any price or quantity Bybit takes (a huge string is a broken expression, not an order). */
export const MAX_DECIMAL_LENGTH = 40;

const PLAIN_DECIMAL = /^-?\d+(\.\d+)?$/;

function kindOf(value: unknown): string {
	if (Array.isArray(value)) return 'a list';
	if (value === null) return 'null';
	return typeof value === 'object' ? 'an object' : typeof value;
}

function shown(value: string): string {
	return value.length > 40 ? `${value.slice(0, 40)}... (${value.length} characters)` : value;
}

/** Checks a decimal (text or number) for field `name`; returns the exact decimal string to send. */
export function checkDecimal(name: string, value: string | number): string {
	let text: string;
	if (typeof value === 'number') {
		if (!Number.isFinite(value)) throw new InputError(`"${name}" is ${value}: it must be a finite number. Check the expression that sets it.`);
		if (Math.abs(value) >= 1e39) {
			throw new InputError(`"${name}" is ${value}, larger than any Bybit price or quantity. Check the expression that sets it.`);
		}
		text = toDecimal(value);
	} else {
		text = value.trim();
		if (!D.isDecimalString(text)) {
			throw new InputError(`"${name}" must be a decimal number such as 0.01 (digits and one point, no exponent, hex or spaces), got "${shown(value)}".`);
		}
		if (!PLAIN_DECIMAL.test(text)) text = D.format(D.parse(text)); // +1 -> 1, .5 -> 0.5, 5. -> 5
	}
	if (text.length > MAX_DECIMAL_LENGTH) {
		throw new InputError(`"${name}" has ${text.length} characters, more than any Bybit price or quantity (${MAX_DECIMAL_LENGTH}): got "${shown(text)}". Check the expression that sets it.`);
	}
	const sign = D.compare(text, '0');
	if (POSITIVE.has(name) && sign <= 0) throw new InputError(`"${name}" must be above 0, got "${shown(text)}". Give a positive decimal such as 0.01.`);
	if (NON_NEGATIVE.has(name) && sign < 0) throw new InputError(`"${name}" must be 0 or above, got "${shown(text)}" (0 clears it).`);
	return text === '-0' ? '0' : text;
}

/** Normalises one value by its field name; throws InputError (naming the field) on what Bybit would refuse or misread. */
export function checkValue(name: string, value: unknown): unknown {
	if (own(IDENTIFIERS, name)) {
		const id = IDENTIFIERS[name];
		if (value === undefined || value === null || value === '') return value;
		if (typeof value !== 'string') throw new InputError(`"${name}" must be text (${id.what}), got ${kindOf(value)}.`);
		const text = id.upper ? value.trim().toUpperCase() : value.trim();
		if (!id.pattern.test(text)) throw new InputError(`"${name}" must be ${id.what}, got "${shown(value)}".`);
		return text;
	}
	if (DECIMAL_FIELDS.has(name)) {
		if (value === undefined || value === null) return value;
		if (typeof value !== 'string' && typeof value !== 'number') {
			throw new InputError(`"${name}" must be a decimal number such as 0.01, got ${kindOf(value)}. Check the expression that sets it.`);
		}
		if (typeof value === 'string' && value.trim() === '') return '';
		return checkDecimal(name, value);
	}
	if (typeof value === 'number' && !Number.isFinite(value)) {
		throw new InputError(`"${name}" is ${value}: it must be a finite number. Check the expression that sets it.`);
	}
	return value;
}

type Rule =
	| { kind: 'value' }
	| { kind: 'enum'; values: string[] }
	| { kind: 'int'; values: number[] }
	| { kind: 'bool' };

const TRIGGER_BY: Rule = { kind: 'enum', values: ['LastPrice', 'IndexPrice', 'MarkPrice'] };
const ORDER_TYPE: Rule = { kind: 'enum', values: ['Market', 'Limit'] };
const VALUE: Rule = { kind: 'value' };
const BOOL: Rule = { kind: 'bool' };

/** Bybit's batch request fields (docs: order/batch-place, batch-amend, batch-cancel). */
const CREATE_FIELDS: Record<string, Rule> = {
	symbol: VALUE, isLeverage: { kind: 'int', values: [0, 1] }, side: { kind: 'enum', values: ['Buy', 'Sell'] }, orderType: ORDER_TYPE, qty: VALUE,
	marketUnit: { kind: 'enum', values: ['baseCoin', 'quoteCoin'] }, price: VALUE, triggerDirection: { kind: 'int', values: [1, 2] },
	orderFilter: { kind: 'enum', values: ['Order', 'tpslOrder', 'StopOrder'] }, triggerPrice: VALUE, triggerBy: TRIGGER_BY, orderIv: VALUE,
	timeInForce: { kind: 'enum', values: ['GTC', 'IOC', 'FOK', 'PostOnly', 'RPI'] }, positionIdx: { kind: 'int', values: [0, 1, 2] }, orderLinkId: VALUE,
	takeProfit: VALUE, stopLoss: VALUE, tpTriggerBy: TRIGGER_BY, slTriggerBy: TRIGGER_BY, reduceOnly: BOOL, closeOnTrigger: BOOL,
	smpType: { kind: 'enum', values: ['None', 'CancelMaker', 'CancelTaker', 'CancelBoth'] }, mmp: BOOL, tpslMode: { kind: 'enum', values: ['Full', 'Partial'] },
	tpLimitPrice: VALUE, slLimitPrice: VALUE, tpOrderType: ORDER_TYPE, slOrderType: ORDER_TYPE,
};
const AMEND_FIELDS: Record<string, Rule> = {
	symbol: VALUE, orderId: VALUE, orderLinkId: VALUE, orderIv: VALUE, triggerPrice: VALUE, qty: VALUE, price: VALUE,
	tpslMode: CREATE_FIELDS.tpslMode, takeProfit: VALUE, stopLoss: VALUE, tpTriggerBy: TRIGGER_BY, slTriggerBy: TRIGGER_BY, triggerBy: TRIGGER_BY,
	tpLimitPrice: VALUE, slLimitPrice: VALUE,
};
const CANCEL_FIELDS: Record<string, Rule> = { symbol: VALUE, orderId: VALUE, orderLinkId: VALUE };

export type BatchKind = 'create' | 'amend' | 'cancel';
const FIELDS: Record<BatchKind, Record<string, Rule>> = { create: CREATE_FIELDS, amend: AMEND_FIELDS, cancel: CANCEL_FIELDS };
const REQUIRED: Record<BatchKind, string[]> = { create: ['symbol', 'side', 'orderType', 'qty'], amend: ['symbol'], cancel: ['symbol'] };

function checkRule(name: string, rule: Rule, value: unknown): unknown {
	switch (rule.kind) {
		case 'value':
			return checkValue(name, value);
		case 'enum': {
			const match = typeof value === 'string' ? rule.values.find((v) => v.toLowerCase() === value.trim().toLowerCase()) : undefined;
			if (match === undefined) throw new InputError(`"${name}" must be one of ${rule.values.join(', ')}; got ${typeof value === 'string' ? `"${shown(value)}"` : kindOf(value)}.`);
			return match;
		}
		case 'int': {
			const n = typeof value === 'number' ? value : typeof value === 'string' && /^\s*\d+\s*$/.test(value) ? Number(value) : NaN;
			if (!rule.values.includes(n)) throw new InputError(`"${name}" must be one of ${rule.values.join(', ')} (a number); got ${typeof value === 'string' || typeof value === 'number' ? `"${shown(String(value))}"` : kindOf(value)}.`);
			return n;
		}
		case 'bool':
			if (typeof value === 'boolean') return value;
			if (value === 'true' || value === 'false') return value === 'true';
			throw new InputError(`"${name}" must be true or false; got ${typeof value === 'string' ? `"${shown(value)}"` : kindOf(value)}.`);
	}
}

/**
 * One order of a batch: only Bybit's fields for that kind, each checked;
 * `category` is taken from the node and ignored here; empty values dropped;
 * an unknown key is refused even when empty (it is a typo or an injection).
 * Throws InputError naming the field (the caller names the order).
 */
export function checkBatchOrder(kind: BatchKind, order: unknown): Record<string, unknown> {
	if (!order || typeof order !== 'object' || Array.isArray(order)) {
		throw new InputError(`it must be an object with Bybit's field names (symbol, side, orderType, qty, ...), got ${kindOf(order)}.`);
	}
	const fields = FIELDS[kind];
	const clean: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
	for (const name of Object.keys(order)) {
		const value = (order as Record<string, unknown>)[name];
		if (name === 'category') continue;
		if (!own(fields, name)) {
			throw new InputError(`"${shown(name)}" is not a field of a Bybit batch ${kind} order. Remove it or correct its name (fields: ${Object.keys(fields).join(', ')}).`);
		}
		if (value === undefined || value === null || value === '') continue;
		const v = checkRule(name, fields[name], value);
		if (v !== undefined && v !== null && v !== '') clean[name] = v;
	}
	for (const name of REQUIRED[kind]) {
		if (clean[name] === undefined) throw new InputError(`"${name}" is required for a batch ${kind} but is missing.`);
	}
	if (kind !== 'create' && clean.orderId === undefined && clean.orderLinkId === undefined) {
		throw new InputError(`give "orderId" or "orderLinkId" to ${kind} it.`);
	}
	return { ...clean };
}
