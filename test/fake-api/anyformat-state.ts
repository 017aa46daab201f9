/**
 * anyformat state shared by the v1 and v2 surfaces: workflows, file collections (runs) with their lifecycle,
 * webhook subscriptions and deliveries. Also the programmatic helpers tests use (`fake.anyformat`).
 */
import { randomBytes } from 'node:crypto';
import { normaliseWorkflowInput } from './anyformat-fields';
import { UnknownResourceError } from './errors';
import { extractFields } from './extractor';
import type { FakeHost } from './host';
import { Counter, isoMillis, randomBase62, randomHex, uuid } from './ids';
import { ActiveJobs, isTerminal, progress, readyTime, resolveLatency, type TimedJob } from './lifecycle';
import { standardWebhookHeaders, WebhookSender } from './webhooks';
import type {
	AnyformatCollectionView,
	AnyformatOutcome,
	AnyformatStatus,
	AnyformatStoredFile,
	AnyformatWebhook,
	AnyformatWorkflow,
	AnyformatWorkflowInput,
	DeliveryRecord,
	ExtractionResult,
	FakeDocument,
} from './types';

export const ANYFORMAT_EVENTS = ['extraction.completed', 'extraction.failed'] as const;
export const MAX_WEBHOOKS = 50;
export const MAX_FILE_BYTES = 20 * 1024 * 1024;

export interface StoredFileRecord {
	fileId: string;
	document: FakeDocument;
	status: 'uploaded' | 'failed';
}

export interface CollectionRecord extends TimedJob {
	workflowId: string;
	versionId: string;
	v1JobId: string;
	origin: AnyformatCollectionView['origin'];
	files: StoredFileRecord[];
	createdAt: number;
	outcome: AnyformatOutcome;
	errorReason: string | null;
	firstResultFetchAt: number | null;
	results: ExtractionResult | null;
	overrides: Map<string, unknown>;
	manualFieldValues: Record<string, unknown>;
}

interface WorkflowRecord extends AnyformatWorkflow {
	createdMs: number;
}

export class AnyformatFake {
	private readonly workflowMap = new Map<string, WorkflowRecord>();
	private readonly collectionMap = new Map<string, CollectionRecord>();
	private readonly byJobId = new Map<string, string>();
	private readonly webhookList: AnyformatWebhook[] = [];
	/** Started but not finalised: the only records sweep() has to look at. */
	private readonly active: ActiveJobs<CollectionRecord>;
	private readonly jobIds = new Counter(362963); // the docs' example job id, for familiarity
	readonly sender: WebhookSender;

	constructor(private readonly host: FakeHost) {
		this.active = new ActiveJobs(host.scheduler, 'af', (record) => this.finalize(record));
		this.sender = new WebhookSender({
			clock: host.clock,
			retry: () => host.options.anyformat.webhookRetry,
			timeoutMs: () => host.options.anyformat.webhookTimeoutMs,
			userAgent: 'anyformat-webhooks/fake',
			onChange: (record) => host.emitDelivery(record),
		});
	}

	// ------------------------------------------------------------ workflows

	/** Creates a workflow from either body variant; throws WorkflowValidationError on a bad definition. */
	createWorkflow(def: AnyformatWorkflowInput): AnyformatWorkflow {
		const normalised = normaliseWorkflowInput(def);
		const now = this.host.clock();
		const id = typeof def.id === 'string' && def.id ? def.id : uuid();
		const record: WorkflowRecord = {
			id,
			name: normalised.name,
			description: normalised.description,
			version_id: randomBase62(10),
			created_at: isoMillis(now),
			updated_at: isoMillis(now),
			fields: normalised.fields,
			createdMs: now,
		};
		if (normalised.nodes) {
			record.nodes = normalised.nodes;
			record.edges = normalised.edges;
		}
		if (normalised.manualFields) record.manual_fields = normalised.manualFields;
		if (normalised.webhook !== undefined) record.webhook = normalised.webhook;
		this.workflowMap.set(id, record);
		this.host.emitChange();
		return this.publicWorkflow(record);
	}

