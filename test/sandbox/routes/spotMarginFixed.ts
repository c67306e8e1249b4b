/**
 * Fixed-rate borrowing (docs: spot-margin-uta/fixedborrow*, fixed-available-inventory).
 * Writes need the key's Spot "SpotTrade" (as the other spot margin writes);
 * lists page by an offset cursor, newest first. Parameter errors: 10001
 * naming the parameter (the docs list no codes for these endpoints).
 */
import { ApiError, paramError, type Json } from '../types';
import { dec, int, oneOf, reqStr, str, type Params } from '../params';
import { borrow, fixedBorrow, inventory, OFFERS, TERMS, type BorrowOrder, type LoanContract } from '../state/fixedBorrow';
import type { KeyRecord } from '../state/keys';
import { marginCoin } from '../state/spotMargin';
import { fixed } from '../util/num';
import { get, post, type Route } from './route';

function needSpot(key: KeyRecord | undefined): void {
	if (!key || !(key.permissions.Spot ?? []).includes('SpotTrade')) throw new ApiError(10005, 'Permission denied, please check your API key permissions.');
}

function coin(p: Params, name: string): string {
	const c = reqStr(p, name);
	if (!marginCoin(c)) throw new ApiError(176011, 'Cross Margin Trading not yet supported by the selected coin');
	return c;
}

const term = (p: Params, required: boolean): number | undefined => {
	const t = required ? oneOf(p, 'term', TERMS) ?? reqStr(p, 'term') : oneOf(p, 'term', TERMS);
	return t === undefined ? undefined : Number(t);
};

function rate(p: Params, name: string): number {
	const r = dec(p, name);
	if (r === undefined) throw paramError(`Missing some parameters that must be filled in, ${name}`);
	if (!(r >= 0.01 && r <= 0.8)) throw paramError(`params error: ${name} must be between 0.01 and 0.8`);
	return r;
}

/** One page of a newest-first list: `cursor` is the offset of the page's first row. */
function page<T>(rows: T[], p: Params): { list: T[]; nextPageCursor: string } {
	const size = int(p, 'limit') ?? 10;
	if (size < 1 || size > 100) throw paramError('params error: limit invalid');
	const from = str(p, 'cursor') === undefined ? 0 : Number(str(p, 'cursor'));
	if (!Number.isSafeInteger(from) || from < 0) throw paramError('params error: cursor invalid');
	const list = rows.slice(from, from + size);
	return { list, nextPageCursor: from + size < rows.length ? String(from + size) : '' };
}

const e18 = (n: number) => fixed(n, 18);
const orderView = (o: BorrowOrder): Json => ({
	annualRate: e18(Number(o.annualRate)), orderId: o.orderId, orderTime: String(o.orderTime), filledQty: e18(o.filledQty), orderQty: e18(o.orderQty),
	orderCurrency: o.orderCurrency, state: o.state, term: o.term, repayType: o.repayType, strategyType: o.strategyType,
});
const contractView = (c: LoanContract): Json => ({
	annualRate: e18(Number(c.annualRate)), borrowCurrency: c.borrowCurrency, borrowTime: String(c.borrowTime), interestPaid: '0', loanId: c.loanId, orderId: c.orderId,
	repaymentTime: String(c.repaymentTime), residualPenaltyInterest: '0', residualPrincipal: e18(c.residualPrincipal), status: c.status, term: String(c.term),
	repayType: c.repayType, strategyType: c.strategyType,
});

