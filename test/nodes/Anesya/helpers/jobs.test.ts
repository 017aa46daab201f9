// How the Anesya node settles an upload whose answer was lost: Extract With Schema finds its own
// extract by the tag in its metadata; Extract With Workflow can only match document names.
import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import { buildTextPdf } from '../../../fake-api';
import { invoiceText } from '../../../fixtures/invoices';
import { byId, fileItem } from '../../../helpers/n8n-harness';
import { invoicePdfItem, metaOf, useAnesyaEnv } from '../anesya-env';

const env = useAnesyaEnv({}, 100);

const withSchema = (lostAnswers: 'resend' | 'fail' = 'resend') => ({
	resource: 'extract',
	operation: 'extractWithSchema',
	schema: byId(env.schemaId),
	server: 'EU-1',
	options: { metadata: { values: [{ key: 'order_id', value: 'A-7' }] } },
	batchOptions: { lostAnswers },
});
const withWorkflow = (lostAnswers: 'resend' | 'fail' = 'resend') => ({
	resource: 'extract',
	operation: 'extractWithWorkflow',
	workflowId: env.workflowId,
	binaryPropertyNames: 'data',
	batchOptions: { lostAnswers },
});
const tagLookups = () => env.calls('GET /anesya/extract/').filter((e) => e.query.meta_key === 'n8n_submission_id');

describe('Extract With Schema: every upload carries a tag', () => {
	it('an answer lost after Anesya stored the upload: the tagged extract is adopted, not sent again', async () => {
		env.fake.injectFault({ method: 'POST', path: '/anesya/extract/', kind: 'acted-reset' });
		const { items, error } = await env.run(withSchema(), { items: [invoicePdfItem(1)] });
		expect(error).toBeUndefined();
		expect(env.fake.anesya.extracts).toHaveLength(1);
		expect(items[0].json.invoice_number).toBe('INV-1001');
		expect(metaOf(items[0].json)).toMatchObject({ extractId: env.fake.anesya.extracts[0].id, metadata: { order_id: 'A-7' } });
		expect(tagLookups()).toHaveLength(1);
	});

	it('an answer lost before Anesya acted: nothing carries the tag, so it is sent once more', async () => {
		env.fake.injectFault({ method: 'POST', path: '/anesya/extract/', kind: '502' });
		const { items, error } = await env.run(withSchema('fail'), { items: [invoicePdfItem(2)] });
		expect(error).toBeUndefined();
		expect(items[0].json.invoice_number).toBe('INV-1002');
		expect(env.uploads().map((e) => e.status)).toEqual([502, 201]);
		expect(env.fake.anesya.extracts).toHaveLength(1);
	});

	it('the tag is the node\'s own: a user metadata key of that name is refused', async () => {
		const parameters = { ...withSchema(), options: { metadata: { values: [{ key: 'n8n_submission_id', value: 'x' }] } } };
		const { error } = await env.run(parameters, { items: [invoicePdfItem(3)] });
		expect(error?.message).toBe('Metadata: the key "n8n_submission_id" is reserved [item 0]');
		expect(env.fake.log).toHaveLength(0);
	});
});

describe('Extract With Workflow: only document names tell uploads apart', () => {
	const upload = (n: number, name = `invoice-${n}.pdf`): INodeExecutionData => fileItem(buildTextPdf(invoiceText(n)), name, 'application/pdf');

	it('a stored upload with the same names: sent again and reported on the item (Resend Safely)', async () => {
		env.fake.injectFault({ method: 'POST', path: /\/workflow\/.+\/extract\/$/, kind: 'acted-reset' });
		const { items, error } = await env.run(withWorkflow(), { items: [upload(4)] });
		expect(error).toBeUndefined();
		expect(items[0].json.invoice_number).toBe('INV-1004');
		const [first, second] = [...env.fake.anesya.extracts].sort((a, b) => a.submittedAt - b.submittedAt);
		expect(metaOf(items[0].json)).toMatchObject({ extractId: second.id, possibleDuplicate: true, possibleDuplicateOf: [first.id] });
	});

	it('a stored upload with the same names: the item fails naming it (Fail the Item)', async () => {
		env.fake.injectFault({ method: 'POST', path: /\/workflow\/.+\/extract\/$/, kind: 'acted-502' });
		const { items } = await env.run(withWorkflow('fail'), { items: [upload(5)], continueOnFail: true });
		const [stored] = env.fake.anesya.extracts;
		expect(env.fake.anesya.extracts).toHaveLength(1);
		expect(items[0].json.error).toBe(`Anesya failed with 502. Anesya may have stored "invoice-5.pdf" anyway, as extract ${stored.id}`);
		expect(items[0].json.description).toMatch(/not charged twice/);
	});

	it("another client's upload with other names is never a candidate: the item is sent again, nothing reported", async () => {
		env.fake.injectFault({ method: 'POST', path: /\/workflow\/.+\/extract\/$/, kind: 'reset' });
		const other = () => {
			if (env.fake.log.some((e) => e.fault === 'reset') && !env.fake.anesya.extracts.some((e) => e.documentName === 'scan-from-someone-else.pdf')) {
				void fetch(`${env.fake.urls.anesya}/workflow/${env.workflowId}/extract/`, {
					method: 'POST',
					headers: { authorization: 'anesya_test_token' },
					body: (() => {
						const form = new FormData();
						form.append('extracts[0][document]', new Blob([buildTextPdf(invoiceText(77))], { type: 'application/pdf' }), 'scan-from-someone-else.pdf');
						return form;
					})(),
				});
			}
		};
		env.fake.on('request', other);
		const { items, error } = await env.run(withWorkflow('fail'), { items: [upload(7)] });
		env.fake.off('request', other);
		expect(error).toBeUndefined();
		expect(items[0].json.invoice_number).toBe('INV-1007');
		expect((items[0].json._meta as IDataObject).possibleDuplicate).toBeUndefined();
		expect(env.fake.anesya.extracts.map((e) => e.documentName).sort()).toEqual(['invoice-7.pdf', 'scan-from-someone-else.pdf']);
	});
});
