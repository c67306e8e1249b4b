/**
 * Every order of a batch has one outcome the user can see: placed (its
 * answer item, with orderId and orderLinkId) or not placed (Bybit's code and
 * hint, or the reason it was never sent). With Continue On Fail each order is
 * its own output item; without it, the node fails once all orders have an
 * outcome, with an error that lists them all, so the placed orders are not
 * lost from view. Amend and cancel batches report the same way (amended,
 * cancelled).
 */
import { NodeApiError, NodeOperationError, type IDataObject, type INode } from 'n8n-workflow';

import { toNodeError } from '../transport';

export interface OrderRef {
	itemIndex: number;
	/** 1-based place among the orders of its input item. */
	place: number;
	orderLinkId?: string;
}

export interface Placed extends OrderRef {
	orderId: string;
	recovered?: string;
}

export interface Refused extends OrderRef {
	error: NodeApiError | NodeOperationError;
}

export class BatchOutcomes {
	readonly placed: Placed[] = [];
	readonly refused: Refused[] = [];

	constructor(
		private readonly node: INode,
		/** What the batch does to each order: create, amend or cancel. */
		private readonly kind: 'create' | 'amend' | 'cancel',
	) {}

	place(ref: OrderRef, answer: IDataObject): void {
		const recovered = typeof answer.recovered === 'string' ? answer.recovered : undefined;
		this.placed.push({ ...ref, orderId: String(answer.orderId ?? ''), orderLinkId: String(answer.orderLinkId ?? ref.orderLinkId ?? ''), recovered });
	}

	/** Records the refusal; returns the Continue On Fail item's json (keys within n8n's error-output set). */
	refuse(ref: OrderRef, error: unknown): IDataObject {
		const nodeError = toNodeError(this.node, error, ref.itemIndex);
		this.refused.push({ ...ref, error: nodeError });
		const hint = nodeError.description;
		return hint ? { error: nodeError.message, details: hint } : { error: nodeError.message };
	}

	/**
	 * The error of a batch with refused orders, for a run without Continue On
	 * Fail: the first refusal (its class, code, message and item), with every
	 * order's outcome in the description and, as data, under `context.batch`.
	 */
	error(): NodeApiError | NodeOperationError | undefined {
		const first = this.refused[0];
		if (!first) return undefined;
		const total = this.placed.length + this.refused.length;
		const done = DONE[this.kind];
		const lines = [
			...(first.error.description ? [first.error.description, ''] : []),
			`${cap(done)} (${this.placed.length} of ${total}):`,
			...this.placed.map((p) => `- ${where(p)}: orderId ${p.orderId}, orderLinkId ${p.orderLinkId}${p.recovered ? ` (already placed before: ${p.recovered})` : ''}`),
			`Not ${done} (${this.refused.length} of ${total}):`,
			...this.refused.map((r) => `- ${where(r)}${r.orderLinkId ? `, orderLinkId ${r.orderLinkId}` : ''}: ${r.error.message}${r.error.description ? ` (${r.error.description})` : ''}`),
			...(this.kind === 'create' ? ['', 'Running the node again with the same input sends only the orders not placed; the placed ones come back marked "recovered".'] : []),
		];
		const refused = this.refused.map(({ error: e, ...r }) => ({ ...r, message: e.message, hint: e.description ?? undefined, retCode: retCodeOf(e) }));
		const error = first.error;
		if (total > 1) error.message = `${error.message} [${this.placed.length} of ${total} orders of the batch ${done}, ${this.refused.length} not: see the details]`;
		error.description = lines.join('\n');
		error.context = {
			...(error.context ?? {}),
			itemIndex: first.itemIndex,
			batch: {
				placed: this.placed.map((p) => ({ ...p })),
				refused,
			} as unknown as IDataObject,
		};
		return error;
	}
}

const DONE = { create: 'placed', amend: 'amended', cancel: 'cancelled' } as const;

function cap(word: string): string {
	return `${word[0].toUpperCase()}${word.slice(1)}`;
}

function where(ref: OrderRef): string {
	return `input item ${ref.itemIndex}, order ${ref.place}`;
}

function retCodeOf(error: NodeApiError | NodeOperationError): number | undefined {
	if (!(error instanceof NodeApiError)) return undefined;
	const code = Number((error.errorResponse as IDataObject | undefined)?.retCode);
	return Number.isFinite(code) ? code : undefined;
}
