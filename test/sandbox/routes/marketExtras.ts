/**
 * More public market data (docs: market/order-price-limit, adl-alert,
 * rpi-orderbook, index-components, fee-group-info, new-delivery-price) and the
 * public system status and announcements.
 */
import { paramError, type Json } from '../types';
import { category, int, missing, oneOf, reqStr, str } from '../params';
import type { Exchange } from '../state/exchange';
import { extrasOf, maintenanceState } from '../state/extras';
import { fixed, trimmed } from '../util/num';
import { hash01 } from '../util/ids';
import { get, type Route } from './route';

const DAY = 86_400_000;
const LOCALES = ['de-DE', 'en-US', 'es-AR', 'es-ES', 'es-MX', 'fr-FR', 'kk-KZ', 'id-ID', 'uk-UA', 'ja-JP', 'ru-RU', 'th-TH', 'pt-BR', 'tr-TR', 'vi-VN', 'zh-TW', 'ar-SA', 'hi-IN', 'fil-PH'];
const ANNOUNCEMENT_TYPES: Record<string, string> = {
	new_crypto: 'New Listings', latest_bybit_news: 'Latest Bybit News', delistings: 'Delistings', latest_activities: 'Latest Activities',
	product_updates: 'Product Updates', maintenance_updates: 'Maintenance Updates', new_fiat_listings: 'New Fiat Listings', other: 'Other',
};

/** Fee rates of the docs' example (market/fee-group-info): G1 per Pro level, market maker rebates. */
const PRO_G1: Array<[string, string]> = [['0.00028', '0.0001'], ['0.00025', '0.00005'], ['0.00022', '0.000025'], ['0.0002', '0.00001'], ['0.00018', '0'], ['0.00015', '0']];
const PRO_OTHER: Array<[string, string]> = [['0.00032', '0'], ['0.00032', '0'], ['0.00032', '0'], ['0.00028', '0'], ['0.00028', '0'], ['0.00028', '0']];

function feeGroup(groupName: string, weightingFactor: number, symbols: string[], pro: Array<[string, string]>, rebates: string[], now: number): Json {
	return {
		groupName, weightingFactor, symbolsNumbers: symbols.length, symbols,
		feeRates: {
			pro: pro.map(([takerFeeRate, makerFeeRate], k) => ({ level: `Pro ${k + 1}`, takerFeeRate, makerFeeRate, makerRebate: '' })),
			marketMaker: rebates.map((makerRebate, k) => ({ level: `MM ${k + 1}`, takerFeeRate: '', makerFeeRate: '', makerRebate })),
		},
		updateTime: String(Math.floor(now / DAY) * DAY),
	};
}

function announcements(ex: Exchange): Json[] {
	const t0 = ex.startedAt;
	const rows: Array<[string, string, string[], number]> = [
		['New Listing: SOLUSDT Perpetual Contract', 'new_crypto', ['Derivatives', 'Futures'], 1],
		['Scheduled maintenance of the trading system', 'maintenance_updates', ['Upgrades'], 2],
		['Delisting of ETHBTC spot trading pair', 'delistings', ['Spot', 'Delistings'], 3],
		['Trade BTC options with zero maker fees', 'latest_activities', ['Options'], 4],
		['New Listing: Arbitrum (ARB) — Deposit, Trade and Stake ARB', 'new_crypto', ['Spot', 'Spot Listings'], 5],
	];
	const out: Json[] = [];
	for (let round = 0; round < 5; round++) {
		for (const [title, key, tags, days] of rows) {
			const t = t0 - (days + round * 7) * DAY;
			const row: Json = {
				title: round ? `${title} (${round + 1})` : title, description: `${title}.`, type: { title: ANNOUNCEMENT_TYPES[key], key }, tags,
				url: `https://announcements.bybit.com/en-US/article/${key}-${round}-${days}/`, dateTimestamp: t, startDateTimestamp: t, endDateTimestamp: t + (key === 'latest_activities' ? 14 * DAY : 0),
				publishTime: t,
			};
			out.push(row);
		}
	}
	return out.sort((a, b) => Number(b.publishTime) - Number(a.publishTime));
}

