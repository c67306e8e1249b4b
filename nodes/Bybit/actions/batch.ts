/**
 * Batch orders: from a JSON list, or one input item = one order. Orders are
 * split into Bybit's per-category maximum (20 linear/inverse/option, 10 spot),
 * capped by the per-second order quota (10 for linear and inverse by default),
 * and each order's own result in `retExtInfo.list` becomes that order's item:
 * an error there is an error of the input item that caused it.
 *
 * Batch creates never double an order: every order carries an orderLinkId
 * (the user's, or one derived from the workflow, the node, the optional
 * scope and the order itself: batchLinkIds.ts; shown in its output). A batch
 * whose answer is lost (timeout, reset, 5xx) is resolved per order by
 * looking the orderLinkId up before anything is re-sent; only orders Bybit
 * does not have are sent again. An order refused as a duplicate orderLinkId
 * (110072, spot 170141: a re-run of the same input, Retry On Fail or a new
 * execution) returns the existing order. Both are marked with `recovered`.
 *
 * Every order has one visible outcome (batchOutcome.ts): all orders are
 * sent and answered before a refusal fails the node (without Continue On
 * Fail), and that error lists the placed orders with their ids.
 */
import {
	NodeApiError,
	sleep,
	NodeOperationError,
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
	type JsonObject,
} from 'n8n-workflow';

import { batchLinkIds, orderCreate, writes } from '../trading/lazy';
import { BYBIT_ERRORS } from '../../../credentials/common/bybit/errors';
import { bybitApiRequestEnvelope, bybitFailure, checkGuardrails, toNodeError } from '../transport';
import { documentedLimit } from '../transport/rateLimiter';
import type { Recovery } from '../trading/writeOnce';
import { BatchOutcomes } from './batchOutcome';
import { category, text } from './fields';
import { checkBatchOrder } from './inputs';
import type { OperationSpec } from './types';

export const BATCH_MAX: Record<string, number> = { linear: 20, inverse: 20, option: 20, spot: 10 };
const RATE_LIMITED = 10006;
const ITEM_RETRIES = 3;
/** Before looking up the orders of a batch whose answer was lost: give Bybit a moment to record them. */
const LOOKUP_DELAY_MS = 250;
/** Rounds in which orders of a lost batch answer that Bybit does not have are sent again (each after a lookup). */
const LOST_ANSWER_ROUNDS = 6;

/**
 * Orders per request: Bybit's maximum per batch, capped by the batch
 * endpoint's per-second quota, because every order in a linear, inverse or
 * spot batch counts against it and the excess orders are refused (a 20-order
 * linear batch against the documented 10/s would lose 10). Option batches
 * count once per request.
 */
export function batchSize(cat: string, path: string): number {
	const max = BATCH_MAX[cat] ?? 10;
	return cat === 'option' ? max : Math.min(max, documentedLimit(path, cat) ?? max);
}

const PATHS = { create: '/v5/order/create-batch', amend: '/v5/order/amend-batch', cancel: '/v5/order/cancel-batch' } as const;

function specFor(kind: keyof typeof PATHS, name: string, action: string, description: string, docs: string): OperationSpec {
	return {
		resource: 'order',
		operation: `${kind}Batch`,
		name,
		action,
		description,
		method: 'POST',
		path: PATHS[kind],
		docs,
		write: true,
		batch: kind,
		fields: [
			category(['linear', 'inverse', 'spot', 'option']),
			{
				displayName: 'Orders From',
				name: 'source',
				type: 'options',
				options: [
					{ name: 'Each Input Item Is One Order', value: 'items', description: 'Every input item\'s fields (symbol, side, orderType, qty, price, orderLinkId, ...) make one order; all items go out in as few requests as possible' },
					{ name: 'JSON List', value: 'json', description: 'A JSON array of orders, per input item' },
				],
				default: 'items',
			},
			{
				displayName: 'Orders',
				name: 'orders',
				type: 'json',
				default: '[]',
				description: 'JSON array of orders with Bybit\'s field names',
				displayOptions: { show: { source: ['json'] } },
			},
			...(kind === 'create' ? [LINK_ID_OPTIONS] : []),
		],
	};
}

/** Create Batch only: the scope of the derived orderLinkIds (batchLinkIds.ts). */
const LINK_ID_OPTIONS = {
	displayName: 'Options',
	name: 'options',
	type: 'collection' as const,
	placeholder: 'Add Option',
	default: {},
	options: [
		text(
			'Order Link ID Scope',
			'linkIdScope',
			'Orders without an orderLinkId get one derived from the workflow, this node, this scope and the order, so running the node again with the same input (Retry On Fail, retrying a failed execution) never places an order twice: the existing order comes back marked "recovered". A workflow that sends the same orders again on purpose (e.g. every day) needs a scope per run, such as its trigger\'s time ({{ $(\'Schedule Trigger\').first().json.timestamp }}); {{ $execution.id }} works too, but then retrying a failed execution places its orders again.',
		),
	],
};

