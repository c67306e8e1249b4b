/**
 * The one engine: builds the node's UI from the operation specs and runs any
 * spec as a request (reading parameters by Bybit's field names, refusing bad
 * input before anything is sent, paginating list endpoints).
 */
import {
	NodeOperationError,
	type IDataObject,
	type IExecuteFunctions,
	type INodeProperties,
} from 'n8n-workflow';

import { bybitApiRequest, bybitApiRequestAllItems } from '../transport';
import { toDecimal } from '../transport/decimal';
import { isDecimalString } from '../trading/decimalMath';
import { writeOnce } from '../trading/writeOnce';
import { DECIMAL_FIELDS } from './fields';
import { resolvePositionIdx } from './positionIdx';
import type { OperationSpec, Resource } from './types';

const RESOURCE_NAMES: Record<Resource, string> = {
	account: 'Account',
	asset: 'Asset',
	market: 'Market',
	order: 'Order',
	position: 'Position',
	user: 'User',
};

const DOCS = 'https://bybit-exchange.github.io/docs/v5/';

/** The `resource` and per-resource `operation` parameters plus every spec's fields, scoped with displayOptions. */
export function buildProperties(specs: readonly OperationSpec[]): INodeProperties[] {
	const resources = [...new Set(specs.map((s) => s.resource))];
	const props: INodeProperties[] = [
		{
			displayName: 'Resource',
			name: 'resource',
			type: 'options',
			noDataExpression: true,
			options: resources.map((r) => ({ name: RESOURCE_NAMES[r], value: r })).sort((a, b) => a.name.localeCompare(b.name)),
			default: 'market',
		},
	];
	for (const resource of resources) {
		const ops = specs.filter((s) => s.resource === resource);
		// generated, so its default is computed (the description test checks it is one of the options)
		const operationParam = Object.assign(
			{ displayName: 'Operation', name: 'operation' },
			{
				type: 'options' as const,
				noDataExpression: true,
				displayOptions: { show: { resource: [resource] } },
				options: ops
					.map((s) => ({ name: s.name, value: s.operation, action: s.action, description: s.description }))
					.sort((a, b) => a.name.localeCompare(b.name)),
				default: ops[0].operation,
			},
		);
		props.push(operationParam);
	}
	for (const spec of specs) {
		const show = { resource: [spec.resource], operation: [spec.operation] };
		const scoped = (field: INodeProperties): INodeProperties => ({
			...field,
			displayOptions: { ...field.displayOptions, show: { ...show, ...(field.displayOptions?.show ?? {}) } },
		});
		if (spec.write) {
			props.push(
				scoped({
					displayName: `Writes to your Bybit account (${DOCS}${spec.docs}). With a mainnet credential this trades real funds: test on testnet or demo trading first.`,
					name: 'writeNotice',
					type: 'notice',
					default: '',
				}),
			);
		}
		props.push(...spec.fields.map(scoped));
	}
	return props;
}

function refuse(ctx: IExecuteFunctions, itemIndex: number, message: string): NodeOperationError {
	return new NodeOperationError(ctx.getNode(), message, { itemIndex });
}

/** Identifier fields: Bybit's character sets, checked here so a typo or an injected string never reaches the wire. */
const IDENTIFIERS: Record<string, { pattern: RegExp; upper: boolean; what: string }> = {
	symbol: { pattern: /^[A-Z0-9][A-Z0-9-]{1,59}$/, upper: true, what: 'a Bybit symbol such as BTCUSDT (letters, digits and -)' },
	orderLinkId: { pattern: /^[A-Za-z0-9_-]{1,36}$/, upper: false, what: 'at most 36 letters, digits, - and _' },
	coin: { pattern: /^[A-Z0-9]{1,20}$/, upper: true, what: 'a coin such as USDT' },
	baseCoin: { pattern: /^[A-Z0-9]{1,20}$/, upper: true, what: 'a coin such as BTC' },
	settleCoin: { pattern: /^[A-Z0-9]{1,20}$/, upper: true, what: 'a coin such as USDT' },
};

