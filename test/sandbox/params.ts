/** Reading request parameters the way Bybit validates them (10001 with the parameter named). */
import { CATEGORIES, paramError, type Category } from './types';
import { parseDecimal, parseIntParam } from './util/num';

export type Params = Record<string, unknown>;

export function missing(name: string): Error {
	return paramError(`Missing some parameters that must be filled in, ${name}`);
}

export function invalid(name: string): Error {
	return paramError(`params error: ${name} invalid`);
}

/** A string parameter (numbers from JSON bodies are accepted as their text). */
export function str(p: Params, name: string): string | undefined {
	const v = p[name];
	if (v === undefined || v === null || v === '') return undefined;
	if (typeof v === 'string') return v;
	if (typeof v === 'number' || typeof v === 'boolean') return String(v);
	throw invalid(name);
}

export function reqStr(p: Params, name: string): string {
	const v = str(p, name);
	if (v === undefined) throw missing(name);
	return v;
}

/** The category, restricted to what the endpoint supports ("Illegal category" like Bybit). */
export function category(p: Params, allowed: readonly Category[] = CATEGORIES, fallback?: Category): Category {
	const v = p.category;
	if ((v === undefined || v === '') && fallback) return fallback;
	if (typeof v !== 'string' || !(allowed as readonly string[]).includes(v)) throw paramError('Illegal category');
	return v as Category;
}

/** A decimal parameter; undefined when absent. */
export function dec(p: Params, name: string): number | undefined {
	const v = p[name];
	if (v === undefined || v === null || v === '') return undefined;
	const n = parseDecimal(v);
	if (Number.isNaN(n)) throw invalid(name);
	return n;
}

export function int(p: Params, name: string): number | undefined {
	const v = p[name];
	if (v === undefined || v === null || v === '') return undefined;
	const n = parseIntParam(v);
	if (Number.isNaN(n)) throw invalid(name);
	return n;
}

export function bool(p: Params, name: string): boolean | undefined {
	const v = p[name];
	if (v === undefined || v === null || v === '') return undefined;
	if (v === true || v === 'true' || v === 1 || v === '1') return true;
	if (v === false || v === 'false' || v === 0 || v === '0') return false;
	throw invalid(name);
}

export function oneOf<T extends string>(p: Params, name: string, values: readonly T[], fallback?: T): T | undefined {
	const v = str(p, name);
	if (v === undefined) return fallback;
	if (!(values as readonly string[]).includes(v)) throw invalid(name);
	return v as T;
}

/** `limit` in [1, max], default `def`. */
export function limit(p: Params, def: number, max: number): number {
	const n = int(p, 'limit');
	if (n === undefined) return def;
	if (n < 1 || n > max) throw invalid('limit');
	return n;
}

/** Bybit's 7-day window rules for startTime/endTime (ms). */
export function window(p: Params, now: number, maxDays = 7, defaultDays = 7): { start: number; end: number } {
	const s = int(p, 'startTime');
	const e = int(p, 'endTime');
	const day = 86_400_000;
	if (s !== undefined && e !== undefined) {
		if (e < s) throw paramError('params error: endTime must be greater than startTime');
		if (e - s > maxDays * day) throw paramError(`The time range between startTime and endTime cannot exceed ${maxDays} days`);
		return { start: s, end: e };
	}
	if (s !== undefined) return { start: s, end: s + defaultDays * day };
	if (e !== undefined) return { start: e - defaultDays * day, end: e };
	return { start: now - defaultDays * day, end: Number.MAX_SAFE_INTEGER };
}
