/** Trade endpoints: create/amend/cancel (single and batch), cancel-all, open orders, history, executions, DCP. */
import { ApiError, paramError, type Category, type Json } from '../types';
import { category, int, limit, missing, oneOf, reqStr, str, window, type Params } from '../params';
import type { Exchange } from '../state/exchange';
import { amendOrder, cancelAll, cancelOrder, createOrder } from '../state/trading';
import { isOpen, orderView, type Order } from '../state/orders';
import { executionView } from '../state/records';
import { pageLog, decodeCursor, encodeCursor, type Verdict } from '../util/paginate';
import { fixed, trimmed } from '../util/num';
import { get, post, WithExtInfo, type Route, type RouteContext } from './route';

const BATCH_MAX: Record<Category, number> = { linear: 20, inverse: 20, option: 20, spot: 10 };

function ids(o: Order): Json {
	return { orderId: o.orderId, orderLinkId: o.orderLinkId };
}

/** Symbol / baseCoin / settleCoin filter shared by the list endpoints. */
function scope(ex: Exchange, cat: Category, p: Params): (o: { symbol: string; category: Category }) => boolean {
	const symbol = str(p, 'symbol');
	const baseCoin = str(p, 'baseCoin');
	const settleCoin = str(p, 'settleCoin');
	return (o) => {
		if (o.category !== cat) return false;
		if (symbol) return o.symbol === symbol;
		const inst = ex.inst(o.category, o.symbol);
		if (baseCoin && inst?.baseCoin !== baseCoin) return false;
		if (settleCoin && inst?.settleCoin !== settleCoin) return false;
		return true;
	};
}

/** orderFilter of the list endpoints (docs: open-order, order-list); OCO and bidirectional TP/SL orders are spot kinds the sandbox never holds. */
const LIST_FILTERS = ['Order', 'StopOrder', 'tpslOrder', 'OcoOrder', 'BidirectionalTpslOrder'] as const;
const ORDER_STATUSES = ['New', 'PartiallyFilled', 'Untriggered', 'Rejected', 'PartiallyFilledCanceled', 'Filled', 'Cancelled', 'Triggered', 'Deactivated'] as const;
/** execType (docs: enum; UNKNOWN cannot be queried). */
const EXEC_TYPES = ['Trade', 'AdlTrade', 'Funding', 'BustTrade', 'Delivery', 'Settle', 'BlockTrade', 'MovePosition', 'FutureSpread', 'CorporateAction'] as const;

function filterKind(p: Params): (o: Order) => boolean {
	const f = oneOf(p, 'orderFilter', LIST_FILTERS);
	return (o) =>
		f === 'Order' ? o.triggerPrice === 0
		: f === 'StopOrder' ? o.triggerPrice > 0 && o.orderFilter !== 'tpslOrder'
		: f === 'tpslOrder' ? o.orderFilter === 'tpslOrder'
		: f === 'OcoOrder' || f === 'BidirectionalTpslOrder' ? o.orderFilter === f
		: true;
}

/** Orders named by orderId / orderLinkId (live or burst), or undefined when neither is given. */
function byIds(ex: Exchange, cat: Category, p: Params): Order[] | undefined {
	const orderId = str(p, 'orderId');
	const linkId = str(p, 'orderLinkId');
	if (!orderId && !linkId) return undefined;
	const o = orderId ? (ex.orders.get(orderId) ?? ex.bursts.findOrder(orderId)) : (ex.orders.byLinkId(cat, linkId!) ?? ex.bursts.findOrder(linkId!));
	return o && o.category === cat && (!linkId || o.orderLinkId === linkId) ? [o] : [];
}

function listResult(ex: Exchange, cat: Category, list: Order[], next: string): Json {
	return { list: list.map((o) => orderView(o, ex.instOf(o))), nextPageCursor: next, category: cat };
}

function openOrders({ ex, params: p }: RouteContext): Json {
	const cat = category(p);
	const named = byIds(ex, cat, p);
	if (!named && cat === 'linear' && !str(p, 'symbol') && !str(p, 'baseCoin') && !str(p, 'settleCoin')) throw missing('symbol or settleCoin or baseCoin');
	const n = limit(p, 20, 50);
	const inScope = scope(ex, cat, p);
	const kind = filterKind(p);
	if (named) return listResult(ex, cat, named.filter((o) => inScope(o) && kind(o)), '');
	if (int(p, 'openOnly') === 1 || int(p, 'openOnly') === 2) {
		let closed = 0;
		const page = pageLog(ex.orders.log, n, p.cursor, (o): Verdict => {
			if (o.category !== cat || isOpen(o)) return 'skip';
			if (++closed > 500) return 'stop';
			return inScope(o) && kind(o) ? 'keep' : 'skip';
		});
		return listResult(ex, cat, page.list, page.nextPageCursor);
	}
	const from = decodeCursor(p.cursor);
	const before = from === undefined ? Number.POSITIVE_INFINITY : Number(from);
	const all = ex.orders.allOpen(cat).filter((o) => o.seq < before && inScope(o) && kind(o));
	const list = all.slice(0, n);
	return listResult(ex, cat, list, all.length > n ? encodeCursor(list[list.length - 1].seq) : '');
}