export function batchFields(): OperationSpec[] {
	return [
		specFor('create', 'Create Batch', 'Place a batch of orders', 'Place many orders in as few requests as possible', 'order/batch-place'),
		specFor('amend', 'Amend Batch', 'Amend a batch of orders', 'Amend many open orders at once', 'order/batch-amend'),
		specFor('cancel', 'Cancel Batch', 'Cancel a batch of orders', 'Cancel many open orders at once', 'order/batch-cancel'),
	];
}

interface PendingOrder {
	itemIndex: number;
	category: string;
	order: IDataObject;
	/** 1-based place among the orders its input item gave (a JSON list gives several). */
	place: number;
	/** Judged alone by the safety limits after its request was refused. */
	checkedAlone?: boolean;
}

function ordersOfItem(ctx: IExecuteFunctions, kind: keyof typeof PATHS, itemIndex: number, json: IDataObject): IDataObject[] {
	const source = ctx.getNodeParameter('source', itemIndex, 'items') as string;
	let raw: unknown = json;
	if (source === 'json') {
		raw = ctx.getNodeParameter('orders', itemIndex, '[]');
		if (typeof raw === 'string') {
			try {
				raw = JSON.parse(raw);
			} catch {
				throw new NodeOperationError(ctx.getNode(), '"orders" is not valid JSON: give a JSON array of orders.', { itemIndex });
			}
		}
		if (!Array.isArray(raw)) throw new NodeOperationError(ctx.getNode(), '"orders" must be a JSON array of orders.', { itemIndex });
		if (!raw.length) throw new NodeOperationError(ctx.getNode(), '"orders" is an empty list: give at least one order, or leave this item out.', { itemIndex });
	}
	// one input item is one order: an item holding a list is refused below, not read as zero orders
	const list: unknown[] = source === 'json' ? (raw as unknown[]) : [raw];
	return list.map((order, k) => {
		try {
			return checkBatchOrder(kind, order) as IDataObject;
		} catch (error) {
			throw new NodeOperationError(ctx.getNode(), `Order ${k + 1}: ${(error as Error).message}`, { itemIndex });
		}
	});
}

