/**
 * Anesya API 0.8.1 (served under /anesya; v0 under /anesya/v0 is in anesya-v0.ts): raw-token auth with simplejwt-shaped 401s, DRF pagination and
 * validation errors, extracts, workflow uploads, schemas, document/image downloads.
 */
import {
	ANESYA_SERVERS,
	CLASSIFIER_CREDITS_PER_PAGE,
	CREDITS_PER_PAGE,
	type AnesyaFake,
	type NewExtract,
} from './anesya-state';
import { isObject } from './anyformat-fields';
import { documentFromFile, extensionOf } from './documents';
import { buildZip, toCsv } from './encoders';
import type { FakeHost } from './host';
import { attachmentHeader, emptyResponse, header, intParam, jsonResponse, parseJsonBody, Router, rawResponse, type FakeResponse, type RequestInfo, type RouteLabel } from './http';
import { isUuid } from './ids';
import { FormParseError, parseForm, type FormPart, type FormParts } from './multipart';
import type { FakeDocument, JsonSchema, RequestLogEntry } from './types';

interface AnesyaContext {
	req: RequestInfo;
	log: RequestLogEntry;
	token: string;
}

type Handler = (ctx: AnesyaContext, params: Record<string, string>) => FakeResponse;

interface RouteMeta {
	submission: boolean;
}

export const ANESYA_PREFIX = '/anesya';
const ALLOWED_EXTENSIONS = ['pdf', 'png', 'jpg', 'jpeg'];
const DEFAULT_PAGE_SIZE = 50;
const MAX_PAGE_SIZE = 100; // undocumented; DRF projects usually cap page sizes, 100 keeps list responses small

/** Django's production 404 page for URLs that match no route. */
export function djangoNotFound(): FakeResponse {
	return rawResponse(
		404,
		'<!doctype html>\n<html lang="en">\n<head>\n  <title>Not Found</title>\n</head>\n<body>\n  <h1>Not Found</h1><p>The requested resource was not found on this server.</p>\n</body>\n</html>\n',
		'text/html; charset=utf-8',
	);
}

export class AnesyaApi {
	private readonly router = new Router<Handler, RouteMeta>();

	constructor(
		private readonly host: FakeHost,
		private readonly state: AnesyaFake,
	) {
		const plain = { submission: false };
		this.router
			.add('GET', '/extract/', (c) => this.listExtracts(c), plain)
			.add('POST', '/extract/', (c) => this.createExtract(c), { submission: true })
			.add('GET', '/extract/{id}/', (c, p) => this.getExtract(c, p.id), plain)
			.add('DELETE', '/extract/{id}/', (c, p) => this.deleteExtract(c, p.id), plain)
			.add('POST', '/workflow/{id}/extract/', (c, p) => this.workflowExtract(c, p.id), { submission: true })
			.add('GET', '/schema/', (c) => this.listSchemas(c), plain)
			.add('POST', '/schema/', (c) => this.createSchema(c), plain)
			.add('GET', '/schema/{id}/', (c, p) => this.getSchema(p.id), plain)
			.add('GET', '/document/{id}/', (c, p) => this.getDocument(c, p.id), plain)
			.add('GET', '/images/{id}/', (c, p) => this.getImage(p.id), plain);
	}

	routeFor(method: string, path: string): RouteLabel {
		return this.router.routeFor(method, path, ANESYA_PREFIX);
	}

	hasPath(path: string): boolean {
		return this.router.hasPath(path);
	}

