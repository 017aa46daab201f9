import { Workflow, type INode, type INodeTypes } from 'n8n-workflow';

import { AnesyaApi } from '../../credentials/AnesyaApi.credentials';

/** Resolves a credential expression the way n8n does for the Test request ($credentials in scope). */
function resolve(expression: string, credentials: Record<string, string>): unknown {
	const nodeTypes = { getByName: () => undefined, getByNameAndVersion: () => undefined, getKnownTypes: () => ({}) } as unknown as INodeTypes;
	const node: INode = { id: 'n', name: 'Test', type: 'test', typeVersion: 1, position: [0, 0], parameters: {} };
	const workflow = new Workflow({ nodes: [node], connections: {}, active: false, nodeTypes });
	return workflow.expression.getParameterValue(expression, null, 0, 0, node.name, [], 'internal', { $credentials: credentials } as never);
}

const credential = new AnesyaApi();
const request = { url: 'https://api.anesya.app/v0/documents', headers: { Accept: 'application/json' } };

describe('Anesya credential', () => {
	it('defaults to 0.8.1, so credentials saved before the choice existed keep their header', () => {
		expect(credential.properties.find((p) => p.name === 'apiGeneration')?.default).toBe('legacy');
		// The secret keeps its field name: saved credentials store it as "apiToken".
		expect(credential.properties.find((p) => p.name === 'apiToken')).toMatchObject({ typeOptions: { password: true }, required: true });
	});

	it('0.8.1 (or no generation saved): the raw token in Authorization, and no X-API-Key', async () => {
		for (const saved of [{ apiToken: 'tok-1' }, { apiToken: 'tok-1', apiGeneration: 'legacy' }] as Array<Record<string, string>>) {
			const out = await credential.authenticate(saved, request);
			expect(out.headers).toEqual({ Accept: 'application/json', Authorization: 'tok-1' });
		}
	});

	it('v0: the key in X-API-Key and no Authorization, whatever auth header the request already had', async () => {
		const out = await credential.authenticate({ apiToken: 'key-1', apiGeneration: 'v0' }, { ...request, headers: { authorization: 'stale', 'X-Api-Key': 'stale', Accept: 'application/json' } });
		expect(out.headers).toEqual({ Accept: 'application/json', 'X-API-Key': 'key-1' });
		expect(out.url).toBe(request.url);
	});

	it('the Test button reads the chosen generation: /v0/documents for v0, /schema/ for 0.8.1 (also when none is saved)', () => {
		const { url, baseURL } = credential.test.request;
		expect(resolve(url!, { apiGeneration: 'v0' })).toBe('/v0/documents');
		expect(resolve(url!, { apiGeneration: 'legacy' })).toBe('/schema/?page=1&size=1');
		expect(resolve(url!, {})).toBe('/schema/?page=1&size=1');
		expect(resolve(baseURL!, { baseUrl: 'http://127.0.0.1:5678/anesya//' })).toBe('http://127.0.0.1:5678/anesya');
	});
});
