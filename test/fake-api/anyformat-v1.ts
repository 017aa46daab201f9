/**
 * anyformat v1 (legacy, `x-api-key`): workflows, run/upload, jobs (numeric ids), original-file download and the
 * bulk results export (csv/json/jsonl with file__ filters). v2 runs are visible here through their v1 job id.
 */
import { NOT_FOUND_DETAIL, v1AuthError, v1Error } from './anyformat-errors';
import { isObject, WorkflowValidationError } from './anyformat-fields';
import { MAX_FILE_BYTES, type AnyformatFake, type CollectionRecord } from './anyformat-state';
import { applyOverride, mapRow, withManualValues, withoutClientId } from './anyformat-v2';
import { toCsv } from './encoders';
import { documentFromFile, documentFromText } from './documents';
import type { FakeHost } from './host';
import { attachmentHeader, emptyResponse, header, intParam, jsonResponse, parseJsonBody, Router, rawResponse, type FakeResponse, type RequestInfo, type RouteLabel } from './http';
import { isoSeconds, randomHex, uuid } from './ids';
import { readyTime } from './lifecycle';
import { FormParseError, parseForm } from './multipart';
import { rateLimited } from './rate-limit';
import type { AnyformatStatus, AnyformatWorkflow, ExtractedField, ExtractionResult, FakeDocument, FieldDef, RequestLogEntry } from './types';

interface V1Context {
	req: RequestInfo;
	log: RequestLogEntry;
}

type Handler = (ctx: V1Context, params: Record<string, string>) => FakeResponse;

interface RouteMeta {
	/** Only run/upload are limited ("Documents per minute: 10"). */
	documents: boolean;
	submission: boolean;
}

type V1Status = 'pending' | 'in_progress' | 'processed' | 'error';

const V1_PAGE_SIZE = 10; // the docs' example (count 25 → total_pages 3) implies DRF's page size of 10

export class AnyformatV1Api {
	private readonly router = new Router<Handler, RouteMeta>();

	constructor(
		private readonly host: FakeHost,
		private readonly state: AnyformatFake,
	) {
		const plain = { documents: false, submission: false };
		this.router
			.add('POST', '/workflows/', (c) => this.createWorkflow(c), plain)
			.add('GET', '/workflows/', (c) => this.listWorkflows(c), plain)
			.add('GET', '/workflows/{id}/', (c, p) => this.getWorkflow(p.id), plain)
			.add('DELETE', '/workflows/{id}/', (c, p) => this.deleteWorkflow(p.id), plain)
			.add('POST', '/workflows/{id}/run/', (c, p) => this.submit(c, p.id, true), { documents: true, submission: true })
			.add('POST', '/workflows/{id}/upload/', (c, p) => this.submit(c, p.id, false), { documents: true, submission: false })
			.add('GET', '/workflows/{id}/results/', (c, p) => this.exportResults(c, p.id), plain)
			.add('GET', '/jobs/{id}/', (c, p) => this.getJob(c, p.id), plain)
			.add('GET', '/jobs/{id}/file/', (c, p) => this.getJobFile(c, p.id), plain);
	}

	routeFor(method: string, path: string): RouteLabel {
		return this.router.routeFor(method, path);
	}

	hasPath(path: string): boolean {
		return this.router.hasPath(path);
	}

	handle(req: RequestInfo, log: RequestLogEntry): FakeResponse {
		const match = this.router.match(req.method, req.path);
		const key = header(req.headers, 'x-api-key');
		const authorization = header(req.headers, 'authorization');
		log.auth = {
			scheme: key !== undefined ? 'x-api-key' : authorization !== undefined ? (/^bearer\s/i.test(authorization) ? 'bearer' : 'raw') : 'none',
			valid: key !== undefined && this.host.options.anyformat.apiKeys.includes(key.trim()),
		};
		if (match.kind === 'none') return v1Error(404, 'NOT_FOUND', NOT_FOUND_DETAIL);
		if (match.kind === 'method-not-allowed') return jsonResponse(405, { detail: `Method "${req.method}" not allowed.` }, { allow: match.allowed.join(', ') });
		if (key === undefined || !key.trim()) return v1AuthError('Authentication credentials were not provided.');
		if (!log.auth.valid) return v1AuthError('Invalid token.');

		const limits = this.host.options.anyformat.rateLimits;
		const decision = limits && match.route.meta.documents ? this.host.limiter.take(key.trim(), 'af-v1-documents', limits.v1Documents) : undefined;
		return rateLimited(
			decision,
			(d, headers) => v1Error(429, 'RATE_LIMITED', `Too many documents: ${d.limit} per window. Wait and retry after a short delay.`, headers),
			() => match.route.handler({ req, log }, match.params),
		);
	}

