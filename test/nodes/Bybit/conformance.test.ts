/**
 * Every operation of the Bybit node against the sandbox: method and path on
 * the wire, the parameters sent, a signature that the sandbox accepts AND an
 * independent HMAC in this test reproduces over the raw bytes received, and
 * an output in Bybit's shape. Every field of every request has the JSON type
 * Bybit documents (integers as numbers, booleans as true/false, decimals as
 * text), and documented parameters and enum values reach the wire.
 */
import type { IDataObject } from 'n8n-workflow';

import { DECIMAL_FIELDS, WIRE_TYPES } from '../../../nodes/Bybit/actions/fields';
import { ALL_SPECS } from '../../../nodes/Bybit/actions/index';
import type { OperationSpec } from '../../../nodes/Bybit/actions/types';
import { clearPositionModeCache } from '../../../nodes/Bybit/actions/positionIdx';
import { clearInstrumentCache } from '../../../nodes/Bybit/trading/instruments';
import { resetRateLimiter } from '../../../nodes/Bybit/transport/rateLimiter';
import { rl, runBybit, sandboxCredentials } from '../../harness/execute';
import { independentlySigned } from '../../harness/signature';
import { startSandbox, type Sandbox } from '../../sandbox';
import type { Case, CaseContext } from './conformance/case';
import { GROUPS } from './conformance/groups';

let sandbox: Sandbox;
let creds: ReturnType<typeof sandboxCredentials>;
let secret: string;
let option = '';

beforeAll(async () => {
	resetRateLimiter();
	clearInstrumentCache();
	clearPositionModeCache();
	sandbox = await startSandbox({ port: 0, rateLimits: false });
	secret = sandbox.control.defaultKey.secret;
	creds = sandboxCredentials(sandbox.restUrl, sandbox.control.defaultKey.apiKey, secret, { allowWithdrawals: true });
	sandbox.control.fund('USDT', '50000', 'FUND');
	const res = await fetch(`${sandbox.restUrl}/v5/market/instruments-info?category=option`);
	option = ((await res.json()) as { result: { list: Array<{ symbol: string }> } }).result.list[0].symbol;
});
afterAll(() => sandbox.close());

