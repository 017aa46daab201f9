import { invoicePdf, metaOf, useV0Env } from '../../v0-env';

const env = useV0Env({}, 5000);

describe('Extract → Get (API v0)', () => {
	it('a running extract has its status and no fields; once finished, its fields', async () => {
		const receipt = (await env.run({ resource: 'extract', operation: 'create', schemaId: env.schemaId, waitForCompletion: false }, { items: [invoicePdf(5)] })).items[0].json;
		const extractId = metaOf(receipt).extractId as string;
		expect(receipt).toMatchObject({ status: 'IN_QUEUE', result: null });
		const running = await env.run({ resource: 'extract', operation: 'get', extractId, resultOptions: { splitField: 'line_items' } });
		expect(running.items).toHaveLength(1);
		expect(running.items[0].json).toEqual({ _meta: expect.objectContaining({ extractId, status: expect.stringMatching(/^IN_(QUEUE|PROGRESS)$/) }) });
		env.fake.anesyaV0.completeNow(extractId);
		const done = await env.run({ resource: 'extract', operation: 'get', extractId, resultOptions: { includeText: true } });
		expect(done.items[0].json).toMatchObject({ invoice_number: 'INV-1005', _text: expect.stringContaining('INV-1005'), _meta: { status: 'FINISHED' } });
	});

	it('an extract that failed comes out with its status and Anesya\'s reason in "_meta"', async () => {
		const receipt = (await env.run({ resource: 'extract', operation: 'create', schemaId: env.schemaId, waitForCompletion: false }, { items: [invoicePdf(6)] })).items[0].json;
		const extractId = metaOf(receipt).extractId as string;
		env.fake.anesyaV0.completeNow(extractId, 'ERROR');
		const { items } = await env.run({ resource: 'extract', operation: 'get', extractId });
		expect(items[0].json).toEqual({ _meta: expect.objectContaining({ status: 'ERROR', error: 'Forced to fail by the test.' }) });
	});
});
