/**
 * Drive a running n8n over HTTP: log in as the owner (cookie), mint a public-API key, then create credentials and
 * workflows, (de)activate, read executions, and run the editor's credential "Test" through its internal endpoint.
 * Every request and every wait is bounded by time.
 */
import { waitUntil, type WaitOptions } from './wait';

/** Label prefix of the public-API keys `connect` mints, so tools can find and prune them. */
export const API_KEY_LABEL_PREFIX = 'e2e-';

export interface HttpResult<T = unknown> {
	status: number;
	body: T;
	headers: Headers;
}

export interface CredentialRef {
	id: string;
	name: string;
	type: string;
}

export interface WorkflowNode {
	id?: string;
	name: string;
	type: string;
	typeVersion: number;
	position: [number, number];
	parameters: Record<string, unknown>;
	credentials?: Record<string, { id: string; name: string }>;
	webhookId?: string;
	[key: string]: unknown;
}

export interface WorkflowJson {
	id?: string;
	name: string;
	nodes: WorkflowNode[];
	connections: Record<string, unknown>;
	settings?: Record<string, unknown>;
	active?: boolean;
	pinData?: unknown;
	[key: string]: unknown;
}

export interface Execution {
	id: string;
	workflowId: string;
	status: string; // 'success' | 'error' | 'running' | 'waiting' | 'canceled' | 'crashed' | 'new'
	mode: string;
	finished: boolean;
	startedAt: string;
	stoppedAt: string | null;
	data?: {
		resultData: {
			runData: Record<string, Array<{ data?: { main?: Array<Array<{ json: Record<string, unknown> }> | null> }; error?: unknown }>>;
			error?: { message?: string; [k: string]: unknown };
			lastNodeExecuted?: string;
		};
	};
	[key: string]: unknown;
}

export interface CredentialTestResult {
	status: 'OK' | 'Error' | string;
	message: string;
	[key: string]: unknown;
}

export interface N8nApiOptions {
	/** per-request bound (default 30 s) */
	requestTimeoutMs?: number;
}

/** A response body: parsed JSON, the text itself when it is not JSON, undefined when empty. */
export async function responseBody(res: Response): Promise<unknown> {
	const text = await res.text();
	try {
		return text ? JSON.parse(text) : undefined;
	} catch {
		return text;
	}
}

/**
 * fetch on a fresh connection: n8n closes idle keep-alive sockets after 5 s, and on a loaded machine a request
 * could go out on a socket n8n was just closing ("SocketError: other side closed"), with no way to know
 * whether n8n acted on it.
 */
function n8nFetch(url: string, init: RequestInit & { headers?: Record<string, string> }): Promise<Response> {
	return fetch(url, { ...init, headers: { ...init.headers, connection: 'close' } });
}

export class N8nApiError extends Error {
	constructor(
		message: string,
		readonly status: number,
		readonly body: unknown,
	) {
		super(`${message}: HTTP ${status} ${typeof body === 'string' ? body : JSON.stringify(body)}`.slice(0, 2000));
	}
}

export class N8nApi {
	private constructor(
		readonly baseUrl: string,
		readonly cookie: string,
		readonly apiKey: string,
		private readonly requestTimeoutMs: number,
	) {}

