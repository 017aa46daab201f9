import { useAnesyaEnv } from '../../anesya-env';
import { byId } from '../../../../helpers/n8n-harness';
import { INVOICE_SCHEMA } from '../../../../fixtures/invoices';

const env = useAnesyaEnv();

describe('Schema → Get', () => {
	it('outputs the schema with its field definitions', async () => {
		const { items, error } = await env.run({ resource: 'schema', operation: 'get', schema: byId(env.schemaId) });
		expect(error).toBeUndefined();
		expect(items[0].json).toMatchObject({ id: env.schemaId, name: 'Invoice schema', schema: INVOICE_SCHEMA });
		expect(env.fake.log[0]).toMatchObject({ method: 'GET', path: `/anesya/schema/${env.schemaId}/` });
	});

	it('an unknown schema: 404 with the API detail', async () => {
		const { error } = await env.run({ resource: 'schema', operation: 'get', schema: byId('00000000-0000-4000-8000-000000000000') });
		expect(error?.message).toBe(
			'Anesya has no such resource: GET /schema/00000000-0000-4000-8000-000000000000/ (No ExtractSchema matches the given query.)',
		);
	});
});

describe('Schema → Get Many', () => {
	it('Return All follows DRF pages (page/size) to the end', async () => {
		for (let n = 0; n < 120; n++) env.fake.anesya.createSchema({ name: `Schema ${n}`, schema: null });
		const { items } = await env.run({ resource: 'schema', operation: 'getAll', returnAll: true });
		expect(items).toHaveLength(121);
		expect(env.calls('GET /anesya/schema/').map((e) => e.query)).toEqual([
			{ page: '1', size: '100' },
			{ page: '2', size: '100' },
		]);
	});

	it('Limit asks for no more than needed', async () => {
		for (let n = 0; n < 10; n++) env.fake.anesya.createSchema({ name: `Schema ${n}`, schema: null });
		const { items } = await env.run({ resource: 'schema', operation: 'getAll', limit: 3 });
		expect(items.map((i) => i.json.name)).toEqual(['Invoice schema', 'Schema 0', 'Schema 1']);
		expect(env.calls('GET /anesya/schema/').map((e) => e.query)).toEqual([{ page: '1', size: '3' }]);
	});
});
