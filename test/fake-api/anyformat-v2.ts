/** anyformat v2 (`/v2/…`, Bearer auth): routes, auth, two-tier rate limits, results envelope. */
import { NOT_FOUND_DETAIL, v2Error } from './anyformat-errors';
import { isObject, WorkflowValidationError } from './anyformat-fields';
import { ANYFORMAT_EVENTS, MAX_FILE_BYTES, MAX_WEBHOOKS, type AnyformatFake, type CollectionRecord } from './anyformat-state';
import { documentFromFile, documentFromText } from './documents';
import { renderMarkdown } from './extractor';
import type { FakeHost } from './host';
import { emptyResponse, header, intParam, jsonResponse, parseJsonBody, Router, type FakeResponse, type RequestInfo, type RouteLabel } from './http';
import { isoMillis, randomHex } from './ids';
import { FormParseError, parseForm, type FormPart, type FormParts } from './multipart';
import { rateLimited } from './rate-limit';
import type { AnyformatWorkflow, AnyformatWorkflowInput, ExtractedField, ExtractionResult, FieldResult, RequestLogEntry } from './types';

interface V2Context {
	req: RequestInfo;
	log: RequestLogEntry;
}

type Handler = (ctx: V2Context, params: Record<string, string>) => FakeResponse;

interface RouteMeta {
	tier: 'submission' | 'general';
	submission: boolean;
}

export const API_VERSION = '2.0.0';

export class AnyformatV2Api {
	private readonly router = new Router<Handler, RouteMeta>();

	constructor(
		private readonly host: FakeHost,
		private readonly state: AnyformatFake,
	) {
		const general = { tier: 'general', submission: false } as const;
		const upload = { tier: 'submission', submission: false } as const;
		const run = { tier: 'submission', submission: true } as const;
		this.router
			.add('GET', '/v2/workflows/', (c) => this.listWorkflows(c), general)
			.add('POST', '/v2/workflows/', (c) => this.createWorkflow(c), general)
			.add('GET', '/v2/workflows/{workflow_id}/', (c, p) => this.getWorkflow(p.workflow_id), general)
			.add('DELETE', '/v2/workflows/{workflow_id}/', (c, p) => this.deleteWorkflow(p.workflow_id), general)
			.add('POST', '/v2/workflows/{workflow_id}/run/', (c, p) => this.run(c, p.workflow_id), run)
			.add('POST', '/v2/workflows/{workflow_id}/upload/', (c, p) => this.upload(c, p.workflow_id), upload)
			.add('POST', '/v2/workflows/{workflow_id}/files/', (c, p) => this.createFiles(c, p.workflow_id), upload)
			.add('GET', '/v2/workflows/{workflow_id}/files/', (c, p) => this.listFiles(c, p.workflow_id), general)
			.add('POST', '/v2/workflows/{workflow_id}/files/{file_id}/run/', (c, p) => this.runUploadedFile(c, p.workflow_id, p.file_id), run)
			.add('GET', '/v2/workflows/{workflow_id}/files/{collection_id}/results/', (c, p) => this.results(c, p.workflow_id, p.collection_id), general)
			.add('GET', '/v2/workflows/{workflow_id}/runs/', (c, p) => this.listRuns(c, p.workflow_id), general)
			.add('DELETE', '/v2/files/{collection_id}/', (c, p) => this.deleteCollection(p.collection_id), general)
			// Early-v2 polling endpoint (removed from the spec in April 2026), kept as an alias for old clients.
			.add('GET', '/v2/files/{collection_id}/extraction/', (c, p) => this.legacyExtraction(c, p.collection_id), general)
			.add('POST', '/v2/webhooks/', (c) => this.createWebhook(c), general)
			.add('GET', '/v2/webhooks/', () => this.listWebhooks(), general)
			.add('DELETE', '/v2/webhooks/{webhook_id}/', (c, p) => this.deleteWebhook(p.webhook_id), general);
	}

	routeFor(method: string, path: string): RouteLabel {
		return this.router.routeFor(method, path);
	}

	hasPath(path: string): boolean {
		return this.router.hasPath(path);
	}

