/**
 * Order creation that never doubles an order (the write-once engine of
 * writeOnce.ts, described by ORDER_IDEMPOTENCY). With an `orderLinkId`:
 * - an answer lost after sending (timeout, reset, 5xx, Bybit "server timeout")
 *   is resolved by looking the order up by `orderLinkId` BEFORE anything is
 *   re-sent; it is re-sent only when Bybit has no such order;
 * - a "duplicate orderLinkId" answer returns the existing order.
 * Without an `orderLinkId` a create is re-sent only after a rate-limit
 * refusal (10006, answered before Bybit acts), never after a lost answer.
 */
import { randomBytes } from 'crypto';
import type { IDataObject } from 'n8n-workflow';

import type { BybitContext } from '../transport';
import { keyInfo } from '../transport/access';
import { findById, writeOnce, type IdempotencySpec } from './writeOnce';

/** Orders: looked up among open and recent orders, then in history; 110072 (derivatives) and 170141 (spot) mean "orderLinkId already used". */
export const ORDER_IDEMPOTENCY: IdempotencySpec = {
	idField: 'orderLinkId',
	duplicateCodes: [110072, 170141],
	lookup: { paths: ['/v5/order/realtime', '/v5/order/history'], carry: ['category', 'symbol'], listKey: 'list', match: 'exact' },
	answer: ['orderId', 'orderLinkId'],
	recordKey: 'order',
};

export interface CreatedOrder extends IDataObject {
	orderId: string;
	orderLinkId: string;
}

/** Finds an order by orderLinkId among open/recent orders, then in history. */
export async function findOrderByLinkId(
	ctx: BybitContext,
	category: string,
	symbol: string | undefined,
	orderLinkId: string,
	itemIndex?: number,
): Promise<IDataObject | undefined> {
	return await findById(ctx, ORDER_IDEMPOTENCY, { category, symbol }, orderLinkId, itemIndex);
}

/**
 * With WebSocket order entry, an order given no orderLinkId gets a random one (`n8n-` + 32 hex):
 * a dropped connection loses answers more often than an HTTP request does, and only an id lets
 * the lost answer be looked up instead of reported as unknown. It is random, so running the same
 * order again places it again. (Over REST an order without an id is sent as given.)
 */
async function withLinkId(ctx: BybitContext, body: IDataObject, itemIndex?: number): Promise<IDataObject> {
	if (body.orderLinkId !== undefined && body.orderLinkId !== '') return body;
	if ((await keyInfo(ctx, itemIndex)).orderEntry !== 'websocket') return body;
	return { ...body, orderLinkId: `n8n-${randomBytes(16).toString('hex')}` };
}

export async function createOrderOnce(ctx: BybitContext, body: IDataObject, itemIndex?: number): Promise<CreatedOrder> {
	body = await withLinkId(ctx, body, itemIndex);
	return (await writeOnce(ctx, '/v5/order/create', body, ORDER_IDEMPOTENCY, itemIndex)) as CreatedOrder;
}
