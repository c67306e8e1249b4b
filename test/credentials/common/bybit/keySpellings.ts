/**
 * Spellings of a field name that a decoder on the exchange's side might read
 * as the field, computed rather than hand-picked, and the canonical write
 * bodies they are tried in (orders, batches, amends, cancels, converts,
 * borrows, transfers). Shared by the pure test of the gate
 * (bodyKeys.test.ts) and the sandbox test on the wire.
 *
 * - ASCII case: every other upper/lower mix of the name.
 * - Case mappings: every non-ASCII BMP character whose toLowerCase(),
 *   toUpperCase() or their round trips are ASCII letters (ſ -> S, Kelvin
 *   sign -> k, ı -> I, ﬆ -> ST ...), also once a trailing combining mark is
 *   dropped (İ -> i̇ -> i; Ångström -> å is not ASCII, so it is not one).
 * - NFKC: every non-ASCII BMP character whose NFKC form is ASCII letters or
 *   digits (fullwidth, circled, superscript letters, ligatures ...).
 * - Invisible: every BMP format, control and space-separator character and
 *   the variation selectors, inserted anywhere in the name.
 */
import fc from 'fast-check';
import type { IDataObject } from 'n8n-workflow';

import { READ_FIELDS } from '../../../../credentials/common/bybit/bodyKeys';
import { orderKey, tickerKey, type MarketFacts } from '../../../../credentials/common/bybit/marketFacts';

const ASCII_WORD = /^[A-Za-z0-9]+$/;

function bmp(): string[] {
	const out: string[] = [];
	for (let cp = 0x80; cp <= 0xffff; cp++) if (cp < 0xd800 || cp > 0xdfff) out.push(String.fromCharCode(cp));
	return out;
}

/** Non-ASCII character -> the ASCII text (lower case) it maps to. */
function table(map: (c: string) => string[]): Array<[string, string]> {
	const out: Array<[string, string]> = [];
	for (const c of bmp()) {
		const hits = new Set(map(c).filter((m) => m !== c && ASCII_WORD.test(m)).map((m) => m.toLowerCase()));
		for (const m of hits) out.push([c, m]);
	}
	return out;
}

/** "i̇" (i + combining dot, what İ lower-cases to) -> "i"; a precomposed letter (å) stays as it is. */
const withoutMarks = (s: string) => (/^[A-Za-z]+\p{M}+$/u.test(s) ? s.replace(/\p{M}/gu, '') : s);

export const CASE_FOLDS = table((c) => {
	const candidates = [c.toLowerCase(), c.toUpperCase(), c.toUpperCase().toLowerCase(), c.toLowerCase().toUpperCase()];
	return [...candidates, ...candidates.map(withoutMarks)];
});
export const NFKC_FORMS = table((c) => [c.normalize('NFKC')]);
export const INVISIBLES = bmp()
	.filter((c) => /[\p{Cf}\p{Cc}\p{Zs}\uFE00-\uFE0F\u034F]/u.test(c))
	.concat(['\u0000', '\t', '\n', '\r', ' ', '\u007f']);

/** Every name a single substitution from `table` makes of `field` (case-insensitive match). */
function substitutions(field: string, from: Array<[string, string]>): string[] {
	const lower = field.toLowerCase();
	const out = new Set<string>();
	for (const [c, ascii] of from) {
		for (let i = lower.indexOf(ascii); i !== -1; i = lower.indexOf(ascii, i + 1)) out.add(field.slice(0, i) + c + field.slice(i + ascii.length));
	}
	return [...out];
}

export type Family = 'asciiCase' | 'caseFold' | 'nfkc' | 'invisible';

/** All single-change spellings of a field in one family (invisible: each character at the start, middle and end). */
export function spellings(field: string, family: Family): string[] {
	if (family === 'caseFold') return substitutions(field, CASE_FOLDS);
	if (family === 'nfkc') return substitutions(field, NFKC_FORMS);
	if (family === 'invisible') {
		const at = [0, Math.floor(field.length / 2), field.length];
		return INVISIBLES.flatMap((c) => at.map((i) => field.slice(0, i) + c + field.slice(i)));
	}
	const out: string[] = [];
	const letters = [...field].map((ch, i) => ({ ch, i })).filter(({ ch }) => /[a-z]/i.test(ch));
	// flip one letter, all letters, and each prefix: enough shapes without 2^n names
	for (const { i } of letters) out.push(field.slice(0, i) + swap(field[i]) + field.slice(i + 1));
	out.push([...field].map(swap).join(''), field.toLowerCase(), field.toUpperCase());
	return [...new Set(out)].filter((s) => s !== field);
}

function swap(ch: string): string {
	return ch === ch.toLowerCase() ? ch.toUpperCase() : ch.toLowerCase();
}

