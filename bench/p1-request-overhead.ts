/**
 * P1 request overhead: the node's signed request path (transport + credential
 * `authenticate` + parse) against hand-signed baselines, all on one sandbox
 * endpoint, on one keep-alive loopback socket each.
 *
 * Paths (every one signs the same GET except bybit-api, which sends public
 * calls unsigned and so also spares the in-process sandbox its signature check):
 * - node: bybitApiRequest through n8n-core 2.41's real `httpRequestWithAuthentication`
 *   (n8n's credential helper calling our `authenticate`, n8n's outbound HTTP client).
 * - n8n: the same n8n-core helper, its `authenticate` a bare hand-signer: what any
 *   credential pays in n8n. node / n8n is the cost of our code alone.
 * - node (axios): bybitApiRequest through the test harness's axios stand-in for the helper
 *   (the path earlier figures measured).
 * - bare: a hand-signed axios request; bybitApi: bybit-api's RestClientV5.
 *
 * Each path is warmed up with WARM_UP calls (so JIT has compiled every path), then
 * ROUNDS short rounds each run every path PER_ROUND times, in an order rotated by round, so
 * machine noise hits all alike. A round's figure for a path is its median call (a call
 * stalled by another process does not move it); ratios are taken per round (node /
 * baseline in the same round) and reported as their median with the 10th-90th
 * percentile spread in brackets.
 *
 * The endpoint is GET /v5/market/tickers: no per-key limit, so the transport's rate
 * limiter never paces the loop (on a limited endpoint pacing is the point).
 */
import { createHmac } from 'crypto';
import http from 'http';

import axios from 'axios';
import { RestClientV5 } from 'bybit-api';
import type { ICredentialDataDecryptedObject, IHttpRequestOptions, INode, Workflow } from 'n8n-workflow';
import { httpRequestWithAuthentication as n8nHelper } from 'n8n-core/dist/execution-engine/node-execution-context/utils/request-helpers/authentication';

import { BybitApi } from '../credentials/BybitApi.credentials';
import { bybitApiRequest, type BybitContext } from '../nodes/Bybit/transport';
import { resetRateLimiter } from '../nodes/Bybit/transport/rateLimiter';
import { makeHttpRequest } from '../test/harness/http';
import { transportContext } from '../test/harness/loopback';
import { startSandbox } from '../test/sandbox';
import { hrtimeMs, median, percentile, type Figure } from './stats';

const WARM_UP = 2000;
const ROUNDS = 300;
const PER_ROUND = 11;

type Sign = (credentials: ICredentialDataDecryptedObject, options: IHttpRequestOptions) => Promise<IHttpRequestOptions>;

/** A node context whose `httpRequestWithAuthentication` is n8n-core's own, with n8n's credential helper reduced to what it does for a function `authenticate`. */
function n8nContext(credentials: ICredentialDataDecryptedObject, authenticate: Sign): BybitContext {
	const node: INode = { id: '1', name: 'Bybit', type: 'n8n-nodes-bybit.bybit', typeVersion: 1, position: [0, 0], parameters: {} };
	const additionalData = {
		credentialsHelper: {
			getParentTypes: () => [],
			preAuthentication: async () => undefined,
			authenticate: async (c: ICredentialDataDecryptedObject, _type: string, options: IHttpRequestOptions) => await authenticate(c, options),
		},
	};
	const ctx = {
		getNode: () => node,
		getCredentials: async () => credentials,
		helpers: {} as Record<string, unknown>,
	};
	ctx.helpers.httpRequestWithAuthentication = async (type: string, options: IHttpRequestOptions) =>
		await n8nHelper.call(ctx as never, type, options, {} as Workflow, node, additionalData as never);
	return ctx as unknown as BybitContext;
}

function spread(values: number[]): string {
	return `${percentile(values, 10).toFixed(2)}-${percentile(values, 90).toFixed(2)}`;
}

