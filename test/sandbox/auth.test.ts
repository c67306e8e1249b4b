/** REST authentication, exactly as Bybit checks it, and rate limits. */
import { createHmac, generateKeyPairSync } from 'crypto';
import { startSandbox, type Sandbox } from './index';
import { call, keyOf, query } from './helpers';

describe('sandbox REST auth', () => {
	let sb: Sandbox;
	beforeEach(async () => {
		sb = await startSandbox({ port: 0 });
	});
	afterEach(() => sb.close());

	const realtime = { category: 'linear', symbol: 'BTCUSDT' };

	it('accepts a correctly signed request and logs it as valid', async () => {
		const r = await call(sb, 'GET', '/v5/order/realtime', realtime);
		expect(r.body).toMatchObject({ retCode: 0, retMsg: 'OK', result: { list: [], category: 'linear', nextPageCursor: '' }, retExtInfo: {} });
		expect(typeof r.body.time).toBe('number');
		const log = sb.control.requests().at(-1)!;
		expect(log).toMatchObject({ method: 'GET', path: '/v5/order/realtime', query: 'category=linear&symbol=BTCUSDT', signatureValid: true, retCode: 0, status: 200 });
	});

	it('tampered signature -> 10004', async () => {
		const r = await call(sb, 'GET', '/v5/order/realtime', realtime, { tamper: true });
		expect(r.status).toBe(200);
		expect(r.body.retCode).toBe(10004);
		expect(r.body.retMsg).toMatch(/^error sign!/);
		expect(r.body.retMsg).not.toContain(sb.control.defaultKey.secret);
		expect(sb.control.requests().at(-1)!.signatureValid).toBe(false);
	});

	it('stale or future timestamp -> 10002 with the window in the message', async () => {
		const stale = await call(sb, 'GET', '/v5/order/realtime', realtime, { timestamp: Date.now() - 6000 });
		expect(stale.body.retCode).toBe(10002);
		expect(stale.body.retMsg).toMatch(/req_timestamp\[\d+\],server_timestamp\[\d+\],recv_window\[5000\]/);
		const future = await call(sb, 'GET', '/v5/order/realtime', realtime, { timestamp: Date.now() + 1500 });
		expect(future.body.retCode).toBe(10002);
		const wide = await call(sb, 'GET', '/v5/order/realtime', realtime, { timestamp: Date.now() - 6000, recvWindow: 10000 });
		expect(wide.body.retCode).toBe(0);
	});

	it('clock skew moves the server clock', async () => {
		sb.control.setClockSkew(-20_000);
		expect((await call(sb, 'GET', '/v5/order/realtime', realtime)).body.retCode).toBe(10002);
		const time = (await call(sb, 'GET', '/v5/market/time', {}, { unsigned: true })).body.result;
		expect(Math.abs(Number(time.timeSecond) * 1000 - (Date.now() - 20_000))).toBeLessThan(2000);
		expect((await call(sb, 'GET', '/v5/order/realtime', realtime, { timestamp: Date.now() - 20_000 })).body.retCode).toBe(0);
	});

	it('unknown key -> 10003; missing auth headers -> HTTP 401', async () => {
		const r = await call(sb, 'GET', '/v5/order/realtime', realtime, { key: { apiKey: 'nope', secret: 'x', signatureMethod: 'hmac' } });
		expect(r.body).toMatchObject({ retCode: 10003, retMsg: 'API key is invalid.' });
		const missing = await call(sb, 'GET', '/v5/order/realtime', realtime, { unsigned: true });
		expect(missing.status).toBe(401);
		expect(missing.body.retCode).toBe(10003);
	});

	it('read-only key: reads pass, writes -> 10005', async () => {
		const ro = sb.control.createKey({ apiKey: 'readonly-key', secret: 'ro-secret', readOnly: true });
		const key = { apiKey: ro.apiKey, secret: ro.secret, signatureMethod: 'hmac' as const };
		expect((await call(sb, 'GET', '/v5/order/realtime', realtime, { key })).body.retCode).toBe(0);
		const create = await call(sb, 'POST', '/v5/order/create', { category: 'linear', symbol: 'BTCUSDT', side: 'Buy', orderType: 'Market', qty: '0.001' }, { key });
		expect(create.body.retCode).toBe(10005);
		const info = await call(sb, 'GET', '/v5/user/query-api', {}, { key });
		expect(info.body.result).toMatchObject({ apiKey: 'readonly-key', readOnly: 1, secret: '' });
		expect((sb.control.getState().orders as unknown[]).length).toBe(0);
	});

	it('IP whitelist -> 10010', async () => {
		const k = sb.control.createKey({ apiKey: 'ip-key', secret: 'ip-secret', ips: ['10.1.2.3'] });
		const r = await call(sb, 'GET', '/v5/order/realtime', realtime, { key: { apiKey: k.apiKey, secret: k.secret, signatureMethod: 'hmac' } });
		expect(r.body.retCode).toBe(10010);
		const k2 = sb.control.createKey({ apiKey: 'ip-key-2', secret: 'ip-secret', ips: ['127.0.0.1'] });
		const r2 = await call(sb, 'GET', '/v5/user/query-api', {}, { key: { apiKey: k2.apiKey, secret: k2.secret, signatureMethod: 'hmac' } });
		expect(r2.body.result.ips).toEqual(['127.0.0.1']);
	});

	it('RSA keys verify (base64 RSA-SHA256); a tampered one fails', async () => {
		const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
		const pub = publicKey.export({ type: 'spki', format: 'pem' }).toString();
		const priv = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
		sb.control.createKey({ apiKey: 'rsa-key', signatureMethod: 'rsa', publicKey: pub });
		const key = { apiKey: 'rsa-key', secret: priv, signatureMethod: 'rsa' as const };
		const r = await call(sb, 'POST', '/v5/order/create', { category: 'linear', symbol: 'BTCUSDT', side: 'Buy', orderType: 'Market', qty: '0.001' }, { key });
		expect(r.body.retCode).toBe(0);
		const bad = await call(sb, 'GET', '/v5/order/realtime', realtime, { key, tamper: true });
		expect(bad.body.retCode).toBe(10004);
		const info = await call(sb, 'GET', '/v5/user/query-api', {}, { key });
		expect(info.body.result.rsaPublicKey).toBe(pub);
	});

	it('an independent HMAC over the exact query string passes; one byte changed fails', async () => {
		const { apiKey, secret } = sb.control.defaultKey;
		const qs = 'category=linear&symbol=BTCUSDT&limit=5';
		const send = async (signedQs: string, sentQs: string) => {
			const ts = String(Date.now());
			const sign = createHmac('sha256', secret).update(`${ts}${apiKey}5000${signedQs}`).digest('hex');
			const res = await fetch(`${sb.restUrl}/v5/order/realtime?${sentQs}`, {
				headers: { 'X-BAPI-API-KEY': apiKey, 'X-BAPI-TIMESTAMP': ts, 'X-BAPI-RECV-WINDOW': '5000', 'X-BAPI-SIGN': sign },
			});
			return (await res.json()) as { retCode: number };
		};
		expect((await send(qs, qs)).retCode).toBe(0);
		expect((await send(qs, qs.replace('limit=5', 'limit=6'))).retCode).toBe(10004);
		// unsorted, encoded values are signed as sent (no re-serialisation on the server)
		const odd = 'symbol=BTCUSDT&category=linear&cursor=page_args%253D1%2526';
		expect((await send(odd, odd)).retCode).toBe(0);
	});

	it('POST bodies are verified over the raw bytes (whitespace included)', async () => {
		const raw = '{"category": "linear",  "symbol": "BTCUSDT", "side": "Buy", "orderType": "Market", "qty": "0.001"}';
		expect((await call(sb, 'POST', '/v5/order/create', {}, { raw })).body.retCode).toBe(0);
		const key = keyOf(sb);
		const ts = Date.now();
		const sign = createHmac('sha256', key.secret).update(`${ts}${key.apiKey}5000${raw}`).digest('hex');
		const res = await fetch(`${sb.restUrl}/v5/order/create`, {
			method: 'POST',
			headers: { 'X-BAPI-API-KEY': key.apiKey, 'X-BAPI-TIMESTAMP': String(ts), 'X-BAPI-RECV-WINDOW': '5000', 'X-BAPI-SIGN': sign, 'Content-Type': 'application/json' },
			body: raw.replace('0.001', '0.002'),
		});
		expect(((await res.json()) as { retCode: number }).retCode).toBe(10004);
	});

	it('public market endpoints need no auth and accept signed headers', async () => {
		expect((await call(sb, 'GET', '/v5/market/tickers', { category: 'linear', symbol: 'BTCUSDT' }, { unsigned: true })).body.retCode).toBe(0);
		expect((await call(sb, 'GET', '/v5/market/tickers', { category: 'linear', symbol: 'BTCUSDT' }, { tamper: true })).body.retCode).toBe(0);
	});

	it('rate limit: 11th user/query-api in a second -> 10006 with X-Bapi-Limit headers', async () => {
		const results = [];
		for (let i = 0; i < 11; i++) results.push(await call(sb, 'GET', '/v5/user/query-api'));
		expect(results.slice(0, 10).every((r) => r.body.retCode === 0)).toBe(true);
		expect(results[0].headers.get('x-bapi-limit')).toBe('10');
		expect(results[0].headers.get('x-bapi-limit-status')).toBe('9');
		const last = results[10];
		expect(last.body).toMatchObject({ retCode: 10006, retMsg: 'Too many visits!' });
		expect(last.headers.get('x-bapi-limit-status')).toBe('0');
		const reset = Number(last.headers.get('x-bapi-limit-reset-timestamp'));
		expect(reset).toBeGreaterThan(Date.now() - 100);
		expect(reset).toBeLessThanOrEqual(Date.now() + 1000);
		// a different endpoint has its own window
		expect((await call(sb, 'GET', '/v5/order/realtime', realtime)).body.retCode).toBe(0);
	});

	it('batch orders count per item; excess items get 10006', async () => {
		const request = Array.from({ length: 12 }, (_, i) => ({ symbol: 'BTCUSDT', side: 'Buy', orderType: 'Limit', qty: '0.001', price: String(50000 + i) }));
		const r = await call(sb, 'POST', '/v5/order/create-batch', { category: 'linear', request });
		expect(r.body.retCode).toBe(0);
		const codes = r.body.retExtInfo.list.map((x: { code: number }) => x.code);
		expect(codes.slice(0, 10)).toEqual(Array(10).fill(0));
		expect(codes.slice(10)).toEqual([10006, 10006]);
		expect(r.body.result.list[10].orderId).toBe('');
	});

	it('forceRateLimit answers the next N signed requests with 10006', async () => {
		sb.control.forceRateLimit(2);
		expect((await call(sb, 'GET', '/v5/order/realtime', realtime)).body.retCode).toBe(10006);
		expect((await call(sb, 'GET', '/v5/account/wallet-balance', { accountType: 'UNIFIED' })).body.retCode).toBe(10006);
		expect((await call(sb, 'GET', '/v5/order/realtime', realtime)).body.retCode).toBe(0);
	});

	it('rateLimits:false never answers 10006 but still sends the headers', async () => {
		const free = await startSandbox({ port: 0, rateLimits: false });
		try {
			let last;
			for (let i = 0; i < 15; i++) last = await call(free, 'GET', '/v5/user/query-api');
			expect(last!.body.retCode).toBe(0);
			expect(last!.headers.get('x-bapi-limit')).toBe('10');
		} finally {
			await free.close();
		}
	});

	it('unknown path -> HTTP 404 with 10017', async () => {
		const r = await call(sb, 'GET', '/v5/nope', {}, { unsigned: true });
		expect(r.status).toBe(404);
		expect(r.body.retCode).toBe(10017);
		expect(query({ a: 1 })).toBe('a=1');
	});
});