const BTC = rl('BTCUSDT');
const CASES: Case[] = [
	{ op: 'market.getServerTime' },
	{ op: 'market.getKline', params: { category: 'linear', symbol: BTC, interval: '60', priceType: 'last', additionalFields: { start: 0, end: 0 } }, wire: { category: 'linear', symbol: 'BTCUSDT', interval: '60', limit: '50' }, absent: ['start', 'end'], min: 1 },
	{ op: 'market.getKline', params: () => ({ category: 'option', symbol: rl(option), interval: '60', priceType: 'mark', limit: 800 }), path: '/v5/market/mark-price-kline', wire: { category: 'option', limit: '500' }, min: 1 },
	{ op: 'market.getKline', params: { category: 'spot', symbol: BTC, interval: '60', priceType: 'mark' }, error: /"category" must be one of inverse, linear, option when priceType is mark; got "spot"/ },
	{ op: 'market.getKline', params: { category: 'inverse', symbol: rl('BTCUSD'), interval: '60', priceType: 'premiumIndex' }, error: /"category" must be one of linear when priceType is premiumIndex/ },
	{ op: 'market.getOrderbook', params: { category: 'linear', symbol: BTC }, wire: { symbol: 'BTCUSDT', limit: '50' } },
	{ op: 'market.getRecentTrades', params: { category: 'linear', symbol: BTC, returnAll: true }, wire: { category: 'linear', symbol: 'BTCUSDT', limit: '1000' } },
	{ op: 'market.getRecentTrades', params: { category: 'spot', symbol: BTC, returnAll: false, limit: 1000 }, wire: { category: 'spot', limit: '60' } },
	{ op: 'market.getRecentTrades', params: { category: 'linear', symbol: BTC, returnAll: false, limit: 700 }, wire: { limit: '700' } },
	{ op: 'market.getInstrumentsInfo', params: { category: 'linear', symbol: rl(''), returnAll: true }, wire: { category: 'linear', limit: '1000' }, min: 3 },
	{ op: 'market.getInstrumentsInfo', params: { category: 'linear', symbol: rl(''), returnAll: true, additionalFields: { symbolType: 'innovation', status: 'Closed' } }, wire: { symbolType: 'innovation', status: 'Closed' }, min: 0 },
	{ op: 'market.getTickers', params: { category: 'spot', symbol: rl(''), returnAll: true }, wire: { category: 'spot' }, min: 1 },
	{ op: 'market.getFundingRateHistory', params: { category: 'linear', symbol: BTC, returnAll: false, limit: 50 }, wire: { category: 'linear', symbol: 'BTCUSDT', limit: '50' } },
	{ op: 'market.getFundingRateHistory', params: { category: 'linear', symbol: BTC, returnAll: true }, wire: { limit: '200' }, min: 200 },
	{ op: 'market.getOpenInterest', params: { category: 'linear', symbol: BTC, intervalTime: '1h' }, wire: { intervalTime: '1h', limit: '50' } },
	{ op: 'market.getHistoricalVolatility', params: {}, wire: { category: 'option' } },
	{ op: 'market.getInsurance', params: { returnAll: true } },
	{ op: 'market.getRiskLimit', params: { category: 'linear', symbol: BTC }, wire: { category: 'linear', symbol: 'BTCUSDT' }, absent: ['limit'] },
	{ op: 'market.getRiskLimit', params: { category: 'linear', symbol: rl(''), returnAll: true }, wire: { category: 'linear' }, absent: ['limit', 'symbol'], min: 15 },
	{ op: 'market.getDeliveryPrice', params: { category: 'option', symbol: rl('') }, wire: { category: 'option' } },
	{ op: 'market.getLongShortRatio', params: { category: 'linear', symbol: BTC, period: '1h' }, wire: { period: '1h' } },
	{ op: 'custom.apiCall', params: { method: 'GET', path: '/v5/market/tickers', specifyParameters: 'keypair', parameters: { parameter: [{ name: 'category', value: 'linear' }, { name: 'symbol', value: 'BTCUSDT' }] } }, path: '/v5/market/tickers', wire: { category: 'linear', symbol: 'BTCUSDT' } },
	{ op: 'custom.apiCall', params: { method: 'GET', path: '/v5/order/realtime', specifyParameters: 'keypair', parameters: { parameter: [{ name: 'category', value: 'linear' }, { name: 'settleCoin', value: 'USDT' }, { name: 'limit', value: '5' }] }, paginate: true, returnAll: true }, path: '/v5/order/realtime', wire: { category: 'linear', limit: '5' }, min: 0 },
	{ op: 'custom.apiCall', params: { method: 'POST', path: '/v5/position/set-leverage', specifyParameters: 'keypair', parameters: { parameter: [{ name: 'category', value: 'linear' }, { name: 'symbol', value: 'BTCUSDT' }, { name: 'buyLeverage', value: '4' }, { name: 'sellLeverage', value: '4' }] } }, path: '/v5/position/set-leverage', wire: { buyLeverage: '4', sellLeverage: '4' } },
	{ op: 'user.getApiKeyInfo' },
	{ op: 'account.getWalletBalance', params: { accountType: 'UNIFIED', returnAll: true }, wire: { accountType: 'UNIFIED' }, min: 1 },
	{ op: 'account.getFeeRate', params: { category: 'linear', symbol: BTC, returnAll: true }, wire: { category: 'linear', symbol: 'BTCUSDT' } },
	{ op: 'account.getAccountInfo' },
	{ op: 'account.getTransactionLog', params: {}, wire: { limit: '50' }, min: 0 },
	{ op: 'account.getTransactionLog', params: { additionalFields: { category: 'linear', type: 'TRADE', transSubType: 'movePosition' } }, wire: { category: 'linear', type: 'TRADE', transSubType: 'movePosition' }, min: 0 },
	{ op: 'account.getTransactionLog', params: { additionalFields: { type: 'trade' } }, error: /"type" must be one of .*TRADE.*; got "trade"/ },
	{ op: 'account.getCollateralInfo', params: { returnAll: true } },
	{ op: 'account.getBorrowHistory', params: {}, min: 0 },
	{ op: 'position.setLeverage', params: { category: 'linear', symbol: BTC, buyLeverage: 5, sellLeverage: '5' }, wire: { buyLeverage: '5', sellLeverage: '5' } },
	{ op: 'order.create', params: { category: 'linear', symbol: BTC, side: 'Buy', orderType: 'Market', qty: 0.01, positionIdx: 'auto', orderLinkId: 'conf-mkt-1' }, wire: { side: 'Buy', orderType: 'Market', qty: '0.01', positionIdx: 0, orderLinkId: 'conf-mkt-1' } },
	{ op: 'order.create', params: { category: 'linear', symbol: BTC, side: 'Buy', orderType: 'Limit', qty: '0.01', price: '50000', positionIdx: 'auto', orderLinkId: 'conf-lmt-1' }, wire: { orderType: 'Limit', price: '50000' } },
	{ op: 'order.amend', params: { category: 'linear', symbol: BTC, orderLinkId: 'conf-lmt-1', additionalFields: { price: '50100' } }, wire: { orderLinkId: 'conf-lmt-1', price: '50100' } },
	{ op: 'order.getOpenOrders', params: { category: 'linear', symbol: BTC }, wire: { category: 'linear', symbol: 'BTCUSDT', limit: '50' }, min: 1 },
	{ op: 'order.getOpenOrders', params: { category: 'spot', symbol: BTC, additionalFields: { orderFilter: 'BidirectionalTpslOrder' } }, wire: { orderFilter: 'BidirectionalTpslOrder' }, min: 0 },
	{ op: 'order.create', params: { category: 'linear', symbol: BTC, side: 'Buy', orderType: 'Limit', qty: '0.01', price: '1', positionIdx: '0', orderLinkId: 'conf-bbo-1', additionalFields: { bboSideType: 'Queue', bboLevel: '2', rpiTakerAccess: true } }, wire: { bboSideType: 'Queue', bboLevel: '2', positionIdx: 0, rpiTakerAccess: true } },
	{ op: 'order.cancel', params: { category: 'linear', symbol: BTC, orderLinkId: 'conf-bbo-1' }, wire: { orderLinkId: 'conf-bbo-1' } },
	{ op: 'order.create', params: { category: 'linear', symbol: BTC, side: 'Buy', orderType: 'Limit', qty: '0.01', price: '50000', positionIdx: 'auto', orderLinkId: 'conf-rpi-1', additionalFields: { timeInForce: 'RPI', reduceOnly: 'false' } }, wire: { timeInForce: 'RPI', reduceOnly: false }, error: /RPI orders are restricted/, retCode: 110119 },
	{ op: 'order.cancel', params: { category: 'linear', symbol: BTC, orderLinkId: 'conf-lmt-1' }, wire: { orderLinkId: 'conf-lmt-1' } },
	{ op: 'order.createBatch', params: { category: 'linear', source: 'json', orders: JSON.stringify([{ symbol: 'BTCUSDT', side: 'Buy', orderType: 'Limit', qty: '0.01', price: '40000', orderLinkId: 'conf-b1' }, { symbol: 'BTCUSDT', side: 'Buy', orderType: 'Limit', qty: 0.02, price: 40100, orderLinkId: 'conf-b2' }]) }, min: 2 },
	{ op: 'order.amendBatch', params: { category: 'linear', source: 'json', orders: JSON.stringify([{ symbol: 'BTCUSDT', orderLinkId: 'conf-b1', price: '40050' }]) }, min: 1 },
	{ op: 'order.cancelBatch', params: { category: 'linear', source: 'json', orders: JSON.stringify([{ symbol: 'BTCUSDT', orderLinkId: 'conf-b1' }, { symbol: 'BTCUSDT', orderLinkId: 'conf-b2' }]) }, min: 2 },
	{ op: 'order.cancelAll', params: { category: 'linear', symbol: BTC }, wire: { category: 'linear', symbol: 'BTCUSDT' } },
	{ op: 'order.getOrderHistory', params: { category: 'linear', symbol: BTC, returnAll: true }, min: 1 },
	{ op: 'order.getOrderHistory', params: { category: 'spot', symbol: rl(''), additionalFields: { orderFilter: 'OcoOrder', orderStatus: 'PartiallyFilledCanceled' } }, wire: { orderFilter: 'OcoOrder', orderStatus: 'PartiallyFilledCanceled' }, min: 0 },
	{ op: 'order.getExecutions', params: { category: 'linear', symbol: BTC }, wire: { limit: '50' }, min: 1 },
	{ op: 'order.getExecutions', params: { category: 'linear', symbol: rl(''), additionalFields: { settleCoin: 'USDT', execType: 'BlockTrade' } }, wire: { settleCoin: 'USDT', execType: 'BlockTrade' }, min: 0 },
	{ op: 'order.getExecutions', params: { category: 'linear', symbol: rl(''), additionalFields: { settleCoin: 'USDT', execType: 'CorporateAction' } }, wire: { execType: 'CorporateAction' }, min: 0 },
	{ op: 'order.getSpotBorrowQuota', params: { symbol: BTC, side: 'Buy' }, wire: { category: 'spot', symbol: 'BTCUSDT', side: 'Buy' } },
	{ op: 'order.setDisconnectCancelAll', params: { timeWindow: 40 }, wire: { timeWindow: 40 } },
	{ op: 'position.getPositions', params: { category: 'linear', symbol: BTC }, wire: { category: 'linear', symbol: 'BTCUSDT' }, min: 1 },
	{ op: 'position.setTradingStop', params: { category: 'linear', symbol: BTC, tpslMode: 'Full', positionIdx: 'auto', takeProfit: '90000', stopLoss: '' }, wire: { tpslMode: 'Full', positionIdx: 0, takeProfit: '90000' } },
	{ op: 'position.setTradingStop', params: { category: 'linear', symbol: BTC, tpslMode: 'Full', positionIdx: '0', takeProfit: '91000' }, wire: { positionIdx: 0, takeProfit: '91000' } },
	// options: one-way (positionIdx 0) whatever Position Index says, Full only; the sandbox has no option position (Bybit's answer for that)
	{ op: 'position.setTradingStop', params: () => ({ category: 'option', symbol: rl(option), tpslMode: 'Full', positionIdx: 'auto', takeProfit: '9000' }), wire: { category: 'option', tpslMode: 'Full', positionIdx: 0 }, error: /zero position/, retCode: 10001 },
	{ op: 'position.setTradingStop', params: () => ({ category: 'option', symbol: rl(option), tpslMode: 'Partial', positionIdx: 'auto', takeProfit: '9000' }), error: /"tpslMode" must be one of Full when category is option; got "Partial"/ },
	{ op: 'position.getClosedPnl', params: { category: 'linear', symbol: BTC }, min: 0 },
	{ op: 'position.switchIsolatedMargin', params: { category: 'linear', symbol: rl('ETHUSDT'), tradeMode: 1, buyLeverage: '10', sellLeverage: '10' }, wire: { tradeMode: 1 } },
	{ op: 'order.create', params: { category: 'linear', symbol: rl('ETHUSDT'), side: 'Buy', orderType: 'Market', qty: '1', positionIdx: '0', orderLinkId: 'conf-eth-1' }, wire: { qty: '1' } },
	{ op: 'order.createFromSignal', params: () => ({ category: 'linear', alert: { action: 'buy', contracts: '0.5', ticker: 'BYBIT:ETHUSDT.P', time: new Date().toISOString(), id: 'conf-sig-1' }, symbol: '', qtyType: 'alert', maxAlertAge: 120, alertSecret: '', linkIdPrefix: 'tv', dryRun: false }), path: '/v5/order/create', wire: { side: 'Buy', qty: '0.5', symbol: 'ETHUSDT', orderLinkId: 'tv-conf-sig-1', positionIdx: 0 } },
	{ op: 'position.setAutoAddMargin', params: { category: 'linear', symbol: rl('ETHUSDT'), autoAddMargin: 1, positionIdx: '0' }, wire: { autoAddMargin: 1, positionIdx: 0 } },
	{ op: 'position.addOrReduceMargin', params: { category: 'linear', symbol: rl('ETHUSDT'), margin: '10', positionIdx: '0' }, wire: { margin: '10', positionIdx: 0 } },
	{ op: 'position.closePosition', params: { category: 'linear', symbol: BTC, positionIdx: 'all' }, path: '/v5/order/create', wire: { reduceOnly: true, side: 'Sell' } },
	{ op: 'position.setTarget', params: { category: 'linear', symbol: BTC, target: '0.02' }, path: '/v5/order/create', wire: { side: 'Buy', qty: '0.02' } },
	{ op: 'position.breakevenStop', before: () => sandbox.control.setPrice('BTCUSDT', { last: '66000', mark: '66000', index: '66000' }), params: { category: 'linear', symbol: BTC, positionIdx: 'all' }, path: '/v5/position/trading-stop', wire: { tpslMode: 'Full' } },
	{ op: 'position.flip', params: { category: 'linear', symbol: BTC, qty: '' }, path: '/v5/order/create', wire: { side: 'Sell', qty: '0.04' } },
	{ op: 'position.closeAll', params: { category: 'linear', settleCoin: 'USDT' }, path: '/v5/order/create', wire: { reduceOnly: true } },
	{ op: 'position.switchPositionMode', params: { category: 'linear', symbol: rl('SOLUSDT'), mode: 3 }, wire: { mode: 3, symbol: 'SOLUSDT' } },
	{ op: 'account.setMarginMode', params: { setMarginMode: 'REGULAR_MARGIN' }, wire: { setMarginMode: 'REGULAR_MARGIN' } },
	{ op: 'asset.getCoinInfo', params: { returnAll: true }, min: 1 },
	{ op: 'asset.getAllCoinsBalance', params: { accountType: 'FUND', returnAll: true }, wire: { accountType: 'FUND' }, min: 1 },
	{ op: 'asset.getAllCoinsBalance', params: { accountType: 'FUND', returnAll: true, additionalFields: { withBonus: 1 } }, wire: { withBonus: '1' }, min: 1 },
	{ op: 'asset.getSingleCoinBalance', params: { accountType: 'UNIFIED', coin: rl('USDT') }, wire: { accountType: 'UNIFIED', coin: 'USDT' } },
	{
		op: 'asset.getSingleCoinBalance',
		params: () => ({ accountType: 'UNIFIED', coin: rl('USDT'), additionalFields: { memberId: String(sandbox.control.getState().uid), toMemberId: '900001', toAccountType: 'FUND', withBonus: 1, withTransferSafeAmount: 1, withLtvTransferSafeAmount: 1 } }),
		wire: { toMemberId: '900001', toAccountType: 'FUND', withBonus: '1', withTransferSafeAmount: '1', withLtvTransferSafeAmount: '1' },
	},
	{ op: 'asset.getTransferableCoins', params: { fromAccountType: 'FUND', toAccountType: 'UNIFIED' }, wire: { fromAccountType: 'FUND', toAccountType: 'UNIFIED' } },
	{ op: 'asset.createInternalTransfer', params: { coin: rl('USDT'), amount: 25.5, fromAccountType: 'FUND', toAccountType: 'UNIFIED' }, wire: { coin: 'USDT', amount: '25.5' } },
	{ op: 'asset.getInternalTransferRecords', params: {}, min: 1 },
	{ op: 'asset.createUniversalTransfer', params: () => ({ coin: rl('USDT'), amount: '1', fromMemberId: String(sandbox.control.getState().uid), toMemberId: '900001', fromAccountType: 'FUND', toAccountType: 'FUND' }), wire: { amount: '1', toMemberId: 900001 } },
	{ op: 'asset.getUniversalTransferRecords', params: {}, min: 0 },
	{ op: 'asset.getDepositRecords', params: { additionalFields: { id: '123', txID: '0xabc' } }, wire: { id: '123', txID: '0xabc' }, min: 0 },
	{ op: 'asset.getWithdrawalRecords', params: { additionalFields: { txID: '0xabc', withdrawType: 2 } }, wire: { txID: '0xabc', withdrawType: '2' }, min: 0 },
	{ op: 'asset.getDepositAddress', params: { coin: rl('USDT') }, wire: { coin: 'USDT' } },
	{ op: 'asset.withdraw', params: { coin: rl('USDT'), chain: 'ETH', address: '0xabc', amount: '10', accountType: 'FUND' }, wire: { coin: 'USDT', amount: '10', address: '0xabc' } },
	{
		op: 'asset.withdraw',
		params: {
			coin: rl('USDT'), chain: 'ETH', address: '0xabc', amount: '10', accountType: 'FUND,UTA,EARN',
			additionalFields: { feeType: 1, forceChain: '1', transactionPurpose: 'Paying an invoice of my own company', beneficiary: '{"beneficiaryName": "A B", "beneficiaryLegalType": "individual"}', questionnaire: { purpose: 'invoice' } },
		},
		wire: { accountType: 'FUND,UTA,EARN', feeType: 1, forceChain: 1, beneficiary: { beneficiaryName: 'A B', beneficiaryLegalType: 'individual' }, questionnaire: '{"purpose":"invoice"}' },
	},
];

