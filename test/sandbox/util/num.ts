/**
 * Decimal helpers. Prices and quantities arrive as decimal strings; checks
 * against tick/step use exact scaled integers, arithmetic uses doubles and is
 * rounded when rendered (Bybit renders numbers as strings).
 */

const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)$/;

/** Parse a strict decimal string (or a finite number). NaN when invalid. */
export function parseDecimal(value: unknown): number {
	if (typeof value === 'number') return Number.isFinite(value) ? value : NaN;
	if (typeof value !== 'string' || !DECIMAL.test(value)) return NaN;
	return Number(value);
}

/** Number of decimals a step like "0.010" really has ("0.01" -> 2). */
export function stepDecimals(step: string): number {
	const dot = step.indexOf('.');
	if (dot < 0) return 0;
	const frac = step.slice(dot + 1).replace(/0+$/, '');
	return frac.length;
}

/** Number of decimals written in a string ("0.10" -> 2). */
export function writtenDecimals(value: string): number {
	const dot = value.indexOf('.');
	return dot < 0 ? 0 : value.length - dot - 1;
}

function scaled(value: string, decimals: number): bigint | null {
	const neg = value.startsWith('-');
	const v = value.replace(/^[+-]/, '');
	const [int = '0', frac = ''] = v.split('.');
	const f = frac.replace(/0+$/, '');
	if (f.length > decimals) return null;
	const digits = (int || '0') + f.padEnd(decimals, '0');
	const n = BigInt(digits);
	return neg ? -n : n;
}

/** Whether `value` (decimal string) is an exact multiple of `step`. */
export function isOnStep(value: string | number, step: string): boolean {
	const str = typeof value === 'number' ? toPlain(value) : value;
	const d = Math.max(stepDecimals(step), 0);
	const v = scaled(str, d);
	const s = scaled(step, d);
	if (v === null || s === null || s === 0n) return false;
	return v % s === 0n;
}

/** A number as a plain decimal string (no exponent), at most 12 decimals, trailing zeros trimmed. */
export function toPlain(n: number): string {
	if (!Number.isFinite(n)) return '0';
	return trim(n.toFixed(12));
}

/** Fixed decimals ("-0.00" becomes "0.00"). */
export function fixed(n: number, decimals: number): string {
	const s = n.toFixed(decimals);
	return /^-0(\.0*)?$/.test(s) ? s.slice(1) : s;
}

/** Up to `decimals` decimals, trailing zeros trimmed ("0.00055000" -> "0.00055", "100.000" -> "100"). */
export function trimmed(n: number, decimals = 8): string {
	return trim(fixed(n, decimals));
}

function trim(s: string): string {
	if (s.indexOf('.') < 0) return s;
	const t = s.replace(/0+$/, '').replace(/\.$/, '');
	return t === '-0' ? '0' : t;
}

/** Round to a step (mode: nearest, down = toward zero, up = away from zero). */
export function roundToStep(n: number, step: number, mode: 'nearest' | 'down' | 'up' = 'nearest'): number {
	const q = n / step;
	const eps = 1e-9;
	const r = mode === 'down' ? Math.floor(q + eps) : mode === 'up' ? Math.ceil(q - eps) : Math.round(q);
	const decimals = Math.max(0, Math.ceil(-Math.log10(step)) + 2);
	return Number((r * step).toFixed(decimals));
}

/** Integer parameter from a string/number; NaN when not an integer. */
export function parseIntParam(value: unknown): number {
	if (typeof value === 'number') return Number.isInteger(value) ? value : NaN;
	if (typeof value !== 'string' || !/^-?\d+$/.test(value)) return NaN;
	return Number(value);
}
