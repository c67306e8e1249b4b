/** The control API (in-process and over HTTP), fault injection, and the CLI. */
import { spawn } from 'child_process';
import { join } from 'path';
import { startSandbox, type Sandbox } from './index';
import { call, ok, type Json } from './helpers';
import { waitFor } from '../harness/waitFor';

const LIN = { category: 'linear', symbol: 'BTCUSDT' };

describe('sandbox control', () => {
	let sb: Sandbox;
	beforeEach(async () => {
		sb = await startSandbox({ port: 0 });
	});
	afterEach(() => sb.close());

	const ctl = async (name: string, body: Json = {}) => {
		const r = await fetch(`${sb.restUrl}/sandbox/${name}`, { method: 'POST', body: JSON.stringify(body) });
		return { status: r.status, body: (await r.json()) as Json };
	};

	it('over HTTP: setPrice, fund, createKey, state, requests; unknown operations are listed', async () => {
		expect((await ctl('setPrice', { symbol: 'BTCUSDT', category: 'linear', last: '70000' })).body).toEqual({ ok: true, result: null });
		expect((await ok(sb, 'GET', '/v5/market/tickers', LIN)).list[0].lastPrice).toBe('70000.00');
		await ctl('fund', { coin: 'SOL', amount: '25' });
		expect((await ok(sb, 'GET', '/v5/account/wallet-balance', { accountType: 'UNIFIED', coin: 'SOL' })).list[0].coin[0].walletBalance).toBe('25');
		const key = (await ctl('createKey', { apiKey: 'http-key', secret: 'http-secret', readOnly: true })).body.result;
		expect(key).toEqual({ apiKey: 'http-key', secret: 'http-secret' });
		const state = (await ctl('state')).body.result;
		expect(state.keys.map((k: Json) => k.apiKey)).toContain('http-key');
		expect(JSON.stringify(state)).not.toContain('http-secret');
		expect((await ctl('requests')).body.result.map((r: Json) => r.path)).toEqual(['/v5/market/tickers', '/v5/account/wallet-balance']);
		await ctl('clearRequests');
		expect(sb.control.requests()).toHaveLength(0);
		const unknown = await ctl('nope');
		expect(unknown.status).toBe(404);
		expect(unknown.body.operations).toContain('pushBurst');
		expect((await ctl('setPrice', { symbol: 'NOPE', last: '1' })).status).toBe(400);
	});

	it('getState exposes orders, positions, wallet and modes for assertions', async () => {
		await ok(sb, 'POST', '/v5/order/create', { ...LIN, side: 'Buy', orderType: 'Market', qty: '0.002', orderLinkId: 'st-1' });
		const s = sb.control.getState() as Json;
		expect(s.orders[0]).toMatchObject({ orderLinkId: 'st-1', orderStatus: 'Filled', category: 'linear' });
		expect(s.positions.find((p: Json) => p.symbol === 'BTCUSDT' && p.category === 'linear')).toMatchObject({ size: '0.002' });
		expect(s.positionModes.BTCUSDT).toBe('MergedSingle');
		expect(Number(s.wallet.UNIFIED.USDT.walletBalance)).toBeLessThan(100000);
		expect(s.executions).toHaveLength(1);
	});

	it('failNext answers 5xx without processing; dropNext destroys the socket; delayNext delays after processing', async () => {
		sb.control.failNext(1, 503);
		const failed = await call(sb, 'POST', '/v5/order/create', { ...LIN, side: 'Buy', orderType: 'Market', qty: '0.001' });
		expect(failed.status).toBe(503);
		expect((sb.control.getState() as Json).orders).toHaveLength(0);
		sb.control.dropNext(1, '/v5/order/realtime');
		expect((await call(sb, 'GET', '/v5/market/time', {}, { unsigned: true })).status).toBe(200);
		await expect(call(sb, 'GET', '/v5/order/realtime', LIN)).rejects.toThrow();
		sb.control.delayNext(1, 2000);
		const t0 = Date.now();
		let answered = false;
		const slow = call(sb, 'POST', '/v5/order/create', { ...LIN, side: 'Buy', orderType: 'Limit', qty: '0.001', price: '60000', orderLinkId: 'slow-1' }).finally(() => (answered = true));
		// the order exists while its answer is still held back
		const made = () => ((sb.control.getState() as Json).orders as Json[]).some((o) => o.orderLinkId === 'slow-1');
		await waitFor('the order to exist', made, 10_000, 20);
		expect(made()).toBe(true);
		expect(answered).toBe(false);
		expect((await slow).body.retCode).toBe(0);
		expect(Date.now() - t0).toBeGreaterThanOrEqual(1990);
		const log = sb.control.requests();
		expect(log.map((r) => r.status)).toEqual([503, 200, 0, 200]);
	});

	it('walkPrices steps through a path and fills orders on the way', async () => {
		const { orderId } = await ok(sb, 'POST', '/v5/order/create', { ...LIN, side: 'Sell', orderType: 'Limit', qty: '0.001', price: '65500' });
		await sb.control.walkPrices('BTCUSDT', ['65100', '65300', '65600', '65200'], { category: 'linear', intervalMs: 5 });
		expect((await ok(sb, 'GET', '/v5/order/history', { category: 'linear', orderId })).list[0].orderStatus).toBe('Filled');
		expect((await ok(sb, 'GET', '/v5/market/recent-trade', { ...LIN, limit: 5 })).list.map((t: Json) => t.price).slice(0, 2)).toEqual(['65200.00', '65500.00']);
	});

	it('fill forces a (partial) fill of a resting order', async () => {
		const { orderId } = await ok(sb, 'POST', '/v5/order/create', { ...LIN, side: 'Buy', orderType: 'Limit', qty: '0.004', price: '60000', orderLinkId: 'pf-1' });
		sb.control.fill('pf-1', '0.001');
		expect((await ok(sb, 'GET', '/v5/order/realtime', { ...LIN, orderId })).list[0]).toMatchObject({ orderStatus: 'PartiallyFilled', cumExecQty: '0.001', leavesQty: '0.003' });
		await ok(sb, 'POST', '/v5/order/cancel', { ...LIN, orderId });
		expect((await ok(sb, 'GET', '/v5/order/history', { category: 'linear', orderId })).list[0]).toMatchObject({ orderStatus: 'Cancelled', cumExecQty: '0.001' });
	});
});

describe('sandbox CLI', () => {
	it('prints the URLs and the key pair, serves, and stops on SIGINT', async () => {
		const root = join(__dirname, '..', '..');
		const child = spawn(process.execPath, [join(root, 'node_modules', 'ts-node', 'dist', 'bin.js'), '--transpile-only', join(__dirname, 'cli.ts'), '--port', '0', '--key', 'CLIKEY', '--secret', 'CLISECRET'], {
			cwd: root,
			stdio: ['ignore', 'pipe', 'pipe'],
		});
		let out = '';
		child.stdout.on('data', (d: Buffer) => (out += d.toString()));
		const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
		const deadline = Date.now() + 25_000;
		while (!out.includes('Ctrl-C') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
		try {
			expect(out).toContain('API key:   CLIKEY');
			expect(out).toContain('Secret:    CLISECRET');
			const rest = /REST:\s+(http:\/\/\S+)/.exec(out)![1];
			expect(out).toContain(`${rest.replace('http', 'ws')}/v5/private`);
			const time = (await (await fetch(`${rest}/v5/market/time`)).json()) as Json;
			expect(time.retCode).toBe(0);
		} finally {
			child.kill('SIGINT');
		}
		expect(await exited).toBe(0);
	}, 40_000);
});
