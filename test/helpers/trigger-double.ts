// A small stand-in for the contexts n8n gives triggers: IHookFunctions (checkExists / create /
// delete), IWebhookFunctions (webhook) and IPollFunctions (poll), plus an HTTP receiver that turns real deliveries into
// webhook() calls and answers them the way n8n's webhook helpers do. Requests the node makes go out
// over real HTTP (global fetch) with the credential applied like n8n applies it.
import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

import {
	Workflow,
	type ICredentialDataDecryptedObject,
	type IDataObject,
	type IHookFunctions,
	type IHttpRequestOptions,
	type INode,
	type IPollFunctions,
	type INodeExecutionData,
	type INodeParameters,
	type INodeProperties,
	type INodeType,
	type IWebhookFunctions,
	type IWebhookResponseData,
	type WorkflowExecuteMode,
} from 'n8n-workflow';

import { applyCredentialAuthentication, runNode } from './n8n-harness';

export interface TriggerDoubleOptions {
	nodeType: INodeType;
	parameters?: INodeParameters;
	/** Decrypted credential data of the node's (first) credential type; none for triggers without one (Anesya). */
	credentials?: ICredentialDataDecryptedObject;
	/** What getNodeWebhookUrl('default') returns (webhook triggers). */
	webhookUrl?: string;
	/** 'trigger' for an active workflow (default), 'manual' for "Listen for test event". */
	mode?: WorkflowExecuteMode;
	/** Node static data; a fresh object by default (shared by every context of this double). */
	staticData?: IDataObject;
	/** The node's typeVersion; the newest of the description by default. */
	typeVersion?: number;
}

type RequestOptions = IHttpRequestOptions & { abortSignal?: AbortSignal };

function queryString(qs: IDataObject | undefined): string {
	const params = new URLSearchParams();
	for (const [key, value] of Object.entries(qs ?? {})) {
		if (value === undefined || value === null) continue;
		for (const v of Array.isArray(value) ? value : [value]) params.append(key, String(v));
	}
	const text = params.toString();
	return text ? `?${text}` : '';
}

/** Sends an IHttpRequestOptions with fetch, honouring the options the shared request layer uses. */
async function send(options: RequestOptions): Promise<unknown> {
	const headers: Record<string, string> = {};
	for (const [k, v] of Object.entries(options.headers ?? {})) if (v !== undefined) headers[k.toLowerCase()] = String(v);
	let body: Buffer | string | undefined;
	if (Buffer.isBuffer(options.body)) body = options.body;
	else if (typeof options.body === 'string') body = options.body;
	else if (options.body !== undefined) {
		body = JSON.stringify(options.body);
		headers['content-type'] ??= 'application/json';
	}
	const timeout = AbortSignal.timeout(options.timeout ?? 300_000);
	const signal = options.abortSignal ? AbortSignal.any([options.abortSignal, timeout]) : timeout;
	const response = await fetch(`${options.url}${queryString(options.qs as IDataObject)}`, {
		method: options.method ?? 'GET',
		headers,
		body,
		signal,
		redirect: options.disableFollowRedirect ? 'manual' : 'follow',
	}).catch((error: unknown) => {
		if (!options.abortSignal?.aborted && timeout.aborted) {
			throw Object.assign(new Error(`timeout of ${options.timeout}ms exceeded`), { code: 'ETIMEDOUT' });
		}
		throw error;
	});
	const bytes = Buffer.from(await response.arrayBuffer());
	let parsed: unknown = bytes;
	if (options.encoding !== 'arraybuffer') {
		const text = bytes.toString('utf8');
		parsed = text;
		if (options.json && text) {
			try {
				parsed = JSON.parse(text);
			} catch {
				parsed = text;
			}
		}
	}
	if (!options.ignoreHttpStatusErrors && response.status >= 400) {
		throw Object.assign(new Error(`Request failed with status code ${response.status}`), { httpCode: String(response.status) });
	}
	if (!options.returnFullResponse) return parsed;
	return { statusCode: response.status, headers: Object.fromEntries(response.headers), body: parsed };
}

