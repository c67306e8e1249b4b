/**
 * Safety limits set on the credential and enforced here, in the transport, so
 * every node and every AI-agent tool call obeys them. Each refusal happens
 * before anything is sent and says which limit refused and how to change it.
 */
import type { IDataObject } from 'n8n-workflow';

import { toDecimal } from './decimal';

export interface Guardrails {
	readOnly: boolean;
	/** Upper-case symbols allowed in write requests; undefined = all. */
	allowedSymbols?: ReadonlySet<string>;
	/** Maximum notional per order in the quote/settle currency (USD for inverse); 0 = none. */
	maxOrderNotional: number;
	allowWithdrawals: boolean;
}

export interface GuardrailSettings {
	readOnly?: boolean;
	allowedSymbols?: string;
	maxOrderNotional?: number | string;
	allowWithdrawals?: boolean;
}

export function guardrailsOf(settings: GuardrailSettings): Guardrails {
	const symbols = String(settings.allowedSymbols ?? '')
		.split(/[\s,;]+/)
		.map((s) => s.trim().toUpperCase())
		.filter(Boolean);
	const max = Number(settings.maxOrderNotional ?? 0);
	return {
		readOnly: settings.readOnly === true,
		allowedSymbols: symbols.length ? new Set(symbols) : undefined,
		maxOrderNotional: Number.isFinite(max) && max > 0 ? max : 0,
		allowWithdrawals: settings.allowWithdrawals === true,
	};
}

const ORDER_PATHS = new Set(['/v5/order/create', '/v5/order/amend', '/v5/order/create-batch', '/v5/order/amend-batch']);
const WITHDRAW_PATHS = new Set(['/v5/asset/withdraw/create']);

export interface OrderLike {
	category: string;
	symbol: string;
	side?: string;
	orderType?: string;
	qty?: string;
	price?: string;
	triggerPrice?: string;
	marketUnit?: string;
}

/** The orders a request would place or change (batch requests carry several). */
export function ordersIn(path: string, body: IDataObject | undefined): OrderLike[] {
	if (!body || !ORDER_PATHS.has(path)) return [];
	const category = String(body.category ?? '');
	const items = Array.isArray(body.request) ? (body.request as IDataObject[]) : [body];
	return items.map((o) => ({
		category,
		symbol: String(o.symbol ?? ''),
		side: o.side as string | undefined,
		orderType: o.orderType as string | undefined,
		qty: o.qty === undefined ? undefined : String(o.qty),
		price: o.price === undefined || o.price === '' ? undefined : String(o.price),
		triggerPrice: o.triggerPrice === undefined || o.triggerPrice === '' ? undefined : String(o.triggerPrice),
		marketUnit: o.marketUnit as string | undefined,
	}));
}

function symbolsIn(body: IDataObject | undefined): string[] {
	if (!body) return [];
	const items = Array.isArray(body.request) ? (body.request as IDataObject[]) : [body];
	return items.map((o) => String(o.symbol ?? '').toUpperCase()).filter(Boolean);
}

/** Checks that need no market data. Returns the refusal message, or undefined. */
export function refusalFor(g: Guardrails, method: string, path: string, body: IDataObject | undefined): string | undefined {
	if (WITHDRAW_PATHS.has(path) && !g.allowWithdrawals) {
		return 'Withdrawals are blocked by the Bybit credential. To allow them, open the credential and turn on "Allow Withdrawals".';
	}
	if (method === 'GET') return undefined;
	if (g.readOnly) {
		return `The Bybit credential is in read-only mode, so ${path} was not sent. Turn off "Read-Only Mode" in the credential to allow writes.`;
	}
	if (g.allowedSymbols) {
		const outside = symbolsIn(body).filter((s) => !g.allowedSymbols!.has(s));
		if (outside.length) {
			return `Symbol ${outside.join(', ')} is not in the credential's allowed symbols (${[...g.allowedSymbols].join(', ')}). Add it under "Allowed Symbols" in the credential.`;
		}
	}
	return undefined;
}

/**
 * Notional value of an order in its quote/settle currency: linear and option
 * qty x price; inverse qty is already USD; a spot market buy is sized in the
 * quote coin unless `marketUnit` is `baseCoin`. `price` is the order's price or
 * the current price for market orders.
 */
export function orderNotional(order: OrderLike, price: number | undefined): number | undefined {
	const qty = Number(order.qty);
	if (!Number.isFinite(qty)) return undefined;
	if (order.category === 'inverse') return qty;
	if (order.category === 'spot' && order.orderType === 'Market' && order.side === 'Buy' && order.marketUnit !== 'baseCoin') return qty;
	if (price === undefined || !Number.isFinite(price)) return undefined;
	return qty * price;
}

export function notionalRefusal(g: Guardrails, order: OrderLike, price: number | undefined): string | undefined {
	if (!g.maxOrderNotional) return undefined;
	const notional = orderNotional(order, price);
	if (notional === undefined) {
		return `Cannot check the order against the credential's maximum notional (${toDecimal(g.maxOrderNotional)}): no quantity or price for ${order.symbol}.`;
	}
	if (notional > g.maxOrderNotional) {
		return `Order notional ${toDecimal(Number(notional.toPrecision(12)))} for ${order.qty} ${order.symbol} exceeds the credential's maximum of ${toDecimal(g.maxOrderNotional)} per order. Reduce the quantity or raise "Max Order Notional" in the credential.`;
	}
	return undefined;
}

/** Whether an order's notional needs the current market price to be known. */
export function needsMarketPrice(g: Guardrails, order: OrderLike): boolean {
	if (!g.maxOrderNotional || order.category === 'inverse') return false;
	if (order.category === 'spot' && order.orderType === 'Market' && order.side === 'Buy' && order.marketUnit !== 'baseCoin') return false;
	return order.price === undefined && order.triggerPrice === undefined;
}
