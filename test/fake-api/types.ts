/** Public types of the fake anyformat + Anesya server. Everything other code is written against lives here. */

/** 'storage' = the host Anesya v0 downloads redirect to (its own port: another origin). */
export type Vendor = 'anyformat-v2' | 'anyformat-v1' | 'anesya' | 'storage' | 'public' | 'control' | 'unknown';

/** 'both' = an Anesya v0 request carrying Authorization and X-API-Key. */
export type AuthScheme = 'bearer' | 'x-api-key' | 'raw' | 'both' | 'none';

export interface RequestLogEntry {
	seq: number;
	/** Epoch ms (fake clock) when the request arrived. */
	at: number;
	/** Epoch ms when the response was finished; unset while pending and for 'hang'. */
	endAt?: number;
	vendor: Vendor;
	method: string;
	/** Path as received (Anesya paths keep their /anesya prefix). */
	path: string;
	query: Record<string, string | string[]>;
	/** Route pattern such as 'POST /v2/workflows/{id}/run/'; '' when nothing matched. */
	route: string;
	/** HTTP status sent; 0 until answered and for 'reset'/'hang'. */
	status: number;
	auth: { scheme: AuthScheme; valid: boolean };
	/** The route starts a billable extraction (whether or not this attempt succeeded; see jobIds). */
	submission: boolean;
	/** Job ids created or read by this request (anyformat collection ids / v1 job ids, Anesya extract ids). */
	jobIds?: string[];
	fault?: FaultKind;
	/** For 'acted-*' faults: the status the request really had (the client never saw it). */
	actedStatus?: number;
	bodyBytes: number;
	userAgent?: string;
}

/**
 * '429', 5xx, 'reset' and 'hang' act BEFORE the request is processed (nothing is stored). 'slow' and 'malformed'
 * answer after processing. The 'acted-*' kinds process the request and then lose the answer the way networks do:
 * the connection drops ('acted-reset'), a gateway answers instead ('acted-502', 'acted-504'), or the body is cut off
 * mid-way ('acted-truncated'). A submission hit by one of them is stored and running although the client never hears so.
 */
export type FaultKind =
	| '429'
	| '500'
	| '502'
	| '503'
	| '504'
	| 'reset'
	| 'slow'
	| 'malformed'
	| 'hang'
	| 'acted-reset'
	| 'acted-502'
	| 'acted-504'
	| 'acted-truncated';

export const FAULT_KINDS: readonly FaultKind[] = [
	'429',
	'500',
	'502',
	'503',
	'504',
	'reset',
	'slow',
	'malformed',
	'hang',
	'acted-reset',
	'acted-502',
	'acted-504',
	'acted-truncated',
];

/** The fault kinds that let the request take effect and then lose its answer. */
export const ACTED_FAULT_KINDS: readonly FaultKind[] = ['malformed', 'acted-reset', 'acted-502', 'acted-504', 'acted-truncated'];

/** What a fault matcher sees. `path` is the raw path (with /anesya for Anesya). */
export interface FaultRequest {
	method: string;
	path: string;
	vendor: Vendor;
	route: string;
}

export interface FaultOptions {
	/** Probability (0..1) that an eligible request gets a random fault. */
	rate?: number;
	kinds?: FaultKind[];
	seed?: number;
	match?: (req: FaultRequest) => boolean;
	/** Delay added by 'slow' (default 1500 ms). */
	slowMs?: number;
	/** Retry-After sent with a '429' fault (default 1 s). */
	retryAfterSeconds?: number;
}

export interface FaultRule {
	method?: string;
	/** String: equals the path or the route pattern ('/v2/workflows/{id}/run/'). RegExp: tested on the path. */
	path?: string | RegExp;
	kind: FaultKind;
	/** How many matching requests get the fault (default 1; Infinity = until cleared). */
	times?: number;
	retryAfterSeconds?: number;
	slowMs?: number;
}

export interface RateWindow {
	limit: number;
	windowMs: number;
}

export interface AnyformatRateLimits {
	/** run, upload, files create, run-uploaded-file (real: 60/min). */
	submission: RateWindow;
	/** Every other authenticated v2 route (real: 600/min). */
	general: RateWindow;
	/** v1 run + upload ("Documents per minute: 10"). */
	v1Documents: RateWindow;
}

export interface AnesyaRateLimits {
	/** POST /extract/ and POST /workflow/{id}/extract/; v0: POST /v0/parsing and /v0/extract. */
	submission?: RateWindow;
	/** Every other authenticated route. */
	general?: RateWindow;
}

export type LatencySetting = number | ((doc: FakeDocument) => number);

export interface WebhookRetryOptions {
	/** Total attempts per delivery, first one included. */
	attempts: number;
	/** Delay before the 2nd attempt; doubles after each further failure. */
	delayMs: number;
}

