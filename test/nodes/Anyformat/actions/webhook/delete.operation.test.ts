import { startAnyformatEnv, type AnyformatTestEnv } from '../../anyformat-env';

describe('Anyformat → Webhook → Delete', () => {
	let env: AnyformatTestEnv;
	beforeAll(async () => (env = await startAnyformatEnv()));
	afterAll(async () => await env.close());
	beforeEach(() => env.fake.reset());

	const remove = (webhookId: string) => ({ resource: 'webhook', operation: 'delete', webhookId });

	it('deletes the subscription', async () => {
		const webhook = env.fake.anyformat.createWebhook('https://hooks.example.com/a', ['extraction.completed']);
		const { items, error } = await env.run(remove(webhook.id));
		expect(error).toBeUndefined();
		expect(items[0].json).toEqual({ deleted: true, webhookId: webhook.id });
		expect(env.fake.anyformat.webhooks).toHaveLength(0);
	});

	it('fails for a subscription that does not exist', async () => {
		const { error } = await env.run(remove('wh_missing'));
		expect(error?.message).toBe('anyformat has no webhook wh_missing');
		expect(error?.description).toMatch(/Webhook → Get Many/);
	});

	it('succeeds when a retried attempt finds the subscription already deleted by the first', async () => {
		const webhook = env.fake.anyformat.createWebhook('https://hooks.example.com/a', ['extraction.completed']);
		// The first DELETE is carried out, but its answer arrives unreadable, so it is sent again.
		env.fake.injectFault({ method: 'DELETE', path: '/v2/webhooks/{webhook_id}/', kind: 'malformed' });
		const { items, error } = await env.run(remove(webhook.id));
		expect(error).toBeUndefined();
		expect(items[0].json).toEqual({ deleted: true, webhookId: webhook.id });
		expect(env.fake.log.map((e) => e.status)).toEqual([200, 404]);
	});

	it('refuses a Webhook ID mapped from an empty value before calling the API', async () => {
		const { error } = await env.run(remove('={{ $json.id }}'), { items: [{ json: { id: '  ' } }] });
		expect(error?.message).toBe('Webhook ID: is empty [item 0]');
		expect(env.fake.log).toHaveLength(0);
	});
});
