/**
 * Market facts the transport looked up for one request (tickers, the open
 * order an amend changes, the convert quote a confirm executes), handed to
 * the signer on the request options under a module-private Symbol. Object spread keeps own symbol keys, so the facts
 * survive n8n's copies of the options; nothing a workflow can express (JSON
 * parameters, the HTTP Request node's options) can create this key, so facts
 * cannot be forged from outside this package. They are bound to
 * category + symbol (+ order id, + quoteTxId) and expire after FACTS_TTL_MS.
 */
import type { ConvertQuoteFacts } from './convertSafety';
import type { OpenOrderFacts, TickerFacts } from './valuation';

export const FACTS_TTL_MS = 60_000;

export interface MarketFacts {
	/** Date.now() when the facts were looked up. */
	at: number;
	/** By tickerKey(category, symbol). */
	tickers: Record<string, TickerFacts>;
	/** By orderKey(...); null = looked up, no such open order. */
	orders: Record<string, OpenOrderFacts | null>;
	/** Convert quotes the Bybit node requested with this key, by quoteTxId; null = not known. */
	quotes?: Record<string, ConvertQuoteFacts | null>;
}

const FACTS = Symbol('bybitMarketFacts');

export function tickerKey(category: string, symbol: string): string {
	return `${category}|${symbol.toUpperCase()}`;
}

export function orderKey(category: string, symbol: string, orderId: unknown, orderLinkId: unknown): string {
	return `${tickerKey(category, symbol)}|${orderId ? String(orderId) : ''}|${orderLinkId ? String(orderLinkId) : ''}`;
}

/** Returns the options with the facts attached (same object, for the transport's own options). */
export function withMarketFacts<T extends object>(options: T, facts: MarketFacts): T {
	(options as Record<symbol, unknown>)[FACTS] = Object.freeze(facts);
	return options;
}

/** The facts attached by the transport, if any and still fresh. */
export function marketFactsOf(options: object, now: number = Date.now()): MarketFacts | undefined {
	const facts = (options as Record<symbol, unknown>)[FACTS] as MarketFacts | undefined;
	if (!facts || typeof facts.at !== 'number' || now - facts.at > FACTS_TTL_MS || now < facts.at - 1000) return undefined;
	return facts;
}
