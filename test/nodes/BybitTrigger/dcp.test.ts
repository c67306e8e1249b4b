/**
 * The private dcp topics (docs: websocket/private/dcp.mdx) and the
 * PartiallyFilledCanceled order status filter, on real sockets.
 */
import { bybitApiRequest } from '../../../nodes/Bybit/transport';
import { placeOrder, sandboxContext, startTrigger, triggerCredentials, useTriggerSandbox, type TriggerRun } from '../../harness/trigger';
import type { Sandbox } from '../../sandbox';

let sandbox: Sandbox;
useTriggerSandbox((s) => (sandbox = s));

const creds = () => triggerCredentials(sandbox);
const settle = (ms = 200) => new Promise((r) => setTimeout(r, ms));
/** Every topic the trigger subscribed on the private stream, as sent. */
const privateArgs = () =>
	sandbox.control
		.wsReceived()
		.filter((f) => f.path === '/v5/private' && f.msg.op === 'subscribe')
		.flatMap((f) => f.msg.args as string[]);

describe('Bybit Trigger: DCP', () => {
	it('subscribes dcp.future, dcp.spot and dcp.option beside the event topics (all categories)', async () => {
		await startTrigger({ source: 'account', events: ['order', 'dcp'] }, creds());
		expect(privateArgs().sort()).toEqual(['dcp.future', 'dcp.option', 'dcp.spot', 'order']);
		for (const t of ['dcp.future', 'dcp.spot', 'dcp.option']) expect(sandbox.control.subscribers(t)).toBe(1);
	});

	it('one product per category: linear and inverse -> dcp.future, spot -> dcp.spot, option -> dcp.option', async () => {
		for (const [category, topic] of [['linear', 'dcp.future'], ['inverse', 'dcp.future'], ['spot', 'dcp.spot'], ['option', 'dcp.option']]) {
			const before = privateArgs().length;
			const run = await startTrigger({ source: 'account', events: ['order', 'dcp'], category }, creds());
			expect(privateArgs().slice(before)).toEqual([`order.${category}`, topic]);
			await run.response.closeFunction!();
		}
	});

	it('once the trigger holding dcp.future is gone for the DCP window, Bybit cancels the open orders: seen once by another trigger', async () => {
		await bybitApiRequest.call(sandboxContext(sandbox), { method: 'POST', path: '/v5/order/disconnected-cancel-all', body: { product: 'DERIVATIVES', timeWindow: 3 } });
		const armed = await startTrigger({ source: 'account', events: ['dcp'], category: 'linear' }, creds());
		const watcher = await startTrigger({ source: 'account', events: ['order'], filters: { orderStatus: ['Cancelled'] } }, creds());
		const resting = await placeOrder(sandbox, { orderType: 'Limit', price: '50000', orderLinkId: 'dcp-rest-1' });
		await settle(500);
		expect(armed.items()).toEqual([]); // dcp pushes nothing itself
		expect(watcher.items()).toEqual([]); // still armed: nothing cancelled
		await armed.response.closeFunction!();
		await watcher.waitFor((items) => items.length >= 1, 8000);
		await settle(300);
		expect(watcher.items()).toHaveLength(1);
		expect(watcher.items()[0]).toMatchObject({ orderId: resting.orderId, orderStatus: 'Cancelled', cancelType: 'CancelByDCP' });
	});
});

describe('Bybit Trigger: order status filter PartiallyFilledCanceled', () => {
	let run: TriggerRun;
	it('passes a spot order cancelled after a partial fill, and only that', async () => {
		run = await startTrigger({ source: 'account', events: ['order'], filters: { orderStatus: ['PartiallyFilledCanceled'] } }, creds());
		const base = { category: 'spot', symbol: 'BTCUSDT', side: 'Buy', orderType: 'Limit', price: '60000', qty: '0.01', updatedTime: '1751858399649' };
		sandbox.control.emitPrivate('order', [
			{ ...base, orderId: 'pfc-1', orderStatus: 'PartiallyFilledCanceled', cumExecQty: '0.004', avgPrice: '60000' },
			{ ...base, orderId: 'c-1', orderStatus: 'Cancelled', cumExecQty: '0' },
		]);
		await run.waitFor((items) => items.length >= 1);
		await settle();
		expect(run.items().map((i) => i.orderId)).toEqual(['pfc-1']);
		expect(run.items()[0].summary).toBe('PartiallyFilledCanceled: Buy 0.004 BTCUSDT @ 60,000');
	});
});