	handle(req: RequestInfo, log: RequestLogEntry): FakeResponse {
		const match = this.router.match(req.method, req.path);
		if (match.kind === 'none') {
			// Django APPEND_SLASH: a slash-less GET is redirected; other methods cannot be, so they 404.
			if (!req.path.endsWith('/') && this.router.hasPath(`${req.path}/`) && req.method === 'GET') {
				const search = req.query.toString();
				return { status: 301, headers: { location: `${ANESYA_PREFIX}${req.path}/${search ? `?${search}` : ''}` }, body: Buffer.alloc(0) };
			}
			return djangoNotFound();
		}
		const auth = this.authenticate(req, log);
		if (!auth.ok) return auth.response;
		if (match.kind === 'method-not-allowed') {
			return jsonResponse(405, { detail: `Method "${req.method}" not allowed.` }, { allow: match.allowed.join(', ') });
		}

		const limits = this.host.options.anesya.rateLimits;
		const window = limits ? (match.route.meta.submission ? limits.submission : limits.general) : undefined;
		if (window) {
			const decision = this.host.limiter.take(auth.token, `an-${match.route.meta.submission ? 'submission' : 'general'}`, window);
			if (!decision.allowed) {
				const wait = Math.max(1, Math.ceil(decision.resetMs / 1000)); // DRF sends whole seconds
				return jsonResponse(429, { detail: `Request was throttled. Expected available in ${wait} seconds.` }, { 'retry-after': String(wait) });
			}
		}
		return match.route.handler({ req, log, token: auth.token }, match.params);
	}

	/** The raw token in Authorization; "Bearer <token>" only when acceptBearer is set. */
	private authenticate(req: RequestInfo, log: RequestLogEntry): { ok: true; token: string } | { ok: false; response: FakeResponse } {
		const options = this.host.options.anesya;
		const raw = header(req.headers, 'authorization')?.trim();
		if (!raw) {
			// DRF would send only {"detail"}; the simplejwt shape is kept for every 401 so clients parse one shape.
			log.auth = { scheme: header(req.headers, 'x-api-key') !== undefined ? 'x-api-key' : 'none', valid: false };
			return { ok: false, response: unauthorized('Authentication credentials were not provided.', 'not_authenticated', null) };
		}
		const bearer = /^bearer\s+(.+)$/i.exec(raw);
		const token = bearer ? (options.acceptBearer ? bearer[1].trim() : raw) : raw;
		const valid = options.tokens.includes(token) || (options.crossGenerationKeys && options.apiKeys.includes(token));
		log.auth = { scheme: bearer ? 'bearer' : 'raw', valid };
		if (valid) return { ok: true, token };
		const expired = options.expiredTokens.includes(token);
		return { ok: false, response: unauthorized('Given token not valid for any token type', 'token_not_valid', expired ? 'Token is expired' : 'Token is invalid') };
	}

	// ------------------------------------------------------------ extracts

	private createExtract(c: AnesyaContext): FakeResponse {
		const form = parseFormOrError(c.req);
		if ('error' in form) return form.error;
		const errors: Record<string, unknown[]> = {};
		const documentPart = form.form.get('document');
		const documentProblem = validateDocument(documentPart);
		if (documentProblem) errors.document = [documentProblem];

		const server = form.form.field('server');
		if (server === undefined || server === '') errors.server = ['This field is required.'];
		else if (!ANESYA_SERVERS.includes(server)) errors.server = [`"${server}" is not a valid choice.`];

		const schemaId = form.form.field('schema') || null;
		if (schemaId && (!isUuid(schemaId) || !this.state.getSchema(schemaId))) errors.schema = [`Invalid pk "${schemaId}" - object does not exist.`];

		// No classifier endpoints exist, so any well-formed UUID is accepted as a classifier id.
		const classifierId = form.form.field('classifier') || null;
		if (classifierId && !isUuid(classifierId)) errors.classifier = [`“${classifierId}” is not a valid UUID.`];

		let metadata: Record<string, unknown> | null = null;
		const metadataRaw = form.form.field('metadata');
		if (metadataRaw !== undefined && metadataRaw !== '' && metadataRaw !== 'null') {
			const parsed = safeJson(metadataRaw);
			if (parsed === undefined) errors.metadata = ['Value must be valid JSON.'];
			else if (!isObject(parsed)) errors.metadata = [`Expected a dictionary of items but got type "${Array.isArray(parsed) ? 'list' : typeof parsed}".`];
			else metadata = parsed;
		}

		const range = pageRange(c.req.query);
		if ('errors' in range) Object.assign(errors, range.errors);
		if (Object.keys(errors).length) return jsonResponse(400, errors);

		const pageSelection = 'start' in range ? range : {};
		const document = documentFromFile(documentPart!.data, documentPart!.filename!, documentPart!.contentType, this.host.options.sidecarText);
		const selected = selectPages(document, pageSelection.start, pageSelection.end);
		if ('error' in selected) return jsonResponse(400, selected.error);

		const cost = selected.pages * (CREDITS_PER_PAGE + (classifierId ? CLASSIFIER_CREDITS_PER_PAGE : 0));
		if (!this.state.charge(c.token, cost)) return jsonResponse(403, { detail: 'Insufficient credits.' });
		const record = this.state.createExtract({
			document: selected.document,
			server: server!,
			schemaId,
			classifierId,
			workflowId: null,
			sessionId: null,
			metadata,
			pages: selected.pages,
			creditCost: cost,
			payer: c.token,
		});
		c.log.jobIds = [record.id];
		// Rendered as of creation: a create always answers CREATED, however long the request took.
		return jsonResponse(201, this.state.extractBody(record, record.createdAt));
	}

