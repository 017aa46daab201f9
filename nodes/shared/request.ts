import type {
	IDataObject,
	IExecuteFunctions,
	IHookFunctions,
	IHttpRequestMethods,
	IHttpRequestOptions,
	ILoadOptionsFunctions,
	IN8nHttpFullResponse,
	IWebhookFunctions,
	JsonObject,
} from 'n8n-workflow';

import { ApiRequestError, redact, redactDeep } from './errors';
import { isAbortError, WaitAbortedError, waitFor } from './wait';

export type ApiContext = IExecuteFunctions | ILoadOptionsFunctions | IHookFunctions | IWebhookFunctions;

/** What went wrong with one request, as the vendor's error mapper sees it. */
export interface ApiFailure {
	method: IHttpRequestMethods;
	path: string;
	/** HTTP status, when the API answered. */
	status?: number;
	/** Parsed (or text) error body, secrets already redacted. */
	body?: unknown;
	/** Network error code when nothing came back (ECONNRESET, ETIMEDOUT, …). */
	networkCode?: string;
	/** The request was a non-repeatable submission that may have reached the API. */
	ambiguous: boolean;
	/** The API answered 2xx but not with the JSON we asked for. */
	malformed?: boolean;
	attempts: number;
}

export interface RetryPolicy {
	/** Extra attempts for requests that are safe to repeat (reads, deletes) and for requests never sent. */
	maxRetries: number;
	/** Extra attempts after 429 answers; always safe, the API did not accept the request. */
	maxRateLimitRetries: number;
	baseDelayMs: number;
	maxDelayMs: number;
	/** Longest Retry-After we honour before giving up with an error. */
	maxRetryAfterMs: number;
}

/** One vendor's API as the shared request layer needs to know it. */
export interface VendorApi {
	/** Name shown in messages, e.g. "anyformat". */
	name: string;
	/** n8n credential type providing `baseUrl` and the secret(s). */
	credentialType: string;
	defaultBaseUrl: string;
	/** Credential fields holding secrets; their values never appear in errors or output. */
	secretFields: string[];
	retry: RetryPolicy;
	/** Default per-request timeout. */
	timeoutMs: number;
	/** Turns a failure into a message (what happened) and a description (how to fix it). */
	describeFailure(failure: ApiFailure): { message: string; description?: string; apiCode?: string };
}

export interface ApiRequest {
	method: IHttpRequestMethods;
	/** Path below the credential's base URL; a trailing slash is added when missing. */
	path: string;
	qs?: IDataObject;
	body?: IDataObject | IDataObject[] | Buffer;
	headers?: IDataObject;
	/** How to read a successful body. Default 'json'. */
	responseType?: 'json' | 'text' | 'binary';
	/**
	 * Whether sending it twice is harmless. Defaults to true for GET/HEAD/DELETE. Submissions are
	 * not: a duplicate costs credits, so they are only repeated when the API provably refused them.
	 */
	idempotent?: boolean;
	/** Rate-limit tier the request counts against (the API reports each tier's budget separately). */
	bucket?: string;
	/** Non-2xx statuses that are answers, not failures (e.g. 412 "not ready yet"). */
	acceptStatus?: number[];
	timeoutMs?: number;
	/** Give up retrying after this epoch-ms deadline. */
	deadline?: number;
	itemIndex?: number;
	signal?: AbortSignal;
}

export interface ApiResponse<T = unknown> {
	statusCode: number;
	headers: Record<string, string>;
	body: T;
	/** Attempts it took (1 = first try). */
	attempts: number;
}

/**
 * A network failure in words. Messages must not contain the raw code (ECONNRESET, …): n8n replaces
 * such messages with a generic text, so callers put the code in the description instead.
 */
export function networkProblem(code: string | undefined): string {
	switch (code) {
		case 'ECONNRESET':
		case 'EPIPE':
			return 'closed the connection before answering';
		case 'ETIMEDOUT':
		case 'ECONNABORTED':
			return 'did not answer in time';
		case 'ECONNREFUSED':
			return 'refused the connection';
		case 'ENOTFOUND':
		case 'EAI_AGAIN':
			return 'could not be found (DNS lookup failed)';
		default:
			return 'could not be reached';
	}
}

/** The parts of a failure's wording that differ between vendors. */
export interface FailureWording {
	/** Where to look whether a submission that may have landed did, e.g. "the workflow runs in anyformat". */
	whereToCheck: string;
	/** How to avoid a 429 that outlasted every retry. */
	rateLimitHelp: string;
}

