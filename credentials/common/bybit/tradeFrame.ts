/**
 * Order entry over Bybit's WebSocket Trade API (`/v5/trade`, docs: websocket/trade/guideline.mdx):
 * the request frame of one order write, built here, beside the REST signer, so that it passes the
 * same gate: the credential's safety limits (./safety.ts, with the market facts the transport looked
 * up) judge the exact body the frame carries before any frame exists. The body is serialised once;
 * what is judged is that text read back, so what Bybit reads is what was checked.
 * The connection itself is authenticated once (`op: auth`, signing.ts wsAuthArgs); each frame
 * carries the timestamp and receive window Bybit checks as on REST.
 */
import type { IDataObject } from 'n8n-workflow';

import { bybitTimestamp } from './clock';
import { restOrigin } from './endpoints';
import { BybitCredentialError } from './errors';
import type { MarketFacts } from './marketFacts';
import { recvWindowOf, type BybitCredentialData } from './request';
import { guardrailsOf, safetyRefusal } from './safety';

/** The REST paths whose writes Bybit also takes over `/v5/trade`, with their op. */
export const TRADE_OPS: Readonly<Record<string, string>> = Object.freeze({
	'/v5/order/create': 'order.create',
	'/v5/order/amend': 'order.amend',
	'/v5/order/cancel': 'order.cancel',
	'/v5/order/create-batch': 'order.create-batch',
	'/v5/order/amend-batch': 'order.amend-batch',
	'/v5/order/cancel-batch': 'order.cancel-batch',
});

/** The `/v5/trade` op for a REST path, or undefined when the path has none. */
export function tradeOpOf(path: string): string | undefined {
	return Object.prototype.hasOwnProperty.call(TRADE_OPS, path) ? TRADE_OPS[path] : undefined;
}

export interface TradeFrameInput {
	path: string;
	body: IDataObject;
	/** Unique on its connection, at most 36 characters (Bybit answers 20006 to a repeat). */
	reqId: string;
	facts?: MarketFacts;
}

export interface TradeFrame {
	op: string;
	/** The frame as sent. */
	text: string;
}

/**
 * The frame for one order write, after the credential's safety limits passed it. Throws
 * BybitCredentialError (nothing may be sent) for a refusal, a path without an op, or a body that
 * is not one JSON object.
 */
export function tradeFrame(credentials: BybitCredentialData, input: TradeFrameInput, now: (origin: string) => number = bybitTimestamp): TradeFrame {
	const op = tradeOpOf(input.path);
	if (!op) throw new BybitCredentialError(`${input.path} cannot be sent over Bybit's WebSocket Trade API.`);
	if (!/^[A-Za-z0-9_-]{1,36}$/.test(input.reqId)) throw new BybitCredentialError('The WebSocket order request has no valid reqId.');
	const body = JSON.stringify(input.body ?? {});
	const judged = JSON.parse(body) as unknown;
	if (!judged || typeof judged !== 'object' || Array.isArray(judged)) throw new BybitCredentialError('An order request for Bybit must be one JSON object.');
	const refusal = safetyRefusal(guardrailsOf(credentials), { method: 'POST', path: input.path, body: judged as IDataObject }, input.facts);
	if (refusal) throw new BybitCredentialError(refusal);
	const header = JSON.stringify({
		'X-BAPI-TIMESTAMP': String(now(restOrigin(credentials))),
		'X-BAPI-RECV-WINDOW': String(recvWindowOf(credentials)),
	});
	return { op, text: `{"reqId":${JSON.stringify(input.reqId)},"header":${header},"op":"${op}","args":[${body}]}` };
}
