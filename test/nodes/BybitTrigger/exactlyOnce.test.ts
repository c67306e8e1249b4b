/**
 * Issue #5's bar (10,000 private events, 20 forced drops) raised to the
 * fault suite's (#8): 100 forced drops within a 10,000-event private stream,
 * every event delivered exactly once, live or through catch-up. Half of each
 * round's events are pushed while the trigger is disconnected. Prints its figures.
 */
import { startTrigger, triggerCredentials } from '../../harness/trigger';
import { startSandbox } from '../../sandbox';

jest.setTimeout(300_000);

const DROPS = 100;
const PER_ROUND = 10_000 / DROPS;

it(`delivers 10,000 executions exactly once across ${DROPS} forced drops`, async () => {
	const sandbox = await startSandbox({ port: 0, rateLimits: false });
	const { secret } = sandbox.control.defaultKey;
	const run = await startTrigger(
		{ source: 'account', events: ['execution'], options: { catchUp: true } },
		triggerCredentials(sandbox),
	);
	const started = Date.now();
	try {
		const unique = () => new Set(run.items().map((i) => i.execId)).size;
		for (let round = 0; round < DROPS; round++) {
			const closes = sandbox.control.closeCodes().length;
			sandbox.control.dropAllSockets();
			const dropped = Date.now() + 5000;
			while (sandbox.control.closeCodes().length === closes && Date.now() < dropped) await new Promise((r) => setTimeout(r, 5));
			await sandbox.control.pushBurst(PER_ROUND / 2, { topics: ['execution'] }); // while the trigger is disconnected
			// reconnected, resubscribed and caught up: everything so far has arrived
			await run.waitFor(() => unique() >= round * PER_ROUND + PER_ROUND / 2, 20_000);
			await sandbox.control.pushBurst(PER_ROUND / 2, { topics: ['execution'] }); // live
			await run.waitFor(() => unique() >= round * PER_ROUND + PER_ROUND, 20_000);
		}
		await new Promise((r) => setTimeout(r, 500));
		const items = run.items();
		const uniqueIds = new Set(items.map((i) => i.execId));
		const viaCatchUp = items.filter((i) => i.source === 'catchUp').length;
		process.stdout.write(
			`exactly-once: ${items.length} emitted, ${uniqueIds.size} unique, ${items.length - uniqueIds.size} duplicates, ${viaCatchUp} via catch-up, ${DROPS} drops, ${((Date.now() - started) / 1000).toFixed(1)} s\n`,
		);
		expect(uniqueIds.size).toBe(10_000);
		expect(items.length).toBe(10_000);
		expect(viaCatchUp).toBeGreaterThan(0);
		expect(run.errors).toEqual([]);
		expect(JSON.stringify(items)).not.toContain(secret);
	} finally {
		await run.response.closeFunction?.();
		await sandbox.close();
	}
});
