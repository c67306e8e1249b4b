/**
 * Who sends a request: the Bybit credential (signed), or nobody (unsigned
 * public market data). The node's "Authentication" parameter decides (shown
 * for Market and Custom API Call; elsewhere it is absent and the credential is
 * used). Without a credential the node's own "Environment" / "Base URL" choose
 * the host, from the same environment table as the credential's.
 */
import { NodeOperationError, type IAdditionalCredentialOptions, type ICredentialDataDecryptedObject, type IHttpRequestOptions } from 'n8n-workflow';

import { credentialSecrets } from '../../../credentials/common/bybit/errors';
import { ENVIRONMENTS, originOf, restBaseUrl, restOrigin, wsTradeUrl, type HostSettings } from '../../../credentials/common/bybit/endpoints';
import { guardrailsOf, unsignedRefusal, type GuardrailSettings, type Guardrails } from '../../../credentials/common/bybit/safety';
import { serializeQuery, type QueryParams } from '../../../credentials/common/bybit/signing';
import type { BybitContext, BybitRequest } from './index';

/** Node parameters (public contract): `authentication` = `bybitApi` | `none`, `environment`, `baseUrl`. */
export const ACCESS_PARAMS = { authentication: 'authentication', environment: 'environment', baseUrl: 'baseUrl' } as const;
export const NO_CREDENTIAL = 'none';
/** Resources that show "Authentication" (elsewhere a stale saved value is ignored: the credential is used). */
export const PUBLIC_RESOURCES: readonly string[] = ['market', 'custom'];

type ParamReader = {
	getInputData?: unknown;
	getCurrentNodeParameter?: (name: string) => unknown;
	getNodeParameter?: (name: string, ...rest: unknown[]) => unknown;
};

/** A node parameter from any context (execute: per item; load options: the editor's current value); undefined when absent. */
function nodeParameter(ctx: BybitContext, name: string, itemIndex = 0): unknown {
	const c = ctx as unknown as ParamReader;
	try {
		if (typeof c.getCurrentNodeParameter === 'function') {
			const current = c.getCurrentNodeParameter(name);
			if (current !== undefined) return current;
		}
		if (typeof c.getNodeParameter !== 'function') return undefined;
		return c.getInputData !== undefined ? c.getNodeParameter(name, itemIndex, undefined) : c.getNodeParameter(name, undefined);
	} catch {
		// n8n throws for a parameter the node does not have (e.g. the trigger): the credential is used
		return undefined;
	}
}

/**
 * The REST base URL to send to without a credential, or undefined when the
 * node uses its credential. A Custom environment needs an http(s) Base URL.
 */
export function publicHost(ctx: BybitContext, itemIndex?: number): string | undefined {
	// the resource first: where "Authentication" is not shown, n8n throws (with a stack trace, ~0.3 ms) for reading it
	const resource = nodeParameter(ctx, 'resource', itemIndex);
	if (resource !== undefined && !PUBLIC_RESOURCES.includes(String(resource))) return undefined;
	if (nodeParameter(ctx, ACCESS_PARAMS.authentication, itemIndex) !== NO_CREDENTIAL) return undefined;
	const environment = String(nodeParameter(ctx, ACCESS_PARAMS.environment, itemIndex) ?? 'mainnet');
	if (environment !== 'custom' && !(environment in ENVIRONMENTS)) {
		const known = [...Object.keys(ENVIRONMENTS), 'custom'].join(', ');
		throw new NodeOperationError(ctx.getNode(), `"Environment" must be one of ${known}; got "${environment.slice(0, 40)}". Choose one in the node.`, { itemIndex });
	}
	const base = restBaseUrl({ environment, baseUrl: String(nodeParameter(ctx, ACCESS_PARAMS.baseUrl, itemIndex) ?? '').trim() });
	let url: URL | undefined;
	try {
		url = new URL(base);
	} catch {
		url = undefined;
	}
	if (!url || !/^https?:$/.test(url.protocol) || url.username || url.password || url.search || url.hash) {
		throw new NodeOperationError(
			ctx.getNode(),
			`"Base URL" must be the http(s) address of a Bybit-compatible server without query, e.g. http://127.0.0.1:8790, got "${base.slice(0, 80)}". Set it, or choose another Environment.`,
			{ itemIndex },
		);
	}
	return base;
}

