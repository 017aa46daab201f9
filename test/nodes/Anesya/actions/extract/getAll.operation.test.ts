import { useAnesyaEnv } from '../../anesya-env';

const env = useAnesyaEnv();

describe('Extract → Get Many', () => {
	it('lists extracts with filters and a limit; list items carry no extracted data', async () => {
		const first = await env.submit(1, { metadata: { customer: 'ACME' } });
		await env.submit(2, { metadata: { customer: 'Globex' } });
		const third = await env.submit(3, { metadata: { customer: 'ACME' } });
		const { items } = await env.run({ resource: 'extract', operation: 'getAll', returnAll: true, filters: { metaKey: 'customer', metaValue: 'ACME' } });
		expect(items.map((i) => i.json.id).sort()).toEqual([first, third].sort());
		expect(items.every((i) => !('extracted_data' in i.json))).toBe(true);
		const limited = await env.run({ resource: 'extract', operation: 'getAll', limit: 2, filters: { search: 'invoice' } });
		expect(limited.items).toHaveLength(2);
		const lists = env.calls('GET /anesya/extract/');
		expect(lists.at(-1)!.query).toMatchObject({ search: 'invoice', size: '2', page: '1' });
	});

	it('Fetch Full Results reads each extract and shapes it', async () => {
		const id = await env.submit(4);
		env.fake.anesya.completeNow(id);
		const { items } = await env.run({ resource: 'extract', operation: 'getAll', returnAll: true, fetchFullResults: true, output: 'detailed' });
		expect(items).toHaveLength(1);
		expect(items[0].json.invoice_number).toEqual({ value: 'INV-1004', confidence: null, verificationStatus: null, evidence: [] });
		expect(env.calls('GET /anesya/extract/{id}/')).toHaveLength(1);
	});

	it('filters by workflow session; bad filter values fail before any request', async () => {
		const bad = await env.run({ resource: 'extract', operation: 'getAll', filters: { workflowSessionId: 'yesterday' } });
		expect(bad.error?.message).toMatch(/^Workflow Session ID: "yesterday" is not a whole number/);
		const badWorkflow = await env.run({ resource: 'extract', operation: 'getAll', filters: { workflowId: 'abc' } });
		expect(badWorkflow.error?.message).toMatch(/^Workflow ID: "abc" is not a valid ID/);
		expect(env.fake.log).toHaveLength(0);
		const { items } = await env.run({ resource: 'extract', operation: 'getAll', filters: { workflowSessionId: '1758718492', workflowId: env.workflowId } });
		expect(items).toHaveLength(0);
		expect(env.calls('GET /anesya/extract/')[0].query).toMatchObject({ workflow_session_id: '1758718492', workflow_id: env.workflowId });
	});
});
