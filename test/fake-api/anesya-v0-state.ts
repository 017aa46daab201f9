/**
 * Anesya v0 state: stored documents, parsings and extracts with their lifecycle, dashboard webhooks with a signing
 * secret each, URL documents, and pre-signed download links. Schemas and credits are the account's (AnesyaFake):
 * v0 and 0.8.1 share one workspace. Also the helpers tests use (`fake.anesyaV0`).
 */
import { createHmac, randomBytes } from 'node:crypto';

import { anesyaWebhookSender, type AnesyaFake } from './anesya-state';
import { documentFromFile } from './documents';
import { UnknownResourceError } from './errors';
import { extractForJsonSchema } from './extractor';
import type { FakeHost } from './host';
import { isoMicros, uuid } from './ids';
import { ActiveJobs, isTerminal, progress, readyTime, resolveLatency, type TimedJob } from './lifecycle';
import { standardWebhookHeaders, type WebhookSender } from './webhooks';
import type { DeliveryRecord, FakeDocument } from './types';

export const V0_EVENTS = [
	'parsing.in_queue',
	'parsing.in_progress',
	'parsing.finished',
	'parsing.partial_finished',
	'parsing.failed',
	'extract.completed',
	'extract.failed',
] as const;
export type V0Event = (typeof V0_EVENTS)[number];

export type V0Status = 'IN_QUEUE' | 'IN_PROGRESS' | 'FINISHED' | 'PARTIAL_FINISHED' | 'ERROR';
export type V0ParsingOutcome = 'FINISHED' | 'PARTIAL_FINISHED' | 'ERROR';
export type V0ExtractOutcome = 'FINISHED' | 'ERROR';

/** Credits per page ("Parsing 2, Extract 3"). */
export const V0_PARSING_CREDITS = 2;
export const V0_EXTRACT_CREDITS = 3;

/** Text markers the fake reacts to (like FAIL_EXTRACTION for 0.8.1). */
export const FAIL_PARSING = 'FAIL_PARSING';
export const FAIL_PAGE = 'FAIL_PAGE';
export const FAIL_EXTRACTION = 'FAIL_EXTRACTION';

/** Share of the processing time a job spends IN_QUEUE. */
const QUEUED_SHARE = 0.15;

export interface V0DocumentRecord {
	id: string;
	document: FakeDocument;
	filename: string;
	metadata: Record<string, unknown>;
	createdAt: number;
}

interface PageResult {
	page: number;
	status: 'FINISHED' | 'ERROR';
	text: string | null;
	error: string | null;
}

export interface V0ParsingRecord extends TimedJob {
	kind: 'parsing';
	createdAt: number;
	documentId: string | null;
	sourceUrl: string | null;
	document: FakeDocument | null;
	model: string;
	pictureDescription: boolean;
	tableVerification: boolean;
	metadata: Record<string, unknown> | null;
	outcome: V0ParsingOutcome;
	error: string | null;
	pages: PageResult[];
	creditCost: number;
	payer: string;
	progressSent: boolean;
}

export interface V0ExtractRecord extends TimedJob {
	kind: 'extract';
	createdAt: number;
	schemaId: string;
	parsing: V0ParsingRecord;
	/** The extract started its own parsing (from a document or URL) rather than reusing one. */
	ownParsing: boolean;
	outcome: V0ExtractOutcome;
	error: string | null;
	result: unknown;
	creditCost: number;
	payer: string;
	progressSent: boolean;
}

export interface V0Webhook {
	id: string;
	event: V0Event;
	url: string;
	/** Generated at creation, as the dashboard does ("whsec_" + base64). */
	secret: string;
}

/** What a URL input downloads to (tests register these; no real fetching). */
export interface UrlDocumentInput {
	data: Buffer | string;
	fileName: string;
	contentType?: string;
}

export interface NewParsing {
	document: FakeDocument | null;
	documentId: string | null;
	sourceUrl: string | null;
	model: string;
	pictureDescription: boolean;
	tableVerification: boolean;
	metadata: Record<string, unknown> | null;
	payer: string;
}

type Job = V0ParsingRecord | V0ExtractRecord;

