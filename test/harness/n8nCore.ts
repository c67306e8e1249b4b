/**
 * Runs the Bybit node inside n8n's own execution engine, in process:
 * `WorkflowExecute` from n8n-core 2.41 with a real `Workflow`, n8n's real
 * node execution context (parameter resolution, expressions, pairedItem,
 * continue-on-fail, error output) and n8n's real `httpRequestWithAuthentication`
 * (credential `authenticate`, then `@n8n/backend-network`'s outbound HTTP).
 * Only the credential store is a stand-in: it hands over the decrypted data.
 * n8n-core is not a public API; this pins the pair n8n 2.41.1 ships.
 */
import { ExecutionLifecycleHooks, WorkflowExecute } from 'n8n-core';
import {
	createRunExecutionData,
	ICredentialsHelper,
	Workflow,
	type ICredentialDataDecryptedObject,
	type ICredentials,
	type ICredentialsExpressionResolveValues,
	type IDataObject,
	type IExecuteData,
	type IHttpRequestOptions,
	type INode,
	type INodeCredentialsDetails,
	type INodeExecutionData,
	type INodeParameters,
	type INodeType,
	type INodeTypes,
	type IRun,
	type IWorkflowExecuteAdditionalData,
} from 'n8n-workflow';

import { BybitApi } from '../../credentials/BybitApi.credentials';
import { Bybit } from '../../nodes/Bybit/Bybit.node';

class SandboxCredentialsHelper extends ICredentialsHelper {
	private readonly type = new BybitApi();
	constructor(private readonly data: ICredentialDataDecryptedObject) {
		super();
	}
	getParentTypes(): string[] {
		return [];
	}
	isCredentialUsableByNode(): boolean {
		return true;
	}
	async authenticate(credentials: ICredentialDataDecryptedObject, _typeName: string, requestOptions: IHttpRequestOptions): Promise<IHttpRequestOptions> {
		return await this.type.authenticate(credentials, requestOptions);
	}
	async preAuthentication(): Promise<undefined> {
		return undefined;
	}
	async runPreAuthentication(): Promise<undefined> {
		return undefined;
	}
	async getCredentials(_details: INodeCredentialsDetails, _type: string): Promise<ICredentials> {
		throw new Error('not used');
	}
	async getDecrypted(
		_additionalData: IWorkflowExecuteAdditionalData,
		_details: INodeCredentialsDetails,
		_type: string,
		_mode: string,
		_executeData?: IExecuteData,
		_raw?: boolean,
		_expressionResolveValues?: ICredentialsExpressionResolveValues,
	): Promise<ICredentialDataDecryptedObject> {
		return { ...this.data };
	}
	async updateCredentials(): Promise<void> {}
	async updateCredentialsOauthTokenData(): Promise<void> {}
	getCredentialsProperties() {
		return this.type.properties;
	}
}

const bybit = new Bybit();
const nodeTypes: INodeTypes = {
	getByName: () => bybit as INodeType,
	getByNameAndVersion: () => bybit as INodeType,
	getKnownTypes: () => ({}),
};

export interface CoreRun {
	/** The Bybit node's main output (index 0), or undefined when it failed. */
	output: INodeExecutionData[] | undefined;
	/** The error output (index 1) when "On Error: Continue (using error output)". */
	errorOutput: INodeExecutionData[] | undefined;
	/** The node's error when the workflow stopped on it. */
	error: Error | undefined;
	run: IRun;
}

export interface CoreRunOptions {
	items?: IDataObject[];
	onError?: INode['onError'];
	/** Node settings, e.g. `{ retryOnFail: true, maxTries: 2, waitBetweenTries: 0 }` (n8n's Retry On Fail). */
	settings?: Pick<INode, 'retryOnFail' | 'maxTries' | 'waitBetweenTries'>;
	/** A new execution of the same workflow gets a new id; default 'exec-1'. */
	executionId?: string;
}

/** Runs one Bybit node with `parameters` over `items` in n8n's engine. */
export async function runInN8n(credentials: ICredentialDataDecryptedObject, parameters: INodeParameters, options: CoreRunOptions = {}): Promise<CoreRun> {
	const node: INode = {
		id: 'b1',
		name: 'Bybit',
		type: 'n8n-nodes-bybit.bybit',
		typeVersion: 1,
		position: [0, 0],
		parameters,
		credentials: { bybitApi: { id: '1', name: 'Bybit sandbox' } },
		...(options.onError ? { onError: options.onError } : {}),
		...(options.settings ?? {}),
	};
	const executionId = options.executionId ?? 'exec-1';
	const workflow = new Workflow({ id: 'wf1', name: 'in-process', nodes: [node], connections: {}, active: false, nodeTypes, settings: {} });
	const input: INodeExecutionData[] = (options.items ?? [{}]).map((json, index) => ({ json, pairedItem: { item: index } }));
	const runExecutionData = createRunExecutionData({
		executionData: { nodeExecutionStack: [{ node, data: { main: [input] }, source: null }] },
	});
	const additionalData = {
		credentialsHelper: new SandboxCredentialsHelper(credentials),
		hooks: new ExecutionLifecycleHooks('manual', executionId, { id: 'wf1', name: 'in-process', nodes: [node], connections: {}, active: false, settings: {}, createdAt: new Date(), updatedAt: new Date(), isArchived: false, activeVersionId: null } as never),
		executionId,
		currentNodeExecutionIndex: 0,
		restApiUrl: 'http://127.0.0.1:5678/restApiUrl',
		instanceBaseUrl: 'http://127.0.0.1:5678/instanceBaseUrl',
		formBaseUrl: 'http://127.0.0.1:5678/formBaseUrl',
		formWaitingBaseUrl: 'http://127.0.0.1:5678/formWaitingBaseUrl',
		formTestBaseUrl: 'http://127.0.0.1:5678/formTestBaseUrl',
		webhookBaseUrl: 'http://127.0.0.1:5678/webhookBaseUrl',
		webhookWaitingBaseUrl: 'http://127.0.0.1:5678/webhookWaitingBaseUrl',
		webhookTestBaseUrl: 'http://127.0.0.1:5678/webhookTestBaseUrl',
		mcpBaseUrl: 'http://127.0.0.1:5678/mcpBaseUrl',
		mcpTestBaseUrl: 'http://127.0.0.1:5678/mcpTestBaseUrl',
		variables: {},
		logAiEvent: () => undefined,
		getRunExecutionData: async () => undefined,
		getRuntimeCredential: async () => undefined,
		executeWorkflow: async () => {
			throw new Error('not used');
		},
	} as unknown as IWorkflowExecuteAdditionalData;
	const run = await new WorkflowExecute(additionalData, 'manual', runExecutionData).processRunExecutionData(workflow);
	const task = run.data.resultData.runData.Bybit?.[0];
	return {
		output: task?.data?.main?.[0] ?? undefined,
		errorOutput: task?.data?.main?.[1] ?? undefined,
		error: (task?.error ?? run.data.resultData.error) as Error | undefined,
		run,
	};
}