	// ------------------------------------------------------------ workflows

	private createWorkflow(c: V1Context): FakeResponse {
		let body: unknown;
		try {
			body = parseJsonBody(c.req.body);
		} catch {
			return v1Error(400, 'INVALID_JSON', 'The request body contains invalid JSON. Please check your JSON syntax.');
		}
		try {
			return jsonResponse(201, v1Workflow(this.state.createWorkflow(withoutClientId(body))));
		} catch (error) {
			if (error instanceof WorkflowValidationError) return v1Error(400, 'VALIDATION_ERROR', error.detail);
			throw error;
		}
	}

	private listWorkflows(c: V1Context): FakeResponse {
		const page = intParam(c.req.query, 'page') ?? 1;
		const size = Math.min(intParam(c.req.query, 'page_size') ?? V1_PAGE_SIZE, 100);
		if (Number.isNaN(page) || Number.isNaN(size) || size < 1) return jsonResponse(404, { detail: 'Invalid page.' });
		const items = this.state.listWorkflows();
		const totalPages = Math.max(1, Math.ceil(items.length / size));
		if (page < 1 || page > totalPages) return jsonResponse(404, { detail: 'Invalid page.' });
		const link = (p: number) => {
			const url = new URL(`${c.req.origin}${c.req.rawPath}`);
			c.req.query.forEach((v, k) => url.searchParams.set(k, v));
			url.searchParams.set('page', String(p));
			return url.toString();
		};
		return jsonResponse(200, {
			count: items.length,
			total_pages: totalPages,
			next: page < totalPages ? link(page + 1) : null,
			previous: page > 1 ? link(page - 1) : null,
			results: items.slice((page - 1) * size, page * size).map(v1Workflow),
		});
	}

	private getWorkflow(id: string): FakeResponse {
		const workflow = this.state.getWorkflow(id);
		return workflow ? jsonResponse(200, v1Workflow(workflow)) : v1Error(404, 'NOT_FOUND', NOT_FOUND_DETAIL);
	}

	private deleteWorkflow(id: string): FakeResponse {
		return this.state.deleteWorkflow(id) ? emptyResponse(204) : v1Error(404, 'NOT_FOUND', NOT_FOUND_DETAIL);
	}

	// ------------------------------------------------------------ run / upload

	/** file > file_base64 > text, as documented; multipart, urlencoded or JSON bodies. */
	private submit(c: V1Context, workflowId: string, run: boolean): FakeResponse {
		const workflow = this.state.getWorkflow(workflowId);
		if (!workflow) return v1Error(404, 'NOT_FOUND', NOT_FOUND_DETAIL);
		const input = this.readInput(c.req);
		if ('error' in input) return input.error;

		let manual: Record<string, unknown> = {};
		if (input.manual !== undefined) {
			const parsed = typeof input.manual === 'string' ? safeJson(input.manual) : input.manual;
			if (!isObject(parsed)) return v1Error(400, 'VALIDATION_ERROR', 'manual_field_values: must be a JSON object.');
			manual = parsed;
		}

		if (!run && input.collectionId) {
			const existing = this.state.getCollection(input.collectionId);
			if (!existing || existing.workflowId !== workflowId) return v1Error(404, 'NOT_FOUND', 'file_collection_id: file collection not found.');
			if (existing.submittedAt !== null) return v1Error(400, 'VALIDATION_ERROR', 'file_collection_id: this collection has already been processed.');
			existing.files.push({ fileId: uuid(), document: input.document, status: 'uploaded' });
			c.log.jobIds = [existing.id, existing.v1JobId];
			return jsonResponse(201, { filename: input.document.fileName, status: 'uploaded' });
		}

		const record = this.state.createCollection(workflowId, run ? 'v1-run' : 'v1-upload', [{ document: input.document }], {
			start: run,
			manualFieldValues: manual,
		});
		c.log.jobIds = [record.v1JobId, record.id];
		if (!run) return jsonResponse(201, { filename: input.document.fileName, status: 'uploaded' });
		// The run's status code is undocumented; 200 with status "success" as in the docs' example body.
		return jsonResponse(200, { status: 'success', extraction_id: record.v1JobId, workflow_id: workflowId });
	}

