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

import { writes } from '../trading/lazy';
import { compareNames } from '../../../credentials/common/bybit/endpoints';
import { symbolFromLocator } from '../methods/symbolLocator';
import { bybitApiRequest, bybitApiRequestAllItems, rowsOf } from '../transport';
import { TIME_FIELDS, WIRE_TYPES, type WireType } from './fields';
import { addRunNote } from './hints';
import { checkValue } from './inputs';
import { resolvePositionIdx } from './positionIdx';
import type { OperationSpec, Resource } from './types';

const RESOURCE_NAMES: Record<Resource, string> = {
	account: 'Account',
	asset: 'Asset',
	convert: 'Convert',
	custom: 'Custom API Call',
	earn: 'Earn',
	market: 'Market',
	order: 'Order',
	position: 'Position',
	spotMargin: 'Spot Margin',
	user: 'User',
};

const DOCS = 'https://bybit-exchange.github.io/docs/v5/';

/** The `resource` and per-resource `operation` parameters plus every spec's fields, scoped with displayOptions. */
export function buildProperties(specs: readonly OperationSpec[], common: readonly INodeProperties[] = []): INodeProperties[] {
	const resources = [...new Set(specs.map((s) => s.resource))];
	const props: INodeProperties[] = [
		{
			displayName: 'Resource',
			name: 'resource',
			type: 'options',
			noDataExpression: true,
			// sorted by name, Custom API Call last: n8n 2.41 appends its own "Custom API Call" entry to a node whose
			// credential signs requests unless the last option already has that name (load-nodes-and-credentials.ts)
			options: resources
				.map((r) => ({ name: RESOURCE_NAMES[r], value: r }))
				.sort((a, b) => Number(a.value === 'custom') - Number(b.value === 'custom') || compareNames(a.name, b.name)),
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
					.map((s) => ({ name: s.name, value: s.operation, action: s.action, description: s.description, ...(s.builderHint ? { builderHint: { propertyHint: s.builderHint } } : {}) }))
					.sort((a, b) => compareNames(a.name, b.name)),
				default: ops[0].operation,
			},
		);
		props.push(operationParam);
	}
	// node-wide fields (Authentication, Environment), after Resource and Operation
	props.push(...common);
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

/** Option values of a field that are not numbers (e.g. positionIdx `auto`, resolved later): kept as they are. */
function symbolicValues(field: INodeProperties | undefined): unknown[] {
	return ((field?.options ?? []) as Array<{ value?: unknown }>).map((o) => o.value).filter((v) => typeof v === 'string' && !/^-?\d+$/.test(v));
}

/**
 * A value in the JSON type Bybit documents for the field: integers as
 * numbers (from options values or expressions that give text), booleans as
 * true/false. Anything else is refused, naming the field.
 */
export function toWireType(ctx: IExecuteFunctions, itemIndex: number, name: string, value: unknown, type: WireType | undefined, field?: INodeProperties): unknown {
	if (!type || type === 'string' || value === undefined || value === null || value === '') {
		return type === 'string' && typeof value === 'number' ? String(value) : value;
	}
	if (symbolicValues(field).includes(value)) return value;
	if (type === 'object' || type === 'jsonText') {
		let parsed: unknown = value;
		if (typeof value === 'string') {
			try {
				parsed = JSON.parse(value);
			} catch {
				throw refuse(ctx, itemIndex, `"${name}" is not valid JSON: give a JSON object such as {"key": "value"}.`);
			}
		}
		if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw refuse(ctx, itemIndex, `"${name}" must be a JSON object such as {"key": "value"}.`);
		return type === 'object' ? parsed : JSON.stringify(parsed);
	}
	if (type === 'integer') {
		const n = typeof value === 'number' ? value : typeof value === 'string' && /^\s*-?\d+\s*$/.test(value) ? Number(value) : Number.NaN;
		if (!Number.isSafeInteger(n)) throw refuse(ctx, itemIndex, `"${name}" must be a whole number, got ${JSON.stringify(value)?.slice(0, 40)}. Check the expression that sets it.`);
		return n;
	}
	if (value === true || value === 'true') return true;
	if (value === false || value === 'false') return false;
	throw refuse(ctx, itemIndex, `"${name}" must be true or false, got ${JSON.stringify(value)?.slice(0, 40)}. Check the expression that sets it.`);
}

/** Normalises one value; throws (naming the field) on what Bybit would refuse or misread. */
export function normaliseValue(ctx: IExecuteFunctions, itemIndex: number, name: string, value: unknown, type: WireType | undefined = WIRE_TYPES[name], field?: INodeProperties): unknown {
	if (type) return toWireType(ctx, itemIndex, name, value, type, field);
	try {
		return checkValue(name, value);
	} catch (error) {
		throw refuse(ctx, itemIndex, (error as Error).message);
	}
}

/** A value of an options field must be one of its options (an expression can produce anything). */
function checkChoice(ctx: IExecuteFunctions, itemIndex: number, field: INodeProperties, value: unknown): unknown {
	if (field.type !== 'options' || !Array.isArray(field.options) || field.typeOptions?.loadOptionsMethod) return value;
	if (value === undefined || value === null || (value === '' && field.required !== true)) return value;
	const options = field.options as Array<{ name: string; value: unknown }>;
	const match = options.find((o) => o.value === value || String(o.value) === String(value));
	if (match) return match.value;
	const allowed = options.map((o) => String(o.value)).join(', ');
	const when = Object.entries(field.displayOptions?.show ?? {})
		.filter(([dep]) => dep !== 'resource' && dep !== 'operation')
		.map(([dep, values]) => ` when ${dep.replace(/^\//, '')} is ${(values as unknown[]).map(String).join(' or ')}`)
		.join(' and');
	const got = value !== null && typeof value === 'object' ? (Array.isArray(value) ? 'a list' : 'an object') : `"${String(value).slice(0, 40)}"`;
	throw refuse(ctx, itemIndex, `"${field.name}" must be one of ${allowed}${when}; got ${got}. Choose one of these${when ? ', or change the setting it depends on' : ''}.`);
}

