import { startAnyformatEnv, type AnyformatTestEnv } from '../../anyformat-env';

describe('Anyformat → Webhook → Create', () => {
	let env: AnyformatTestEnv;
	beforeAll(async () => (env = await startAnyformatEnv()));
	afterAll(async () => await env.close());
	beforeEach(() => env.fake.reset());

	const create = (extra: Record<string, unknown>) => ({ resource: 'webhook', operation: 'create', ...extra });

	it('subscribes to both events by default and outputs the one-time secret', async () => {
		const { items, error } = await env.run(create({ url: ' https://hooks.example.com/anyformat ' }));
		expect(error).toBeUndefined();
		const [stored] = env.fake.anyformat.webhooks;
		expect(items).toHaveLength(1);
		expect(items[0].json).toEqual({
			id: stored.id,
			url: 'https://hooks.example.com/anyformat',
			events: ['extraction.completed', 'extraction.failed'],
			is_active: true,
			secret: stored.secret,
			created_at: stored.created_at,
		});
		expect(items[0].json.secret).toMatch(/^whsec_/);
		expect(env.fake.log.map((e) => e.route)).toEqual(['POST /v2/webhooks/']);
	});

	it('subscribes to the selected events only', async () => {
		const { items } = await env.run(create({ url: 'https://hooks.example.com/failed', events: ['extraction.failed'] }));
		expect(items[0].json.events).toEqual(['extraction.failed']);
		expect(env.fake.anyformat.webhooks[0].events).toEqual(['extraction.failed']);
	});

	it.each([
		[{ url: 'hooks.example.com/anyformat' }, 'URL: "hooks.example.com/anyformat" is not a web address [item 0]'],
		[{ url: 'ftp://hooks.example.com/x' }, 'URL: "ftp://hooks.example.com/x" is not a web address [item 0]'],
		// Events is required: n8n itself refuses the empty selection before the node runs.
		[{ url: 'https://hooks.example.com/x', events: [] }, "The 'Node Under Test' node has issues:\n- Parameter \"Events\" is required."],
		[{ url: 'https://hooks.example.com/x', events: ['extraction.started'] }, 'Events: "extraction.started" is not an anyformat event [item 0]'],
	])('refuses %j before calling the API', async (parameters, message) => {
		const { error } = await env.run(create(parameters));
		expect(error?.message).toBe(message);
		expect(env.fake.log).toHaveLength(0);
	});

	it('refuses a URL mapped from an empty value', async () => {
		const { error } = await env.run(create({ url: '={{ $json.hook }}' }), { items: [{ json: { hook: '' } }] });
		expect(error?.message).toBe('URL: is empty [item 0]');
		expect(env.fake.log).toHaveLength(0);
	});

	it('refuses an HTTP URL before any request (anyformat accepts HTTPS only)', async () => {
		const { error } = await env.run(create({ url: 'http://hooks.example.com/anyformat' }));
		expect(error?.message).toBe('URL: "http://hooks.example.com/anyformat" is not HTTPS; anyformat refuses HTTP webhook URLs [item 0]');
		expect(error?.description).toMatch(/public HTTPS address/);
		expect(env.fake.log).toHaveLength(0);
		expect(env.fake.anyformat.webhooks).toHaveLength(0);
	});
});
