/** The route table's shape: one handler per path, data-described (auth, write, method). */
import type { Exchange, KeyRecord } from '../state/exchange';
import type { Json } from '../types';
import type { Params } from '../params';

export interface RouteContext {
	ex: Exchange;
	params: Params;
	key?: KeyRecord;
	/** Batch endpoints: how many items the rate limit still allows (items beyond get 10006). */
	allowance: number;
	now: number;
}

export interface Route {
	method: 'GET' | 'POST';
	path: string;
	auth: 'public' | 'private';
	write: boolean;
	/** retMsg on success ("OK" unless the endpoint's docs show another). */
	okMsg?: string;
	handler(ctx: RouteContext): unknown;
}

/** A result with a non-empty retExtInfo (batch endpoints). */
export class WithExtInfo {
	constructor(
		readonly result: unknown,
		readonly retExtInfo: Json,
	) {}
}

/** A complete response body, sent as is (endpoints with a non-standard envelope). */
export class RawBody {
	constructor(readonly body: Json) {}
}

export type RouteTable = Map<string, Route>;

export function table(...groups: Route[][]): RouteTable {
	const m: RouteTable = new Map();
	for (const g of groups) for (const r of g) m.set(r.path, r);
	return m;
}

export const get = (path: string, auth: Route['auth'], handler: Route['handler'], okMsg?: string): Route => ({
	method: 'GET', path, auth, write: false, handler, okMsg,
});

export const post = (path: string, handler: Route['handler'], okMsg?: string): Route => ({
	method: 'POST', path, auth: 'private', write: true, handler, okMsg,
});
