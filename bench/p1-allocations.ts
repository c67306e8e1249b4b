/**
 * P1 allocations: bytes allocated per request on the JS heap, and time per request, for the
 * node's signed path and the hand-signed baselines of bench/p1-request-overhead.ts.
 *
 * Run: `npx node --expose-gc --min-semi-space-size=128 --max-semi-space-size=128 -r ts-node/register/transpile-only bench/p1-allocations.ts`
 * (the large young generation lets a stretch of requests run without a scavenge, so the heap's
 * growth over it is what the stretch allocated; stretches where a GC ran anyway are reported).
 *
 * - live: each path against the in-process sandbox over one keep-alive socket (what P1a times);
 *   the sandbox's own allocations are in every path alike.
 * - hot: our path alone, its HTTP helper answering at once with a canned envelope (no network):
 *   the part of `live` that is our code, and the allocation sites of it (`P1_SITES=1`: sampled
 *   by V8's heap profiler, top sites by bytes).
 */
import { createHmac } from 'crypto';
import http from 'http';
import { Session } from 'inspector/promises';
import { PerformanceObserver } from 'perf_hooks';

import axios from 'axios';
import type { ICredentialDataDecryptedObject, IHttpRequestOptions, INode } from 'n8n-workflow';

import { BybitApi } from '../credentials/BybitApi.credentials';
import { bybitApiRequest, type BybitContext } from '../nodes/Bybit/transport';
import { resetRateLimiter } from '../nodes/Bybit/transport/rateLimiter';
import { makeHttpRequest } from '../test/harness/http';
import { transportContext } from '../test/harness/loopback';
import { startSandbox } from '../test/sandbox';

const N = Number(process.env.P1_N ?? 400);
const gc = (globalThis as { gc?: () => void }).gc;
let gcs = 0;
new PerformanceObserver((list) => (gcs += list.getEntries().length)).observe({ entryTypes: ['gc'] });

/** Bytes allocated and microseconds per call over N calls (median of 5 stretches without a GC). */
async function measure(fn: () => Promise<unknown>): Promise<{ bytes: number; us: number; gcStretches: number }> {
	const bytes: number[] = [];
	const us: number[] = [];
	let gcStretches = 0;
	for (let s = 0; s < 7; s++) {
		resetRateLimiter();
		gc?.();
		// the observer hears of that collection asynchronously: let it, before counting
		await new Promise((r) => setTimeout(r, 20));
		const g0 = gcs;
		const h0 = process.memoryUsage().heapUsed;
		const t0 = process.hrtime.bigint();
		for (let i = 0; i < N; i++) await fn();
		const t1 = process.hrtime.bigint();
		const h1 = process.memoryUsage().heapUsed;
		if (gcs !== g0) {
			gcStretches++;
			continue;
		}
		bytes.push((h1 - h0) / N);
		us.push(Number(t1 - t0) / 1000 / N);
	}
	const med = (v: number[]) => (v.length ? [...v].sort((a, b) => a - b)[v.length >> 1] : NaN);
	return { bytes: med(bytes), us: med(us), gcStretches };
}

