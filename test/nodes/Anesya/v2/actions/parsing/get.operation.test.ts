import { metaOf, invoicePdf, useV0Env } from '../../v0-env';

const env = useV0Env({}, 5000);

describe('Parsing → Get (API v0)', () => {
	it('outputs a running parsing with its status and no markdown, a finished one with its markdown', async () => {
		const receipt = (await env.run({ resource: 'parsing', operation: 'create', waitForCompletion: false }, { items: [invoicePdf(4)] })).items[0].json;
		const parsingId = metaOf(receipt).parsingId as string;
		const running = await env.run({ resource: 'parsing', operation: 'get', parsingId });
		expect(running.items[0].json).toMatchObject({ markdown: null, pages: [], partial: false, _meta: { parsingId, status: expect.stringMatching(/^IN_(QUEUE|PROGRESS)$/) } });
		env.fake.anesyaV0.completeNow(parsingId);
		const done = await env.run({ resource: 'parsing', operation: 'get', parsingId, output: 'raw' });
		expect(done.items[0].json).toMatchObject({ id: parsingId, status: 'FINISHED', markdown_content: expect.stringContaining('INV-1004') });
	});

	it('an unknown parsing: the 404 says what Anesya answered and that the path is inferred', async () => {
		const { error } = await env.run({ resource: 'parsing', operation: 'get', parsingId: '00000000-0000-4000-8000-000000000000' });
		expect(error?.message).toBe('Anesya answered 404 for GET /v0/parsing/00000000-0000-4000-8000-000000000000: Parsing not found.');
		expect(error?.description).toMatch(/calls GET \/v0\/parsing\/\{id\}, which is inferred: the docs show a "Retrieve parsing" step but not its URL/);
	});
});