const N8N_NO_CREDENTIAL = /credentials? (not found|not set)|does not have any credentials|does not require credentials/i;

/** getCredentials failed: when no credential is set, say what to do (add one, or read public data without). */
export function missingCredentialError(ctx: BybitContext, error: unknown, itemIndex?: number): Error {
	const message = (error as Error | undefined)?.message ?? '';
	if (!N8N_NO_CREDENTIAL.test(message)) return error as Error;
	return new NodeOperationError(
		ctx.getNode(),
		'This operation needs a Bybit API credential, and none is set. Add a Bybit credential to the node. (Market operations and public Custom API Calls can run without one: set Authentication to "None (Public Market Data)".)',
		{ itemIndex, description: message },
	);
}

export interface KeyInfo {
	origin: string;
	apiKey: string;
	guardrails: Guardrails;
	/** Never shown: only to redact it from texts Bybit sends back. */
	secrets: string[];
	/** No credential: requests go unsigned to this base URL (public market data only). */
	unsignedBase?: string;
	/** n8n processes sharing the key and IP (credential "Processes Sharing This Key"). */
	processes: number;
	/** The credential's Order Entry: `rest` (default) or `websocket`. */
	orderEntry: 'rest' | 'websocket';
	/** With WebSocket order entry: the host's `/v5/trade` URL, undefined where Bybit offers none. */
	tradeUrl?: string;
}

/** The key on its host (never the secret): what per-key caches and limits are kept under. */
export function keyScope(key: Pick<KeyInfo, 'origin' | 'apiKey'>): string {
	return `${key.origin}|${key.apiKey}`;
}

export type CredentialData = HostSettings & GuardrailSettings & { apiKey?: string; apiSecret?: string; rsaPrivateKey?: string; processesSharingKey?: number | string; orderEntry?: string };

/**
 * n8n reads and decrypts the credential from its database on every getCredentials call: one read
 * serves the look-ups and the request of one item (a context is one node run), for a second at most.
 */
const CREDENTIAL_TTL_MS = 1000;
const credentialReads = new WeakMap<object, { at: number; data: Promise<CredentialData>; value?: CredentialData }>();

export async function readCredentials(ctx: BybitContext): Promise<CredentialData> {
	const hit = credentialReads.get(ctx);
	if (hit && Date.now() - hit.at < CREDENTIAL_TTL_MS) return await hit.data;
	const data = ctx.getCredentials('bybitApi') as Promise<CredentialData>;
	const read: { at: number; data: Promise<CredentialData>; value?: CredentialData } = { at: Date.now(), data };
	credentialReads.set(ctx, read);
	data.then(
		(value) => (read.value = value),
		() => credentialReads.delete(ctx),
	);
	return await data;
}

/** The credential read readCredentials keeps, once it has arrived and while it is fresh: taken without waiting on its promise. */
function arrivedCredentials(ctx: BybitContext): CredentialData | undefined {
	const hit = credentialReads.get(ctx);
	return hit?.value !== undefined && Date.now() - hit.at < CREDENTIAL_TTL_MS ? hit.value : undefined;
}

export async function keyInfo(ctx: BybitContext, itemIndex?: number): Promise<KeyInfo> {
	const open = publicHost(ctx, itemIndex);
	if (open) return unsignedKey(open);
	let credentials: CredentialData;
	try {
		credentials = arrivedCredentials(ctx) ?? (await readCredentials(ctx));
	} catch (error) {
		throw missingCredentialError(ctx, error, itemIndex);
	}
	return keyInfoOf(credentials);
}

