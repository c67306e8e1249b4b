import { createHmac } from 'crypto';
import { createServer, type IncomingMessage, type Server } from 'http';
import type { AddressInfo } from 'net';
import type { IHttpRequestOptions } from 'n8n-workflow';

import { makeHttpRequestWithAuthentication } from '../harness/http';

// The BUILT credential, as n8n loads it (`npm test` builds first).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { BybitApi } = require('../../dist/credentials/BybitApi.credentials.js');

const SECRET = 'unit-secret-0123456789abcdef';
const creds = {
	environment: 'custom',
	baseUrl: 'http://127.0.0.1:1',
	signatureMethod: 'hmac',
	apiKey: 'unit-key',
	apiSecret: SECRET,
	recvWindow: 5000,
};

function hmac(text: string, secret = SECRET): string {
	return createHmac('sha256', secret).update(text).digest('hex');
}

function expectSignedOver(options: IHttpRequestOptions, payload: string): void {
	const h = options.headers as Record<string, string>;
	expect(h['X-BAPI-API-KEY']).toBe('unit-key');
	expect(h['X-BAPI-RECV-WINDOW']).toBe('5000');
	expect(h['X-BAPI-SIGN-TYPE']).toBe('2');
	expect(Math.abs(Number(h['X-BAPI-TIMESTAMP']) - Date.now())).toBeLessThan(5000);
	expect(h['X-BAPI-SIGN']).toBe(hmac(`${h['X-BAPI-TIMESTAMP']}unit-key5000${payload}`));
}

describe('bybitApi credential: authenticate', () => {
	const credential = new BybitApi();

	it('has the public contract names', () => {
		expect(credential.name).toBe('bybitApi');
		expect(credential.displayName).toBe('Bybit API');
		const names = credential.properties.map((p: { name: string }) => p.name);
		expect(names).toEqual(
			expect.arrayContaining(['environment', 'baseUrl', 'wsBaseUrl', 'signatureMethod', 'apiKey', 'apiSecret', 'rsaPrivateKey', 'recvWindow']),
		);
		const env = credential.properties.find((p: { name: string }) => p.name === 'environment');
		expect(env.default).toBe('mainnet');
		expect(env.options.map((o: { value: string }) => o.value)).toEqual(
			expect.arrayContaining(['mainnet', 'mainnetBytick', 'testnet', 'demo', 'custom', 'netherlands', 'turkey', 'kazakhstan', 'georgia', 'uae', 'eea', 'indonesia', 'japan']),
		);
		for (const secretField of ['apiKey', 'apiSecret', 'rsaPrivateKey']) {
			expect(credential.properties.find((p: { name: string }) => p.name === secretField).typeOptions?.password).toBe(true);
		}
	});

	it('GET: serialises the query once into the URL, empties qs, signs that exact string', async () => {
		const out: IHttpRequestOptions = await credential.authenticate(creds, {
			method: 'GET',
			url: '/v5/order/realtime',
			qs: { category: 'linear', symbol: 'BTCUSDT', orderLinkId: '', cursor: 'a%3Db c' },
		});
		expect(out.url).toBe('http://127.0.0.1:1/v5/order/realtime?category=linear&symbol=BTCUSDT&cursor=a%253Db%20c');
		expect(out.qs).toEqual({});
		expectSignedOver(out, 'category=linear&symbol=BTCUSDT&cursor=a%253Db%20c');
	});

	it('POST: serialises the body once to the JSON string that is sent', async () => {
		const out: IHttpRequestOptions = await credential.authenticate(creds, {
			method: 'POST',
			url: '/v5/order/create',
			body: { category: 'linear', symbol: 'BTCUSDT', qty: '0.001', note: 'é' },
		});
		expect(out.body).toBe('{"category":"linear","symbol":"BTCUSDT","qty":"0.001","note":"é"}');
		expect((out.headers as Record<string, string>)['Content-Type']).toBe('application/json');
		expectSignedOver(out, out.body as string);
	});

	it('is idempotent: n8n re-runs it on the signed options after a 401', async () => {
		const first: IHttpRequestOptions = await credential.authenticate(creds, {
			method: 'GET',
			url: '/v5/position/list',
			qs: { category: 'linear', symbol: 'BTCUSDT' },
		});
		const second: IHttpRequestOptions = await credential.authenticate(creds, first);
		expect(second.url).toBe(first.url);
		expectSignedOver(second, 'category=linear&symbol=BTCUSDT');
		const post: IHttpRequestOptions = await credential.authenticate(creds, { method: 'POST', url: '/v5/order/cancel', body: { a: 1 } });
		const again: IHttpRequestOptions = await credential.authenticate(creds, post);
		expect(again.body).toBe('{"a":1}');
		expectSignedOver(again, '{"a":1}');
	});

	it('takes the host from the environment', async () => {
		const mainnet: IHttpRequestOptions = await credential.authenticate({ ...creds, environment: 'mainnet' }, { method: 'GET', url: '/v5/market/time' });
		expect(mainnet.url).toBe('https://api.bybit.com/v5/market/time');
		const testnet: IHttpRequestOptions = await credential.authenticate({ ...creds, environment: 'testnet' }, { method: 'GET', url: '/v5/market/time' });
		expect(testnet.url).toBe('https://api-testnet.bybit.com/v5/market/time');
		const demo: IHttpRequestOptions = await credential.authenticate({ ...creds, environment: 'demo' }, { method: 'GET', url: '/v5/market/time' });
		expect(demo.url).toBe('https://api-demo.bybit.com/v5/market/time');
	});

	it('never puts the secret into the signed options', async () => {
		const out = await credential.authenticate(creds, { method: 'POST', url: '/v5/order/create', body: { a: 1 } });
		expect(JSON.stringify(out)).not.toContain(SECRET);
	});

	it('says which field is missing, without echoing anything secret', async () => {
		await expect(credential.authenticate({ ...creds, apiSecret: '' }, { method: 'GET', url: '/x' })).rejects.toThrow(/no API Secret/);
		await expect(credential.authenticate({ ...creds, apiKey: ' ' }, { method: 'GET', url: '/x' })).rejects.toThrow(/no API Key/);
		await expect(
			credential.authenticate({ ...creds, signatureMethod: 'rsa' }, { method: 'GET', url: '/x' }),
		).rejects.toThrow(/no RSA Private Key/);
	});

	it('tests the key on a private endpoint with a rule per auth retCode', () => {
		expect(credential.test.request.url).toBe('/v5/user/query-api');
		const codes = credential.test.rules.map((r: { properties: { value: number } }) => r.properties.value);
		expect(codes).toEqual(expect.arrayContaining([10002, 10003, 10004, 10005, 10010]));
		const wrongSecret = credential.test.rules.find((r: { properties: { value: number } }) => r.properties.value === 10004);
		expect(wrongSecret.properties.message).toMatch(/secret .*wrong/i);
		const wrongEnv = credential.test.rules.find((r: { properties: { value: number } }) => r.properties.value === 10003);
		expect(wrongEnv.properties.message).toMatch(/testnet key fails on mainnet/);
	});
});

