import { NodeConnectionTypes, type IDataObject, type IExecuteFunctions, type INodeType } from 'n8n-workflow';

import { ApiRequestError } from '../../../nodes/shared/errors';
import { networkProblem } from '../../../nodes/shared/failures';
import { anyformatApi } from '../../../nodes/Anyformat/transport';
import { CREDENTIAL_TTL_MS, shareCredentials } from '../../../nodes/shared/connection';
import { apiRequest, requestTarget, type ApiRequest, type VendorApi } from '../../../nodes/shared/request';
import * as wait from '../../../nodes/shared/wait';
import { runNode } from '../../helpers/n8n-harness';
import { json, startScriptedServer, type Handler } from '../../helpers/scripted-server';

const API_KEY = 'af_secret_key_1234567890';

const testApi: VendorApi = {
	name: 'testapi',
	credentialType: 'anyformatApi',
	defaultBaseUrl: 'http://127.0.0.1:1',
	secretFields: ['apiKey'],
	retry: { maxRetries: 2, maxRateLimitRetries: 3, baseDelayMs: 20, maxDelayMs: 80, maxRetryAfterMs: 5000 },
	timeoutMs: 2000,
	describeFailure: (f) => ({
		message: `testapi failed: ${f.status ?? networkProblem(f.networkCode)} body=${JSON.stringify(f.body ?? null)}`,
		description: f.ambiguous ? 'may have landed' : 'did not land',
	}),
};

/** Runs `requests` through the shared request layer inside n8n's engine; returns results or the error. */
async function run(
	baseUrl: string,
	requests: Array<ApiRequest | ApiRequest[]>,
	options: { onStarted?: (cancel: () => void) => void; api?: VendorApi; share?: boolean; apiKey?: string; credentialId?: string } = {},
) {
	const api = options.api ?? testApi;
	const results: IDataObject[] = [];
	const probe: INodeType = {
		description: {
			displayName: 'Probe',
			name: 'probe',
			group: ['transform'],
			version: 1,
			description: 'test',
			defaults: { name: 'Probe' },
			inputs: [NodeConnectionTypes.Main],
			outputs: [NodeConnectionTypes.Main],
			credentials: [{ name: 'anyformatApi', required: true }],
			properties: [],
		},
		async execute(this: IExecuteFunctions) {
			const signal = this.getExecutionCancelSignal();
			if (options.share) shareCredentials(this);
			for (const step of requests) {
				const batch = Array.isArray(step) ? step : [step];
				const responses = await Promise.all(batch.map((r) => apiRequest.call(this, api, { ...r, signal })));
				for (const r of responses) results.push({ status: r.statusCode, body: r.body as IDataObject, attempts: r.attempts, ...(r.headers.location ? { location: r.headers.location } : {}) });
			}
			return [results.map((json) => ({ json, pairedItem: { item: 0 } }))];
		},
	};
	const started = Date.now();
	const outcome = await runNode({
		nodeType: probe,
		parameters: {},
		credentials: { anyformatApi: { apiKey: options.apiKey ?? API_KEY, baseUrl } },
		credentialId: options.credentialId,
		onStarted: options.onStarted,
	});
	return { ...outcome, results, elapsedMs: Date.now() - started };
}

let server: Awaited<ReturnType<typeof startScriptedServer>> | undefined;
let script: Handler = (_req, res) => json(res, 200, {});
beforeAll(async () => {
	server = await startScriptedServer((req, res, socket) => script(req, res, socket));
});
afterAll(async () => server?.close());
beforeEach(() => server!.requests.splice(0));