/**
 * keyInfo without a promise when nothing needs waiting for (no credential, or its read has arrived
 * and is fresh); undefined otherwise: then await keyInfo. Throws what keyInfo would reject with.
 */
export function keyInfoNow(ctx: BybitContext, itemIndex?: number): KeyInfo | undefined {
	const open = publicHost(ctx, itemIndex);
	if (open) return unsignedKey(open);
	const credentials = arrivedCredentials(ctx);
	return credentials === undefined ? undefined : keyInfoOf(credentials);
}

function unsignedKey(open: string): KeyInfo {
	return { origin: originOf(open), apiKey: '', guardrails: guardrailsOf({}), secrets: [], unsignedBase: open, processes: 1, orderEntry: 'rest' };
}

function keyInfoOf(credentials: CredentialData): KeyInfo {
	let info = keyInfos.get(credentials);
	if (!info) {
		const apiKey = String(credentials.apiKey ?? '').trim();
		const processes = Math.floor(Number(credentials.processesSharingKey ?? 1));
		info = Object.freeze({
			origin: restOrigin(credentials),
			apiKey,
			guardrails: guardrailsOf(credentials),
			secrets: Object.freeze(credentialSecrets({ ...credentials, apiKey })) as string[],
			processes: Number.isFinite(processes) && processes > 1 ? processes : 1,
			orderEntry: credentials.orderEntry === 'websocket' ? 'websocket' : 'rest',
			tradeUrl: credentials.orderEntry === 'websocket' ? wsTradeUrl(credentials) : undefined,
		} satisfies KeyInfo);
		keyInfos.set(credentials, info);
	}
	return info;
}

/**
 * The credential as last read for this run, in the shape n8n's request helper takes instead of
 * reading and decrypting it again (`additionalCredentialOptions.credentialsDecrypted`).
 */
export async function decryptedCredential(ctx: BybitContext): Promise<IAdditionalCredentialOptions> {
	return asDecrypted(ctx, await readCredentials(ctx));
}

/** decryptedCredential without a promise when the read has arrived and is fresh; undefined otherwise (then await decryptedCredential). */
export function decryptedCredentialNow(ctx: BybitContext): IAdditionalCredentialOptions | undefined {
	const data = arrivedCredentials(ctx);
	return data === undefined ? undefined : asDecrypted(ctx, data);
}

function asDecrypted(ctx: BybitContext, credentials: CredentialData): IAdditionalCredentialOptions {
	const data = credentials as ICredentialDataDecryptedObject;
	const ref = ctx.getNode().credentials?.bybitApi;
	return { credentialsDecrypted: { id: String(ref?.id ?? ''), name: String(ref?.name ?? ''), type: 'bybitApi', data } };
}

/** What keyInfo read from one credential read (readCredentials keeps a read for up to a second): derived once per read, not per request. */
const keyInfos = new WeakMap<object, KeyInfo>();

/** Refuses, before sending, what cannot go to Bybit without a credential (anything but a public market read). */
export function checkUnsigned(ctx: BybitContext, key: KeyInfo, req: BybitRequest): void {
	if (key.unsignedBase === undefined) return;
	const refusal = unsignedRefusal(req.method, req.path);
	if (refusal) throw new NodeOperationError(ctx.getNode(), refusal, { itemIndex: req.itemIndex });
}

/** An unsigned request (no credential): the query serialised once into the URL, as the signer does. */
export async function sendUnsigned(ctx: BybitContext, base: string, options: IHttpRequestOptions): Promise<unknown> {
	const query = serializeQuery(options.qs as QueryParams | undefined);
	const unsigned: IHttpRequestOptions = { ...options, url: `${base}${options.url}${query ? `?${query}` : ''}` };
	delete unsigned.qs;
	return await ctx.helpers.httpRequest(unsigned);
}
