/**
 * Runs the Bybit node's `execute` with a minimal IExecuteFunctions whose
 * HTTP helper is the real credential + axios (see http.ts): parameters are
 * read by name, per item, exactly as the engine asks n8n for them.
 */
import {
	NodeHelpers,
	NodeOperationError,
	type ICredentialDataDecryptedObject,
	type IDataObject,
	type IExecuteFunctions,
	type INode,
	type INodeExecutionData,
	type INodeParameters,
} from 'n8n-workflow';

import { Bybit } from '../../nodes/Bybit/Bybit.node';
import { makeHttpRequest, makeHttpRequestWithAuthentication, type SentRequest } from './http';

export type Params = Record<string, unknown> | ((itemIndex: number) => Record<string, unknown>);

export interface RunOptions {
	items?: IDataObject[];
	continueOnFail?: boolean;
	/**
	 * No credential set on the node: `getCredentials` throws what n8n 2.41 throws
	 * (n8n-core's _getCredentials: "Credentials not found" when the node's
	 * credential entry is hidden by its displayOptions, "Node does not have any
	 * credentials set" when it is required).
	 */
	noCredential?: boolean;
	/** Filled with every request sent (signed and unsigned), as it went out. */
	sent?: SentRequest[];
	/** Counts calls to `getCredentials`. */
	credentialReads?: { count: number };
	/** `getWorkflow().id`; default 'wf-harness'. */
	workflowId?: string;
}

/** What n8n throws from getCredentials when the node has no credential of this type. */
function noCredentialError(node: INode, type: string, parameters: INodeParameters): NodeOperationError {
	const description = new Bybit().description;
	const entry = description.credentials?.find((c) => c.name === type);
	if (!entry) return new NodeOperationError(node, `Node type "${node.type}" does not have any credentials of type "${type}" defined`);
	if (!NodeHelpers.displayParameter(parameters, entry, node, description, parameters)) return new NodeOperationError(node, 'Credentials not found');
	if (entry.required === true) return new NodeOperationError(node, 'Node does not have any credentials set', { level: 'warning' });
	return new NodeOperationError(node, 'Node does not require credentials');
}

function isLocator(value: unknown): value is { __rl: true; value: unknown } {
	return !!value && typeof value === 'object' && '__rl' in (value as object);
}

export function sandboxCredentials(restUrl: string, apiKey: string, secret: string, extra: IDataObject = {}): ICredentialDataDecryptedObject {
	return { environment: 'custom', baseUrl: restUrl, signatureMethod: 'hmac', apiKey, apiSecret: secret, recvWindow: 5000, ...extra };
}

export function executeContext(credentials: ICredentialDataDecryptedObject, params: Params, options: RunOptions = {}): IExecuteFunctions {
	const items: INodeExecutionData[] = (options.items ?? [{}]).map((json) => ({ json }));
	const node: INode = { id: 'n1', name: 'Bybit', type: 'n8n-nodes-bybit.bybit', typeVersion: 1, position: [0, 0], parameters: {} };
	const read = (i: number) => (typeof params === 'function' ? params(i) : params);
	const ctx = {
		getInputData: () => items,
		getNode: () => node,
		getWorkflow: () => ({ id: options.workflowId ?? 'wf-harness', name: 'harness', active: false }),
		getCredentials: async (type: string) => {
			if (options.credentialReads) options.credentialReads.count++;
			if (options.noCredential) throw noCredentialError(node, type, read(0) as INodeParameters);
			return credentials;
		},
		continueOnFail: () => options.continueOnFail === true,
		getNodeParameter(name: string, i: number, fallback?: unknown, opts?: { extractValue?: boolean }) {
			const all = read(i);
			const value = name in all ? all[name] : fallback;
			if (value === undefined) throw new Error(`Could not get parameter "${name}"`);
			return opts?.extractValue && isLocator(value) ? value.value : value;
		},
		helpers: {
			httpRequestWithAuthentication: makeHttpRequestWithAuthentication(credentials, options.sent),
			httpRequest: makeHttpRequest(options.sent),
			returnJsonArray: (data: IDataObject | IDataObject[]) => (Array.isArray(data) ? data : [data]).map((json) => ({ json })),
			constructExecutionMetaData: (data: INodeExecutionData[], meta: { itemData: { item: number } }) =>
				data.map((d) => ({ ...d, pairedItem: meta.itemData })),
		},
	};
	return ctx as unknown as IExecuteFunctions;
}

export async function runBybit(credentials: ICredentialDataDecryptedObject, params: Params, options: RunOptions = {}): Promise<INodeExecutionData[]> {
	const [out] = await new Bybit().execute.call(executeContext(credentials, params, options));
	return out;
}

export const rl = (value: string) => ({ __rl: true, mode: 'id', value });

/** The node's parameters for a 0.001 BTCUSDT linear limit buy (one-way mode) at `price`, with its `orderLinkId`. */
export const limitBuy = (price: number | string, orderLinkId: string): Record<string, unknown> => ({
	resource: 'order', operation: 'create', category: 'linear', symbol: 'BTCUSDT', side: 'Buy', orderType: 'Limit', qtyType: 'base', qty: '0.001',
	price: String(price), positionIdx: '0', orderLinkId, additionalFields: {}, options: {},
});