	private readInput(req: RequestInfo): { document: FakeDocument; manual?: unknown; collectionId?: string } | { error: FakeResponse } {
		const contentType = header(req.headers, 'content-type') ?? '';
		let fields: Record<string, string | undefined> = {};
		let file: { data: Buffer; filename: string; contentType?: string } | undefined;
		let manual: unknown;
		if (/^application\/json/i.test(contentType)) {
			let body: unknown;
			try {
				body = parseJsonBody(req.body);
			} catch {
				return { error: v1Error(400, 'INVALID_JSON', 'The request body contains invalid JSON. Please check your JSON syntax.') };
			}
			if (!isObject(body)) return { error: v1Error(400, 'VALIDATION_ERROR', 'Expected a JSON object.') };
			fields = Object.fromEntries(Object.entries(body).map(([k, v]) => [k, typeof v === 'string' ? v : undefined]));
			manual = body.manual_field_values;
		} else {
			try {
				const form = parseForm(contentType, req.body);
				const filePart = form.get('file');
				if (filePart && filePart.filename !== undefined) file = { data: filePart.data, filename: filePart.filename || 'document', contentType: filePart.contentType };
				for (const name of ['file_base64', 'filename', 'content_type', 'text', 'file_collection_id']) fields[name] = form.field(name);
				manual = form.field('manual_field_values');
			} catch (error) {
				if (error instanceof FormParseError) return { error: v1Error(400, 'VALIDATION_ERROR', `Invalid form body: ${error.message}.`) };
				throw error;
			}
		}
		const collectionId = fields.file_collection_id || undefined;
		const sidecar = this.host.options.sidecarText;
		if (file) {
			if (file.data.length > MAX_FILE_BYTES) return { error: v1Error(400, 'VALIDATION_ERROR', 'File exceeds the 20 MB limit') };
			if (file.data.length === 0) return { error: v1Error(400, 'VALIDATION_ERROR', 'file: The submitted file is empty.') };
			return { document: documentFromFile(file.data, file.filename, file.contentType, sidecar), manual, collectionId };
		}
		if (fields.file_base64) {
			const b64 = fields.file_base64.replace(/^data:[^,]*,/, '');
			if (!/^[A-Za-z0-9+/_=\s-]+$/.test(b64)) return { error: v1Error(400, 'VALIDATION_ERROR', 'file_base64: not valid base64.') };
			if (!fields.filename) return { error: v1Error(400, 'VALIDATION_ERROR', 'filename: required together with file_base64.') };
			const data = Buffer.from(b64, 'base64');
			if (data.length > MAX_FILE_BYTES) return { error: v1Error(400, 'VALIDATION_ERROR', 'File exceeds the 20 MB limit') };
			return { document: documentFromFile(data, fields.filename, fields.content_type, sidecar), manual, collectionId };
		}
		if (fields.text && fields.text.trim()) {
			return { document: documentFromText(fields.text, `text-${randomHex(4)}.txt`), manual, collectionId };
		}
		return { error: v1Error(400, 'VALIDATION_ERROR', 'Provide one of `file`, `file_base64` (with `filename`) or `text`.') };
	}

	// ------------------------------------------------------------ jobs

	private getJob(c: V1Context, jobId: string): FakeResponse {
		const record = this.state.getByJobId(jobId);
		if (!record) return v1Error(404, 'NOT_FOUND', `Job "${jobId}" not found.`);
		c.log.jobIds = [jobId, record.id];
		const status = v1Status(this.state.statusOf(record));
		if (status === 'processed' || status === 'error') this.state.markResultFetched(record);
		const ready = readyTime(record);
		const now = this.host.clock();
		const results = status === 'processed' ? renderV1Results(record, c.req.query.get('as_lists') === 'true') : {};
		return jsonResponse(200, {
			id: record.v1JobId,
			status,
			workflow_id: record.workflowId,
			processed_at: status === 'processed' && ready !== null ? isoSeconds(Math.min(ready, now)) : null,
			created_at: isoSeconds(record.createdAt),
			updated_at: isoSeconds(this.state.statusChangedAt(record)),
			results,
		});
	}

	private getJobFile(c: V1Context, jobId: string): FakeResponse {
		const record = this.state.getByJobId(jobId);
		if (!record || record.files.length === 0) return v1Error(404, 'NOT_FOUND', `Job "${jobId}" not found.`);
		c.log.jobIds = [jobId, record.id];
		const doc = record.files[0].document;
		return rawResponse(200, doc.bytes, doc.contentType, { 'content-disposition': attachmentHeader(doc.fileName) });
	}

	// ------------------------------------------------------------ results export

