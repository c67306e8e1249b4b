import {
	filtersFromInstrument,
	priceFromPercent,
	priceFromTicks,
	qtyFromBalancePercent,
	qtyFromQuote,
	qtyFromRisk,
	qtyProblem,
	roundPrice,
	type InstrumentFilters,
} from '../../../../nodes/Bybit/trading/sizing';

// Filters as Bybit publishes them for these instruments (instruments-info), in the shapes of each category.
const linear = filtersFromInstrument('linear', {
	symbol: 'BTCUSDT',
	priceFilter: { tickSize: '0.10' },
	lotSizeFilter: { qtyStep: '0.001', minOrderQty: '0.001', maxOrderQty: '1190.000', maxMktOrderQty: '119.000', minNotionalValue: '5' },
	baseCoin: 'BTC', quoteCoin: 'USDT', settleCoin: 'USDT',
});
const inverse = filtersFromInstrument('inverse', {
	symbol: 'BTCUSD',
	priceFilter: { tickSize: '0.50' },
	lotSizeFilter: { qtyStep: '1', minOrderQty: '1', maxOrderQty: '1000000', maxMktOrderQty: '200000' },
});
const spot = filtersFromInstrument('spot', {
	symbol: 'BTCUSDT',
	priceFilter: { tickSize: '0.01' },
	lotSizeFilter: { basePrecision: '0.000001', quotePrecision: '0.00000001', minOrderQty: '0.000048', maxOrderQty: '71.73956243', minOrderAmt: '1', maxOrderAmt: '2000000' },
	baseCoin: 'BTC', quoteCoin: 'USDT',
});
const usdt = (amount: string) => ({ amount, coin: 'USDT' });
const shib: InstrumentFilters = { category: 'linear', symbol: '1000SHIBUSDT', tickSize: '0.000001', qtyStep: '100', minOrderQty: '100', maxOrderQty: '50000000', minNotionalValue: '5' };

describe('filtersFromInstrument', () => {
	it('reads linear, inverse and spot rows', () => {
		expect(linear).toMatchObject({ tickSize: '0.10', qtyStep: '0.001', minNotionalValue: '5', maxMktOrderQty: '119.000' });
		expect(spot).toMatchObject({ qtyStep: '0.000001', minNotionalValue: '1', maxOrderQty: '71.73956243' });
		expect(inverse).toMatchObject({ qtyStep: '1', tickSize: '0.50' });
	});
});

describe('qtyFromQuote', () => {
	it.each([
		[linear, '100', '64210.5', '0.001'],
		[linear, '1000', '64210.5', '0.015'],
		[spot, '100', '64210.55', '0.001557'],
		[inverse, '250.7', '64210.5', '250'],
		[shib, '50', '0.012345', '4000'],
	])('%#: %s worth at %s', (f, amount, price, expected) => {
		expect(qtyFromQuote(amount, price, f)).toBe(expected);
	});

	it('refuses a zero amount or price', () => {
		expect(() => qtyFromQuote('0', '1', linear)).toThrow(/must be positive/);
		expect(() => qtyFromQuote('10', '0', linear)).toThrow(/No usable price/);
	});
});

describe('qtyFromBalancePercent and qtyFromRisk', () => {
	it('applies leverage to derivatives, not to spot', () => {
		// 10% of 1000 USDT at 5x = 500 USDT notional at 50,000 = 0.01 BTC
		expect(qtyFromBalancePercent(usdt('1000'), '10', '5', '50000', linear)).toBe('0.01');
		expect(qtyFromBalancePercent(usdt('1000'), '10', '5', '50000', spot)).toBe('0.002');
		expect(() => qtyFromBalancePercent(usdt('1000'), '150', '1', '50000', linear)).toThrow(/at most 100/);
	});

	it('sizes from risk: 1% of 10,000 with a 500 stop distance = 0.2', () => {
		expect(qtyFromRisk(usdt('10000'), '1', '50000', '49500', linear)).toBe('0.2');
		expect(qtyFromRisk(usdt('10000'), '1', '50000', '50500', linear)).toBe('0.2');
		expect(() => qtyFromRisk(usdt('10000'), '1', '50000', '50000', linear)).toThrow(/must differ/);
	});
});

describe('roundPrice', () => {
	it('never lets a buy limit round up past the price, nor a sell limit down', () => {
		expect(roundPrice('64210.37', linear, 'limit', 'Buy')).toBe('64210.3');
		expect(roundPrice('64210.37', linear, 'limit', 'Sell')).toBe('64210.4');
		expect(roundPrice('64210.75', inverse, 'limit', 'Buy')).toBe('64210.5');
	});

	it('rounds TP and SL toward the entry, triggers to nearest', () => {
		expect(roundPrice('70000.07', linear, 'takeProfit', 'Buy')).toBe('70000');
		expect(roundPrice('60000.03', linear, 'stopLoss', 'Buy')).toBe('60000.1');
		expect(roundPrice('60000.07', linear, 'takeProfit', 'Sell')).toBe('60000.1');
		expect(roundPrice('70000.03', linear, 'stopLoss', 'Sell')).toBe('70000');
		expect(roundPrice('65000.05', linear, 'trigger', 'Buy')).toBe('65000.1');
	});

	it('computes percentage and tick offsets exactly', () => {
		expect(priceFromPercent('64000', '2.5', 'up')).toBe('65600');
		expect(priceFromPercent('64000', '1', 'down')).toBe('63360');
		expect(priceFromTicks('64000', '15', linear, 'down')).toBe('63998.5');
	});
});

describe('qtyProblem', () => {
	it('names the numbers for each broken limit', () => {
		expect(qtyProblem('0', '64000', 'Market', linear)).toMatch(/rounds to 0 with qtyStep 0.001: increase the size \(minimum 0.001\)/);
		expect(qtyProblem('0.0015', '64000', 'Limit', linear)).toMatch(/not a multiple of BTCUSDT's qtyStep 0.001/);
		expect(qtyProblem('120', '64000', 'Market', linear)).toMatch(/above BTCUSDT's maxMktOrderQty 119.000/);
		expect(qtyProblem('120', '64000', 'Limit', linear)).toBeUndefined();
		expect(qtyProblem('1200', '64000', 'Limit', linear)).toMatch(/maxOrderQty 1190.000/);
		expect(qtyProblem('0.001', '4000', 'Limit', linear)).toMatch(/Order value 4 \(0.001 x 4000\) is below BTCUSDT's minimum notional 5/);
		expect(qtyProblem('0.00001', '64000', 'Limit', spot)).toMatch(/below BTCUSDT's minOrderQty 0.000048/);
		expect(qtyProblem('100', '64000', 'Market', inverse)).toBeUndefined();
	});
});
