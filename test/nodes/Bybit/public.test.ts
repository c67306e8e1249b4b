/**
 * Public market data without a credential (issue #14, section 3), against the
 * sandbox on a real socket: with Authentication "None" every Market operation
 * (and a public Custom API Call) is sent unsigned, with no X-BAPI header, to
 * the node's Environment (here Custom = the sandbox), through the IP budget;
 * `getCredentials` is never called. Anything that is not a public read is
 * refused before sending, naming the fix, and so is any operation that needs
 * the credential when none is set (getCredentials throwing as n8n 2.41 does).
 */
import type { IDataObject } from 'n8n-workflow';

import { isPublicRead } from '../../../credentials/common/bybit/safety';
import { ALL_SPECS } from '../../../nodes/Bybit/actions/index';
import { clearInstrumentCache } from '../../../nodes/Bybit/trading/instruments';
import { ipBudget, resetIpBudgets } from '../../../nodes/Bybit/transport/ipBudget';
import { resetRateLimiter } from '../../../nodes/Bybit/transport/rateLimiter';
import { rl, runBybit } from '../../harness/execute';
import type { SentRequest } from '../../harness/http';
import { startSandbox, type Sandbox } from '../../sandbox';

let sandbox: Sandbox;
beforeAll(async () => {
	resetRateLimiter();
	clearInstrumentCache();
	sandbox = await startSandbox({ port: 0, rateLimits: false });
});
afterAll(() => sandbox.close());
beforeEach(() => {
	sandbox.control.clearRequests();
	resetIpBudgets();
});

const BTC = rl('BTCUSDT');
/** Parameters per Market operation (the rest take their defaults). */
const MARKET: Record<string, IDataObject> = {
	getServerTime: {},
	getKline: { category: 'linear', symbol: BTC, interval: '60', priceType: 'last', limit: 5 },
	getOrderbook: { category: 'linear', symbol: BTC, limit: 5 },
	getRecentTrades: { category: 'linear', symbol: BTC, returnAll: false, limit: 5 },
	getInstrumentsInfo: { category: 'linear', symbol: rl(''), returnAll: true },
	getTickers: { category: 'linear', symbol: BTC, returnAll: true },
	getFundingRateHistory: { category: 'linear', symbol: BTC, returnAll: false, limit: 5 },
	getOpenInterest: { category: 'linear', symbol: BTC, intervalTime: '1h', returnAll: false, limit: 5 },
	getHistoricalVolatility: {},
	getInsurance: { returnAll: true },
	getRiskLimit: { category: 'linear', symbol: BTC },
	getDeliveryPrice: { category: 'option', symbol: rl('') },
	getLongShortRatio: { category: 'linear', symbol: BTC, period: '1h', returnAll: false, limit: 5 },
	getOrderPriceLimit: { category: 'linear', symbol: BTC },
	getAdlAlert: {},
	getRpiOrderbook: { category: 'linear', symbol: BTC, limit: 5 },
	getIndexComponents: { indexName: 'BTCUSDT' },
	getFeeGroupInfo: { productType: 'contract' },
	getNewDeliveryPrice: { baseCoin: 'BTC' },
	getSystemStatus: {},
	getAnnouncements: { locale: 'en-US', returnAll: false, limit: 5 },
};

const publicParams = () => ({ authentication: 'none', environment: 'custom', baseUrl: sandbox.restUrl });
const bapiHeaders = (headers: Record<string, unknown>) => Object.keys(headers).filter((h) => h.toLowerCase().startsWith('x-bapi'));

