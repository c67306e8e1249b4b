import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { ListKey } from '../transport';
import type { IdempotencySpec } from '../trading/writeOnce';
import type { WireType } from './fields';

export type Resource = 'market' | 'order' | 'position' | 'account' | 'asset' | 'user' | 'spotMargin' | 'convert' | 'earn' | 'custom';

export interface ListOutput {
	/** Where the rows are in `result` (`list`, or `rows` for asset records). */
	listKey: ListKey;
	/** Largest page Bybit serves for this endpoint (sent as `limit`); absent = no `limit` per page. */
	pageSize?: number;
	/** Pages by `cursor` without a `limit` parameter (e.g. risk-limit): every page is read, then cut to Limit. */
	cursor?: boolean;
	/**
	 * One request (no cursor) with a `limit` parameter: its maximum per
	 * category (`'*'` for the others). Return All sends the maximum, else
	 * min(Limit, maximum).
	 */
	maxLimit?: Record<string, number>;
}

/**
 * One operation, as data: the engine builds its UI from `fields` and runs it
 * from `method` + `path`. `run` is the escape hatch for operations that are
 * more than one request.
 */
export interface OperationSpec {
	resource: Resource;
	operation: string;
	name: string;
	action: string;
	description: string;
	method: 'GET' | 'POST';
	path: `/v5/${string}`;
	/** Anchor in Bybit's V5 docs, e.g. `order/create-order`. */
	docs: string;
	fields: INodeProperties[];
	/** One output item per row of `result[listKey]`, with Return All / Limit when paginated. */
	list?: ListOutput;
	/** Changes state on the exchange (orders, positions, transfers). */
	write?: boolean;
	/**
	 * Writes with a client id (transfers): how a lost or duplicate answer is
	 * resolved by looking the id up (see trading/writeOnce.ts).
	 */
	idempotency?: IdempotencySpec;
	/** Wire types of this endpoint's fields where they differ from `WIRE_TYPES` (fields.ts). */
	wireTypes?: Record<string, WireType>;
	/** Fixed values sent with every request of this operation. */
	fixed?: IDataObject;
	run?: (this: IExecuteFunctions, itemIndex: number, params: IDataObject) => Promise<IDataObject | IDataObject[]>;
	/** Method and path are parameters (Custom API Call): `method`/`path` above are placeholders. */
	anyEndpoint?: boolean;
	/** For n8n's AI workflow builder: when to pick this operation (shown as the option's `builderHint`). */
	builderHint?: string;
	/** Batch operations: the router hands them all items at once. */
	batch?: 'create' | 'amend' | 'cancel';
}
