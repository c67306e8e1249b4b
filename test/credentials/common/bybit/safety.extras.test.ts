/**
 * Safety decisions for the earn and account-extra writes (borrow, repay,
 * collateral, spot hedging, MMP, demo funds, stake/redeem): what each limit
 * does to them, property-based over every credential setting, plus the one
 * read whose path says "withdraw" (GET /v5/account/withdrawal).
 */
import fc from 'fast-check';

import { guardrailsOf, isWrite, safetyRefusal } from '../../../../credentials/common/bybit/safety';
import { accountExtraSpecs } from '../../../../nodes/Bybit/actions/accountExtras';
import { earnSpecs } from '../../../../nodes/Bybit/actions/earn';

// the borrow is valued under the cap (see its own test below and convertSafety.test.ts)
const WRITES = [...accountExtraSpecs, ...earnSpecs].filter((s) => s.method === 'POST' && s.path !== '/v5/account/borrow').map((s) => s.path);
const settingsArb = fc.record({
	readOnly: fc.boolean(),
	allowedSymbols: fc.constantFrom('', 'BTCUSDT', 'ETHUSDT,SOLUSDT'),
	maxOrderNotional: fc.constantFrom(0, 1, 1000, 1_000_000),
	allowWithdrawals: fc.boolean(),
});
const bodyArb = fc.dictionary(fc.constantFrom('coin', 'amount', 'baseCoin', 'category', 'orderType', 'productId', 'symbol', 'qty'), fc.string({ maxLength: 12 }), { maxKeys: 5 });
const spelling = (path: string) => fc.constantFrom(path, path.toUpperCase(), `${path}/`, path.replace('/v5/', '/v5//'));

describe('safety: earn and account-extra writes', () => {
	it('covers 10 write paths (and the borrow), each a known write', () => {
		expect(new Set(WRITES).size).toBe(10);
		expect(isWrite('POST', '/v5/account/borrow')).toBe(true);
		for (const path of WRITES) expect([path, isWrite('POST', path)]).toEqual([path, true]);
	});

	it('read-only refuses each of them, whatever the body or spelling; otherwise they pass every limit (no symbol, no order value)', () => {
		fc.assert(
			fc.property(fc.constantFrom(...WRITES).chain((p) => spelling(p)), bodyArb, settingsArb, (path, body, settings) => {
				const refusal = safetyRefusal(guardrailsOf(settings), { method: 'POST', path, body });
				if (settings.readOnly) expect(refusal).toMatch(/read-only mode/);
				else expect(refusal).toBeUndefined();
			}),
			{ numRuns: 500 },
		);
	});

	it('a borrow is valued under Max Order Notional (amount x USD price; a stablecoin at 1), touches no symbol for Allowed Symbols, and is refused in read-only', () => {
		expect(safetyRefusal(guardrailsOf({ maxOrderNotional: 10 }), { method: 'POST', path: '/v5/account/borrow', body: { coin: 'USDT', amount: '1000000' } })).toMatch(/Borrowing 1000000 USDT is worth 1000000 USD, above the credential's maximum of 10/);
		expect(safetyRefusal(guardrailsOf({ maxOrderNotional: 10 }), { method: 'POST', path: '/v5/account/borrow', body: { coin: 'USDC', amount: '10' } })).toBeUndefined();
		// without a looked-up price a coin cannot be valued: refused, saying why
		expect(safetyRefusal(guardrailsOf({ maxOrderNotional: 10 }), { method: 'POST', path: '/v5/account/borrow', body: { coin: 'BTC', amount: '0.0001' } })).toMatch(/Cannot check the borrow/);
		expect(safetyRefusal(guardrailsOf({ allowedSymbols: 'BTCUSDT' }), { method: 'POST', path: '/v5/account/borrow', body: { coin: 'BTC', amount: '1000000' } })).toBeUndefined();
		expect(safetyRefusal(guardrailsOf({ readOnly: true }), { method: 'POST', path: '/v5/account/borrow', body: { coin: 'BTC', amount: '0.01' } })).toMatch(/read-only mode, so \/v5\/account\/borrow was not sent/);
	});

	it('MMP takes a base coin, not a symbol: an allow-list does not refuse it for lacking one', () => {
		const g = guardrailsOf({ allowedSymbols: 'BTCUSDT' });
		expect(safetyRefusal(g, { method: 'POST', path: '/v5/account/mmp-modify', body: { baseCoin: 'ETH', window: '5000', frozenPeriod: '0', qtyLimit: '1', deltaLimit: '1' } })).toBeUndefined();
		expect(safetyRefusal(g, { method: 'POST', path: '/v5/account/mmp-reset', body: { baseCoin: 'ETH' } })).toBeUndefined();
	});
});

describe('safety: GET /v5/account/withdrawal (unified transferable amount) is a read', () => {
	it('passes every setting, even read-only without Allow Withdrawals, in any spelling', () => {
		fc.assert(
			fc.property(spelling('/v5/account/withdrawal'), fc.constantFrom('GET', 'get', 'HEAD'), settingsArb, (path, method, settings) => {
				expect(isWrite(method.toUpperCase(), path)).toBe(false);
				expect(safetyRefusal(guardrailsOf(settings), { method, path, body: { coinName: 'BTC' } })).toBeUndefined();
			}),
			{ numRuns: 200 },
		);
	});

	it('any other method to it, and any other withdraw path, stays a withdrawal', () => {
		const g = guardrailsOf({});
		expect(safetyRefusal(g, { method: 'POST', path: '/v5/account/withdrawal', body: {} })).toMatch(/Withdrawals are blocked/);
		expect(safetyRefusal(g, { method: 'GET', path: '/v5/account/withdrawal/create', body: {} })).toMatch(/Withdrawals are blocked/);
		expect(safetyRefusal(g, { method: 'GET', path: '/v5/asset/withdraw/create', body: {} })).toMatch(/Withdrawals are blocked/);
	});
});
