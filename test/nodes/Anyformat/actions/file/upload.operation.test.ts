import { byId, fileItem } from '../../../../helpers/n8n-harness';
import { startAnyformatEnv, type AnyformatTestEnv } from '../../anyformat-env';
import { INVOICE_TEXT } from '../../../../fake-api/test-helpers';

const UPLOAD_ROUTE = 'POST /v2/workflows/{workflow_id}/upload/';

describe('Anyformat → File → Upload', () => {
	let env: AnyformatTestEnv;
	beforeAll(async () => (env = await startAnyformatEnv()));
	afterAll(async () => await env.close());
	beforeEach(() => env.fake.reset());

	const upload = (workflowId: string, extra: Record<string, unknown> = {}) => ({
		resource: 'file',
		operation: 'upload',
		workflow: byId(workflowId),
		...extra,
	});
	const uploads = () => env.fake.log.filter((e) => e.route === UPLOAD_ROUTE);

	it('uploads the binary input as a multipart file part, without starting an extraction', async () => {
		const workflowId = env.createWorkflow();
		const { items, error } = await env.run(upload(workflowId), {
			items: [fileItem(INVOICE_TEXT, 'invoice-0847.txt', 'text/plain', { source: 'mail' })],
		});
		expect(error).toBeUndefined();
		expect(items).toHaveLength(1);
		const [collection] = env.fake.anyformat.collections;
		expect(items[0].json).toEqual({
			status: 'uploaded',
			filename: 'invoice-0847.txt',
			file_collection_id: collection.id,
			file_id: collection.files[0].fileId,
			workflow_id: workflowId,
		});
		expect(items[0].pairedItem).toEqual({ item: 0 });
		// Stored with the name and MIME type of the input, and not run.
		expect(collection.files[0]).toMatchObject({ fileName: 'invoice-0847.txt', contentType: 'text/plain', size: INVOICE_TEXT.length });
		expect(collection.submittedAt).toBeNull();
		expect(env.fake.log.map((e) => [e.route, e.submission])).toEqual([[UPLOAD_ROUTE, false]]);
	});

	it('reads the file from the configured binary field and keeps output order with several items', async () => {
		const workflowId = env.createWorkflow();
		const items = ['a.txt', 'b.txt', 'c.txt'].map((name) => fileItem(`${INVOICE_TEXT}\n${name}`, name, 'text/plain', {}, 'attachment_0'));
		const result = await env.run(upload(workflowId, { binaryPropertyName: 'attachment_0' }), { items });
		expect(result.error).toBeUndefined();
		expect(result.items.map((i) => [i.json.filename, i.pairedItem])).toEqual([
			['a.txt', { item: 0 }],
			['b.txt', { item: 1 }],
			['c.txt', { item: 2 }],
		]);
		expect(new Set(result.items.map((i) => i.json.file_id)).size).toBe(3);
		expect(uploads()).toHaveLength(3);
	});

	it('checks every item before uploading any, naming the parameter and the item', async () => {
		const workflowId = env.createWorkflow();
		const { error } = await env.run(upload(workflowId), {
			items: [fileItem(INVOICE_TEXT, 'ok.txt', 'text/plain'), { json: {} }],
		});
		expect(error?.message).toBe('Input Binary Field: the item has no binary field "data" [item 1]');
		expect(env.fake.log).toHaveLength(0);
	});

	it('with Continue On Fail uploads the good items and reports the bad one in place', async () => {
		const workflowId = env.createWorkflow();
		const { items, error } = await env.run(upload(workflowId), {
			items: [fileItem(INVOICE_TEXT, 'ok.txt', 'text/plain'), fileItem('', 'empty.txt', 'text/plain')],
			continueOnFail: true,
		});
		expect(error).toBeUndefined();
		expect(items[0].json).toMatchObject({ filename: 'ok.txt', status: 'uploaded' });
		expect(items[1].json.error).toBe('Input Binary Field: file "empty.txt" in binary field "data" is empty [item 1]');
		expect(items[1].pairedItem).toEqual({ item: 1 });
		expect(uploads()).toHaveLength(1);
	});

	it('does not send an upload again after a failure that may have reached anyformat', async () => {
		const workflowId = env.createWorkflow();
		// The answer is lost after anyformat stored the file.
		env.fake.injectFault({ method: 'POST', path: '/v2/workflows/{workflow_id}/upload/', kind: 'malformed' });
		const { error } = await env.run(upload(workflowId), { items: [fileItem(INVOICE_TEXT, 'once.txt', 'text/plain')] });
		expect(error?.message).toMatch(/anyformat answered POST \/v2\/workflows\/.+\/upload\/ with a response that is not valid JSON/);
		expect(error?.description).toMatch(/not sent again/);
		expect(uploads()).toHaveLength(1);
		expect(env.fake.anyformat.collections).toHaveLength(1);
	});

	it('waits and sends again after a 429, which anyformat did not accept', async () => {
		const workflowId = env.createWorkflow();
		env.fake.injectFault({ method: 'POST', path: '/v2/workflows/{workflow_id}/upload/', kind: '429', retryAfterSeconds: 0 });
		const { items, error } = await env.run(upload(workflowId), { items: [fileItem(INVOICE_TEXT, 'later.txt', 'text/plain')] });
		expect(error).toBeUndefined();
		expect(items[0].json.status).toBe('uploaded');
		expect(uploads().map((e) => e.status)).toEqual([429, 201]);
		expect(env.fake.anyformat.collections).toHaveLength(1);
	});

	it('reports an unknown workflow with the API message', async () => {
		const { error } = await env.run(upload('550e8400-e29b-41d4-a716-446655440000'), {
			items: [fileItem(INVOICE_TEXT, 'a.txt', 'text/plain')],
		});
		expect(error?.message).toContain('anyformat has no such resource: POST /v2/workflows/550e8400-e29b-41d4-a716-446655440000/upload/');
	});
});
