/**
 * The transport without a credential: the node's Environment picks the host
 * from the same table as the credential's (endpoints.ts); only GETs of
 * /v5/market/* leave, unsigned; everything else is refused before n8n's HTTP
 * helper is called. The helper here is a recorder (no network).
 */
import fc from 'fast-check';
import type { IHttpRequestOptions, INode } from 'n8n-workflow';

import { ENVIRONMENTS } from '../../../../credentials/common/bybit/endpoints';
import { isPublicRead } from '../../../../credentials/common/bybit/safety';
import { bybitApiRequest, type BybitContext } from '../../../../nodes/Bybit/transport';
import { resetIpBudgets } from '../../../../nodes/Bybit/transport/ipBudget';
import { resetRateLimiter } from '../../../../nodes/Bybit/transport/rateLimiter';

const node: INode = { id: '1', name: 'Bybit', type: 'n8n-nodes-bybit.bybit', typeVersion: 1, position: [0, 0], parameters: {} };

function publicContext(params: Record<string, unknown>, sent: IHttpRequestOptions[]): BybitContext {
	return {
		getNode: () => node,
		getInputData: () => [{ json: {} }],
		getNodeParameter: (name: string, _i: number, fallback: unknown) => {
			const value = name in params ? params[name] : fallback;
			if (value === undefined) throw new Error(`Could not get parameter "${name}"`);
			return value;
		},
		getCredentials: async () => {
			throw new Error('Credentials not found');
		},
		helpers: {
			httpRequest: async (options: IHttpRequestOptions) => {
				sent.push(options);
				return { statusCode: 200, headers: {}, body: { retCode: 0, retMsg: 'OK', result: { ok: true }, time: 1 } };
			},
			httpRequestWithAuthentication: async () => {
				throw new Error('must not sign without a credential');
			},
		},
	} as unknown as BybitContext;
}

beforeEach(() => {
	resetRateLimiter();
	resetIpBudgets();
});

describe('unsigned transport', () => {
	it.each(Object.entries(ENVIRONMENTS))('environment %s sends to its REST host, no X-BAPI header', async (environment, env) => {
		const sent: IHttpRequestOptions[] = [];
		const ctx = publicContext({ resource: 'market', authentication: 'none', environment }, sent);
		await expect(bybitApiRequest.call(ctx, { method: 'GET', path: '/v5/market/tickers', qs: { category: 'spot', symbol: 'BTCUSDT', limit: 5 } })).resolves.toEqual({ ok: true });
		expect(sent.map((o) => o.url)).toEqual([`${env.rest}/v5/market/tickers?category=spot&symbol=BTCUSDT&limit=5`]);
		expect(sent[0].qs).toBeUndefined();
		expect(Object.keys(sent[0].headers ?? {}).filter((h) => /^x-bapi/i.test(h))).toEqual([]);
	});

	it('a Custom environment sends to its Base URL (trailing slash dropped)', async () => {
		const sent: IHttpRequestOptions[] = [];
		const ctx = publicContext({ resource: 'custom', authentication: 'none', environment: 'custom', baseUrl: 'http://127.0.0.1:9/proxy/' }, sent);
		await bybitApiRequest.call(ctx, { method: 'GET', path: '/v5/market/time' });
		expect(sent.map((o) => o.url)).toEqual(['http://127.0.0.1:9/proxy/v5/market/time']);
	});

	it('property: only GET /v5/market/*, system status and announcements are sent without a credential; the rest is refused before the HTTP helper', async () => {
		const method = fc.constantFrom('GET', 'POST', 'DELETE', 'PUT', 'get');
		const path = fc.oneof(
			fc.constantFrom('/v5/market/tickers', '/v5/order/create', '/v5/account/wallet-balance', '/v5/asset/withdraw/create', '/v5/user/query-api', '/v5/MARKET/time', '/v5/market', '/v5/marketx/a', '/v5/system/status', '/v5/announcements/index', '/v5/system/status/x', '/v5/system'),
			fc.stringMatching(/^\/v5\/[a-z/.%-]{0,24}$/),
		);
		await fc.assert(
			fc.asyncProperty(method, path, async (m, p) => {
				const sent: IHttpRequestOptions[] = [];
				const ctx = publicContext({ resource: 'market', authentication: 'none', environment: 'mainnet' }, sent);
				const run = bybitApiRequest.call(ctx, { method: m.toUpperCase() as 'GET', path: p, retrySafe: false });
				if (isPublicRead(m, p)) {
					await run;
					expect(sent).toHaveLength(1);
					expect(/^\/v5\/(market\/|system\/status\/?$|announcements\/index\/?$)/.test(p.toLowerCase())).toBe(true);
				} else {
					await expect(run).rejects.toThrow(/needs a Bybit API credential: without one, only public market data/);
					expect(sent).toEqual([]);
				}
			}),
			{ numRuns: 300 },
		);
	});
});
