/**
 * POST /v5/order/pre-check (docs: order/pre-check-order): the account's
 * initial and maintenance margin rates before and after a would-be order, in
 * units of 1e-4, without placing it. As the docs: inverse, linear and option
 * only; no conditional orders; not in isolated margin mode (the codes for
 * those refusals are not documented: the sandbox answers 10001 naming the
 * rule). Margin: value / leverage initial, 0.5% maintenance.
 */
import { category, dec, int, oneOf, reqStr, str } from '../params';
import { feeRates } from '../state/matching';
import { valueOf } from '../state/positions';
import { paramError } from '../types';
import { post, RawBody, type Route } from './route';

const MMR = 0.005;
const e4 = (rate: number) => Math.round(rate * 1e4);

export const preCheckRoutes: Route[] = [
	post('/v5/order/pre-check', ({ ex, params: p }) => {
		const cat = category(p, ['linear', 'inverse', 'option']);
		if (ex.account.marginMode === 'ISOLATED_MARGIN') throw paramError('Pre check is not supported in isolated margin mode');
		if (cat === 'inverse' && ex.account.marginMode === 'REGULAR_MARGIN') throw paramError('Pre check of inverse orders is not supported in cross margin mode');
		if (str(p, 'triggerPrice')) throw paramError('Pre check does not support conditional orders');
		const inst = ex.instOrThrow(cat, p.symbol);
		if (!oneOf(p, 'side', ['Buy', 'Sell'] as const)) reqStr(p, 'side');
		const orderType = oneOf(p, 'orderType', ['Market', 'Limit'] as const) ?? reqStr(p, 'orderType');
		const qty = dec(p, 'qty');
		if (!qty || qty <= 0) throw paramError('params error: qty invalid');
		const price = orderType === 'Limit' ? dec(p, 'price') : undefined;
		if (orderType === 'Limit' && !price) throw paramError('params error: price invalid');
		const m = ex.market(inst);
		const idx = (int(p, 'positionIdx') ?? 0) as 0 | 1 | 2;
		const lev = ex.position(inst, idx).leverage;
		const px = price ?? m.last;
		const usd = valueOf(inst, qty, px) * ex.usdPrice(inst.settleCoin);
		const s = ex.summary();
		const equity = s.totalEquity > 0 ? s.totalEquity : 1;
		const im = usd / lev + usd * feeRates(inst).taker;
		const pre = { imr: s.totalIM / equity, mmr: s.totalMM / equity };
		const post = { imr: (s.totalIM + im) / equity, mmr: (s.totalMM + usd * MMR) / equity };
		const orderId = ex.ids.uuid();
		const orderLinkId = str(p, 'orderLinkId') ?? '';
		if (im > s.totalAvailable) {
			return new RawBody({
				retCode: 110007, retMsg: 'ab not enough for new order', result: {},
				retExtInfo: { future_order_id: orderId, future_order_link_id: orderLinkId, post_imr_e4: e4(post.imr), post_mmr_e4: e4(post.mmr) }, time: ex.now(),
			});
		}
		return { orderId, orderLinkId, preImrE4: e4(pre.imr), preMmrE4: e4(pre.mmr), postImrE4: e4(post.imr), postMmrE4: e4(post.mmr) };
	}),
];
