/** Asset endpoints: coin info, balances, transfers, deposits, withdrawals. */
import { ApiError, paramError } from '../types';
import { dec, int, limit, missing, oneOf, reqStr, str, window, type Params } from '../params';
import type { Exchange } from '../state/exchange';
import { COINS, depositAddress, depositView, transferView, withdrawalView, type Transfer } from '../state/assets';
import type { AccountType } from '../state/records';
import { pageLog, type Verdict } from '../util/paginate';
import { toPlain, trimmed } from '../util/num';
import { get, post, type Route } from './route';

const OK = 'success';
/**
 * Every account type Bybit has documented (enum accountType): UNIFIED and
 * FUND today; CONTRACT, SPOT (UTA1.0 / classic, removed from the enum
 * 2025-11-19), OPTION and INVESTMENT (older). The sandbox account is a
 * UTA2.0 one: the legacy wallets exist and are empty, and money cannot move
 * into or out of them.
 */
const TYPES: readonly string[] = ['UNIFIED', 'CONTRACT', 'SPOT', 'OPTION', 'INVESTMENT', 'FUND'];
const LIVE: readonly string[] = ['UNIFIED', 'FUND'];

function anyAccountType(p: Params, name: string): string {
	const v = reqStr(p, name);
	if (!TYPES.includes(v)) throw paramError(`params error: ${name} invalid`);
	return v;
}

/** An account type that holds money in a UTA2.0 account (transfers, withdrawals). */
function accountType(p: Params, name: string): AccountType {
	const v = anyAccountType(p, name);
	if (!LIVE.includes(v)) throw new ApiError(131207, 'Account not exist');
	return v as AccountType;
}

/** A flag documented as integer 0/1. */
function flag01(p: Params, name: string): boolean {
	const v = int(p, name) ?? 0;
	if (v !== 0 && v !== 1) throw paramError(`params error: ${name} invalid`);
	return v === 1;
}

function coinParam(p: Params): string {
	const coin = reqStr(p, 'coin');
	if (!COINS.some((c) => c.coin === coin)) throw paramError('params error: coin invalid');
	return coin;
}

function amountParam(p: Params): number {
	const amount = dec(p, 'amount');
	if (amount === undefined) throw missing('amount');
	if (!(amount > 0)) throw paramError('params error: amount invalid');
	return amount;
}

/** What can leave an account: wallet minus locked funds, and for UNIFIED never more than the free margin. */
function transferable(ex: Exchange, type: AccountType, coin: string): number {
	const b = ex.wallets.balance(type, coin);
	let free = b.walletBalance - b.locked;
	if (type === 'UNIFIED') free = Math.min(free, Math.max(0, ex.summary().totalAvailable) / (ex.usdPrice(coin) || 1));
	return Math.max(0, free);
}

function move(ex: Exchange, from: AccountType, to: AccountType, coin: string, amount: number, id: string): void {
	ex.tx(() => {
		ex.wallets.add(from, coin, -amount);
		ex.wallets.add(to, coin, amount);
		for (const [type, sign] of [[from, -1], [to, 1]] as const) {
			if (type !== 'UNIFIED') continue;
			ex.txLog.add({
				seq: ex.txLog.allocate(), id: `${ex.uid}_${coin}_${ex.txLog.size + 1}`, symbol: coin, category: '', side: 'None',
				transactionTime: ex.now(), type: sign > 0 ? 'TRANSFER_IN' : 'TRANSFER_OUT', transSubType: '', qty: toPlain(amount), size: '',
				currency: coin, tradePrice: '', funding: '', fee: 0, cashFlow: sign * amount, change: sign * amount,
				cashBalance: ex.wallets.balance('UNIFIED', coin).walletBalance, feeRate: '', tradeId: id, orderId: '', orderLinkId: '',
			});
		}
		if (from === 'UNIFIED' || to === 'UNIFIED') ex.touchWallet();
	});
}

function transferList(ex: Exchange, universal: boolean) {
	return ({ params: p, now }: { params: Params; now: number }) => {
		const transferId = str(p, 'transferId');
		const coin = str(p, 'coin');
		const status = oneOf(p, 'status', ['SUCCESS', 'PENDING', 'FAILED'] as const);
		const w = window(p, now);
		const log = universal ? ex.assets.universal : ex.assets.inter;
		const page = pageLog(log, limit(p, 20, 50), p.cursor, (t: Transfer): Verdict => {
			if (!transferId && t.timestamp < w.start) return 'stop';
			if ((transferId && t.transferId !== transferId) || (coin && t.coin !== coin) || (status && t.status !== status)) return 'skip';
			return transferId || t.timestamp <= w.end ? 'keep' : 'skip';
		});
		return { list: page.list.map((t) => transferView(t, universal)), nextPageCursor: page.nextPageCursor };
	};
}

