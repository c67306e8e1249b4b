/** Market endpoints (public; signed headers are accepted and ignored). */
import { paramError, type Category, type Json } from '../types';
import { category, int, limit, missing, oneOf, reqStr, str, type Params } from '../params';
import { instrumentInfo, type Instrument } from '../state/instruments';
import { isInterval, type Candle, type Market } from '../state/market';
import type { Exchange } from '../state/exchange';
import { decodeCursor, encodeCursor, pageArray } from '../util/paginate';
import { fixed, trimmed } from '../util/num';
import { hash01 } from '../util/ids';
import { get, RawBody, type Route } from './route';

const HOUR = 3_600_000;
const PERIODS: Record<string, number> = { '5min': 300_000, '15min': 900_000, '30min': 1_800_000, '1h': HOUR, '4h': 4 * HOUR, '1d': 24 * HOUR };

function symbolOf(ex: Exchange, cat: Category, p: Params): Instrument {
	return ex.instOrThrow(cat, reqStr(p, 'symbol'));
}

function kline(kind: 'last' | 'mark' | 'index' | 'premium', cats: Category[]) {
	return ({ ex, params: p, now }: { ex: Exchange; params: Params; now: number }) => {
		const cat = category(p, cats, 'linear');
		const inst = symbolOf(ex, cat, p);
		const interval = reqStr(p, 'interval');
		if (!isInterval(interval)) throw paramError('params error: interval invalid');
		const candles = ex.market(inst).klines(interval, now, int(p, 'start'), int(p, 'end'), limit(p, 200, cat === 'option' ? 500 : 1000));
		const m = ex.market(inst);
		const px = (n: number) => fixed(n, inst.priceScale);
		const row = (c: Candle): string[] => {
			if (kind === 'last') return [String(c.start), px(c.open), px(c.high), px(c.low), px(c.close), trimmed(c.volume, 8), trimmed(c.turnover, 8)];
			if (kind === 'premium') {
				const v = (t: number) => fixed(0.0001 * Math.sin(t / HOUR) + 0.00005, 6);
				return [String(c.start), v(c.start), v(c.start + 1), v(c.start + 2), v(c.end)];
			}
			const f = kind === 'mark' ? m.mark / m.last : m.index / m.last;
			return [String(c.start), px(c.open * f), px(c.high * f), px(c.low * f), px(c.close * f)];
		};
		return { symbol: inst.symbol, category: cat, list: candles.map(row) };
	};
}

function tickerJson(ex: Exchange, inst: Instrument): Json {
	const m = ex.market(inst);
	const px = (n: number) => m.price(n);
	const { b, a } = m.book(1);
	if (inst.category === 'spot') {
		return {
			symbol: inst.symbol, bid1Price: b[0][0], bid1Size: b[0][1], ask1Price: a[0][0], ask1Size: a[0][1], lastPrice: px(m.last),
			prevPrice24h: px(m.prev24h), price24hPcnt: m.price24hPcnt(), highPrice24h: px(m.high24h), lowPrice24h: px(m.low24h),
			turnover24h: trimmed(m.turnover24h, 8), volume24h: trimmed(m.volume24h, 8), usdIndexPrice: trimmed(m.index, 8),
		};
	}
	if (inst.category === 'option') {
		return {
			symbol: inst.symbol, bid1Price: b[0][0], bid1Size: b[0][1], bid1Iv: '0.5', ask1Price: a[0][0], ask1Size: a[0][1], ask1Iv: '0.55',
			lastPrice: px(m.last), highPrice24h: px(m.high24h), lowPrice24h: px(m.low24h), markPrice: px(m.mark), indexPrice: px(underlying(ex)),
			markIv: '0.52', underlyingPrice: px(underlying(ex)), openInterest: trimmed(m.openInterest, 2), turnover24h: trimmed(m.turnover24h, 4),
			volume24h: trimmed(m.volume24h, 2), totalVolume: trimmed(m.volume24h * 3, 0), totalTurnover: trimmed(m.turnover24h * 3, 0),
			delta: inst.optionsType === 'Call' ? '0.55' : '-0.45', gamma: '0.00001', vega: '50', theta: '-100', predictedDeliveryPrice: '0',
			change24h: m.price24hPcnt(),
		};
	}
	return {
		symbol: inst.symbol, lastPrice: px(m.last), indexPrice: px(m.index), markPrice: px(m.mark), prevPrice24h: px(m.prev24h),
		price24hPcnt: m.price24hPcnt(), highPrice24h: px(m.high24h), lowPrice24h: px(m.low24h), prevPrice1h: px(m.prev1h),
		openInterest: fixed(m.openInterest, inst.qtyDp), openInterestValue: trimmed(m.openInterest * (inst.category === 'inverse' ? 1 / m.mark : m.mark), 2),
		turnover24h: trimmed(m.turnover24h, 4), volume24h: trimmed(m.volume24h, 4), fundingRate: fixed(m.fundingRate, 6).replace(/0+$/, '').replace(/\.$/, ''),
		nextFundingTime: String(Math.ceil(ex.now() / (8 * HOUR)) * 8 * HOUR), predictedDeliveryPrice: '', basisRate: '', deliveryFeeRate: '',
		deliveryTime: '0', ask1Size: a[0][1], bid1Price: b[0][0], ask1Price: a[0][0], bid1Size: b[0][1], basis: '', preOpenPrice: '', preQty: '',
		curPreListingPhase: '', fundingIntervalHour: '8', basisRateYear: '', fundingCap: '0.005',
	};
}

