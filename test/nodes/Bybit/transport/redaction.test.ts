/**
 * The RSA private key and RSA signatures are redacted wherever the HMAC secret
 * is (issue #21 obs. 5): redactSecrets itself, and the Bybit node's errors
 * when a server on port 0 answers an RSA-signed request with a retMsg (or a
 * non-JSON HTTP error) echoing the key, a line of it, or the X-BAPI-SIGN
 * header it received.
 */
import { generateKeyPairSync } from 'crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'http';
import type { AddressInfo } from 'net';
import type { ICredentialDataDecryptedObject } from 'n8n-workflow';

import { credentialSecrets, redactSecrets } from '../../../../credentials/common/bybit/errors';
import { signString } from '../../../../credentials/common/bybit/signing';
import { runBybit } from '../../../harness/execute';

const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const PEM = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString().trim();
const LINES = PEM.split('\n').filter((line) => !line.startsWith('-----'));
const ESCAPED = PEM.replace(/\n/g, '\\n');
const API_KEY = 'rest-redact-key-4711';

describe('redactSecrets: the RSA key and signatures', () => {
	const secrets = credentialSecrets({ apiKey: API_KEY, apiSecret: '', rsaPrivateKey: ESCAPED });

	it('removes the PEM whole, "\\n"-escaped, as its base64 body and line by line, and keeps the armour lines readable', () => {
		const text = `a ${PEM} b ${ESCAPED} c ${LINES.join('')} d ${LINES[5]} e ${LINES.at(-1)} f`;
		const out = redactSecrets(text, secrets);
		for (const part of [PEM, ESCAPED, LINES.join(''), ...LINES]) expect(out.includes(part)).toBe(false);
		expect(out).toMatch(/^a \[redacted\] b \[redacted\] c \[redacted\] d \[redacted\] e \[redacted\] f$/);
		expect(redactSecrets('-----BEGIN PRIVATE KEY----- missing', secrets)).toBe('-----BEGIN PRIVATE KEY----- missing');
	});

	it('removes any RSA signature (base64), even one made with another key, and HMAC signatures', () => {
		const other = generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
		for (const pem of [PEM, other]) {
			const sig = signString('rsa', pem, `1700000000000${API_KEY}5000{"category":"linear"}`);
			expect(redactSecrets(`error sign! sign=${sig}.`, [])).toBe('error sign! sign=[redacted].');
		}
		expect(redactSecrets(`sign ${signString('hmac', 's3cret-value', 'x')}`, [])).toBe('sign [redacted]');
	});

	it('leaves Bybit\'s ordinary messages alone', () => {
		for (const text of ['params error: symbol invalid', 'Order does not exist.', 'error sign! /v5/asset/transfer/query-inter-transfer-list', 'The request time exceeds the time window range.', 'orderLinkId tv-3a4b5c6d-0000-4000-8000-000000000001 is duplicate']) {
			expect(redactSecrets(text, secrets)).toBe(text);
		}
	});
});

describe('the Bybit node\'s errors on an RSA key (server on port 0)', () => {
	let url = '';
	let close: () => Promise<void> = async () => undefined;
	let reply: (req: IncomingMessage, res: ServerResponse) => void = () => undefined;
	let signatures: string[] = [];

	beforeAll(async () => {
		const server = createServer((req, res) => {
			signatures.push(String(req.headers['x-bapi-sign'] ?? ''));
			req.resume();
			req.on('end', () => reply(req, res));
		});
		await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
		url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
		close = async () => await new Promise<void>((resolve) => server.close(() => resolve()));
	});
	afterAll(async () => await close());
	beforeEach(() => (signatures = []));

	const creds = (): ICredentialDataDecryptedObject => ({ environment: 'custom', baseUrl: url, signatureMethod: 'rsa', apiKey: API_KEY, rsaPrivateKey: ESCAPED, recvWindow: 5000 });
	const call = { resource: 'custom', operation: 'apiCall', method: 'GET', path: '/v5/account/wallet-balance', specifyParameters: 'keypair', parameters: { parameter: [{ name: 'accountType', value: 'UNIFIED' }] } };
	const failure = (p: Promise<unknown>) => p.then(() => new Error('succeeded'), (e: Error & { description?: string }) => e);
	const text = (e: Error & { description?: string; context?: unknown }) => `${e.message} ${e.description ?? ''} ${JSON.stringify(e.context ?? {})}`;

	it('a retCode answer echoing the key, a line of the PEM and the signature received', async () => {
		reply = (_req, res) => {
			const sig = signatures.at(-1)!;
			res.setHeader('Content-Type', 'application/json');
			res.end(JSON.stringify({ retCode: 10004, retMsg: `error sign! key=${API_KEY} sign=${sig} pem=${LINES[2]} all=${ESCAPED}`, result: {}, time: Date.now() }));
		};
		const error = await failure(runBybit(creds(), call));
		const sig = signatures.at(-1)!;
		expect(sig).toMatch(/^[A-Za-z0-9+/]{300,}={0,2}$/);
		expect(error.message).toMatch(/^Bybit error 10004: error sign! key=\[redacted\] sign=\[redacted\] pem=\[redacted\] all=\[redacted\]$/);
		for (const part of [API_KEY, sig, ESCAPED, ...LINES]) expect(text(error).includes(part)).toBe(false);
	});

	it('a non-JSON HTTP error echoing them', async () => {
		reply = (_req, res) => {
			res.statusCode = 403;
			res.end(`<html>forbidden ${signatures.at(-1)!} ${LINES[4]}</html>`);
		};
		const error = await failure(runBybit(creds(), call));
		for (const part of [signatures.at(-1)!, ...LINES]) expect(text(error).includes(part)).toBe(false);
	});
});
