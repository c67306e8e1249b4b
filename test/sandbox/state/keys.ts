/** API keys the sandbox accepts (HMAC or RSA), with read-only flag, IP binding and permissions. */
import { ApiError, type SandboxKey } from '../types';

export interface KeyRecord {
	apiKey: string;
	secret: string;
	signatureMethod: 'hmac' | 'rsa';
	publicKey: string;
	readOnly: boolean;
	ips: string[];
	permissions: Record<string, string[]>;
	id: string;
	createdAt: number;
	note: string;
}

export const DEFAULT_PERMISSIONS: Record<string, string[]> = {
	ContractTrade: ['Order', 'Position'],
	Spot: ['SpotTrade'],
	Wallet: ['AccountTransfer', 'SubMemberTransfer', 'Withdraw'],
	Options: ['OptionsTrade'],
	Derivatives: ['DerivativesTrade'],
	CopyTrading: [],
	BlockTrade: [],
	Exchange: ['ExchangeHistory'],
	NFT: [],
	Affiliate: [],
	Earn: ['Earn'],
};

/** Validate a key definition and fill in Bybit's defaults. */
export function makeKeyRecord(k: SandboxKey, newSecret: () => string, now: number, index: number): KeyRecord {
	if (!k.apiKey) throw new ApiError(10001, 'apiKey is required');
	const method = k.signatureMethod ?? 'hmac';
	if (method === 'rsa' && !k.publicKey) throw new ApiError(10001, 'publicKey (PEM) is required for an rsa key');
	return {
		apiKey: k.apiKey,
		secret: method === 'hmac' ? (k.secret ?? newSecret()) : '',
		signatureMethod: method,
		publicKey: k.publicKey ?? '',
		readOnly: !!k.readOnly,
		ips: k.ips && k.ips.length ? [...k.ips] : ['*'],
		permissions: k.permissions ?? DEFAULT_PERMISSIONS,
		id: String(2_000_000 + index + 1),
		createdAt: now,
		note: 'sandbox',
	};
}