function orderHistory({ ex, params: p, now }: RouteContext): Json {
	const cat = category(p);
	const n = limit(p, 20, 50);
	const inScope = scope(ex, cat, p);
	const kind = filterKind(p);
	const status = oneOf(p, 'orderStatus', ORDER_STATUSES);
	const named = byIds(ex, cat, p);
	if (named) return listResult(ex, cat, named.filter((o) => inScope(o) && kind(o) && (!status || o.orderStatus === status)), '');
	const w = window(p, now);
	const page = pageLog(ex.orders.log, n, p.cursor, (o): Verdict => {
		if (o.createdTime < w.start) return 'stop';
		if (o.createdTime > w.end || !inScope(o) || !kind(o) || (status && o.orderStatus !== status)) return 'skip';
		return 'keep';
	});
	return listResult(ex, cat, page.list, page.nextPageCursor);
}

function executions({ ex, params: p, now }: RouteContext): Json {
	const cat = category(p);
	const n = limit(p, 50, 100);
	// settleCoin applies to linear, inverse and option only (docs: execution)
	const inScope = scope(ex, cat, cat === 'spot' ? { ...p, settleCoin: undefined } : p);
	const orderId = str(p, 'orderId');
	const linkId = str(p, 'orderLinkId');
	const execType = oneOf(p, 'execType', EXEC_TYPES);
	const w = window(p, now);
	const page = pageLog(ex.executions, n, p.cursor, (e): Verdict => {
		if (e.execTime < w.start) return 'stop';
		if (e.execTime > w.end || !inScope(e)) return 'skip';
		if (orderId ? e.orderId !== orderId : linkId ? e.orderLinkId !== linkId : false) return 'skip';
		return !execType || e.execType === execType ? 'keep' : 'skip';
	});
	return { nextPageCursor: page.nextPageCursor, category: cat, list: page.list.map((e) => executionView(e, ex.instOf(e), false)) };
}

type ItemFn = (ex: Exchange, cat: Category, item: Params) => Order;

function batch(fn: ItemFn, withCreateAt: boolean) {
	return ({ ex, params: p, allowance }: RouteContext) => {
		const cat = category(p, ['linear', 'inverse', 'option', 'spot']);
		const request = p.request;
		if (!Array.isArray(request) || request.length === 0) throw missing('request');
		if (request.length > BATCH_MAX[cat]) throw paramError(`params error: the number of orders in a batch exceeds ${BATCH_MAX[cat]}`);
		const list: Json[] = [];
		const ext: Json[] = [];
		request.forEach((raw, index) => {
			const item = (raw && typeof raw === 'object' ? raw : {}) as Params;
			const row: Json = { category: cat, symbol: str(item, 'symbol') ?? '', orderId: '', orderLinkId: str(item, 'orderLinkId') ?? '' };
			if (withCreateAt) row.createAt = '';
			try {
				if (index >= allowance) throw new ApiError(10006, 'Too many visits!');
				const o = fn(ex, cat, item);
				row.orderId = o.orderId;
				row.orderLinkId = o.orderLinkId;
				if (withCreateAt) row.createAt = String(o.createdTime);
				ext.push({ code: 0, msg: 'OK' });
			} catch (e) {
				if (!(e instanceof ApiError)) throw e;
				ext.push({ code: e.retCode, msg: e.message });
			}
			list.push(row);
		});
		return new WithExtInfo({ list }, { list: ext });
	};
}

export const orderRoutes: Route[] = [
	post('/v5/order/create', ({ ex, params: p }) => ids(createOrder(ex, category(p), p))),
	post('/v5/order/amend', ({ ex, params: p }) => ids(amendOrder(ex, category(p), p))),
	post('/v5/order/cancel', ({ ex, params: p }) => ids(cancelOrder(ex, category(p), p))),
	post('/v5/order/create-batch', batch(createOrder, true)),
	post('/v5/order/amend-batch', batch(amendOrder, false)),
	post('/v5/order/cancel-batch', batch(cancelOrder, false)),
	post('/v5/order/cancel-all', ({ ex, params: p }) => ({ list: cancelAll(ex, category(p), p).map(ids), success: '1' })),
	get('/v5/order/realtime', 'private', openOrders),
	get('/v5/order/history', 'private', orderHistory),
	get('/v5/execution/list', 'private', executions),
	get('/v5/order/spot-borrow-check', 'private', ({ ex, params: p }) => {
		category(p, ['spot']);
		const inst = ex.instOrThrow('spot', reqStr(p, 'symbol'));
		const side = oneOf(p, 'side', ['Buy', 'Sell'] as const);
		if (!side) throw missing('side');
		const last = ex.market(inst).last;
		const coin = side === 'Buy' ? inst.quoteCoin : inst.baseCoin;
		const b = ex.wallets.balance('UNIFIED', coin);
		const free = Math.max(0, b.walletBalance - b.locked);
		const spotQty = side === 'Buy' ? free / last : free;
		const q = (n: number) => fixed(Math.floor(n * 10 ** inst.baseDp) / 10 ** inst.baseDp, inst.baseDp);
		return {
			symbol: inst.symbol, maxTradeQty: q(spotQty * 5), side, spotMaxTradeAmount: trimmed(spotQty * last, 8),
			maxTradeAmount: trimmed(spotQty * last * 5, 8), borrowCoin: coin, spotMaxTradeQty: q(spotQty),
		};
	}),
	post('/v5/order/disconnected-cancel-all', ({ ex, params: p }) => {
		const tw = int(p, 'timeWindow');
		if (tw === undefined) throw missing('timeWindow');
		if (tw < 3 || tw > 300) throw paramError('params error: timeWindow invalid');
		const product = oneOf(p, 'product', ['OPTIONS', 'DERIVATIVES', 'SPOT'] as const, 'OPTIONS')!;
		ex.dcp.set(product, tw);
		return {};
	}, 'success'),
];
