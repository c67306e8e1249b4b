/**
 * The credential's safety limits, as pure rules. The ONE signer
 * (`signBybitRequest`, run by the credential's `authenticate` for every
 * request: Bybit node, trigger catch-up, n8n's HTTP Request node) refuses what
 * they forbid before anything is signed; the transport runs the same check
 * first to fetch the market facts a valuation needs and to report refusals
 * with the item index.
 *
 * Rules: reads pass. Withdrawals need "Allow Withdrawals". Read-only refuses
 * every write. The allow-list refuses writes touching a symbol outside it, and
 * writes whose symbols cannot be told (cancel-all without symbol, position
 * mode by coin, unknown paths). The cap refuses every order whose worst-case
 * notional exceeds it or cannot be valued, and unknown write paths. Closes
 * Bybit enforces as reduce-only are exempt from the allow-list and the cap.
 * Under either limit, a body whose keys a case-folding decoder could read
 * otherwise than these rules is refused first (bodyKeys.ts).
 * Converts are trades: their rules (coin pairs, quote values, confirms only of
 * quotes the node requested) are in convertSafety.ts.
 */
import type { IDataObject } from 'n8n-workflow';

import { keyRefusal, type GateBody } from './bodyKeys';
import { convertAllowListRefusal, convertCapRefusal, convertTickers, CONVERT_CONFIRM, loanCapRefusal, loanTickers } from './convertSafety';
import { orderKey, tickerKey, type MarketFacts } from './marketFacts';
import {
	amendedOrder,
	compare,
	decOfNumber,
	formatDec,
	isRiskReducing,
	needsTicker,
	valueOrder,
	type OrderView,
} from './valuation';

export interface Guardrails {
	readOnly: boolean;
	/** Upper-case symbols allowed in write requests; undefined = all. */
	allowedSymbols?: ReadonlySet<string>;
	/** Maximum notional per order in the quote/settle currency (USD for inverse); 0 = none. */
	maxOrderNotional: number;
	allowWithdrawals: boolean;
}

export interface GuardrailSettings {
	readOnly?: boolean;
	allowedSymbols?: string;
	maxOrderNotional?: number | string;
	allowWithdrawals?: boolean;
}

export function guardrailsOf(settings: GuardrailSettings): Guardrails {
	const list = String(settings.allowedSymbols ?? '');
	const symbols = list
		? list
				.split(/[\s,;]+/)
				.map((s) => s.trim().toUpperCase())
				.filter(Boolean)
		: [];
	const max = Number(settings.maxOrderNotional ?? 0);
	return {
		readOnly: settings.readOnly === true,
		allowedSymbols: symbols.length ? new Set(symbols) : undefined,
		maxOrderNotional: Number.isFinite(max) && max > 0 ? max : 0,
		allowWithdrawals: settings.allowWithdrawals === true,
	};
}

/**
 * Known write paths. `order`/`amend` place or change orders (valued);
 * `symbol` needs one allowed symbol per item; `cancelAll`/`switchMode` may
 * target a whole coin; `account` touches no symbol (transfers, margin mode,
 * disconnect-cancel-all, spot margin switch, leverage and auto-repay);
 * `convert` is a convert quote or its confirm, `loan` a borrow (variable or
 * fixed rate) or a fixed-rate renewal (convertSafety.ts). Anything else is an unknown write.
 */
type WriteKind = 'order' | 'amend' | 'symbol' | 'cancelAll' | 'switchMode' | 'account' | 'convert' | 'loan';

