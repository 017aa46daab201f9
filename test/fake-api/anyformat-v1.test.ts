import { ACME_INVOICE_TEXT, ACME_INVOICE_WORKFLOW } from '../fixtures/invoices';
import { startFakeApi, type FakeApi } from './index';
import { call, form, jsonBody, v1, v2 } from './test-helpers';

const V1_WORKFLOW = {
	name: 'Sample Invoice Workflow',
	description: 'Extract data from invoice documents',
	fields: [
		{ name: 'invoice_number', description: 'The unique invoice identifier', type: 'string' },
		{ name: 'issue_date', description: 'Date when the invoice was issued', type: 'date' },
		{ name: 'total_amount', description: 'Total invoice amount including tax', type: 'float' },
		{ name: 'notes', description: 'Free notes', type: 'string' },
	],
	manual_fields: [{ name: 'customer_id', description: 'Customer id', type: 'string' }],
};

describe('anyformat v1 (legacy) fake', () => {
	let fake: FakeApi;
	let now = Date.UTC(2024, 11, 19, 12);

	beforeAll(async () => {
		fake = await startFakeApi({ clock: () => now, anyformat: { latencyMs: 1000 } });
	});
	afterAll(() => fake.close());
	beforeEach(() => {
		now = Date.UTC(2024, 11, 19, 12);
		fake.reset();
	});

	const createWorkflow = async () => {
		const res = await v1(fake, '/workflows/', jsonBody(V1_WORKFLOW));
		expect(res.status).toBe(201);
		return res.json as { id: string };
	};

	const runText = async (workflowId: string, text: string, extra: Array<[string, string]> = []) => {
		const res = await v1(fake, `/workflows/${workflowId}/run/`, { method: 'POST', body: form([['text', text], ...extra]) });
		expect(res.status).toBe(200);
		return res.json as { status: string; extraction_id: string; workflow_id: string };
	};

	it('answers 403 with a DRF detail for missing or invalid keys (and ignores Bearer)', async () => {
		const missing = await call(`${fake.url}/workflows/`, { headers: { authorization: 'Bearer af_test_key' } });
		expect(missing.status).toBe(403);
		expect(missing.json).toEqual({ detail: 'Authentication credentials were not provided.' });
		const invalid = await v1(fake, '/workflows/', {}, 'nope');
		expect(invalid.status).toBe(403);
		expect(invalid.json).toEqual({ detail: 'Invalid token.' });
		expect(fake.log.map((e) => e.auth)).toEqual([
			{ scheme: 'bearer', valid: false },
			{ scheme: 'x-api-key', valid: false },
		]);
	});

	it('creates workflows with `type` and lists them with DRF pagination and absolute links', async () => {
		const wf = await createWorkflow();
		expect(fake.anyformat.getWorkflow(wf.id)?.fields?.[0]).toEqual({ name: 'invoice_number', description: 'The unique invoice identifier', data_type: 'string' });
		for (let i = 0; i < 11; i++) fake.anyformat.createWorkflow({ name: `wf-${i}`, fields: [{ name: 'a', description: '', type: 'string' }] });
		const page1 = await v1(fake, '/workflows/');
		expect(page1.json).toMatchObject({ count: 12, total_pages: 2, previous: null, next: `${fake.url}/workflows/?page=2` });
		expect(page1.json.results).toHaveLength(10);
		const page2 = await v1(fake, '/workflows/?page=2');
		expect(page2.json).toMatchObject({ next: null, previous: `${fake.url}/workflows/?page=1` });
		expect(page2.json.results.map((w: { id: string }) => w.id)).toContain(wf.id);
		expect((await v1(fake, '/workflows/?page=3')).json).toEqual({ detail: 'Invalid page.' });
		expect((await v1(fake, `/workflows/${wf.id}/`)).json.name).toBe('Sample Invoice Workflow');
		expect((await v1(fake, `/workflows/${wf.id}/`, { method: 'DELETE' })).status).toBe(204);
		expect((await v1(fake, `/workflows/${wf.id}/`)).status).toBe(404);
		expect((await v1(fake, '/workflows')).status).toBe(301);
	});

	it('runs text, polls the job until processed, and wraps fields with as_lists', async () => {
		const wf = await createWorkflow();
		const run = await runText(wf.id, ACME_INVOICE_TEXT, [['manual_field_values', '{"customer_id":"CUST-001"}']]);
		expect(run).toMatchObject({ status: 'success', workflow_id: wf.id });
		expect(run.extraction_id).toMatch(/^\d+$/);

		const pending = await v1(fake, `/jobs/${run.extraction_id}/`);
		expect(pending.json).toMatchObject({ id: run.extraction_id, status: 'pending', results: {}, processed_at: null });
		now += 500;
		expect((await v1(fake, `/jobs/${run.extraction_id}/`)).json.status).toBe('in_progress');
		now += 500;
		const done = await v1(fake, `/jobs/${run.extraction_id}/`);
		expect(done.json).toMatchObject({ status: 'processed', processed_at: '2024-12-19T12:00:01Z', created_at: '2024-12-19T12:00:00Z' });
		expect(done.json.results.invoice_number).toEqual({
			value: 'INV-2024-0847',
			confidence: 93,
			evidence: [{ text: 'Invoice #INV-2024-0847', page_number: 1 }],
			verification_status: 'not_verified',
			value_unit: null,
		});
		expect(done.json.results.total_amount).toMatchObject({ value: '1250.00', value_unit: 'USD' });
		expect(done.json.results.customer_id).toMatchObject({ value: 'CUST-001', confidence: null, evidence: [] });

		const lists = await v1(fake, `/jobs/${run.extraction_id}/?as_lists=true`);
		expect(lists.json.id).toBe(run.extraction_id);
		expect(lists.json.results.invoice_number).toEqual([done.json.results.invoice_number]);
		expect(lists.json.results.notes).toEqual([]);
		expect((await v1(fake, '/jobs/999999999/')).status).toBe(404);
	});

	it('prefers file over file_base64 over text, and validates input', async () => {
		const wf = await createWorkflow();
		const both = await v1(fake, `/workflows/${wf.id}/run/`, {
			method: 'POST',
			body: form([['text', 'Invoice #FROM-TEXT'], ['file_base64', Buffer.from('Invoice #FROM-B64').toString('base64')], ['filename', 'b64.txt']]),
		});
		const job = fake.anyformat.completeNow(fake.anyformat.collections.find((c) => c.v1JobId === both.json.extraction_id)!.id);
		expect(job.files[0].fileName).toBe('b64.txt');
		const results = await v1(fake, `/jobs/${both.json.extraction_id}/`);
		expect(results.json.results.invoice_number.value).toBe('FROM-B64');
		const none = await v1(fake, `/workflows/${wf.id}/run/`, { method: 'POST', body: form([['manual_field_values', '{}']]) });
		expect(none.status).toBe(400);
		expect(none.json).toMatchObject({ error_code: 'VALIDATION_ERROR' });
		const badManual = await v1(fake, `/workflows/${wf.id}/run/`, { method: 'POST', body: form([['text', 'x'], ['manual_field_values', '[1]']]) });
		expect(badManual.status).toBe(400);
		const upload = await v1(fake, `/workflows/${wf.id}/upload/`, { method: 'POST', body: form([['file', { data: 'hello', filename: 'up.txt' }]]) });
		expect(upload.status).toBe(201);
		expect(upload.json).toEqual({ filename: 'up.txt', status: 'uploaded' });
	});

	it('downloads the original file of a job', async () => {
		const wf = await createWorkflow();
		const pdfBytes = Buffer.from('%PDF-1.4\n%binary\x00\x01\x02\n%%EOF\n', 'latin1');
		const run = await v1(fake, `/workflows/${wf.id}/run/`, { method: 'POST', body: form([['file', { data: pdfBytes, filename: 'facture été.pdf', type: 'application/pdf' }]]) });
		const res = await fetch(`${fake.url}/jobs/${run.json.extraction_id}/file/`, { headers: { 'x-api-key': 'af_test_key' } });
		expect(res.status).toBe(200);
		expect(res.headers.get('content-type')).toBe('application/pdf');
		expect(res.headers.get('content-disposition')).toContain("filename*=UTF-8''facture%20%C3%A9t%C3%A9.pdf");
		expect(Buffer.from(await res.arrayBuffer()).equals(pdfBytes)).toBe(true);
	});

	it('sees v2 runs through their v1 job id', async () => {
		const wf = fake.anyformat.createWorkflow(ACME_INVOICE_WORKFLOW);
		const run = await v2(fake, `/v2/workflows/${wf.id}/run/`, { method: 'POST', body: form([['text', ACME_INVOICE_TEXT]]) });
		const view = fake.anyformat.collections.find((c) => c.id === run.json.id)!;
		expect(fake.log.at(-1)?.jobIds).toEqual([run.json.id, view.v1JobId]);
		fake.anyformat.completeNow(run.json.id);
		const job = await v1(fake, `/jobs/${view.v1JobId}/`);
		expect(job.json.status).toBe('processed');
		expect(job.json.results.line_items).toHaveLength(2);
		expect(job.json.results.line_items[0].amount.value).toBe('1000.00');
	});

	describe('results export', () => {
		let workflowId: string;

		beforeEach(async () => {
			workflowId = (await createWorkflow()).id;
			const submit = async (fileName: string, text: string) => {
				await v1(fake, `/workflows/${workflowId}/run/`, { method: 'POST', body: form([['file', { data: text, filename: fileName, type: 'text/plain' }]]) });
			};
			await submit('invoice-2024-03.txt', 'Invoice #A-1\nTotal: $1,250.00\nNotes: rush, "fragile"');
			now = Date.UTC(2024, 11, 20, 9);
			await submit('Invoice-2024-04.txt', 'Invoice #A-2\nTotal: 99.5');
			now = Date.UTC(2024, 11, 21, 9);
			await submit('receipt.txt', 'Receipt only\nFAIL_EXTRACTION');
			now = Date.UTC(2024, 11, 22, 9); // everything finished by now
		});

		const exportJson = async (query: string) => {
			const res = await v1(fake, `/workflows/${workflowId}/results/?output_format=json${query}`);
			expect(res.status).toBe(200);
			return res.json as Record<string, { file_name: string; status: string; results: Record<string, any> }>;
		};

		it('exports CSV by default: header file_name,status,<fields>, one row per file', async () => {
			const res = await v1(fake, `/workflows/${workflowId}/results/`);
			expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
			expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename=".*_results\.csv"/);
			expect(res.text.split('\r\n')).toEqual([
				'file_name,status,invoice_number,issue_date,total_amount,notes,customer_id',
				'invoice-2024-03.txt,processed,A-1,,1250.00,"rush, ""fragile""",',
				'Invoice-2024-04.txt,processed,A-2,,99.50,,',
				'receipt.txt,error,,,,,',
				'',
			]);
		});

		it('exports JSON keyed by file name (optionally as lists) and JSONL one object per line', async () => {
			const json = await exportJson('');
			expect(Object.keys(json)).toEqual(['invoice-2024-03.txt', 'Invoice-2024-04.txt', 'receipt.txt']);
			expect(json['invoice-2024-03.txt']).toMatchObject({ file_name: 'invoice-2024-03.txt', status: 'processed' });
			expect(json['invoice-2024-03.txt'].results.invoice_number).toMatchObject({ value: 'A-1', confidence: 93 });
			expect(json['receipt.txt']).toEqual({ file_name: 'receipt.txt', status: 'error', results: {} });
			const lists = await exportJson('&as_lists=true');
			expect(lists['invoice-2024-03.txt'].results.invoice_number).toEqual([json['invoice-2024-03.txt'].results.invoice_number]);
			expect(lists['invoice-2024-03.txt'].results.issue_date).toEqual([]);

			const jsonl = await v1(fake, `/workflows/${workflowId}/results/?output_format=jsonl&as_lists=true`);
			const lines = jsonl.text.trimEnd().split('\n').map((l) => JSON.parse(l));
			expect(lines.map((l) => l.file_name)).toEqual(['invoice-2024-03.txt', 'Invoice-2024-04.txt', 'receipt.txt']);
			expect(lines[0].results.invoice_number.value).toBe('A-1'); // as_lists is ignored for jsonl
			expect((await v1(fake, `/workflows/${workflowId}/results/?output_format=xml`)).status).toBe(400);
		});

		it('filters by file name lookups', async () => {
			const names = async (query: string) => Object.keys(await exportJson(query));
			expect(await names('&file__name__iexact=INVOICE-2024-03.TXT')).toEqual(['invoice-2024-03.txt']);
			expect(await names('&file__name__icontains=INVOICE')).toEqual(['invoice-2024-03.txt', 'Invoice-2024-04.txt']);
			expect(await names('&file__name__not_icontains=invoice')).toEqual(['receipt.txt']);
			expect(await names('&file__name__not_iexact=receipt.txt')).toEqual(['invoice-2024-03.txt', 'Invoice-2024-04.txt']);
			expect(await names('&file__name__istartswith=inv&file__name__iendswith=04.TXT')).toEqual(['Invoice-2024-04.txt']);
		});

		it('filters by creation and last-processed dates (date or ISO datetime) and rejects bad dates', async () => {
			const names = async (query: string) => Object.keys(await exportJson(query));
			expect(await names('&file__created_at=2024-12-20')).toEqual(['Invoice-2024-04.txt']);
			expect(await names('&file__created_at__gte=2024-12-20')).toEqual(['Invoice-2024-04.txt', 'receipt.txt']);
			expect(await names('&file__created_at__lt=2024-12-20')).toEqual(['invoice-2024-03.txt']);
			expect(await names('&file__created_at__gt=2024-12-20T09:00:00Z')).toEqual(['receipt.txt']);
			expect(await names('&file__created_at__lte=2024-12-20T09:00:00Z')).toEqual(['invoice-2024-03.txt', 'Invoice-2024-04.txt']);
			expect(await names('&file__last_processed_at__gte=2024-12-20&file__last_processed_at__lt=2024-12-21')).toEqual(['Invoice-2024-04.txt']);
			expect(await names('&file__last_processed_at=2024-12-19T12:00:01Z')).toEqual(['invoice-2024-03.txt']);
			const bad = await v1(fake, `/workflows/${workflowId}/results/?file__created_at__gte=20-12-2024`);
			expect(bad.status).toBe(400);
			expect(bad.json).toMatchObject({ error_code: 'VALIDATION_ERROR' });
			expect(bad.json.detail).toContain('file__created_at__gte');
			expect((await v1(fake, `/workflows/${workflowId}/results/?file__last_processed_at=2024-02-30`)).status).toBe(400);
		});
	});

	it('limits v1 documents per minute with 429 and Retry-After', async () => {
		fake.configure({ anyformat: { rateLimits: { v1Documents: { limit: 2, windowMs: 60_000 } } } });
		try {
			const wf = await createWorkflow();
			const statuses: number[] = [];
			for (let i = 0; i < 3; i++) {
				const res = await v1(fake, `/workflows/${wf.id}/run/`, { method: 'POST', body: form([['text', 'x']]) });
				statuses.push(res.status);
				if (res.status === 429) {
					expect(res.json.error_code).toBe('RATE_LIMITED');
					expect(Number(res.headers.get('retry-after'))).toBe(60);
				}
			}
			expect(statuses).toEqual([200, 200, 429]);
			expect((await v1(fake, `/workflows/${wf.id}/`)).status).toBe(200);
			now += 60_000;
			expect((await v1(fake, `/workflows/${wf.id}/run/`, { method: 'POST', body: form([['text', 'x']]) })).status).toBe(200);
		} finally {
			fake.configure({ anyformat: { rateLimits: { v1Documents: { limit: 10, windowMs: 60_000 } } } });
		}
	});
});
