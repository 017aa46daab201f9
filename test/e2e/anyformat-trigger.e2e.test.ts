/**
 * Anyformat Trigger in a real n8n 2.41.1:
 *  - activation registers ONE subscription at the fake API (at the production URL + a random token);
 *  - an extraction on the fake → a signed delivery → exactly one execution whose output carries the
 *    extracted fields; the same delivery again starts nothing; the delivery is answered with an empty 200,
 *    before the (slow) results download, which runs in the execution;
 *  - deactivation removes the subscription; five re-activations never leave more than one;
 *  - Signature Check Required: an unsigned delivery with the valid URL token → 401, no execution; a signed one →
 *    one execution with `_meta.authenticatedBy: "signature"`.
 */
import { DEFAULT_ANYFORMAT_KEY as API_KEY, startFakeApi, type FakeApi } from '../fake-api';
import { form, v2 } from '../fake-api/test-helpers';
import { invoiceText, invoiceWorkflow } from '../fixtures/invoices';
import { N8nApi, type CredentialRef } from './support/n8n-api';
import { startN8n, type N8nInstance } from './support/n8n-instance';
import { Timings } from './support/timings';
import { waitUntil } from './support/wait';
import { triggerWorkflow } from './support/workflows';

const timings = new Timings();
let fake: FakeApi;
let n8n: N8nInstance | undefined;
let api: N8nApi;
let credential: CredentialRef;
let mostSubscriptions = 0;

beforeAll(async () => {
	fake = await startFakeApi({ anyformat: { apiKeys: [API_KEY], latencyMs: 300, allowHttpWebhooks: true } });
	// Watch the subscription count on every change the fake sees, to catch even a brief duplicate.
	fake.on('change', () => (mostSubscriptions = Math.max(mostSubscriptions, fake.anyformat.webhooks.length)));
	n8n = await timings.measure('n8n start', () => startN8n({ label: 'anyformat-trigger' }));
	api = await N8nApi.connect(n8n);
	credential = await api.createCredential('anyformatApi', { apiKey: API_KEY, baseUrl: fake.urls.anyformat });
}, 180_000);

afterAll(async () => {
	await n8n?.stop();
	await fake?.close();
	process.stdout.write(`\n${timings.summary('anyformat trigger e2e timings')}\n\n`);
}, 60_000);

async function submitToFake(workflowId: string, text: string): Promise<string> {
	const run = await v2(fake, `/v2/workflows/${workflowId}/run/`, { method: 'POST', body: form([['text', text]]) });
	return (run.json as { id: string }).id;
}

