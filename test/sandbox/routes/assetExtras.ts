/**
 * More asset endpoints, following Bybit's docs: withdrawable amount, cancel
 * withdrawal, asset overview, delivery / settlement / internal deposit /
 * coin exchange / sub-account deposit records, address book, VASPs and the
 * funding account history.
 */
import { ApiError, paramError, type Json } from '../types';
import { category, int, limit, reqStr, str, window, type Params } from '../params';
import { COINS } from '../state/assets';
import type { Exchange } from '../state/exchange';
import { extrasOf } from '../state/extras';
import { pageArray } from '../util/paginate';
import { trimmed } from '../util/num';
import { get, post, type Route } from './route';
import { DENIED, knownSub } from './userExtras';

const DAY = 86_400_000;
const sec = (ms: number) => String(Math.floor(ms / 1000));

/** Docs example, verbatim (asset/withdraw/vasp-list). */
const VASPS: Array<[string, string]> = [
	['basic-finance', 'Basic-finance'], ['beeblock', 'Beeblock'], ['bithumb', 'bithumb'], ['cardo', 'cardo'], ['codevasp', 'codevasp'], ['codexchange-kor', 'CODExchange-kor'],
	['coinone', 'coinone'], ['dummy', 'Dummy'], ['flata-exchange', 'flataexchange'], ['fobl', 'Foblgate'], ['hanbitco', 'hanbitco'], ['hexlant', 'hexlant'], ['inex', 'INEX'],
	['infiniteblock-corp', 'InfiniteBlock Corp'], ['kdac', 'kdac'], ['korbit', 'korbit'], ['paycoin', 'Paycoin'], ['qbit', 'Qbit'], ['tennten', 'TENNTEN'], ['others', 'Others (including Upbit)'],
];

/** The sandbox values in USD only (Bybit takes other fiat currencies too). */
const VALUATION = ['USD'];

function knownCoin(p: Params): string {
	const coin = reqStr(p, 'coin');
	if (!COINS.some((c) => c.coin === coin)) throw paramError('params error: coin invalid');
	return coin;
}

/** Records inside a startTime/endTime window of at most 30 days (default: the last 30 days), newest first, by seconds or ms. */
function windowed(rows: Json[], p: Params, now: number, timeOf: (r: Json) => number): Json[] {
	const w = window(p, now, 30, 30);
	return rows.filter((r) => timeOf(r) >= w.start && timeOf(r) <= w.end).sort((a, b) => timeOf(b) - timeOf(a));
}

function deliveries(ex: Exchange, cat: 'inverse' | 'linear' | 'option'): Json[] {
	const insts = ex.ofCategory(cat).slice(0, 3);
	return insts.map((inst, k) => {
		const px = ex.market(inst).index || ex.market(inst).last;
		return {
			symbol: inst.symbol, side: k % 2 === 0 ? 'Buy' : 'Sell', deliveryTime: ex.startedAt - (k + 1) * DAY, strike: cat === 'option' ? String(inst.symbol.split('-')[2] ?? '') : '',
			fee: '0.00000000', position: cat === 'option' ? '0.01' : '0.5', deliveryPrice: trimmed(px, 8), deliveryRpl: trimmed((k + 1) * 1.75, 8),
		};
	});
}

