import { dedupeKey, eventOfTopic, itemOf, summaryOf } from '../../../nodes/BybitTrigger/normalize';

describe('normalize', () => {
	it('maps all-in-one and category topics to event types', () => {
		const topics = ['order', 'order.linear', 'execution.fast', 'execution.fast.spot', 'execution.option', 'wallet', 'greeks', 'position.inverse', 'dcp'];
		expect(topics.map(eventOfTopic)).toEqual(['order', 'order', 'executionFast', 'executionFast', 'execution', 'wallet', 'greeks', 'position', undefined]);
	});

	it('takes the category from the entry, else from a category topic, else null', () => {
		const cat = (topic: string, entry = {}) => itemOf('order', { topic, data: [] }, entry, 'stream').category;
		expect([cat('order', { category: 'spot' }), cat('order.linear'), cat('execution.fast'), cat('wallet'), cat('greeks')]).toEqual(['spot', 'linear', null, null, null]);
	});

	it('summaries group thousands and say when a position is closed', () => {
		expect(summaryOf('order', { orderStatus: 'Filled', side: 'Buy', cumExecQty: '0.010', qty: '0.010', symbol: 'BTCUSDT', avgPrice: '64210.5' })).toBe('Filled: Buy 0.010 BTCUSDT @ 64,210.5');
		expect(summaryOf('order', { orderStatus: 'New', side: 'Sell', qty: '1', symbol: 'ETHUSDT', avgPrice: '', price: '3000' })).toBe('New: Sell 1 ETHUSDT @ 3,000');
		expect(summaryOf('position', { symbol: 'BTCUSDT', size: '0', side: '' })).toBe('Position closed: BTCUSDT');
		expect(summaryOf('execution', { side: 'Sell', execQty: '2', symbol: 'SOLUSDT', execPrice: '1234567.5', execFee: '0.1' })).toBe('Executed: Sell 2 SOLUSDT @ 1,234,567.5 (fee 0.1)');
	});

	it('de-duplicates executions by execId and orders by id + updatedTime + status', () => {
		expect(dedupeKey('executionFast', { execId: 'e1' })).toBe('x:e1');
		expect(dedupeKey('order', { orderId: 'o1', updatedTime: '5', orderStatus: 'Filled' })).toBe('o:o1:5:Filled');
		expect(dedupeKey('wallet', { coin: [] })).toBeUndefined();
	});
});
