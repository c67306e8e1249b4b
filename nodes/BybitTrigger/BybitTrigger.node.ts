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
import { marketStream } from './streams';

export class BybitTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Bybit Trigger',
		name: 'bybitTrigger',
		icon: { light: 'file:../../icons/bybit.svg', dark: 'file:../../icons/bybit.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle: '={{$parameter["source"] === "market" ? $parameter["marketEvent"] + ": " + $parameter["symbol"] : "account: " + $parameter["events"].join(", ")}}',
		description: 'Start workflows from Bybit\'s account and market WebSocket streams',
		defaults: { name: 'Bybit Trigger' },
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'bybitApi', required: true, displayOptions: { show: { source: ['account'] } } }],
		properties: triggerProperties,
	};

	async trigger(this: ITriggerFunctions): Promise<ITriggerResponse> {
		if (typeof WebSocket === 'undefined') {
			throw new NodeOperationError(
				this.getNode(),
				'Bybit Trigger needs the global WebSocket of Node.js 22 or newer; this n8n runs on an older Node.js. Run n8n 2.36+ (Node.js 24).',
			);
		}
		const source = this.getNodeParameter('source') as string;
		const options = this.getNodeParameter('options', {}) as IDataObject;
		const handle = source === 'market' ? await marketStream(this, options) : await accountStream(this, options);
		return { closeFunction: handle.close };
	}
}
