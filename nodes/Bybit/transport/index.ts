/**
 * The one way every node talks to Bybit's REST API. Signing happens in the
 * credential (`authenticate`); without a credential (Authentication "None",
 * see access.ts) requests go unsigned to the node's chosen host and only
 * public market reads are allowed. Here: rate limiting (per key and endpoint, then
 * the IP-wide budget of ipBudget.ts, which every request takes a slot in), Bybit's HTTP-200 errors,
 * clock re-sync on 10002, bounded retries of calls that are safe to repeat,
 * and cursor pagination.
 */
import {
	NodeApiError,
	NodeOperationError,
	sleep,
	type IDataObject,
	type IExecuteFunctions,
	type IHookFunctions,
	type IHttpRequestMethods,
	type IHttpRequestOptions,
	type ILoadOptionsFunctions,
	type INode,
	type IPollFunctions,
	type ITriggerFunctions,
	type JsonObject,
} from 'n8n-workflow';

import { clockOffset, setClockOffset } from '../../../credentials/common/bybit/clock';
import { BYBIT_ERRORS, credentialErrorIn, redactSecrets } from '../../../credentials/common/bybit/errors';
import { FACTS_TTL_MS, withMarketFacts } from '../../../credentials/common/bybit/marketFacts';
import { type KeyInfo, checkUnsigned, decryptedCredential, decryptedCredentialNow, keyInfo, keyInfoNow, keyScope, sendUnsigned } from './access';
import { enforceGuardrails as enforce } from './guardrails';
import { ipBudget, type BudgetTicket } from './ipBudget';
import { arrivalDate } from './arrival';
import { orderEntryFor, noteRest, sendOverWebSocket } from './orderEntry';
import { acquire, blockUntil, documentedLimit, observe, settle, MAX_RESET_WAIT_MS, type Reservation } from './rateLimiter';

export type BybitContext =
	| IExecuteFunctions
	| ILoadOptionsFunctions
	| ITriggerFunctions
	| IPollFunctions
	| IHookFunctions;

export interface BybitEnvelope<T = IDataObject> {
	retCode: number;
	retMsg: string;
	result: T;
	retExtInfo?: IDataObject;
	time?: number;
	[key: string]: unknown;
}

export interface BybitRequest {
	method: IHttpRequestMethods;
	path: string;
	qs?: IDataObject;
	body?: IDataObject;
	/**
	 * Whether the request may be sent again unchanged after a transient failure
	 * (timeout, reset, 5xx, 429, 10006). Defaults to true for GET and false
	 * otherwise: an order without an idempotency key is never re-sent.
	 */
	retrySafe?: boolean;
	/**
	 * Writes only: re-send after a rate-limit refusal (10006), which Bybit
	 * answers before acting. Never after a timeout or 5xx.
	 */
	retryWhenRateLimited?: boolean;
	/** Requests this call counts for in the rate-limit window (batch orders count each order). */
	weight?: number;
	itemIndex?: number;
}

const MAX_ATTEMPTS = 4;
/** Re-sends after a 10006 (refused before processing), on top of MAX_ATTEMPTS. */
const RATE_LIMIT_ROUNDS = 12;
const BACKOFF_MS = [250, 750, 2000];

/** Codes where Bybit refused the request before acting on it. */
const REJECTED_BEFORE_PROCESSING = new Set([10006, 10016, 429, 110079]);

interface RawResponse {
	body: unknown;
	headers: Record<string, string | string[] | undefined>;
	statusCode: number;
}

/** A numeric header; `lower` is `name` in lower case (the form HTTP clients give), passed as a constant. */
function header(res: RawResponse, name: string, lower: string): number | undefined {
	const raw = res.headers[name] ?? res.headers[lower];
	const value = Number(Array.isArray(raw) ? raw[0] : raw);
	return raw === undefined || !Number.isFinite(value) ? undefined : value;
}

/** Identifies the credential's key and host, for per-key caches (never the secret). */
export async function credentialScope(ctx: BybitContext): Promise<string> {
	return keyScope(await keyInfo(ctx));
}

/**
 * Runs the credential's safety checks on a request without sending it
 * (dry runs report what the real send would refuse).
 */
export async function checkGuardrails(this: BybitContext, req: BybitRequest): Promise<void> {
	const key = await keyInfo(this, req.itemIndex);
	checkUnsigned(this, key, req);
	await enforce(this, key.guardrails, req, bybitApiRequest);
}

