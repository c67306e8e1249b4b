/**
 * Waits for `fn` to give a value (not undefined, not false), trying every `everyMs`; fails after
 * `timeoutMs` naming `what` and the last error `fn` threw. A deadline that bounds a hang, never a
 * measure of speed: tests wait for the state they need, not for a guessed time.
 */
export async function waitFor<T>(what: string, fn: () => Promise<T | undefined> | T | undefined, timeoutMs = 30_000, everyMs = 500): Promise<T> {
	const t0 = Date.now();
	let last: unknown;
	for (;;) {
		try {
			const v = await fn();
			if (v !== undefined && v !== false) return v as T;
		} catch (e) {
			last = e;
		}
		if (Date.now() - t0 > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${(last as Error).message}` : ''}`);
		await new Promise((r) => setTimeout(r, everyMs));
	}
}
