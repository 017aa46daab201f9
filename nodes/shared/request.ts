import type {
	ICredentialDataDecryptedObject,
	IDataObject,
	IExecuteFunctions,
	IHookFunctions,
	IHttpRequestMethods,
	IHttpRequestOptions,
	ILoadOptionsFunctions,
	IN8nHttpFullResponse,
	IPollFunctions,
	IWebhookFunctions,
	JsonObject,
} from 'n8n-workflow';

import { ApiRequestError, redact, redactDeep } from './errors';
import { networkCodeOf, type ApiFailure, type FailureWords } from './failures';
import { connectionFor, type Connection } from './connection';
import { RateGate } from './rateGate';
import { neverSent, retryAfterMs, RetryBudget, type RetryPolicy } from './retry';
import { isAbortError, WaitAbortedError, waitFor } from './wait';

export type ApiContext = IExecuteFunctions | ILoadOptionsFunctions | IHookFunctions | IWebhookFunctions | IPollFunctions;

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
	/** Whether every path ends with "/" (Django-style APIs answer slash-less paths with a redirect). Default true. */
	trailingSlash?: boolean;
	/** Turns a failure into a message (what happened) and a description (how to fix it). */
	describeFailure(failure: ApiFailure): FailureWords;
	/**
	 * Why requests to this API cannot use the credential as it is set up (e.g. set to another API
	 * generation); undefined when they can. Checked before anything is sent.
	 */
	refuseCredentials?(credentials: ICredentialDataDecryptedObject): FailureWords | undefined;
	/**
	 * The headers the credential type's `authenticate` adds. With it, contexts that share credentials
	 * (shareCredentials) send with n8n's plain httpRequest, because httpRequestWithAuthentication
	 * loads and decrypts the credential again for every request.
	 */
	authHeaders?(credentials: ICredentialDataDecryptedObject): Record<string, string>;
}

