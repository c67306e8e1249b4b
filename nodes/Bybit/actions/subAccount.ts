import type { INodeProperties } from 'n8n-workflow';

import { listOrId } from './fields';

/**
 * A sub-account UID: picked from the master account's sub-accounts
 * (listSearch `searchSubAccounts`) or typed. Sent as Bybit's string UID.
 */
export function subAccount(name: string, required: boolean, displayName = 'Sub-Account UID'): INodeProperties {
	const validation = [{ type: 'regex' as const, properties: { regex: '^\\d+$', errorMessage: 'A UID is digits only' } }];
	return listOrId(name, required, displayName, 'searchSubAccounts', { label: 'By UID', placeholder: '592334', validation }, 'Sub-account UID (master key only)');
}
