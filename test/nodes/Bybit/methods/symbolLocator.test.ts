/**
 * The Symbol locator's modes: trading-page URLs to API symbols (n8n-core's own
 * extractValue, then symbolOfPage), the By Symbol and By URL validation n8n
 * shows as parameter issues, and the action node's request through n8n's engine.
 */
import fc from 'fast-check';
import { extractValue } from 'n8n-core/dist/execution-engine/node-execution-context/utils/extract-value';
import { NodeHelpers, type INode, type INodeParameters } from 'n8n-workflow';

import { Bybit } from '../../../../nodes/Bybit/Bybit.node';
import { SYMBOL_ID_REGEX, SYMBOL_URL_REGEX, symbolFromLocator, symbolLocator } from '../../../../nodes/Bybit/methods/symbolLocator';
import { resetRateLimiter } from '../../../../nodes/Bybit/transport/rateLimiter';
import { sandboxCredentials } from '../../../harness/execute';
import { runInN8n } from '../../../harness/n8nCore';
import { startSandbox, type Sandbox } from '../../../sandbox';

const property = symbolLocator({ searchListMethod: 'searchSymbols', description: 'Trading pair' });
const nodeType = { description: { properties: [property] } } as never;
const node: INode = { id: 'n', name: 'N', type: 't', typeVersion: 1, position: [0, 0], parameters: {} };

/** What the node sends for a URL-mode value: n8n's extractValue, then the page form mapped to the API symbol. */
function fromUrl(url: string): unknown {
	const value = { __rl: true, mode: 'url', value: url };
	return symbolFromLocator(value, extractValue(value as never, 'symbol', { ...node, parameters: { symbol: value } }, nodeType));
}

const optional = symbolLocator({ searchListMethod: 'searchSymbols', description: 'Trading pair', required: false });

function issues(mode: string, value: string): string[] {
	const parameters = { symbol: { __rl: true, mode, value } } as INodeParameters;
	const found = NodeHelpers.getNodeParametersIssues([value === '' ? optional : property], { ...node, parameters }, null);
	return (found?.parameters?.symbol as string[] | undefined) ?? [];
}

