import type { IDataObject } from 'n8n-workflow';

import { byId, fileItem } from '../../../../helpers/n8n-harness';
import { invoicePdfItem, metaOf, TOKEN, useAnesyaEnv } from '../../anesya-env';

const env = useAnesyaEnv();

function extractWithSchema(parameters: IDataObject = {}, items = [invoicePdfItem(1)], options: { continueOnFail?: boolean; token?: string } = {}) {
	return env.run({ resource: 'extract', operation: 'extractWithSchema', schema: byId(env.schemaId), ...parameters }, { items, ...options });
}

describe('Extract → Extract With Schema', () => {
	it('uploads the document with server, schema, metadata and page range, waits, and outputs the fields', async () => {
		const { items, error } = await extractWithSchema({
			server: 'FR-2',
			options: {
				metadata: { values: [{ key: 'order_id', value: 'A-17' }, { key: 'customer', value: 'ACME' }] },
				pdfPageStart: 1,
				pdfPageEnd: 1,
			},
		});
		expect(error).toBeUndefined();
		expect(items).toHaveLength(1);
		expect(items[0].json).toMatchObject({
			invoice_number: 'INV-1001',
			invoice_date: '2024-03-15',
			vendor: { vendor_name: 'Vendor 1' },
			total_amount: 1010,
			currency: 'EUR',
			line_items: [
				{ description: 'Consulting', quantity: 10, amount: 810 },
				{ description: 'Travel', quantity: 1, amount: 200 },
			],
			_meta: {
				status: 'FINISHED',
				documentName: 'invoice-1.pdf',
				metadata: { order_id: 'A-17', customer: 'ACME' },
				creditUsed: 3,
				workflowSessionId: null,
				workflowId: null,
			},
		});
		expect(items[0].pairedItem).toEqual({ item: 0 });
		const [stored] = env.fake.anesya.extracts;
		expect(metaOf(items[0].json).extractId).toBe(stored.id);
		expect(stored).toMatchObject({ schemaId: env.schemaId, documentName: 'invoice-1.pdf' });
		expect(stored.body).toMatchObject({ server: 'FR-2', metadata: { order_id: 'A-17', customer: 'ACME' } });
		const [upload] = env.uploads();
		expect(upload).toMatchObject({ method: 'POST', path: '/anesya/extract/', query: { pdf_page_start: '1', pdf_page_end: '1' }, status: 201 });
		// The raw token in Authorization, every path with its trailing slash.
		expect(env.fake.log.every((e) => e.auth.scheme === 'raw' && e.auth.valid && e.path.endsWith('/'))).toBe(true);
	});

	it('Detailed output has null confidences; Review Threshold flags nothing; Include Document Text adds _text', async () => {
		const { items } = await extractWithSchema({ output: 'detailed', resultOptions: { reviewThreshold: 100, includeText: true } });
		expect(items[0].json.invoice_number).toEqual({ value: 'INV-1001', confidence: null, verificationStatus: null, evidence: [] });
		expect(items[0].json.needsReview).toBe(false);
		expect(items[0].json.reviewFields).toEqual([]);
		expect(items[0].json._text).toEqual(expect.stringContaining('Invoice Number: INV-1001'));
	});

	it('Split Into Items gives one item per line item carrying the invoice fields', async () => {
		const { items } = await extractWithSchema({ resultOptions: { splitField: 'line_items' } });
		expect(items.map((i) => [i.json.description, i.json.invoice_number])).toEqual([
			['Consulting', 'INV-1001'],
			['Travel', 'INV-1001'],
		]);
		expect(items.map((i) => metaOf(i.json).rowIndex)).toEqual([0, 1]);
	});

	it('Raw output is the Extract as the API returns it', async () => {
		const { items } = await extractWithSchema({ output: 'raw' });
		expect(items[0].json).toMatchObject({ status: 'FINISHED', extracted_data: expect.any(Object), content: expect.any(String), document_url: expect.any(String) });
	});

	it('without waiting outputs the created extract at once, with _meta.extractId', async () => {
		const { items } = await extractWithSchema({ waitForCompletion: false });
		expect(items[0].json).toMatchObject({ status: 'CREATED', _meta: { extractId: expect.any(String), status: 'CREATED' } });
		expect(env.fake.log.filter((e) => e.method === 'GET')).toHaveLength(0);
	});

	it('sends an image with its extension but no page range (PDF only)', async () => {
		const png = fileItem(Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex'), 'scan', 'image/png');
		const { items, error } = await extractWithSchema({ waitForCompletion: false, options: { pdfPageStart: 2 } }, [png]);
		expect(error).toBeUndefined();
		expect(items[0].json.document_name).toBe('scan.png');
		expect(env.uploads()[0].query).toEqual({});
	});

	it('a batch runs as a pipeline: one upload per document, statuses from the list, details only when finished', async () => {
		env.reset(400);
		const count = 8;
		const { items, error } = await extractWithSchema({}, Array.from({ length: count }, (_, n) => invoicePdfItem(n)));
		expect(error).toBeUndefined();
		expect(items.map((i) => i.json.invoice_number)).toEqual(Array.from({ length: count }, (_, n) => `INV-${1000 + n}`));
		expect(items.map((i) => (i.pairedItem as { item: number }).item)).toEqual(Array.from({ length: count }, (_, n) => n));
		expect(env.uploads()).toHaveLength(count);
		const lists = env.calls('GET /anesya/extract/');
		const details = env.calls('GET /anesya/extract/{id}/');
		expect(lists.length).toBeGreaterThan(0);
		// Each extract is read in full once, after the list showed it finished.
		expect(details).toHaveLength(count);
		expect(new Set(details.map((d) => d.path)).size).toBe(count);
		const extracts = env.fake.anesya.extracts;
		const firstReady = Math.min(...extracts.map((e) => e.readyAt!));
		expect(extracts.filter((e) => e.submittedAt < firstReady).length).toBeGreaterThan(1);
	});

	it('an extract that ends in ERROR fails its item with the extract ID; Continue On Fail keeps the others', async () => {
		const { items, error } = await extractWithSchema({}, [invoicePdfItem(1), invoicePdfItem(2, { fail: true })], { continueOnFail: true });
		expect(error).toBeUndefined();
		expect(items[0].json.invoice_number).toBe('INV-1001');
		const failed = env.fake.anesya.extracts.find((e) => e.outcome === 'ERROR')!;
		expect(items[1].json.error).toBe(`Anesya could not extract "invoice-2.pdf" (extract ${failed.id}): it ended with status ERROR during step PARSING`);
		expect(items[1].pairedItem).toEqual({ item: 1 });
	});

	it('fails a document still processing at the timeout with its extract ID', async () => {
		env.reset(5000);
		const { error } = await extractWithSchema({ timeout: 1 });
		const [stored] = env.fake.anesya.extracts;
		expect(error?.message).toBe(`"invoice-1.pdf" is still processing after 1 s (extract ${stored.id})`);
		expect(error?.description).toMatch(/Extract → Get/);
	});

	describe('bad input fails before any request', () => {
		const cases: Array<[string, IDataObject, ReturnType<typeof invoicePdfItem>[] | undefined, RegExp]> = [
			['a Word file', {}, [fileItem('PK', 'offer.docx', 'application/vnd.openxmlformats-officedocument.wordprocessingml.document')], /^Input Binary Field: file "offer.docx".*type Anesya does not accept \[item 0\]$/],
			['a missing binary field', { binaryPropertyName: 'attachment' }, undefined, /^Input Binary Field: the item has no binary field "attachment"/],
			// n8n checks a typed-in ID itself; a mapped one reaches the node.
			['a mapped schema that is not a UUID', { schema: byId('={{ "invoices" }}') }, undefined, /^Schema: "invoices" is not a valid ID/],
			['a page range ending before it starts', { options: { pdfPageStart: 3, pdfPageEnd: 2 } }, undefined, /^PDF Page End: page 2 comes before PDF Page Start \(3\)/],
			['a page number below 1', { options: { pdfPageStart: 0 } }, undefined, /^PDF Page Start: "0" is not a whole page number/],
			['a classifier that is not a UUID', { options: { classifierId: 'invoice-classifier' } }, undefined, /^Classifier ID: "invoice-classifier" is not a valid ID/],
			['a metadata entry without key', { options: { metadata: { values: [{ key: ' ', value: 'x' }] } } }, undefined, /^Metadata: entry 1 has no key/],
			['a repeated metadata key', { options: { metadata: { values: [{ key: 'a', value: '1' }, { key: 'a', value: '2' }] } } }, undefined, /^Metadata: the key "a" appears twice/],
			['an unknown server', { server: 'US-1' }, undefined, /^Server: "US-1" is not an Anesya server/],
		];
		it.each(cases)('%s', async (_name, parameters, items, message) => {
			const { error } = await extractWithSchema(parameters, items);
			expect(error?.message).toMatch(message);
			expect(env.fake.log).toHaveLength(0);
		});

		it('one bad item stops the whole batch before the first upload', async () => {
			const { error } = await extractWithSchema({}, [invoicePdfItem(1), fileItem('x', 'notes.txt', 'text/plain')]);
			expect(error?.message).toMatch(/^Input Binary Field: file "notes.txt".*\[item 1\]$/);
			expect(env.fake.log).toHaveLength(0);
		});
	});

	describe('API failures', () => {
		it('an expired token: says tokens have lifetimes and where to create a new one', async () => {
			const { error } = await extractWithSchema({}, undefined, { token: 'expired_token' });
			expect(error?.message).toBe('Anesya rejected the API token (401): Given token not valid for any token type: Token is expired');
			expect(error?.description).toMatch(/1, 3 or 6 months, or unlimited/);
			expect(error?.description).toMatch(/My Account → API/);
			expect(JSON.stringify(error)).not.toContain('expired_token');
		});

		it('insufficient credits (403): says so, and the upload is not retried', async () => {
			env.fake.anesya.setCredits(TOKEN, 1);
			const { error } = await extractWithSchema();
			expect(error?.message).toBe('Anesya refused the request: insufficient credits (403): Insufficient credits.');
			expect(error?.description).toMatch(/not retried/);
			expect(env.uploads()).toHaveLength(1);
		});

		it('a schema Anesya does not know: the DRF field error, readable', async () => {
			const { error } = await extractWithSchema({ schema: byId('00000000-0000-4000-8000-000000000000') });
			expect(error?.message).toBe('Anesya refused the request: schema: Invalid pk "00000000-0000-4000-8000-000000000000" - object does not exist.');
		});

		it('a 500 before the upload was stored: looked for by its tag since the attempt, then sent once more', async () => {
			env.fake.injectFault({ method: 'POST', path: '/anesya/extract/', kind: '500' });
			const { items, error } = await extractWithSchema();
			expect(error).toBeUndefined();
			expect(items[0].json.invoice_number).toBe('INV-1001');
			expect(env.uploads().map((e) => e.status)).toEqual([500, 201]);
			const lookups = env.calls('GET /anesya/extract/').filter((e) => e.query.meta_key === 'n8n_submission_id');
			expect(lookups).toHaveLength(1);
			expect(env.fake.anesya.extracts).toHaveLength(1);
			expect(metaOf(items[0].json)).not.toHaveProperty('possibleDuplicate');
		});

		it('an unreadable answer after the upload was stored: found by its tag and adopted, not sent again', async () => {
			env.fake.injectFault({ method: 'POST', path: '/anesya/extract/', kind: 'malformed' });
			const { items, error } = await extractWithSchema();
			const [stored] = env.fake.anesya.extracts;
			expect(error).toBeUndefined();
			expect(env.fake.anesya.extracts).toHaveLength(1);
			expect(env.uploads()).toHaveLength(1);
			expect(items[0].json.invoice_number).toBe('INV-1001');
			expect(metaOf(items[0].json)).toMatchObject({ extractId: stored.id, metadata: {} });
		});
	});
});