	private listExtracts(c: AnesyaContext): FakeResponse {
		const q = c.req.query;
		const errors: Record<string, string[]> = {};
		const workflowId = q.get('workflow_id');
		if (workflowId && !isUuid(workflowId)) errors.workflow_id = ['Enter a valid UUID.'];
		const sessionRaw = q.get('workflow_session_id');
		if (sessionRaw && !/^\d+$/.test(sessionRaw)) errors.workflow_session_id = ['Enter a number.'];
		if (Object.keys(errors).length) return jsonResponse(400, errors);

		const search = q.get('search')?.trim().toLowerCase();
		const metaKey = q.get('meta_key') || undefined;
		const metaValue = q.get('meta_value') || undefined;
		const items = this.state.listExtracts().filter((e) => {
			if (search && !e.document.fileName.toLowerCase().includes(search) && !this.state.schemaName(e).toLowerCase().includes(search)) return false;
			if (workflowId && e.workflowId !== workflowId) return false;
			if (sessionRaw && e.sessionId !== Number(sessionRaw)) return false;
			return metadataMatches(e.metadata, metaKey, metaValue);
		});
		return paginate(c.req, items, (e) => this.state.listItem(e));
	}

	private getExtract(c: AnesyaContext, id: string): FakeResponse {
		const record = this.state.getExtract(id);
		if (!record) return jsonResponse(404, { detail: 'No Extract matches the given query.' });
		c.log.jobIds = [record.id];
		const status = this.state.statusOf(record);
		const terminal = status === 'FINISHED' || status === 'ERROR';
		if (terminal) this.state.markResultFetched(record);
		if (!c.req.query.has('download')) return jsonResponse(200, this.state.extractBody(record));

		// Undocumented: a failed extract never becomes ready, so answering 202 would make clients poll forever.
		if (status === 'ERROR') return jsonResponse(400, { detail: 'The extraction failed; there is nothing to download.' });
		if (!terminal) return jsonResponse(202, { detail: 'Resource accepted but not ready' });
		// "If not specified, CSV is selected by default."
		const kind = ['csv', 'json', 'images'].includes(c.req.query.get('download') ?? '') ? c.req.query.get('download')! : 'csv';
		const base = record.document.fileName.replace(/\.[^.]+$/, '') || record.id;
		if (kind === 'images') {
			const zip = buildZip(record.images.map((i) => ({ name: i.name, data: i.data })));
			return rawResponse(200, zip, 'application/zip', { 'content-disposition': attachmentHeader(`${base}_images.zip`) });
		}
		// "If no schema is present in the extraction, nothing will be downloaded": an empty attachment.
		const data = record.extractedData;
		if (kind === 'json') {
			const body = record.schemaId ? JSON.stringify(data, null, 2) : '';
			return rawResponse(200, body, 'application/json', { 'content-disposition': attachmentHeader(`${base}.json`) });
		}
		const body = record.schemaId ? extractedDataCsv(data) : '';
		return rawResponse(200, body, 'text/csv; charset=utf-8', { 'content-disposition': attachmentHeader(`${base}.csv`) });
	}

