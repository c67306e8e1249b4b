/**
 * Keys a case-folding decoder would read otherwise than the safety limits
 * (issue #21 obs. 4), through Custom API Call against the sandbox, under
 * Allowed Symbols = SOLUSDT and a 100 USDT cap: the three observed bypasses
 * and generated spellings of every field the gate reads, in orders, batches,
 * amends, converts, borrows and transfers, are refused with NOTHING on the
 * wire (not even a price look-up); the canonical order and transfer are sent.
 * Raw JSON with a key twice reaches Bybit only as the object the gate checked;
 * the signer (HTTP Request node) refuses the observed bodies too.
 */
import fc from 'fast-check';
import type { ICredentialDataDecryptedObject, IDataObject, IHttpRequestOptions } from 'n8n-workflow';

import { signBybitRequest } from '../../../../credentials/common/bybit/request';
import { runBybit } from '../../../harness/execute';
import { useTradingSandbox } from '../../../harness/tradingSandbox';
import type { Sandbox } from '../../../sandbox';
import { FIELDS, LIMITS, shownKey, spellingArb, withVariant, WRITES, type Placement } from '../../../credentials/common/bybit/keySpellings';

let sandbox: Sandbox;
let limited: ICredentialDataDecryptedObject;
useTradingSandbox((s, c) => {
	sandbox = s;
	s.control.setPrice('SOLUSDT', { last: '150', mark: '150', index: '150' });
	limited = { ...c, ...LIMITS.both };
});

/** Custom API Call, POST, with raw JSON parameters (the text as a user would paste it). */
const custom = (path: string, json: string) => ({ resource: 'custom', operation: 'apiCall', method: 'POST', path, specifyParameters: 'json', jsonParameters: json });
const wire = () => sandbox.control.requests();

