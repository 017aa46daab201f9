import type { IDataObject } from 'n8n-workflow';

import { buildTextPdf, FAIL_PAGE } from '../../../../../fake-api';
import { invoiceText } from '../../../../../fixtures/invoices';
import { invoicePdf, metaOf, useV0Env } from '../../v0-env';

const env = useV0Env();

function extract(parameters: IDataObject = {}, items = [invoicePdf(1)], options: { continueOnFail?: boolean } = {}) {
	return env.run({ resource: 'extract', operation: 'create', schemaId: env.schemaId, ...parameters }, { items, ...options });
}

const INVOICE_1 = {
	invoice_number: 'INV-1001',
	invoice_date: '2024-03-15',
	vendor: { vendor_name: 'Vendor 1' },
	total_amount: 1010,
	currency: 'EUR',
	line_items: [
		{ description: 'Consulting', quantity: 10, amount: 810 },
		{ description: 'Travel', quantity: 1, amount: 200 },
	],
};

describe('Extract → Create (API v0)', () => {
	it('from a file: stores it, extracts by document ID with the schema, waits, and outputs the fields', async () => {
		const { items, error } = await extract();
		expect(error).toBeUndefined();
		const [document] = env.fake.anesyaV0.documents;
		const [stored] = env.fake.anesyaV0.extracts;
		expect(items).toHaveLength(1);
		expect(items[0].json).toEqual({
			...INVOICE_1,
			_meta: { extractId: stored.id, status: 'FINISHED', schemaId: env.schemaId, parsingId: stored.parsing, documentId: document.id, metadata: null, error: null, createdAt: expect.any(String) },
		});
		expect(stored).toMatchObject({ document: document.id, ownParsing: true });
		expect(env.fake.log.filter((e) => e.method === 'POST').map((e) => e.route)).toEqual(['POST /anesya/v0/documents', 'POST /anesya/v0/extract']);
	});

	it('from a document ID, a URL and a parsing ID: the same fields', async () => {
		const document = (await env.run({ resource: 'document', operation: 'upload' }, { items: [invoicePdf(1)] })).items[0].json;
		env.fake.anesyaV0.serveUrl('https://files.example/invoice-1.pdf', { data: buildTextPdf(invoiceText(1)), fileName: 'invoice-1.pdf' });
		const parsing = (await env.run({ resource: 'parsing', operation: 'create' }, { items: [invoicePdf(1)] })).items[0].json;
		for (const input of [
			{ input: 'documentId', documentId: document.id },
			{ input: 'url', url: 'https://files.example/invoice-1.pdf' },
			{ input: 'parsingId', parsingId: metaOf(parsing).parsingId },
		] as IDataObject[]) {
			const { items, error } = await extract(input);
			expect({ input: input.input, error }).toEqual({ input: input.input, error: undefined });
			expect(items[0].json).toMatchObject(INVOICE_1);
		}
		// The parsing ID was reused, not parsed again: 2 own parsings (document, URL) + the one made by Parsing → Create.
		expect(env.fake.anesyaV0.parsings).toHaveLength(3);
		expect(env.fake.anesyaV0.extracts.at(-1)).toMatchObject({ parsing: metaOf(parsing).parsingId, ownParsing: false });
	});

	it('Detailed output has null confidences, Review Threshold flags nothing, Include Document Text reads the parsing', async () => {
		const { items } = await extract({ output: 'detailed', resultOptions: { reviewThreshold: 100, includeText: true } });
		expect(items[0].json.invoice_number).toEqual({ value: 'INV-1001', confidence: null, verificationStatus: null, evidence: [] });
		expect(items[0].json).toMatchObject({ needsReview: false, reviewFields: [], _text: expect.stringContaining('Invoice Number: INV-1001') });
		expect(env.calls('GET /anesya/v0/parsing/{id}')).toHaveLength(1);
	});

	it('Split Into Items gives one item per line item carrying the invoice fields; Raw is the extract as returned', async () => {
		const split = await extract({ resultOptions: { splitField: 'line_items' } });
		expect(split.items.map((i) => [i.json.description, i.json.invoice_number])).toEqual([
			['Consulting', 'INV-1001'],
			['Travel', 'INV-1001'],
		]);
		const raw = await extract({ output: 'raw' });
		expect(raw.items[0].json).toMatchObject({ status: 'FINISHED', result: INVOICE_1, schema: env.schemaId });
	});

	it('a batch runs as a pipeline and keeps input order; an ERROR fails only its item under Continue On Fail', async () => {
		env.reset(300);
		const { items, error } = await extract({}, [invoicePdf(1), invoicePdf(2, { text: invoiceText(2, { fail: true }), fileName: 'bad.pdf' }), invoicePdf(3)], { continueOnFail: true });
		expect(error).toBeUndefined();
		expect(items.map((i) => i.json.invoice_number ?? i.json.error)).toEqual([
			'INV-1001',
			expect.stringMatching(/^Anesya could not extract "bad.pdf" \(extract [0-9a-f-]+\): Extraction failed: no data could be extracted with this schema\.$/),
			'INV-1003',
		]);
		expect(env.submissions()).toHaveLength(3);
	});

	it('from a parsing that is not finished yet: Anesya\'s 400 names the field, and says the field name is inferred', async () => {
		env.reset(5000);
		const parsing = (await env.run({ resource: 'parsing', operation: 'create', waitForCompletion: false }, { items: [invoicePdf(1)] })).items[0].json;
		const { error } = await extract({ input: 'parsingId', parsingId: metaOf(parsing).parsingId });
		expect(error?.message).toBe('Anesya refused the request: parsing: The parsing is not finished yet (status IN_QUEUE).');
		expect(error?.description).toMatch(/POST \/v0\/extract \{"schema", "document" \| "parsing"\}, which is inferred/);
	});

	it('a page that failed does not stop the extract: the fields of the pages read', async () => {
		const { items } = await extract({}, [invoicePdf(1, { text: `${invoiceText(1)}\f${FAIL_PAGE}` })]);
		expect(items[0].json).toMatchObject({ invoice_number: 'INV-1001' });
	});

	it('a schema ID that is not a UUID fails before any request, naming where to find it', async () => {
		const { error } = await extract({ schemaId: '={{ "invoices" }}' });
		expect(error?.message).toMatch(/^Schema ID: "invoices" is not a valid ID/);
		expect(error?.description).toMatch(/Anesya dashboard/);
		expect(env.fake.log).toHaveLength(0);
	});

	it('an unknown schema: Anesya\'s 400 reaches the user', async () => {
		const { error } = await extract({ schemaId: '00000000-0000-4000-8000-000000000000' }, [invoicePdf(1)]);
		expect(error?.message).toBe('Anesya refused the request: schema: Invalid pk "00000000-0000-4000-8000-000000000000" - object does not exist.');
	});
});
