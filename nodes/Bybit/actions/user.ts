import type { OperationSpec } from './types';

export const userSpecs: OperationSpec[] = [
	{
		resource: 'user', operation: 'getApiKeyInfo', name: 'Get API Key Info', action: 'Get API key info',
		description: 'Get the permissions, IP whitelist and expiry of the credential\'s key', method: 'GET', path: '/v5/user/query-api', docs: 'user/apikey-info', fields: [],
	},
];