export function marketExtraRoutes(ex: Exchange): Route[] {
	return [
		get('/v5/market/price-limit', 'public', ({ params: p, now }) => {
			const inst = ex.instOrThrow(category(p, ['spot', 'linear', 'inverse'], 'linear'), p.symbol);
			const m = ex.market(inst);
			// derivatives: within a band around the mark price; spot: around the last price
			const ref = inst.category === 'spot' ? m.last : m.mark;
			return { symbol: inst.symbol, buyLmt: m.price(ref * 1.01), sellLmt: m.price(ref * 0.99), ts: String(now) };
		}, ''),
		get('/v5/market/adlAlert', 'public', ({ params: p, now }) => {
			const symbol = str(p, 'symbol');
			const contracts = [...ex.ofCategory('linear'), ...ex.ofCategory('inverse')].filter((i) => !symbol || i.symbol === symbol);
			if (symbol && contracts.length === 0) throw paramError('params error: symbol invalid');
			const list = contracts.map((i) => ({
				coin: i.settleCoin, symbol: i.symbol, balance: i.category === 'inverse' ? '1052.235' : '92203504694.99632', maxBalance: '',
				insurancePnlRatio: '-0.3', pnlRatio: fixed(-0.2 * hash01(`${i.symbol}${Math.floor(now / 60_000)}`), 6), adlTriggerThreshold: '10000', adlStopRatio: '-0.25',
			}));
			return { updatedTime: String(Math.floor(now / 60_000) * 60_000), list };
		}),
		get('/v5/market/rpi_orderbook', 'public', ({ params: p, now }) => {
			const inst = ex.instOrThrow(category(p, ['spot', 'linear', 'inverse'], 'linear'), p.symbol);
			const depth = int(p, 'limit');
			if (depth === undefined) throw missing('limit');
			if (depth < 1 || depth > 50) throw paramError('params error: limit invalid');
			const m = ex.market(inst);
			const { b, a } = m.book(depth);
			const rpi = (level: string[], k: number) => [level[0], level[1], k === 0 ? m.qty(Number(level[1]) / 4) : m.qty(0)];
			return { s: inst.symbol, a: a.map(rpi), b: b.map(rpi), ts: now, u: m.bookSeq, seq: m.bookSeq * 7, cts: now - 2 };
		}),
		get('/v5/market/index-price-components', 'public', ({ params: p, now }) => {
			const indexName = reqStr(p, 'indexName');
			const inst = ex.inst('linear', indexName);
			if (!inst) throw paramError('params error: indexName invalid');
			const index = ex.market(inst).index;
			const venues: Array<[string, string, number]> = [['Bybit', inst.symbol, 0.3], ['Binance', inst.symbol, 0.4], ['OKX', `${inst.baseCoin}-USDT`, 0.2], ['GateIO', `${inst.baseCoin}_USDT`, 0.1]];
			const components = venues.map(([exchange, spotPair, weight]) => {
				const price = ex.market(inst).price(index * (1 + (hash01(`${exchange}${indexName}${Math.floor(now / 1000)}`) - 0.5) * 0.0004));
				return { exchange, spotPair, equivalentPrice: price, multiplier: '1', price, weight: String(weight) };
			});
			return { indexName: inst.symbol, lastPrice: ex.market(inst).price(index), updateTime: String(now), components };
		}, ''),
		get('/v5/market/fee-group-info', 'public', ({ params: p, now }) => {
			if (reqStr(p, 'productType') !== 'contract') throw paramError('params error: productType invalid');
			const groupId = oneOf(p, 'groupId', ['1', '2', '3', '4', '5', '6', '7', '8', '9'] as const);
			const linear = ex.ofCategory('linear').map((i) => i.symbol);
			const groups: Array<[string, Json]> = [
				['6', feeGroup('Innovation-Zone', 1, [], PRO_OTHER, ['-0.000025', '-0.00005', '-0.000075'], now)],
				['7', feeGroup('Pre-listing', 1, [], PRO_OTHER, ['-0.000025', '-0.00005', '-0.000075'], now)],
				['1', feeGroup('G1(Major Coins)', 1, linear.filter((s) => ['BTCUSDT', 'ETHUSDT', 'XRPUSDT', 'SOLUSDT'].includes(s)), PRO_G1, ['-0.00001', '-0.000025', '-0.00004'], now)],
				['2', feeGroup('G2(High Growth)', 5, linear.filter((s) => !['BTCUSDT', 'ETHUSDT', 'XRPUSDT', 'SOLUSDT'].includes(s)), PRO_OTHER, ['-0.000025', '-0.00005', '-0.000075'], now)],
			];
			return { list: groups.filter(([id]) => !groupId || id === groupId).map(([, g]) => g) };
		}),
		get('/v5/market/new-delivery-price', 'public', ({ params: p, now }) => {
			category(p, ['option']);
			const baseCoin = reqStr(p, 'baseCoin');
			if (!['BTC', 'ETH', 'SOL'].includes(baseCoin)) throw paramError('params error: baseCoin invalid');
			const settleCoin = oneOf(p, 'settleCoin', ['USDT', 'USDC'] as const, 'USDT');
			const last = Math.floor((now - 8 * 3_600_000) / DAY) * DAY + 8 * 3_600_000;
			const list = Array.from({ length: 50 }, (_, k) => {
				const t = last - k * DAY;
				return { deliveryPrice: trimmed(ex.usdPrice(baseCoin) * (0.95 + 0.1 * hash01(`${baseCoin}${settleCoin}${t}`)), 8), deliveryTime: String(t) };
			});
			return { category: 'option', list };
		}, ''),
		get('/v5/system/status', 'public', ({ params: p, now }) => {
			const id = str(p, 'id');
			const state = oneOf(p, 'state', ['scheduled', 'ongoing', 'completed', 'canceled'] as const);
			const list = extrasOf(ex)
				.maintenance.map((m) => ({
					id: m.id, title: m.title, state: maintenanceState(m, now), begin: String(m.begin), end: String(m.end), href: '',
					serviceTypes: m.serviceTypes, product: m.product, uidSuffix: [], maintainType: m.maintainType, env: m.env,
				}))
				.filter((m) => (!id || m.id === id) && (!state || m.state === state))
				.sort((a, b) => Number(b.begin) - Number(a.begin));
			return { list };
		}, ''),
		get('/v5/announcements/index', 'public', ({ params: p }) => {
			const locale = reqStr(p, 'locale');
			if (!LOCALES.includes(locale)) throw paramError('params error: locale invalid');
			const type = str(p, 'type');
			if (type !== undefined && !(type in ANNOUNCEMENT_TYPES)) throw paramError('params error: type invalid');
			const tag = str(p, 'tag');
			const page = int(p, 'page') ?? 1;
			const size = int(p, 'limit') ?? 20;
			if (page < 1) throw paramError('params error: page invalid');
			if (size < 1) throw paramError('params error: limit invalid');
			const rows = announcements(ex).filter((r) => (!type || (r.type as Json).key === type) && (!tag || (r.tags as string[]).includes(tag)));
			return { total: rows.length, list: rows.slice((page - 1) * size, page * size) };
		}),
	];
}
