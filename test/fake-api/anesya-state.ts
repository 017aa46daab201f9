/**
 * Anesya 0.8.x state: schemas, dashboard workflows, extracts with their lifecycle, per-token credits and
 * dashboard-configured webhooks (unsigned, as in 0.8.x). Also the helpers tests use (`fake.anesya`).
 */
import { extensionOf } from './documents';
import { UnknownResourceError } from './errors';
import { extractForJsonSchema } from './extractor';
import type { FakeHost } from './host';
import { isoMicros, isoSeconds, uuid } from './ids';
import { ActiveJobs, isTerminal, progress, readyTime, resolveLatency, type TimedJob } from './lifecycle';
import { WebhookSender } from './webhooks';
import type {
	AnesyaDashboardWebhook,
	AnesyaDashboardWebhookInput,
	AnesyaExtractView,
	AnesyaOutcome,
	AnesyaSchema,
	AnesyaSchemaInput,
	AnesyaStatus,
	AnesyaWorkflow,
	AnesyaWorkflowInput,
	DeliveryRecord,
	FakeDocument,
} from './types';

export const ANESYA_SERVERS = ['EU-1', 'FR-1', 'FR-2', 'FR-3'];
export const ANESYA_EVENTS = ['extract.completed', 'extract.failed', 'workflow.completed', 'workflow.failed'];
const CREDITS_PER_PAGE = 3;
const CLASSIFIER_CREDITS_PER_PAGE = 1;

interface ContentImage {
	id: string;
	name: string;
	data: Buffer;
	contentType: string;
}

/** What the routes know at submission; createExtract() adds the rest. */
export interface NewExtract {
	document: FakeDocument;
	server: string;
	schemaId: string | null;
	classifierId: string | null;
	workflowId: string | null;
	sessionId: number | null;
	metadata: Record<string, unknown> | null;
	pages: number;
	creditCost: number;
	/** Kept in memory only so an ERROR can refund the payer; never logged or shown. */
	payer: string;
}

export interface ExtractRecord extends TimedJob, NewExtract {
	createdAt: number;
	outcome: AnesyaOutcome;
	firstResultFetchAt: number | null;
	extractedData: unknown;
	images: ContentImage[];
}

/** ExtractListItem fields, in the docs' order; `schema` is replaced by the nested schema object. */
const LIST_ITEM_FIELDS = [
	'id',
	'document_name',
	'document_url',
	'workflow',
	'workflow_session_id',
	'schema',
	'server',
	'status',
	'extraction_step',
	'credit_used',
	'metadata',
	'created_at',
] as const;

interface SessionRecord {
	workflowId: string;
	extractIds: string[];
	reported: boolean;
}

export class AnesyaFake {
	private readonly schemaMap = new Map<string, AnesyaSchema & { createdMs: number }>();
	private readonly workflowMap = new Map<string, AnesyaWorkflow>();
	private readonly extractMap = new Map<string, ExtractRecord>();
	private readonly sessions = new Map<number, SessionRecord>();
	private readonly credits = new Map<string, number>();
	private dashboardWebhooks: AnesyaDashboardWebhook[] = [];
	/** Not yet finalised: the only records sweep() has to look at. */
	private readonly active: ActiveJobs<ExtractRecord>;
	private lastSessionId = 0;
	readonly sender: WebhookSender;

	constructor(private readonly host: FakeHost) {
		this.active = new ActiveJobs(host.scheduler, 'an', (record) => this.finalize(record));
		this.sender = anesyaWebhookSender(host);
	}

	// ------------------------------------------------------------ schemas + workflows

	createSchema(input: AnesyaSchemaInput): AnesyaSchema {
		if (typeof input.name !== 'string' || !input.name.trim()) throw new Error('schema name is required');
		const now = this.host.clock();
		const schema = {
			id: input.id ?? uuid(),
			name: input.name.trim(),
			description: input.description ?? '',
			additional_informations: input.additional_informations ?? null,
			schema: input.schema ?? null,
			created_at: isoMicros(now),
			updated_at: isoMicros(now),
			createdMs: now,
		};
		this.schemaMap.set(schema.id, schema);
		this.host.emitChange();
		return publicSchema(schema);
	}

	getSchema(id: string): AnesyaSchema | undefined {
		const s = this.schemaMap.get(id);
		return s && publicSchema(s);
	}

	/** Oldest first, as a Django queryset ordered by creation. */
	get schemas(): AnesyaSchema[] {
		return [...this.schemaMap.values()].map(publicSchema);
	}

