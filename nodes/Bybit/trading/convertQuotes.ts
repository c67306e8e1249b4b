/**
 * Convert quotes the Bybit node requested, as Bybit answered them, per key
 * (`origin|apiKey`). Under the credential's limits a confirm is only signed
 * for a quote found here: its coins and amounts are what the limits judge
 * (credentials/common/bybit/convertSafety.ts). Bybit's quotes expire after
 * 15 s; entries are kept a minute, at most MAX_QUOTES (oldest dropped).
 */
import type { ConvertQuoteFacts } from '../../../credentials/common/bybit/convertSafety';

export const QUOTE_TTL_MS = 60_000;
const MAX_QUOTES = 1000;
const quotes = new Map<string, { at: number; quote: ConvertQuoteFacts }>();

const keyOf = (scope: string, quoteTxId: string) => `${scope}\n${quoteTxId}`;

function prune(now: number): void {
	for (const [k, v] of quotes) {
		if (now - v.at <= QUOTE_TTL_MS && quotes.size <= MAX_QUOTES) break;
		quotes.delete(k);
	}
}

/** Remembers Bybit's answer to a quote request (ignored when it lacks an id, coins or amounts). */
export function rememberQuote(scope: string, answer: Record<string, unknown>, now = Date.now()): void {
	const text = (v: unknown) => (typeof v === 'string' ? v : '');
	const quote: ConvertQuoteFacts = {
		fromCoin: text(answer.fromCoin).toUpperCase(),
		toCoin: text(answer.toCoin).toUpperCase(),
		fromAmount: text(answer.fromAmount),
		toAmount: text(answer.toAmount),
	};
	const id = text(answer.quoteTxId);
	if (!id || !quote.fromCoin || !quote.toCoin || !quote.fromAmount || !quote.toAmount) return;
	quotes.delete(keyOf(scope, id));
	quotes.set(keyOf(scope, id), { at: now, quote });
	prune(now);
}

/** The quote this key requested with this id in the last minute, if any. */
export function recallQuote(scope: string, quoteTxId: string, now = Date.now()): ConvertQuoteFacts | undefined {
	const hit = quotes.get(keyOf(scope, quoteTxId));
	return hit && now - hit.at <= QUOTE_TTL_MS && now >= hit.at ? { ...hit.quote } : undefined;
}

export function clearQuotes(): void {
	quotes.clear();
}