describe('apiRequest', () => {
	it('joins the base URL (path prefix kept, trailing slashes fixed) and authenticates with the credential', async () => {
		script = (_req, res) => json(res, 200, { ok: true });
		const { results, error } = await run(`${server!.url}/api/`, [{ method: 'GET', path: '/v2/workflows', qs: { page_size: 1 } }]);
		expect(error).toBeUndefined();
		expect(results).toEqual([{ status: 200, body: { ok: true }, attempts: 1 }]);
		const [seen] = server!.requests;
		expect(seen.url).toBe('/api/v2/workflows/?page_size=1');
		expect(seen.headers.authorization).toBe(`Bearer ${API_KEY}`);
		expect(seen.headers['x-api-key']).toBe(API_KEY);
	});

	it('retries a read after 503 and honours Retry-After', async () => {
		let calls = 0;
		script = (_req, res) => (++calls === 1 ? json(res, 503, { error: 'busy' }, { 'retry-after': '0.3' }) : json(res, 200, { ok: 1 }));
		const { results, elapsedMs } = await run(server!.url, [{ method: 'GET', path: '/x/' }]);
		expect(results[0]).toMatchObject({ status: 200, attempts: 2 });
		expect(server!.requests[1].at - server!.requests[0].at).toBeGreaterThanOrEqual(290);
		expect(elapsedMs).toBeLessThan(3000);
	});

	it('never repeats a submission after a 502: one request, an ambiguous error', async () => {
		script = (_req, res) => json(res, 502, { error: 'gateway' });
		const { error } = await run(server!.url, [{ method: 'POST', path: '/run/', body: { a: 1 } }]);
		expect(server!.requests).toHaveLength(1);
		expect(error?.message).toMatch(/testapi failed: 502/);
		expect(error?.description).toBe('may have landed');
	});

	it('never repeats a submission after the connection dropped mid-request', async () => {
		script = (_req, _res, socket) => socket.destroy();
		const { error } = await run(server!.url, [{ method: 'POST', path: '/run/', body: { a: 1 } }]);
		expect(server!.requests).toHaveLength(1);
		expect(error?.message).toMatch(/testapi failed: closed the connection before answering/);
		expect(error?.description).toBe('may have landed');
	});

	it('repeats a submission the API refused with 429, after Retry-After', async () => {
		let calls = 0;
		script = (_req, res) => (++calls < 3 ? json(res, 429, { error: 'slow down' }, { 'retry-after': '0.1' }) : json(res, 201, { id: 'c1' }));
		const { results } = await run(server!.url, [{ method: 'POST', path: '/run/', body: { a: 1 } }]);
		expect(results[0]).toMatchObject({ status: 201, body: { id: 'c1' }, attempts: 3 });
		expect(server!.requests).toHaveLength(3);
	});

	it('repeats a submission whose connection was refused (it never left this machine)', async () => {
		const closed = await startScriptedServer(() => undefined);
		const deadUrl = closed.url;
		await closed.close();
		const { error } = await run(deadUrl, [{ method: 'POST', path: '/run/', body: {} }]);
		expect(error?.message).toMatch(/refused the connection/);
		expect(error?.description).toBe('did not land');
	});

	it('sends a refused submission again once the API listens, and it lands once', async () => {
		const closed = await startScriptedServer(() => undefined);
		const { port } = new URL(closed.url);
		await closed.close();
		// The API comes back while the request layer backs off from the refusal.
		let back: ReturnType<typeof startScriptedServer> | undefined;
		const sleep = wait.waitFor;
		const backOff = jest.spyOn(wait, 'waitFor').mockImplementation(async (ms, signal) => {
			back ??= startScriptedServer((_req, res) => json(res, 201, { id: 'c1' }), Number(port));
			await back;
			return await sleep(ms, signal);
		});
		try {
			const { results, error } = await run(closed.url, [{ method: 'POST', path: '/run/', body: { a: 1 } }]);
			expect(error).toBeUndefined();
			expect(results[0]).toMatchObject({ status: 201, body: { id: 'c1' }, attempts: 2 });
			expect((await back!).requests).toHaveLength(1);
		} finally {
			backOff.mockRestore();
			await (await back)?.close();
		}
	});

	it("waits out a 429's Retry-After that is longer than its own back-off before sending a submission again", async () => {
		let calls = 0;
		// 2 s: far beyond the 20–80 ms back-off and the rate gate's 1 s default pause.
		script = (_req, res) => (++calls === 1 ? json(res, 429, { error: 'slow down' }, { 'retry-after': '2' }) : json(res, 201, { id: 'c1' }));
		const { results } = await run(server!.url, [{ method: 'POST', path: '/run/', body: { a: 1 } }]);
		expect(results[0]).toMatchObject({ status: 201, attempts: 2 });
		expect(server!.requests[1].at - server!.requests[0].at).toBeGreaterThanOrEqual(1950);
	});

	it("holds every request of the tier, not only the refused one, for a 429's Retry-After", async () => {
		let calls = 0;
		script = (_req, res) => (++calls === 1 ? json(res, 429, { error: 'slow down' }, { 'retry-after': '2' }) : json(res, 201, { ok: true }));
		const batch = Array.from({ length: 2 }, (_, i) => ({ method: 'POST' as const, path: `/run/${i}`, bucket: 'submission', body: {} }));
		const { results, error } = await run(server!.url, [batch]);
		expect(error).toBeUndefined();
		expect(results.map((r) => r.status)).toEqual([201, 201]);
		const [refused, ...later] = server!.requests;
		expect(later).toHaveLength(2);
		for (const request of later) expect(request.at - refused.at).toBeGreaterThanOrEqual(1950);
	});

	it('retries unparseable JSON on reads, then reports it', async () => {
		script = (_req, res) => {
			res.writeHead(200, { 'content-type': 'application/json' });
			res.end('{"results": [1, 2');
		};
		const { error } = await run(server!.url, [{ method: 'GET', path: '/list/' }]);
		expect(server!.requests).toHaveLength(3);
		expect(error?.message).toMatch(/testapi failed: 200/);
	});

	it('returns accepted non-2xx statuses as answers', async () => {
		script = (_req, res) => json(res, 412, { error_code: 'PRECONDITION_FAILED' });
		const { results } = await run(server!.url, [{ method: 'GET', path: '/results/', acceptStatus: [412] }]);
		expect(results[0]).toMatchObject({ status: 412, body: { error_code: 'PRECONDITION_FAILED' } });
	});

	it('keeps the API key out of errors even when the API echoes it', async () => {
		script = (req, res) => json(res, 400, { detail: `bad key ${String(req.headers['x-api-key'])}` });
		const { error } = await run(server!.url, [{ method: 'GET', path: '/x/' }]);
		expect(JSON.stringify(error)).not.toContain(API_KEY);
		expect(error?.message).toContain('bad key ***');
	});

	it('paces requests to the budget the API reports instead of collecting 429s', async () => {
		const windowMs = 300;
		const limit = 2;
		let windowStart = Date.now();
		let used = 0;
		script = (_req, res) => {
			const now = Date.now();
			if (now - windowStart >= windowMs) {
				windowStart = now;
				used = 0;
			}
			const reset = ((windowStart + windowMs - now) / 1000).toFixed(3);
			if (used >= limit) return json(res, 429, { error: 'limit' }, { 'retry-after': reset });
			used++;
			json(res, 200, { ok: true }, { 'x-ratelimit-limit': String(limit), 'x-ratelimit-remaining': String(limit - used), 'x-ratelimit-reset': reset });
		};
		const batch = Array.from({ length: 6 }, () => ({ method: 'POST' as const, path: '/run/', bucket: 'submission', body: {} }));
		const { results, error } = await run(server!.url, [batch]);
		expect(error).toBeUndefined();
		expect(results.every((r) => r.status === 200)).toBe(true);
		// Only the very first window can see a 429 (before the budget is known); after that, none.
		const rejected = server!.requests.length - 6;
		expect(rejected).toBeLessThanOrEqual(1);
	});

	it('adapts to an API that only answers 429 (no budget headers) instead of crawling one at a time', async () => {
		const windowMs = 200;
		const limit = 4;
		let windowStart = Date.now();
		let used = 0;
		let open = 0;
		let mostOpenAfterFirst429 = 0;
		let seen429 = false;
		script = (_req, res) => {
			const now = Date.now();
			if (now - windowStart >= windowMs) {
				windowStart = now;
				used = 0;
			}
			if (used >= limit) {
				seen429 = true;
				return json(res, 429, { detail: 'throttled' }, { 'retry-after': '0.2' });
			}
			used++;
			open++;
			if (seen429) mostOpenAfterFirst429 = Math.max(mostOpenAfterFirst429, open);
			// Answer a little later, so several requests can be in flight at once.
			setTimeout(() => {
				open--;
				json(res, 201, { ok: true });
			}, 30);
		};
		const batch = Array.from({ length: 24 }, () => ({ method: 'POST' as const, path: '/run/', bucket: 'submission', body: {} }));
		const { results, error, elapsedMs } = await run(server!.url, [batch]);
		expect(error).toBeUndefined();
		expect(results.every((r) => r.status === 201)).toBe(true);
		const rejected = server!.requests.length - 24;
		expect(rejected).toBeGreaterThan(0);
		// After the first refusal requests are spaced to the window: a refusal or two, not one per window.
		expect(rejected).toBeLessThanOrEqual(6);
		// 24 requests at 4 per 200 ms need 1.2 s; crawling one at a time after the first 429 would take far longer.
		expect(elapsedMs).toBeLessThan(2400);
		expect(mostOpenAfterFirst429).toBeGreaterThanOrEqual(1);
	});

	it('stops at once when the execution is cancelled during a back-off', async () => {
		script = (_req, res) => json(res, 503, {}, { 'retry-after': '4' });
		let cancel: (() => void) | undefined;
		// Cancel the moment the request layer starts sleeping out the 4 s Retry-After, so the cancel
		// lands inside the back-off however fast or slow the 503 arrives.
		const sleep = wait.waitFor;
		const backOff = jest.spyOn(wait, 'waitFor').mockImplementation(async (ms, signal) => {
			const sleeping = sleep(ms, signal);
			if (ms === 4000) cancel?.();
			return await sleeping;
		});
		try {
			const { elapsedMs, status } = await run(server!.url, [{ method: 'GET', path: '/x/' }], { onStarted: (c) => (cancel = c) });
			expect(status).toBe('canceled');
			expect(elapsedMs).toBeLessThan(1500);
		} finally {
			backOff.mockRestore();
		}
	});
});

