import { createHmac, generateKeyPairSync, createVerify } from 'crypto';

import {
	restAuthHeaders,
	restSigningString,
	serializeQuery,
	signString,
	verifyString,
	wsAuthArgs,
	wsSigningString,
} from '../../../../credentials/common/bybit/signing';

const SECRET = 'test-secret-do-not-use';

describe('serializeQuery', () => {
	it('keeps insertion order and drops empty values', () => {
		expect(serializeQuery({ symbol: 'BTCUSDT', category: 'linear', cursor: undefined, orderId: '', x: null })).toBe(
			'symbol=BTCUSDT&category=linear',
		);
	});

	it('URI-encodes keys and values (cursors with % and unicode)', () => {
		expect(serializeQuery({ cursor: 'page_args%3Dfd43%26symbol%3D6%26', note: 'a b&c=d/é' })).toBe(
			'cursor=page_args%253Dfd43%2526symbol%253D6%2526&note=a%20b%26c%3Dd%2F%C3%A9',
		);
	});

	it('writes numbers and booleans as text', () => {
		expect(serializeQuery({ limit: 50, openOnly: 0, flag: true })).toBe('limit=50&openOnly=0&flag=true');
	});

	it('is empty for nothing', () => {
		expect(serializeQuery(undefined)).toBe('');
		expect(serializeQuery({})).toBe('');
	});
});

describe('signing strings and HMAC', () => {
	// Self-computed vectors from shared/reference/bybit-v5.md §1, secret `test-secret-do-not-use`
	// (computed there with Python hmac and Node crypto; Bybit never published the secret of its own example).
	it('reproduces the GET vector', () => {
		const text = restSigningString('1658384314791', 'XXXXXXXXXX', '5000', 'category=option&symbol=BTC-29JUL22-25000-C');
		expect(text).toBe('1658384314791XXXXXXXXXX5000category=option&symbol=BTC-29JUL22-25000-C');
		expect(signString('hmac', SECRET, text)).toBe('a618fa8dcffebf1da2081dea595617f52a1605ed1d47020430b93c5162b2ab77');
	});

	it('reproduces the POST vector (raw body with a space after the colon)', () => {
		const text = restSigningString('1658385579423', 'XXXXXXXXXX', '5000', '{"category": "option"}');
		expect(signString('hmac', SECRET, text)).toBe('b0a88ef4b1168a1a5c1c25e3ea8654344f3ae6ede64b446ae3a1dde7b737b330');
	});

	it('reproduces the WebSocket auth vector', () => {
		expect(wsSigningString(1662350400000)).toBe('GET/realtime1662350400000');
		expect(signString('hmac', SECRET, wsSigningString(1662350400000))).toBe(
			'017b9f3b3f20ad03a4fe68f7e956f83dc63bec2eff3fa831718d8e3915c5ff9c',
		);
		expect(wsAuthArgs({ apiKey: 'K', signatureMethod: 'hmac', secret: SECRET }, 1662350400000)).toEqual([
			'K',
			1662350400000,
			'017b9f3b3f20ad03a4fe68f7e956f83dc63bec2eff3fa831718d8e3915c5ff9c',
		]);
	});

	it('signs unicode payloads over their UTF-8 bytes, like an independent HMAC', () => {
		const payload = '{"note":"ü€😀"}';
		const text = restSigningString('1', 'k', '5000', payload);
		const independent = createHmac('sha256', Buffer.from('s3cr3t')).update(Buffer.from(text, 'utf8')).digest('hex');
		expect(signString('hmac', 's3cr3t', text)).toBe(independent);
	});

	it('builds the X-BAPI headers', () => {
		const headers = restAuthHeaders({
			key: { apiKey: 'XXXXXXXXXX', signatureMethod: 'hmac', secret: SECRET },
			timestamp: 1658384314791,
			recvWindow: 5000,
			payload: 'category=option&symbol=BTC-29JUL22-25000-C',
		});
		expect(headers).toEqual({
			'X-BAPI-API-KEY': 'XXXXXXXXXX',
			'X-BAPI-TIMESTAMP': '1658384314791',
			'X-BAPI-RECV-WINDOW': '5000',
			'X-BAPI-SIGN': 'a618fa8dcffebf1da2081dea595617f52a1605ed1d47020430b93c5162b2ab77',
			'X-BAPI-SIGN-TYPE': '2',
		});
	});
});

describe('verifyString', () => {
	it('accepts the right HMAC and refuses a one-byte change', () => {
		const sig = signString('hmac', SECRET, 'abc');
		expect(verifyString('hmac', SECRET, 'abc', sig)).toBe(true);
		expect(verifyString('hmac', SECRET, 'abd', sig)).toBe(false);
		expect(verifyString('hmac', 'other', 'abc', sig)).toBe(false);
		expect(verifyString('hmac', SECRET, 'abc', sig.slice(0, -1))).toBe(false);
	});

	it('signs RSA-SHA256 (PKCS#1 v1.5, base64) verifiable with the public key', () => {
		const { privateKey, publicKey } = generateKeyPairSync('rsa', {
			modulusLength: 2048,
			privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
			publicKeyEncoding: { type: 'spki', format: 'pem' },
		});
		const text = restSigningString('1700000000000', 'rsaKey', '5000', '{"category":"linear"}');
		const sig = signString('rsa', privateKey, text);
		expect(sig).toMatch(/^[A-Za-z0-9+/]+=*$/);
		expect(createVerify('RSA-SHA256').update(text).verify(publicKey, sig, 'base64')).toBe(true);
		expect(verifyString('rsa', publicKey, text, sig)).toBe(true);
		expect(verifyString('rsa', publicKey, `${text} `, sig)).toBe(false);
		expect(verifyString('rsa', publicKey, text, 'not-base64!')).toBe(false);
	});
});
