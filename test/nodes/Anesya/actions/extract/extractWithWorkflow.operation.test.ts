import type { IDataObject } from 'n8n-workflow';

import { fileItem } from '../../../../helpers/n8n-harness';
import { attachmentsItem, invoicePdfItem, metaOf, useAnesyaEnv } from '../../anesya-env';

const env = useAnesyaEnv();

function extractWithWorkflow(parameters: IDataObject = {}, items = [attachmentsItem([1, 2, 3])], options: { continueOnFail?: boolean } = {}) {
	return env.run(
		{
			resource: 'extract',
			operation: 'extractWithWorkflow',
			workflowId: env.workflowId,
			binaryPropertyNames: 'attachment_0, attachment_1, attachment_2',
			...parameters,
		},
		{ items, ...options },
	);
}

describe('Extract → Extract With Workflow', () => {
	it('sends all documents of an item in one upload and outputs one item per document, sharing the session', async () => {
		const { items, error } = await extractWithWorkflow();
		expect(error).toBeUndefined();
		expect(items.map((i) => i.json.invoice_number)).toEqual(['INV-1001', 'INV-1002', 'INV-1003']);
		expect(items.map((i) => metaOf(i.json).documentName)).toEqual(['invoice-1.pdf', 'invoice-2.pdf', 'invoice-3.pdf']);
		expect(items.every((i) => (i.pairedItem as { item: number }).item === 0)).toBe(true);
		const sessions = new Set(items.map((i) => metaOf(i.json).workflowSessionId));
		expect(sessions.size).toBe(1);
		expect([...sessions][0]).toEqual(expect.any(Number));
		expect(items.every((i) => metaOf(i.json).workflowId === env.workflowId)).toBe(true);

		const uploads = env.uploads();
		expect(uploads).toHaveLength(1);
		expect(uploads[0]).toMatchObject({ path: `/anesya/workflow/${env.workflowId}/extract/`, status: 201 });
		expect(uploads[0].jobIds).toHaveLength(3);
		// Statuses of the session come from GET /extract/?workflow_session_id=…; each extract is read in full once.
		const lists = env.calls('GET /anesya/extract/');
		expect(lists.length).toBeGreaterThan(0);
		expect(lists.every((e) => e.query.workflow_session_id === String([...sessions][0]))).toBe(true);
		expect(env.calls('GET /anesya/extract/{id}/')).toHaveLength(3);
	});

	it('"*" uploads every binary field of the item', async () => {
		const { items } = await extractWithWorkflow({ binaryPropertyNames: '*', waitForCompletion: false }, [attachmentsItem([4, 5])]);
		expect(items.map((i) => i.json.document_name)).toEqual(['invoice-4.pdf', 'invoice-5.pdf']);
		expect(items.every((i) => i.json.status === 'CREATED' && metaOf(i.json).workflowSessionId === i.json.workflow_session_id)).toBe(true);
	});

	it('several items run as a pipeline, one upload (session) per item, outputs in input order', async () => {
		env.reset(300);
		const inputs = [attachmentsItem([1, 2]), attachmentsItem([3, 4]), attachmentsItem([5, 6])];
		const { items, error } = await extractWithWorkflow({ binaryPropertyNames: 'attachment_0,attachment_1' }, inputs);
		expect(error).toBeUndefined();
		expect(items.map((i) => [i.json.invoice_number, (i.pairedItem as { item: number }).item])).toEqual([
			['INV-1001', 0],
			['INV-1002', 0],
			['INV-1003', 1],
			['INV-1004', 1],
			['INV-1005', 2],
			['INV-1006', 2],
		]);
		expect(env.uploads()).toHaveLength(3);
		expect(new Set(items.map((i) => metaOf(i.json).workflowSessionId)).size).toBe(3);
	});

	it('when one document of an item fails, the item fails naming it and the finished extracts', async () => {
		const { items } = await extractWithWorkflow({}, [attachmentsItem([1, 2, 3], { failing: [2] })], { continueOnFail: true });
		expect(items).toHaveLength(1);
		expect(items[0].json.error).toBe('1 of 3 documents of this item failed');
		const finished = env.fake.anesya.extracts.filter((e) => e.outcome === 'FINISHED').map((e) => e.id);
		expect(items[0].json.description).toMatch(/^"invoice-2.pdf": Anesya could not extract "invoice-2.pdf"/);
		for (const id of finished) expect(items[0].json.description).toContain(id);
	});

	it('an unknown workflow is reported with the API detail', async () => {
		const { error } = await extractWithWorkflow({ workflowId: '00000000-0000-4000-8000-000000000000' });
		expect(error?.message).toBe(
			'Anesya has no such resource: POST /workflow/00000000-0000-4000-8000-000000000000/extract/ (No Workflow matches the given query.)',
		);
	});

	describe('bad input fails before any request', () => {
		it.each([
			['a workflow ID that is not a UUID', { workflowId: 'my-workflow' }, [attachmentsItem([1])], /^Workflow ID: "my-workflow" is not a valid ID/],
			['an empty field list', { binaryPropertyNames: ' , ' }, [attachmentsItem([1])], /^Input Binary Fields: is empty/],
			['a field the item lacks', { binaryPropertyNames: 'attachment_0, attachment_9' }, [attachmentsItem([1])], /^Input Binary Fields: the item has no binary field "attachment_9"/],
			['"*" on an item without files', { binaryPropertyNames: '*' }, [{ json: {} }], /^Input Binary Fields: the item carries no file/],
			['an unsupported type among the files', { binaryPropertyNames: 'data' }, [fileItem('a,b', 'list.csv', 'text/csv')], /^Input Binary Fields: file "list.csv".*type Anesya does not accept/],
		])('%s', async (_name, parameters, items, message) => {
			const { error } = await extractWithWorkflow(parameters, items as never);
			expect(error?.message).toMatch(message);
			expect(env.fake.log).toHaveLength(0);
		});

		it('files of one item that add up past the upload limit', async () => {
			const big = Buffer.alloc(19 * 1024 * 1024, 0x20);
			const item = {
				json: {},
				binary: {
					a: fileItem(big, 'a.pdf', 'application/pdf', {}, 'a').binary!.a,
					b: fileItem(big, 'b.pdf', 'application/pdf', {}, 'b').binary!.b,
					c: fileItem(big, 'c.pdf', 'application/pdf', {}, 'c').binary!.c,
				},
			};
			const { error } = await extractWithWorkflow({ binaryPropertyNames: 'a,b,c' }, [item]);
			expect(error?.message).toMatch(/^Input Binary Fields: the 3 files of this item add up to 57.0 MB; one upload may carry at most 50.0 MB/);
			expect(env.fake.log).toHaveLength(0);
		});
	});

	it('a lone PDF in "data" works with the default field', async () => {
		const { items } = await extractWithWorkflow({ binaryPropertyNames: 'data' }, [invoicePdfItem(9)]);
		expect(items).toHaveLength(1);
		expect(items[0].json.invoice_number).toBe('INV-1009');
	});
});
