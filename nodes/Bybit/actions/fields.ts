/**
 * Shared parameter builders. Parameter names are Bybit's field names, so the
 * engine sends them as they are.
 */
import type { INodeProperties, INodePropertyMode, INodePropertyOptions } from 'n8n-workflow';

import { compareNames } from '../../../credentials/common/bybit/endpoints';
import { symbolLocator } from '../methods/symbolLocator';

export type Category = 'spot' | 'linear' | 'inverse' | 'option';

const CATEGORY_NAMES: Record<Category, string> = {
	inverse: 'Inverse (Coin-Margined Contracts)',
	linear: 'Linear (USDT/USDC Perpetuals and Futures)',
	option: 'Option',
	spot: 'Spot',
};

/** Quantities and prices: sent as exact decimal strings, never JavaScript numbers. */
export const DECIMAL_FIELDS = new Set([
	'qty', 'price', 'triggerPrice', 'takeProfit', 'stopLoss', 'tpLimitPrice', 'slLimitPrice', 'orderIv',
	'buyLeverage', 'sellLeverage', 'margin', 'amount', 'trailingStop', 'activePrice', 'tpSize', 'slSize',
	'slippageTolerance', 'target', 'quoteAmount', 'balancePercent', 'riskPercent', 'stopDistance',
]);

/**
 * Wire types of Bybit's non-string request fields (docs: "integer" /
 * "boolean"). The engine sends these as JSON numbers and booleans whatever
 * the parameter's UI type (options values are strings, expressions give
 * text). `object`: a JSON object (given as JSON text or an object);
 * `jsonText`: a JSON document sent as a string. A spec overrides a name
 * whose type differs on its endpoint (`OperationSpec.wireTypes`).
 */
export type WireType = 'integer' | 'boolean' | 'string' | 'object' | 'jsonText';
export const WIRE_TYPES: Readonly<Record<string, WireType>> = {
	positionIdx: 'integer', tradeMode: 'integer', mode: 'integer', autoAddMargin: 'integer', triggerDirection: 'integer',
	isLeverage: 'integer', timeWindow: 'integer', forceChain: 'integer', feeType: 'integer', withdrawType: 'integer',
	openOnly: 'integer', withBonus: 'integer', withTransferSafeAmount: 'integer', withLtvTransferSafeAmount: 'integer',
	limit: 'integer', startTime: 'integer', endTime: 'integer', start: 'integer', end: 'integer', timestamp: 'integer',
	reduceOnly: 'boolean', closeOnTrigger: 'boolean', mmp: 'boolean', rpiTakerAccess: 'boolean',
	beneficiary: 'object', questionnaire: 'jsonText',
	// documented as strings although their values look like numbers
	interval: 'string', bboLevel: 'string',
};

/** Millisecond time fields: 0 means "not set" in the UI and is never sent. */
export const TIME_FIELDS = new Set(['startTime', 'endTime', 'start', 'end']);

export function category(allowed: Category[], options: { required?: boolean; def?: Category } = {}): INodeProperties {
	// generated per operation, so the default is computed (the description test checks it is one of the options)
	return Object.assign(
		{ displayName: 'Category', name: 'category' },
		{
			type: 'options' as const,
			required: options.required ?? true,
			options: [...allowed].sort().map((value) => ({ name: CATEGORY_NAMES[value], value })),
			default: options.def ?? (allowed.includes('linear') ? 'linear' : allowed[0]),
			description: 'Product type',
			builderHint: { propertyHint: 'linear = USDT/USDC perpetuals and futures (TradingView tickers ending in .P), inverse = coin-margined contracts, spot = spot pairs, option = options' },
		},
	);
}

export function symbol(required = true, description = 'Trading pair, e.g. BTCUSDT'): INodeProperties {
	return symbolLocator({ searchListMethod: 'searchSymbols', description, required });
}

/** How the typed-in (`id`) mode of a `listOrId` field is shown and checked. */
export interface IdMode {
	label: string;
	placeholder: string;
	validation?: INodePropertyMode['validation'];
}

