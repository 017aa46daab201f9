import type { IDataObject } from 'n8n-workflow';

import { buildTextPdf, FAIL_PAGE, FAIL_PARSING } from '../../../../../fake-api';
import { invoiceText } from '../../../../../fixtures/invoices';
import { fileItem } from '../../../../../helpers/n8n-harness';
import { invoicePdf, LEGACY_TOKEN, metaOf, useV0Env } from '../../v0-env';

const env = useV0Env();

function parse(parameters: IDataObject = {}, items = [invoicePdf(1)], options: { continueOnFail?: boolean; credential?: IDataObject } = {}) {
	return env.run({ resource: 'parsing', operation: 'create', ...parameters }, { items, ...options });
}

describe('Parsing → Create (API v0)', () => {
	it('stores the file as a document, parses it by ID, waits, and outputs the markdown and each page', async () => {
		const { items, error } = await parse({ options: { tableVerification: true, metadata: { values: [{ key: 'order', value: 'A-1' }] } } });
		expect(error).toBeUndefined();
		expect(items).toHaveLength(1);
		const [document] = env.fake.anesyaV0.documents;
		const [parsing] = env.fake.anesyaV0.parsings;
		expect(document).toMatchObject({ filename: 'invoice-1.pdf', metadata: { order: 'A-1' } });
		expect(parsing).toMatchObject({ document: document.id, model: 'PIGALLE', table_verification_enabled: true, picture_description_enabled: false, metadata: { order: 'A-1' } });
		expect(items[0].json).toEqual({
			markdown: expect.stringContaining('Invoice Number: INV-1001'),
			pages: [{ page: 1, status: 'FINISHED', text: expect.stringContaining('INV-1001'), error: null }],
			partial: false,
			failedPages: [],
			_meta: { parsingId: parsing.id, status: 'FINISHED', documentId: document.id, model: 'PIGALLE', metadata: { order: 'A-1' }, error: null, createdAt: expect.any(String) },
		});
		expect(items[0].pairedItem).toEqual({ item: 0 });
		// One credential header (X-API-Key), no trailing slashes, the upload before the paid step.
		expect(env.fake.log.map((e) => e.route)).toEqual(['POST /anesya/v0/documents', 'POST /anesya/v0/parsing', ...env.fake.log.slice(2).map(() => 'GET /anesya/v0/parsing/{id}')]);
		expect(env.fake.log.every((e) => e.auth.scheme === 'x-api-key' && e.auth.valid && !e.path.endsWith('/'))).toBe(true);
	});

	it('a batch of 5 PDFs gives 5 items with markdown, in input order, submitted as a pipeline (several before the first status check)', async () => {
		env.reset(400);
		const { items, error } = await parse({}, Array.from({ length: 5 }, (_, n) => invoicePdf(n)));
		expect(error).toBeUndefined();
		expect(items.map((i) => (i.json.markdown as string).match(/INV-\d+/)?.[0])).toEqual(['INV-1000', 'INV-1001', 'INV-1002', 'INV-1003', 'INV-1004']);
		expect(items.map((i) => (i.pairedItem as { item: number }).item)).toEqual([0, 1, 2, 3, 4]);
		expect(env.submissions()).toHaveLength(5);
		const firstDone = Math.min(...env.fake.log.filter((e) => e.route === 'GET /anesya/v0/parsing/{id}').map((e) => e.at));
		expect(env.submissions().filter((e) => e.at < firstDone).length).toBeGreaterThan(1);
	});

	it('parses a stored document by its ID, and a public URL', async () => {
		const stored = (await env.run({ resource: 'document', operation: 'upload' }, { items: [invoicePdf(2)] })).items[0].json;
		env.fake.anesyaV0.serveUrl('https://files.example/invoice-3.pdf', { data: buildTextPdf(invoiceText(3)), fileName: 'invoice-3.pdf' });
		const byId = await parse({ input: 'documentId', documentId: stored.id });
		const byUrl = await parse({ input: 'url', url: 'https://files.example/invoice-3.pdf' });
		expect(byId.items[0].json.markdown).toContain('INV-1002');
		expect(metaOf(byId.items[0].json).documentId).toBe(stored.id);
		expect(byUrl.items[0].json.markdown).toContain('INV-1003');
		expect(env.fake.anesyaV0.documents).toHaveLength(2); // the upload, and the one Anesya keeps for the URL
	});

	it('a URL list gives one parsing and one output item per URL, all paired with their input item', async () => {
		const urls = [1, 2, 3].map((n) => `https://files.example/${n}.pdf`);
		urls.forEach((url, i) => env.fake.anesyaV0.serveUrl(url, { data: buildTextPdf(invoiceText(i + 1)), fileName: `${i + 1}.pdf` }));
		const { items, error } = await parse({ input: 'urlList', urls: urls.join('\n') });
		expect(error).toBeUndefined();
		expect(items.map((i) => (i.json.markdown as string).match(/INV-\d+/)?.[0])).toEqual(['INV-1001', 'INV-1002', 'INV-1003']);
		expect(items.every((i) => (i.pairedItem as { item: number }).item === 0)).toBe(true);
		expect(env.submissions()).toHaveLength(1);
		// An array from an expression works too.
		const mapped = await parse({ input: 'urlList', urls: '={{ $json.links }}' }, [{ json: { links: urls.slice(0, 2) } }]);
		expect(mapped.items).toHaveLength(2);
	});

	it('PARTIAL_FINISHED is a result, reported on the item with the failed pages', async () => {
		const { items, error } = await parse({}, [invoicePdf(1, { text: `${invoiceText(1)}\f${FAIL_PAGE}` })]);
		expect(error).toBeUndefined();
		expect(items[0].json).toMatchObject({
			partial: true,
			failedPages: [2],
			warning: 'Anesya parsed this document only in part: page 2 failed',
			pages: [{ page: 1, status: 'FINISHED' }, { page: 2, status: 'ERROR', text: null, error: 'The page could not be read.' }],
			_meta: { status: 'PARTIAL_FINISHED' },
		});
		expect(items[0].json.markdown).toContain('INV-1001');
	});

	it("ERROR fails the item with Anesya's own reason; Continue On Fail keeps the others", async () => {
		const { items, error } = await parse({}, [invoicePdf(1), invoicePdf(2, { text: FAIL_PARSING, fileName: 'broken.pdf' })], { continueOnFail: true });
		expect(error).toBeUndefined();
		expect(items[0].json.markdown).toContain('INV-1001');
		const failed = env.fake.anesyaV0.parsings.find((p) => p.status === 'ERROR')!;
		expect(items[1].json.error).toBe(`Anesya could not parse "broken.pdf" (parsing ${failed.id as string}): The document could not be parsed: it is unreadable or empty.`);
		expect(items[1].pairedItem).toEqual({ item: 1 });
	});

	it('without waiting outputs the created parsing at once, with _meta.parsingId', async () => {
		const { items } = await parse({ waitForCompletion: false });
		expect(items[0].json).toMatchObject({ status: 'IN_QUEUE', _meta: { parsingId: expect.any(String), status: 'IN_QUEUE' } });
		expect(env.calls('GET /anesya/v0/parsing/{id}')).toHaveLength(0);
	});

	it('Raw output is the parsing as Anesya returns it', async () => {
		const { items } = await parse({ output: 'raw' });
		expect(items[0].json).toMatchObject({ status: 'FINISHED', markdown_content: expect.any(String), ocr_content: expect.any(Array), document: expect.any(String) });
	});

	it('a parsing still running at the timeout fails with its ID and the last status seen', async () => {
		env.reset(5000);
		const { error } = await parse({ timeout: 1 });
		const [parsing] = env.fake.anesyaV0.parsings;
		expect(error?.message).toMatch(new RegExp(`^"invoice-1.pdf" is still processing after 1 s \\(parsing ${parsing.id as string}, status IN_(QUEUE|PROGRESS)\\)$`));
		expect(error?.description).toMatch(/Parsing → Get/);
	});

	it('a credential set to 0.8.1 is refused before anything is sent, saying what to change', async () => {
		const { error } = await parse({}, [invoicePdf(1)], { credential: { apiGeneration: 'legacy', apiToken: LEGACY_TOKEN } });
		expect(error?.message).toBe('The Anesya credential is set to API Generation 0.8.1, but this node uses the v0 API');
		expect(error?.description).toMatch(/Set API Generation to v0/);
		expect(env.fake.log).toHaveLength(0);
	});

	describe('bad input fails before any request', () => {
		const cases: Array<[string, IDataObject, ReturnType<typeof invoicePdf>[] | undefined, RegExp]> = [
			['a URL that is not one', { input: 'url', url: 'files.example/a.pdf' }, undefined, /^URL: "files.example\/a.pdf" is not a URL/],
			['an ftp link', { input: 'url', url: 'ftp://files.example/a.pdf' }, undefined, /^URL: "ftp:\/\/files.example\/a.pdf" is not an http\(s\) link/],
			['an empty URL list', { input: 'urlList', urls: ' \n ' }, undefined, /^URLs: holds no URL/],
			['a bad entry in a URL list', { input: 'urlList', urls: 'https://a.example/x.pdf\nnot-a-link' }, undefined, /^URLs \(entry 2\): "not-a-link" is not a URL/],
			['a document ID that is not a UUID', { input: 'documentId', documentId: '={{ "doc-1" }}' }, undefined, /^Document ID: "doc-1" is not a valid ID/],
			['a Word file', {}, [fileItem('PK', 'offer.docx', 'application/vnd.openxmlformats-officedocument.wordprocessingml.document')], /type Anesya does not accept/],
			['a page range ending before it starts', { options: { pdfPageStart: 3, pdfPageEnd: 2 } }, undefined, /^PDF Page End: page 2 comes before PDF Page Start \(3\)/],
			['a metadata entry without a key', { options: { metadata: { values: [{ key: '', value: 'x' }] } } }, undefined, /^Metadata: entry 1 has no key/],
		];
		it.each(cases)('%s', async (_name, parameters, items, message) => {
			const { error } = await parse(parameters, items);
			expect(error?.message).toMatch(message);
			expect(env.fake.log).toHaveLength(0);
		});
	});
});
