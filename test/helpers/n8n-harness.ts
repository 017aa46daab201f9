// Runs our node types inside n8n-core's real execution engine (WorkflowExecute + ExecuteContext),
// so integration tests exercise n8n's own parameter handling, binary helpers, pairing checks and
// HTTP stack (httpRequestWithAuthentication → OutboundHttp/axios) against the fake API over real
// HTTP. Only credential storage is replaced: credentials come from the test.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { Container } from '@n8n/di';
import { BinaryDataConfig, BinaryDataService, ExecutionLifecycleHooks, WorkflowExecute } from 'n8n-core';
import {
	createRunExecutionData,
	ICredentialsHelper,
	Workflow,
	type ExecutionError,
	type IAuthenticateGeneric,
	type ICredentialDataDecryptedObject,
	type ICredentialType,
	type IDataObject,
	type IHttpRequestOptions,
	type INode,
	type INodeExecutionData,
	type INodeParameters,
	type INodeType,
	type INodeTypes,
	type IRun,
	type IWorkflowExecuteAdditionalData,
} from 'n8n-workflow';

import { AnesyaApi } from '../../credentials/AnesyaApi.credentials';
import { AnyformatApi } from '../../credentials/AnyformatApi.credentials';
import type { FakeApi } from '../fake-api';
// options, not the package entry: the constants without loading the fake's server
import { DEFAULT_ANESYA_TOKEN, DEFAULT_ANYFORMAT_KEY } from '../fake-api/options';

const credentialTypes: Record<string, ICredentialType> = {
	anyformatApi: new AnyformatApi(),
	anesyaApi: new AnesyaApi(),
};

function setPath(target: IDataObject, key: string, value: unknown) {
	target[key] = value as IDataObject[string];
}

/**
 * Applies a credential's `authenticate` the way n8n's CredentialsHelper does: a function is called,
 * a generic block has its keys and values resolved as expressions.
 */
export async function applyCredentialAuthentication(
	workflow: Workflow,
	node: INode,
	credentials: ICredentialDataDecryptedObject,
	typeName: string,
	options: IHttpRequestOptions,
): Promise<IHttpRequestOptions> {
	const type = credentialTypes[typeName];
	if (typeof type?.authenticate === 'function') return await type.authenticate(credentials, options);
	const authenticate = type?.authenticate as IAuthenticateGeneric | undefined;
	if (!authenticate || authenticate.type !== 'generic') return options;
	const resolve = (value: unknown) =>
		typeof value === 'string' && value.startsWith('=')
			? workflow.expression.getParameterValue(value, null, 0, 0, node.name, [], 'internal', {
					$credentials: credentials,
				} as never)
			: value;
	const out = { ...options } as IHttpRequestOptions & Record<string, unknown>;
	for (const [section, entries] of Object.entries(authenticate.properties)) {
		const target = { ...((out[section] as IDataObject | undefined) ?? {}) };
		for (const [key, value] of Object.entries(entries as IDataObject)) setPath(target, String(resolve(key)), resolve(value));
		out[section] = target;
	}
	return out;
}

class TestCredentialsHelper extends ICredentialsHelper {
	constructor(
		private readonly credentials: Record<string, ICredentialDataDecryptedObject>,
		private readonly workflowRef: { workflow?: Workflow },
	) {
		super();
	}

	getParentTypes(): string[] {
		return [];
	}

	isCredentialUsableByNode(): boolean {
		return true;
	}

	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		typeName: string,
		requestOptions: IHttpRequestOptions,
		_workflow: Workflow,
		node: INode,
	): Promise<IHttpRequestOptions> {
		return await applyCredentialAuthentication(this.workflowRef.workflow!, node, credentials, typeName, requestOptions);
	}

	async preAuthentication(): Promise<undefined> {
		return undefined;
	}

	async runPreAuthentication(): Promise<undefined> {
		return undefined;
	}

	async getDecrypted(_additionalData: unknown, _nodeCredentials: unknown, type: string): Promise<ICredentialDataDecryptedObject> {
		const data = this.credentials[type];
		if (!data) throw new Error(`Test did not provide credentials of type ${type}`);
		return { ...data };
	}

	async getCredentials(): Promise<never> {
		throw new Error('not used in tests');
	}

	async updateCredentials(): Promise<void> {}

	async updateCredentialsOauthTokenData(): Promise<void> {}

	getCredentialsProperties() {
		return [];
	}
}

/** The value n8n stores for a resource locator set "By ID". */
export function byId(value: string) {
	return { __rl: true, mode: 'id', value };
}

/** Credentials of both APIs pointing at `fake`, with its default key and token unless overridden. */
export function fakeCredentials(
	fake: Pick<FakeApi, 'urls'>,
	overrides: { apiKey?: string; apiToken?: string } = {},
): Record<string, ICredentialDataDecryptedObject> {
	return {
		anyformatApi: { apiKey: overrides.apiKey ?? DEFAULT_ANYFORMAT_KEY, baseUrl: fake.urls.anyformat },
		anesyaApi: { apiToken: overrides.apiToken ?? DEFAULT_ANESYA_TOKEN, baseUrl: fake.urls.anesya },
	};
}

/** The bytes of a file given as a Buffer or UTF-8 text, and the extension of its name. */
function fileParts(content: Buffer | string, fileName: string): { data: Buffer; extension?: string } {
	const data = Buffer.isBuffer(content) ? content : Buffer.from(content, 'utf8');
	return { data, extension: fileName.includes('.') ? fileName.split('.').pop() : undefined };
}