	handle(req: RequestInfo, log: RequestLogEntry): FakeResponse {
		const match = this.router.match(req.method, req.path);
		const auth = this.authenticate(req, log);
		if (match.kind === 'none') return v2Error(404, 'NOT_FOUND', NOT_FOUND_DETAIL);
		if (match.kind === 'method-not-allowed') {
			return v2Error(405, 'METHOD_NOT_ALLOWED', `Method ${req.method} is not allowed here (allowed: ${match.allowed.join(', ')}).`, {
				allow: match.allowed.join(', '),
			});
		}
		if (!auth.ok) return auth.response;

		const limits = this.host.options.anyformat.rateLimits;
		const tier = match.route.meta.tier;
		const decision = limits ? this.host.limiter.take(auth.key, `af-${tier}`, limits[tier]) : undefined;
		return rateLimited(
			decision,
			(d, headers) => v2Error(429, 'RATE_LIMITED', `Rate limit exceeded for the ${tier} tier (${d.limit} requests per window).`, headers),
			() => match.route.handler({ req, log }, match.params),
		);
	}

	/** Missing/empty/non-Bearer → 403 ACCESS_DENIED; unknown key → 401 AUTH_FAILED. */
	private authenticate(req: RequestInfo, log: RequestLogEntry): { ok: true; key: string } | { ok: false; response: FakeResponse } {
		const authorization = header(req.headers, 'authorization');
		const bearer = authorization === undefined ? undefined : /^bearer(?:\s+(.*))?$/i.exec(authorization.trim());
		if (!bearer) {
			log.auth = { scheme: authorization !== undefined ? 'raw' : header(req.headers, 'x-api-key') !== undefined ? 'x-api-key' : 'none', valid: false };
			return { ok: false, response: v2Error(403, 'ACCESS_DENIED', 'Authentication credentials were not provided. Send "Authorization: Bearer <api key>".') };
		}
		const key = (bearer[1] ?? '').trim();
		if (!key) {
			log.auth = { scheme: 'bearer', valid: false };
			return { ok: false, response: v2Error(403, 'ACCESS_DENIED', 'Empty Bearer token.') };
		}
		const valid = this.host.options.anyformat.apiKeys.includes(key);
		log.auth = { scheme: 'bearer', valid };
		if (!valid) return { ok: false, response: v2Error(401, 'AUTH_FAILED', 'Invalid or missing authentication credentials.') };
		return { ok: true, key };
	}

	// ------------------------------------------------------------ workflows

	private listWorkflows(c: V2Context): FakeResponse {
		const page = pagination(c.req.query);
		if ('error' in page) return page.error;
		let items = this.state.listWorkflows();
		const sortBy = c.req.query.get('sort_by');
		if (sortBy === 'name' || sortBy === 'created_at' || sortBy === 'updated_at') {
			items = [...items].sort((a, b) => String(a[sortBy]).localeCompare(String(b[sortBy])));
			if (c.req.query.get('order') !== 'asc') items.reverse();
		} else if (c.req.query.get('order') === 'asc') items = [...items].reverse();
		return jsonResponse(200, paginate(items.map(workflowSummary), page));
	}

	private createWorkflow(c: V2Context): FakeResponse {
		const body = parseJson(c.req.body);
		if ('error' in body) return body.error;
		try {
			const workflow = this.state.createWorkflow(withoutClientId(body.value));
			return jsonResponse(201, workflowBody(workflow));
		} catch (error) {
			if (error instanceof WorkflowValidationError) return v2Error(400, 'VALIDATION_ERROR', error.detail);
			throw error;
		}
	}

	private getWorkflow(id: string): FakeResponse {
		const workflow = this.state.getWorkflow(id);
		return workflow ? jsonResponse(200, workflowBody(workflow)) : v2Error(404, 'NOT_FOUND', `Workflow "${id}" not found.`);
	}

	private deleteWorkflow(id: string): FakeResponse {
		return this.state.deleteWorkflow(id) ? emptyResponse(204) : v2Error(404, 'NOT_FOUND', `Workflow "${id}" not found.`);
	}

	// ------------------------------------------------------------ submissions

