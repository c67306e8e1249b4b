import { clearInstrumentCache, currentPrice, instrumentFilters } from '../../../../nodes/Bybit/trading/instruments';
import { ok, reply, transportContext, useLoopback } from '../../../harness/loopback';

const SECRET = 'instr-secret-0123456789abcdef';
const loop = useLoopback(SECRET);

beforeEach(() => {
	clearInstrumentCache();
	loop.handler = (s, res) => {
		const q = new URLSearchParams(s.query);
		if (s.path === '/v5/market/tickers') return reply(res, ok({ category: q.get('category'), list: [{ symbol: q.get('symbol'), lastPrice: '64210.5', markPrice: '64200.1' }] }));
		if (q.get('symbol') === 'NOPEUSDT') return reply(res, ok({ category: 'linear', list: [] }));
		reply(res, ok({ category: q.get('category'), list: [{ symbol: q.get('symbol'), priceFilter: { tickSize: '0.10' }, lotSizeFilter: { qtyStep: '0.001', minOrderQty: '0.001', maxOrderQty: '1190', minNotionalValue: '5' } }] }));
	};
});

describe('instrument filters cache', () => {
	it('fetches each credential/category/symbol once for many items', async () => {
		const ctx = transportContext(loop.base, SECRET);
		const results = await Promise.all(Array.from({ length: 100 }, (_, i) => instrumentFilters(ctx, 'linear', 'BTCUSDT', i)));
		expect(results[99]).toMatchObject({ symbol: 'BTCUSDT', qtyStep: '0.001', tickSize: '0.10' });
		await instrumentFilters(ctx, 'linear', 'BTCUSDT');
		await instrumentFilters(ctx, 'linear', 'ETHUSDT');
		await instrumentFilters(transportContext(loop.base, SECRET, { apiKey: 'other-key' }), 'linear', 'BTCUSDT');
		expect(loop.seen.map((s) => s.query)).toEqual([
			'category=linear&symbol=BTCUSDT',
			'category=linear&symbol=ETHUSDT',
			'category=linear&symbol=BTCUSDT',
		]);
	});

	it('does not cache a failed lookup, and says what is wrong', async () => {
		const ctx = transportContext(loop.base, SECRET);
		await expect(instrumentFilters(ctx, 'linear', 'NOPEUSDT')).rejects.toThrow(/lists no linear instrument NOPEUSDT/);
		await expect(instrumentFilters(ctx, 'linear', 'NOPEUSDT')).rejects.toThrow();
		expect(loop.seen).toHaveLength(2);
	});

	it('reads fresh prices', async () => {
		const ctx = transportContext(loop.base, SECRET);
		expect(await currentPrice(ctx, 'linear', 'BTCUSDT')).toBe('64210.5');
		expect(await currentPrice(ctx, 'linear', 'BTCUSDT', 'markPrice')).toBe('64200.1');
		expect(loop.seen).toHaveLength(2);
	});
});
