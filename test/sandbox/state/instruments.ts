/**
 * The sandbox's instruments, with filters modelled on Bybit's real values
 * (instruments-info examples in the docs). Options get a rolling expiry so
 * the symbol stays valid: the first Friday at least 7 days after start.
 */
import type { Category, Json } from '../types';
import { stepDecimals } from '../util/num';

export interface Instrument {
	category: Category;
	symbol: string;
	symbolId: number;
	baseCoin: string;
	quoteCoin: string;
	settleCoin: string;
	tickSize: string;
	priceScale: number;
	minPrice: string;
	maxPrice: string;
	qtyStep: string;
	minOrderQty: string;
	maxOrderQty: string;
	maxMktOrderQty: string;
	minNotionalValue: string;
	maxLeverage: string;
	/** spot only */
	basePrecision?: string;
	quotePrecision?: string;
	minOrderAmt?: string;
	maxOrderAmt?: string;
	contractType?: 'LinearPerpetual' | 'InversePerpetual';
	optionsType?: 'Call' | 'Put';
	strike?: number;
	deliveryTime: number;
	launchTime: number;
	initialPrice: number;
	/* parsed */
	tick: number;
	step: number;
	qtyDp: number;
	min: number;
	max: number;
	maxMkt: number;
	minNotional: number;
	/** spot: base precision decimals and quote precision decimals */
	baseDp: number;
	quoteDp: number;
}

type Def = Omit<Instrument, 'tick' | 'step' | 'qtyDp' | 'min' | 'max' | 'maxMkt' | 'minNotional' | 'baseDp' | 'quoteDp' | 'symbolId' | 'launchTime' | 'deliveryTime'> &
	Partial<Pick<Instrument, 'deliveryTime'>>;

const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];

/** First Friday 08:00 UTC at least 7 days after `now`. */
export function optionExpiry(now: number): { time: number; code: string } {
	const d = new Date(now + 7 * 86_400_000);
	d.setUTCHours(8, 0, 0, 0);
	while (d.getUTCDay() !== 5) d.setUTCDate(d.getUTCDate() + 1);
	const code = `${d.getUTCDate()}${MONTHS[d.getUTCMonth()]}${String(d.getUTCFullYear()).slice(2)}`;
	return { time: d.getTime(), code };
}

function linear(symbol: string, base: string, price: number, tick: string, scale: number, step: string, min: string, max: string, maxMkt: string, lev: string): Def {
	return {
		category: 'linear', symbol, baseCoin: base, quoteCoin: 'USDT', settleCoin: 'USDT', tickSize: tick, priceScale: scale,
		minPrice: tick, maxPrice: String(Math.round(price * 30)), qtyStep: step, minOrderQty: min, maxOrderQty: max,
		maxMktOrderQty: maxMkt, minNotionalValue: '5', maxLeverage: lev, contractType: 'LinearPerpetual', initialPrice: price,
	};
}

/** `extraLinear`: that many more linear perpetuals, `SYN1USDT`, `SYN2USDT`, ... (benchmarks that need many symbols). */
export function buildInstruments(now: number, extraLinear = 0): Instrument[] {
	const expiry = optionExpiry(now);
	const defs: Def[] = [
		linear('BTCUSDT', 'BTC', 65000, '0.10', 2, '0.001', '0.001', '1190.000', '119.000', '100.00'),
		linear('ETHUSDT', 'ETH', 3200, '0.01', 2, '0.01', '0.01', '7240.00', '724.00', '100.00'),
		linear('SOLUSDT', 'SOL', 150, '0.010', 3, '0.1', '0.1', '79770.0', '7977.0', '75.00'),
		{
			category: 'inverse', symbol: 'BTCUSD', baseCoin: 'BTC', quoteCoin: 'USD', settleCoin: 'BTC', tickSize: '0.50', priceScale: 2,
			minPrice: '0.50', maxPrice: '1999999.00', qtyStep: '1', minOrderQty: '1', maxOrderQty: '1000000', maxMktOrderQty: '200000',
			minNotionalValue: '1', maxLeverage: '100.00', contractType: 'InversePerpetual', initialPrice: 65000,
		},
		{
			category: 'inverse', symbol: 'ETHUSD', baseCoin: 'ETH', quoteCoin: 'USD', settleCoin: 'ETH', tickSize: '0.05', priceScale: 2,
			minPrice: '0.05', maxPrice: '99999.90', qtyStep: '1', minOrderQty: '1', maxOrderQty: '1000000', maxMktOrderQty: '200000',
			minNotionalValue: '1', maxLeverage: '100.00', contractType: 'InversePerpetual', initialPrice: 3200,
		},
		{
			category: 'spot', symbol: 'BTCUSDT', baseCoin: 'BTC', quoteCoin: 'USDT', settleCoin: 'USDT', tickSize: '0.01', priceScale: 2,
			minPrice: '0.01', maxPrice: '9999999', qtyStep: '0.000001', minOrderQty: '0.000048', maxOrderQty: '71.73956243',
			maxMktOrderQty: '35.86978121', minNotionalValue: '1', maxLeverage: '10', basePrecision: '0.000001',
			quotePrecision: '0.00000001', minOrderAmt: '1', maxOrderAmt: '4000000', initialPrice: 65000,
		},
		{
			category: 'spot', symbol: 'ETHUSDT', baseCoin: 'ETH', quoteCoin: 'USDT', settleCoin: 'USDT', tickSize: '0.01', priceScale: 2,
			minPrice: '0.01', maxPrice: '999999', qtyStep: '0.00001', minOrderQty: '0.00062', maxOrderQty: '1229.2336343',
			maxMktOrderQty: '614.61681715', minNotionalValue: '1', maxLeverage: '10', basePrecision: '0.00001',
			quotePrecision: '0.0000001', minOrderAmt: '1', maxOrderAmt: '4000000', initialPrice: 3200,
		},
		{
			// a non-USD quote coin: priced, sized and settled in BTC
			category: 'spot', symbol: 'ETHBTC', baseCoin: 'ETH', quoteCoin: 'BTC', settleCoin: 'BTC', tickSize: '0.000001', priceScale: 6,
			minPrice: '0.000001', maxPrice: '10', qtyStep: '0.0001', minOrderQty: '0.0001', maxOrderQty: '1000',
			maxMktOrderQty: '500', minNotionalValue: '0.00001', maxLeverage: '10', basePrecision: '0.0001',
			quotePrecision: '0.00000001', minOrderAmt: '0.00001', maxOrderAmt: '100', initialPrice: 0.05,
		},
		option(`BTC-${expiry.code}-60000-C`, 'Call', 60000, 6300, expiry.time),
		option(`BTC-${expiry.code}-60000-P`, 'Put', 60000, 1300, expiry.time),
		option(`BTC-${expiry.code}-70000-C`, 'Call', 70000, 1500, expiry.time),
		...Array.from({ length: extraLinear }, (_, i) => linear(`SYN${i + 1}USDT`, `SYN${i + 1}`, 10 + i, '0.001', 3, '0.1', '0.1', '100000.0', '10000.0', '25.00')),
	];
	return defs.map((d, i) => finish(d, i, now));
}

