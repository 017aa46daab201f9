// Fault suite: the bad-input catalogue. Each case must fail with an error that names the parameter
// and the item ("<Parameter>: <problem> [item N]"), says how to fix it (description), and must not
// call the API at all — invalid input never costs a request, let alone a submission.
import type { INodeExecutionData, INodeParameters, INodeType } from 'n8n-workflow';

// The 0.8.1 operations are version 1 of the versioned Anesya node.
import { AnesyaV1 as Anesya } from '../../nodes/Anesya/v1/AnesyaV1.node';
import { Anyformat } from '../../nodes/Anyformat/Anyformat.node';
import { buildTextPdf, startFakeApi, type FakeApi } from '../fake-api';
import { invoiceText } from '../fixtures/invoices';
import { byId, fakeCredentials, fileItem, runNode } from '../helpers/n8n-harness';

const WORKFLOW_ID = '550e8400-e29b-41d4-a716-446655440000';
const workflow = byId(WORKFLOW_ID);
const good = (n: number) => fileItem(invoiceText(n), `ok-${n}.txt`, 'text/plain');

interface Case {
	name: string;
	node: () => INodeType;
	parameters: INodeParameters;
	/** Input items; the bad one is the last unless `item` says otherwise. */
	items?: INodeExecutionData[];
	parameter: string;
	item?: number;
	/** Extra check on the problem text. */
	problem?: RegExp;
}

const anyformat = () => new Anyformat();
const anesyaNode = () => new Anesya();
const extract = (extra: INodeParameters = {}): INodeParameters => ({ resource: 'extraction', operation: 'extractFromFile', workflow, ...extra });
const createWorkflow = (extra: INodeParameters): INodeParameters => ({ resource: 'workflow', operation: 'create', name: 'Invoices', ...extra });
const exportResults = (filters: INodeParameters): INodeParameters => ({ resource: 'workflow', operation: 'exportResults', workflow, outputFormat: 'json', filters });

