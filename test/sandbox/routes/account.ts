/** Account endpoints (unified trading account). */
import { TRANSLOG_TYPES } from '../../../nodes/Bybit/actions/translogTypes';
import { CATEGORIES, paramError, type Category, type Json } from '../types';
import { category, limit, oneOf, reqStr, str, window } from '../params';
import { feeRates } from '../state/matching';
import { txLogView } from '../state/records';
import { pageLog, type Verdict } from '../util/paginate';
import { get, post, RawBody, type Route } from './route';

export const accountRoutes: Route[] = [
	get('/v5/account/wallet-balance', 'private', ({ ex, params: p }) => {
		const type = reqStr(p, 'accountType');
		if (type !== 'UNIFIED') throw paramError('accountType only support UNIFIED.');
		const coins = str(p, 'coin')?.split(',').map((c) => c.trim()).filter(Boolean);
		return { list: ex.walletJson(coins) };
	}),
	get('/v5/account/fee-rate', 'private', ({ ex, params: p }) => {
		const cat: Category = category(p);
		const symbol = str(p, 'symbol');
		if (cat === 'option') {
			const base = str(p, 'baseCoin');
			const r = feeRates(ex.ofCategory('option')[0]);
			return { list: ['BTC', 'ETH', 'SOL'].filter((b) => !base || b === base).map((b) => ({ symbol: '', baseCoin: b, takerFeeRate: String(r.taker), makerFeeRate: String(r.maker) })) };
		}
		const insts = symbol ? [ex.instOrThrow(cat, symbol)] : ex.ofCategory(cat);
		return { list: insts.map((i) => ({ symbol: i.symbol, takerFeeRate: String(feeRates(i).taker), makerFeeRate: String(feeRates(i).maker) })) };
	}),
	get('/v5/account/info', 'private', ({ ex }) => ({
		marginMode: ex.account.marginMode, updatedTime: String(ex.account.updatedTime), unifiedMarginStatus: 5, dcpStatus: ex.dcp.size ? 'ON' : 'OFF',
		timeWindow: ex.dcp.get('DERIVATIVES') ?? 10, smpGroup: 0, isMasterTrader: false, spotHedgingStatus: 'OFF',
	})),
	get('/v5/account/transaction-log', 'private', ({ ex, params: p, now }) => {
		const accountType = str(p, 'accountType');
		if (accountType && accountType !== 'UNIFIED') throw paramError('params error: accountType invalid');
		const cat = oneOf(p, 'category', CATEGORIES);
		const currency = str(p, 'currency');
		const baseCoin = str(p, 'baseCoin');
		const type = oneOf(p, 'type', TRANSLOG_TYPES);
		// transSubType: movePosition only (docs); the sandbox has no Move Position logs
		const moveOnly = oneOf(p, 'transSubType', ['movePosition'] as const) !== undefined;
		const w = window(p, now, 7, 1);
		const page = pageLog(ex.txLog, limit(p, 20, 50), p.cursor, (t): Verdict => {
			if (t.transactionTime < w.start) return 'stop';
			if (t.transactionTime > w.end) return 'skip';
			if ((cat && t.category !== cat) || (currency && t.currency !== currency) || (type && t.type !== type) || (moveOnly && t.transSubType !== 'movePosition')) return 'skip';
			if (baseCoin && !(t.category && ex.inst(t.category, t.symbol)?.baseCoin === baseCoin)) return 'skip';
			return 'keep';
		});
		return { nextPageCursor: page.nextPageCursor, list: page.list.map(txLogView) };
	}),
	post('/v5/account/set-margin-mode', ({ ex, params: p }) => {
		const mode = oneOf(p, 'setMarginMode', ['ISOLATED_MARGIN', 'REGULAR_MARGIN', 'PORTFOLIO_MARGIN'] as const);
		if (!mode) throw paramError('Missing some parameters that must be filled in, setMarginMode');
		if (mode === 'PORTFOLIO_MARGIN' && ex.summary().totalEquity < 1000) {
			return new RawBody({
				retCode: 3400045, retMsg: 'Set margin mode failed',
				result: { reasons: [{ reasonCode: '3400000', reasonMsg: 'Equity needs to be equal to or greater than 1000 USDC' }] },
				retExtInfo: {}, time: ex.now(),
			});
		}
		ex.tx(() => {
			ex.account.marginMode = mode;
			ex.account.updatedTime = ex.now();
			const tradeMode = mode === 'ISOLATED_MARGIN' ? 1 : 0;
			for (const inst of ex.instruments) {
				if (inst.category !== 'linear' && inst.category !== 'inverse') continue;
				ex.settings(inst).tradeMode = tradeMode;
				for (const pos of ex.positionsOf(inst)) {
					if (pos.tradeMode !== tradeMode) {
						pos.tradeMode = tradeMode;
						if (pos.size > 0) ex.touchPosition(pos);
					}
				}
			}
		});
		return { reasons: [] };
	}),
	get('/v5/account/collateral-info', 'private', ({ params: p }) => {
		const currency = str(p, 'currency');
		const coins = ['BTC', 'ETH', 'SOL', 'USDT', 'USDC'].filter((c) => !currency || c === currency);
		if (currency && coins.length === 0) throw paramError('params error: currency invalid');
		return {
			list: coins.map((c) => ({
				availableToBorrow: c === 'BTC' ? '3' : c === 'ETH' ? '50' : '1000000', freeBorrowingAmount: '', freeBorrowAmount: '0',
				maxBorrowingAmount: c === 'BTC' ? '3' : c === 'ETH' ? '50' : '1000000', hourlyBorrowRate: c.startsWith('USD') ? '0.0000068' : '0.00000147',
				borrowUsageRate: '0', collateralSwitch: true, borrowAmount: '0', borrowable: true, currency: c, otherBorrowAmount: '0',
				marginCollateral: true, freeBorrowingLimit: '0', collateralRatio: c.startsWith('USD') ? '1' : '0.95',
			})),
		};
	}),
	get('/v5/account/borrow-history', 'private', ({ params: p, now }) => {
		window(p, now, 30, 30);
		limit(p, 20, 50);
		return { nextPageCursor: '', list: [] as Json[] };
	}),
	get('/v5/account/query-dcp-info', 'private', ({ ex }) => ({
		dcpInfos: [...ex.dcp].map(([product, tw]) => ({ product, dcpStatus: 'ON', timeWindow: String(tw) })),
	})),
];

