/**
 * Hostile input, property-based (issue #13, observation 11): generated items
 * for order.create, order.createBatch (JSON list and Each Input Item) and
 * order.createFromSignal, valid ones mixed with ones carrying hostile keys
 * (constructor, toString, __proto__, unknown names) or values (negative, zero,
 * NaN, Infinity, exponent, hex, whitespace inside, huge strings, wrong types,
 * arrays where objects belong). Checked on the sandbox's request log: nothing
 * of an invalid item is sent, its error names the field, every valid order is
 * sent exactly once, and every item gets its output(s), paired.
 */
import fc from 'fast-check';
import type { ICredentialDataDecryptedObject, IDataObject, INodeExecutionData } from 'n8n-workflow';

import { rl, runBybit } from '../harness/execute';
import { useTradingSandbox } from '../harness/tradingSandbox';
import type { Sandbox } from '../sandbox';

let sandbox: Sandbox;
let creds: ICredentialDataDecryptedObject;
useTradingSandbox((s, c) => {
	sandbox = s;
	creds = c;
});

/** 25 runs take a few seconds per test; FC_RUNS=200 about a minute each (the time limit below allows it). */
const RUNS = { numRuns: Number(process.env.FC_RUNS ?? 25) };
jest.setTimeout(300_000);
let serial = 0;
/** Per test: valid orders sent and broken items refused, so a property that checked nothing fails. */
const seen = { sent: 0, refused: 0 };
beforeEach(() => Object.assign(seen, { sent: 0, refused: 0 }));
afterEach(() => {
	process.stdout.write(`hostile inputs (${expect.getState().currentTestName}): ${seen.refused} broken items refused naming the field, nothing sent; ${seen.sent} valid orders sent exactly once\n`);
	expect(seen.sent).toBeGreaterThan(5);
	expect(seen.refused).toBeGreaterThan(5);
});
const linkId = (tag: string) => `${tag}-${++serial}`;

const PROTO_KEYS = ['constructor', 'toString', '__proto__', 'hasOwnProperty', 'valueOf', 'isPrototypeOf', 'prototype', '__defineGetter__'];
const hostileKey = fc.oneof(fc.constantFrom(...PROTO_KEYS), fc.constantFrom('quantity', 'Symbol', 'qty ', 'sidee', 'x'.repeat(500)));
/** Values no positive decimal field may take. */
const badPositive: fc.Arbitrary<unknown> = fc.oneof(
	fc.constantFrom<unknown>(NaN, Infinity, -Infinity, 0, -1, '-0.001', '-1', '0', '-0', '0.000', '1e3', '1E-3', '0x10', '0b1', '1 0', '1\n2', '1,5', '1.2.3', '--1', 'NaN', 'Infinity', '١', '+-1'),
	fc.constantFrom<unknown>({}, [], ['0.001'], { value: '0.001' }, true, false),
	fc.integer({ min: 41, max: 100_000 }).map((n) => '9'.repeat(n)),
	fc.double({ max: 0, noNaN: true }),
	fc.constantFrom<unknown>(1e300, 1e41, Number.MAX_VALUE, -Number.MAX_VALUE),
);
/** The same, as JSON can carry them (a JSON list has no NaN, Infinity or undefined). */
const badPositiveJson = badPositive.filter((v) => typeof v !== 'number' || Number.isFinite(v));

/** A generated item: valid (must be sent once) or broken in one named field (must be refused, nothing sent). */
interface Gen<T> {
	value: T;
	field?: string;
}

const mutate = <T extends Record<string, unknown>>(
	base: () => T,
	fields: Array<[string, fc.Arbitrary<unknown>]>,
	keys: fc.Arbitrary<string> = hostileKey,
	keyValues: fc.Arbitrary<unknown> = fc.anything(),
): fc.Arbitrary<Gen<T>> =>
	fc.oneof(
		{ weight: fields.length, arbitrary: fc.constant(null).map(() => ({ value: base() })) },
		...fields.map(([field, values]) => values.map((v) => ({ value: { ...base(), [field]: v }, field }))),
		fc.tuple(keys, keyValues).map(([key, v]) => {
			const value = base();
			Object.defineProperty(value, key, { value: v, enumerable: true, configurable: true, writable: true });
			return { value, field: key };
		}),
	);

const creates = () => sandbox.control.requests().filter((r) => r.path === '/v5/order/create');
const batchOrders = () =>
	sandbox.control
		.requests()
		.filter((r) => r.path === '/v5/order/create-batch')
		.flatMap((r) => (JSON.parse(r.body).request as IDataObject[]).map((o) => String(o.orderLinkId)));

function expectPaired(out: INodeExecutionData[], perItem: number[]): void {
	const count = new Map<number, number>();
	for (const o of out) {
		const i = (o.pairedItem as { item: number }).item;
		count.set(i, (count.get(i) ?? 0) + 1);
	}
	expect(perItem.map((_, i) => count.get(i) ?? 0)).toEqual(perItem);
}