	/**
	 * Log in as the owner (POST /rest/login; if no owner exists yet, as on n8n versions without owner-from-env,
	 * set it up with POST /rest/owner/setup), then mint a public-API key with all owner scopes.
	 * No `browser-id` header is sent: n8n would bind the session cookie to it.
	 */
	static async connect(
		instance: { url: string; owner: { email: string; password: string; firstName?: string; lastName?: string } },
		opts: N8nApiOptions = {},
	): Promise<N8nApi> {
		const timeout = opts.requestTimeoutMs ?? 30_000;
		const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
			n8nFetch(`${instance.url}${path}`, {
				method: 'POST',
				headers: { 'content-type': 'application/json', ...headers },
				body: JSON.stringify(body),
				signal: AbortSignal.timeout(timeout),
			});
		const { email, password } = instance.owner;
		let res = await post('/rest/login', { emailOrLdapLoginId: email, password });
		if (res.status !== 200) {
			const loginBody = await responseBody(res);
			res = await post('/rest/owner/setup', {
				email,
				password,
				firstName: instance.owner.firstName ?? 'E2E',
				lastName: instance.owner.lastName ?? 'Owner',
			});
			if (res.status !== 200) throw new N8nApiError('login failed (and owner setup too)', res.status, { loginBody, setup: await responseBody(res) });
		}
		await res.arrayBuffer();
		const cookie = res.headers
			.getSetCookie()
			.map((c) => c.split(';')[0])
			.join('; ');
		if (!cookie.includes('n8n-auth=')) throw new Error(`login returned no n8n-auth cookie: ${cookie}`);

		const get = (path: string) => n8nFetch(`${instance.url}${path}`, { headers: { cookie }, signal: AbortSignal.timeout(timeout) });
		const scopesRes = await get('/rest/api-keys/scopes');
		const scopes = ((await responseBody(scopesRes)) as { data?: string[] })?.data;
		if (scopesRes.status !== 200 || !Array.isArray(scopes)) throw new N8nApiError('GET /rest/api-keys/scopes', scopesRes.status, scopes);
		const keyRes = await post('/rest/api-keys', { label: `${API_KEY_LABEL_PREFIX}${Date.now()}`, scopes, expiresAt: null }, { cookie });
		const keyBody = (await responseBody(keyRes)) as { data?: { rawApiKey?: string } };
		const apiKey = keyBody?.data?.rawApiKey;
		if (keyRes.status !== 200 || !apiKey) throw new N8nApiError('POST /rest/api-keys', keyRes.status, keyBody);
		return new N8nApi(instance.url, cookie, apiKey, timeout);
	}

	// ---- raw access -------------------------------------------------------------------------------------------
	private async request<T>(method: string, url: string, headers: Record<string, string>, body?: unknown): Promise<HttpResult<T>> {
		const res = await n8nFetch(url, {
			method,
			headers: body === undefined ? headers : { ...headers, 'content-type': 'application/json' },
			body: body === undefined ? undefined : JSON.stringify(body),
			signal: AbortSignal.timeout(this.requestTimeoutMs),
		});
		return { status: res.status, body: (await responseBody(res)) as T, headers: res.headers };
	}

	/** Internal REST API (what the editor uses), cookie-authenticated. `path` starts after /rest. */
	rest<T = unknown>(method: string, path: string, body?: unknown): Promise<HttpResult<T>> {
		return this.request<T>(method, `${this.baseUrl}/rest${path}`, { cookie: this.cookie }, body);
	}

	/** Public API v1, key-authenticated. `path` starts after /api/v1. */
	publicApi<T = unknown>(method: string, path: string, body?: unknown): Promise<HttpResult<T>> {
		return this.request<T>(method, `${this.baseUrl}/api/v1${path}`, { 'X-N8N-API-KEY': this.apiKey }, body);
	}

	/** Any path on the instance with the session cookie (e.g. /types/credentials.json). */
	withCookie<T = unknown>(method: string, path: string, body?: unknown): Promise<HttpResult<T>> {
		return this.request<T>(method, `${this.baseUrl}${path}`, { cookie: this.cookie }, body);
	}

	private static ok<T>(what: string, r: HttpResult<T>): T {
		if (r.status < 200 || r.status >= 300) throw new N8nApiError(what, r.status, r.body);
		return r.body;
	}

	// ---- type catalogues (what the editor loads) -------------------------------------------------------------
	/** GET /types/credentials.json: every credential type n8n loaded (name, displayName, properties, iconUrl, …). */
	async credentialTypes(): Promise<Array<Record<string, unknown> & { name: string }>> {
		return N8nApi.ok('GET /types/credentials.json', await this.withCookie('GET', '/types/credentials.json'));
	}

	/** GET /types/nodes.json: every node type (one entry per version). */
	async nodeTypes(): Promise<Array<Record<string, unknown> & { name: string }>> {
		return N8nApi.ok('GET /types/nodes.json', await this.withCookie('GET', '/types/nodes.json'));
	}

