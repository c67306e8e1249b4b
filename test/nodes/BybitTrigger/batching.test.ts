/**
 * The account trigger handles the messages of one socket read as a batch:
 * one emit (one workflow execution) per read, with every new event of it
 * once, in the order Bybit sent them; what is saved with that emit covers
 * all of them. Real sockets against the sandbox, which pushes a burst one
 * event per message as fast as the socket takes it.
 */
import { N8nStaticData, startTrigger, triggerCredentials, useTriggerSandbox } from '../../harness/trigger';
import type { Sandbox } from '../../sandbox';

let sandbox: Sandbox;
useTriggerSandbox((s) => (sandbox = s));

const EVENTS = 5_000;

describe('Bybit Trigger: messages of one socket read are emitted together', () => {
	it('a burst of one-event messages arrives in far fewer emits, each event once and in order, every emit saved with its events', async () => {
		const n8n = new N8nStaticData();
		const run = await startTrigger({ source: 'account', events: ['execution'], options: { catchUp: true } }, triggerCredentials(sandbox), { n8n });
		// what the database holds at each emit must already cover the events of that emit
		const emit = run.ctx.emit.bind(run.ctx);
		const uncovered: string[] = [];
		run.ctx.emit = (data) => {
			emit(data);
			const keys = (n8n.saved().executions as { keys?: Record<string, number>; floor?: number } | undefined) ?? {};
			for (const d of data[0]) {
				const key = `x:${String(d.json.execId)}`;
				if (!(key in (keys.keys ?? {})) && Number(d.json.execTime) >= Number(keys.floor ?? Infinity)) uncovered.push(key);
			}
		};
		const { burstNo } = await sandbox.control.pushBurst(EVENTS, { topics: ['execution'] });
		await run.waitFor((items) => items.length >= EVENTS, 30_000);
		await new Promise((r) => setTimeout(r, 200));

		const links = run.items().map((i) => String(i.orderLinkId));
		expect(links).toEqual(Array.from({ length: EVENTS }, (_, i) => `burst-${burstNo}-${i}`));
		expect(run.emitted.length).toBeLessThan(EVENTS / 4);
		expect(Math.max(...run.emitted.map((e) => e.length))).toBeGreaterThan(1);
		expect(uncovered).toEqual([]);
		expect(run.errors).toEqual([]);
	});

	it('Raw Messages: the messages of one read are the items of one emit, each message once', async () => {
		const run = await startTrigger({ source: 'account', events: ['execution'], options: { catchUp: false, rawOutput: true } }, triggerCredentials(sandbox));
		await sandbox.control.pushBurst(EVENTS, { topics: ['execution'], perMessage: 2 });
		await run.waitFor((items) => items.length >= EVENTS / 2, 30_000);
		await new Promise((r) => setTimeout(r, 200));

		const ids = run.items().map((m) => String(m.id));
		expect(ids.length).toBe(EVENTS / 2);
		expect(new Set(ids).size).toBe(EVENTS / 2);
		expect(run.items().every((m) => m.topic === 'execution' && Array.isArray(m.data) && (m.data as unknown[]).length === 2)).toBe(true);
		expect(run.emitted.length).toBeLessThan(EVENTS / 2 / 4);
	});
});
