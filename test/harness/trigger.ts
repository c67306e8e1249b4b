/**
 * A minimal ITriggerFunctions for the Bybit Trigger: parameters by name,
 * `emit`/`emitError` recorded, static data kept across restarts, and the
 * real credential + axios behind httpRequestWithAuthentication.
 */
// n8n-core's own extractValue (resource locator modes, `extractValue` regexes), as getNodeParameter applies it
import { extractValue } from 'n8n-core/dist/execution-engine/node-execution-context/utils/extract-value';
import { Workflow, type ICredentialDataDecryptedObject, type IDataObject, type INode, type INodeExecutionData, type INodeTypes, type ITriggerFunctions, type ITriggerResponse } from 'n8n-workflow';

import { BybitTrigger } from '../../nodes/BybitTrigger/BybitTrigger.node';
import { bybitApiRequest, type BybitContext } from '../../nodes/Bybit/transport';
import { resetRateLimiter } from '../../nodes/Bybit/transport/rateLimiter';
import { startSandbox, type Sandbox } from '../sandbox';
import { sandboxCredentials } from './execute';
import { makeHttpRequestWithAuthentication } from './http';
import { transportContext } from './loopback';

/** The sandbox's default key as a trigger credential (REST and WebSocket), with overrides. */
export function triggerCredentials(sandbox: Sandbox, extra: IDataObject = {}): ICredentialDataDecryptedObject {
	const { apiKey, secret } = sandbox.control.defaultKey;
	return { ...sandboxCredentials(sandbox.restUrl, apiKey, secret), wsBaseUrl: sandbox.wsUrl, ...extra };
}

/** A transport context on the sandbox's default key, to act on the exchange while a trigger listens. */
export function sandboxContext(sandbox: Sandbox): BybitContext {
	return transportContext(sandbox.restUrl, sandbox.control.defaultKey.secret, { apiKey: sandbox.control.defaultKey.apiKey });
}

/** Places an order (default: a 0.01 BTCUSDT linear market buy) through the real transport. */
export async function placeOrder(sandbox: Sandbox, body: IDataObject): Promise<IDataObject> {
	return await bybitApiRequest.call(sandboxContext(sandbox), {
		method: 'POST',
		path: '/v5/order/create',
		body: { category: 'linear', symbol: 'BTCUSDT', orderType: 'Market', qty: '0.01', side: 'Buy', ...body },
	});
}

/** Triggers started and not yet closed: useTriggerSandbox() closes them after each test. */
const open = new Set<ITriggerResponse>();

/**
 * A fresh sandbox per test (handed to `set`), and after each test every
 * trigger still open is closed, then the sandbox.
 */
export function useTriggerSandbox(set: (sandbox: Sandbox) => void): void {
	let current: Sandbox | undefined;
	beforeEach(async () => {
		resetRateLimiter();
		current = await startSandbox({ port: 0, rateLimits: false });
		set(current);
	});
	afterEach(async () => {
		for (const response of [...open]) await response.closeFunction?.();
		await current?.close();
	});
}

export interface TriggerRun {
	response: ITriggerResponse;
	emitted: IDataObject[][];
	items: () => IDataObject[];
	errors: Error[];
	staticData: IDataObject;
	waitFor: (predicate: (items: IDataObject[]) => boolean, timeoutMs?: number) => Promise<void>;
	/** The trigger context: tests swap `emit` on it as n8n does in manual mode. */
	ctx: ITriggerFunctions;
}

/**
 * n8n 2.41's handling of an active trigger's static data, with n8n-workflow's
 * real classes: `load()` builds a Workflow from what the database holds (the
 * Workflow wraps it in an ObservableObject) and returns the node's static
 * data as `getStaticData('node', node)` does; `save()` is
 * WorkflowStaticDataService.saveStaticData: the whole static data goes to the
 * database (JSON) only when `__dataChanged` is set. n8n calls it at the start
 * of every emit and after an activation, never on close.
 */
export class N8nStaticData {
	/** The database column (JSON text). */
	db: string;
	saves = 0;
	private workflow?: Workflow;

	constructor(db: IDataObject = {}) {
		this.db = JSON.stringify(db);
	}