	// ---- credentials -----------------------------------------------------------------------------------------
	async createCredential(type: string, data: Record<string, unknown>, name = `${type} (e2e)`): Promise<CredentialRef> {
		let r = await this.publicApi<{ id: string; name: string; type: string; message?: string }>('POST', '/credentials', { name, type, data });
		if (r.status === 400 && /allowedDomains/.test(JSON.stringify(r.body))) {
			// n8n 2.8's public API schema demands "allowedDomains" unless the domain restriction is set explicitly
			r = await this.publicApi('POST', '/credentials', { name, type, data: { ...data, allowedHttpRequestDomains: 'all' } });
		}
		const body = N8nApi.ok(`create credential ${type}`, r);
		return { id: body.id, name: body.name, type: body.type };
	}

	async deleteCredential(id: string): Promise<void> {
		N8nApi.ok(`delete credential ${id}`, await this.publicApi('DELETE', `/credentials/${id}`));
	}

	/**
	 * The editor's "Test" button: POST /rest/credentials/test {credentials:{id,name,type,data}} (cookie).
	 * With `id: ''` (default) n8n tests the given data without storing it (the owner may do that); pass the id of
	 * a stored credential to test it: with `data` undefined the stored data is used (fetched redacted, as the
	 * editor does), or pass changed `data` as the editor does after an edit.
	 */
	async testCredential(
		type: string,
		data: Record<string, unknown> | undefined,
		opts: { id?: string; name?: string } = {},
	): Promise<CredentialTestResult> {
		if (data === undefined && opts.id) {
			// like the editor: send the stored data as GET /rest/credentials/:id?includeData=true shows it (secrets
			// redacted); n8n puts the real secrets back before testing. Without data n8n would test nothing.
			const stored = await this.rest<{ data: { data: Record<string, unknown> } }>('GET', `/credentials/${opts.id}?includeData=true`);
			data = N8nApi.ok(`get credential ${opts.id}`, stored).data.data;
		}
		const r = await this.rest<{ data: CredentialTestResult }>('POST', '/credentials/test', {
			credentials: { id: opts.id ?? '', name: opts.name ?? `${type} (test)`, type, data },
		});
		if (r.status === 403 && !opts.id && data) {
			// n8n 2.8 tests stored credentials only (its editor saves before testing): store, test, delete
			const stored = await this.createCredential(type, data, `${opts.name ?? type} (test ${Date.now()})`);
			try {
				return await this.testCredential(type, data, { id: stored.id, name: stored.name });
			} finally {
				await this.deleteCredential(stored.id);
			}
		}
		return N8nApi.ok(`test credential ${type}`, r).data;
	}

	// ---- workflows -------------------------------------------------------------------------------------------
	/**
	 * POST /api/v1/workflows. Strips what the public API refuses (id, active, pinData, …) and points every node
	 * credential of a type in `credentials` at that stored credential.
	 */
	async createWorkflow(workflow: WorkflowJson, credentials: CredentialRef[] = []): Promise<WorkflowJson & { id: string }> {
		const byType = new Map(credentials.map((c) => [c.type, c]));
		const nodes = workflow.nodes.map((node) => {
			const creds: Record<string, { id: string; name: string }> = { ...(node.credentials ?? {}) };
			for (const type of Object.keys(creds)) {
				const c = byType.get(type);
				if (c) creds[type] = { id: c.id, name: c.name };
			}
			return node.credentials ? { ...node, credentials: creds } : node;
		});
		const body = {
			name: workflow.name,
			nodes,
			connections: workflow.connections,
			settings: workflow.settings ?? { executionOrder: 'v1' },
		};
		return N8nApi.ok(`create workflow ${workflow.name}`, await this.publicApi('POST', '/workflows', body));
	}

	/**
	 * POST /api/v1/workflows/{id}/activate. Activation finishes asynchronously in n8n 2.41 (publication outbox):
	 * wait on an observable effect afterwards (webhook answers, trigger registered at the fake API), e.g. with
	 * waitForWebhook().
	 */
	async activate(id: string): Promise<void> {
		N8nApi.ok(`activate workflow ${id}`, await this.publicApi('POST', `/workflows/${id}/activate`));
	}

	async deactivate(id: string): Promise<void> {
		N8nApi.ok(`deactivate workflow ${id}`, await this.publicApi('POST', `/workflows/${id}/deactivate`));
	}

