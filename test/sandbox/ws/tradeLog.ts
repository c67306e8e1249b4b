/** The trade stream's fault queue, frame record and counters (read by tests through the control API). */

export type TradeFaultKind = 'dropBeforeAccept' | 'dropAfterAccept' | 'delay' | 'rateLimit';

export interface TradeFault {
	kind: TradeFaultKind;
	remaining: number;
	/** Applies to order ops whose name starts with this ('' = every order op; 'order.create' also matches order.create-batch). */
	op: string;
	ms: number;
}

/** One frame received on /v5/trade, as sent (raw text), and what became of it. */
export interface TradeFrame {
	connId: string;
	/** The connection's authenticated key ('' before auth). */
	apiKey: string;
	raw: string;
	/** `op` as sent ('' when absent or not a string). */
	op: string;
	/** `reqId` as sent (undefined when absent). */
	reqId?: unknown;
	/** retCode answered (-1 when nothing was answered). */
	retCode: number;
	/** The op reached the matching engine (the REST route's handler ran). */
	executed: boolean;
	/** answered; dropped (socket destroyed by a fault, before or after executing); pending (delayed answer); none (no answer, e.g. a pong). */
	status: 'answered' | 'dropped' | 'pending' | 'none';
	/** Server time (ms, with clock skew) at receipt. */
	time: number;
}

export interface TradeCount {
	received: number;
	executed: number;
	/** Executed with retCode 0. */
	ok: number;
}

export interface TradeStats extends TradeCount {
	answered: number;
	droppedBeforeAccept: number;
	droppedAfterAccept: number;
	delayed: number;
	rateLimitedByFault: number;
	/** Per API key ('' = not authenticated). */
	byKey: Record<string, TradeCount>;
	byOp: Record<string, TradeCount>;
}

const zero = (): TradeCount => ({ received: 0, executed: 0, ok: 0 });

export class TradeLog {
	readonly frames: TradeFrame[] = [];
	stats: TradeStats = TradeLog.empty();
	private faults: TradeFault[] = [];
	/** Called with each order op as it arrives, before its fault is taken (see SandboxControl.onArrival). */
	onArrival?: (op: string) => void;

	private static empty(): TradeStats {
		return { ...zero(), answered: 0, droppedBeforeAccept: 0, droppedAfterAccept: 0, delayed: 0, rateLimitedByFault: 0, byKey: {}, byOp: {} };
	}

	clear(): void {
		this.frames.length = 0;
		this.stats = TradeLog.empty();
	}

	addFault(kind: TradeFaultKind, n: number, op = '', ms = 0): void {
		if (!(n > 0)) return;
		this.faults.push({ kind, remaining: Math.floor(n), op, ms });
	}

	clearFaults(): void {
		this.faults = [];
	}

	pendingFaults(): TradeFault[] {
		return this.faults.map((f) => ({ ...f }));
	}

	/** The fault for this order op, if any (consumes one unit). */
	takeFault(op: string): TradeFault | undefined {
		this.onArrival?.(op);
		const i = this.faults.findIndex((f) => op.startsWith(f.op));
		if (i < 0) return undefined;
		const f = this.faults[i];
		if (--f.remaining <= 0) this.faults.splice(i, 1);
		return f;
	}

	/** Count an order op (received, executed or ok) for its key and op. */
	count(field: keyof TradeCount, apiKey: string, op: string): void {
		this.stats[field]++;
		(this.stats.byKey[apiKey] ??= zero())[field]++;
		(this.stats.byOp[op] ??= zero())[field]++;
	}
}
