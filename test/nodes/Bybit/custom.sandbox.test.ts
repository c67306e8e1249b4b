/**
 * Custom API Call with the credential, against the sandbox on a real socket:
 * signed like every operation, and judged by the SAME safety limits (the
 * transport's check and the signer's): above the cap, read-only, an unknown
 * write under an allow-list are refused with nothing on the wire. Also:
 * Bybit's JSON types for known fields, raw JSON sent as given, cursor
 * pagination, Simplify, retCode errors, and bad input refused before sending.
 */
import type { ICredentialDataDecryptedObject, IDataObject } from 'n8n-workflow';

import { runBybit } from '../../harness/execute';
import { independentlySigned } from '../../harness/signature';
import { useTradingSandbox } from '../../harness/tradingSandbox';
import type { Sandbox } from '../../sandbox';

let sandbox: Sandbox;
let creds: ICredentialDataDecryptedObject;
useTradingSandbox((s, c) => {
	sandbox = s;
	creds = c;
});

const pairs = (o: Record<string, string>) => ({ parameter: Object.entries(o).map(([name, value]) => ({ name, value })) });
const call = (method: string, path: string, params: Record<string, string>, extra: IDataObject = {}) => ({
	resource: 'custom',
	operation: 'apiCall',
	method,
	path,
	specifyParameters: 'keypair',
	parameters: pairs(params),
	...extra,
});
const onWire = (path: string) => sandbox.control.requests().filter((r) => r.path === path);
const ORDER = { category: 'linear', symbol: 'BTCUSDT', side: 'Buy', orderType: 'Market', qty: '1', positionIdx: '0' };

