/**
 * Sub-accounts and their API keys (issue #14): reads only. Creating,
 * freezing or deleting sub-accounts and keys is deliberately not offered.
 */
import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { bybitApiRequest } from '../transport';
import { additional, returnAllOrLimit, text } from './fields';
import { subAccount } from './subAccount';
import type { OperationSpec } from './types';

/** Most sub-accounts per page of /v5/user/submembers and /escrow_sub_members. */
const SUB_PAGE = 100;

/**
 * Pages by `nextCursor` with `pageSize` (not Bybit's usual cursor/limit);
 * `"0"` (or nothing) means no more pages.
 */
async function subMemberPages(ctx: IExecuteFunctions, i: number, path: string): Promise<IDataObject[]> {
	const returnAll = ctx.getNodeParameter('returnAll', i, false) as boolean;
	const limit = returnAll ? Infinity : (ctx.getNodeParameter('limit', i, 50) as number);
	const rows: IDataObject[] = [];
	let cursor: string | undefined;
	for (let page = 0; page < 1000 && rows.length < limit; page++) {
		const qs: IDataObject = { pageSize: String(Math.min(SUB_PAGE, limit - rows.length)) };
		if (cursor) qs.nextCursor = cursor;
		const result = await bybitApiRequest.call(ctx, { method: 'GET', path, qs, itemIndex: i });
		const list = (result.subMembers as IDataObject[] | undefined) ?? [];
		rows.push(...list);
		const next = result.nextCursor === undefined || result.nextCursor === null ? '' : String(result.nextCursor);
		if (!next || next === '0' || list.length === 0 || next === cursor) break;
		cursor = next;
	}
	return returnAll ? rows : rows.slice(0, limit);
}

/** A sub-account list paged by `nextCursor` (see `subMemberPages`). */
function pagedSubMembers(operation: string, name: string, action: string, description: string, path: `/v5/${string}`, docs: string): OperationSpec {
	return {
		resource: 'user', operation, name, action, description, method: 'GET', path, docs,
		fields: [...returnAllOrLimit(SUB_PAGE)],
		wireTypes: { pageSize: 'string' },
		async run(i) {
			return await subMemberPages(this, i, path);
		},
	};
}

export const userExtraSpecs: OperationSpec[] = [
	{
		resource: 'user', operation: 'getSubAccounts', name: 'Get Sub-Accounts', action: 'Get sub accounts',
		description: 'Get up to 1,000 sub-accounts of the master account (master key with Account Transfer, Subaccount Transfer or Withdrawal)', method: 'GET', path: '/v5/user/query-sub-members', docs: 'user/subuid-list',
		fields: [], list: { listKey: 'subMembers' },
	},
	pagedSubMembers('getSubAccountsPaged', 'Get Sub-Accounts (Paged)', 'Get sub accounts page by page', 'Get every sub-account, 100 per request (for more than 1,000 sub-accounts; master key)', '/v5/user/submembers', 'user/page-subuid'),
	pagedSubMembers('getFundCustodialSubAccounts', 'Get Fund Custodial Sub-Accounts', 'Get fund custodial sub accounts', 'Get the fund custodial sub-accounts of an institutional master account (master key)', '/v5/user/escrow_sub_members', 'user/fund-subuid-list'),
	{
		resource: 'user', operation: 'getSubAccountApiKeys', name: 'Get Sub-Account API Keys', action: 'Get the API keys of a sub account',
		description: 'Get every API key of a sub-account: permissions, IPs, expiry (master key; secrets are never returned)', method: 'GET', path: '/v5/user/sub-apikeys', docs: 'user/list-sub-apikeys',
		fields: [subAccount('subMemberId', true), ...returnAllOrLimit(20)],
		list: { listKey: 'result', pageSize: 20 },
	},
	{
		resource: 'user', operation: 'getMemberType', name: 'Get Wallet Types', action: 'Get available wallet types',
		description: 'Get the wallet types (FUND, UNIFIED) of this account, or with the master key of up to 200 sub-accounts', method: 'GET', path: '/v5/user/get-member-type', docs: 'user/wallet-type',
		fields: [additional([text('Member IDs', 'memberIds', 'Comma-separated sub-account UIDs (master key; the master account comes first in the answer)')])],
		list: { listKey: 'accounts' },
	},
	{
		resource: 'user', operation: 'getSubAccountUids', name: 'Get Sub-Account UIDs', action: 'Get sub account UIDs',
		description: 'Get up to 2,000 sub-account UIDs and those with universal transfer enabled (master key)', method: 'GET', path: '/v5/asset/transfer/query-sub-member-list', docs: 'asset/sub-uid-list',
		fields: [],
	},
];