const cases: Case[] = [
	{ name: 'missing binary field', node: anyformat, parameters: extract(), items: [good(0), { json: { note: 'no file' } }], parameter: 'Input Binary Field', problem: /no binary field "data"/ },
	{ name: 'binary field named wrongly', node: anyformat, parameters: extract({ binaryPropertyName: 'attachment' }), items: [fileItem('x', 'a.txt', 'text/plain')], parameter: 'Input Binary Field', problem: /no binary field "attachment"/ },
	{ name: 'empty file', node: anyformat, parameters: extract(), items: [good(0), good(1), fileItem(Buffer.alloc(0), 'empty.pdf', 'application/pdf')], parameter: 'Input Binary Field', problem: /is empty/ },
	{ name: 'file over the 20 MB limit', node: anyformat, parameters: extract(), items: [fileItem(Buffer.alloc(20 * 1024 * 1024 + 1), 'huge.pdf', 'application/pdf')], parameter: 'Input Binary Field', problem: /20\.0 MB; anyformat accepts files up to 20\.0 MB/ },
	{ name: 'empty workflow', node: anyformat, parameters: extract({ workflow: byId('={{ $json.wf }}') }), items: [{ ...good(0), json: { wf: '' } }], parameter: 'Workflow' },
	{ name: 'workflow ID with a slash', node: anyformat, parameters: extract({ workflow: byId('={{ $json.wf }}') }), items: [{ ...good(0), json: { wf: 'abc/def' } }], parameter: 'Workflow' },
	{ name: 'workflow ID that is not a UUID', node: anyformat, parameters: extract({ workflow: byId('={{ $json.wf }}') }), items: [{ ...good(0), json: { wf: 'invoices' } }], parameter: 'Workflow', problem: /anyformat workflow IDs are UUIDs/ },
	{ name: 'Max Documents in Flight of zero', node: anyformat, parameters: extract({ batchOptions: { maxInFlight: '={{ 0 }}' } }), items: [good(0)], parameter: 'Max Documents in Flight', item: 0 },
	{ name: 'negative Max Documents in Flight', node: anesyaNode, parameters: { resource: 'extract', operation: 'extractWithSchema', server: 'EU-1', schema: byId('300f339f-da71-4f9f-80f6-c25a63baae75'), batchOptions: { maxInFlight: -5 } }, items: [fileItem(buildTextPdf(invoiceText(1)), 'invoice.pdf', 'application/pdf')], parameter: 'Max Documents in Flight', item: 0 },
	{ name: 'timeout of zero', node: anyformat, parameters: extract({ timeout: 0 }), items: [good(0)], parameter: 'Timeout (Seconds)' },
	{ name: 'review threshold above 100', node: anyformat, parameters: extract({ resultOptions: { reviewThreshold: 150 } }), items: [good(0)], parameter: 'Review Threshold' },
	{ name: 'empty text', node: anyformat, parameters: { resource: 'extraction', operation: 'extractFromText', workflow, text: '={{ $json.body }}' }, items: [{ json: { body: 'Invoice 1' } }, { json: { body: '   ' } }], parameter: 'Text' },
	{ name: 'empty collection ID', node: anyformat, parameters: { resource: 'extraction', operation: 'getResult', workflow, collectionId: '={{ $json.id }}' }, items: [{ json: { id: '' } }], parameter: 'Collection ID' },
	{ name: 'empty file ID', node: anyformat, parameters: { resource: 'extraction', operation: 'runUploadedFile', workflow, fileId: '={{ $json.id }}' }, items: [{ json: { id: '' } }], parameter: 'File ID' },
	{ name: 'limit of zero', node: anyformat, parameters: { resource: 'workflow', operation: 'getAll', returnAll: false, limit: 0 }, parameter: 'Limit' },
	{ name: 'workflow without a name', node: anyformat, parameters: createWorkflow({ name: '={{ $json.title }}' }), items: [{ json: { title: '' } }], parameter: 'Name' },
	{ name: 'workflow without fields', node: anyformat, parameters: createWorkflow({ fields: {} }), parameter: 'Fields to Extract' },
	{ name: 'field name with spaces', node: anyformat, parameters: createWorkflow({ fields: { field: [{ name: 'Total Amount', dataType: 'float' }] } }), parameter: 'Fields to Extract', problem: /letters, digits and underscores/ },
	{ name: 'duplicate field names', node: anyformat, parameters: createWorkflow({ fields: { field: [{ name: 'total', dataType: 'float' }, { name: 'total', dataType: 'string' }] } }), parameter: 'Fields to Extract' },
	{ name: 'enum without options', node: anyformat, parameters: createWorkflow({ fields: { field: [{ name: 'currency', dataType: 'enum' }] } }), parameter: 'Fields to Extract', problem: /without options/ },
	{ name: 'object without nested fields', node: anyformat, parameters: createWorkflow({ fields: { field: [{ name: 'line_items', dataType: 'object' }] } }), parameter: 'Fields to Extract', problem: /without nested fields/ },
	{ name: 'invalid fields JSON', node: anyformat, parameters: createWorkflow({ defineFields: 'json', fieldsJson: '[{"name": "a", "data_type": "string"},]' }), parameter: 'Fields (JSON)', problem: /not valid JSON: .* line 1, column/ },
	{ name: 'unknown data type in JSON', node: anyformat, parameters: createWorkflow({ defineFields: 'json', fieldsJson: '[{"name": "total", "data_type": "money"}]' }), parameter: 'Fields (JSON)', problem: /"money" is not known/ },
	{ name: 'invalid enum options in JSON', node: anyformat, parameters: createWorkflow({ defineFields: 'json', fieldsJson: '[{"name": "currency", "data_type": "enum", "enum_options": []}]' }), parameter: 'Fields (JSON)' },
	{ name: 'bad date in a Created filter', node: anyformat, parameters: exportResults({ created: { conditions: [{ comparison: 'after', date: 'next tuesday' }] } }), parameter: 'Created', problem: /"next tuesday" is not a date/ },
	{ name: 'impossible date in a Last Processed filter', node: anyformat, parameters: exportResults({ lastProcessed: { conditions: [{ comparison: 'on', date: '2024-02-30' }] } }), parameter: 'Last Processed' },
	{ name: 'same date condition twice', node: anyformat, parameters: exportResults({ created: { conditions: [{ comparison: 'after', date: '2024-01-01' }, { comparison: 'after', date: '2024-02-01' }] } }), parameter: 'Created' },
	{ name: 'empty file name filter', node: anyformat, parameters: exportResults({ fileName: { conditions: [{ match: 'contains', value: ' ' }] } }), parameter: 'File Name' },
	{ name: 'non-numeric legacy job ID', node: anyformat, parameters: { resource: 'job', operation: 'get', jobId: '={{ $json.id }}' }, items: [{ json: { id: '550e8400-e29b' } }], parameter: 'Job ID' },
	{ name: 'empty output field for a download', node: anyformat, parameters: { resource: 'job', operation: 'downloadFile', jobId: '362963', binaryPropertyName: '={{ $json.field }}' }, items: [{ json: { field: '' } }], parameter: 'Put Output File in Field' },
	{ name: 'webhook URL that is not a URL', node: anyformat, parameters: { resource: 'webhook', operation: 'create', url: 'hooks.example.com/anyformat', events: ['extraction.completed'] }, parameter: 'URL' },
	{ name: 'webhook URL over plain HTTP (anyformat accepts HTTPS only)', node: anyformat, parameters: { resource: 'webhook', operation: 'create', url: 'http://hooks.example.com/x', events: ['extraction.completed'] }, parameter: 'URL', problem: /not HTTPS/ },
	{ name: 'webhook event that anyformat does not send', node: anyformat, parameters: { resource: 'webhook', operation: 'create', url: 'https://hooks.example.com/x', events: ['extraction.started'] }, parameter: 'Events' },
	...anesyaCases(),
];