	get workflows(): AnyformatWorkflow[] {
		return [...this.workflowMap.values()].map((w) => this.publicWorkflow(w));
	}

	getWorkflow(id: string): AnyformatWorkflow | undefined {
		const w = this.workflowMap.get(id);
		return w && this.publicWorkflow(w);
	}

	/** Newest first (creation order breaks ties). */
	listWorkflows(): AnyformatWorkflow[] {
		return [...this.workflowMap.values()].reverse().sort((a, b) => b.createdMs - a.createdMs).map((w) => this.publicWorkflow(w));
	}

	/** Deletes the workflow and all its collections. */
	deleteWorkflow(id: string): boolean {
		if (!this.workflowMap.delete(id)) return false;
		for (const c of [...this.collectionMap.values()]) if (c.workflowId === id) this.removeCollection(c);
		this.host.emitChange();
		return true;
	}

	private publicWorkflow(w: WorkflowRecord): AnyformatWorkflow {
		const out: Record<string, unknown> = { ...w };
		delete out.createdMs;
		return JSON.parse(JSON.stringify(out)) as AnyformatWorkflow;
	}

	// ------------------------------------------------------------ collections

	createCollection(
		workflowId: string,
		origin: CollectionRecord['origin'],
		files: Array<{ document: FakeDocument; status?: 'uploaded' | 'failed' }>,
		options: { start: boolean; manualFieldValues?: Record<string, unknown> },
	): CollectionRecord {
		const workflow = this.workflowMap.get(workflowId);
		if (!workflow) throw new UnknownResourceError(`unknown workflow "${workflowId}"`);
		const now = this.host.clock();
		const v1JobId = String(this.jobIds.next());
		const record: CollectionRecord = {
			id: uuid(),
			workflowId,
			versionId: workflow.version_id,
			v1JobId,
			origin,
			files: files.map((f) => ({ fileId: uuid(), document: f.document, status: f.status ?? 'uploaded' })),
			createdAt: now,
			submittedAt: null,
			latencyMs: 0,
			forcedReadyAt: null,
			finalized: false,
			outcome: 'processed',
			errorReason: null,
			firstResultFetchAt: null,
			results: null,
			overrides: new Map(),
			manualFieldValues: options.manualFieldValues ?? {},
		};
		this.collectionMap.set(record.id, record);
		this.byJobId.set(v1JobId, record.id);
		if (options.start) this.start(record);
		else this.host.emitChange();
		return record;
	}

	/** Starts processing: the outcome and results are fixed now, the status then follows the clock. */
	start(record: CollectionRecord): void {
		if (record.submittedAt !== null) return;
		const workflow = this.workflowMap.get(record.workflowId);
		const document = combinedDocument(record.files.filter((f) => f.status === 'uploaded').map((f) => f.document));
		record.submittedAt = this.host.clock();
		record.latencyMs = resolveLatency(this.host.options.anyformat.latencyMs, document);
		if (document.text.includes('FAIL_EXTRACTION')) {
			record.outcome = 'error';
			record.errorReason = 'Extraction failed: the document could not be processed (it contains the FAIL_EXTRACTION marker).';
		} else if (document.text.includes('CANCEL_EXTRACTION')) {
			record.outcome = 'cancelled';
			record.errorReason = 'The run was cancelled before extraction finished (the document contains the CANCEL_EXTRACTION marker).';
		}
		const fields = workflow?.fields ?? null;
		if (fields) {
			const custom = this.host.options.extractor?.({ vendor: 'anyformat', document, fields });
			record.results = (custom as ExtractionResult | undefined) ?? extractFields(document, fields);
		}
		this.active.add(record);
		this.host.emitChange();
	}

	getCollection(id: string): CollectionRecord | undefined {
		return this.collectionMap.get(id);
	}

	getByJobId(jobId: string): CollectionRecord | undefined {
		const id = this.byJobId.get(jobId);
		return id === undefined ? undefined : this.collectionMap.get(id);
	}