describe('Symbol locator: trading-page URLs', () => {
	it.each([
		['https://www.bybit.com/trade/usdt/BTCUSDT', 'BTCUSDT'],
		['https://www.bybit.com/en/trade/usdt/ETHUSDT', 'ETHUSDT'],
		['https://www.bybit.com/en-US/trade/usdt/1000PEPEUSDT?tab=chart', '1000PEPEUSDT'],
		['https://www.bybit.com/trade/inverse/BTCUSD', 'BTCUSD'],
		['https://www.bybit.com/trade/inverse/futures/BTCUSDZ25', 'BTCUSDZ25'],
		['https://www.bybit.com/en/trade/spot/BTC/USDT', 'BTCUSDT'],
		['https://www.bybit.com/trade/spot/MNT/USDC/', 'MNTUSDC'],
		['https://www.bybit.com/trade/usdc/BTC-PERP', 'BTCPERP'],
		['https://www.bybit.com/trade/futures/usdc/BTC-26DEC25', 'BTC-26DEC25'],
		['https://www.bybit.com/trade/option/usdc/BTC-27DEC24-100000-C', 'BTC-27DEC24-100000-C'],
		['https://testnet.bybit.com/trade/usdt/SOLUSDT', 'SOLUSDT'],
		['https://www.bybit.eu/de-DE/trade/spot/ETH/EUR', 'ETHEUR'],
		['https://www.bybit.tr/trade/spot/BTC/TRY#x', 'BTCTRY'],
	])('%s -> %s', (url, symbol) => {
		expect(fromUrl(url)).toBe(symbol);
		expect(issues('url', url)).toEqual([]);
	});

	it.each([
		'https://www.bybit.com/trade/option/usdc/BTC', // a coin's option chain names no contract
		'https://www.bybit.com/trade/usdt/btcusdt',
		'https://www.bybit.com.evil.example/trade/usdt/BTCUSDT',
		'https://www.binance.com/en/trade/BTC_USDT',
		'https://www.bybit.com/en/markets/overview',
		'BTCUSDT',
	])('refuses %s: n8n names the URL, the editor shows the form', (url) => {
		expect(() => fromUrl(url)).toThrow(/Symbol parameter's value is invalid.*URL entered is incorrect/);
		expect(issues('url', url)).toEqual([expect.stringMatching(/^Not a Bybit trading page: .*https:\/\/www\.bybit\.com\/trade\/usdt\/BTCUSDT/)]);
	});

	it('every USDT pair page gives its symbol (property)', () => {
		fc.assert(
			fc.property(fc.stringMatching(/^[A-Z0-9]{1,12}$/), fc.constantFrom('', '/en', '/zh-TW', '/ja-JP'), (base, locale) => {
				expect(fromUrl(`https://www.bybit.com${locale}/trade/usdt/${base}USDT`)).toBe(`${base}USDT`);
				expect(fromUrl(`https://www.bybit.com${locale}/trade/spot/${base}/USDT`)).toBe(`${base}USDT`);
			}),
			{ numRuns: 300 },
		);
	});
});

describe('Symbol locator: By Symbol validation', () => {
	it('accepts everything the node ran before (trimmed and upper-cased at run time; empty for an optional Symbol)', () => {
		for (const s of ['BTCUSDT', 'BTC-26DEC25-100000-C', '1000PEPEUSDT', 'btcusdt', ' ETHUSDT ', '']) expect(issues('id', s)).toEqual([]);
		expect(new RegExp(`^${SYMBOL_ID_REGEX}$`).test('BTCUSDT')).toBe(true);
	});

	it('an empty URL on an optional Symbol sends no symbol', () => {
		expect(fromUrl('')).toBeUndefined();
		expect(issues('url', '')).toEqual([]);
	});

	it.each(['BTC USDT', 'BTC/USDT', '-BTC', 'X', 'https://www.bybit.com/trade/usdt/BTCUSDT'])('flags %s, naming the expected form', (s) => {
		expect(issues('id', s)).toEqual(['Not a Bybit symbol: use letters and digits as Bybit writes them, e.g. BTCUSDT (futures and options keep their dashes: BTC-26DEC25-100000-C)']);
	});

	it('an expression is not validated in the editor', () => {
		expect(issues('id', '={{ $json.symbol }}')).toEqual([]);
		expect(issues('url', '={{ $json.page }}')).toEqual([]);
	});

	it('the action node\'s symbol is this locator, with the URL mode', () => {
		const all = new Bybit().description.properties.filter((p) => p.name === 'symbol');
		const symbols = all.filter((p) => p.type === 'resourceLocator');
		expect(symbols.length).toBeGreaterThan(10);
		for (const p of symbols) {
			expect(p.modes?.map((m) => m.name)).toEqual(['list', 'id', 'url']);
			expect(p.modes?.[2].extractValue).toEqual({ type: 'regex', regex: SYMBOL_URL_REGEX });
		}
	});
});

describe('Symbol locator: the action node in n8n\'s engine', () => {
	let sandbox: Sandbox;
	beforeEach(async () => {
		resetRateLimiter();
		sandbox = await startSandbox({ port: 0, rateLimits: false });
	});
	afterEach(async () => await sandbox.close());
	const creds = () => sandboxCredentials(sandbox.restUrl, sandbox.control.defaultKey.apiKey, sandbox.control.defaultKey.secret);

	it('a spot trading page URL sends its API symbol', async () => {
		const run = await runInN8n(creds(), {
			resource: 'market', operation: 'getTickers', category: 'spot',
			symbol: { __rl: true, mode: 'url', value: 'https://www.bybit.com/en/trade/spot/BTC/USDT' },
		});
		expect(run.error).toBeUndefined();
		const sent = sandbox.control.requests().filter((r) => r.path === '/v5/market/tickers');
		expect(sent.map((r) => r.query)).toEqual(['category=spot&symbol=BTCUSDT']);
		expect(run.output![0].json).toMatchObject({ symbol: 'BTCUSDT' });
	});

	it('a page that is not a trading page: n8n refuses to run the node (parameter issue), nothing is sent', async () => {
		await expect(
			runInN8n(creds(), {
				resource: 'market', operation: 'getTickers', category: 'linear',
				symbol: { __rl: true, mode: 'url', value: 'https://www.bybit.com/trade/option/usdc/BTC' },
			}),
		).rejects.toThrow(/Not a Bybit trading page/);
		expect(sandbox.control.requests().filter((r) => r.path === '/v5/market/tickers')).toEqual([]);
	});

	it('an expression that gives a page that is not a trading page stops the item before anything is sent', async () => {
		const run = await runInN8n(
			creds(),
			{ resource: 'market', operation: 'getTickers', category: 'linear', symbol: { __rl: true, mode: 'url', value: '={{ $json.page }}' } },
			{ items: [{ page: 'https://www.bybit.com/trade/option/usdc/BTC' }] },
		);
		expect(run.error?.message).toMatch(/Symbol parameter's value is invalid/);
		expect(sandbox.control.requests().filter((r) => r.path === '/v5/market/tickers')).toEqual([]);
	});

	it('a By Symbol value with spaces or lower case, as saved before the validation existed, still runs', async () => {
		const run = await runInN8n(creds(), { resource: 'market', operation: 'getTickers', category: 'linear', symbol: { __rl: true, mode: 'id', value: ' btcusdt ' } });
		expect(run.error).toBeUndefined();
		expect(sandbox.control.requests().filter((r) => r.path === '/v5/market/tickers').map((r) => r.query)).toEqual(['category=linear&symbol=BTCUSDT']);
	});
});
