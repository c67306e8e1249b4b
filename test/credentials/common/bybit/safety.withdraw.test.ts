/**
 * Safety rules for paths under /withdraw/ and for unsigned public reads
 * (issue #14): the documented withdrawal reads pass in read-only mode and
 * with withdrawals off; cancelling a withdrawal needs no "Allow Withdrawals"
 * but is a write; every other spelling of a withdraw path is a withdrawal.
 */
import fc from 'fast-check';

import { guardrailsOf, isPublicRead, isWrite, safetyRefusal, unsignedRefusal } from '../../../../credentials/common/bybit/safety';

const READS = ['/v5/asset/withdraw/withdrawable-amount', '/v5/asset/withdraw/query-record', '/v5/asset/withdraw/query-address', '/v5/asset/withdraw/vasp/list'];
const CANCEL = '/v5/asset/withdraw/cancel';
const CREATE = '/v5/asset/withdraw/create';

const off = guardrailsOf({});
const readOnly = guardrailsOf({ readOnly: true });
const allowed = guardrailsOf({ allowWithdrawals: true });
const limited = guardrailsOf({ allowWithdrawals: true, allowedSymbols: 'BTCUSDT', maxOrderNotional: 100 });

/** Spellings a router may treat as the same path: case, doubled slashes, a trailing slash, percent-encoding. */
function spelling(path: string): fc.Arbitrary<string> {
	return fc
		.record({
			upper: fc.array(fc.boolean(), { minLength: path.length, maxLength: path.length }),
			double: fc.array(fc.boolean(), { minLength: path.length, maxLength: path.length }),
			trailing: fc.constantFrom('', '/', '//'),
			encode: fc.boolean(),
		})
		.map(({ upper, double, trailing, encode }) => {
			let out = '';
			for (const [i, ch] of [...path].entries()) {
				const c = upper[i] ? ch.toUpperCase() : ch;
				out += c === '/' && double[i] ? '//' : encode && c === 'w' ? '%77' : c;
			}
			return out + trailing;
		});
}

describe('withdrawal reads', () => {
	it.each(READS)('GET %s passes in read-only mode and with withdrawals off', (path) => {
		expect(isWrite('GET', path)).toBe(false);
		expect(safetyRefusal(off, { method: 'GET', path, body: { coin: 'USDT' } })).toBeUndefined();
		expect(safetyRefusal(readOnly, { method: 'GET', path, body: { coin: 'USDT' } })).toBeUndefined();
		expect(safetyRefusal(limited, { method: 'GET', path, body: {} })).toBeUndefined();
	});

	it('property: any spelling of a read, by GET, passes with every limit on', () => {
		const strict = guardrailsOf({ readOnly: true, allowedSymbols: 'BTCUSDT', maxOrderNotional: 10 });
		fc.assert(
			fc.property(fc.constantFrom(...READS).chain(spelling), fc.constantFrom('GET', 'get', 'HEAD'), (path, method) => {
				expect(safetyRefusal(strict, { method, path, body: {} })).toBeUndefined();
			}),
			{ numRuns: 300 },
		);
	});

	it('a POST to a read path is not a read: blocked as a withdrawal', () => {
		for (const path of READS) expect(safetyRefusal(off, { method: 'POST', path, body: {} })).toMatch(/Withdrawals are blocked/);
	});

	it('a read path is matched whole: longer or shorter paths stay withdrawals', () => {
		for (const path of ['/v5/asset/withdraw/withdrawable-amount/create', '/v5/asset/withdraw/vasp', '/v5/asset/withdraw/query-record-x', '/v5/asset/withdraw/create/../query-record-x']) {
			expect([path, safetyRefusal(off, { method: 'GET', path, body: {} })]).toEqual([path, expect.stringMatching(/Withdrawals are blocked/)]);
		}
	});
});

describe('withdrawals', () => {
	it('property: any spelling of /v5/asset/withdraw/create is a withdrawal, by any method', () => {
		fc.assert(
			fc.property(spelling(CREATE), fc.constantFrom('GET', 'POST', 'HEAD', 'PUT', 'get'), (path, method) => {
				expect(safetyRefusal(off, { method, path, body: { coin: 'USDT', amount: '1' } })).toMatch(/Withdrawals are blocked/);
				expect(safetyRefusal(readOnly, { method, path, body: {} })).toMatch(/Withdrawals are blocked|read-only/);
			}),
			{ numRuns: 300 },
		);
	});

	it('allowed withdrawals still obey read-only mode', () => {
		expect(safetyRefusal(allowed, { method: 'POST', path: CREATE, body: {} })).toBeUndefined();
		expect(safetyRefusal(guardrailsOf({ allowWithdrawals: true, readOnly: true }), { method: 'POST', path: CREATE, body: {} })).toMatch(/read-only/);
	});
});

describe('cancel withdrawal', () => {
	it('needs no "Allow Withdrawals" (it only reduces risk), in any spelling', () => {
		fc.assert(
			fc.property(spelling(CANCEL), (path) => {
				expect(safetyRefusal(off, { method: 'POST', path, body: { id: '10197' } })).toBeUndefined();
			}),
			{ numRuns: 200 },
		);
	});

	it('is a write: refused in read-only mode, and a known one under an allow-list and a cap', () => {
		expect(isWrite('POST', CANCEL)).toBe(true);
		expect(safetyRefusal(readOnly, { method: 'POST', path: CANCEL, body: { id: '10197' } })).toMatch(/read-only mode/);
		expect(safetyRefusal(limited, { method: 'POST', path: CANCEL, body: { id: '10197' } })).toBeUndefined();
	});

	it('is matched whole: a path that only ends like it is a withdrawal', () => {
		expect(safetyRefusal(off, { method: 'POST', path: '/v5/asset/withdraw/create/withdraw/cancel', body: {} })).toMatch(/Withdrawals are blocked/);
	});
});

describe('public reads without a credential', () => {
	it.each(['/v5/system/status', '/v5/announcements/index', '/v5/market/price-limit', '/v5/market/adlAlert', '/v5/System/Status/'])('GET %s is public', (path) => {
		expect(isPublicRead('GET', path)).toBe(true);
		expect(unsignedRefusal('GET', path)).toBeUndefined();
	});

	it.each([
		['POST', '/v5/system/status'],
		['GET', '/v5/system/status/x'],
		['GET', '/v5/system'],
		['GET', '/v5/announcements'],
		['GET', '/v5/asset/withdraw/vasp/list'],
		['GET', '/v5/user/query-sub-members'],
		['GET', '/v5/asset/asset-overview'],
		['GET', '/v5/system/../account/wallet-balance'],
	])('%s %s is refused unsigned, naming the fix', (method, path) => {
		expect(isPublicRead(method, path)).toBe(false);
		expect(unsignedRefusal(method, path)).toMatch(/needs a Bybit API credential: .*system status and announcements can be read\. Add a Bybit credential/);
	});
});
