/**
 * Issue #5's bar: 10,000 private events with 20 forced drops, every event
 * delivered exactly once (live or through catch-up). Prints its figures.
 */
import { sandboxCredentials } from '../../harness/execute';
import { startTrigger } from '../../harness/trigger';
import { startSandbox } from '../../sandbox';

jest.setTimeout(120_000);

it('delivers 10,000 executions exactly once across 20 forced drops', async () => {
	const sandbox = await startSandbox({ port: 0, rateLimits: false });
	const { apiKey, secret } = sandbox.control.defaultKey;
	const run = await startTrigger(
		{ source: 'account', events: ['execution'], options: { catchUp: true } },
		{ ...sandboxCredentials(sandbox.restUrl, apiKey, secret), wsBaseUrl: sandbox.wsUrl },
	);
	const started = Date.now();
	try {
		const unique = () => new Set(run.items().map((i) => i.execId)).size;
		for (let round = 0; round < 20; round++) {
			const closes = sandbox.control.closeCodes().length;
			sandbox.control.dropAllSockets();
			const dropped = Date.now() + 5000;
			while (sandbox.control.closeCodes().length === closes && Date.now() < dropped) await new Promise((r) => setTimeout(r, 5));
			await sandbox.control.pushBurst(250, { topics: ['execution'] }); // while the trigger is disconnected
			// reconnected, resubscribed and caught up: everything so far has arrived
			await run.waitFor(() => unique() >= round * 500 + 250, 20_000);
			await sandbox.control.pushBurst(250, { topics: ['execution'] }); // live
			await run.waitFor(() => unique() >= round * 500 + 500, 20_000);
		}
		await new Promise((r) => setTimeout(r, 500));
		const items = run.items();
		const uniqueIds = new Set(items.map((i) => i.execId));
		const viaCatchUp = items.filter((i) => i.source === 'catchUp').length;
		process.stdout.write(
			`exactly-once: ${items.length} emitted, ${uniqueIds.size} unique, ${items.length - uniqueIds.size} duplicates, ${viaCatchUp} via catch-up, 20 drops, ${((Date.now() - started) / 1000).toFixed(1)} s\n`,
		);
		expect(uniqueIds.size).toBe(10_000);
		expect(items.length).toBe(10_000);
		expect(viaCatchUp).toBeGreaterThan(0);
		expect(run.errors).toEqual([]);
	} finally {
		await run.response.closeFunction?.();
		await sandbox.close();
	}
});
