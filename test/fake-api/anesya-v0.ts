/**
 * Anesya API v0 (served under /anesya/v0): X-API-Key auth, documents (upload, list, retrieve, download by redirect
 * to a storage host), parsing (document ID, URL, URL list or file) and extract (schema + document or parsing), no
 * trailing slashes. Choices where the contract is unsure are listed in README.md.
 */
import type { AnesyaFake } from './anesya-state';
import {
	djangoNotFound,
	metadataMatches,
	paginate,
	pageRange,
	parseFormOrError,
	safeJson,
	selectPages,
	unauthorized,
	validateDocument,
} from './anesya';
import { AnesyaV0Fake, V0_EXTRACT_CREDITS, V0_PARSING_CREDITS, type V0DocumentRecord, type V0ParsingRecord } from './anesya-v0-state';
import { isObject } from './anyformat-fields';
import { documentFromFile } from './documents';
import type { FakeHost } from './host';
import { header, jsonResponse, parseJsonBody, Router, type FakeResponse, type RequestInfo, type RouteLabel } from './http';
import { isUuid } from './ids';
import type { FormParts } from './multipart';
import type { FakeDocument, RequestLogEntry } from './types';

interface V0Context {
	req: RequestInfo;
	log: RequestLogEntry;
	key: string;
}

type Handler = (ctx: V0Context, params: Record<string, string>) => FakeResponse;

/** Where the routes of this generation start, below the Anesya mount point. */
export const V0_PREFIX = '/v0';
const MAX_URLS = 100;

/** One resolved input of a parsing or extract: a stored document, a URL, or an uploaded file. */
interface ResolvedInput {
	document: FakeDocument | null;
	documentId: string | null;
	sourceUrl: string | null;
}

/** The fields of a create request, from JSON or a multipart form (whose file part is `document`). */
interface CreateBody {
	fields: Record<string, unknown>;
	file?: FormParts;
}

export class AnesyaV0Api {
	private readonly router = new Router<Handler, { submission: boolean }>();

	constructor(
		private readonly host: FakeHost,
		private readonly account: AnesyaFake,
		private readonly state: AnesyaV0Fake,
		private readonly storageOrigin: () => string,
	) {
		const plain = { submission: false };
		this.router
			.add('POST', '/v0/documents', (c) => this.uploadDocument(c), plain)
			.add('GET', '/v0/documents', (c) => this.listDocuments(c), plain)
			.add('GET', '/v0/documents/{id}', (c, p) => this.getDocument(c, p.id), plain)
			.add('GET', '/v0/documents/{id}/download', (c, p) => this.download(c, p.id), plain)
			.add('POST', '/v0/parsing', (c) => this.createParsing(c), { submission: true })
			.add('GET', '/v0/parsing/{id}', (c, p) => this.getParsing(c, p.id), plain)
			.add('POST', '/v0/extract', (c) => this.createExtract(c), { submission: true })
			.add('GET', '/v0/extract/{id}', (c, p) => this.getExtract(c, p.id), plain);
	}

	static owns(path: string): boolean {
		return path === V0_PREFIX || path.startsWith(`${V0_PREFIX}/`);
	}

	routeFor(method: string, path: string, prefix: string): RouteLabel {
		return this.router.routeFor(method, path, prefix);
	}

	handle(req: RequestInfo, log: RequestLogEntry): FakeResponse {
		const match = this.router.match(req.method, req.path);
		// No trailing slashes in v0: a slashed path matches nothing (Django's HTML 404).
		if (match.kind === 'none') return djangoNotFound();
		const auth = this.authenticate(req, log);
		if (!auth.ok) return auth.response;
		if (match.kind === 'method-not-allowed') {
			return jsonResponse(405, { detail: `Method "${req.method}" not allowed.` }, { allow: match.allowed.join(', ') });
		}
		const limits = this.host.options.anesya.rateLimits;
		const tier = match.route.meta.submission ? 'submission' : 'general';
		const window = limits ? limits[tier] : undefined;
		if (window) {
			const decision = this.host.limiter.take(auth.key, `an-${tier}`, window);
			if (!decision.allowed) {
				const wait = Math.max(1, Math.ceil(decision.resetMs / 1000));
				return jsonResponse(429, { detail: `Request was throttled. Expected available in ${wait} seconds.` }, { 'retry-after': String(wait) });
			}
		}
		return match.route.handler({ req, log, key: auth.key }, match.params);
	}

