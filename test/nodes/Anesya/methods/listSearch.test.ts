import type { IExecuteFunctions, ILoadOptionsFunctions } from 'n8n-workflow';

// The 0.8.1 operations are version 1 of the versioned Anesya node.
import { AnesyaV1 as Anesya } from '../../../../nodes/Anesya/v1/AnesyaV1.node';

import { searchSchemas } from '../../../../nodes/Anesya/methods/listSearch';
import { runNode } from '../../../helpers/n8n-harness';
import { TOKEN, useAnesyaEnv } from '../anesya-env';

const env = useAnesyaEnv();

/**
 * Calls the picker inside n8n's engine, with its real HTTP helpers and the Anesya credential: the
 * Anesya node, its execute swapped for the picker call, offers everything a load-options context
 * gives the picker (node, credential, HTTP helpers).
 */
async function search(filter?: string, paginationToken?: string) {
	const probe = new Anesya();
	probe.execute = async function (this: IExecuteFunctions) {
		const result = await searchSchemas.call(this as unknown as ILoadOptionsFunctions, filter, paginationToken);
		return [[{ json: { ...result } }]];
	};
	const { items, error } = await runNode({
		nodeType: probe,
		parameters: { resource: 'schema', operation: 'getAll' },
		credentials: { anesyaApi: { apiToken: TOKEN, baseUrl: env.fake.urls.anesya } },
	});
	if (error) throw error;
	return items[0].json as { results: Array<{ name: string; value: string }>; paginationToken?: string };
}

describe('Schema picker (searchSchemas)', () => {
	it('lists schemas by name with their IDs', async () => {
		const receipts = env.fake.anesya.createSchema({ name: 'Receipts', description: 'Till receipts', schema: null });
		const result = await search();
		expect(result.results).toEqual([
			{ name: 'Invoice schema', value: env.schemaId },
			{ name: 'Receipts', value: receipts.id },
		]);
		expect(result.paginationToken).toBeUndefined();
	});

	it('filters by name or description, case-insensitively', async () => {
		env.fake.anesya.createSchema({ name: 'Receipts', description: 'Till receipts', schema: null });
		expect((await search('INVOICE')).results.map((r) => r.name)).toEqual(['Invoice schema']);
		expect((await search('till')).results.map((r) => r.name)).toEqual(['Receipts']);
	});

	it('pages through long lists', async () => {
		for (let n = 0; n < 120; n++) env.fake.anesya.createSchema({ name: `Schema ${n}`, schema: null });
		const first = await search();
		expect(first.results).toHaveLength(100);
		expect(first.paginationToken).toBe('2');
		const second = await search(undefined, first.paginationToken);
		expect(second.results).toHaveLength(21);
		expect(second.paginationToken).toBeUndefined();
	});
});
