/**
 * Shared pieces of the real-n8n end-to-end suite (n8n.e2e.test.ts): the
 * sandbox it drives, workflow builders, the `n8n execute` case shape, and
 * small HTTP and waiting helpers.
 */
import * as fs from 'fs';
import * as http from 'http';
import * as net from 'net';
import * as path from 'path';

import { restAuthHeaders } from '../../credentials/common/bybit/signing';
import { waitFor } from '../harness/waitFor';

export { waitFor };

// ---------------------------------------------------------------------------------------------
// What this suite uses from the sandbox (test/sandbox). Loaded lazily so a skipped run needs none.

export interface SandboxRequest {
	method: string;
	path: string;
	query?: Record<string, unknown>;
	body?: unknown;
	headers?: Record<string, string | string[] | undefined>;
	signatureValid?: boolean;
	retCode?: number;
}
export interface SandboxControl {
	defaultKey: { apiKey: string; secret: string };
	requests(): SandboxRequest[];
	getState(): unknown;
	setPrice?(...args: unknown[]): unknown;
	dropAllSockets?(...args: unknown[]): unknown;
	closeCodes(): Array<{ code: number }>;
	/** Frames received on /v5/trade (WebSocket order entry), raw text as sent. */
	tradeFrames(): Array<{ op: string; raw: string; retCode: number; connId: string }>;
	[extra: string]: unknown;
}
export interface Sandbox {
	restUrl: string;
	wsUrl: string;
	control: SandboxControl;
	close(): Promise<void>;
}
export async function startSandbox(): Promise<Sandbox> {
	const modulePath = '../sandbox';
	// eslint-disable-next-line @typescript-eslint/no-require-imports
	const mod = require(modulePath) as { startSandbox(options: { port: number }): Promise<Sandbox> };
	return mod.startSandbox({ port: 0 });
}

// ---------------------------------------------------------------------------------------------
// Which parts of the package are built (npm test builds first)


export const REPO = path.resolve(__dirname, '..', '..');
const built = (rel: string) => fs.existsSync(path.join(REPO, 'dist', rel));
export const HAS_ACTION = built('nodes/Bybit/Bybit.node.js');
export const HAS_TRIGGER = built('nodes/BybitTrigger/BybitTrigger.node.js');
export type Needs = 'action' | 'trigger';
export const available = (needs: Needs[]) => needs.every((n) => (n === 'action' ? HAS_ACTION : HAS_TRIGGER));

// ---------------------------------------------------------------------------------------------
// Workflows

export type Json = Record<string, unknown>;
export interface WorkflowNode {
	id: string;
	name: string;
	type: string;
	typeVersion: number;
	position: [number, number];
	parameters: Json;
	credentials?: Json;
	[extra: string]: unknown;
}
export interface Workflow {
	id: string;
	name: string;
	nodes: WorkflowNode[];
	connections: Record<string, { main: Array<Array<{ node: string; type: string; index: number }>> }>;
	settings: Json;
	[extra: string]: unknown;
}

export const CRED_ID = 'e2eBybitSandbox';
export const EXAMPLE_CRED_ID = 'bybitDemoSandbox'; // what examples/*.json reference
export const bybitCredRef = { bybitApi: { id: CRED_ID, name: 'Bybit sandbox (e2e)' } };

/** Manual Trigger -> one Bybit node per step, chained (each step's output feeds the next). */
export function chainWorkflow(id: string, steps: Array<{ name: string; parameters: Json; type?: string; extra?: Json }>): Workflow {
	const nodes: WorkflowNode[] = [
		{ id: `${id}-0`, name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} },
		...steps.map((s, i) => ({
			id: `${id}-${i + 1}`,
			name: s.name,
			type: s.type ?? 'n8n-nodes-bybit.bybit',
			typeVersion: 1,
			position: [(i + 1) * 220, 0] as [number, number],
			parameters: s.parameters,
			...(s.type && !s.type.startsWith('n8n-nodes-bybit.') ? {} : { credentials: bybitCredRef }),
			...(s.extra ?? {}),
		})),
	];
	const connections: Workflow['connections'] = {};
	for (let i = 0; i < nodes.length - 1; i++) {
		connections[nodes[i].name] = { main: [[{ node: nodes[i + 1].name, type: 'main', index: 0 }]] };
	}
	return { id, name: `e2e ${id}`, nodes, connections, settings: { executionOrder: 'v1' } };
}

/** A `bybitApi` credential's data pointing at the sandbox (environment Custom), with overrides. */
export function sandboxCredentialData(sandbox: Sandbox, over: Json = {}): Json {
	return {
		environment: 'custom',
		baseUrl: sandbox.restUrl,
		wsBaseUrl: sandbox.wsUrl.replace(/\/v5\/.*$/, '').replace(/\/+$/, ''),
		signatureMethod: 'hmac',
		apiKey: sandbox.control.defaultKey.apiKey,
		apiSecret: sandbox.control.defaultKey.secret,
		recvWindow: 5000,
		...over,
	};
}

export function loadExample(file: string): Workflow {
	return JSON.parse(fs.readFileSync(path.join(REPO, 'examples', file), 'utf8')) as Workflow;
}