describe('Custom API Call (signed)', () => {
	it('a GET is signed and answers result (Simplify) or the whole envelope', async () => {
		const out = await runBybit(creds, call('GET', '/v5/market/tickers', { category: 'linear', symbol: 'BTCUSDT' }));
		expect((out[0].json.list as IDataObject[])[0].symbol).toBe('BTCUSDT');
		const [entry] = onWire('/v5/market/tickers');
		expect([entry.method, entry.query, entry.signatureValid, independentlySigned(entry, sandbox.control.defaultKey.secret)]).toEqual(['GET', 'category=linear&symbol=BTCUSDT', true, true]);
		const whole = await runBybit(creds, call('GET', '/v5/account/wallet-balance', { accountType: 'UNIFIED' }, { simplify: false }));
		expect(whole[0].json).toMatchObject({ retCode: 0, retMsg: expect.any(String), result: { list: expect.any(Array) } });
	});

	it('a POST within the limits is sent once, known fields in Bybit\'s JSON types', async () => {
		const limited = { ...creds, maxOrderNotional: 100_000, allowedSymbols: 'BTCUSDT' };
		const out = await runBybit(limited, call('POST', '/v5/order/create', { ...ORDER, qty: '0.01', reduceOnly: 'false', orderLinkId: 'custom-1' }));
		expect(out[0].json.orderLinkId).toBe('custom-1');
		const sent = onWire('/v5/order/create');
		expect(sent).toHaveLength(1);
		expect(JSON.parse(sent[0].body)).toEqual({ category: 'linear', symbol: 'BTCUSDT', side: 'Buy', orderType: 'Market', qty: '0.01', positionIdx: 0, reduceOnly: false, orderLinkId: 'custom-1' });
		expect(sent[0].signatureValid).toBe(true);
	});

	it('JSON parameters are sent exactly as given', async () => {
		const body = '{"category":"linear","symbol":"BTCUSDT","buyLeverage":"3","sellLeverage":"3"}';
		await runBybit(creds, { resource: 'custom', operation: 'apiCall', method: 'POST', path: '/v5/position/set-leverage', specifyParameters: 'json', jsonParameters: body }).catch(() => undefined);
		expect(onWire('/v5/position/set-leverage').map((r) => r.body)).toEqual([body]);
	});

	it('a POST /v5/order/create above the credential\'s cap is refused: nothing on the wire', async () => {
		const run = runBybit({ ...creds, maxOrderNotional: 1000 }, call('POST', '/v5/order/create', ORDER));
		await expect(run).rejects.toThrow(/Order notional 6500[\d.]* for 1 BTCUSDT .*exceeds the credential's maximum of 1000 per order/);
		expect(onWire('/v5/order/create')).toEqual([]);
	});

	it('read-only mode refuses a custom POST (even to a path no operation uses): nothing on the wire', async () => {
		for (const path of ['/v5/position/set-leverage', '/v5/spot-margin-trade/switch-mode']) {
			const run = runBybit({ ...creds, readOnly: true }, call('POST', path, { category: 'linear', symbol: 'BTCUSDT', buyLeverage: '2', sellLeverage: '2' }));
			await expect(run).rejects.toThrow(`read-only mode, so ${path} was not sent`);
			expect(onWire(path)).toEqual([]);
		}
		// reads still work in read-only mode
		await expect(runBybit({ ...creds, readOnly: true }, call('GET', '/v5/position/list', { category: 'linear', symbol: 'BTCUSDT' }))).resolves.toHaveLength(1);
	});

	it('an unknown write path is refused under an allow-list or a cap: nothing on the wire', async () => {
		for (const limits of [{ allowedSymbols: 'BTCUSDT' }, { maxOrderNotional: 1000 }] as ICredentialDataDecryptedObject[]) {
			// spread trading: not an operation of the node (spot margin's switch-mode, the example before, now is)
			const run = runBybit({ ...creds, ...limits }, call('POST', '/v5/spread/order/create', { symbol: 'SOLUSDT', side: 'Buy', orderType: 'Limit', qty: '1', price: '1' }));
			await expect(run).rejects.toThrow(/\/v5\/spread\/order\/create is not a write the credential's (allowed symbols|maximum notional) can check, so it was not sent/);
		}
		expect(onWire('/v5/spread/order/create')).toEqual([]);
	});

	it('withdrawals stay blocked unless the credential allows them', async () => {
		const run = runBybit(creds, call('POST', '/v5/asset/withdraw/create', { coin: 'USDT', chain: 'ETH', address: '0xabc', amount: '10', timestamp: String(Date.now()) }));
		await expect(run).rejects.toThrow(/Withdrawals are blocked by the Bybit credential/);
		expect(onWire('/v5/asset/withdraw/create')).toEqual([]);
	});

	it('paginates by nextPageCursor when asked: Return All reads every page, Limit stops early', async () => {
		const single = await runBybit(creds, call('GET', '/v5/market/instruments-info', { category: 'linear' }));
		const total = (single[0].json.list as IDataObject[]).length;
		expect(total).toBeGreaterThanOrEqual(3);
		sandbox.control.clearRequests();
		const all = await runBybit(creds, call('GET', '/v5/market/instruments-info', { category: 'linear', limit: '1' }, { paginate: true, returnAll: true }));
		expect(all.map((i) => i.json.symbol)).toEqual((single[0].json.list as IDataObject[]).map((r) => r.symbol));
		const pages = onWire('/v5/market/instruments-info');
		expect(pages).toHaveLength(total);
		expect(pages.slice(1).every((p) => /(^|&)cursor=/.test(p.query))).toBe(true);
		sandbox.control.clearRequests();
		const three = await runBybit(creds, call('GET', '/v5/market/instruments-info', { category: 'linear', limit: '1' }, { paginate: true, returnAll: false, limit: 2 }));
		expect(three).toHaveLength(2);
		expect(onWire('/v5/market/instruments-info')).toHaveLength(2);
	});

	it('a retCode error carries Bybit\'s message and code', async () => {
		await expect(runBybit(creds, call('GET', '/v5/market/tickers', { category: 'nonsense' }))).rejects.toThrow(/Bybit error \d+/);
	});

	it.each([
		[{ path: 'https://api.bybit.com/v5/market/time' }, /without a host/],
		[{ path: '/v5/market/tickers?category=linear' }, /query string/],
		[{ path: '' }, /"path" is required for Custom API Call/],
		[{ specifyParameters: 'json', jsonParameters: '{"category":' }, /"JSON Parameters" is not valid JSON/],
		[{ specifyParameters: 'json', jsonParameters: '{"category":{"a":1}}' }, /Query parameter "category" is a list or object/],
		[{ parameters: pairs({ 'cate gory': 'linear' }) }, /Parameter name "cate gory" is not a Bybit field name/],
		[{ parameters: { parameter: [{ name: 'symbol', value: 'BTCUSDT' }, { name: 'symbol', value: 'ETHUSDT' }] } }, /"symbol" is given twice/],
		[{ parameters: pairs({ symbol: 'BTC USDT' }) }, /"symbol" must be a Bybit symbol/],
		[{ method: 'PUT' }, /"method" must be one of GET, POST/],
	])('bad input is refused before sending: %j', async (over, error) => {
		await expect(runBybit(creds, { ...call('GET', '/v5/market/tickers', { category: 'linear' }), ...over })).rejects.toThrow(error);
		expect(sandbox.control.requests()).toEqual([]);
	});
});
