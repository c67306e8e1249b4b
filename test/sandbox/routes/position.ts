/** Position endpoints. */
import { ApiError, paramError, type Category, type Json } from '../types';
import { category, dec, int, limit, missing, oneOf, reqStr, str, window, type Params } from '../params';
import type { Exchange } from '../state/exchange';
import type { Instrument } from '../state/instruments';
import { addPartialStop, setPositionStop, setReserve } from '../state/matching';
import { closedPnlView } from '../state/records';
import { isOnStep, fixed } from '../util/num';
import { pageArray, pageLog, type Verdict } from '../util/paginate';
import { get, post, type Route } from './route';

const TRIGGER_BY = ['LastPrice', 'IndexPrice', 'MarkPrice'] as const;

function leverageParam(p: Params, name: string, inst: Instrument): number {
	const raw = str(p, name);
	if (raw === undefined) throw missing(name);
	const n = Number(raw);
	if (!(n >= 1) || n > Number(inst.maxLeverage) || !isOnStep(raw, '0.01')) throw new ApiError(10001, `params error: ${name} invalid, the allowed range is [1, ${inst.maxLeverage}]`);
	return n;
}

function positionIdxParam(ex: Exchange, inst: Instrument, p: Params): 0 | 1 | 2 {
	const idx = int(p, 'positionIdx') ?? 0;
	if (ex.settings(inst).mode === 0 ? idx !== 0 : idx !== 1 && idx !== 2) throw paramError('position idx not match position mode');
	return idx as 0 | 1 | 2;
}

function setLeverage(ex: Exchange, inst: Instrument, buy: number, sell: number): void {
	const s = ex.settings(inst);
	ex.tx(() => {
		s.buyLeverage = buy;
		s.sellLeverage = sell;
		for (const pos of ex.positionsOf(inst)) {
			pos.leverage = pos.positionIdx === 2 ? sell : buy;
			ex.touchPosition(pos);
		}
		for (const o of ex.orders.openOf(inst.category, inst.symbol)) setReserve(ex, o);
		ex.touchWallet();
	});
}