/**
 * Words for the failures every API has alike: an unreadable answer, no answer, a lasting 429, a
 * redirect, a server error or any status the vendor does not word itself. `said` is what the
 * API's error body says, if anything.
 */
export function describeCommonFailure(
	api: Pick<VendorApi, 'name' | 'defaultBaseUrl'>,
	failure: ApiFailure,
	wording: FailureWording,
	said?: string,
): { message: string; description: string } {
	const { name } = api;
	const { status, networkCode, ambiguous, method, path } = failure;
	const mayHaveLanded = `The document may have been accepted by ${name} before the failure. It was not sent again, so you are not charged twice; check ${wording.whereToCheck} before running this item again.`;
	const saying = said ? `: ${said}` : '';
	if (failure.malformed) {
		return {
			message: `${name} answered ${method} ${path} with a response that is not valid JSON`,
			description: ambiguous ? mayHaveLanded : `Try again later; if it persists, ${name} may be having trouble.`,
		};
	}
	if (status === undefined) {
		// The raw code goes in the description: n8n replaces messages that contain one.
		const fix = ambiguous ? mayHaveLanded : `Check the Base URL in the ${name} credential and the network connection of this n8n instance.`;
		return { message: `${name} ${networkProblem(networkCode)} (${method} ${path})`, description: `${fix} (network error ${networkCode})` };
	}
	if (status === 429) {
		return { message: `${name} rate limit reached and still exceeded after waiting${saying}`, description: wording.rateLimitHelp };
	}
	if (status >= 300 && status < 400) {
		return {
			message: `${name} redirected ${method} ${path} (${status})`,
			description: `Check the Base URL in the ${name} credential (use ${api.defaultBaseUrl}, no path).`,
		};
	}
	return {
		message: `${name} failed with ${status}${saying}`,
		description: ambiguous ? mayHaveLanded : `${name} had a temporary problem. Try again later.`,
	};
}

/** Network errors where the request provably never reached the server, so even a POST may be resent. */
const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);
const RETRYABLE_STATUS = new Set([408, 425, 429, 500, 502, 503, 504]);

interface Connection {
	baseUrl: string;
	secrets: string[];
	gates: Map<string, RateGate>;
}

// One connection per execution context and credential type: credentials are read (and decrypted)
// once, and all requests of one node run share the rate-limit view of the API.
const connections = new WeakMap<object, Map<string, Promise<Connection>>>();

async function connectionFor(ctx: ApiContext, api: VendorApi): Promise<Connection> {
	let byType = connections.get(ctx);
	if (!byType) {
		byType = new Map();
		connections.set(ctx, byType);
	}
	let connection = byType.get(api.credentialType);
	if (!connection) {
		connection = (async () => {
			const credentials = await ctx.getCredentials(api.credentialType);
			const baseUrl = String(credentials.baseUrl || api.defaultBaseUrl).trim().replace(/\/+$/, '');
			const secrets = api.secretFields.map((f) => String(credentials[f] ?? '')).filter(Boolean);
			return { baseUrl, secrets, gates: new Map() };
		})();
		byType.set(api.credentialType, connection);
		connection.catch(() => byType!.delete(api.credentialType));
	}
	return await connection;
}

/** Secrets of the vendor credential, for redacting text this node surfaces. */
export async function credentialSecrets(ctx: ApiContext, api: VendorApi): Promise<string[]> {
	return (await connectionFor(ctx, api)).secrets;
}

/** Base URL of the vendor credential (no trailing slash), e.g. to resolve relative links. */
export async function credentialBaseUrl(ctx: ApiContext, api: VendorApi): Promise<string> {
	return (await connectionFor(ctx, api)).baseUrl;
}

export function withTrailingSlash(path: string): string {
	const [pathname, query] = path.split('?', 2);
	const slashed = pathname.endsWith('/') ? pathname : `${pathname}/`;
	const rooted = slashed.startsWith('/') ? slashed : `/${slashed}`;
	return query === undefined ? rooted : `${rooted}?${query}`;
}

function lowerCaseHeaders(headers: IDataObject | undefined): Record<string, string> {
	const out: Record<string, string> = {};
	for (const [k, v] of Object.entries(headers ?? {})) {
		if (v !== undefined && v !== null) out[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : String(v);
	}
	return out;
}

/** Retry-After / retry-after-ms in milliseconds (seconds, decimals or an HTTP date). */
export function retryAfterMs(headers: Record<string, string>, now = Date.now()): number | undefined {
	const ms = Number(headers['retry-after-ms']);
	if (headers['retry-after-ms'] !== undefined && Number.isFinite(ms) && ms >= 0) return ms;
	const raw = headers['retry-after'];
	if (raw === undefined || raw === '') return undefined;
	const seconds = Number(raw);
	if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
	const date = Date.parse(raw);
	return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** Exponential back-off with up to 25 % jitter taken off, as the anyformat SDKs do. */
export function backoffMs(retry: number, policy: RetryPolicy): number {
	const raw = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, retry - 1));
	return raw * (1 - Math.random() * 0.25);
}

