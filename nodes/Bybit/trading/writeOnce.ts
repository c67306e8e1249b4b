/**
 * Writes that carry a client id never happen twice, whatever becomes of the
 * answer. One engine, driven by an `IdempotencySpec` (data on the operation
 * spec): which body field holds the id, where Bybit lets us look the object
 * up by it, and which answer means "this id was already used".
 * - An answer lost after sending (timeout, reset, 5xx, Bybit "server timeout")
 *   is resolved by looking the id up BEFORE anything is re-sent; the write is
 *   re-sent, with the same id, only when Bybit has no such object.
 * - A "duplicate id" answer returns the existing object (looked up by the id).
 * - Without a lookup (withdrawals), a lost answer is never re-sent.
 * A recovered answer has the fields of a normal answer, plus `recovered`
 * (how) and the whole record under `recordKey`.
 */
import { randomUUID } from 'crypto';
import { sleep, type IDataObject } from 'n8n-workflow';

import { bybitApiRequest, bybitFailure, toNodeError, type BybitContext } from '../transport';

export interface IdempotencySpec {
	/** Body field holding the client id. */
	idField: string;
	/** Generate a UUID when the field is empty (Bybit requires one for transfers). */
	generate?: boolean;
	/** retCodes meaning "this id was already used": the existing object is looked up and returned. */
	duplicateCodes: readonly number[];
	/** How to find the object by its id; absent = Bybit offers no lookup, so a lost answer is never re-sent. */
	lookup?: {
		/** GET paths tried in order (e.g. open orders, then history). */
		paths: readonly string[];
		/** Body fields passed to the lookup besides the id (category, symbol). */
		carry?: readonly string[];
		listKey: string;
		/** `contains`: Bybit's transfer records may decorate the id (`selfTransfer_<id>`). */
		match: 'exact' | 'contains';
	};
	/** Fields of a normal answer, rebuilt from the record found. */
	answer: readonly string[];
	/** Where the whole record goes in a recovered answer (`order`, `transfer`). */
	recordKey: string;
}

/** Rejections where Bybit did not act (timestamp outside the window, rate limits): re-sending the same id is safe. */
const REJECTED = new Set([10002, 10006, 429, 110079]);
/**
 * Waits before each lookup or re-send (under 12 s in all, only while faults
 * persist); their count bounds the sends of one write. Every re-send after a
 * lost answer is preceded by a lookup, so more sends cost time, never a
 * second object.
 */
const LOOKUP_DELAYS_MS = [250, 500, 1000, 2000, 4000, 4000];
export const MAX_SENDS = LOOKUP_DELAYS_MS.length;

export type Recovery = 'lostResponse' | `duplicate${string}`;

/** The client id in a body, if any. */
export function clientId(spec: IdempotencySpec, body: IDataObject): string | undefined {
	const id = body[spec.idField];
	return typeof id === 'string' && id ? id : undefined;
}

/** Finds the object a client id names, or undefined. */
export async function findById(ctx: BybitContext, spec: IdempotencySpec, body: IDataObject, id: string, itemIndex?: number): Promise<IDataObject | undefined> {
	const lookup = spec.lookup;
	if (!lookup) return undefined;
	const qs: IDataObject = {};
	for (const name of lookup.carry ?? []) if (body[name] !== undefined) qs[name] = body[name];
	qs[spec.idField] = id;
	for (const path of lookup.paths) {
		const result = await bybitApiRequest.call(ctx, { method: 'GET', path, qs, itemIndex });
		const rows = (result[lookup.listKey] as IDataObject[] | undefined) ?? [];
		const found = rows.find((row) => {
			const value = String(row[spec.idField] ?? '');
			return value === id || (lookup.match === 'contains' && value.includes(id));
		});
		if (found) return found;
	}
	return undefined;
}

/** The answer a write would have had, rebuilt from the record found, marked as recovered. */
export function recoveredAnswer(spec: IdempotencySpec, record: IDataObject, how: Recovery): IDataObject {
	const answer: IDataObject = {};
	for (const name of spec.answer) answer[name] = record[name] === undefined ? '' : String(record[name]);
	return { ...answer, recovered: how, [spec.recordKey]: record };
}

export function duplicateLabel(spec: IdempotencySpec): Recovery {
	return `duplicate${spec.idField[0].toUpperCase()}${spec.idField.slice(1)}`;
}

/**
 * Sends a write once: with a client id, lost answers and duplicate-id
 * answers are resolved by lookup; without one, it is re-sent only after a
 * refusal that proves nothing was done (10006).
 */
export async function writeOnce(ctx: BybitContext, path: string, body: IDataObject, spec: IdempotencySpec, itemIndex?: number): Promise<IDataObject> {
	if (spec.generate && !clientId(spec, body)) body = { ...body, [spec.idField]: randomUUID() };
	const send = async () =>
		await bybitApiRequest.call(ctx, { method: 'POST', path, body, retrySafe: false, retryWhenRateLimited: true, itemIndex });
	const id = clientId(spec, body);
	if (!id) return await send();

	let lastError: unknown;
	for (let attempt = 0; attempt < MAX_SENDS; attempt++) {
		try {
			return await send();
		} catch (error) {
			lastError = error;
		}
		const failure = bybitFailure(lastError);
		if (failure.retCode !== undefined && spec.duplicateCodes.includes(failure.retCode)) {
			const existing = await findById(ctx, spec, body, id, itemIndex);
			if (existing) return recoveredAnswer(spec, existing, duplicateLabel(spec));
			break;
		}
		if (failure.retCode !== undefined && REJECTED.has(failure.retCode)) {
			if (attempt === MAX_SENDS - 1) break;
			await sleep(LOOKUP_DELAYS_MS[attempt]);
			continue;
		}
		if (!failure.outcomeUnknown || !spec.lookup) break;
		// The object may exist: give Bybit a moment, then look before re-sending.
		await sleep(LOOKUP_DELAYS_MS[attempt]);
		const existing = await findById(ctx, spec, body, id, itemIndex);
		if (existing) return recoveredAnswer(spec, existing, 'lostResponse');
	}
	throw toNodeError(ctx.getNode(), lastError, itemIndex ?? 0);
}