const WRITES: Readonly<Record<string, { kind: WriteKind; batch?: true }>> = {
	'/v5/order/create': { kind: 'order' },
	'/v5/order/create-batch': { kind: 'order', batch: true },
	'/v5/order/amend': { kind: 'amend' },
	'/v5/order/amend-batch': { kind: 'amend', batch: true },
	'/v5/order/cancel': { kind: 'symbol' },
	'/v5/order/cancel-batch': { kind: 'symbol', batch: true },
	'/v5/order/cancel-all': { kind: 'cancelAll' },
	'/v5/order/disconnected-cancel-all': { kind: 'account' },
	'/v5/position/set-leverage': { kind: 'symbol' },
	'/v5/position/switch-isolated': { kind: 'symbol' },
	'/v5/position/trading-stop': { kind: 'symbol' },
	'/v5/position/set-auto-add-margin': { kind: 'symbol' },
	'/v5/position/add-margin': { kind: 'symbol' },
	'/v5/position/set-tpsl-mode': { kind: 'symbol' },
	'/v5/position/set-risk-limit': { kind: 'symbol' },
	'/v5/position/confirm-pending-mmr': { kind: 'symbol' },
	'/v5/position/switch-mode': { kind: 'switchMode' },
	'/v5/account/set-margin-mode': { kind: 'account' },
	'/v5/account/upgrade-to-uta': { kind: 'account' },
	'/v5/asset/transfer/inter-transfer': { kind: 'account' },
	'/v5/asset/transfer/universal-transfer': { kind: 'account' },
	'/v5/asset/withdraw/create': { kind: 'account' },
	'/v5/asset/withdraw/cancel': { kind: 'account' },
	// account extras: no symbol; a borrow is valued under the cap like a fixed-rate one (convertSafety.ts)
	'/v5/account/borrow': { kind: 'loan' },
	'/v5/account/repay': { kind: 'account' },
	'/v5/account/no-convert-repay': { kind: 'account' },
	'/v5/account/set-collateral-switch': { kind: 'account' },
	'/v5/account/set-collateral-switch-batch': { kind: 'account' },
	'/v5/account/set-hedging-mode': { kind: 'account' },
	'/v5/account/mmp-modify': { kind: 'account' },
	'/v5/account/mmp-reset': { kind: 'account' },
	'/v5/account/demo-apply-money': { kind: 'account' },
	// earn: moves funds between the wallet and a product, trades no symbol
	'/v5/earn/place-order': { kind: 'account' },
	'/v5/earn/position/modify': { kind: 'account' },
	// spot margin (spot-margin-uta/*): account settings; spot orders with isLeverage 1 are still valued one by one
	'/v5/spot-margin-trade/switch-mode': { kind: 'account' },
	'/v5/spot-margin-trade/set-leverage': { kind: 'account' },
	'/v5/spot-margin-trade/set-auto-repay-mode': { kind: 'account' },
	'/v5/spot-margin-trade/fixedborrow': { kind: 'loan' },
	'/v5/spot-margin-trade/fixedborrow-renew': { kind: 'loan' },
	'/v5/asset/exchange/quote-apply': { kind: 'convert' },
	'/v5/asset/exchange/convert-execute': { kind: 'convert' },
};

/** POST endpoints that change nothing (margin impact of a would-be order). */
const READ_ONLY_POSTS = new Set(['/v5/order/pre-check']);

/** Already in the form normalizePath gives: lower-case segments of [a-z0-9_-], no "%", no empty segment, no trailing slash. */
const CANONICAL_PATH = /^(?:\/[a-z0-9_-]+)+$/;

/** The path as Bybit would route it, for matching: decoded, single slashes, no trailing slash, lower case. */
export function normalizePath(path: string): string {
	// the paths the node sends are already canonical: decoding, collapsing and lower-casing would return them unchanged
	if (CANONICAL_PATH.test(path)) return path;
	let p = path;
	try {
		p = decodeURIComponent(p);
	} catch {
		// keep the raw path: an undecodable path matches no known route and is judged as unknown
	}
	return p.replace(/\/{2,}/g, '/').replace(/(.)\/+$/, '$1').toLowerCase();
}

/**
 * Documented reads under /withdraw/ (GET only): withdrawable amount, records,
 * address book, VASP list. They move nothing, so they pass in read-only mode
 * and with withdrawals off. Matched exactly on the normalised path.
 */
