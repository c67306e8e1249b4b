/**
 * Fidelity, checked by a second client nobody here wrote: ccxt's bybit
 * exchange, its API hosts pointed at the sandbox, loads markets and runs the
 * pybit quick start's calls through its own signing and parsing
 * (clients/ccxt-quickstart.mjs, in its own process). Zero signature
 * rejections, zero error answers, every response parsed.
 */
import { execFile } from 'child_process';
import { join } from 'path';

import { startSandbox, type Sandbox } from './index';

type Out = Record<string, unknown> & { steps: string[]; error?: string };

function runCcxt(sb: Sandbox): Promise<Out> {
	const { apiKey, secret } = sb.control.defaultKey;
	return new Promise((resolve, reject) => {
		execFile(process.execPath, [join(__dirname, 'clients', 'ccxt-quickstart.mjs'), sb.restUrl, apiKey, secret], { timeout: 60_000 }, (error, stdout, stderr) => {
			if (error) reject(new Error(`${error.message}\n${stderr}`));
			else resolve(JSON.parse(stdout) as Out);
		});
	});
}

describe('fidelity with ccxt (bybit)', () => {
	let sb: Sandbox;
	beforeEach(async () => {
		sb = await startSandbox({ port: 0 });
	});
	afterEach(() => sb.close());

	it('loads markets and runs the pybit quick start, every call signed as Bybit verifies', async () => {
		sb.control.setPrice('BTCUSDT', { last: '45500' }, 'linear');
		const out = await runCcxt(sb);
		expect(out.error).toBeUndefined();
		expect(out.steps).toHaveLength(17);
		expect(out.load_markets).toMatchObject({ btc: { id: 'BTCUSDT', linear: true, precision: { price: 0.1, amount: 0.001 } } });
		expect(out.get_server_time).toBeGreaterThan(1.6e12);
		const book = out.get_orderbook as { bids: number[][]; asks: number[][] };
		expect(book.bids[0][0]).toBeLessThan(book.asks[0][0]);
		expect(out.get_kline).toMatchObject({ length: 100 });
		expect(Number((out.get_wallet_balance as Record<string, number>).USDT)).toBeGreaterThan(0);
		const open = out.get_open_orders as Array<{ id: string }>;
		expect(open.map((o) => o.id).sort()).toEqual([out['place_order limit'], out['place_order conditional']].sort());
		expect(out.cancel_batch_order).toEqual(out.place_batch_order);
		expect(out.get_positions).toEqual([expect.objectContaining({ symbol: 'BTC/USDT:USDT', side: 'long', contracts: 0.001, leverage: 5 })]);

		const state = sb.control.getState() as { orders: Array<Record<string, string>> };
		expect(state.orders.find((o) => o.orderId === out['place_order limit'])).toMatchObject({ orderStatus: 'Cancelled', price: '44000.00', qty: '0.002' });
		const signed = sb.control.requests().filter((r) => r.signatureValid !== null);
		expect(signed.length).toBeGreaterThan(10);
		expect(signed.filter((r) => r.signatureValid === false).map((r) => r.path)).toEqual([]);
		expect(sb.control.requests().filter((r) => r.retCode !== 0).map((r) => `${r.path} ${r.retCode}`)).toEqual([]);
	});
});
