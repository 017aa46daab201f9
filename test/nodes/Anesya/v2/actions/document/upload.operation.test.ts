import { buildTextPdf } from '../../../../../fake-api';
import { invoiceText } from '../../../../../fixtures/invoices';
import { fileItem } from '../../../../../helpers/n8n-harness';
import { invoicePdf, useV0Env } from '../../v0-env';

const env = useV0Env();

describe('Document → Upload (API v0)', () => {
	it('stores each file (name, metadata, PDF page range) and outputs the stored document, in input order', async () => {
		const twoPages = (n: number) => fileItem(buildTextPdf(`${invoiceText(n)}\f${invoiceText(n + 1)}`), `two-${n}.pdf`, 'application/pdf');
		const { items, error } = await env.run(
			{ resource: 'document', operation: 'upload', options: { fileName: 'renamed.pdf', metadata: { values: [{ key: 'customer', value: 'ACME' }] }, pdfPageStart: 2, pdfPageEnd: 2 } },
			{ items: [twoPages(1), twoPages(3)] },
		);
		expect(error).toBeUndefined();
		expect(items.map((i) => i.json)).toEqual([
			expect.objectContaining({ filename: 'renamed.pdf', metadata: { customer: 'ACME' }, page_count: 1, file_url: expect.stringMatching(/^\/v0\/documents\/.+\/download$/) }),
			expect.objectContaining({ filename: 'renamed.pdf', metadata: { customer: 'ACME' }, page_count: 1 }),
		]);
		expect(items.map((i) => i.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
		expect(env.fake.log.map((e) => [e.route, e.query])).toEqual([
			['POST /anesya/v0/documents', { pdf_page_start: '2', pdf_page_end: '2' }],
			['POST /anesya/v0/documents', { pdf_page_start: '2', pdf_page_end: '2' }],
		]);
		expect(env.submissions()).toHaveLength(0); // storing is free
	});

	it('an image is sent without the page range (PDF only)', async () => {
		const png = fileItem(Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex'), 'scan.png', 'image/png');
		const { items } = await env.run({ resource: 'document', operation: 'upload', options: { pdfPageStart: 2 } }, { items: [png] });
		expect(items[0].json.filename).toBe('scan.png');
		expect(env.fake.log[0].query).toEqual({});
	});

	it('an upload whose answer was lost and a stored one of that name: Fail the Item names it, never sends twice', async () => {
		// Stored, but the answer cannot be read.
		env.fake.injectFault({ method: 'POST', path: '/anesya/v0/documents', kind: 'malformed' });
		const { error } = await env.run({ resource: 'document', operation: 'upload', batchOptions: { lostAnswers: 'fail' } }, { items: [invoicePdf(1)] });
		const [stored] = env.fake.anesyaV0.documents;
		expect(env.fake.anesyaV0.documents).toHaveLength(1);
		expect(error?.message).toMatch(new RegExp(`Anesya may have stored "invoice-1.pdf" anyway, as document ${stored.id as string}$`));
		expect(error?.description).toMatch(/It was not sent again/);
		expect(env.calls('GET /anesya/v0/documents')).toHaveLength(1);
	});

	it('an upload whose answer was lost and a stored one of that name: Resend Safely stores it again and names the earlier one', async () => {
		env.fake.injectFault({ method: 'POST', path: '/anesya/v0/documents', kind: 'acted-reset' });
		const { items, error } = await env.run({ resource: 'document', operation: 'upload' }, { items: [invoicePdf(1)] });
		expect(error).toBeUndefined();
		const [first, second] = env.fake.anesyaV0.documents;
		expect(items[0].json.id).toBe(second.id);
		expect(items[0].json._meta).toEqual({ possibleDuplicate: true, possibleDuplicateOf: [first.id] });
	});

	it('an upload refused before it was stored (503) is sent again once the list shows nothing arrived', async () => {
		env.fake.injectFault({ method: 'POST', path: '/anesya/v0/documents', kind: '503' });
		const { items, error } = await env.run({ resource: 'document', operation: 'upload' }, { items: [invoicePdf(1)] });
		expect(error).toBeUndefined();
		expect(items[0].json.filename).toBe('invoice-1.pdf');
		expect(env.fake.anesyaV0.documents).toHaveLength(1);
		expect(env.calls('POST /anesya/v0/documents')).toHaveLength(2);
	});
});