/** Normalises one value; throws (naming the field) on what Bybit would refuse or misread. */
export function normaliseValue(ctx: IExecuteFunctions, itemIndex: number, name: string, value: unknown): unknown {
	const id = IDENTIFIERS[name];
	if (id && value !== undefined && value !== null && value !== '') {
		if (typeof value !== 'string') throw refuse(ctx, itemIndex, `"${name}" must be text (${id.what}), got ${typeof value === 'object' ? 'an object' : typeof value}.`);
		const text = id.upper ? value.trim().toUpperCase() : value.trim();
		if (!id.pattern.test(text)) throw refuse(ctx, itemIndex, `"${name}" must be ${id.what}, got "${value.slice(0, 40)}".`);
		return text;
	}
	if (DECIMAL_FIELDS.has(name) && value !== undefined && value !== null && typeof value !== 'string' && typeof value !== 'number') {
		const got = Array.isArray(value) ? 'a list' : typeof value === 'object' ? 'an object' : typeof value;
		throw refuse(ctx, itemIndex, `"${name}" must be a decimal number such as 0.01, got ${got}. Check the expression that sets it.`);
	}
	if (typeof value === 'number') {
		if (!Number.isFinite(value)) throw refuse(ctx, itemIndex, `"${name}" is ${value}: it must be a finite number. Check the expression that sets it.`);
		return DECIMAL_FIELDS.has(name) ? toDecimal(value) : value;
	}
	if (typeof value === 'string' && DECIMAL_FIELDS.has(name)) {
		const trimmed = value.trim();
		if (trimmed && !isDecimalString(trimmed)) {
			throw refuse(ctx, itemIndex, `"${name}" must be a decimal number such as 0.01, got "${value.slice(0, 40)}".`);
		}
		return trimmed;
	}
	return value;
}

/** A value of an options field must be one of its options (an expression can produce anything). */
function checkChoice(ctx: IExecuteFunctions, itemIndex: number, field: INodeProperties, value: unknown): unknown {
	if (field.type !== 'options' || !Array.isArray(field.options) || field.typeOptions?.loadOptionsMethod) return value;
	if (value === undefined || value === null || (value === '' && field.required !== true)) return value;
	const options = field.options as Array<{ name: string; value: unknown }>;
	const match = options.find((o) => o.value === value || String(o.value) === String(value));
	if (match) return match.value;
	const allowed = options.map((o) => String(o.value)).join(', ');
	throw refuse(ctx, itemIndex, `"${field.name}" must be one of ${allowed}; got "${String(value).slice(0, 40)}".`);
}

function isEmpty(value: unknown): boolean {
	return value === undefined || value === null || value === '' || (typeof value === 'object' && !Array.isArray(value) && Object.keys(value as object).length === 0);
}

const CONTROL_FIELDS = new Set(['returnAll', 'limit', 'additionalFields', 'options', 'simplify', 'writeNotice', 'qtyType']);

