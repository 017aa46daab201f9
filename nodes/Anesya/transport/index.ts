import type { ICredentialDataDecryptedObject, IDataObject } from 'n8n-workflow';

import { fileNameFromContentDisposition } from '../../shared/binary';
import { ApiRequestError } from '../../shared/errors';
import { credentialBaseUrl } from '../../shared/connection';
import { describeCommonFailure, type ApiFailure, type FailureWording, type FailureWords } from '../../shared/failures';
import { buildMultipart, type FileSource, type MultipartPart } from '../../shared/multipart';
import { entriesSince, listReader, pageReader, serverClockOffset, type ListOptions, type ListPage, type PageQuery } from '../../shared/paging';
import {
	apiRequest,
	parseErrorBody,
	type ApiContext,
	type ApiRequest,
	type ApiResponse,
	type VendorApi,
} from '../../shared/request';
import type { RetryPolicy } from '../../shared/retry';
import { isObject } from '../../shared/values';
import { pageRangeQuery } from '../helpers/documentOptions';

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

/**
 * The two API generations one `anesyaApi` credential can hold. The credential's choice decides the
 * header (see its authenticate); each generation's VendorApi below decides path style and wording,
 * and refuses a credential of the other generation before anything is sent. Credentials saved
 * before the choice existed have no value and are 0.8.1.
 */
export type AnesyaGeneration = 'legacy' | 'v0';

export function generationOf(credentials: ICredentialDataDecryptedObject): AnesyaGeneration {
	return credentials.apiGeneration === 'v0' ? 'v0' : 'legacy';
}

function wrongGeneration(expected: AnesyaGeneration): (credentials: ICredentialDataDecryptedObject) => FailureWords | undefined {
	return (credentials) => {
		if (generationOf(credentials) === expected) return undefined;
		return expected === 'legacy'
			? {
					message: 'The Anesya credential is set to API Generation v0, but this node (version 1) uses the 0.8.1 API',
					description:
						'Version 1 of the Anesya node speaks Anesya 0.8.1 (tokens, servers, workflows). Either set API Generation to 0.8.1 in the credential and paste a 0.8.1 token, or add a new Anesya node from the nodes panel: new nodes use v0 (Document, Parsing, Extract).',
					apiCode: 'WRONG_API_GENERATION',
				}
			: {
					message: 'The Anesya credential is set to API Generation 0.8.1, but this node uses the v0 API',
					description:
						'This version of the Anesya node speaks Anesya v0 (documents, parsing, extract) with an API key in the X-API-Key header. Set API Generation to v0 in the credential and paste a v0 API key. Workflows built for 0.8.1 keep working with Anesya nodes of version 1.',
					apiCode: 'WRONG_API_GENERATION',
				};
	};
}

/** What both generations share: one host, one credential, the same retry policy. */
const ANESYA_CONNECTION = {
	name: 'Anesya',
	credentialType: 'anesyaApi',
	defaultBaseUrl: 'https://api.anesya.app',
	secretFields: ['apiToken'],
	retry: ANESYA_RETRY,
	timeoutMs: 60_000,
} satisfies Partial<VendorApi>;

