/** Funding side: coin metadata, internal and universal transfers, deposits and withdrawals. */
import type { Json } from '../types';
import { SeqLog } from '../util/paginate';
import { Wallets, type AccountType } from './records';

interface Chain {
	chain: string;
	chainType: string;
	confirmation: string;
	withdrawFee: string;
	depositMin: string;
	withdrawMin: string;
	minAccuracy: string;
	contractAddress: string;
}

const chain = (c: string, type: string, fee: string, min: string, contract = ''): Chain => ({
	chain: c, chainType: type, confirmation: c === 'BTC' ? '1' : '12', withdrawFee: fee, depositMin: '0', withdrawMin: min, minAccuracy: '8',
	contractAddress: contract,
});

export const COINS: Array<{ coin: string; name: string; chains: Chain[] }> = [
	{ coin: 'BTC', name: 'BTC', chains: [chain('BTC', 'BTC', '0.0002', '0.0005')] },
	{ coin: 'ETH', name: 'ETH', chains: [chain('ETH', 'Ethereum', '0.0009', '0.0018'), chain('ARBI', 'Arbitrum One', '0.0001', '0.0005')] },
	{ coin: 'USDT', name: 'USDT', chains: [chain('ETH', 'Ethereum (ERC20)', '3', '10', '0xdac17f958d2ee523a2206206994597c13d831ec7'), chain('TRX', 'TRC20', '1', '10', 'TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t'), chain('SOL', 'Solana', '1', '5', 'Es9vMFrzaCERmJfrF4H2FYD4KCoNkY11McCe8BenwNYB')] },
	{ coin: 'USDC', name: 'USDC', chains: [chain('ETH', 'Ethereum (ERC20)', '3', '10', '0xa0b86991c6218b36c1d19d4a2e9eb0ce3606eb48'), chain('SOL', 'Solana', '1', '5', 'EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1v')] },
	{ coin: 'SOL', name: 'SOL', chains: [chain('SOL', 'Solana', '0.008', '0.1')] },
];

export interface Transfer {
	seq: number;
	transferId: string;
	coin: string;
	amount: string;
	fromAccountType: string;
	toAccountType: string;
	fromMemberId: string;
	toMemberId: string;
	timestamp: number;
	status: 'SUCCESS' | 'PENDING' | 'FAILED';
}

export interface Deposit {
	seq: number;
	id: string;
	coin: string;
	chain: string;
	amount: string;
	txID: string;
	status: number;
	toAddress: string;
	successAt: number;
}

export interface Withdrawal {
	seq: number;
	withdrawId: string;
	requestId: string;
	coin: string;
	chain: string;
	amount: string;
	withdrawFee: string;
	txID: string;
	status: string;
	toAddress: string;
	tag: string;
	createTime: number;
	updateTime: number;
	withdrawType: number;
}

export class Assets {
	readonly inter = new SeqLog<Transfer>();
	readonly universal = new SeqLog<Transfer>();
	readonly deposits = new SeqLog<Deposit>();
	readonly withdrawals = new SeqLog<Withdrawal>();
	readonly transferIds = new Set<string>();
	readonly requestIds = new Set<string>();
	/** Status new transfers get (Bybit answers PENDING while a transfer is still being processed; it exists all the same). */
	transferStatus: 'SUCCESS' | 'PENDING' = 'SUCCESS';
	/** Wallets of sub-members (universal transfers), created on first use. */
	readonly members = new Map<string, Wallets>();

	constructor(startedAt: number, hex: (n: number) => string) {
		const seed: Array<[string, string, string]> = [['USDT', 'TRX', '100000'], ['BTC', 'BTC', '1'], ['USDC', 'ETH', '11000'], ['ETH', 'ETH', '10']];
		seed.forEach(([coin, c, amount], i) => {
			this.deposits.add({
				seq: this.deposits.allocate(), id: String(160_000_000 + i), coin, chain: c, amount, txID: hex(64), status: 3,
				toAddress: depositAddress(coin, c), successAt: startedAt - (4 - i) * 86_400_000,
			});
		});
	}

	member(memberId: string): Wallets {
		let w = this.members.get(memberId);
		if (!w) this.members.set(memberId, (w = new Wallets()));
		return w;
	}
}

export function depositAddress(coin: string, c: string): string {
	const h = Buffer.from(`${coin}:${c}:sandbox`).toString('hex').padEnd(40, '0').slice(0, 40);
	if (c === 'TRX') return `T${h.slice(0, 33)}`;
	if (c === 'SOL') return `So${h.slice(0, 42)}`;
	if (c === 'BTC') return `bc1q${h.slice(0, 38)}`;
	return `0x${h}`;
}

export function transferView(t: Transfer, universal: boolean): Json {
	const v: Json = {
		transferId: t.transferId, coin: t.coin, amount: t.amount, fromAccountType: t.fromAccountType, toAccountType: t.toAccountType,
		timestamp: String(t.timestamp), status: t.status,
	};
	if (universal) Object.assign(v, { fromMemberId: t.fromMemberId, toMemberId: t.toMemberId });
	return v;
}

export function depositView(d: Deposit): Json {
	return {
		coin: d.coin, chain: d.chain, amount: d.amount, txID: d.txID, status: d.status, toAddress: d.toAddress, tag: '', depositFee: '',
		successAt: String(d.successAt), confirmations: '50', txIndex: '0', blockHash: d.txID.slice(0, 64), batchReleaseLimit: '-1',
		depositType: '0', fromAddress: '', taxDepositRecordsId: '0', taxStatus: 0, id: d.id,
	};
}

export function withdrawalView(w: Withdrawal): Json {
	return {
		coin: w.coin, chain: w.chain, amount: w.amount, txID: w.txID, status: w.status, toAddress: w.toAddress, tag: w.tag,
		withdrawFee: w.withdrawFee, createTime: String(w.createTime), updateTime: String(w.updateTime), withdrawId: w.withdrawId,
		withdrawType: w.withdrawType, fee: '', tax: '', taxRate: '', taxType: '',
	};
}

export type { AccountType };
