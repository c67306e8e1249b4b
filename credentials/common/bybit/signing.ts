/**
 * Bybit V5 signing kernel. Pure functions over `crypto` only.
 *
 * One module serves every side of the wire: the credential's `authenticate`,
 * the REST transport, the trigger's WebSocket auth and the sandbox's verifier.
 * Whatever is signed here is exactly what is sent: callers serialise once and
 * put the same string on the wire.
 */
import { createHmac, createSign, createVerify, timingSafeEqual } from 'crypto';

export type SignatureMethod = 'hmac' | 'rsa';

export interface SigningKey {
	apiKey: string;
	signatureMethod: SignatureMethod;
	/** The HMAC secret, or the PEM private key for RSA. */
	secret: string;
}

export type QueryValue = string | number | boolean | null | undefined;

/** Value types a query may carry. Anything else is a caller bug. */
export type QueryParams = Record<string, QueryValue>;

/**
 * Serialise a query the way it is signed and sent: insertion order, empty
 * values (undefined, null, '') dropped, keys and values URI-encoded.
 */
export function serializeQuery(params: QueryParams | undefined): string {
	if (!params) return '';
	let out = '';
	// Object.keys, not entries: the same order, without a [key, value] pair allocated per parameter
	for (const key of Object.keys(params)) {
		const value = params[key];
		if (value === undefined || value === null || value === '') continue;
		out += `${out ? '&' : ''}${encodeURIComponent(key)}=${encodeURIComponent(String(value))}`;
	}
	return out;
}

/** The string Bybit signs for REST: timestamp + apiKey + recvWindow + payload, no separators. */
export function restSigningString(
	timestamp: string,
	apiKey: string,
	recvWindow: string,
	payload: string,
): string {
	return `${timestamp}${apiKey}${recvWindow}${payload}`;
}

/** The string Bybit signs for WebSocket auth. */
export function wsSigningString(expires: number): string {
	return `GET/realtime${expires}`;
}

/** HMAC-SHA256 as lowercase hex, or RSA-SHA256 (PKCS#1 v1.5) as base64. */
export function signString(method: SignatureMethod, secret: string, text: string): string {
	if (method === 'rsa') {
		return createSign('RSA-SHA256').update(text, 'utf8').sign(secret, 'base64');
	}
	return createHmac('sha256', secret).update(text, 'utf8').digest('hex');
}

/**
 * Verify a signature the way Bybit does. `secretOrPublicKey` is the HMAC
 * secret, or the registered RSA public key (PEM).
 */
export function verifyString(
	method: SignatureMethod,
	secretOrPublicKey: string,
	text: string,
	signature: string,
): boolean {
	if (method === 'rsa') {
		try {
			return createVerify('RSA-SHA256')
				.update(text, 'utf8')
				.verify(secretOrPublicKey, signature, 'base64');
		} catch {
			return false;
		}
	}
	const expected = Buffer.from(signString('hmac', secretOrPublicKey, text), 'utf8');
	const given = Buffer.from(signature, 'utf8');
	return expected.length === given.length && timingSafeEqual(expected, given);
}

export interface RestAuthInput {
	key: SigningKey;
	timestamp: number;
	recvWindow: number;
	/** The query string after `?` (GET/DELETE) or the exact JSON body (POST). */
	payload: string;
}

/** The `X-BAPI-*` headers for one REST request. */
export function restAuthHeaders(input: RestAuthInput): Record<string, string> {
	const timestamp = String(input.timestamp);
	const recvWindow = String(input.recvWindow);
	const text = restSigningString(timestamp, input.key.apiKey, recvWindow, input.payload);
	return {
		'X-BAPI-API-KEY': input.key.apiKey,
		'X-BAPI-TIMESTAMP': timestamp,
		'X-BAPI-RECV-WINDOW': recvWindow,
		'X-BAPI-SIGN': signString(input.key.signatureMethod, input.key.secret, text),
		'X-BAPI-SIGN-TYPE': '2',
	};
}

/** What each `auth` op's args were made from (key, secret, signature), for redacting Bybit's reply; held beside the args, never sent. */
const AUTH_SECRETS = new WeakMap<object, string[]>();

/** The `args` of a private WebSocket `auth` op: [apiKey, expires, signature]. */
export function wsAuthArgs(key: SigningKey, expires: number): [string, number, string] {
	const args: [string, number, string] = [key.apiKey, expires, signString(key.signatureMethod, key.secret, wsSigningString(expires))];
	AUTH_SECRETS.set(args, [key.apiKey, key.secret, args[2]]);
	return args;
}

/** The texts to redact from the reply to an `auth` op made by wsAuthArgs (its key, secret and signature); [] for other args. */
export function authArgSecrets(args: unknown): string[] {
	return (typeof args === 'object' && args !== null && AUTH_SECRETS.get(args)) || [];
}
