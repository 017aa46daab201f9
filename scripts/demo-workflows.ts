// The demo workflows, built once for two audiences:
//  - `sandbox`: what `npm run demo` imports into its n8n (absolute paths to examples/samples, the sandbox's
//    IDs, credentials pointing at the sandbox, the Anyformat Trigger allowed to register an http:// URL);
//  - `example`: examples/*.json for users with real API keys (placeholder IDs, credentials referenced by
//    name only, file paths under n8n's default readable folder ~/.n8n-files).
import { createHash } from 'node:crypto';

import type { WorkflowJson, WorkflowNode } from '../test/e2e/support/n8n-api';
import { nodeType } from '../test/e2e/support/workflows';

export type DemoMode = 'sandbox' | 'example';

export interface DemoTargets {
	mode: DemoMode;
	/** folder holding invoice.pdf, receipt.png, purchase-order.txt (absolute) */
	samplesDir: string;
	/** folder the CSV is written to (absolute) */
	outputDir: string;
	anyformat: {
		invoices: { id: string; name: string };
		purchaseOrders: { id: string; name: string };
	};
	anesya: { workflowId: string };
	/** credentials as nodes reference them: sandbox = stored credential; example = name only (id null) */
	credentials: {
		anyformatApi: { id: string | null; name: string };
		anesyaApi: { id: string | null; name: string };
	};
	/** fixed webhook IDs, so the trigger URLs are known before n8n starts */
	webhookIds: { anyformatTrigger: string; anesyaTrigger: string };
	/** the Anesya Trigger's shared secret (sandbox only; the example leaves it for the user to set) */
	anesyaTriggerSecret?: string;
}

/** One of the demo workflows, with what the demo needs to know about it. */
export interface DemoWorkflow {
	/** stable key (file name of the example, key in .demo/demo.json) */
	key: string;
	workflow: WorkflowJson;
	/** activated by the demo (trigger workflows) */
	active: boolean;
	/** name of the Manual Trigger, for workflows run from the editor */
	manualTrigger?: string;
}

export const MANUAL_TRIGGER = 'When clicking ‘Execute workflow’';

/** A stable UUID-shaped id from a seed, so the same workflow JSON is produced every time. */
function stableId(...parts: string[]): string {
	const h = createHash('sha256').update(parts.join('\u0000')).digest('hex');
	return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

interface Builder {
	nodes: WorkflowNode[];
	connections: Record<string, { main: Array<Array<{ node: string; type: 'main'; index: number }>> }>;
}

function builder(): Builder {
	return { nodes: [], connections: {} };
}

type NodeInput = Pick<WorkflowNode, 'name' | 'type' | 'typeVersion' | 'position' | 'parameters' | 'credentials' | 'webhookId'>;

/** from → to; `output` is the output index of `from` (an If node's false branch is 1). */
function connect(b: Builder, from: string, to: string, output = 0): void {
	const entry = (b.connections[from] ??= { main: [] });
	while (entry.main.length <= output) entry.main.push([]);
	entry.main[output].push({ node: to, type: 'main', index: 0 });
}

function chain(b: Builder, ...names: string[]): void {
	for (let i = 0; i + 1 < names.length; i++) connect(b, names[i], names[i + 1]);
}

type Assignment = [name: string, value: string | boolean, type: 'string' | 'number' | 'boolean' | 'array' | 'object'];

/** One workflow being built: its targets, its key (seed of the node IDs) and its nodes. */
interface Draft {
	t: DemoTargets;
	key: string;
	b: Builder;
}

/** A new workflow with its sticky note: a heading, where the data comes from, then `text`. */
function draft(t: DemoTargets, key: string, heading: string, text: string, size: { width: number; height: number }): Draft {
	const d = { t, key, b: builder() };
	const source =
		t.mode === 'sandbox'
			? 'Runs against the **local sandbox API** started by `npm run demo` (no API key, no cost). Results are made up from the sample document’s text, always the same.'
			: 'Uses your real API key (credential by name). Replace every `YOUR_…` placeholder and point the file path at a folder n8n may read (`N8N_RESTRICT_FILE_ACCESS_TO`, default `~/.n8n-files`).';
	add(d, {
		name: 'About this workflow',
		type: 'n8n-nodes-base.stickyNote',
		typeVersion: 1,
		position: [-40, -(size.height + 150)],
		parameters: { content: `## ${heading}\n${source}\n\n${text}`, width: size.width, height: size.height },
	});
	return d;
}

function add(d: Draft, node: NodeInput): string {
	d.b.nodes.push({ id: stableId(d.key, node.name), ...node });
	return node.name;
}

/** Manual Trigger → "Read <file>" from the samples folder: how the editor-run workflows start. */
function startFromFile(d: Draft, fileName: string): [trigger: string, read: string] {
	const trigger = add(d, { name: MANUAL_TRIGGER, type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} });
	const read = add(d, {
		name: `Read ${fileName}`,
		type: 'n8n-nodes-base.readWriteFile',
		typeVersion: 1.1,
		position: [220, 0],
		parameters: { operation: 'read', fileSelector: `${d.t.samplesDir.replace(/\/+$/, '')}/${fileName}`, options: {} },
	});
	return [trigger, read];
}