describe('bybitApi credential: on the wire', () => {
	let server: Server;
	let base: string;
	const received: Array<{ method: string; url: string; body: string; headers: IncomingMessage['headers'] }> = [];

	beforeAll(async () => {
		server = createServer((req, res) => {
			const chunks: Buffer[] = [];
			req.on('data', (c: Buffer) => chunks.push(c));
			req.on('end', () => {
				received.push({ method: req.method!, url: req.url!, body: Buffer.concat(chunks).toString('utf8'), headers: req.headers });
				res.setHeader('Content-Type', 'application/json');
				res.end('{"retCode":0,"retMsg":"OK","result":{},"retExtInfo":{},"time":1}');
			});
		});
		await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
		base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
	});

	afterAll(async () => {
		await new Promise<void>((resolve) => server.close(() => resolve()));
	});

	function independentlyVerified(r: (typeof received)[number], payload: string): boolean {
		const h = r.headers;
		return h['x-bapi-sign'] === hmac(`${h['x-bapi-timestamp']}${h['x-bapi-api-key']}${h['x-bapi-recv-window']}${payload}`);
	}

	it('signs exactly the bytes the server receives (GET query, POST body); one changed byte fails', async () => {
		const send = makeHttpRequestWithAuthentication({ ...creds, baseUrl: base });
		await send('bybitApi', { method: 'GET', url: '/v5/order/realtime', qs: { category: 'linear', symbol: 'BTC USDT', limit: 50 }, json: true });
		await send('bybitApi', { method: 'POST', url: '/v5/order/create', body: { category: 'linear', qty: '0.001', orderLinkId: 'ü-1' }, json: true });
		const [get, post] = received.slice(-2);
		const query = get.url.slice(get.url.indexOf('?') + 1);
		expect(query).toBe('category=linear&symbol=BTC%20USDT&limit=50');
		expect(independentlyVerified(get, query)).toBe(true);
		expect(post.body).toBe('{"category":"linear","qty":"0.001","orderLinkId":"ü-1"}');
		expect(independentlyVerified(post, post.body)).toBe(true);
		const tampered = post.body.replace('0.001', '0.002');
		expect(independentlyVerified(post, tampered)).toBe(false);
		expect(independentlyVerified(get, query.replace('50', '51'))).toBe(false);
	});
});