export interface AnyformatOptions {
	apiKeys?: string[];
	latencyMs?: LatencySetting;
	rateLimits?: Partial<AnyformatRateLimits> | false;
	allowHttpWebhooks?: boolean;
	webhookSigning?: 'standard' | 'none';
	webhookRetry?: WebhookRetryOptions;
	/** Per-attempt timeout for webhook POSTs (default 5000 ms). */
	webhookTimeoutMs?: number;
	/** Order of the runs and files lists (undocumented by anyformat): newest first (default) or oldest first. */
	listOrder?: 'newest-first' | 'oldest-first';
}

export interface AnesyaOptions {
	tokens?: string[];
	/** Tokens that exist but have expired: answered with simplejwt's "Token is expired". */
	expiredTokens?: string[];
	acceptBearer?: boolean;
	latencyMs?: LatencySetting;
	/** Starting credits of every token. */
	credits?: number;
	rateLimits?: AnesyaRateLimits | false;
	webhookRetry?: WebhookRetryOptions;
	webhookTimeoutMs?: number;
	/** v0 API keys (X-API-Key). */
	apiKeys?: string[];
	/** Whether a v0 key also works as a 0.8.1 token and vice versa (unknown for the real service; default false). */
	crossGenerationKeys?: boolean;
	/** How v0 deliveries are signed with the webhook's secret (the scheme is undocumented; default 'standard'). */
	v0WebhookSigning?: 'standard' | 'hmac-sha256' | 'none';
	/** Lifetime of the pre-signed links v0 downloads redirect to (default 60 000 ms). */
	v0DownloadLinkTtlMs?: number;
	/** Answer GET /v0/documents as a DRF page (default) or a bare array (the list format is undocumented). */
	v0ListShape?: 'page' | 'array';
}

/** Data created on start and again after every reset() (handy for the demo sandbox and the CLI). */
export interface SeedData {
	anyformat?: { workflows?: AnyformatWorkflowInput[] };
	anesya?: {
		schemas?: AnesyaSchemaInput[];
		workflows?: AnesyaWorkflowInput[];
		webhooks?: AnesyaDashboardWebhookInput[];
	};
}

export interface FakeApiOptions {
	/** 0 (default) = random free port. */
	port?: number;
	/** Listen address (default 127.0.0.1). */
	host?: string;
	anyformat?: AnyformatOptions;
	anesya?: AnesyaOptions;
	faults?: FaultOptions;
	extractor?: CustomExtractor;
	clock?: () => number;
	/** Text of binary documents (images, office files) keyed by the sha256 hex of their bytes. */
	sidecarText?: Record<string, string>;
	seed?: SeedData;
	/** Oldest log entries are dropped past this (default 50 000). */
	maxLogEntries?: number;
}

// ---------------------------------------------------------------- documents + extraction

export interface FakeDocument {
	fileName: string;
	contentType: string;
	bytes: Buffer;
	size: number;
	sha256: string;
	/** 'text' = sent as a text part rather than a file. */
	source: 'text' | 'file';
	kind: 'text' | 'pdf' | 'image' | 'binary';
	/** Plain text; pages separated by form feeds (\f). */
	text: string;
	pages: number;
}

export type DataType =
	| 'string'
	| 'integer'
	| 'float'
	| 'date'
	| 'datetime'
	| 'boolean'
	| 'list'
	| 'object'
	| 'enum'
	| 'multi_select';

export const DATA_TYPES: readonly DataType[] = [
	'string',
	'integer',
	'float',
	'date',
	'datetime',
	'boolean',
	'list',
	'object',
	'enum',
	'multi_select',
];

export interface EnumOption {
	name: string;
	description?: string;
}

/** A workflow field after normalisation (type → data_type, enum options → objects). */
export interface FieldDef {
	name: string;
	description: string;
	data_type: DataType;
	enum_options?: EnumOption[];
	nested_fields?: FieldDef[];
}

export interface Evidence {
	text: string;
	page_number: number;
}

export interface ExtractedField {
	value: unknown;
	confidence: number | null;
	evidence: Evidence[];
	value_override: unknown;
	verification_status: string | null;
	/** Currency/unit seen next to a number (v1 and early-v2 bodies show it). */
	value_unit?: string | null;
}

/** A scalar field, or the rows of an `object` (line-item) field. */
export type FieldResult = ExtractedField | Array<Record<string, ExtractedField>>;

export type ExtractionResult = Record<string, FieldResult>;

/** JSON-schema subset used by Anesya schemas. */
export interface JsonSchema {
	type?: string;
	description?: string;
	properties?: Record<string, JsonSchema>;
	items?: JsonSchema;
	enum?: unknown[];
	required?: string[];
	format?: string;
	[key: string]: unknown;
}

export type ExtractorInput =
	| { vendor: 'anyformat'; document: FakeDocument; fields: FieldDef[] }
	| { vendor: 'anesya'; document: FakeDocument; schema: JsonSchema };

/**
 * Replaces the built-in extractor. Return an ExtractionResult for anyformat, plain JSON (extracted_data) for Anesya,
 * or undefined to fall back to the built-in one.
 */