function underlying(ex: Exchange): number {
	return ex.usdPrice('BTC');
}

/** Newest-first timestamps every `step` ms, paged by an encoded timestamp cursor. */
function series(p: Params, now: number, step: number, def: number, max: number): { times: number[]; next: string } {
	const n = limit(p, def, max);
	const start = int(p, 'startTime');
	const from = decodeCursor(p.cursor);
	let t = Math.floor(Math.min(from !== undefined ? Number(from) - 1 : (int(p, 'endTime') ?? now), now) / step) * step;
	const times: number[] = [];
	while (times.length < n && (start === undefined || t >= start)) {
		times.push(t);
		t -= step;
	}
	const more = times.length === n && (start === undefined || t >= start);
	return { times, next: more ? encodeCursor(times[times.length - 1]) : '' };
}

export function tickers(ex: Exchange, p: Params): Json {
	const cat = category(p);
	const symbol = str(p, 'symbol');
	let list: Instrument[];
	if (symbol) list = [ex.instOrThrow(cat, symbol)];
	else {
		if (cat === 'option' && !str(p, 'baseCoin')) throw missing('symbol or baseCoin');
		const base = str(p, 'baseCoin');
		list = ex.ofCategory(cat).filter((i) => !base || i.baseCoin === base);
	}
	return { category: cat, list: list.map((i) => tickerJson(ex, i)) };
}

export { tickerJson };