/** Reads a spec's parameters into Bybit's request fields (additional fields flattened, empty values dropped). */
export function readParams(ctx: IExecuteFunctions, spec: OperationSpec, itemIndex: number): IDataObject {
	const params: IDataObject = { ...(spec.fixed ?? {}) };
	const take = (name: string, value: unknown, required: boolean) => {
		const v = normaliseValue(ctx, itemIndex, name, value);
		if (isEmpty(v)) {
			if (required) throw refuse(ctx, itemIndex, `"${name}" is required for ${spec.name} but is empty. Set it in the node or in the expression that feeds it.`);
			return;
		}
		if (typeof v === 'number' && v === 0 && ['startTime', 'endTime'].includes(name)) return;
		params[name] = v as IDataObject[string];
	};
	for (const field of spec.fields) {
		if (field.type === 'notice' || CONTROL_FIELDS.has(field.name)) continue;
		if (field.displayOptions?.show && !visible(ctx, field, itemIndex)) continue;
		const value = ctx.getNodeParameter(field.name, itemIndex, field.default, { extractValue: true });
		take(field.name, checkChoice(ctx, itemIndex, field, value), field.required === true);
	}
	const extraField = spec.fields.find((f) => f.name === 'additionalFields');
	const extra = extraField ? (ctx.getNodeParameter('additionalFields', itemIndex, {}) as IDataObject) : {};
	const extraDefs = new Map(((extraField?.options ?? []) as INodeProperties[]).map((f) => [f.name, f]));
	for (const [name, value] of Object.entries(extra)) {
		const plain = value && typeof value === 'object' && '__rl' in (value as IDataObject) ? (value as IDataObject).value : value;
		const def = extraDefs.get(name);
		if (def && !appliesTo(ctx, itemIndex, def, params.category, plain)) continue;
		take(name, def ? checkChoice(ctx, itemIndex, def, plain) : plain, false);
	}
	return params;
}

/**
 * An Additional Fields entry limited to some categories (kept after the user
 * switched Category, or set from an expression) is refused rather than
 * dropped: silently losing e.g. reduceOnly could open a position. A switch
 * left off (false) or an empty value means nothing and is not sent.
 */
function appliesTo(ctx: IExecuteFunctions, itemIndex: number, def: INodeProperties, category: unknown, value: unknown): boolean {
	const allowed = def.displayOptions?.show?.['/category'] as string[] | undefined;
	if (!allowed || category === undefined || allowed.includes(String(category))) return true;
	if (value === false || isEmpty(value)) return false;
	throw refuse(
		ctx,
		itemIndex,
		`"${def.name}" applies only to ${allowed.join(', ')} orders, not ${String(category)}. Remove ${def.displayName} from Additional Fields or change Category.`,
	);
}

/** Field-level displayOptions (beyond resource/operation) checked against current values. */
function visible(ctx: IExecuteFunctions, field: INodeProperties, itemIndex: number): boolean {
	for (const [dep, allowed] of Object.entries(field.displayOptions?.show ?? {})) {
		if (dep === 'resource' || dep === 'operation') continue;
		const current = ctx.getNodeParameter(dep, itemIndex, undefined) as unknown;
		if (!(allowed as unknown[]).includes(current)) return false;
	}
	return true;
}

/** Runs one spec for one item; returns one object, or the rows of a list. */
export async function executeSpec(this: IExecuteFunctions, spec: OperationSpec, itemIndex: number): Promise<IDataObject | IDataObject[]> {
	const params = readParams(this, spec, itemIndex);
	if (spec.run) return await spec.run.call(this, itemIndex, params);
	if ('positionIdx' in params) await resolvePositionIdx(this, params, itemIndex);
	if (spec.idempotency && spec.method === 'POST') return await writeOnce(this, spec.path, params, spec.idempotency, itemIndex);
	const req = { method: spec.method, path: spec.path, itemIndex, qs: spec.method === 'GET' ? params : undefined, body: spec.method === 'POST' ? params : undefined };
	if (!spec.list) return await bybitApiRequest.call(this, req);
	if (!spec.list.pageSize) {
		const result = await bybitApiRequest.call(this, req);
		const rows = (result[spec.list.listKey] as IDataObject[] | undefined) ?? [];
		const returnAll = this.getNodeParameter('returnAll', itemIndex, true) as boolean;
		return returnAll ? rows : rows.slice(0, this.getNodeParameter('limit', itemIndex, rows.length) as number);
	}
	const returnAll = this.getNodeParameter('returnAll', itemIndex, false) as boolean;
	const limit = returnAll ? undefined : (this.getNodeParameter('limit', itemIndex, 50) as number);
	return await bybitApiRequestAllItems.call(this, req, { listKey: spec.list.listKey, pageSize: spec.list.pageSize, limit });
}