export class AnesyaV0Fake {
	private readonly documentMap = new Map<string, V0DocumentRecord>();
	private readonly parsingMap = new Map<string, V0ParsingRecord>();
	private readonly extractMap = new Map<string, V0ExtractRecord>();
	private readonly urlDocuments = new Map<string, FakeDocument>();
	private webhookList: V0Webhook[] = [];
	private readonly active: ActiveJobs<Job>;
	/** Signs download links; a new one per server, so old links die with it. */
	private readonly linkSecret = randomBytes(16);
	readonly sender: WebhookSender;

	constructor(
		private readonly host: FakeHost,
		private readonly account: AnesyaFake,
	) {
		this.active = new ActiveJobs<Job>(host.scheduler, 'an0', (job) => this.finalize(job));
		this.sender = anesyaWebhookSender(host);
	}

	// ------------------------------------------------------------ documents

	storeDocument(document: FakeDocument, filename: string, metadata: Record<string, unknown>): V0DocumentRecord {
		const record: V0DocumentRecord = { id: uuid(), document, filename, metadata, createdAt: this.host.clock() };
		this.documentMap.set(record.id, record);
		this.host.emitChange();
		return record;
	}

	getDocument(id: string): V0DocumentRecord | undefined {
		return this.documentMap.get(id);
	}

	/** Newest first. */
	listDocuments(): V0DocumentRecord[] {
		return [...this.documentMap.values()].reverse();
	}

	documentBody(record: V0DocumentRecord): Record<string, unknown> {
		return {
			id: record.id,
			filename: record.filename,
			file_url: `/v0/documents/${record.id}/download`,
			metadata: record.metadata,
			page_count: record.document.pages,
			created_at: isoMicros(record.createdAt),
			updated_at: isoMicros(record.createdAt),
		};
	}

	get documents(): Array<Record<string, unknown> & { bytes: Buffer }> {
		return [...this.documentMap.values()].map((d) => ({ ...this.documentBody(d), bytes: d.document.bytes }));
	}

	// ------------------------------------------------------------ download links

	/** A pre-signed link on the storage host, valid for the configured lifetime. */
	downloadLink(record: V0DocumentRecord, storageOrigin: string): string {
		const expires = this.host.clock() + this.host.options.anesya.v0DownloadLinkTtlMs;
		const signature = this.sign(`${record.id}.${expires}`);
		return `${storageOrigin}/storage/${record.id}/${encodeURIComponent(record.filename)}?expires=${expires}&signature=${signature}`;
	}

	/** The document a storage link points at, or why it is refused. */
	resolveLink(id: string, query: URLSearchParams): { record: V0DocumentRecord } | { refused: string } {
		const expires = Number(query.get('expires'));
		const signature = query.get('signature') ?? '';
		if (!Number.isFinite(expires) || signature !== this.sign(`${id}.${expires}`)) return { refused: 'SignatureDoesNotMatch' };
		if (this.host.clock() > expires) return { refused: 'Request has expired' };
		const record = this.documentMap.get(id);
		return record ? { record } : { refused: 'NoSuchKey' };
	}

	private sign(text: string): string {
		return createHmac('sha256', this.linkSecret).update(text).digest('hex');
	}

	// ------------------------------------------------------------ URL inputs

	/** What a parsing or extract from `url` downloads (the fake fetches nothing). */
	serveUrl(url: string, input: UrlDocumentInput): void {
		const data = typeof input.data === 'string' ? Buffer.from(input.data, 'utf8') : input.data;
		this.urlDocuments.set(url, documentFromFile(data, input.fileName, input.contentType, this.host.options.sidecarText));
	}

	urlDocument(url: string): FakeDocument | undefined {
		return this.urlDocuments.get(url);
	}

	// ------------------------------------------------------------ parsings

