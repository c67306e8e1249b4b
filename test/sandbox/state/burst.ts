/**
 * Synthetic event bursts (pushBurst): N filled orders with one execution each,
 * recorded as virtual ranges in the order and execution logs so REST
 * catch-up (order/realtime openOnly=1, order/history, execution/list) returns
 * them, without materialising a million objects.
 */
import type { Category } from '../types';
import type { Exchange } from './exchange';
import type { Instrument } from './instruments';
import { orderPushView, type Order } from './orders';
import { executionView, fastExecutionView, type Execution } from './records';
import type { VirtualRange } from '../util/paginate';
import { makeOrder } from './matching';

export interface BurstBatch {
	burstNo: number;
	count: number;
	inst: Instrument;
	/** Send time (ms, server clock) of each event; 0 until sent. */
	times: Float64Array;
	sent: number;
	orders: VirtualRange<Order>;
	executions: VirtualRange<Execution>;
	order(i: number): Order;
	execution(i: number): Execution;
	/** Pre-serialised push entries (the hot path of a burst: string concatenation only). */
	orderJson(i: number): string;
	executionJson(i: number): string;
	fastJson(i: number): string;
}

/**
 * Compile a JSON text containing sentinels into a renderer. `"§#name§"` (quoted)
 * becomes a bare number, `§name§` inside a string becomes the value.
 */
export function compileTemplate(json: string): (values: Record<string, string | number>) => string {
	const parts: string[] = [];
	const names: string[] = [];
	const re = /"§#(\w+)§"|§(\w+)§/g;
	let last = 0;
	for (let m = re.exec(json); m; m = re.exec(json)) {
		parts.push(json.slice(last, m.index));
		names.push(m[1] ?? m[2]);
		last = m.index + m[0].length;
	}
	parts.push(json.slice(last));
	return (values) => {
		let out = parts[0];
		for (let i = 0; i < names.length; i++) out += values[names[i]] + parts[i + 1];
		return out;
	};
}

const hex = (n: number, width: number) => n.toString(16).padStart(width, '0');
const ORDER_ID = /^b([0-9a-f]{7})-0000-4000-8000-([0-9a-f]{12})$/;

export function burstOrderId(burstNo: number, i: number): string {
	return `b${hex(burstNo, 7)}-0000-4000-8000-${hex(i, 12)}`;
}

export function burstLinkId(burstNo: number, i: number): string {
	return `burst-${burstNo}-${i}`;
}

export class Bursts {
	private readonly batches: BurstBatch[] = [];

	constructor(private readonly ex: Exchange) {}