function wireFields(entry: { method: string; query: string; body: string }): IDataObject {
	if (entry.method === 'GET') return Object.fromEntries(new URLSearchParams(entry.query));
	return entry.body ? (JSON.parse(entry.body) as IDataObject) : {};
}

/** Each field's JSON type as Bybit documents it (POST bodies, batch items included; GET: the text form). */
function wireTypeErrors(entry: { method: string; path: string; query: string; body: string }, spec: OperationSpec): string[] {
	const errors: string[] = [];
	const check = (fields: IDataObject) => {
		for (const [name, value] of Object.entries(fields)) {
			const type = (entry.path === spec.path ? spec.wireTypes?.[name] : undefined) ?? WIRE_TYPES[name];
			const ok =
				entry.method === 'GET'
					? type === 'integer' ? /^-?\d+$/.test(String(value)) : type === 'boolean' ? /^(true|false)$/.test(String(value)) : true
					: type === 'integer' ? Number.isInteger(value)
					: type === 'boolean' ? typeof value === 'boolean'
					: type === 'object' ? typeof value === 'object' && value !== null && !Array.isArray(value)
					: type === 'jsonText' || DECIMAL_FIELDS.has(name) || type === 'string' ? typeof value === 'string'
					: true;
			if (!ok) errors.push(`${entry.path} ${name}=${JSON.stringify(value)} is not ${type ?? 'a decimal string'}`);
		}
	};
	const fields = wireFields(entry);
	check(fields);
	if (Array.isArray(fields.request)) for (const item of fields.request as IDataObject[]) check(item);
	return errors;
}

