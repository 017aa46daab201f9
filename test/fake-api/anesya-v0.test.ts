import { createHmac } from 'node:crypto';

import { INVOICE_SCHEMA, invoiceText } from '../fixtures/invoices';
import { buildTextPdf, startFakeApi, verifyStandardWebhook, type FakeApi } from './index';
import { an, an0, ANESYA_TOKEN, ANESYA_V0_KEY, call, form, jsonBody, startReceiver, type Receiver } from './test-helpers';

const pdf = (text: string, filename = 'invoice.pdf') => ({ data: buildTextPdf(text), filename, type: 'application/pdf' });

describe('Anesya v0 fake', () => {
	let fake: FakeApi;
	let schemaId: string;

	beforeAll(async () => {
		fake = await startFakeApi({ anesya: { latencyMs: 1500 } });
	});
	afterAll(() => fake.close());
	beforeEach(() => {
		fake.reset();
		// Long enough that "not ready yet" assertions cannot race the clock; tests that need a natural finish shorten it.
		fake.configure({ anesya: { latencyMs: 1500, v0ListShape: 'page', crossGenerationKeys: false, v0WebhookSigning: 'standard' } });
		schemaId = fake.anesya.createSchema({ name: 'Invoices', description: 'Invoices', schema: INVOICE_SCHEMA }).id;
	});

	const upload = async (text = invoiceText(1), fields: Array<[string, string]> = [], query = '') => {
		const res = await an0(fake, `/documents${query}`, { method: 'POST', body: form([['file', pdf(text)], ...fields]) });
		return res;
	};

	describe('authentication', () => {
		it('wants the key in X-API-Key: a missing or unknown key, or a 0.8.1 token, gets {"detail": "Invalid API key"}', async () => {
			expect((await an0(fake, '/documents')).status).toBe(200);
			for (const headers of [{}, { 'x-api-key': 'nope' }, { 'x-api-key': ANESYA_TOKEN }] as Array<Record<string, string>>) {
				const res = await call(`${fake.urls.anesya}/v0/documents`, { headers });
				expect(res.status).toBe(401);
				expect(res.json).toEqual({ detail: 'Invalid API key' });
			}
			expect(fake.log.map((e) => e.auth)).toEqual([
				{ scheme: 'x-api-key', valid: true },
				{ scheme: 'none', valid: false },
				{ scheme: 'x-api-key', valid: false },
				{ scheme: 'x-api-key', valid: false },
			]);
		});

		it('an Authorization header next to a valid key ends in the JWT authenticator\'s 401 (send one header only)', async () => {
			const res = await an0(fake, '/documents', { headers: { authorization: ANESYA_TOKEN } });
			expect(res.status).toBe(401);
			expect(res.json).toMatchObject({ code: 'token_not_valid' });
			expect(fake.log[0].auth).toEqual({ scheme: 'both', valid: false });
		});

		it('a v0 key is refused by 0.8.1 and a 0.8.1 token by v0, unless crossGenerationKeys', async () => {
			expect((await an(fake, '/schema/', {}, ANESYA_V0_KEY)).status).toBe(401);
			expect((await an0(fake, '/documents', {}, ANESYA_TOKEN)).status).toBe(401);
			fake.configure({ anesya: { crossGenerationKeys: true } });
			expect((await an(fake, '/schema/', {}, ANESYA_V0_KEY)).status).toBe(200);
			expect((await an0(fake, '/documents', {}, ANESYA_TOKEN)).status).toBe(200);
		});

		it('has no trailing slashes: a slashed path is Django\'s HTML 404', async () => {
			const res = await an0(fake, '/documents/');
			expect(res.status).toBe(404);
			expect(res.headers.get('content-type')).toMatch(/text\/html/);
		});
	});

	describe('documents', () => {
		it('stores an upload (filename override, metadata, PDF trim) and answers 201 with the documented shape', async () => {
			const twoPages = `${invoiceText(1)}\f${invoiceText(2)}`;
			const res = await upload(twoPages, [['filename', 'renamed.pdf'], ['metadata', '{"source":"api"}']], '?pdf_page_start=2&pdf_page_end=2');
			expect(res.status).toBe(201);
			expect(res.json).toEqual({
				id: expect.stringMatching(/^[0-9a-f-]{36}$/),
				filename: 'renamed.pdf',
				file_url: `/v0/documents/${res.json.id}/download`,
				metadata: { source: 'api' },
				page_count: 1,
				created_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/),
				updated_at: expect.any(String),
			});
			expect(fake.log[0]).toMatchObject({ route: 'POST /anesya/v0/documents', submission: false, jobIds: [res.json.id] });
			expect((await an0(fake, `/documents/${res.json.id}`)).json).toEqual(res.json);
			expect((await an0(fake, '/documents/00000000-0000-4000-8000-000000000000')).json).toEqual({ detail: 'Document not found.' });
		});

		it('refuses an upload without a file or with an unknown type (DRF field errors)', async () => {
			expect((await an0(fake, '/documents', { method: 'POST', body: form([['filename', 'x.pdf']]) })).json).toEqual({ file: ['No file was submitted.'] });
			const docx = await an0(fake, '/documents', { method: 'POST', body: form([['file', { data: 'PK', filename: 'a.docx' }]]) });
			expect(docx.status).toBe(400);
			expect(docx.json.file[0]).toMatch(/not allowed/);
		});

		it('lists newest first, searches by file name and metadata, pages like DRF (or answers a bare array)', async () => {
			await an0(fake, '/documents', { method: 'POST', body: form([['file', pdf(invoiceText(1), 'a-invoice.pdf')], ['metadata', '{"customer":"acme"}']]) });
			await an0(fake, '/documents', { method: 'POST', body: form([['file', pdf(invoiceText(2), 'b-receipt.pdf')], ['metadata', '{"customer":"other"}']]) });
			const all = await an0(fake, '/documents?size=1');
			expect(all.json).toMatchObject({ count: 2, previous: null, results: [{ filename: 'b-receipt.pdf' }] });
			expect(all.json.next).toMatch(/\/anesya\/v0\/documents\?.*page=2/);
			expect((await an0(fake, '/documents?search=INVOICE')).json.results.map((d: { filename: string }) => d.filename)).toEqual(['a-invoice.pdf']);
			expect((await an0(fake, '/documents?meta_key=customer&meta_value=other')).json.results.map((d: { filename: string }) => d.filename)).toEqual(['b-receipt.pdf']);
			fake.configure({ anesya: { v0ListShape: 'array' } });
			expect((await an0(fake, '/documents')).json).toHaveLength(2);
		});

		it('download answers 302 to the storage host, which serves the bytes only without credentials and before the link expires', async () => {
			const bytes = buildTextPdf(invoiceText(3));
			const stored = (await an0(fake, '/documents', { method: 'POST', body: form([['file', { data: bytes, filename: 'scan 3.pdf', type: 'application/pdf' }]]) })).json;
			const redirect = await an0(fake, `/documents/${stored.id}/download`);
			expect(redirect.status).toBe(302);
			const location = redirect.headers.get('location')!;
			expect(new URL(location).origin).toBe(fake.urls.storage);
			expect(new URL(location).origin).not.toBe(new URL(fake.urls.anesya).origin);
			expect(location).toMatch(/\/storage\/[0-9a-f-]+\/scan%203\.pdf\?expires=\d+&signature=[0-9a-f]{64}$/);

			const file = await fetch(location);
			expect(file.status).toBe(200);
			expect(Buffer.from(await file.arrayBuffer()).equals(bytes)).toBe(true);
			const withKey = await call(location, { headers: { 'x-api-key': ANESYA_V0_KEY } });
			expect(withKey.status).toBe(400);
			expect(withKey.text).toMatch(/InvalidArgument/);
			expect((await call(location.replace(/signature=\w/, 'signature=0'))).status).toBe(403);
			expect(fake.log.filter((e) => e.vendor === 'storage').map((e) => [e.auth.scheme, e.status])).toEqual([
				['none', 200],
				['x-api-key', 400],
				['none', 403],
			]);

			fake.configure({ anesya: { v0DownloadLinkTtlMs: 0 } });
			const expiring = (await an0(fake, `/documents/${stored.id}/download`)).headers.get('location')!;
			await new Promise((resolve) => setTimeout(resolve, 5));
			const expired = await call(expiring);
			expect(expired.status).toBe(403);
			expect(expired.text).toMatch(/expired/);
		});
	});

	describe('parsing', () => {
		it('parses a stored document: IN_QUEUE → IN_PROGRESS → FINISHED with markdown and per-page OCR; 2 credits a page', async () => {
			fake.configure({ anesya: { latencyMs: 300 } });
			const doc = (await upload(`${invoiceText(1)}\f${invoiceText(2)}`)).json;
			const before = fake.anesya.creditsOf(ANESYA_V0_KEY);
			const created = await an0(fake, '/parsing', jsonBody({ document: doc.id, model: 'PIGALLE', picture_description_enabled: false, table_verification_enabled: true, metadata: { source: 'n8n' } }));
			expect(created.status).toBe(201);
			expect(created.json).toMatchObject({ status: 'IN_QUEUE', document: doc.id, model: 'PIGALLE', table_verification_enabled: true, metadata: { source: 'n8n' }, markdown_content: null, ocr_content: null, error: null });
			expect(fake.anesya.creditsOf(ANESYA_V0_KEY)).toBe(before - 4);
			expect(fake.log.at(-1)).toMatchObject({ route: 'POST /anesya/v0/parsing', submission: true, jobIds: [created.json.id] });

			await fake.waitFor(() => fake.anesyaV0.parsings.find((p) => p.status === 'IN_PROGRESS'), { timeoutMs: 2000 });
			await fake.waitFor(() => fake.anesyaV0.parsings.find((p) => p.status === 'FINISHED'), { timeoutMs: 2000 });
			const done = (await an0(fake, `/parsing/${created.json.id}`)).json;
			expect(done).toMatchObject({ status: 'FINISHED', page_count: 2, error: null });
			expect(done.markdown_content).toContain('Invoice Number: INV-1001');
			expect(done.markdown_content).toContain('Invoice Number: INV-1002');
			expect(done.ocr_content).toEqual([
				{ page: 1, status: 'FINISHED', text: expect.stringContaining('INV-1001'), error: null },
				{ page: 2, status: 'FINISHED', text: expect.stringContaining('INV-1002'), error: null },
			]);
			expect((await an0(fake, '/parsing/00000000-0000-4000-8000-000000000000')).json).toEqual({ detail: 'Parsing not found.' });
		});

		it('a list of URLs answers a list of parsings in order; an unknown URL ends in ERROR with a reason', async () => {
			fake.anesyaV0.serveUrl('https://files.example/a.pdf', { data: buildTextPdf(invoiceText(1)), fileName: 'a.pdf' });
			const res = await an0(fake, '/parsing', jsonBody({ document: ['https://files.example/a.pdf', 'https://files.example/missing.pdf'] }));
			expect(res.status).toBe(201);
			expect(res.json).toHaveLength(2);
			const [a, missing] = res.json.map((p: { id: string }) => fake.anesyaV0.completeNow(p.id));
			expect(a).toMatchObject({ status: 'FINISHED', markdown_content: expect.stringContaining('INV-1001') });
			expect(missing).toMatchObject({ status: 'ERROR', error: expect.stringContaining('https://files.example/missing.pdf'), markdown_content: null });
		});

		it('a page marked FAIL_PAGE gives PARTIAL_FINISHED with that page failed; FAIL_PARSING gives ERROR and a refund', async () => {
			const partial = (await an0(fake, '/parsing', { method: 'POST', body: form([['document', pdf(`${invoiceText(1)}\fFAIL_PAGE`)]]) })).json;
			expect(fake.anesyaV0.completeNow(partial.id)).toMatchObject({
				status: 'PARTIAL_FINISHED',
				ocr_content: [
					{ page: 1, status: 'FINISHED' },
					{ page: 2, status: 'ERROR', text: null, error: 'The page could not be read.' },
				],
			});
			const before = fake.anesya.creditsOf(ANESYA_V0_KEY);
			const failed = (await an0(fake, '/parsing', { method: 'POST', body: form([['document', pdf('FAIL_PARSING')]]) })).json;
			expect(fake.anesya.creditsOf(ANESYA_V0_KEY)).toBe(before - 2);
			expect(fake.anesyaV0.completeNow(failed.id)).toMatchObject({ status: 'ERROR', error: expect.stringMatching(/could not be parsed/) });
			expect(fake.anesya.creditsOf(ANESYA_V0_KEY)).toBe(before);
		});

		it('refuses bad input with DRF field errors and an empty balance with 403', async () => {
			expect((await an0(fake, '/parsing', jsonBody({}))).json).toEqual({ document: ['This field is required.'] });
			expect((await an0(fake, '/parsing', jsonBody({ document: 'not-a-thing' }))).status).toBe(400);
			expect((await an0(fake, '/parsing', jsonBody({ document: '00000000-0000-4000-8000-000000000000' }))).json.document[0]).toMatch(/does not exist/);
			expect((await an0(fake, '/parsing', jsonBody({ document: ['ftp://x'] }))).status).toBe(400);
			const doc = (await upload()).json;
			expect((await an0(fake, '/parsing', jsonBody({ document: doc.id, model: 'OTHER' }))).json).toEqual({ model: ['"OTHER" is not a valid choice.'] });
			fake.anesya.setCredits(ANESYA_V0_KEY, 1);
			expect((await an0(fake, '/parsing', jsonBody({ document: doc.id }))).json).toEqual({ detail: 'Insufficient credits' });
		});
	});

	describe('extract', () => {
		it('from a stored document parses first, then extracts the schema into `result`; 5 credits a page', async () => {
			const doc = (await upload()).json;
			const before = fake.anesya.creditsOf(ANESYA_V0_KEY);
			const created = await an0(fake, '/extract', jsonBody({ schema: schemaId, document: doc.id }));
			expect(created.status).toBe(201);
			expect(created.json).toMatchObject({ status: 'IN_QUEUE', schema: schemaId, document: doc.id, result: null, parsing: expect.any(String) });
			expect(fake.anesya.creditsOf(ANESYA_V0_KEY)).toBe(before - 5);
			const done = fake.anesyaV0.completeNow(created.json.id);
			expect(done).toMatchObject({ status: 'FINISHED', result: { invoice_number: 'INV-1001', total_amount: 1010, currency: 'EUR' } });
			expect((done.result as { line_items: unknown[] }).line_items).toHaveLength(2);
			expect(fake.anesyaV0.parsings[0]).toMatchObject({ id: created.json.parsing, status: 'FINISHED' });
		});

		it('from a parsing reuses it only once it is finished; 3 credits a page', async () => {
			const doc = (await upload()).json;
			const parsing = (await an0(fake, '/parsing', jsonBody({ document: doc.id }))).json;
			const early = await an0(fake, '/extract', jsonBody({ schema: schemaId, parsing: parsing.id }));
			expect(early.status).toBe(400);
			expect(early.json.parsing[0]).toMatch(/not finished yet \(status IN_QUEUE\)/);
			fake.anesyaV0.completeNow(parsing.id);
			const before = fake.anesya.creditsOf(ANESYA_V0_KEY);
			const created = (await an0(fake, '/extract', jsonBody({ schema: schemaId, parsing: parsing.id }))).json;
			expect(fake.anesya.creditsOf(ANESYA_V0_KEY)).toBe(before - 3);
			expect(created.parsing).toBe(parsing.id);
			expect(fake.anesyaV0.completeNow(created.id)).toMatchObject({ status: 'FINISHED', result: { invoice_number: 'INV-1001' } });
			expect(fake.anesyaV0.parsings).toHaveLength(1);
		});

		it('from a URL and from an uploaded file; FAIL_EXTRACTION ends in ERROR with `error`', async () => {
			fake.anesyaV0.serveUrl('https://files.example/7.pdf', { data: buildTextPdf(invoiceText(7)), fileName: '7.pdf' });
			const byUrl = (await an0(fake, '/extract', jsonBody({ schema: schemaId, document: 'https://files.example/7.pdf' }))).json;
			expect(fake.anesyaV0.completeNow(byUrl.id)).toMatchObject({ status: 'FINISHED', result: { invoice_number: 'INV-1007' } });
			const byFile = (await an0(fake, '/extract', { method: 'POST', body: form([['schema', schemaId], ['document', pdf(invoiceText(8, { fail: true }))]]) })).json;
			expect(fake.anesyaV0.completeNow(byFile.id)).toMatchObject({ status: 'ERROR', result: null, error: expect.stringMatching(/Extraction failed/) });
		});

		it('wants a known schema and exactly one of document or parsing; no URL lists', async () => {
			const doc = (await upload()).json;
			expect((await an0(fake, '/extract', jsonBody({ document: doc.id }))).json).toEqual({ schema: ['This field is required.'] });
			expect((await an0(fake, '/extract', jsonBody({ schema: '00000000-0000-4000-8000-000000000000', document: doc.id }))).json.schema[0]).toMatch(/does not exist/);
			expect((await an0(fake, '/extract', jsonBody({ schema: schemaId }))).json.non_field_errors).toHaveLength(1);
			expect((await an0(fake, '/extract', jsonBody({ schema: schemaId, document: doc.id, parsing: doc.id }))).json.non_field_errors).toHaveLength(1);
			expect((await an0(fake, '/extract', jsonBody({ schema: schemaId, document: ['https://a.example/x.pdf'] }))).status).toBe(400);
			expect((await an0(fake, '/extract/00000000-0000-4000-8000-000000000000')).json).toEqual({ detail: 'Extract not found.' });
		});
	});

	describe('faults and rate limits', () => {
		it('a fault on a v0 route acts before processing (nothing created) and is logged as a submission attempt', async () => {
			const doc = (await upload()).json;
			fake.injectFault({ method: 'POST', path: '/anesya/v0/parsing', kind: '503' });
			const failed = await an0(fake, '/parsing', jsonBody({ document: doc.id }));
			expect(failed.status).toBe(503);
			expect(fake.anesyaV0.parsings).toHaveLength(0);
			expect(fake.log.at(-1)).toMatchObject({ route: 'POST /anesya/v0/parsing', submission: true, fault: '503' });
			expect(fake.log.at(-1)!.jobIds).toBeUndefined();
			expect((await an0(fake, '/parsing', jsonBody({ document: doc.id }))).status).toBe(201);
		});

		it('throttles creates per API key with DRF\'s 429 and Retry-After', async () => {
			fake.configure({ anesya: { rateLimits: { submission: { limit: 1, windowMs: 60_000 } } } });
			const doc = (await upload()).json;
			expect((await an0(fake, '/parsing', jsonBody({ document: doc.id }))).status).toBe(201);
			const throttled = await an0(fake, '/parsing', jsonBody({ document: doc.id }));
			expect(throttled.status).toBe(429);
			expect(Number(throttled.headers.get('retry-after'))).toBeGreaterThan(0);
			fake.configure({ anesya: { rateLimits: false } });
		});
	});

	describe('webhooks', () => {
		let receiver: Receiver;
		beforeEach(async () => {
			receiver = await startReceiver();
		});
		afterEach(() => receiver.close());

		it('delivers the parsing events in order and extract.completed, signed Standard-Webhooks style with the webhook\'s own secret', async () => {
			fake.configure({ anesya: { latencyMs: 200 } });
			const hooks = fake.anesyaV0.setWebhooks([
				...['parsing.in_queue', 'parsing.in_progress', 'parsing.finished'].map((event) => ({ event, url: receiver.url })),
				{ event: 'extract.completed', url: receiver.url },
			]);
			expect(new Set(hooks.map((h) => h.secret)).size).toBe(4);
			const doc = (await upload()).json;
			const extract = (await an0(fake, '/extract', jsonBody({ schema: schemaId, document: doc.id }))).json;
			await fake.waitFor(() => receiver.requests.length >= 4, { event: 'delivery', timeoutMs: 3000 });
			const bodies = receiver.requests.map((r) => JSON.parse(r.body) as { id: string; event: string; timestamp: string; data: { id: string; status: string } });
			expect(bodies.map((b) => b.event)).toEqual(['parsing.in_queue', 'parsing.in_progress', 'parsing.finished', 'extract.completed']);
			expect(bodies[3]).toMatchObject({ data: { id: extract.id, status: 'FINISHED', result: { invoice_number: 'INV-1001' } } });
			expect(bodies[3].timestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}\+00:00$/);
			receiver.requests.forEach((request, i) => {
				const hook = hooks.find((h) => h.event === bodies[i].event)!;
				expect(bodies[i].id).toBe(hook.id);
				expect(verifyStandardWebhook(hook.secret, request.headers as Record<string, string>, request.body)).toBe(true);
				expect(verifyStandardWebhook(hooks.find((h) => h !== hook)!.secret, request.headers as Record<string, string>, request.body)).toBe(false);
			});
		});

		it('can sign with a hex HMAC of the raw body, or not at all; failures are delivered as parsing.failed / extract.failed', async () => {
			fake.configure({ anesya: { v0WebhookSigning: 'hmac-sha256' } });
			const [failedHook] = fake.anesyaV0.setWebhooks([{ event: 'parsing.failed', url: receiver.url }, { event: 'extract.failed', url: receiver.url }]);
			const parsing = (await an0(fake, '/parsing', { method: 'POST', body: form([['document', pdf('FAIL_PARSING')]]) })).json;
			fake.anesyaV0.completeNow(parsing.id);
			await fake.waitFor(() => receiver.requests.length >= 1, { event: 'delivery', timeoutMs: 3000 });
			const [request] = receiver.requests;
			expect(request.headers['x-anesya-signature']).toBe(`sha256=${createHmac('sha256', failedHook.secret).update(request.body).digest('hex')}`);
			expect(request.headers['webhook-signature']).toBeUndefined();

			fake.configure({ anesya: { v0WebhookSigning: 'none' } });
			const doc = (await upload(invoiceText(2, { fail: true }))).json;
			const extract = (await an0(fake, '/extract', jsonBody({ schema: schemaId, document: doc.id }))).json;
			fake.anesyaV0.completeNow(extract.id);
			await fake.waitFor(() => receiver.requests.length >= 2, { event: 'delivery', timeoutMs: 3000 });
			expect(JSON.parse(receiver.requests[1].body)).toMatchObject({ event: 'extract.failed', data: { id: extract.id, status: 'ERROR' } });
			expect(receiver.requests[1].headers['x-anesya-signature']).toBeUndefined();
		});
	});
});
