import { NodeOperationError } from 'n8n-workflow';

import { bybitApiRequest } from '../../../../nodes/Bybit/transport';
import { guardrailsOf } from '../../../../nodes/Bybit/transport/guardrails';
import { formatDec, valueOrder } from '../../../../credentials/common/bybit/valuation';
import { ok, reply, transportContext, useLoopback } from '../../../harness/loopback';

const SECRET = 'guard-secret-0123456789abcdef';
const loop = useLoopback(SECRET);

beforeEach(() => {
	loop.handler = (s, res) =>
		s.path === '/v5/market/tickers' ? reply(res, ok({ category: 'linear', list: [{ symbol: 'BTCUSDT', lastPrice: '64000' }] })) : reply(res, ok({ orderId: 'o' }));
});

const create = (body: Record<string, unknown>) => ({ method: 'POST' as const, path: '/v5/order/create', body: { category: 'linear', symbol: 'BTCUSDT', side: 'Buy', orderType: 'Market', qty: '0.01', ...body }, itemIndex: 3 });

async function refusal(extra: Record<string, unknown>, req: Parameters<typeof bybitApiRequest>[0]) {
	return bybitApiRequest.call(transportContext(loop.base, SECRET, extra), req).then(
		() => undefined,
		(e) => e,
	);
}

describe('credential guardrails, enforced by the transport', () => {
	it('defaults keep behaviour except withdrawals, which are blocked', async () => {
		expect(guardrailsOf({})).toEqual({ readOnly: false, allowedSymbols: undefined, maxOrderNotional: 0, allowWithdrawals: false });
		expect(await refusal({}, create({}))).toBeUndefined();
		const error = await refusal({}, { method: 'POST', path: '/v5/asset/withdraw/create', body: { coin: 'USDT', amount: '10' } });
		expect(error).toBeInstanceOf(NodeOperationError);
		expect(error.message).toMatch(/Withdrawals are blocked .* "Allow Withdrawals"/);
		expect(loop.seen.map((s) => s.path)).toEqual(['/v5/order/create']);
	});

	it('allows withdrawals once switched on', async () => {
		expect(await refusal({ allowWithdrawals: true }, { method: 'POST', path: '/v5/asset/withdraw/create', body: { coin: 'USDT' } })).toBeUndefined();
		expect(loop.seen).toHaveLength(1);
	});

	it('read-only mode refuses every write before sending, reads still work', async () => {
		const error = await refusal({ readOnly: true }, create({}));
		expect(error.message).toMatch(/read-only mode, so \/v5\/order\/create was not sent/);
		expect(error.context.itemIndex).toBe(3);
		expect(await refusal({ readOnly: true }, { method: 'GET', path: '/v5/order/realtime', qs: { category: 'linear' } })).toBeUndefined();
		expect(loop.seen.map((s) => s.method)).toEqual(['GET']);
	});

	it('refuses symbols outside the allow-list, in single and batch orders', async () => {
		const extra = { allowedSymbols: 'btcusdt, ETHUSDT' };
		expect(await refusal(extra, create({}))).toBeUndefined();
		const single = await refusal(extra, create({ symbol: 'SOLUSDT' }));
		expect(single.message).toMatch(/Symbol SOLUSDT is not in the credential's allowed symbols \(BTCUSDT, ETHUSDT\)/);
		const batch = await refusal(extra, {
			method: 'POST',
			path: '/v5/order/create-batch',
			body: { category: 'linear', request: [{ symbol: 'ETHUSDT' }, { symbol: 'XRPUSDT' }] },
		});
		expect(batch.message).toMatch(/Symbol XRPUSDT/);
		expect(loop.seen).toHaveLength(1);
	});

	it('caps the notional at the worse of the limit price and the market price', async () => {
		const extra = { maxOrderNotional: 1000 };
		const limit = await refusal(extra, create({ orderType: 'Limit', price: '70000', qty: '0.02' }));
		expect(limit.message).toMatch(/Order notional 1400 for 0.02 BTCUSDT at 70000 .* exceeds the credential's maximum of 1000/);
		const below = await refusal(extra, create({ orderType: 'Limit', price: '60000', qty: '0.02' }));
		expect(below.message).toMatch(/Order notional 1280 for 0.02 BTCUSDT at 64000/);
		const market = await refusal(extra, create({ qty: '0.02' }));
		expect(market.message).toMatch(/Order notional 1280 /);
		expect(loop.seen.map((s) => s.path)).toEqual(['/v5/market/tickers', '/v5/market/tickers', '/v5/market/tickers']);
		expect(await refusal(extra, create({ qty: '0.01' }))).toBeUndefined();
		expect(loop.seen.map((s) => s.path).slice(3)).toEqual(['/v5/market/tickers', '/v5/order/create']);
	});

	it('values inverse orders in USD contracts and spot market buys in the quote coin', () => {
		const value = (o: Record<string, unknown>) => {
			const v = valueOrder({ symbol: 'BTCUSDT', side: 'Buy', orderType: 'Market', ...o } as never, { lastPrice: '64000' });
			return v.kind === 'value' ? formatDec(v.notional) : v.kind;
		};
		expect(value({ category: 'inverse', symbol: 'BTCUSD', qty: '500' })).toBe('500');
		expect(value({ category: 'spot', qty: '250' })).toBe('250');
		expect(value({ category: 'spot', marketUnit: 'baseCoin', qty: '0.5' })).toBe('32000');
		expect(value({ category: 'spot', side: 'Sell', marketUnit: 'quoteCoin', qty: '300' })).toBe('300');
		expect(value({ category: 'linear', qty: 'abc' })).toBe('refuse');
	});
});
