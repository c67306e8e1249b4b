/**
 * Order entry over Bybit's WebSocket Trade API, when the credential's Order Entry says so: which
 * requests go there, and how an answer there becomes the same response the REST path reads.
 * Everything else stays in the transport's one loop (index.ts): the safety gate (tradeFrame.ts
 * runs the same rules as the REST signer, with the same market facts), the per-key rate limits
 * (the same buckets: Bybit counts WebSocket and HTTP orders together), retCode handling, clock
 * re-sync, and write-once (a lost answer is an unknown outcome, resolved by look-up).
 */
import type { IDataObject } from 'n8n-workflow';

import type { MarketFacts } from '../../../credentials/common/bybit/marketFacts';
import { bybitTimestamp } from '../../../credentials/common/bybit/clock';
import { redactSecrets } from '../../../credentials/common/bybit/errors';
import { signingKeyOf } from '../../../credentials/common/bybit/request';
import { authArgSecrets, wsAuthArgs } from '../../../credentials/common/bybit/signing';
import { tradeFrame, tradeOpOf } from '../../../credentials/common/bybit/tradeFrame';
import { addRunNote } from '../actions/hints';
import { readCredentials, type KeyInfo } from './access';
import type { BybitContext, BybitRequest } from './index';
import { tradeClient, type TradeAnswer, type TradeClient } from './tradeSocket';

/** Spread trading's order writes (Custom API Call): Bybit has no WebSocket order entry for them. */
const SPREAD_ORDER = /^\/v5\/spread\/order\/(create|amend|cancel|cancel-all)$/;

/** How long the `expires` of a WebSocket auth lies ahead (Bybit refuses an expired one). */
const AUTH_EXPIRES_MS = 10_000;

export interface OrderEntry {
	client: TradeClient;
	credentials: Awaited<ReturnType<typeof readCredentials>>;
}

/** The WebSocket order entry for this request, or undefined when it goes over REST (noting why, where the user chose WebSocket). */
export async function orderEntryFor(ctx: BybitContext, key: KeyInfo, req: BybitRequest): Promise<OrderEntry | undefined> {
	if (key.orderEntry !== 'websocket' || key.unsignedBase !== undefined || req.method !== 'POST') return undefined;
	if (SPREAD_ORDER.test(req.path)) {
		noteRest(ctx, req, 'Bybit\'s WebSocket Trade API does not take spread orders');
		return undefined;
	}
	if (!tradeOpOf(req.path)) return undefined;
	if (!key.tradeUrl) {
		noteRest(ctx, req, 'Bybit offers no WebSocket order entry on this credential\'s Environment (Demo Trading, and regional sites other than Turkey and Kazakhstan, per Bybit\'s docs)');
		return undefined;
	}
	let entry = ENTRIES.get(key);
	if (!entry) {
		entry = entryOf(key, key.tradeUrl, await readCredentials(ctx));
		ENTRIES.set(key, entry);
	}
	return entry;
}

/**
 * Each credential read's order entry, made once: the signing key (an RSA key is parsed), the
 * process's client for it. A KeyInfo stands for one credential read (access.ts), so an order
 * finds its entry with one look-up instead of reading and parsing the credential again.
 */
const ENTRIES = new WeakMap<KeyInfo, OrderEntry>();

function entryOf(key: KeyInfo, url: string, credentials: OrderEntry['credentials']): OrderEntry {
	const signing = signingKeyOf(credentials);
	let secrets = key.secrets;
	const authArgs = () => {
		const args = wsAuthArgs(signing, bybitTimestamp(key.origin) + AUTH_EXPIRES_MS);
		secrets = [...key.secrets, ...authArgSecrets(args)];
		return args;
	};
	return { client: tradeClient(url, signing.apiKey, signing.secret, authArgs, (text) => redactSecrets(text, secrets)), credentials };
}

export function noteRest(ctx: BybitContext, req: BybitRequest, reason: string): void {
	addRunNote(ctx, { kind: 'orderEntryRest', itemIndex: req.itemIndex ?? 0, reason });
}

/** Bybit's WebSocket answer as the REST path's response: the same envelope (`data` is REST's `result`) and the rate-limit headers. */
function responseOf(answer: TradeAnswer): { body: IDataObject; headers: Record<string, string | undefined>; statusCode: number } {
	const headers: Record<string, string | undefined> = {};
	for (const [name, value] of Object.entries(answer.header ?? {})) if (value !== undefined && value !== null) headers[name.toLowerCase()] = String(value);
	const time = Number(headers.timenow);
	const body: IDataObject = {
		retCode: answer.retCode,
		retMsg: answer.retMsg ?? '',
		result: (answer.data ?? {}) as IDataObject,
		retExtInfo: (answer.retExtInfo ?? {}) as IDataObject,
	};
	if (Number.isFinite(time)) body.time = time;
	return { body, headers, statusCode: 200 };
}

/**
 * Sends the request over the key's WebSocket: the response as REST would have given it, or the
 * reason nothing was sent (the caller then uses REST). Throws the signer's refusal (nothing sent)
 * and, when the answer was lost after sending, an error the transport treats as an unknown outcome.
 */
export async function sendOverWebSocket(
	entry: OrderEntry,
	req: BybitRequest,
	facts: MarketFacts,
): Promise<ReturnType<typeof responseOf> | { notSent: string }> {
	const outcome = await entry.client.request((reqId) => tradeFrame(entry.credentials, { path: req.path, body: req.body ?? {}, reqId, facts }).text);
	if (outcome.kind === 'answer') return responseOf(outcome.answer);
	if (outcome.kind === 'notSent') return { notSent: outcome.reason };
	throw new Error(`no answer over Bybit's WebSocket Trade API: ${outcome.reason}`);
}