	private deleteExtract(c: AnesyaContext, id: string): FakeResponse {
		c.log.jobIds = [id];
		return this.state.deleteExtract(id) ? emptyResponse(204) : jsonResponse(404, { detail: 'No Extract matches the given query.' });
	}

	/** Parts extracts[N][document]; one Extract per document, all in one workflow session. */
	private workflowExtract(c: AnesyaContext, workflowId: string): FakeResponse {
		const workflow = this.state.getWorkflow(workflowId);
		if (!workflow) return jsonResponse(404, { detail: 'No Workflow matches the given query.' });
		const form = parseFormOrError(c.req);
		if ('error' in form) return form.error;
		const indexed = form.form.parts
			.map((p) => ({ part: p, index: /^extracts\[(\d+)\]\[document\]$/.exec(p.name)?.[1] }))
			.filter((x): x is { part: FormPart; index: string } => x.index !== undefined)
			.sort((a, b) => Number(a.index) - Number(b.index));
		if (indexed.length === 0) return jsonResponse(400, { extracts: ['This field is required.'] });
		const problems = indexed.map((x) => validateDocument(x.part));
		if (problems.some(Boolean)) return jsonResponse(400, { extracts: problems.map((p) => (p ? { document: [p] } : {})) });

		const documents = indexed.map((x) => documentFromFile(x.part.data, x.part.filename!, x.part.contentType, this.host.options.sidecarText));
		const perPage = CREDITS_PER_PAGE + (workflow.classifierId ? CLASSIFIER_CREDITS_PER_PAGE : 0);
		const costs = documents.map((d) => d.pages * perPage);
		if (!this.state.charge(c.token, costs.reduce((a, b) => a + b, 0))) return jsonResponse(403, { detail: 'Insufficient credits.' });

		const sessionId = this.state.nextSessionId();
		const records = documents.map((document, i) => {
			const input: NewExtract = {
				document,
				server: workflow.server,
				schemaId: workflow.schemaId,
				classifierId: workflow.classifierId,
				workflowId,
				sessionId,
				metadata: {},
				pages: document.pages,
				creditCost: costs[i],
				payer: c.token,
			};
			return this.state.createExtract(input);
		});
		c.log.jobIds = records.map((r) => r.id);
		return jsonResponse(
			201,
			records.map((r) => this.state.extractBody(r, r.createdAt)),
		);
	}

	// ------------------------------------------------------------ schemas

	private listSchemas(c: AnesyaContext): FakeResponse {
		return paginate(c.req, this.state.schemas, (s) => s);
	}

	private createSchema(c: AnesyaContext): FakeResponse {
		let body: unknown;
		const contentType = header(c.req.headers, 'content-type') ?? '';
		try {
			if (/^application\/json/i.test(contentType) || !contentType) body = parseJsonBody(c.req.body);
			else {
				const form = parseForm(contentType, c.req.body);
				const schemaText = form.field('schema');
				body = {
					name: form.field('name'),
					description: form.field('description'),
					additional_informations: form.field('additional_informations'),
					schema: schemaText === undefined ? undefined : (safeJson(schemaText) ?? schemaText),
				};
			}
		} catch {
			return jsonResponse(400, { detail: 'JSON parse error - Expecting value: line 1 column 1 (char 0)' });
		}
		if (!isObject(body)) return jsonResponse(400, { non_field_errors: ['Invalid data. Expected a dictionary, but got list.'] });
		const errors: Record<string, string[]> = {};
		for (const key of ['name', 'description'] as const) {
			const v = body[key];
			if (v === undefined || v === null) errors[key] = ['This field is required.'];
			else if (typeof v !== 'string') errors[key] = ['Not a valid string.'];
			else if (!v.trim()) errors[key] = ['This field may not be blank.'];
		}
		const info = body.additional_informations;
		if (info !== undefined && info !== null && typeof info !== 'string') errors.additional_informations = ['Not a valid string.'];
		const schema = body.schema;
		if (schema === undefined) errors.schema = ['This field is required.'];
		else if (schema !== null && !isObject(schema)) errors.schema = ['Value must be valid JSON.'];
		else if (schema !== null && schema.type !== 'object') errors.schema = ['The root of the schema must be {"type": "object", ...}.'];
		if (Object.keys(errors).length) return jsonResponse(400, errors);
		const created = this.state.createSchema({
			name: body.name as string,
			description: body.description as string,
			additional_informations: (info as string | null | undefined) ?? null,
			schema: schema as JsonSchema | null,
		});
		return jsonResponse(201, created);
	}