/** Runs a batch spec over all input items; returns output items paired to the item each order came from. */
export async function runBatch(this: IExecuteFunctions, spec: OperationSpec, items: INodeExecutionData[]): Promise<INodeExecutionData[]> {
	const kind = spec.batch!;
	const out: INodeExecutionData[] = [];
	const fail = (itemIndex: number, error: Error) => {
		if (!this.continueOnFail()) throw toNodeError(this.getNode(), error, itemIndex);
		out.push({ json: { error: error.message }, pairedItem: { item: itemIndex } });
	};
	const pending: PendingOrder[] = [];
	for (let i = 0; i < items.length; i++) {
		try {
			const cat = this.getNodeParameter('category', i) as string;
			for (const [k, order] of ordersOfItem(this, kind, i, items[i].json).entries()) pending.push({ itemIndex: i, category: cat, order, place: k + 1 });
		} catch (error) {
			fail(i, error as Error);
		}
	}
	if (kind === 'create') {
		const scopes = items.map((_, i) => String((this.getNodeParameter('options', i, {}) as IDataObject).linkIdScope ?? ''));
		const workflowId = typeof this.getWorkflow === 'function' ? String(this.getWorkflow().id ?? '') : '';
		const node = this.getNode();
		const ids = batchLinkIds.deriveLinkIds({ workflowId, nodeId: node.id || node.name }, pending.map((p) => ({ ...p, scope: scopes[p.itemIndex] })));
		pending.forEach((p, n) => {
			if (ids[n]) p.order.orderLinkId = ids[n];
		});
	}
	const outcomes = new BatchOutcomes(this.getNode(), kind);
	const ref = (c: PendingOrder) => ({ itemIndex: c.itemIndex, place: c.place, orderLinkId: c.order.orderLinkId === undefined ? undefined : String(c.order.orderLinkId) });
	// an order of the batch: placed (its answer), or not placed (recorded; its own item with Continue On Fail)
	const placed = (c: PendingOrder, item: INodeExecutionData) => {
		outcomes.place(ref(c), item.json);
		out.push(item);
	};
	const refuse = (c: PendingOrder, error: Error) => {
		const json = outcomes.refuse(ref(c), error);
		if (!this.continueOnFail()) return;
		// The item's own error routes it to the error output on every n8n line: 1.x reads only json
		// {error} or {error, message}, not {error, details}; 2.x any subset of {error, message, details}.
		const routed = new NodeOperationError(this.getNode(), String(json.error), { itemIndex: c.itemIndex, description: typeof json.details === 'string' ? json.details : undefined });
		out.push({ json, error: routed, pairedItem: { item: c.itemIndex } });
	};
	const byCategory = new Map<string, PendingOrder[]>();
	for (const p of pending) byCategory.set(p.category, [...(byCategory.get(p.category) ?? []), p]);
	for (const [cat, orders] of byCategory) {
		const size = batchSize(cat, spec.path);
		let queue = orders;
		for (let round = 0; queue.length; round++) {
			const again: PendingOrder[] = [];
			for (let start = 0; start < queue.length; start += size) {
				const chunk = queue.slice(start, start + size);
				let envelope;
				try {
					envelope = await bybitApiRequestEnvelope.call(this, {
						method: 'POST',
						path: spec.path,
						body: { category: cat, request: chunk.map((c) => c.order) },
						// each order counts against the quota, except in option batches (one per request)
						weight: cat === 'option' ? 1 : chunk.length,
						retryWhenRateLimited: true,
						itemIndex: chunk[0].itemIndex,
					});
				} catch (error) {
					if (error instanceof NodeOperationError && !bybitFailure(error).outcomeUnknown && chunk.some((c) => !c.checkedAlone)) {
						// refused before sending (a safety limit): judge each order alone, so that one order
						// above the cap fails only its own item and the others are sent in the next round
						for (const c of chunk) {
							c.checkedAlone = true;
							try {
								await checkGuardrails.call(this, { method: 'POST', path: spec.path, body: { category: cat, request: [c.order] }, itemIndex: c.itemIndex });
								again.push(c);
							} catch (refusal) {
								// judged alone it is "order 1": name its place in the item's list instead
								const message = (refusal as Error).message.replace(/^Order 1 of the batch: /, `Order ${c.place} of the batch: `);
								refuse(c, new NodeOperationError(this.getNode(), message, { itemIndex: c.itemIndex }));
							}
						}
						continue;
					}
					if (kind === 'create' && bybitFailure(error).outcomeUnknown && round < LOST_ANSWER_ROUNDS) {
						// the orders may exist: look each up before sending any again
						await sleep(LOOKUP_DELAY_MS);
						for (const c of chunk) {
							try {
								const existing = await findExisting(this, cat, c);
								if (existing) placed(c, recoveredItem(cat, c, existing, 'lostResponse'));
								else again.push(c);
							} catch (lookupError) {
								refuse(c, lookupError as Error);
							}
						}
						continue;
					}
					for (const c of chunk) refuse(c, error as Error);
					continue;
				}
				const results = ((envelope.result as IDataObject)?.list as IDataObject[] | undefined) ?? [];
				const infos = ((envelope.retExtInfo as IDataObject | undefined)?.list as IDataObject[] | undefined) ?? [];
				for (const [k, c] of chunk.entries()) {
					const info = infos[k] ?? { code: 0, msg: 'OK' };
					const code = Number(info.code);
					// an order refused by the rate limit was not placed: sending it again cannot double it
					if (code === RATE_LIMITED && round < ITEM_RETRIES) {
						again.push(c);
						continue;
					}
					if (kind === 'create' && orderCreate.ORDER_IDEMPOTENCY.duplicateCodes.includes(code)) {
						// a re-run: this orderLinkId already has its order
						const existing = await findExisting(this, cat, c).catch(() => undefined);
						if (existing) {
							placed(c, recoveredItem(cat, c, existing, writes.duplicateLabel(orderCreate.ORDER_IDEMPOTENCY)));
							continue;
						}
					}
					if (code !== 0) {
						refuse(
							c,
							new NodeApiError(this.getNode(), { retCode: code, retMsg: info.msg } as JsonObject, {
								message: `Bybit error ${code}: ${info.msg} (order ${c.order.orderLinkId ?? c.order.orderId ?? k + 1} of a batch)`,
								description: BYBIT_ERRORS[code]?.hint,
								itemIndex: c.itemIndex,
							}),
						);
						continue;
					}
					placed(c, { json: { ...(results[k] ?? {}), retCode: 0, retMsg: String(info.msg ?? 'OK') }, pairedItem: { item: c.itemIndex } });
				}
			}
			queue = again;
		}
	}
	const failure = this.continueOnFail() ? undefined : outcomes.error();
	if (failure) throw failure;
	return out;
}

async function findExisting(ctx: IExecuteFunctions, cat: string, c: PendingOrder): Promise<IDataObject | undefined> {
	return await writes.findById(ctx, orderCreate.ORDER_IDEMPOTENCY, { category: cat, symbol: c.order.symbol }, String(c.order.orderLinkId), c.itemIndex);
}

/** An order found by its orderLinkId, in the shape of a batch answer's item, marked as recovered. */
function recoveredItem(cat: string, c: PendingOrder, order: IDataObject, how: Recovery): INodeExecutionData {
	const answer = writes.recoveredAnswer(orderCreate.ORDER_IDEMPOTENCY, order, how);
	return {
		json: { category: cat, symbol: String(order.symbol ?? c.order.symbol), ...answer, createAt: String(order.createdTime ?? ''), retCode: 0, retMsg: 'OK' },
		pairedItem: { item: c.itemIndex },
	};
}
