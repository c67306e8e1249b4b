/**
 * Fixed-rate borrowing (docs: spot-margin-uta/fixedborrow*): lenders' offers
 * per coin and term, borrow orders matched at once against the offers at or
 * below the order's annual rate, and the loan contracts they create (the coin
 * is credited to the UNIFIED wallet; the contract's residual principal is the
 * fixed-rate liability).
 */
import type { Exchange } from './exchange';

export const TERMS = ['7', '14', '30', '90', '180'] as const;

export interface Offer {
	orderCurrency: string;
	term: number;
	annualRate: string;
	qty: string;
}

export const OFFERS: Offer[] = [
	...['7', '30', '90'].flatMap((t, n) => [
		{ orderCurrency: 'USDT', term: Number(t), annualRate: ['0.02', '0.03', '0.04'][n], qty: '500000' },
		{ orderCurrency: 'USDC', term: Number(t), annualRate: ['0.02', '0.03', '0.04'][n], qty: '200000' },
		{ orderCurrency: 'ETH', term: Number(t), annualRate: ['0.026', '0.033', '0.038'][n], qty: '0.6' },
		{ orderCurrency: 'BTC', term: Number(t), annualRate: ['0.01', '0.015', '0.02'][n], qty: '2' },
	]),
	{ orderCurrency: 'ETH', term: 30, annualRate: '0.1', qty: '100' },
];

export interface BorrowOrder {
	orderId: string;
	orderCurrency: string;
	orderQty: number;
	filledQty: number;
	annualRate: string;
	term: number;
	orderTime: number;
	state: 1 | 2 | 3 | 4 | 5;
	repayType: '1' | '2';
	strategyType: 'PARTIAL' | 'FULL';
}

export interface LoanContract {
	loanId: string;
	orderId: string;
	borrowCurrency: string;
	annualRate: string;
	term: number;
	borrowTime: number;
	repaymentTime: number;
	residualPrincipal: number;
	status: 1 | 2 | 3;
	repayType: '1' | '2';
	strategyType: 'PARTIAL' | 'FULL';
}

export interface FixedBorrowState {
	orders: BorrowOrder[];
	contracts: LoanContract[];
	seq: number;
}

const STATES = new WeakMap<Exchange, FixedBorrowState>();

export function fixedBorrow(ex: Exchange): FixedBorrowState {
	let s = STATES.get(ex);
	if (!s) STATES.set(ex, (s = { orders: [], contracts: [], seq: 0 }));
	return s;
}

/** What the offers at or below `rate` for `term` can lend of a coin, minus what was borrowed from them. */
export function inventory(ex: Exchange, coin: string, term: number, rate: number): number {
	const offered = OFFERS.filter((o) => o.orderCurrency === coin && o.term === term && Number(o.annualRate) <= rate).reduce((sum, o) => sum + Number(o.qty), 0);
	const taken = fixedBorrow(ex).contracts.filter((c) => c.borrowCurrency === coin && c.term === term && Number(c.annualRate) <= rate).reduce((sum, c) => sum + c.residualPrincipal, 0);
	return Math.max(0, offered - taken);
}

/** Fixed-rate liability of a coin: the residual principal of its unrepaid contracts. */
export function fixedLiability(ex: Exchange, coin: string): number {
	return fixedBorrow(ex).contracts.filter((c) => c.borrowCurrency === coin && c.status !== 2).reduce((sum, c) => sum + c.residualPrincipal, 0);
}

/** Places a borrow order: filled at once from the inventory (FULL: all or nothing). */
export function borrow(ex: Exchange, o: Omit<BorrowOrder, 'orderId' | 'filledQty' | 'state' | 'orderTime'>): BorrowOrder {
	const s = fixedBorrow(ex);
	const now = ex.now();
	const available = inventory(ex, o.orderCurrency, o.term, Number(o.annualRate));
	const fill = o.strategyType === 'FULL' ? (available >= o.orderQty ? o.orderQty : 0) : Math.min(available, o.orderQty);
	const order: BorrowOrder = {
		...o, orderId: `FIXED_BORROW_${ex.rng.hex(32)}${++s.seq}`, filledQty: fill, orderTime: now, state: fill === 0 ? 4 : fill < o.orderQty ? 2 : 3,
	};
	s.orders.push(order);
	if (fill > 0) {
		s.contracts.push({
			loanId: String(2_092_000_000_000_000_000n + BigInt(s.seq)), orderId: order.orderId, borrowCurrency: o.orderCurrency, annualRate: o.annualRate, term: o.term,
			borrowTime: now, repaymentTime: now + o.term * 86_400_000, residualPrincipal: fill, status: 1, repayType: o.repayType, strategyType: o.strategyType,
		});
		ex.tx(() => {
			ex.wallets.add('UNIFIED', o.orderCurrency, fill);
			ex.touchWallet();
		});
	}
	return order;
}