	private getSchema(id: string): FakeResponse {
		const schema = this.state.getSchema(id);
		return schema ? jsonResponse(200, schema) : jsonResponse(404, { detail: 'No ExtractSchema matches the given query.' });
	}

	// ------------------------------------------------------------ files

	private getDocument(c: AnesyaContext, id: string): FakeResponse {
		const type = c.req.query.get('type') ?? 'extract';
		const record = type === 'extract' ? this.state.getExtract(id) : undefined;
		if (!record) return jsonResponse(404, { detail: 'Not found.' });
		c.log.jobIds = [record.id];
		const doc = record.document;
		return rawResponse(200, doc.bytes, doc.contentType, { 'content-disposition': attachmentHeader(doc.fileName) });
	}

	private getImage(id: string): FakeResponse {
		const image = this.state.findImage(id);
		if (!image) return jsonResponse(404, { detail: 'Not found.' });
		return rawResponse(200, image.data, image.contentType, { 'content-disposition': `inline; filename="${image.name}"` });
	}
}

// ---------------------------------------------------------------- helpers

export function unauthorized(detail: string, code: string, message: string | null): FakeResponse {
	return jsonResponse(
		401,
		{
			detail,
			code,
			messages: message ? [{ token_class: 'AccessToken', token_type: 'access', message }] : [],
		},
		{ 'www-authenticate': 'Bearer realm="api"' },
	);
}

export function validateDocument(part: FormPart | undefined): string | undefined {
	if (!part || part.filename === undefined) return 'No file was submitted.';
	if (part.data.length === 0) return 'The submitted file is empty.';
	const ext = extensionOf(part.filename);
	if (!ALLOWED_EXTENSIONS.includes(ext)) return `File extension “${ext}” is not allowed. Allowed extensions are: ${ALLOWED_EXTENSIONS.join(', ')}.`;
	return undefined;
}

export function parseFormOrError(req: RequestInfo): { form: FormParts } | { error: FakeResponse } {
	try {
		return { form: parseForm(header(req.headers, 'content-type'), req.body) };
	} catch (error) {
		if (error instanceof FormParseError) return { error: jsonResponse(400, { detail: `Multipart form parse error - ${error.message}` }) };
		throw error;
	}
}

export function pageRange(query: URLSearchParams): { start?: number; end?: number } | { errors: Record<string, string[]> } {
	const errors: Record<string, string[]> = {};
	const start = intParam(query, 'pdf_page_start');
	const end = intParam(query, 'pdf_page_end');
	if (start !== undefined && (Number.isNaN(start) || start < 1)) errors.pdf_page_start = ['A valid integer ≥ 1 is required.'];
	if (end !== undefined && (Number.isNaN(end) || end < 1)) errors.pdf_page_end = ['A valid integer ≥ 1 is required.'];
	if (!Object.keys(errors).length && start !== undefined && end !== undefined && end < start) errors.pdf_page_end = ['Must be greater than or equal to pdf_page_start.'];
	return Object.keys(errors).length ? { errors } : { start, end };
}

