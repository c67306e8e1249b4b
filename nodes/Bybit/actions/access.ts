/**
 * The node's "Authentication" choice for Market and Custom API Call: the Bybit
 * credential (as every other resource), or none, for public market data, with
 * the host chosen here. Read by the transport (transport/access.ts).
 */
import type { INodeProperties } from 'n8n-workflow';

import { environmentOptions } from '../../../credentials/common/bybit/endpoints';
import { ACCESS_PARAMS, NO_CREDENTIAL, PUBLIC_RESOURCES } from '../transport/access';

const noCredential = { show: { resource: [...PUBLIC_RESOURCES], [ACCESS_PARAMS.authentication]: [NO_CREDENTIAL] } };

export const ACCESS_FIELDS: INodeProperties[] = [
	{
		displayName: 'Authentication',
		name: ACCESS_PARAMS.authentication,
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: [...PUBLIC_RESOURCES] } },
		options: [
			{ name: 'Bybit API Credential', value: 'bybitApi', description: 'Sign requests with your Bybit API key (its Environment and limits apply)' },
			{ name: 'None (Public Market Data)', value: NO_CREDENTIAL, description: 'No API key needed: only public market data (GET /v5/market/...), system status and announcements can be read' },
		],
		default: 'bybitApi',
	},
	{
		displayName: 'Environment',
		name: ACCESS_PARAMS.environment,
		type: 'options',
		displayOptions: noCredential,
		options: environmentOptions(),
		default: 'mainnet',
		description: 'Which Bybit to read public market data from (with a credential, its Environment is used)',
	},
	{
		displayName: 'Base URL',
		name: ACCESS_PARAMS.baseUrl,
		type: 'string',
		displayOptions: { show: { ...noCredential.show, [ACCESS_PARAMS.environment]: ['custom'] } },
		default: '',
		required: true,
		placeholder: 'http://127.0.0.1:8790',
		description: 'REST base URL of a Bybit-compatible server (sandbox or proxy), without a path',
	},
];
