/**
 * Convert end to end on the sandbox: a quote priced from the sandbox's
 * prices, its confirm moving the balances, Bybit's codes for an expired,
 * unknown or reused quote; and the credential's limits on the wire (nothing
 * refused is ever sent): read-only, Max Order Notional (quote valued at the
 * looked-up price; confirm only for a quote this node requested with this
 * key), Allowed Symbols by coin pair.
 */
import fc from 'fast-check';
import type { ICredentialDataDecryptedObject, IDataObject } from 'n8n-workflow';

import { clearQuotes } from '../../../../nodes/Bybit/trading/convertQuotes';
import { rl, runBybit, sandboxCredentials } from '../../../harness/execute';
import { useTradingSandbox } from '../../../harness/tradingSandbox';
import type { Sandbox } from '../../../sandbox';

let sandbox: Sandbox;
let creds: ICredentialDataDecryptedObject;
useTradingSandbox((s, c) => {
	sandbox = s;
	creds = c;
	clearQuotes();
});

const sent = (path: string) => sandbox.control.requests().filter((r) => r.path === path);
const QUOTE = '/v5/asset/exchange/quote-apply';
const CONFIRM = '/v5/asset/exchange/convert-execute';
const limited = (limits: ICredentialDataDecryptedObject): ICredentialDataDecryptedObject => ({ ...creds, ...limits });
const requestQuote = async (c: ICredentialDataDecryptedObject, fromCoin: string, toCoin: string, requestAmount: string) =>
	(await runBybit(c, { resource: 'convert', operation: 'requestQuote', accountType: 'eb_convert_uta', fromCoin: rl(fromCoin), toCoin: rl(toCoin), requestAmount }))[0].json;
const confirmQuote = async (c: ICredentialDataDecryptedObject, quoteTxId: unknown) => (await runBybit(c, { resource: 'convert', operation: 'confirmQuote', quoteTxId }))[0].json;
const status = async (quoteTxId: unknown) => (await runBybit(creds, { resource: 'convert', operation: 'getConvertStatus', quoteTxId, accountType: 'eb_convert_uta' }))[0].json;

describe('Convert on the sandbox', () => {
	it('quote → confirm → status → history: rate from the sandbox prices, balances moved once', async () => {
		const q = await requestQuote(creds, 'BTC', 'USDT', '0.01');
		expect(q).toMatchObject({ fromCoin: 'BTC', toCoin: 'USDT', fromAmount: '0.01', toAmount: expect.stringMatching(/^650\.0+$/), exchangeRate: expect.stringMatching(/^65000\.0+$/), extTaxAndFee: [] });
		expect(Number(q.expiredTime) - Date.now()).toBeGreaterThan(10_000);
		const before = { btc: await walletOf('BTC'), usdt: await walletOf('USDT') };
		expect(await confirmQuote(creds, q.quoteTxId)).toEqual({ exchangeStatus: 'processing', quoteTxId: q.quoteTxId });
		expect(await status(q.quoteTxId)).toMatchObject({ exchangeTxId: q.quoteTxId, exchangeStatus: 'success', fromAmount: '0.01', toAmount: '650', convertRate: '65000', accountType: 'eb_convert_uta' });
		expect(await walletOf('BTC')).toBeCloseTo(before.btc - 0.01, 8);
		expect(await walletOf('USDT')).toBeCloseTo(before.usdt + 650, 6);
		await expect(confirmQuote(creds, q.quoteTxId)).rejects.toThrow(/700009/);
		const history = await runBybit(creds, { resource: 'convert', operation: 'getConvertHistory', returnAll: true });
		expect(history.map((h) => h.json.exchangeTxId)).toEqual([q.quoteTxId]);
	});

	it('an expired or unknown quote gets 700008; an amount above the balance 700005; nothing moves', async () => {
		const q = await requestQuote(creds, 'BTC', 'USDT', '0.01');
		sandbox.control.setClockSkew(16_000);
		await expect(confirmQuote(creds, q.quoteTxId)).rejects.toThrow(/700008.*price time out/);
		sandbox.control.setClockSkew(0);
		expect((await status(q.quoteTxId)).exchangeStatus).toBe('init');
		await expect(confirmQuote(creds, '123')).rejects.toThrow(/700008/);
		await expect(requestQuote(creds, 'ETH', 'USDT', '200')).rejects.toThrow(/700005.*insufficient/);
	});

	it('a key without the Exchange permission gets 10005', async () => {
		const k = sandbox.control.createKey({ apiKey: 'no-convert', secret: 'no-convert-secret', permissions: { Spot: ['SpotTrade'] } });
		const c = sandboxCredentials(sandbox.restUrl, k.apiKey, 'no-convert-secret');
		await expect(runBybit(c, { resource: 'convert', operation: 'getCoinList', accountType: 'eb_convert_uta' })).rejects.toThrow(/10005/);
	});
});