/**
 * Paces requests of one rate-limit tier. When the API reports its budget (x-ratelimit-limit /
 * -remaining / -reset), a batch waits for the next window instead of collecting 429s; until the
 * first answer shows whether it does, one request probes at a time. An API that only answers 429
 * (no budget headers) gets TCP-like concurrency: it starts small and doubles per round of
 * successes until the first 429, which halves it and holds everything until Retry-After; after
 * that it widens by one per round. So a throttling API costs few rejected requests, and one 429
 * never leaves a batch crawling.
 */
export class RateGate {
	/** true = the API reports its budget, false = it does not, undefined = not known yet. */
	private metered: boolean | undefined;

	private limit: number | undefined;

	private remaining: number | undefined;

	private resetAt = 0;

	/** Unmetered APIs: requests allowed in flight, growing fast until the first 429, then slowly. */
	private window = 1;

	private growFast = true;

	/** Unmetered APIs: after a 429, no request starts before this. */
	private blockedUntil = 0;

	private inFlight = 0;

	async acquire(signal?: AbortSignal, maxWaits = 10_000): Promise<void> {
		for (let waits = 0; waits < maxWaits; waits++) {
			const now = Date.now();
			if (this.resetAt && now >= this.resetAt) {
				// A new window: assume the full budget until an answer says otherwise.
				this.remaining = this.limit;
				this.resetAt = 0;
			}
			let free: boolean;
			if (this.metered === undefined || (this.metered && this.remaining === undefined)) {
				free = this.inFlight === 0;
			} else if (this.metered) {
				free = (this.remaining ?? 0) - this.inFlight > 0;
			} else {
				free = now >= this.blockedUntil && this.inFlight < Math.max(1, Math.floor(this.window));
			}
			if (free) {
				this.inFlight++;
				return;
			}
			const until = this.resetAt || this.blockedUntil;
			const delay = until > now ? until - now + 5 : 25;
			await waitFor(delay, signal);
		}
		throw new Error('Rate-limit gate did not open');
	}

	/** Records what an answer says about the budget. `headers` undefined = no answer arrived. */
	release(headers?: Record<string, string>, status?: number, retryAfter?: number): void {
		const inFlightBefore = this.inFlight;
		this.inFlight = Math.max(0, this.inFlight - 1);
		if (!headers) return;
		const now = Date.now();
		const remaining = Number(headers['x-ratelimit-remaining']);
		const reportsBudget = headers['x-ratelimit-remaining'] !== undefined && Number.isFinite(remaining);
		if (reportsBudget) this.metered = true;
		else if (this.metered === undefined) this.metered = false;

		if (status === 429) {
			const until = now + (retryAfter ?? 1000);
			if (this.metered) {
				this.remaining = 0;
				this.resetAt = Math.max(this.resetAt, until);
			} else {
				this.growFast = false;
				this.window = Math.max(1, Math.floor(Math.min(this.window, inFlightBefore) / 2));
				this.blockedUntil = Math.max(this.blockedUntil, until);
			}
			return;
		}
		if (reportsBudget) {
			const limit = Number(headers['x-ratelimit-limit']);
			const reset = Number(headers['x-ratelimit-reset']);
			if (Number.isFinite(limit)) this.limit = limit;
			this.remaining = remaining;
			if (Number.isFinite(reset)) this.resetAt = now + reset * 1000;
		} else if (status !== undefined && status < 400) {
			this.window += this.growFast ? 1 : 1 / this.window;
		}
	}
}

function gateFor(connection: Connection, bucket: string): RateGate {
	let gate = connection.gates.get(bucket);
	if (!gate) {
		gate = new RateGate();
		connection.gates.set(bucket, gate);
	}
	return gate;
}

function networkCodeOf(error: unknown): string | undefined {
	const e = error as { code?: unknown; cause?: { code?: unknown }; httpCode?: unknown };
	for (const candidate of [e?.cause?.code, e?.code, e?.httpCode]) {
		if (typeof candidate === 'string' && /^E[A-Z_]+$/.test(candidate)) return candidate;
	}
	const message = error instanceof Error ? error.message : '';
	if (/timeout of \d+ms exceeded/i.test(message)) return 'ETIMEDOUT';
	if (/socket hang up/i.test(message)) return 'ECONNRESET';
	return undefined;
}