	createParsing(input: NewParsing): V0ParsingRecord {
		const now = this.host.clock();
		const document = input.document;
		const pages = document ? pageResults(document) : [];
		let outcome: V0ParsingOutcome = 'FINISHED';
		let error: string | null = null;
		if (!document) {
			outcome = 'ERROR';
			error = `Unable to download the document from ${input.sourceUrl}: the server answered 404.`;
		} else if (document.text.includes(FAIL_PARSING) || pages.every((p) => p.status === 'ERROR')) {
			outcome = 'ERROR';
			error = 'The document could not be parsed: it is unreadable or empty.';
		} else if (pages.some((p) => p.status === 'ERROR')) {
			outcome = 'PARTIAL_FINISHED';
		}
		const pageCount = Math.max(1, document?.pages ?? 1);
		const record: V0ParsingRecord = {
			kind: 'parsing',
			id: uuid(),
			createdAt: now,
			submittedAt: now,
			latencyMs: resolveLatency(this.host.options.anesya.latencyMs, document ?? ({} as FakeDocument)),
			forcedReadyAt: null,
			finalized: false,
			documentId: input.documentId,
			sourceUrl: input.sourceUrl,
			document,
			model: input.model,
			pictureDescription: input.pictureDescription,
			tableVerification: input.tableVerification,
			metadata: input.metadata,
			outcome,
			error,
			pages,
			creditCost: pageCount * V0_PARSING_CREDITS,
			payer: input.payer,
			progressSent: false,
		};
		this.parsingMap.set(record.id, record);
		this.track(record);
		this.notify('parsing.in_queue', this.parsingBody(record, now));
		return record;
	}

	getParsing(id: string): V0ParsingRecord | undefined {
		return this.parsingMap.get(id);
	}

	/** Pages a parsing of `document` would be charged for. */
	static pagesOf(document: FakeDocument | null): number {
		return Math.max(1, document?.pages ?? 1);
	}

	statusOf(job: Job, now = this.host.clock()): V0Status {
		if (isTerminal(job, now)) return job.outcome;
		return progress(job, now) < QUEUED_SHARE ? 'IN_QUEUE' : 'IN_PROGRESS';
	}

	parsingBody(record: V0ParsingRecord, now = this.host.clock()): Record<string, unknown> {
		const status = this.statusOf(record, now);
		const final = status === 'FINISHED' || status === 'PARTIAL_FINISHED' || status === 'ERROR';
		const readable = status === 'FINISHED' || status === 'PARTIAL_FINISHED';
		return {
			id: record.id,
			status,
			error: status === 'ERROR' ? record.error : null,
			document: record.documentId,
			model: record.model,
			picture_description_enabled: record.pictureDescription,
			table_verification_enabled: record.tableVerification,
			metadata: record.metadata,
			page_count: final && record.document ? record.document.pages : null,
			markdown_content: readable ? markdownOf(record.pages) : null,
			ocr_content: readable ? record.pages.map((p) => ({ ...p })) : null,
			created_at: isoMicros(record.createdAt),
			updated_at: isoMicros(final ? readyTime(record)! : record.createdAt),
		};
	}

	// ------------------------------------------------------------ extracts

	/**
	 * An extract from a parsing (reused) or from a document/URL (`ownParsing`: the parsing was just created for it).
	 * Each record refunds its own credits when it ends in ERROR.
	 */
	createExtract(input: { schemaId: string; parsing: V0ParsingRecord; ownParsing: boolean; payer: string }): V0ExtractRecord {
		const now = this.host.clock();
		const parsing = input.parsing;
		const schema = this.account.getSchema(input.schemaId);
		const document = parsing.document;
		const ownLatency = resolveLatency(this.host.options.anesya.latencyMs, document ?? ({} as FakeDocument));
		// From a raw document Anesya parses first: the extract ends after its parsing plus its own work.
		const latencyMs = (input.ownParsing ? Math.max(0, readyTime(parsing)! - now) : 0) + ownLatency;
		let outcome: V0ExtractOutcome = 'FINISHED';
		let error: string | null = null;
		let result: unknown = null;
		if (parsing.outcome === 'ERROR') {
			outcome = 'ERROR';
			error = `The parsing failed: ${parsing.error}`;
		} else if (document?.text.includes(FAIL_EXTRACTION)) {
			outcome = 'ERROR';
			error = 'Extraction failed: no data could be extracted with this schema.';
		} else if (document && schema?.schema) {
			// Only the pages that parsed are read.
			const readable = { ...document, text: parsing.pages.map((p) => p.text ?? '').join('\f') };
			const custom = this.host.options.extractor?.({ vendor: 'anesya', document: readable, schema: schema.schema });
			result = custom !== undefined ? custom : extractForJsonSchema(readable, schema.schema);
		} else {
			result = {};
		}
		const record: V0ExtractRecord = {
			kind: 'extract',
			id: uuid(),
			createdAt: now,
			submittedAt: now,
			latencyMs,
			forcedReadyAt: null,
			finalized: false,
			schemaId: input.schemaId,
			parsing,
			ownParsing: input.ownParsing,
			outcome,
			error,
			result,
			creditCost: AnesyaV0Fake.pagesOf(document) * V0_EXTRACT_CREDITS,
			payer: input.payer,
			progressSent: false,
		};
		this.extractMap.set(record.id, record);
		this.track(record);
		return record;
	}

