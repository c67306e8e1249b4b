/**
 * Instrument filters and prices for sizing. Filters are cached per credential
 * (host + key), category and symbol for 10 minutes, so 100 items sizing
 * orders on one symbol fetch the instrument once; concurrent lookups share
 * one request. Prices are always fetched fresh.
 */
import type { IDataObject } from 'n8n-workflow';

import { bybitApiRequest, credentialScope, type BybitContext } from '../transport';
import { filtersFromInstrument, SizingError, type InstrumentFilters } from './sizing';

/** Tick size, quantity step and limits change rarely (Bybit announces it), and Bybit refuses what no longer fits. */
export const FILTER_TTL_MS = 10 * 60_000;

interface Entry {
	expires: number;
	value: Promise<InstrumentFilters>;
}

const cache = new Map<string, Entry>();

export async function instrumentFilters(
	ctx: BybitContext,
	category: string,
	symbol: string,
	itemIndex?: number,
): Promise<InstrumentFilters> {
	const key = `${await credentialScope(ctx)}|${category}|${symbol}`;
	const now = Date.now();
	const hit = cache.get(key);
	if (hit && hit.expires > now) return await hit.value;
	const value = bybitApiRequest
		.call<BybitContext, [Parameters<typeof bybitApiRequest>[0]], Promise<IDataObject>>(ctx, {
			method: 'GET',
			path: '/v5/market/instruments-info',
			qs: { category, symbol },
			itemIndex,
		})
		.then((result) => {
			const row = (result.list as IDataObject[] | undefined)?.[0];
			if (!row) throw new SizingError(`Bybit lists no ${category} instrument ${symbol}. Check the symbol and the category.`);
			return filtersFromInstrument(category, row);
		});
	cache.set(key, { expires: now + FILTER_TTL_MS, value });
	// a failed lookup is not cached (the rejection itself still reaches the caller below)
	value.catch(() => cache.delete(key));
	return await value;
}

export type PriceSource = 'lastPrice' | 'markPrice' | 'indexPrice';

export async function currentPrice(
	ctx: BybitContext,
	category: string,
	symbol: string,
	source: PriceSource = 'lastPrice',
	itemIndex?: number,
): Promise<string> {
	const result = await bybitApiRequest.call(ctx, {
		method: 'GET',
		path: '/v5/market/tickers',
		qs: { category, symbol },
		itemIndex,
	});
	const price = (result.list as IDataObject[] | undefined)?.[0]?.[source] as string | undefined;
	if (!price) throw new SizingError(`Bybit returned no ${source} for ${category} ${symbol}.`);
	return price;
}

/** How long a price read only for a sanity check (is the order above Bybit's minimum value?) may be reused. */
export const CHECK_PRICE_TTL_MS = 5 * 60_000;
const checkPrices = new Map<string, { expires: number; value: Promise<string> }>();

/**
 * The last price for a check that tolerates a price a few seconds old (is the order above Bybit's
 * minimum value?): reused for 5 minutes per credential, category and symbol, concurrent reads share one
 * request. Sizing from a price (quote amount, balance, risk) always reads it fresh (currentPrice).
 */
export async function checkPrice(ctx: BybitContext, category: string, symbol: string, itemIndex?: number): Promise<string> {
	const key = `${await credentialScope(ctx)}|${category}|${symbol}`;
	const now = Date.now();
	const hit = checkPrices.get(key);
	if (hit && hit.expires > now) return await hit.value;
	const value = currentPrice(ctx, category, symbol, 'lastPrice', itemIndex);
	checkPrices.set(key, { expires: now + CHECK_PRICE_TTL_MS, value });
	value.catch(() => checkPrices.delete(key));
	return await value;
}

/** For tests. */
export function clearInstrumentCache(): void {
	cache.clear();
	checkPrices.clear();
}
