/**
 * Symbol is text in Bybit Trigger 1 and a resource locator in 1.1: a saved
 * version-1 node keeps its text field and subscribes the same topic as
 * before; new nodes get the locator (list, By Symbol, trading-page URL).
 */
import { NodeHelpers, type INode, type INodeParameters } from 'n8n-workflow';

import { BybitTrigger } from '../../../nodes/BybitTrigger/BybitTrigger.node';
import { placeOrder, startTrigger, useTriggerSandbox } from '../../harness/trigger';
import type { Sandbox } from '../../sandbox';

let sandbox: Sandbox;
useTriggerSandbox((s) => (sandbox = s));

const description = new BybitTrigger().description;
const market = (extra: Record<string, unknown>) => ({ source: 'market', publicHost: 'custom', publicWsUrl: sandbox.wsUrl, marketCategory: 'linear', marketEvent: 'ticker', ...extra });
const subscribed = () => sandbox.control.wsReceived().filter((f) => f.msg.op === 'subscribe').map((f) => ({ path: f.path, args: f.msg.args }));

/** The parameters n8n resolves for a saved node of this version (defaults added, hidden ones dropped). */
function resolved(typeVersion: number, saved: INodeParameters): INodeParameters {
	return NodeHelpers.getNodeParameters(description.properties, saved, true, false, { typeVersion } as INode, description)!;
}

describe('Bybit Trigger: Symbol by node version', () => {
	it('versions 1 and 1.1, new nodes on 1.1', () => {
		expect(description.version).toEqual([1, 1.1]);
		expect(description.defaultVersion).toBe(1.1);
	});

	it('n8n keeps a version-1 saved symbol as the text it was, and gives 1.1 nodes the locator', () => {
		expect(resolved(1, { source: 'market', symbol: 'ETHUSDT' }).symbol).toBe('ETHUSDT');
		expect(resolved(1, { source: 'market' }).symbol).toBe('BTCUSDT');
		expect(resolved(1.1, { source: 'market' }).symbol).toEqual({ __rl: true, mode: 'id', value: 'BTCUSDT' });
		const kept = { __rl: true, mode: 'url', value: 'https://www.bybit.com/trade/usdt/ETHUSDT' };
		expect(resolved(1.1, { source: 'market', symbol: kept }).symbol).toEqual(kept);
	});

	it('a version-1 node (symbol saved as text) subscribes the same topic as before', async () => {
		await startTrigger(market({ symbol: 'ethusdt' }), undefined, { typeVersion: 1 });
		expect(subscribed()).toEqual([{ path: '/v5/public/linear', args: ['tickers.ETHUSDT'] }]);
	});

	it('a 1.1 node: From List and By Symbol', async () => {
		await startTrigger(market({ symbol: { __rl: true, mode: 'list', value: 'ETHUSDT' } }), undefined, { typeVersion: 1.1 });
		await startTrigger(market({ marketEvent: 'kline', interval: '1', symbol: { __rl: true, mode: 'id', value: 'BTCUSDT' } }), undefined, { typeVersion: 1.1 });
		expect(subscribed()).toEqual([
			{ path: '/v5/public/linear', args: ['tickers.ETHUSDT'] },
			{ path: '/v5/public/linear', args: ['kline.1.BTCUSDT'] },
		]);
	});

	it('a 1.1 node: a spot trading page URL subscribes its symbol, and emits its events', async () => {
		const run = await startTrigger(
			market({ marketCategory: 'spot', marketEvent: 'publicTrade', symbol: { __rl: true, mode: 'url', value: 'https://www.bybit.com/en/trade/spot/BTC/USDT' } }),
			undefined,
			{ typeVersion: 1.1 },
		);
		expect(subscribed()).toEqual([{ path: '/v5/public/spot', args: ['publicTrade.BTCUSDT'] }]);
		await placeOrder(sandbox, { category: 'spot', symbol: 'BTCUSDT', qty: '0.001', marketUnit: 'baseCoin' });
		await run.waitFor((items) => items.length >= 1);
		expect(run.items()[0]).toMatchObject({ topic: 'publicTrade.BTCUSDT', symbol: 'BTCUSDT', s: 'BTCUSDT', S: 'Buy' });
	});

	it('a 1.1 node: a URL that is not a trading page stops the activation before connecting, naming the problem', async () => {
		await expect(
			startTrigger(market({ symbol: { __rl: true, mode: 'url', value: 'https://www.bybit.com/trade/option/usdc/BTC' } }), undefined, { typeVersion: 1.1 }),
		).rejects.toThrow(/Symbol parameter's value is invalid/);
		await expect(startTrigger(market({ symbol: { __rl: true, mode: 'id', value: 'BTC USDT' } }), undefined, { typeVersion: 1.1 })).rejects.toThrow(
			'Symbol "BTC USDT" is not a Bybit symbol: give it as Bybit writes it, e.g. BTCUSDT, or pick it from the list.',
		);
		expect(subscribed()).toEqual([]);
	});

	it('the 1.1 list searches the public instruments of the Market Category on the stream\'s host (no credential)', async () => {
		const trigger = new BybitTrigger();
		const current: Record<string, unknown> = { marketCategory: 'spot', publicHost: 'custom', publicWsUrl: sandbox.wsUrl };
		const calls: string[] = [];
		const ctx = {
			getCurrentNodeParameter: (name: string) => current[name],
			getNode: () => ({ name: 'Bybit Trigger' }),
			helpers: {
				httpRequest: async (o: { url: string; qs: Record<string, string> }) => {
					const url = `${o.url}?${new URLSearchParams(o.qs).toString()}`;
					calls.push(url);
					return await (await fetch(url)).json();
				},
			},
		};
		const found = await trigger.methods.listSearch.searchSymbols.call(ctx as never, 'btcu');
		expect(found.results.map((r) => r.value)).toContain('BTCUSDT');
		expect(found.results.every((r) => String(r.value).includes('BTCU'))).toBe(true);
		expect(calls).toEqual([`${sandbox.restUrl}/v5/market/instruments-info?category=spot&limit=1000`]);
	});
});
