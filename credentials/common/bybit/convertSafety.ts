/**
 * The credential's limits for Convert (docs: asset/convert/*), pure. A
 * convert is a trade: Request a Quote (`quote-apply`) names the coins and the
 * amount, Confirm (`convert-execute`) carries only the quote's id and is what
 * moves funds.
 *
 * - Read-only refuses both (they are writes, safety.ts).
 * - Max Order Notional: a quote is worth requestAmount x the USD price of
 *   requestCoin (USDT and USDC count as 1; any other coin at the highest of
 *   the last price, best bid and best ask of its USDT spot pair, looked up by
 *   the transport). A confirm is worth the larger of its two legs
 *   (fromAmount x price of fromCoin, toAmount x price of toCoin) as Bybit
 *   quoted them, so a confirm is only admitted for a quote the Bybit node
 *   itself requested with this key (the transport remembers Bybit's answer
 *   and hands it to the signer); any other quoteTxId, e.g. one an AI agent
 *   made up or got elsewhere, is refused, since nothing tells what it
 *   converts. Whatever cannot be valued is refused, saying why.
 * - Allowed Symbols: a convert between coins A and B is allowed when a listed
 *   symbol is A+B or B+A with a quote coin (QUOTE_COINS) as its second part:
 *   BTCUSDT allows BTC<->USDT in both directions, ETHBTC allows ETH<->BTC;
 *   BTC<->ETH is not allowed by BTCUSDT and ETHUSDT together. The quote-coin
 *   rule stops odd splits ("BTCU" + "SDT") from matching. A confirm is judged
 *   by its quote's coins, so it needs the remembered quote here as well.
 *
 * Borrowing, fixed-rate (spot-margin-uta/fixedborrow) or at the variable rate
 * (account/borrow), is valued the same way under the cap: the amount x the
 * USD price of the coin (a loan is an order to borrow that much). A renewal
 * names only the loan's ID, so under a cap it is refused, saying why. None of
 * them touches a symbol: an allow-list lets them pass (whatever is bought
 * with the coins is an order, checked).
 */
import type { GateBody } from './bodyKeys';
import { tickerKey, type MarketFacts } from './marketFacts';
import { compare, formatDec, mul, parseDecimal, type Dec } from './valuation';

export const CONVERT_QUOTE = '/v5/asset/exchange/quote-apply';
export const CONVERT_CONFIRM = '/v5/asset/exchange/convert-execute';

/** A quote as Bybit answered it (coins upper case, amounts as Bybit's decimal strings). */
export interface ConvertQuoteFacts {
	fromCoin: string;
	toCoin: string;
	fromAmount: string;
	toAmount: string;
}

/** Coins valued at 1 USD without a look-up. */
export const USD_COINS = new Set(['USDT', 'USDC']);

/** Quote coins of Bybit's spot pairs: the second part of a listed symbol that allows a convert. */
export const QUOTE_COINS = new Set(['USDT', 'USDC', 'USDE', 'USD1', 'RLUSD', 'DAI', 'BTC', 'ETH', 'EUR', 'BRL', 'PLN', 'TRY']);

const coinOf = (value: unknown): string => (typeof value === 'string' ? value.trim().toUpperCase() : '');

/** The spot pair whose ticker prices a coin in USD (undefined for USDT/USDC). */
export function usdPairOf(coin: string): string | undefined {
	return USD_COINS.has(coin) || !/^[A-Z0-9]{1,20}$/.test(coin) ? undefined : `${coin}USDT`;
}

/** Highest positive price among the ticker's last, bid and ask (the worst case for the cap). */
function usdPrice(coin: string, facts: MarketFacts | undefined): Dec | string {
	if (USD_COINS.has(coin)) return { n: 1n, s: 0 };
	const pair = usdPairOf(coin);
	if (!pair) return `"${coin}" is not a coin name`;
	const ticker = facts?.tickers[tickerKey('spot', pair)];
	if (!ticker) return `no ${pair} spot price was looked up for ${coin}`;
	const prices = [ticker.lastPrice, ticker.bid1Price, ticker.ask1Price, ticker.markPrice, ticker.indexPrice]
		.map((v) => parseDecimal(v))
		.filter((d): d is Dec => d !== undefined && d !== 'invalid' && d.n > 0n);
	if (!prices.length) return `Bybit gave no ${pair} spot price for ${coin}`;
	return prices.reduce((a, b) => (compare(a, b) >= 0 ? a : b));
}