describe('apiRequest: redirects, other hosts, credential checks', () => {
	it('a redirect not followed is an answer: its Location is read, nothing is requested there', async () => {
		script = (_req, res) => {
			res.writeHead(302, { location: 'http://127.0.0.1:1/elsewhere' });
			res.end();
		};
		const { results, error } = await run(server!.url, [{ method: 'GET', path: '/download', followRedirects: false, acceptStatus: [302] }]);
		expect(error).toBeUndefined();
		expect(results[0]).toMatchObject({ status: 302, location: 'http://127.0.0.1:1/elsewhere' });
		expect(server!.requests).toHaveLength(1);
	});

	it('an anonymous request goes to another host without the credential; with it, that host is refused', async () => {
		const storage = await startScriptedServer((_req, res) => json(res, 200, { stored: true }));
		try {
			const { results } = await run(server!.url, [{ method: 'GET', path: `${storage.url}/bucket/file.pdf?signature=abc`, anonymous: true }]);
			expect(results[0]).toMatchObject({ status: 200, body: { stored: true } });
			expect(storage.requests).toHaveLength(1);
			expect(storage.requests[0].url).toBe('/bucket/file.pdf?signature=abc');
			expect(storage.requests[0].headers.authorization).toBeUndefined();
			expect(storage.requests[0].headers['x-api-key']).toBeUndefined();
			const { error } = await run(server!.url, [{ method: 'GET', path: `${storage.url}/bucket/file.pdf` }]);
			expect(error?.message).toMatch(/Refusing to send the credential/);
			expect(storage.requests).toHaveLength(1);
		} finally {
			await storage.close();
		}
	});

	it('a credential the API refuses (refuseCredentials) fails before anything is sent, in its words', async () => {
		const picky: VendorApi = { ...testApi, refuseCredentials: (credentials) => (credentials.apiKey === API_KEY ? { message: 'wrong kind of key', description: 'use another one' } : undefined) };
		const { error } = await run(server!.url, [{ method: 'GET', path: '/x/' }], { api: picky });
		expect(error?.message).toBe('wrong kind of key');
		expect(error?.description).toBe('use another one');
		expect(server!.requests).toHaveLength(0);
	});
});