export interface TriggerDouble {
	readonly node: INode;
	/** The node's credential (type → decrypted data), for the executions its deliveries start. */
	readonly credentials: Record<string, ICredentialDataDecryptedObject>;
	/** A fresh ID per double: process-wide caches keyed by credential ID never mix two tests' credentials. */
	readonly credentialId: string;
	readonly staticData: IDataObject;
	readonly warnings: string[];
	hookContext(): IHookFunctions;
	/** The context of one poll() call (n8n makes one per activation; static data is this double's). */
	pollContext(): IPollFunctions;
	webhookContext(request: ReceivedRequest, response: ServerResponse): IWebhookFunctions;
}

export interface ReceivedRequest {
	url: URL;
	headers: IncomingMessage['headers'];
	rawBody: Buffer;
	/** Like n8n for content types it does not pre-parse: rawBody is only filled by readRawBody(). */
	lazyRawBody: boolean;
}

export function triggerDouble(options: TriggerDoubleOptions): TriggerDouble {
	const { nodeType } = options;
	const description = nodeType.description;
	const node: INode = {
		id: 'trigger-under-test',
		name: description.defaults.name ?? description.displayName,
		type: `test.${description.name}`,
		typeVersion: options.typeVersion ?? (Array.isArray(description.version) ? description.version.at(-1)! : description.version),
		position: [0, 0],
		parameters: options.parameters ?? {},
		webhookId: 'b0000000-0000-4000-8000-0000000000aa',
	};
	const workflow = new Workflow({
		// Each double is its own workflow: remembered deliveries (static data, process memory) never leak between tests.
		id: `trigger-test-workflow-${randomUUID()}`,
		nodes: [node],
		connections: {},
		active: true,
		nodeTypes: { getByName: () => nodeType, getByNameAndVersion: () => nodeType, getKnownTypes: () => ({}) },
	});
	const staticData = options.staticData ?? {};
	const credentials = options.credentials ?? {};
	const warnings: string[] = [];
	const credentialType = description.credentials?.[0]?.name ?? '';

	// Like n8n, a parameter defined once per node version is the one whose '@version' shows it.
	const forThisVersion = (p: INodeProperties) => {
		const versions = p.displayOptions?.show?.['@version'];
		return versions === undefined || (versions as unknown[]).includes(node.typeVersion);
	};
	const getNodeParameter = (name: string, fallback?: unknown, opts?: { extractValue?: boolean }): any => {
		const property = description.properties.find((p) => p.name === name && forThisVersion(p));
		const value = name in node.parameters ? node.parameters[name] : (property?.default ?? fallback);
		if (opts?.extractValue && value && typeof value === 'object' && 'value' in (value as IDataObject)) {
			const locator = value as { mode?: string; value: unknown };
			const mode = property?.modes?.find((m) => m.name === locator.mode);
			const regex = mode?.extractValue?.regex;
			const match = regex && typeof locator.value === 'string' ? new RegExp(regex).exec(locator.value) : null;
			return match ? match[1] : locator.value;
		}
		return value;
	};

	const base = () => ({
		getNode: () => node,
		getWorkflow: () => ({ id: workflow.id, name: 'trigger test', active: true }),
		getWorkflowStaticData: (type: string) => {
			if (type !== 'node') throw new Error(`static data type ${type} not used by this node`);
			return staticData;
		},
		getMode: () => options.mode ?? 'trigger',
		getCredentials: async (type: string) => {
			if (type !== credentialType) throw new Error(`unexpected credential type ${type}`);
			return { ...credentials };
		},
		getNodeParameter,
		logger: {
			warn: (message: string) => warnings.push(message),
			error: (message: string) => warnings.push(message),
			info: () => undefined,
			debug: () => undefined,
		},
		helpers: {
			httpRequestWithAuthentication: async (type: string, request: IHttpRequestOptions) =>
				await send((await applyCredentialAuthentication(workflow, node, credentials, type, request)) as RequestOptions),
			returnJsonArray: (items: IDataObject | IDataObject[]): INodeExecutionData[] =>
				(Array.isArray(items) ? items : [items]).map((json) => ({ json })),
		},
	});

	return {
		node,
		credentials: credentialType ? { [credentialType]: credentials } : {},
		credentialId: `credential-${randomUUID()}`,
		staticData,
		warnings,
		hookContext: () =>
			({
				...base(),
				getActivationMode: () => 'activate',
				getNodeWebhookUrl: (name: string) => (name === 'default' ? options.webhookUrl : undefined),
				getWebhookName: () => 'default',
			}) as unknown as IHookFunctions,
		pollContext: () =>
			({
				...base(),
				getActivationMode: () => 'activate',
				getPollBudgetMs: () => 5 * 60_000,
				__emit: () => {
					throw new Error('poll() returns its items; it never emits');
				},
			}) as unknown as IPollFunctions,
		webhookContext: (request, response) => {
			const req = {
				headers: request.headers,
				rawBody: request.lazyRawBody ? undefined : request.rawBody,
				readRawBody: async () => {
					req.rawBody = request.rawBody;
				},
			};
			const query: Record<string, string | string[]> = {};
			for (const [key, value] of request.url.searchParams) {
				const seen = query[key];
				query[key] = seen === undefined ? value : ([] as string[]).concat(seen, value);
			}
			const json = /\bjson\b/.test(String(request.headers['content-type'] ?? ''));
			const res = {
				status: (code: number) => {
					response.statusCode = code;
					return res;
				},
				json: (value: unknown) => {
					response.setHeader('content-type', 'application/json');
					response.end(JSON.stringify(value));
					return res;
				},
				send: (value: unknown) => {
					response.end(typeof value === 'string' || Buffer.isBuffer(value) ? value : JSON.stringify(value));
					return res;
				},
				end: () => {
					response.end();
					return res;
				},
			};
			return {
				...base(),
				getNodeWebhookUrl: (name: string) => (name === 'default' ? options.webhookUrl : undefined),
				getWebhookName: () => 'default',
				getHeaderData: () => request.headers,
				getQueryData: () => query,
				getBodyData: () => (json && request.rawBody.length ? JSON.parse(request.rawBody.toString('utf8')) : {}),
				getRequestObject: () => req,
				getResponseObject: () => res,
			} as unknown as IWebhookFunctions;
		},
	};
}