export const positionRoutes: Route[] = [
	get('/v5/position/list', 'private', ({ ex, params: p }) => {
		const cat = category(p, ['linear', 'inverse', 'option']);
		const symbol = str(p, 'symbol');
		const settleCoin = str(p, 'settleCoin');
		const baseCoin = str(p, 'baseCoin');
		if (cat === 'linear' && !symbol && !settleCoin) throw missing('symbol or settleCoin');
		let rows;
		if (symbol) rows = ex.positionsOf(ex.instOrThrow(cat, symbol));
		else {
			rows = ex.allPositions().filter((pos) => {
				const inst = ex.instOf(pos);
				return pos.category === cat && pos.size > 0 && (!settleCoin || inst.settleCoin === settleCoin) && (!baseCoin || inst.baseCoin === baseCoin);
			});
		}
		const page = pageArray(rows, limit(p, 20, 200), p.cursor);
		return { list: page.list.map((pos) => ex.positionJson(pos, false)), nextPageCursor: page.nextPageCursor, category: cat };
	}),
	post('/v5/position/set-leverage', ({ ex, params: p }) => {
		const cat = category(p, ['linear', 'inverse']);
		const inst = ex.instOrThrow(cat, reqStr(p, 'symbol'));
		const buy = leverageParam(p, 'buyLeverage', inst);
		const sell = leverageParam(p, 'sellLeverage', inst);
		const s = ex.settings(inst);
		if ((s.mode === 0 || s.tradeMode === 0) && buy !== sell) throw paramError('params error: buyLeverage must equal sellLeverage in one-way mode or cross margin');
		if (s.buyLeverage === buy && s.sellLeverage === sell) throw new ApiError(110043, 'Set leverage not modified');
		setLeverage(ex, inst, buy, sell);
		return {};
	}),
	post('/v5/position/switch-isolated', ({ ex, params: p }) => {
		const cat = category(p, ['linear', 'inverse']);
		const inst = ex.instOrThrow(cat, reqStr(p, 'symbol'));
		const tradeMode = int(p, 'tradeMode');
		if (tradeMode !== 0 && tradeMode !== 1) throw missing('tradeMode');
		const buy = leverageParam(p, 'buyLeverage', inst);
		const sell = leverageParam(p, 'sellLeverage', inst);
		if (buy !== sell) throw paramError('params error: buyLeverage must equal sellLeverage');
		const s = ex.settings(inst);
		if (s.tradeMode === tradeMode) throw new ApiError(110026, 'Cross/isolated margin mode is not modified');
		ex.tx(() => {
			s.tradeMode = tradeMode;
			for (const pos of ex.positionsOf(inst)) pos.tradeMode = tradeMode;
		});
		setLeverage(ex, inst, buy, sell);
		return {};
	}),
	post('/v5/position/switch-mode', ({ ex, params: p }) => {
		const cat = category(p, ['linear']);
		const mode = int(p, 'mode');
		if (mode !== 0 && mode !== 3) throw missing('mode');
		const symbol = str(p, 'symbol');
		const coin = str(p, 'coin');
		if (!symbol && !coin) throw missing('symbol or coin');
		const targets = symbol ? [ex.instOrThrow(cat, symbol)] : ex.ofCategory(cat).filter((i) => i.settleCoin === coin);
		const busy = (inst: Instrument) => ex.positionsOf(inst).some((pos) => pos.size > 0);
		const hasOrders = (inst: Instrument) => ex.orders.openOf(cat, inst.symbol).length > 0;
		if (symbol) {
			const inst = targets[0];
			if (inst.settleCoin !== 'USDT') throw new ApiError(110029, 'Hedge mode is not supported for this symbol.');
			if (ex.settings(inst).mode === mode) throw new ApiError(110025, 'Position mode is not modified');
			if (busy(inst)) throw new ApiError(110024, 'You have an existing position, so the position mode cannot be switched.');
			if (hasOrders(inst)) throw new ApiError(110028, 'You have existing open orders, so the position mode cannot be switched.');
		}
		ex.tx(() => {
			for (const inst of targets) {
				if (busy(inst) || hasOrders(inst)) continue;
				const s = ex.settings(inst);
				s.mode = mode;
				if (mode === 3) s.sellLeverage = s.buyLeverage;
				for (const pos of ex.positionsOf(inst)) {
					pos.leverage = pos.positionIdx === 2 ? s.sellLeverage : s.buyLeverage;
					pos.tradeMode = s.tradeMode;
					ex.touchPosition(pos);
				}
			}
		});
		return {};
	}),
	post('/v5/position/trading-stop', ({ ex, params: p }) => {
		const cat = category(p, ['linear', 'inverse', 'option']);
		const inst = ex.instOrThrow(cat, reqStr(p, 'symbol'));
		const idx = positionIdxParam(ex, inst, p);
		const mode = oneOf(p, 'tpslMode', ['Full', 'Partial'] as const, 'Full')!;
		// docs: option supports tpslMode=Full only
		if (cat === 'option' && mode === 'Partial') throw paramError('params error: option supports tpslMode Full only');
		const pos = ex.position(inst, idx);
		if (pos.size === 0) throw paramError('can not set tp/sl/ts for zero position');
		const tp = dec(p, 'takeProfit');
		const sl = dec(p, 'stopLoss');
		const ts = dec(p, 'trailingStop');
		const tpBy = oneOf(p, 'tpTriggerBy', TRIGGER_BY, pos.tpTriggerBy)!;
		const slBy = oneOf(p, 'slTriggerBy', TRIGGER_BY, pos.slTriggerBy)!;
		const m = ex.market(inst);
		const long = pos.side === 'Buy';
		const f = (n: number) => fixed(n, inst.priceScale);
		const check = (v: number | undefined, name: 'takeProfit' | 'stopLoss') => {
			if (!v) return;
			if (!isOnStep(str(p, name)!, inst.tickSize)) throw paramError(`params error: ${name} has too many decimals`);
			const above = name === 'takeProfit' ? long : !long;
			const ref = name === 'takeProfit' ? (tpBy === 'MarkPrice' ? m.mark : tpBy === 'IndexPrice' ? m.index : m.last) : slBy === 'MarkPrice' ? m.mark : slBy === 'IndexPrice' ? m.index : m.last;
			if (above ? v <= ref : v >= ref) {
				const label = name === 'takeProfit' ? 'TakeProfit' : 'StopLoss';
				throw paramError(`${label}:${f(v)} set for ${pos.side} position should be ${above ? 'higher' : 'lower'} than base_price:${f(ref)}??${name === 'takeProfit' ? tpBy : slBy}`);
			}
		};
		check(tp, 'takeProfit');
		check(sl, 'stopLoss');
		if (mode === 'Partial') {
			const tpSize = dec(p, 'tpSize');
			const slSize = dec(p, 'slSize');
			if ((tp && !tpSize) || (sl && !slSize)) throw missing(tp && !tpSize ? 'tpSize' : 'slSize');
			if (!tp && !sl) throw new ApiError(34040, 'not modified');
			ex.tx(() => {
				if (tp) addPartialStop(ex, pos, 'TakeProfit', tp, Math.min(tpSize!, pos.size), tpBy, str(p, 'tpOrderType') ?? 'Market', dec(p, 'tpLimitPrice') ?? 0);
				if (sl) addPartialStop(ex, pos, 'StopLoss', sl, Math.min(slSize!, pos.size), slBy, str(p, 'slOrderType') ?? 'Market', dec(p, 'slLimitPrice') ?? 0);
				ex.touchPosition(pos);
			});
			return {};
		}
		const changed =
			(tp !== undefined && tp !== pos.takeProfit) || (sl !== undefined && sl !== pos.stopLoss) || (ts !== undefined && ts !== pos.trailingStop) ||
			(tp !== undefined && tp > 0 && tpBy !== pos.tpTriggerBy) || (sl !== undefined && sl > 0 && slBy !== pos.slTriggerBy);
		if (!changed) throw new ApiError(34040, 'not modified');
		ex.tx(() => {
			if (tp !== undefined) setPositionStop(ex, pos, 'TakeProfit', tp, tpBy);
			if (sl !== undefined) setPositionStop(ex, pos, 'StopLoss', sl, slBy);
			if (ts !== undefined) setPositionStop(ex, pos, 'TrailingStop', ts, 'LastPrice', dec(p, 'activePrice') ?? 0);
			ex.touchPosition(pos);
		});
		return {};
	}),
	post('/v5/position/set-auto-add-margin', ({ ex, params: p }) => {
		const cat = category(p, ['linear']);
		const inst = ex.instOrThrow(cat, reqStr(p, 'symbol'));
		const v = int(p, 'autoAddMargin');
		if (v !== 0 && v !== 1) throw missing('autoAddMargin');
		const pos = ex.position(inst, positionIdxParam(ex, inst, p));
		if (pos.tradeMode !== 1) throw new ApiError(110076, 'Only isolated mode can set auto-add-margin');
		ex.tx(() => {
			pos.autoAddMargin = v;
			ex.touchPosition(pos);
		});
		return {};
	}),
	post('/v5/position/add-margin', ({ ex, params: p }) => {
		const cat = category(p, ['linear', 'inverse']);
		const inst = ex.instOrThrow(cat, reqStr(p, 'symbol'));
		const margin = dec(p, 'margin');
		if (margin === undefined || margin === 0) throw missing('margin');
		const pos = ex.position(inst, positionIdxParam(ex, inst, p));
		if (pos.tradeMode !== 1) throw new ApiError(110015, 'The position is in cross margin mode.');
		if (pos.size === 0) throw new ApiError(110033, "You can't set margin without an open position");
		if (margin > 0 && margin * ex.usdPrice(inst.settleCoin) > ex.summary().totalAvailable) throw new ApiError(110014, 'Insufficient available balance to add additional margin.');
		if (margin < 0 && -margin > pos.extraMargin) throw new ApiError(110078, 'Added margin more than max can reduce margin');
		ex.tx(() => {
			pos.extraMargin += margin;
			ex.touchPosition(pos);
			ex.touchWallet();
		});
		return { category: cat, ...ex.positionJson(pos, false) };
	}),
	get('/v5/position/closed-pnl', 'private', ({ ex, params: p, now }) => {
		const cat: Category = category(p, ['linear', 'inverse', 'option']);
		const symbol = str(p, 'symbol');
		if (symbol) ex.instOrThrow(cat, symbol);
		const w = window(p, now);
		const page = pageLog(ex.closedPnl, limit(p, 50, 100), p.cursor, (c): Verdict => {
			if (c.createdTime < w.start) return 'stop';
			return c.category === cat && (!symbol || c.symbol === symbol) && c.createdTime <= w.end ? 'keep' : 'skip';
		});
		return { nextPageCursor: page.nextPageCursor, category: cat, list: page.list.map((c) => closedPnlView(c, ex.instOf(c))) } satisfies Json;
	}),
];