function option(symbol: string, type: 'Call' | 'Put', strike: number, price: number, delivery: number): Def {
	return {
		category: 'option', symbol, baseCoin: 'BTC', quoteCoin: 'USDC', settleCoin: 'USDC', tickSize: '5', priceScale: 0, minPrice: '5',
		maxPrice: '1110000', qtyStep: '0.01', minOrderQty: '0.01', maxOrderQty: '500', maxMktOrderQty: '500', minNotionalValue: '0',
		maxLeverage: '1', optionsType: type, strike, deliveryTime: delivery, initialPrice: price,
	};
}

function finish(d: Def, index: number, now: number): Instrument {
	return {
		...d,
		symbolId: index + 1,
		launchTime: now - 400 * 86_400_000,
		deliveryTime: d.deliveryTime ?? 0,
		tick: Number(d.tickSize),
		step: Number(d.qtyStep),
		qtyDp: stepDecimals(d.qtyStep),
		min: Number(d.minOrderQty),
		max: Number(d.maxOrderQty),
		maxMkt: Number(d.maxMktOrderQty),
		minNotional: Number(d.minNotionalValue),
		baseDp: stepDecimals(d.basePrecision ?? d.qtyStep),
		quoteDp: stepDecimals(d.quotePrecision ?? '0.00000001'),
	};
}

/** The instruments-info list item, in Bybit's per-category shape. */
export function instrumentInfo(i: Instrument): Json {
	switch (i.category) {
		case 'spot':
			return {
				symbolId: i.symbolId, symbol: i.symbol, baseCoin: i.baseCoin, quoteCoin: i.quoteCoin, innovation: '0', status: 'Trading', marginTrading: 'utaOnly',
				stTag: '0',
				lotSizeFilter: {
					basePrecision: i.basePrecision, quotePrecision: i.quotePrecision, minOrderQty: i.minOrderQty, maxOrderQty: i.maxOrderQty,
					minOrderAmt: i.minOrderAmt, maxOrderAmt: i.maxOrderAmt, maxLimitOrderQty: i.maxOrderQty, maxMarketOrderQty: i.maxMktOrderQty,
					postOnlyMaxLimitOrderSize: '60000',
				},
				priceFilter: { tickSize: i.tickSize },
				riskParameters: { priceLimitRatioX: '0.005', priceLimitRatioY: '0.01' },
				symbolType: '',
			};
		case 'option':
			return {
				symbol: i.symbol, status: 'Trading', baseCoin: i.baseCoin, quoteCoin: i.quoteCoin, settleCoin: i.settleCoin,
				optionsType: i.optionsType, launchTime: String(i.launchTime), deliveryTime: String(i.deliveryTime), deliveryFeeRate: '0.00015',
				priceFilter: { minPrice: i.minPrice, maxPrice: i.maxPrice, tickSize: i.tickSize },
				lotSizeFilter: { maxOrderQty: i.maxOrderQty, minOrderQty: i.minOrderQty, qtyStep: i.qtyStep },
				displayName: i.symbol,
			};
		default:
			return {
				symbol: i.symbol, symbolId: i.symbolId, contractType: i.contractType, status: 'Trading', baseCoin: i.baseCoin, quoteCoin: i.quoteCoin,
				launchTime: String(i.launchTime), deliveryTime: '0', deliveryFeeRate: '', priceScale: String(i.priceScale),
				leverageFilter: { minLeverage: '1', maxLeverage: i.maxLeverage, leverageStep: '0.01' },
				priceFilter: { minPrice: i.minPrice, maxPrice: i.maxPrice, tickSize: i.tickSize },
				lotSizeFilter: {
					maxOrderQty: i.maxOrderQty, minOrderQty: i.minOrderQty, qtyStep: i.qtyStep, postOnlyMaxOrderQty: i.maxOrderQty,
					maxMktOrderQty: i.maxMktOrderQty, minNotionalValue: i.minNotionalValue,
				},
				unifiedMarginTrade: true, fundingInterval: 480, settleCoin: i.settleCoin, copyTrading: 'both',
				upperFundingRate: '0.00375', lowerFundingRate: '-0.00375', isPreListing: false, preListingInfo: null,
				riskParameters: { priceLimitRatioX: '0.01', priceLimitRatioY: '0.02' }, symbolType: '',
			};
	}
}
