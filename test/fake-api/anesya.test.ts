import { buildTextPdf, startFakeApi, type FakeApi } from './index';
import { an, ANESYA_TOKEN, call, form, jsonBody, startReceiver, type Receiver } from './test-helpers';

/** The customs-invoice schema for FACTURE below (nested amount, paid, lines); unlike the fixtures' INVOICE_SCHEMA. */
const FACTURE_SCHEMA = {
	type: 'object',
	required: ['invoice_number', 'invoice_date', 'invoice_amount'],
	properties: {
		invoice_number: { type: 'string', description: 'Invoice number' },
		invoice_date: { type: 'string', format: 'date', description: 'Date of the invoice' },
		invoice_amount: {
			type: 'object',
			description: 'Amount',
			properties: {
				amount: { type: 'number', description: 'Total amount' },
				iso_4217_currency_code: { type: 'enum', enum: ['EUR', 'USD'], description: 'Currency code' },
			},
		},
		paid: { type: 'boolean', description: 'Paid' },
		lines: {
			type: 'array',
			description: 'Invoice lines',
			items: { type: 'object', properties: { label: { type: 'string' }, price: { type: 'number' } } },
		},
	},
};

const FACTURE = [
	'Facture N°: F-2024-001',
	'Invoice Date: 25/11/2024',
	'Amount: 1 250,00 €',
	'Currency code: EUR',
	'Paid: oui',
	'',
	'Lines',
	'| Label | Price |',
	'|---|---|',
	'| Audit | 1000,00 |',
	'| Frais | 250 |',
].join('\n');

