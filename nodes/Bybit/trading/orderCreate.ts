/**
 * Order creation that never doubles an order. With an `orderLinkId`:
 * - an answer lost after sending (timeout, reset, 5xx, Bybit "server timeout")
 *   is resolved by looking the order up by `orderLinkId` BEFORE anything is
 *   re-sent; it is re-sent only when Bybit has no such order;
 * - a "duplicate orderLinkId" answer returns the existing order.
 * Without an `orderLinkId` a create is re-sent only after a rate-limit
 * refusal (10006, answered before Bybit acts), never after a lost answer.
 */
import { sleep, type IDataObject } from 'n8n-workflow';

import { bybitApiRequest, bybitFailure, toNodeError, type BybitContext } from '../transport';

const DUPLICATE_LINK_ID = new Set([110072, 170141]);
/** Rejections where Bybit did not act (timestamp outside the window, rate limits): re-sending the same orderLinkId is safe. */
const REJECTED = new Set([10002, 10006, 429, 110079]);
/**
 * Waits before each lookup or re-send (under 12 s in all, only while faults
 * persist); their count bounds the sends of one create. Every re-send after a
 * lost answer is preceded by a lookup, so more sends cost time, never a
 * second order.
 */
const LOOKUP_DELAYS_MS = [250, 500, 1000, 2000, 4000, 4000];
const MAX_SENDS = LOOKUP_DELAYS_MS.length;

export interface CreatedOrder extends IDataObject {
	orderId: string;
	orderLinkId: string;
}

type Recovery = 'duplicateOrderLinkId' | 'lostResponse';

/** Finds an order by orderLinkId among open/recent orders, then in history. */
export async function findOrderByLinkId(
	ctx: BybitContext,
	category: string,
	symbol: string | undefined,
	orderLinkId: string,
	itemIndex?: number,
): Promise<IDataObject | undefined> {
	for (const path of ['/v5/order/realtime', '/v5/order/history']) {
		const result = await bybitApiRequest.call(ctx, {
			method: 'GET',
			path,
			qs: { category, symbol, orderLinkId },
			itemIndex,
		});
		const found = (result.list as IDataObject[] | undefined)?.find((o) => o.orderLinkId === orderLinkId);
		if (found) return found;
	}
	return undefined;
}

function recovered(order: IDataObject, how: Recovery): CreatedOrder {
	return {
		orderId: String(order.orderId),
		orderLinkId: String(order.orderLinkId),
		recovered: how,
		order,
	};
}

export async function createOrderOnce(ctx: BybitContext, body: IDataObject, itemIndex?: number): Promise<CreatedOrder> {
	const send = async () =>
		(await bybitApiRequest.call(ctx, {
			method: 'POST',
			path: '/v5/order/create',
			body,
			retrySafe: false,
			retryWhenRateLimited: true,
			itemIndex,
		})) as CreatedOrder;
	const orderLinkId = typeof body.orderLinkId === 'string' && body.orderLinkId ? body.orderLinkId : undefined;
	if (!orderLinkId) return await send();

	const category = String(body.category);
	const symbol = body.symbol as string | undefined;
	let lastError: unknown;
	for (let attempt = 0; attempt < MAX_SENDS; attempt++) {
		try {
			return await send();
		} catch (error) {
			lastError = error;
		}
		const failure = bybitFailure(lastError);
		if (failure.retCode !== undefined && DUPLICATE_LINK_ID.has(failure.retCode)) {
			const existing = await findOrderByLinkId(ctx, category, symbol, orderLinkId, itemIndex);
			if (existing) return recovered(existing, 'duplicateOrderLinkId');
			break;
		}
		if (failure.retCode !== undefined && REJECTED.has(failure.retCode)) {
			if (attempt === MAX_SENDS - 1) break;
			await sleep(LOOKUP_DELAYS_MS[attempt]);
			continue;
		}
		if (!failure.outcomeUnknown) break;
		// The order may exist: give Bybit a moment, then look before re-sending.
		await sleep(LOOKUP_DELAYS_MS[attempt]);
		const existing = await findOrderByLinkId(ctx, category, symbol, orderLinkId, itemIndex);
		if (existing) return recovered(existing, 'lostResponse');
	}
	throw toNodeError(ctx.getNode(), lastError, itemIndex ?? 0);
}
