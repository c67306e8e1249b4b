/** Documented per-UID limits of the extra endpoints stricter than their group's default (docs: rate-limit). */
import { documentedLimit } from '../../../../nodes/Bybit/transport/rateLimiter';

describe('documented limits of the extra endpoints', () => {
	it.each<[string, number | undefined]>([
		['/v5/asset/withdraw/vasp/list', 1], // 1 req/s
		['/v5/asset/withdraw/cancel', 1], // 60 req/min
		['/v5/asset/transfer/query-sub-member-list', 1], // 60 req/min
		['/v5/user/submembers', 5], // 5 req/s
		['/v5/user/escrow_sub_members', 5],
		['/v5/user/query-sub-members', 10],
		['/v5/asset/withdraw/withdrawable-amount', 5], // 300 req/s documented: the group's 5 is safe
		['/v5/system/status', undefined], // public: only the IP budget
		['/v5/announcements/index', undefined],
	])('%s: %s per second', (path, limit) => {
		expect(documentedLimit(path)).toBe(limit);
	});
});
