import {
	NodeConnectionTypes,
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';

import { bybitApiRequest, toNodeError } from './transport';

const OPERATIONS: Record<string, { path: string }> = {
	'market.getServerTime': { path: '/v5/market/time' },
	'user.getApiKeyInfo': { path: '/v5/user/query-api' },
};

export class Bybit implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Bybit',
		name: 'bybit',
		icon: { light: 'file:../../icons/bybit.svg', dark: 'file:../../icons/bybit.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{$parameter["operation"] + ": " + $parameter["resource"]}}',
		description: 'Trade and read market data on Bybit (V5 API)',
		defaults: { name: 'Bybit' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'bybitApi', required: true }],
		properties: [
			{
				displayName: 'Resource',
				name: 'resource',
				type: 'options',
				noDataExpression: true,
				options: [
					{ name: 'Market', value: 'market' },
					{ name: 'User', value: 'user' },
				],
				default: 'market',
			},
			{
				displayName: 'Operation',
				name: 'operation',
				type: 'options',
				noDataExpression: true,
				displayOptions: { show: { resource: ['market'] } },
				options: [{ name: 'Get Server Time', value: 'getServerTime', action: 'Get the server time' }],
				default: 'getServerTime',
			},
			{
				displayName: 'Operation',
				name: 'operation',
				type: 'options',
				noDataExpression: true,
				displayOptions: { show: { resource: ['user'] } },
				options: [{ name: 'Get API Key Info', value: 'getApiKeyInfo', action: 'Get API key info' }],
				default: 'getApiKeyInfo',
			},
		],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const items = this.getInputData();
		const out: INodeExecutionData[] = [];
		for (let i = 0; i < items.length; i++) {
			try {
				const resource = this.getNodeParameter('resource', i) as string;
				const operation = this.getNodeParameter('operation', i) as string;
				const op = OPERATIONS[`${resource}.${operation}`];
				const result = await bybitApiRequest.call(this, { method: 'GET', path: op.path, itemIndex: i });
				out.push({ json: result as IDataObject, pairedItem: { item: i } });
			} catch (error) {
				if (this.continueOnFail()) {
					out.push({ json: { error: (error as Error).message }, pairedItem: { item: i } });
					continue;
				}
				throw toNodeError(this.getNode(), error, i);
			}
		}
		return [out];
	}
}
