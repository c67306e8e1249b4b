import { checkBatchOrder, checkValue } from '../../../nodes/Bybit/actions/inputs';

const order = { symbol: 'BTCUSDT', side: 'Buy', orderType: 'Limit', qty: '0.001', price: '40000', orderLinkId: 'a-1' };

describe('checkValue', () => {
	it.each([
		['qty', '-0.01', /"qty" must be above 0, got "-0.01"\. Give a positive decimal/],
		['qty', '0', /"qty" must be above 0/],
		['qty', -0, /"qty" must be above 0/],
		['price', '1e3', /"price" must be a decimal number such as 0.01 \(digits and one point, no exponent, hex or spaces\)/],
		['price', '0x10', /"price" must be a decimal number/],
		['price', '1 000', /"price" must be a decimal number/],
		['qty', '9'.repeat(41), /"qty" has 41 characters, more than any Bybit price or quantity \(40\)/],
		['qty', Number.MAX_VALUE, /"qty" is 1.7976931348623157e\+308, larger than any Bybit price or quantity/],
		['qty', NaN, /"qty" is NaN: it must be a finite number/],
		['qty', ['1'], /"qty" must be a decimal number such as 0.01, got a list/],
		['stopLoss', '-1', /"stopLoss" must be 0 or above, got "-1" \(0 clears it\)/],
		['symbol', 'BTC USDT', /"symbol" must be a Bybit symbol/],
		['orderId', 'x'.repeat(65), /"orderId" must be a Bybit order ID/],
	])('%s = %p is refused, naming the field', (name, value, message) => {
		expect(() => checkValue(name, value)).toThrow(message);
	});

	it('normalises what Bybit would misread and keeps what it takes', () => {
		expect(checkValue('qty', ' 0.010 ')).toBe('0.010');
		expect(checkValue('qty', '+1')).toBe('1');
		expect(checkValue('qty', '.5')).toBe('0.5');
		expect(checkValue('qty', 0.1 + 0.2)).toBe('0.3');
		expect(checkValue('takeProfit', '0')).toBe('0');
		expect(checkValue('margin', '-10')).toBe('-10');
		// prototype names are ordinary unknown names, not table entries
		for (const name of ['constructor', 'toString', '__proto__', 'hasOwnProperty']) expect(checkValue(name, 'x')).toBe('x');
	});
});

describe('checkBatchOrder', () => {
	it.each(['constructor', 'toString', '__proto__', 'valueOf', 'quantity'])('refuses the key %s, naming it (prototype names used to fail with "Cannot read properties of undefined")', (key) => {
		const bad = JSON.parse(JSON.stringify(order).replace('{', `{"${key}": "1",`));
		expect(() => checkBatchOrder('create', bad)).toThrow(new RegExp(`^"${key}" is not a field of a Bybit batch create order\\. Remove it or correct its name`));
	});

	it('refuses lists, wrong types and values; converts integers and booleans to JSON types', () => {
		expect(() => checkBatchOrder('create', [order])).toThrow(/it must be an object with Bybit's field names/);
		expect(() => checkBatchOrder('create', { ...order, qty: '-1' })).toThrow(/"qty" must be above 0/);
		expect(() => checkBatchOrder('create', { ...order, positionIdx: 3 })).toThrow(/"positionIdx" must be one of 0, 1, 2/);
		expect(() => checkBatchOrder('create', { ...order, reduceOnly: 'yes' })).toThrow(/"reduceOnly" must be true or false/);
		expect(() => checkBatchOrder('create', { ...order, side: { x: 1 } })).toThrow(/"side" must be one of Buy, Sell; got an object/);
		expect(checkBatchOrder('create', { ...order, side: 'sell', positionIdx: '2', reduceOnly: 'true', category: 'linear' })).toEqual({ ...order, side: 'Sell', positionIdx: 2, reduceOnly: true });
		expect(() => checkBatchOrder('cancel', { symbol: 'BTCUSDT' })).toThrow(/give "orderId" or "orderLinkId" to cancel it/);
		expect(() => checkBatchOrder('amend', { ...order, side: 'Buy' })).toThrow(/"side" is not a field of a Bybit batch amend order/);
	});
});
