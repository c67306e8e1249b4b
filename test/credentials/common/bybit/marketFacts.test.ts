/**
 * The channel that hands looked-up prices from the transport to the signer:
 * survives n8n's copies of the options, cannot be forged from data, is bound
 * to category + symbol, and expires. Plus the error redaction of texts Bybit
 * sends back.
 */
import { credentialErrorIn, redactSecrets, BybitCredentialError } from '../../../../credentials/common/bybit/errors';
import { FACTS_TTL_MS, marketFactsOf, tickerKey, withMarketFacts, type MarketFacts } from '../../../../credentials/common/bybit/marketFacts';
import { signBybitRequest } from '../../../../credentials/common/bybit/request';

const creds = { environment: 'custom', baseUrl: 'http://127.0.0.1:1', apiKey: 'facts-key-123', apiSecret: 'facts-secret-0123456789', maxOrderNotional: 1000 };
const order = { category: 'linear', symbol: 'BTCUSDT', side: 'Buy', orderType: 'Market', qty: '0.01' };
const facts = (symbol = 'BTCUSDT', at = Date.now()): MarketFacts => ({ at, tickers: { [tickerKey('linear', symbol)]: { lastPrice: '65000', ask1Price: '65001' } }, orders: {} });
const sign = (options: object) => () => signBybitRequest(creds, options as never);

describe('market facts channel', () => {
	it('the signer admits an order only with fresh facts for its own category and symbol', () => {
		const options = { method: 'POST' as const, url: '/v5/order/create', body: order };
		expect(sign(options)).toThrow(/use the Bybit node/);
		expect(sign(withMarketFacts({ ...options }, facts()))).not.toThrow();
		expect(sign(withMarketFacts({ ...options }, facts('ETHUSDT')))).toThrow(/no market price/);
		expect(sign(withMarketFacts({ ...options }, facts('BTCUSDT', Date.now() - FACTS_TTL_MS - 1)))).toThrow(/use the Bybit node/);
		expect(sign(withMarketFacts({ ...options, body: { ...order, qty: '1' } }, facts()))).toThrow(/Order notional 65001 /);
	});

	it('survives object spread (what n8n does), not JSON (what a workflow can express); Symbol.for cannot reach it', () => {
		const options = withMarketFacts({ method: 'POST', url: '/v5/order/create', body: order }, facts());
		expect(marketFactsOf({ ...options })).toBeDefined();
		expect(marketFactsOf(JSON.parse(JSON.stringify(options)))).toBeUndefined();
		const forged = { ...JSON.parse(JSON.stringify(options)), [Symbol.for('bybitMarketFacts')]: facts(), bybitMarketFacts: facts() };
		expect(marketFactsOf(forged)).toBeUndefined();
		expect(sign(forged)).toThrow(/use the Bybit node/);
	});
});

describe('error texts', () => {
	it('drop the signed origin string, the key, the secret and signatures', () => {
		const sig = 'a'.repeat(64);
		const text = `error sign! origin_string[1700000000000facts-key-1235000{"request":[{"qty":"1"}]}] sig ${sig} secret facts-secret-0123456789`;
		const clean = redactSecrets(text, ['facts-key-123', 'facts-secret-0123456789']);
		expect(clean).toBe('error sign! origin_string[redacted] sig [redacted] secret [redacted]');
		expect(redactSecrets('error sign! origin_string[1700facts-key-123 cut', ['facts-key-123'])).toBe('error sign! origin_string[redacted]');
	});

	it('find the signer\'s error inside n8n\'s wrapper', () => {
		const inner = new BybitCredentialError('refused');
		expect(credentialErrorIn({ message: 'wrapped', cause: inner })).toBe(inner);
		expect(credentialErrorIn(new Error('ECONNRESET'))).toBeUndefined();
	});
});
