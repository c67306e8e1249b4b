/**
 * System status and announcements without a credential, against the
 * sandbox: the status summary is one item to branch on (also when nothing
 * is scheduled), and announcements page by page number with one page size.
 */
import type { IDataObject } from 'n8n-workflow';

import { resetIpBudgets } from '../../../../nodes/Bybit/transport/ipBudget';
import { resetRateLimiter } from '../../../../nodes/Bybit/transport/rateLimiter';
import { runBybit } from '../../../harness/execute';
import { startSandbox, type Sandbox } from '../../../sandbox';

let sandbox: Sandbox;
beforeAll(async () => {
	resetRateLimiter();
	sandbox = await startSandbox({ port: 0, rateLimits: false });
});
afterAll(() => sandbox.close());
beforeEach(() => {
	sandbox.control.clearRequests();
	sandbox.control.setClockSkew(0);
	resetIpBudgets();
});

const run = (params: IDataObject) =>
	runBybit({}, { resource: 'market', authentication: 'none', environment: 'custom', baseUrl: sandbox.restUrl, ...params }, { noCredential: true });
const DAY = 86_400_000;

describe('Get System Status', () => {
	it('summary: one item, not in maintenance, the planned one next', async () => {
		const out = await run({ operation: 'getSystemStatus' });
		expect(out).toHaveLength(1);
		const s = out[0].json;
		expect([s.maintenanceOngoing, (s.ongoing as IDataObject[]).length, (s.scheduled as IDataObject[]).map((r) => r.id)]).toEqual([false, 0, ['sandbox-0001-planned']]);
		expect(s.nextScheduledBegin).toMatch(/^\d{13}$/);
		expect(Number(s.nextScheduledEnd) - Number(s.nextScheduledBegin)).toBe(30 * 60_000);
		expect(sandbox.control.requests().map((r) => [r.path, r.query, r.signatureValid])).toEqual([['/v5/system/status', '', null]]);
	});

	it('summary during the maintenance: maintenanceOngoing is true and names it', async () => {
		sandbox.control.setClockSkew(DAY + 5 * 60_000);
		const [item] = await run({ operation: 'getSystemStatus' });
		expect(item.json).toMatchObject({ maintenanceOngoing: true, ongoing: [{ id: 'sandbox-0001-planned', state: 'ongoing', maintainType: 1 }], scheduled: [], nextScheduledBegin: '' });
	});

	it('summary with a filter that matches nothing is still one item (a workflow can branch on it)', async () => {
		const out = await run({ operation: 'getSystemStatus', additionalFields: { state: 'canceled' } });
		expect(out.map((i) => i.json)).toEqual([{ maintenanceOngoing: false, ongoing: [], scheduled: [], nextScheduledBegin: '', nextScheduledEnd: '' }]);
		expect(sandbox.control.requests()[0].query).toBe('state=canceled');
	});

	it('rows: Bybit\'s rows, one item each, newest first', async () => {
		const out = await run({ operation: 'getSystemStatus', output: 'rows' });
		expect(out.map((i) => i.json.state)).toEqual(['scheduled', 'completed', 'completed']);
		expect(out.every((i) => i.pairedItem !== undefined)).toBe(true);
	});
});

describe('Get Announcements', () => {
	it('Limit above one page: pages 1 and 2 with the same page size, cut to Limit', async () => {
		const out = await run({ operation: 'getAnnouncements', locale: 'en-US', returnAll: false, limit: 22 });
		expect(out).toHaveLength(22);
		expect(sandbox.control.requests().map((r) => r.query)).toEqual(['locale=en-US&page=1&limit=20', 'locale=en-US&page=2&limit=20']);
		const titles = out.map((i) => i.json.title);
		expect(new Set(titles).size).toBe(22);
	});

	it('Return All reads until the total, a small Limit reads one small page', async () => {
		expect(await run({ operation: 'getAnnouncements', locale: 'ja-JP', returnAll: true })).toHaveLength(25);
		sandbox.control.clearRequests();
		expect(await run({ operation: 'getAnnouncements', locale: 'en-US', returnAll: false, limit: 3, additionalFields: { type: 'delistings' } })).toHaveLength(3);
		expect(sandbox.control.requests().map((r) => r.query)).toEqual(['locale=en-US&type=delistings&page=1&limit=3']);
	});

	it('a locale outside Bybit\'s list is refused before sending', async () => {
		await expect(run({ operation: 'getAnnouncements', locale: 'en-GB' })).rejects.toThrow(/"locale" must be one of .*en-US/);
		expect(sandbox.control.requests()).toEqual([]);
	});
});