/** Keeps pages start..end (1-based, inclusive) of a PDF; other documents ignore the range. */
export function selectPages(document: FakeDocument, start?: number, end?: number): { document: FakeDocument; pages: number } | { error: Record<string, string[]> } {
	if (document.kind !== 'pdf' || (start === undefined && end === undefined)) return { document, pages: document.pages };
	const first = start ?? 1;
	if (first > document.pages) return { error: { pdf_page_start: [`The document has only ${document.pages} page(s).`] } };
	const last = Math.min(end ?? document.pages, document.pages);
	const pages = document.text.split('\f');
	const text = pages.length >= last ? pages.slice(first - 1, last).join('\f') : document.text;
	return { document: { ...document, text, pages: last - first + 1 }, pages: last - first + 1 };
}

/** meta_key alone: key exists; meta_value alone: some value equals it; both: metadata[key] equals value. */
export function metadataMatches(metadata: Record<string, unknown> | null, key?: string, value?: string): boolean {
	if (!key && !value) return true;
	const m = metadata ?? {};
	if (key && value) return key in m && String(m[key]) === value;
	if (key) return key in m;
	return Object.values(m).some((v) => String(v) === value);
}

export function paginate<T>(req: RequestInfo, items: T[], render: (item: T) => unknown): FakeResponse {
	const page = intParam(req.query, 'page') ?? 1;
	const requested = intParam(req.query, 'size') ?? DEFAULT_PAGE_SIZE;
	const size = Number.isNaN(requested) || requested < 1 ? DEFAULT_PAGE_SIZE : Math.min(requested, MAX_PAGE_SIZE);
	const lastPage = Math.max(1, Math.ceil(items.length / size));
	if (Number.isNaN(page) || page < 1 || page > lastPage) return jsonResponse(404, { detail: 'Invalid page.' });
	// DRF builds absolute links from the request URL, keeping the other query parameters.
	const link = (p: number) => {
		const url = new URL(`${req.origin}${req.rawPath}`);
		req.query.forEach((v, k) => url.searchParams.set(k, v));
		url.searchParams.set('page', String(p));
		url.searchParams.set('size', String(size));
		return url.toString();
	};
	return jsonResponse(200, {
		count: items.length,
		next: page < lastPage ? link(page + 1) : null,
		previous: page > 1 ? link(page - 1) : null,
		results: items.slice((page - 1) * size, page * size).map(render),
	});
}

/** Tabular export: one row per line item when the data holds a list of objects, else one row; nested keys dotted. */
function extractedDataCsv(data: unknown): string {
	if (!isObject(data)) return '';
	const scalars: Record<string, unknown> = {};
	let rowsKey: string | undefined;
	const flatten = (obj: Record<string, unknown>, prefix: string) => {
		for (const [k, v] of Object.entries(obj)) {
			const key = prefix ? `${prefix}.${k}` : k;
			if (isObject(v)) flatten(v, key);
			else if (Array.isArray(v) && v.length && v.every(isObject) && rowsKey === undefined) rowsKey = key;
			else scalars[key] = Array.isArray(v) ? v.join(', ') : v;
		}
	};
	flatten(data, '');
	const rows = rowsKey ? (getPath(data, rowsKey) as Array<Record<string, unknown>>) : [{}];
	const itemKeys = [...new Set(rows.flatMap((r) => Object.keys(r)))];
	const header = [...Object.keys(scalars), ...itemKeys.map((k) => `${rowsKey}.${k}`)];
	const table: unknown[][] = [header];
	for (const row of rows) table.push([...Object.values(scalars), ...itemKeys.map((k) => row[k])]);
	return toCsv(table);
}

function getPath(obj: Record<string, unknown>, path: string): unknown {
	return path.split('.').reduce<unknown>((o, k) => (isObject(o) ? o[k] : undefined), obj);
}

export function safeJson(text: string): unknown {
	try {
		return JSON.parse(text);
	} catch {
		return undefined;
	}
}
