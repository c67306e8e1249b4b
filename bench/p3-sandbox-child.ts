/**
 * The sandbox in its own process for P3, so the feed and the trigger under
 * test do not share one event loop (on the 2-core machines here each gets a
 * core). Driven over IPC: { burst, perMessage, wantTimes } -> { done, ... }.
 */
import { startSandbox } from '../test/sandbox';

interface Command {
	burst?: number;
	perMessage?: number;
	wantTimes?: boolean;
	/** Events per second to pace the burst at (chunks every 10 ms); absent = as fast as possible. */
	rate?: number;
	close?: boolean;
}

async function main(): Promise<void> {
	const sandbox = await startSandbox({ port: 0, rateLimits: false });
	const send = (m: unknown) => process.send?.(m);
	process.on('message', (m: Command) => {
		void (async () => {
			if (m.close) {
				await sandbox.close();
				process.exit(0);
			}
			if (m.burst && m.rate) {
				const chunk = Math.max(1, Math.round(m.rate / 100));
				const t0 = performance.now();
				for (let sent = 0, tick = 1; sent < m.burst; tick++) {
					const n = Math.min(chunk, m.burst - sent);
					await sandbox.control.pushBurst(n, { topics: ['execution'] });
					sent += n;
					const wait = t0 + tick * 10 - performance.now();
					if (wait > 0) await new Promise((r) => setTimeout(r, wait));
				}
				send({ done: true, burstNo: 0, durationMs: performance.now() - t0 });
			} else if (m.burst) {
				const r = await sandbox.control.pushBurst(m.burst, { topics: ['execution'], perMessage: m.perMessage ?? 1 });
				send({ done: true, burstNo: r.burstNo, durationMs: r.durationMs, sentAt: m.wantTimes ? Array.from(r.sentAt) : undefined });
			}
		})();
	});
	send({ ready: true, restUrl: sandbox.restUrl, wsUrl: sandbox.wsUrl, key: sandbox.control.defaultKey });
}

void main();