	/**
	 * X-API-Key, `{"detail": "Invalid API key"}` otherwise. An Authorization header is taken by the JWT authenticator
	 * Django REST Framework tries first, which ends the request with its own 401 when it cannot read the value — so a
	 * client must send the key in X-API-Key only. `crossGenerationKeys` lets 0.8.1 tokens in too.
	 */
	private authenticate(req: RequestInfo, log: RequestLogEntry): { ok: true; key: string } | { ok: false; response: FakeResponse } {
		const options = this.host.options.anesya;
		const authorization = header(req.headers, 'authorization')?.trim();
		const apiKey = header(req.headers, 'x-api-key')?.trim();
		log.auth = {
			scheme: authorization !== undefined && apiKey !== undefined ? 'both' : apiKey !== undefined ? 'x-api-key' : authorization !== undefined ? 'raw' : 'none',
			valid: false,
		};
		const known = (secret: string) => options.apiKeys.includes(secret) || (options.crossGenerationKeys && options.tokens.includes(secret));
		if (authorization) {
			if (options.crossGenerationKeys && known(authorization) && (apiKey === undefined || known(apiKey))) {
				log.auth.valid = true;
				return { ok: true, key: authorization };
			}
			return { ok: false, response: unauthorized('Given token not valid for any token type', 'token_not_valid', 'Token is invalid') };
		}
		if (!apiKey || !known(apiKey)) return { ok: false, response: jsonResponse(401, { detail: 'Invalid API key' }) };
		log.auth.valid = true;
		return { ok: true, key: apiKey };
	}

	// ------------------------------------------------------------ documents

	private uploadDocument(c: V0Context): FakeResponse {
		const form = parseFormOrError(c.req);
		if ('error' in form) return form.error;
		const errors: Record<string, unknown[]> = {};
		const part = form.form.get('file');
		const problem = validateDocument(part);
		if (problem) errors.file = [problem];
		const metadata = readMetadata(form.form.field('metadata'), errors);
		const range = pageRange(c.req.query);
		if ('errors' in range) Object.assign(errors, range.errors);
		if (Object.keys(errors).length) return jsonResponse(400, errors);

		const document = documentFromFile(part!.data, part!.filename!, part!.contentType, this.host.options.sidecarText);
		const selected = selectPages(document, 'start' in range ? range.start : undefined, 'start' in range ? range.end : undefined);
		if ('error' in selected) return jsonResponse(400, selected.error);
		const filename = form.form.field('filename')?.trim() || part!.filename!;
		const record = this.state.storeDocument(selected.document, filename, metadata ?? {});
		c.log.jobIds = [record.id];
		return jsonResponse(201, this.state.documentBody(record));
	}

	private listDocuments(c: V0Context): FakeResponse {
		const q = c.req.query;
		const search = q.get('search')?.trim().toLowerCase();
		const items = this.state
			.listDocuments()
			.filter((d) => (!search || d.filename.toLowerCase().includes(search)) && metadataMatches(d.metadata, q.get('meta_key') || undefined, q.get('meta_value') || undefined));
		const render = (d: V0DocumentRecord) => this.state.documentBody(d);
		if (this.host.options.anesya.v0ListShape === 'array') return jsonResponse(200, items.map(render));
		return paginate(c.req, items, render);
	}

	private getDocument(c: V0Context, id: string): FakeResponse {
		const record = this.state.getDocument(id);
		if (!record) return jsonResponse(404, { detail: 'Document not found.' });
		c.log.jobIds = [record.id];
		return jsonResponse(200, this.state.documentBody(record));
	}

	/** 302 to a pre-signed link on the storage host ("redirects the client to the underlying file location"). */
	private download(c: V0Context, id: string): FakeResponse {
		const record = this.state.getDocument(id);
		if (!record) return jsonResponse(404, { detail: 'Document not found.' });
		c.log.jobIds = [record.id];
		return { status: 302, headers: { location: this.state.downloadLink(record, this.storageOrigin()), 'content-type': 'text/html; charset=utf-8' }, body: Buffer.alloc(0) };
	}

	// ------------------------------------------------------------ parsing

	private createParsing(c: V0Context): FakeResponse {
		const parsed = this.readBody(c.req);
		if ('error' in parsed) return parsed.error;
		const { fields } = parsed.body;
		const errors: Record<string, unknown[]> = {};
		const inputs = this.resolveInputs(parsed.body, errors, { allowList: true });
		const model = fields.model === undefined || fields.model === null ? 'PIGALLE' : fields.model;
		if (model !== 'PIGALLE') errors.model = [`"${String(model)}" is not a valid choice.`];
		const pictureDescription = readBoolean(fields.picture_description_enabled, 'picture_description_enabled', errors);
		const tableVerification = readBoolean(fields.table_verification_enabled, 'table_verification_enabled', errors);
		const metadata = readMetadataValue(fields.metadata, errors);
		if (Object.keys(errors).length) return jsonResponse(400, errors);

		const cost = inputs!.list.reduce((sum, input) => sum + AnesyaV0Fake.pagesOf(input.document) * V0_PARSING_CREDITS, 0);
		if (!this.account.charge(c.key, cost)) return jsonResponse(403, { detail: 'Insufficient credits' });
		const records = inputs!.list.map((input) =>
			this.state.createParsing({ ...input, model: String(model), pictureDescription, tableVerification, metadata, payer: c.key }),
		);
		c.log.jobIds = records.map((r) => r.id);
		// Rendered as of creation: a create always answers IN_QUEUE, however long the request took.
		const bodies = records.map((r) => this.state.parsingBody(r, r.createdAt));
		return jsonResponse(201, inputs!.isList ? bodies : bodies[0]);
	}