describe('keys a folding decoder reads otherwise: refused before anything is sent (Custom API Call, SOLUSDT, 100 USDT)', () => {
	it('obs. 1: "closeOnTrigger":true,"cloſeOnTrigger":false on a 1000 BTCUSDT market buy', async () => {
		const json = '{"category":"linear","symbol":"BTCUSDT","side":"Buy","orderType":"Market","qty":"1000","closeOnTrigger":true,"clo\u017feOnTrigger":false}';
		await expect(runBybit(limited, custom('/v5/order/create', json))).rejects.toThrow(/field "clo\\u017FeOnTrigger".*Rename it\./);
		expect(wire()).toEqual([]);
	});

	it('obs. 2: "symbol":"SOLUSDT","ſymbol":"BTCUSDT"', async () => {
		const json = '{"category":"linear","symbol":"SOLUSDT","\u017fymbol":"BTCUSDT","side":"Buy","orderType":"Market","qty":"0.1"}';
		await expect(runBybit(limited, custom('/v5/order/create', json))).rejects.toThrow(/field "\\u017Fymbol".*Rename it\./);
		expect(wire()).toEqual([]);
	});

	it('obs. 3: a borrow {"amount":"0.001","Amount":"1000"}', async () => {
		await expect(runBybit(limited, custom('/v5/account/borrow', '{"coin":"BTC","amount":"0.001","Amount":"1000"}'))).rejects.toThrow(/field "Amount" \(Bybit's field is "amount"\).*Rename it\./);
		expect(wire()).toEqual([]);
	});

	it('the canonical order and transfer pass and are sent once', async () => {
		const order = WRITES.find((w) => w.kind === 'order')!;
		const out = await runBybit(limited, custom(order.path, JSON.stringify({ ...order.body, triggerPrice: undefined, orderLinkId: 'fold-ok' })));
		expect(out[0].json.orderLinkId).toBe('fold-ok');
		const transfer = WRITES.find((w) => w.kind === 'transfer')!;
		await runBybit(limited, custom(transfer.path, JSON.stringify({ ...transfer.body, transferId: '3a4b5c6d-0000-4000-8000-000000000001' })));
		expect(wire().filter((r) => r.method === 'POST').map((r) => r.path)).toEqual([order.path, transfer.path]);
	});

	it('generated: any spelling of any field the gate reads, in any write (batch items too), beside, before or instead of the field', async () => {
		const arb = fc
			.record({ field: fc.constantFrom(...FIELDS), write: fc.constantFrom(...WRITES), placement: fc.constantFrom<Placement>('after', 'before', 'instead'), top: fc.boolean() })
			.chain((c) => spellingArb(c.field).map((s) => ({ ...c, ...s })));
		let runs = 0;
		await fc.assert(
			fc.asyncProperty(arb, async ({ field, write, placement, top, key }) => {
				const before = wire().length;
				const json = JSON.stringify(withVariant(write, field, key, 'BTCUSDT', placement, top));
				const error = await runBybit(limited, custom(write.path, json)).then(() => undefined, (e: Error) => e);
				expect(error?.message).toMatch(/Rename it\.|Remove one\./);
				expect(error?.message).toContain(shownKey(key));
				expect(wire().slice(before)).toEqual([]);
				runs++;
			}),
			{ numRuns: 1000 },
		);
		expect([runs, wire()]).toEqual([1000, []]);
	});
});

describe('raw JSON with a key twice', () => {
	it('the signer checks and sends the parsed object (the last value), never the raw text: the gate sees what Bybit gets', () => {
		const creds = { environment: 'custom', baseUrl: 'http://127.0.0.1:9', apiKey: 'k', apiSecret: 'secret-0000', ...LIMITS.allowList };
		const options = (body: string) => ({ method: 'POST', url: '/v5/order/create', body }) as IHttpRequestOptions;
		const twice = '{"category":"linear","symbol":"SOLUSDT","side":"Buy","orderType":"Limit","qty":"0.1","price":"150","symbol":"BTCUSDT"}';
		expect(() => signBybitRequest(creds, options(twice))).toThrow(/Symbol BTCUSDT is not in the credential's allowed symbols/);
		const last = '{"category":"linear","symbol":"BTCUSDT","side":"Buy","orderType":"Limit","qty":"0.1","price":"150","symbol":"SOLUSDT"}';
		const signed = signBybitRequest(creds, options(last));
		expect(signed.body).toBe(JSON.stringify(JSON.parse(last) as IDataObject));
		expect(String(signed.body).match(/"symbol"/g)).toHaveLength(1);
	});

	it('the signer (HTTP Request node) refuses the observed bodies as the node does', () => {
		const creds = { environment: 'custom', baseUrl: 'http://127.0.0.1:9', apiKey: 'k', apiSecret: 'secret-0000', ...LIMITS.allowList };
		const body = '{"category":"linear","symbol":"SOLUSDT","\u017fymbol":"BTCUSDT","side":"Buy","orderType":"Limit","qty":"0.1","price":"150"}';
		expect(() => signBybitRequest(creds, { method: 'POST', url: '/v5/order/create', body })).toThrow(/field "\\u017Fymbol".*Rename it\./);
		const borrow = { coin: 'BTC', amount: '0.001', Amount: '1000' };
		expect(() => signBybitRequest({ ...creds, ...LIMITS.cap }, { method: 'POST', url: '/v5/account/borrow', body: borrow })).toThrow(/field "Amount" \(Bybit's field is "amount"\)/);
	});

	it('a GET to a write path: a query name given twice is refused (a parser may take the first), a folded name as in a body; reads are not touched', () => {
		const creds = { environment: 'custom', baseUrl: 'http://127.0.0.1:9', apiKey: 'k', apiSecret: 'secret-0000', ...LIMITS.allowList };
		const get = (url: string) => () => signBybitRequest(creds, { method: 'GET', url });
		expect(get('/v5/order/cancel?category=linear&symbol=BTCUSDT&symbol=SOLUSDT')).toThrow(/query parameter "symbol" is given twice/);
		expect(get('/v5/order/cancel?category=linear&symbol=SOLUSDT&%C5%BFymbol=BTCUSDT')).toThrow(/field "\\u017Fymbol".*Rename it\./);
		expect(get('/v5/order/cancel?category=linear&symbol=SOLUSDT&orderId=o-1')).not.toThrow();
		expect(get('/v5/market/tickers?category=linear&symbol=BTCUSDT&symbol=SOLUSDT')).not.toThrow();
	});
});
