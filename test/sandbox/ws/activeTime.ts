/**
 * `max_active_time` on /v5/private and /v5/trade (docs: ws/connect, "Customise
 * Private Connection Alive Time"): `30s`..`600s`, or minutes `1m`..`10m`. The
 * connection is cut once nothing went either way (no ping-pong, no data) for
 * that long. Bybit's ticker scans every 30 s, so its cut is late by up to
 * 30 s; the sandbox cuts on time (tests scale the clock with `msPerSecond`).
 */
import type { Conn } from './hub';

/** Seconds, undefined when absent, or 'invalid'. */
export function parseMaxActiveTime(url: string): number | undefined | 'invalid' {
	const q = url.indexOf('?');
	if (q < 0) return undefined;
	const raw = new URLSearchParams(url.slice(q + 1)).get('max_active_time');
	if (raw === null) return undefined;
	const m = /^(\d{1,4})(s|m)$/.exec(raw);
	if (!m) return 'invalid';
	const seconds = Number(m[1]) * (m[2] === 'm' ? 60 : 1);
	return seconds >= 30 && seconds <= 600 ? seconds : 'invalid';
}

/** Terminate `conn` after `seconds` (times `msPerSecond`) without a frame either way. */
export function watchActiveTime(conn: Conn, seconds: number, msPerSecond: number, onExpire: () => void): void {
	const limit = seconds * msPerSecond;
	let timer: NodeJS.Timeout | undefined;
	const arm = (ms: number) => {
		timer = setTimeout(check, ms);
		timer.unref();
	};
	const check = () => {
		const idle = Date.now() - (conn.lastActive ?? 0);
		if (idle >= limit) onExpire();
		else arm(limit - idle);
	};
	conn.lastActive = Date.now();
	arm(limit);
	conn.stopActiveTime = () => clearTimeout(timer);
}
