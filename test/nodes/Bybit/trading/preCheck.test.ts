/**
 * Dry Run asks Bybit's pre-check (trading/preCheck.ts) and shows its answer
 * beside the node's own checks; where the docs say it does not apply (demo
 * trading, spot, conditional orders) or the host does not serve it (404), it
 * says so without failing. A dry run never sends /v5/order/create.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ICredentialDataDecryptedObject } from 'n8n-workflow';

import { preCheckUnsupported } from '../../../../nodes/Bybit/trading/preCheck';
import { rl, runBybit } from '../../../harness/execute';
import { useTradingSandbox } from '../../../harness/tradingSandbox';
import type { Sandbox } from '../../../sandbox';

let sandbox: Sandbox;
let creds: ICredentialDataDecryptedObject;
useTradingSandbox((s, c) => {
	sandbox = s;
	creds = c;
});

const dryRun = (extra: Record<string, unknown>) => ({
	resource: 'order', operation: 'create', category: 'linear', symbol: rl('BTCUSDT'), side: 'Buy', orderType: 'Limit', price: '60000', qty: '0.01', positionIdx: '0', options: { dryRun: true }, ...extra,
});
const onPath = (path: string) => sandbox.control.requests().filter((r) => r.path === path);

describe('Dry Run with Bybit\'s pre-check', () => {
	it('linear: Bybit\'s margin rates before and after, beside the node\'s checks; no order sent', async () => {
		const [item] = await runBybit(creds, dryRun({ orderLinkId: 'dry-pre-1' }));
		expect(item.json).toMatchObject({ dryRun: true, guardrails: 'passed', body: { qty: '0.01', orderLinkId: 'dry-pre-1' } });
		const pre = item.json.bybitPreCheck as Record<string, unknown>;
		expect(pre).toMatchObject({ checked: true, orderLinkId: 'dry-pre-1', preImrE4: expect.any(Number), postImrE4: expect.any(Number), postMmrE4: expect.any(Number) });
		expect(pre.postImrE4 as number).toBeGreaterThan(pre.preImrE4 as number);
		expect(onPath('/v5/order/pre-check')).toHaveLength(1);
		expect(JSON.parse(onPath('/v5/order/pre-check')[0].body)).toEqual(item.json.body);
		expect(onPath('/v5/order/create')).toHaveLength(0);
		expect(sandbox.control.getState().orders).toEqual([]);
	});

	it('Bybit\'s refusal is shown, not thrown: too little margin (110007), isolated margin mode (retCode)', async () => {
		const [big] = await runBybit(creds, dryRun({ qty: '100' }));
		expect(big.json.bybitPreCheck).toMatchObject({ checked: false, retCode: 110007, retMsg: expect.stringMatching(/ab not enough/) });
		await runBybit(creds, { resource: 'account', operation: 'setMarginMode', setMarginMode: 'ISOLATED_MARGIN' });
		const [iso] = await runBybit(creds, dryRun({}));
		expect(iso.json.bybitPreCheck).toMatchObject({ checked: false, retCode: 10001, retMsg: expect.stringMatching(/isolated margin/) });
		expect(onPath('/v5/order/create')).toHaveLength(0);
	});

	it('spot and conditional orders: not asked (the docs exclude them), said in the output', async () => {
		const [spot] = await runBybit(creds, dryRun({ category: 'spot', positionIdx: undefined }));
		expect(spot.json.bybitPreCheck).toEqual({ checked: false, supported: false, reason: expect.stringMatching(/inverse, linear and option orders, not spot/) });
		const [cond] = await runBybit(creds, dryRun({ additionalFields: { triggerPrice: '70000', triggerDirection: 1 } }));
		expect(cond.json.bybitPreCheck).toMatchObject({ supported: false, reason: expect.stringMatching(/conditional/) });
		expect([...onPath('/v5/order/pre-check'), ...onPath('/v5/order/create')]).toEqual([]);
	});

	it('the refusals of the credential come first: read-only refuses the dry run and asks nothing', async () => {
		await expect(runBybit({ ...creds, readOnly: true }, dryRun({}))).rejects.toThrow(/read-only/);
		expect(sandbox.control.requests()).toEqual([]);
	});

	it('demo trading does not serve it (docs): never asked there', () => {
		expect(preCheckUnsupported('demo', { category: 'linear' })).toMatch(/Demo Trading does not serve/);
		for (const env of ['mainnet', 'testnet', 'custom', 'eea']) expect(preCheckUnsupported(env, { category: 'linear' })).toBeUndefined();
		expect(preCheckUnsupported('mainnet', { category: 'option' })).toBeUndefined();
		expect(preCheckUnsupported('mainnet', { category: 'inverse', triggerPrice: '' })).toBeUndefined();
	});
});

describe('Dry Run against a host without the pre-check', () => {
	let server: Server;
	let url: string;
	const paths: string[] = [];
	beforeAll(async () => {
		server = createServer((req, res) => {
			paths.push(String(req.url));
			res.writeHead(404, { 'content-type': 'text/plain' }).end('Not Found');
		});
		await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
		url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
	});
	afterAll(async () => await new Promise((resolve) => server.close(resolve)));

	it('a 404 is reported as "not served", and the dry run succeeds', async () => {
		const [item] = await runBybit({ ...creds, baseUrl: url }, dryRun({}));
		expect(item.json).toMatchObject({ dryRun: true, bybitPreCheck: { checked: false, supported: false, reason: expect.stringMatching(/HTTP 404/) } });
		expect(paths).toEqual(['/v5/order/pre-check']);
	});
});
