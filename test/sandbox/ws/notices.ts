/**
 * Public notice topics (docs: websocket/public/insurance-pool.mdx,
 * order-price-limit.mdx, adl-alert.mdx; websocket/system/system-status.mdx):
 * which stream serves each, the system status stream (/v5/public/misc/status),
 * and pushes in the docs' message shapes, published from tests by control.
 */
import type { Exchange } from '../state/exchange';
import type { Category, Json } from '../types';
import type { Conn, Hub } from './hub';

export const STATUS_PATH = '/v5/public/misc/status';
const STATUS_TOPIC = 'system.status';

/** insurance.{USDT|USDC} and adlAlert.{USDT|USDC} on linear, .inverse on inverse; priceLimit.{symbol} on its spot, linear or inverse stream. */
export function noticeServed(ex: Exchange, category: Category, topic: string): boolean {
	const [head, tail, ...rest] = topic.split('.');
	if (rest.length || !tail) return false;
	if (head === 'insurance' || head === 'adlAlert') return (category === 'linear' && (tail === 'USDT' || tail === 'USDC')) || (category === 'inverse' && tail === 'inverse');
	if (head === 'priceLimit') return category !== 'option' && !!ex.inst(category, tail);
	return false;
}

export class NoticeStreams {
	constructor(
		private readonly ex: Exchange,
		private readonly hub: Hub,
	) {}

	/** The system status stream: ping and subscribe like the linear stream; its one topic is system.status. */
	onStatusMessage(conn: Conn, msg: Json): void {
		const op = msg.op;
		const reqId = typeof msg.req_id === 'string' ? msg.req_id : '';
		if (op === 'ping' && this.hub.mutePongs) return;
		if (op === 'ping') return this.hub.reply(conn, { success: true, ret_msg: 'pong', conn_id: conn.connId, req_id: reqId, op: 'ping' });
		if (op === 'pong') return;
		if (op !== 'subscribe' && op !== 'unsubscribe') {
			return this.hub.reply(conn, { success: false, ret_msg: `error:invalid op:${String(op)}`, conn_id: conn.connId, req_id: reqId, op: String(op) });
		}
		const topics = (Array.isArray(msg.args) ? msg.args : []).filter((t): t is string => typeof t === 'string');
		const bad = topics.find((t) => t !== STATUS_TOPIC);
		if (!topics.length || bad !== undefined) {
			return this.hub.reply(conn, { success: false, ret_msg: bad !== undefined ? `error:handler not found,topic:${bad}` : 'error:empty args', conn_id: conn.connId, req_id: reqId, op });
		}
		if (op === 'subscribe') this.hub.subscribe(conn, `status|${STATUS_TOPIC}`);
		else this.hub.unsubscribe(conn, `status|${STATUS_TOPIC}`);
		this.hub.reply(conn, { success: true, ret_msg: '', conn_id: conn.connId, req_id: reqId, op });
	}

	/**
	 * Pushes `data` on a notice topic in the docs' shape: insurance
	 * {topic, type, ts, data[]}, priceLimit {topic, data{}, ts}, adlAlert
	 * {topic, type: snapshot, ts, data[]}, system.status {topic, ts, data[]}.
	 * `category` picks the stream of a priceLimit symbol listed in several
	 * (default: every stream subscribed). Returns the connections reached.
	 */
	publish(topic: string, data: Json | Json[], opts: { type?: 'snapshot' | 'delta'; category?: Category } = {}): number {
		const ts = this.ex.now();
		const head = topic.split('.')[0];
		let message: Json;
		if (head === 'insurance') message = { topic, type: opts.type ?? 'delta', ts, data };
		else if (head === 'priceLimit') message = { topic, data, ts };
		else if (head === 'adlAlert') message = { topic, type: opts.type ?? 'snapshot', ts, data };
		else if (topic === STATUS_TOPIC) message = { topic, ts, data };
		else throw new Error(`sandbox control: ${topic} is not a notice topic`);
		const text = JSON.stringify(message);
		if (topic === STATUS_TOPIC) return this.hub.publish(`status|${topic}`, text);
		const categories: Category[] = opts.category ? [opts.category] : ['spot', 'linear', 'inverse'];
		return categories.reduce((n, c) => n + this.hub.publish(`${c}|${topic}`, text), 0);
	}
}
