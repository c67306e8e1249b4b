/**
 * Bybit's REST signature recomputed here with Node's `crypto` alone (not the
 * package's signing kernel), over the raw bytes a server received: the query
 * string for GET, the body for POST.
 */
import { createHmac } from 'crypto';

export interface ReceivedRequest {
	method: string;
	query: string;
	body: string;
	headers: Record<string, unknown>;
}

export function independentlySigned(entry: ReceivedRequest, secret: string): boolean {
	const h = entry.headers as Record<string, string>;
	const payload = entry.method === 'GET' ? entry.query : entry.body;
	const expected = createHmac('sha256', secret).update(`${h['x-bapi-timestamp']}${h['x-bapi-api-key']}${h['x-bapi-recv-window']}${payload}`).digest('hex');
	return h['x-bapi-sign'] === expected;
}
