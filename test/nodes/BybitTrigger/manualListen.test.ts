/**
 * "Execute step" / "Listen for event" in the editor: n8n calls trigger() and only after it has
 * returned swaps `emit` for the function that ends the test run (n8n-core
 * TriggersAndPollers.runTriggerFunction, manual mode). An event Bybit pushes right after the
 * subscription is acknowledged, while trigger() is still returning, must reach the swapped emit.
 * Found by the browser suite (test/ui): a fill made as soon as the socket subscribed never showed.
 */
import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import { startTrigger, triggerCredentials, useTriggerSandbox } from '../../harness/trigger';
import type { Sandbox } from '../../sandbox';

let sandbox: Sandbox;
useTriggerSandbox((s) => (sandbox = s));

const filled = (orderLinkId: string): IDataObject => ({
	category: 'linear', symbol: 'BTCUSDT', orderId: `id-${orderLinkId}`, orderLinkId, side: 'Buy', orderType: 'Market', orderStatus: 'Filled',
	qty: '0.01', cumExecQty: '0.01', avgPrice: '64000', price: '64000', createdTime: String(Date.now()), updatedTime: String(Date.now()),
});

describe('Bybit Trigger in manual mode (the editor listening for one event)', () => {
	it.each(['order', 'execution'])('an %s event pushed the moment the subscription is acknowledged reaches the emit n8n swaps in after trigger() returns', async (topic) => {
		// pushed as soon as the sandbox has the subscription: before trigger() has returned to n8n
		const early = (async () => {
			while (sandbox.control.subscribers(topic) === 0) await new Promise((r) => setImmediate(r));
			return sandbox.control.emitPrivate(topic, [{ ...filled(`early-${topic}`), execId: `e-${topic}`, execQty: '0.01', execPrice: '64000', execTime: String(Date.now()) }]);
		})();
		const run = await startTrigger({ source: 'account', events: [topic] }, triggerCredentials(sandbox), { mode: 'manual' });
		const manual: IDataObject[] = [];
		run.ctx.emit = (data: INodeExecutionData[][]) => manual.push(...data[0].map((d) => d.json)); // what n8n does once trigger() has returned
		expect(await early).toBe(1);
		const end = Date.now() + 20_000;
		while (!manual.length && Date.now() < end) await new Promise((r) => setTimeout(r, 10));
		expect(run.items()).toEqual([]); // nothing went to the emit n8n replaces
		expect(manual.map((i) => i.orderLinkId)).toEqual([`early-${topic}`]);
	});
});
