import type { IDataObject } from 'n8n-workflow';

export interface AccountFilters {
	symbols?: Set<string>;
	side?: string;
	orderStatus?: Set<string>;
	orderLinkIdPrefix?: string;
}

export function parseFilters(raw: IDataObject): AccountFilters {
	const list = (v: unknown) =>
		String(v ?? '')
			.split(/[\s,]+/)
			.map((s) => s.trim())
			.filter(Boolean);
	const symbols = list(raw.symbols).map((s) => s.toUpperCase());
	const statuses = Array.isArray(raw.orderStatus) ? (raw.orderStatus as string[]) : list(raw.orderStatus);
	return {
		symbols: symbols.length ? new Set(symbols) : undefined,
		side: raw.side ? String(raw.side) : undefined,
		orderStatus: statuses.length ? new Set(statuses) : undefined,
		orderLinkIdPrefix: raw.orderLinkIdPrefix ? String(raw.orderLinkIdPrefix) : undefined,
	};
}

/** Whether an entry passes the filters. Fields an entry does not have (wallet has no symbol) do not filter it out. */
export function passes(f: AccountFilters, d: IDataObject): boolean {
	if (f.symbols && d.symbol !== undefined && !f.symbols.has(String(d.symbol))) return false;
	if (f.side && d.side !== undefined && d.side !== f.side) return false;
	if (f.orderStatus && d.orderStatus !== undefined && !f.orderStatus.has(String(d.orderStatus))) return false;
	if (f.orderLinkIdPrefix && !String(d.orderLinkId ?? '').startsWith(f.orderLinkIdPrefix)) return false;
	return true;
}