	private run(c: V2Context, workflowId: string): FakeResponse {
		const workflow = this.state.getWorkflow(workflowId);
		if (!workflow) return v2Error(404, 'NOT_FOUND', `Workflow "${workflowId}" not found.`);
		const input = this.singleInput(c);
		if ('error' in input) return input.error;
		const record = this.state.createCollection(workflowId, 'v2-run', [{ document: input.document }], { start: true });
		c.log.jobIds = [record.id, record.v1JobId];
		// The OpenAPI document declares 202 for this operation.
		return jsonResponse(202, { id: record.id, status: 'accepted', workflow_id: workflowId, version_id: workflow.version_id });
	}

	private upload(c: V2Context, workflowId: string): FakeResponse {
		if (!this.state.getWorkflow(workflowId)) return v2Error(404, 'NOT_FOUND', `Workflow "${workflowId}" not found.`);
		const input = this.singleInput(c);
		if ('error' in input) return input.error;
		const record = this.state.createCollection(workflowId, 'v2-upload', [{ document: input.document }], { start: false });
		c.log.jobIds = [record.id, record.v1JobId];
		// Success codes are undocumented for v2; 201 matches v1's documented upload answer.
		return jsonResponse(201, {
			status: 'uploaded',
			filename: input.fromText ? null : input.document.fileName,
			file_collection_id: record.id,
			file_id: record.files[0].fileId,
		});
	}

	/** Exactly one of a `file` part or a `text` part. */
	private singleInput(c: V2Context): { document: ReturnType<typeof documentFromText>; fromText: boolean } | { error: FakeResponse } {
		const form = parseFormOrError(c.req);
		if ('error' in form) return form;
		const file = form.form.get('file');
		const text = form.form.get('text');
		if (file && text) return { error: v2Error(400, 'VALIDATION_ERROR', 'Provide either `file` or `text`, not both.') };
		if (!file && !text) return { error: v2Error(400, 'VALIDATION_ERROR', 'Provide either `file` (a file upload) or `text` (a string).') };
		if (file) {
			const problem = fileProblem(file, 'file');
			if (problem) return { error: v2Error(400, 'VALIDATION_ERROR', problem) };
			return { document: documentFromFile(file.data, file.filename || 'document', file.contentType, this.host.options.sidecarText), fromText: false };
		}
		const value = text!.data.toString('utf8');
		if (!value.trim()) return { error: v2Error(400, 'VALIDATION_ERROR', 'text: must not be empty.') };
		return { document: documentFromText(value, `text-${randomHex(4)}.txt`), fromText: true };
	}

	private createFiles(c: V2Context, workflowId: string): FakeResponse {
		const workflow = this.state.getWorkflow(workflowId);
		if (!workflow) return v2Error(404, 'NOT_FOUND', `Workflow "${workflowId}" not found.`);
		const form = parseFormOrError(c.req);
		if ('error' in form) return form.error;
		// The docs post `files`; the Stainless SDKs post `files[]`.
		const parts = form.form.parts.filter((p) => p.name === 'files' || p.name === 'files[]');
		if (parts.length === 0) return v2Error(400, 'VALIDATION_ERROR', 'files: This field is required (one or more file parts named `files`).');
		if (parts.some((p) => p.filename === undefined)) return v2Error(400, 'VALIDATION_ERROR', 'files: every part must be a file upload.');
		const files = parts.map((p) => ({
			document: documentFromFile(p.data, p.filename || 'document', p.contentType, this.host.options.sidecarText),
			// An oversized or empty file is reported per file rather than failing the request.
			status: fileProblem(p, 'files') ? ('failed' as const) : ('uploaded' as const),
		}));
		const record = this.state.createCollection(workflowId, 'v2-files', files, { start: false });
		c.log.jobIds = [record.id, record.v1JobId];
		return jsonResponse(201, {
			id: record.id,
			name: null,
			files: record.files.map((f) => ({ filename: f.document.fileName, status: f.status, file_id: f.fileId })),
			workflow_id: workflowId,
		});
	}

	private runUploadedFile(c: V2Context, workflowId: string, fileId: string): FakeResponse {
		const workflow = this.state.getWorkflow(workflowId);
		if (!workflow) return v2Error(404, 'NOT_FOUND', `Workflow "${workflowId}" not found.`);
		const record = this.state.findFile(workflowId, fileId);
		if (!record) return v2Error(404, 'NOT_FOUND', `File "${fileId}" not found in this workflow.`);
		if (record.files.find((f) => f.fileId === fileId)?.status === 'failed') {
			return v2Error(400, 'VALIDATION_ERROR', 'This file failed to upload and cannot be run.');
		}
		// Running an already started collection again is idempotent: same id, no second extraction.
		this.state.start(record);
		c.log.jobIds = [record.id, record.v1JobId];
		return jsonResponse(202, { id: record.id, status: this.state.statusOf(record), workflow_id: workflowId, version_id: record.versionId });
	}