function setNode(d: Draft, name: string, assignments: Assignment[], includeOtherFields: boolean, position: [number, number]): string {
	return add(d, {
		name,
		type: 'n8n-nodes-base.set',
		typeVersion: 3.4,
		position,
		parameters: {
			assignments: {
				assignments: assignments.map(([field, value, type]) => ({ id: stableId(d.key, name, field), name: field, value, type })),
			},
			includeOtherFields,
			options: {},
		},
	});
}

/** An Anyformat node working on one of the target's anyformat workflows. */
function anyformatNode(d: Draft, name: string, which: { id: string; name: string }, parameters: Record<string, unknown>, type = 'anyformat'): NodeInput {
	return {
		name,
		type: nodeType(type),
		typeVersion: 1,
		position: [440, 0],
		parameters: {
			...(type === 'anyformat' ? { resource: 'extraction', operation: 'extractFromFile' } : {}),
			workflow:
				d.t.mode === 'sandbox'
					? { __rl: true, mode: 'list', value: which.id, cachedResultName: which.name }
					: { __rl: true, mode: 'id', value: which.id },
			...(type === 'anyformat' ? { binaryPropertyName: 'data' } : {}),
			...parameters,
		},
		credentials: { anyformatApi: d.t.credentials.anyformatApi } as WorkflowNode['credentials'],
	};
}

/** The finished workflow; sandbox names start with "Sandbox – ". */
function finish(d: Draft, name: string, opts: { active?: boolean; manualTrigger?: string } = {}): DemoWorkflow {
	return {
		key: d.key,
		active: opts.active ?? false,
		manualTrigger: opts.manualTrigger,
		workflow: {
			name: d.t.mode === 'sandbox' ? `Sandbox – ${name}` : name,
			nodes: d.b.nodes,
			connections: d.b.connections,
			settings: { executionOrder: 'v1' },
		},
	};
}

const SANDBOX_MARK: Assignment[] = [['sandbox', true, 'boolean']];
const sandboxMark = (t: DemoTargets): Assignment[] => (t.mode === 'sandbox' ? SANDBOX_MARK : []);

// ---------------------------------------------------------------------------------------------------------
// (1) a folder of PDF invoices → Anyformat (Split Into Items: line_items) → columns → CSV file
function invoiceToCsv(t: DemoTargets): DemoWorkflow {
	const d = draft(
		t,
		'anyformat-invoice-to-csv',
		'Folder of PDF invoices → CSV',
		`Click **Execute workflow**. **Read PDFs** reads every \`*.pdf\` in the folder; Anyformat extracts them as a batch with **Split Into Items = line_items**: one item per invoice line, each carrying the invoice number, vendor and date. **Convert to File** turns them into one CSV, which **Write CSV to disk** saves ${t.mode === 'sandbox' ? 'in the output folder `npm run demo` printed' : 'where you choose'} (it can also be downloaded from the node's output).`,
		{ width: 720, height: 210 },
	);
	const trigger = add(d, { name: MANUAL_TRIGGER, type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} });
	const read = add(d, {
		name: 'Read PDFs',
		type: 'n8n-nodes-base.readWriteFile',
		typeVersion: 1.1,
		position: [220, 0],
		parameters: { operation: 'read', fileSelector: `${d.t.samplesDir.replace(/\/+$/, '')}/*.pdf`, options: {} },
	});
	const extract = add(
		d,
		anyformatNode(d, 'Anyformat: extract invoice', t.anyformat.invoices, {
			waitForCompletion: true,
			output: 'simplified',
			resultOptions: { splitField: 'line_items' },
		}),
	);
	const columns = setNode(
		d,
		'Spreadsheet columns',
		[
			['invoice_number', '={{ $json.invoice_number }}', 'string'],
			['invoice_date', '={{ $json.invoice_date }}', 'string'],
			['vendor_name', '={{ $json.vendor_name }}', 'string'],
			['customer_name', '={{ $json.customer_name }}', 'string'],
			['description', '={{ $json.description }}', 'string'],
			['quantity', '={{ $json.quantity }}', 'number'],
			['unit_price', '={{ $json.unit_price }}', 'number'],
			['amount', '={{ $json.amount }}', 'number'],
			['currency', '={{ $json.currency }}', 'string'],
		],
		false,
		[660, 0],
	);
	const csv = add(d, {
		name: 'Convert to CSV',
		type: 'n8n-nodes-base.convertToFile',
		typeVersion: 1.1,
		position: [880, 0],
		parameters: { operation: 'csv', binaryPropertyName: 'data', options: { fileName: 'invoice-line-items.csv' } },
	});
	const write = add(d, {
		name: 'Write CSV to disk',
		type: 'n8n-nodes-base.readWriteFile',
		typeVersion: 1.1,
		position: [1100, 0],
		parameters: { operation: 'write', fileName: `${t.outputDir.replace(/\/+$/, '')}/invoice-line-items.csv`, dataPropertyName: 'data', options: {} },
	});
	chain(d.b, trigger, read, extract, columns, csv, write);
	return finish(d, 'Folder of PDF invoices to CSV (anyformat)', { manualTrigger: trigger });
}

