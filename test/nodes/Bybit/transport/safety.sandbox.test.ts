/**
 * The credential's safety limits against the Bybit sandbox, on the wire: the
 * bypasses observed in issue #13 (market order with a price, marketable
 * limits, options, closes blocked by the limits, symbol-less writes, price-only
 * amends, secrets in errors) and a generated sample of orders, each checked in
 * the sandbox's request log (nothing refused is ever sent).
 */
import fc from 'fast-check';
import { NodeOperationError, type IDataObject } from 'n8n-workflow';

import { closeAll, closePosition } from '../../../../nodes/Bybit/trading/positionOps';
import { bybitApiRequest, bybitFailure, type BybitContext, type BybitRequest } from '../../../../nodes/Bybit/transport';
import { runBybit } from '../../../harness/execute';
import { transportContext } from '../../../harness/loopback';
import { useTradingSandbox } from '../../../harness/tradingSandbox';
import type { Sandbox } from '../../../sandbox';

let sandbox: Sandbox;
let key: { apiKey: string; secret: string };
useTradingSandbox((s) => {
	sandbox = s;
	key = s.control.defaultKey;
});

const ctxWith = (limits: IDataObject = {}): BybitContext => transportContext(sandbox.restUrl, key.secret, { apiKey: key.apiKey, ...limits });
const sent = (path: string) => sandbox.control.requests().filter((r) => r.path === path);
const failure = (p: Promise<unknown>) => p.then(() => undefined, (e: Error & { context?: IDataObject; description?: string }) => e);
const post = (path: string, body: IDataObject): BybitRequest => ({ method: 'POST', path, body });
const market = (ctx: BybitContext, symbol: string, side: string, qty: string) =>
	bybitApiRequest.call(ctx, post('/v5/order/create', { category: 'linear', symbol, side, orderType: 'Market', qty, positionIdx: 0 }));
const size = (symbol: string) =>
	(sandbox.control.getState().positions as IDataObject[]).find((p) => p.symbol === symbol && p.category === 'linear' && Number(p.size) > 0)?.size;