	// ------------------------------------------------------------ reads

	private listFiles(c: V2Context, workflowId: string): FakeResponse {
		if (!this.state.getWorkflow(workflowId)) return v2Error(404, 'NOT_FOUND', `Workflow "${workflowId}" not found.`);
		const page = pagination(c.req.query);
		if ('error' in page) return page.error;
		const items = this.inListOrder(this.state.collectionsOf(workflowId)).map((r) => ({
			id: r.id,
			name: null,
			status: this.state.statusOf(r),
			created_at: isoMillis(r.createdAt),
			updated_at: isoMillis(this.state.statusChangedAt(r)),
		}));
		return jsonResponse(200, paginate(items, page));
	}

	private listRuns(c: V2Context, workflowId: string): FakeResponse {
		if (!this.state.getWorkflow(workflowId)) return v2Error(404, 'NOT_FOUND', `Workflow "${workflowId}" not found.`);
		const page = pagination(c.req.query);
		if ('error' in page) return page.error;
		const items = this.inListOrder(this.state.collectionsOf(workflowId))
			.filter((r) => r.submittedAt !== null)
			.map((r) => ({
				id: r.id,
				status: this.state.statusOf(r),
				created_at: isoMillis(r.createdAt),
				updated_at: isoMillis(this.state.statusChangedAt(r)),
			}));
		return jsonResponse(200, paginate(items, page));
	}

	/** anyformat documents no order for its lists; the fake serves newest first unless told otherwise. */
	private inListOrder(newestFirst: CollectionRecord[]): CollectionRecord[] {
		return this.host.options.anyformat.listOrder === 'oldest-first' ? [...newestFirst].reverse() : newestFirst;
	}

	private results(c: V2Context, workflowId: string, collectionId: string): FakeResponse {
		const record = this.state.getCollection(collectionId);
		if (!this.state.getWorkflow(workflowId) || !record || record.workflowId !== workflowId) {
			return v2Error(404, 'NOT_FOUND', `No file collection "${collectionId}" in workflow "${workflowId}".`);
		}
		c.log.jobIds = [record.id];
		const status = this.state.statusOf(record);
		if (status === 'processed') {
			this.state.markResultFetched(record);
			return jsonResponse(200, this.resultsEnvelope(record));
		}
		if (status === 'error' || status === 'cancelled') {
			this.state.markResultFetched(record);
			return v2Error(422, 'EXTRACTION_FAILED', record.errorReason ?? `The run ended with status "${status}".`);
		}
		return v2Error(412, 'PRECONDITION_FAILED', `Processing is not complete yet (status: ${status}). Poll again later.`);
	}

	private resultsEnvelope(record: CollectionRecord): Record<string, unknown> {
		const fields = record.results ? renderV2Result(record.results, record.overrides, record.manualFieldValues) : null;
		const documents = record.files.filter((f) => f.status === 'uploaded').map((f) => f.document);
		return {
			collection_id: record.id,
			verification_url: `https://app.anyformat.ai/workflows/${record.workflowId}/files/${record.id}`,
			parse: { markdown: documents.map((d) => renderMarkdown(d)).join('\n') },
			classifications: [],
			splits: [],
			extractions: fields ? [{ split_name: null, partition: null, fields }] : [],
			extraction: fields,
		};
	}

