import type { IDataObject, ILoadOptionsFunctions, INodeListSearchResult } from 'n8n-workflow';

import { bybitApiRequest } from '../transport';

/** Symbols of the chosen category, filtered by the search text, one page per call. */
export async function searchSymbols(this: ILoadOptionsFunctions, filter?: string, paginationToken?: string): Promise<INodeListSearchResult> {
	const category = (this.getCurrentNodeParameter('category') as string | undefined) ?? 'linear';
	const result = await bybitApiRequest.call(this, {
		method: 'GET',
		path: '/v5/market/instruments-info',
		qs: { category, limit: 1000, cursor: paginationToken || undefined },
	});
	const needle = (filter ?? '').trim().toUpperCase();
	const results = ((result.list as IDataObject[] | undefined) ?? [])
		.map((row) => String(row.symbol))
		.filter((s) => !needle || s.includes(needle))
		.map((s) => ({ name: s, value: s }));
	const next = (result.nextPageCursor as string | undefined) || undefined;
	return { results, paginationToken: next };
}

/** Coins Bybit knows, filtered by the search text. */
export async function searchCoins(this: ILoadOptionsFunctions, filter?: string): Promise<INodeListSearchResult> {
	const result = await bybitApiRequest.call(this, { method: 'GET', path: '/v5/asset/coin/query-info' });
	const needle = (filter ?? '').trim().toUpperCase();
	const results = ((result.rows as IDataObject[] | undefined) ?? [])
		.map((row) => String(row.coin))
		.filter((c) => !needle || c.includes(needle))
		.sort()
		.map((c) => ({ name: c, value: c }));
	return { results };
}
