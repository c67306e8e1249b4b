/** The matching engine and validation, through the REST API. */
import { startSandbox, type Sandbox } from './index';
import { call, ok, type Json } from './helpers';

const LIN = { category: 'linear', symbol: 'BTCUSDT' };

describe('sandbox orders and positions', () => {
	let sb: Sandbox;
	beforeEach(async () => {
		sb = await startSandbox({ port: 0 });
	});
	afterEach(() => sb.close());

	const order = async (id: string): Promise<Json> => (await ok(sb, 'GET', '/v5/order/history', { category: 'linear', orderId: id })).list[0];
	const position = async (idx = 0): Promise<Json> =>
		(await ok(sb, 'GET', '/v5/position/list', LIN)).list.find((p: Json) => p.positionIdx === idx);

	it('market buy fills at the last price with a taker fee, opens a position and logs the trade', async () => {
		sb.control.setPrice('BTCUSDT', { last: '64000' }, 'linear');
		const { orderId } = await ok(sb, 'POST', '/v5/order/create', { ...LIN, side: 'Buy', orderType: 'Market', qty: '0.010', orderLinkId: 'mkt-1' });
		const o = await order(orderId);
		expect(o).toMatchObject({ orderStatus: 'Filled', avgPrice: '64000', cumExecQty: '0.010', leavesQty: '0.000', timeInForce: 'IOC', orderLinkId: 'mkt-1' });
		const execs = (await ok(sb, 'GET', '/v5/execution/list', { category: 'linear', orderId })).list;
		expect(execs).toHaveLength(1);
		expect(execs[0]).toMatchObject({ execPrice: '64000.00', execQty: '0.010', execValue: '640', execFee: '0.352', feeRate: '0.00055', isMaker: false, execType: 'Trade' });
		expect(await position()).toMatchObject({ side: 'Buy', size: '0.010', avgPrice: '64000', leverage: '10', positionIM: '64' });
		const log = (await ok(sb, 'GET', '/v5/account/transaction-log', { category: 'linear' })).list;
		expect(log[0]).toMatchObject({ type: 'TRADE', currency: 'USDT', fee: '0.35200000', change: '-0.352', orderId });
	});

	it('a limit order rests, then fills as maker when the price crosses it', async () => {
		const { orderId } = await ok(sb, 'POST', '/v5/order/create', { ...LIN, side: 'Buy', orderType: 'Limit', qty: '0.002', price: '63000' });
		expect((await ok(sb, 'GET', '/v5/order/realtime', LIN)).list[0]).toMatchObject({ orderId, orderStatus: 'New', price: '63000.00', leavesQty: '0.002' });
		const wallet = (await ok(sb, 'GET', '/v5/account/wallet-balance', { accountType: 'UNIFIED', coin: 'USDT' })).list[0].coin[0];
		expect(wallet.totalOrderIM).toBe('12.6');
		await sb.control.walkPrices('BTCUSDT', ['64000', '63500', '62900'], { category: 'linear' });
		expect(await order(orderId)).toMatchObject({ orderStatus: 'Filled', avgPrice: '63000' });
		expect((await ok(sb, 'GET', '/v5/execution/list', { category: 'linear', orderId })).list[0]).toMatchObject({ isMaker: true, feeRate: '0.0002' });
		expect((await ok(sb, 'GET', '/v5/order/realtime', LIN)).list).toHaveLength(0);
	});

	it('a marketable limit fills now; PostOnly that would take is cancelled; IOC that cannot fill is cancelled', async () => {
		const a = await ok(sb, 'POST', '/v5/order/create', { ...LIN, side: 'Buy', orderType: 'Limit', qty: '0.001', price: '70000' });
		expect(await order(a.orderId)).toMatchObject({ orderStatus: 'Filled', avgPrice: '65000' });
		const b = await ok(sb, 'POST', '/v5/order/create', { ...LIN, side: 'Buy', orderType: 'Limit', qty: '0.001', price: '70000', timeInForce: 'PostOnly' });
		expect(await order(b.orderId)).toMatchObject({ orderStatus: 'Cancelled', rejectReason: 'EC_PostOnlyWillTakeLiquidity' });
		const c = await ok(sb, 'POST', '/v5/order/create', { ...LIN, side: 'Buy', orderType: 'Limit', qty: '0.001', price: '60000', timeInForce: 'IOC' });
		expect(await order(c.orderId)).toMatchObject({ orderStatus: 'Cancelled' });
	});

	it('conditional orders wait Untriggered and trigger on their price source and direction', async () => {
		const bad = await call(sb, 'POST', '/v5/order/create', { ...LIN, side: 'Buy', orderType: 'Market', qty: '0.001', triggerPrice: '64000', triggerDirection: 1 });
		expect(bad.body.retCode).toBe(110092);
		const { orderId } = await ok(sb, 'POST', '/v5/order/create', {
			...LIN, side: 'Buy', orderType: 'Limit', qty: '0.001', price: '66500', triggerPrice: '66000', triggerDirection: 1, triggerBy: 'MarkPrice',
		});
		expect(await order(orderId)).toMatchObject({ orderStatus: 'Untriggered', triggerPrice: '66000.00', triggerBy: 'MarkPrice', stopOrderType: 'Stop', triggerDirection: 1 });
		sb.control.setPrice('BTCUSDT', { last: '66200', mark: '65000' }, 'linear');
		expect(await order(orderId)).toMatchObject({ orderStatus: 'Untriggered' });
		sb.control.setPrice('BTCUSDT', { mark: '66100' }, 'linear');
		expect(await order(orderId)).toMatchObject({ orderStatus: 'Filled', avgPrice: '66200' });
		const falling = await ok(sb, 'POST', '/v5/order/create', { ...LIN, side: 'Sell', orderType: 'Market', qty: '0.001', triggerPrice: '60000', triggerDirection: 2 });
		await sb.control.walkPrices('BTCUSDT', ['62000', '59900'], { category: 'linear' });
		expect(await order(falling.orderId)).toMatchObject({ orderStatus: 'Filled', avgPrice: '59900' });
	});

	it('reduce-only: refused without a position, capped at the position size', async () => {
		const none = await call(sb, 'POST', '/v5/order/create', { ...LIN, side: 'Sell', orderType: 'Market', qty: '0.001', reduceOnly: true });
		expect(none.body).toMatchObject({ retCode: 110017, retMsg: 'current position is zero, cannot fix reduce-only order qty' });
		await ok(sb, 'POST', '/v5/order/create', { ...LIN, side: 'Buy', orderType: 'Market', qty: '0.003' });
		const same = await call(sb, 'POST', '/v5/order/create', { ...LIN, side: 'Buy', orderType: 'Market', qty: '0.001', reduceOnly: true });
		expect(same.body.retCode).toBe(110017);
		sb.control.setPrice('BTCUSDT', { last: '66000' }, 'linear');
		const { orderId } = await ok(sb, 'POST', '/v5/order/create', { ...LIN, side: 'Sell', orderType: 'Market', qty: '0.005', reduceOnly: true });
		expect(await order(orderId)).toMatchObject({ cumExecQty: '0.003', orderStatus: 'Cancelled' });
		expect(await position()).toMatchObject({ size: '0.000', side: '' });
		const pnl = (await ok(sb, 'GET', '/v5/position/closed-pnl', LIN)).list[0];
		expect(pnl).toMatchObject({ closedSize: '0.003', avgEntryPrice: '65000', avgExitPrice: '66000', side: 'Sell' });
		expect(Number(pnl.closedPnl)).toBeCloseTo(3 - 0.003 * 65000 * 0.00055 - 0.003 * 66000 * 0.00055, 6);
	});

	it('hedge mode: switch-mode, positionIdx checks, two sides', async () => {
		await ok(sb, 'POST', '/v5/position/switch-mode', { ...LIN, mode: 3 });
		expect((await call(sb, 'POST', '/v5/position/switch-mode', { ...LIN, mode: 3 })).body.retCode).toBe(110025);
		const wrong = await call(sb, 'POST', '/v5/order/create', { ...LIN, side: 'Buy', orderType: 'Market', qty: '0.001' });
		expect(wrong.body).toMatchObject({ retCode: 10001, retMsg: 'position idx not match position mode' });
		await ok(sb, 'POST', '/v5/order/create', { ...LIN, side: 'Buy', orderType: 'Market', qty: '0.002', positionIdx: 1 });
		await ok(sb, 'POST', '/v5/order/create', { ...LIN, side: 'Sell', orderType: 'Market', qty: '0.001', positionIdx: 2 });
		const list = (await ok(sb, 'GET', '/v5/position/list', LIN)).list;
		expect(list.map((p: Json) => [p.positionIdx, p.side, p.size])).toEqual([[1, 'Buy', '0.002'], [2, 'Sell', '0.001']]);
		expect((await call(sb, 'POST', '/v5/position/switch-mode', { ...LIN, mode: 0 })).body.retCode).toBe(110024);
		// closing the long side is reduce-only by nature
		await ok(sb, 'POST', '/v5/order/create', { ...LIN, side: 'Sell', orderType: 'Market', qty: '0.005', positionIdx: 1 });
		expect((await position(1)).size).toBe('0.000');
		expect((await position(2)).size).toBe('0.001');
	});

	it('duplicate orderLinkId: 110072 (derivatives), 170141 (spot)', async () => {
		await ok(sb, 'POST', '/v5/order/create', { ...LIN, side: 'Buy', orderType: 'Limit', qty: '0.001', price: '60000', orderLinkId: 'dup-1' });
		const again = await call(sb, 'POST', '/v5/order/create', { ...LIN, side: 'Buy', orderType: 'Limit', qty: '0.001', price: '60000', orderLinkId: 'dup-1' });
		expect(again.body).toMatchObject({ retCode: 110072, retMsg: 'OrderLinkedID is duplicate' });
		const spot = { category: 'spot', symbol: 'BTCUSDT', side: 'Buy', orderType: 'Limit', qty: '0.001', price: '60000', orderLinkId: 'dup-2' };
		await ok(sb, 'POST', '/v5/order/create', spot);
		expect((await call(sb, 'POST', '/v5/order/create', spot)).body).toMatchObject({ retCode: 170141, retMsg: 'Duplicate clientOrderId' });
		const byLink = (await ok(sb, 'GET', '/v5/order/realtime', { category: 'linear', symbol: 'BTCUSDT', orderLinkId: 'dup-1' })).list;
		expect(byLink).toHaveLength(1);
	});

	it('validation answers with Bybit codes', async () => {
		await sb.close();
		sb = await startSandbox({ port: 0, rateLimits: false }); // more than 10 creates in a second
		const create = (p: Json) => call(sb, 'POST', '/v5/order/create', { ...LIN, side: 'Buy', orderType: 'Limit', qty: '0.001', price: '60000', ...p });
		expect((await create({ symbol: 'FOOUSDT' })).body).toMatchObject({ retCode: 10001, retMsg: 'params error: symbol invalid' });
		expect((await create({ category: 'futures' })).body).toMatchObject({ retCode: 10001, retMsg: 'Illegal category' });
		expect((await create({ side: 'buy' })).body).toMatchObject({ retCode: 10001, retMsg: 'params error: side invalid' });
		expect((await create({ qty: undefined })).body.retMsg).toContain('qty');
		expect((await create({ qty: '0.0015' })).body).toMatchObject({ retCode: 10001, retMsg: 'Order quantity has too many decimals.' });
		expect((await create({ qty: '0.0001' })).body.retMsg).toBe('The number of contracts exceeds minimum limit allowed');
		expect((await create({ qty: '2000' })).body.retCode).toBe(10001);
		expect((await create({ price: '60000.05' })).body.retCode).toBe(10001);
		expect((await create({ price: '9999999' })).body.retCode).toBe(110003);
		expect((await create({ price: '4000' })).body).toMatchObject({ retCode: 110094 });
		expect((await create({ qty: '100', price: '60000' })).body).toMatchObject({ retCode: 110007, retMsg: 'ab not enough for new order' });
		expect((await create({ price: undefined })).body.retMsg).toContain('price');
		expect((await call(sb, 'GET', '/v5/order/realtime', { category: 'linear' })).body.retCode).toBe(10001);
		expect((await call(sb, 'GET', '/v5/position/list', { category: 'spot' })).body.retMsg).toBe('Illegal category');
		const spot = { category: 'spot', symbol: 'BTCUSDT', side: 'Buy', orderType: 'Limit', price: '60000' };
		expect((await call(sb, 'POST', '/v5/order/create', { ...spot, qty: '0.0010001' })).body.retCode).toBe(170137);
		expect((await call(sb, 'POST', '/v5/order/create', { ...spot, qty: '10' })).body.retCode).toBe(170131);
	});

	it('batch create with a partial failure: per-item results in order', async () => {
		const r = await call(sb, 'POST', '/v5/order/create-batch', {
			category: 'linear',
			request: [
				{ symbol: 'BTCUSDT', side: 'Buy', orderType: 'Limit', qty: '0.001', price: '60000', orderLinkId: 'b-1' },
				{ symbol: 'NOPEUSDT', side: 'Buy', orderType: 'Limit', qty: '0.001', price: '60000', orderLinkId: 'b-2' },
				{ symbol: 'ETHUSDT', side: 'Sell', orderType: 'Limit', qty: '0.01', price: '3300', orderLinkId: 'b-3' },
			],
		});
		expect(r.body.retCode).toBe(0);
		expect(r.body.retExtInfo.list).toEqual([{ code: 0, msg: 'OK' }, { code: 10001, msg: 'params error: symbol invalid' }, { code: 0, msg: 'OK' }]);
		expect(r.body.result.list.map((x: Json) => [x.symbol, x.orderLinkId, x.orderId !== '', x.createAt !== ''])).toEqual([
			['BTCUSDT', 'b-1', true, true], ['NOPEUSDT', 'b-2', false, false], ['ETHUSDT', 'b-3', true, true],
		]);
		const cancel = await call(sb, 'POST', '/v5/order/cancel-batch', {
			category: 'linear', request: [{ symbol: 'BTCUSDT', orderLinkId: 'b-1' }, { symbol: 'ETHUSDT', orderLinkId: 'nope' }],
		});
		expect(cancel.body.retExtInfo.list.map((x: Json) => x.code)).toEqual([0, 110001]);
		const spotTooMany = await call(sb, 'POST', '/v5/order/create-batch', { category: 'spot', request: Array(11).fill({ symbol: 'BTCUSDT' }) });
		expect(spotTooMany.body.retCode).toBe(10001);
	});

	it('amend, cancel, cancel-all', async () => {
		const a = await ok(sb, 'POST', '/v5/order/create', { ...LIN, side: 'Buy', orderType: 'Limit', qty: '0.001', price: '60000', orderLinkId: 'am-1' });
		await ok(sb, 'POST', '/v5/order/amend', { ...LIN, orderLinkId: 'am-1', qty: '0.002', price: '61000' });
		expect(await order(a.orderId)).toMatchObject({ qty: '0.002', price: '61000.00', orderStatus: 'New' });
		expect((await call(sb, 'POST', '/v5/order/amend', { ...LIN, orderLinkId: 'am-1', qty: '0.002' })).body.retCode).toBe(10001);
		await ok(sb, 'POST', '/v5/order/cancel', { ...LIN, orderId: a.orderId });
		expect(await order(a.orderId)).toMatchObject({ orderStatus: 'Cancelled', cancelType: 'CancelByUser' });
		expect((await call(sb, 'POST', '/v5/order/cancel', { ...LIN, orderId: a.orderId })).body.retCode).toBe(110001);
		for (const price of ['59000', '58000']) await ok(sb, 'POST', '/v5/order/create', { ...LIN, side: 'Buy', orderType: 'Limit', qty: '0.001', price });
		const all = await ok(sb, 'POST', '/v5/order/cancel-all', { category: 'linear', settleCoin: 'USDT' });
		expect(all.success).toBe('1');
		expect(all.list).toHaveLength(2);
		expect((await call(sb, 'POST', '/v5/order/cancel-all', { category: 'linear' })).body.retCode).toBe(10001);
	});

	it('TP/SL via trading-stop and on create; triggered by price moves', async () => {
		await ok(sb, 'POST', '/v5/order/create', { ...LIN, side: 'Buy', orderType: 'Market', qty: '0.002', takeProfit: '70000' });
		expect((await position()).takeProfit).toBe('70000.00');
		expect((await call(sb, 'POST', '/v5/position/trading-stop', { ...LIN, positionIdx: 0, tpslMode: 'Full', stopLoss: '66000' })).body.retCode).toBe(10001);
		await ok(sb, 'POST', '/v5/position/trading-stop', { ...LIN, positionIdx: 0, tpslMode: 'Full', stopLoss: '60000' });
		expect((await call(sb, 'POST', '/v5/position/trading-stop', { ...LIN, positionIdx: 0, tpslMode: 'Full', stopLoss: '60000' })).body.retCode).toBe(34040);
		const stops = (await ok(sb, 'GET', '/v5/order/realtime', { ...LIN, orderFilter: 'StopOrder' })).list;
		expect(stops.map((o: Json) => o.stopOrderType).sort()).toEqual(['StopLoss', 'TakeProfit']);
		sb.control.setPrice('BTCUSDT', { last: '59950' }, 'linear');
		expect(await position()).toMatchObject({ size: '0.000', stopLoss: '0.00', takeProfit: '0.00' });
		const hist = (await ok(sb, 'GET', '/v5/order/history', { category: 'linear', limit: 10 })).list;
		expect(hist.find((o: Json) => o.stopOrderType === 'StopLoss')).toMatchObject({ orderStatus: 'Filled', createType: 'CreateByStopLoss' });
		expect(hist.find((o: Json) => o.stopOrderType === 'TakeProfit')).toMatchObject({ orderStatus: 'Deactivated' });
		expect((await call(sb, 'POST', '/v5/position/trading-stop', { ...LIN, positionIdx: 0, takeProfit: '70000' })).body.retMsg).toBe('can not set tp/sl/ts for zero position');
	});

	it('leverage, margin mode, isolated liquidation', async () => {
		await ok(sb, 'POST', '/v5/position/set-leverage', { ...LIN, buyLeverage: '20', sellLeverage: '20' });
		expect((await call(sb, 'POST', '/v5/position/set-leverage', { ...LIN, buyLeverage: '20', sellLeverage: '20' })).body.retCode).toBe(110043);
		expect((await call(sb, 'POST', '/v5/position/set-leverage', { ...LIN, buyLeverage: '200', sellLeverage: '200' })).body.retCode).toBe(10001);
		await ok(sb, 'POST', '/v5/position/switch-isolated', { ...LIN, tradeMode: 1, buyLeverage: '10', sellLeverage: '10' });
		expect((await call(sb, 'POST', '/v5/position/set-auto-add-margin', { ...LIN, autoAddMargin: 1 })).body.retCode).toBe(0);
		await ok(sb, 'POST', '/v5/order/create', { ...LIN, side: 'Buy', orderType: 'Market', qty: '0.010' });
		const p = await position();
		expect(p).toMatchObject({ tradeMode: 1, leverage: '10', autoAddMargin: 1 });
		expect(Number(p.liqPrice)).toBeCloseTo(65000 * (1 - 0.1 + 0.005), 0);
		const added = await ok(sb, 'POST', '/v5/position/add-margin', { ...LIN, margin: '10' });
		expect(added).toMatchObject({ category: 'linear', symbol: 'BTCUSDT', positionIM: '75' });
		sb.control.setPrice('BTCUSDT', { last: '57000' }, 'linear');
		expect((await position()).size).toBe('0.000');
		const execs = (await ok(sb, 'GET', '/v5/execution/list', { category: 'linear' })).list;
		expect(execs[0].execType).toBe('BustTrade');
	});

	it('spot: buy locks and moves quote, sell pays fee in quote; market buy sized in quote', async () => {
		const spot = { category: 'spot', symbol: 'BTCUSDT' };
		const usdt = async () => (await ok(sb, 'GET', '/v5/account/wallet-balance', { accountType: 'UNIFIED', coin: 'USDT,BTC' })).list[0].coin;
		const lim = await ok(sb, 'POST', '/v5/order/create', { ...spot, side: 'Buy', orderType: 'Limit', qty: '0.01', price: '60000' });
		expect(lim.orderId).toMatch(/^\d{19}$/);
		expect((await usdt()).find((c: Json) => c.coin === 'USDT').locked).toBe('600');
		const mkt = await ok(sb, 'POST', '/v5/order/create', { ...spot, side: 'Buy', orderType: 'Market', qty: '650' });
		const o = (await ok(sb, 'GET', '/v5/order/history', { category: 'spot', orderId: mkt.orderId })).list[0];
		expect(o).toMatchObject({ orderStatus: 'Filled', qty: '650', cumExecQty: '0.010000', marketUnit: 'quoteCoin' });
		const coins = await usdt();
		expect(Number(coins.find((c: Json) => c.coin === 'BTC').walletBalance)).toBeCloseTo(1 + 0.01 * 0.999, 8);
		expect(Number(coins.find((c: Json) => c.coin === 'USDT').walletBalance)).toBeCloseTo(100000 - 650, 6);
	});

	it('pagination: instruments-info and order history with nextPageCursor', async () => {
		const seen: string[] = [];
		let cursor = '';
		do {
			const r = await ok(sb, 'GET', '/v5/market/instruments-info', { category: 'linear', limit: 1, cursor });
			seen.push(...r.list.map((i: Json) => i.symbol));
			cursor = r.nextPageCursor;
		} while (cursor);
		expect(seen).toEqual(['BTCUSDT', 'ETHUSDT', 'SOLUSDT']);
		for (let i = 0; i < 5; i++) await ok(sb, 'POST', '/v5/order/create', { ...LIN, side: 'Buy', orderType: 'Limit', qty: '0.001', price: String(50000 + i * 100) });
		const ids: string[] = [];
		cursor = '';
		do {
			const r = await ok(sb, 'GET', '/v5/order/history', { category: 'linear', limit: 2, cursor });
			ids.push(...r.list.map((o: Json) => o.price));
			cursor = r.nextPageCursor;
			if (cursor) expect(cursor).toMatch(/%3D/);
		} while (cursor);
		expect(ids).toEqual(['50400.00', '50300.00', '50200.00', '50100.00', '50000.00']);
		const open = await ok(sb, 'GET', '/v5/order/realtime', { ...LIN, limit: 3 });
		expect(open.list).toHaveLength(3);
		expect((await ok(sb, 'GET', '/v5/order/realtime', { ...LIN, limit: 3, cursor: open.nextPageCursor })).list).toHaveLength(2);
	});

	it('acceptThenDrop: the order is created but the client sees a socket error', async () => {
		sb.control.acceptThenDrop(1);
		await expect(call(sb, 'POST', '/v5/order/create', { ...LIN, side: 'Buy', orderType: 'Limit', qty: '0.001', price: '60000', orderLinkId: 'lost-1' })).rejects.toThrow();
		// the idempotent lookup: by orderLinkId alone (no symbol needed when an id is given)
		const found = (await ok(sb, 'GET', '/v5/order/realtime', { category: 'linear', orderLinkId: 'lost-1' })).list;
		expect(found).toHaveLength(1);
		const again = await call(sb, 'POST', '/v5/order/create', { ...LIN, side: 'Buy', orderType: 'Limit', qty: '0.001', price: '60000', orderLinkId: 'lost-1' });
		expect(again.body.retCode).toBe(110072);
		expect(sb.control.requests().find((r) => r.body.includes('lost-1'))!.status).toBe(0);
	});
});
