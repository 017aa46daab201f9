import { createHmac } from 'node:crypto';
import { ACME_INVOICE_TEXT, ACME_INVOICE_WORKFLOW } from '../fixtures/invoices';
import { startFakeApi, verifyStandardWebhook, type FakeApi } from './index';
import { form, jsonBody, startReceiver, v2, type Receiver } from './test-helpers';

/** Independent Standard-Webhooks check: HMAC-SHA256 over "id.timestamp.body" with the base64-decoded secret. */
function expectedSignature(secret: string, id: string, timestamp: string, body: string): string {
	const key = Buffer.from(secret.slice('whsec_'.length), 'base64');
	return `v1,${createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest('base64')}`;
}

describe('anyformat webhooks', () => {
	let fake: FakeApi;
	let receiver: Receiver;

	beforeAll(async () => {
		fake = await startFakeApi({ anyformat: { latencyMs: 30, webhookRetry: { attempts: 3, delayMs: 20 } } });
	});
	afterAll(() => fake.close());
	beforeEach(async () => {
		fake.reset();
		fake.configure({ anyformat: { allowHttpWebhooks: true, webhookSigning: 'standard' } });
		receiver = await startReceiver();
	});
	afterEach(() => receiver.close());

	const subscribe = async (events?: string[]) => {
		const res = await v2(fake, '/v2/webhooks/', jsonBody(events ? { url: receiver.url, events } : { url: receiver.url }));
		expect(res.status).toBe(201);
		return res.json as { id: string; secret: string; events: string[] };
	};

	const run = async (text = ACME_INVOICE_TEXT) => {
		const wf = fake.anyformat.createWorkflow(ACME_INVOICE_WORKFLOW);
		const res = await v2(fake, `/v2/workflows/${wf.id}/run/`, { method: 'POST', body: form([['text', text]]) });
		return { workflowId: wf.id, collectionId: res.json.id as string };
	};

	it('accepts only HTTPS URLs unless allowHttpWebhooks is set', async () => {
		fake.configure({ anyformat: { allowHttpWebhooks: false } });
		const http = await v2(fake, '/v2/webhooks/', jsonBody({ url: 'http://example.test/hook' }));
		expect(http.status).toBe(400);
		expect(http.json).toMatchObject({ error_code: 'VALIDATION_ERROR' });
		expect(http.json.detail).toMatch(/HTTPS/);
		const https = await v2(fake, '/v2/webhooks/', jsonBody({ url: 'https://example.test/hook' }));
		expect(https.status).toBe(201);
		expect((await v2(fake, '/v2/webhooks/', jsonBody({ url: 'not a url' }))).status).toBe(400);
		expect((await v2(fake, '/v2/webhooks/', jsonBody({ url: 'https://x.test/', events: ['extraction.started'] }))).status).toBe(400);
	});

	it('creates (secret only once), lists (flat array, no secret) and deletes subscriptions', async () => {
		const created = await subscribe();
		expect(created).toMatchObject({ url: receiver.url, events: ['extraction.completed', 'extraction.failed'], is_active: true });
		expect(created.id).toMatch(/^wh_/);
		expect(Buffer.from(created.secret.replace(/^whsec_/, ''), 'base64')).toHaveLength(32);
		const onlyFailed = await subscribe(['extraction.failed']);
		expect(onlyFailed.events).toEqual(['extraction.failed']);
		const list = await v2(fake, '/v2/webhooks/');
		expect(Array.isArray(list.json)).toBe(true);
		expect(list.json).toHaveLength(2);
		expect(list.json[0].secret).toBeUndefined();
		expect(list.json[0]).toEqual({ id: created.id, url: receiver.url, events: created.events, is_active: true, created_at: expect.any(String) });
		expect((await v2(fake, `/v2/webhooks/${created.id}/`, { method: 'DELETE' })).status).toBe(204);
		expect((await v2(fake, `/v2/webhooks/${created.id}/`, { method: 'DELETE' })).status).toBe(404);
		expect((await v2(fake, '/v2/webhooks/')).json).toHaveLength(1);
	});

	it('caps active subscriptions at 50', async () => {
		for (let i = 0; i < 50; i++) fake.anyformat.createWebhook(`https://h${i}.test/`, ['extraction.completed']);
		const res = await v2(fake, '/v2/webhooks/', jsonBody({ url: 'https://one-too-many.test/' }));
		expect(res.status).toBe(400);
		expect(res.json.detail).toMatch(/50/);
	});

	it('delivers a signed extraction.completed event that verifies independently', async () => {
		const hook = await subscribe();
		const { workflowId, collectionId } = await run();
		await fake.waitFor(() => receiver.requests.length >= 1, { event: 'delivery', timeoutMs: 3000 });
		const [request] = receiver.requests;
		expect(request.method).toBe('POST');
		expect(request.headers['content-type']).toBe('application/json');
		const id = request.headers['webhook-id'] as string;
		const timestamp = request.headers['webhook-timestamp'] as string;
		expect(id).toMatch(/^msg_/);
		expect(Math.abs(Number(timestamp) - Date.now() / 1000)).toBeLessThan(60);
		expect(request.headers['webhook-signature']).toBe(expectedSignature(hook.secret, id, timestamp, request.body));
		// The exported verifier (for receivers in the demo) agrees, and rejects a tampered body.
		const headers = request.headers as Record<string, string>;
		expect(verifyStandardWebhook(hook.secret, headers, request.body)).toBe(true);
		expect(verifyStandardWebhook(hook.secret, headers, request.body.replace('processed', 'error'))).toBe(false);
		const payload = JSON.parse(request.body);
		expect(payload).toEqual({
			event: 'extraction.completed',
			timestamp: expect.stringMatching(/Z$/),
			data: { extraction_id: collectionId, status: 'processed', workflow_id: workflowId, processed_at: expect.stringMatching(/Z$/) },
		});
		const record = fake.anyformat.deliveries[0];
		expect(record).toMatchObject({ webhookId: hook.id, messageId: id, url: receiver.url, event: 'extraction.completed', state: 'delivered' });
		expect(record.attempts).toEqual([expect.objectContaining({ status: 200, responseBody: 'ok', redelivery: false })]);
	});

	it('sends extraction.failed for error runs only to subscribers of that event', async () => {
		await subscribe(['extraction.completed']);
		const failedOnly = await subscribe(['extraction.failed']);
		const { collectionId } = await run('FAIL_EXTRACTION');
		await fake.waitFor(() => fake.anyformat.deliveries.length === 1 && fake.anyformat.deliveries[0].state === 'delivered');
		const payload = JSON.parse(receiver.requests[0].body);
		expect(payload).toMatchObject({ event: 'extraction.failed', data: { extraction_id: collectionId, status: 'error', processed_at: null } });
		expect(fake.anyformat.deliveries[0].webhookId).toBe(failedOnly.id);
	});

	it('retries non-2xx answers with the same webhook-id, then gives up', async () => {
		receiver.statuses = [500, 503];
		await subscribe();
		await run();
		const record = await fake.waitFor(() => fake.anyformat.deliveries.find((d) => d.state === 'delivered'), { timeoutMs: 3000 });
		expect(record.attempts.map((a) => a.status)).toEqual([500, 503, 200]);
		expect(record.attempts[0].responseBody).toBe('nope');
		expect(new Set(receiver.requests.map((r) => r.headers['webhook-id'])).size).toBe(1);
		expect(new Set(receiver.requests.map((r) => r.body)).size).toBe(1);

		receiver.statuses = [500, 500, 500];
		await run();
		const failed = await fake.waitFor(() => fake.anyformat.deliveries.find((d) => d.state === 'failed'), { timeoutMs: 3000 });
		expect(failed.attempts).toHaveLength(3);
	});

	it('records network errors as failed attempts', async () => {
		const closed = await startReceiver();
		await closed.close();
		fake.anyformat.createWebhook(closed.url, ['extraction.completed']);
		await run();
		const record = await fake.waitFor(() => fake.anyformat.deliveries.find((d) => d.state === 'failed'), { timeoutMs: 3000 });
		expect(record.attempts.every((a) => a.status === undefined && typeof a.error === 'string')).toBe(true);
	});

	it('redelivers the same message (same webhook-id and body) on request', async () => {
		await subscribe();
		await run();
		const record = await fake.waitFor(() => fake.anyformat.deliveries.find((d) => d.state === 'delivered'), { timeoutMs: 3000 });
		fake.anyformat.redeliver(record.id);
		await fake.waitFor(() => receiver.requests.length === 2 && record.state === 'delivered');
		const [first, second] = receiver.requests;
		expect(second.headers['webhook-id']).toBe(first.headers['webhook-id']);
		expect(second.body).toBe(first.body);
		expect(record.attempts.map((a) => a.redelivery)).toEqual([false, true]);
		expect(fake.anyformat.deliveries).toHaveLength(1);
	});

	it('omits the signature when webhookSigning is "none"', async () => {
		fake.configure({ anyformat: { webhookSigning: 'none' } });
		await subscribe();
		await run();
		await fake.waitFor(() => receiver.requests.length >= 1, { event: 'delivery' });
		expect(receiver.requests[0].headers['webhook-signature']).toBeUndefined();
		expect(receiver.requests[0].headers['webhook-id']).toMatch(/^msg_/);
	});
});