	load(): IDataObject {
		const nodeTypes = { getByNameAndVersion: () => undefined, getByName: () => undefined, getKnownTypes: () => ({}) } as unknown as INodeTypes;
		this.workflow = new Workflow({ id: 'wf-db', nodes: [TRIGGER_NODE], connections: {}, active: true, nodeTypes, staticData: JSON.parse(this.db) as IDataObject });
		return this.workflow.getStaticData('node', TRIGGER_NODE);
	}

	save(): void {
		const data = this.workflow?.staticData;
		if (data?.__dataChanged !== true) return;
		this.db = JSON.stringify(data);
		data.__dataChanged = false;
		this.saves++;
	}

	/** The node's part of what the database holds. */
	saved(): IDataObject {
		return ((JSON.parse(this.db) as IDataObject)[`node:${TRIGGER_NODE.name}`] as IDataObject | undefined) ?? {};
	}
}

const TRIGGER_NODE: INode = { id: 't1', name: 'Bybit Trigger', type: 'n8n-nodes-bybit.bybitTrigger', typeVersion: 1, position: [0, 0], parameters: {} };
let workflowNo = 0;

export interface TriggerOptions {
	mode?: 'trigger' | 'manual';
	staticData?: IDataObject;
	/** Static data loaded and saved as n8n does (overrides `staticData`). */
	n8n?: N8nStaticData;
	/** Same id = the same workflow in this process (default: a new one per trigger). */
	workflowId?: string;
	/** The node's typeVersion as saved in the workflow (default 1). */
	typeVersion?: number;
}

export async function startTrigger(
	params: Record<string, unknown>,
	credentials: ICredentialDataDecryptedObject | undefined,
	options: TriggerOptions = {},
): Promise<TriggerRun> {
	const emitted: IDataObject[][] = [];
	const errors: Error[] = [];
	const staticData = options.n8n ? options.n8n.load() : (options.staticData ?? {});
	const node: INode = { ...TRIGGER_NODE, typeVersion: options.typeVersion ?? 1, parameters: params as INode['parameters'] };
	const nodeType = new BybitTrigger();
	const workflow = { id: options.workflowId ?? `wf-${++workflowNo}`, name: 'Bybit Trigger test', active: true };
	const ctx = {
		getNode: () => node,
		getWorkflow: () => workflow,
		getMode: () => options.mode ?? 'trigger',
		getCredentials: async () => {
			if (!credentials) throw new Error('no credential');
			return credentials;
		},
		getNodeParameter: (name: string, fallback?: unknown, opts?: { extractValue?: boolean }) => {
			const value = name in params ? params[name] : fallback;
			return opts?.extractValue ? extractValue(value as never, name, node, nodeType) : value;
		},
		getWorkflowStaticData: () => staticData,
		emit: (data: INodeExecutionData[][]) => {
			options.n8n?.save();
			emitted.push(data[0].map((d) => d.json));
		},
		emitError: (error: Error) => errors.push(error),
		// present on n8n 2.x trigger contexts (the Bybit Trigger tells 1.x apart by its absence)
		saveFailedExecution: (error: Error) => errors.push(error),
		logger: { warn: () => undefined, info: () => undefined, debug: () => undefined, error: () => undefined },
		helpers: {
			returnJsonArray: (data: IDataObject | IDataObject[]) => (Array.isArray(data) ? data : [data]).map((json) => ({ json })),
			httpRequestWithAuthentication: credentials ? makeHttpRequestWithAuthentication(credentials) : undefined,
		},
	} as unknown as ITriggerFunctions;
	const response = await nodeType.trigger.call(ctx);
	options.n8n?.save(); // after a successful activation
	const close = response.closeFunction;
	if (close) {
		open.add(response);
		response.closeFunction = async () => {
			open.delete(response);
			await close();
		};
	}
	const items = () => emitted.flat();
	const waitFor = async (predicate: (items: IDataObject[]) => boolean, timeoutMs = 10_000) => {
		const end = Date.now() + timeoutMs;
		while (!predicate(items())) {
			if (Date.now() > end) throw new Error(`timed out; ${items().length} items emitted, errors: ${errors.map((e) => e.message).join('; ')}`);
			await new Promise((r) => setTimeout(r, 20));
		}
	};
	return { response, emitted, items, errors, staticData, waitFor, ctx };
}
