/**
 * When did Bybit count a request? Somewhere between our send and our answer; the rate limiter dates
 * each slot from that moment. The answer time is always safe but late by the whole return trip and
 * by however long a busy process took to read the answer (hundreds of ms on a loaded queue-mode
 * worker), and each late date holds the slot that much longer.
 *
 * Bybit stamps every answer with its own time (`time`, ms), taken after the request arrived. With
 * the offset o = server clock - local clock, arrival <= time - o (local). o is not known, but every
 * answer bounds it: o >= time - answered (the stamp came before the answer) and o <= time - sent.
 * L, the largest lower bound seen on an origin, is <= o, so `time - L` is never before the arrival
 * and never after the answer. A sample that contradicts L (its upper bound is below L: the server's
 * clock stepped back, or one answer carried a wrong stamp) starts L again from that sample.
 * Whatever the stamps say, the date stays within [sent, answered]: a server lying about its time
 * can at worst make the date the send time, which costs a 10006 (refused before Bybit acts, and
 * retried), never a duplicate.
 */
const lowerBounds = new Map<string, number>();

/** The local time to date a request's rate-limit slot from (see above). */
export function arrivalDate(origin: string, sent: number, answered: number, serverTime: unknown): number {
	const stamp = typeof serverTime === 'number' ? serverTime : typeof serverTime === 'string' && /^\d{10,16}$/.test(serverTime) ? Number(serverTime) : Number.NaN;
	if (!Number.isSafeInteger(stamp) || stamp <= 0 || answered < sent) return answered;
	const lo = stamp - answered;
	const hi = stamp - sent;
	const known = lowerBounds.get(origin);
	const bound = known === undefined || hi < known ? lo : Math.max(known, lo);
	lowerBounds.set(origin, bound);
	return Math.max(sent, Math.min(answered, stamp - bound));
}

/** For tests: forget what answers said about the clocks. */
export function resetArrivalBounds(): void {
	lowerBounds.clear();
}