/** The error output of item i names `field` (a key longer than 40 characters is named by its start). */
function expectNamed(out: INodeExecutionData[], i: number, field: string): void {
	const errors = out.filter((o) => (o.pairedItem as { item: number }).item === i).map((o) => String(o.json.error ?? ''));
	expect(errors).toHaveLength(1);
	expect(errors[0]).toContain(`"${field.slice(0, 40)}`);
	expect(errors[0]).not.toMatch(/Cannot read properties|\[object Object\]/);
	seen.refused++;
}

const validCreate = () => ({ symbol: 'BTCUSDT', side: 'Buy', orderType: 'Limit', qty: '0.001', price: '40000', orderLinkId: linkId('c') });

describe('order.create', () => {
	const item = mutate(validCreate, [
		['qty', badPositive],
		['price', badPositive],
		['symbol', fc.constantFrom<unknown>('BTCUSDT&category=spot', 'BTC USDT', {}, ['BTCUSDT'], 42, 'x'.repeat(70))],
		['orderLinkId', fc.constantFrom<unknown>('a'.repeat(37), 'id with space', { id: 1 })],
		['side', fc.constantFrom<unknown>('Hold', 'buy;sell', {}, 1)],
		['takeProfit', fc.constantFrom<unknown>('-1', '-0.5', 'abc', NaN, [])],
	]);

	it('refuses each broken item, naming the field, and sends each valid one exactly once', async () => {
		await fc.assert(
			fc.asyncProperty(fc.array(item, { minLength: 1, maxLength: 5 }), async (gens) => {
				sandbox.control.clearRequests();
				const params = (i: number) => {
					const { value, field } = gens[i];
					const { takeProfit, ...top } = value as Record<string, unknown>;
					const extra: Record<string, unknown> = field === 'takeProfit' ? { takeProfit } : {};
					const own = Object.keys(value).filter((k) => PROTO_KEYS.includes(k) || !(k in validCreate()));
					for (const k of own) Object.defineProperty(extra, k, { value: (value as Record<string, unknown>)[k], enumerable: true, configurable: true, writable: true });
					for (const k of own) delete top[k];
					return { resource: 'order', operation: 'create', category: 'linear', positionIdx: 'auto', qtyType: 'base', ...top, symbol: typeof top.symbol === 'string' ? rl(top.symbol) : top.symbol, additionalFields: extra, options: {} };
				};
				const out = await runBybit(creds, params, { items: gens.map(() => ({})), continueOnFail: true });
				expectPaired(out, gens.map(() => 1));
				const sent = creates().map((r) => String(JSON.parse(r.body).orderLinkId));
				gens.forEach((g, i) => {
					const id = String((g.value as IDataObject).orderLinkId);
					if (g.field) {
						expectNamed(out, i, g.field);
						expect(sent).not.toContain(id);
					} else {
						expect(out.find((o) => (o.pairedItem as { item: number }).item === i)!.json).toMatchObject({ orderLinkId: id });
						expect(sent.filter((s) => s === id)).toHaveLength(1);
						seen.sent++;
					}
				});
				expect(sent).toHaveLength(gens.filter((g) => !g.field).length);
			}),
			RUNS,
		);
	});
});

const validBatchOrder = () => ({ symbol: 'BTCUSDT', side: 'Buy', orderType: 'Limit', qty: '0.001', price: '40000', orderLinkId: linkId('b') });
const batchFields = (bad: fc.Arbitrary<unknown>): Array<[string, fc.Arbitrary<unknown>]> => [
	['qty', bad],
	['price', bad],
	['positionIdx', fc.constantFrom<unknown>(7, '3', 'hedge', -1, {}, 1.5)],
	['reduceOnly', fc.constantFrom<unknown>('yes', 1, {}, [])],
	['timeInForce', fc.constantFrom<unknown>('GTX', 'forever', 3, {})],
];
const batchOrder = mutate(validBatchOrder, batchFields(badPositive));
const batchOrderJson = mutate(validBatchOrder, batchFields(badPositiveJson), hostileKey, fc.jsonValue());