const WITHDRAW_READS = new Set([
	// the unified account's transferable amount (a read whose path says "withdrawal")
	'/v5/account/withdrawal',
	'/v5/asset/withdraw/withdrawable-amount',
	'/v5/asset/withdraw/query-record',
	'/v5/asset/withdraw/query-address',
	'/v5/asset/withdraw/vasp/list',
]);

/** Cancelling a withdrawal only reduces risk: a write (refused in read-only mode) that needs no "Allow Withdrawals". */
const WITHDRAW_CANCEL = '/v5/asset/withdraw/cancel';

const isGet = (method: string) => method === 'GET' || method === 'HEAD';

/** Any other path naming "withdraw", by any method, is treated as a withdrawal (normalised path). */
function isWithdrawal(method: string, path: string): boolean {
	if (!path.includes('withdraw') || path === WITHDRAW_CANCEL) return false;
	return !(isGet(method) && WITHDRAW_READS.has(path));
}

/** Whether a request changes something (GET/HEAD to a write path counts: the query is its body). */
export function isWrite(method: string, path: string): boolean {
	const p = normalizePath(path);
	const m = method.toUpperCase();
	if (READ_ONLY_POSTS.has(p)) return false;
	if (isGet(m)) return p in WRITES || isWithdrawal(m, p);
	return true;
}

export interface SafetyRequest {
	method: string;
	path: string;
	/** The JSON body (or, for a GET to a write path, the query). */
	body: IDataObject | undefined;
}

interface Item {
	label: string;
	body: GateBody;
}

function itemsOf(path: string, body: GateBody, batch: boolean | undefined): Item[] | string {
	if (!batch) return [{ label: '', body }];
	if (!Array.isArray(body.request)) return `${path} needs "request" to be a list of orders`;
	const items: Item[] = [];
	for (const [n, item] of (body.request as unknown[]).entries()) {
		if (!item || typeof item !== 'object' || Array.isArray(item)) return `item ${n + 1} of "request" is not an object`;
		const o = item as GateBody;
		if (o.category !== undefined && o.category !== body.category) return `item ${n + 1} of "request" has its own category "${String(o.category)}"; the batch's category is "${String(body.category)}"`;
		items.push({ label: `Order ${n + 1} of the batch: `, body: o });
	}
	return items;
}

function symbolOf(o: GateBody): string {
	return typeof o.symbol === 'string' ? o.symbol.trim().toUpperCase() : '';
}

function orderViewOf(category: string, o: GateBody): OrderView {
	return {
		category,
		symbol: symbolOf(o),
		side: o.side,
		orderType: o.orderType,
		qty: o.qty,
		price: o.price,
		triggerPrice: o.triggerPrice,
		marketUnit: o.marketUnit,
		reduceOnly: o.reduceOnly,
		closeOnTrigger: o.closeOnTrigger,
	};
}

const NO_FACTS =
	'Under a maximum notional, an order is valued at the market price, which the credential cannot look up by itself: use the Bybit node (it looks the price up) or remove "Max Order Notional" from the credential.';

function allowListRefusal(g: Guardrails, path: string, kind: WriteKind, items: Item[], body: GateBody): string | undefined {
	const allowed = g.allowedSymbols!;
	const list = [...allowed].join(', ');
	const fix = `Add it under "Allowed Symbols" in the credential.`;
	if (kind === 'account') return undefined;
	for (const item of items) {
		if (kind === 'order' && isRiskReducing(orderViewOf(String(body.category ?? ''), item.body))) continue;
		const symbol = symbolOf(item.body);
		if (!symbol) {
			if (kind === 'cancelAll') return `${path} without a symbol would cancel orders on every symbol, but the credential only allows ${list}. Set a symbol.`;
			if (kind === 'switchMode') return `${path} by coin would switch every symbol of that coin, but the credential only allows ${list}. Set a symbol.`;
			return `${item.label}${path} has no symbol, and the credential only allows ${list}. Set a symbol.`;
		}
		if (!allowed.has(symbol)) return `${item.label}Symbol ${symbol} is not in the credential's allowed symbols (${list}). ${fix}`;
	}
	return undefined;
}

