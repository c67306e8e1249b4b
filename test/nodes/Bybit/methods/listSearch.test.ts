import type { ILoadOptionsFunctions } from 'n8n-workflow';

import { searchCoins, searchSymbols } from '../../../../nodes/Bybit/methods/listSearch';
import { resetRateLimiter } from '../../../../nodes/Bybit/transport/rateLimiter';
import { sandboxCredentials } from '../../../harness/execute';
import { makeHttpRequest, makeHttpRequestWithAuthentication } from '../../../harness/http';
import { startSandbox, type Sandbox } from '../../../sandbox';

let sandbox: Sandbox;
beforeEach(async () => {
	resetRateLimiter();
	sandbox = await startSandbox({ port: 0, rateLimits: false });
});
afterEach(() => sandbox.close());

/** The editor's context for a resource locator search: the node's current parameters and its credential. */
function loadOptionsContext(current: Record<string, unknown>): ILoadOptionsFunctions {
	const { apiKey, secret } = sandbox.control.defaultKey;
	const credentials = sandboxCredentials(sandbox.restUrl, apiKey, secret);
	return {
		getNode: () => ({ id: 'n1', name: 'Bybit', type: 'n8n-nodes-bybit.bybit', typeVersion: 1, position: [0, 0], parameters: {} }),
		getCurrentNodeParameter: (name: string) => current[name],
		getCredentials: async () => credentials,
		helpers: { httpRequestWithAuthentication: makeHttpRequestWithAuthentication(credentials) },
	} as unknown as ILoadOptionsFunctions;
}

describe('resource locator searches', () => {
	it('lists the symbols of the node\'s current category, filtered case-insensitively', async () => {
		const linear = await searchSymbols.call(loadOptionsContext({ category: 'linear' }), 'usdt');
		expect(linear.results.map((r) => r.value)).toEqual(['BTCUSDT', 'ETHUSDT', 'SOLUSDT']);
		const inverse = await searchSymbols.call(loadOptionsContext({ category: 'inverse' }));
		expect(inverse.results.map((r) => r.value)).toEqual(['BTCUSD', 'ETHUSD']);
		const [request] = sandbox.control.requests();
		expect(new URLSearchParams(request.query).get('category')).toBe('linear');
		expect(request.signatureValid).toBe(true);
	});

	it('lists coins sorted, filtered by the search text', async () => {
		const all = await searchCoins.call(loadOptionsContext({}));
		const values = all.results.map((r) => String(r.value));
		expect(values).toEqual([...values].sort());
		expect(values).toEqual(expect.arrayContaining(['BTC', 'USDT']));
		const usd = await searchCoins.call(loadOptionsContext({}), 'us');
		expect(usd.results.every((r) => String(r.value).includes('US'))).toBe(true);
		expect(usd.results.length).toBeGreaterThan(0);
	});

	it('without a credential (Authentication None) lists Market symbols from the node\'s Environment, unsigned', async () => {
		let reads = 0;
		const ctx = {
			getNode: () => ({ id: 'n1', name: 'Bybit', type: 'n8n-nodes-bybit.bybit', typeVersion: 1, position: [0, 0], parameters: {} }),
			getCurrentNodeParameter: (name: string) => ({ resource: 'market', authentication: 'none', environment: 'custom', baseUrl: sandbox.restUrl, category: 'linear' })[name],
			getCredentials: async () => {
				reads++;
				throw new Error('Credentials not found');
			},
			helpers: { httpRequest: makeHttpRequest() },
		} as unknown as ILoadOptionsFunctions;
		const linear = await searchSymbols.call(ctx, 'usdt');
		expect(linear.results.map((r) => r.value)).toEqual(['BTCUSDT', 'ETHUSDT', 'SOLUSDT']);
		expect(reads).toBe(0);
		const [request] = sandbox.control.requests();
		expect([request.apiKey, request.signatureValid]).toEqual(['', null]);
	});
});
