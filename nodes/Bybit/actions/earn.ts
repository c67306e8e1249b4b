/**
 * Earn (docs: finance/earn/easy-onchain): Flexible Savings and On-Chain
 * products, stake and redeem, positions, orders and yields.
 */
import { NodeOperationError, type IDataObject, type IExecuteFunctions } from 'n8n-workflow';

import { writes } from '../trading/lazy';
import type { IdempotencySpec } from '../trading/writeOnce';
import { additional, choice, coin, decimal, returnAllOrLimit, text, TIME_RANGE } from './fields';
import type { OperationSpec } from './types';

const CATEGORY = choice('Category', 'category', [['Flexible Saving', 'FlexibleSaving'], ['On-Chain', 'OnChain']], 'FlexibleSaving', 'Earn product category', true);
const ACCOUNT_TYPES: Array<[string, string]> = [['Funding (FUND)', 'FUND'], ['Unified (UNIFIED)', 'UNIFIED']];
const PRODUCT_ID = (required: boolean) => text('Product ID', 'productId', 'Product ID, from Get Products', required ? { required: true } : {});
const EARN_TIME_RANGE = TIME_RANGE.map((f) => ({ ...f, description: `${String(f.description)}; at most 7 days apart, last 7 days by default` }));

/**
 * Stake / Redeem carries an orderLinkId (required by Bybit, up to 36
 * characters; generated per item when empty, before sending). A lost answer
 * is resolved by looking the orderLinkId up in the order history before any
 * re-send; "Order already exists" / "Duplicate order" (180025, 180031)
 * returns the existing order. Any status found (Success, Pending, Fail) is the
 * order that exists: it is returned as it is, never placed again.
 */
export const EARN_IDEMPOTENCY: IdempotencySpec = {
	idField: 'orderLinkId',
	generate: true,
	duplicateCodes: [180025, 180031],
	lookup: { paths: ['/v5/earn/order'], carry: ['category', 'productId'], listKey: 'list', match: 'exact' },
	answer: ['orderId', 'orderLinkId'],
	recordKey: 'order',
};

/** The docs' rules for Stake / Redeem that Bybit would refuse, checked before anything is sent. */
async function stakeOrRedeem(this: IExecuteFunctions, i: number, params: IDataObject): Promise<IDataObject> {
	const refuse = (message: string) => new NodeOperationError(this.getNode(), message, { itemIndex: i });
	const onChain = params.category === 'OnChain';
	if (onChain && params.accountType !== 'FUND') throw refuse('On-Chain products stake from and redeem to FUND only: set Account Type to Funding (FUND).');
	if (params.redeemPositionId !== undefined && !(onChain && params.orderType === 'Redeem')) throw refuse('"redeemPositionId" applies only to On-Chain redemptions: remove Redeem Position ID, or set Category On-Chain and Order Type Redeem.');
	const card = params.interestCard as IDataObject | undefined;
	if (card !== undefined) {
		if (onChain || params.orderType !== 'Stake') throw refuse('"interestCard" applies only to Flexible Saving stakes: remove Interest Card, or set Category Flexible Saving and Order Type Stake.');
		const awardId = typeof card.awardId === 'string' && /^\d+$/.test(card.awardId.trim()) ? Number(card.awardId) : card.awardId;
		if (!Number.isSafeInteger(awardId) || typeof card.specCode !== 'string' || !card.specCode) {
			throw refuse('"interestCard" must be {"awardId": <whole number>, "specCode": "<text>"}, as Get Coupons lists them.');
		}
		params = { ...params, interestCard: { awardId, specCode: card.specCode } };
	}
	return await writes.writeOnce(this, '/v5/earn/place-order', params, EARN_IDEMPOTENCY, i);
}

