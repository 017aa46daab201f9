import { useAnesyaEnv } from '../../anesya-env';

const env = useAnesyaEnv();

describe('Extract → Get', () => {
	it('outputs a finished extract in the chosen shape', async () => {
		const id = await env.submit(3);
		env.fake.anesya.completeNow(id);
		const { items } = await env.run({ resource: 'extract', operation: 'get', extractId: id, resultOptions: { splitField: 'line_items' } });
		expect(items.map((i) => [i.json.invoice_number, i.json.description])).toEqual([
			['INV-1003', 'Consulting'],
			['INV-1003', 'Travel'],
		]);
		expect(items[0].json._meta).toMatchObject({ extractId: id, status: 'FINISHED', documentName: 'invoice-3.pdf' });
	});

	it('an extract still processing comes out with its status and no fields, even when splitting', async () => {
		env.reset(5000);
		const id = await env.submit(3);
		const { items, error } = await env.run({ resource: 'extract', operation: 'get', extractId: id, resultOptions: { splitField: 'line_items' } });
		expect(error).toBeUndefined();
		expect(items).toHaveLength(1);
		expect(items[0].json).toEqual({ _meta: expect.objectContaining({ extractId: id, status: expect.stringMatching(/^(CREATED|IN_PROGRESS)$/) }) });
	});

	it('an unknown extract: 404 with the API detail', async () => {
		const { error } = await env.run({ resource: 'extract', operation: 'get', extractId: '00000000-0000-4000-8000-000000000000' });
		expect(error?.message).toBe('Anesya has no such resource: GET /extract/00000000-0000-4000-8000-000000000000/ (No Extract matches the given query.)');
	});

	it('an ID that is not a UUID fails before any request', async () => {
		const { error } = await env.run({ resource: 'extract', operation: 'get', extractId: '42' });
		expect(error?.message).toMatch(/^Extract ID: "42" is not a valid ID/);
		expect(env.fake.log).toHaveLength(0);
	});
});