const ctx: CaseContext = { sandbox: () => sandbox, option: () => option };
CASES.push(...GROUPS.flatMap((group) => group(ctx)));

describe('every operation conforms on the wire', () => {
	it('covers every spec', () => {
		const covered = new Set(CASES.map((c) => c.op));
		expect(ALL_SPECS.map((s) => `${s.resource}.${s.operation}`).filter((k) => !covered.has(k))).toEqual([]);
	});

	it.each(CASES.map((c, n) => [`${n + 1} ${c.op}`, c] as const))('%s', async (_name, c) => {
		const [resource, operation] = c.op.split('.');
		const spec = ALL_SPECS.find((s) => s.resource === resource && s.operation === operation)!;
		c.before?.();
		sandbox.control.clearRequests();
		const params = typeof c.params === 'function' ? c.params() : (c.params ?? {});
		const run = runBybit(creds, { resource, operation, ...params });
		const path = c.path ?? spec.path;
		const requests = () => sandbox.control.requests();
		const onPath = () => requests().filter((r) => r.path === path || (spec.path === '/v5/market/kline' && r.path.includes('kline')));
		if (c.error) {
			await expect(run).rejects.toThrow(c.error);
			if (c.retCode === undefined) {
				expect(onPath()).toEqual([]);
				return;
			}
		} else {
			const out = await run;
			expect(out.every((item) => item.pairedItem !== undefined)).toBe(true);
			expect(out.length).toBeGreaterThanOrEqual(c.min ?? 1);
		}
		const entry = onPath().pop();
		expect(entry).toBeDefined();
		expect(entry!.method).toBe(c.path ? entry!.method : spec.method);
		expect(entry!.retCode).toBe(c.retCode ?? 0);
		expect(requests().flatMap((r) => wireTypeErrors(r, spec))).toEqual([]);
		for (const name of c.absent ?? []) expect([name, wireFields(entry!)[name]]).toEqual([name, undefined]);
		expect(entry!.signatureValid).toBe(true);
		expect(independentlySigned(entry!, secret)).toBe(true);
		if (c.wire) expect(wireFields(entry!)).toMatchObject(c.wire);
		expect(requests().every((r) => r.signatureValid !== false)).toBe(true);
	});
});