/** Codes after which Bybit may or may not have acted on the request. */
const OUTCOME_UNKNOWN_CODES = new Set([10000, 10016, 170007, 170146, 170147]);

/** What the transport knows about a failed call, kept on the error's `context`. */
export interface BybitFailure {
	retCode?: number;
	/** The request may have been processed (timeout, reset, 5xx after sending): look before re-sending. */
	outcomeUnknown: boolean;
}

export function bybitFailure(error: unknown): BybitFailure {
	const context = (error as { context?: IDataObject } | undefined)?.context ?? {};
	return {
		retCode: typeof context.retCode === 'number' ? context.retCode : undefined,
		outcomeUnknown: context.outcomeUnknown === true,
	};
}

function apiError(
	ctx: BybitContext,
	message: string,
	description: string | undefined,
	details: JsonObject,
	req: BybitRequest,
	httpCode?: string,
	failure: BybitFailure = { outcomeUnknown: false },
): NodeApiError {
	const error = new NodeApiError(ctx.getNode(), details, {
		message,
		description,
		httpCode,
		itemIndex: req.itemIndex,
	});
	error.context = { ...error.context, retCode: failure.retCode, outcomeUnknown: failure.outcomeUnknown };
	return error;
}

/** Error for a non-zero retCode: Bybit's message and code, plus a hint where we have one. */
export function retCodeError(ctx: BybitContext, envelope: BybitEnvelope<unknown>, req: BybitRequest, secrets: string[] = []): NodeApiError {
	const info = BYBIT_ERRORS[envelope.retCode];
	// Bybit echoes the signed origin string (API key included) on 10004: never pass it on
	const retMsg = redactSecrets(String(envelope.retMsg ?? ''), secrets);
	return apiError(
		ctx,
		`Bybit error ${envelope.retCode}: ${retMsg || 'no message'}`,
		info?.hint,
		{ retCode: envelope.retCode, retMsg, path: req.path } as JsonObject,
		req,
		undefined,
		{ retCode: envelope.retCode, outcomeUnknown: req.method !== 'GET' && OUTCOME_UNKNOWN_CODES.has(envelope.retCode) },
	);
}

function httpError(ctx: BybitContext, res: RawResponse, req: BybitRequest, secrets: string[]): NodeApiError {
	const status = res.statusCode;
	const raw = typeof res.body === 'string' ? res.body : JSON.stringify(res.body ?? '');
	const text = redactSecrets(raw, secrets).slice(0, 200);
	let description: string | undefined;
	if (status === 403) {
		description =
			'HTTP 403 from Bybit usually means the request came from a blocked region (the USA, Mainland China) or this IP was banned for exceeding 600 requests per 5 seconds (the ban lifts after about 10 minutes). It is not a key problem. Use a server in an allowed region, or wait.';
	} else if (status === 401) {
		description = 'Bybit rejected the authentication headers. Check the API key and the credential\'s Environment.';
	} else if (status === 404) {
		description = 'Bybit does not know this path, or the category does not match the account mode. Check the Environment and the Base URL.';
	} else if (status === 429 || status >= 500) {
		description = 'Bybit is overloaded or restarting. Retry later.';
	}
	return apiError(ctx, `Bybit answered HTTP ${status}`, description, { httpCode: String(status), body: text } as JsonObject, req, String(status), {
		outcomeUnknown: req.method !== 'GET' && status >= 500,
	});
}

/** A slot in the IP-wide budget (see ipBudget.ts): waits in arrival order; fails only when the wait would be absurd. */
async function budgetSlot(ctx: BybitContext, origin: string, processes: number, itemIndex?: number, onRefused?: () => void): Promise<BudgetTicket> {
	try {
		return await ipBudget(origin, processes).acquire();
	} catch (error) {
		onRefused?.();
		throw new NodeOperationError(ctx.getNode(), (error as Error).message, { itemIndex });
	}
}

/**
 * A slot in the IP budget for a REST send: at once (no promise) when one is free, else a promise
 * of one in line; a refusal gives back the per-key reservation.
 */
function restSlot(ctx: BybitContext, key: KeyInfo, req: BybitRequest, reservation: Reservation | undefined): BudgetTicket | Promise<BudgetTicket> {
	return ipBudget(key.origin, key.processes).tryAcquire() ?? budgetSlot(ctx, key.origin, key.processes, req.itemIndex, () => settle(reservation));
}