export const earnSpecs: OperationSpec[] = [
	{
		resource: 'earn', operation: 'getProducts', name: 'Get Products', action: 'Get earn products',
		description: 'Get Flexible Saving or On-Chain products: APR, stake limits, precision', method: 'GET', path: '/v5/earn/product', docs: 'finance/earn/easy-onchain/product-info',
		fields: [CATEGORY, additional([text('Coin', 'coin', 'Coin, e.g. USDT')])], list: { listKey: 'list' },
	},
	{
		resource: 'earn', operation: 'stakeOrRedeem', name: 'Stake or Redeem', action: 'Stake or redeem an earn product',
		description: 'Stake into or redeem from a Flexible Saving or On-Chain product (never placed twice for one Order Link ID)', method: 'POST', path: '/v5/earn/place-order', docs: 'finance/earn/easy-onchain/create-order', write: true,
		fields: [
			CATEGORY,
			choice('Order Type', 'orderType', [['Stake', 'Stake'], ['Redeem', 'Redeem']], 'Stake', 'Stake moves funds into the product, Redeem moves them back (a redemption cannot be cancelled)', true),
			choice('Account Type', 'accountType', ACCOUNT_TYPES, 'FUND', 'Account to stake from or redeem to (On-Chain: FUND only)', true),
			coin(),
			decimal('Amount', 'amount', 'Amount to stake or redeem (within the product\'s limits and precision)', true, '100'),
			PRODUCT_ID(true),
			additional([
				text('Order Link ID', 'orderLinkId', 'Your ID for this order, up to 36 characters (generated when empty); reusing it within 30 minutes never places the order twice'),
				text('Redeem Position ID', 'redeemPositionId', 'Position to redeem (On-Chain non-LST products only)'),
				choice('To Account Type', 'toAccountType', ACCOUNT_TYPES, 'FUND', 'Where redeemed On-Chain funds go (LST products: FUND or UNIFIED)'),
				{ displayName: 'Interest Card', name: 'interestCard', type: 'json', default: '{}', description: 'Flexible Saving stake only: a coupon from Get Coupons, e.g. {"awardId": 1001, "specCode": "FS_APY_3PCT_30D"}' },
			]),
		],
		idempotency: EARN_IDEMPOTENCY,
		wireTypes: { interestCard: 'object' },
		run: stakeOrRedeem,
	},
	{
		resource: 'earn', operation: 'getPositions', name: 'Get Positions', action: 'Get staked positions',
		description: 'Get your staked positions (Flexible Saving also lists fully redeemed ones)', method: 'GET', path: '/v5/earn/position', docs: 'finance/earn/easy-onchain/position',
		fields: [CATEGORY, additional([PRODUCT_ID(false), text('Coin', 'coin', 'Coin, e.g. USDT')])], list: { listKey: 'list' },
	},
	{
		resource: 'earn', operation: 'getOrderHistory', name: 'Get Order History', action: 'Get stake and redeem orders',
		description: 'Get stake and redeem orders (last 7 days by default)', method: 'GET', path: '/v5/earn/order', docs: 'finance/earn/easy-onchain/order-history',
		fields: [CATEGORY, ...returnAllOrLimit(100), additional([text('Order ID', 'orderId', 'Order ID (On-Chain: Order ID or Order Link ID is required)'), text('Order Link ID', 'orderLinkId', 'Your order link ID'), PRODUCT_ID(false), ...EARN_TIME_RANGE])],
		list: { listKey: 'list', pageSize: 100 },
	},
	{
		resource: 'earn', operation: 'getYieldHistory', name: 'Get Yield History', action: 'Get yield history',
		description: 'Get distributed yields (last 7 days by default, up to 3 months back)', method: 'GET', path: '/v5/earn/yield', docs: 'finance/earn/easy-onchain/yield-history',
		fields: [CATEGORY, ...returnAllOrLimit(100), additional([text('Product ID', 'productId', 'Product ID (Flexible Saving only: Bybit refuses it for On-Chain)'), ...EARN_TIME_RANGE])],
		// the docs' field table names the rows `list`, their example `yield`: either is read
		list: { listKey: ['yield', 'list'], pageSize: 100 },
	},
	{
		resource: 'earn', operation: 'getHourlyYieldHistory', name: 'Get Hourly Yield History', action: 'Get hourly yield history',
		description: 'Get hourly yields of Flexible Saving (last 7 days by default)', method: 'GET', path: '/v5/earn/hourly-yield', docs: 'finance/earn/easy-onchain/hourly-yield',
		fields: [choice('Category', 'category', [['Flexible Saving', 'FlexibleSaving']], 'FlexibleSaving', 'Earn product category', true), ...returnAllOrLimit(100), additional([PRODUCT_ID(false), ...EARN_TIME_RANGE])],
		list: { listKey: 'list', pageSize: 100 },
	},
	{
		resource: 'earn', operation: 'getAprHistory', name: 'Get APR History', action: 'Get APR history',
		description: 'Get a product\'s daily APR (last 7 days by default, up to 6 months back)', method: 'GET', path: '/v5/earn/apr-history', docs: 'finance/earn/easy-onchain/apr-history',
		fields: [CATEGORY, PRODUCT_ID(true), additional(TIME_RANGE.map((f) => ({ ...f, description: `${String(f.description)}; at most 182 days apart` })))],
		list: { listKey: 'list' },
	},
	{
		resource: 'earn', operation: 'getCoupons', name: 'Get Coupons', action: 'Get interest coupons',
		description: 'Get your interest-rate coupons and reward cards', method: 'GET', path: '/v5/earn/coupons', docs: 'finance/earn/easy-onchain/coupons',
		fields: [choice('Category', 'category', [['Dual Assets', 'DualAssets'], ['Flexible Saving', 'FlexibleSaving']], 'FlexibleSaving', 'Product category', true)],
	},
	{
		resource: 'earn', operation: 'setAutoReinvest', name: 'Set Auto-Reinvest', action: 'Set auto reinvest of a position',
		description: 'Turn auto-reinvest of a fixed-term On-Chain position on or off', method: 'POST', path: '/v5/earn/position/modify', docs: 'finance/earn/easy-onchain/modify-position', write: true,
		fields: [
			PRODUCT_ID(true),
			text('Position ID', 'positionId', 'Position ID, from Get Positions', { required: true }),
			choice('Auto-Reinvest', 'autoReinvest', [['Off (0)', 0], ['On (1)', 1]], 1, 'Whether the position is re-staked at the end of its term', true),
		],
		fixed: { category: 'OnChain' },
		// documented as integers on this endpoint (product IDs are strings elsewhere)
		wireTypes: { productId: 'integer', positionId: 'integer', autoReinvest: 'integer' },
	},
];
