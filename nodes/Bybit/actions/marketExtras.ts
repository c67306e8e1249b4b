/**
 * More public market data (issue #14): order price limits, ADL alerts, the
 * RPI order book, index components, fee groups, option delivery prices, and
 * two public endpoints outside /v5/market/: system status (maintenance) and
 * announcements. All run without a credential (Authentication "None").
 */
import type { IDataObject } from 'n8n-workflow';

import { bybitApiRequest, bybitApiRequestNumberedPages } from '../transport';
import { additional, category, choice, returnAllOrLimit, symbol, text } from './fields';
import type { OperationSpec } from './types';

const LOCALES = ['ar-SA', 'de-DE', 'en-US', 'es-AR', 'es-ES', 'es-MX', 'fil-PH', 'fr-FR', 'hi-IN', 'id-ID', 'ja-JP', 'kk-KZ', 'pt-BR', 'ru-RU', 'th-TH', 'tr-TR', 'uk-UA', 'vi-VN', 'zh-TW'];
const ANNOUNCEMENT_TYPES: Array<[string, string]> = [
	['Delistings', 'delistings'], ['Latest Activities', 'latest_activities'], ['Latest Bybit News', 'latest_bybit_news'], ['Maintenance Updates', 'maintenance_updates'],
	['New Fiat Listings', 'new_fiat_listings'], ['New Listings', 'new_crypto'], ['Other', 'other'], ['Product Updates', 'product_updates'],
];
const FEE_GROUPS: Array<[string, string]> = [
	['Major Coins (1)', '1'], ['High Growth (2)', '2'], ['Mid-Tier Liquidity (3)', '3'], ['Mid-Tier Activation (4)', '4'], ['Long Tail (5)', '5'],
	['Innovation Zone (6)', '6'], ['Pre-Listing (7)', '7'], ['USDC Contracts (8)', '8'], ['TradFi Perps (9)', '9'],
];
/** Announcements per page: Bybit's default (no maximum is documented), kept for every page so page numbers stay aligned. */
const ANNOUNCEMENT_PAGE = 20;

const STATUS_OUTPUT = choice(
	'Output',
	'output',
	[['One Item per Maintenance', 'rows'], ['Summary (One Item)', 'summary']],
	'summary',
	'Summary: one item with maintenanceOngoing (true while any maintenance or incident is ongoing), the ongoing and scheduled rows and the next scheduled start, even when there is none. Rows: Bybit\'s rows, one item each (none when there is no maintenance).',
);

/** One item to branch on: whether Bybit is in maintenance now, and what is scheduled next (docs: system-status, enum state). */
function statusSummary(rows: IDataObject[]): IDataObject {
	const ongoing = rows.filter((r) => r.state === 'ongoing');
	const scheduled = rows.filter((r) => r.state === 'scheduled').sort((a, b) => Number(a.begin) - Number(b.begin));
	return {
		maintenanceOngoing: ongoing.length > 0,
		ongoing,
		scheduled,
		nextScheduledBegin: scheduled.length ? String(scheduled[0].begin) : '',
		nextScheduledEnd: scheduled.length ? String(scheduled[0].end) : '',
	};
}

