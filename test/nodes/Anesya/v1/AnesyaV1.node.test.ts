import { byId } from '../../../helpers/n8n-harness';
import { DEFAULT_ANESYA_V0_KEY } from '../../../fake-api';
import { invoicePdfItem, useAnesyaEnv } from '../anesya-env';
import { AnesyaV1 } from '../../../../nodes/Anesya/v1/AnesyaV1.node';
import { runNode } from '../../../helpers/n8n-harness';

const env = useAnesyaEnv();

describe('Anesya node version 1 (API 0.8.1)', () => {
	it('a credential set to v0 is refused before any request, saying how to go on', async () => {
		const { error } = await runNode({
			nodeType: new AnesyaV1(),
			parameters: { resource: 'extract', operation: 'extractWithSchema', schema: byId(env.schemaId) },
			credentials: { anesyaApi: { apiGeneration: 'v0', apiToken: DEFAULT_ANESYA_V0_KEY, baseUrl: env.fake.urls.anesya } },
			items: [invoicePdfItem(1)],
		});
		expect(error?.message).toBe('The Anesya credential is set to API Generation v0, but this node (version 1) uses the 0.8.1 API');
		expect(error?.description).toMatch(/set API Generation to 0\.8\.1 in the credential .* or add a new Anesya node/);
		expect(env.fake.log).toHaveLength(0);
	});

	it('a credential saved before API Generation existed still works, with the token in Authorization', async () => {
		const { items, error } = await env.run({ resource: 'schema', operation: 'getAll', returnAll: true });
		expect(error).toBeUndefined();
		expect(items.map((i) => i.json.id)).toEqual([env.schemaId]);
		expect(env.fake.log.map((e) => e.auth)).toEqual([{ scheme: 'raw', valid: true }]);
	});
});