function isEmpty(value: unknown): boolean {
	return value === undefined || value === null || value === '' || (typeof value === 'object' && !Array.isArray(value) && Object.keys(value as object).length === 0);
}

const CONTROL_FIELDS = new Set(['returnAll', 'limit', 'additionalFields', 'options', 'simplify', 'writeNotice', 'qtyType']);

/** Reads a spec's parameters into Bybit's request fields (additional fields flattened, empty values dropped). */
export function readParams(ctx: IExecuteFunctions, spec: OperationSpec, itemIndex: number): IDataObject {
	const params: IDataObject = { ...(spec.fixed ?? {}) };
	const take = (name: string, value: unknown, required: boolean, field?: INodeProperties) => {
		const v = normaliseValue(ctx, itemIndex, name, value, spec.wireTypes?.[name] ?? WIRE_TYPES[name], field);
		if (isEmpty(v)) {
			if (required) throw refuse(ctx, itemIndex, `"${name}" is required for ${spec.name} but is empty. Set it in the node or in the expression that feeds it.`);
			return;
		}
		if (v === 0 && TIME_FIELDS.has(name)) return;
		params[name] = v as IDataObject[string];
	};
	for (const field of spec.fields) {
		if (field.type === 'notice' || CONTROL_FIELDS.has(field.name)) continue;
		if (field.displayOptions?.show && !visible(ctx, field, itemIndex)) continue;
		let value: unknown = ctx.getNodeParameter(field.name, itemIndex, field.default, { extractValue: true });
		// a trading page's address: n8n extracted the symbol part, which names the API symbol in the page's form
		if (field.type === 'resourceLocator') value = symbolFromLocator(ctx.getNodeParameter(field.name, itemIndex, field.default), value);
		take(field.name, checkChoice(ctx, itemIndex, field, value), field.required === true, field);
	}
	const extraField = spec.fields.find((f) => f.name === 'additionalFields');
	const extra = extraField ? (ctx.getNodeParameter('additionalFields', itemIndex, {}) as IDataObject) : {};
	if (!extra || typeof extra !== 'object' || Array.isArray(extra)) throw refuse(ctx, itemIndex, '"additionalFields" must be an object of field names and values.');
	const extraDefs = new Map(((extraField?.options ?? []) as INodeProperties[]).map((f) => [f.name, f]));
	for (const [name, value] of Object.entries(extra)) {
		const plain = value && typeof value === 'object' && '__rl' in (value as IDataObject) ? (value as IDataObject).value : value;
		const def = extraDefs.get(name);
		if (!def && extraField) {
			const known = [...extraDefs.keys()].join(', ');
			throw refuse(ctx, itemIndex, `"${name.slice(0, 40)}" is not one of ${spec.name}'s Additional Fields. Remove it or correct its name (fields: ${known}).`);
		}
		if (def && !appliesTo(ctx, itemIndex, def, params.category, plain)) continue;
		take(name, def ? checkChoice(ctx, itemIndex, def, plain) : plain, false, def);
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
	if (spec.idempotency && spec.method === 'POST') return await writes.writeOnce(this, spec.path, params, spec.idempotency, itemIndex);
	const req = { method: spec.method, path: spec.path, itemIndex, qs: spec.method === 'GET' ? params : undefined, body: spec.method === 'POST' ? params : undefined };
	if (!spec.list) return await bybitApiRequest.call(this, req);
	if (!spec.list.pageSize && !spec.list.cursor) {
		const returnAll = this.getNodeParameter('returnAll', itemIndex, true) as boolean;
		const wanted = returnAll ? undefined : (this.getNodeParameter('limit', itemIndex, 50) as number);
		const max = spec.list.maxLimit && (spec.list.maxLimit[String(params.category)] ?? spec.list.maxLimit['*']);
		if (max) req.qs = { ...params, limit: wanted === undefined ? max : Math.min(wanted, max) };
		const result = await bybitApiRequest.call(this, req);
		const rows = rowsOf(result, spec.list.listKey);
		// Return All asked for the endpoint's maximum: a full answer may not be all there is
		if (wanted === undefined && max && rows.length >= max) addRunNote(this, { kind: 'returnAllCapped', itemIndex, operation: spec.name, max, unit: 'rows', narrow: narrowing(spec) });
		return wanted === undefined ? rows : rows.slice(0, wanted);
	}
	const returnAll = this.getNodeParameter('returnAll', itemIndex, false) as boolean;
	const limit = returnAll ? undefined : (this.getNodeParameter('limit', itemIndex, 50) as number);
	const onCapped = (max: number) => addRunNote(this, { kind: 'returnAllCapped', itemIndex, operation: spec.name, max, unit: 'pages', narrow: narrowing(spec) });
	return await bybitApiRequestAllItems.call(this, req, { listKey: spec.list.listKey, pageSize: spec.list.pageSize, limit, onCapped });
}

/** How to get the rest of a capped list: a time window where the operation has one. */
function narrowing(spec: OperationSpec): string {
	const names = spec.fields.flatMap((f) => [f.name, ...((f.options ?? []) as Array<{ name?: string }>).map((o) => o.name)]);
	return names.includes('endTime') || names.includes('end')
		? 'Narrow Start Time / End Time (or page back with End Time set to the oldest row\'s time) and run again for the rest.'
		: 'Narrow the request with its filters to see the rest.';
}
