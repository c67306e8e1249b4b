/**
 * Connection attempts paced per WebSocket host, for the whole n8n process.
 * Bybit allows 500 new connections per 5 minutes per host and IP and asks
 * clients not to connect and disconnect often. However many streams a
 * process holds and however they drop (a maintenance drop of every socket),
 * attempts here stay within 400 per 5 minutes and 10 per second per host:
 * an attempt beyond either waits its turn. Each stream's own backoff with
 * jitter (stream.ts) comes on top.
 */
import { sleep } from 'n8n-workflow';

export const PACE = { windowMs: 300_000, perWindow: 400, perSecond: 10 };

const attempts = new Map<string, number[]>();

function hostOf(url: string): string {
	const m = /^wss?:\/\/[^/]+/i.exec(url);
	return m ? m[0].toLowerCase() : url;
}

/** Waits until an attempt to `url` fits both windows, then counts it. */
export async function paceConnect(url: string, stillWanted: () => boolean = () => true): Promise<void> {
	const host = hostOf(url);
	let log = attempts.get(host);
	if (!log) attempts.set(host, (log = []));
	for (;;) {
		const now = Date.now();
		while (log.length && log[0] <= now - PACE.windowMs) log.shift();
		const inSecond = log.filter((t) => t > now - 1000).length;
		if (log.length < PACE.perWindow && inSecond < PACE.perSecond) break;
		if (!stillWanted()) return;
		const until = log.length >= PACE.perWindow ? log[0] + PACE.windowMs : log[log.length - PACE.perSecond] + 1000;
		await sleep(Math.max(1, Math.min(100, until - now)));
	}
	log.push(Date.now());
}

/** Attempts counted for the host of `url` within the last `ms` (tests and benchmarks). */
export function connectAttempts(url: string, ms = PACE.windowMs): number {
	const since = Date.now() - ms;
	return (attempts.get(hostOf(url)) ?? []).filter((t) => t > since).length;
}
