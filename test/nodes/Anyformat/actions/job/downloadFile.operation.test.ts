import { buildTextPdf, documentFromFile, documentFromText } from '../../../../fake-api';
import { startAnyformatEnv, type AnyformatTestEnv } from '../../anyformat-env';
import { INVOICE_TEXT } from '../../../../fake-api/test-helpers';

describe('Anyformat → Job (Legacy) → Download File', () => {
	let env: AnyformatTestEnv;
	beforeAll(async () => (env = await startAnyformatEnv()));
	afterAll(async () => await env.close());
	beforeEach(() => env.fake.reset());

	const storeJob = (document: ReturnType<typeof documentFromText>) =>
		env.fake.anyformat.createCollection(env.createWorkflow(), 'v1-upload', [{ document }], { start: false }).v1JobId;

	it('outputs the original file as binary, named and typed as anyformat sends it', async () => {
		const pdf = buildTextPdf(INVOICE_TEXT);
		const jobId = storeJob(documentFromFile(pdf, 'Rechnung März.pdf', 'application/pdf'));
		const { items, error } = await env.run({ resource: 'job', operation: 'downloadFile', jobId, binaryPropertyName: 'original' });
		expect(error).toBeUndefined();
		expect(items).toHaveLength(1);
		expect(items[0].json).toEqual({ jobId, fileName: 'Rechnung März.pdf', mimeType: 'application/pdf', fileSize: pdf.length });
		const binary = items[0].binary!.original;
		expect(binary).toMatchObject({ fileName: 'Rechnung März.pdf', mimeType: 'application/pdf', fileExtension: 'pdf' });
		expect(Buffer.from(binary.data, 'base64').equals(pdf)).toBe(true);
		expect(env.fake.log.map((e) => e.route)).toEqual(['GET /jobs/{id}/file/']);
	});

	it('drops the charset from the MIME type and keeps text bytes exact', async () => {
		const jobId = storeJob(documentFromText('Grüße — Rechnung', 'note.txt'));
		const { items } = await env.run({ resource: 'job', operation: 'downloadFile', jobId });
		expect(items[0].binary!.data).toMatchObject({ fileName: 'note.txt', mimeType: 'text/plain' });
		expect(Buffer.from(items[0].binary!.data.data, 'base64').toString('utf8')).toBe('Grüße — Rechnung');
	});

	it('refuses an empty output field name before calling the API', async () => {
		const { error } = await env.run({ resource: 'job', operation: 'downloadFile', jobId: '362963', binaryPropertyName: ' ' });
		expect(error?.message).toBe('Put Output File in Field: is empty [item 0]');
		expect(env.fake.log).toHaveLength(0);
	});

	it('reports an unknown job', async () => {
		const { error } = await env.run({ resource: 'job', operation: 'downloadFile', jobId: '42' });
		expect(error?.message).toContain('anyformat has no such resource: GET /jobs/42/file/');
	});
});
