/**
 * The gate's verdict does not depend on how the exchange folds keys (issue
 * #21 obs. 4; credentials/common/bybit/bodyKeys.ts): under any limit, every
 * spelling of every field the gate reads (ASCII case, Unicode case mappings,
 * NFKC look-alikes, invisible characters), beside the field, before it or in
 * its place, in every kind of write (orders, batches and their items, amends,
 * cancels, converts, borrows, transfers) is refused, naming the key and the
 * fix; the canonical bodies pass. READ_FIELDS is checked against the reads
 * the rules make at run time.
 */
import fc from 'fast-check';
import type { IDataObject } from 'n8n-workflow';

import { keyRefusal, READ_FIELDS } from '../../../../credentials/common/bybit/bodyKeys';
import { guardrailsOf, lookupsFor, safetyRefusal } from '../../../../credentials/common/bybit/safety';
import { CASE_FOLDS, FIELDS, INVISIBLES, LIMITS, NFKC_FORMS, SAMPLE_FACTS, shownKey, spellingArb, spellings, withVariant, WRITES, type Family, type Placement } from './keySpellings';

const LIMIT_NAMES = Object.keys(LIMITS) as Array<keyof typeof LIMITS>;
const judge = (limit: keyof typeof LIMITS, path: string, body: IDataObject) => safetyRefusal(guardrailsOf(LIMITS[limit]), { method: 'POST', path, body }, SAMPLE_FACTS);
const REFUSED = /Rename it\.$|Remove one\.$/;

describe('body keys: the canonical bodies pass', () => {
	it.each(WRITES.map((w) => [w.kind, w] as const))('%s passes every limit', (_kind, write) => {
		for (const limit of LIMIT_NAMES) expect([limit, judge(limit, write.path, write.body)]).toEqual([limit, undefined]);
	});
});