/** Runs poll() as n8n does and returns the JSON of the items it emitted ([] when it returned null). */
export async function pollItems(nodeType: INodeType, double: TriggerDouble): Promise<IDataObject[]> {
	const out = await nodeType.poll!.call(double.pollContext());
	return out ? out[0].map((item) => item.json) : [];
}

/** One request the receiver got, how webhook() handled it and what n8n would have answered. */
export interface ReceivedDelivery {
	request: ReceivedRequest;
	result?: IWebhookResponseData;
	error?: unknown;
	status: number;
	responseBody: string;
	/** When the sender got its answer (epoch ms). */
	answeredAt?: number;
	/** What the execution started by this delivery output: the trigger node's items after its execute(), if any. */
	output?: INodeExecutionData[][];
	/** When that execution finished (epoch ms). */
	executedAt?: number;
}

/**
 * An HTTP endpoint standing in for n8n's webhook server: every POST goes to the node's webhook()
 * through `double`, and is answered as n8n does (node-written response, webhookResponse JSON, or the
 * description's responseData for accepted deliveries; 500 when webhook() throws). Workflow data
 * then starts an "execution" as in n8n: the trigger node runs in n8n's engine with those items as
 * its input, so a node with execute() gets to complete them there. A delivery is recorded (and
 * `answered` emitted) once its execution is done.
 */
export class WebhookReceiver extends EventEmitter {
	readonly deliveries: ReceivedDelivery[] = [];

	/** Base URL (no path), e.g. http://127.0.0.1:PORT */
	url = '';

	double?: TriggerDouble;

	/** Content types n8n would not pre-parse get a lazily read raw body. */
	lazyRawBodyFor = (contentType: string) => !/\bjson\b/.test(contentType);

	private readonly server: Server;

	constructor(private readonly nodeType: INodeType) {
		super();
		this.server = createServer((req, res) => void this.handle(req, res));
	}

	/** The trigger node's output in every execution a delivery started. */
	get executions(): INodeExecutionData[][][] {
		return this.deliveries.flatMap((d) => (d.output ? [d.output] : []));
	}

	private running = 0;