export const spotMarginFixedRoutes: Route[] = [
	get('/v5/spot-margin-trade/fixedborrow-order-quote', 'private', ({ params: p }) => {
		const c = coin(p, 'orderCurrency');
		const t = term(p, false);
		const by = oneOf(p, 'orderBy', ['apy', 'term', 'quantity'] as const, 'apy')!;
		const desc = (int(p, 'sort') ?? 0) === 1;
		const size = int(p, 'limit') ?? 10;
		if (size < 1 || size > 100) throw paramError('params error: limit invalid');
		const key = (o: (typeof OFFERS)[number]) => (by === 'apy' ? Number(o.annualRate) : by === 'term' ? o.term : Number(o.qty));
		const list = OFFERS.filter((o) => o.orderCurrency === c && (t === undefined || o.term === t)).sort((a, b) => (desc ? key(b) - key(a) : key(a) - key(b)));
		return { list: list.slice(0, size) };
	}, 'success'),
	post('/v5/spot-margin-trade/fixedborrow', ({ ex, params: p, key }) => {
		needSpot(key);
		const orderCurrency = coin(p, 'orderCurrency');
		const qty = dec(p, 'orderAmount');
		if (!qty || qty <= 0) throw paramError('params error: orderAmount invalid');
		const annualRate = reqStr(p, 'annualRate');
		rate(p, 'annualRate');
		const t = term(p, true)!;
		const repayType = oneOf(p, 'repayType', ['1', '2'] as const, '1')!;
		const strategyType = oneOf(p, 'strategyType', ['PARTIAL', 'FULL'] as const, 'PARTIAL')!;
		return { orderId: borrow(ex, { orderCurrency, orderQty: qty, annualRate, term: t, repayType, strategyType }).orderId };
	}, 'success'),
	post('/v5/spot-margin-trade/fixedborrow-renew', ({ ex, params: p, key }) => {
		needSpot(key);
		const loanId = reqStr(p, 'loanId');
		const s = fixedBorrow(ex);
		const c = s.contracts.find((x) => x.loanId === loanId);
		if (!c || c.status === 2) throw paramError('params error: loanId invalid');
		const qty = dec(p, 'qty') ?? c.residualPrincipal;
		if (qty <= 0 || qty > c.residualPrincipal + 1e-12) throw paramError('params error: qty invalid');
		const now = ex.now();
		c.residualPrincipal = Number((c.residualPrincipal - qty).toFixed(12));
		if (c.residualPrincipal === 0) c.status = 2;
		s.contracts.push({ ...c, loanId: String(BigInt(c.loanId) + 1_000_000n + BigInt(++s.seq)), borrowTime: now, repaymentTime: now + c.term * 86_400_000, residualPrincipal: qty, status: 1 });
		return 'Success';
	}, 'success'),
	get('/v5/spot-margin-trade/fixedborrow-order-info', 'private', ({ ex, params: p }) => {
		const id = str(p, 'orderId');
		const c = str(p, 'orderCurrency');
		const state = oneOf(p, 'state', ['1', '2', '3', '4'] as const);
		const t = term(p, false);
		const rows = fixedBorrow(ex).orders.filter((o) => (!id || o.orderId === id) && (!c || o.orderCurrency === c) && (!state || String(o.state) === state) && (t === undefined || o.term === t));
		const out = page([...rows].reverse(), p);
		return { list: out.list.map(orderView), nextPageCursor: out.nextPageCursor };
	}, 'success'),
	get('/v5/spot-margin-trade/fixedborrow-contract-info', 'private', ({ ex, params: p }) => {
		const id = str(p, 'orderId');
		const c = str(p, 'orderCurrency');
		const t = term(p, false);
		const rows = fixedBorrow(ex).contracts.filter((x) => (!id || x.orderId === id) && (!c || x.borrowCurrency === c) && (t === undefined || x.term === t));
		const out = page([...rows].reverse(), p);
		return { list: out.list.map(contractView), nextPageCursor: out.nextPageCursor };
	}, 'success'),
	get('/v5/spot-margin-trade/fixed-available-inventory', 'private', ({ ex, params: p, now }) => {
		const c = coin(p, 'currency');
		const t = term(p, true)!;
		const annualRate = reqStr(p, 'annualRate');
		const available = inventory(ex, c, t, rate(p, 'annualRate'));
		return { currency: c, term: String(t), annualRate, availableInventory: String(Math.floor(available * 1e8) / 1e8), updateTime: String(Math.floor(now / 1000)) };
	}),
];