function anesyaCases(): Case[] {
	const anesya = () => new Anesya();
	const schema = byId('300f339f-da71-4f9f-80f6-c25a63baae75');
	const withSchema = (extra: INodeParameters = {}): INodeParameters => ({ resource: 'extract', operation: 'extractWithSchema', server: 'EU-1', schema, ...extra });
	const pdf = fileItem(buildTextPdf(invoiceText(1)), 'invoice.pdf', 'application/pdf');
	return [
		{ name: 'Anesya: a Word document (PDF, PNG and JPEG only)', node: anesya, parameters: withSchema(), items: [pdf, fileItem('PK', 'offer.docx', 'application/vnd.openxmlformats-officedocument.wordprocessingml.document')], parameter: 'Input Binary Field', problem: /type Anesya does not accept/ },
		{ name: 'Anesya: page range ending before it starts', node: anesya, parameters: withSchema({ options: { pdfPageStart: 3, pdfPageEnd: 2 } }), items: [pdf], parameter: 'PDF Page End' },
		{ name: 'Anesya: classifier that is not a UUID', node: anesya, parameters: withSchema({ options: { classifierId: 'invoice-classifier' } }), items: [pdf], parameter: 'Classifier ID' },
		{ name: 'Anesya: metadata entry without a key', node: anesya, parameters: withSchema({ options: { metadata: { values: [{ key: ' ', value: 'x' }] } } }), items: [pdf], parameter: 'Metadata' },
		{ name: 'Anesya: unknown server', node: anesya, parameters: withSchema({ server: 'US-1' }), items: [pdf], parameter: 'Server' },
		{ name: 'Anesya: workflow ID that is not a UUID', node: anesya, parameters: { resource: 'extract', operation: 'extractWithWorkflow', workflowId: 'my-workflow', binaryPropertyNames: 'data' }, items: [pdf], parameter: 'Workflow ID' },
	];
}

let fake: FakeApi;
beforeAll(async () => {
	fake = await startFakeApi({ anyformat: { rateLimits: false } });
});
afterAll(async () => fake.close());
beforeEach(() => fake.reset());

describe(`bad-input catalogue (${cases.length} cases)`, () => {
	it.each(cases.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
		const items = c.items ?? [{ json: {} }];
		const item = c.item ?? items.length - 1;
		const { error } = await runNode({
			nodeType: c.node(),
			parameters: c.parameters,
			credentials: fakeCredentials(fake),
			items,
		});
		expect(error).toBeDefined();
		const escaped = c.parameter.replace(/[()]/g, '\\$&');
		expect(error!.message).toMatch(new RegExp(`^${escaped}: .+ \\[item ${item}\\]$`, 's'));
		if (c.problem) expect(error!.message).toMatch(c.problem);
		expect(String(error!.description ?? '')).not.toBe('');
		expect(fake.log).toHaveLength(0);
	});
});