async function sites(fn: () => Promise<unknown>): Promise<void> {
	const session = new Session();
	session.connect();
	await session.post('HeapProfiler.enable');
	await session.post('HeapProfiler.startSampling', { samplingInterval: 64, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true });
	for (let i = 0; i < N * 5; i++) {
		if (i % 200 === 0) resetRateLimiter();
		await fn();
	}
	const { profile } = (await session.post('HeapProfiler.stopSampling')) as unknown as {
		profile: { head: SampleNode };
	};
	interface SampleNode {
		callFrame: { functionName: string; url: string; lineNumber: number };
		selfSize: number;
		children: SampleNode[];
	}
	const bySite = new Map<string, number>();
	const walk = (n: SampleNode) => {
		const f = n.callFrame;
		const url = f.url.replace(/^.*\/work\/main\//, '');
		const site = `${f.functionName || '(anon)'} ${url}:${f.lineNumber + 1}`;
		if (n.selfSize) bySite.set(site, (bySite.get(site) ?? 0) + n.selfSize);
		n.children.forEach(walk);
	};
	walk(profile.head);
	const total = [...bySite.values()].reduce((a, b) => a + b, 0);
	process.stdout.write(`sampled allocation sites (bytes per call, of ${(total / (N * 5)).toFixed(0)}):\n`);
	for (const [site, b] of [...bySite].sort((a, b) => b[1] - a[1]).slice(0, 30)) {
		process.stdout.write(`  ${(b / (N * 5)).toFixed(0).padStart(6)}  ${site}\n`);
	}
	session.disconnect();
}

async function main(): Promise<void> {
	const sandbox = await startSandbox({ port: 0, rateLimits: false });
	const { apiKey, secret } = sandbox.control.defaultKey;
	const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
	axios.defaults.httpAgent = agent;
	const harness = transportContext(sandbox.restUrl, secret, { apiKey });
	const standIn = makeHttpRequest();
	const bare = axios.create({ httpAgent: agent, baseURL: sandbox.restUrl });
	const query = 'category=linear&symbol=BTCUSDT';
	const path = '/v5/market/tickers';
	const qs = { category: 'linear', symbol: 'BTCUSDT' };
	const headers = () => {
		const ts = String(Date.now());
		const sign = createHmac('sha256', secret).update(`${ts}${apiKey}5000${query}`).digest('hex');
		return { 'X-BAPI-API-KEY': apiKey, 'X-BAPI-TIMESTAMP': ts, 'X-BAPI-RECV-WINDOW': '5000', 'X-BAPI-SIGN': sign };
	};

	// our path with an HTTP helper that answers at once: the real credential signs, nothing is sent
	const credentials = { environment: 'custom', baseUrl: sandbox.restUrl, signatureMethod: 'hmac', apiKey, apiSecret: secret, recvWindow: 5000 };
	const credentialType = new BybitApi();
	const node: INode = { id: '1', name: 'Bybit', type: 'n8n-nodes-bybit.bybit', typeVersion: 1, position: [0, 0], parameters: {} };
	const answer = { body: { retCode: 0, retMsg: 'OK', result: { list: [] }, time: Date.now() }, headers: {}, statusCode: 200 };
	const hotCtx = {
		getNode: () => node,
		getCredentials: async () => credentials,
		helpers: {
			httpRequestWithAuthentication: async (_t: string, o: IHttpRequestOptions) => {
				await credentialType.authenticate(credentials as ICredentialDataDecryptedObject, { ...o });
				return answer;
			},
		},
	} as unknown as BybitContext;

	const paths: Record<string, () => Promise<unknown>> = {
		nodeAxios: () => bybitApiRequest.call(harness, { method: 'GET', path, qs }),
		axios: () =>
			standIn({ method: 'GET', url: `${sandbox.restUrl}${path}?${query}`, json: true, returnFullResponse: true, ignoreHttpStatusErrors: true, headers: headers() }),
		bare: () => bare.get(`${path}?${query}`, { headers: headers() }),
		hot: () => bybitApiRequest.call(hotCtx, { method: 'GET', path, qs }),
		hotHandSigned: async () => {
			headers();
			return answer;
		},
	};
	try {
		for (const fn of Object.values(paths)) {
			for (let i = 0; i < 2000; i++) {
				if (i % 200 === 0) resetRateLimiter();
				await fn();
			}
		}
		for (const [name, fn] of Object.entries(paths)) {
			const m = await measure(fn);
			process.stdout.write(`${name.padEnd(14)} ${m.bytes.toFixed(0).padStart(7)} B/call  ${m.us.toFixed(1).padStart(6)} us/call${m.gcStretches ? `  (${m.gcStretches} of 7 stretches had a GC)` : ''}\n`);
		}
		if (process.env.P1_SITES) {
			process.stdout.write('hot path:\n');
			await sites(paths.hot);
			process.stdout.write('live path (nodeAxios):\n');
			await sites(paths.nodeAxios);
		}
	} finally {
		agent.destroy();
		await sandbox.close();
	}
}

void main();
