/**
 * The trigger's Symbol list: market streams need no credential, so the list
 * comes from the public REST endpoint of the host the stream uses (the Public
 * Host preset, or the REST side of a custom WebSocket base URL).
 */
import { NodeOperationError, type IDataObject, type ILoadOptionsFunctions, type INodeListSearchResult } from 'n8n-workflow';

import { ENVIRONMENTS, type PresetEnvironment } from '../../credentials/common/bybit/endpoints';

function restBaseOf(ctx: ILoadOptionsFunctions): string {
	const host = (ctx.getCurrentNodeParameter('publicHost') as string | undefined) ?? 'mainnet';
	if (host === 'custom') {
		const ws = String(ctx.getCurrentNodeParameter('publicWsUrl') ?? '').trim().replace(/\/+$/, '');
		if (!/^wss?:\/\//i.test(ws)) throw new NodeOperationError(ctx.getNode(), 'Set WebSocket Base URL (ws:// or wss://) to list its symbols, or choose By Symbol.');
		return ws.replace(/^ws/i, 'http');
	}
	return (ENVIRONMENTS[host as PresetEnvironment] ?? ENVIRONMENTS.mainnet).rest;
}

/** Symbols of the chosen Market Category, filtered by the search text, one page per call. */
export async function searchPublicSymbols(this: ILoadOptionsFunctions, filter?: string, paginationToken?: string): Promise<INodeListSearchResult> {
	const category = (this.getCurrentNodeParameter('marketCategory') as string | undefined) ?? 'linear';
	const qs: IDataObject = { category, limit: 1000 };
	if (paginationToken) qs.cursor = paginationToken;
	const response = (await this.helpers.httpRequest({ method: 'GET', url: `${restBaseOf(this)}/v5/market/instruments-info`, qs, json: true })) as IDataObject;
	if (response?.retCode !== 0) {
		throw new NodeOperationError(this.getNode(), `Bybit did not list the ${category} symbols: ${String(response?.retMsg ?? 'no answer')} (retCode ${String(response?.retCode)}).`);
	}
	const result = (response.result ?? {}) as IDataObject;
	const needle = (filter ?? '').trim().toUpperCase();
	const results = ((result.list as IDataObject[] | undefined) ?? [])
		.map((row) => String(row.symbol))
		.filter((s) => !needle || s.includes(needle))
		.map((s) => ({ name: s, value: s }));
	return { results, paginationToken: (result.nextPageCursor as string | undefined) || undefined };
}