/** Travel-rule fields as documented: beneficiary an object, transactionPurpose >= 20 characters, questionnaire a JSON string <= 16384 bytes. */
function travelRule(p: Params): void {
	const b = p.beneficiary;
	if (b !== undefined && (b === null || typeof b !== 'object' || Array.isArray(b))) throw paramError('params error: beneficiary invalid');
	const purpose = str(p, 'transactionPurpose');
	if (purpose !== undefined && purpose.length < 20) throw paramError('params error: transactionPurpose needs at least 20 characters');
	const q = p.questionnaire;
	if (q === undefined || q === '') return;
	if (typeof q !== 'string' || Buffer.byteLength(q) > 16_384) throw paramError('params error: questionnaire invalid');
	try {
		const parsed: unknown = JSON.parse(q);
		if (!parsed || typeof parsed !== 'object') throw new Error('not an object');
	} catch {
		throw paramError('params error: questionnaire invalid');
	}
}

function transferIdParam(ex: Exchange, p: Params): string {
	const id = reqStr(p, 'transferId');
	if (id.length > 64) throw paramError('params error: transferId invalid');
	if (ex.assets.transferIds.has(id)) throw new ApiError(131214, 'TransferId exist');
	return id;
}

export function assetRoutes(ex: Exchange): Route[] {
	return [
		get('/v5/asset/coin/query-info', 'private', ({ params: p }) => {
			const coin = str(p, 'coin');
			const rows = COINS.filter((c) => !coin || c.coin === coin).map((c) => ({
				name: c.name, coin: c.coin, remainAmount: '1000000',
				chains: c.chains.map((ch) => ({
					chainType: ch.chainType, confirmation: ch.confirmation, withdrawFee: ch.withdrawFee, depositMin: ch.depositMin,
					withdrawMin: ch.withdrawMin, chain: ch.chain, chainDeposit: '1', chainWithdraw: '1', minAccuracy: ch.minAccuracy,
					withdrawPercentageFee: '0', contractAddress: ch.contractAddress, safeConfirmNumber: ch.confirmation, withdrawMax: '-1',
				})),
			}));
			return { rows };
		}, OK),
		get('/v5/asset/transfer/query-account-coins-balance', 'private', ({ params: p }) => {
			const anyType = anyAccountType(p, 'accountType');
			const withBonus = flag01(p, 'withBonus');
			if (!LIVE.includes(anyType)) return { memberId: str(p, 'memberId') ?? String(ex.uid), accountType: anyType, balance: [] };
			const type = anyType as AccountType;
			const memberId = str(p, 'memberId') ?? String(ex.uid);
			const coins = str(p, 'coin')?.split(',').filter(Boolean);
			if (type === 'UNIFIED' && !coins) throw missing('coin');
			if (coins && coins.length > 10) throw paramError('params error: at most 10 coins');
			const wallets = memberId === String(ex.uid) ? ex.wallets : ex.assets.member(memberId);
			const names = coins ?? wallets.coins(type).filter((b) => b.walletBalance !== 0).map((b) => b.coin);
			const balance = names.map((c) => {
				const b = wallets.balance(type, c);
				const tb = wallets === ex.wallets ? transferable(ex, type, c) : b.walletBalance;
				return { coin: c, walletBalance: trimmed(b.walletBalance, 8), transferBalance: trimmed(tb, 8), bonus: withBonus ? '0' : '' };
			});
			return { memberId, accountType: type, balance };
		}, OK),
		get('/v5/asset/transfer/query-account-coin-balance', 'private', ({ params: p }) => {
			const anyType = anyAccountType(p, 'accountType');
			const coin = coinParam(p);
			const memberId = str(p, 'memberId') ?? String(ex.uid);
			const toType = p.toAccountType === undefined || p.toAccountType === '' ? undefined : anyAccountType(p, 'toAccountType');
			const toMemberId = str(p, 'toMemberId');
			if (toMemberId !== undefined && !/^\d+$/.test(toMemberId)) throw paramError('params error: toMemberId invalid');
			const withBonus = flag01(p, 'withBonus');
			const withSafe = flag01(p, 'withTransferSafeAmount');
			const withLtv = flag01(p, 'withLtvTransferSafeAmount');
			// docs: toAccountType is mandatory with withLtvTransferSafeAmount
			if (withLtv && !toType) throw paramError('Missing some parameters that must be filled in, toAccountType');
			const wallets = memberId === String(ex.uid) ? ex.wallets : ex.assets.member(memberId);
			const live = LIVE.includes(anyType);
			const b = live ? wallets.balance(anyType as AccountType, coin) : { walletBalance: 0, locked: 0 };
			// nothing moves to or from a legacy wallet, nor between two wallets of one type
			const tb = !live || (toType && (!LIVE.includes(toType) || (toType === anyType && !toMemberId))) ? 0 : wallets === ex.wallets ? transferable(ex, anyType as AccountType, coin) : b.walletBalance;
			return {
				accountType: anyType, bizType: 1, accountId: String(ex.uid + 12), memberId,
				balance: {
					coin, walletBalance: trimmed(b.walletBalance, 8), transferBalance: trimmed(tb, 8), bonus: withBonus ? '0' : '',
					transferSafeAmount: withSafe ? trimmed(tb, 8) : '',
					ltvTransferSafeAmount: withLtv ? trimmed(tb, 8) : '',
				},
			};
		}, OK),
		get('/v5/asset/transfer/query-transfer-coin-list', 'private', ({ params: p }) => {
			const from = anyAccountType(p, 'fromAccountType');
			const to = anyAccountType(p, 'toAccountType');
			return { list: LIVE.includes(from) && LIVE.includes(to) && from !== to ? COINS.map((c) => c.coin) : [] };
		}, OK),
		post('/v5/asset/transfer/inter-transfer', ({ params: p }) => {
			const transferId = transferIdParam(ex, p);
			const coin = coinParam(p);
			const amount = amountParam(p);
			const from = accountType(p, 'fromAccountType');
			const to = accountType(p, 'toAccountType');
			if (from === to) throw new ApiError(131211, "fromAccountType can't be the same as toAccountType");
			if (amount > transferable(ex, from, coin) + 1e-12) throw new ApiError(131212, 'Insufficient balance');
			move(ex, from, to, coin, amount, transferId);
			ex.assets.transferIds.add(transferId);
			ex.assets.inter.add({
				seq: ex.assets.inter.allocate(), transferId, coin, amount: str(p, 'amount')!, fromAccountType: from, toAccountType: to,
				fromMemberId: String(ex.uid), toMemberId: String(ex.uid), timestamp: ex.now(), status: ex.assets.transferStatus,
			});
			return { transferId, status: ex.assets.transferStatus };
		}, OK),
		get('/v5/asset/transfer/query-inter-transfer-list', 'private', transferList(ex, false), OK),
		post('/v5/asset/transfer/universal-transfer', ({ params: p }) => {
			const transferId = transferIdParam(ex, p);
			const coin = coinParam(p);
			const amount = amountParam(p);
			const fromMember = String(int(p, 'fromMemberId') ?? reqStr(p, 'fromMemberId'));
			const toMember = String(int(p, 'toMemberId') ?? reqStr(p, 'toMemberId'));
			const from = accountType(p, 'fromAccountType');
			const to = accountType(p, 'toAccountType');
			if (fromMember === toMember) throw paramError('params error: fromMemberId and toMemberId cannot be the same');
			const main = String(ex.uid);
			const fromWallets = fromMember === main ? ex.wallets : ex.assets.member(fromMember);
			const available = fromMember === main ? transferable(ex, from, coin) : fromWallets.balance(from, coin).walletBalance;
			if (amount > available + 1e-12) throw new ApiError(131212, 'Insufficient balance');
			ex.tx(() => {
				fromWallets.add(from, coin, -amount);
				(toMember === main ? ex.wallets : ex.assets.member(toMember)).add(to, coin, amount);
				ex.touchWallet();
			});
			ex.assets.transferIds.add(transferId);
			ex.assets.universal.add({
				seq: ex.assets.universal.allocate(), transferId, coin, amount: str(p, 'amount')!, fromAccountType: from, toAccountType: to,
				fromMemberId: fromMember, toMemberId: toMember, timestamp: ex.now(), status: ex.assets.transferStatus,
			});
			return { transferId, status: ex.assets.transferStatus };
		}, OK),
		get('/v5/asset/transfer/query-universal-transfer-list', 'private', transferList(ex, true), OK),
		get('/v5/asset/deposit/query-record', 'private', ({ params: p, now }) => {
			const coin = str(p, 'coin');
			const id = str(p, 'id');
			const txID = str(p, 'txID');
			const w = window(p, now, 30, 30);
			const page = pageLog(ex.assets.deposits, limit(p, 50, 50), p.cursor, (d): Verdict =>
				(coin && d.coin !== coin) || (id && d.id !== id) || (txID && d.txID !== txID) || d.successAt < w.start || d.successAt > w.end ? 'skip' : 'keep',
			);
			return { rows: page.list.map(depositView), nextPageCursor: page.nextPageCursor };
		}, OK),
		get('/v5/asset/withdraw/query-record', 'private', ({ params: p, now }) => {
			const coin = str(p, 'coin');
			const id = str(p, 'withdrawID');
			const txID = str(p, 'txID');
			const type = int(p, 'withdrawType') ?? 0;
			if (type !== 0 && type !== 1 && type !== 2) throw paramError('params error: withdrawType invalid');
			const w = window(p, now, 30, 30);
			const page = pageLog(ex.assets.withdrawals, limit(p, 50, 50), p.cursor, (x): Verdict =>
				(coin && x.coin !== coin) || (id && x.withdrawId !== id) || (txID && x.txID !== txID) || (type !== 2 && x.withdrawType !== type) || x.createTime < w.start || x.createTime > w.end ? 'skip' : 'keep',
			);
			return { rows: page.list.map(withdrawalView), nextPageCursor: page.nextPageCursor };
		}, OK),
		get('/v5/asset/deposit/query-address', 'private', ({ params: p }) => {
			const coin = coinParam(p);
			const chainType = str(p, 'chainType');
			const meta = COINS.find((c) => c.coin === coin)!;
			const chains = meta.chains.filter((c) => !chainType || c.chain === chainType);
			if (chainType && chains.length === 0) throw paramError('params error: chainType invalid');
			return {
				coin,
				chains: chains.map((c) => ({
					chainType: c.chainType, addressDeposit: depositAddress(coin, c.chain), tagDeposit: '', chain: c.chain, batchReleaseLimit: '-1',
					contractAddress: c.contractAddress.slice(-6),
				})),
			};
		}, OK),
		post('/v5/asset/withdraw/create', ({ params: p, now }) => {
			const coin = coinParam(p);
			const address = reqStr(p, 'address');
			const amount = amountParam(p);
			const ts = int(p, 'timestamp');
			if (ts === undefined) throw missing('timestamp');
			if (Math.abs(now - ts) > 10 * 60_000) throw paramError('params error: timestamp is expired');
			const acct = reqStr(p, 'accountType');
			const sources = acct.split(',').map((a) => (a === 'UTA' ? 'UNIFIED' : a));
			if (sources.some((a) => a !== 'FUND' && a !== 'UNIFIED' && a !== 'EARN')) throw paramError('params error: accountType invalid');
			const forceChain = int(p, 'forceChain') ?? 0;
			if (forceChain !== 0 && forceChain !== 1 && forceChain !== 2) throw paramError('params error: forceChain invalid');
			const meta = COINS.find((c) => c.coin === coin)!;
			const chainName = str(p, 'chain');
			if (forceChain !== 2 && !chainName) throw missing('chain');
			const ch = forceChain === 2 ? meta.chains[0] : meta.chains.find((c) => c.chain === chainName);
			if (!ch) throw paramError('params error: chain invalid');
			if (forceChain !== 2 && amount < Number(ch.withdrawMin)) throw paramError(`params error: amount must be at least ${ch.withdrawMin}`);
			const requestId = str(p, 'requestId');
			if (requestId && !/^[A-Za-z0-9]{1,32}$/.test(requestId)) throw paramError('params error: requestId invalid');
			if (requestId && ex.assets.requestIds.has(requestId)) throw new ApiError(10014, 'Invalid duplicate request.');
			travelRule(p);
			const fee = forceChain === 2 ? 0 : Number(ch.withdrawFee);
			const feeType = int(p, 'feeType') ?? 0;
			if (feeType !== 0 && feeType !== 1) throw paramError('params error: feeType invalid');
			const total = feeType === 1 ? amount : amount + fee;
			const plan: Array<[AccountType, number]> = [];
			let left = total;
			for (const a of sources) {
				if (a === 'EARN' || left <= 0) continue;
				const take = Math.min(left, transferable(ex, a as AccountType, coin));
				if (take > 0) plan.push([a as AccountType, take]);
				left -= take;
			}
			if (left > 1e-12) throw new ApiError(131212, 'Insufficient balance');
			ex.tx(() => {
				for (const [a, take] of plan) ex.wallets.add(a, coin, -take);
				if (plan.some(([a]) => a === 'UNIFIED')) ex.touchWallet();
			});
			if (requestId) ex.assets.requestIds.add(requestId);
			const id = String(10_000 + ex.assets.withdrawals.size + 1);
			ex.assets.withdrawals.add({
				seq: ex.assets.withdrawals.allocate(), withdrawId: id, requestId: requestId ?? '', coin, chain: ch.chain,
				amount: trimmed((int(p, 'feeType') ?? 0) === 1 ? amount - fee : amount, 8), withdrawFee: trimmed(fee, 8), txID: `0x${ex.rng.hex(64)}`,
				status: 'success', toAddress: address, tag: str(p, 'tag') ?? '', createTime: now, updateTime: now, withdrawType: forceChain === 2 ? 1 : 0,
			});
			return { id };
		}, OK),
	];
}

