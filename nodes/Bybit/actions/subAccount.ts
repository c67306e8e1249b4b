import type { INodeProperties } from 'n8n-workflow';

/**
 * A sub-account UID: picked from the master account's sub-accounts
 * (listSearch `searchSubAccounts`) or typed. Sent as Bybit's string UID.
 */
export function subAccount(name: string, required: boolean, displayName = 'Sub-Account UID'): INodeProperties {
	return {
		displayName,
		name,
		type: 'resourceLocator',
		required,
		default: { mode: 'list', value: '' },
		description: 'Sub-account UID (master key only)',
		modes: [
			{ displayName: 'From List', name: 'list', type: 'list', typeOptions: { searchListMethod: 'searchSubAccounts', searchable: true } },
			{
				displayName: 'By UID',
				name: 'id',
				type: 'string',
				placeholder: '592334',
				validation: [{ type: 'regex', properties: { regex: '^\\d+$', errorMessage: 'A UID is digits only' } }],
			},
		],
	};
}
