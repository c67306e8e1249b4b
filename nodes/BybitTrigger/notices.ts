/**
 * Public notice streams (docs: websocket/public/insurance-pool, order-price-limit,
 * adl-alert; websocket/system/system-status): topics, the host each one lives on,
 * and their entries as items. Bybit pushes price limits every 300 ms and ADL
 * alerts every second whether or not anything changed, and may send a snapshot
 * again after a reconnect, so an entry is emitted only when it is new or differs
 * from the last one emitted for the same key (pool, symbol, maintenance id).
 */
import type { IDataObject } from 'n8n-workflow';

export type NoticeEvent = 'insurance' | 'priceLimit' | 'adlAlert' | 'systemStatus';
export const NOTICE_EVENTS: readonly string[] = ['insurance', 'priceLimit', 'adlAlert', 'systemStatus'];

/** The contract groups of `insurance.{group}` and `adlAlert.{group}`. */
export type ContractGroup = 'USDT' | 'USDC' | 'inverse';
export const CONTRACT_GROUPS: readonly ContractGroup[] = ['USDT', 'USDC', 'inverse'];

export interface NoticeSettings {
	event: NoticeEvent;
	/** priceLimit */
	symbol?: string;
	/** insurance, adlAlert */
	group?: ContractGroup;
	/** insurance, adlAlert: only entries of these symbols (empty: all) */
	symbols?: Set<string>;
}

export function noticeTopic(s: NoticeSettings): string {
	switch (s.event) {
		case 'insurance':
			return `insurance.${s.group ?? 'USDT'}`;
		case 'adlAlert':
			return `adlAlert.${s.group ?? 'USDT'}`;
		case 'priceLimit':
			return `priceLimit.${s.symbol ?? ''}`;
		case 'systemStatus':
			return 'system.status';
	}
}

/**
 * Where a notice topic is served: USDT and USDC pools on the linear stream,
 * inverse pools on the inverse stream, price limits on the symbol's own
 * category, system status on /v5/public/misc/status.
 */
export function noticeStream(s: NoticeSettings, category: string): { kind: 'category'; category: string } | { kind: 'status' } {
	if (s.event === 'systemStatus') return { kind: 'status' };
	if (s.event === 'priceLimit') return { kind: 'category', category };
	return { kind: 'category', category: s.group === 'inverse' ? 'inverse' : 'linear' };
}

/** The key an entry is tracked by, its symbol (for the Only Symbols filter) and its summary. */
function describe(event: NoticeEvent, d: IDataObject, topic: string): { key: string; symbol?: string; summary: string } {
	switch (event) {
		case 'insurance':
			// one symbol per pushed pool (shared pools, comma-joined in REST, are not pushed): split all the same
			return { key: `${d.coin}|${d.symbols}`, symbol: String(d.symbols ?? ''), summary: `Insurance pool ${d.coin} (${d.symbols}): balance ${d.balance}` };
		case 'adlAlert':
			return {
				key: `${d.c}|${d.s}`,
				symbol: String(d.s ?? ''),
				summary: `ADL alert ${d.s} (${d.c} pool): balance ${d.b}, PnL drawdown ratio ${d.pr} (threshold ${d.i_pr}, stops below ${d.adl_sr})`,
			};
		case 'priceLimit':
			return { key: String(d.symbol ?? topic), symbol: String(d.symbol ?? ''), summary: `Price limits ${d.symbol}: buy at most ${d.buyLmt}, sell at least ${d.sellLmt}` };
		case 'systemStatus':
			return { key: String(d.id ?? ''), summary: `System status: ${d.title} ${d.state} (${d.begin} to ${d.end})` };
	}
}

const MAX_KEYS = 10_000;

export class NoticeWatcher {
	private readonly last = new Map<string, string>();

	constructor(readonly s: NoticeSettings) {}

	/** Items to emit for one message: entries new or changed since the last emitted under their key. */
	onMessage(msg: { topic: string; type?: string; ts?: number; data?: unknown }): IDataObject[] {
		// priceLimit's data is one object (docs' example), the others' an array
		const entries = (Array.isArray(msg.data) ? msg.data : msg.data && typeof msg.data === 'object' ? [msg.data] : []) as IDataObject[];
		const items: IDataObject[] = [];
		for (const entry of entries) {
			const { key, symbol, summary } = describe(this.s.event, entry, msg.topic);
			if (this.s.symbols && symbol !== undefined && !symbol.split(',').some((x) => this.s.symbols!.has(x.trim()))) continue;
			const text = JSON.stringify(entry);
			if (this.last.get(key) === text) continue;
			this.last.delete(key);
			this.last.set(key, text);
			if (this.last.size > MAX_KEYS) this.last.delete(this.last.keys().next().value as string);
			items.push({ topic: msg.topic, eventType: this.s.event, type: msg.type ?? null, ts: msg.ts ?? null, ...entry, summary });
		}
		return items;
	}
}