export const marketExtraSpecs: OperationSpec[] = [
	{
		resource: 'market', operation: 'getOrderPriceLimit', name: 'Get Order Price Limit', action: 'Get the order price limit',
		description: 'Get the highest buy and lowest sell price an order of a symbol may have now', method: 'GET', path: '/v5/market/price-limit', docs: 'market/order-price-limit',
		fields: [category(['inverse', 'linear', 'spot']), symbol()],
	},
	{
		resource: 'market', operation: 'getAdlAlert', name: 'Get ADL Alert', action: 'Get ADL alerts',
		description: 'Get auto-deleveraging alerts and insurance pool figures per contract (updated every minute)', method: 'GET', path: '/v5/market/adlAlert', docs: 'market/adl-alert',
		fields: [additional([text('Symbol', 'symbol', 'Contract, e.g. BTCUSDT (default: all)')])],
		async run(i, params) {
			const result = await bybitApiRequest.call(this, { method: 'GET', path: '/v5/market/adlAlert', qs: params, itemIndex: i });
			// the update time is per answer: kept on each row
			return ((result.list as IDataObject[] | undefined) ?? []).map((row) => ({ ...row, updatedTime: result.updatedTime ?? result.updateTime }));
		},
	},
	{
		resource: 'market', operation: 'getRpiOrderbook', name: 'Get RPI Orderbook', action: 'Get the RPI order book',
		description: 'Get order book depth with retail price improvement (RPI) sizes: [price, non-RPI size, RPI size] per level', method: 'GET', path: '/v5/market/rpi_orderbook', docs: 'market/rpi-orderbook',
		fields: [
			category(['inverse', 'linear', 'spot']),
			symbol(),
			{ displayName: 'Depth', name: 'limit', type: 'number', hint: 'Levels per side, 1 to 50', typeOptions: { minValue: 1, maxValue: 50 }, default: 50, required: true, description: 'Max number of results to return' },
		],
		async run(i, params) {
			const depth = this.getNodeParameter('limit', i, 50) as number;
			return await bybitApiRequest.call(this, { method: 'GET', path: '/v5/market/rpi_orderbook', qs: { ...params, limit: Math.max(1, Math.min(50, Math.trunc(depth))) }, itemIndex: i });
		},
	},
	{
		resource: 'market', operation: 'getIndexComponents', name: 'Get Index Price Components', action: 'Get index price components',
		description: 'Get the exchanges, pairs and weights an index price is built from', method: 'GET', path: '/v5/market/index-price-components', docs: 'market/index-components',
		fields: [text('Index Name', 'indexName', 'Index, e.g. BTCUSDT', { required: true, placeholder: 'BTCUSDT' })],
	},
	{
		resource: 'market', operation: 'getFeeGroupInfo', name: 'Get Fee Group Info', action: 'Get fee group info',
		description: 'Get the contract fee groups (Pro and market maker fee rates, symbols, weighting factor)', method: 'GET', path: '/v5/market/fee-group-info', docs: 'market/fee-group-info',
		fields: [choice('Product Type', 'productType', [['Contract', 'contract']], 'contract', 'Product type (contract only)', true), additional([choice('Group', 'groupId', FEE_GROUPS, '1', 'Only this fee group')])],
		list: { listKey: 'list' },
		// documented as a string ("1" to "9")
		wireTypes: { groupId: 'string' },
	},
	{
		resource: 'market', operation: 'getNewDeliveryPrice', name: 'Get Option Delivery Price History', action: 'Get historical option delivery prices',
		description: 'Get the latest 50 option delivery prices of a base coin, newest first', method: 'GET', path: '/v5/market/new-delivery-price', docs: 'market/new-delivery-price',
		fields: [text('Base Coin', 'baseCoin', 'Base coin, e.g. BTC', { required: true, placeholder: 'BTC' }), additional([text('Settle Coin', 'settleCoin', 'Settle coin (default USDT)')])],
		fixed: { category: 'option' },
		list: { listKey: 'list' },
	},
	{
		resource: 'market', operation: 'getSystemStatus', name: 'Get System Status', action: 'Get the system status',
		builderHint: 'Before trading on a schedule, check maintenance: the default output is one item with maintenanceOngoing (true/false) for an IF node. No credential needed.',
		description: 'Get platform maintenance and incidents (state scheduled, ongoing, completed or canceled), e.g. to pause a workflow during maintenance', method: 'GET', path: '/v5/system/status', docs: 'system-status',
		fields: [
			STATUS_OUTPUT,
			additional([
				text('ID', 'id', 'Only the maintenance with this ID'),
				choice('State', 'state', [['Canceled', 'canceled'], ['Completed', 'completed'], ['Ongoing', 'ongoing'], ['Scheduled', 'scheduled']], 'ongoing', 'Only maintenance in this state'),
			]),
		],
		async run(i, params) {
			const { output = 'summary', ...qs } = params;
			const result = await bybitApiRequest.call(this, { method: 'GET', path: '/v5/system/status', qs, itemIndex: i });
			const rows = (result.list as IDataObject[] | undefined) ?? [];
			return output === 'rows' ? rows : statusSummary(rows);
		},
	},
	{
		resource: 'market', operation: 'getAnnouncements', name: 'Get Announcements', action: 'Get announcements',
		description: 'Get Bybit\'s announcements (listings, delistings, maintenance, news), newest first', method: 'GET', path: '/v5/announcements/index', docs: 'announcement',
		fields: [
			choice('Locale', 'locale', LOCALES.map((l) => [l, l]), 'en-US', 'Language', true),
			...returnAllOrLimit(ANNOUNCEMENT_PAGE),
			additional([choice('Type', 'type', ANNOUNCEMENT_TYPES, 'new_crypto', 'Announcement type'), text('Tag', 'tag', 'Announcement tag, e.g. Spot, Derivatives, Delistings')]),
		],
		wireTypes: { page: 'integer' },
		async run(i, params) {
			const returnAll = this.getNodeParameter('returnAll', i, false) as boolean;
			const limit = returnAll ? undefined : (this.getNodeParameter('limit', i, 50) as number);
			const req = { method: 'GET' as const, path: '/v5/announcements/index' as const, qs: params, itemIndex: i };
			return await bybitApiRequestNumberedPages.call(this, req, { pageParam: 'page', pageSize: ANNOUNCEMENT_PAGE, limit, totalKey: 'total' });
		},
	},
];
