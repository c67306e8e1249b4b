/**
 * Sub-account reads (docs: user/subuid-list, page-subuid, fund-subuid-list,
 * list-sub-apikeys, wallet-type; asset/sub-uid-list). Every sandbox key is a
 * master key (query-api says isMaster: true), so "master key only" reduces
 * to the permissions the docs list.
 */
import { ApiError, paramError } from '../types';
import { limit, reqStr, str, type Params } from '../params';
import type { Exchange, KeyRecord } from '../state/exchange';
import { extrasOf, subMemberView, type SubMember } from '../state/extras';
import { pageArray } from '../util/paginate';
import { get, type Route } from './route';

export const DENIED = (): ApiError => new ApiError(10005, 'Permission denied, please check your API key permissions.');

/** Docs: 'The API key must have one of the below permissions: master API key: "Account Transfer", "Subaccount Transfer", "Withdrawal"'. */
export function needsTransferOrWithdraw(key: KeyRecord | undefined): void {
	const wallet = key?.permissions.Wallet ?? [];
	if (!['AccountTransfer', 'SubMemberTransfer', 'Withdraw'].some((p) => wallet.includes(p))) throw DENIED();
}

/** A sub-account of this master account (500010 otherwise, as Bybit answers). */
export function knownSub(ex: Exchange, uid: string): SubMember {
	const sub = extrasOf(ex).subs.find((s) => s.uid === uid);
	if (!sub) throw new ApiError(500010, 'The subaccount specified does not belong to the parent account');
	return sub;
}

/** Pages of `nextCursor` (an offset; "0" = no more) and `pageSize` (at most 100, documented as a string). */
function cursorPages(members: () => SubMember[]) {
	return ({ params: p, key }: { params: Params; key?: KeyRecord }) => {
		needsTransferOrWithdraw(key);
		const raw = str(p, 'pageSize');
		if (raw !== undefined && !/^\d+$/.test(raw)) throw paramError('params error: pageSize invalid');
		const size = raw === undefined ? 100 : Number(raw);
		if (size < 1 || size > 100) throw paramError('params error: pageSize invalid');
		const cur = str(p, 'nextCursor') ?? '0';
		if (!/^\d+$/.test(cur)) throw paramError('params error: nextCursor invalid');
		const all = members();
		const from = Number(cur);
		const end = Math.min(all.length, from + size);
		return { subMembers: all.slice(from, end).map(subMemberView), nextCursor: end < all.length ? String(end) : '0' };
	};
}

export function userExtraRoutes(ex: Exchange): Route[] {
	const x = () => extrasOf(ex);
	return [
		get('/v5/user/query-sub-members', 'private', ({ key }) => {
			needsTransferOrWithdraw(key);
			return { subMembers: x().subs.slice(0, 1000).map(subMemberView) };
		}, ''),
		get('/v5/user/submembers', 'private', cursorPages(() => x().subs), ''),
		get('/v5/user/escrow_sub_members', 'private', cursorPages(() => x().escrow), ''),
		get('/v5/user/sub-apikeys', 'private', ({ params: p }) => {
			const sub = knownSub(ex, reqStr(p, 'subMemberId'));
			const page = pageArray(x().subKeys.get(sub.uid) ?? [], limit(p, 20, 20), p.cursor);
			return { result: page.list, nextPageCursor: page.nextPageCursor };
		}, ''),
		get('/v5/user/get-member-type', 'private', ({ params: p }) => {
			const ids = (str(p, 'memberIds') ?? '').split(',').map((s) => s.trim()).filter(Boolean);
			if (ids.length > 200) throw paramError('params error: memberIds supports up to 200 UIDs');
			const accounts = [{ uid: String(ex.uid), accountType: ['UNIFIED', 'FUND'] }];
			for (const id of ids) {
				if (id === String(ex.uid)) continue;
				const sub = knownSub(ex, id);
				// classic sub-accounts would list SPOT/CONTRACT; the sandbox's are UTA2.0 (accountMode 5/6)
				accounts.push({ uid: sub.uid, accountType: ['UNIFIED', 'FUND'] });
			}
			return { accounts };
		}, ''),
		get('/v5/asset/transfer/query-sub-member-list', 'private', () => {
			const subs = x().subs.slice(0, 2000);
			return { subMemberIds: subs.map((s) => s.uid), transferableSubMemberIds: subs.filter((s) => s.transferable).map((s) => s.uid) };
		}, 'success'),
	];
}
