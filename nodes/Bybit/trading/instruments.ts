/**
 * Instrument filters and prices for sizing. Filters are cached per credential
 * (host + key), category and symbol for a short time, so 100 items sizing
 * orders on one symbol fetch the instrument once; concurrent lookups share
 * one request. Prices are always fetched fresh.
 */
import type { IDataObject } from 'n8n-workflow';

import { bybitApiRequest, credentialScope, type BybitContext } from '../transport';
import { filtersFromInstrument, SizingError, type InstrumentFilters } from './sizing';

export const FILTER_TTL_MS = 60_000;

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

/** For tests. */
export function clearInstrumentCache(): void {
	cache.clear();
}