	private exportResults(c: V1Context, workflowId: string): FakeResponse {
		const workflow = this.state.getWorkflow(workflowId);
		if (!workflow) return v1Error(404, 'NOT_FOUND', NOT_FOUND_DETAIL);
		const format = (c.req.query.get('output_format') ?? 'csv').toLowerCase();
		if (!['csv', 'json', 'jsonl'].includes(format)) {
			return v1Error(400, 'VALIDATION_ERROR', `output_format: "${format}" is not a valid choice (csv, json, jsonl).`);
		}
		const filter = buildFilter(c.req.query);
		if ('error' in filter) return filter.error;

		const now = this.host.clock();
		const rows: Array<{ fileName: string; status: V1Status; record: CollectionRecord }> = [];
		for (const record of [...this.state.collectionsOf(workflowId)].reverse()) {
			const ready = readyTime(record);
			const lastProcessed = ready !== null && now >= ready ? ready : null;
			for (const file of record.files) {
				if (!filter.test(file.document.fileName, record.createdAt, lastProcessed)) continue;
				rows.push({ fileName: file.document.fileName, status: v1Status(this.state.statusOf(record, now)), record });
			}
		}
		c.log.jobIds = [...new Set(rows.map((r) => r.record.v1JobId))];
		const asLists = format === 'json' && c.req.query.get('as_lists') === 'true';
		const entry = (r: (typeof rows)[number]) => ({
			file_name: r.fileName,
			status: r.status,
			results: r.status === 'processed' ? renderV1Results(r.record, asLists) : {},
		});

		if (format === 'json') {
			// Keyed by file name; a later file with the same name replaces an earlier one.
			const out: Record<string, unknown> = {};
			for (const r of rows) out[r.fileName] = entry(r);
			return jsonResponse(200, out);
		}
		if (format === 'jsonl') {
			const text = rows.map((r) => JSON.stringify(entry(r))).join('\n') + (rows.length ? '\n' : '');
			// JSONL's media type is undocumented; NDJSON's is the common choice.
			return rawResponse(200, text, 'application/x-ndjson; charset=utf-8', { 'content-disposition': attachmentHeader(`${workflowId}_results.jsonl`) });
		}
		// CSV columns are undocumented: file_name, status, then the workflow's fields; lists/objects JSON-encoded.
		const fieldNames = columnNames(workflow);
		const table: unknown[][] = [['file_name', 'status', ...fieldNames]];
		for (const r of rows) {
			const values = r.status === 'processed' && r.record.results ? withManualValues(r.record.results, r.record.manualFieldValues) : {};
			table.push([r.fileName, r.status, ...fieldNames.map((name) => csvCell(values[name], r.record.overrides, name))]);
		}
		return rawResponse(200, toCsv(table), 'text/csv; charset=utf-8', { 'content-disposition': attachmentHeader(`${workflowId}_results.csv`) });
	}
}

// ---------------------------------------------------------------- rendering

function v1Workflow(w: AnyformatWorkflow): Record<string, unknown> {
	const out: Record<string, unknown> = {
		id: w.id,
		name: w.name,
		description: w.description,
		created_at: w.created_at,
		updated_at: w.updated_at,
		fields: w.fields,
	};
	if (w.manual_fields) out.manual_fields = w.manual_fields;
	if (w.webhook !== undefined) out.webhook = w.webhook;
	return out;
}

function columnNames(w: AnyformatWorkflow): string[] {
	return [...(w.fields ?? []), ...(w.manual_fields ?? [])].map((f: FieldDef) => f.name);
}

export function v1Status(status: AnyformatStatus): V1Status {
	if (status === 'queued') return 'pending';
	if (status === 'cancelled') return 'error';
	return status;
}

/** v1 returns numbers as decimal strings ("1250.00"). */
function v1Value(value: unknown): unknown {
	if (typeof value !== 'number') return value;
	const cents = value * 100;
	return Math.abs(cents - Math.round(cents)) < 1e-6 ? value.toFixed(2) : String(value);
}

function v1Field(field: ExtractedField): Record<string, unknown> {
	return {
		value: v1Value(field.value),
		confidence: field.confidence === null ? null : Math.round(field.confidence),
		evidence: field.evidence,
		verification_status: field.verification_status,
		value_unit: field.value_unit ?? null,
	};
}

/**
 * `as_lists=true` wraps each single field object in a one-element array; fields with no value become [] (as the
 * docs' "empty_field": [] example shows); line-item arrays stay as they are.
 */