// ---------------------------------------------------------------------------------------------------------
// (2) Anyformat Trigger → enriched items; plus a small workflow that submits a document to fire it
const SUBMIT_INVOICE = 'Submit an invoice (fires the Anyformat Trigger)';

function anyformatTriggerWorkflow(t: DemoTargets): DemoWorkflow {
	const d = draft(
		t,
		'anyformat-trigger-enrich',
		'Anyformat Trigger → enriched items',
		`${
			t.mode === 'sandbox'
				? 'This workflow is **active**: on activation the trigger registered its URL with anyformat (here the sandbox; **Allow HTTP Webhook URL (Testing Only)** is on because the sandbox runs on http://)'
				: 'Activate this workflow: on activation the trigger registers its URL with anyformat (anyformat requires an **https://** URL: set N8N_WEBHOOK_URL)'
		}. Every finished extraction of the invoices workflow starts it, with the extracted fields. Fire it with the workflow **${t.mode === 'sandbox' ? 'Sandbox – ' : ''}${SUBMIT_INVOICE}**${t.mode === 'sandbox' ? ' or the curl command `npm run demo` printed' : ''}.`,
		{ width: 640, height: 230 },
	);
	const trigger = add(d, {
		...anyformatNode(
			d,
			'Anyformat Trigger',
			t.anyformat.invoices,
			{
				workflowScope: 'one',
				events: ['extraction.completed', 'extraction.failed'],
				includeData: true,
				output: 'simplified',
				resultOptions: { reviewThreshold: 80 },
				options: t.mode === 'sandbox' ? { allowHttp: true } : {},
			},
			'anyformatTrigger',
		),
		position: [0, 0],
		webhookId: t.webhookIds.anyformatTrigger,
	});
	const enrich = setNode(
		d,
		'Enrich',
		[
			['status', "={{ $json._meta.event === 'extraction.completed' ? 'extracted' : 'failed' }}", 'string'],
			['summary', '={{ $json.invoice_number }} from {{ $json.vendor_name }}: {{ $json.total_amount }} {{ $json.currency }}', 'string'],
			['line_item_count', '={{ ($json.line_items || []).length }}', 'number'],
			['received_at', '={{ $now.toISO() }}', 'string'],
			...sandboxMark(t),
		],
		true,
		[240, 0],
	);
	chain(d.b, trigger, enrich);
	return finish(d, 'Anyformat Trigger: enrich finished extractions', { active: true });
}

function submitInvoice(t: DemoTargets): DemoWorkflow {
	const d = draft(
		t,
		'anyformat-submit-invoice',
		SUBMIT_INVOICE,
		'**Wait for Completion** is off: the node outputs the submission receipt at once, and anyformat calls the **Anyformat Trigger** workflow when the extraction is done. Open its executions to see the result.',
		{ width: 600, height: 200 },
	);
	const [trigger, read] = startFromFile(d, 'invoice.pdf');
	const submit = add(d, anyformatNode(d, 'Anyformat: submit only', t.anyformat.invoices, { waitForCompletion: false }));
	chain(d.b, trigger, read, submit);
	return finish(d, SUBMIT_INVOICE, { manualTrigger: trigger });
}

