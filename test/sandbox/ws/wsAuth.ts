/**
 * The `auth` op shared by the private stream (/v5/private) and the trade
 * stream (/v5/trade): `[apiKey, expires, signature over "GET/realtime" + expires]`,
 * HMAC or RSA as the key says, checked with the shared signing kernel. Each
 * stream maps the outcome to its own answer shape.
 */
import { verifyString, wsSigningString } from '../../../credentials/common/bybit/signing';
import type { Exchange, KeyRecord } from '../state/exchange';

export type WsAuthFailure = 'repeat' | 'params' | 'unknownKey' | 'expired' | 'badSign';

export type WsAuthOutcome = { key: KeyRecord; failure?: undefined } | { key?: undefined; failure: WsAuthFailure };

/** Check an auth op's args; `current` is the key the connection already holds (repeat auth). */
export function verifyWsAuth(ex: Exchange, current: KeyRecord | undefined, args: unknown[]): WsAuthOutcome {
	if (current) return { failure: 'repeat' };
	const [apiKey, expiresRaw, signature] = args;
	const expires = typeof expiresRaw === 'number' ? expiresRaw : typeof expiresRaw === 'string' && /^\d+$/.test(expiresRaw) ? Number(expiresRaw) : NaN;
	if (typeof apiKey !== 'string' || typeof signature !== 'string' || !Number.isFinite(expires)) return { failure: 'params' };
	const key = ex.keys.get(apiKey);
	if (!key) return { failure: 'unknownKey' };
	if (expires <= ex.now()) return { failure: 'expired' };
	const secret = key.signatureMethod === 'rsa' ? key.publicKey : key.secret;
	if (!verifyString(key.signatureMethod, secret, wsSigningString(expires), signature)) return { failure: 'badSign' };
	return { key };
}
