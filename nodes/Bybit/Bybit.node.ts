import {
	NodeConnectionTypes,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';

import { ACCESS_FIELDS } from './actions/access';
import { buildProperties } from './actions/engine';
import { ALL_SPECS } from './actions/index';
import { router } from './actions/router';
import { searchCoins, searchSymbols } from './methods/listSearch';
import { searchSubAccounts } from './methods/subAccounts';

export class Bybit implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Bybit',
		name: 'bybit',
		icon: { light: 'file:../../icons/bybit.svg', dark: 'file:../../icons/bybit.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{$parameter["operation"] + ": " + $parameter["resource"]}}',
		description: 'Read markets and trade on Bybit (V5 API): orders, positions, account, assets',
		defaults: { name: 'Bybit' },
		// Deliberate: AI agents may use this node, order-placing operations included. The credential's
		// safety limits (read-only mode, allowed symbols, max notional, withdrawals off) bound what they can do.
		usableAsTool: true,
		// for n8n's AI workflow builder: when to pick this node and what it works with
		builderHint: {
			searchHint:
				'Bybit crypto exchange (V5 API): market data and system status without an API key; orders, including a TradingView alert straight to an order (Order → Create From Signal); positions (close, flip, target size); account, assets, spot margin, convert, earn.',
			relatedNodes: [
				{ nodeType: 'n8n-nodes-base.webhook', relationHint: 'Receives TradingView alerts for Order → Create From Signal' },
				{ nodeType: 'n8n-nodes-bybit.bybitTrigger', relationHint: 'Starts a workflow on your fills, positions or a price move' },
			],
		},
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		// Market and Custom API Call can run without a credential (Authentication "None": public market data only)
		credentials: [{ name: 'bybitApi', required: true, displayOptions: { hide: { authentication: ['none'] } } }],
		properties: buildProperties(ALL_SPECS, ACCESS_FIELDS),
	};

	methods = { listSearch: { searchSymbols, searchCoins, searchSubAccounts } };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await router.call(this);
	}
}
