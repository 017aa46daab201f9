// Subscription lifecycle of the Anyformat Trigger (checkExists / create / delete) against the fake
// anyformat API over real HTTP.
import type { IDataObject, INodeParameters } from 'n8n-workflow';

import { AnyformatTrigger } from '../../../nodes/Anyformat/AnyformatTrigger.node';
import { startFakeApi, type FakeApi } from '../../fake-api';
import { AF_KEY } from '../../fake-api/test-helpers';
import { triggerDouble, type TriggerDouble } from '../../helpers/trigger-double';

const PRODUCTION_URL = 'http://127.0.0.1:5678/webhook/b0000000-0000-4000-8000-0000000000aa/webhook';
const TEST_URL = 'http://127.0.0.1:5678/webhook-test/b0000000-0000-4000-8000-0000000000aa/webhook';
const HTTP_ALLOWED: INodeParameters = { options: { allowHttp: true } };

describe('Anyformat Trigger: subscription lifecycle', () => {
	let fake: FakeApi;
	const nodeType = new AnyformatTrigger();

	beforeAll(async () => {
		fake = await startFakeApi({ anyformat: { allowHttpWebhooks: true, latencyMs: 30 } });
	});
	afterAll(async () => await fake.close());
	beforeEach(() => fake.reset());

	const trigger = (
		parameters: INodeParameters = HTTP_ALLOWED,
		webhookUrl = PRODUCTION_URL,
		staticData?: IDataObject,
		apiKey = AF_KEY,
	): TriggerDouble =>
		triggerDouble({ nodeType, parameters, webhookUrl, staticData, credentials: { apiKey, baseUrl: fake.urls.anyformat } });

	const methods = nodeType.webhookMethods!.default;
	const checkExists = async (t: TriggerDouble) => await methods.checkExists.call(t.hookContext());
	const create = async (t: TriggerDouble) => await methods.create.call(t.hookContext());
	const remove = async (t: TriggerDouble) => await methods.delete.call(t.hookContext());
	/** What n8n does on activation. */
	const activate = async (t: TriggerDouble) => (await checkExists(t)) || (await create(t));
	const webhookRequests = () => fake.log.filter((e) => e.path.startsWith('/v2/webhooks')).map((e) => `${e.method} ${e.route}`);

	it('create subscribes the webhook URL plus a random token and keeps ID, token and secret in static data', async () => {
		const t = trigger();
		expect(await checkExists(t)).toBe(false);
		expect(await create(t)).toBe(true);

		const [subscription] = fake.anyformat.webhooks;
		expect(fake.anyformat.webhooks).toHaveLength(1);
		const url = new URL(subscription.url);
		expect(`${url.origin}${url.pathname}`).toBe(PRODUCTION_URL);
		const token = url.searchParams.get('token');
		expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
		expect(subscription.events).toEqual(['extraction.completed', 'extraction.failed']);
		expect(t.staticData).toEqual({ webhookId: subscription.id, token, secret: subscription.secret });
		expect(t.staticData.secret).toMatch(/^whsec_/);
		expect(webhookRequests()).toEqual(['GET GET /v2/webhooks/', 'POST POST /v2/webhooks/']);

		// A second trigger gets a different token.
		const other = trigger(HTTP_ALLOWED, TEST_URL);
		await create(other);
		expect(other.staticData.token).not.toBe(token);
	});

	it('subscribes only the selected events', async () => {
		const t = trigger({ ...HTTP_ALLOWED, events: ['extraction.failed'] });
		await activate(t);
		expect(fake.anyformat.webhooks.map((w) => w.events)).toEqual([['extraction.failed']]);
	});

	it('adopts its own subscription on re-activation and save: no duplicates', async () => {
		const t = trigger();
		await activate(t);
		const first = { ...t.staticData };
		fake.clearLog();

		for (let i = 0; i < 3; i++) expect(await activate(t)).toBe(true);
		expect(fake.anyformat.webhooks).toHaveLength(1);
		expect(t.staticData).toEqual(first);
		expect(webhookRequests()).toEqual(['GET GET /v2/webhooks/', 'GET GET /v2/webhooks/', 'GET GET /v2/webhooks/']);
	});

	it('adopts an existing subscription with our token and refreshes a stale stored ID', async () => {
		const t = trigger();
		await activate(t);
		const id = t.staticData.webhookId;
		t.staticData.webhookId = 'wh_lost';

		expect(await checkExists(t)).toBe(true);
		expect(t.staticData.webhookId).toBe(id);
		expect(fake.anyformat.webhooks.map((w) => w.id)).toEqual([id]);
	});

	it('deletes orphans at its URL whose token or secret it lost, then creates a fresh subscription', async () => {
		const lost = trigger();
		await activate(lost);
		const events = ['extraction.completed', 'extraction.failed'];
		const tokenless = fake.anyformat.createWebhook(PRODUCTION_URL, events);
		const elsewhere = fake.anyformat.createWebhook('http://127.0.0.1:5678/webhook/other-node/webhook?token=x', events);

		const t = trigger(); // empty static data, e.g. after the static data was lost
		fake.clearLog();
		expect(await checkExists(t)).toBe(false);
		expect(fake.anyformat.webhooks.map((w) => w.id)).toEqual([elsewhere.id]);
		expect(webhookRequests().filter((r) => r.startsWith('DELETE'))).toHaveLength(2);

		expect(await create(t)).toBe(true);
		expect(fake.anyformat.webhooks.map((w) => w.id)).toEqual([elsewhere.id, t.staticData.webhookId]);
		expect([lost.staticData.webhookId, tokenless.id]).not.toContain(t.staticData.webhookId);
	});

	it('treats a subscription with our token but no stored secret as an orphan', async () => {
		const t = trigger();
		await activate(t);
		delete t.staticData.secret;

		expect(await checkExists(t)).toBe(false);
		expect(fake.anyformat.webhooks).toHaveLength(0);
		expect(t.staticData).toEqual({});
	});

	it('replaces its subscription when the selected events changed', async () => {
		const t = trigger({ ...HTTP_ALLOWED, events: ['extraction.completed'] });
		await activate(t);
		t.node.parameters.events = ['extraction.completed', 'extraction.failed'];

		expect(await activate(t)).toBe(true);
		expect(fake.anyformat.webhooks.map((w) => w.events)).toEqual([['extraction.completed', 'extraction.failed']]);
		expect(fake.anyformat.webhooks[0].id).toBe(t.staticData.webhookId);
	});

	it('forgets a stored subscription that anyformat no longer lists', async () => {
		const t = trigger();
		await activate(t);
		fake.anyformat.deleteWebhook(t.staticData.webhookId as string);
		t.staticData.seenDeliveries = { 'msg_1': Date.now() };

		expect(await checkExists(t)).toBe(false);
		expect(t.staticData).toEqual({ seenDeliveries: expect.any(Object) });
	});

	it('removes its stored subscription when it points at another URL (n8n URL changed)', async () => {
		const old = trigger(HTTP_ALLOWED, 'http://old-host.example/webhook/b0000000-0000-4000-8000-0000000000aa/webhook');
		await activate(old);
		const moved = trigger(HTTP_ALLOWED, PRODUCTION_URL, old.staticData);

		expect(await checkExists(moved)).toBe(false);
		expect(fake.anyformat.webhooks).toHaveLength(0);
	});

	it('leaves subscriptions at other URLs alone: test listening does not touch the production one', async () => {
		const production = trigger();
		await activate(production);
		const listening = trigger(HTTP_ALLOWED, TEST_URL); // "Listen for test event": empty static data, test URL

		expect(await activate(listening)).toBe(true);
		expect(fake.anyformat.webhooks.map((w) => w.id).sort()).toEqual(
			[production.staticData.webhookId, listening.staticData.webhookId].sort(),
		);
		expect(await remove(listening)).toBe(true);
		expect(fake.anyformat.webhooks.map((w) => w.id)).toEqual([production.staticData.webhookId]);
		expect(await checkExists(production)).toBe(true);
	});

	it('delete removes the subscription and clears static data', async () => {
		const t = trigger();
		await activate(t);
		t.staticData.seenDeliveries = { msg_1: Date.now() };

		expect(await remove(t)).toBe(true);
		expect(fake.anyformat.webhooks).toHaveLength(0);
		expect(t.staticData).toEqual({});
	});

	it('delete tolerates a subscription that is already gone (404)', async () => {
		const t = trigger();
		await activate(t);
		fake.anyformat.deleteWebhook(t.staticData.webhookId as string);
		fake.clearLog();

		expect(await remove(t)).toBe(true);
		expect(fake.log.map((e) => e.status)).toEqual([404]);
		expect(t.staticData).toEqual({});
	});

	it('delete with nothing stored sends nothing', async () => {
		expect(await remove(trigger())).toBe(true);
		expect(fake.log).toHaveLength(0);
	});

	it('delete that fails keeps static data (the next activation adopts or removes it) and logs why', async () => {
		const t = trigger();
		await activate(t);
		const revoked = trigger(HTTP_ALLOWED, PRODUCTION_URL, t.staticData, 'af_revoked_key');

		expect(await remove(revoked)).toBe(false);
		expect(fake.anyformat.webhooks).toHaveLength(1);
		expect(t.staticData.webhookId).toBe(fake.anyformat.webhooks[0].id);
		expect(revoked.warnings.join('\n')).toMatch(/could not delete webhook wh_\w+: anyformat rejected the API key \(401/);
		expect(revoked.warnings.join('\n')).not.toContain('af_revoked_key');
	});

	describe('HTTPS', () => {
		it('refuses a non-HTTPS webhook URL with a clear message, before calling anyformat', async () => {
			const t = trigger({});
			await expect(create(t)).rejects.toThrow(
				`anyformat only sends webhooks to HTTPS URLs, but this trigger's URL is ${PRODUCTION_URL}`,
			);
			await expect(create(t)).rejects.toMatchObject({
				description: expect.stringContaining('Allow HTTP Webhook URL (Testing Only)'),
			});
			expect(fake.log).toHaveLength(0);
			expect(t.staticData).toEqual({});
		});

		it('registers an http URL with "Allow HTTP Webhook URL (Testing Only)"', async () => {
			const t = trigger(HTTP_ALLOWED);
			expect(await activate(t)).toBe(true);
			expect(fake.anyformat.webhooks[0].url.startsWith(`${PRODUCTION_URL}?token=`)).toBe(true);
		});

		it('registers an https URL without the option', async () => {
			const httpsUrl = 'https://n8n.example.com/webhook/b0000000-0000-4000-8000-0000000000aa/webhook';
			const t = trigger({}, httpsUrl);
			expect(await activate(t)).toBe(true);
			expect(fake.anyformat.webhooks[0].url.startsWith(`${httpsUrl}?token=`)).toBe(true);
		});
	});

	describe('parameter checks at activation', () => {
		it('refuses an empty event selection before calling anyformat', async () => {
			await expect(create(trigger({ ...HTTP_ALLOWED, events: [] }))).rejects.toThrow('Events: no event is selected');
			expect(fake.log).toHaveLength(0);
		});

		it('refuses "One Workflow" without a workflow', async () => {
			const t = trigger({ ...HTTP_ALLOWED, workflowScope: 'one', workflow: { __rl: true, mode: 'list', value: '' } });
			await expect(create(t)).rejects.toThrow(/^Workflow: is empty/);
			expect(fake.log).toHaveLength(0);
		});

		it('surfaces anyformat refusing the subscription', async () => {
			fake.configure({ anyformat: { allowHttpWebhooks: false } });
			try {
				await expect(create(trigger())).rejects.toThrow(/anyformat refused the request: .*HTTP URLs are rejected/);
			} finally {
				fake.configure({ anyformat: { allowHttpWebhooks: true } });
			}
		});
	});
});