/** A value picked from a searchable list (listSearch `searchListMethod`) or typed in. */
export function listOrId(name: string, required: boolean, displayName: string, searchListMethod: string, id: IdMode, description?: string): INodeProperties {
	return {
		displayName,
		name,
		type: 'resourceLocator',
		required,
		default: { mode: 'list', value: '' },
		...(description === undefined ? {} : { description }),
		modes: [
			{ displayName: 'From List', name: 'list', type: 'list', typeOptions: { searchListMethod, searchable: true } },
			{ displayName: id.label, name: 'id', type: 'string', placeholder: id.placeholder, ...(id.validation ? { validation: id.validation } : {}) },
		],
	};
}

export function coin(name = 'coin', required = true, displayName = 'Coin'): INodeProperties {
	return listOrId(name, required, displayName, 'searchCoins', { label: 'By Coin', placeholder: 'USDT' });
}

export function text(displayName: string, name: string, description: string, extra: Partial<INodeProperties> = {}): INodeProperties {
	return { displayName, name, type: 'string', default: '', description, ...extra };
}

export function decimal(displayName: string, name: string, description: string, required = false, placeholder = ''): INodeProperties {
	return { displayName, name, type: 'string', default: '', required, placeholder, description };
}

export function choice(
	displayName: string,
	name: string,
	values: Array<[string, string | number]>,
	def: string | number,
	description: string,
	required = false,
): INodeProperties {
	const options: INodePropertyOptions[] = values.map(([n, value]) => ({ name: n, value })).sort((a, b) => compareNames(a.name, b.name));
	return { displayName, name, type: 'options', options, default: def, required, description };
}

export function flag(displayName: string, name: string, description: string): INodeProperties {
	return { displayName, name, type: 'boolean', default: false, description };
}

export function ms(displayName: string, name: string, description: string): INodeProperties {
	return { displayName, name, type: 'number', default: 0, description: `${description} (Unix time in milliseconds, 0 = not set)` };
}

/** An Additional Fields entry shown (and accepted) only for these categories. */
export function forCategories(categories: string[], field: INodeProperties): INodeProperties {
	return { ...field, displayOptions: { show: { '/category': categories } } };
}

export function additional(fields: INodeProperties[]): INodeProperties {
	return {
		displayName: 'Additional Fields',
		name: 'additionalFields',
		type: 'collection',
		placeholder: 'Add Field',
		default: {},
		options: [...fields].sort((a, b) => compareNames(a.displayName, b.displayName)),
	};
}

export const SIDE = choice('Side', 'side', [['Buy', 'Buy'], ['Sell', 'Sell']], 'Buy', 'Order side', true);

export const TRIGGER_BY: Array<[string, string]> = [
	['Index Price', 'IndexPrice'],
	['Last Price', 'LastPrice'],
	['Mark Price', 'MarkPrice'],
];

export const POSITION_IDX: INodeProperties = {
	...choice(
		'Position Index',
		'positionIdx',
		[
			['Auto (From the Symbol\'s Position Mode)', 'auto'],
			['One-Way Mode (0)', '0'],
			['Hedge Mode Buy Side (1)', '1'],
			['Hedge Mode Sell Side (2)', '2'],
		],
		'auto',
		'Position to act on. Auto reads the symbol\'s position mode and derives the index from side and reduce-only.',
	),
	builderHint: { propertyHint: 'Leave "auto": the node reads the account\'s position mode. A fixed 0/1/2 fails on an account in the other mode.' },
};

/** Return All / Limit, shared by every list operation. */
export function returnAllOrLimit(maxLimit: number): INodeProperties[] {
	void maxLimit; // documents the endpoint's page maximum at the call site
	return [
		{ displayName: 'Return All', name: 'returnAll', type: 'boolean', default: false, description: 'Whether to return all results or only up to a given limit' },
		{
			displayName: 'Limit',
			name: 'limit',
			type: 'number',
			typeOptions: { minValue: 1 },
			default: 50,
			description: 'Max number of results to return',
			displayOptions: { show: { returnAll: [false] } },
		},
	];
}

export const TIME_RANGE: INodeProperties[] = [
	ms('Start Time', 'startTime', 'Start of the time range'),
	ms('End Time', 'endTime', 'End of the time range'),
];
