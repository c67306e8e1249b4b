/**
 * The fault injector of the REST fault suites: on every `every`-th request to each path, as it
 * arrives (the sandbox's onArrival hook), one fault is armed for that very request, its kind drawn
 * from `random`: the answer lost after the exchange acted (accept then reset), a reset before
 * processing, HTTP 503, or 10006. Arming on arrival makes the number of faults a function of the
 * number of requests, not of how busy the machine is. Returns the counts by kind, updated live.
 */
import type { SandboxControl } from '../sandbox/control';

export type RestFaultCounts = { acceptThenDrop: number; reset: number; http503: number; rateLimited: number };

export function injectRestFaults(control: SandboxControl, paths: readonly string[], every: number, random: () => number): RestFaultCounts {
	const injected: RestFaultCounts = { acceptThenDrop: 0, reset: 0, http503: 0, rateLimited: 0 };
	const seen = new Map<string, number>();
	control.onArrival((via, path) => {
		if (via !== 'rest' || !paths.includes(path)) return;
		const n = (seen.get(path) ?? 0) + 1;
		seen.set(path, n);
		if (n % every !== 0) return;
		const roll = random();
		if (roll < 0.4) {
			control.acceptThenDrop(1, path);
			injected.acceptThenDrop++;
		} else if (roll < 0.6) {
			control.dropNext(1, path);
			injected.reset++;
		} else if (roll < 0.85) {
			control.failNext(1, 503, path);
			injected.http503++;
		} else {
			control.forceRateLimit(1);
			injected.rateLimited++;
		}
	});
	return injected;
}