	createWorkflow(input: AnesyaWorkflowInput): AnesyaWorkflow {
		if (input.schemaId && !this.schemaMap.has(input.schemaId)) throw new Error(`unknown schema "${input.schemaId}"`);
		if (input.server && !ANESYA_SERVERS.includes(input.server)) throw new Error(`unknown server "${input.server}"`);
		const workflow: AnesyaWorkflow = {
			id: input.id ?? uuid(),
			name: input.name,
			schemaId: input.schemaId ?? null,
			classifierId: input.classifierId ?? null,
			server: input.server ?? 'EU-1',
		};
		this.workflowMap.set(workflow.id, workflow);
		this.host.emitChange();
		return { ...workflow };
	}

	getWorkflow(id: string): AnesyaWorkflow | undefined {
		const w = this.workflowMap.get(id);
		return w && { ...w };
	}

	get workflows(): AnesyaWorkflow[] {
		return [...this.workflowMap.values()].map((w) => ({ ...w }));
	}

	/** One session id per workflow upload: epoch seconds, bumped when two batches land in the same second. */
	nextSessionId(): number {
		this.lastSessionId = Math.max(Math.floor(this.host.clock() / 1000), this.lastSessionId + 1);
		return this.lastSessionId;
	}

	// ------------------------------------------------------------ credits

	creditsOf(token: string): number {
		return this.credits.get(token) ?? this.host.options.anesya.credits;
	}

	setCredits(token: string, credits: number): void {
		this.credits.set(token, credits);
		this.host.emitChange();
	}

	/** Deducts at submission (so concurrent uploads cannot overspend); false when the balance is too low. */
	charge(token: string, amount: number): boolean {
		const balance = this.creditsOf(token);
		if (balance < amount) return false;
		this.credits.set(token, balance - amount);
		return true;
	}

	// ------------------------------------------------------------ extracts

	createExtract(input: NewExtract): ExtractRecord {
		const now = this.host.clock();
		const id = uuid();
		const schema = input.schemaId ? this.schemaMap.get(input.schemaId) : undefined;
		const record: ExtractRecord = {
			...input,
			id,
			createdAt: now,
			submittedAt: now,
			latencyMs: resolveLatency(this.host.options.anesya.latencyMs, input.document),
			forcedReadyAt: null,
			finalized: false,
			outcome: input.document.text.includes('FAIL_EXTRACTION') ? 'ERROR' : 'FINISHED',
			firstResultFetchAt: null,
			extractedData: null,
			images:
				input.document.kind === 'image'
					? [
							{
								id: uuid(),
								name: `_page_0_Picture_0.${extensionOf(input.document.fileName) || 'jpeg'}`,
								data: input.document.bytes,
								contentType: input.document.contentType,
							},
						]
					: [],
		};
		if (schema?.schema) {
			const custom = this.host.options.extractor?.({ vendor: 'anesya', document: input.document, schema: schema.schema });
			record.extractedData = custom !== undefined ? custom : extractForJsonSchema(input.document, schema.schema);
		}
		this.extractMap.set(id, record);
		if (input.sessionId !== null && input.workflowId) {
			const session = this.sessions.get(input.sessionId) ?? { workflowId: input.workflowId, extractIds: [], reported: false };
			session.extractIds.push(id);
			this.sessions.set(input.sessionId, session);
		}
		// Tracking arms the completion timer; its callback runs on a later tick, after the session is recorded.
		this.active.add(record);
		this.host.emitChange();
		return record;
	}

	getExtract(id: string): ExtractRecord | undefined {
		return this.extractMap.get(id);
	}

	/** Newest first. */
	listExtracts(): ExtractRecord[] {
		return [...this.extractMap.values()].reverse();
	}

	deleteExtract(id: string): boolean {
		const record = this.extractMap.get(id);
		if (!record) return false;
		this.extractMap.delete(id);
		this.active.remove(record);
		this.host.emitChange();
		return true;
	}

	findImage(id: string): ContentImage | undefined {
		for (const record of this.extractMap.values()) {
			const image = record.images.find((i) => i.id === id);
			if (image) return image;
		}
		return undefined;
	}

	statusOf(record: ExtractRecord, now = this.host.clock()): AnesyaStatus {
		if (isTerminal(record, now)) return record.outcome;
		return progress(record, now) < 0.15 ? 'CREATED' : 'IN_PROGRESS';
	}

