/**
 * order.preCheck (docs: order/pre-check-order): Bybit's margin check of a
 * would-be order, with the same fields as Order → Create (sizing included).
 * Nothing is placed. order.create's Dry Run asks the same check
 * (trading/preCheck.ts) and shows it beside the node's own.
 */
import { bybitApiRequest } from '../transport';
import { orderSpecs } from './order';
import { prepareCreate, type QtyType } from './orderSizing';
import { resolvePositionIdx } from './positionIdx';
import type { OperationSpec } from './types';

const create = orderSpecs.find((s) => s.operation === 'create')!;

/** trading/preCheck.ts's PRE_CHECK_PATH (a test keeps them equal), written out so that module loads on first use, not with the description. */
export const PRE_CHECK_PATH = '/v5/order/pre-check';

export const preCheckSpec: OperationSpec = {
	resource: 'order', operation: 'preCheck', name: 'Pre-Check', action: 'Check an order\'s margin impact',
	description: 'Ask Bybit how an order would change the account\'s margin rates (IMR, MMR) without placing it: inverse, linear and option, not conditional', method: 'POST', path: PRE_CHECK_PATH, docs: 'order/pre-check-order',
	fields: create.fields.filter((f) => f.name !== 'options'),
	async run(i, params) {
		const body = { ...params };
		await prepareCreate(this, body, { qtyType: this.getNodeParameter('qtyType', i, 'base') as QtyType, roundPrices: false, tpslUnit: 'price' }, i);
		await resolvePositionIdx(this, body, i);
		return await bybitApiRequest.call(this, { method: 'POST', path: PRE_CHECK_PATH, body, itemIndex: i, retrySafe: true });
	},
};
