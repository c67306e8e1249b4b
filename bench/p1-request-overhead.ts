/**
 * P1 request overhead: the node's signed request path (credential
 * `authenticate` + transport + parse, sent the way n8n sends it) against
 * (a) a bare, hand-signed axios request and (b) bybit-api's RestClientV5,
 * all on the same sandbox endpoint, interleaved in rounds so machine noise
 * hits all three alike. Reports median per-request time ratios.
 *
 * The endpoint is GET /v5/market/tickers: it has no per-key limit, so the
 * transport's rate limiter never paces the loop (on a limited endpoint such
 * as /v5/order/realtime, 50/s, pacing is the point and would dominate).
 * Our path and the bare request both sign it; bybit-api sends public calls
 * unsigned, which favours bybit-api slightly.
 */
import { createHmac } from 'crypto';
import http from 'http';

import axios from 'axios';
import { RestClientV5 } from 'bybit-api';

import { bybitApiRequest } from '../nodes/Bybit/transport';
import { resetRateLimiter } from '../nodes/Bybit/transport/rateLimiter';
import { transportContext } from '../test/harness/loopback';
import { startSandbox } from '../test/sandbox';
import { hrtimeMs, median, type Figure } from './stats';

const ROUNDS = 15;
const PER_ROUND = 60;

export async function run(): Promise<Figure[]> {
	const sandbox = await startSandbox({ port: 0, rateLimits: false });
	const { apiKey, secret } = sandbox.control.defaultKey;
	const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
	axios.defaults.httpAgent = agent;
	const ctx = transportContext(sandbox.restUrl, secret, { apiKey });
	const client = new RestClientV5({ key: apiKey, secret, baseUrl: sandbox.restUrl, parseAPIRateLimits: false });
	const bare = axios.create({ httpAgent: agent, baseURL: sandbox.restUrl });
	const query = 'category=linear&symbol=BTCUSDT';
	const path = '/v5/market/tickers';

	const paths: Record<string, () => Promise<unknown>> = {
		node: () => bybitApiRequest.call(ctx, { method: 'GET', path, qs: { category: 'linear', symbol: 'BTCUSDT' } }),
		bare: async () => {
			const ts = String(Date.now());
			const sign = createHmac('sha256', secret).update(`${ts}${apiKey}5000${query}`).digest('hex');
			const res = await bare.get(`${path}?${query}`, {
				headers: { 'X-BAPI-API-KEY': apiKey, 'X-BAPI-TIMESTAMP': ts, 'X-BAPI-RECV-WINDOW': '5000', 'X-BAPI-SIGN': sign },
			});
			if (res.data.retCode !== 0) throw new Error(`bare: ${res.data.retMsg}`);
			return res.data.result;
		},
		bybitApi: async () => {
			const res = await client.getTickers({ category: 'linear', symbol: 'BTCUSDT' });
			if (res.retCode !== 0) throw new Error(`bybit-api: ${res.retMsg}`);
			return res.result;
		},
	};
	const samples: Record<string, number[]> = { node: [], bare: [], bybitApi: [] };
	try {
		for (const fn of Object.values(paths)) for (let i = 0; i < 20; i++) await fn(); // warm-up
		for (let round = 0; round < ROUNDS; round++) {
			resetRateLimiter();
			for (const [name, fn] of Object.entries(paths)) {
				const start = process.hrtime.bigint();
				for (let i = 0; i < PER_ROUND; i++) await fn();
				samples[name].push(hrtimeMs(start) / PER_ROUND);
			}
		}
	} finally {
		agent.destroy();
		await sandbox.close();
	}
	const node = median(samples.node);
	const vsBare = node / median(samples.bare);
	const vsLib = node / median(samples.bybitApi);
	const detail = `node ${node.toFixed(3)} ms, bare ${median(samples.bare).toFixed(3)} ms, bybit-api ${median(samples.bybitApi).toFixed(3)} ms per request`;
	return [
		{ id: 'P1a', name: 'signed request path vs bare HTTP (median per request)', value: `${vsBare.toFixed(2)}x`, target: '<= 1.10x', met: vsBare <= 1.1, note: detail },
		{ id: 'P1b', name: 'signed request path vs bybit-api RestClientV5', value: `${vsLib.toFixed(2)}x`, target: '<= 1.00x', met: vsLib <= 1.0 },
	];
}
