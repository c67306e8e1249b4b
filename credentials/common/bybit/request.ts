/**
 * Signs an n8n HTTP request for Bybit V5, in place of n8n's own serialisers:
 * the query is serialised once and moved into the URL (`qs` emptied), the body
 * is serialised once and sent as that exact string. Accepts both n8n option
 * shapes: `httpRequest` (`url`) and the legacy `request` shape n8n's HTTP
 * Request node uses (`uri`, `qs`, `body` object with `json: true`). Before
 * signing it runs the credential's safety limits (./safety.ts) and refuses to
 * sign for another host than the credential's environment. Idempotent: n8n
 * calls `authenticate` a second time on the already-signed options after a 401.
 */
import { createPrivateKey } from 'crypto';
import type { IDataObject, IHttpRequestOptions } from 'n8n-workflow';

import { bybitTimestamp } from './clock';
import { originOf, restBaseUrl, type HostSettings } from './endpoints';
import { BybitCredentialError } from './errors';
import { marketFactsOf } from './marketFacts';
import { guardrailsOf, isWrite, safetyRefusal, type GuardrailSettings } from './safety';
import { restAuthHeaders, serializeQuery, type QueryParams, type SigningKey } from './signing';

export interface BybitCredentialData extends HostSettings, GuardrailSettings {
	signatureMethod?: string;
	apiKey?: string;
	apiSecret?: string;
	rsaPrivateKey?: string;
	recvWindow?: number | string;
}

export const DEFAULT_RECV_WINDOW = 5000;

/** Whether `crypto` reads the text as a private key (its error never carries the key). */
function isPrivateKey(pem: string): boolean {
	try {
		createPrivateKey(pem);
		return true;
	} catch {
		return false;
	}
}

function parsedUrl(url: string): URL | undefined {
	try {
		return new URL(url);
	} catch {
		return undefined;
	}
}

function parsedJson(text: string): { value: unknown } | undefined {
	try {
		return { value: JSON.parse(text) as unknown };
	} catch {
		return undefined;
	}
}

/** Reads the signing key from credential data; throws a clear error (never echoing the secret) when a field is empty or the PEM is not a private key. */
export function signingKeyOf(credentials: BybitCredentialData): SigningKey {
	const apiKey = String(credentials.apiKey ?? '').trim();
	if (!apiKey) throw new BybitCredentialError('The Bybit credential has no API Key. Paste the key from Bybit\'s API management page.');
	if (credentials.signatureMethod === 'rsa') {
		const pem = String(credentials.rsaPrivateKey ?? '').replace(/\\n/g, '\n').trim();
		if (!pem) throw new BybitCredentialError('The Bybit credential uses RSA signing but has no RSA Private Key. Paste the PEM private key whose public key is registered on Bybit.');
		if (!isPrivateKey(pem)) {
			throw new BybitCredentialError(
				'The RSA Private Key in the Bybit credential is not a valid PEM private key. Paste the whole key, from "-----BEGIN PRIVATE KEY-----" (or "-----BEGIN RSA PRIVATE KEY-----") to the matching END line; the public key goes to Bybit, not here.',
			);
		}
		return { apiKey, signatureMethod: 'rsa', secret: pem };
	}
	const secret = String(credentials.apiSecret ?? '').trim();
	if (!secret) throw new BybitCredentialError('The Bybit credential has no API Secret. Paste the secret shown when the key was created.');
	return { apiKey, signatureMethod: 'hmac', secret };
}

export function recvWindowOf(credentials: BybitCredentialData): number {
	const value = Number(credentials.recvWindow ?? DEFAULT_RECV_WINDOW);
	return Number.isFinite(value) && value > 0 ? Math.floor(value) : DEFAULT_RECV_WINDOW;
}

/** n8n's legacy request options (HTTP Request node), beside the httpRequest shape. */
interface LegacyOptions {
	uri?: string | { toString(): string };
	form?: unknown;
	formData?: unknown;
}

function isAbsolute(url: string): boolean {
	return /^[a-z][a-z0-9+.-]*:\/\//i.test(url);
}

interface Target {
	/** Absolute URL, query included when the caller put one in. */
	url: string;
	/** The path after the environment's base URL (the path Bybit routes). */
	path: string;
	/** originOf(url), when known without reading the URL again (a simple path on the credential's base). */
	origin?: string;
}

