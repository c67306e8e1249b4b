/**
 * Runs the Bybit node's `execute` with a minimal IExecuteFunctions whose
 * HTTP helper is the real credential + axios (see http.ts): parameters are
 * read by name, per item, exactly as the engine asks n8n for them.
 */
import type { ICredentialDataDecryptedObject, IDataObject, IExecuteFunctions, INode, INodeExecutionData } from 'n8n-workflow';

import { Bybit } from '../../nodes/Bybit/Bybit.node';
import { makeHttpRequestWithAuthentication } from './http';

export type Params = Record<string, unknown> | ((itemIndex: number) => Record<string, unknown>);

export interface RunOptions {
	items?: IDataObject[];
	continueOnFail?: boolean;
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
		getCredentials: async () => credentials,
		continueOnFail: () => options.continueOnFail === true,
		getNodeParameter(name: string, i: number, fallback?: unknown, opts?: { extractValue?: boolean }) {
			const all = read(i);
			const value = name in all ? all[name] : fallback;
			if (value === undefined) throw new Error(`Could not get parameter "${name}"`);
			return opts?.extractValue && isLocator(value) ? value.value : value;
		},
		helpers: {
			httpRequestWithAuthentication: makeHttpRequestWithAuthentication(credentials),
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
