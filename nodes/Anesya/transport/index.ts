import type { IDataObject } from 'n8n-workflow';

import { buildMultipart, type MultipartPart } from '../../shared/multipart';
import { describeCommonFailure, type ApiFailure, type FailureWording } from '../../shared/failures';
import { listReader, pageReader } from '../../shared/paging';
import { apiRequest, parseErrorBody, type ApiContext, type ApiRequest, type ApiResponse, type VendorApi } from '../../shared/request';
import type { RetryPolicy } from '../../shared/retry';
import { isObject } from '../../shared/values';

/** Uploads carry whole documents; give them longer than other requests. */
const UPLOAD_TIMEOUT_MS = 300_000;

/** Largest page DRF serves on Anesya's lists. */
export const ANESYA_MAX_PAGE_SIZE = 100;

const TOKEN_HELP =
	'Anesya API tokens have a lifetime chosen when they are created (1, 3 or 6 months, or unlimited) and stop working when it ends or when the token is deleted. Create a new token in the Anesya dashboard under My Account → API and paste it into the Anesya credential.';

/**
 * DRF validation errors as one readable line: `{"server": ["\"X\" is not a valid choice."],
 * "extracts": [{}, {"document": ["…"]}]}` → `server: "X" is not a valid choice.; extracts[1].document: …`.
 */
export function renderDrfErrors(body: unknown, prefix = ''): string[] {
	if (typeof body === 'string') return [prefix ? `${prefix}: ${body}` : body];
	if (Array.isArray(body)) {
		if (body.every((entry) => typeof entry === 'string' || typeof entry === 'number')) {
			return body.length ? [`${prefix ? `${prefix}: ` : ''}${body.join(' ')}`] : [];
		}
		return body.flatMap((entry, i) => renderDrfErrors(entry, `${prefix}[${i}]`));
	}
	if (isObject(body)) {
		return Object.entries(body).flatMap(([key, value]) => {
			// DRF puts errors that belong to no field under non_field_errors / detail.
			const unnamed = key === 'non_field_errors' || key === 'detail';
			return renderDrfErrors(value, unnamed ? prefix : prefix ? `${prefix}.${key}` : key);
		});
	}
	return [];
}

function detailOf(body: unknown): string | undefined {
	return isObject(body) && typeof body.detail === 'string' ? body.detail : undefined;
}

/** simplejwt's 401 body: the detail, plus why the token was refused ("Token is expired"). */
function tokenProblem(body: unknown): string | undefined {
	const messages = isObject(body) && Array.isArray(body.messages) ? body.messages : [];
	const reasons = messages.map((m) => (isObject(m) && typeof m.message === 'string' ? m.message : undefined));
	return [detailOf(body), ...reasons].filter(Boolean).join(': ') || undefined;
}

const ANESYA_WORDING: FailureWording = {
	whereToCheck: 'the Anesya dashboard (or Extract → Get Many)',
	rateLimitHelp: 'Too many requests for this token. Lower "Max Documents in Flight" or spread the work over time.',
};

/** What the client errors Anesya words its own way mean for a user; undefined for the others. */
function explainClientError(failure: ApiFailure, body: unknown): { message: string; description: string } | undefined {
	const { status, method, path } = failure;
	const detail = detailOf(body);
	const said = (text: string | undefined) => (text ? `: ${text}` : '');
	switch (status) {
		case 401:
			return {
				message: `Anesya rejected the API token (401)${said(tokenProblem(body))}`,
				description: `The token is invalid, has expired or was deleted. ${TOKEN_HELP}`,
			};
		case 403:
			return {
				message: `Anesya refused the request: insufficient credits (403)${said(detail)}`,
				description:
					'Your Anesya account does not have enough credits for this document. The request was not retried. Add credits in the Anesya dashboard, then run the item again.',
			};
		case 404:
			return {
				message: `Anesya has no such resource: ${method} ${path}${detail ? ` (${detail})` : ''}`,
				description:
					'Check the ID (extract, schema or workflow); it may have been deleted. Anesya IDs are UUIDs such as 300f339f-da71-4f9f-80f6-c25a63baae75.',
			};
		case 400:
			return {
				message: `Anesya refused the request${said(renderDrfErrors(body).join('; ').slice(0, 500))}`,
				description: 'Correct the parameters named in the message and run the node again.',
			};
		default:
			return undefined;
	}
}

/**
 * Anesya documents no retry policy. Extractions take tens of seconds, so a batch polls often: reads
 * get a few retries with back-off, and DRF throttling (429 + Retry-After in seconds) is waited out.
 */
const ANESYA_RETRY: RetryPolicy = { maxRetries: 4, maxRateLimitRetries: 8, baseDelayMs: 500, maxDelayMs: 8000, maxRetryAfterMs: 120_000 };

export const anesyaApi: VendorApi = {
	name: 'Anesya',
	credentialType: 'anesyaApi',
	defaultBaseUrl: 'https://api.anesya.app',
	secretFields: ['apiToken'],
	retry: ANESYA_RETRY,
	timeoutMs: 60_000,
	describeFailure: (failure) => {
		// apiRequest hands over parsed bodies (then this is a no-op); raw bytes are decoded the same way.
		const body = parseErrorBody(failure.body);
		const words =
			explainClientError(failure, body) ?? describeCommonFailure(anesyaApi, failure, ANESYA_WORDING, detailOf(body));
		const code = isObject(body) ? body.code : undefined;
		return { ...words, apiCode: typeof code === 'string' ? code : undefined };
	},
};

/** Sends one request to Anesya with the node's credential (retries, pacing, messages: see apiRequest). */
export async function anesyaRequest<T = IDataObject>(ctx: ApiContext, request: ApiRequest): Promise<ApiResponse<T>> {
	return (await apiRequest.call(ctx, anesyaApi, request)) as ApiResponse<T>;
}

/**
 * Uploads documents (multipart) to one of the two extraction routes. Sent once: a repeated upload
 * is charged twice, so a failure that may have landed is reported instead (SubmissionLedger).
 */
export async function anesyaUpload<T>(
	ctx: ApiContext,
	path: string,
	parts: MultipartPart[],
	options: { qs?: IDataObject; itemIndex: number },
): Promise<T> {
	const multipart = await buildMultipart(parts);
	const response = await anesyaRequest<T>(ctx, {
		method: 'POST',
		path,
		qs: options.qs,
		body: multipart.body,
		headers: { 'content-type': multipart.contentType },
		bucket: 'submission',
		idempotent: false,
		timeoutMs: UPLOAD_TIMEOUT_MS,
		itemIndex: options.itemIndex,
	});
	return response.body;
}

/** One page of a DRF list (`{count, next, previous, results}`, `page`/`size` parameters). */
export const anesyaPage = pageReader(anesyaRequest, 'size');

/** Reads a DRF list until the limit or its last page. */
export const anesyaList = listReader(anesyaPage, ANESYA_MAX_PAGE_SIZE);
