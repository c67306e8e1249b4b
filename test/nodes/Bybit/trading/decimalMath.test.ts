import * as D from '../../../../nodes/Bybit/trading/decimalMath';

describe('decimalMath', () => {
	it('adds, subtracts and multiplies exactly', () => {
		expect(D.add('0.1', '0.2')).toBe('0.3');
		expect(D.sub('64210.5', '0.6')).toBe('64209.9');
		expect(D.mul('0.001', '64210.5')).toBe('64.2105');
		expect(D.mul('-1.5', '2')).toBe('-3');
	});

	it('divides with truncation', () => {
		expect(D.div('100', '64210.5', 8)).toBe('0.00155737');
		expect(D.div('1', '3', 4)).toBe('0.3333');
		expect(() => D.div('1', '0')).toThrow(/Division by zero/);
	});

	it.each([
		['1234.56', '0.1', 'floor', '1234.5'],
		['1234.56', '0.1', 'ceil', '1234.6'],
		['1234.55', '0.1', 'nearest', '1234.6'],
		['1234.54', '0.1', 'nearest', '1234.5'],
		['0.0019', '0.001', 'floor', '0.001'],
		['0.000999', '0.001', 'floor', '0'],
		['64210.37', '0.5', 'floor', '64210'],
		['64210.37', '0.5', 'ceil', '64210.5'],
		['12345', '100', 'floor', '12300'],
		['-1.25', '0.1', 'floor', '-1.3'],
		['5', '0.000001', 'floor', '5'],
	] as const)('roundToStep(%s, %s, %s) = %s', (v, step, mode, expected) => {
		expect(D.roundToStep(v, step, mode)).toBe(expected);
	});

	it('parses only decimal strings', () => {
		expect(D.isDecimalString('1.5')).toBe(true);
		expect(D.isDecimalString('.5')).toBe(true);
		expect(D.isDecimalString('1e5')).toBe(false);
		expect(D.isDecimalString('')).toBe(false);
		expect(() => D.parse('abc')).toThrow(/Not a decimal number/);
	});

	it('compares and checks multiples', () => {
		expect(D.compare('0.10', '0.1')).toBe(0);
		expect(D.compare('2', '10')).toBe(-1);
		expect(D.isMultipleOf('0.003', '0.001')).toBe(true);
		expect(D.isMultipleOf('0.0035', '0.001')).toBe(false);
	});
});