	private legacyExtraction(c: V2Context, collectionId: string): FakeResponse {
		const record = this.state.getCollection(collectionId);
		if (!record) return v2Error(404, 'NOT_FOUND', `File collection "${collectionId}" not found.`);
		c.log.jobIds = [record.id];
		const status = this.state.statusOf(record);
		if (status === 'error' || status === 'cancelled') {
			this.state.markResultFetched(record);
			return v2Error(422, 'EXTRACTION_FAILED', record.errorReason ?? 'Extraction failed.');
		}
		if (status !== 'processed') return v2Error(412, 'PRECONDITION_FAILED', `Processing is not complete yet (status: ${status}).`);
		this.state.markResultFetched(record);
		const asLists = c.req.query.get('as_lists') === 'true';
		const out: Record<string, unknown> = {};
		for (const [name, result] of Object.entries(record.results ?? {})) {
			const rendered = Array.isArray(result) ? result.map((row) => mapRow(row, earlyField)) : earlyField(result);
			out[name] = asLists && !Array.isArray(rendered) ? [rendered] : rendered;
		}
		return jsonResponse(200, out);
	}

	private deleteCollection(collectionId: string): FakeResponse {
		return this.state.deleteCollection(collectionId) ? emptyResponse(204) : v2Error(404, 'NOT_FOUND', `File collection "${collectionId}" not found.`);
	}

	// ------------------------------------------------------------ webhooks

	private createWebhook(c: V2Context): FakeResponse {
		const body = parseJson(c.req.body);
		if ('error' in body) return body.error;
		if (!isObject(body.value)) return v2Error(400, 'VALIDATION_ERROR', 'Expected a JSON object with `url` and optional `events`.');
		const { url, events } = body.value;
		if (typeof url !== 'string' || !url) return v2Error(400, 'VALIDATION_ERROR', 'url: This field is required.');
		let parsed: URL;
		try {
			parsed = new URL(url);
		} catch {
			return v2Error(400, 'VALIDATION_ERROR', 'url: Enter a valid URL.');
		}
		if (url.length > 2083) return v2Error(400, 'VALIDATION_ERROR', 'url: Ensure this field has no more than 2083 characters.');
		const httpAllowed = this.host.options.anyformat.allowHttpWebhooks;
		if (parsed.protocol !== 'https:' && !(parsed.protocol === 'http:' && httpAllowed)) {
			return v2Error(400, 'VALIDATION_ERROR', 'url: Only HTTPS URLs are allowed; HTTP URLs are rejected.');
		}
		let eventList: string[] = [...ANYFORMAT_EVENTS];
		if (events !== undefined && events !== null) {
			if (!Array.isArray(events) || events.length === 0 || events.some((e) => typeof e !== 'string')) {
				return v2Error(400, 'VALIDATION_ERROR', 'events: must be a non-empty list of event names.');
			}
			const unknown = events.filter((e) => !(ANYFORMAT_EVENTS as readonly string[]).includes(e as string));
			if (unknown.length) {
				return v2Error(400, 'VALIDATION_ERROR', `events: unknown event(s) ${unknown.map((e) => `"${String(e)}"`).join(', ')}; allowed: ${ANYFORMAT_EVENTS.join(', ')}.`);
			}
			eventList = [...new Set(events as string[])];
		}
		if (this.state.webhooks.filter((w) => w.is_active).length >= MAX_WEBHOOKS) {
			return v2Error(400, 'VALIDATION_ERROR', `Maximum of ${MAX_WEBHOOKS} active webhook subscriptions reached. Delete one first.`);
		}
		return jsonResponse(201, this.state.createWebhook(url, eventList));
	}

	private listWebhooks(): FakeResponse {
		return jsonResponse(
			200,
			this.state.webhooks.map(({ id, url, events, is_active, created_at }) => ({ id, url, events, is_active, created_at })),
		);
	}

	private deleteWebhook(id: string): FakeResponse {
		return this.state.deleteWebhook(id) ? emptyResponse(204) : v2Error(404, 'NOT_FOUND', `Webhook "${id}" not found.`);
	}
}

// ---------------------------------------------------------------- helpers

/** Clients cannot choose ids (only seed data and the control API can); the real API ignores unknown keys. */
export function withoutClientId(body: unknown): AnyformatWorkflowInput {
	if (!isObject(body)) return body as AnyformatWorkflowInput;
	const rest: Record<string, unknown> = { ...body };
	delete rest.id;
	return rest as AnyformatWorkflowInput;
}

function fileProblem(part: FormPart, name: string): string | undefined {
	if (part.filename === undefined) return `${name}: expected a file upload, got a plain form field.`;
	if (part.data.length > MAX_FILE_BYTES) return 'File exceeds the 20 MB limit';
	if (part.data.length === 0) return `${name}: The submitted file is empty.`;
	return undefined;
}

