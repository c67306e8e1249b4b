/**
 * The public notice topics (insurance pool, order price limit, ADL alert,
 * system status) on real sockets: the subscription as it went over the wire
 * (host path and args as Bybit documents them), then each event emitted once.
 */
import type { IDataObject } from 'n8n-workflow';

import { NoticeWatcher } from '../../../nodes/BybitTrigger/notices';
import { startTrigger, useTriggerSandbox, type TriggerRun } from '../../harness/trigger';
import type { Sandbox } from '../../sandbox';

let sandbox: Sandbox;
let run: TriggerRun | undefined;
useTriggerSandbox((s) => (sandbox = s));

const market = (extra: Record<string, unknown>) => ({ source: 'market', publicHost: 'custom', publicWsUrl: sandbox.wsUrl, marketCategory: 'linear', ...extra });
const start = async (extra: Record<string, unknown>) => (run = await startTrigger(market(extra), undefined, { typeVersion: 1.1 }));
const settle = () => new Promise((r) => setTimeout(r, 200));
/** The subscribe requests the sandbox received: path and args. */
const subscribed = () => sandbox.control.wsReceived().filter((f) => f.msg.op === 'subscribe').map((f) => ({ path: f.path, args: f.msg.args }));

// docs: websocket/public/insurance-pool.mdx (response example)
const pool = (symbols: string, balance: string) => ({ coin: 'USDT', symbols, balance, updateTime: '1747722930000' });
// docs: websocket/public/adl-alert.mdx (response example)
const adl = (s: string, pr: number) => ({ c: 'USDT', s, b: 19873.46255153, mb: '', i_pr: -0.3, pr, adl_tt: 10000, adl_sr: -0.25 });
// docs: websocket/system/system-status.mdx (response example)
const maintenance = (state: string) => ({
	id: '4d95b2a0-587f-11f0-bcc9-56f28c94d6ea', title: 't06', state, begin: '1751596902000', end: '1751597011000', href: '',
	serviceTypes: [2, 3, 4, 5], product: [1, 2], uidSuffix: [], maintainType: 1, env: 1,
});