// ---------------------------------------------------------------------------------------------------------
// (3) receipt image → Anesya Extract With Workflow; and the Anesya Trigger it fires
function anesyaWithWorkflow(t: DemoTargets): DemoWorkflow {
	const d = draft(
		t,
		'anesya-extract-with-workflow',
		'Anesya: extract a receipt with a workflow',
		"Anesya workflows (schema, classifier, server) are set up in the Anesya dashboard; the node takes the workflow's **ID** and uploads the receipt image. Anesya returns no confidence scores: the Detailed output shows `confidence: null`.",
		{ width: 600, height: 200 },
	);
	const [trigger, read] = startFromFile(d, 'receipt.png');
	const extract = add(d, {
		name: 'Anesya: extract receipt',
		type: nodeType('anesya'),
		typeVersion: 1,
		position: [440, 0],
		parameters: {
			resource: 'extract',
			operation: 'extractWithWorkflow',
			workflowId: t.anesya.workflowId,
			binaryPropertyNames: 'data',
			waitForCompletion: true,
			output: 'simplified',
		},
		credentials: { anesyaApi: t.credentials.anesyaApi } as WorkflowNode['credentials'],
	});
	chain(d.b, trigger, read, extract);
	return finish(d, 'Anesya: extract a receipt with a workflow', { manualTrigger: trigger });
}

/** The URL to paste in Anesya's dashboard (Settings → Webhooks): production URL, secret as ?token=. */
export function anesyaTriggerUrl(n8nUrl: string, t: Pick<DemoTargets, 'webhookIds' | 'anesyaTriggerSecret'>): string {
	const base = `${n8nUrl.replace(/\/+$/, '')}/webhook/${t.webhookIds.anesyaTrigger}/webhook`;
	return t.anesyaTriggerSecret ? `${base}?token=${encodeURIComponent(t.anesyaTriggerSecret)}` : base;
}

function anesyaTriggerWorkflow(t: DemoTargets): DemoWorkflow {
	const d = draft(
		t,
		'anesya-trigger',
		'Anesya Trigger',
		`Anesya has no API for webhooks: paste this trigger's **Production URL** into the Anesya dashboard (Settings → Webhooks), with \`?token=<Secret>\` appended when a Secret is set. ${
			t.mode === 'sandbox'
				? 'The sandbox already has it configured for **workflow.completed**: run the Anesya workflow and watch this one’s executions.'
				: 'The workflow must be active to receive deliveries.'
		}`,
		{ width: 600, height: 200 },
	);
	const trigger = add(d, {
		name: 'Anesya Trigger',
		type: nodeType('anesyaTrigger'),
		typeVersion: 1,
		position: [0, 0],
		webhookId: t.webhookIds.anesyaTrigger,
		parameters: {
			events: ['extract.completed', 'extract.failed', 'workflow.completed', 'workflow.failed'],
			...(t.anesyaTriggerSecret ? { secret: t.anesyaTriggerSecret } : {}),
			output: 'simplified',
		},
	});
	const mark = setNode(d, 'Mark as received', [['received_at', '={{ $now.toISO() }}', 'string'], ...sandboxMark(t)], true, [240, 0]);
	chain(d.b, trigger, mark);
	return finish(d, 'Anesya Trigger', { active: true });
}

