import type { IDataObject } from 'n8n-workflow';

import { describeCommonFailure, type ApiFailure, type FailureWording } from '../../shared/failures';
import { listReader, pageReader } from '../../shared/paging';
import { apiRequest, type ApiContext, type ApiRequest, type ApiResponse, type VendorApi } from '../../shared/request';
import { isObject } from '../../shared/values';

/** Largest file anyformat accepts (docs: "Max upload size 20 MB per file"). */
export const ANYFORMAT_MAX_FILE_BYTES = 20 * 1024 * 1024;

/** Largest page anyformat's v2 lists serve (larger sizes are capped silently). */
export const ANYFORMAT_PAGE_SIZE = 100;

/** Rate-limit tiers anyformat reports separately (submission: 60/min, general: 600/min). */
export const SUBMISSION_TIER = 'submission';

function errorField(body: unknown, key: string): string | undefined {
	if (!body || typeof body !== 'object') return undefined;
	const value = (body as IDataObject)[key];
	if (typeof value === 'string') return value;
	if (Array.isArray(value)) {
		// FastAPI-style validation errors: [{ loc, msg }]
		return value
			.map((entry) =>
				typeof entry === 'object' && entry !== null
					? `${((entry as IDataObject).loc as string[] | undefined)?.join('.') ?? ''} ${String((entry as IDataObject).msg ?? '')}`.trim()
					: String(entry),
			)
			.join('; ');
	}
	return undefined;
}

const ANYFORMAT_WORDING: FailureWording = {
	whereToCheck: 'the workflow runs in anyformat',
	rateLimitHelp:
		'Too many requests for this API key (60 submissions/min, 600 other requests/min). Lower "Max Documents in Flight" or spread the work over time.',
};

function describeAnyformatFailure(failure: ApiFailure): { message: string; description?: string; apiCode?: string } {
	const { status, body, method, path } = failure;
	const apiCode = errorField(body, 'error_code');
	const detail = errorField(body, 'detail');
	const said = [errorField(body, 'error'), detail].filter(Boolean).join(': ');
	const code = apiCode ? ` ${apiCode}` : '';
	switch (status) {
		case 401:
			return {
				message: `anyformat rejected the API key (401${code})`,
				description:
					'Check the API key in the anyformat credential. Creating a new key in anyformat revokes the previous one.',
				apiCode,
			};
		case 403:
			return {
				message: `anyformat denied access (403${code})${said ? `: ${said}` : ''}`,
				description: 'The API key is missing or lacks permission for this resource. Check the anyformat credential.',
				apiCode,
			};
		case 404:
			return {
				message: `anyformat has no such resource: ${method} ${path}${detail ? ` (${detail})` : ''}`,
				description: 'Check the ID (workflow, collection, file, job or webhook); it may have been deleted.',
				apiCode,
			};
		case 400:
		case 422:
			return {
				message: `anyformat refused the request${said ? `: ${said}` : ''}`,
				description: 'Correct the parameters named in the message and run the node again.',
				apiCode,
			};
		default:
			return { ...describeCommonFailure(anyformatApi, failure, ANYFORMAT_WORDING, said), apiCode };
	}
}

export const anyformatApi: VendorApi = {
	name: 'anyformat',
	credentialType: 'anyformatApi',
	defaultBaseUrl: 'https://api.anyformat.ai',
	secretFields: ['apiKey'],
	// The anyformat SDKs retry 2× with 0.5 s doubling to 8 s; polling a batch makes many reads, so allow more.
	retry: { maxRetries: 4, maxRateLimitRetries: 8, baseDelayMs: 500, maxDelayMs: 8000, maxRetryAfterMs: 120_000 },
	timeoutMs: 60_000,
	describeFailure: describeAnyformatFailure,
	// The same headers as the credential's `authenticate` (a unit test holds them equal).
	authHeaders: (credentials) => ({ Authorization: `Bearer ${String(credentials.apiKey ?? '')}`, 'x-api-key': String(credentials.apiKey ?? '') }),
};

export async function anyformatRequest<T = IDataObject>(ctx: ApiContext, request: ApiRequest): Promise<ApiResponse<T>> {
	return (await apiRequest.call(ctx, anyformatApi, request)) as ApiResponse<T>;
}

/** Body of a successful anyformat request (most operations need nothing else). */
export async function anyformatBody<T = IDataObject>(ctx: ApiContext, request: ApiRequest): Promise<T> {
	return (await anyformatRequest<T>(ctx, request)).body;
}

/** One page of a v2 list (`{count, page, page_size, results}`; page_size is capped at 100). */
export const anyformatPage = pageReader(anyformatRequest, 'page_size');

/** Reads a v2 list until the limit or its last page. */
export const anyformatList = listReader(anyformatPage, ANYFORMAT_PAGE_SIZE);

/**
 * The account's webhook subscriptions. The API answers with a flat array (at most 50, never with
 * their secrets); a paginated envelope is read too, should that ever change.
 */
export async function listWebhooks(ctx: ApiContext, itemIndex?: number): Promise<IDataObject[]> {
	const body = await anyformatBody<unknown>(ctx, { method: 'GET', path: '/v2/webhooks/', itemIndex });
	const list = Array.isArray(body) ? body : isObject(body) && Array.isArray(body.results) ? body.results : [];
	return (list as unknown[]).filter(isObject);
}