describe('Bybit Trigger: public notice topics', () => {
	it('insurance.USDT on the linear stream: every changed pool once', async () => {
		await start({ marketEvent: 'insurance', contractGroup: 'USDT' });
		expect(subscribed()).toEqual([{ path: '/v5/public/linear', args: ['insurance.USDT'] }]);
		sandbox.control.publishNotice('insurance.USDT', [pool('GRIFFAINUSDT', '25614.92972633'), pool('CGPTUSDT', '100000.27064825')]);
		sandbox.control.publishNotice('insurance.USDT', [pool('GRIFFAINUSDT', '25614.92972633')], { type: 'snapshot' }); // a repeat (reconnect snapshot)
		sandbox.control.publishNotice('insurance.USDT', [pool('GRIFFAINUSDT', '25600')]);
		await run!.waitFor((items) => items.length >= 3);
		await settle();
		expect(run!.items().map((i) => [i.symbols, i.balance])).toEqual([
			['GRIFFAINUSDT', '25614.92972633'],
			['CGPTUSDT', '100000.27064825'],
			['GRIFFAINUSDT', '25600'],
		]);
		expect(run!.items()[0]).toMatchObject({ topic: 'insurance.USDT', eventType: 'insurance', type: 'delta', coin: 'USDT', updateTime: '1747722930000' });
		expect(run!.items()[0].summary).toBe('Insurance pool USDT (GRIFFAINUSDT): balance 25614.92972633');
	});

	it('insurance.inverse on the inverse stream, Only Symbols filtering', async () => {
		await start({ marketEvent: 'insurance', contractGroup: 'inverse', noticeSymbols: 'btcusd' });
		expect(subscribed()).toEqual([{ path: '/v5/public/inverse', args: ['insurance.inverse'] }]);
		sandbox.control.publishNotice('insurance.inverse', [{ coin: 'BTC', symbols: 'ETHUSD', balance: '1', updateTime: '1' }, { coin: 'BTC', symbols: 'BTCUSD', balance: '2', updateTime: '1' }]);
		await run!.waitFor((items) => items.length >= 1);
		await settle();
		expect(run!.items().map((i) => i.symbols)).toEqual(['BTCUSD']);
	});

	it('priceLimit.{symbol} on the symbol category stream: emitted when the limits change, not on every 300 ms push', async () => {
		await start({ marketEvent: 'priceLimit', marketCategory: 'spot', symbol: { __rl: true, mode: 'list', value: 'BTCUSDT' } });
		expect(subscribed()).toEqual([{ path: '/v5/public/spot', args: ['priceLimit.BTCUSDT'] }]);
		const limits = { symbol: 'BTCUSDT', buyLmt: '114450.00', sellLmt: '103550.00' };
		sandbox.control.publishNotice('priceLimit.BTCUSDT', limits);
		sandbox.control.publishNotice('priceLimit.BTCUSDT', limits);
		sandbox.control.publishNotice('priceLimit.BTCUSDT', { ...limits, buyLmt: '114500.00' });
		await run!.waitFor((items) => items.length >= 2);
		await settle();
		expect(run!.items().map((i) => i.buyLmt)).toEqual(['114450.00', '114500.00']);
		expect(run!.items()[0]).toMatchObject({ topic: 'priceLimit.BTCUSDT', eventType: 'priceLimit', symbol: 'BTCUSDT', sellLmt: '103550.00' });
		expect(typeof run!.items()[0].ts).toBe('number');
		expect(run!.items()[0].summary).toBe('Price limits BTCUSDT: buy at most 114450.00, sell at least 103550.00');
	});

	it('priceLimit refuses the option category before connecting', async () => {
		await expect(start({ marketEvent: 'priceLimit', marketCategory: 'option', symbol: 'BTCUSDT' })).rejects.toThrow(/spot, linear and inverse.*Market Category/);
		expect(subscribed()).toEqual([]);
	});

	it('adlAlert.USDT on the linear stream: the 1 s snapshots emit each changed entry once', async () => {
		await start({ marketEvent: 'adlAlert', contractGroup: 'USDT' });
		expect(subscribed()).toEqual([{ path: '/v5/public/linear', args: ['adlAlert.USDT'] }]);
		sandbox.control.publishNotice('adlAlert.USDT', [adl('FWOGUSDT', 0), adl('BERAUSDT', 0.24576)]);
		sandbox.control.publishNotice('adlAlert.USDT', [adl('FWOGUSDT', 0), adl('BERAUSDT', 0.24576)]);
		sandbox.control.publishNotice('adlAlert.USDT', [adl('FWOGUSDT', 0), adl('BERAUSDT', 0.3)]);
		await run!.waitFor((items) => items.length >= 3);
		await settle();
		expect(run!.items().map((i) => [i.s, i.pr])).toEqual([
			['FWOGUSDT', 0],
			['BERAUSDT', 0.24576],
			['BERAUSDT', 0.3],
		]);
		expect(run!.items()[0]).toMatchObject({ topic: 'adlAlert.USDT', eventType: 'adlAlert', type: 'snapshot', c: 'USDT', i_pr: -0.3 });
		expect(run!.items()[0].summary).toBe('ADL alert FWOGUSDT (USDT pool): balance 19873.46255153, PnL drawdown ratio 0 (threshold -0.3, stops below -0.25)');
	});

	it('system.status on /v5/public/misc/status: each maintenance state once', async () => {
		await start({ marketEvent: 'systemStatus' });
		expect(subscribed()).toEqual([{ path: '/v5/public/misc/status', args: ['system.status'] }]);
		sandbox.control.publishNotice('system.status', [maintenance('scheduled')]);
		sandbox.control.publishNotice('system.status', [maintenance('scheduled')]);
		sandbox.control.publishNotice('system.status', [maintenance('completed')]);
		await run!.waitFor((items) => items.length >= 2);
		await settle();
		expect(run!.items().map((i) => i.state)).toEqual(['scheduled', 'completed']);
		expect(run!.items()[1]).toMatchObject({ topic: 'system.status', eventType: 'systemStatus', title: 't06', serviceTypes: [2, 3, 4, 5], maintainType: 1, env: 1 });
		expect(run!.items()[1].summary).toBe('System status: t06 completed (1751596902000 to 1751597011000)');
	});

	it('raw output: the messages as Bybit sent them', async () => {
		await start({ marketEvent: 'systemStatus', options: { rawOutput: true } });
		sandbox.control.publishNotice('system.status', [maintenance('ongoing')]);
		await run!.waitFor((items) => items.length >= 1);
		const msg = run!.items()[0] as IDataObject;
		expect(Object.keys(msg)).toEqual(['topic', 'ts', 'data']);
		expect((msg.data as IDataObject[])[0]).toMatchObject({ state: 'ongoing' });
	});
});

describe('NoticeWatcher', () => {
	it('Only Symbols matches any symbol of a pool that names several (comma-joined, as REST writes shared pools)', () => {
		const w = new NoticeWatcher({ event: 'insurance', group: 'USDT', symbols: new Set(['ETHUSDT']) });
		const items = w.onMessage({ topic: 'insurance.USDT', type: 'delta', ts: 1, data: [{ coin: 'USDT', symbols: 'BTCUSDT,ETHUSDT', balance: '5', updateTime: '1' }, { coin: 'USDT', symbols: 'SOLUSDT', balance: '6', updateTime: '1' }] });
		expect(items.map((i) => i.symbols)).toEqual(['BTCUSDT,ETHUSDT']);
	});
});