/** One leg's value in USD, or why it cannot be valued. */
function legValue(coin: string, amount: unknown, facts: MarketFacts | undefined): Dec | string {
	const qty = parseDecimal(amount);
	if (qty === undefined || qty === 'invalid') return `the amount of ${coin || 'the coin'} is not a decimal number (got ${JSON.stringify(amount ?? null)})`;
	const price = usdPrice(coin, facts);
	return typeof price === 'string' ? price : mul(qty, price);
}

/** The coins a convert request converts between, or why they cannot be told. */
export function convertCoins(path: string, body: GateBody, facts: MarketFacts | undefined): { from: string; to: string } | string {
	if (path === CONVERT_QUOTE) {
		const from = coinOf(body.fromCoin);
		const to = coinOf(body.toCoin);
		if (!from || !to) return 'a quote request needs "fromCoin" and "toCoin"';
		return { from, to };
	}
	const quote = quoteOf(body, facts);
	return typeof quote === 'string' ? quote : { from: quote.fromCoin, to: quote.toCoin };
}

function quoteOf(body: GateBody, facts: MarketFacts | undefined): ConvertQuoteFacts | string {
	const id = typeof body.quoteTxId === 'string' ? body.quoteTxId : '';
	if (!id) return 'a confirm needs "quoteTxId" (text)';
	const quotes = facts?.quotes;
	const quote = quotes && Object.prototype.hasOwnProperty.call(quotes, id) ? quotes[id] : undefined;
	if (!quote) {
		return `quote ${id.slice(0, 40)} was not requested by the Bybit node with this credential in the last minute, so nothing tells what it converts. Request the quote with Convert → Request a Quote, then confirm it`;
	}
	return quote;
}

/** Whether a listed symbol allows converting between `a` and `b` (see the header). */
export function pairAllowed(allowed: ReadonlySet<string>, a: string, b: string): boolean {
	if (!a || !b || a === b) return false;
	return (allowed.has(a + b) && QUOTE_COINS.has(b)) || (allowed.has(b + a) && QUOTE_COINS.has(a));
}

export function convertAllowListRefusal(allowed: ReadonlySet<string>, path: string, body: GateBody, facts: MarketFacts | undefined): string | undefined {
	const coins = convertCoins(path, body, facts);
	const list = [...allowed].join(', ');
	if (typeof coins === 'string') return `Cannot check the convert against the credential's allowed symbols (${list}): ${coins}.`;
	if (pairAllowed(allowed, coins.from, coins.to)) return undefined;
	return `Converting ${coins.from} to ${coins.to} is not allowed by the credential's allowed symbols (${list}): a convert needs the pair ${coins.from}${coins.to} or ${coins.to}${coins.from} in the list (e.g. BTCUSDT allows BTC<->USDT). Add the pair under "Allowed Symbols" in the credential.`;
}

/** An amount as a reader writes it (Bybit's 18-decimal strings trimmed). */
function shown(amount: string): string {
	const d = parseDecimal(amount);
	return d && d !== 'invalid' ? formatDec(d) : amount;
}

