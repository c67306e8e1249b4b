import { deriveLinkIds } from '../../../../nodes/Bybit/trading/batchLinkIds';

const src = { workflowId: 'wf1', nodeId: 'node1' };
const o = (price: string, extra: Record<string, unknown> = {}) => ({ category: 'linear', scope: '', order: { symbol: 'BTCUSDT', side: 'Buy', orderType: 'Limit', qty: '0.001', price, ...extra } });

describe('deriveLinkIds (Create Batch orders without an orderLinkId)', () => {
	it('n8n- and 32 hex digits: 36 characters, within Bybit\'s orderLinkId rules', () => {
		const [id] = deriveLinkIds(src, [o('1')]);
		expect(id).toMatch(/^n8n-[0-9a-f]{32}$/);
		expect(id).toHaveLength(36);
		expect(id).toMatch(/^[A-Za-z0-9_-]{1,36}$/);
	});

	it('the same input gives the same ids; field order and the order of the orders do not matter', () => {
		const a = deriveLinkIds(src, [o('1'), o('2')]);
		expect(deriveLinkIds(src, [o('1'), o('2')])).toEqual(a);
		expect(deriveLinkIds(src, [o('2'), o('1')])).toEqual([a[1], a[0]]);
		const reordered = { category: 'linear', scope: '', order: { price: '1', qty: '0.001', orderType: 'Limit', side: 'Buy', symbol: 'BTCUSDT' } };
		expect(deriveLinkIds(src, [reordered])[0]).toBe(a[0]);
	});

	it('identical orders are distinct instructions: the first and second occurrence get different ids', () => {
		const [first, second] = deriveLinkIds(src, [o('1'), o('1')]);
		expect(first).not.toBe(second);
		expect(deriveLinkIds(src, [o('1')])[0]).toBe(first);
	});

	it('another workflow, node, scope, category or order content gives another id; a user\'s orderLinkId is kept', () => {
		const [base] = deriveLinkIds(src, [o('1')]);
		const others = [
			deriveLinkIds({ ...src, workflowId: 'wf2' }, [o('1')])[0],
			deriveLinkIds({ ...src, nodeId: 'node2' }, [o('1')])[0],
			deriveLinkIds(src, [{ ...o('1'), scope: '2026-12-07' }])[0],
			deriveLinkIds(src, [{ ...o('1'), category: 'inverse' }])[0],
			deriveLinkIds(src, [o('1', { reduceOnly: true })])[0],
		];
		expect(new Set([base, ...others]).size).toBe(6);
		expect(deriveLinkIds(src, [o('1', { orderLinkId: 'mine' }), o('1')])).toEqual([undefined, base]);
	});
});