export function assetExtraRoutes(ex: Exchange): Route[] {
	const x = () => extrasOf(ex);
	return [
		get('/v5/asset/withdraw/withdrawable-amount', 'private', ({ params: p }) => {
			const coin = knownCoin(p);
			const fund = ex.wallets.balance('FUND', coin);
			const uta = ex.wallets.balance('UNIFIED', coin);
			const fundFree = Math.max(0, fund.walletBalance - fund.locked);
			const utaFree = Math.max(0, Math.min(uta.walletBalance - uta.locked, Math.max(0, ex.summary().totalAvailable) / (ex.usdPrice(coin) || 1)));
			const row = (free: number) => ({ coin, withdrawableAmount: trimmed(free, 8), availableBalance: trimmed(free, 8) });
			return { limitAmountUsd: '0', withdrawableAmount: { FUND: row(fundFree), UTA: row(utaFree) } };
		}, 'success'),
		post('/v5/asset/withdraw/cancel', ({ params: p, now }) => {
			const id = reqStr(p, 'id');
			const w = ex.assets.withdrawals.real().find((r) => r.withdrawId === id);
			if (!w) throw new ApiError(131002, 'Parameter error');
			// the sandbox's withdrawals read "success" at once; the first minute stands for Bybit's cancellable (pending) phase
			if (x().cancelled.has(id) || now - w.createTime > 60_000) return { status: 0 };
			x().cancelled.add(id);
			w.status = 'CancelByUser';
			w.updateTime = now;
			ex.tx(() => ex.wallets.add('FUND', w.coin, Number(w.amount) + Number(w.withdrawFee)));
			return { status: 1 };
		}, 'success'),
		get('/v5/asset/asset-overview', 'private', ({ params: p, now }) => {
			const memberId = str(p, 'memberId') ?? String(ex.uid);
			if (memberId !== String(ex.uid) && !x().subs.some((s) => s.uid === memberId)) throw new ApiError(131202, 'Invalid memberId');
			const currency = str(p, 'valuationCurrency') ?? 'USD';
			if (!VALUATION.includes(currency)) throw paramError('params error: valuationCurrency invalid');
			const wanted = str(p, 'accountType');
			const wallets = memberId === String(ex.uid) ? ex.wallets : ex.assets.member(memberId);
			const list = ([['FundingAccount', 'FUND'], ['UnifiedTradingAccount', 'UNIFIED']] as const)
				.filter(([name]) => !wanted || wanted === name)
				.map(([name, type]) => {
					const coins = wallets.coins(type).filter((b) => b.walletBalance !== 0);
					const total = coins.reduce((s, b) => s + b.walletBalance * ex.usdPrice(b.coin), 0);
					return { totalEquity: trimmed(total, 2), valuationCurrency: currency, accountType: name, coinDetail: coins.map((b) => ({ equity: trimmed(b.walletBalance, 8), coin: b.coin })), snapshotTime: String(now) };
				});
			const total = list.reduce((s, a) => s + Number(a.totalEquity), 0);
			return { totalEquity: trimmed(total, 2), list };
		}, 'Success'),
		get('/v5/asset/delivery-record', 'private', ({ params: p, now }) => {
			const cat = category(p, ['inverse', 'linear', 'option']) as 'inverse' | 'linear' | 'option';
			const symbol = str(p, 'symbol');
			const expDate = str(p, 'expDate');
			if (expDate !== undefined && !/^\d{1,2}[A-Z]{3}\d{2}$/.test(expDate)) throw new ApiError(181018, 'Invalid expDate.');
			const rows = windowed(deliveries(ex, cat), p, now, (r) => Number(r.deliveryTime)).filter((r) => (!symbol || r.symbol === symbol) && (!expDate || String(r.symbol).includes(`-${expDate}-`) || cat !== 'option'));
			const page = pageArray(rows, limit(p, 20, 50), p.cursor);
			return { nextPageCursor: page.nextPageCursor, category: cat, list: page.list };
		}),
		get('/v5/asset/settlement-record', 'private', ({ params: p, now }) => {
			const cat = category(p, ['linear']);
			const symbol = str(p, 'symbol');
			const rows = [1, 2].map((k) => ({ realisedPnl: k === 1 ? '-71.28' : '12.5', symbol: 'BTCPERP', side: 'Buy', markPrice: '16620', size: '1.5', createdTime: String(ex.startedAt - k * DAY), sessionAvgPrice: '16620' }));
			const page = pageArray(windowed(rows, p, now, (r) => Number(r.createdTime)).filter((r) => !symbol || r.symbol === symbol), limit(p, 20, 50), p.cursor);
			return { nextPageCursor: page.nextPageCursor, category: cat, list: page.list };
		}),
		get('/v5/asset/deposit/query-internal-record', 'private', ({ params: p, now }) => {
			const txID = str(p, 'txID');
			const coin = str(p, 'coin');
			const rows = windowed(x().internalDeposits, p, now, (r) => Number(r.createdTime) * 1000).filter((r) => (!txID || r.txID === txID) && (!coin || r.coin === coin));
			const page = pageArray(rows, limit(p, 50, 50), p.cursor);
			return { rows: page.list, nextPageCursor: page.nextPageCursor };
		}, 'success'),
		get('/v5/asset/exchange/order-record', 'private', ({ params: p }) => {
			const from = str(p, 'fromCoin');
			const to = str(p, 'toCoin');
			const rows = x().exchanges.filter((r) => (!from || r.fromCoin === from) && (!to || r.toCoin === to));
			const page = pageArray(rows, limit(p, 10, 50), p.cursor);
			return { orderBody: page.list, nextPageCursor: page.nextPageCursor };
		}),
		get('/v5/asset/deposit/query-sub-member-record', 'private', ({ params: p, now }) => {
			const sub = knownSub(ex, reqStr(p, 'subMemberId'));
			const [id, txID, coin] = [str(p, 'id'), str(p, 'txID'), str(p, 'coin')];
			const rows = windowed(x().subDeposits.filter((r) => r.subMemberId === sub.uid), p, now, (r) => Number(r.successAt))
				.filter((r) => (!id || r.id === id) && (!txID || r.txID === txID) && (!coin || r.coin === coin))
				.map(({ subMemberId: _, ...r }) => r);
			const page = pageArray(rows, limit(p, 50, 50), p.cursor);
			return { rows: page.list, nextPageCursor: page.nextPageCursor };
		}, 'success'),
		get('/v5/asset/withdraw/query-address', 'private', ({ params: p, key }) => {
			// docs: "The API key for querying this endpoint must have withdrawal permissions."
			if (!(key?.permissions.Wallet ?? []).includes('Withdraw')) throw DENIED();
			const type = int(p, 'addressType') ?? 0;
			if (type !== 0 && type !== 1 && type !== 2) throw paramError('params error: addressType invalid');
			const [coin, chain] = [str(p, 'coin'), str(p, 'chain')];
			const rows = x().addresses.filter((r) => {
				if (type === 1) return r.addressType === 1;
				if (type === 2) return true;
				return r.addressType === 0 && (!coin || r.coin === coin) && (!chain || r.chain === chain);
			});
			const page = pageArray(rows, limit(p, 50, 50), p.cursor);
			return { rows: page.list, nextPageCursor: page.nextPageCursor };
		}, 'success'),
		get('/v5/asset/withdraw/vasp/list', 'private', () => ({ vasp: VASPS.map(([vaspEntityId, vaspName]) => ({ vaspEntityId, vaspName })) }), 'success'),
		get('/v5/asset/fundinghistory', 'private', ({ params: p, now }) => {
			const from = str(p, 'createTimeFrom');
			const to = str(p, 'createTimeTo');
			if ((from === undefined) !== (to === undefined)) throw paramError('params error: createTimeFrom and createTimeTo must be used together');
			if ((from !== undefined && !/^\d+$/.test(from)) || (to !== undefined && !/^\d+$/.test(to))) throw paramError('params error: createTimeFrom/createTimeTo must be timestamps in seconds');
			const start = from === undefined ? now - 7 * DAY : Number(from) * 1000;
			const end = to === undefined ? now : Number(to) * 1000;
			if (end < start || end - start > 7 * DAY) throw paramError('The interval between createTimeFrom and createTimeTo cannot exceed 7 days');
			const raw = str(p, 'limit');
			if (raw !== undefined && (!/^\d+$/.test(raw) || Number(raw) < 1 || Number(raw) > 100)) throw paramError('params error: limit invalid');
			const rows = fundingHistory(ex).filter((r) => Number(r.createTime) * 1000 >= start && Number(r.createTime) * 1000 <= end);
			const page = pageArray(rows, raw === undefined ? 10 : Number(raw), p.cursor);
			return { nextPageCursor: page.nextPageCursor, list: page.list };
		}),
	];
}