async function resyncClock(ctx: BybitContext, origin: string, processes: number, itemIndex?: number): Promise<number> {
	const ticket = await budgetSlot(ctx, origin, processes, itemIndex);
	const t0 = Date.now();
	let res: BybitEnvelope<{ timeSecond?: string; timeNano?: string }>;
	try {
		res = (await ctx.helpers.httpRequestWithAuthentication.call(ctx, 'bybitApi', {
			method: 'GET',
			url: '/v5/market/time',
			json: true,
		} as IHttpRequestOptions)) as BybitEnvelope<{ timeSecond?: string; timeNano?: string }>;
	} finally {
		ticket.release();
	}
	const t1 = Date.now();
	const nano = res?.result?.timeNano;
	const server = nano ? Number(BigInt(nano) / 1_000_000n) : Number(res?.time ?? Number(res?.result?.timeSecond) * 1000);
	const offset = server - (t0 + t1) / 2;
	setClockOffset(origin, offset);
	return offset;
}

/** Sends one request and returns Bybit's whole envelope (batch calls need `retExtInfo`). */
export async function bybitApiRequestEnvelope(this: BybitContext, req: BybitRequest): Promise<BybitEnvelope> {
	const retrySafe = req.retrySafe ?? req.method === 'GET';
	// the credential's read has usually arrived already (one read serves a second): taken without a promise then
	const key = keyInfoNow(this, req.itemIndex) ?? (await keyInfo(this, req.itemIndex));
	checkUnsigned(this, key, req);
	const category = (req.qs?.category ?? req.body?.category) as string | undefined;
	const bucket = `${keyScope(key)}|${req.path}|${category === 'spot' ? 'spot' : 'derivatives'}`;
	const documented = documentedLimit(req.path, category);
	const judged = enforce(this, key.guardrails, req, bybitApiRequest);
	let facts = judged instanceof Promise ? await judged : judged;
	// the credential's Order Entry: orders over the key's WebSocket where Bybit offers it
	const ws = key.orderEntry === 'websocket' ? await orderEntryFor(this, key, req) : undefined;
	// the credential as the transport read it (one read per second per run): n8n's helper then signs with it instead of reading and decrypting it again
	const signWith = key.unsignedBase === undefined ? (decryptedCredentialNow(this) ?? (await decryptedCredential(this))) : undefined;
	let resyncs = 0;
	let lastOffset: number | undefined;
	let rateLimitedRounds = 0;

	for (let attempt = 1; ; attempt++) {
		const canRetry = attempt < MAX_ATTEMPTS;
		// prices older than half their validity are looked up again (and the order re-checked) before sending
		if (Date.now() - facts.at > FACTS_TTL_MS / 2) facts = await enforce(this, key.guardrails, req, bybitApiRequest);
		// market data has no per-key limit (only the IP budget below): nothing to reserve, nothing to wait for
		const reservation = documented ? await acquire(bucket, documented, req.weight, key.processes) : undefined;
		// the IP budget is HTTP's: an order over the WebSocket takes no slot (unless it falls back to REST); a free slot is taken at once, otherwise wait in line
		const slot = ws ? undefined : restSlot(this, key, req, reservation);
		let ticket = slot instanceof Promise ? await slot : slot;
		const options: IHttpRequestOptions = {
			method: req.method,
			url: req.path,
			json: true,
			returnFullResponse: true,
			ignoreHttpStatusErrors: true,
		};
		if (req.qs) options.qs = req.qs;
		if (req.body) options.body = req.body;
		// the signer re-checks the request against the credential's limits with these facts
		withMarketFacts(options, facts);

		let res: RawResponse | undefined;
		let sentAt = Date.now();
		try {
			if (ws) {
				const sent = await sendOverWebSocket(ws, req, facts);
				if ('notSent' in sent) {
					// nothing left this process: the same request goes over REST, and the run says why
					noteRest(this, req, `the WebSocket Trade API could not be used (${sent.notSent})`);
					ticket = await restSlot(this, key, req, reservation);
					sentAt = Date.now();
				} else res = sent;
			}
			res ??=
				key.unsignedBase === undefined
					? ((await this.helpers.httpRequestWithAuthentication.call(this, 'bybitApi', options, signWith)) as RawResponse)
					: ((await sendUnsigned(this, key.unsignedBase, options)) as RawResponse);
			ticket?.release();
			// the slot is dated from when Bybit counted the request, bounded by its answer's own stamp
			settle(reservation, arrivalDate(key.origin, sentAt, Date.now(), (res?.body as BybitEnvelope | undefined)?.time));
		} catch (error) {
			ticket?.release();
			settle(reservation);
			const refused = credentialErrorIn(error);
			if (refused) {
				// raised by the signer before anything was sent: a credential problem or a safety refusal, never a network error
				throw new NodeOperationError(this.getNode(), refused.message, { itemIndex: req.itemIndex });
			}
			if (retrySafe && canRetry) {
				await sleep(BACKOFF_MS[attempt - 1]);
				continue;
			}
			const reason = redactSecrets((error as Error).message ?? 'network error', key.secrets);
			throw apiError(
				this,
				`Could not reach Bybit: ${reason}`,
				req.method === 'GET'
					? `Check the network and the ${key.unsignedBase === undefined ? 'credential' : 'node'}'s Environment / Base URL.`
					: 'The request may or may not have reached Bybit, so it was not sent again. Check the order/transfer state on Bybit before retrying.',
				{ message: reason } as JsonObject,
				req,
				undefined,
				{ outcomeUnknown: req.method !== 'GET' },
			);
		}

		const limitStatus = header(res, 'X-Bapi-Limit-Status', 'x-bapi-limit-status');
		const resetServer = header(res, 'X-Bapi-Limit-Reset-Timestamp', 'x-bapi-limit-reset-timestamp');
		const resetAt = resetServer === undefined ? undefined : resetServer - clockOffset(key.origin);
		observe(bucket, { limit: header(res, 'X-Bapi-Limit', 'x-bapi-limit'), remaining: limitStatus, resetAt }, key.processes);

		if (res.statusCode === 429 || res.statusCode >= 500) {
			if (retrySafe && canRetry) {
				await sleep(BACKOFF_MS[attempt - 1]);
				continue;
			}
			throw httpError(this, res, req, key.secrets);
		}
		const envelope = res.body as BybitEnvelope | undefined;
		if (res.statusCode !== 200 || !envelope || typeof envelope !== 'object' || typeof envelope.retCode !== 'number') {
			throw httpError(this, res, req, key.secrets);
		}
		if (envelope.retCode === 0) return envelope;

		if (envelope.retCode === 10002 && key.unsignedBase === undefined) {
			// Rejected before processing: a fresh timestamp on a synced clock is always safe. Re-sync once;
			// once more only if the clock moved again meanwhile (the second measure differs by over 1 s).
			if (resyncs < 2) {
				const offset = await resyncClock(this, key.origin, key.processes, req.itemIndex);
				if (resyncs === 0 || Math.abs(offset - (lastOffset ?? offset)) > 1000) {
					resyncs++;
					lastOffset = offset;
					continue;
				}
			}
			const offset = clockOffset(key.origin);
			throw apiError(
				this,
				`Bybit error 10002: ${envelope.retMsg}`,
				`The request timestamp is still outside Bybit's receive window after re-syncing. Measured clock offset to Bybit: ${offset} ms. Synchronise this machine's clock (NTP) or raise "Receive Window" in the credential.`,
				{ retCode: envelope.retCode, retMsg: envelope.retMsg, clockOffsetMs: offset } as JsonObject,
				req,
			);
		}
		const rateLimited = envelope.retCode === 10006 && req.retryWhenRateLimited === true;
		// A 10006 is answered before Bybit acts: with processes sharing a key it is expected now and
		// then, so it gets its own rounds (each waits for the announced reset) beside the attempts.
		const rateRound = envelope.retCode === 10006 && (retrySafe || rateLimited) && rateLimitedRounds < RATE_LIMIT_ROUNDS;
		if (REJECTED_BEFORE_PROCESSING.has(envelope.retCode) && (retrySafe || rateLimited) && (canRetry || rateRound)) {
			const wait = resetAt && resetAt > Date.now() ? resetAt - Date.now() : BACKOFF_MS[Math.min(attempt, BACKOFF_MS.length) - 1];
			if (resetAt) blockUntil(bucket, resetAt);
			if (rateRound) {
				rateLimitedRounds++;
				attempt--;
			}
			await sleep(Math.min(Math.max(wait, 1), MAX_RESET_WAIT_MS));
			continue;
		}
		throw retCodeError(this, envelope, req, key.secrets);
	}
}