/** The value of a quote request or a confirm in USD, or why it cannot be valued. */
export function convertValue(path: string, body: GateBody, facts: MarketFacts | undefined): { value: Dec; what: string } | string {
	if (path === CONVERT_QUOTE) {
		const coins = convertCoins(path, body, facts);
		if (typeof coins === 'string') return coins;
		const request = coinOf(body.requestCoin);
		if (request !== coins.from && request !== coins.to) return `"requestCoin" must be the fromCoin (${coins.from}) or the toCoin (${coins.to}), got ${JSON.stringify(body.requestCoin ?? null)}`;
		const value = legValue(request, body.requestAmount, facts);
		return typeof value === 'string' ? value : { value, what: `${String(body.requestAmount)} ${request}` };
	}
	const quote = quoteOf(body, facts);
	if (typeof quote === 'string') return quote;
	const from = legValue(quote.fromCoin, quote.fromAmount, facts);
	if (typeof from === 'string') return from;
	const to = legValue(quote.toCoin, quote.toAmount, facts);
	if (typeof to === 'string') return to;
	return { value: compare(from, to) >= 0 ? from : to, what: `${shown(quote.fromAmount)} ${quote.fromCoin} to ${shown(quote.toAmount)} ${quote.toCoin}` };
}

export function convertCapRefusal(cap: Dec, path: string, body: GateBody, facts: MarketFacts | undefined): string | undefined {
	const capText = formatDec(cap);
	const valued = convertValue(path, body, facts);
	if (typeof valued === 'string') return `Cannot check the convert against the credential's maximum notional (${capText}): ${valued}.`;
	if (compare(valued.value, cap) <= 0) return undefined;
	return `Convert of ${valued.what} is worth ${formatDec(valued.value)} USD, above the credential's maximum of ${capText} per order. Convert a smaller amount or raise "Max Order Notional" in the credential.`;
}

/** The spot tickers valuing a convert needs (the quote's coins for a confirm, once the quote is known). */
export function convertTickers(path: string, body: GateBody, facts: MarketFacts | undefined): string[] {
	let coins: string[] = [];
	if (path === CONVERT_QUOTE) coins = [coinOf(body.requestCoin)];
	else {
		const quote = quoteOf(body, facts);
		if (typeof quote !== 'string') coins = [quote.fromCoin, quote.toCoin];
	}
	return [...new Set(coins.map(usdPairOf).filter((p): p is string => p !== undefined))];
}

export const FIXED_BORROW = '/v5/spot-margin-trade/fixedborrow';
/** The unified account's manual borrow at the variable rate (account/borrow): coin + amount. */
export const FLEXIBLE_BORROW = '/v5/account/borrow';

/** The coin and amount a borrow names (fixed: orderCurrency/orderAmount; flexible: coin/amount); undefined for a renewal. */
function loanOf(path: string, body: GateBody): { coin: string; amount: unknown; coinField: string } | undefined {
	if (path === FIXED_BORROW) return { coin: coinOf(body.orderCurrency), amount: body.orderAmount, coinField: 'orderCurrency' };
	if (path === FLEXIBLE_BORROW) return { coin: coinOf(body.coin), amount: body.amount, coinField: 'coin' };
	return undefined;
}

export function loanCapRefusal(cap: Dec, path: string, body: GateBody, facts: MarketFacts | undefined): string | undefined {
	const capText = formatDec(cap);
	const loan = loanOf(path, body);
	if (!loan) {
		return `A loan renewal names only the loan's ID, so its amount cannot be checked against the credential's maximum notional (${capText}). Renew it on Bybit, or remove "Max Order Notional" from the credential.`;
	}
	if (!loan.coin) return `Cannot check the borrow against the credential's maximum notional (${capText}): it needs "${loan.coinField}".`;
	const value = legValue(loan.coin, loan.amount, facts);
	if (typeof value === 'string') return `Cannot check the borrow against the credential's maximum notional (${capText}): ${value}.`;
	if (compare(value, cap) <= 0) return undefined;
	return `Borrowing ${String(loan.amount)} ${loan.coin} is worth ${formatDec(value)} USD, above the credential's maximum of ${capText} per order. Borrow less or raise "Max Order Notional" in the credential.`;
}

/** The spot ticker valuing a borrow needs. */
export function loanTickers(path: string, body: GateBody): string[] {
	const loan = loanOf(path, body);
	const pair = loan ? usdPairOf(loan.coin) : undefined;
	return pair ? [pair] : [];
}