	findFile(workflowId: string, fileId: string): CollectionRecord | undefined {
		for (const c of this.collectionMap.values()) {
			if (c.workflowId === workflowId && c.files.some((f) => f.fileId === fileId)) return c;
		}
		return undefined;
	}

	collectionsOf(workflowId: string): CollectionRecord[] {
		return [...this.collectionMap.values()].filter((c) => c.workflowId === workflowId).reverse();
	}

	deleteCollection(id: string): boolean {
		const record = this.collectionMap.get(id);
		if (!record) return false;
		this.removeCollection(record);
		this.host.emitChange();
		return true;
	}

	private removeCollection(record: CollectionRecord): void {
		this.active.remove(record);
		this.collectionMap.delete(record.id);
		this.byJobId.delete(record.v1JobId);
	}

	statusOf(record: CollectionRecord, now = this.host.clock()): AnyformatStatus {
		if (record.submittedAt === null) return 'pending';
		if (isTerminal(record, now)) return record.outcome;
		const p = progress(record, now);
		if (p < 0.1) return 'pending';
		if (p < 0.3) return 'queued';
		return 'in_progress';
	}

	/** Time of the last status change at `now` (for updated_at). */
	statusChangedAt(record: CollectionRecord, now = this.host.clock()): number {
		const ready = readyTime(record);
		if (record.submittedAt === null || ready === null) return record.createdAt;
		if (now >= ready) return ready;
		const span = ready - record.submittedAt;
		const marks = [record.submittedAt, record.submittedAt + span * 0.1, record.submittedAt + span * 0.3].filter((t) => t <= now);
		return Math.floor(marks[marks.length - 1] ?? record.submittedAt);
	}

	/** Finalises every job whose time has come (called before each request and by timers). */
	sweep(now = this.host.clock()): void {
		this.active.sweep(now);
	}

	private finalize(record: CollectionRecord): void {
		if (!this.collectionMap.has(record.id) || !this.active.claim(record)) return;
		const status = record.outcome;
		this.host.emitJobReady({ vendor: 'anyformat', id: record.id, status, workflowId: record.workflowId });
		// Whether "cancelled" fires extraction.failed is undocumented; a client waiting on the run needs to hear it.
		const event = status === 'processed' ? 'extraction.completed' : 'extraction.failed';
		const readyAt = readyTime(record)!;
		const payload = {
			event,
			timestamp: isoMillis(this.host.clock()),
			data: {
				extraction_id: record.id,
				status,
				workflow_id: record.workflowId,
				processed_at: status === 'processed' ? isoMillis(readyAt) : null,
			},
		};
		for (const webhook of this.webhookList) {
			if (!webhook.is_active || !webhook.events.includes(event)) continue;
			const secret = webhook.secret;
			const signing = this.host.options.anyformat.webhookSigning;
			this.sender.send({
				vendor: 'anyformat',
				webhookId: webhook.id,
				url: webhook.url,
				event,
				payload,
				headersFor: (messageId, timestamp, body) =>
					signing === 'standard'
						? standardWebhookHeaders(secret, messageId, timestamp, body)
						: // Unsigned mode still sends the id and timestamp so receivers can de-duplicate.
							{ 'webhook-id': messageId, 'webhook-timestamp': String(timestamp) },
			});
		}
		this.host.emitChange();
	}

	/** Records the first terminal read of a collection's results (for detection-delay measurements). */
	markResultFetched(record: CollectionRecord): void {
		if (record.firstResultFetchAt === null) record.firstResultFetchAt = this.host.clock();
	}

	/** Makes a run terminal right now (starting it first if it was only uploaded). */
	completeNow(collectionId: string, outcome?: AnyformatOutcome): AnyformatCollectionView {
		const record = this.collectionMap.get(collectionId);
		if (!record) throw new UnknownResourceError(`unknown collection "${collectionId}"`);
		if (record.submittedAt === null) this.start(record);
		if (!record.finalized) {
			if (outcome && outcome !== record.outcome) {
				record.outcome = outcome;
				record.errorReason =
					outcome === 'error'
						? 'Extraction failed: the run was marked as failed.'
						: outcome === 'cancelled'
							? 'The run was cancelled before extraction finished.'
							: null;
			}
			record.forcedReadyAt = Math.max(record.submittedAt ?? 0, this.host.clock());
			this.finalize(record);
		}
		return this.view(record);
	}

