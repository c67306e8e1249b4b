/**
 * Exact decimal arithmetic on strings (scaled BigInt), for quantities and
 * prices: rounding 0.1 + 0.2 or 1234.5 / 0.1 in binary floating point is how
 * orders end up off-step.
 */
export interface Scaled {
	units: bigint;
	scale: number;
}

const DECIMAL = /^([+-]?)(\d*)(?:\.(\d*))?$/;

export function isDecimalString(text: string): boolean {
	const m = DECIMAL.exec(text.trim());
	return !!m && (m[2] + (m[3] ?? '')).length > 0;
}

export function parse(text: string): Scaled {
	const m = DECIMAL.exec(String(text).trim());
	if (!m || (m[2] + (m[3] ?? '')).length === 0) throw new RangeError(`Not a decimal number: "${text}"`);
	const [, sign, int, frac = ''] = m;
	const units = BigInt(`${int || '0'}${frac}`) * (sign === '-' ? -1n : 1n);
	return { units, scale: frac.length };
}

function pow10(n: number): bigint {
	return 10n ** BigInt(n);
}

function align(a: Scaled, b: Scaled): [bigint, bigint, number] {
	const scale = Math.max(a.scale, b.scale);
	return [a.units * pow10(scale - a.scale), b.units * pow10(scale - b.scale), scale];
}

export function format(value: Scaled): string {
	const negative = value.units < 0n;
	let digits = (negative ? -value.units : value.units).toString();
	if (value.scale > 0) {
		digits = digits.padStart(value.scale + 1, '0');
		const int = digits.slice(0, digits.length - value.scale);
		const frac = digits.slice(digits.length - value.scale).replace(/0+$/, '');
		digits = frac ? `${int}.${frac}` : int;
	}
	return negative && digits !== '0' ? `-${digits}` : digits;
}

export function compare(a: string, b: string): number {
	const [x, y] = align(parse(a), parse(b));
	return x < y ? -1 : x > y ? 1 : 0;
}

export function add(a: string, b: string): string {
	const [x, y, scale] = align(parse(a), parse(b));
	return format({ units: x + y, scale });
}

export function sub(a: string, b: string): string {
	const [x, y, scale] = align(parse(a), parse(b));
	return format({ units: x - y, scale });
}

export function mul(a: string, b: string): string {
	const x = parse(a);
	const y = parse(b);
	return format({ units: x.units * y.units, scale: x.scale + y.scale });
}

/** a / b with `digits` decimals, truncated toward zero. */
export function div(a: string, b: string, digits = 18): string {
	const x = parse(a);
	const y = parse(b);
	if (y.units === 0n) throw new RangeError('Division by zero');
	// a/b = (x.units / 10^xs) / (y.units / 10^ys); scale the numerator to keep `digits` decimals
	const numerator = x.units * pow10(digits + y.scale);
	const denominator = y.units * pow10(x.scale);
	return format({ units: numerator / denominator, scale: digits });
}

export type Rounding = 'floor' | 'ceil' | 'nearest';

/** Rounds `value` to a multiple of `step` (e.g. qtyStep, tickSize), exactly. */
export function roundToStep(value: string, step: string, mode: Rounding): string {
	const [v, s, scale] = align(parse(value), parse(step));
	if (s <= 0n) throw new RangeError(`Step must be positive: "${step}"`);
	let q = v / s; // truncates toward zero
	const r = v - q * s;
	if (r !== 0n) {
		if (mode === 'floor' && v < 0n) q -= 1n;
		else if (mode === 'ceil' && v > 0n) q += 1n;
		else if (mode === 'nearest') {
			const twice = 2n * (r < 0n ? -r : r);
			if (twice >= s) q += v < 0n ? -1n : 1n;
		}
	}
	return format({ units: q * s, scale });
}

export function isMultipleOf(value: string, step: string): boolean {
	return compare(roundToStep(value, step, 'floor'), value) === 0;
}

export function isPositive(value: string): boolean {
	return parse(value).units > 0n;
}