/** A base URL as parsed once: its origin and path; `plain` when the text is exactly origin + path (so appending a simple path parses as written). */
interface BaseParts {
	origin: string;
	path: string;
	plain: boolean;
	/** originOf(base): the clock-offset key of every URL made of the base and a path. */
	clockKey: string;
}

/** Parsed base URLs (one per environment in practice), so a request does not parse its credential's base again. */
const BASES = new Map<string, BaseParts | null>();

function baseParts(base: string): BaseParts | undefined {
	let parts = BASES.get(base);
	if (parts === undefined) {
		const url = parsedUrl(base);
		const path = url ? url.pathname.replace(/\/+$/, '') : '';
		parts = url
			? { origin: url.origin, path, plain: !url.username && !url.password && !url.search && !url.hash && base === url.origin + path, clockKey: originOf(base) }
			: null;
		if (BASES.size >= 32) BASES.clear();
		BASES.set(base, parts);
	}
	return parts ?? undefined;
}

/**
 * A relative path the URL parser keeps exactly as written (segments of letters, digits, "_" and "-":
 * nothing it decodes, encodes, or resolves like "." and ".."), then an optional query, which cannot
 * move the origin or the path.
 */
const SIMPLE_PATH = /^((?:\/[A-Za-z0-9_-]+)+)(?:\?[^#]*)?$/;

/** The absolute URL, checked to be on the credential's host: a signature sent elsewhere could be replayed on Bybit. */
function targetOf(credentials: BybitCredentialData, options: IHttpRequestOptions & LegacyOptions): Target {
	const raw = options.url ?? (options.uri === undefined ? undefined : String(options.uri));
	if (typeof raw !== 'string' || !raw) throw new BybitCredentialError('The request to Bybit has no URL.');
	const base = restBaseUrl(credentials);
	if (!base) throw new BybitCredentialError('The Bybit credential\'s Environment is Custom but it has no Base URL. Set the Base URL.');
	const root = (options.baseURL ? options.baseURL.replace(/\/+$/, '') : '') || base;
	const expected = baseParts(base);
	// the usual case (the node's own requests): a simple path on the credential's own base is on its host by construction
	const simple = root === base && expected?.plain ? SIMPLE_PATH.exec(raw) : null;
	if (simple) return { url: `${base}${raw}`, path: simple[1], origin: expected?.clockKey };
	const url = isAbsolute(raw) ? raw : `${root}${raw.startsWith('/') ? '' : '/'}${raw}`;
	const target = parsedUrl(url);
	if (!target || !expected) throw new BybitCredentialError(`The Bybit request URL "${url.split('?')[0]}" is not a valid URL.`);
	const basePath = expected.path;
	if (target.origin !== expected.origin || target.username || target.password || !(target.pathname === basePath || target.pathname.startsWith(`${basePath}/`))) {
		throw new BybitCredentialError(
			`This Bybit credential only signs requests to ${base} (its Environment), not to ${target.origin}${target.pathname}. Use a path such as /v5/market/time, or change the credential's Environment.`,
		);
	}
	return { url, path: target.pathname.slice(basePath.length) || '/' };
}

/**
 * The query of a write as the safety limits check it. A name given twice is
 * refused: this object keeps the last value, a server's parser may take the
 * first (Go's url.Values.Get does).
 */
function queryObject(query: string): IDataObject {
	const out: IDataObject = {};
	for (const [k, v] of new URLSearchParams(query)) {
		if (Object.prototype.hasOwnProperty.call(out, k)) {
			throw new BybitCredentialError(`The query parameter "${k.slice(0, 40)}" is given twice; Bybit may read either value, so the credential's safety limits cannot check it. Give it once.`);
		}
		out[k] = v;
	}
	return out;
}

function checkedQuery(qs: unknown): QueryParams | undefined {
	if (qs === undefined || qs === null) return undefined;
	if (typeof qs !== 'object' || Array.isArray(qs)) throw new BybitCredentialError('The query parameters for Bybit must be name/value pairs.');
	for (const name of Object.keys(qs)) {
		const value = (qs as IDataObject)[name];
		if (value !== null && typeof value === 'object') throw new BybitCredentialError(`Query parameter "${name}" is a list or object; Bybit takes plain values. Send it as text.`);
	}
	return qs as QueryParams;
}

/** The JSON body as sent and as checked: one object, serialised once. */
function jsonBody(body: unknown): { text: string; value: IDataObject | undefined } {
	let value: unknown = body ?? {};
	if (typeof body === 'string') {
		if (!body.trim()) value = {};
		else {
			const parsed = parsedJson(body);
			if (!parsed) throw new BybitCredentialError('The request body for Bybit is not valid JSON. Bybit takes JSON bodies: set the body content type to JSON.');
			value = parsed.value;
		}
	}
	if (value instanceof Uint8Array || (typeof value === 'object' && value !== null && typeof (value as { pipe?: unknown }).pipe === 'function')) {
		throw new BybitCredentialError('Bybit takes JSON bodies; a binary or stream body cannot be signed. Send the body as JSON.');
	}
	const text = JSON.stringify(value);
	return { text, value: value && typeof value === 'object' && !Array.isArray(value) ? (value as IDataObject) : undefined };
}

/** The caller's headers without Content-Type and any X-BAPI-* (the signer sets those): a new object, the caller's is not changed. */
function withoutSignedHeaders(headers: IDataObject | undefined): IDataObject {
	const out: IDataObject = {};
	if (!headers) return out;
	for (const name of Object.keys(headers)) {
		const lower = name.toLowerCase();
		if (lower !== 'content-type' && !lower.startsWith('x-bapi-')) out[name] = headers[name];
	}
	return out;
}

export function signBybitRequest(
	credentials: BybitCredentialData,
	options: IHttpRequestOptions,
	now: (origin: string) => number = bybitTimestamp,
): IHttpRequestOptions {
	const key = signingKeyOf(credentials);
	const legacy = options as IHttpRequestOptions & LegacyOptions;
	const method = String(options.method ?? 'GET').toUpperCase() as IHttpRequestOptions['method'] & string;
	const target = targetOf(credentials, legacy);
	const signed = { ...options, method, url: target.url } as IHttpRequestOptions & LegacyOptions;
	delete signed.baseURL;
	const headers = withoutSignedHeaders(options.headers);
	// whether the safety limits judge it: a read passes them whatever it carries (safetyRefusal returns at once for one)
	const write = isWrite(method, target.path);
	let payload: string;
	let checked: IDataObject | undefined;
	if (method === 'GET' || method === 'DELETE' || method === 'HEAD') {
		const extra = serializeQuery(checkedQuery(options.qs));
		if (extra) signed.url += (signed.url.includes('?') ? '&' : '?') + extra;
		signed.qs = {};
		delete signed.body;
		delete signed.form;
		delete signed.formData;
		const q = signed.url.indexOf('?');
		payload = q === -1 ? '' : signed.url.slice(q + 1);
		// a read's query is never judged (safetyRefusal passes every read), so it is only parsed for a write
		checked = write ? queryObject(payload) : undefined;
	} else {
		if (legacy.form !== undefined || legacy.formData !== undefined) {
			throw new BybitCredentialError('Bybit takes JSON bodies, not form data. Set the body content type to JSON.');
		}
		if (serializeQuery(checkedQuery(options.qs)) || target.url.includes('?')) {
			throw new BybitCredentialError('Bybit takes the parameters of a POST request in its JSON body, not in the query. Move the query parameters into the body.');
		}
		const body = jsonBody(options.body);
		payload = body.text;
		// a write is judged as Bybit will read it, from the text sent (an object's toJSON, or a getter, cannot show the check one body and send another)
		checked = body.value && write ? (JSON.parse(payload) as IDataObject) : body.value;
		signed.body = payload;
		headers['Content-Type'] = 'application/json';
	}
	if (legacy.uri !== undefined) signed.uri = signed.url;
	if (write) {
		const refusal = safetyRefusal(guardrailsOf(credentials), { method, path: target.path, body: checked }, marketFactsOf(options));
		if (refusal) throw new BybitCredentialError(refusal);
	}
	const auth = restAuthHeaders({
		key,
		timestamp: now(target.origin ?? originOf(signed.url)),
		recvWindow: recvWindowOf(credentials),
		payload,
	});
	// `headers` is this request's own copy: the auth headers go into it (after the caller's, as before)
	signed.headers = Object.assign(headers, auth);
	return signed;
}
