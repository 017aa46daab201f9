import { documentFromText } from '../../../../fake-api';
import { startAnyformatEnv, type AnyformatTestEnv } from '../../anyformat-env';
import { byId } from '../../../../helpers/n8n-harness';
import { INVOICE_TEXT } from '../../../../fake-api/test-helpers';
import { ACME_INVOICE_SIMPLIFIED } from '../../../../fixtures/invoices';

describe('Anyformat → Workflow → Export Results', () => {
	let env: AnyformatTestEnv;
	let now = Date.UTC(2024, 11, 19, 12);
	beforeAll(async () => (env = await startAnyformatEnv({ clock: () => now })));
	afterAll(async () => await env.close());
	beforeEach(() => {
		now = Date.UTC(2024, 11, 19, 12);
		env.fake.reset();
	});

	/** Documents run at the fake's current time; processed unless listed in `pending`. */
	const addDocuments = (workflowId: string, names: string[], pending: string[] = []) => {
		for (const name of names) {
			const record = env.fake.anyformat.createCollection(workflowId, 'v1-run', [{ document: documentFromText(`${INVOICE_TEXT}\n${name}`, name) }], { start: true });
			if (!pending.includes(name)) env.fake.anyformat.completeNow(record.id);
		}
	};
	const exportResults = (workflowId: string, extra: Record<string, unknown> = {}) => ({
		resource: 'workflow',
		operation: 'exportResults',
		workflow: byId(workflowId),
		...extra,
	});
	const lastQuery = () => env.fake.log[env.fake.log.length - 1].query;

	it('JSON, Raw: outputs one item per document with its status and results as the API sends them', async () => {
		const workflowId = env.createWorkflow();
		addDocuments(workflowId, ['invoice-001.txt', 'invoice-002.txt', 'late.txt'], ['late.txt']);
		const { items, error } = await env.run(exportResults(workflowId, { output: 'raw' }));
		expect(error).toBeUndefined();
		expect(items.map((i) => [i.json.file_name, i.json.status])).toEqual([
			['invoice-001.txt', 'processed'],
			['invoice-002.txt', 'processed'],
			['late.txt', expect.stringMatching(/^(pending|in_progress)$/)],
		]);
		expect(items[0].json.results).toMatchObject({ invoice_number: { value: 'INV-2024-0847', confidence: expect.any(Number) } });
		expect(items[2].json.results).toEqual({});
		expect(env.fake.log.map((e) => [e.route, e.auth.scheme])).toEqual([['GET /workflows/{id}/results/', 'x-api-key']]);
		expect(lastQuery()).toEqual({ output_format: 'json' });
	});

	it('JSON with Results as Lists wraps single values in lists', async () => {
		const workflowId = env.createWorkflow();
		addDocuments(workflowId, ['invoice-001.txt']);
		const { items } = await env.run(exportResults(workflowId, { output: 'raw', asLists: true }));
		expect(lastQuery()).toEqual({ output_format: 'json', as_lists: 'true' });
		expect((items[0].json.results as Record<string, unknown[]>).invoice_number).toEqual([expect.objectContaining({ value: 'INV-2024-0847' })]);
	});

	it('JSON, Simplified (default): one item per document shaped like the other operations, numbers typed', async () => {
		const workflowId = env.createWorkflow();
		addDocuments(workflowId, ['invoice-001.txt', 'late.txt'], ['late.txt']);
		const { items, error } = await env.run(exportResults(workflowId));
		expect(error).toBeUndefined();
		expect(items.map((i) => i.json)).toEqual([
			{ ...ACME_INVOICE_SIMPLIFIED, _meta: { fileName: 'invoice-001.txt', status: 'processed', workflowId } },
			{ _meta: { fileName: 'late.txt', status: expect.stringMatching(/^(pending|in_progress)$/), workflowId } },
		]);
		// Results as Lists is a Raw-only option: the export is asked without it, the workflow once for the types
		expect(env.fake.log.map((e) => [e.route, e.query])).toEqual([
			['GET /workflows/{id}/results/', { output_format: 'json' }],
			['GET /v2/workflows/{workflow_id}/', {}],
		]);
	});

	it('JSON, Detailed and Split Into Items work as on the other operations', async () => {
		const workflowId = env.createWorkflow();
		addDocuments(workflowId, ['invoice-001.txt']);
		const detailed = await env.run(exportResults(workflowId, { output: 'detailed', resultOptions: { reviewThreshold: 100 } }));
		expect(detailed.items[0].json.total_amount).toMatchObject({ value: 1250, rawValue: '1250.00', confidence: expect.any(Number) });
		expect(detailed.items[0].json.needsReview).toBe(true);
		const split = await env.run(exportResults(workflowId, { resultOptions: { splitField: 'line_items' } }));
		expect(split.items.map((i) => [i.json.description, i.json.amount, i.json.invoice_number])).toEqual([
			['Consulting Services', 1000, 'INV-2024-0847'],
			['Travel', 250, 'INV-2024-0847'],
		]);
	});

	it('CSV: outputs one item with the table as a binary file', async () => {
		const workflowId = env.createWorkflow();
		addDocuments(workflowId, ['invoice-001.txt', 'invoice-002.txt']);
		const { items, error } = await env.run(exportResults(workflowId, { outputFormat: 'csv', binaryPropertyName: 'export' }));
		expect(error).toBeUndefined();
		expect(items).toHaveLength(1);
		const fileName = `anyformat-results-${workflowId}.csv`;
		const binary = items[0].binary!.export;
		const csv = Buffer.from(binary.data, 'base64').toString('utf8');
		expect(items[0].json).toEqual({ workflowId, outputFormat: 'csv', fileName, mimeType: 'text/csv', fileSize: Buffer.byteLength(csv) });
		expect(binary).toMatchObject({ fileName, mimeType: 'text/csv', fileExtension: 'csv' });
		const lines = csv.trim().split(/\r?\n/);
		expect(lines[0]).toBe('file_name,status,invoice_number,issue_date,total_amount,currency,paid,line_items');
		expect(lines.slice(1).map((l) => l.split(',').slice(0, 3))).toEqual([
			['invoice-001.txt', 'processed', 'INV-2024-0847'],
			['invoice-002.txt', 'processed', 'INV-2024-0847'],
		]);
		expect(lastQuery()).toEqual({ output_format: 'csv' });
	});

	it('JSON Lines: outputs one item with an NDJSON file, a line per document', async () => {
		const workflowId = env.createWorkflow();
		addDocuments(workflowId, ['invoice-001.txt', 'invoice-002.txt']);
		const { items } = await env.run(exportResults(workflowId, { outputFormat: 'jsonl' }));
		const binary = items[0].binary!.data;
		expect(binary).toMatchObject({ fileName: `anyformat-results-${workflowId}.jsonl`, mimeType: 'application/x-ndjson' });
		const lines = Buffer.from(binary.data, 'base64').toString('utf8').trim().split('\n').map((l) => JSON.parse(l));
		expect(lines.map((l) => l.file_name)).toEqual(['invoice-001.txt', 'invoice-002.txt']);
	});

	it('sends file name and date filters as the export parameters anyformat documents', async () => {
		const workflowId = env.createWorkflow();
		addDocuments(workflowId, ['invoice-old.txt']);
		now = Date.UTC(2024, 11, 20, 9);
		addDocuments(workflowId, ['invoice-new.txt', 'draft-invoice.txt', 'receipt.txt']);
		const { items, error } = await env.run(
			exportResults(workflowId, {
				output: 'raw',
				filters: {
					fileName: { conditions: [{ match: 'contains', value: 'INVOICE' }, { match: 'notContains', value: 'draft' }] },
					created: { conditions: [{ comparison: 'onOrAfter', date: '2024-12-20T00:00:00' }] },
					lastProcessed: { conditions: [{ comparison: 'before', date: '2024-12-20T09:30:00Z' }] },
				},
			}),
		);
		expect(error).toBeUndefined();
		expect(lastQuery()).toEqual({
			output_format: 'json',
			file__name__icontains: 'INVOICE',
			file__name__not_icontains: 'draft',
			file__created_at__gte: '2024-12-20',
			file__last_processed_at__lt: '2024-12-20T09:30:00.000Z',
		});
		expect(items.map((i) => i.json.file_name)).toEqual(['invoice-new.txt']);
	});

	it('outputs nothing when no document matches', async () => {
		const workflowId = env.createWorkflow();
		addDocuments(workflowId, ['invoice-001.txt']);
		const { items, error } = await env.run(exportResults(workflowId, { filters: { fileName: { conditions: [{ match: 'equals', value: 'other.pdf' }] } } }));
		expect(error).toBeUndefined();
		expect(items).toEqual([]);
		expect(lastQuery()).toMatchObject({ file__name__iexact: 'other.pdf' });
	});

	it.each([
		[{ created: { conditions: [{ comparison: 'after', date: 'next tuesday' }] } }, 'Created: "next tuesday" is not a date [item 0]'],
		[{ lastProcessed: { conditions: [{ comparison: 'on', date: '2024-02-30' }] } }, 'Last Processed: "2024-02-30" is not a date [item 0]'],
		[
			{ created: { conditions: [{ comparison: 'after', date: '2024-01-01' }, { comparison: 'after', date: '2024-02-01' }] } },
			'Created: has the same condition twice ("file__created_at__gt") [item 0]',
		],
		[{ fileName: { conditions: [{ match: 'contains', value: ' ' }] } }, 'File Name: a condition has no text [item 0]'],
	])('refuses the filter %j before calling the API', async (filters, message) => {
		const { error } = await env.run(exportResults(env.createWorkflow(), { filters }));
		expect(error?.message).toBe(message);
		expect(env.fake.log).toHaveLength(0);
	});

	it('reports an unknown workflow', async () => {
		const { error } = await env.run(exportResults('550e8400-e29b-41d4-a716-446655440000', { outputFormat: 'csv' }));
		expect(error?.message).toBe(
			'anyformat has no such resource: GET /workflows/550e8400-e29b-41d4-a716-446655440000/results/ (The requested resource could not be found.)',
		);
	});
});
