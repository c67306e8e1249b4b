/**
 * Issue #21, observations 1 and 2, on the sandbox's real sockets and REST:
 * - a book sweep (more than 100 fills sharing one millisecond, in two
 *   messages) loses no fill across an n8n restart or a dropped socket between
 *   its messages;
 * - a live fill that arrives while the catch-up after a restart is in flight
 *   does not make the catch-up drop the fills missed while n8n was down.
 * Both failed before the ledger kept every key of the newest millisecond and
 * held its floor during catch-up (101 of 150; 1 of 4).
 */
import type { IDataObject } from 'n8n-workflow';

import { N8nStaticData, startTrigger, triggerCredentials, useTriggerSandbox } from '../../harness/trigger';
import type { Sandbox } from '../../sandbox';

jest.setTimeout(60_000);

let sandbox: Sandbox;
useTriggerSandbox((s) => (sandbox = s));

const PARAMS = { source: 'account', events: ['execution'], options: { catchUp: true } };
const execIds = (items: IDataObject[]) => items.map((i) => String(i.execId));
const settle = (ms = 400) => new Promise((r) => setTimeout(r, ms));

describe('Bybit Trigger: a book sweep (150 fills in one millisecond)', () => {
	it('an n8n restart between the sweep\'s two messages emits all 150 once', async () => {
		const db = new N8nStaticData();
		const T = Date.now() + 50;
		const a = await startTrigger(PARAMS, triggerCredentials(sandbox), { n8n: db, workflowId: 'wf-sweep-1' });
		await sandbox.control.pushBurst(101, { topics: ['execution'], perMessage: 101, time: T });
		await a.waitFor((items) => items.length >= 101);
		await a.response.closeFunction!(); // n8n stops; never saves on close
		await sandbox.control.pushBurst(49, { topics: ['execution'], perMessage: 49, time: T }); // the sweep's second message, while down
		const b = await startTrigger(PARAMS, triggerCredentials(sandbox), { n8n: db, workflowId: 'wf-sweep-2' });
		await b.waitFor((items) => items.length >= 49);
		await settle();
		const all = [...execIds(a.items()), ...execIds(b.items())];
		expect(a.items()).toHaveLength(101);
		expect(b.items()).toHaveLength(49);
		expect(new Set(all).size).toBe(150);
		expect(all.length).toBe(150);
	});

	it('a dropped socket between the sweep\'s two messages: catch-up asks from the sweep\'s millisecond and emits the 49 missed', async () => {
		const T = Date.now() + 50;
		const run = await startTrigger(PARAMS, triggerCredentials(sandbox), { workflowId: 'wf-sweep-drop' });
		await sandbox.control.pushBurst(101, { topics: ['execution'], perMessage: 101, time: T });
		await run.waitFor((items) => items.length >= 101);
		sandbox.control.dropAllSockets();
		await sandbox.control.pushBurst(49, { topics: ['execution'], perMessage: 49, time: T });
		await run.waitFor((items) => items.length >= 150, 20_000);
		await settle();
		const ids = execIds(run.items());
		expect(ids.length).toBe(150);
		expect(new Set(ids).size).toBe(150);
		expect(run.items().filter((i) => i.source === 'catchUp')).toHaveLength(49);
		const asked = sandbox.control.requests().filter((r) => r.path === '/v5/execution/list');
		expect(asked.length).toBeGreaterThan(0);
		for (const r of asked) expect(Number(new URLSearchParams(r.query).get('startTime'))).toBeLessThanOrEqual(T);
	});
});

describe('Bybit Trigger: a live fill while the catch-up after a restart is in flight', () => {
	it('emits the 3 fills missed while down and the live one, each once', async () => {
		const db = new N8nStaticData();
		const a = await startTrigger(PARAMS, triggerCredentials(sandbox), { n8n: db, workflowId: 'wf-race-1' });
		await sandbox.control.pushBurst(1, { topics: ['execution'] });
		await a.waitFor((items) => items.length >= 1);
		await a.response.closeFunction!();
		const down = Date.now() + 10;
		await sandbox.control.pushBurst(3, { topics: ['execution'], time: down }); // while n8n is down
		// n8n is back 6 s later; its catch-up answer takes 1.5 s, and a fill arrives live meanwhile
		sandbox.control.delayNext(1, 1500, '/v5/execution/list');
		const starting = startTrigger(PARAMS, triggerCredentials(sandbox), { n8n: db, workflowId: 'wf-race-2' });
		// subscribed, and the catch-up's request sent (its answer takes 1.5 s): the live fill arrives before that answer
		while (sandbox.control.subscribers('execution') === 0) await new Promise((r) => setTimeout(r, 5));
		await settle(300);
		await sandbox.control.pushBurst(1, { topics: ['execution'], time: down + 6000 });
		const b = await starting;
		await b.waitFor((items) => items.length >= 4, 10_000);
		await settle();
		const ids = execIds(b.items());
		expect(ids.length).toBe(4);
		expect(new Set(ids).size).toBe(4);
		expect(b.items().filter((i) => i.source === 'catchUp')).toHaveLength(3);
		expect(b.items().filter((i) => i.source === 'stream')).toHaveLength(1);
	});
});