describe('apiRequest: credentials shared by a burst of executions (shareCredentials)', () => {
	const withAuthHeaders: VendorApi = { ...testApi, authHeaders: anyformatApi.authHeaders };
	const read: ApiRequest = { method: 'GET', path: '/v2/workflows' };
	const keysSeen = () => server!.requests.map((r) => r.headers['x-api-key']);
	let credentialId: string;
	let offsetMs = 0;
	beforeEach(() => {
		script = (_req, res) => json(res, 200, {});
		credentialId = `credential-${Math.random()}`;
		offsetMs = 0;
		const realNow = Date.now.bind(Date);
		jest.spyOn(Date, 'now').mockImplementation(() => realNow() + offsetMs);
	});
	afterEach(() => jest.restoreAllMocks());

	it('sends the same headers as the credential type authenticates with', async () => {
		await run(server!.url, [read], { api: withAuthHeaders, credentialId });
		await run(server!.url, [read], { api: withAuthHeaders, credentialId, share: true });
		const [byN8n, shared] = server!.requests;
		expect(shared.headers.authorization).toBe(byN8n.headers.authorization);
		expect(shared.headers['x-api-key']).toBe(byN8n.headers['x-api-key']);
	});

	it('reuses a loaded credential for its ID for a few seconds, then loads it again (a rotated key is used)', async () => {
		await run(server!.url, [read], { api: withAuthHeaders, credentialId, share: true, apiKey: 'key-1' });
		await run(server!.url, [read], { api: withAuthHeaders, credentialId, share: true, apiKey: 'key-2' });
		offsetMs = CREDENTIAL_TTL_MS;
		await run(server!.url, [read], { api: withAuthHeaders, credentialId, share: true, apiKey: 'key-3' });
		expect(keysSeen()).toEqual(['key-1', 'key-1', 'key-3']);
	});

	it('never shares between credential IDs, nor with executions that did not opt in', async () => {
		await run(server!.url, [read], { api: withAuthHeaders, credentialId, share: true, apiKey: 'key-1' });
		await run(server!.url, [read], { api: withAuthHeaders, credentialId: `${credentialId}-other`, share: true, apiKey: 'key-2' });
		await run(server!.url, [read], { api: withAuthHeaders, credentialId, apiKey: 'key-3' });
		expect(keysSeen()).toEqual(['key-1', 'key-2', 'key-3']);
	});

	it('keeps the shared key out of errors', async () => {
		script = (_req, res) => json(res, 401, { detail: `bad key ${API_KEY}` });
		const { error } = await run(server!.url, [read], { api: withAuthHeaders, credentialId, share: true });
		expect(error).toBeDefined();
		expect(JSON.stringify(error)).not.toContain(API_KEY);
		expect(String((error as Error).message)).not.toContain(API_KEY);
	});
});

describe('requestTarget', () => {
	it('joins base URL and path, with or without the trailing slash the API wants', () => {
		expect(requestTarget('https://api.test/base', '/v2/runs?x=1', true)).toEqual({ url: 'https://api.test/base/v2/runs/?x=1', path: '/v2/runs/?x=1' });
		expect(requestTarget('https://api.test', 'v0/parsing', false)).toEqual({ url: 'https://api.test/v0/parsing', path: '/v0/parsing' });
	});

	it('takes an absolute URL the API handed out, but only on the base URL host', () => {
		expect(requestTarget('https://api.test', 'https://api.test/v0/jobs/7', true)).toEqual({ url: 'https://api.test/v0/jobs/7', path: '/v0/jobs/7' });
		expect(() => requestTarget('https://api.test', 'https://storage.example/file', true)).toThrow(/Refusing to send the credential/);
		expect(requestTarget('https://api.test', 'https://storage.example/file?sig=1', true, true)).toEqual({ url: 'https://storage.example/file?sig=1', path: '/file' });
	});
});

it('ApiRequestError is an n8n NodeApiError', () => {
	expect(Object.getPrototypeOf(ApiRequestError.prototype).constructor.name).toBe('NodeApiError');
});