	/** OCR → (CLASSIFICATION) → (IMAGES) → (PARSING, with a schema) → LOCATION. */
	stepOf(record: ExtractRecord, now = this.host.clock()): string {
		const steps = ['OCR'];
		if (record.classifierId) steps.push('CLASSIFICATION');
		if (record.images.length) steps.push('IMAGES');
		if (record.schemaId) steps.push('PARSING');
		steps.push('LOCATION');
		const status = this.statusOf(record, now);
		if (status === 'FINISHED') return 'LOCATION';
		if (status === 'ERROR') return steps[Math.max(0, steps.length - 2)]; // failed during the step before rendering
		if (status === 'CREATED') return 'OCR';
		const p = (progress(record, now) - 0.15) / 0.85;
		return steps[Math.min(steps.length - 1, Math.floor(p * steps.length))];
	}

	/** The Extract JSON as the API shows it at this moment. */
	extractBody(record: ExtractRecord, now = this.host.clock()): Record<string, unknown> {
		const status = this.statusOf(record, now);
		const finished = status === 'FINISHED';
		const terminal = finished || status === 'ERROR';
		return {
			id: record.id,
			document_name: record.document.fileName,
			document_url: `/document/${record.id}/?type=extract`,
			content_images: finished ? record.images.map((i) => ({ id: i.id, name: i.name, url: `/images/${i.id}/` })) : [],
			server: record.server,
			content: finished ? record.document.text : null,
			extracted_data: finished ? record.extractedData : null,
			schema: record.schemaId,
			classifier: record.classifierId,
			classifier_result: finished && record.classifierId ? classify(record.document.text) : null,
			workflow: record.workflowId,
			workflow_session_id: record.sessionId,
			status,
			extraction_step: this.stepOf(record, now),
			extraction_time: terminal ? Math.round(((readyTime(record)! - record.createdAt) / 1000) * 100) / 100 : null,
			credit_used: finished ? record.creditCost : terminal ? 0 : null,
			metadata: record.metadata,
			created_at: isoMicros(record.createdAt),
		};
	}

	/** ExtractListItem: no content/extracted_data, the schema nested as an object (the docs' list is cut off after it). */
	listItem(record: ExtractRecord): Record<string, unknown> {
		// One body at one instant, so status, step and credit_used always agree.
		const body = this.extractBody(record);
		const item: Record<string, unknown> = Object.fromEntries(LIST_ITEM_FIELDS.map((key) => [key, body[key]]));
		const schema = record.schemaId ? this.schemaMap.get(record.schemaId) : undefined;
		item.schema = schema ? { id: schema.id, name: schema.name, description: schema.description, additional_informations: schema.additional_informations } : null;
		return item;
	}

	schemaName(record: ExtractRecord): string {
		return record.schemaId ? (this.schemaMap.get(record.schemaId)?.name ?? '') : '';
	}

	markResultFetched(record: ExtractRecord): void {
		if (record.firstResultFetchAt === null) record.firstResultFetchAt = this.host.clock();
	}

	sweep(now = this.host.clock()): void {
		this.active.sweep(now);
	}

	private finalize(record: ExtractRecord): void {
		if (!this.extractMap.has(record.id) || !this.active.claim(record)) return;
		if (record.outcome === 'ERROR') this.credits.set(record.payer, this.creditsOf(record.payer) + record.creditCost);
		this.host.emitJobReady({ vendor: 'anesya', id: record.id, status: record.outcome, workflowId: record.workflowId });
		const body = this.extractBody(record);
		this.notify(record.outcome === 'FINISHED' ? 'extract.completed' : 'extract.failed', body);
		this.maybeFinishSession(record);
		this.host.emitChange();
	}

	/**
	 * workflow.completed / workflow.failed once every extract of the upload batch is terminal. The payload shape is
	 * undocumented; {workflow, workflow_session_id, status, extracts} carries what a consumer needs.
	 */
	private maybeFinishSession(record: ExtractRecord): void {
		if (record.sessionId === null) return;
		const session = this.sessions.get(record.sessionId);
		if (!session || session.reported) return;
		const extracts = session.extractIds.map((id) => this.extractMap.get(id)).filter((e): e is ExtractRecord => e !== undefined);
		if (!extracts.every((e) => e.finalized)) return;
		session.reported = true;
		const allFinished = extracts.every((e) => e.outcome === 'FINISHED');
		this.notify(allFinished ? 'workflow.completed' : 'workflow.failed', {
			workflow: session.workflowId,
			workflow_session_id: record.sessionId,
			status: allFinished ? 'FINISHED' : 'ERROR',
			extracts: extracts.map((e) => this.extractBody(e)),
		});
	}

