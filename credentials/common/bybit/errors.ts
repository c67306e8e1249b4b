/**
 * Bybit retCodes worth a hint: what went wrong and what to do about it.
 * Source: Bybit V5 docs, error.mdx. Kept small on purpose: the message Bybit
 * sends (`retMsg`) is always shown; the hint adds the fix.
 */
export interface BybitErrorInfo {
	hint: string;
	/** Safe to retry the same request unchanged (after a wait). */
	retryable?: boolean;
}

export const BYBIT_ERRORS: Readonly<Record<number, BybitErrorInfo>> = {
	[-1]: { hint: 'The request expired before Bybit processed it. Check that this machine\'s clock is synchronised (NTP).' },
	429: { hint: 'Bybit\'s trading service is under high load. Retry shortly.', retryable: true },
	10000: { hint: 'Bybit timed out. For orders the outcome is unknown: look the order up before sending it again.' },
	10001: { hint: 'A request parameter is missing or invalid. Check the field named in the message against Bybit\'s documentation for this endpoint.' },
	10002: { hint: 'The request timestamp is outside the receive window. Synchronise this machine\'s clock (NTP) or raise "Receive Window" in the credential.' },
	10003: { hint: 'The API key is not valid on this environment. Keys are bound to one environment: a testnet key fails on mainnet, a demo-trading key only works with "Demo Trading". Check the key and the credential\'s Environment.' },
	10004: { hint: 'The signature does not match. The API secret (or RSA private key) is probably wrong: copy it again from Bybit\'s API management page.' },
	10005: { hint: 'The API key lacks the permission this call needs (read-only key, or a permission such as Contract/Spot/Wallet not ticked). Edit the key\'s permissions on Bybit.' },
	10006: { hint: 'Rate limit reached for this endpoint. Slow down or process fewer items per second.', retryable: true },
	10007: { hint: 'Bybit could not authenticate the user. Check the key is active.' },
	10008: { hint: 'The account is banned from this action. Check the account mode and status on Bybit.' },
	10009: { hint: 'This region is restricted by Bybit.' },
	10010: { hint: 'This machine\'s IP address is not in the key\'s IP whitelist. Add the n8n server\'s public IP to the key on Bybit, or remove the IP restriction.' },
	10014: { hint: 'Bybit refused a repeated request (for withdrawals: this requestId was already used, so nothing was withdrawn again). Check Get Withdrawal Records before sending anything new.' },
	10016: { hint: 'Bybit reported an internal error or is restarting. Retry shortly.', retryable: true },
	10017: { hint: 'Bybit does not know this path. Check the environment\'s base URL.' },
	10024: { hint: 'Bybit\'s compliance rules blocked this request.' },
	10027: { hint: 'Transactions are banned on this account.' },
	10028: { hint: 'This endpoint is only available to Unified Trading Account users.' },
	10029: { hint: 'The symbol is not allowed for this key (symbol whitelist).' },
	33004: { hint: 'The API key has expired. Create a new key on Bybit.' },
	110001: { hint: 'The order does not exist (or is already closed). Check orderId / orderLinkId and the category.' },
	110003: { hint: 'The order price is outside the allowed range. Check the price against the mark price and the instrument\'s price limits.' },
	110004: { hint: 'Wallet balance is insufficient for this order.' },
	110007: { hint: 'Available balance is insufficient for this order. Reduce the quantity or add funds.' },
	110012: { hint: 'Available balance is insufficient.' },
	110017: { hint: 'The quantity rounds to zero for this instrument. Check qtyStep and minOrderQty.' },
	110025: { hint: 'The position mode is already set to this value.' },
	110026: { hint: 'The margin mode is already set to this value.' },
	110043: { hint: 'The leverage is already set to this value.' },
	110072: { hint: 'This orderLinkId was already used. Each order needs a unique orderLinkId; the existing order can be looked up by it.' },
	110079: { hint: 'The order is being processed. Retry shortly.', retryable: true },
	110094: { hint: 'The order value is below the instrument\'s minimum notional. Increase the quantity.' },
	170141: { hint: 'This orderLinkId was already used (spot). The existing order can be looked up by it.' },
	170213: { hint: 'The order does not exist (spot).' },
	131214: { hint: 'A transfer with this transferId already exists, so Bybit did not transfer again. Find it with Get Internal (or Universal) Transfer Records and this Transfer ID; do not re-send it with a new id, which would transfer a second time.' },
	34040: { hint: 'Nothing was changed: the TP/SL is already set to these values, or a required field is missing.' },
};

