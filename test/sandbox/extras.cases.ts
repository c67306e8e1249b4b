/** Typical calls of the extra endpoints (asset, user, market extras, system status, announcements) for endpoints.test.ts. */
import type { Json } from './helpers';

type Case = [method: 'GET' | 'POST', path: string, params: Json | ((ctx: Json) => Json), check?: (result: Json, body: Json) => void];

export const EXTRA_CASES: Case[] = [
	['GET', '/v5/market/price-limit', { symbol: 'BTCUSDT' }, (r) => expect(Number(r.buyLmt)).toBeGreaterThan(Number(r.sellLmt))],
	['GET', '/v5/market/adlAlert', { symbol: 'BTCUSDT' }, (r) => expect(r.list[0]).toMatchObject({ coin: 'USDT', symbol: 'BTCUSDT', insurancePnlRatio: '-0.3', adlStopRatio: '-0.25' })],
	['GET', '/v5/market/rpi_orderbook', { category: 'spot', symbol: 'BTCUSDT', limit: 1 }, (r) => expect(r.b[0]).toHaveLength(3)],
	['GET', '/v5/market/index-price-components', { indexName: 'ETHUSDT' }, (r) => expect(r.components.reduce((s: number, c: Json) => s + Number(c.weight), 0)).toBeCloseTo(1, 10)],
	['GET', '/v5/market/fee-group-info', { productType: 'contract', groupId: '1' }, (r) => expect(r.list[0]).toMatchObject({ groupName: 'G1(Major Coins)', weightingFactor: 1, symbolsNumbers: 3 })],
	['GET', '/v5/market/new-delivery-price', { category: 'option', baseCoin: 'BTC' }, (r) => expect(r.list).toHaveLength(50)],
	['GET', '/v5/system/status', { state: 'completed' }, (r) => expect(r.list.map((m: Json) => m.title)).toEqual(['t06', 't01'])],
	['GET', '/v5/announcements/index', { locale: 'en-US', limit: 1 }, (r) => expect([r.total, r.list[0].type.key]).toEqual([25, 'new_crypto'])],
	['GET', '/v5/asset/withdraw/withdrawable-amount', { coin: 'BTC' }, (r) => expect(Object.keys(r.withdrawableAmount)).toEqual(['FUND', 'UTA'])],
	['POST', '/v5/asset/withdraw/cancel', { id: '10001' }, (r) => expect([0, 1]).toContain(r.status)],
	['GET', '/v5/asset/asset-overview', {}, (r) => expect(r.list.map((a: Json) => a.accountType)).toEqual(['FundingAccount', 'UnifiedTradingAccount'])],
	['GET', '/v5/asset/delivery-record', { category: 'option' }, (r) => expect(typeof r.list[0].deliveryTime).toBe('number')],
	['GET', '/v5/asset/settlement-record', { category: 'linear' }, (r) => expect(r.list[0]).toMatchObject({ symbol: 'BTCPERP', sessionAvgPrice: '16620' })],
	['GET', '/v5/asset/deposit/query-internal-record', {}, (r) => expect(r.rows[0]).toMatchObject({ type: 1, status: 2, taxStatus: 0 })],
	['GET', '/v5/asset/exchange/order-record', { limit: 1 }, (r) => expect([r.orderBody.length, r.nextPageCursor !== '']).toEqual([1, true])],
	['GET', '/v5/asset/deposit/query-sub-member-record', { subMemberId: '900001' }, (r) => expect(r.rows[0]).toMatchObject({ coin: 'USDT', status: 3 })],
	['GET', '/v5/asset/withdraw/query-address', { addressType: 2 }, (r) => expect(r.rows).toHaveLength(4)],
	['GET', '/v5/asset/withdraw/vasp/list', {}, (r) => expect(r.vasp.at(-1)).toEqual({ vaspEntityId: 'others', vaspName: 'Others (including Upbit)' })],
	['GET', '/v5/asset/fundinghistory', { limit: '100' }, (r) => expect(r.list.every((x: Json) => /^[IO]$/.test(x.ioDirection))).toBe(true)],
	['GET', '/v5/asset/transfer/query-sub-member-list', {}, (r) => expect(r.subMemberIds).toHaveLength(120)],
	['GET', '/v5/user/query-sub-members', {}, (r) => expect(r.subMembers).toHaveLength(120)],
	['GET', '/v5/user/submembers', { pageSize: '10' }, (r) => expect([r.subMembers.length, r.nextCursor]).toEqual([10, '10'])],
	['GET', '/v5/user/escrow_sub_members', {}, (r) => expect([r.subMembers[0].memberType, r.nextCursor]).toEqual([12, '0'])],
	['GET', '/v5/user/sub-apikeys', { subMemberId: '900001' }, (r) => expect(r.result).toHaveLength(3)],
	['GET', '/v5/user/get-member-type', {}, (r) => expect(r.accounts[0].accountType).toEqual(['UNIFIED', 'FUND'])],
];