/** An example whose schedule/webhook trigger is swapped for a Manual Trigger (same node name). */
export function exampleAsManual(file: string, id: string): Workflow {
	const wf = loadExample(file);
	wf.id = id;
	wf.name = `e2e ${id}`;
	const targets = new Set(Object.values(wf.connections).flatMap((c) => c.main.flat().map((t) => t.node)));
	const trigger = wf.nodes.find((n) => n.type !== 'n8n-nodes-base.stickyNote' && !targets.has(n.name));
	if (!trigger) throw new Error(`${file}: no trigger node`);
	Object.assign(trigger, { type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, parameters: {} });
	return wf;
}

// ---------------------------------------------------------------------------------------------
// `n8n execute` cases: adding a workflow + assertions is one entry here.

/** node name -> json of every item of its first run, main output 0 */
export type NodeOutputs = Record<string, Json[]>;
export interface Ctx {
	sandbox: Sandbox;
	/** requests the sandbox received while this case ran */
	requests: SandboxRequest[];
}
export interface ExecuteCase {
	title: string;
	needs: Needs[];
	workflow: () => Workflow;
	before?: (ctx: Ctx) => Promise<void> | void;
	/** How many times the workflow is executed (each a new execution); `check` sees the last one. Default 1. */
	executions?: number;
	check: (out: NodeOutputs, ctx: Ctx) => Promise<void> | void;
}

// ---------------------------------------------------------------------------------------------
// Helpers

export function freePort(): Promise<number> {
	return new Promise((resolve, reject) => {
		const srv = net.createServer();
		srv.once('error', reject);
		srv.listen(0, '127.0.0.1', () => {
			const { port } = srv.address() as net.AddressInfo;
			srv.close(() => resolve(port));
		});
	});
}

export interface HttpResult {
	status: number;
	headers: http.IncomingHttpHeaders;
	text: string;
	json: any; // eslint-disable-line @typescript-eslint/no-explicit-any
}
export function httpJson(method: string, url: string, body?: unknown, headers: Record<string, string> = {}, timeoutMs = 30_000): Promise<HttpResult> {
	return new Promise((resolve, reject) => {
		const data = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
		const req = http.request(
			url,
			{
				method,
				headers: { accept: 'application/json', ...(data !== undefined ? { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(data)) } : {}), ...headers },
				agent: false,
			},
			(res) => {
				let text = '';
				res.setEncoding('utf8');
				res.on('data', (d) => (text += d));
				res.on('end', () => {
					let json: unknown;
					try {
						json = JSON.parse(text);
					} catch {
						json = undefined;
					}
					resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
				});
			},
		);
		req.setTimeout(timeoutMs, () => req.destroy(new Error(`${method} ${url}: timeout after ${timeoutMs / 1000} s`)));
		req.on('error', reject);
		req.end(data);
	});
}

/** A signed V5 REST call straight to the sandbox (the test acting as "another client"). */
export async function bybitRest(sandbox: Sandbox, method: 'GET' | 'POST', apiPath: string, params: Json): Promise<Json> {
	const key = { apiKey: sandbox.control.defaultKey.apiKey, secret: sandbox.control.defaultKey.secret, signatureMethod: 'hmac' as const };
	let url = `${sandbox.restUrl}${apiPath}`;
	let payload: string;
	let body: string | undefined;
	if (method === 'GET') {
		payload = new URLSearchParams(params as Record<string, string>).toString();
		if (payload) url += `?${payload}`;
	} else {
		payload = body = JSON.stringify(params);
	}
	const headers = restAuthHeaders({ key, timestamp: Date.now(), recvWindow: 5000, payload });
	const res = await httpJson(method, url, body, headers);
	return res.json as Json;
}

/**
 * An order placed on the sandbox as a test client (not through n8n). The key's order quota (10/s) may
 * still be taken by the step before (n8n's own orders and look-ups): a 10006 is waited out, as Bybit
 * refuses it before acting.
 */
export async function sandboxOrder(sandbox: Sandbox, order: Json): Promise<Json> {
	const res = await waitFor('an order the rate limit accepts', async () => {
		const r = await bybitRest(sandbox, 'POST', '/v5/order/create', order);
		return r.retCode === 10006 ? undefined : r;
	}, 10_000, 300);
	if (res.retCode !== 0) throw new Error(`the sandbox refused the test order: ${JSON.stringify(res).slice(0, 300)}`);
	return res;
}

/** Every order object in the sandbox state, wherever the state keeps them. */
export function sandboxOrders(state: unknown): Json[] {
	const found = new Map<string, Json>();
	const walk = (v: unknown, depth: number) => {
		if (!v || typeof v !== 'object' || depth > 6) return;
		if (v instanceof Map) return [...v.values()].forEach((x) => walk(x, depth + 1));
		if (Array.isArray(v)) return v.forEach((x) => walk(x, depth + 1));
		const o = v as Json;
		if (typeof o.orderId === 'string' && 'orderStatus' in o) {
			found.set(o.orderId, o);
			return;
		}
		Object.values(o).forEach((x) => walk(x, depth + 1));
	};
	const s = state as Json;
	walk(s && typeof s === 'object' && 'orders' in s ? s.orders : s, 0);
	return [...found.values()];
}

// ---------------------------------------------------------------------------------------------
