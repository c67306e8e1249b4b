/**
 * WebSocket errors go through the same redaction as REST errors (issue #21
 * obs. 5): a local WebSocket server on port 0 answers the trigger's auth or
 * subscribe with a ret_msg holding the API key, the HMAC secret, the
 * signature it was sent, or the RSA private key (whole, "\n"-escaped, one
 * line); neither the activation error nor an error emitted after a reconnect
 * holds any of them.
 */
import { generateKeyPairSync } from 'crypto';
import type { AddressInfo } from 'net';
import type { ICredentialDataDecryptedObject, IDataObject } from 'n8n-workflow';
import { WebSocketServer, type WebSocket } from 'ws';

import { startTrigger } from '../../harness/trigger';

type Op = { op: string; args?: unknown[]; req_id?: string };
/** Answers one op on one connection (the connection's number from 1), or undefined for the default (success). */
type Answer = (op: Op, connection: number, auth: unknown[]) => IDataObject | undefined;

interface Local {
	url: string;
	close: () => Promise<void>;
	/** Drops every open connection (the trigger reconnects). */
	drop: () => void;
}

async function localServer(answer: Answer): Promise<Local> {
	const wss = new WebSocketServer({ port: 0 });
	await new Promise<void>((resolve) => wss.once('listening', () => resolve()));
	const sockets = new Set<WebSocket>();
	let connections = 0;
	wss.on('connection', (ws) => {
		const n = ++connections;
		let auth: unknown[] = [];
		sockets.add(ws);
		ws.on('close', () => sockets.delete(ws));
		ws.on('message', (data) => {
			const op = JSON.parse(String(data)) as Op;
			if (op.op === 'auth') auth = op.args ?? [];
			const base = op.op === 'ping' ? { op: 'pong', success: true } : { op: op.op, success: true, ret_msg: '', req_id: op.req_id };
			ws.send(JSON.stringify({ ...base, ...answer(op, n, auth) }));
		});
	});
	return {
		url: `ws://127.0.0.1:${(wss.address() as AddressInfo).port}`,
		drop: () => {
			for (const ws of sockets) ws.terminate();
		},
		close: async () => {
			for (const ws of sockets) ws.terminate();
			await new Promise<void>((resolve) => wss.close(() => resolve()));
		},
	};
}

const API_KEY = 'ws-redact-key-4711';
const SECRET = 'ws-redact-secret-0123456789abcdef';
const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const PEM = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString().trim();
const PEM_LINES = PEM.split('\n').filter((line) => !line.startsWith('-----'));

const hmac = (url: string): ICredentialDataDecryptedObject => ({ environment: 'custom', baseUrl: 'http://127.0.0.1:9', wsBaseUrl: url, signatureMethod: 'hmac', apiKey: API_KEY, apiSecret: SECRET });
const rsa = (url: string): ICredentialDataDecryptedObject => ({ ...hmac(url), signatureMethod: 'rsa', apiSecret: '', rsaPrivateKey: PEM.replace(/\n/g, '\\n') });
const ORDERS = { source: 'account', events: ['order'] };

let local: Local | undefined;
afterEach(async () => {
	await local?.close();
	local = undefined;
});

const failure = (p: Promise<unknown>) => p.then(() => new Error('activated'), (e: Error) => e);

/** What no error may hold: the key, the secret, the PEM in its forms and each line of it, the signature that was sent. */
function expectClean(message: string, signature: string): void {
	const forbidden = [API_KEY, SECRET, PEM, PEM.replace(/\n/g, '\\n'), ...PEM_LINES, signature];
	for (const text of forbidden) expect([text.slice(0, 24), message.includes(text)]).toEqual([text.slice(0, 24), false]);
	expect(message).toContain('[redacted]');
}

describe('Bybit Trigger: WebSocket errors are redacted', () => {
	it('HMAC: an auth refusal echoing the key, the secret, the signature and the signed string', async () => {
		let sent = '';
		local = await localServer((op, _n, auth) => {
			if (op.op !== 'auth') return undefined;
			sent = String(auth[2]);
			return { success: false, ret_msg: `Params Error: key ${API_KEY} secret ${SECRET} sign ${sent} origin_string[GET/realtime${String(auth[1])}]` };
		});
		const error = await failure(startTrigger(ORDERS, hmac(local.url)));
		expect(error.message).toMatch(/^Bybit rejected the WebSocket authentication: Params Error: key \[redacted\] secret \[redacted\] sign \[redacted\] origin_string\[redacted\]\. Check the API key/);
		expect(sent).toMatch(/^[0-9a-f]{64}$/);
		expectClean(error.message, sent);
	});

	it('RSA: an auth refusal echoing the private key (whole, escaped, line by line) and the base64 signature', async () => {
		let sent = '';
		local = await localServer((op, _n, auth) => {
			if (op.op !== 'auth') return undefined;
			sent = String(auth[2]);
			return { success: false, ret_msg: `bad key ${PEM} | ${PEM.replace(/\n/g, '\\n')} | line ${PEM_LINES[3]} | last ${PEM_LINES.at(-1)} | sign ${sent}` };
		});
		const error = await failure(startTrigger(ORDERS, rsa(local.url)));
		expect(error.message).toMatch(/^Bybit rejected the WebSocket authentication: bad key \[redacted\] \| \[redacted\] \| line \[redacted\] \| last \[redacted\] \| sign \[redacted\]/);
		expect(sent).toMatch(/^[A-Za-z0-9+/]{300,}={0,2}$/);
		expectClean(error.message, sent);
	});

	it('a subscribe refusal echoing the secret and the signature', async () => {
		let sent = '';
		local = await localServer((op, _n, auth) => {
			sent = String(auth[2] ?? '');
			return op.op === 'subscribe' ? { success: false, ret_msg: `topic refused for ${API_KEY}/${SECRET}, auth was ${sent}` } : undefined;
		});
		const error = await failure(startTrigger(ORDERS, hmac(local.url)));
		expect(error.message).toMatch(/^Bybit refused the subscription to order: topic refused for \[redacted\]\/\[redacted\], auth was \[redacted\]$/);
		expectClean(error.message, sent);
	});

	it('an auth refusal after a reconnect is emitted redacted (RSA)', async () => {
		let sent = '';
		local = await localServer((op, n, auth) => {
			if (op.op !== 'auth' || n === 1) return undefined;
			sent = String(auth[2]);
			return { success: false, ret_msg: `expired key ${PEM_LINES[0]} ${sent}` };
		});
		const run = await startTrigger(ORDERS, rsa(local.url));
		try {
			local.drop();
			for (let waited = 0; !run.errors.length && waited < 20_000; waited += 50) await new Promise((r) => setTimeout(r, 50));
			expect(run.errors).toHaveLength(1);
			expect(run.errors[0].message).toMatch(/^Bybit rejected the WebSocket authentication: expired key \[redacted\] \[redacted\]$/);
			expectClean(run.errors[0].message, sent);
		} finally {
			await run.response.closeFunction?.();
		}
	});
});
