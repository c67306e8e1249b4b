/**
 * P9 order round trip: WebSocket order entry (the credential's Order Entry = WebSocket, Bybit's
 * /v5/trade) against REST, through the same transport (safety gate, rate-limit slot, write-once),
 * each order one `createOrderOnce` call from send to Bybit's answer, against the sandbox.
 * 500 orders each (IOC limits below the market: answered, never resting) after a warm-up, in
 * alternating rounds of 25 so the machine's noise falls on both alike; median and p99 of each,
 * and the ratio of the medians (target <= 0.7x). Orders start 105 ms apart: Bybit's default
 * limit for order/create is 10 per second per key, counted for both paths together, and the
 * transport waits for it; the figure is the round trip, not that wait (about 2 minutes in all).
 */
import { sleep, type ICredentialDataDecryptedObject } from 'n8n-workflow';

import { createOrderOnce } from '../nodes/Bybit/trading/orderCreate';
import { resetRateLimiter } from '../nodes/Bybit/transport/rateLimiter';
import { closeTradeClients, tradeClients } from '../nodes/Bybit/transport/tradeSocket';
import { executeContext, sandboxCredentials } from '../test/harness/execute';
import { startSandbox } from '../test/sandbox';
import { hrtimeMs, median, percentile, type Figure } from './stats';

const ORDERS = Number(process.env.P9_ORDERS ?? 500);
const ROUND = 25;
const WARMUP = 50;
const SPACING_MS = 105;

export async function run(): Promise<Figure[]> {
	resetRateLimiter();
	const sandbox = await startSandbox({ port: 0, rateLimits: false });
	sandbox.control.setPrice('BTCUSDT', { last: '65000', mark: '65000', index: '65000' });
	const rest = sandboxCredentials(sandbox.restUrl, sandbox.control.defaultKey.apiKey, sandbox.control.defaultKey.secret);
	const ws: ICredentialDataDecryptedObject = { ...rest, wsBaseUrl: sandbox.wsUrl, orderEntry: 'websocket' };
	let n = 0;
	let lastStart = 0;
	const one = async (credentials: ICredentialDataDecryptedObject): Promise<number> => {
		n++;
		const wait = lastStart + SPACING_MS - Date.now();
		if (wait > 0) await sleep(wait);
		lastStart = Date.now();
		const body = { category: 'linear', symbol: 'BTCUSDT', side: 'Buy', orderType: 'Limit', timeInForce: 'IOC', qty: '0.001', price: String(30000 + (n % 20000)), orderLinkId: `p9-${n}` };
		const ctx = executeContext(credentials, {});
		const start = process.hrtime.bigint();
		await createOrderOnce(ctx, body, 0);
		return hrtimeMs(start);
	};
	try {
		for (let i = 0; i < WARMUP; i++) {
			await one(rest);
			await one(ws);
		}
		const times = { rest: [] as number[], ws: [] as number[] };
		for (let done = 0; done < ORDERS; done += ROUND) {
			for (let i = 0; i < ROUND; i++) times.rest.push(await one(rest));
			for (let i = 0; i < ROUND; i++) times.ws.push(await one(ws));
		}
		const overWs = sandbox.control.tradeFrames().filter((f) => f.op === 'order.create' && f.retCode === 0).length;
		const sockets = tradeClients().reduce((sum, c) => sum + c.opened, 0);
		const ratio = median(times.ws) / median(times.rest);
		const ms = (v: number) => v.toFixed(3);
		return [
			{
				id: 'P9',
				name: `order round trip, WebSocket order entry vs REST, ${ORDERS} orders each (createOrderOnce against the sandbox)`,
				value: `p50 ${ratio.toFixed(2)}x (${ms(median(times.ws))} vs ${ms(median(times.rest))} ms)`,
				target: 'p50 <= 0.70x',
				met: ratio <= 0.7 && overWs === ORDERS + WARMUP,
				note: `p99 ${ms(percentile(times.ws, 99))} vs ${ms(percentile(times.rest, 99))} ms; ${overWs} orders over /v5/trade on ${sockets} connection(s)`,
			},
		];
	} finally {
		closeTradeClients();
		await sandbox.close();
	}
}
