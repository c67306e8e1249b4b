import type { IDataObject } from 'n8n-workflow';

import { placeOrder, startTrigger, triggerCredentials, useTriggerSandbox, type TriggerRun } from '../../harness/trigger';
import type { Sandbox } from '../../sandbox';

let sandbox: Sandbox;
let run: TriggerRun | undefined;
useTriggerSandbox((s) => (sandbox = s));

const creds = (extra: IDataObject = {}) => triggerCredentials(sandbox, extra);
const order = (body: IDataObject) => placeOrder(sandbox, body);

describe('Bybit Trigger: account streams', () => {
	it('authenticates, subscribes and emits a filled order with a summary', async () => {
		run = await startTrigger({ source: 'account', events: ['order'], filters: { orderStatus: ['Filled'] } }, creds());
		await order({ orderLinkId: 'fill-1' });
		await run.waitFor((items) => items.length >= 1);
		const [item] = run.items();
		expect(item).toMatchObject({ topic: 'order', orderLinkId: 'fill-1', orderStatus: 'Filled', source: 'stream' });
		expect(item.normalized).toMatchObject({ eventType: 'order', symbol: 'BTCUSDT', side: 'Buy', status: 'Filled' });
		expect(item.summary).toMatch(/^Filled: Buy 0\.01\d* BTCUSDT @ \d{2},\d{3}/);
		expect(run.items().every((i) => i.orderStatus === 'Filled')).toBe(true);
	});

	it('a rejected key fails activation with a message that says what to fix', async () => {
		await expect(startTrigger({ source: 'account', events: ['order'] }, creds({ apiSecret: 'wrong-secret-0000000000' }))).rejects.toThrow(
			/rejected the WebSocket authentication.*Check the API key and secret/,
		);
	});

	it('filters by symbol, side and orderLinkId prefix', async () => {
		run = await startTrigger({ source: 'account', events: ['execution'], filters: { symbols: 'ETHUSDT', side: 'Sell', orderLinkIdPrefix: 'tv-' } }, creds());
		await order({ orderLinkId: 'tv-1', symbol: 'BTCUSDT', side: 'Sell' });
		await order({ orderLinkId: 'tv-2', symbol: 'ETHUSDT', side: 'Buy', qty: '0.1' });
		await order({ orderLinkId: 'xx-3', symbol: 'ETHUSDT', side: 'Sell', qty: '0.1' });
		await order({ orderLinkId: 'tv-4', symbol: 'ETHUSDT', side: 'Sell', qty: '0.1' });
		await run.waitFor((items) => items.length >= 1);
		await new Promise((r) => setTimeout(r, 200));
		expect(run.items().map((i) => i.orderLinkId)).toEqual(['tv-4']);
		expect(run.items()[0].summary).toMatch(/^Executed: Sell 0\.1\d* ETHUSDT/);
	});

	it('loses nothing across a forced drop: events during the outage arrive once, via catch-up', async () => {
		run = await startTrigger({ source: 'account', events: ['execution'], options: { catchUp: true } }, creds());
		await order({ orderLinkId: 'before' });
		await run.waitFor((items) => items.length === 1);
		// the outage lasts until both orders exist, however slow the machine: they can only arrive by catch-up
		sandbox.control.refuseConnections(true);
		sandbox.control.dropAllSockets();
		await order({ orderLinkId: 'during-1' });
		await order({ orderLinkId: 'during-2' });
		sandbox.control.refuseConnections(false);
		await run.waitFor((items) => items.length >= 3, 15_000);
		await order({ orderLinkId: 'after' });
		await run.waitFor((items) => items.length >= 4);
		await new Promise((r) => setTimeout(r, 300));
		const ids = run.items().map((i) => i.orderLinkId);
		expect(ids.sort()).toEqual(['after', 'before', 'during-1', 'during-2']);
		expect(run.items().filter((i) => i.source === 'catchUp').map((i) => i.orderLinkId).sort()).toEqual(['during-1', 'during-2']);
		expect(run.errors).toEqual([]);
	});

	it('closes with code 1000 and never reconnects after close', async () => {
		run = await startTrigger({ source: 'account', events: ['order'] }, creds());
		expect(sandbox.control.openSockets()).toBe(1);
		await run.response.closeFunction!();
		await new Promise((r) => setTimeout(r, 300));
		expect(sandbox.control.closeCodes().map((c) => c.code)).toEqual([1000]);
		expect(sandbox.control.openSockets()).toBe(0);
		run = undefined;
	});

	it('a missing pong forces a reconnect, then events flow again', async () => {
		run = await startTrigger({ source: 'account', events: ['order'], options: { pingIntervalSeconds: 1 } }, creds());
		sandbox.control.mutePongs(true);
		// ping after 1 s, no pong within 0.5 s: the client drops the socket and reconnects
		const deadline = Date.now() + 20_000;
		while (!sandbox.control.closeCodes().length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
		sandbox.control.mutePongs(false);
		expect(sandbox.control.closeCodes()[0].code).toBe(4000);
		while (sandbox.control.openSockets() !== 1 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
		await new Promise((r) => setTimeout(r, 200));
		await order({ orderLinkId: 'after-reconnect' });
		await run.waitFor((items) => items.some((i) => i.orderLinkId === 'after-reconnect'));
	});

	it('a server-side close reconnects and resubscribes', async () => {
		run = await startTrigger({ source: 'account', events: ['order'] }, creds());
		sandbox.control.closeSockets(4001, 'test');
		const deadline = Date.now() + 20_000;
		while ((sandbox.control.closeCodes().length === 0 || sandbox.control.openSockets() !== 1) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
		await new Promise((r) => setTimeout(r, 200));
		await order({ orderLinkId: 'after-close' });
		await run.waitFor((items) => items.some((i) => i.orderLinkId === 'after-close'));
	});
});