	private notify(event: string, data: unknown): void {
		for (const hook of this.dashboardWebhooks) {
			if (hook.event !== event) continue;
			this.sender.send({
				vendor: 'anesya',
				webhookId: hook.id,
				url: hook.url,
				event,
				payload: { id: hook.id, event, timestamp: isoSeconds(this.host.clock()), data },
			});
		}
	}

	completeNow(id: string, outcome?: AnesyaOutcome): AnesyaExtractView {
		const record = this.extractMap.get(id);
		if (!record) throw new UnknownResourceError(`unknown extract "${id}"`);
		if (!record.finalized) {
			if (outcome) record.outcome = outcome;
			record.forcedReadyAt = Math.max(record.createdAt, this.host.clock());
			this.finalize(record);
		}
		return this.view(record);
	}

	get extracts(): AnesyaExtractView[] {
		return [...this.extractMap.values()].map((r) => this.view(r));
	}

	view(record: ExtractRecord): AnesyaExtractView {
		const now = this.host.clock();
		const ready = readyTime(record)!;
		return {
			id: record.id,
			status: this.statusOf(record, now),
			outcome: record.outcome,
			documentName: record.document.fileName,
			workflowId: record.workflowId,
			workflowSessionId: record.sessionId,
			schemaId: record.schemaId,
			submittedAt: record.createdAt,
			latencyMs: record.latencyMs,
			readyAt: now >= ready ? ready : null,
			firstResultFetchAt: record.firstResultFetchAt,
			creditCost: record.creditCost,
			body: this.extractBody(record, now),
		};
	}

	// ------------------------------------------------------------ dashboard webhooks

	/** Replaces the dashboard webhook configuration (Anesya has no API for it). */
	setDashboardWebhooks(hooks: AnesyaDashboardWebhookInput[]): AnesyaDashboardWebhook[] {
		for (const hook of hooks) {
			if (!ANESYA_EVENTS.includes(hook.event)) throw new Error(`unknown Anesya event "${hook.event}" (known: ${ANESYA_EVENTS.join(', ')})`);
		}
		this.dashboardWebhooks = hooks.map((h) => ({ id: uuid(), event: h.event, url: h.url }));
		this.host.emitChange();
		return this.dashboardWebhooks.map((h) => ({ ...h }));
	}

	get webhooks(): AnesyaDashboardWebhook[] {
		return this.dashboardWebhooks.map((h) => ({ ...h }));
	}

	get deliveries(): DeliveryRecord[] {
		return [...this.sender.records];
	}

	redeliver(deliveryId: string): DeliveryRecord {
		return this.sender.redeliver(deliveryId);
	}

	/** Credit balances with masked tokens, for state dumps. */
	creditBalances(mask: (token: string) => string): Array<{ token: string; credits: number }> {
		const tokens = new Set([...this.host.options.anesya.tokens, ...this.credits.keys()]);
		return [...tokens].map((t) => ({ token: mask(t), credits: this.creditsOf(t) }));
	}

	reset(): void {
		this.active.clear(); // also drops the timers: only tracked extracts have one
		this.schemaMap.clear();
		this.workflowMap.clear();
		this.extractMap.clear();
		this.sessions.clear();
		this.credits.clear();
		this.dashboardWebhooks = [];
		this.sender.clear();
	}

	close(): void {
		this.sender.close();
	}
}

/** Dashboard webhook deliveries of either API generation: Anesya's retry and timeout options. */
export function anesyaWebhookSender(host: FakeHost): WebhookSender {
	return new WebhookSender({
		clock: host.clock,
		retry: () => host.options.anesya.webhookRetry,
		timeoutMs: () => host.options.anesya.webhookTimeoutMs,
		userAgent: 'anesya-webhooks/fake',
		onChange: (record) => host.emitDelivery(record),
	});
}

function publicSchema(s: AnesyaSchema): AnesyaSchema {
	const { id, name, description, additional_informations, schema, created_at, updated_at } = s;
	return JSON.parse(JSON.stringify({ id, name, description, additional_informations, schema, created_at, updated_at })) as AnesyaSchema;
}

/** Deterministic classifier_result from keywords in the text. */
function classify(text: string): string {
	const lower = text.toLowerCase();
	if (/\binvoice\b|\bfacture\b/.test(lower)) return 'Invoice';
	if (/\breceipt\b|\breçu\b/.test(lower)) return 'Receipt';
	if (/\bpurchase order\b|\bbon de commande\b/.test(lower)) return 'Purchase order';
	if (/\bcontract\b|\bcontrat\b/.test(lower)) return 'Contract';
	return 'Other';
}

export { CREDITS_PER_PAGE, CLASSIFIER_CREDITS_PER_PAGE };