	private getParsing(c: V0Context, id: string): FakeResponse {
		const record = this.state.getParsing(id);
		if (!record) return jsonResponse(404, { detail: 'Parsing not found.' });
		c.log.jobIds = [record.id];
		return jsonResponse(200, this.state.parsingBody(record));
	}

	// ------------------------------------------------------------ extract

	private createExtract(c: V0Context): FakeResponse {
		const parsed = this.readBody(c.req);
		if ('error' in parsed) return parsed.error;
		const { fields } = parsed.body;
		const errors: Record<string, unknown[]> = {};
		const schemaId = fields.schema;
		if (schemaId === undefined || schemaId === null || schemaId === '') errors.schema = ['This field is required.'];
		else if (!isUuid(schemaId) || !this.account.getSchema(schemaId)) errors.schema = [`Invalid pk "${String(schemaId)}" - object does not exist.`];

		const hasDocument = (fields.document !== undefined && fields.document !== null && fields.document !== '') || parsed.body.file !== undefined;
		const hasParsing = fields.parsing !== undefined && fields.parsing !== null && fields.parsing !== '';
		let reused: V0ParsingRecord | undefined;
		let input: ResolvedInput | undefined;
		if (hasDocument === hasParsing) {
			errors.non_field_errors = ['Provide exactly one of "document" or "parsing".'];
		} else if (hasParsing) {
			reused = this.reusableParsing(fields.parsing, errors);
		} else {
			input = this.resolveInputs(parsed.body, errors, { allowList: false })?.list[0];
		}
		if (Object.keys(errors).length) return jsonResponse(400, errors);

		const pages = AnesyaV0Fake.pagesOf(reused ? reused.document : input!.document);
		const cost = pages * V0_EXTRACT_CREDITS + (reused ? 0 : pages * V0_PARSING_CREDITS);
		if (!this.account.charge(c.key, cost)) return jsonResponse(403, { detail: 'Insufficient credits' });
		// "If you pass a raw document, a parsing is created first."
		const parsing =
			reused ??
			this.state.createParsing({ ...input!, model: 'PIGALLE', pictureDescription: false, tableVerification: false, metadata: null, payer: c.key });
		const record = this.state.createExtract({ schemaId: schemaId as string, parsing, ownParsing: !reused, payer: c.key });
		c.log.jobIds = [record.id];
		return jsonResponse(201, this.state.extractBody(record, record.createdAt));
	}

	private getExtract(c: V0Context, id: string): FakeResponse {
		const record = this.state.getExtract(id);
		if (!record) return jsonResponse(404, { detail: 'Extract not found.' });
		c.log.jobIds = [record.id];
		return jsonResponse(200, this.state.extractBody(record));
	}

	/** "That parsing must already be complete enough to be reused": FINISHED or PARTIAL_FINISHED. */
	private reusableParsing(raw: unknown, errors: Record<string, unknown[]>): V0ParsingRecord | undefined {
		const parsing = isUuid(raw) ? this.state.getParsing(raw) : undefined;
		if (!parsing) {
			errors.parsing = [`Invalid pk "${String(raw)}" - object does not exist.`];
			return undefined;
		}
		const status = this.state.statusOf(parsing);
		if (status === 'ERROR') errors.parsing = ['The parsing failed; it cannot be used for an extract.'];
		else if (status !== 'FINISHED' && status !== 'PARTIAL_FINISHED') errors.parsing = [`The parsing is not finished yet (status ${status}).`];
		return parsing;
	}

	// ------------------------------------------------------------ request bodies