	/** Resolves once no delivery is being handled (bounded by timeoutMs). */
	async idle(timeoutMs = 10_000): Promise<void> {
		const deadline = Date.now() + timeoutMs;
		while (this.running > 0) {
			if (Date.now() > deadline) throw new Error(`receiver still handling ${this.running} deliveries after ${timeoutMs} ms`);
			await new Promise<void>((resolve) => {
				const timer = setTimeout(resolve, Math.max(0, deadline - Date.now()));
				this.once('answered', () => {
					clearTimeout(timer);
					resolve();
				});
			});
		}
	}

	/** Runs the trigger node over the items webhook() returned, as n8n's execution does. */
	private async execute(workflowData: INodeExecutionData[][]): Promise<INodeExecutionData[][]> {
		const double = this.double!;
		if (!this.nodeType.execute) return workflowData;
		const result = await runNode({
			nodeType: this.nodeType,
			parameters: double.node.parameters,
			credentials: double.credentials,
			credentialId: double.credentialId,
			items: workflowData[0],
			nodeName: double.node.name,
			typeVersion: double.node.typeVersion,
		});
		if (result.error) throw result.error;
		return [result.items];
	}

	async listen(): Promise<void> {
		await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
		this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
	}

	async close(): Promise<void> {
		this.server.closeAllConnections();
		await new Promise<void>((resolve) => this.server.close(() => resolve()));
	}

	/** Resolves once `count` requests have been answered (bounded by timeoutMs). */
	async waitForDeliveries(count: number, timeoutMs = 5000): Promise<ReceivedDelivery[]> {
		if (this.deliveries.length >= count) return this.deliveries.slice(0, count);
		return await new Promise((resolve, reject) => {
			const timer = setTimeout(() => {
				this.off('answered', check);
				reject(new Error(`receiver got ${this.deliveries.length} of ${count} deliveries in ${timeoutMs} ms`));
			}, timeoutMs);
			const check = () => {
				if (this.deliveries.length < count) return;
				clearTimeout(timer);
				this.off('answered', check);
				resolve(this.deliveries.slice(0, count));
			};
			this.on('answered', check);
		});
	}

	private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
		const chunks: Buffer[] = [];
		for await (const chunk of req) chunks.push(chunk as Buffer);
		const request: ReceivedRequest = {
			url: new URL(req.url ?? '/', this.url),
			headers: req.headers,
			rawBody: Buffer.concat(chunks),
			lazyRawBody: this.lazyRawBodyFor(String(req.headers['content-type'] ?? '')),
		};
		const delivery: ReceivedDelivery = { request, status: 0, responseBody: '' };
		const written: Buffer[] = [];
		const end = res.end.bind(res);
		res.end = ((chunk?: unknown) => {
			if (chunk !== undefined && typeof chunk !== 'function') written.push(Buffer.from(chunk as string));
			delivery.status = res.statusCode;
			delivery.responseBody = Buffer.concat(written).toString('utf8');
			delivery.answeredAt = Date.now();
			return end(chunk as never);
		}) as typeof res.end;
		this.running++;

		if (req.method !== 'POST' || !this.double) {
			res.statusCode = 404;
			res.end();
		} else {
			const ctx = this.double.webhookContext(request, res);
			await Promise.resolve(this.nodeType.webhook!.call(ctx)).then(
				(result) => {
					delivery.result = result;
					if (result.noWebhookResponse) return;
					res.statusCode = 200;
					if (!result.workflowData) {
						res.setHeader('content-type', 'application/json');
						res.end(JSON.stringify(result.webhookResponse ?? { message: 'Webhook call received' }));
						return;
					}
					const responseData = this.nodeType.description.webhooks?.[0]?.responseData ?? 'firstEntryJson';
					if (responseData === 'noData') res.end();
					else res.end(JSON.stringify(result.workflowData[0]?.[0]?.json ?? {}));
				},
				(error: unknown) => {
					delivery.error = error;
					res.statusCode = 500;
					res.end(JSON.stringify({ message: (error as Error).message }));
				},
			);
		}
		if (delivery.result?.workflowData) {
			try {
				delivery.output = await this.execute(delivery.result.workflowData);
			} catch (error) {
				delivery.error = error;
			}
			delivery.executedAt = Date.now();
		}
		this.running--;
		this.deliveries.push(delivery);
		this.emit('answered', delivery);
	}
}
