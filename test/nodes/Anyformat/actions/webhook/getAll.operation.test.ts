import { startAnyformatEnv, type AnyformatTestEnv } from '../../anyformat-env';

describe('Anyformat → Webhook → Get Many', () => {
	let env: AnyformatTestEnv;
	beforeAll(async () => (env = await startAnyformatEnv()));
	afterAll(async () => await env.close());
	beforeEach(() => env.fake.reset());

	const subscribe = (count: number) =>
		Array.from({ length: count }, (_, i) => env.fake.anyformat.createWebhook(`https://hooks.example.com/${i}`, ['extraction.completed']));

	it('outputs one item per subscription, never with its secret', async () => {
		const webhooks = subscribe(3);
		const { items, error } = await env.run({ resource: 'webhook', operation: 'getAll', returnAll: true });
		expect(error).toBeUndefined();
		expect(items.map((i) => i.json)).toEqual(
			webhooks.map(({ id, url, events, is_active, created_at }) => ({ id, url, events, is_active, created_at })),
		);
		expect(JSON.stringify(items)).not.toContain('whsec_');
	});

	it('stops at the limit', async () => {
		subscribe(3);
		const { items } = await env.run({ resource: 'webhook', operation: 'getAll', returnAll: false, limit: 2 });
		expect(items.map((i) => i.json.url)).toEqual(['https://hooks.example.com/0', 'https://hooks.example.com/1']);
	});

	it('outputs nothing when there are no subscriptions', async () => {
		const { items, error } = await env.run({ resource: 'webhook', operation: 'getAll', returnAll: true });
		expect(error).toBeUndefined();
		expect(items).toEqual([]);
	});
});
