import type { IDataObject, ILoadOptionsFunctions, INodeListSearchResult } from 'n8n-workflow';

import { bybitApiRequest } from '../transport';

/**
 * The master account's sub-accounts (GET /v5/user/query-sub-members, up to
 * 1,000, master key only), filtered by UID, username or remark.
 */
export async function searchSubAccounts(this: ILoadOptionsFunctions, filter?: string): Promise<INodeListSearchResult> {
	const result = await bybitApiRequest.call(this, { method: 'GET', path: '/v5/user/query-sub-members' });
	const needle = (filter ?? '').trim().toLowerCase();
	const results = ((result.subMembers as IDataObject[] | undefined) ?? [])
		.map((m) => ({ uid: String(m.uid), label: [m.username, m.remark].filter(Boolean).join(', ') }))
		.filter((m) => !needle || m.uid.includes(needle) || m.label.toLowerCase().includes(needle))
		.map((m) => ({ name: m.label ? `${m.label} (${m.uid})` : m.uid, value: m.uid }));
	return { results };
}