describe('Market operations without a credential', () => {
	it('lists every Market operation here', () => {
		expect(ALL_SPECS.filter((s) => s.resource === 'market').map((s) => s.operation).sort()).toEqual(Object.keys(MARKET).sort());
	});

	it.each(Object.entries(MARKET))('%s is sent unsigned to the node\'s Environment and answers', async (operation, params) => {
		const sent: SentRequest[] = [];
		const reads = { count: 0 };
		const out = await runBybit({}, { resource: 'market', operation, ...publicParams(), ...params }, { noCredential: true, sent, credentialReads: reads });
		expect(out.length).toBeGreaterThanOrEqual(1);
		expect(out.every((item) => item.pairedItem !== undefined)).toBe(true);
		expect(reads.count).toBe(0);
		const log = sandbox.control.requests();
		expect(log.length).toBeGreaterThanOrEqual(1);
		for (const entry of log) {
			expect([entry.path, entry.method, bapiHeaders(entry.headers), entry.signatureValid, entry.retCode]).toEqual([entry.path, 'GET', [], null, 0]);
			expect(isPublicRead('GET', entry.path)).toBe(true);
		}
		expect(sent.map((r) => bapiHeaders(r.headers))).toEqual(sent.map(() => []));
		expect(sent.every((r) => r.url.startsWith(`${sandbox.restUrl}/v5/`) && isPublicRead('GET', new URL(r.url).pathname))).toBe(true);
		// the IP-wide budget counts unsigned requests too (per host)
		expect(ipBudget(sandbox.restUrl).inWindow()).toBe(log.length);
	});

	it('sends the query serialised as the signed path would', async () => {
		await runBybit({}, { resource: 'market', operation: 'getTickers', ...publicParams(), ...MARKET.getTickers }, { noCredential: true });
		expect(sandbox.control.requests().map((r) => r.query)).toEqual(['category=linear&symbol=BTCUSDT']);
	});

	it('without a credential and Authentication left on the credential: a clear error, nothing sent', async () => {
		const run = runBybit({}, { resource: 'market', operation: 'getTickers', ...MARKET.getTickers }, { noCredential: true });
		await expect(run).rejects.toThrow(/needs a Bybit API credential, and none is set\. Add a Bybit credential .*Authentication to "None \(Public Market Data\)"/);
		expect(sandbox.control.requests()).toEqual([]);
	});

	it('a Custom environment without a valid Base URL is refused, naming the field', async () => {
		const run = runBybit({}, { resource: 'market', operation: 'getServerTime', authentication: 'none', environment: 'custom', baseUrl: 'ftp://x' }, { noCredential: true });
		await expect(run).rejects.toThrow(/"Base URL" must be the http\(s\) address/);
		const bad = runBybit({}, { resource: 'market', operation: 'getServerTime', authentication: 'none', environment: 'moon' }, { noCredential: true });
		await expect(bad).rejects.toThrow(/"Environment" must be one of mainnet, .*custom; got "moon"/);
	});
});

describe('operations that need the credential, without one', () => {
	it.each([
		['order', 'getOpenOrders', { category: 'linear', symbol: BTC }],
		['account', 'getWalletBalance', { accountType: 'UNIFIED' }],
		['order', 'create', { category: 'linear', symbol: BTC, side: 'Buy', orderType: 'Market', qty: '0.01', positionIdx: '0' }],
		['user', 'getApiKeyInfo', {}],
		['user', 'getSubAccounts', {}],
		['asset', 'getVaspList', {}],
		['asset', 'getWithdrawableAmount', { coin: rl('USDT') }],
	])('%s.%s fails before sending, telling to add a Bybit credential', async (resource, operation, params) => {
		// a stale "Authentication: None" saved on another resource does not make a private call unsigned
		const run = runBybit({}, { resource, operation, authentication: 'none', environment: 'custom', baseUrl: sandbox.restUrl, ...params }, { noCredential: true });
		await expect(run).rejects.toThrow(/needs a Bybit API credential, and none is set\. Add a Bybit credential to the node/);
		expect(sandbox.control.requests()).toEqual([]);
	});
});

describe('Custom API Call without a credential', () => {
	const custom = (params: IDataObject) => ({ resource: 'custom', operation: 'apiCall', ...publicParams(), specifyParameters: 'keypair', ...params });

	it('a public GET works, unsigned', async () => {
		const out = await runBybit({}, custom({ method: 'GET', path: '/v5/market/tickers', parameters: { parameter: [{ name: 'category', value: 'linear' }, { name: 'symbol', value: 'btcusdt' }] } }), { noCredential: true });
		expect((out[0].json.list as IDataObject[])[0].symbol).toBe('BTCUSDT');
		const [entry] = sandbox.control.requests();
		expect([entry.path, entry.query, bapiHeaders(entry.headers)]).toEqual(['/v5/market/tickers', 'category=linear&symbol=BTCUSDT', []]);
	});

	it('Bybit\'s retCode errors come through as for signed calls', async () => {
		const run = runBybit({}, custom({ method: 'GET', path: '/v5/market/tickers', parameters: { parameter: [{ name: 'category', value: 'nonsense' }] } }), { noCredential: true });
		await expect(run).rejects.toThrow(/^Bybit error \d+: /);
		expect(sandbox.control.requests().map((r) => [r.path, r.signatureValid])).toEqual([['/v5/market/tickers', null]]);
	});

	it.each([
		['POST', '/v5/order/create', /POST \/v5\/order\/create needs a Bybit API credential: without one, only public market data/],
		['POST', '/v5/market/tickers', /POST \/v5\/market\/tickers needs a Bybit API credential/],
		['GET', '/v5/account/wallet-balance', /GET \/v5\/account\/wallet-balance needs a Bybit API credential/],
		['GET', '/v5/asset/coin/query-info', /Add a Bybit credential to the node and set Authentication to "Bybit API Credential"/],
	])('%s %s is refused before sending', async (method, path, error) => {
		const run = runBybit({}, custom({ method, path, parameters: { parameter: [{ name: 'category', value: 'linear' }] } }), { noCredential: true });
		await expect(run).rejects.toThrow(error);
		expect(sandbox.control.requests()).toEqual([]);
	});
});