describe('order.createBatch', () => {
	it('Each Input Item: one output per item; broken items named and never sent; valid ones sent once', async () => {
		const entry = fc.oneof({ weight: 6, arbitrary: batchOrder }, { weight: 1, arbitrary: fc.constantFrom<Gen<Record<string, unknown>>>({ value: [] as unknown as Record<string, unknown>, field: 'Order 1' }) });
		await fc.assert(
			fc.asyncProperty(fc.array(entry, { minLength: 1, maxLength: 12 }), async (gens) => {
				sandbox.control.clearRequests();
				const out = await runBybit(creds, { resource: 'order', operation: 'createBatch', category: 'linear', source: 'items' }, { items: gens.map((g) => g.value as IDataObject), continueOnFail: true });
				expectPaired(out, gens.map(() => 1));
				const sent = batchOrders();
				gens.forEach((g, i) => {
					const id = String((g.value as IDataObject).orderLinkId);
					if (g.field === 'Order 1') expect(String(out.find((o) => (o.pairedItem as { item: number }).item === i)!.json.error)).toMatch(/^Order 1: it must be an object/);
					else if (g.field) {
						expectNamed(out, i, g.field);
						expect(sent).not.toContain(id);
					} else {
						expect(sent.filter((s) => s === id)).toHaveLength(1);
						seen.sent++;
					}
				});
				expect(sent).toHaveLength(gens.filter((g) => !g.field).length);
			}),
			RUNS,
		);
	});

	it('JSON List: an item with a broken order is refused whole (one error naming order and field); other items\' orders are sent once each', async () => {
		await fc.assert(
			fc.asyncProperty(fc.array(fc.array(batchOrderJson, { minLength: 1, maxLength: 3 }), { minLength: 1, maxLength: 5 }), async (lists) => {
				sandbox.control.clearRequests();
				const out = await runBybit(
					creds,
					(i) => ({ resource: 'order', operation: 'createBatch', category: 'linear', source: 'json', orders: JSON.stringify(lists[i].map((g) => g.value)) }),
					{ items: lists.map(() => ({})), continueOnFail: true },
				);
				const broken = lists.map((l) => l.findIndex((g) => g.field));
				expectPaired(out, lists.map((l, i) => (broken[i] >= 0 ? 1 : l.length)));
				const sent = batchOrders();
				lists.forEach((l, i) => {
					if (broken[i] >= 0) {
						const field = l[broken[i]].field!;
						const error = String(out.find((o) => (o.pairedItem as { item: number }).item === i)!.json.error ?? '');
						expect(error).toMatch(new RegExp(`^Order ${broken[i] + 1}: `));
						expect(error).toContain(`"${field.slice(0, 40)}`);
						for (const g of l) expect(sent).not.toContain(String((g.value as IDataObject).orderLinkId));
						seen.refused++;
					} else {
						for (const g of l) expect(sent.filter((s) => s === String((g.value as IDataObject).orderLinkId))).toHaveLength(1);
						seen.sent += l.length;
					}
				});
			}),
			RUNS,
		);
	});
});

describe('order.createFromSignal', () => {
	const now = () => new Date().toISOString();
	const validAlert = () => ({ action: 'buy', contracts: '0.001', ticker: 'BYBIT:BTCUSDT.P', time: now(), id: linkId('s') });
	const alert = fc.oneof(
		mutate(validAlert, [
			// exponent forms are plain numbers to an alert (trading/signal.ts plainDecimal: an unquoted JSON number arrives so): "1E-3" is 0.001, a valid quantity
			['contracts', badPositive.filter((v) => (typeof v === 'string' || typeof v === 'number') && v !== '1E-3')],
			['ticker', fc.constantFrom<unknown>('BTC USDT', 'BTCUSDT&category=spot', '../v5/asset/withdraw/create', 'x'.repeat(80))],
			// keys the alert does not read: no aliases of its fields (Symbol, qty are aliases)
		], fc.constantFrom(...PROTO_KEYS, 'quantity', 'sidee', 'x'.repeat(500))).map((g) =>
			// the alert ignores keys it does not know (TradingView sends extras): a hostile key alone is a valid alert
			g.field && !['contracts', 'ticker'].includes(g.field) ? { value: g.value } : g,
		),
	);

	it('refuses broken alerts naming the field, places each valid alert once', async () => {
		await fc.assert(
			fc.asyncProperty(fc.array(alert, { minLength: 1, maxLength: 4 }), async (gens) => {
				sandbox.control.clearRequests();
				const params = (i: number) => ({ resource: 'order', operation: 'createFromSignal', category: 'linear', alert: gens[i].value, symbol: '', qtyType: 'alert', maxAlertAge: 120, alertSecret: '', linkIdPrefix: 'tv', dryRun: false });
				const out = await runBybit(creds, params, { items: gens.map(() => ({})), continueOnFail: true });
				expectPaired(out, gens.map(() => 1));
				const sent = creates().map((r) => String(JSON.parse(r.body).orderLinkId));
				gens.forEach((g, i) => {
					const id = `tv-${String((g.value as IDataObject).id)}`;
					if (g.field) {
						expectNamed(out, i, g.field);
						expect(sent).not.toContain(id);
					} else {
						expect(sent.filter((s) => s === id)).toHaveLength(1);
						seen.sent++;
					}
				});
			}),
			RUNS,
		);
	});
});