export const anesyaApi: VendorApi = {
	...ANESYA_CONNECTION,
	describeFailure: (failure) => {
		// apiRequest hands over parsed bodies (then this is a no-op); raw bytes are decoded the same way.
		const body = parseErrorBody(failure.body);
		const words =
			explainClientError(failure, body) ?? describeCommonFailure(anesyaApi, failure, ANESYA_WORDING, detailOf(body));
		const code = isObject(body) ? body.code : undefined;
		return { ...words, apiCode: typeof code === 'string' ? code : undefined };
	},
	refuseCredentials: wrongGeneration('legacy'),
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

// ---------------------------------------------------------------------------------------------
// v0: X-API-Key, /v0/documents → /v0/parsing → /v0/extract, no trailing slashes.

/**
 * v0 calls whose path (or, for the list, whose parameters) no Anesya page shows: the docs name the
 * operations ("Retrieve document", "Retrieve parsing", "Poll extract") but not their URLs. Failures
 * on them say so, so the first real call tells whether the guess was right.
 */
const V0_INFERRED: Array<{ method: string; pattern: RegExp; shape: string; what: string }> = [
	{ method: 'GET', pattern: /^\/v0\/documents\/[^/]+$/, shape: 'GET /v0/documents/{id}', what: 'the docs name a "Retrieve document" call but do not show its URL' },
	{ method: 'GET', pattern: /^\/v0\/parsing\/[^/]+$/, shape: 'GET /v0/parsing/{id}', what: 'the docs show a "Retrieve parsing" step but not its URL' },
	{ method: 'GET', pattern: /^\/v0\/extract\/[^/]+$/, shape: 'GET /v0/extract/{id}', what: 'the docs show a "Poll extract" step but not its URL' },
	{ method: 'GET', pattern: /^\/v0\/documents$/, shape: 'GET /v0/documents?search=…&meta_key=…&meta_value=…&page=…&size=…', what: 'the docs say documents can be searched by file name or metadata but do not name the parameters' },
	{ method: 'POST', pattern: /^\/v0\/extract$/, shape: 'POST /v0/extract {"schema", "document" | "parsing"}', what: 'the docs confirm "schema" but not the names of the document and parsing ID fields' },
];

function inferredCall(method: string, path: string) {
	const pathname = path.split('?')[0];
	return V0_INFERRED.find((call) => call.method === method && call.pattern.test(pathname));
}

/** The sentence every failure on an inferred call carries. */
function inferredNote(call: { shape: string; what: string }): string {
	return `This node calls ${call.shape}, which is inferred: ${call.what}. If this keeps failing for IDs that exist, Anesya uses another form; please report it with this message.`;
}

const V0_WORDING: FailureWording = {
	whereToCheck: 'the Anesya dashboard',
	rateLimitHelp: 'Too many requests for this API key. Lower "Max Documents in Flight" or spread the work over time.',
};

function describeV0ClientError(failure: ApiFailure, body: unknown): FailureWords | undefined {
	const { status, method, path } = failure;
	const detail = detailOf(body);
	const inferred = inferredCall(method, path);
	const note = inferred ? ` ${inferredNote(inferred)}` : '';
	switch (status) {
		case 401:
			return {
				message: `Anesya rejected the API key (401)${detail ? `: ${detail}` : ''}`,
				description:
					'The key is wrong or was deleted, or it is not a v0 API key: v0 keys are sent in the X-API-Key header, and a 0.8.1 token is not accepted there. Create an API key in the Anesya dashboard, paste it into the credential and keep API Generation set to v0.',
			};
		case 402:
		case 403:
			return /credit/i.test(detail ?? '')
				? {
						message: `Anesya refused the request: insufficient credits (${status}): ${detail}`,
						description: 'Your Anesya account does not have enough credits for this document. The request was not retried. Add credits in the Anesya dashboard, then run the item again.',
					}
				: {
						message: `Anesya refused ${method} ${path} (${status})${detail ? `: ${detail}` : ''}`,
						description: `This API key may not have access to that resource.${note}`,
					};
		case 404: {
			// A DRF view says what it did not find in JSON; a route that does not exist answers an HTML page.
			const said = detail ? `: ${detail}` : isObject(body) ? '' : ' (no JSON answer, as for a URL that does not exist)';
			return {
				message: `Anesya answered 404 for ${method} ${path}${said}`,
				description: `Check the ID; Anesya IDs are UUIDs such as 300f339f-da71-4f9f-80f6-c25a63baae75.${note}`,
			};
		}
		case 405:
			return {
				message: `Anesya does not accept ${method} on ${path} (405)${detail ? `: ${detail}` : ''}`,
				description: inferred ? inferredNote(inferred) : 'Please report this with the message to the package maintainers.',
			};
		case 400:
			return {
				message: `Anesya refused the request${renderDrfErrors(body).length ? `: ${renderDrfErrors(body).join('; ').slice(0, 500)}` : ' (400)'}`,
				description: `Correct the parameters named in the message and run the node again.${note}`,
			};
		default:
			return undefined;
	}
}

export const anesyaV0Api: VendorApi = {
	...ANESYA_CONNECTION,
	// Every v0 example has none; whether a slashed path works too is unknown.
	trailingSlash: false,
	describeFailure: (failure) => {
		const body = parseErrorBody(failure.body);
		return describeV0ClientError(failure, body) ?? describeCommonFailure(anesyaV0Api, failure, V0_WORDING, detailOf(body));
	},
	refuseCredentials: wrongGeneration('v0'),
};

/** Sends one request to Anesya v0 with the node's credential (retries, pacing, messages: see apiRequest). */
export async function anesyaV0Request<T = IDataObject>(ctx: ApiContext, request: ApiRequest): Promise<ApiResponse<T>> {
	return (await apiRequest.call(ctx, anesyaV0Api, request)) as ApiResponse<T>;
}

/** A v0 answer that is not what the docs lead us to expect: says what was expected and what came back. */
export function unexpectedV0Answer(ctx: ApiContext, what: { call: string; expected: string; body: unknown; itemIndex?: number }): ApiRequestError {
	const got = Array.isArray(what.body)
		? `a list of ${what.body.length}`
		: isObject(what.body)
			? `an object with ${Object.keys(what.body).length ? `the keys ${Object.keys(what.body).slice(0, 12).join(', ')}` : 'no keys'}`
			: `${typeof what.body === 'string' ? 'text' : String(what.body)}`;
	return new ApiRequestError(ctx.getNode(), {
		message: `Anesya answered ${what.call} with ${got}; expected ${what.expected}`,
		description:
			'The v0 answer formats this node reads are partly inferred from Anesya\'s documentation. Please report this message to the package maintainers; the answer is kept under "response" in the error details.',
		apiCode: 'UNEXPECTED_ANSWER',
		itemIndex: what.itemIndex,
		response: (isObject(what.body) ? what.body : { body: what.body }) as IDataObject,
	});
}

/** Largest page asked of v0 lists (the parameter names are inferred; a server ignoring them is fine). */
export const ANESYA_V0_PAGE_SIZE = 100;
/** Pages read at most by one v0 list (a bound even if `next` links never end). */
const V0_MAX_PAGES = 1000;

/**
 * One page of a v0 list. The docs show no list answer, so both a bare array and DRF's
 * `{count, next, previous, results}` are read; anything else fails saying what came back.
 */
export async function anesyaV0Page(ctx: ApiContext, path: string, query: PageQuery): Promise<ListPage & { next?: string }> {
	const requestedAt = Date.now();
	const { body, headers } = await anesyaV0Request<unknown>(ctx, {
		method: 'GET',
		path,
		qs: /^https?:\/\//i.test(path) ? undefined : { ...query.qs, page: query.page, size: query.size },
		itemIndex: query.itemIndex,
		signal: query.signal,
	});
	const clockOffsetMs = serverClockOffset(headers, requestedAt);
	if (Array.isArray(body)) return { results: body.filter(isObject), hasMore: false, clockOffsetMs };
	if (!isObject(body) || !Array.isArray(body.results)) {
		throw unexpectedV0Answer(ctx, { call: `GET ${path.split('?')[0]}`, expected: 'a list, or a page {count, next, results}', body, itemIndex: query.itemIndex });
	}
	const results = (body.results as unknown[]).filter(isObject);
	const next = typeof body.next === 'string' && body.next ? body.next : undefined;
	const count = typeof body.count === 'number' ? body.count : undefined;
	const hasMore = results.length > 0 && (next !== undefined || (body.next === undefined && count !== undefined && query.page * query.size < count));
	return { results, count, hasMore, next, clockOffsetMs };
}

/**
 * Reads a v0 list until `limit` entries or its end, following `next` links on the API's own host
 * (any pagination style) and asking for the next page number otherwise.
 */
export async function anesyaV0List(ctx: ApiContext, path: string, options: ListOptions = {}): Promise<IDataObject[]> {
	const limit = options.limit ?? Infinity;
	const size = Math.min(ANESYA_V0_PAGE_SIZE, Number.isFinite(limit) ? Math.max(1, limit) : ANESYA_V0_PAGE_SIZE);
	const origin = new URL(await credentialBaseUrl(ctx, anesyaV0Api)).origin;
	const results: IDataObject[] = [];
	let target = path;
	for (let page = 1; page <= (options.maxPages ?? V0_MAX_PAGES) && results.length < limit; page++) {
		const current = await anesyaV0Page(ctx, target, { page, size, qs: options.qs, itemIndex: options.itemIndex, signal: options.signal });
		results.push(...current.results);
		if (!current.hasMore) break;
		target = current.next && sameOrigin(current.next, origin) ? current.next : path;
	}
	return results.slice(0, Number.isFinite(limit) ? limit : undefined);
}

function sameOrigin(url: string, origin: string): boolean {
	try {
		return new URL(url).origin === origin;
	} catch {
		return false;
	}
}

/** What POST /v0/documents stores: the file, an optional name override, metadata and a PDF page range. */
export interface V0DocumentUpload {
	file: FileSource;
	fileName?: string;
	/** Flat key → value pairs, sent as one JSON form field. */
	metadata?: IDataObject;
	pageStart?: number;
	pageEnd?: number;
}

/**
 * Stores one document (free: "Document upload and storage do not consume credits"). `repeatable`:
 * whether a failure that may have landed is sent again — at worst Anesya then stores the file twice,
 * at no charge; otherwise the failure is reported as possibly landed.
 */
export async function uploadV0Document(
	ctx: ApiContext,
	upload: V0DocumentUpload,
	options: { itemIndex: number; signal?: AbortSignal; repeatable: boolean },
): Promise<IDataObject> {
	const parts: MultipartPart[] = [{ field: 'file', file: upload.file }];
	if (upload.fileName) parts.push({ field: 'filename', text: upload.fileName });
	if (upload.metadata && Object.keys(upload.metadata).length) parts.push({ field: 'metadata', text: JSON.stringify(upload.metadata) });
	const qs = pageRangeQuery({ start: upload.pageStart, end: upload.pageEnd });
	const multipart = await buildMultipart(parts);
	const { body } = await anesyaV0Request<unknown>(ctx, {
		method: 'POST',
		path: '/v0/documents',
		qs: Object.keys(qs).length ? qs : undefined,
		body: multipart.body,
		headers: { 'content-type': multipart.contentType },
		bucket: 'submission',
		idempotent: options.repeatable,
		timeoutMs: UPLOAD_TIMEOUT_MS,
		itemIndex: options.itemIndex,
		signal: options.signal,
	});
	if (!isObject(body) || typeof body.id !== 'string' || !body.id) {
		throw unexpectedV0Answer(ctx, { call: 'POST /v0/documents', expected: 'the stored document with its "id"', body, itemIndex: options.itemIndex });
	}
	return body;
}

/**
 * Documents named `fileName` that Anesya stored since `since` (this machine's clock): what an
 * upload whose answer got lost may have stored. The search parameter is inferred, so the names are
 * compared here too: a server ignoring `search` cannot make another file look like ours.
 */
export async function documentsSince(ctx: ApiContext, fileName: string, since: number, signal?: AbortSignal): Promise<IDataObject[]> {
	const qs = { search: fileName };
	const documents = await entriesSince(async (page) => await anesyaV0Page(ctx, '/v0/documents', { page, size: ANESYA_V0_PAGE_SIZE, qs, signal }), {
		since,
		pageSize: ANESYA_V0_PAGE_SIZE,
	});
	return documents.filter((document) => document.filename === fileName);
}

const REDIRECTS = [301, 302, 303, 307, 308];

/** A downloaded file: its bytes and what the answer says about it. */
export interface DownloadedFile {
	content: Buffer;
	contentType?: string;
	/** From Content-Disposition, else the last segment of the storage link when it looks like a file name. */
	fileName?: string;
}

function downloaded(response: ApiResponse<Buffer>, url?: URL): DownloadedFile {
	const segment = url ? decodeURIComponent(url.pathname.split('/').pop() ?? '') : '';
	return {
		content: response.body,
		contentType: response.headers['content-type'],
		fileName: fileNameFromContentDisposition(response.headers['content-disposition']) ?? (/\.[A-Za-z0-9]{2,5}$/.test(segment) ? segment : undefined),
	};
}

/**
 * A stored document's bytes. Anesya answers the download with a redirect to the file's storage
 * location: the redirect is not followed with the credential (n8n would forward the key to the
 * other host); its Location is fetched without any. A direct 200 is taken as the file.
 */
export async function downloadV0Document(
	ctx: ApiContext,
	documentId: string,
	options: { itemIndex: number; signal?: AbortSignal },
): Promise<DownloadedFile> {
	const path = `/v0/documents/${encodeURIComponent(documentId)}/download`;
	const answer = await anesyaV0Request<Buffer>(ctx, {
		method: 'GET',
		path,
		responseType: 'binary',
		followRedirects: false,
		acceptStatus: REDIRECTS,
		itemIndex: options.itemIndex,
		signal: options.signal,
	});
	if (!REDIRECTS.includes(answer.statusCode)) return downloaded(answer);
	const location = answer.headers.location;
	if (!location) {
		throw new ApiRequestError(ctx.getNode(), {
			message: `Anesya redirected the download of document ${documentId} (${answer.statusCode}) without saying where to`,
			description: 'The answer had no Location header. Try again later; if it persists, please report it.',
			status: answer.statusCode,
			itemIndex: options.itemIndex,
		});
	}
	const target = new URL(location, `${await credentialBaseUrl(ctx, anesyaV0Api)}${path}`);
	const fetched = await anesyaV0Request<Buffer>(ctx, { method: 'GET', path: target.toString(), anonymous: true, responseType: 'binary', itemIndex: options.itemIndex, signal: options.signal }).then(
		(file) => ({ file }),
		(error: unknown) => ({ error }),
	);
	if ('file' in fetched) return downloaded(fetched.file, target);
	const { error } = fetched;
	if (!(error instanceof ApiRequestError)) throw error;
	// Never the whole link: a pre-signed URL's query is itself a credential.
	throw new ApiRequestError(ctx.getNode(), {
		message: `Anesya sent the download of document ${documentId} to ${target.host}, which failed: ${error.message}`,
		description: 'The link Anesya hands out for a download may expire quickly. Run the node again; if it keeps failing, check that this n8n instance may reach that host.',
		status: error.status,
		networkCode: error.networkCode,
		itemIndex: options.itemIndex,
	});
}