	getExtract(id: string): V0ExtractRecord | undefined {
		return this.extractMap.get(id);
	}

	extractBody(record: V0ExtractRecord, now = this.host.clock()): Record<string, unknown> {
		const status = this.statusOf(record, now);
		const final = status === 'FINISHED' || status === 'ERROR';
		return {
			id: record.id,
			status,
			error: status === 'ERROR' ? record.error : null,
			schema: record.schemaId,
			parsing: record.parsing.id,
			document: record.parsing.documentId,
			result: status === 'FINISHED' ? record.result : null,
			created_at: isoMicros(record.createdAt),
			updated_at: isoMicros(final ? readyTime(record)! : record.createdAt),
		};
	}

	// ------------------------------------------------------------ lifecycle

	/** Arms the final timer and the one that announces IN_PROGRESS. */
	private track(job: Job): void {
		this.active.add(job);
		const progressAt = job.submittedAt! + job.latencyMs * QUEUED_SHARE;
		if (job.kind === 'parsing') this.host.scheduler.schedule(`an0p:${job.id}`, progressAt, () => this.announceProgress(job));
		this.host.emitChange();
	}

	private announceProgress(job: Job): void {
		if (job.progressSent || job.finalized || job.kind !== 'parsing') return;
		job.progressSent = true;
		this.notify('parsing.in_progress', this.parsingBody(job));
		this.host.emitChange();
	}

	sweep(now = this.host.clock()): void {
		this.active.sweep(now);
	}

	private finalize(job: Job): void {
		if (!this.active.claim(job)) return;
		this.host.scheduler.cancel(`an0p:${job.id}`);
		if (job.outcome === 'ERROR') this.account.setCredits(job.payer, this.account.creditsOf(job.payer) + job.creditCost);
		this.host.emitJobReady({ vendor: 'anesya', id: job.id, status: job.outcome, workflowId: null });
		if (job.kind === 'parsing') {
			if (!job.progressSent) this.announceProgress(job);
			const event = job.outcome === 'FINISHED' ? 'parsing.finished' : job.outcome === 'PARTIAL_FINISHED' ? 'parsing.partial_finished' : 'parsing.failed';
			this.notify(event, this.parsingBody(job));
		} else {
			this.notify(job.outcome === 'FINISHED' ? 'extract.completed' : 'extract.failed', this.extractBody(job));
		}
		this.host.emitChange();
	}

	/** Ends a parsing or extract now, optionally with another outcome (an extract's own parsing ends first). */
	completeNow(id: string, outcome?: V0Status): Record<string, unknown> {
		const job: Job | undefined = this.parsingMap.get(id) ?? this.extractMap.get(id);
		if (!job) throw new UnknownResourceError(`unknown parsing or extract "${id}"`);
		if (job.kind === 'extract' && job.ownParsing && !job.parsing.finalized) this.completeNow(job.parsing.id);
		if (!job.finalized) {
			if (outcome) {
				if (job.kind === 'extract' && outcome !== 'FINISHED' && outcome !== 'ERROR') throw new Error('an extract ends FINISHED or ERROR');
				job.outcome = outcome as never;
				if (outcome === 'ERROR' && !job.error) job.error = 'Forced to fail by the test.';
			}
			job.forcedReadyAt = Math.max(job.createdAt, this.host.clock());
			this.finalize(job);
		}
		return job.kind === 'parsing' ? this.parsingBody(job) : this.extractBody(job);
	}

