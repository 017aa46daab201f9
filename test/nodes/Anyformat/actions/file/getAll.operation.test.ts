import { documentFromText } from '../../../../fake-api';
import { startAnyformatEnv, type AnyformatTestEnv } from '../../anyformat-env';
import { byId } from '../../../../helpers/n8n-harness';
import { INVOICE_TEXT } from '../../../../fake-api/test-helpers';

describe('Anyformat → File → Get Many / Get Many Runs', () => {
	let env: AnyformatTestEnv;
	beforeAll(async () => (env = await startAnyformatEnv()));
	afterAll(async () => await env.close());
	beforeEach(() => env.fake.reset());

	/** `uploaded` collections only stored, `started` ones also running. */
	const addCollections = (workflowId: string, uploaded: number, started: number) => {
		const ids: string[] = [];
		for (let i = 0; i < uploaded + started; i++) {
			const document = documentFromText(INVOICE_TEXT, `doc-${i}.txt`);
			ids.push(env.fake.anyformat.createCollection(workflowId, 'v2-upload', [{ document }], { start: i >= uploaded }).id);
		}
		return ids;
	};
	const list = (operation: string, workflowId: string, extra: Record<string, unknown> = {}) => ({
		resource: 'file',
		operation,
		workflow: byId(workflowId),
		...extra,
	});

	it('Get Many lists every file collection of the workflow with its status', async () => {
		const workflowId = env.createWorkflow();
		const ids = addCollections(workflowId, 2, 1);
		const { items, error } = await env.run(list('getAll', workflowId, { returnAll: true }));
		expect(error).toBeUndefined();
		expect(items.map((i) => i.json.id).sort()).toEqual([...ids].sort());
		const byCollection = Object.fromEntries(items.map((i) => [i.json.id, i.json.status]));
		expect(byCollection[ids[0]]).toBe('pending');
		expect(byCollection[ids[2]]).toMatch(/^(pending|queued|in_progress|processed)$/);
		expect(items[0].json).toEqual(expect.objectContaining({ name: null, created_at: expect.any(String), updated_at: expect.any(String) }));
		expect(items.every((i) => (i.pairedItem as { item: number }).item === 0)).toBe(true);
	});

	it('Get Many Runs lists only collections that were run', async () => {
		const workflowId = env.createWorkflow();
		const ids = addCollections(workflowId, 2, 2);
		const { items, error } = await env.run(list('getManyRuns', workflowId, { returnAll: true }));
		expect(error).toBeUndefined();
		expect(items.map((i) => i.json.id).sort()).toEqual(ids.slice(2).sort());
		expect(env.fake.log.map((e) => e.route)).toEqual(['GET /v2/workflows/{workflow_id}/runs/']);
	});

	it('asks for no more than the limit', async () => {
		const workflowId = env.createWorkflow();
		addCollections(workflowId, 5, 0);
		const { items } = await env.run(list('getAll', workflowId, { returnAll: false, limit: 3 }));
		expect(items).toHaveLength(3);
		expect(env.fake.log.map((e) => e.query)).toEqual([{ page: '1', page_size: '3' }]);
	});

	it('Return All reads every page', async () => {
		const workflowId = env.createWorkflow();
		addCollections(workflowId, 0, 105);
		const { items } = await env.run(list('getManyRuns', workflowId, { returnAll: true }));
		expect(items).toHaveLength(105);
		expect(env.fake.log.map((e) => e.query.page)).toEqual(['1', '2']);
	});

	it('refuses a limit below 1 before calling the API', async () => {
		const workflowId = env.createWorkflow();
		const { error } = await env.run(list('getAll', workflowId, { returnAll: false, limit: 0 }));
		expect(error?.message).toBe('Limit: "0" is not a number of at least 1 [item 0]');
		expect(env.fake.log).toHaveLength(0);
	});

	it('reports an unknown workflow', async () => {
		const { error } = await env.run(list('getManyRuns', '550e8400-e29b-41d4-a716-446655440000', { returnAll: true }));
		expect(error?.message).toContain('anyformat has no such resource: GET /v2/workflows/550e8400-e29b-41d4-a716-446655440000/runs/');
	});
});
