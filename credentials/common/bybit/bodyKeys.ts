/**
 * The keys of a write body the safety limits check, pure. The limits read a
 * body's fields by their exact names; a decoder on the exchange's side may
 * match names case-insensitively (Go's encoding/json does, with Unicode simple
 * case folding: U+017F "ſ" matches "s", U+212A Kelvin sign matches "k"), and
 * where two keys match one field the last one wins. So the limits' verdict
 * must not depend on how the exchange folds keys: under a limit, a write is
 * refused when any object in its body (the batch's "request" items and every
 * other nested object included) has
 *
 * 1. a key that is not ASCII letters, digits and "_" (Bybit's field names
 *    all are; look-alikes, fullwidth forms and invisible characters are not),
 * 2. two keys equal but for ASCII case ("amount" and "Amount"), or
 * 3. a key equal but for ASCII case to a field the limits read ("Symbol").
 *
 * After (1) every key is ASCII, and for ASCII text Unicode case folding is
 * ASCII lower-casing, so (2) and (3) cover every folding decoder: the field a
 * rule reads is the only key the exchange can take that field from.
 *
 * READ_FIELDS is what the rules may read: they take a body as `GateBody`,
 * whose only properties are these names, so reading any other field does not
 * compile (the tests also record every read at run time).
 */
import type { IDataObject } from 'n8n-workflow';

export const READ_FIELDS = [
	// orders, batches, amends, cancels (safety.ts, valuation.ts)
	'category',
	'symbol',
	'side',
	'orderType',
	'qty',
	'price',
	'triggerPrice',
	'marketUnit',
	'reduceOnly',
	'closeOnTrigger',
	'orderId',
	'orderLinkId',
	'request',
	// converts (convertSafety.ts)
	'fromCoin',
	'toCoin',
	'requestCoin',
	'requestAmount',
	'quoteTxId',
	// borrows: fixed rate and variable rate (convertSafety.ts)
	'orderCurrency',
	'orderAmount',
	'coin',
	'amount',
] as const;

export type ReadField = (typeof READ_FIELDS)[number];

/** A request body as the safety rules see it: only the fields in READ_FIELDS can be read. */
export type GateBody = { readonly [K in ReadField]?: unknown };

const FIELD_NAME = /^[A-Za-z0-9_]+$/;
const READ_LOWER: ReadonlyMap<string, string> = new Map(READ_FIELDS.map((f) => [f.toLowerCase(), f]));

/** A key as a reader can see it: every character outside printable ASCII as \uXXXX, cut short. */
function shown(key: string): string {
	const escaped = key.replace(/[^\x20-\x7e]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0').toUpperCase()}`);
	return escaped.length > 60 ? `${escaped.slice(0, 60)}...` : escaped;
}

function where(path: string): string {
	return path ? ` (in ${path})` : '';
}

function objectRefusal(obj: IDataObject, path: string): string | undefined {
	const seen = new Map<string, string>();
	for (const key of Object.keys(obj)) {
		if (!FIELD_NAME.test(key)) {
			return `The request has the field "${shown(key)}"${where(path)}, which is not a Bybit field name: Bybit's names are ASCII letters, digits and _, and a decoder may read a look-alike character (ſ for s, the Kelvin sign for k, fullwidth or invisible characters) as a field the credential's safety limits check. Rename it.`;
		}
		const lower = key.toLowerCase();
		const field = READ_LOWER.get(lower);
		if (field !== undefined && field !== key) {
			return `The request has the field "${key}" (Bybit's field is "${field}")${where(path)}; the credential's safety limits only read Bybit's exact field names. Rename it.`;
		}
		const twin = seen.get(lower);
		if (twin !== undefined) {
			return `The request has the fields "${twin}" and "${key}"${where(path)}, which differ only in case: a case-insensitive decoder reads them as one field, and which one wins is not what the credential's safety limits checked. Remove one.`;
		}
		seen.set(lower, key);
	}
	return undefined;
}

/** The refusal for a write body whose keys a folding decoder could read otherwise than the limits (see the header), or undefined. */
export function keyRefusal(body: unknown): string | undefined {
	const stack: Array<{ value: unknown; path: string }> = [{ value: body, path: '' }];
	const visited = new Set<object>();
	while (stack.length) {
		const { value, path } = stack.pop()!;
		if (!value || typeof value !== 'object' || visited.has(value)) continue;
		visited.add(value);
		if (Array.isArray(value)) {
			for (let n = value.length - 1; n >= 0; n--) stack.push({ value: value[n], path: `${path || 'the body'} item ${n + 1}` });
			continue;
		}
		const obj = value as IDataObject;
		const refusal = objectRefusal(obj, path);
		if (refusal) return refusal;
		const keys = Object.keys(obj);
		for (let n = keys.length - 1; n >= 0; n--) stack.push({ value: obj[keys[n]], path: path ? `${path}, "${keys[n]}"` : `"${keys[n]}"` });
	}
	return undefined;
}
