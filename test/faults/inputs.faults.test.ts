/**
 * Fault suite, inputs (issue #8): 1,000 generated bad inputs (wrong types,
 * missing required values, NaN and infinities, huge numbers, unknown enum
 * values, injection-looking strings) across trading, position, market and
 * asset operations. Each must be a clear error naming the field, with no
 * request sent and no crash; the API secret appears in no output.
 */
import type { IDataObject } from 'n8n-workflow';

import { runBybit, sandboxCredentials } from '../harness/execute';
import { startSandbox, type Sandbox } from '../sandbox';

let sandbox: Sandbox;
beforeEach(async () => {
	sandbox = await startSandbox({ port: 0, rateLimits: false });
});
afterEach(() => sandbox.close());

const DECIMAL_BAD: unknown[] = [NaN, Infinity, -Infinity, Number.MAX_VALUE * 10, 'abc', '1e400', '12,5', '0x10', '1.2.3', '--1', {}, [], true, { value: 1 }];
const ID_BAD: unknown[] = ['BTCUSDT&category=spot', "'; DROP TABLE orders;--", '<script>alert(1)</script>', '../../v5/asset/withdraw/create', 'BTC USDT', '%00', {}, 42, ['BTCUSDT']];
const ENUM_BAD: unknown[] = ['Hold', 'futures', 'buy;sell', 42, '', {}, 'Market\n', 'DROP'];
const REQUIRED_EMPTY: unknown[] = ['', '   '];

interface Target {
	params: IDataObject;
	/** [field, where: top-level or additionalFields, bad values] */
	fields: Array<[string, 'top' | 'extra', unknown[]]>;
}

const TARGETS: Target[] = [
	{
		params: { resource: 'order', operation: 'create', category: 'linear', symbol: 'BTCUSDT', side: 'Buy', orderType: 'Limit', qtyType: 'base', qty: '0.001', price: '50000', positionIdx: '0', orderLinkId: 'ok-1', additionalFields: {}, options: {} },
		fields: [
			['qty', 'top', [...DECIMAL_BAD, ...REQUIRED_EMPTY]],
			['price', 'top', [...DECIMAL_BAD, ...REQUIRED_EMPTY]],
			['symbol', 'top', [...ID_BAD, ...REQUIRED_EMPTY]],
			['orderLinkId', 'top', [...ID_BAD.filter((v) => v !== 42), 'x'.repeat(37)]],
			['side', 'top', ENUM_BAD],
			['orderType', 'top', ENUM_BAD],
			['category', 'top', ENUM_BAD],
			['positionIdx', 'top', ['7', 'hedge', -1, {}]],
			['triggerPrice', 'extra', DECIMAL_BAD],
			['takeProfit', 'extra', DECIMAL_BAD],
			['timeInForce', 'extra', ['GTX', 'forever', 3]],
		],
	},
	{
		params: { resource: 'order', operation: 'cancel', category: 'linear', symbol: 'BTCUSDT', orderId: '', orderLinkId: 'ok-1', additionalFields: {} },
		fields: [['orderLinkId', 'top', ID_BAD.filter((v) => v !== 42)], ['symbol', 'top', ID_BAD]],
	},
	{
		params: { resource: 'position', operation: 'setLeverage', category: 'linear', symbol: 'BTCUSDT', buyLeverage: '10', sellLeverage: '10' },
		fields: [['buyLeverage', 'top', DECIMAL_BAD], ['sellLeverage', 'top', [...DECIMAL_BAD, ...REQUIRED_EMPTY]], ['category', 'top', ['spot', 'option', ...ENUM_BAD]]],
	},
	{
		params: { resource: 'asset', operation: 'createInternalTransfer', coin: 'USDT', amount: '10', fromAccountType: 'FUND', toAccountType: 'UNIFIED', additionalFields: {} },
		fields: [['amount', 'top', [...DECIMAL_BAD, ...REQUIRED_EMPTY]], ['coin', 'top', ID_BAD], ['fromAccountType', 'top', ENUM_BAD], ['toAccountType', 'top', ['SPOT_V2', 'BANK', 7]]],
	},
];

/** One item per (target, field, bad value), cycling until `count` items. */
function generate(count: number): Array<{ params: IDataObject; field: string }> {
	const all: Array<{ params: IDataObject; field: string }> = [];
	for (const t of TARGETS) {
		for (const [field, where, values] of t.fields) {
			for (const value of values) {
				const params: IDataObject = { ...t.params, additionalFields: { ...((t.params.additionalFields as IDataObject) ?? {}) } };
				if (where === 'top') params[field] = value as IDataObject[string];
				else (params.additionalFields as IDataObject)[field] = value as IDataObject[string];
				all.push({ params, field });
			}
		}
	}
	return Array.from({ length: count }, (_, i) => all[i % all.length]);
}

it('1,000 bad inputs: each a clear error naming the field, nothing sent, no crash, no secret', async () => {
	const { apiKey, secret } = sandbox.control.defaultKey;
	const creds = sandboxCredentials(sandbox.restUrl, apiKey, secret);
	const cases = generate(1_000);
	const distinct = new Set(cases.map((c) => JSON.stringify(c.params))).size;
	// one execution per operation, as n8n runs items: continue-on-fail keeps every item's error
	const byOp = new Map<string, number[]>();
	cases.forEach((c, i) => byOp.set(`${c.params.resource}.${c.params.operation}`, [...(byOp.get(`${c.params.resource}.${c.params.operation}`) ?? []), i]));
	const unnamed: string[] = [];
	let errors = 0;
	for (const indices of byOp.values()) {
		const out = await runBybit(creds, (i) => cases[indices[i]].params, { items: indices.map(() => ({})), continueOnFail: true });
		expect(out).toHaveLength(indices.length);
		out.forEach((item, k) => {
			const { field } = cases[indices[k]];
			const message = String(item.json.error ?? '');
			if (message) errors++;
			if (!message.includes(`"${field}"`)) unnamed.push(`${field}: ${message || JSON.stringify(item.json).slice(0, 120)}`);
			expect(item.pairedItem).toEqual({ item: k });
		});
		expect(JSON.stringify(out)).not.toContain(secret);
	}
	const sent = sandbox.control.requests().length;
	process.stdout.write(`fault suite (inputs): ${cases.length} bad inputs (${distinct} distinct), ${errors} clear errors naming the field, ${unnamed.length} without, ${sent} requests sent\n`);
	expect(unnamed).toEqual([]);
	expect(errors).toBe(1_000);
	expect(sent).toBe(0);
});
