/**
 * Custom API Call paths: only a V5 path, never a host, a query, a traversal
 * or an escape (the host always comes from the credential's or the node's
 * Environment, so a path can never send a signature elsewhere).
 */
import fc from 'fast-check';

import { normalizePath } from '../../../../credentials/common/bybit/safety';
import { customPathRefusal } from '../../../../nodes/Bybit/actions/custom';

const RUNS = { numRuns: 1000 };
const segment = fc.stringMatching(/^[A-Za-z0-9_-]{1,12}$/);

describe('customPathRefusal', () => {
	it('accepts documented V5 paths', () => {
		for (const p of ['/v5/market/tickers', '/v5/order/create', '/v5/asset/transfer/query-inter-transfer-list', '/v5/spot-margin-trade/data']) expect(customPathRefusal(p)).toBeUndefined();
	});

	it.each([
		['https://api.bybit.com/v5/market/time', /without a host/],
		['//evil.example/v5/market/time', /without a host/],
		['api.bybit.com/v5/market/time', /without a host/],
		['/v5/market/tickers?category=linear', /query string/],
		['/v5/market/tickers#x', /query string/],
		['/v3/public/time', /must start with \/v5\//],
		['v5/market/time', /must start with \/v5\//],
		['/v5/../v3/private/order', /".."/],
		['/v5/market/./time', /".."/],
		['/v5/market/%2e%2e/x', /"%" escapes/],
		['/v5/market\\time', /or "\\"/],
		['/v5/market//time', /only letters, digits/],
		['/v5/market/time/', /only letters, digits/],
		['/v5/market/ti me', /only letters, digits/],
		['/v5/', /only letters, digits/],
	])('refuses %s', (path, message) => {
		expect(customPathRefusal(path)).toMatch(message);
	});

	it('property: every accepted path is /v5/ plus plain segments, and routes as itself (normalisation changes only case)', () => {
		fc.assert(
			fc.property(fc.string({ maxLength: 60 }), fc.array(segment, { maxLength: 4 }), (noise, parts) => {
				for (const p of [noise, `/v5/${noise}`, `/v5/${parts.join('/')}`, `/v5/${parts.join('/')}${noise}`]) {
					if (customPathRefusal(p) !== undefined) continue;
					expect(p).toMatch(/^\/v5(\/[A-Za-z0-9_-]+)+$/);
					expect(normalizePath(p)).toBe(p.toLowerCase());
				}
			}),
			RUNS,
		);
	});

	it('property: a path with a host, query, fragment, dot segment, escape or backslash anywhere is refused', () => {
		const bad = fc.constantFrom('?', '#', '/..', '/.', '%2F', '\\', 'http://', '//');
		fc.assert(
			fc.property(fc.array(segment, { minLength: 1, maxLength: 3 }), bad, fc.array(segment, { maxLength: 2 }), (head, poison, tail) => {
				const p = `/v5/${head.join('/')}${poison}${tail.length ? `/${tail.join('/')}` : ''}`;
				expect(customPathRefusal(p)).toBeDefined();
			}),
			RUNS,
		);
	});
});