	/** A reviewer's correction: shows up as value_override (and verification_status "verified"). */
	setValueOverride(collectionId: string, field: string, value: unknown): void {
		const record = this.collectionMap.get(collectionId);
		if (!record) throw new UnknownResourceError(`unknown collection "${collectionId}"`);
		record.overrides.set(field, value);
		this.host.emitChange();
	}

	get collections(): AnyformatCollectionView[] {
		return [...this.collectionMap.values()].map((c) => this.view(c));
	}

	/** Runs (started collections) of a workflow, oldest first. */
	submissionsFor(workflowId: string): AnyformatCollectionView[] {
		return [...this.collectionMap.values()].filter((c) => c.workflowId === workflowId && c.submittedAt !== null).map((c) => this.view(c));
	}

	view(record: CollectionRecord): AnyformatCollectionView {
		const now = this.host.clock();
		const ready = readyTime(record);
		return {
			id: record.id,
			workflowId: record.workflowId,
			v1JobId: record.v1JobId,
			origin: record.origin,
			files: record.files.map(
				(f): AnyformatStoredFile => ({
					fileId: f.fileId,
					fileName: f.document.fileName,
					contentType: f.document.contentType,
					size: f.document.size,
					status: f.status,
				}),
			),
			status: this.statusOf(record, now),
			outcome: record.outcome,
			createdAt: record.createdAt,
			submittedAt: record.submittedAt,
			latencyMs: record.latencyMs,
			readyAt: ready !== null && now >= ready ? ready : null,
			firstResultFetchAt: record.firstResultFetchAt,
		};
	}

	// ------------------------------------------------------------ webhooks

	createWebhook(url: string, events: string[]): AnyformatWebhook {
		const webhook: AnyformatWebhook = {
			id: `wh_${randomHex(12)}`,
			url,
			events,
			is_active: true,
			secret: `whsec_${randomBytes(32).toString('base64')}`,
			created_at: isoMillis(this.host.clock()),
		};
		this.webhookList.push(webhook);
		this.host.emitChange();
		return { ...webhook, events: [...events] };
	}

	deleteWebhook(id: string): boolean {
		const index = this.webhookList.findIndex((w) => w.id === id);
		if (index === -1) return false;
		this.webhookList.splice(index, 1);
		this.host.emitChange();
		return true;
	}

	/** Includes the secrets (tests need them to verify signatures); the list endpoint strips them. */
	get webhooks(): AnyformatWebhook[] {
		return this.webhookList.map((w) => ({ ...w, events: [...w.events] }));
	}

	get deliveries(): DeliveryRecord[] {
		return [...this.sender.records];
	}

	redeliver(deliveryId: string): DeliveryRecord {
		return this.sender.redeliver(deliveryId);
	}

	// ------------------------------------------------------------ lifecycle

	reset(): void {
		this.active.clear(); // also drops the timers: only tracked jobs have one
		this.workflowMap.clear();
		this.collectionMap.clear();
		this.byJobId.clear();
		this.webhookList.length = 0;
		this.sender.clear();
	}

	close(): void {
		this.sender.close();
	}
}

/** Several files in one collection are extracted as one document, page after page. */
function combinedDocument(documents: FakeDocument[]): FakeDocument {
	if (documents.length === 1) return documents[0];
	if (documents.length === 0) {
		return { fileName: '', contentType: 'text/plain', bytes: Buffer.alloc(0), size: 0, sha256: '', source: 'text', kind: 'text', text: '', pages: 1 };
	}
	return {
		...documents[0],
		text: documents.map((d) => d.text).join('\f'),
		pages: documents.reduce((sum, d) => sum + d.pages, 0),
	};
}
