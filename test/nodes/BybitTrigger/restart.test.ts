/**
 * Issue #13 (observations 4 and 5): every execution and order update is
 * emitted exactly once across n8n restarts and reactivations. Static data
 * goes through n8n-workflow's real Workflow/ObservableObject and a JSON
 * round trip, and only what n8n 2.41 would save is saved (at emits and
 * after activation, when `__dataChanged` is set; never on close).
 */
import type { IDataObject } from 'n8n-workflow';

import { N8nStaticData, placeOrder, startTrigger, triggerCredentials, useTriggerSandbox, type TriggerRun } from '../../harness/trigger';
import type { Sandbox } from '../../sandbox';

jest.setTimeout(60_000);

let sandbox: Sandbox;
useTriggerSandbox((s) => (sandbox = s));

const PARAMS = { source: 'account', events: ['order', 'execution'], options: { catchUp: true } };
/** The identity of an event, as a workflow would act on it. */
const keyOf = (i: IDataObject) => (i.execId ? `x:${i.execId}` : `o:${i.orderId}:${i.updatedTime}:${i.orderStatus}`);
const links = (items: IDataObject[]) => [...new Set(items.map((i) => String(i.orderLinkId)))].sort();
const settle = () => new Promise((r) => setTimeout(r, 400));

async function fills(prefix: string, n: number): Promise<string[]> {
	const ids: string[] = [];
	for (let i = 0; i < n; i++) {
		ids.push(`${prefix}-${i}`);
		await placeOrder(sandbox, { orderLinkId: `${prefix}-${i}` });
	}
	return ids;
}

/** Each fill is one order update (Filled) and one execution. */
const complete = (ids: string[]) => (items: IDataObject[]) => ids.every((id) => items.filter((i) => i.orderLinkId === id).length >= 2);

describe('Bybit Trigger: exactly once across restarts', () => {
	it('an n8n restart emits what happened while it was down once, and nothing from before (twice in a row)', async () => {
		const db = new N8nStaticData();
		const all: IDataObject[] = [];
		// "process" 1: a first activation
		const a = await startTrigger(PARAMS, triggerCredentials(sandbox), { n8n: db, workflowId: 'wf-restart-process-1' });
		const beforeA = await fills('a', 3);
		await a.waitFor(complete(beforeA));
		await settle();
		await a.response.closeFunction!();
		all.push(...a.items());
		expect(links(a.items())).toEqual(beforeA);

		const whileDown1 = await fills('down1', 2);
		// "process" 2: n8n starts again from what its database holds
		const b = await startTrigger(PARAMS, triggerCredentials(sandbox), { n8n: db, workflowId: 'wf-restart-process-2' });
		await b.waitFor(complete(whileDown1));
		const liveB = await fills('b', 2);
		await b.waitFor(complete(liveB));
		await settle();
		await b.response.closeFunction!();
		all.push(...b.items());
		expect(links(b.items())).toEqual([...whileDown1, ...liveB].sort());
		expect(b.items().filter((i) => i.source === 'catchUp').map((i) => i.orderLinkId).sort()).toEqual(
			whileDown1.flatMap((id) => [id, id]).sort(),
		);

		const whileDown2 = await fills('down2', 1);
		// "process" 3: restart after restart
		const c = await startTrigger(PARAMS, triggerCredentials(sandbox), { n8n: db, workflowId: 'wf-restart-process-3' });
		await c.waitFor(complete(whileDown2));
		await settle();
		await c.response.closeFunction!();
		all.push(...c.items());
		expect(links(c.items())).toEqual(whileDown2);

		const keys = all.map(keyOf);
		expect(keys.length).toBe(new Set(keys).size);
		// every fill of the test reached the workflow: 8 executions, 8 Filled updates
		expect(all.filter((i) => i.execId).length).toBe(8);
		expect(all.filter((i) => i.orderStatus === 'Filled').length).toBe(8);
		// what is persisted is small and bounded
		const saved = db.saved();
		expect(Object.keys(saved).sort()).toEqual(['executions', 'orders']);
		expect(Object.keys((saved.executions as IDataObject).keys as IDataObject).length).toBeLessThanOrEqual(100);
		expect(JSON.stringify(saved).length).toBeLessThan(20_000);
	});

	it('a restart before the first event catches up from the activation time, not before', async () => {
		await fills('before-activation', 1);
		// catch-up starts at the activation's millisecond, inclusive (an event in that millisecond may
		// follow the activation and must not be lost): let the clock move past the fill's time first
		await new Promise((r) => setTimeout(r, 5));
		const db = new N8nStaticData();
		const a = await startTrigger(PARAMS, triggerCredentials(sandbox), { n8n: db, workflowId: 'wf-early-1' });
		await a.response.closeFunction!();
		expect(a.items()).toEqual([]);
		const whileDown = await fills('down', 1);
		const b = await startTrigger(PARAMS, triggerCredentials(sandbox), { n8n: db, workflowId: 'wf-early-2' });
		await b.waitFor(complete(whileDown));
		await settle();
		expect(links(b.items())).toEqual(whileDown);
	});
});

describe('Bybit Trigger: reactivation in one process', () => {
	it('two instances of the same workflow and node emit each event once', async () => {
		const db = new N8nStaticData();
		const runs: TriggerRun[] = [];
		const old = await startTrigger(PARAMS, triggerCredentials(sandbox), { n8n: db, workflowId: 'wf-reactivate' });
		runs.push(old);
		const first = await fills('first', 1);
		await old.waitFor(complete(first));
		// n8n starts the new instance while the old one is still connected (emitError, or a reactivation)
		const fresh = await startTrigger(PARAMS, triggerCredentials(sandbox), { n8n: new N8nStaticData(JSON.parse(db.db) as IDataObject), workflowId: 'wf-reactivate' });
		runs.push(fresh);
		const overlap = await fills('overlap', 3);
		await fresh.waitFor(complete(overlap));
		await settle();
		await old.response.closeFunction!();
		const after = await fills('after', 1);
		await fresh.waitFor(complete(after));
		await settle();
		const all = runs.flatMap((r) => r.items());
		const keys = all.map(keyOf);
		expect(keys.length).toBe(new Set(keys).size);
		expect(links(all)).toEqual([...first, ...overlap, ...after].sort());
		expect(links(old.items())).toEqual(first);
		await fresh.response.closeFunction!();
	});

	it('a manual test run does not silence the active workflow', async () => {
		const active = await startTrigger(PARAMS, triggerCredentials(sandbox), { workflowId: 'wf-manual' });
		const manual = await startTrigger(PARAMS, triggerCredentials(sandbox), { workflowId: 'wf-manual', mode: 'manual' });
		const ids = await fills('m', 1);
		await active.waitFor(complete(ids));
		await manual.waitFor(complete(ids));
		await manual.response.closeFunction!();
	});
});
