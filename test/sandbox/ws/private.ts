/** The private stream (/v5/private): auth, subscriptions, account pushes, DCP. */
import type { Exchange, PrivateTopic } from '../state/exchange';
import { executionView, fastExecutionView, type Execution } from '../state/records';
import { closeOrder } from '../state/matching';
import type { Category, Json } from '../types';
import type { Conn, Hub } from './hub';
import { verifyWsAuth } from './wsAuth';

const BASE_TOPICS = ['order', 'execution', 'execution.fast', 'position', 'wallet', 'greeks'];
const CATEGORISED: Record<string, Category[]> = {
	order: ['spot', 'linear', 'inverse', 'option'],
	execution: ['spot', 'linear', 'inverse', 'option'],
	'execution.fast': ['spot', 'linear', 'inverse', 'option'],
	position: ['linear', 'inverse', 'option'],
};
const DCP: Record<string, { product: string; categories: Category[] }> = {
	'dcp.future': { product: 'DERIVATIVES', categories: ['linear', 'inverse'] },
	'dcp.spot': { product: 'SPOT', categories: ['spot'] },
	'dcp.option': { product: 'OPTIONS', categories: ['option'] },
};

/** Whether a private topic exists, and whether it is a categorised form. */
function classify(topic: string): 'base' | 'categorised' | 'dcp' | undefined {
	if (BASE_TOPICS.includes(topic)) return 'base';
	if (DCP[topic]) return 'dcp';
	const dot = topic.lastIndexOf('.');
	const base = topic.slice(0, dot);
	return CATEGORISED[base]?.includes(topic.slice(dot + 1) as Category) ? 'categorised' : undefined;
}

export class PrivateStream {
	private readonly dcpTimers = new Map<string, NodeJS.Timeout>();

	constructor(
		private readonly ex: Exchange,
		private readonly hub: Hub,
	) {}

	onMessage(conn: Conn, msg: Json): void {
		const op = msg.op;
		const reqId = typeof msg.req_id === 'string' ? msg.req_id : undefined;
		const base = (extra: Json): Json => ({ ...(reqId !== undefined ? { req_id: reqId } : {}), ...extra, conn_id: conn.connId });
		const args = Array.isArray(msg.args) ? msg.args : [];
		if (op === 'ping' && this.hub.mutePongs) return;
		if (op === 'ping') return this.hub.reply(conn, { req_id: reqId ?? '', op: 'pong', args: [String(this.ex.now())], conn_id: conn.connId });
		if (op === 'pong') return;
		if (op === 'auth') return this.hub.reply(conn, base(this.auth(conn, args)));
		if (op === 'subscribe' || op === 'unsubscribe') {
			if (!conn.key) return this.hub.reply(conn, base({ success: false, ret_msg: 'Request not authorized', op }));
			const topics = args.filter((t): t is string => typeof t === 'string');
			const kinds = topics.map(classify);
			const bad = topics.find((_, i) => kinds[i] === undefined);
			if (topics.length === 0 || bad !== undefined) {
				return this.hub.reply(conn, base({ success: false, ret_msg: `error:handler not found,topic:${bad ?? ''}`, op }));
			}
			// "All-In-One" topics (those that have categorised forms) and categorised ones cannot share a request.
			if (topics.some((t, i) => kinds[i] === 'base' && CATEGORISED[t]) && kinds.includes('categorised')) {
				return this.hub.reply(conn, base({ success: false, ret_msg: 'error:all-in-one and categorised topics cannot be subscribed in the same request', op }));
			}
			for (const t of topics) {
				if (op === 'subscribe') this.hub.subscribe(conn, t);
				else this.hub.unsubscribe(conn, t);
				if (DCP[t] && op === 'subscribe') this.armDcp(t);
			}
			return this.hub.reply(conn, base({ success: true, ret_msg: '', op }));
		}
		this.hub.reply(conn, base({ success: false, ret_msg: `error:invalid op:${String(op)}`, op: String(op) }));
	}

	private auth(conn: Conn, args: unknown[]): Json {
		const out = verifyWsAuth(this.ex, conn.key, args);
		if (out.failure) return { success: false, ret_msg: out.failure === 'repeat' ? 'Repeat auth' : out.failure === 'unknownKey' ? 'API key is invalid.' : 'Params Error', op: 'auth' };
		conn.key = out.key;
		return { success: true, ret_msg: '', op: 'auth' };
	}

	/** State changes from the exchange: one message per topic form. */
	publish(topic: PrivateTopic, category: Category | undefined, data: Json[], executions?: Execution[]): void {
		const now = this.ex.now();
		const msg = (t: string, d: Json[]) => () => JSON.stringify({ id: this.ex.ids.messageId(), topic: t, creationTime: now, data: d });
		this.hub.publish(topic, msg(topic, data));
		if (category && CATEGORISED[topic]) this.hub.publish(`${topic}.${category}`, msg(`${topic}.${category}`, data));
		if (topic === 'execution' && executions) {
			const trades = executions.filter((e) => e.execType === 'Trade');
			if (trades.length === 0) return;
			const fast = (t: string) => () => JSON.stringify({ topic: t, creationTime: now, data: trades.map((e) => fastExecutionView(e, this.ex.instOf(e))) });
			this.hub.publish('execution.fast', fast('execution.fast'));
			if (category) this.hub.publish(`execution.fast.${category}`, fast(`execution.fast.${category}`));
		}
	}

	/** Control: push an arbitrary message to the subscribers of `topic` (and its categorised form). */
	emit(topic: string, data: Json[]): number {
		const now = this.ex.now();
		const text = JSON.stringify({ id: this.ex.ids.messageId(), topic, creationTime: now, data });
		let n = this.hub.publish(topic, text);
		if (CATEGORISED[topic]) {
			const byCat = new Map<string, Json[]>();
			for (const d of data) if (typeof d.category === 'string') byCat.set(d.category, [...(byCat.get(d.category) ?? []), d]);
			for (const [c, list] of byCat) {
				n += this.hub.publish(`${topic}.${c}`, JSON.stringify({ id: this.ex.ids.messageId(), topic: `${topic}.${c}`, creationTime: now, data: list }));
			}
		}
		return n;
	}

	executionJson(e: Execution): Json {
		return executionView(e, this.ex.instOf(e), true);
	}

	// ---------------------------------------------------------------- DCP

	private armDcp(topic: string): void {
		const t = this.dcpTimers.get(topic);
		if (t) {
			clearTimeout(t);
			this.dcpTimers.delete(topic);
		}
	}

	/** A private connection closed: when no connection still holds a dcp topic, start its countdown. */
	onClose(conn: Conn): void {
		for (const topic of conn.topics) {
			const d = DCP[topic];
			if (!d || this.hub.has(topic) || this.dcpTimers.has(topic)) continue;
			const seconds = this.ex.dcp.get(d.product);
			if (!seconds) continue;
			const timer = setTimeout(() => {
				this.dcpTimers.delete(topic);
				if (this.hub.has(topic)) return;
				this.ex.tx(() => {
					for (const c of d.categories) for (const o of this.ex.orders.allOpen(c)) if (!o.fullPosition) closeOrder(this.ex, o, o.orderStatus === 'Untriggered' ? 'Deactivated' : 'Cancelled', 'CancelByDCP');
				});
			}, seconds * 1000);
			timer.unref();
			this.dcpTimers.set(topic, timer);
		}
	}

	close(): void {
		for (const t of this.dcpTimers.values()) clearTimeout(t);
		this.dcpTimers.clear();
	}
}