function resultOf(envelope: BybitEnvelope): IDataObject {
	return envelope.result;
}

/** Sends one request and returns Bybit's `result` (a `then`, not a second async frame per request). */
export function bybitApiRequest(this: BybitContext, req: BybitRequest): Promise<IDataObject> {
	return bybitApiRequestEnvelope.call(this, req).then(resultOf);
}

export interface PaginationOptions {
	/** Where the rows are in `result` (Bybit uses `list`, asset endpoints `rows`); several: the first one present. */
	listKey?: ListKey;
	/** Stop after this many rows (undefined = all). */
	limit?: number;
	/** Page size to ask for (`limit` query parameter). */
	pageSize?: number;
	/** Safety stop. */
	maxPages?: number;
	/** Called when the safety stop ended the list while Bybit still offered a next page. */
	onCapped?: (maxPages: number) => void;
}

/** Where a list answer's rows are: a key of `result`, or keys tried in order (where Bybit's docs disagree with themselves). */
export type ListKey = string | readonly string[];

/** The rows of a list answer under `listKey` (none when absent). */
export function rowsOf(result: IDataObject | undefined, listKey: ListKey): IDataObject[] {
	const key = typeof listKey === 'string' ? listKey : listKey.find((k) => result?.[k] !== undefined);
	return ((key === undefined ? undefined : result?.[key]) as IDataObject[] | undefined) ?? [];
}

