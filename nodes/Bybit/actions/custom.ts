/**
 * Custom API Call: any documented V5 endpoint, as a spec whose method and path
 * are parameters. It goes through the same transport as every operation
 * (limiter, IP budget, clock re-sync, retCode errors, the credential's safety
 * limits in the transport and again in the signer; without a credential only
 * public market reads), so no request can take another way to Bybit.
 */
import { NodeOperationError, type IDataObject, type IExecuteFunctions, type INodeProperties } from 'n8n-workflow';

import { isWrite } from '../../../credentials/common/bybit/safety';
import { bybitApiRequestAllItems, bybitApiRequestEnvelope, type BybitRequest } from '../transport';
import { normaliseValue } from './engine';
import { returnAllOrLimit } from './fields';
import type { OperationSpec } from './types';

/** Why a Custom API Call path is refused (undefined: fine). The host comes from the credential or the node, never the path. */
export function customPathRefusal(path: string): string | undefined {
	const example = 'e.g. /v5/market/tickers';
	if (/^[a-z][a-z0-9+.-]*:/i.test(path) || path.startsWith('//') || /^[^/]*\.[a-z]{2,}(\/|$)/i.test(path)) {
		return `"Path" must be only the path, without a host (${example}): the host comes from the Environment of the credential or the node.`;
	}
	if (/[?#]/.test(path)) return '"Path" must not hold a query string: put the query parameters under Parameters.';
	if (!path.startsWith('/v5/')) return `"Path" must start with /v5/ (${example}).`;
	if (/(^|\/)\.\.?(\/|$)/.test(path) || /[%\\]/.test(path)) return '"Path" must not contain "..", "." segments, "%" escapes or "\\": give the endpoint\'s path as Bybit documents it.';
	if (!/^\/v5(\/[A-Za-z0-9_-]+)+$/.test(path)) return `"Path" may contain only letters, digits, "-", "_" and single "/" between parts (${example}).`;
	return undefined;
}

const NAME = /^[A-Za-z][A-Za-z0-9_]{0,63}$/;

function refuse(ctx: IExecuteFunctions, itemIndex: number, message: string): NodeOperationError {
	return new NodeOperationError(ctx.getNode(), message, { itemIndex });
}

/** Name/value pairs, each in Bybit's documented JSON type for known fields (integers, booleans, decimals as text). */
function fromPairs(ctx: IExecuteFunctions, itemIndex: number, collection: unknown): IDataObject {
	const pairs = ((collection as IDataObject | undefined)?.parameter ?? []) as Array<{ name?: unknown; value?: unknown }>;
	if (!Array.isArray(pairs)) throw refuse(ctx, itemIndex, '"Parameters" must be a list of name/value pairs.');
	const out: IDataObject = {};
	for (const { name, value } of pairs) {
		const key = String(name ?? '').trim();
		if (!NAME.test(key)) throw refuse(ctx, itemIndex, `Parameter name "${key.slice(0, 40)}" is not a Bybit field name (letters, digits and _, starting with a letter). Correct it under Parameters.`);
		if (key in out) throw refuse(ctx, itemIndex, `Parameter "${key}" is given twice. Remove one under Parameters.`);
		const v = normaliseValue(ctx, itemIndex, key, value);
		if (v !== undefined && v !== null && v !== '') out[key] = v as IDataObject[string];
	}
	return out;
}

/** A JSON object, sent exactly as given. */
function fromJson(ctx: IExecuteFunctions, itemIndex: number, json: unknown): IDataObject {
	let value = json;
	if (typeof json === 'string') {
		if (!json.trim()) return {};
		try {
			value = JSON.parse(json);
		} catch {
			throw refuse(ctx, itemIndex, '"JSON Parameters" is not valid JSON: give a JSON object such as {"category": "linear", "symbol": "BTCUSDT"}.');
		}
	}
	if (!value || typeof value !== 'object' || Array.isArray(value)) throw refuse(ctx, itemIndex, '"JSON Parameters" must be a JSON object such as {"category": "linear"}.');
	return value as IDataObject;
}

const GET_ONLY = { method: ['GET'] };

const FIELDS: INodeProperties[] = [
	{
		displayName: 'Method',
		name: 'method',
		type: 'options',
		options: [{ name: 'GET', value: 'GET' }, { name: 'POST', value: 'POST' }],
		default: 'GET',
		description: 'HTTP method of the endpoint, as Bybit documents it (GET parameters go in the query, POST parameters in the JSON body)',
	},
	{
		displayName: 'Path',
		name: 'path',
		type: 'string',
		required: true,
		default: '',
		placeholder: '/v5/market/tickers',
		description: 'Endpoint path from Bybit\'s V5 docs, starting with /v5/, without host or query',
	},
	{
		displayName: 'A POST can change your account (orders, transfers). The credential\'s safety limits apply as to every operation: Read-Only Mode, Allowed Symbols and Max Order Notional refuse what they cannot check. Test on testnet or demo trading first.',
		name: 'writeNotice',
		type: 'notice',
		default: '',
		displayOptions: { show: { method: ['POST'] } },
	},
	{
		displayName: 'Specify Parameters',
		name: 'specifyParameters',
		type: 'options',
		options: [{ name: 'Using Fields Below', value: 'keypair' }, { name: 'Using JSON', value: 'json' }],
		default: 'keypair',
		description: 'How to give the query (GET) or body (POST) parameters',
	},
	{
		displayName: 'Parameters',
		name: 'parameters',
		type: 'fixedCollection',
		typeOptions: { multipleValues: true },
		placeholder: 'Add Parameter',
		default: {},
		displayOptions: { show: { specifyParameters: ['keypair'] } },
		description: 'Bybit field names and values. Known fields are sent in Bybit\'s documented type (e.g. limit as a number, qty as text).',
		options: [
			{
				name: 'parameter',
				displayName: 'Parameter',
				values: [
					{ displayName: 'Name', name: 'name', type: 'string', default: '', placeholder: 'category' },
					{ displayName: 'Value', name: 'value', type: 'string', default: '', placeholder: 'linear' },
				],
			},
		],
	},
	{
		displayName: 'JSON Parameters',
		name: 'jsonParameters',
		type: 'json',
		default: '{}',
		displayOptions: { show: { specifyParameters: ['json'] } },
		description: 'A JSON object of Bybit field names and values, sent exactly as given',
	},
	{
		displayName: 'Paginate',
		name: 'paginate',
		type: 'boolean',
		default: false,
		displayOptions: { show: GET_ONLY },
		description: 'Whether to follow nextPageCursor and return one item per row of result.list',
	},
	...returnAllOrLimit(1000).map((f) => ({ ...f, displayOptions: { show: { ...GET_ONLY, paginate: [true], ...(f.displayOptions?.show ?? {}) } } })),
	{
		displayName: 'Simplify',
		name: 'simplify',
		type: 'boolean',
		default: true,
		displayOptions: { hide: { paginate: [true] } },
		description: 'Whether to return only Bybit\'s result instead of the whole response (retCode, retMsg, result, retExtInfo, time)',
	},
];

export const customSpecs: OperationSpec[] = [
	{
		resource: 'custom', operation: 'apiCall', builderHint: 'Only for a Bybit V5 endpoint no other operation covers: pick the dedicated operation when one exists (it validates fields and sends them in Bybit\'s types).', name: 'Custom API Call', action: 'Make a custom API call',
		description: 'Call any documented Bybit V5 endpoint', method: 'GET', path: '/v5/', docs: 'intro', fields: FIELDS, anyEndpoint: true,
		async run(i, params) {
			const method = params.method === 'POST' ? 'POST' : 'GET';
			const path = String(params.path ?? '').trim();
			const refusal = customPathRefusal(path);
			if (refusal) throw refuse(this, i, refusal);
			const fields = params.specifyParameters === 'json' ? fromJson(this, i, params.jsonParameters) : fromPairs(this, i, params.parameters);
			if (method === 'GET') {
				const nested = Object.keys(fields).find((k) => fields[k] !== null && typeof fields[k] === 'object');
				if (nested) throw refuse(this, i, `Query parameter "${nested}" is a list or object; a GET takes plain values. Give it as text, or use POST if the endpoint takes a JSON body.`);
			}
			const req: BybitRequest = { method, path, itemIndex: i, retrySafe: !isWrite(method, path) };
			if (method === 'GET') req.qs = fields;
			else req.body = fields;
			if (method === 'GET' && params.paginate === true) {
				const returnAll = this.getNodeParameter('returnAll', i, false) as boolean;
				const limit = returnAll ? undefined : (this.getNodeParameter('limit', i, 50) as number);
				return await bybitApiRequestAllItems.call(this, req, { listKey: 'list', limit });
			}
			const envelope = await bybitApiRequestEnvelope.call(this, req);
			if (this.getNodeParameter('simplify', i, true) === false) return envelope as IDataObject;
			const result = envelope.result as unknown;
			if (Array.isArray(result)) return result as IDataObject[];
			return result && typeof result === 'object' ? (result as IDataObject) : { result: result as IDataObject[string] };
		},
	},
];
