import { toDecimal } from '../../../../nodes/Bybit/transport/decimal';

describe('toDecimal', () => {
	it.each([
		[0.1 + 0.2, '0.3'],
		[1e-7, '0.0000001'],
		[1.5e-10, '0.00000000015'],
		[-2.5e-8, '-0.000000025'],
		[1e21, '1000000000000000000000'],
		[1.23e22, '12300000000000000000000'],
		[64210.5, '64210.5'],
		[0, '0'],
		[100, '100'],
		[0.001, '0.001'],
		[3 * 1.1, '3.3'],
	])('%p -> %s', (input, expected) => {
		expect(toDecimal(input)).toBe(expected);
	});

	it('refuses NaN and Infinity', () => {
		expect(() => toDecimal(NaN)).toThrow(RangeError);
		expect(() => toDecimal(Infinity)).toThrow(RangeError);
	});
});
