import { createHash } from 'node:crypto';
import { ACME_INVOICE_TEXT, ACME_INVOICE_WORKFLOW } from '../fixtures/invoices';
import { buildTextPdf, startFakeApi, type FakeApi } from './index';
import { AF_KEY, an, call, form, jsonBody, v2 } from './test-helpers';

describe('anyformat v2 fake', () => {
	let fake: FakeApi;

	beforeAll(async () => {
		// Long enough that "still running" assertions cannot race the clock; tests complete runs explicitly.
		fake = await startFakeApi({ anyformat: { latencyMs: 1500 } });
	});
	afterAll(() => fake.close());
	beforeEach(() => {
		fake.reset();
		fake.configure({ anyformat: { latencyMs: 1500 } });
	});

	const createWorkflow = async (body: unknown = ACME_INVOICE_WORKFLOW) => {
		const res = await v2(fake, '/v2/workflows/', jsonBody(body));
		expect(res.status).toBe(201);
		return res.json as { id: string; version_id: string };
	};

	const runText = async (workflowId: string, text: string) => {
		const res = await v2(fake, `/v2/workflows/${workflowId}/run/`, { method: 'POST', body: form([['text', text]]) });
		expect(res.status).toBe(202);
		return res.json as { id: string; status: string; workflow_id: string; version_id: string };
	};

	const waitReady = (id: string) => fake.waitFor(() => fake.anyformat.collections.find((c) => c.id === id && c.readyAt !== null), { timeoutMs: 3000 });

	describe('auth', () => {
		it('keeps /health/ public and stamps X-API-Version on every response', async () => {
			const res = await call(`${fake.url}/health/`);
			expect(res.status).toBe(200);
			expect(res.json).toEqual({ message: 'ok' });
			expect(res.headers.get('x-api-version')).toBe('2.0.0');
		});

		it('answers 403 ACCESS_DENIED for a missing, empty or non-Bearer credential', async () => {
			for (const headers of [{}, { authorization: 'Bearer ' }, { authorization: AF_KEY }, { 'x-api-key': AF_KEY }] as Array<Record<string, string>>) {
				const res = await call(`${fake.url}/v2/workflows/`, { headers });
				expect(res.status).toBe(403);
				expect(res.json).toMatchObject({ error_code: 'ACCESS_DENIED', retryable: false });
				expect(res.json.request_id).toMatch(/^[0-9a-f]{32}$/);
				expect(typeof res.json.error).toBe('string');
				expect(typeof res.json.detail).toBe('string');
			}
		});

		it('answers 401 AUTH_FAILED for an unknown key and 200 with rate-limit headers for a good one', async () => {
			const bad = await v2(fake, '/v2/workflows/', {}, 'af_wrong');
			expect(bad.status).toBe(401);
			expect(bad.json.error_code).toBe('AUTH_FAILED');
			const good = await call(`${fake.url}/v2/workflows/?page_size=1`, { headers: { Authorization: `bearer ${AF_KEY}` } });
			expect(good.status).toBe(200);
			expect(good.headers.get('x-ratelimit-limit')).toBe('600');
			expect(Number(good.headers.get('x-ratelimit-remaining'))).toBe(599);
			expect(Number(good.headers.get('x-ratelimit-reset'))).toBeGreaterThan(0);
			expect(good.headers.get('retry-after')).toBeNull();
			const entries = fake.log.filter((e) => e.vendor === 'anyformat-v2');
			expect(entries.map((e) => e.auth)).toEqual([
				{ scheme: 'bearer', valid: false },
				{ scheme: 'bearer', valid: true },
			]);
		});
	});

	it('redirects slash-less paths with 301, keeping the query', async () => {
		const res = await v2(fake, '/v2/workflows?page=2');
		expect(res.status).toBe(301);
		expect(res.headers.get('location')).toBe('/v2/workflows/?page=2');
		const post = await v2(fake, '/v2/workflows/abc/run', { method: 'POST' });
		expect(post.status).toBe(301);
		expect((await call(`${fake.url}/nothing-here`)).status).toBe(404);
	});

	describe('workflows', () => {
		it('creates from flat fields (type alias, string or object enum options) and reads it back', async () => {
			const created = await createWorkflow({
				name: 'Mixed',
				fields: [
					{ name: 'kind', description: 'Kind', type: 'enum', enum_options: ['A', 'B'] },
					{ name: 'tags', description: 'Tags', data_type: 'multi_select', enum_options: [{ name: 'x', description: 'X' }] },
				],
			});
			const got = await v2(fake, `/v2/workflows/${created.id}/`);
			expect(got.status).toBe(200);
			expect(got.json).toMatchObject({
				id: created.id,
				name: 'Mixed',
				description: null,
				fields: [
					{ name: 'kind', data_type: 'enum', enum_options: [{ name: 'A' }, { name: 'B' }] },
					{ name: 'tags', data_type: 'multi_select', enum_options: [{ name: 'x', description: 'X' }] },
				],
			});
			expect(got.json.created_at).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
		});

		it('creates from a node/edge graph', async () => {
			const created = await createWorkflow({
				name: 'Graph',
				nodes: [
					{ id: 'parse_1', type: 'parse' },
					{ id: 'extract_1', type: 'extract', extraction_schema: { fields: [{ name: 'invoice_number', description: 'id', data_type: 'string' }] } },
				],
				edges: [{ source: 'parse_1', target: 'extract_1' }],
			});
			expect(fake.anyformat.getWorkflow(created.id)?.fields).toEqual([{ name: 'invoice_number', description: 'id', data_type: 'string' }]);
		});

		it('rejects bad definitions with 400 VALIDATION_ERROR naming the field, and bad JSON with INVALID_JSON', async () => {
			const missing = await v2(fake, '/v2/workflows/', jsonBody({}));
			expect(missing.status).toBe(400);
			expect(missing.json).toMatchObject({ error_code: 'VALIDATION_ERROR' });
			expect(missing.json.detail).toContain("'name'");
			expect(missing.json.detail).toContain("'fields'");
			const badType = await v2(fake, '/v2/workflows/', jsonBody({ name: 'x', fields: [{ name: 'a', description: '', data_type: 'money' }] }));
			expect(badType.json.detail).toContain('fields[0].data_type');
			const noOptions = await v2(fake, '/v2/workflows/', jsonBody({ name: 'x', fields: [{ name: 'a', description: '', data_type: 'enum' }] }));
			expect(noOptions.json.detail).toContain('fields[0].enum_options');
			const twoParse = await v2(fake, '/v2/workflows/', jsonBody({ name: 'x', nodes: [{ id: 'a', type: 'parse' }, { id: 'b', type: 'parse' }] }));
			expect(twoParse.json.detail).toContain('exactly one node of type "parse"');
			const badJson = await v2(fake, '/v2/workflows/', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"name": ' });
			expect(badJson.status).toBe(400);
			expect(badJson.json.error_code).toBe('INVALID_JSON');
		});

		it('lists newest first with page/page_size, default 20, silently capped at 100', async () => {
			for (let i = 0; i < 105; i++) fake.anyformat.createWorkflow({ name: `wf-${i}`, fields: [{ name: 'a', description: '', data_type: 'string' }] });
			const first = await v2(fake, '/v2/workflows/');
			expect(first.json).toMatchObject({ count: 105, page: 1, page_size: 20 });
			expect(first.json.results).toHaveLength(20);
			expect(first.json.results[0].name).toBe('wf-104');
			expect(first.json.results[0].fields).toBeUndefined();
			const capped = await v2(fake, '/v2/workflows/?page_size=500');
			expect(capped.json.page_size).toBe(100);
			expect(capped.json.results).toHaveLength(100);
			const last = await v2(fake, '/v2/workflows/?page_size=500&page=2');
			expect(last.json.results.map((w: { name: string }) => w.name)).toEqual(['wf-4', 'wf-3', 'wf-2', 'wf-1', 'wf-0']);
			expect((await v2(fake, '/v2/workflows/?page=0')).status).toBe(400);
		});

		it('deletes a workflow (204) together with its collections', async () => {
			const wf = await createWorkflow();
			const run = await runText(wf.id, ACME_INVOICE_TEXT);
			expect((await v2(fake, `/v2/workflows/${wf.id}/`, { method: 'DELETE' })).status).toBe(204);
			expect((await v2(fake, `/v2/workflows/${wf.id}/`)).status).toBe(404);
			expect(fake.anyformat.collections.find((c) => c.id === run.id)).toBeUndefined();
			expect((await v2(fake, `/v2/workflows/${wf.id}/`, { method: 'DELETE' })).json.error_code).toBe('NOT_FOUND');
		});
	});

	describe('run and results', () => {
		it('accepts exactly one of file or text', async () => {
			const wf = await createWorkflow();
			const text = await runText(wf.id, ACME_INVOICE_TEXT);
			expect(text).toMatchObject({ status: 'accepted', workflow_id: wf.id, version_id: wf.version_id });
			const file = await v2(fake, `/v2/workflows/${wf.id}/run/`, { method: 'POST', body: form([['file', { data: ACME_INVOICE_TEXT, filename: 'inv.txt', type: 'text/plain' }]]) });
			expect(file.status).toBe(202);
			for (const fields of [[['text', 'a'], ['file', { data: 'b', filename: 'b.txt' }]], []] as Array<Array<[string, string | { data: string; filename: string }]>>) {
				const res = await v2(fake, `/v2/workflows/${wf.id}/run/`, { method: 'POST', body: form(fields) });
				expect(res.status).toBe(400);
				expect(res.json.error_code).toBe('VALIDATION_ERROR');
			}
			expect((await v2(fake, `/v2/workflows/nope/run/`, { method: 'POST', body: form([['text', 'x']]) })).status).toBe(404);
			expect(fake.anyformat.submissionsFor(wf.id)).toHaveLength(2);
		});

		it('rejects a file over 20 MB with 400 and a body over 25 MB with 413', async () => {
			const wf = await createWorkflow();
			const big = Buffer.alloc(21 * 1024 * 1024, 0x41);
			const res = await v2(fake, `/v2/workflows/${wf.id}/run/`, { method: 'POST', body: form([['file', { data: big, filename: 'big.pdf' }]]) });
			expect(res.status).toBe(400);
			expect(res.json.detail).toBe('File exceeds the 20 MB limit');
			const huge = Buffer.alloc(26 * 1024 * 1024, 0x41);
			const tooLarge = await v2(fake, `/v2/workflows/${wf.id}/run/`, { method: 'POST', body: form([['file', { data: huge, filename: 'huge.pdf' }]]) });
			expect(tooLarge.status).toBe(413);
			expect(fake.anyformat.collections).toHaveLength(0);
		});

		it('answers 412 while running, then 200 with results derived from the text', async () => {
			const wf = await createWorkflow();
			const run = await runText(wf.id, ACME_INVOICE_TEXT);
			const early = await v2(fake, `/v2/workflows/${wf.id}/files/${run.id}/results/`);
			expect(early.status).toBe(412);
			expect(early.json).toMatchObject({ error_code: 'PRECONDITION_FAILED', retryable: true });
			fake.anyformat.completeNow(run.id);
			const res = await v2(fake, `/v2/workflows/${wf.id}/files/${run.id}/results/`);
			expect(res.status).toBe(200);
			expect(res.json).toMatchObject({ collection_id: run.id, classifications: [], splits: [] });
			expect(res.json.parse.markdown).toContain('<DOCUMENT id="1" page="1">');
			expect(res.json.extractions).toHaveLength(1);
			expect(res.json.extractions[0]).toMatchObject({ split_name: null, partition: null });
			const fields = res.json.extraction;
			expect(res.json.extractions[0].fields).toEqual(fields);
			expect(fields.invoice_number).toEqual({
				value: 'INV-2024-0847',
				value_override: null,
				verification_status: 'not_verified',
				confidence: 93,
				evidence: [{ text: 'Invoice #INV-2024-0847', page_number: 1 }],
			});
			expect(fields.issue_date).toMatchObject({ value: '2024-03-15', confidence: 97 });
			expect(fields.currency).toMatchObject({ value: 'USD', confidence: 97 });
			expect(fields.paid).toMatchObject({ value: true });
			expect(fields.total_amount.value).toBe(1250);
			expect(fields.total_amount.confidence).toBeLessThan(80); // fuzzy label + currency symbol
			expect(fields.line_items).toHaveLength(2);
			expect(fields.line_items[0].description.value).toBe('Consulting Services');
			expect(fields.line_items[0].quantity.value).toBe(10);
			expect(fields.line_items[0].amount).toMatchObject({ value: 1000, evidence: [{ text: '| Consulting Services | 10 | $1,000.00 |', page_number: 1 }] });
			expect(fields.line_items[1].amount.value).toBe(250);

		});

		it('completes on its own timer, emitting job:ready, and records the timings', async () => {
			fake.configure({ anyformat: { latencyMs: 50 } });
			const wf = await createWorkflow();
			const ready = fake.waitFor(() => true, { event: 'job:ready' });
			const run = await runText(wf.id, ACME_INVOICE_TEXT);
			await ready;
			await waitReady(run.id);
			const res = await v2(fake, `/v2/workflows/${wf.id}/files/${run.id}/results/`);
			expect(res.status).toBe(200);
			const view = fake.anyformat.collections.find((c) => c.id === run.id)!;
			expect(view.status).toBe('processed');
			expect(view.readyAt! - view.submittedAt!).toBe(50);
			expect(view.firstResultFetchAt).toBeGreaterThanOrEqual(view.readyAt!);
		});

		it('answers 422 EXTRACTION_FAILED with a reason for error and cancelled runs; 404 for unknown ids', async () => {
			const wf = await createWorkflow();
			const failed = await runText(wf.id, 'Invoice #1\nFAIL_EXTRACTION');
			const cancelled = await runText(wf.id, 'CANCEL_EXTRACTION');
			fake.anyformat.completeNow(cancelled.id);
			fake.anyformat.completeNow(failed.id);
			const a = await v2(fake, `/v2/workflows/${wf.id}/files/${failed.id}/results/`);
			expect(a.status).toBe(422);
			expect(a.json).toMatchObject({ error_code: 'EXTRACTION_FAILED', retryable: false });
			expect(a.json.detail).toMatch(/could not be processed/);
			const b = await v2(fake, `/v2/workflows/${wf.id}/files/${cancelled.id}/results/`);
			expect(b.status).toBe(422);
			expect(b.json.detail).toMatch(/cancelled/);
			expect(fake.anyformat.collections.find((c) => c.id === cancelled.id)?.status).toBe('cancelled');
			expect((await v2(fake, `/v2/workflows/${wf.id}/files/00000000-0000-4000-8000-000000000000/results/`)).status).toBe(404);
		});

		it('walks pending → queued → in_progress → processed on the clock', async () => {
			let now = Date.UTC(2026, 0, 1);
			const timed = await startFakeApi({ clock: () => now, anyformat: { latencyMs: 1000 } });
			try {
				const wf = timed.anyformat.createWorkflow(ACME_INVOICE_WORKFLOW);
				const run = await v2(timed, `/v2/workflows/${wf.id}/run/`, { method: 'POST', body: form([['text', ACME_INVOICE_TEXT]]) });
				const statusAt = async (t: number) => {
					now = Date.UTC(2026, 0, 1) + t;
					const list = await v2(timed, `/v2/workflows/${wf.id}/files/`);
					return list.json.results[0].status as string;
				};
				expect(await statusAt(50)).toBe('pending');
				expect(await statusAt(200)).toBe('queued');
				expect(await statusAt(500)).toBe('in_progress');
				const ready = timed.waitFor(() => true, { event: 'job:ready' });
				expect(await statusAt(1000)).toBe('processed');
				await ready;
				const results = await v2(timed, `/v2/workflows/${wf.id}/files/${run.json.id}/results/`);
				expect(results.status).toBe(200);
				const view = timed.anyformat.collections[0];
				expect(view.readyAt).toBe(Date.UTC(2026, 0, 1) + 1000);
				expect(view.firstResultFetchAt).toBe(Date.UTC(2026, 0, 1) + 1000);
				const runs = await v2(timed, `/v2/workflows/${wf.id}/runs/`);
				expect(runs.json.results[0]).toEqual({ id: run.json.id, status: 'processed', created_at: '2026-01-01T00:00:00.000Z', updated_at: '2026-01-01T00:00:01.000Z' });
			} finally {
				await timed.close();
			}
		});

		it('uploads without processing, then runs the uploaded file', async () => {
			const wf = await createWorkflow();
			const up = await v2(fake, `/v2/workflows/${wf.id}/upload/`, { method: 'POST', body: form([['file', { data: ACME_INVOICE_TEXT, filename: 'invoice.txt', type: 'text/plain' }]]) });
			expect(up.status).toBe(201);
			expect(up.json).toMatchObject({ status: 'uploaded', filename: 'invoice.txt' });
			const listed = await v2(fake, `/v2/workflows/${wf.id}/files/`);
			expect(listed.json.results).toEqual([expect.objectContaining({ id: up.json.file_collection_id, name: null, status: 'pending' })]);
			expect((await v2(fake, `/v2/workflows/${wf.id}/runs/`)).json.count).toBe(0);
			expect(fake.anyformat.submissionsFor(wf.id)).toHaveLength(0);

			const run = await v2(fake, `/v2/workflows/${wf.id}/files/${up.json.file_id}/run/`, { method: 'POST' });
			expect(run.status).toBe(202);
			expect(run.json).toMatchObject({ id: up.json.file_collection_id, workflow_id: wf.id, version_id: wf.version_id });
			expect((await v2(fake, `/v2/workflows/${wf.id}/files/${run.json.id}/results/`)).status).toBe(412);
			fake.anyformat.completeNow(run.json.id);
			expect((await v2(fake, `/v2/workflows/${wf.id}/files/${run.json.id}/results/`)).json.extraction.invoice_number.value).toBe('INV-2024-0847');
			expect((await v2(fake, `/v2/workflows/${wf.id}/files/unknown-file/run/`, { method: 'POST' })).status).toBe(404);
			const log = fake.log.filter((e) => e.submission);
			expect(log.map((e) => e.route)).toEqual(['POST /v2/workflows/{workflow_id}/files/{file_id}/run/', 'POST /v2/workflows/{workflow_id}/files/{file_id}/run/']);
		});

		it('creates file collections from `files` and `files[]` parts and deletes collections', async () => {
			const wf = await createWorkflow();
			const a = await v2(fake, `/v2/workflows/${wf.id}/files/`, { method: 'POST', body: form([['files', { data: 'Invoice #1', filename: 'a.txt' }], ['files', { data: '', filename: 'empty.txt' }]]) });
			expect(a.status).toBe(201);
			expect(a.json).toMatchObject({ name: null, workflow_id: wf.id, files: [{ filename: 'a.txt', status: 'uploaded' }, { filename: 'empty.txt', status: 'failed' }] });
			const b = await v2(fake, `/v2/workflows/${wf.id}/files/`, { method: 'POST', body: form([['files[]', { data: 'Invoice #2', filename: 'b.txt' }]]) });
			expect(b.json.files).toEqual([expect.objectContaining({ filename: 'b.txt', status: 'uploaded' })]);
			const none = await v2(fake, `/v2/workflows/${wf.id}/files/`, { method: 'POST', body: form([['text', 'x']]) });
			expect(none.status).toBe(400);
			const list = await v2(fake, `/v2/workflows/${wf.id}/files/?page_size=1`);
			expect(list.json).toMatchObject({ count: 2, page_size: 1, results: [{ id: b.json.id }] });
			expect((await v2(fake, `/v2/files/${a.json.id}/`, { method: 'DELETE' })).status).toBe(204);
			expect((await v2(fake, `/v2/files/${a.json.id}/`, { method: 'DELETE' })).status).toBe(404);
			expect((await v2(fake, `/v2/workflows/${wf.id}/files/`)).json.count).toBe(1);
		});

		it('shows reviewer overrides as value_override', async () => {
			const wf = await createWorkflow();
			const run = await runText(wf.id, ACME_INVOICE_TEXT);
			fake.anyformat.completeNow(run.id);
			fake.anyformat.setValueOverride(run.id, 'total_amount', 1300);
			const res = await v2(fake, `/v2/workflows/${wf.id}/files/${run.id}/results/`);
			expect(res.json.extraction.total_amount).toMatchObject({ value: 1250, value_override: 1300, verification_status: 'verified' });
		});
	});

	it('keeps the early-v2 extraction endpoint as an alias (412, then a flat dict; as_lists wraps)', async () => {
		const wf = await createWorkflow();
		const run = await runText(wf.id, ACME_INVOICE_TEXT);
		expect((await v2(fake, `/v2/files/${run.id}/extraction/`)).status).toBe(412);
		fake.anyformat.completeNow(run.id);
		const flat = await v2(fake, `/v2/files/${run.id}/extraction/`);
		expect(flat.json.invoice_number).toEqual({
			value: 'INV-2024-0847',
			confidence: 93,
			evidence: [{ text: 'Invoice #INV-2024-0847', page_number: 1 }],
			verification_status: 'not_verified',
			value_unit: null,
		});
		const lists = await v2(fake, `/v2/files/${run.id}/extraction/?as_lists=true`);
		expect(lists.json.invoice_number).toEqual([flat.json.invoice_number]);
	});

	it('honours a custom extractor, a latency function and sidecar text for images', async () => {
		const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 9, 9, 9]);
		const sha = createHash('sha256').update(png).digest('hex');
		const custom = await startFakeApi({
			sidecarText: { [sha]: 'Invoice #SIDE-1' },
			anyformat: { latencyMs: (doc) => (doc.kind === 'image' ? 4000 : 0) },
			extractor: (input) => {
				if (input.vendor === 'anyformat' && input.document.text.includes('CUSTOM')) {
					return { invoice_number: { value: 'from-custom', confidence: 50, evidence: [], value_override: null, verification_status: 'not_verified' } };
				}
				if (input.vendor === 'anesya') return { custom: true, pages: input.document.pages };
				return undefined;
			},
		});
		try {
			const wf = custom.anyformat.createWorkflow(ACME_INVOICE_WORKFLOW);
			const image = await v2(custom, `/v2/workflows/${wf.id}/run/`, { method: 'POST', body: form([['file', { data: png, filename: 'scan.png', type: 'image/png' }]]) });
			const text = await v2(custom, `/v2/workflows/${wf.id}/run/`, { method: 'POST', body: form([['text', 'CUSTOM document']]) });
			const views = custom.anyformat.collections;
			expect(views.find((c) => c.id === image.json.id)?.latencyMs).toBe(4000);
			expect(views.find((c) => c.id === text.json.id)?.latencyMs).toBe(0);
			custom.anyformat.completeNow(image.json.id);
			const fromImage = await v2(custom, `/v2/workflows/${wf.id}/files/${image.json.id}/results/`);
			expect(fromImage.json.extraction.invoice_number.value).toBe('SIDE-1');
			const fromCustom = await v2(custom, `/v2/workflows/${wf.id}/files/${text.json.id}/results/`);
			expect(fromCustom.json.extraction).toEqual({
				invoice_number: { value: 'from-custom', value_override: null, verification_status: 'not_verified', confidence: 50, evidence: [] },
			});

			const schema = custom.anesya.createSchema({ name: 'S', schema: { type: 'object', properties: { a: { type: 'string' } } } });
			const extract = await an(custom, '/extract/', {
				method: 'POST',
				body: form([['document', { data: buildTextPdf('x\fy'), filename: 'x.pdf' }], ['server', 'EU-1'], ['schema', schema.id]]),
			});
			expect(custom.anesya.completeNow(extract.json.id).body.extracted_data).toEqual({ custom: true, pages: 2 });
		} finally {
			await custom.close();
		}
	});
});
