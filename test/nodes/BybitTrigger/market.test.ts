import { startTrigger, useTriggerSandbox, type TriggerRun } from '../../harness/trigger';
import type { Sandbox } from '../../sandbox';

let sandbox: Sandbox;
let run: TriggerRun | undefined;
useTriggerSandbox((s) => (sandbox = s));

const market = (extra: Record<string, unknown>) => ({
	source: 'market',
	publicHost: 'custom',
	publicWsUrl: sandbox.wsUrl,
	marketCategory: 'linear',
	symbol: 'BTCUSDT',
	...extra,
});
const settle = () => new Promise((r) => setTimeout(r, 150));

describe('Bybit Trigger: market streams', () => {
	it('fires once per cross of a price level', async () => {
		run = await startTrigger(market({ marketEvent: 'ticker', condition: 'crossesAbove', priceField: 'lastPrice', level: 66000 }), undefined);
		for (const p of ['65500', '65900', '66100', '66200', '65800', '66050', '66300']) {
			sandbox.control.setPrice('BTCUSDT', { last: p });
			await settle();
		}
		await run.waitFor((items) => items.length >= 2);
		await settle();
		expect(run.items().map((i) => Number(i.price))).toEqual([66100, 66050]);
		expect(run.items()[0].summary).toBe('BTCUSDT crossed above 66000: 66100.00');
	});

	it('fires once per closed candle', async () => {
		// the sandbox also confirms each real minute's candle: never start within 5 s of a minute's end
		const seconds = new Date().getUTCSeconds();
		if (seconds >= 55) await new Promise((r) => setTimeout(r, (61 - seconds) * 1000));
		run = await startTrigger(market({ marketEvent: 'kline', interval: '1' }), undefined);
		sandbox.control.setPrice('BTCUSDT', { last: '65100' });
		await settle();
		sandbox.control.closeCandle('BTCUSDT', '1');
		await settle();
		sandbox.control.setPrice('BTCUSDT', { last: '65200' });
		await settle();
		await run.waitFor((items) => items.length >= 1);
		await settle();
		expect(run.items()).toHaveLength(1);
		expect(run.items()[0]).toMatchObject({ confirm: true, interval: '1', symbol: 'BTCUSDT' });
	});

	it('emits a throttled order-book snapshot consistent with the sandbox book', async () => {
		run = await startTrigger(market({ marketEvent: 'orderbook', levels: 3, everySeconds: 1 }), undefined);
		sandbox.control.setPrice('BTCUSDT', { last: '65300' });
		await run.waitFor((items) => items.length >= 1, 5000);
		const snap = run.items()[0];
		expect((snap.b as string[][]).length).toBe(3);
		expect((snap.a as string[][]).length).toBe(3);
		expect(Number((snap.b as string[][])[0][0])).toBeLessThan(Number((snap.a as string[][])[0][0]));
		const bids = (snap.b as string[][]).map((l) => Number(l[0]));
		expect([...bids].sort((x, y) => y - x)).toEqual(bids);
	});
});
