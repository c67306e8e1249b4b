/**
 * P4 reconnect: the sandbox drops every socket while one event is pushed
 * every 10 ms. Measured per drop: time from the drop to the first event
 * delivered live again (authenticated and resubscribed; 10 ms resolution),
 * and the share of the events pushed during the outage that catch-up
 * delivered. 20 drops; prints the median and worst time.
 */
import { startTrigger, triggerCredentials } from '../test/harness/trigger';
import { startSandbox } from '../test/sandbox';
import { median, type Figure } from './stats';

const DROPS = 20;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function run(): Promise<Figure[]> {
	const sandbox = await startSandbox({ port: 0, rateLimits: false });
	const trigger = await startTrigger(
		{ source: 'account', events: ['execution'], options: { catchUp: true } },
		triggerCredentials(sandbox),
	);
	const times: number[] = [];
	let missed = 0;
	let recovered = 0;
	try {
		const byLink = () => new Map(trigger.items().map((i) => [String(i.orderLinkId), String(i.source)]));
		for (let round = 0; round < DROPS; round++) {
			const closes = sandbox.control.closeCodes().length;
			const dropAt = Date.now();
			sandbox.control.dropAllSockets();
			while (sandbox.control.closeCodes().length === closes) await sleep(1);
			const pushed: Array<{ link: string; at: number }> = [];
			let liveAt = 0;
			while (!liveAt) {
				if (Date.now() - dropAt > 30_000) throw new Error('P4: no live event 30 s after a drop');
				const b = await sandbox.control.pushBurst(1, { topics: ['execution'] });
				pushed.push({ link: `${b.linkIdPrefix}0`, at: Date.now() });
				await sleep(10);
				const seen = byLink();
				const live = pushed.find((p) => seen.get(p.link) === 'stream');
				if (live) liveAt = live.at;
			}
			times.push(liveAt - dropAt);
			const outage = pushed.filter((p) => p.at < liveAt);
			await trigger.waitFor(() => outage.every((p) => byLink().has(p.link)), 10_000).catch(() => undefined);
			const seen = byLink();
			missed += outage.length;
			recovered += outage.filter((p) => seen.get(p.link) === 'catchUp').length;
			await sleep(100);
		}
	} finally {
		await trigger.response.closeFunction?.();
		await sandbox.close();
	}
	const share = missed ? recovered / missed : 1;
	const worst = Math.max(...times);
	return [
		{ id: 'P4a', name: `forced drop -> resubscribed (median of ${DROPS})`, value: `${(median(times) / 1000).toFixed(2)} s`, target: '<= 1.5 s', met: median(times) <= 1500, note: `worst ${(worst / 1000).toFixed(2)} s (backoff 250-500 ms + connect + auth + subscribe)` },
		{ id: 'P4b', name: 'events pushed during the outage recovered by catch-up', value: `${(share * 100).toFixed(1)}%`, target: '100%', met: share === 1, note: `${recovered}/${missed} over ${DROPS} drops` },
	];
}