// ---------------------------------------------------------------------------------------------------------
// (4) low-confidence review routing: Review Threshold → needsReview → If
function reviewRouting(t: DemoTargets): DemoWorkflow {
	const d = draft(
		t,
		'anyformat-review-routing',
		'Route low-confidence extractions to a review',
		'**Review Threshold = 80** adds `needsReview` and `reviewFields` (fields with a confidence below 80). The **If** node sends documents that need a look to the top branch, the others to the bottom one. The purchase-order email has a few hand-written values (“Buyer:”, “15 December 2024”), so it goes to review; lower the threshold to 70 to see it approved.',
		{ width: 760, height: 210 },
	);
	const [trigger, read] = startFromFile(d, 'purchase-order.txt');
	const extract = add(
		d,
		anyformatNode(d, 'Anyformat: extract order', t.anyformat.purchaseOrders, {
			waitForCompletion: true,
			output: 'simplified',
			resultOptions: { reviewThreshold: 80 },
		}),
	);
	const decide = add(d, {
		name: 'Needs review?',
		type: 'n8n-nodes-base.if',
		typeVersion: 2.2,
		position: [660, 0],
		parameters: {
			conditions: {
				options: { caseSensitive: true, leftValue: '', typeValidation: 'strict', version: 2 },
				conditions: [
					{
						id: stableId(d.key, 'needsReview'),
						leftValue: '={{ $json.needsReview }}',
						rightValue: '',
						operator: { type: 'boolean', operation: 'true', singleValue: true },
					},
				],
				combinator: 'and',
			},
			options: {},
		},
	});
	const review = setNode(
		d,
		'Send to review',
		[
			['status', 'needs review', 'string'],
			['po_number', '={{ $json.po_number }}', 'string'],
			['check_these_fields', "={{ $json.reviewFields.join(', ') }}", 'string'],
			['order_total', '={{ $json.order_total }}', 'number'],
		],
		false,
		[900, -100],
	);
	const approve = setNode(
		d,
		'Approve automatically',
		[
			['status', 'approved', 'string'],
			['po_number', '={{ $json.po_number }}', 'string'],
			['order_total', '={{ $json.order_total }}', 'number'],
		],
		false,
		[900, 100],
	);
	chain(d.b, trigger, read, extract, decide);
	connect(d.b, decide, review, 0);
	connect(d.b, decide, approve, 1);
	return finish(d, 'Review low-confidence fields (If node)', { manualTrigger: trigger });
}

/** Every demo workflow, in the order the README presents them. */
export function demoWorkflows(t: DemoTargets): DemoWorkflow[] {
	return [invoiceToCsv(t), anyformatTriggerWorkflow(t), submitInvoice(t), anesyaWithWorkflow(t), anesyaTriggerWorkflow(t), reviewRouting(t)];
}

// ---------------------------------------------------------------------------------------------------------
// Quick-start examples that need other services' accounts (Gmail, Google Sheets, HubSpot): examples/ only.

/** Gmail: every new email with a PDF attachment → Anyformat → one row per invoice in a Google Sheet. */
function gmailToSheets(t: DemoTargets): DemoWorkflow {
	const d = draft(
		t,
		'gmail-invoice-to-google-sheets',
		'Gmail invoice attachments → Google Sheets',
		'**Gmail Trigger** checks every minute for new emails with a PDF attachment and downloads it (`attachment_0`). **Anyformat** extracts the invoice fields; **Row** picks the columns; **Google Sheets** appends one row per invoice (the sheet needs a header row with these column names). Set the Gmail and Google Sheets credentials, the anyformat workflow ID and your sheet URL.',
		{ width: 720, height: 230 },
	);
	const gmail = add(d, {
		name: 'New email with a PDF',
		type: 'n8n-nodes-base.gmailTrigger',
		typeVersion: 1.2,
		position: [0, 0],
		parameters: {
			pollTimes: { item: [{ mode: 'everyMinute' }] },
			simple: false,
			filters: { q: 'has:attachment filename:pdf' },
			options: { downloadAttachments: true },
		},
		credentials: { gmailOAuth2: { id: null, name: 'Gmail account' } } as unknown as WorkflowNode['credentials'],
	});
	const extract = add(
		d,
		anyformatNode(d, 'Anyformat: extract invoice', t.anyformat.invoices, { binaryPropertyName: 'attachment_0', waitForCompletion: true, output: 'simplified' }),
	);
	const row = setNode(
		d,
		'Row',
		[
			['invoice_number', '={{ $json.invoice_number }}', 'string'],
			['invoice_date', '={{ $json.invoice_date }}', 'string'],
			['vendor_name', '={{ $json.vendor_name }}', 'string'],
			['total_amount', '={{ $json.total_amount }}', 'number'],
			['currency', '={{ $json.currency }}', 'string'],
			['line_items', '={{ ($json.line_items || []).length }}', 'number'],
			['email_subject', "={{ $('New email with a PDF').item.json.subject }}", 'string'],
			['file', '={{ $json._meta.fileName }}', 'string'],
		],
		false,
		[660, 0],
	);
	const sheet = add(d, {
		name: 'Append to Google Sheets',
		type: 'n8n-nodes-base.googleSheets',
		typeVersion: 4.7,
		position: [880, 0],
		parameters: {
			operation: 'append',
			documentId: { __rl: true, mode: 'url', value: 'YOUR_GOOGLE_SHEET_URL' },
			sheetName: { __rl: true, mode: 'name', value: 'Invoices' },
			columns: { mappingMode: 'autoMapInputData', value: {}, matchingColumns: [], schema: [] },
			options: {},
		},
		credentials: { googleSheetsOAuth2Api: { id: null, name: 'Google Sheets account' } } as unknown as WorkflowNode['credentials'],
	});
	chain(d.b, gmail, extract, row, sheet);
	return finish(d, 'Gmail invoice attachments to Google Sheets (anyformat)');
}