export interface ApiRequest {
	method: IHttpRequestMethods;
	/**
	 * Path below the credential's base URL (a trailing slash is added when the API wants one), or
	 * an absolute URL the API handed out (a `polling_url`); absolute URLs must stay on the base
	 * URL's host, so the credential is never sent elsewhere (unless `anonymous`).
	 */
	path: string;
	/**
	 * Sends no credential: for a URL the API handed out on another host (a pre-signed storage link),
	 * which may then be on any host. Retries, pacing and messages work as for other requests.
	 */
	anonymous?: boolean;
	/** Whether to follow a redirect (default: GETs only). One not followed is an answer when in `acceptStatus`. */
	followRedirects?: boolean;
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

export function withTrailingSlash(path: string): string {
	const [pathname, query] = path.split('?', 2);
	const slashed = pathname.endsWith('/') ? pathname : `${pathname}/`;
	const rooted = slashed.startsWith('/') ? slashed : `/${slashed}`;
	return query === undefined ? rooted : `${rooted}?${query}`;
}

/**
 * Where a request goes: base URL + path, or an absolute URL on the base URL's host (any host when
 * `anyHost`, for requests that carry no credential); `path` is for messages.
 */
export function requestTarget(baseUrl: string, path: string, trailingSlash: boolean, anyHost = false): { url: string; path: string } {
	if (/^https?:\/\//i.test(path)) {
		const target = new URL(path);
		if (!anyHost && target.origin !== new URL(baseUrl).origin) {
			throw new Error(`Refusing to send the credential to ${target.origin}: it is not the Base URL's host`);
		}
		return { url: path, path: target.pathname };
	}
	const rooted = path.startsWith('/') ? path : `/${path}`;
	const finalPath = trailingSlash ? withTrailingSlash(rooted) : rooted;
	return { url: `${baseUrl}${finalPath}`, path: finalPath };
}

function lowerCaseHeaders(headers: IDataObject | undefined): Record<string, string> {
	const out: Record<string, string> = {};
	for (const [k, v] of Object.entries(headers ?? {})) {
		if (v !== undefined && v !== null) out[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : String(v);
	}
	return out;
}

function gateFor(connection: Connection, bucket: string): RateGate {
	let gate = connection.gates.get(bucket);
	if (!gate) {
		gate = new RateGate();
		connection.gates.set(bucket, gate);
	}
	return gate;
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
	const node = this.getNode();
	const refused = request.anonymous ? undefined : api.refuseCredentials?.(connection.credentials);
	if (refused) {
		throw new ApiRequestError(node, { message: refused.message, description: refused.description, apiCode: refused.apiCode, itemIndex: request.itemIndex });
	}
	const { url, path } = requestTarget(connection.baseUrl, request.path, api.trailingSlash ?? true, request.anonymous);
	const responseType = request.responseType ?? 'json';
	const idempotent = request.idempotent ?? ['GET', 'HEAD', 'DELETE'].includes(method);
	// Another host has its own limits: its answers must not pace the API's requests.
	const gate = gateFor(connection, request.bucket ?? (request.anonymous ? 'anonymous' : 'general'));
	const retries = new RetryBudget(api.retry);
	let attempts = 0;

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

	/** Waits before the next attempt; false when no delay was granted or it would pass the deadline. */
	const pause = async (ms: number | undefined) => {
		if (ms === undefined) return false;
		if (request.deadline !== undefined && Date.now() + ms > request.deadline) return false;
		await waitFor(ms, request.signal);
		return true;
	};

	for (;;) {
		attempts++;
		const ticket = await gate.acquire(request.signal);
		const options: IHttpRequestOptions = {
			method,
			url,
			qs: request.qs,
			headers: request.headers,
			body: request.body,
			json: responseType === 'json',
			encoding: responseType === 'binary' ? 'arraybuffer' : responseType === 'text' ? 'text' : undefined,
			returnFullResponse: true,
			ignoreHttpStatusErrors: true,
			timeout: request.timeoutMs ?? api.timeoutMs,
			// A redirected POST would silently turn into a GET; surface it instead.
			disableFollowRedirect: !(request.followRedirects ?? method === 'GET'),
		};
		if (request.signal) options.abortSignal = request.signal;

		const sending = request.anonymous
			? this.helpers.httpRequest(options)
			: connection.shared && api.authHeaders
				? this.helpers.httpRequest({ ...options, headers: { ...options.headers, ...api.authHeaders(connection.credentials) } })
				: this.helpers.httpRequestWithAuthentication.call(this, api.credentialType, options);
		const sent = await sending.then(
				(response) => ({ ok: true as const, response: response as IN8nHttpFullResponse }),
				(error: unknown) => ({ ok: false as const, error }),
			);
		if (!sent.ok) {
			gate.release(ticket);
			if (request.signal?.aborted || isAbortError(sent.error)) throw new WaitAbortedError(request.signal?.reason);
			const networkCode = networkCodeOf(sent.error) ?? 'ENETWORK';
			const notSent = neverSent(networkCode);
			if (await pause(retries.afterNetworkError(idempotent || notSent))) continue;
			return fail({ networkCode, ambiguous: !idempotent && !notSent });
		}
		const raw = sent.response;
		const headers = lowerCaseHeaders(raw.headers);
		const status = raw.statusCode;
		const waitHint = retryAfterMs(headers);
		gate.release(ticket, headers, status, waitHint);

		if ((status >= 200 && status < 300) || request.acceptStatus?.includes(status)) {
			const parsed = parseBody(raw.body, status >= 200 && status < 300 ? responseType : 'json');
			if (parsed.malformed && status >= 200 && status < 300) {
				if (await pause(retries.afterUnreadable(idempotent))) continue;
				return fail({
					status,
					body: redact(String(parsed.body).slice(0, 300), connection.secrets),
					malformed: true,
					ambiguous: !idempotent,
				});
			}
			return { statusCode: status, headers, body: parsed.body as T, attempts };
		}

		if (await pause(retries.afterStatus(status, idempotent, waitHint))) continue;
		return fail({
			status,
			body: redactDeep(parseErrorBody(raw.body), connection.secrets),
			// A 5xx on a submission may come after the API stored it.
			ambiguous: !idempotent && status >= 500,
		});
	}
}