/** An input item carrying a file in n8n's in-memory binary format. */
export function fileItem(
	content: Buffer | string,
	fileName: string,
	mimeType: string,
	json: IDataObject = {},
	field = 'data',
): INodeExecutionData {
	const { data, extension } = fileParts(content, fileName);
	return {
		json,
		binary: {
			[field]: { data: data.toString('base64'), mimeType, fileName, fileExtension: extension, fileSize: String(data.length) },
		},
	};
}

let binaryStore: Promise<void> | undefined;

/**
 * Switches n8n-core's binary store to filesystem mode, as n8n 2.x runs by default (it has no
 * in-memory mode any more), once per process.
 */
export async function useFilesystemBinaryData(): Promise<void> {
	binaryStore ??= (async () => {
		const config = Container.get(BinaryDataConfig);
		config.mode = 'filesystem';
		config.localStoragePath = mkdtempSync(join(tmpdir(), 'n8n-binary-data-'));
		await Container.get(BinaryDataService).init();
	})();
	await binaryStore;
}

/** An input item whose file sits in n8n's binary store (filesystem mode), as real n8n 2.x passes files. */
export async function storedFileItem(
	content: Buffer | string,
	fileName: string,
	mimeType: string,
	json: IDataObject = {},
	field = 'data',
): Promise<INodeExecutionData> {
	await useFilesystemBinaryData();
	const { data, extension } = fileParts(content, fileName);
	const stored = await Container.get(BinaryDataService).store(
		{ type: 'execution', workflowId: 'test-workflow', executionId: 'test-execution' },
		data,
		{ data: '', mimeType, fileName, fileExtension: extension },
	);
	return { json, binary: { [field]: stored } };
}

export interface RunNodeOptions {
	nodeType: INodeType;
	parameters: INodeParameters;
	credentials?: Record<string, ICredentialDataDecryptedObject>;
	items?: INodeExecutionData[];
	continueOnFail?: boolean;
	/** Called with a cancel function once the execution has started (to test cancellation). */
	onStarted?: (cancel: () => void) => void;
	nodeName?: string;
	/** ID of the node's credential(s), as n8n stores it on the node (default `<type>-id`). */
	credentialId?: string;
	/** The node's typeVersion; the newest of the description by default. */
	typeVersion?: number;
}

export interface RunNodeResult {
	/** Output items of the node's first output (empty on error). */
	items: INodeExecutionData[];
	/** The node's error, when the execution failed. */
	error?: ExecutionError;
	status: IRun['status'];
	run: IRun;
}

/** Executes one node with the given parameters and input items in n8n's engine. */
export async function runNode(options: RunNodeOptions): Promise<RunNodeResult> {
	const name = options.nodeName ?? 'Node Under Test';
	const description = options.nodeType.description;
	const version = options.typeVersion ?? (Array.isArray(description.version) ? description.version.at(-1)! : description.version);
	const credentialNames = (description.credentials ?? []).map((c) => c.name);
	const node: INode = {
		id: 'node-under-test',
		name,
		type: `test.${description.name}`,
		typeVersion: version,
		position: [0, 0],
		parameters: options.parameters,
		credentials: Object.fromEntries(credentialNames.map((c) => [c, { id: options.credentialId ?? `${c}-id`, name: `${c} (test)` }])),
		continueOnFail: options.continueOnFail,
		onError: options.continueOnFail ? 'continueRegularOutput' : undefined,
	};
	const nodeTypes: INodeTypes = {
		getByName: () => options.nodeType,
		getByNameAndVersion: () => options.nodeType,
		getKnownTypes: () => ({}),
	};
	const workflowRef: { workflow?: Workflow } = {};
	const workflow = new Workflow({ id: 'test-workflow', nodes: [node], connections: {}, active: false, nodeTypes });
	workflowRef.workflow = workflow;

	const hooks = new ExecutionLifecycleHooks('manual', 'test-execution', { id: 'test-workflow' } as never);
	let resolveRun!: (run: IRun) => void;
	const finished = new Promise<IRun>((resolve) => (resolveRun = resolve));
	hooks.addHandler('workflowExecuteAfter', (run) => resolveRun(run));

	const additionalData = {
		hooks,
		credentialsHelper: new TestCredentialsHelper(options.credentials ?? {}, workflowRef),
		executionId: 'test-execution',
		restApiUrl: 'http://127.0.0.1/rest',
		instanceBaseUrl: 'http://127.0.0.1/',
		webhookBaseUrl: 'http://127.0.0.1/webhook',
		webhookWaitingBaseUrl: 'http://127.0.0.1/webhook-waiting',
		webhookTestBaseUrl: 'http://127.0.0.1/webhook-test',
		formWaitingBaseUrl: 'http://127.0.0.1/form-waiting',
		currentNodeParameters: undefined,
		variables: {},
		userId: 'test-user',
	} as unknown as IWorkflowExecuteAdditionalData;

	const runExecutionData = createRunExecutionData({
		executionData: {
			nodeExecutionStack: [{ node, data: { main: [options.items ?? [{ json: {} }]] }, source: null }],
		},
	});

	let execution: ReturnType<WorkflowExecute['processRunExecutionData']>;
	try {
		execution = new WorkflowExecute(additionalData, 'manual', runExecutionData).processRunExecutionData(workflow);
	} catch (error) {
		// n8n refuses to start a workflow whose nodes have issues (e.g. a required parameter left empty).
		return { items: [], error: error as ExecutionError, status: 'error', run: undefined as unknown as IRun };
	}
	options.onStarted?.(() => execution.cancel());
	await execution.catch(() => undefined);
	const run = await finished;
	const taskData = run.data.resultData.runData[name]?.[0];
	return {
		items: taskData?.data?.main?.[0] ?? [],
		error: run.data.resultData.error ?? taskData?.error,
		status: run.status,
		run,
	};
}
