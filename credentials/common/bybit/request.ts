/**
 * Signs an n8n HTTP request for Bybit V5, in place of n8n's own serialisers:
 * the query is serialised once and moved into the URL (`qs` emptied), the body
 * is serialised once and sent as that exact string. Idempotent: n8n calls
 * `authenticate` a second time on the already-signed options after a 401.
 */
import type { IDataObject, IHttpRequestOptions } from 'n8n-workflow';

import { bybitTimestamp } from './clock';
import { originOf, restBaseUrl, type HostSettings } from './endpoints';
import { restAuthHeaders, serializeQuery, type QueryParams, type SigningKey } from './signing';

export interface BybitCredentialData extends HostSettings {
	signatureMethod?: string;
	apiKey?: string;
	apiSecret?: string;
	rsaPrivateKey?: string;
	recvWindow?: number | string;
}

export const DEFAULT_RECV_WINDOW = 5000;

/** Reads the signing key from credential data; throws a clear error (never echoing the secret) when a field is empty. */
export function signingKeyOf(credentials: BybitCredentialData): SigningKey {
	const apiKey = String(credentials.apiKey ?? '').trim();
	if (!apiKey) throw new Error('The Bybit credential has no API Key. Paste the key from Bybit\'s API management page.');
	if (credentials.signatureMethod === 'rsa') {
		const pem = String(credentials.rsaPrivateKey ?? '').replace(/\\n/g, '\n').trim();
		if (!pem) throw new Error('The Bybit credential uses RSA signing but has no RSA Private Key. Paste the PEM private key whose public key is registered on Bybit.');
		return { apiKey, signatureMethod: 'rsa', secret: pem };
	}
	const secret = String(credentials.apiSecret ?? '').trim();
	if (!secret) throw new Error('The Bybit credential has no API Secret. Paste the secret shown when the key was created.');
	return { apiKey, signatureMethod: 'hmac', secret };
}

export function recvWindowOf(credentials: BybitCredentialData): number {
	const value = Number(credentials.recvWindow ?? DEFAULT_RECV_WINDOW);
	return Number.isFinite(value) && value > 0 ? Math.floor(value) : DEFAULT_RECV_WINDOW;
}

function isAbsolute(url: string): boolean {
	return /^[a-z][a-z0-9+.-]*:\/\//i.test(url);
}

function absoluteUrl(credentials: BybitCredentialData, options: IHttpRequestOptions): string {
	if (isAbsolute(options.url)) return options.url;
	const base = (options.baseURL ? options.baseURL.replace(/\/+$/, '') : '') || restBaseUrl(credentials);
	return `${base}${options.url.startsWith('/') ? '' : '/'}${options.url}`;
}

export function signBybitRequest(
	credentials: BybitCredentialData,
	options: IHttpRequestOptions,
	now: (origin: string) => number = bybitTimestamp,
): IHttpRequestOptions {
	const key = signingKeyOf(credentials);
	const method = (options.method ?? 'GET').toUpperCase() as IHttpRequestOptions['method'];
	const signed: IHttpRequestOptions = { ...options, method, url: absoluteUrl(credentials, options) };
	delete signed.baseURL;
	const headers: IDataObject = { ...(options.headers ?? {}) };
	let payload: string;
	if (method === 'GET' || method === 'DELETE' || method === 'HEAD') {
		const extra = serializeQuery(options.qs as QueryParams | undefined);
		if (extra) signed.url += (signed.url.includes('?') ? '&' : '?') + extra;
		signed.qs = {};
		delete signed.body;
		const q = signed.url.indexOf('?');
		payload = q === -1 ? '' : signed.url.slice(q + 1);
	} else {
		payload = typeof options.body === 'string' ? options.body : JSON.stringify(options.body ?? {});
		signed.body = payload;
		headers['Content-Type'] = 'application/json';
	}
	const auth = restAuthHeaders({
		key,
		timestamp: now(originOf(signed.url)),
		recvWindow: recvWindowOf(credentials),
		payload,
	});
	signed.headers = { ...headers, ...auth };
	return signed;
}
