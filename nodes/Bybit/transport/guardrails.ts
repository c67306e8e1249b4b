/**
 * The credential's safety limits in the transport: the rules live in the
 * shared kernel (credentials/common/bybit/safety.ts), where the credential's
 * signer applies them to every request. Here the same check runs first, so a
 * refusal is a NodeOperationError with the item index, and the market facts a
 * valuation needs (tickers, the open order of an amend) are looked up and
 * handed to the signer.
 */
import { NodeOperationError, type IDataObject } from 'n8n-workflow';

import { orderKey, tickerKey, type MarketFacts } from '../../../credentials/common/bybit/marketFacts';
import { isWrite, lookupsFor, safetyRefusal, type Guardrails, type SafetyRequest } from '../../../credentials/common/bybit/safety';
import type { OpenOrderFacts, TickerFacts } from '../../../credentials/common/bybit/valuation';
import { recallQuote } from '../trading/convertQuotes';
import { keyInfo, keyScope } from './access';
import type { BybitContext, BybitRequest } from './index';

export { guardrailsOf, safetyRefusal, type GuardrailSettings, type Guardrails } from '../../../credentials/common/bybit/safety';

/** The transport's GET (passed in: this module must not import the transport's runtime). */
type Get = (this: BybitContext, req: BybitRequest) => Promise<IDataObject>;

/** Looks up what valuing the request needs (tickers; for amends the open order). */
async function marketFacts(ctx: BybitContext, guardrails: Guardrails, req: BybitRequest, request: SafetyRequest, get: Get): Promise<MarketFacts> {
	const facts: MarketFacts = { at: Date.now(), tickers: {}, orders: {} };
	let lookups = lookupsFor(guardrails, request);
	if (lookups.quotes.length) {
		// convert quotes this node requested with this key (remembered from Bybit's answers), then their coins' prices
		const key = await keyInfo(ctx, req.itemIndex);
		facts.quotes = Object.fromEntries(lookups.quotes.map((id) => [id, recallQuote(keyScope(key), id) ?? null]));
		lookups = lookupsFor(guardrails, request, facts);
	}
	for (const { category, symbol } of lookups.tickers) {
		const result = await get.call(ctx, { method: 'GET', path: '/v5/market/tickers', qs: { category, symbol }, itemIndex: req.itemIndex });
		const row = (result.list as IDataObject[] | undefined)?.find((t) => String(t.symbol).toUpperCase() === symbol);
		if (row) facts.tickers[tickerKey(category, symbol)] = row as TickerFacts;
	}
	for (const { category, symbol, orderId, orderLinkId } of lookups.orders) {
		const result = await get.call(ctx, {
			method: 'GET',
			path: '/v5/order/realtime',
			qs: { category, symbol, orderId, orderLinkId },
			itemIndex: req.itemIndex,
		});
		const row = (result.list as IDataObject[] | undefined)?.[0];
		facts.orders[orderKey(category, symbol, orderId, orderLinkId)] = row
			? ({
					side: row.side,
					orderType: row.orderType,
					qty: row.qty,
					price: row.price,
					triggerPrice: row.triggerPrice,
					marketUnit: row.marketUnit,
					reduceOnly: row.reduceOnly === true,
					closeOnTrigger: row.closeOnTrigger === true,
				} as OpenOrderFacts)
			: null;
	}
	return facts;
}

/**
 * Refuses, before anything is sent, what the credential's safety limits
 * forbid (the same rules the signer applies), and returns the market facts
 * the signer needs to re-check the request. A read is judged without a
 * promise (it needs no look-up): one microtask less per request.
 */
export function enforceGuardrails(ctx: BybitContext, guardrails: Guardrails, req: BybitRequest, get: Get): MarketFacts | Promise<MarketFacts> {
	// a read needs no market facts and is never refused: safetyRefusal passes every read, with or without them
	if (!isWrite(req.method, req.path)) return { at: Date.now(), tickers: {}, orders: {} };
	// refusals that need no market data come first (the body's keys, the allow-list): nothing is looked up for them
	const request: SafetyRequest = { method: req.method, path: req.path, body: req.body };
	const early = safetyRefusal(guardrails, request, undefined, true);
	if (early) return Promise.reject(refusalError(ctx, req, early));
	return writeFacts(ctx, guardrails, req, request, get);
}

function refusalError(ctx: BybitContext, req: BybitRequest, message: string): NodeOperationError {
	return new NodeOperationError(ctx.getNode(), message, { itemIndex: req.itemIndex });
}

/** A write: looks up what valuing it needs, then judges it with those facts. */
async function writeFacts(ctx: BybitContext, guardrails: Guardrails, req: BybitRequest, request: SafetyRequest, get: Get): Promise<MarketFacts> {
	const facts = await marketFacts(ctx, guardrails, req, request, get);
	const refusal = safetyRefusal(guardrails, request, facts);
	if (refusal) throw refusalError(ctx, req, refusal);
	return facts;
}