export function renderV1Results(record: CollectionRecord, asLists: boolean): Record<string, unknown> {
	const results: ExtractionResult = withManualValues(record.results ?? {}, record.manualFieldValues);
	const out: Record<string, unknown> = {};
	for (const [name, result] of Object.entries(results)) {
		if (Array.isArray(result)) {
			out[name] = result.map((row) => mapRow(row, v1Field));
			continue;
		}
		const field = v1Field(applyOverride(result, record.overrides, name));
		out[name] = asLists ? (result.value === null ? [] : [field]) : field;
	}
	return out;
}

function csvCell(result: ExtractionResult[string] | undefined, overrides: Map<string, unknown>, name: string): unknown {
	if (result === undefined) return '';
	if (Array.isArray(result)) {
		// Line items: one JSON array of plain rows per cell.
		return JSON.stringify(result.map((row) => mapRow(row, (f) => v1Value(f.value))));
	}
	const field = applyOverride(result, overrides, name);
	const value = field.value_override ?? field.value;
	if (value === null || value === undefined) return '';
	if (Array.isArray(value) || typeof value === 'object') return JSON.stringify(value);
	return v1Value(value);
}

// ---------------------------------------------------------------- file__ filters

type Lookup = 'exact' | 'gt' | 'lt' | 'gte' | 'lte';

interface ExportFilter {
	test(fileName: string, createdAt: number, lastProcessedAt: number | null): boolean;
}

/**
 * The documented filters. Dates: a plain YYYY-MM-DD means midnight UTC for gt/gte/lt/lte (Django semantics) and
 * the whole UTC day for an exact match; an ISO datetime is an instant.
 */
function buildFilter(query: URLSearchParams): ExportFilter | { error: FakeResponse } {
	const nameTests: Array<(name: string) => boolean> = [];
	const dateTests: Array<(created: number, processed: number | null) => boolean> = [];
	for (const [key, raw] of query) {
		const value = raw.trim();
		const lower = value.toLowerCase();
		switch (key) {
			case 'file__name__iexact':
				nameTests.push((n) => n.toLowerCase() === lower);
				continue;
			case 'file__name__not_iexact':
				nameTests.push((n) => n.toLowerCase() !== lower);
				continue;
			case 'file__name__icontains':
				nameTests.push((n) => n.toLowerCase().includes(lower));
				continue;
			case 'file__name__not_icontains':
				nameTests.push((n) => !n.toLowerCase().includes(lower));
				continue;
			case 'file__name__istartswith':
				nameTests.push((n) => n.toLowerCase().startsWith(lower));
				continue;
			case 'file__name__iendswith':
				nameTests.push((n) => n.toLowerCase().endsWith(lower));
				continue;
		}
		const m = /^file__(created_at|last_processed_at)(?:__(gt|lt|gte|lte))?$/.exec(key);
		if (!m) continue; // unknown parameters are ignored, as django-filter does
		const parsed = parseFilterDate(value);
		if (!parsed) {
			return { error: v1Error(400, 'VALIDATION_ERROR', `${key}: Enter a valid date (YYYY-MM-DD) or ISO 8601 date/time; got "${value}".`) };
		}
		const lookup = (m[2] ?? 'exact') as Lookup;
		const pick = m[1] === 'created_at' ? (created: number) => created : (_: number, processed: number | null) => processed;
		dateTests.push((created, processed) => {
			const t = pick(created, processed);
			if (t === null) return false;
			switch (lookup) {
				case 'exact':
					return parsed.dateOnly ? t >= parsed.start && t < parsed.start + 86_400_000 : t === parsed.start;
				case 'gt':
					return t > parsed.start;
				case 'gte':
					return t >= parsed.start;
				case 'lt':
					return t < parsed.start;
				case 'lte':
					return t <= parsed.start;
			}
		});
	}
	return {
		test: (name, created, processed) => nameTests.every((t) => t(name)) && dateTests.every((t) => t(created, processed)),
	};
}

function parseFilterDate(value: string): { start: number; dateOnly: boolean } | undefined {
	if (/^\d{4}-\d{2}-\d{2}$/.test(value)) {
		const start = Date.parse(`${value}T00:00:00Z`);
		return Number.isNaN(start) || new Date(start).toISOString().slice(0, 10) !== value ? undefined : { start, dateOnly: true };
	}
	if (/^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$/i.test(value)) {
		const normalised = value.replace(' ', 'T');
		const start = Date.parse(/(Z|[+-]\d{2}:?\d{2})$/i.test(normalised) ? normalised : `${normalised}Z`);
		return Number.isNaN(start) ? undefined : { start, dateOnly: false };
	}
	return undefined;
}

function safeJson(text: string): unknown {
	try {
		return JSON.parse(text);
	} catch {
		return undefined;
	}
}