/** Follows `nextPageCursor` and returns the rows of every page, up to `limit`. */
export async function bybitApiRequestAllItems(
	this: BybitContext,
	req: BybitRequest,
	options: PaginationOptions = {},
): Promise<IDataObject[]> {
	const listKey = options.listKey ?? 'list';
	const maxPages = options.maxPages ?? 1000;
	const rows: IDataObject[] = [];
	let cursor: string | undefined;
	for (let page = 0; page < maxPages; page++) {
		const qs: IDataObject = { ...(req.qs ?? {}) };
		if (options.pageSize) {
			const remaining = options.limit === undefined ? options.pageSize : Math.min(options.pageSize, options.limit - rows.length);
			qs.limit = remaining;
		}
		if (cursor) qs.cursor = cursor;
		const result = await bybitApiRequest.call(this, { ...req, qs });
		const list = rowsOf(result, listKey);
		rows.push(...list);
		if (options.limit !== undefined && rows.length >= options.limit) return rows.slice(0, options.limit);
		cursor = (result?.nextPageCursor as string | undefined) || undefined;
		if (!cursor || list.length === 0) return rows;
	}
	options.onCapped?.(maxPages);
	return rows;
}

/**
 * Pages numbered from 1 (`pageParam`), each of the same size (so page n holds rows
 * (n-1)*size+1 .. n*size), until a short page, `limit` rows, or, with `totalKey`, the
 * total Bybit reports: for the endpoints that page by number, not by cursor.
 */
export async function bybitApiRequestNumberedPages(
	this: BybitContext,
	req: BybitRequest,
	options: { pageParam: string; pageSize: number; limit?: number; totalKey?: string; listKey?: ListKey; maxPages?: number },
): Promise<IDataObject[]> {
	const wanted = options.limit ?? Number.POSITIVE_INFINITY;
	const size = Math.min(options.pageSize, wanted);
	const rows: IDataObject[] = [];
	for (let page = 1; page <= (options.maxPages ?? 1000) && rows.length < wanted; page++) {
		const result = await bybitApiRequest.call(this, { ...req, qs: { ...(req.qs ?? {}), [options.pageParam]: page, limit: size } });
		const list = rowsOf(result, options.listKey ?? 'list');
		rows.push(...list);
		if (list.length < size || (options.totalKey !== undefined && rows.length >= Number(result[options.totalKey] ?? 0))) break;
	}
	return rows.slice(0, wanted);
}

/** An n8n error for anything thrown while processing an item: n8n errors pass through, others are wrapped. */
export function toNodeError(node: INode, error: unknown, itemIndex: number): NodeApiError | NodeOperationError {
	if (error instanceof NodeApiError || error instanceof NodeOperationError) return error;
	return new NodeOperationError(node, error as Error, { itemIndex });
}