	create(n: number, category: Category, symbol: string): BurstBatch {
		const ex = this.ex;
		const inst = ex.instOrThrow(category, symbol);
		const burstNo = this.batches.length + 1;
		const price = ex.market(inst).last;
		const qty = inst.min;
		const template = makeOrder(ex, inst, { side: 'Buy', orderType: 'Market', qty });
		const times = new Float64Array(n);
		const t0 = ex.now();
		const batch: BurstBatch = {
			burstNo, count: n, inst, times, sent: 0,
			order: (i) => {
				const t = times[i] || t0;
				return {
					...template, seq: batch.orders.firstSeq + i, orderId: burstOrderId(burstNo, i), orderLinkId: burstLinkId(burstNo, i),
					side: i % 2 === 0 ? 'Buy' : 'Sell', orderStatus: 'Filled', cumExecQty: qty, cumExecValue: qty * price,
					cumExecFee: qty * price * 0.00055, createdTime: t, updatedTime: t, lastPriceOnCreated: price, price,
				};
			},
			execution: (i) => {
				const t = times[i] || t0;
				return {
					seq: batch.executions.firstSeq + i, category: inst.category, symbol: inst.symbol, execId: `e${hex(burstNo, 7)}-0000-4000-8000-${hex(i, 12)}`,
					orderId: burstOrderId(burstNo, i), orderLinkId: burstLinkId(burstNo, i), side: i % 2 === 0 ? 'Buy' : 'Sell', orderType: 'Market',
					orderPrice: price, orderQty: qty, leavesQty: 0, stopOrderType: '', createType: 'CreateByUser', execPrice: price, execQty: qty,
					execValue: qty * price, execFee: qty * price * 0.00055, feeRate: 0.00055, feeCoin: inst.settleCoin, execType: 'Trade',
					isMaker: false, execTime: t, closedSize: 0, execPnl: 0, markPrice: price, indexPrice: price, isLeverage: '', marketUnit: '',
					tradeSeq: 1_000_000_000 + burstNo * 10_000_000 + i,
				};
			},
			orders: undefined as unknown as VirtualRange<Order>,
			executions: undefined as unknown as VirtualRange<Execution>,
			orderJson: () => '',
			executionJson: () => '',
			fastJson: () => '',
		};
		// Reserve the seqs now; the ranges grow (count) as events are actually sent.
		batch.orders = ex.orders.log.addRange(n, batch.order);
		batch.executions = ex.executions.addRange(n, batch.execution);
		batch.orders.count = 0;
		batch.executions.count = 0;
		// Templates: the variable fields as sentinels, one template per side.
		const sentinel = { orderId: '§oid§', orderLinkId: '§link§', createdTime: 0, updatedTime: 0 };
		const orderTpl = (['Buy', 'Sell'] as const).map((side) => {
			const o = { ...batch.order(0), ...sentinel, side };
			const v = orderPushView(o, inst);
			v.createdTime = '§t§';
			v.updatedTime = '§t§';
			return compileTemplate(JSON.stringify(v));
		});
		const execTpl = (['Buy', 'Sell'] as const).map((side) => {
			const e = { ...batch.execution(0), execId: '§eid§', orderId: '§oid§', orderLinkId: '§link§', side };
			const v = executionView(e, inst, true);
			v.execTime = '§t§';
			v.seq = '§#seq§';
			return compileTemplate(JSON.stringify(v));
		});
		const fastTpl = (['Buy', 'Sell'] as const).map((side) => {
			const v = fastExecutionView({ ...batch.execution(0), execId: '§eid§', orderId: '§oid§', orderLinkId: '§link§', side }, inst);
			v.execTime = '§t§';
			v.seq = '§#seq§';
			return compileTemplate(JSON.stringify(v));
		});
		const vals = (i: number) => ({
			oid: burstOrderId(burstNo, i), link: burstLinkId(burstNo, i), eid: `e${hex(burstNo, 7)}-0000-4000-8000-${hex(i, 12)}`,
			t: times[i] || t0, seq: 1_000_000_000 + burstNo * 10_000_000 + i,
		});
		batch.orderJson = (i) => orderTpl[i % 2](vals(i));
		batch.executionJson = (i) => execTpl[i % 2](vals(i));
		batch.fastJson = (i) => fastTpl[i % 2](vals(i));
		this.batches.push(batch);
		return batch;
	}

	/** Mark event i as sent at time t (it becomes visible over REST). */
	markSent(batch: BurstBatch, i: number, t: number): void {
		batch.times[i] = t;
		batch.sent = i + 1;
		batch.orders.count = i + 1;
		batch.executions.count = i + 1;
	}

	findOrder(orderIdOrLinkId: string): Order | undefined {
		const m = ORDER_ID.exec(orderIdOrLinkId) ?? /^burst-(\d+)-(\d+)$/.exec(orderIdOrLinkId);
		if (!m) return undefined;
		const isLink = orderIdOrLinkId.startsWith('burst-');
		const no = isLink ? Number(m[1]) : parseInt(m[1], 16);
		const i = isLink ? Number(m[2]) : parseInt(m[2], 16);
		const b = this.batches[no - 1];
		return b && i < b.sent ? b.order(i) : undefined;
	}

	total(): number {
		return this.batches.reduce((n, b) => n + b.sent, 0);
	}
}
