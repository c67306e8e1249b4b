/**
 * Public types of the Bybit V5 sandbox. Other test suites, benchmarks and the
 * CLI code against these: keep them stable.
 */

export type Category = 'spot' | 'linear' | 'inverse' | 'option';
export const CATEGORIES: readonly Category[] = ['spot', 'linear', 'inverse', 'option'];

export interface SandboxKey {
	apiKey: string;
	/** HMAC secret (hmac keys). Generated when omitted for an hmac key. */
	secret?: string;
	signatureMethod?: 'hmac' | 'rsa';
	/** PEM public key, for rsa keys. */
	publicKey?: string;
	readOnly?: boolean;
	/** Bound IPs; empty/undefined or ['*'] means any. */
	ips?: string[];
	/** Bybit's permission groups, e.g. { ContractTrade: ['Order','Position'], Spot: ['SpotTrade'] }. */
	permissions?: Record<string, string[]>;
}

export interface SandboxOptions {
	port?: number;
	/** Default 127.0.0.1. */
	host?: string;
	keys?: SandboxKey[];
	/** Default true: Bybit's documented per-UID per-endpoint limits, rolling 1 s window. */
	rateLimits?: boolean;
	/** Seed for deterministic ids, order-book sizes and synthetic history. */
	seed?: number;
	/** That many more linear perpetuals, SYN1USDT, SYN2USDT, ... (benchmarks that need many symbols). */
	extraLinearSymbols?: number;
}

/** One REST request as received (control requests under /sandbox are not logged). */
export interface RequestLogEntry {
	method: string;
	path: string;
	/** Raw query string after `?` ('' when none). */
	query: string;
	/** Raw body as received ('' when none). */
	body: string;
	headers: Record<string, string | string[] | undefined>;
	/** X-BAPI-API-KEY header, '' when absent. */
	apiKey: string;
	/** null when the request carried no signature and the endpoint is public. */
	signatureValid: boolean | null;
	/** Bybit retCode answered (-1 when no envelope was sent: dropped, failed by fault injection). */
	retCode: number;
	/** HTTP status (0 when the socket was destroyed before answering). */
	status: number;
	/** Server time (ms, including clock skew) when the request arrived. */
	time: number;
}

export type Json = Record<string, unknown>;

/** A Bybit business error: answered as `{retCode, retMsg, result}` (HTTP 200 unless `status` says otherwise). */
export class ApiError extends Error {
	constructor(
		public readonly retCode: number,
		message: string,
		public readonly status = 200,
		public readonly result: unknown = {},
	) {
		super(message);
		this.name = 'ApiError';
	}
}

/** Shorthand for Bybit's generic parameter error. */
export function paramError(message: string): ApiError {
	return new ApiError(10001, message);
}