export async function run(): Promise<Figure[]> {
	const sandbox = await startSandbox({ port: 0, rateLimits: false });
	const { apiKey, secret } = sandbox.control.defaultKey;
	const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
	axios.defaults.httpAgent = agent;
	const credentials = { environment: 'custom', baseUrl: sandbox.restUrl, signatureMethod: 'hmac', apiKey, apiSecret: secret, recvWindow: 5000 };
	const credentialType = new BybitApi();
	const node = n8nContext(credentials, async (c, o) => await credentialType.authenticate(c, o));
	const handSigned = n8nContext(credentials, async (_c, o) => {
		const query = new URLSearchParams(o.qs as Record<string, string>).toString();
		const ts = String(Date.now());
		const sign = createHmac('sha256', secret).update(`${ts}${apiKey}5000${query}`).digest('hex');
		return {
			...o,
			url: `${sandbox.restUrl}${o.url}?${query}`,
			qs: undefined,
			headers: { 'X-BAPI-API-KEY': apiKey, 'X-BAPI-TIMESTAMP': ts, 'X-BAPI-RECV-WINDOW': '5000', 'X-BAPI-SIGN': sign },
		};
	});
	const harness = transportContext(sandbox.restUrl, secret, { apiKey });
	const standIn = makeHttpRequest();
	const client = new RestClientV5({ key: apiKey, secret, baseUrl: sandbox.restUrl, parseAPIRateLimits: false });
	const bare = axios.create({ httpAgent: agent, baseURL: sandbox.restUrl });
	const query = 'category=linear&symbol=BTCUSDT';
	const path = '/v5/market/tickers';
	const qs = { category: 'linear', symbol: 'BTCUSDT' };

	const paths: Record<string, () => Promise<unknown>> = {
		node: () => bybitApiRequest.call(node, { method: 'GET', path, qs }),
		n8n: async () => {
			const res = (await handSigned.helpers.httpRequestWithAuthentication.call(handSigned, 'bybitApi', { method: 'GET', url: path, qs, json: true })) as {
				retCode: number;
				retMsg: string;
				result: unknown;
			};
			if (res.retCode !== 0) throw new Error(`n8n: ${res.retMsg}`);
			return res.result;
		},
		nodeAxios: () => bybitApiRequest.call(harness, { method: 'GET', path, qs }),
		axios: async () => {
			const ts = String(Date.now());
			const sign = createHmac('sha256', secret).update(`${ts}${apiKey}5000${query}`).digest('hex');
			const res = (await standIn({
				method: 'GET',
				url: `${sandbox.restUrl}${path}?${query}`,
				json: true,
				returnFullResponse: true,
				ignoreHttpStatusErrors: true,
				headers: { 'X-BAPI-API-KEY': apiKey, 'X-BAPI-TIMESTAMP': ts, 'X-BAPI-RECV-WINDOW': '5000', 'X-BAPI-SIGN': sign },
			})) as { body: { retCode: number; retMsg: string; result: unknown } };
			if (res.body.retCode !== 0) throw new Error(`axios: ${res.body.retMsg}`);
			return res.body.result;
		},
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
	const names = Object.keys(paths);
	const samples: Record<string, number[]> = Object.fromEntries(names.map((n) => [n, []]));
	try {
		for (const fn of Object.values(paths)) {
			for (let i = 0; i < WARM_UP; i++) {
				// the IP budget (500 requests per 5 s) would pace the loop: start each stretch with a fresh one
				if (i % 200 === 0) resetRateLimiter();
				await fn();
			}
		}
		for (let round = 0; round < ROUNDS; round++) {
			resetRateLimiter();
			for (let k = 0; k < names.length; k++) {
				const name = names[(round + k) % names.length];
				const fn = paths[name];
				const calls: number[] = [];
				for (let i = 0; i < PER_ROUND; i++) {
					const start = process.hrtime.bigint();
					await fn();
					calls.push(hrtimeMs(start));
				}
				// the round's median call: a call stalled by another process on this machine does not move it
				samples[name].push(median(calls));
			}
		}
	} finally {
		agent.destroy();
		await sandbox.close();
	}
	const ratios = (a: string, b: string) => samples[a].map((v, i) => v / samples[b][i]);
	const vsBare = ratios('nodeAxios', 'bare');
	const vsLib = ratios('nodeAxios', 'bybitApi');
	const vsN8n = ratios('node', 'n8n');
	const ms = (name: string) => `${name} ${median(samples[name]).toFixed(3)}`;
	const detail = `ms per request: ${names.map(ms).join(', ')}; per-round ratio p10-p90 in brackets`;
	const figure = (id: string, name: string, values: number[], target: number, note?: string): Figure => ({
		id,
		name,
		value: `${median(values).toFixed(2)}x [${spread(values)}]`,
		target: `<= ${target.toFixed(2)}x`,
		met: median(values) <= target,
		note,
	});
	const ratio = (a: string, b: string) => `${a}/${b} ${median(ratios(a, b)).toFixed(2)}x [${spread(ratios(a, b))}]`;
	return [
		figure('P1a', 'signed request path vs bare HTTP (per-round median, axios helper)', vsBare, 1.1, detail),
		figure('P1b', 'signed request path vs bybit-api RestClientV5 (axios helper)', vsLib, 1.0, ratio('nodeAxios', 'axios')),
		figure('P1c', 'signed request path vs hand-signing through the same n8n-core helper', vsN8n, 1.1, `${ratio('node', 'bare')}, ${ratio('axios', 'bare')}`),
	];}