describe('bybitApi credential: n8n\'s HTTP Request node (legacy options) and the safety limits in authenticate', () => {
	const credential = new BybitApi();
	const base = 'http://127.0.0.1:1';

	it('GET with uri + qs: the query goes into the URL (url and uri), qs emptied, signed over those bytes', async () => {
		const out = await credential.authenticate(creds, { method: 'GET', uri: `${base}/v5/market/tickers`, qs: { category: 'linear', symbol: 'BTCUSDT' }, json: true, headers: {}, gzip: true });
		expect(out.url).toBe(`${base}/v5/market/tickers?category=linear&symbol=BTCUSDT`);
		expect(out.uri).toBe(out.url);
		expect(out.qs).toEqual({});
		expectSignedOver(out, 'category=linear&symbol=BTCUSDT');
	});

	it('POST with uri + body object + json: true: one JSON string, one content-type header, caller X-BAPI headers dropped', async () => {
		const out = await credential.authenticate(creds, {
			method: 'POST',
			uri: `${base}/v5/position/set-leverage`,
			body: { category: 'linear', symbol: 'BTCUSDT', buyLeverage: '5', sellLeverage: '5' },
			json: true,
			headers: { 'content-type': 'text/plain', 'x-bapi-sign': 'forged' },
		});
		expect(out.body).toBe('{"category":"linear","symbol":"BTCUSDT","buyLeverage":"5","sellLeverage":"5"}');
		const names = Object.keys(out.headers).map((h) => h.toLowerCase());
		expect(names.filter((h) => h === 'content-type')).toHaveLength(1);
		expect(names.filter((h) => h === 'x-bapi-sign')).toHaveLength(1);
		expectSignedOver(out, out.body as string);
	});

	it('refuses to sign for another host than the environment\'s', async () => {
		await expect(credential.authenticate(creds, { method: 'GET', uri: 'https://evil.example/v5/market/time' })).rejects.toThrow(/only signs requests to http:\/\/127\.0\.0\.1:1 .*not to https:\/\/evil\.example/);
		await expect(credential.authenticate({ ...creds, environment: 'mainnet' }, { method: 'GET', url: 'https://api-testnet.bybit.com/v5/market/time' })).rejects.toThrow(/only signs requests to https:\/\/api\.bybit\.com/);
		const ok = await credential.authenticate({ ...creds, environment: 'mainnet' }, { method: 'GET', url: 'https://api.bybit.com/v5/market/time' });
		expect(ok.url).toBe('https://api.bybit.com/v5/market/time');
	});

	it('runs the safety limits: read-only refuses every write, withdrawals blocked, a cap refuses orders it cannot price', async () => {
		const order = { method: 'POST', uri: `${base}/v5/order/create`, body: { category: 'linear', symbol: 'BTCUSDT', side: 'Buy', orderType: 'Market', qty: '0.001' }, json: true };
		await expect(credential.authenticate({ ...creds, readOnly: true }, order)).rejects.toThrow(/read-only mode, so \/v5\/order\/create was not sent/);
		await expect(credential.authenticate({ ...creds, readOnly: true }, { method: 'DELETE', url: '/v5/whatever' })).rejects.toThrow(/read-only/);
		expect((await credential.authenticate({ ...creds, readOnly: true }, { method: 'GET', url: '/v5/order/realtime', qs: { category: 'linear' } })).url).toContain('category=linear');
		await expect(credential.authenticate(creds, { method: 'POST', url: '/v5/asset/withdraw/create', body: { coin: 'USDT' } })).rejects.toThrow(/Withdrawals are blocked/);
		await expect(credential.authenticate({ ...creds, maxOrderNotional: 1000 }, order)).rejects.toThrow(/use the Bybit node .* or remove "Max Order Notional"/);
		await expect(credential.authenticate({ ...creds, allowedSymbols: 'ETHUSDT' }, order)).rejects.toThrow(/BTCUSDT is not in the credential's allowed symbols/);
		const inverse = { ...order, body: { category: 'inverse', symbol: 'BTCUSD', side: 'Buy', orderType: 'Market', qty: '500' } };
		expect((await credential.authenticate({ ...creds, maxOrderNotional: 1000 }, inverse)).body).toContain('"qty":"500"');
		await expect(credential.authenticate({ ...creds, maxOrderNotional: 100 }, inverse)).rejects.toThrow(/Order notional 500 /);
		const close = { ...order, body: { ...order.body, side: 'Sell', qty: '100', reduceOnly: true } };
		expect((await credential.authenticate({ ...creds, maxOrderNotional: 10, allowedSymbols: 'ETHUSDT' }, close)).body).toContain('"reduceOnly":true');
	});

	it('refuses what it cannot sign as sent: form bodies, POST query parameters, non-JSON text', async () => {
		await expect(credential.authenticate(creds, { method: 'POST', uri: `${base}/v5/order/cancel`, form: { a: '1' } })).rejects.toThrow(/JSON bodies, not form data/);
		await expect(credential.authenticate(creds, { method: 'POST', url: '/v5/order/cancel', qs: { symbol: 'X' }, body: {} })).rejects.toThrow(/in its JSON body, not in the query/);
		await expect(credential.authenticate(creds, { method: 'POST', url: '/v5/order/cancel', body: 'symbol=X' })).rejects.toThrow(/not valid JSON/);
	});

	it('says a malformed RSA PEM is a credential problem', async () => {
		await expect(
			credential.authenticate({ ...creds, signatureMethod: 'rsa', rsaPrivateKey: '-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----' }, { method: 'GET', url: '/x' }),
		).rejects.toThrow(/RSA Private Key in the Bybit credential is not a valid PEM private key/);
	});
});
