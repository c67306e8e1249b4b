/** Conformance: sub-accounts and their API keys (reads only). */
import { rl } from '../../../harness/execute';
import type { CaseGroup } from './case';

export const userCases: CaseGroup = () => [
	{ op: 'user.getSubAccounts', min: 120 },
	{ op: 'user.getSubAccountsPaged', params: { returnAll: true }, wire: { pageSize: '100', nextCursor: '100' }, min: 120 },
	{ op: 'user.getSubAccountsPaged', params: { returnAll: false, limit: 5 }, wire: { pageSize: '5' }, absent: ['nextCursor'], min: 5 },
	{ op: 'user.getFundCustodialSubAccounts', params: { returnAll: true }, wire: { pageSize: '100' }, min: 2 },
	{ op: 'user.getSubAccountApiKeys', params: { subMemberId: rl('900001'), returnAll: true }, wire: { subMemberId: '900001', limit: '20' }, min: 3 },
	{ op: 'user.getSubAccountApiKeys', params: { subMemberId: rl('900001'), returnAll: false, limit: 2 }, wire: { limit: '2' }, min: 2 },
	{ op: 'user.getSubAccountApiKeys', params: { subMemberId: rl('') }, error: /"subMemberId" is required/ },
	{ op: 'user.getMemberType', params: { additionalFields: { memberIds: '900001,900002' } }, wire: { memberIds: '900001,900002' }, min: 3 },
	{ op: 'user.getMemberType', params: {}, absent: ['memberIds'], min: 1 },
	{ op: 'user.getSubAccountUids' },
];
