/** Helpers for the /v5/trade tests: a signed auth, and order ops with Bybit's request shape. */
import { wsAuthArgs, type SigningKey } from '../../credentials/common/bybit/signing';
import { connect, keyOf, type Json, type WsClient } from './helpers';
import type { Sandbox } from './index';

export interface TradeClient extends WsClient {
	/** Send an order op (`{reqId, header, op, args: [arg]}`, fields overridable) and resolve with the answer carrying its reqId. */
	op(op: string, arg: Json, over?: Json): Promise<Json>;
}

let seq = 0;

export async function openTrade(sb: Sandbox, clients: WsClient[], query = ''): Promise<TradeClient> {
	const c = (await connect(`${sb.tradeUrl}${query}`)) as TradeClient;
	clients.push(c);
	c.op = (op, arg, over = {}) => {
		const reqId = (over.reqId as string | undefined) ?? `t-${++seq}`;
		const from = c.messages.length;
		c.send({ reqId, header: { 'X-BAPI-TIMESTAMP': String(Date.now()), 'X-BAPI-RECV-WINDOW': '5000' }, op, args: [arg], ...over });
		return c.next((m) => m.reqId === reqId && m.op !== 'auth' && c.messages.indexOf(m) >= from);
	};
	return c;
}

/** Open and authenticate (HMAC default key unless `key`). */
export async function authedTrade(sb: Sandbox, clients: WsClient[], key: SigningKey = keyOf(sb), query = ''): Promise<TradeClient> {
	const c = await openTrade(sb, clients, query);
	c.send({ reqId: 'auth-1', op: 'auth', args: wsAuthArgs(key, Date.now() + 5000) });
	const a = await c.next((m) => m.op === 'auth');
	if (a.retCode !== 0) throw new Error(`auth failed: ${JSON.stringify(a)}`);
	return c;
}

/** A linear BTCUSDT limit buy that rests (well below the 65,000 start price). */
export const resting = (orderLinkId: string, extra: Json = {}): Json => ({
	category: 'linear', symbol: 'BTCUSDT', side: 'Buy', orderType: 'Limit', qty: '0.001', price: '60000', orderLinkId, ...extra,
});
