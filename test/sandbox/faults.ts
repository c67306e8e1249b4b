/** Fault injection on the next N REST requests (optionally only those whose path starts with a prefix). */

export type FaultKind = 'delay' | 'fail' | 'drop' | 'acceptThenDrop';

export interface Fault {
	kind: FaultKind;
	remaining: number;
	prefix: string;
	ms: number;
	status: number;
}

/** Faults apply in the order they were registered: each entry covers its N matching requests. */
export class Faults {
	private queue: Fault[] = [];
	/** Called with each request's path as it arrives, before its fault is taken (see SandboxControl.onArrival). */
	onArrival?: (path: string) => void;

	add(kind: FaultKind, n: number, opts: { prefix?: string; ms?: number; status?: number } = {}): void {
		if (!(n > 0)) return;
		this.queue.push({ kind, remaining: Math.floor(n), prefix: opts.prefix ?? '', ms: opts.ms ?? 0, status: opts.status ?? 500 });
	}

	clear(): void {
		this.queue = [];
	}

	/** The fault for this request, if any (consumes one unit). */
	take(path: string): Fault | undefined {
		this.onArrival?.(path);
		if (this.queue.length === 0) return undefined;
		for (let i = 0; i < this.queue.length; i++) {
			const f = this.queue[i];
			if (!path.startsWith(f.prefix)) continue;
			f.remaining -= 1;
			if (f.remaining <= 0) this.queue.splice(i, 1);
			return f;
		}
		return undefined;
	}

	pending(): Array<Omit<Fault, never>> {
		return this.queue.map((f) => ({ ...f }));
	}
}
