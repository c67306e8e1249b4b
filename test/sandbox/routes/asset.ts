/** Asset endpoints: coin info, balances, transfers, deposits, withdrawals. */
import { ApiError, paramError } from '../types';
import { dec, int, limit, missing, reqStr, str, window, type Params } from '../params';
import type { Exchange } from '../state/exchange';
import { COINS, depositAddress, depositView, transferView, withdrawalView, type Transfer } from '../state/assets';
import type { AccountType } from '../state/records';
import { pageLog, type Verdict } from '../util/paginate';
import { toPlain, trimmed } from '../util/num';
import { get, post, type Route } from './route';

const OK = 'success';
const TYPES: readonly string[] = ['UNIFIED', 'FUND'];

function accountType(p: Params, name: string): AccountType {
	const v = reqStr(p, name);
	if (!TYPES.includes(v)) throw paramError(`params error: ${name} invalid`);
	return v as AccountType;
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
		const status = str(p, 'status');
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
			const type = accountType(p, 'accountType');
			const memberId = str(p, 'memberId') ?? String(ex.uid);
			const coins = str(p, 'coin')?.split(',').filter(Boolean);
			if (type === 'UNIFIED' && !coins) throw missing('coin');
			if (coins && coins.length > 10) throw paramError('params error: at most 10 coins');
			const wallets = memberId === String(ex.uid) ? ex.wallets : ex.assets.member(memberId);
			const names = coins ?? wallets.coins(type).filter((b) => b.walletBalance !== 0).map((b) => b.coin);
			const balance = names.map((c) => {
				const b = wallets.balance(type, c);
				const tb = wallets === ex.wallets ? transferable(ex, type, c) : b.walletBalance;
				return { coin: c, walletBalance: trimmed(b.walletBalance, 8), transferBalance: trimmed(tb, 8), bonus: str(p, 'withBonus') === '1' ? '0' : '' };
			});
			return { memberId, accountType: type, balance };
		}, OK),
		get('/v5/asset/transfer/query-account-coin-balance', 'private', ({ params: p }) => {
			const type = accountType(p, 'accountType');
			const coin = coinParam(p);
			const memberId = str(p, 'memberId') ?? String(ex.uid);
			const b = ex.wallets.balance(type, coin);
			const tb = transferable(ex, type, coin);
			return {
				accountType: type, bizType: 1, accountId: String(ex.uid + 12), memberId,
				balance: {
					coin, walletBalance: trimmed(b.walletBalance, 8), transferBalance: trimmed(tb, 8), bonus: '0',
					transferSafeAmount: str(p, 'withTransferSafeAmount') === '1' ? trimmed(tb, 8) : '',
					ltvTransferSafeAmount: str(p, 'withLtvTransferSafeAmount') === '1' ? trimmed(tb, 8) : '',
				},
			};
		}, OK),
		get('/v5/asset/transfer/query-transfer-coin-list', 'private', ({ params: p }) => {
			accountType(p, 'fromAccountType');
			accountType(p, 'toAccountType');
			return { list: COINS.map((c) => c.coin) };
		}, OK),
		post('/v5/asset/transfer/inter-transfer', ({ params: p }) => {
			const transferId = transferIdParam(ex, p);
			const coin = coinParam(p);
			const amount = amountParam(p);
			const from = accountType(p, 'fromAccountType');
			const to = accountType(p, 'toAccountType');
			if (from === to) throw paramError('params error: fromAccountType and toAccountType must differ');
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
			const type = int(p, 'withdrawType') ?? 0;
			const w = window(p, now, 30, 30);
			const page = pageLog(ex.assets.withdrawals, limit(p, 50, 50), p.cursor, (x): Verdict =>
				(coin && x.coin !== coin) || (id && x.withdrawId !== id) || (type !== 2 && x.withdrawType !== type) || x.createTime < w.start || x.createTime > w.end ? 'skip' : 'keep',
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
			const meta = COINS.find((c) => c.coin === coin)!;
			const chainName = str(p, 'chain');
			if (forceChain !== 2 && !chainName) throw missing('chain');
			const ch = forceChain === 2 ? meta.chains[0] : meta.chains.find((c) => c.chain === chainName);
			if (!ch) throw paramError('params error: chain invalid');
			if (forceChain !== 2 && amount < Number(ch.withdrawMin)) throw paramError(`params error: amount must be at least ${ch.withdrawMin}`);
			const requestId = str(p, 'requestId');
			if (requestId && ex.assets.requestIds.has(requestId)) throw new ApiError(10014, 'Invalid duplicate request.');
			const fee = forceChain === 2 ? 0 : Number(ch.withdrawFee);
			const total = (int(p, 'feeType') ?? 0) === 1 ? amount : amount + fee;
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