/** A spelling of `field` from any family, with further ASCII case flips and further substitutions mixed in. */
export function spellingArb(field: string): fc.Arbitrary<{ family: Family; key: string }> {
	const families: Family[] = ['asciiCase', 'caseFold', 'nfkc', 'invisible'];
	const usable = families.filter((f) => spellings(field, f).length > 0);
	return fc
		.constantFrom(...usable)
		.chain((family) => fc.tuple(fc.constant(family), fc.constantFrom(...spellings(field, family)), fc.array(fc.boolean(), { maxLength: field.length })))
		.map(([family, key, flips]) => {
			// extra case flips on ASCII letters only (the change itself stays)
			const mixed = [...key].map((ch, i) => (flips[i] && /[a-z]/i.test(ch) ? swap(ch) : ch)).join('');
			return { family, key: mixed === field ? key : mixed };
		});
}

export const LIMITS = {
	both: { allowedSymbols: 'SOLUSDT', maxOrderNotional: 100 },
	allowList: { allowedSymbols: 'SOLUSDT' },
	cap: { maxOrderNotional: 100 },
} as const;

export interface Write {
	kind: string;
	path: string;
	body: IDataObject;
	/** Where a variant key goes: the body, or the first item of its "request" list. */
	batch?: true;
}

/** Canonical bodies that pass every limit in LIMITS with SAMPLE_FACTS (0.1 SOL at 150 = 15 USDT, 10 USDT converts and borrows). */
export const WRITES: Write[] = [
	{ kind: 'order', path: '/v5/order/create', body: { category: 'linear', symbol: 'SOLUSDT', side: 'Buy', orderType: 'Limit', qty: '0.1', price: '150', triggerPrice: '149', reduceOnly: false, closeOnTrigger: false, orderLinkId: 'k-1', positionIdx: 0 } },
	{ kind: 'spot order', path: '/v5/order/create', body: { category: 'spot', symbol: 'SOLUSDT', side: 'Buy', orderType: 'Market', qty: '10', marketUnit: 'quoteCoin' } },
	{ kind: 'batch', path: '/v5/order/create-batch', batch: true, body: { category: 'linear', request: [{ symbol: 'SOLUSDT', side: 'Buy', orderType: 'Limit', qty: '0.1', price: '150', orderLinkId: 'k-2' }] } },
	{ kind: 'amend', path: '/v5/order/amend', body: { category: 'linear', symbol: 'SOLUSDT', orderId: 'o-1', qty: '0.2' } },
	{ kind: 'amend batch', path: '/v5/order/amend-batch', batch: true, body: { category: 'linear', request: [{ symbol: 'SOLUSDT', orderId: 'o-1', price: '151' }] } },
	{ kind: 'cancel', path: '/v5/order/cancel', body: { category: 'linear', symbol: 'SOLUSDT', orderId: 'o-1' } },
	{ kind: 'convert quote', path: '/v5/asset/exchange/quote-apply', body: { fromCoin: 'USDT', toCoin: 'SOL', requestCoin: 'USDT', requestAmount: '10', accountType: 'eb_convert_funding' } },
	{ kind: 'convert confirm', path: '/v5/asset/exchange/convert-execute', body: { quoteTxId: 'q-1' } },
	{ kind: 'borrow', path: '/v5/account/borrow', body: { coin: 'USDT', amount: '10' } },
	{ kind: 'fixed borrow', path: '/v5/spot-margin-trade/fixedborrow', body: { orderCurrency: 'USDT', orderAmount: '10', annualRate: '0.05', term: '7' } },
	{ kind: 'transfer', path: '/v5/asset/transfer/inter-transfer', body: { transferId: 't-1', coin: 'USDT', amount: '5', fromAccountType: 'UNIFIED', toAccountType: 'FUND' } },
];

const SOL = { lastPrice: '150', markPrice: '150', bid1Price: '149.9', ask1Price: '150.1', indexPrice: '150' };

export const SAMPLE_FACTS: MarketFacts = {
	at: Date.now() + 3_600_000,
	tickers: { [tickerKey('linear', 'SOLUSDT')]: SOL, [tickerKey('spot', 'SOLUSDT')]: SOL },
	orders: { [orderKey('linear', 'SOLUSDT', 'o-1', undefined)]: { side: 'Buy', orderType: 'Limit', qty: '0.1', price: '150' } },
	quotes: { 'q-1': { fromCoin: 'USDT', toCoin: 'SOL', fromAmount: '10', toAmount: '0.066' } },
};

export type Placement = 'after' | 'before' | 'instead';

/** The body with `key` (a spelling of `field`) set to `value`: after or before the field, or in its place; in the batch's first item for batches. */
export function withVariant(write: Write, field: string, key: string, value: unknown, placement: Placement, top = false): IDataObject {
	const place = (o: IDataObject): IDataObject => {
		const entries = Object.entries(o).filter(([k]) => !(placement === 'instead' && k === field));
		const variant: [string, unknown] = [key, value];
		return Object.fromEntries(placement === 'before' ? [variant, ...entries] : [...entries, variant]) as IDataObject;
	};
	if (!write.batch || top) return place(write.body);
	const [first, ...rest] = write.body.request as IDataObject[];
	return { ...write.body, request: [place(first), ...rest] };
}

/** A key as the gate's messages show it (characters outside printable ASCII as \uXXXX). */
export function shownKey(key: string): string {
	return key.replace(/[^\x20-\x7e]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0').toUpperCase()}`).slice(0, 60);
}

export const FIELDS: readonly string[] = READ_FIELDS;