describe('Anyformat Trigger in real n8n', () => {
	it('registers once, runs once per extraction with the extracted fields, and unregisters', async () => {
		const anyformatWorkflow = fake.anyformat.createWorkflow(invoiceWorkflow);
		const { workflow } = triggerWorkflow({
			type: 'anyformatTrigger',
			name: 'Anyformat Trigger',
			credentials: [credential],
			parameters: { workflowScope: 'all', includeData: true, options: { allowHttp: true } },
		});
		const created = await api.createWorkflow(workflow, [credential]);

		await timings.measure('activate → subscription at the fake', async () => {
			await api.activate(created.id);
			await fake.waitFor(() => fake.anyformat.webhooks.length === 1, { timeoutMs: 20_000 });
		});
		const [subscription] = fake.anyformat.webhooks;
		expect(subscription.url).toMatch(new RegExp(`^${n8n!.url}/webhook/[0-9a-f-]+/webhook\\?token=[A-Za-z0-9_-]{43}$`));
		expect(subscription.events).toEqual(['extraction.completed', 'extraction.failed']);

		// The results take 6 s, longer than anyformat waits for an answer (5 s): the trigger must answer
		// first and download them in the execution, or anyformat would time out and send the event again.
		fake.injectFault({ path: /\/results\/$/, kind: 'slow', slowMs: 6000, times: 1 });
		const collectionId = await submitToFake(anyformatWorkflow.id, invoiceText(42));
		const delivery = await timings.measure('extraction → delivery answered', () =>
			fake.waitFor(() => fake.anyformat.deliveries.find((d) => d.state === 'delivered'), { timeoutMs: 20_000 }),
		);
		expect(delivery.attempts.map((a) => a.status)).toEqual([200]);
		expect(delivery.attempts[0].durationMs).toBeLessThan(5000);
		expect(delivery.attempts[0].responseBody ?? '').toBe('');

		const execution = await timings.measure('delivery → execution readable', () =>
			api.waitForExecution((e) => e.status === 'success', { workflowId: created.id, timeoutMs: 30_000 }),
		);
		const output = execution.data?.resultData.runData['Anyformat Trigger']?.[0]?.data?.main?.[0] ?? [];
		expect(output).toHaveLength(1);
		expect(output[0].json).toMatchObject({
			invoice_number: 'INV-1042',
			vendor_name: 'Vendor 42',
			total_amount: 1420,
			line_items: [
				{ description: 'Consulting', quantity: 10, amount: 1220 },
				{ description: 'Travel', quantity: 1, amount: 200 },
			],
			_meta: { event: 'extraction.completed', collectionId, workflowId: anyformatWorkflow.id, deliveryId: delivery.messageId },
		});

		// The same delivery again (a retry from anyformat) is acknowledged but starts nothing.
		fake.anyformat.redeliver(delivery.id);
		const redelivered = await fake.waitFor(() => fake.anyformat.deliveries.find((d) => d.id === delivery.id && d.attempts.length === 2), { timeoutMs: 20_000 });
		// The answer says it was recognised: acknowledged as a duplicate, no execution started.
		expect(redelivered.attempts[1]).toMatchObject({ status: 200 });
		expect(JSON.parse(redelivered.attempts[1].responseBody ?? '{}')).toEqual({ received: true, duplicate: true });
		expect(await api.listExecutions({ workflowId: created.id })).toHaveLength(1);

		await timings.measure('deactivate → subscription gone', async () => {
			await api.deactivate(created.id);
			await fake.waitFor(() => fake.anyformat.webhooks.length === 0, { timeoutMs: 20_000 });
		});

		for (let round = 1; round <= 5; round++) {
			await api.activate(created.id);
			await fake.waitFor(() => fake.anyformat.webhooks.length === 1, { timeoutMs: 20_000 });
			await api.deactivate(created.id);
			await fake.waitFor(() => fake.anyformat.webhooks.length === 0, { timeoutMs: 20_000 });
		}
		expect(mostSubscriptions).toBe(1);
		timings.record('5 re-activations: most subscriptions ever', mostSubscriptions, 'count');
	});

	it('with Signature Check Required, refuses an unsigned delivery with a valid token and runs a signed one once', async () => {
		const anyformatWorkflow = fake.anyformat.createWorkflow(invoiceWorkflow);
		const { workflow } = triggerWorkflow({
			type: 'anyformatTrigger',
			name: 'Anyformat Trigger',
			credentials: [credential],
			parameters: { workflowScope: 'all', includeData: true, signatureCheck: 'required', options: { allowHttp: true } },
		});
		const created = await api.createWorkflow(workflow, [credential]);
		await api.activate(created.id);
		await fake.waitFor(() => fake.anyformat.webhooks.length === 1, { timeoutMs: 20_000 });
		const [subscription] = fake.anyformat.webhooks;
		try {
			// Someone who learnt the URL (token included) from a proxy log, without the signing secret.
			const event = { event: 'extraction.completed', timestamp: new Date().toISOString(), data: { extraction_id: 'c-forged', status: 'processed', workflow_id: anyformatWorkflow.id, processed_at: null } };
			// n8n saves the subscription's token and secret (static data) just after the subscription exists at
			// anyformat; until then the URL answers 404 or "no active subscription": wait for the real answer.
			const unsigned = await timings.measure('Required: activation → unsigned delivery with a valid token refused', () =>
				waitUntil(
					async () => {
						const response = await fetch(subscription.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(event) });
						const body = response.status === 404 ? undefined : ((await response.json()) as { message?: string });
						return body && !/no active anyformat subscription/.test(body.message ?? '') ? { status: response.status, body } : undefined;
					},
					{ timeoutMs: 20_000, description: 'the trigger to answer with its subscription stored' },
				),
			);
			const refusal = unsigned.body as { message: string };
			expect({ status: unsigned.status, refusal }).toEqual({
				status: 401,
				refusal: { error: 'Unauthorized', message: expect.stringMatching(/^Signature required but none recognised\. Expected: webhook-id, webhook-timestamp and webhook-signature \(Standard Webhooks\)\. Headers received: .*content-type/) },
			});
			expect(refusal.message).not.toContain(new URL(subscription.url).searchParams.get('token')!);

			// A real extraction: the fake signs its delivery (Standard Webhooks) with the subscription's secret.
			const collectionId = await submitToFake(anyformatWorkflow.id, invoiceText(43));
			const delivery = await fake.waitFor(() => fake.anyformat.deliveries.find((d) => d.state === 'delivered' && d.url === subscription.url), { timeoutMs: 20_000 });
			expect(delivery.attempts.map((a) => a.status)).toEqual([200]);
			const execution = await api.waitForExecution((e) => e.status === 'success', { workflowId: created.id, timeoutMs: 20_000 });
			const output = execution.data?.resultData.runData['Anyformat Trigger']?.[0]?.data?.main?.[0] ?? [];
			expect(output.map((i) => i.json)).toEqual([
				expect.objectContaining({ invoice_number: 'INV-1043', _meta: expect.objectContaining({ collectionId, authenticatedBy: 'signature' }) }),
			]);
			// The refused delivery started nothing: the signed one is the only execution.
			expect(await api.listExecutions({ workflowId: created.id })).toHaveLength(1);
		} finally {
			await api.deactivate(created.id);
			await fake.waitFor(() => fake.anyformat.webhooks.length === 0, { timeoutMs: 20_000 });
		}
	});
});