function capRefusal(g: Guardrails, kind: WriteKind, category: string, items: Item[], facts: MarketFacts | undefined): string | undefined {
	if (kind !== 'order' && kind !== 'amend') return undefined;
	const cap = decOfNumber(g.maxOrderNotional);
	const capText = formatDec(cap);
	for (const item of items) {
		let order = orderViewOf(category, item.body);
		if (kind === 'amend') {
			const open = facts?.orders[orderKey(category, order.symbol, item.body.orderId, item.body.orderLinkId)];
			if (open === undefined) return `${item.label}Cannot check the amend of ${order.symbol || 'an order'} against the credential's maximum notional (${capText}) without the open order's quantity and side. ${NO_FACTS}`;
			if (open === null) return `${item.label}No open ${order.symbol} order with this orderId/orderLinkId, so the amend cannot be checked against the credential's maximum notional.`;
			order = amendedOrder(category, item.body, open);
		}
		if (isRiskReducing(order)) continue;
		const ticker = facts?.tickers[tickerKey(category, order.symbol)];
		const valued = valueOrder(order, ticker);
		if (valued.kind === 'refuse') return `${item.label}Refused by the credential's maximum notional (${capText}): ${valued.reason}.`;
		if (valued.kind === 'needsTicker') return `${item.label}Cannot check ${order.symbol || 'the order'} against the credential's maximum notional (${capText}): no market price. ${NO_FACTS}`;
		if (compare(valued.notional, cap) > 0) {
			const at = valued.price ? ` at ${formatDec(valued.price)} (the worse of the order's prices and the market price)` : '';
			return `${item.label}Order notional ${formatDec(valued.notional)} for ${String(order.qty)} ${order.symbol}${at} exceeds the credential's maximum of ${capText} per order. Reduce the quantity or raise "Max Order Notional" in the credential.`;
		}
	}
	return undefined;
}

/**
 * The refusal for a request under the credential's limits, or undefined when
 * it may be sent. `early`: the transport's first pass, before it looked
 * anything up: the maximum notional and the rules that need a convert
 * confirm's quote wait for the second pass; everything else (read-only,
 * withdrawals, unknown paths, the body's keys, the allow-list) is decided here,
 * so a refused request looks nothing up.
 */
export function safetyRefusal(g: Guardrails, req: SafetyRequest, facts?: MarketFacts, early = false): string | undefined {
	const method = req.method.toUpperCase();
	if (!isWrite(method, req.path)) return undefined;
	const path = normalizePath(req.path);
	if (isWithdrawal(method, path) && !g.allowWithdrawals) {
		return 'Withdrawals are blocked by the Bybit credential. To allow them, open the credential and turn on "Allow Withdrawals".';
	}
	if (g.readOnly) {
		return `The Bybit credential is in read-only mode, so ${req.path} was not sent. Turn off "Read-Only Mode" in the credential to allow writes.`;
	}
	if (!g.allowedSymbols && !g.maxOrderNotional) return undefined;
	const spec = WRITES[path];
	if (!spec) {
		const limit = g.allowedSymbols ? 'allowed symbols' : 'maximum notional';
		return `${req.path} is not a write the credential's ${limit} can check, so it was not sent. Use the Bybit node's operations, or remove the limit from the credential.`;
	}
	const keys = keyRefusal(req.body);
	if (keys) return keys;
	const body: GateBody = req.body ?? {};
	const items = itemsOf(path, body, spec.batch);
	if (typeof items === 'string') return `Cannot check the request against the credential's safety limits: ${items}.`;
	const cap = early ? 0 : g.maxOrderNotional;
	if (spec.kind === 'loan') return cap ? loanCapRefusal(decOfNumber(g.maxOrderNotional), path, body, facts) : undefined;
	if (spec.kind === 'convert') {
		if (g.allowedSymbols && !(early && path === CONVERT_CONFIRM)) {
			const refusal = convertAllowListRefusal(g.allowedSymbols, path, body, facts);
			if (refusal) return refusal;
		}
		return cap ? convertCapRefusal(decOfNumber(cap), path, body, facts) : undefined;
	}
	if (g.allowedSymbols) {
		const refusal = allowListRefusal(g, req.path, spec.kind, items, body);
		if (refusal) return refusal;
	}
	if (cap) return capRefusal(g, spec.kind, String(body.category ?? ''), items, facts);
	return undefined;
}