export const marketRoutes: Route[] = [
	get('/v5/market/time', 'public', ({ now }) => ({ timeSecond: String(Math.floor(now / 1000)), timeNano: `${now}000000` })),
	get('/v5/market/orderbook', 'public', ({ ex, params: p, now }) => {
		const cat = category(p);
		const inst = symbolOf(ex, cat, p);
		const depth = cat === 'option' ? limit(p, 1, 25) : limit(p, cat === 'spot' ? 1 : 25, 1000);
		const m: Market = ex.market(inst);
		const { b, a } = m.book(depth);
		return { s: inst.symbol, a, b, ts: now, u: m.bookSeq, seq: m.bookSeq * 7, cts: now - 2 };
	}),
	get('/v5/market/recent-trade', 'public', ({ ex, params: p }) => {
		const cat = category(p);
		const n = cat === 'spot' ? limit(p, 60, 60) : limit(p, 500, 1000);
		let insts: Instrument[];
		if (cat === 'option') {
			const base = str(p, 'baseCoin') ?? 'BTC';
			const type = oneOf(p, 'optionType', ['Call', 'Put'] as const);
			insts = str(p, 'symbol') ? [symbolOf(ex, cat, p)] : ex.ofCategory('option').filter((i) => i.baseCoin === base && (!type || i.optionsType === type));
		} else insts = [symbolOf(ex, cat, p)];
		const rows: Array<{ t: Json; time: number }> = [];
		for (const inst of insts) {
			const m = ex.market(inst);
			for (let i = m.trades.length - 1; i >= 0 && i >= m.trades.length - n; i--) {
				const t = m.trades[i];
				const row: Json = {
					execId: t.execId, symbol: inst.symbol, price: m.price(t.price), size: m.qty(t.size), side: t.side, time: String(t.time),
					isBlockTrade: false, isRPITrade: false, seq: String(t.seq),
				};
				if (cat === 'option') Object.assign(row, { mP: m.price(m.mark), iP: m.price(underlying(ex)), mIv: '0.52', iv: '0.5' });
				rows.push({ t: row, time: t.time });
			}
		}
		rows.sort((x, y) => y.time - x.time);
		return { category: cat, list: rows.slice(0, n).map((r) => r.t) };
	}),
	get('/v5/market/kline', 'public', kline('last', ['spot', 'linear', 'inverse'])),
	get('/v5/market/mark-price-kline', 'public', kline('mark', ['linear', 'inverse', 'option'])),
	get('/v5/market/index-price-kline', 'public', kline('index', ['linear', 'inverse'])),
	get('/v5/market/premium-index-price-kline', 'public', kline('premium', ['linear'])),
	get('/v5/market/instruments-info', 'public', ({ ex, params: p }) => {
		const cat = category(p);
		const symbol = str(p, 'symbol');
		// enum status and symbolType (docs: enum); every sandbox instrument is Trading and has no symbolType
		const status = oneOf(p, 'status', ['PreLaunch', 'Trading', 'Delivering', 'Closed'] as const);
		const symbolType = cat === 'option' ? undefined : oneOf(p, 'symbolType', ['innovation', 'adventure', 'xstocks', 'commodity', 'stock', 'forex'] as const);
		const base = str(p, 'baseCoin');
		const items = ex.ofCategory(cat).filter((i) => (!symbol || i.symbol === symbol) && (!base || i.baseCoin === base) && (!status || status === 'Trading') && !symbolType);
		if (cat === 'spot') return { category: cat, list: items.map(instrumentInfo) };
		const page = pageArray(items, limit(p, 500, 1000), p.cursor);
		return { category: cat, list: page.list.map(instrumentInfo), nextPageCursor: page.nextPageCursor };
	}),
	get('/v5/market/tickers', 'public', ({ ex, params: p }) => tickers(ex, p)),
	get('/v5/market/funding/history', 'public', ({ ex, params: p, now }) => {
		const cat = category(p, ['linear', 'inverse']);
		const inst = symbolOf(ex, cat, p);
		if (int(p, 'startTime') !== undefined && int(p, 'endTime') === undefined) throw paramError('params error: endTime is required when startTime is passed');
		const { times } = series({ ...p, cursor: undefined }, now, 8 * HOUR, 200, 200);
		return {
			category: cat,
			list: times.map((t) => ({ symbol: inst.symbol, fundingRate: fixed(0.0001 + (hash01(`${inst.symbol}${t}`) - 0.5) * 0.0001, 8).replace(/0+$/, ''), fundingRateTimestamp: String(t) })),
		};
	}),
	get('/v5/market/open-interest', 'public', ({ ex, params: p, now }) => {
		const cat = category(p, ['linear', 'inverse']);
		const inst = symbolOf(ex, cat, p);
		const step = PERIODS[reqStr(p, 'intervalTime')];
		if (!step) throw paramError('params error: intervalTime invalid');
		const m = ex.market(inst);
		const { times, next } = series(p, now, step, 50, 200);
		return {
			symbol: inst.symbol, category: cat,
			list: times.map((t) => ({ openInterest: fixed(m.openInterest * (0.97 + 0.06 * hash01(`${inst.symbol}${t}`)), 8), timestamp: String(t) })),
			nextPageCursor: next,
		};
	}),
	get('/v5/market/historical-volatility', 'public', ({ params: p, now }) => {
		category(p, ['option']);
		const baseCoin = str(p, 'baseCoin') ?? 'BTC';
		const period = int(p, 'period') ?? 7;
		const s = int(p, 'startTime');
		const e = int(p, 'endTime');
		if ((s === undefined) !== (e === undefined)) throw paramError('params error: startTime and endTime must be passed together');
		if (s !== undefined && e !== undefined && (e < s || e - s > 30 * 24 * HOUR)) throw paramError('params error: the time range cannot exceed 30 days');
		const end = Math.floor((e ?? now) / HOUR) * HOUR;
		const start = s ?? end;
		const result: Json[] = [];
		for (let t = end; t >= start; t -= HOUR) result.push({ period, value: fixed(0.45 + 0.1 * hash01(`${baseCoin}${period}${t}`), 8), time: String(t) });
		return new RawBody({ retCode: 0, retMsg: 'SUCCESS', category: 'option', result });
	}),
	get('/v5/market/insurance', 'public', ({ ex, params: p, now }) => {
		const coin = str(p, 'coin');
		const pools = [
			{ coin: 'USDT', symbols: ex.ofCategory('linear').map((i) => i.symbol).join(','), balance: '902178.57602476' },
			{ coin: 'BTC', symbols: 'BTCUSD', balance: '1052.23500000' },
			{ coin: 'ETH', symbols: 'ETHUSD', balance: '8820.11000000' },
		].filter((x) => !coin || x.coin === coin);
		return { updatedTime: String(Math.floor(now / (24 * HOUR)) * 24 * HOUR), list: pools.map((x) => ({ ...x, value: trimmed(Number(x.balance) * ex.usdPrice(x.coin), 8) })) };
	}),
	get('/v5/market/risk-limit', 'public', ({ ex, params: p }) => {
		const cat = category(p, ['linear', 'inverse']);
		const symbol = str(p, 'symbol');
		// docs: linear answers 15 symbols (all their tiers) per response, then a cursor; inverse all at once
		const all = symbol ? [ex.instOrThrow(cat, symbol)] : ex.ofCategory(cat);
		const page = cat === 'linear' ? pageArray(all, 15, p.cursor) : { list: all, nextPageCursor: '' };
		const rows: Json[] = [];
		for (const inst of page.list) {
			for (let tier = 1; tier <= 5; tier++) {
				const maxLev = Number(inst.maxLeverage) / tier;
				rows.push({
					id: tier, symbol: inst.symbol, riskLimitValue: String((cat === 'inverse' ? 150 : 2_000_000) * tier),
					maintenanceMargin: trimmed(0.5 * tier, 2), initialMargin: trimmed(100 / maxLev, 4), isLowestRisk: tier === 1 ? 1 : 0,
					maxLeverage: fixed(maxLev, 2), mmDeduction: tier === 1 ? '' : String((tier - 1) * 1000),
				});
			}
		}
		return { category: cat, list: rows, nextPageCursor: page.nextPageCursor };
	}),
	get('/v5/market/delivery-price', 'public', ({ ex, params: p }) => {
		const cat = category(p, ['linear', 'inverse', 'option']);
		const symbol = str(p, 'symbol');
		if (symbol && !ex.inst(cat, symbol) && cat !== 'option') throw paramError('params error: symbol invalid');
		const rows: Json[] = [];
		if (cat === 'option') {
			const base = str(p, 'baseCoin') ?? 'BTC';
			const week = 7 * 24 * HOUR;
			const first = ex.ofCategory('option')[0].deliveryTime;
			for (let k = 1; k <= 8; k++) {
				const t = first - (k + 1) * week;
				const d = new Date(t);
				const code = `${d.getUTCDate()}${['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'][d.getUTCMonth()]}${String(d.getUTCFullYear()).slice(2)}`;
				for (const strike of [60000, 70000]) {
					for (const type of ['C', 'P']) {
						const sym = `${base}-${code}-${strike}-${type}`;
						if (!symbol || symbol === sym) rows.push({ symbol: sym, deliveryPrice: fixed(ex.usdPrice(base) * (0.97 + 0.06 * hash01(sym)), 8), deliveryTime: String(t) });
					}
				}
			}
		}
		const page = pageArray(rows, limit(p, 50, 200), p.cursor);
		return { category: cat, list: page.list, nextPageCursor: page.nextPageCursor };
	}, 'success'),
	get('/v5/market/account-ratio', 'public', ({ ex, params: p, now }) => {
		const cat = category(p, ['linear', 'inverse']);
		const inst = symbolOf(ex, cat, p);
		const step = PERIODS[reqStr(p, 'period')];
		if (!step) throw paramError('params error: period invalid');
		const { times, next } = series(p, now, step, 50, 500);
		return {
			list: times.map((t) => {
				const buy = Number((0.45 + 0.1 * hash01(`${inst.symbol}${t}`)).toFixed(4));
				return { symbol: inst.symbol, buyRatio: String(buy), sellRatio: String(Number((1 - buy).toFixed(4))), timestamp: String(t) };
			}),
			nextPageCursor: next,
		};
	}),
];

