/**
 * Issue #13 (observations 5 and 6): nothing is requested or emitted after
 * `closeFunction` resolves, and a server that accepts then drops every
 * connection gets a growing backoff and an emitError instead of a storm.
 */
import { placeOrder, startTrigger, triggerCredentials, useTriggerSandbox } from '../../harness/trigger';
import type { Sandbox } from '../../sandbox';

jest.setTimeout(60_000);

let sandbox: Sandbox;
useTriggerSandbox((s) => (sandbox = s));

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('Bybit Trigger: close', () => {
	it('a catch-up in flight when closeFunction resolves sends nothing more and emits nothing', async () => {
		const run = await startTrigger({ source: 'account', events: ['execution'], options: { catchUp: true } }, triggerCredentials(sandbox));
		await placeOrder(sandbox, { orderLinkId: 'live' });
		await run.waitFor((items) => items.length === 1);
		// the reconnect's catch-up: its first request (linear) is answered 1.5 s late
		sandbox.control.delayNext(1, 1500, '/v5/execution/list');
		sandbox.control.dropAllSockets();
		await placeOrder(sandbox, { orderLinkId: 'during' });
		const deadline = Date.now() + 10_000;
		while (!sandbox.control.requests().some((r) => r.path === '/v5/execution/list') && Date.now() < deadline) await pause(10);
		expect(sandbox.control.requests().filter((r) => r.path === '/v5/execution/list')).toHaveLength(1);

		await run.response.closeFunction!();
		const requestsAtClose = sandbox.control.requests().length;
		const emitsAtClose = run.emitted.length;
		await pause(2500); // the delayed answer arrives meanwhile
		expect(sandbox.control.requests().slice(requestsAtClose).map((r) => r.path)).toEqual([]);
		expect(run.emitted.length).toBe(emitsAtClose);
		expect(run.items().map((i) => i.orderLinkId)).toEqual(['live']);
		expect(sandbox.control.openSockets()).toBe(0);
		expect(run.errors).toEqual([]);
	});
});

describe('Bybit Trigger: reconnect storm', () => {
	it('a server that drops every connection 600 ms after subscribe: bounded reconnects, then emitError', async () => {
		sandbox.control.dropAfterSubscribe(600);
		const started = Date.now();
		const run = await startTrigger({ source: 'account', events: ['execution'], options: { catchUp: true } }, triggerCredentials(sandbox));
		await pause(15_000 - (Date.now() - started));
		const connections = sandbox.control.closeCodes().length + sandbox.control.openSockets();
		const catchUps = sandbox.control.requests().filter((r) => r.path === '/v5/execution/list').length;
		const reported = run.errors.map((e) => e.message);
		await run.response.closeFunction!();
		process.stdout.write(`storm, 15 s: ${connections} connections, ${catchUps} catch-up requests, ${reported.length} emitError\n`);
		// backoff 0.25-0.5, 0.5-1, 1-2, 2-4, 4-8 s: 5 connections in the first 10.5 s at most, the 6th after 12.5 s at least
		expect(connections).toBeGreaterThanOrEqual(5);
		expect(connections).toBeLessThanOrEqual(6);
		// one catch-up per reconnect, four categories each
		expect(catchUps).toBeLessThanOrEqual((connections - 1) * 4);
		expect(reported).toHaveLength(1);
		expect(reported[0]).toMatch(/closed the last 5 WebSocket connections within 30 s of subscribing, before any event arrived .*close code 1006.*keeps reconnecting/);
	});

	it('connections that deliver events do not count as short-lived: no backoff growth, no emitError', async () => {
		const run = await startTrigger({ source: 'account', events: ['execution'], options: { catchUp: true } }, triggerCredentials(sandbox));
		for (let i = 0; i < 8; i++) {
			await placeOrder(sandbox, { orderLinkId: `flow-${i}` });
			await run.waitFor((items) => items.length === i + 1);
			const opened = sandbox.control.closeCodes().length;
			sandbox.control.dropAllSockets();
			const deadline = Date.now() + 3000;
			// reconnected within the base backoff (0.25-0.5 s) every time
			while (!(sandbox.control.closeCodes().length > opened && sandbox.control.openSockets() === 1) && Date.now() < deadline) await pause(10);
			expect(sandbox.control.openSockets()).toBe(1);
			await pause(150); // subscribed: the next event arrives on the stream
		}
		expect(run.errors).toEqual([]);
	});
});