function parseBody(body: unknown, responseType: ApiRequest['responseType']): { body: unknown; malformed: boolean } {
	// A Buffer is used as it is (no copy of a large download); other byte views are wrapped.
	const bytes = Buffer.isBuffer(body)
		? body
		: body instanceof Uint8Array || body instanceof ArrayBuffer
			? Buffer.from(body as Uint8Array)
			: undefined;
	if (responseType === 'binary') {
		if (bytes) return { body: bytes, malformed: false };
		return { body: Buffer.from(typeof body === 'string' ? body : JSON.stringify(body ?? '')), malformed: false };
	}
	if (responseType === 'text') {
		if (bytes) return { body: bytes.toString('utf8'), malformed: false };
		return { body: typeof body === 'string' ? body : JSON.stringify(body), malformed: false };
	}
	// JSON expected. axios leaves unparseable JSON as a string; a binary request's error body is bytes.
	if (bytes) return parseBody(bytes.toString('utf8'), 'json');
	if (typeof body === 'string') {
		if (body.trim() === '') return { body: undefined, malformed: false };
		try {
			return { body: JSON.parse(body), malformed: false };
		} catch {
			return { body, malformed: true };
		}
	}
	return { body, malformed: false };
}

/** An error body as the API meant it: parsed JSON, else its text (bytes decoded), else undefined. */
export function parseErrorBody(body: unknown): unknown {
	return parseBody(body, 'json').body;
}

/**
 * Sends one request to a vendor API with the node's credential. Retries what is safe to retry
 * (reads, deletes, 429s, requests that never left this machine) with back-off and Retry-After, and
 * never repeats a submission that may have reached the API. Failures become ApiRequestError with
 * the vendor's readable message and no secrets.
 */
export async function apiRequest<T = unknown>(
	this: ApiContext,
	api: VendorApi,
	request: ApiRequest,
): Promise<ApiResponse<T>> {
	const connection = await connectionFor(this, api);
	const { method } = request;
	const path = withTrailingSlash(request.path);
	const responseType = request.responseType ?? 'json';
	const idempotent = request.idempotent ?? ['GET', 'HEAD', 'DELETE'].includes(method);
	const gate = gateFor(connection, request.bucket ?? 'general');
	const policy = api.retry;
	const node = this.getNode();

	let attempts = 0;
	let rateLimitRetries = 0;
	let otherRetries = 0;

	const fail = (failure: Omit<ApiFailure, 'method' | 'path' | 'attempts'>): never => {
		const full: ApiFailure = { ...failure, method, path, attempts };
		const words = api.describeFailure(full);
		throw new ApiRequestError(node, {
			message: redact(words.message, connection.secrets),
			description: words.description && redact(words.description, connection.secrets),
			status: failure.status,
			apiCode: words.apiCode,
			networkCode: failure.networkCode,
			ambiguous: failure.ambiguous,
			itemIndex: request.itemIndex,
			response: redactDeep(
				{ status: failure.status ?? null, networkError: failure.networkCode ?? null, body: failure.body ?? null } as JsonObject,
				connection.secrets,
			),
		});
	};

	const pause = async (ms: number) => {
		if (request.deadline !== undefined && Date.now() + ms > request.deadline) return false;
		await waitFor(ms, request.signal);
		return true;
	};

	for (;;) {
		attempts++;
		await gate.acquire(request.signal);
		const options: IHttpRequestOptions = {
			method,
			url: `${connection.baseUrl}${path}`,
			qs: request.qs,
			headers: request.headers,
			body: request.body,
			json: responseType === 'json',
			encoding: responseType === 'binary' ? 'arraybuffer' : responseType === 'text' ? 'text' : undefined,
			returnFullResponse: true,
			ignoreHttpStatusErrors: true,
			timeout: request.timeoutMs ?? api.timeoutMs,
			// A redirected POST would silently turn into a GET; surface it instead.
			disableFollowRedirect: method !== 'GET',
		};
		if (request.signal) options.abortSignal = request.signal;

		const sent = await this.helpers.httpRequestWithAuthentication
			.call(this, api.credentialType, options)
			.then(
				(response) => ({ ok: true as const, response: response as IN8nHttpFullResponse }),
				(error: unknown) => ({ ok: false as const, error }),
			);
		if (!sent.ok) {
			gate.release();
			if (request.signal?.aborted || isAbortError(sent.error)) throw new WaitAbortedError(request.signal?.reason);
			const networkCode = networkCodeOf(sent.error) ?? 'ENETWORK';
			const neverSent = NOT_SENT_CODES.has(networkCode);
			if ((idempotent || neverSent) && otherRetries < policy.maxRetries) {
				otherRetries++;
				if (await pause(backoffMs(otherRetries, policy))) continue;
			}
			return fail({ networkCode, ambiguous: !idempotent && !neverSent });
		}
		const raw = sent.response;

		const headers = lowerCaseHeaders(raw.headers);
		const status = raw.statusCode;
		const waitHint = retryAfterMs(headers);
		gate.release(headers, status, waitHint);

		if ((status >= 200 && status < 300) || request.acceptStatus?.includes(status)) {
			const parsed = parseBody(raw.body, status >= 200 && status < 300 ? responseType : 'json');
			if (parsed.malformed && status >= 200 && status < 300) {
				if (idempotent && otherRetries < policy.maxRetries) {
					otherRetries++;
					if (await pause(backoffMs(otherRetries, policy))) continue;
				}
				return fail({
					status,
					body: redact(String(parsed.body).slice(0, 300), connection.secrets),
					malformed: true,
					ambiguous: !idempotent,
				});
			}
			return { statusCode: status, headers, body: parsed.body as T, attempts };
		}

		if (status === 429) {
			if (rateLimitRetries < policy.maxRateLimitRetries) {
				rateLimitRetries++;
				const delay = waitHint ?? backoffMs(rateLimitRetries, policy);
				if (delay <= policy.maxRetryAfterMs && (await pause(delay))) continue;
			}
		} else if (idempotent && RETRYABLE_STATUS.has(status) && otherRetries < policy.maxRetries) {
			otherRetries++;
			const delay = Math.min(waitHint ?? backoffMs(otherRetries, policy), policy.maxRetryAfterMs);
			if (await pause(delay)) continue;
		}

		const body = parseErrorBody(raw.body);
		return fail({
			status,
			body: redactDeep(body, connection.secrets),
			// A 5xx on a submission may come after the API stored it.
			ambiguous: !idempotent && status >= 500,
		});
	}
}

