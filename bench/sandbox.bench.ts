/**
 * Sandbox loopback throughput: signed GET /v5/order/realtime (rate limits
 * off) from 2 concurrent keep-alive loops for ~3 s, in this one process
 * (client and server share the machine, as in every other benchmark).
 * Target: >= 2,000 signed requests/s on a 2-core machine, so the sandbox
 * is never the bottleneck of other benchmarks.
 *
 *   npx ts-node --transpile-only bench/sandbox.bench.ts [seconds] [concurrency]
 */
import { Agent, request } from 'http';
import { restAuthHeaders } from '../credentials/common/bybit/signing';
import { startSandbox } from '../test/sandbox';
import type { Figure } from './stats';

export interface SandboxBenchResult {
	requests: number;
	errors: number;
	seconds: number;
	rps: number;
}

export async function measure(seconds = 3, concurrency = 2): Promise<SandboxBenchResult> {
	const sandbox = await startSandbox({ port: 0, rateLimits: false });
	const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
	const key = { apiKey: sandbox.control.defaultKey.apiKey, secret: sandbox.control.defaultKey.secret, signatureMethod: 'hmac' as const };
	const url = new URL(sandbox.restUrl);
	const qs = 'category=linear&symbol=BTCUSDT';
	const once = () =>
		new Promise<boolean>((resolve) => {
			const headers = restAuthHeaders({ key, timestamp: Date.now(), recvWindow: 5000, payload: qs });
			const req = request({ host: url.hostname, port: url.port, path: `/v5/order/realtime?${qs}`, agent, headers }, (res) => {
				const chunks: Buffer[] = [];
				res.on('data', (c: Buffer) => chunks.push(c));
				res.on('end', () => resolve((JSON.parse(Buffer.concat(chunks).toString()) as { retCode: number }).retCode === 0));
			});
			req.on('error', () => resolve(false));
			req.end();
		});
	let requests = 0;
	let errors = 0;
	// warm-up
	for (let i = 0; i < 200; i++) await once();
	sandbox.control.clearRequests();
	const start = process.hrtime.bigint();
	const deadline = Date.now() + seconds * 1000;
	await Promise.all(
		Array.from({ length: concurrency }, async () => {
			while (Date.now() < deadline) {
				if (await once()) requests++;
				else errors++;
			}
		}),
	);
	const elapsed = Number(process.hrtime.bigint() - start) / 1e9;
	agent.destroy();
	await sandbox.close();
	return { requests, errors, seconds: elapsed, rps: requests / elapsed };
}

export async function run(): Promise<Figure[]> {
	const r = await measure();
	return [
		{
			id: 'S1', name: 'sandbox loopback throughput (signed GET /v5/order/realtime, 2 keep-alive loops, client in-process)',
			value: `${Math.round(r.rps)} req/s`, target: '>= 2000 req/s', met: r.rps >= 2000 && r.errors === 0,
			note: r.errors ? `${r.errors} errors` : undefined,
		},
	];
}

if (require.main === module) {
	const [seconds, concurrency] = process.argv.slice(2).map(Number);
	void measure(seconds || 3, concurrency || 2).then((r) => {
		process.stdout.write(`sandbox: ${r.requests} signed requests in ${r.seconds.toFixed(2)} s = ${Math.round(r.rps)} req/s (errors: ${r.errors}; target >= 2000 req/s)\n`);
	});
}