/** Anyformat Trigger: a purchase order finished extracting → a deal in HubSpot. */
function triggerToCrm(t: DemoTargets): DemoWorkflow {
	const d = draft(
		t,
		'anyformat-trigger-to-hubspot',
		'Anyformat Trigger → HubSpot deal',
		'Activate this workflow: the **Anyformat Trigger** registers its URL with anyformat (an **https://** URL: set N8N_WEBHOOK_URL) and starts on every finished purchase-order extraction, with the extracted fields. **HubSpot** creates a deal named after the order, with its total. Set the HubSpot credential (private app token) and pick the deal stage.',
		{ width: 680, height: 210 },
	);
	const trigger = add(d, {
		...anyformatNode(
			d,
			'Purchase order extracted',
			t.anyformat.purchaseOrders,
			{ workflowScope: 'one', events: ['extraction.completed'], includeData: true, output: 'simplified' },
			'anyformatTrigger',
		),
		position: [0, 0],
		webhookId: stableId('example', 'anyformatTriggerToCrm'),
	});
	const deal = add(d, {
		name: 'Create HubSpot deal',
		type: 'n8n-nodes-base.hubspot',
		typeVersion: 2.2,
		position: [240, 0],
		parameters: {
			authentication: 'appToken',
			resource: 'deal',
			operation: 'create',
			stage: 'YOUR_HUBSPOT_DEAL_STAGE_ID',
			additionalFields: {
				dealName: '={{ $json.po_number }} – {{ $json.buyer_company }}',
				amount: '={{ $json.order_total }}',
				description: '=Purchase order of {{ $json.order_date }} from {{ $json.buyer_company }}, extracted by anyformat (file {{ $json._meta.fileName }}).',
			},
		},
		credentials: { hubspotAppToken: { id: null, name: 'HubSpot account' } } as unknown as WorkflowNode['credentials'],
	});
	chain(d.b, trigger, deal);
	return finish(d, 'Anyformat Trigger: purchase order to HubSpot deal');
}

/** The README's Quick start, for examples/ only: they need Gmail, Google Sheets and HubSpot accounts. */
export function quickStartExamples(t: DemoTargets): DemoWorkflow[] {
	return [gmailToSheets(t), triggerToCrm(t)];
}

/** Targets of examples/*.json: placeholders a user replaces, credentials matched by name on import. */
export const EXAMPLE_TARGETS: DemoTargets = {
	mode: 'example',
	samplesDir: '/home/node/.n8n-files/documents',
	outputDir: '/home/node/.n8n-files/output',
	anyformat: {
		invoices: { id: 'YOUR_ANYFORMAT_WORKFLOW_ID', name: 'Invoices' },
		purchaseOrders: { id: 'YOUR_ANYFORMAT_PURCHASE_ORDER_WORKFLOW_ID', name: 'Purchase orders' },
	},
	anesya: { workflowId: 'YOUR_ANESYA_WORKFLOW_ID' },
	credentials: {
		anyformatApi: { id: null, name: 'Anyformat account' },
		anesyaApi: { id: null, name: 'Anesya account' },
	},
	webhookIds: {
		anyformatTrigger: stableId('example', 'anyformatTrigger'),
		anesyaTrigger: stableId('example', 'anesyaTrigger'),
	},
};

/**
 * An example workflow as an importable file (credentials by name): what the editor's *Import from File* reads and,
 * unchanged, the body `POST /api/v1/workflows` accepts (so no `meta`, `id`, `active` or `tags`, which the
 * public API refuses as read-only).
 */
export function exampleFile(w: DemoWorkflow): Record<string, unknown> {
	return {
		name: w.workflow.name,
		nodes: w.workflow.nodes,
		connections: w.workflow.connections,
		settings: w.workflow.settings,
		pinData: {},
	};
}

/** Every file of examples/: the demo workflows for your own keys, then the quick-start ones. */
export function exampleWorkflows(): DemoWorkflow[] {
	return [...demoWorkflows(EXAMPLE_TARGETS), ...quickStartExamples(EXAMPLE_TARGETS)];
}