function parseFormOrError(req: RequestInfo): { form: FormParts } | { error: FakeResponse } {
	try {
		return { form: parseForm(header(req.headers, 'content-type'), req.body) };
	} catch (error) {
		if (error instanceof FormParseError) return { error: v2Error(400, 'VALIDATION_ERROR', `Invalid multipart/form-data body: ${error.message}.`) };
		throw error;
	}
}

function parseJson(body: Buffer): { value: unknown } | { error: FakeResponse } {
	try {
		return { value: parseJsonBody(body) };
	} catch {
		return { error: v2Error(400, 'INVALID_JSON', 'The request body contains invalid JSON. Please check your JSON syntax.') };
	}
}

interface Page {
	page: number;
	pageSize: number;
}

export const MAX_PAGE_SIZE = 100;

function pagination(query: URLSearchParams): Page | { error: FakeResponse } {
	const page = intParam(query, 'page') ?? 1;
	const size = intParam(query, 'page_size') ?? 20;
	if (Number.isNaN(page) || page < 1) return { error: v2Error(400, 'VALIDATION_ERROR', 'page: must be an integer ≥ 1.') };
	if (Number.isNaN(size) || size < 1) return { error: v2Error(400, 'VALIDATION_ERROR', 'page_size: must be an integer ≥ 1.') };
	// Larger page sizes are silently capped, as documented.
	return { page, pageSize: Math.min(size, MAX_PAGE_SIZE) };
}

function paginate<T>(items: T[], page: Page): { count: number; page: number; page_size: number; results: T[] } {
	const start = (page.page - 1) * page.pageSize;
	return { count: items.length, page: page.page, page_size: page.pageSize, results: items.slice(start, start + page.pageSize) };
}

function workflowSummary(w: AnyformatWorkflow): Record<string, unknown> {
	return { id: w.id, name: w.name, description: w.description, created_at: w.created_at, updated_at: w.updated_at };
}

function workflowBody(w: AnyformatWorkflow): Record<string, unknown> {
	const out: Record<string, unknown> = { ...workflowSummary(w), fields: w.fields, version_id: w.version_id };
	if (w.nodes) {
		out.nodes = w.nodes;
		out.edges = w.edges;
	}
	return out;
}

function v2Field(field: ExtractedField): Record<string, unknown> {
	return {
		value: field.value,
		value_override: field.value_override,
		verification_status: field.verification_status,
		confidence: field.confidence,
		evidence: field.evidence,
	};
}

function earlyField(field: ExtractedField): Record<string, unknown> {
	return {
		value: field.value,
		confidence: field.confidence,
		evidence: field.evidence,
		verification_status: field.verification_status,
		value_unit: field.value_unit ?? null,
	};
}

/** Renders every cell of one line-item row (shared with v1's results and CSV export). */
export function mapRow<T>(row: Record<string, ExtractedField>, render: (f: ExtractedField) => T): Record<string, T> {
	return Object.fromEntries(Object.entries(row).map(([k, f]) => [k, render(f)]));
}

/** Applies reviewer overrides and manual values, then renders the current v2 field shape. */
export function renderV2Result(results: ExtractionResult, overrides: Map<string, unknown>, manual: Record<string, unknown>): Record<string, unknown> {
	const out: Record<string, unknown> = {};
	for (const [name, result] of Object.entries(withManualValues(results, manual))) {
		out[name] = Array.isArray(result) ? result.map((row) => mapRow(row, v2Field)) : v2Field(applyOverride(result, overrides, name));
	}
	return out;
}

export function applyOverride(field: ExtractedField, overrides: Map<string, unknown>, name: string): ExtractedField {
	if (!overrides.has(name)) return field;
	return { ...field, value_override: overrides.get(name), verification_status: 'verified' };
}

/** v1 manual_field_values appear as fields with no confidence and no evidence (manual entry). */
export function withManualValues(results: ExtractionResult, manual: Record<string, unknown>): ExtractionResult {
	const out: Record<string, FieldResult> = { ...results };
	for (const [name, value] of Object.entries(manual)) {
		out[name] = { value, confidence: null, evidence: [], value_override: null, verification_status: 'not_verified' };
	}
	return out;
}
