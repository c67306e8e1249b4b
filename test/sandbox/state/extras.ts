/**
 * State of the sandbox's extra endpoints (sub-accounts, their API keys,
 * records that only these endpoints read), kept beside an Exchange without
 * changing it: created on first use, deterministic for a given start time.
 */
import type { Json } from '../types';
import type { Exchange } from './exchange';

export interface SubMember {
	uid: string;
	username: string;
	memberType: number;
	status: number;
	accountMode: number;
	remark: string;
	/** Universal transfer enabled. */
	transferable: boolean;
}

export interface Maintenance {
	id: string;
	title: string;
	begin: number;
	end: number;
	serviceTypes: number[];
	product: number[];
	maintainType: number;
	env: number;
	/** Set when canceled; otherwise the state follows the clock. */
	canceled?: boolean;
}

export interface Extras {
	/** Normal sub-accounts (memberType 1), oldest first: more than one page of /v5/user/submembers. */
	subs: SubMember[];
	/** Fund custodial sub-accounts (memberType 12). */
	escrow: SubMember[];
	subKeys: Map<string, Json[]>;
	internalDeposits: Json[];
	subDeposits: Json[];
	exchanges: Json[];
	addresses: Json[];
	maintenance: Maintenance[];
	/** Withdrawal IDs cancelled through /v5/asset/withdraw/cancel. */
	cancelled: Set<string>;
}

const DAY = 86_400_000;
const store = new WeakMap<Exchange, Extras>();

/** Sub-account UIDs: 900001 upwards (900001 is the one the other tests transfer to). */
export const SUB_COUNT = 120;

const sec = (ms: number) => String(Math.floor(ms / 1000));
const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

function subKeys(uid: string, n: number, t0: number): Json[] {
	return Array.from({ length: n }, (_, k) => ({
		id: String(24_828_209 + Number(uid) * 10 + k), ips: ['*'], apiKey: `SUB${uid}K${k}XXXXXXXX`.slice(0, 18), note: k === 0 ? 'UTA' : `key ${k + 1}`,
		status: 3, expiredAt: iso(t0 + 90 * DAY), createdAt: iso(t0 - (k + 1) * DAY), type: 1,
		permissions: {
			ContractTrade: ['Order', 'Position'], Spot: ['SpotTrade'], Wallet: ['AccountTransfer', 'SubMemberTransferList'], Options: ['OptionsTrade'],
			Derivatives: ['DerivativesTrade'], CopyTrading: [], BlockTrade: [], Exchange: ['ExchangeHistory'], NFT: [], Affiliate: [], Earn: [],
		},
		secret: '******', readOnly: k % 2 === 1, deadlineDay: 90, flag: 'hmac',
	}));
}

