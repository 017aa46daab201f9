// Deliveries to the Anyformat Trigger: signed events sent by the fake anyformat API when a run ends
// (and hand-made ones for the refusal cases) reach webhook() through an HTTP receiver; results are
// fetched from the fake over real HTTP.
import type { IDataObject, INodeParameters } from 'n8n-workflow';

import { AnyformatTrigger } from '../../../nodes/Anyformat/AnyformatTrigger.node';
import { resultsBudget } from '../../../nodes/Anyformat/trigger/results';
import { DEFAULT_ANYFORMAT_KEY, documentFromText, standardWebhookHeaders, startFakeApi, type DeliveryRecord, type FakeApi } from '../../fake-api';
import { INVOICE_TEXT, INVOICE_WORKFLOW } from '../../fake-api/test-helpers';
import { byId } from '../../helpers/n8n-harness';
import { triggerDouble, WebhookReceiver, type TriggerDouble } from '../../helpers/trigger-double';

const WEBHOOK_PATH = '/webhook/b0000000-0000-4000-8000-0000000000aa/webhook';

describe('Anyformat Trigger: deliveries', () => {
	let fake: FakeApi;
	let receiver: WebhookReceiver;
	const nodeType = new AnyformatTrigger();

	beforeAll(async () => {
		fake = await startFakeApi({ anyformat: { allowHttpWebhooks: true, latencyMs: 30 } });
	});
	afterAll(async () => await fake.close());
	beforeEach(async () => {
		fake.reset();
		receiver = new WebhookReceiver(nodeType);
		await receiver.listen();
	});
	afterEach(async () => await receiver.close());

	/** An active trigger: subscribed at the fake, receiving at `receiver`. */
	const activeTrigger = async (parameters: INodeParameters = {}): Promise<TriggerDouble> => {
		const t = triggerDouble({
			nodeType,
			parameters: { options: { allowHttp: true }, ...parameters },
			webhookUrl: `${receiver.url}${WEBHOOK_PATH}`,
			credentials: { apiKey: DEFAULT_ANYFORMAT_KEY, baseUrl: fake.urls.anyformat },
		});
		const methods = nodeType.webhookMethods!.default;
		if (!(await methods.checkExists.call(t.hookContext()))) await methods.create.call(t.hookContext());
		receiver.double = t;
		return t;
	};

	const workflow = () => fake.anyformat.createWorkflow(INVOICE_WORKFLOW);
	/** Starts a run; the fake delivers its event once it ends (30 ms). */
	const run = (workflowId: string, text = INVOICE_TEXT) =>
		fake.anyformat.createCollection(workflowId, 'v2-run', [{ document: documentFromText(text, 'invoice.txt') }], { start: true });
	/** The _meta every output item carries for a delivery the fake sent. */
	const metaOf = (record: DeliveryRecord, collectionId: string, workflowId: string): IDataObject => ({
		event: record.event,
		deliveryId: record.messageId,
		timestamp: (record.payload as IDataObject).timestamp,
		collectionId,
		workflowId,
		// The fake signs every delivery (Standard Webhooks) and the trigger verifies it.
		authenticatedBy: 'signature',
	});
	const resultRequests = () => fake.log.filter((e) => e.route.endsWith('/results/'));
	const items = (execution = 0) => receiver.executions[execution][0].map((item) => item.json);

	/** Posts a hand-made delivery to the trigger's URL. */
	const post = async (
		t: TriggerDouble,
		payload: IDataObject | string,
		options: { token?: string | null; sign?: boolean; timestamp?: number; id?: string; headers?: Record<string, string>; contentType?: string } = {},
	) => {
		const body = typeof payload === 'string' ? payload : JSON.stringify(payload);
		const url = new URL(`${receiver.url}${WEBHOOK_PATH}`);
		const token = options.token === undefined ? (t.staticData.token as string) : options.token;
		if (token !== null) url.searchParams.set('token', token);
		const signed =
			options.sign === false
				? {}
				: standardWebhookHeaders(
						t.staticData.secret as string,
						options.id ?? 'msg_handmade',
						options.timestamp ?? Math.floor(Date.now() / 1000),
						body,
					);
		const response = await fetch(url, {
			method: 'POST',
			headers: { 'content-type': options.contentType ?? 'application/json', ...signed, ...options.headers },
			body,
		});
		const text = await response.text();
		// The execution this delivery started (if any) finishes after the answer: wait for it.
		await receiver.idle();
		return { status: response.status, text, json: text ? (JSON.parse(text) as IDataObject) : undefined };
	};

	const eventFor = (collection: { id: string; workflowId: string }, event = 'extraction.completed'): IDataObject => ({
		event,
		timestamp: new Date().toISOString(),
		data: {
			extraction_id: collection.id,
			status: event === 'extraction.completed' ? 'processed' : 'error',
			workflow_id: collection.workflowId,
			processed_at: null,
		},
	});

	describe('accepted deliveries', () => {
		it('emits the shaped results of a completed extraction and answers 200 with an empty body', async () => {
			await activeTrigger();
			const wf = workflow();
			const collection = run(wf.id);
			const [delivery] = await receiver.waitForDeliveries(1);

			expect(delivery.status).toBe(200);
			expect(delivery.responseBody).toBe('');
			const record = await fake.waitFor(() => fake.anyformat.deliveries.find((d) => d.state === 'delivered'));
			expect(record.attempts.map((a) => a.status)).toEqual([200]);
			expect(items()).toEqual([
				expect.objectContaining({
					invoice_number: 'INV-2024-0847',
					total_amount: 1250,
					line_items: [
						expect.objectContaining({ description: 'Consulting Services', quantity: 10 }),
						expect.objectContaining({ description: 'Travel', quantity: 1 }),
					],
					_meta: expect.objectContaining(metaOf(record, collection.id, wf.id)),
				}),
			]);
			expect(record.event).toBe('extraction.completed');
			expect(resultRequests()).toHaveLength(1);
		});

		it('shapes Detailed output with Split Into Items and Review Threshold like the action node', async () => {
			await activeTrigger({ output: 'detailed', resultOptions: { splitField: 'line_items', reviewThreshold: 80 } });
			const wf = workflow();
			const collection = run(wf.id);
			await receiver.waitForDeliveries(1);

			const rows = items();
			expect(rows).toHaveLength(2);
			rows.forEach((row, rowIndex) => {
				expect(row.invoice_number).toMatchObject({ value: 'INV-2024-0847', confidence: expect.any(Number) });
				expect(row.description).toMatchObject({ value: rowIndex === 0 ? 'Consulting Services' : 'Travel' });
				expect(typeof row.needsReview).toBe('boolean');
				expect(row._meta).toMatchObject({
					event: 'extraction.completed',
					collectionId: collection.id,
					splitField: 'line_items',
					rowIndex,
					rowCount: 2,
				});
			});
		});

		it('emits the API body for Raw output, with the event in _meta', async () => {
			await activeTrigger({ output: 'raw' });
			const wf = workflow();
			const collection = run(wf.id);
			await receiver.waitForDeliveries(1);

			const [item] = items();
			expect(item).toMatchObject({ collection_id: collection.id, extractions: expect.any(Array), parse: expect.any(Object) });
			expect(item._meta).toMatchObject({ event: 'extraction.completed', collectionId: collection.id, workflowId: wf.id });
		});

		it('with Include Extracted Data off, emits the event as sent and fetches nothing', async () => {
			await activeTrigger({ includeData: false });
			const wf = workflow();
			const collection = run(wf.id);
			await receiver.waitForDeliveries(1);

			const [record] = fake.anyformat.deliveries;
			const payload = record.payload as IDataObject;
			expect(items()).toEqual([
				{
					event: 'extraction.completed',
					timestamp: payload.timestamp,
					data: { extraction_id: collection.id, status: 'processed', workflow_id: wf.id, processed_at: expect.any(String) },
					_meta: metaOf(record, collection.id, wf.id),
				},
			]);
			expect(resultRequests()).toHaveLength(0);
		});

		it("emits a failed extraction with anyformat's reason", async () => {
			await activeTrigger();
			const wf = workflow();
			const collection = run(wf.id, 'FAIL_EXTRACTION');
			await receiver.waitForDeliveries(1);

			expect(items()).toEqual([
				expect.objectContaining({
					event: 'extraction.failed',
					data: expect.objectContaining({ extraction_id: collection.id, status: 'error' }),
					reason: 'Extraction failed: the document could not be processed (it contains the FAIL_EXTRACTION marker).',
					errorCode: 'EXTRACTION_FAILED',
					_meta: expect.objectContaining({ event: 'extraction.failed', collectionId: collection.id }),
				}),
			]);
		});

		it('emits a failed extraction as sent when Include Extracted Data is off', async () => {
			await activeTrigger({ includeData: false });
			run(workflow().id, 'FAIL_EXTRACTION');
			await receiver.waitForDeliveries(1);

			expect(items()).toEqual([expect.objectContaining({ event: 'extraction.failed', data: expect.any(Object) })]);
			expect(items()[0]).not.toHaveProperty('reason');
			expect(resultRequests()).toHaveLength(0);
		});

		it('still emits the event, with _meta.resultsError, when the results cannot be fetched', async () => {
			const t = await activeTrigger();
			const wf = workflow();
			const response = await post(t, eventFor({ id: '00000000-0000-4000-8000-000000000000', workflowId: wf.id }));

			expect(response.status).toBe(200);
			const [item] = items();
			expect(item).toMatchObject({ event: 'extraction.completed', data: expect.any(Object) });
			expect(item._meta).toMatchObject({ resultsError: expect.stringMatching(/^anyformat has no such resource/) });
		});

		it('answers anyformat before it fetches the results: the download runs in the execution', async () => {
			await activeTrigger();
			const wf = workflow();
			const collection = run(wf.id);
			const [delivery] = await receiver.waitForDeliveries(1);

			const [fetch] = resultRequests();
			expect(delivery.answeredAt).toBeLessThanOrEqual(fetch.at);
			expect(delivery.executedAt).toBeGreaterThanOrEqual(fetch.endAt!);
			expect(items()[0]).toMatchObject({ invoice_number: 'INV-2024-0847', _meta: { collectionId: collection.id } });
		});

		describe('with a short results budget', () => {
			const normalBudget = resultsBudget.ms;
			beforeEach(() => (resultsBudget.ms = 1500));
			afterEach(() => (resultsBudget.ms = normalBudget));

			it('answers at once even when the API hangs; the execution gives up within the budget', async () => {
				const t = await activeTrigger();
				const collection = run(workflow().id);
				await receiver.waitForDeliveries(1);
				fake.injectFault({ path: /\/results\/$/, kind: 'hang', times: Infinity });

				const started = Date.now();
				const response = await post(t, eventFor(collection), { id: 'msg_second' });
				const [, second] = receiver.deliveries;

				expect(response.status).toBe(200);
				// Well under the 1.5 s budget, and the execution ends with it (bounds loose for a busy machine).
				expect(second.answeredAt! - started).toBeLessThan(1000);
				expect(second.executedAt! - started).toBeGreaterThanOrEqual(1400);
				expect(second.executedAt! - started).toBeLessThan(5000);
				expect(items(1)[0]._meta).toMatchObject({ resultsError: 'anyformat did not return the results within 1.5 s' });
			}, 15_000);
		});

		describe('results that do not match the event: the event is kept, _meta.resultsError says why', () => {
			const resultsErrorOf = async (payload: IDataObject) => {
				const t = await activeTrigger();
				expect((await post(t, payload)).status).toBe(200);
				const [item] = items();
				expect(item).toMatchObject({ event: payload.event, data: payload.data });
				return (item._meta as IDataObject).resultsError;
			};

			it('completed, but anyformat still reports the run as processing (412)', async () => {
				const pending = fake.anyformat.createCollection(workflow().id, 'v2-upload', [{ document: documentFromText(INVOICE_TEXT, 'a.txt') }], { start: false });
				expect(await resultsErrorOf(eventFor(pending))).toBe('anyformat reports the results as not ready yet (412)');
			});

			it('completed, but the results endpoint says the run failed (422)', async () => {
				const failed = run(workflow().id, 'FAIL_EXTRACTION');
				fake.anyformat.completeNow(failed.id);
				expect(await resultsErrorOf(eventFor(failed))).toMatch(/^anyformat could not extract the document .*FAIL_EXTRACTION marker/);
			});

			it('failed, and the reason cannot be fetched', async () => {
				const wf = workflow();
				const payload = eventFor({ id: '00000000-0000-4000-8000-000000000000', workflowId: wf.id }, 'extraction.failed');
				expect(await resultsErrorOf(payload)).toMatch(/^anyformat has no such resource/);
				expect(items()[0]).toMatchObject({ reason: null, errorCode: null });
			});

			it('an event without extraction or workflow ID', async () => {
				const payload = { event: 'extraction.completed', timestamp: '2024-03-24T12:02:30.000Z', data: { status: 'processed' } };
				expect(await resultsErrorOf(payload)).toBe('The event carries no extraction ID or workflow ID');
				expect(resultRequests()).toHaveLength(0);
			});
		});

		it('emits the event with _meta.resultsError when Split Into Items names a missing field', async () => {
			await activeTrigger({ resultOptions: { splitField: 'no_such_field' } });
			run(workflow().id);
			await receiver.waitForDeliveries(1);

			const [item] = items();
			expect(item.event).toBe('extraction.completed');
			expect(item._meta).toMatchObject({ resultsError: expect.stringContaining('The result has no field "no_such_field"') });
		});

		it('accepts an unsigned delivery carrying the right token', async () => {
			const t = await activeTrigger({ includeData: false });
			const response = await post(t, eventFor({ id: 'c1', workflowId: 'w1' }), { sign: false });

			expect(response.status).toBe(200);
			expect(items()[0]._meta).toMatchObject({ deliveryId: expect.stringMatching(/^extraction\.completed:c1:/) });
		});

		it('reads the raw body itself when n8n did not pre-parse it (non-JSON content type)', async () => {
			const t = await activeTrigger({ includeData: false });
			const response = await post(t, eventFor({ id: 'c1', workflowId: 'w1' }), { contentType: 'text/plain' });

			expect(response.status).toBe(200);
			expect(receiver.deliveries[0].request.lazyRawBody).toBe(true);
			expect(items()[0]).toMatchObject({ event: 'extraction.completed', data: { extraction_id: 'c1' } });
		});
	});

	describe('authentication (401, no execution)', () => {
		const expectRefused = (response: { status: number; json?: IDataObject }, message: string | RegExp) => {
			expect(response.status).toBe(401);
			expect(response.json).toEqual({ error: 'Unauthorized', message: expect.stringMatching(message) });
			expect(receiver.executions).toHaveLength(0);
			expect(resultRequests()).toHaveLength(0);
		};
		const somePayload = { event: 'extraction.completed', timestamp: '2024-03-24T12:02:30.000Z', data: { extraction_id: 'c1', workflow_id: 'w1' } };

		it('refuses a wrong token', async () => {
			const t = await activeTrigger();
			expectRefused(await post(t, somePayload, { token: 'x'.repeat(43) }), /^Invalid token$/);
		});

		it('refuses a missing token, even with a valid signature', async () => {
			const t = await activeTrigger();
			expectRefused(await post(t, somePayload, { token: null }), /^Missing token$/);
		});

		it('refuses a bad signature', async () => {
			const t = await activeTrigger();
			const forged = JSON.stringify(somePayload);
			const headers = standardWebhookHeaders(`whsec_${Buffer.from('not the secret').toString('base64')}`, 'msg_1', Math.floor(Date.now() / 1000), forged);
			expectRefused(await post(t, forged, { sign: false, headers }), /^Invalid signature$/);
		});

		it('refuses a body changed after signing', async () => {
			const t = await activeTrigger();
			const signed = standardWebhookHeaders(t.staticData.secret as string, 'msg_1', Math.floor(Date.now() / 1000), JSON.stringify(somePayload));
			expectRefused(await post(t, { ...somePayload, event: 'extraction.failed' }, { sign: false, headers: signed }), /^Invalid signature$/);
		});

		it('refuses a stale timestamp (outside the 5-minute replay window)', async () => {
			const t = await activeTrigger();
			const tenMinutesAgo = Math.floor(Date.now() / 1000) - 600;
			expectRefused(await post(t, somePayload, { timestamp: tenMinutesAgo }), /more than 5 minutes away from now/);
		});

		it('refuses incomplete signature headers', async () => {
			const t = await activeTrigger();
			expectRefused(await post(t, somePayload, { sign: false, headers: { 'webhook-id': 'msg_1' } }), /^Incomplete signature headers/);
		});

		describe('Signature Check', () => {
			it('Auto (the default) accepts an unsigned delivery on the URL token and says so', async () => {
				const t = await activeTrigger({ includeData: false });
				const response = await post(t, somePayload, { sign: false });
				expect(response.status).toBe(200);
				expect(items()[0]._meta).toMatchObject({ authenticatedBy: 'token' });
			});

			it('Required refuses an unsigned delivery with a valid token, naming the expected and the received headers', async () => {
				const t = await activeTrigger({ includeData: false, signatureCheck: 'required' });
				const response = await post(t, somePayload, { sign: false, headers: { 'x-anyformat-signature': 'abc' } });
				expectRefused(response, /^Signature required but none recognised\. Expected: webhook-id, webhook-timestamp and webhook-signature \(Standard Webhooks\)\. Headers received: .*content-type.*x-anyformat-signature/);
				// Names only: neither the token nor the secret appears in the answer or the log.
				const secrets = [t.staticData.token as string, t.staticData.secret as string];
				expect(secrets.some((s) => JSON.stringify(response.json).includes(s))).toBe(false);
				expect(t.warnings).toEqual([expect.stringContaining('Signature required but none recognised')]);
				expect(secrets.some((s) => t.warnings.join('').includes(s))).toBe(false);
			});

			it('Required accepts a signed delivery and marks it authenticated by signature', async () => {
				const t = await activeTrigger({ includeData: false, signatureCheck: 'required' });
				expect((await post(t, somePayload)).status).toBe(200);
				expect(items()[0]._meta).toMatchObject({ authenticatedBy: 'signature' });
			});

			it('Required still refuses a signed delivery with a bad signature or a wrong token', async () => {
				const t = await activeTrigger({ includeData: false, signatureCheck: 'required' });
				const forged = standardWebhookHeaders(`whsec_${Buffer.from('guess').toString('base64')}`, 'msg_1', Math.floor(Date.now() / 1000), JSON.stringify(somePayload));
				expectRefused(await post(t, somePayload, { sign: false, headers: forged }), /^Invalid signature$/);
				expectRefused(await post(t, somePayload, { token: 'y'.repeat(43) }), /^Invalid token$/);
			});

			it('Required with no stored signing secret refuses and says how to fix it', async () => {
				const t = await activeTrigger({ includeData: false, signatureCheck: 'required' });
				delete t.staticData.secret;
				expectRefused(await post(t, somePayload, { sign: false }), /No signing secret is stored for this subscription; deactivate and activate/);
			});
		});

		it('refuses everything when no subscription is stored', async () => {
			const t = await activeTrigger();
			const { token } = t.staticData;
			delete t.staticData.token;
			expectRefused(await post(t, somePayload, { token: token as string }), /no active anyformat subscription/);
		});
	});

	describe('deliveries that start nothing', () => {
		it('runs once for a redelivered event (same webhook-id) and acknowledges the repeat', async () => {
			await activeTrigger({ includeData: false });
			run(workflow().id);
			await receiver.waitForDeliveries(1);
			const [record] = fake.anyformat.deliveries;

			fake.anyformat.redeliver(record.id);
			const [, repeat] = await receiver.waitForDeliveries(2);

			expect(repeat.request.headers['webhook-id']).toBe(record.messageId);
			expect(repeat.status).toBe(200);
			expect(JSON.parse(repeat.responseBody)).toEqual({ received: true, duplicate: true });
			expect(receiver.executions).toHaveLength(1);
		});

		it('runs once when retries of a delivery arrive together (a sender that timed out), answering each at once', async () => {
			const t = await activeTrigger();
			const collection = run(workflow().id);
			await receiver.waitForDeliveries(1);
			const event = eventFor(collection);

			const answers = await Promise.all(Array.from({ length: 5 }, () => post(t, event, { id: 'msg_retried' })));

			expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200, 200]);
			expect(answers.filter((a) => a.text === '')).toHaveLength(1);
			expect(answers.filter((a) => a.json?.duplicate === true)).toHaveLength(4);
			// The first delivery of the run, plus one for the retried message.
			expect(receiver.executions).toHaveLength(2);
			expect(resultRequests()).toHaveLength(2);
		});

		it('runs once for a duplicate unsigned delivery (same event, extraction and timestamp)', async () => {
			const t = await activeTrigger({ includeData: false });
			const event = eventFor({ id: 'c1', workflowId: 'w1' });

			expect((await post(t, event, { sign: false })).status).toBe(200);
			const second = await post(t, event, { sign: false });
			const later = await post(t, { ...event, timestamp: '2030-01-01T00:00:00.000Z' }, { sign: false });

			expect(second.json).toEqual({ received: true, duplicate: true });
			expect(later.text).toBe('');
			expect(receiver.executions).toHaveLength(2);
		});

		it('acknowledges an event that is not selected', async () => {
			const t = await activeTrigger({ events: ['extraction.completed'] });
			const collection = run(workflow().id, 'FAIL_EXTRACTION');
			await fake.waitFor(() => fake.anyformat.collections.find((c) => c.id === collection.id && c.readyAt !== null));

			const response = await post(t, eventFor(collection, 'extraction.failed'));

			expect(response).toMatchObject({ status: 200, json: { received: true, ignored: 'event "extraction.failed" is not selected in this trigger' } });
			expect(receiver.executions).toHaveLength(0);
			expect(resultRequests()).toHaveLength(0);
			expect(t.staticData.seenDeliveries).toBeUndefined();
		});

		it('acknowledges events of other workflows when it listens to one workflow', async () => {
			const wanted = workflow();
			const other = workflow();
			await activeTrigger({ workflowScope: 'one', workflow: byId(wanted.id) });

			run(other.id);
			const [ignored] = await receiver.waitForDeliveries(1);
			const collection = run(wanted.id);
			await receiver.waitForDeliveries(2);

			expect(ignored.status).toBe(200);
			expect(JSON.parse(ignored.responseBody)).toEqual({ received: true, ignored: 'the event belongs to another anyformat workflow' });
			expect(receiver.executions).toHaveLength(1);
			expect(items()[0]._meta).toMatchObject({ collectionId: collection.id, workflowId: wanted.id });
			expect(resultRequests()).toHaveLength(1);
		});

		it('answers 400 to an authenticated request that is not an anyformat event', async () => {
			const t = await activeTrigger();
			const response = await post(t, { hello: 'world' });

			expect(response.status).toBe(400);
			expect(response.json).toEqual({ error: 'Bad Request', message: expect.stringContaining('Not an anyformat event') });
			expect(receiver.executions).toHaveLength(0);
		});
	});
});
