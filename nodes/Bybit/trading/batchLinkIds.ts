/**
 * orderLinkIds for the orders of Create Batch that come without one,
 * derived from the input rather than drawn at random, so that running the
 * node again with the same input (Retry On Fail, or re-running a failed
 * execution, which is a new execution) sends the same ids: Bybit refuses an
 * order it already has (110072 / 170141) and the write-once engine returns
 * the existing order as `recovered` instead of placing a second one.
 *
 * The id is `n8n-` + 32 hex digits of the SHA-256 of: the workflow id, the
 * node id, the scope (an optional user value: a new scope means new ids),
 * the category, the order's fields (sorted by name), and the order's
 * occurrence among identical orders of the same run (the second of two
 * identical orders is a second instruction, not a repeat). Independent of
 * the order of the input items and of the other orders of the batch.
 * 36 characters: Bybit's maximum; letters, digits and `-` only.
 */
import { createHash } from 'crypto';

export const DERIVED_LINK_ID_PREFIX = 'n8n-';
const HASH_CHARS = 32;

export interface LinkIdSource {
	workflowId: string;
	nodeId: string;
}

/** The order's content as a canonical string: fields sorted by name, orderLinkId left out. */
function canonical(category: string, order: Record<string, unknown>): string {
	const fields = Object.keys(order)
		.filter((k) => k !== 'orderLinkId' && k !== 'category')
		.sort()
		.map((k) => [k, order[k]]);
	return JSON.stringify([category, fields]);
}

/**
 * Derives an orderLinkId for each order without one (`undefined` for orders
 * that have one: the user's id always wins). `orders` in run order.
 */
export function deriveLinkIds(
	source: LinkIdSource,
	orders: ReadonlyArray<{ category: string; order: Record<string, unknown>; /** The user's scope ("Order Link ID Scope"); '' by default. */ scope: string }>,
): Array<string | undefined> {
	const seen = new Map<string, number>();
	return orders.map(({ category, order, scope }) => {
		if (typeof order.orderLinkId === 'string' && order.orderLinkId) return undefined;
		const content = JSON.stringify([scope, canonical(category, order)]);
		const occurrence = (seen.get(content) ?? 0) + 1;
		seen.set(content, occurrence);
		const digest = createHash('sha256')
			.update(JSON.stringify(['create-batch/1', source.workflowId, source.nodeId, content, occurrence]))
			.digest('hex');
		return `${DERIVED_LINK_ID_PREFIX}${digest.slice(0, HASH_CHARS)}`;
	});
}