describe('body keys: the three observed bypasses (Allowed Symbols SOLUSDT, 100 USDT cap)', () => {
	const BTC = { lastPrice: '65000', markPrice: '65000', bid1Price: '64999', ask1Price: '65001' };
	const facts = { ...SAMPLE_FACTS, tickers: { ...SAMPLE_FACTS.tickers, 'linear|BTCUSDT': BTC, 'spot|USDCUSDT': { lastPrice: '1' } } };
	const both = (path: string, body: IDataObject) => safetyRefusal(guardrailsOf(LIMITS.both), { method: 'POST', path, body }, facts);

	it('"closeOnTrigger":true,"cloſeOnTrigger":false on a 1000 BTCUSDT market buy is refused, not taken for an exempt close', () => {
		const body = JSON.parse('{"category":"linear","symbol":"BTCUSDT","side":"Buy","orderType":"Market","qty":"1000","closeOnTrigger":true,"clo\u017feOnTrigger":false}') as IDataObject;
		expect(both('/v5/order/create', body)).toMatch(/field "clo\\u017FeOnTrigger".*not a Bybit field name.*Rename it\.$/);
	});

	it('"symbol":"SOLUSDT","ſymbol":"BTCUSDT" is refused, not valued as SOL', () => {
		const body = JSON.parse('{"category":"linear","symbol":"SOLUSDT","\u017fymbol":"BTCUSDT","side":"Buy","orderType":"Market","qty":"0.1"}') as IDataObject;
		expect(both('/v5/order/create', body)).toMatch(/field "\\u017Fymbol".*Rename it\.$/);
	});

	it('a borrow {"amount":"0.001","Amount":"1000"} is refused, not valued at 0.001', () => {
		const body = JSON.parse('{"coin":"BTC","amount":"0.001","Amount":"1000"}') as IDataObject;
		const btcFacts = { ...facts, tickers: { ...facts.tickers, 'spot|BTCUSDT': BTC } };
		expect(safetyRefusal(guardrailsOf(LIMITS.both), { method: 'POST', path: '/v5/account/borrow', body }, btcFacts)).toMatch(/field "Amount" \(Bybit's field is "amount"\).*Rename it\.$/);
	});
});

describe('body keys: every spelling of every field the gate reads is refused', () => {
	const families: Family[] = ['asciiCase', 'caseFold', 'nfkc', 'invisible'];

	it('the computed spelling tables hold the characters the issue names', () => {
		const folds = new Map(CASE_FOLDS);
		expect([folds.get('\u017f'), folds.get('\u212a'), folds.get('\u0131'), folds.get('\u0130')]).toEqual(['s', 'k', 'i', 'i']);
		expect(folds.has('\u212b')).toBe(false); // Ångström folds to å, not ASCII
		expect(new Map(NFKC_FORMS).get('\uff41')).toBe('a');
		expect(INVISIBLES).toEqual(expect.arrayContaining(['\u200b', '\u200d', '\u2060', '\ufeff', '\u00ad']));
	});

	/**
	 * Every single-change spelling of every field (ASCII case 226, case
	 * mappings 64, NFKC 1,701, invisible 7,524), in every write x placement x
	 * limit (99 cases each: 941,985 verdicts).
	 */
	it.each(families)('%s: each single-change spelling, beside, before or instead of the field, under each limit', (family) => {
		const placements: Placement[] = ['after', 'before', 'instead'];
		const cases = WRITES.flatMap((write) => placements.flatMap((placement) => LIMIT_NAMES.map((limit) => ({ write, placement, limit }))));
		let spelled = 0;
		let judged = 0;
		for (const field of FIELDS) {
			for (const key of spellings(field, family)) {
				for (const { write, placement, limit } of cases) {
					const refusal = judge(limit, write.path, withVariant(write, field, key, 'BTCUSDT', placement));
					if (!REFUSED.test(refusal ?? '') || !refusal!.includes(shownKey(key))) expect([field, key, write.kind, placement, limit, refusal]).toBe('refused, naming the key');
					judged++;
				}
				spelled++;
			}
		}
		expect(spelled).toBeGreaterThanOrEqual({ asciiCase: 226, caseFold: 64, nfkc: 1701, invisible: 7524 }[family]);
		expect(judged).toBe(spelled * WRITES.length * 9);
	});

	it('generated: any field, any spelling mixed with case flips, any write (top level or batch item), any placement and value, any limit', () => {
		const field = fc.constantFrom(...FIELDS);
		const arb = fc.record({
			field,
			write: fc.constantFrom(...WRITES),
			placement: fc.constantFrom<Placement>('after', 'before', 'instead'),
			limit: fc.constantFrom(...LIMIT_NAMES),
			value: fc.oneof(fc.constantFrom<unknown>('BTCUSDT', '1000', true, false, 'Buy', 'Market'), fc.jsonValue({ maxDepth: 1 })),
			top: fc.boolean(),
		}).chain((c) => spellingArb(c.field).map((s) => ({ ...c, ...s })));
		fc.assert(
			fc.property(arb, ({ field: f, write, placement, limit, value, top, key }) => {
				const body = withVariant(write, f, key, value, placement, top);
				const refusal = judge(limit, write.path, body);
				expect(refusal).toMatch(REFUSED);
				expect(refusal).toContain(shownKey(key));
			}),
			{ numRuns: 20_000 },
		);
	});

	it('two keys equal but for ASCII case are refused even where the gate reads neither (transferId, positionIdx)', () => {
		const transfer = WRITES.find((w) => w.kind === 'transfer')!;
		expect(judge('cap', transfer.path, { ...transfer.body, TransferId: 't-2' })).toMatch(/fields "transferId" and "TransferId".*Remove one\.$/);
		const order = WRITES.find((w) => w.kind === 'batch')!;
		expect(judge('allowList', order.path, withVariant(order, 'positionIdx', 'POSITIONIDX', 1, 'after'))).toBeUndefined();
		const twice = { ...order.body, request: [{ ...(order.body.request as IDataObject[])[0], positionIdx: 0, POSITIONIDX: 1 }] };
		expect(judge('allowList', order.path, twice)).toMatch(/fields "positionIdx" and "POSITIONIDX" \(in "request" item 1\).*Remove one\.$/);
	});

	it('nested objects anywhere in the body are checked; without a limit nothing is', () => {
		const borrow = WRITES.find((w) => w.kind === 'borrow')!;
		expect(judge('cap', borrow.path, { ...borrow.body, extra: { list: [{ '\u017fymbol': 'X' }] } })).toMatch(/field "\\u017Fymbol" \(in "extra", "list" item 1\)/);
		expect(safetyRefusal(guardrailsOf({}), { method: 'POST', path: borrow.path, body: { ...borrow.body, Amount: '1000' } })).toBeUndefined();
		expect(keyRefusal({ a: { b: { c: [[{ d_1: 1 }]] } } })).toBeUndefined();
	});
});

describe('body keys: READ_FIELDS is what the rules read', () => {
	/** The body behind a proxy recording reads of keys it does not hold (only the rules read those: the key check reads keys present). */
	function recorded(body: IDataObject): { body: IDataObject; reads: Set<string> } {
		const reads = new Set<string>();
		const wrap = (value: unknown): unknown => {
			if (!value || typeof value !== 'object') return value;
			const isArray = Array.isArray(value);
			return new Proxy(value, {
				get(target, key, receiver) {
					if (typeof key === 'string' && !isArray && !Object.prototype.hasOwnProperty.call(target, key)) reads.add(key);
					return wrap(Reflect.get(target, key, receiver));
				},
				has(target, key) {
					if (typeof key === 'string' && !isArray && !Object.prototype.hasOwnProperty.call(target, key)) reads.add(key);
					return Reflect.has(target, key);
				},
			});
		};
		return { body: wrap(body) as IDataObject, reads };
	}

	it('every field a rule reads is in READ_FIELDS, and every entry is read by some rule (each canonical body, each field left out)', () => {
		const all = new Set<string>();
		for (const write of WRITES) {
			const top = Object.keys(write.body).map((key) => ({ key, top: true }));
			const inItem = write.batch ? Object.keys((write.body.request as IDataObject[])[0]).map((key) => ({ key, top: false })) : [];
			for (const omit of [undefined, ...top, ...inItem]) {
				const body = omit === undefined ? write.body : withVariant(write, omit.key, omit.key, undefined, 'instead', omit.top);
				const without = JSON.parse(JSON.stringify(body)) as IDataObject; // drops the undefined left in its place
				for (const limit of LIMIT_NAMES) {
					const { body: proxied, reads } = recorded(without);
					const g = guardrailsOf(LIMITS[limit]);
					safetyRefusal(g, { method: 'POST', path: write.path, body: proxied }, SAMPLE_FACTS);
					lookupsFor(g, { method: 'POST', path: write.path, body: proxied }, SAMPLE_FACTS);
					for (const key of reads) expect([write.kind, key, (READ_FIELDS as readonly string[]).includes(key)]).toEqual([write.kind, key, true]);
					for (const key of reads) all.add(key);
				}
			}
		}
		expect([...all].sort()).toEqual([...READ_FIELDS].sort());
	});
});
