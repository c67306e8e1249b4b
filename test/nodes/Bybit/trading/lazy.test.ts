/**
 * The trading modules load on first use (trading/lazy.ts), not with the node's
 * description: n8n loads the node at start-up and needs only the description.
 */
import { PRE_CHECK_PATH as SPEC_PATH } from '../../../../nodes/Bybit/actions/orderPreCheck';
import { PRE_CHECK_PATH } from '../../../../nodes/Bybit/trading/preCheck';

const TRADING = ['balances', 'batchLinkIds', 'decimalMath', 'instruments', 'orderCreate', 'positionOps', 'preCheck', 'signal', 'sizing', 'writeOnce'];
const pathOf = (name: string) => `../../../../nodes/Bybit/trading/${name}`;

describe('trading modules load on first use', () => {
	it('loading the node and building its description loads none of them; the first read loads that one', async () => {
		const loaded: string[] = [];
		await jest.isolateModulesAsync(async () => {
			for (const name of TRADING) {
				jest.doMock(pathOf(name), () => {
					loaded.push(name);
					return jest.requireActual(pathOf(name));
				});
			}
			const { Bybit } = await import('../../../../nodes/Bybit/Bybit.node');
			expect(new Bybit().description.properties.length).toBeGreaterThan(10);
			expect(loaded).toEqual([]);
			const lazy = await import('../../../../nodes/Bybit/trading/lazy');
			expect(typeof lazy.positionOps.closeAll).toBe('function');
			expect(loaded).toContain('positionOps');
			expect(lazy.decimalMath.compare('2', '10')).toBe(-1);
			expect(lazy.orderCreate.ORDER_IDEMPOTENCY.idField).toBe('orderLinkId');
		});
		for (const name of TRADING) jest.dontMock(pathOf(name));
	});

	it('the pre-check path the spec names is trading/preCheck.ts\'s', () => {
		expect(SPEC_PATH).toBe(PRE_CHECK_PATH);
	});
});