export type CustomExtractor = (input: ExtractorInput) => unknown;

// ---------------------------------------------------------------- anyformat state

export type AnyformatStatus = 'pending' | 'queued' | 'in_progress' | 'processed' | 'error' | 'cancelled';
export type AnyformatOutcome = 'processed' | 'error' | 'cancelled';

/** Body of POST /v2/workflows/ (either variant) or POST /workflows/ (v1). */
export interface AnyformatWorkflowInput {
	id?: string;
	name: string;
	description?: string | null;
	fields?: unknown[];
	nodes?: unknown[];
	edges?: unknown[];
	[key: string]: unknown;
}

export interface AnyformatWorkflow {
	id: string;
	name: string;
	description: string | null;
	version_id: string;
	created_at: string;
	updated_at: string;
	/** null for parse-only workflows. */
	fields: FieldDef[] | null;
	nodes?: unknown[];
	edges?: unknown[];
	manual_fields?: FieldDef[];
	webhook?: string | null;
}

export interface AnyformatStoredFile {
	fileId: string;
	fileName: string;
	contentType: string;
	size: number;
	status: 'uploaded' | 'failed';
}

/** Snapshot of one file collection (= one run once started). */
export interface AnyformatCollectionView {
	id: string;
	workflowId: string;
	/** Numeric string; v1 /jobs/{id}/ and the v1 results export see every collection through it. */
	v1JobId: string;
	origin: 'v2-run' | 'v2-upload' | 'v2-files' | 'v1-run' | 'v1-upload';
	files: AnyformatStoredFile[];
	status: AnyformatStatus;
	outcome: AnyformatOutcome;
	createdAt: number;
	/** When processing was started (null = uploaded, never run). */
	submittedAt: number | null;
	latencyMs: number;
	/** When the run became processed/error/cancelled (null before). */
	readyAt: number | null;
	/** First 200/422 served from a results endpoint (or a terminal v1 job read). */
	firstResultFetchAt: number | null;
}

export interface AnyformatWebhook {
	id: string;
	url: string;
	events: string[];
	is_active: boolean;
	secret: string;
	created_at: string;
}

// ---------------------------------------------------------------- Anesya state

export type AnesyaStatus = 'CREATED' | 'IN_PROGRESS' | 'FINISHED' | 'ERROR';
export type AnesyaOutcome = 'FINISHED' | 'ERROR';

export interface AnesyaSchemaInput {
	id?: string;
	name: string;
	description?: string;
	additional_informations?: string | null;
	schema: JsonSchema | null;
}

export interface AnesyaSchema {
	id: string;
	name: string;
	description: string;
	additional_informations: string | null;
	schema: JsonSchema | null;
	created_at: string;
	updated_at: string;
}

export interface AnesyaWorkflowInput {
	id?: string;
	name: string;
	schemaId?: string | null;
	classifierId?: string | null;
	/** Server used for the workflow's extracts (default EU-1). */
	server?: string;
}

export interface AnesyaWorkflow {
	id: string;
	name: string;
	schemaId: string | null;
	classifierId: string | null;
	server: string;
}

export interface AnesyaDashboardWebhookInput {
	event: string;
	url: string;
}

export interface AnesyaDashboardWebhook {
	id: string;
	event: string;
	url: string;
}

/** Snapshot of one extract as the API would show it now, plus timings. */
export interface AnesyaExtractView {
	id: string;
	status: AnesyaStatus;
	outcome: AnesyaOutcome;
	documentName: string;
	workflowId: string | null;
	workflowSessionId: number | null;
	schemaId: string | null;
	submittedAt: number;
	latencyMs: number;
	readyAt: number | null;
	firstResultFetchAt: number | null;
	creditCost: number;
	/** The Extract JSON the API would return now. */
	body: Record<string, unknown>;
}

// ---------------------------------------------------------------- webhooks

export interface DeliveryAttempt {
	at: number;
	/** HTTP status received; absent when the request failed (see error). */
	status?: number;
	error?: string;
	/** Response body, truncated to 500 characters. */
	responseBody?: string;
	durationMs: number;
	/** Part of a redeliver() run rather than the original sequence. */
	redelivery: boolean;
}

export interface DeliveryRecord {
	id: string;
	vendor: 'anyformat' | 'anesya';
	/** anyformat: the subscription id (wh_…); Anesya: the dashboard webhook config id. */
	webhookId: string;
	/** Standard-Webhooks `webhook-id` (msg_…); the same on every retry and redelivery. */
	messageId: string;
	url: string;
	event: string;
	payload: unknown;
	/** Exact raw body sent (what the signature covers). */
	body: string;
	attempts: DeliveryAttempt[];
	state: 'pending' | 'delivered' | 'failed';
	createdAt: number;
}

export interface JobReadyEvent {
	vendor: 'anyformat' | 'anesya';
	id: string;
	status: string;
	workflowId: string | null;
}
