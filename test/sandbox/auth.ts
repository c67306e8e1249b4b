/**
 * REST authentication exactly as Bybit checks it, over the raw bytes received
 * (the query string after `?` for GET, the body for POST), with the shared
 * signing kernel (never a re-implementation).
 */
import type { IncomingHttpHeaders } from 'http';
import { restSigningString, verifyString } from '../../credentials/common/bybit/signing';
import type { Exchange, KeyRecord } from './state/exchange';
import { ApiError, type Category } from './types';

export interface AuthRequest {
	method: string;
	path: string;
	rawQuery: string;
	rawBody: string;
	headers: IncomingHttpHeaders;
	ip: string;
}

export type AuthResult = { key: KeyRecord; error?: undefined; signatureValid: boolean } | { key?: KeyRecord; error: ApiError; signatureValid: boolean | null };

function header(h: IncomingHttpHeaders, name: string): string | undefined {
	const v = h[name];
	return Array.isArray(v) ? v[0] : v;
}

/** Whether the signature over the raw payload verifies (null when no signature was sent or the key is unknown). */
export function checkSignature(key: KeyRecord, req: AuthRequest): boolean {
	const h = req.headers;
	const ts = header(h, 'x-bapi-timestamp') ?? '';
	const recv = header(h, 'x-bapi-recv-window');
	const sign = header(h, 'x-bapi-sign') ?? '';
	const payload = req.method === 'GET' ? req.rawQuery : req.rawBody;
	const secret = key.signatureMethod === 'rsa' ? key.publicKey : key.secret;
	const ok = (rw: string) => verifyString(key.signatureMethod, secret, restSigningString(ts, key.apiKey, rw, payload), sign);
	// Without the header, accept a signature made with the documented default ("5000") or with nothing.
	return recv !== undefined ? ok(recv) : ok('5000') || ok('');
}

/** Authenticate a private request. Order of checks: key, timestamp window, signature, IP, permissions. */
export function authenticate(ex: Exchange, req: AuthRequest, write: boolean, category: Category | undefined): AuthResult {
	const h = req.headers;
	const apiKey = header(h, 'x-bapi-api-key');
	const sign = header(h, 'x-bapi-sign');
	const tsRaw = header(h, 'x-bapi-timestamp');
	if (!apiKey || !sign || !tsRaw) {
		return {
			error: new ApiError(10003, 'Request not authorized: the X-BAPI-API-KEY, X-BAPI-TIMESTAMP and X-BAPI-SIGN headers are required', 401),
			signatureValid: null,
		};
	}
	const key = ex.keys.get(apiKey);
	if (!key) return { error: new ApiError(10003, 'API key is invalid.'), signatureValid: null };
	const recvRaw = header(h, 'x-bapi-recv-window') ?? '5000';
	const ts = Number(tsRaw);
	const recv = Number(recvRaw);
	if (!/^\d+$/.test(tsRaw) || !/^\d+$/.test(recvRaw)) {
		return { key, error: new ApiError(10001, 'params error: X-BAPI-TIMESTAMP and X-BAPI-RECV-WINDOW must be integers'), signatureValid: null };
	}
	const now = ex.now();
	const signatureValid = checkSignature(key, req);
	if (!(ts >= now - recv && ts < now + 1000)) {
		return {
			key,
			signatureValid,
			error: new ApiError(
				10002,
				`invalid request, please check your server timestamp or recv_window param. req_timestamp[${tsRaw}],server_timestamp[${now}],recv_window[${recvRaw}]`,
			),
		};
	}
	if (!signatureValid) {
		const origin = restSigningString(tsRaw, apiKey, header(h, 'x-bapi-recv-window') ?? '', req.method === 'GET' ? req.rawQuery : req.rawBody);
		return { key, signatureValid, error: new ApiError(10004, `error sign! origin_string[${origin}]`) };
	}
	const denied = accessError(key, req.ip, req.path, write, category);
	return denied ? { key, signatureValid, error: denied } : { key, signatureValid };
}

/** IP binding, then permissions, for an authenticated key (REST and the WebSocket trade stream). */
export function accessError(key: KeyRecord, ip: string, path: string, write: boolean, category: Category | undefined): ApiError | undefined {
	if (!key.ips.includes('*') && !key.ips.includes(ip)) return new ApiError(10010, "Unmatched IP, please check your API key's bound IP addresses.");
	if ((write && (key.readOnly || !hasPermission(key, path, category))) || (!write && !canRead(key, path))) {
		return new ApiError(10005, 'Permission denied, please check your API key permissions.');
	}
	return undefined;
}

/**
 * Reads that need a permission (docs: a master key needs "SubMemberTransfer"
 * for universal-transfer records, a sub key "SubMemberTransferList"); other
 * reads need none. A read-only key keeps its permissions for reads.
 */
function canRead(key: KeyRecord, path: string): boolean {
	const wallet = key.permissions.Wallet ?? [];
	if (path === '/v5/asset/transfer/query-universal-transfer-list') return wallet.includes('SubMemberTransfer') || wallet.includes('SubMemberTransferList');
	return true;
}

/** The permission a write endpoint needs (derivatives accept ContractTrade or Derivatives). */
function hasPermission(key: KeyRecord, path: string, category: Category | undefined): boolean {
	const has = (group: string, perm: string) => (key.permissions[group] ?? []).includes(perm);
	if (path.startsWith('/v5/order/') || path.startsWith('/v5/position/')) {
		if (path === '/v5/order/disconnected-cancel-all') return true;
		if (category === 'spot') return has('Spot', 'SpotTrade');
		if (category === 'option') return has('Options', 'OptionsTrade');
		return has('ContractTrade', 'Order') || has('ContractTrade', 'Position') || has('Derivatives', 'DerivativesTrade');
	}
	if (path === '/v5/asset/withdraw/create') return has('Wallet', 'Withdraw');
	if (path === '/v5/asset/transfer/universal-transfer') return has('Wallet', 'SubMemberTransfer') || has('Wallet', 'AccountTransfer');
	if (path.startsWith('/v5/asset/transfer/')) return has('Wallet', 'AccountTransfer');
	return true;
}

export function clientIp(remote: string | undefined): string {
	if (!remote) return '';
	return remote.startsWith('::ffff:') ? remote.slice(7) : remote;
}