describe('safety limits on the sandbox (issue #13)', () => {
	it('1: a market order with a price is valued at the market, in createBatch (JSON list and items): nothing sent', async () => {
		const creds = { environment: 'custom', baseUrl: sandbox.restUrl, signatureMethod: 'hmac', apiKey: key.apiKey, apiSecret: key.secret, maxOrderNotional: 1000 };
		const order = { symbol: 'BTCUSDT', side: 'Buy', orderType: 'Market', qty: '1', price: '1' };
		const base = { resource: 'order', operation: 'createBatch', category: 'linear' };
		await expect(runBybit(creds, { ...base, source: 'json', orders: JSON.stringify([order]) })).rejects.toThrow(/Order 1 of the batch: Order notional 650[\d.]+ for 1 BTCUSDT .*exceeds the credential's maximum of 1000/);
		await expect(runBybit(creds, { ...base, source: 'items' }, { items: [order] })).rejects.toThrow(/Order notional 650[\d.]+ for 1 BTCUSDT/);
		expect(sent('/v5/order/create-batch')).toHaveLength(0);
		expect(size('BTCUSDT')).toBeUndefined();
	});

	it('1b: in a batch, the order above the cap fails only its own item; the others are sent once', async () => {
		const creds = { environment: 'custom', baseUrl: sandbox.restUrl, signatureMethod: 'hmac', apiKey: key.apiKey, apiSecret: key.secret, maxOrderNotional: 1000 };
		const items = [
			{ symbol: 'BTCUSDT', side: 'Buy', orderType: 'Limit', qty: '0.001', price: '60000', orderLinkId: 'split-ok-1' },
			{ symbol: 'BTCUSDT', side: 'Buy', orderType: 'Market', qty: '1', price: '1', orderLinkId: 'split-big' },
			{ symbol: 'BTCUSDT', side: 'Buy', orderType: 'Limit', qty: '0.002', price: '60000', orderLinkId: 'split-ok-2' },
		];
		const out = await runBybit(creds, { resource: 'order', operation: 'createBatch', category: 'linear', source: 'items' }, { items, continueOnFail: true });
		expect(out.map((o) => (o.pairedItem as { item: number }).item).sort()).toEqual([0, 1, 2]);
		const byItem = (i: number) => out.find((o) => (o.pairedItem as { item: number }).item === i)!.json;
		expect(String(byItem(1).error)).toMatch(/^Order 1 of the batch: Order notional 650[\d.]+ for 1 BTCUSDT .*exceeds the credential's maximum of 1000/);
		expect(byItem(0)).toMatchObject({ orderLinkId: 'split-ok-1', retCode: 0 });
		expect(byItem(2)).toMatchObject({ orderLinkId: 'split-ok-2', retCode: 0 });
		const sentIds = sent('/v5/order/create-batch').flatMap((r) => (JSON.parse(r.body).request as Array<{ orderLinkId: string }>).map((o) => o.orderLinkId));
		expect(sentIds.sort()).toEqual(['split-ok-1', 'split-ok-2']);
	});

	it('2: a marketable spot sell limit and an option at a 5 USDC premium are valued at the market / underlying: nothing sent', async () => {
		const ctx = ctxWith({ maxOrderNotional: 1000 });
		const spot = await failure(bybitApiRequest.call(ctx, post('/v5/order/create', { category: 'spot', symbol: 'BTCUSDT', side: 'Sell', orderType: 'Limit', qty: '1', price: '100' })));
		expect(spot?.message).toMatch(/Order notional 6\d{4}(\.\d+)? for 1 BTCUSDT/);
		const info = await bybitApiRequest.call(ctx, { method: 'GET', path: '/v5/market/instruments-info', qs: { category: 'option', baseCoin: 'BTC' } });
		const option = String((info.list as IDataObject[])[0].symbol);
		const opt = await failure(bybitApiRequest.call(ctx, post('/v5/order/create', { category: 'option', symbol: option, side: 'Sell', orderType: 'Limit', qty: '0.1', price: '5', orderIv: '0.2' })));
		expect(opt?.message).toMatch(/Order notional 6\d{3}(\.\d+)? for 0.1 /);
		expect(sent('/v5/order/create')).toHaveLength(0);
	});

	it('9: closes are never blocked by the cap or the allow-list; closeAll reports each position', async () => {
		const free = ctxWith();
		await market(free, 'BTCUSDT', 'Buy', '0.1');
		await market(free, 'ETHUSDT', 'Sell', '2');
		const limited = ctxWith({ maxOrderNotional: 1000, allowedSymbols: 'SOLUSDT' });
		const one = await closePosition(limited, 'linear', 'BTCUSDT', undefined);
		expect(one.closed).toBe(true);
		expect(size('BTCUSDT')).toBeUndefined();
		await market(free, 'BTCUSDT', 'Buy', '0.1');
		const readOnly = await closeAll(ctxWith({ readOnly: true }), 'linear', 'USDT');
		expect(readOnly.map((r) => [r.symbol, r.closed])).toEqual(expect.arrayContaining([['BTCUSDT', false], ['ETHUSDT', false]]));
		expect(readOnly.every((r) => /read-only mode/.test(r.message))).toBe(true);
		const all = await closeAll(limited, 'linear', 'USDT');
		expect(all.map((r) => [r.symbol, r.closed]).sort()).toEqual([['BTCUSDT', true], ['ETHUSDT', true]]);
		expect([size('BTCUSDT'), size('ETHUSDT')]).toEqual([undefined, undefined]);
	});

	it('10: cancel-all by settle coin and position mode by coin are refused under an allow-list, nothing sent', async () => {
		const ctx = ctxWith({ allowedSymbols: 'BTCUSDT' });
		const cancel = await failure(bybitApiRequest.call(ctx, post('/v5/order/cancel-all', { category: 'linear', settleCoin: 'USDT' })));
		expect(cancel).toBeInstanceOf(NodeOperationError);
		expect(cancel?.message).toMatch(/without a symbol .* Set a symbol/);
		const mode = await failure(bybitApiRequest.call(ctx, post('/v5/position/switch-mode', { category: 'linear', coin: 'USDT', mode: 3 })));
		expect(mode?.message).toMatch(/by coin .* Set a symbol/);
		expect([...sent('/v5/order/cancel-all'), ...sent('/v5/position/switch-mode')]).toHaveLength(0);
		await bybitApiRequest.call(ctx, post('/v5/order/cancel-all', { category: 'linear', symbol: 'BTCUSDT' }));
		expect(sent('/v5/order/cancel-all')).toHaveLength(1);
	});

	it('11: a price-only amend is checked with the open order\'s quantity; a too-large amend is refused unsent', async () => {
		await bybitApiRequest.call(ctxWith(), post('/v5/order/create', { category: 'linear', symbol: 'BTCUSDT', side: 'Buy', orderType: 'Limit', qty: '0.01', price: '60000', orderLinkId: 'amend-1' }));
		const capped = ctxWith({ maxOrderNotional: 1000 });
		await bybitApiRequest.call(capped, post('/v5/order/amend', { category: 'linear', symbol: 'BTCUSDT', orderLinkId: 'amend-1', price: '61000' }));
		expect(sent('/v5/order/amend')).toHaveLength(1);
		expect(sent('/v5/order/realtime').length).toBeGreaterThan(0);
		const big = await failure(bybitApiRequest.call(capped, post('/v5/order/amend', { category: 'linear', symbol: 'BTCUSDT', orderLinkId: 'amend-1', qty: '0.1' })));
		expect(big?.message).toMatch(/Order notional 6\d{3}(\.\d+)? for 0.1 BTCUSDT/);
		expect(sent('/v5/order/amend')).toHaveLength(1);
	});

	it('12: a 10004 answer never shows the key or the signed origin string; a bad RSA PEM is a credential error, not a network one', async () => {
		const wrong = transportContext(sandbox.restUrl, 'not-the-secret-000000000000', { apiKey: key.apiKey });
		const error = await failure(bybitApiRequest.call(wrong, post('/v5/order/cancel-all', { category: 'linear', symbol: 'BTCUSDT' })));
		expect(sent('/v5/order/cancel-all')[0].retCode).toBe(10004);
		const everything = JSON.stringify({ message: error?.message, description: error?.description, context: error?.context, json: error });
		expect(everything).toMatch(/10004/);
		expect(everything).not.toContain(key.apiKey);
		expect(everything).not.toMatch(/origin_string\[[^r]/);
		const rsa = transportContext(sandbox.restUrl, '', { apiKey: key.apiKey, signatureMethod: 'rsa', rsaPrivateKey: '-----BEGIN PRIVATE KEY-----\nnot a key\n-----END PRIVATE KEY-----' });
		const before = sandbox.control.requests().length;
		const pem = await failure(bybitApiRequest.call(rsa, post('/v5/order/create', { category: 'linear', symbol: 'BTCUSDT', side: 'Buy', orderType: 'Market', qty: '0.001' })));
		expect(pem).toBeInstanceOf(NodeOperationError);
		expect(pem?.message).toMatch(/RSA Private Key .* is not a valid PEM private key/);
		expect(pem?.message).not.toMatch(/Could not reach/);
		expect(bybitFailure(pem).outcomeUnknown).toBe(false);
		expect(sandbox.control.requests().length).toBe(before);
	});

	it('a generated sample of orders: every refused one is absent from the wire, every admitted one was sent', async () => {
		const ctx = ctxWith({ maxOrderNotional: 2000 });
		const orders = fc.sample(
			fc.record({
				category: fc.constantFrom('linear', 'spot'),
				side: fc.constantFrom('Buy', 'Sell'),
				orderType: fc.constantFrom('Market', 'Limit'),
				qty: fc.constantFrom('0.001', '0.01', '0.02', '0.05', '1', '100', '2500'),
				price: fc.constantFrom(undefined, '1', '100', '30000', '66000', '90000'),
				marketUnit: fc.constantFrom(undefined, 'baseCoin', 'quoteCoin'),
				reduceOnly: fc.constantFrom(undefined, true),
			}),
			{ numRuns: 40, seed: 13 },
		);
		let refused = 0;
		for (const [n, o] of orders.entries()) {
			const body = Object.fromEntries(Object.entries({ ...o, symbol: 'BTCUSDT', orderLinkId: `wire-${n}` }).filter(([, v]) => v !== undefined)) as IDataObject;
			const error = await failure(bybitApiRequest.call(ctx, post('/v5/order/create', body)));
			const onWire = sent('/v5/order/create').some((r) => r.body.includes(`"wire-${n}"`));
			if (error instanceof NodeOperationError) {
				refused++;
				expect(error.message).toMatch(/maximum|must be/);
				expect(onWire).toBe(false);
			} else expect(onWire).toBe(true);
		}
		expect(refused).toBeGreaterThan(5);
		expect(refused).toBeLessThan(orders.length);
	});
});