describe('Convert under the credential\'s limits, on the wire', () => {
	it('read-only: neither a quote nor a confirm is sent', async () => {
		const ro = limited({ readOnly: true });
		await expect(requestQuote(ro, 'USDT', 'BTC', '10')).rejects.toThrow(/read-only/);
		await expect(confirmQuote(ro, '10100108106409343501030232064')).rejects.toThrow(/read-only/);
		expect([...sent(QUOTE), ...sent(CONFIRM)]).toEqual([]);
	});

	it('Max Order Notional: a quote is valued at the looked-up price; only quotes this node requested with this key are confirmed', async () => {
		const capped = limited({ maxOrderNotional: 1000 });
		await expect(requestQuote(capped, 'BTC', 'USDT', '0.02')).rejects.toThrow(/Convert of 0.02 BTC is worth 1300[\d.]* USD, above the credential's maximum of 1000/);
		expect(sent(QUOTE)).toEqual([]);
		expect(sent('/v5/market/tickers').map((r) => r.query)).toContain('category=spot&symbol=BTCUSDT');
		const q = await requestQuote(capped, 'BTC', 'USDT', '0.01');
		// a made-up id, and the real id under another key of the same account: refused before sending
		await expect(confirmQuote(capped, '10100108106409343501030232064')).rejects.toThrow(/was not requested by the Bybit node with this credential/);
		const other = sandbox.control.createKey({ apiKey: 'second-key', secret: 'second-secret' });
		await expect(confirmQuote({ ...sandboxCredentials(sandbox.restUrl, other.apiKey, 'second-secret'), maxOrderNotional: 1000 }, q.quoteTxId)).rejects.toThrow(/was not requested/);
		expect(sent(CONFIRM)).toEqual([]);
		// the quote's value is checked again at confirm, at the price then: the cap lowered meanwhile refuses it
		await expect(confirmQuote(limited({ maxOrderNotional: 600 }), q.quoteTxId)).rejects.toThrow(/Convert of 0.01 BTC to 650 USDT is worth 650[\d.]* USD, above the credential's maximum of 600/);
		expect(await confirmQuote(capped, q.quoteTxId)).toMatchObject({ quoteTxId: q.quoteTxId });
		expect(sent(CONFIRM)).toHaveLength(1);
	});

	it('Max Order Notional, generated: every quote sent is worth at most the cap at the sandbox price; none refused is sent', async () => {
		await fc.assert(
			fc.asyncProperty(fc.integer({ min: 1, max: 200 }), fc.integer({ min: 100, max: 3000 }), async (thousandths, cap) => {
				sandbox.control.clearRequests();
				const amount = (thousandths / 1000).toFixed(3);
				const ok = await requestQuote(limited({ maxOrderNotional: cap }), 'BTC', 'USDT', amount).then(() => true, (e: Error) => (expect(e.message).toMatch(/above the credential's maximum/), false));
				const worst = Math.max(...['lastPrice', 'bid1Price', 'ask1Price'].map((k) => Number(spotTicker()[k])));
				expect(ok).toBe(Number(amount) * worst <= cap);
				expect(sent(QUOTE)).toHaveLength(ok ? 1 : 0);
			}),
			{ numRuns: 25 },
		);
	});

	it('Allowed Symbols: BTCUSDT allows BTC<->USDT, not ETH<->USDT; a confirm is judged by its quote\'s coins', async () => {
		const allow = limited({ allowedSymbols: 'BTCUSDT' });
		await expect(requestQuote(allow, 'ETH', 'USDT', '0.1')).rejects.toThrow(/Converting ETH to USDT is not allowed/);
		expect(sent(QUOTE)).toEqual([]);
		const ethQuote = await requestQuote(creds, 'ETH', 'USDT', '0.1');
		await expect(confirmQuote(allow, ethQuote.quoteTxId)).rejects.toThrow(/Converting ETH to USDT is not allowed/);
		const q = await requestQuote(allow, 'USDT', 'BTC', '100');
		expect(await confirmQuote(allow, q.quoteTxId)).toMatchObject({ exchangeStatus: 'processing' });
		expect(sent(CONFIRM)).toHaveLength(1);
	});
});

/** The sandbox's BTCUSDT spot ticker, read before each test (prices only move through the control API). */
let tickerCache: IDataObject = {};
const spotTicker = () => tickerCache;

async function walletOf(coin: string): Promise<number> {
	const out = await runBybit(creds, { resource: 'account', operation: 'getWalletBalance', accountType: 'UNIFIED', additionalFields: { coin } });
	const row = ((out[0].json.coin as IDataObject[]) ?? []).find((c) => c.coin === coin);
	return Number(row?.walletBalance ?? Number.NaN);
}

beforeEach(async () => {
	const res = await fetch(`${sandbox.restUrl}/v5/market/tickers?category=spot&symbol=BTCUSDT`);
	tickerCache = ((await res.json()) as { result: { list: IDataObject[] } }).result.list[0];
});
