import {
	NodeConnectionTypes,
	NodeOperationError,
	type IDataObject,
	type INodeType,
	type INodeTypeDescription,
	type ITriggerFunctions,
	type ITriggerResponse,
} from 'n8n-workflow';

import { triggerProperties } from './description';
import { accountStream } from './account';
import { checkCatchUpCanPersist } from './host';
import { searchPublicSymbols } from './listSearch';
import { marketStream } from './streams';

export class BybitTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Bybit Trigger',
		name: 'bybitTrigger',
		icon: { light: 'file:../../icons/bybit.svg', dark: 'file:../../icons/bybit.dark.svg' },
		group: ['trigger'],
		// 1.1: Symbol is a resource locator (1 saved it as text; such nodes keep the text field)
		version: [1, 1.1],
		defaultVersion: 1.1,
		subtitle:
			'={{$parameter["source"] === "market" ? $parameter["marketEvent"] + ": " + (["insurance", "adlAlert"].includes($parameter["marketEvent"]) ? $parameter["contractGroup"] : $parameter["marketEvent"] === "systemStatus" ? "Bybit" : typeof $parameter["symbol"] === "object" ? $parameter["symbol"].value : $parameter["symbol"]) : "account: " + $parameter["events"].join(", ")}}',
		description: 'Start workflows from Bybit\'s account and market WebSocket streams',
		defaults: { name: 'Bybit Trigger' },
		// for n8n's AI workflow builder: when to pick this trigger and what it works with
		builderHint: {
			searchHint:
				'Starts a workflow on Bybit events: your orders, fills, positions and wallet (Account, needs the Bybit credential), or market prices crossing a level, closed candles, large trades, liquidations and maintenance notices (Market, no credential).',
			relatedNodes: [{ nodeType: 'n8n-nodes-bybit.bybit', relationHint: 'Acts on the event: place or close orders, read balances and positions' }],
		},
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'bybitApi', required: true, displayOptions: { show: { source: ['account'] } } }],
		properties: triggerProperties,
	};

	methods = { listSearch: { searchSymbols: searchPublicSymbols } };

	async trigger(this: ITriggerFunctions): Promise<ITriggerResponse> {
		// Node.js 20 (allowed by n8n 1.x) has no global WebSocket: say so at activation, naming the fix,
		// instead of failing later inside the stream.
		if (typeof WebSocket === 'undefined') {
			throw new NodeOperationError(this.getNode(), 'Bybit Trigger needs Node.js 22 or newer: the Node.js running this n8n has no global WebSocket', {
				description:
					'Upgrade the Node.js that runs n8n to 22 or 24 (n8n 1.123.x supports both), or upgrade n8n to 2.x (2.36 and later require Node.js 24). On Node.js 20, starting n8n with NODE_OPTIONS=--experimental-websocket also provides it.',
			});
		}
		const source = this.getNodeParameter('source') as string;
		const options = this.getNodeParameter('options', {}) as IDataObject;
		checkCatchUpCanPersist(this, source, options);
		const handle = source === 'market' ? await marketStream(this, options) : await accountStream(this, options);
		return { closeFunction: handle.close };
	}
}