/** The Funding account's log, newest first: deposits in, internal transfers in and out (balances after, from these moves alone). */
function fundingHistory(ex: Exchange): Json[] {
	const moves: Array<{ t: number; coin: string; amount: number; type: string; desc: string }> = [];
	for (const d of ex.assets.deposits.real()) moves.push({ t: d.successAt, coin: d.coin, amount: Number(d.amount), type: 'Deposit', desc: 'Deposit' });
	for (const t of ex.assets.inter.real()) {
		if (t.fromAccountType === 'FUND') moves.push({ t: t.timestamp, coin: t.coin, amount: -Number(t.amount), type: 'Transfer', desc: 'Transfer to Unified Trading Account' });
		if (t.toAccountType === 'FUND') moves.push({ t: t.timestamp, coin: t.coin, amount: Number(t.amount), type: 'Transfer', desc: 'Transfer from Unified Trading Account' });
	}
	moves.sort((a, b) => a.t - b.t);
	const running = new Map<string, number>();
	const rows = moves.map((m) => {
		const after = (running.get(m.coin) ?? 0) + m.amount;
		running.set(m.coin, after);
		return {
			memberId: String(ex.uid), currency: m.coin, ioDirection: m.amount >= 0 ? 'I' : 'O', txnAmt: trimmed(Math.abs(m.amount), 8), afterAmt: trimmed(after, 8),
			createTime: sec(m.t), showBusiType: `fundingAccountRecord${m.type}`, showBusiTypeEn: m.type, description: `fundingAccountRecord${m.type}`, descriptionEn: m.desc,
		};
	});
	return rows.reverse();
}