	get parsings(): Array<Record<string, unknown>> {
		return [...this.parsingMap.values()].map((p) => ({ ...this.parsingBody(p), creditCost: p.creditCost }));
	}

	get extracts(): Array<Record<string, unknown>> {
		return [...this.extractMap.values()].map((e) => ({ ...this.extractBody(e), creditCost: e.creditCost, ownParsing: e.ownParsing }));
	}

	// ------------------------------------------------------------ webhooks

	/** Replaces the dashboard's v0 webhooks; each gets its own signing secret. */
	setWebhooks(hooks: Array<{ event: string; url: string; secret?: string }>): V0Webhook[] {
		for (const hook of hooks) {
			if (!(V0_EVENTS as readonly string[]).includes(hook.event)) throw new Error(`unknown Anesya v0 event "${hook.event}" (known: ${V0_EVENTS.join(', ')})`);
		}
		this.webhookList = hooks.map((h) => ({ id: uuid(), event: h.event as V0Event, url: h.url, secret: h.secret ?? `whsec_${randomBytes(24).toString('base64')}` }));
		this.host.emitChange();
		return this.webhooks;
	}

	get webhooks(): V0Webhook[] {
		return this.webhookList.map((h) => ({ ...h }));
	}

	get deliveries(): DeliveryRecord[] {
		return [...this.sender.records];
	}

	redeliver(deliveryId: string): DeliveryRecord {
		return this.sender.redeliver(deliveryId);
	}

	private notify(event: V0Event, data: Record<string, unknown>): void {
		const signing = this.host.options.anesya.v0WebhookSigning;
		for (const hook of this.webhookList) {
			if (hook.event !== event) continue;
			this.sender.send({
				vendor: 'anesya',
				webhookId: hook.id,
				url: hook.url,
				event,
				payload: { id: hook.id, event, timestamp: isoMicros(this.host.clock()).replace(/Z$/, '+00:00'), data },
				headersFor: (messageId, timestamp, body) => signatureHeaders(signing, hook.secret, messageId, timestamp, body),
			});
		}
	}

	// ------------------------------------------------------------ reset

	reset(): void {
		this.active.clear();
		for (const id of this.parsingMap.keys()) this.host.scheduler.cancel(`an0p:${id}`);
		this.documentMap.clear();
		this.parsingMap.clear();
		this.extractMap.clear();
		this.urlDocuments.clear();
		this.webhookList = [];
		this.sender.clear();
	}

	close(): void {
		this.sender.close();
	}
}

/**
 * The signature of a v0 delivery. Anesya's scheme is not documented: Standard Webhooks is the default guess
 * (the reference's), 'hmac-sha256' the other common one (hex HMAC of the raw body), 'none' sends none.
 */
function signatureHeaders(signing: 'standard' | 'hmac-sha256' | 'none', secret: string, messageId: string, timestamp: number, body: string): Record<string, string> {
	if (signing === 'none') return {};
	if (signing === 'hmac-sha256') return { 'x-anesya-signature': `sha256=${createHmac('sha256', secret).update(body).digest('hex')}` };
	return standardWebhookHeaders(secret, messageId, timestamp, body);
}

/** Page by page: a page containing FAIL_PAGE fails ("one or more pages failed"). */
function pageResults(document: FakeDocument): PageResult[] {
	const texts = document.text.split('\f');
	const count = Math.max(document.pages, texts.length, 1);
	return Array.from({ length: count }, (_, i) => {
		const text = (texts[i] ?? '').trim();
		return text.includes(FAIL_PAGE)
			? { page: i + 1, status: 'ERROR', text: null, error: 'The page could not be read.' }
			: { page: i + 1, status: 'FINISHED', text, error: null };
	});
}

function markdownOf(pages: PageResult[]): string {
	return pages
		.filter((p) => p.status === 'FINISHED')
		.map((p) => `<!-- page ${p.page} -->\n${p.text ?? ''}`)
		.join('\n\n');
}