function build(ex: Exchange): Extras {
	const t0 = ex.startedAt;
	const subs: SubMember[] = Array.from({ length: SUB_COUNT }, (_, k) => ({
		uid: String(900_001 + k), username: `sandbox_sub${String(k + 1).padStart(3, '0')}`, memberType: 1, status: k === 2 ? 4 : 1,
		accountMode: k % 2 === 0 ? 5 : 6, remark: k === 0 ? 'trading bot' : '', transferable: k < 2,
	}));
	const escrow: SubMember[] = [0, 1].map((k) => ({
		uid: String(900_501 + k), username: 'Private_Wealth_Management', memberType: 12, status: 1, accountMode: 3, remark: 'earn fund', transferable: false,
	}));
	const keys = new Map<string, Json[]>([[subs[0].uid, subKeys(subs[0].uid, 3, t0)], [subs[1].uid, subKeys(subs[1].uid, 1, t0)]]);
	const internalDeposits: Json[] = [
		{ id: '1103', amount: '0.1', type: 1, coin: 'ETH', address: 'xxxx***@gmail.com', status: 2, createdTime: sec(t0 - 3 * DAY), fromMemberId: '118027304', txID: '77c37e5c-d9fa-41e5-bd13-c9b59d95', complianceStatus: 0, taxDepositRecordsId: '0', taxStatus: 0 },
		{ id: '1104', amount: '250', type: 1, coin: 'USDT', address: 'xxxx***@gmail.com', status: 2, createdTime: sec(t0 - 2 * DAY), fromMemberId: '118027304', txID: '8a1f0e2b-3c4d-4e5f-a6b7-c8d9e0f1a2b3', complianceStatus: 0, taxDepositRecordsId: '0', taxStatus: 0 },
	];
	const subDeposits: Json[] = [
		{
			id: '160000901', coin: 'USDT', chain: 'TRX', amount: '500', txID: ex.rng.hex(64), status: 3, toAddress: 'TXmVthgn6fsvBTwyHmTinuVn5c4Yf5b2Da', tag: '', depositFee: '',
			successAt: String(t0 - DAY), confirmations: '50', txIndex: '0', blockHash: ex.rng.hex(64), batchReleaseLimit: '-1', depositType: '0', fromAddress: '',
			taxDepositRecordsId: '0', taxStatus: 0, subMemberId: subs[0].uid,
		},
	];
	const exchanges: Json[] = [
		['BTC', '0.100000000000000000', 'ETH', '1.385866230000000000', '13.858662380000000000', 5],
		['USDT', '100.000000000000000000', 'BTC', '0.001538000000000000', '0.000015380000000000', 3],
		['ETH', '1.000000000000000000', 'USDT', '3200.000000000000000000', '3200.000000000000000000', 1],
	].map(([fromCoin, fromAmount, toCoin, toAmount, exchangeRate, days], k) => ({
		fromCoin, fromAmount, toCoin, toAmount, exchangeRate, createdTime: sec(t0 - Number(days) * DAY), exchangeTxId: `14510253328520854481265444044${8 + k}`,
	}));
	const addresses: Json[] = [
		{ coin: 'USDT', chain: 'ETH', address: '0x48101adb67d426cb15e46be5f1d9f6ab25f311ea', tag: '', remark: '', status: 0, addressType: 0, verified: 0, createdAt: '1760951195' },
		{ coin: 'baseCoin', chain: 'ETH', address: '0x48101adb67d426cb15e46be5f1d9f6ab25f311ea', tag: '', remark: 'Universal Address', status: 0, addressType: 0, verified: 0, createdAt: '1760951332' },
		{ coin: 'USDT', chain: 'TRX', address: 'TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t', tag: '', remark: 'cold wallet', status: 0, addressType: 0, verified: 1, createdAt: '1760952000' },
		{ coin: '', chain: '', address: subs[0].uid, tag: '', remark: 'my sub-account', status: 0, addressType: 1, verified: 1, createdAt: '1760953000' },
	];
	const maintenance: Maintenance[] = [
		{ id: 'f9d6842d-5331-11f0-8fd3-c241b123dd9e', title: 't01', begin: 1751012688000, end: 1751012760000, serviceTypes: [1, 2, 3, 4, 5], product: [1, 2, 3, 4], maintainType: 3, env: 2 },
		{ id: '4d95b2a0-587f-11f0-bcc9-56f28c94d6ea', title: 't06', begin: 1751596902000, end: 1751597011000, serviceTypes: [2, 3, 4, 5], product: [1, 2], maintainType: 1, env: 1 },
		// one planned maintenance a day after the sandbox started, for 30 minutes (move the clock to see it ongoing)
		{ id: 'sandbox-0001-planned', title: 'Sandbox planned maintenance', begin: t0 + DAY, end: t0 + DAY + 30 * 60_000, serviceTypes: [1, 2, 3], product: [1, 2], maintainType: 1, env: 1 },
	];
	return { subs, escrow, subKeys: keys, internalDeposits, subDeposits, exchanges, addresses, maintenance, cancelled: new Set() };
}

export function extrasOf(ex: Exchange): Extras {
	let e = store.get(ex);
	if (!e) store.set(ex, (e = build(ex)));
	return e;
}

/** The state of a maintenance at `now` (docs enum state). */
export function maintenanceState(m: Maintenance, now: number): 'scheduled' | 'ongoing' | 'completed' | 'canceled' {
	if (m.canceled) return 'canceled';
	if (now < m.begin) return 'scheduled';
	return now < m.end ? 'ongoing' : 'completed';
}

export function subMemberView(m: SubMember): Json {
	return { uid: m.uid, username: m.username, memberType: m.memberType, status: m.status, remark: m.remark, accountMode: m.accountMode };
}