	async deleteWorkflow(id: string): Promise<void> {
		N8nApi.ok(`delete workflow ${id}`, await this.publicApi('DELETE', `/workflows/${id}`));
	}

	// ---- executions ------------------------------------------------------------------------------------------
	async listExecutions(query: { workflowId?: string; status?: string; limit?: number; includeData?: boolean } = {}): Promise<Execution[]> {
		const qs = new URLSearchParams();
		if (query.workflowId) qs.set('workflowId', query.workflowId);
		if (query.status) qs.set('status', query.status);
		qs.set('limit', String(query.limit ?? 100));
		if (query.includeData) qs.set('includeData', 'true');
		const body = N8nApi.ok<{ data: Execution[] }>('list executions', await this.publicApi('GET', `/executions?${qs}`));
		return body.data;
	}

	/** Every execution (of a workflow), following the public API's cursor; bounded by `max`. */
	async listAllExecutions(query: { workflowId?: string; includeData?: boolean; max?: number } = {}): Promise<Execution[]> {
		const all: Execution[] = [];
		let cursor: string | undefined;
		const max = query.max ?? 10_000;
		do {
			const qs = new URLSearchParams({ limit: '100' });
			if (query.workflowId) qs.set('workflowId', query.workflowId);
			if (query.includeData) qs.set('includeData', 'true');
			if (cursor) qs.set('cursor', cursor);
			const page = N8nApi.ok<{ data: Execution[]; nextCursor?: string | null }>('list executions', await this.publicApi('GET', `/executions?${qs}`));
			all.push(...page.data);
			cursor = page.nextCursor ?? undefined;
		} while (cursor && all.length < max);
		return all;
	}

	async getExecution(id: string | number, includeData = true): Promise<Execution> {
		return N8nApi.ok(`get execution ${id}`, await this.publicApi('GET', `/executions/${id}?includeData=${includeData}`));
	}

	/** Polls the executions of a workflow (or all) until one matches; returns it with its data. Bounded. */
	async waitForExecution(
		predicate: (e: Execution) => boolean,
		opts: WaitOptions & { workflowId?: string; includeData?: boolean } = {},
	): Promise<Execution> {
		const found = await waitUntil(
			async () => (await this.listExecutions({ workflowId: opts.workflowId })).find(predicate),
			{ timeoutMs: opts.timeoutMs ?? 30_000, intervalMs: opts.intervalMs ?? 200, description: opts.description ?? 'a matching execution' },
		);
		return opts.includeData === false ? found : await this.getExecution(found.id, true);
	}

	// ---- webhooks --------------------------------------------------------------------------------------------
	/** Calls a production webhook path (`/webhook/<path>`); JSON body in, parsed body out. */
	async callWebhook<T = unknown>(
		path: string,
		body?: unknown,
		opts: { method?: string; timeoutMs?: number; headers?: Record<string, string> } = {},
	): Promise<HttpResult<T>> {
		const method = opts.method ?? 'POST';
		const res = await n8nFetch(`${this.baseUrl}/webhook/${path.replace(/^\/+/, '')}`, {
			method,
			headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...opts.headers },
			body: body === undefined ? undefined : JSON.stringify(body),
			signal: AbortSignal.timeout(opts.timeoutMs ?? this.requestTimeoutMs),
		});
		return { status: res.status, body: (await responseBody(res)) as T, headers: res.headers };
	}

	/**
	 * Calls the webhook until n8n has registered it (anything but 404 "not registered"), i.e. until the async
	 * activation is effective, and returns that first real response. Bounded by `timeoutMs` (default 15 s).
	 */
	async waitForWebhook<T = unknown>(
		path: string,
		body?: unknown,
		opts: WaitOptions & { method?: string } = {},
	): Promise<HttpResult<T>> {
		return await waitUntil(
			async () => {
				const r = await this.callWebhook<T>(path, body, { method: opts.method });
				return r.status === 404 ? undefined : r;
			},
			{ timeoutMs: opts.timeoutMs ?? 15_000, intervalMs: opts.intervalMs ?? 100, description: opts.description ?? `webhook ${path} to be registered` },
		);
	}
}