/**
 * Deletes one resource. A 404 on the first attempt means it did not exist (an error naming it); a
 * 404 after a repeated attempt means an earlier attempt did delete it, so that is success.
 */
export async function deleteResource(
	ctx: ApiContext,
	api: VendorApi,
	options: { path: string; itemIndex: number; notFound: { message: string; description: string } },
): Promise<void> {
	const response = await apiRequest.call(ctx, api, {
		method: 'DELETE',
		path: options.path,
		acceptStatus: [404],
		itemIndex: options.itemIndex,
	});
	if (response.statusCode === 404 && response.attempts === 1) {
		const secrets = await credentialSecrets(ctx, api);
		throw new ApiRequestError(ctx.getNode(), {
			message: redact(options.notFound.message, secrets),
			description: options.notFound.description,
			status: 404,
			apiCode: 'NOT_FOUND',
			itemIndex: options.itemIndex,
		});
	}
}

/**
 * How far the API's clock is ahead of ours, from the Date header of an answer received after
 * `requestedAt` (one-second resolution). Lets "created since" comparisons use server timestamps.
 */
export function serverClockOffset(headers: Record<string, string>, requestedAt: number): number {
	const serverNow = Date.parse(headers.date ?? '');
	return Number.isNaN(serverNow) ? 0 : serverNow - requestedAt;
}

/**
 * Reads a page-numbered list until `limit` items or its last page. The vendor says how to fetch a
 * page and whether another one follows.
 */
export async function readPages(
	fetchPage: (page: number, size: number) => Promise<{ results: IDataObject[]; hasMore: boolean }>,
	options: { limit?: number; maxPageSize: number; maxPages?: number },
): Promise<IDataObject[]> {
	const limit = options.limit ?? Infinity;
	const size = Math.min(options.maxPageSize, Math.max(1, Number.isFinite(limit) ? limit : options.maxPageSize));
	const results: IDataObject[] = [];
	const maxPages = options.maxPages ?? 10_000;
	for (let page = 1; page <= maxPages && results.length < limit; page++) {
		const current = await fetchPage(page, size);
		results.push(...current.results);
		if (!current.hasMore || current.results.length === 0) break;
	}
	return results.slice(0, Number.isFinite(limit) ? limit : undefined);
}