export interface Lookups {
	tickers: Array<{ category: string; symbol: string }>;
	orders: Array<{ category: string; symbol: string; orderId?: string; orderLinkId?: string }>;
	/** Convert quotes (by quoteTxId) the node remembers: looked up first, then `lookupsFor` again with them for their prices. */
	quotes: string[];
}

/** What the transport must look up before `safetyRefusal` can value the request (`facts`: what it found so far). */
export function lookupsFor(g: Guardrails, req: SafetyRequest, facts?: MarketFacts): Lookups {
	const out: Lookups = { tickers: [], orders: [], quotes: [] };
	if (g.readOnly || !isWrite(req.method.toUpperCase(), req.path)) return out;
	const path = normalizePath(req.path);
	const spec = WRITES[path];
	const body: GateBody = req.body ?? {};
	if (spec?.kind === 'convert') {
		if (path === CONVERT_CONFIRM && (g.maxOrderNotional || g.allowedSymbols) && typeof body.quoteTxId === 'string') out.quotes.push(body.quoteTxId);
		if (g.maxOrderNotional) out.tickers.push(...convertTickers(path, body, facts).map((symbol) => ({ category: 'spot', symbol })));
		return out;
	}
	if (!g.maxOrderNotional) return out;
	if (spec?.kind === 'loan') {
		out.tickers.push(...loanTickers(path, body).map((symbol) => ({ category: 'spot', symbol })));
		return out;
	}
	if (!spec || (spec.kind !== 'order' && spec.kind !== 'amend')) return out;
	const items = itemsOf(path, body, spec.batch);
	if (typeof items === 'string') return out;
	const category = String(body.category ?? '');
	const seen = new Set<string>();
	for (const { body: o } of items) {
		const symbol = symbolOf(o);
		if (!symbol) continue;
		const order = orderViewOf(category, o);
		if (spec.kind === 'amend') {
			out.orders.push({ category, symbol, orderId: o.orderId ? String(o.orderId) : undefined, orderLinkId: o.orderLinkId ? String(o.orderLinkId) : undefined });
		} else if (isRiskReducing(order) || !needsTicker(order)) continue;
		if (category === 'inverse' || seen.has(symbol)) continue;
		seen.add(symbol);
		out.tickers.push({ category, symbol });
	}
	return out;
}

/** Paths Bybit serves without authentication (docs: every "market" endpoint is public). */
const PUBLIC_PREFIX = '/v5/market/';
/** Public endpoints outside /v5/market/ (docs: system-status, announcement), matched exactly. */
const PUBLIC_PATHS: ReadonlySet<string> = new Set(['/v5/system/status', '/v5/announcements/index']);

/** Whether a request may go to Bybit unsigned: a GET of public market data, system status or announcements. */
export function isPublicRead(method: string, path: string): boolean {
	const p = normalizePath(path);
	return method.toUpperCase() === 'GET' && (p.startsWith(PUBLIC_PREFIX) || PUBLIC_PATHS.has(p)) && !p.includes('..') && !/[?#]/.test(p);
}

/**
 * Without a credential only public market data can be read: anything else is
 * refused before it is sent, naming the fix.
 */
export function unsignedRefusal(method: string, path: string): string | undefined {
	if (isPublicRead(method, path)) return undefined;
	return `${method.toUpperCase()} ${path} needs a Bybit API credential: without one, only public market data (GET ${PUBLIC_PREFIX}...), system status and announcements can be read. Add a Bybit credential to the node and set Authentication to "Bybit API Credential".`;
}
