/**
 * Numbers as Bybit wants them: the shortest exact decimal string, never
 * exponent notation, never binary noise such as 0.30000000000000004.
 */

/**
 * Rounds away binary noise (15 significant digits: 0.1 + 0.2 -> 0.3) and
 * expands JavaScript's shortest representation out of exponent form.
 */
export function toDecimal(value: number): string {
	if (!Number.isFinite(value)) throw new RangeError(`Not a finite number: ${value}`);
	const text = String(Number(value.toPrecision(15)));
	const match = /^(-?)(\d)(?:\.(\d+))?e([+-]\d+)$/.exec(text);
	if (!match) return text;
	const [, sign, lead, frac = '', expText] = match;
	const exp = Number(expText);
	const digits = lead + frac;
	if (exp < 0) return `${sign}0.${'0'.repeat(-exp - 1)}${digits}`.replace(/\.?0+$/, '') || '0';
	const point = 1 + exp;
	return point >= digits.length ? sign + digits + '0'.repeat(point - digits.length) : `${sign}${digits.slice(0, point)}.${digits.slice(point)}`;
}