describe('Anesya 0.8.1 fake', () => {
	let fake: FakeApi;

	beforeAll(async () => {
		fake = await startFakeApi({ anesya: { latencyMs: 1500, expiredTokens: ['old_token'] } });
	});
	afterAll(() => fake.close());
	beforeEach(() => {
		fake.reset();
		// Long enough that "not ready yet" assertions cannot race the clock; tests that need a natural finish shorten it.
		fake.configure({ anesya: { latencyMs: 1500 } });
	});

	const pdf = (text: string, compress = false) => ({ data: buildTextPdf(text, { compress }), filename: 'facture.pdf', type: 'application/pdf' });

	const createSchema = async () => {
		const res = await an(fake, '/schema/', jsonBody({ name: 'Invoice schema', description: 'Customs invoices', schema: FACTURE_SCHEMA }));
		expect(res.status).toBe(201);
		return res.json as { id: string };
	};

	const createExtract = async (fields: Array<[string, string | { data: Buffer; filename: string; type?: string }]>, query = '') => {
		return an(fake, `/extract/${query}`, { method: 'POST', body: form(fields) });
	};

	describe('auth', () => {
		it('answers 401 with the simplejwt body for missing, invalid and expired tokens', async () => {
			const missing = await call(`${fake.urls.anesya}/schema/`);
			expect(missing.status).toBe(401);
			expect(missing.json).toEqual({ detail: 'Authentication credentials were not provided.', code: 'not_authenticated', messages: [] });
			const invalid = await an(fake, '/schema/', {}, 'garbage');
			expect(invalid.status).toBe(401);
			expect(invalid.json).toEqual({
				detail: 'Given token not valid for any token type',
				code: 'token_not_valid',
				messages: [{ token_class: 'AccessToken', token_type: 'access', message: 'Token is invalid' }],
			});
			const expired = await an(fake, '/schema/', {}, 'old_token');
			expect(expired.json.messages[0].message).toBe('Token is expired');
		});

		it('rejects "Bearer <token>" unless acceptBearer is set', async () => {
			const bearer = await an(fake, '/schema/', {}, `Bearer ${ANESYA_TOKEN}`);
			expect(bearer.status).toBe(401);
			expect(fake.log.at(-1)?.auth).toEqual({ scheme: 'bearer', valid: false });
			fake.configure({ anesya: { acceptBearer: true } });
			try {
				expect((await an(fake, '/schema/', {}, `Bearer ${ANESYA_TOKEN}`)).status).toBe(200);
			} finally {
				fake.configure({ anesya: { acceptBearer: false } });
			}
			expect((await an(fake, '/schema/')).status).toBe(200);
			expect(fake.log.at(-1)?.auth).toEqual({ scheme: 'raw', valid: true });
		});
	});

	it('redirects a slash-less GET with 301 and 404s other methods', async () => {
		const get = await an(fake, '/schema?page=1&size=1');
		expect(get.status).toBe(301);
		expect(get.headers.get('location')).toBe('/anesya/schema/?page=1&size=1');
		const post = await an(fake, '/extract', { method: 'POST', body: form([['server', 'EU-1']]) });
		expect(post.status).toBe(404);
		expect(post.headers.get('content-type')).toContain('text/html');
	});

	it('creates, lists (DRF pagination with absolute links) and gets schemas', async () => {
		const schema = await createSchema();
		await an(fake, '/schema/', jsonBody({ name: 'Second', description: 'two', schema: { type: 'object', properties: {} } }));
		const page1 = await an(fake, '/schema/?page=1&size=1');
		expect(page1.json).toMatchObject({ count: 2, previous: null, next: `${fake.urls.anesya}/schema/?page=2&size=1` });
		expect(page1.json.results[0]).toMatchObject({ id: schema.id, name: 'Invoice schema', additional_informations: null });
		expect(page1.json.results[0].created_at).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/);
		const page2 = await an(fake, '/schema/?page=2&size=1');
		expect(page2.json).toMatchObject({ next: null, previous: `${fake.urls.anesya}/schema/?page=1&size=1` });
		expect((await an(fake, '/schema/?page=3&size=1')).json).toEqual({ detail: 'Invalid page.' });
		expect((await an(fake, '/schema/')).json.results).toHaveLength(2); // default size 50
		expect((await an(fake, `/schema/${schema.id}/`)).json.schema).toEqual(FACTURE_SCHEMA);
		expect((await an(fake, '/schema/00000000-0000-4000-8000-000000000000/')).status).toBe(404);
		const bad = await an(fake, '/schema/', jsonBody({ description: 'x', schema: { type: 'array' } }));
		expect(bad.status).toBe(400);
		expect(bad.json.name).toEqual(['This field is required.']);
		expect(bad.json.schema).toHaveLength(1);
	});

	describe('extracts', () => {
		it('creates an extract (201 CREATED), finishes it with extracted data, and charges pages × 3', async () => {
			fake.configure({ anesya: { latencyMs: 50 } });
			const schema = await createSchema();
			const res = await createExtract([
				['document', pdf(`${FACTURE}\fPage two`, true)],
				['server', 'FR-1'],
				['schema', schema.id],
				['metadata', '{"personal_id":"1234567890"}'],
			]);
			expect(res.status).toBe(201);
			expect(res.json).toMatchObject({
				document_name: 'facture.pdf',
				server: 'FR-1',
				status: 'CREATED',
				extraction_step: 'OCR',
				content: null,
				extracted_data: null,
				schema: schema.id,
				workflow: null,
				workflow_session_id: null,
				metadata: { personal_id: '1234567890' },
				content_images: [],
			});
			expect(res.json.document_url).toBe(`/document/${res.json.id}/?type=extract`);
			expect(fake.log.at(-1)).toMatchObject({ submission: true, jobIds: [res.json.id], route: 'POST /anesya/extract/' });

			await fake.waitFor(() => fake.anesya.extracts.find((e) => e.id === res.json.id && e.status === 'FINISHED'), { event: 'job:ready' });
			const got = await an(fake, `/extract/${res.json.id}/`);
			expect(got.json).toMatchObject({ status: 'FINISHED', extraction_step: 'LOCATION', credit_used: 6 });
			expect(got.json.content).toContain('Facture N°: F-2024-001');
			expect(got.json.extraction_time).toBeGreaterThan(0);
			expect(got.json.extracted_data).toEqual({
				invoice_number: 'F-2024-001',
				invoice_date: '2024-11-25',
				invoice_amount: { amount: 1250, iso_4217_currency_code: 'EUR' },
				paid: true,
				lines: [
					{ label: 'Audit', price: 1000 },
					{ label: 'Frais', price: 250 },
				],
			});
			expect(fake.anesya.creditsOf(ANESYA_TOKEN)).toBe(1_000_000 - 6);
		});

		it('validates the upload the DRF way', async () => {
			const missing = await createExtract([['server', 'XX-9']]);
			expect(missing.status).toBe(400);
			expect(missing.json).toEqual({ document: ['No file was submitted.'], server: ['"XX-9" is not a valid choice.'] });
			const txt = await createExtract([['document', { data: Buffer.from('hi'), filename: 'a.txt' }], ['server', 'EU-1']]);
			expect(txt.json.document[0]).toMatch(/File extension “txt” is not allowed/);
			const schema = await createExtract([['document', pdf('x')], ['server', 'EU-1'], ['schema', '00000000-0000-4000-8000-000000000000']]);
			expect(schema.json).toEqual({ schema: ['Invalid pk "00000000-0000-4000-8000-000000000000" - object does not exist.'] });
			const meta = await createExtract([['document', pdf('x')], ['server', 'EU-1'], ['metadata', '{oops']]);
			expect(meta.json).toEqual({ metadata: ['Value must be valid JSON.'] });
			const noServer = await createExtract([['document', pdf('x')]]);
			expect(noServer.json).toEqual({ server: ['This field is required.'] });
			expect(fake.anesya.extracts).toHaveLength(0);
		});

		it('honours pdf_page_start/pdf_page_end when counting pages', async () => {
			const res = await createExtract([['document', pdf('one\ftwo\fthree')], ['server', 'EU-1']], '?pdf_page_start=2&pdf_page_end=3');
			fake.anesya.completeNow(res.json.id);
			const got = await an(fake, `/extract/${res.json.id}/`);
			expect(got.json.credit_used).toBe(6);
			expect(got.json.content).toBe('two\fthree');
			expect((await createExtract([['document', pdf('one')], ['server', 'EU-1']], '?pdf_page_start=3&pdf_page_end=2')).status).toBe(400);
		});

		it('downloads csv/json/images only once finished (202 before)', async () => {
			const schema = await createSchema();
			const res = await createExtract([['document', pdf(FACTURE)], ['server', 'EU-1'], ['schema', schema.id]]);
			const early = await an(fake, `/extract/${res.json.id}/?download=csv`);
			expect(early.status).toBe(202);
			expect(early.json).toEqual({ detail: 'Resource accepted but not ready' });
			fake.anesya.completeNow(res.json.id);
			const csv = await an(fake, `/extract/${res.json.id}/?download=csv`);
			expect(csv.status).toBe(200);
			expect(csv.headers.get('content-disposition')).toContain('facture.csv');
			expect(csv.text.split('\r\n')[0]).toBe('invoice_number,invoice_date,invoice_amount.amount,invoice_amount.iso_4217_currency_code,paid,lines.label,lines.price');
			expect(csv.text.split('\r\n')[1]).toBe('F-2024-001,2024-11-25,1250,EUR,true,Audit,1000');
			const json = await an(fake, `/extract/${res.json.id}/?download=json`);
			expect(JSON.parse(json.text).invoice_number).toBe('F-2024-001');
			const zip = await fetch(`${fake.urls.anesya}/extract/${res.json.id}/?download=images`, { headers: { authorization: ANESYA_TOKEN } });
			expect(zip.headers.get('content-type')).toBe('application/zip');
			const bytes = Buffer.from(await zip.arrayBuffer());
			expect(bytes.readUInt32LE(bytes.length - 22)).toBe(0x06054b50); // end of central directory
			const defaulted = await an(fake, `/extract/${res.json.id}/?download=`);
			expect(defaulted.headers.get('content-type')).toContain('text/csv');
		});

		it('serves the original document and content images', async () => {
			const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(32, 7)]);
			const res = await createExtract([['document', { data: png, filename: 'scan.png', type: 'image/png' }], ['server', 'EU-1']]);
			fake.anesya.completeNow(res.json.id);
			const got = await an(fake, `/extract/${res.json.id}/`);
			expect(got.json.content_images).toHaveLength(1);
			const image = await fetch(`${fake.urls.anesya}${got.json.content_images[0].url}`, { headers: { authorization: ANESYA_TOKEN } });
			expect(Buffer.from(await image.arrayBuffer()).equals(png)).toBe(true);
			const doc = await fetch(`${fake.urls.anesya}${got.json.document_url}`, { headers: { authorization: ANESYA_TOKEN } });
			expect(doc.headers.get('content-type')).toBe('image/png');
			expect(Buffer.from(await doc.arrayBuffer()).equals(png)).toBe(true);
		});

		it('lists items without results, with the schema nested, filtered by search and metadata', async () => {
			const schema = await createSchema();
			const a = await createExtract([['document', { ...pdf('a'), filename: 'alpha.pdf' }], ['server', 'EU-1'], ['schema', schema.id], ['metadata', '{"client":"acme","ref":"1"}']]);
			const b = await createExtract([['document', { ...pdf('b'), filename: 'beta.pdf' }], ['server', 'EU-1'], ['metadata', '{"client":"globex"}']]);
			const list = await an(fake, '/extract/');
			expect(list.json.count).toBe(2);
			expect(list.json.results.map((e: { id: string }) => e.id)).toEqual([b.json.id, a.json.id]);
			const item = list.json.results[1];
			expect(['CREATED', 'IN_PROGRESS']).toContain(item.status);
			expect(item).toMatchObject({ id: a.json.id, document_name: 'alpha.pdf', schema: { name: 'Invoice schema', description: 'Customs invoices' } });
			expect(item.extracted_data).toBeUndefined();
			expect(item.content).toBeUndefined();
			expect(item.created_at).toBeDefined();
			const ids = async (query: string) => (await an(fake, `/extract/${query}`)).json.results.map((e: { id: string }) => e.id);
			expect(await ids('?search=ALPHA')).toEqual([a.json.id]);
			expect(await ids('?search=invoice%20sch')).toEqual([a.json.id]);
			expect(await ids('?meta_key=ref')).toEqual([a.json.id]);
			expect(await ids('?meta_value=globex')).toEqual([b.json.id]);
			expect(await ids('?meta_key=client&meta_value=acme')).toEqual([a.json.id]);
			expect((await an(fake, '/extract/?workflow_id=nope')).status).toBe(400);
		});

		it('deletes an extract (204, then 404)', async () => {
			const res = await createExtract([['document', pdf('x')], ['server', 'EU-1']]);
			expect((await an(fake, `/extract/${res.json.id}/`, { method: 'DELETE' })).status).toBe(204);
			const gone = await an(fake, `/extract/${res.json.id}/`);
			expect(gone.status).toBe(404);
			expect(gone.json).toEqual({ detail: 'No Extract matches the given query.' });
		});

		it('ends in ERROR for FAIL_EXTRACTION and refunds the credits', async () => {
			fake.anesya.setCredits(ANESYA_TOKEN, 10);
			const res = await createExtract([['document', pdf('FAIL_EXTRACTION')], ['server', 'EU-1']]);
			expect(fake.anesya.creditsOf(ANESYA_TOKEN)).toBe(7);
			fake.anesya.completeNow(res.json.id);
			const got = await an(fake, `/extract/${res.json.id}/`);
			expect(got.json).toMatchObject({ status: 'ERROR', credit_used: 0, content: null });
			expect(fake.anesya.creditsOf(ANESYA_TOKEN)).toBe(10);
		});

		it('answers 403 Insufficient credits without creating anything', async () => {
			fake.anesya.setCredits(ANESYA_TOKEN, 5);
			const res = await createExtract([['document', pdf('one\ftwo')], ['server', 'EU-1']]);
			expect(res.status).toBe(403);
			expect(res.json).toEqual({ detail: 'Insufficient credits.' });
			expect(fake.anesya.extracts).toHaveLength(0);
		});
	});

	describe('workflows and dashboard webhooks', () => {
		let receiver: Receiver;

		beforeEach(async () => {
			receiver = await startReceiver();
		});
		afterEach(() => receiver.close());

		it('uploads several documents into one workflow session and reports it by webhook', async () => {
			fake.configure({ anesya: { latencyMs: 50 } });
			const schema = await createSchema();
			const workflow = fake.anesya.createWorkflow({ name: 'Invoices', schemaId: schema.id, server: 'FR-2' });
			fake.anesya.setDashboardWebhooks([
				{ event: 'extract.completed', url: receiver.url },
				{ event: 'workflow.completed', url: receiver.url },
			]);
			const res = await an(fake, `/workflow/${workflow.id}/extract/`, {
				method: 'POST',
				body: form([
					['extracts[1][document]', { ...pdf('Invoice number: B'), filename: 'b.pdf' }],
					['extracts[0][document]', { ...pdf('Invoice number: A'), filename: 'a.pdf' }],
				]),
			});
			expect(res.status).toBe(201);
			expect(res.json).toHaveLength(2);
			expect(res.json.map((e: { document_name: string }) => e.document_name)).toEqual(['a.pdf', 'b.pdf']);
			const session = res.json[0].workflow_session_id;
			expect(Number.isInteger(session)).toBe(true);
			expect(res.json[1]).toMatchObject({ workflow: workflow.id, workflow_session_id: session, server: 'FR-2', schema: schema.id, status: 'CREATED' });
			expect(fake.log.at(-1)).toMatchObject({ submission: true, jobIds: res.json.map((e: { id: string }) => e.id) });

			const bySession = await an(fake, `/extract/?workflow_session_id=${session}&workflow_id=${workflow.id}`);
			expect(bySession.json.count).toBe(2);

			await fake.waitFor(() => receiver.requests.length >= 3 && fake.anesya.deliveries.every((d) => d.state === 'delivered'), { timeoutMs: 3000 });
			const bodies = receiver.requests.map((r) => JSON.parse(r.body));
			const extractEvents = bodies.filter((b) => b.event === 'extract.completed');
			expect(extractEvents).toHaveLength(2);
			expect(extractEvents[0].data).toMatchObject({ status: 'FINISHED', workflow: workflow.id });
			expect(extractEvents[0].id).toBe(fake.anesya.webhooks[0].id);
			expect(extractEvents[0].timestamp).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
			const workflowEvent = bodies.find((b) => b.event === 'workflow.completed');
			expect(workflowEvent.data).toMatchObject({ workflow: workflow.id, workflow_session_id: session, status: 'FINISHED' });
			expect(workflowEvent.data.extracts.map((e: { extracted_data: { invoice_number: string } }) => e.extracted_data.invoice_number).sort()).toEqual(['A', 'B']);
			expect(receiver.requests[0].headers['webhook-signature']).toBeUndefined(); // 0.8.x deliveries are unsigned
		});

		it('404s an unknown workflow and 400s an upload without documents', async () => {
			const unknown = await an(fake, '/workflow/00000000-0000-4000-8000-000000000000/extract/', { method: 'POST', body: form([['extracts[0][document]', pdf('x')]]) });
			expect(unknown.status).toBe(404);
			const workflow = fake.anesya.createWorkflow({ name: 'W' });
			const empty = await an(fake, `/workflow/${workflow.id}/extract/`, { method: 'POST', body: form([['foo', 'bar']]) });
			expect(empty.json).toEqual({ extracts: ['This field is required.'] });
		});

		it('retries a failed extract.failed delivery and can redeliver it', async () => {
			receiver.statuses = [500];
			fake.anesya.setDashboardWebhooks([{ event: 'extract.failed', url: receiver.url }]);
			const res = await createExtract([['document', pdf('FAIL_EXTRACTION')], ['server', 'EU-1']]);
			fake.anesya.completeNow(res.json.id);
			const delivery = await fake.waitFor(() => fake.anesya.deliveries.find((d) => d.state === 'delivered'), { timeoutMs: 3000 });
			expect(delivery.attempts.map((a) => a.status)).toEqual([500, 200]);
			expect(JSON.parse(receiver.requests[1].body)).toMatchObject({ event: 'extract.failed', data: { id: res.json.id, status: 'ERROR' } });
			fake.anesya.redeliver(delivery.id);
			await fake.waitFor(() => receiver.requests.length === 3 && delivery.state === 'delivered');
			expect(receiver.requests[2].body).toBe(receiver.requests[1].body);
		});
	});
});
