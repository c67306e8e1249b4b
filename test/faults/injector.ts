/**
 * The REST fault suites' injector. `armRestFault` arms one fault on a path, its kind by where a
 * random roll falls: the answer lost after the exchange acted (accept then reset), a reset before
 * processing, HTTP 503, or 10006. `injectRestFaults` arms one on every `every`-th request to each
 * path as it arrives (the sandbox's onArrival hook), for that very request: the number of faults is
 * a function of the number of requests, not of how busy the machine is.
 */
import type { SandboxControl } from '../sandbox/control';

export type RestFault = 'acceptThenDrop' | 'reset' | 'http503' | 'rateLimited';
export type RestFaultCounts = Record<RestFault, number>;

/** Arms one fault on `path`: acceptThenDrop below cuts[0], reset below cuts[1], http503 below cuts[2], else rateLimited. Returns its kind. */
export function armRestFault(control: SandboxControl, path: string, roll: number, cuts: readonly [number, number, number] = [0.4, 0.6, 0.85]): RestFault {
	const kinds: Array<[RestFault, () => void]> = [
		['acceptThenDrop', () => control.acceptThenDrop(1, path)],
		['reset', () => control.dropNext(1, path)],
		['http503', () => control.failNext(1, 503, path)],
		['rateLimited', () => control.forceRateLimit(1)],
	];
	const at = cuts.findIndex((cut) => roll < cut);
	const [kind, inject] = kinds[at < 0 ? kinds.length - 1 : at];
	inject();
	return kind;
}

export function injectRestFaults(control: SandboxControl, paths: readonly string[], every: number, random: () => number): RestFaultCounts {
	const injected: RestFaultCounts = { acceptThenDrop: 0, reset: 0, http503: 0, rateLimited: 0 };
	const seen = new Map<string, number>();
	control.onArrival((via, path) => {
		if (via !== 'rest' || !paths.includes(path)) return;
		const n = (seen.get(path) ?? 0) + 1;
		seen.set(path, n);
		if (n % every === 0) injected[armRestFault(control, path, random())]++;
	});
	return injected;
}
