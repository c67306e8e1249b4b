/**
 * Per-host clock offsets (server time minus local time, ms), shared by every
 * request in this process. The transport measures it from /v5/market/time after
 * a 10002 answer; the credential adds it to the timestamp it signs.
 */
const offsets = new Map<string, number>();

export function clockOffset(baseUrl: string): number {
	return offsets.get(baseUrl) ?? 0;
}

export function setClockOffset(baseUrl: string, offsetMs: number): void {
	offsets.set(baseUrl, Math.round(offsetMs));
}

export function bybitTimestamp(origin: string): number {
	return Date.now() + clockOffset(origin);
}