/** Codes that mean "nothing to change": callers may treat them as a no-op. */
export const NOT_MODIFIED_CODES: ReadonlySet<number> = new Set([110025, 110026, 110043, 34040]);

export function bybitErrorHint(retCode: number): string | undefined {
	return BYBIT_ERRORS[retCode]?.hint;
}

/**
 * An error raised by the signer before anything is sent: a credential problem
 * or a safety-limit refusal. n8n wraps errors thrown by `authenticate` in a
 * NodeApiError (keeping this one as `cause`); the transport looks for the
 * marker so these are never reported as network errors.
 */
export class BybitCredentialError extends Error {
	readonly bybitCredentialError = true;

	constructor(message: string) {
		super(message);
		this.name = 'BybitCredentialError';
	}
}

/** The signer's error in an error's cause chain, if any. */
export function credentialErrorIn(error: unknown): BybitCredentialError | undefined {
	let current = error as { cause?: unknown; bybitCredentialError?: boolean } | undefined;
	for (let depth = 0; current && depth < 5; depth++) {
		if (current.bybitCredentialError === true) return current as BybitCredentialError;
		current = current.cause as typeof current;
	}
	return undefined;
}

/**
 * The texts to look for when redacting one secret: the secret itself and, for
 * a PEM key (real or "\n"-escaped line breaks), its base64 body and every line
 * of it (a proxy or server may echo a single line). The BEGIN/END armour lines
 * are not secret.
 */
function secretForms(secret: string): string[] {
	const s = secret.trim();
	if (!/\n|\\n/.test(s)) return [s];
	const lines = s
		.split(/\r?\n|\\n/)
		.map((line) => line.trim())
		.filter((line) => line && !/^-----(BEGIN|END) /.test(line));
	return [s, s.replace(/\\n/g, '\n'), s.replace(/\r?\n/g, '\\n'), lines.join(''), lines.join('\n'), ...lines];
}

/** Runs of base64 this long, with a letter and a digit, are signatures or key material (an RSA-2048 signature is 344 characters, a PEM line 64). */
const BASE64_RUN = /[A-Za-z0-9+/]{44,}={0,2}/g;

/**
 * Removes what must never reach an error, log or output from a text Bybit (or
 * a proxy) sent back: the signed origin string Bybit echoes on 10004, the API
 * key, the HMAC secret, the RSA private key (whole, its base64 body or any line
 * of it), and anything shaped like a signature (64 hex digits for HMAC, a long
 * base64 run for RSA). Used for REST answers and WebSocket replies alike.
 */
export function redactSecrets(text: string, secrets: ReadonlyArray<string | undefined> = []): string {
	let out = text;
	const start = out.indexOf('origin_string[');
	if (start !== -1) {
		// the signed string may itself hold brackets (batch bodies): cut to the last one, or to the end
		const end = out.lastIndexOf(']');
		out = `${out.slice(0, start)}origin_string[redacted]${end > start ? out.slice(end + 1) : ''}`;
	}
	const forms = secrets.flatMap((secret) => secretForms(secret ?? '')).filter((form) => form.length >= 6);
	// longest first: a whole key goes before its lines
	for (const form of [...new Set(forms)].sort((a, b) => b.length - a.length)) out = out.split(form).join('[redacted]');
	out = out.replace(/\b[0-9a-fA-F]{64}\b/g, '[redacted]');
	return out.replace(BASE64_RUN, (run) => (/[0-9]/.test(run) && /[A-Za-z]/.test(run) ? '[redacted]' : run));
}

/** What a credential holds that must never be shown (API key, HMAC secret, RSA private key), for redactSecrets. */
export function credentialSecrets(credentials: { apiKey?: unknown; apiSecret?: unknown; rsaPrivateKey?: unknown }): string[] {
	return [credentials.apiKey, credentials.apiSecret, credentials.rsaPrivateKey].map((v) => (typeof v === 'string' ? v : '')).filter(Boolean);
}