	/** JSON, or a multipart form whose `document` part is a file (booleans and metadata as text fields). */
	private readBody(req: RequestInfo): { body: CreateBody } | { error: FakeResponse } {
		const contentType = header(req.headers, 'content-type') ?? '';
		if (/^multipart\/form-data/i.test(contentType)) {
			const form = parseFormOrError(req);
			if ('error' in form) return form;
			const fields: Record<string, unknown> = {};
			for (const part of form.form.parts) {
				if (part.filename !== undefined) continue;
				const text = part.data.toString('utf8');
				fields[part.name] = part.name === 'metadata' ? (safeJson(text) ?? text) : text;
			}
			const hasFile = form.form.get('document')?.filename !== undefined;
			return { body: { fields, file: hasFile ? form.form : undefined } };
		}
		let json: unknown;
		try {
			json = parseJsonBody(req.body);
		} catch {
			return { error: jsonResponse(400, { detail: 'JSON parse error - Expecting value: line 1 column 1 (char 0)' }) };
		}
		if (!isObject(json)) return { error: jsonResponse(400, { non_field_errors: [`Invalid data. Expected a dictionary, but got ${Array.isArray(json) ? 'list' : typeof json}.`] }) };
		return { body: { fields: json } };
	}

	/** `document` as a stored document ID, a URL, a list of URLs (parsing only) or an uploaded file. */
	private resolveInputs(body: CreateBody, errors: Record<string, unknown[]>, options: { allowList: boolean }): { list: ResolvedInput[]; isList: boolean } | undefined {
		if (body.file) {
			const part = body.file.get('document');
			const problem = validateDocument(part);
			if (problem) {
				errors.document = [problem];
				return undefined;
			}
			const document = documentFromFile(part!.data, part!.filename!, part!.contentType, this.host.options.sidecarText);
			const stored = this.state.storeDocument(document, part!.filename!, {});
			return { list: [{ document, documentId: stored.id, sourceUrl: null }], isList: false };
		}
		const raw = body.fields.document;
		if (raw === undefined || raw === null || raw === '') {
			errors.document = ['This field is required.'];
			return undefined;
		}
		if (Array.isArray(raw)) {
			if (!options.allowList) errors.document = ['A list of URLs is accepted for parsing only; send one document.'];
			else if (raw.length === 0) errors.document = ['This list may not be empty.'];
			else if (raw.length > MAX_URLS) errors.document = [`Ensure this field has no more than ${MAX_URLS} elements.`];
			else if (!raw.every((u) => typeof u === 'string' && /^https?:\/\//i.test(u))) errors.document = ['A list may only contain public or pre-signed URLs.'];
			if (errors.document) return undefined;
			return { list: (raw as string[]).map((url) => this.urlInput(url)), isList: true };
		}
		if (typeof raw === 'string' && /^https?:\/\//i.test(raw)) return { list: [this.urlInput(raw)], isList: false };
		if (typeof raw === 'string' && isUuid(raw)) {
			const stored = this.state.getDocument(raw);
			if (!stored) {
				errors.document = [`Invalid pk "${raw}" - object does not exist.`];
				return undefined;
			}
			return { list: [{ document: stored.document, documentId: stored.id, sourceUrl: null }], isList: false };
		}
		errors.document = ['Enter a document ID or a public or pre-signed URL.'];
		return undefined;
	}

	/** A URL the fake knows (serveUrl) becomes a stored document; an unknown one fails during processing. */
	private urlInput(url: string): ResolvedInput {
		const document = this.state.urlDocument(url);
		if (!document) return { document: null, documentId: null, sourceUrl: url };
		const name = decodeURIComponent(new URL(url).pathname.split('/').pop() || 'document');
		const stored = this.state.storeDocument(document, name, {});
		return { document, documentId: stored.id, sourceUrl: url };
	}
}

// ---------------------------------------------------------------- helpers

/** Multipart `metadata` (a JSON object as text). */
function readMetadata(raw: string | undefined, errors: Record<string, unknown[]>): Record<string, unknown> | null {
	if (raw === undefined || raw === '' || raw === 'null') return null;
	return readMetadataValue(safeJson(raw) ?? raw, errors);
}

function readMetadataValue(value: unknown, errors: Record<string, unknown[]>): Record<string, unknown> | null {
	if (value === undefined || value === null) return null;
	if (typeof value === 'string') {
		errors.metadata = ['Value must be valid JSON.'];
		return null;
	}
	if (!isObject(value)) {
		errors.metadata = [`Expected a dictionary of items but got type "${Array.isArray(value) ? 'list' : typeof value}".`];
		return null;
	}
	return value;
}

/** DRF BooleanField: true/false, or their usual text forms. */
function readBoolean(value: unknown, name: string, errors: Record<string, unknown[]>): boolean {
	if (value === undefined || value === null || value === '') return false;
	if (typeof value === 'boolean') return value;
	if (typeof value === 'string' && ['true', '1', 'yes', 'on'].includes(value.toLowerCase())) return true;
	if (typeof value === 'string' && ['false', '0', 'no', 'off'].includes(value.toLowerCase())) return false;
	errors[name] = ['Must be a valid boolean.'];
	return false;
}
