import type { IDataObject, IHookFunctions, INodeParameters } from 'n8n-workflow';

import { AnesyaTrigger } from '../../../nodes/Anesya/AnesyaTrigger.node';
import { triggerDouble, WebhookReceiver } from '../../helpers/trigger-double';
import { attachmentsItem, invoicePdfItem, startAnesyaEnv, type AnesyaTestEnv } from './anesya-env';
import { byId } from '../../helpers/n8n-harness';
import { webhookDouble, type Answer, type Delivery } from '../../helpers/webhook-double';

const EXTRACT_ID = '3019eef7-3aaa-4f25-aaad-c570acaa32dc';

function extract(overrides: IDataObject = {}): IDataObject {
	return {
		id: EXTRACT_ID,
		document_name: 'invoice.pdf',
		document_url: `/document/${EXTRACT_ID}/?type=extract`,
		content_images: [],
		server: 'FR-1',
		content: 'Invoice On 25/11/2024 ...',
		extracted_data: {
			invoice_number: 'F-2024-001',
			vendor: { name: 'ACME', country: 'FR' },
			line_items: [
				{ label: 'Audit', price: 1000 },
				{ label: 'Frais', price: 250 },
			],
		},
		schema: '300f339f-da71-4f9f-80f6-c25a63baae75',
		classifier: null,
		classifier_result: null,
		workflow: null,
		workflow_session_id: null,
		status: 'FINISHED',
		extraction_step: 'LOCATION',
		extraction_time: 41.09,
		credit_used: 3,
		metadata: { personal_id: '1234567890' },
		created_at: '2025-06-12T14:56:10.682461Z',
		...overrides,
	};
}

function delivery(event: string, data: IDataObject, timestamp = '2025-06-25T14:45:26Z'): IDataObject {
	return { id: 'b1eaea1a-ee96-4f7d-a2cb-dbadff2da584', event, timestamp, data };
}

async function deliver(parameters: INodeParameters, request: Delivery, double = webhookDouble(new AnesyaTrigger(), parameters, { typeVersion: 1 })) {
	const answer: Answer = {};
	const result = await new AnesyaTrigger().webhook.call(double.context(request, answer));
	return { result, answer, items: result.workflowData?.[0]?.map((item) => item.json) ?? [], double };
}

describe('Anesya Trigger: description and lifecycle', () => {
	const { description, webhookMethods } = new AnesyaTrigger();

	it('answers accepted deliveries with an empty 200 and shows the setup steps', () => {
		expect(description.name).toBe('anesyaTrigger');
		expect(description.inputs).toEqual([]);
		expect(description.webhooks).toEqual([
			expect.objectContaining({ name: 'default', httpMethod: 'POST', responseMode: 'onReceived', responseData: 'noData' }),
		]);
		const notice = description.properties.find((p) => p.type === 'notice')!;
		expect(notice.displayName).toMatch(/Settings → Webhooks/);
		expect(notice.displayName).toMatch(/HTTPS/);
		expect(notice.displayName).toMatch(/active/);
		expect(notice.displayName).toMatch(/\?token=/);
		const events = description.properties.find((p) => p.name === 'events')!;
		expect(events.default).toEqual(['extract.completed', 'extract.failed', 'workflow.completed', 'workflow.failed']);
		expect(description.properties.find((p) => p.name === 'secret')!.typeOptions).toEqual({ password: true });
	});

	it('activation and deactivation succeed without any API call (webhooks live in the Anesya dashboard)', async () => {
		// A context without helpers or credentials: any request would throw.
		const hooks = { getNode: () => ({ typeVersion: 1 }) } as unknown as IHookFunctions;
		expect(await webhookMethods!.default.checkExists.call(hooks)).toBe(false);
		expect(await webhookMethods!.default.create.call(hooks)).toBe(true);
		expect(await webhookMethods!.default.delete.call(hooks)).toBe(true);
	});
});

describe('Anesya Trigger: deliveries', () => {
	it('emits a completed extract as simplified fields with _meta, answering Anesya itself with an empty 200', async () => {
		const { result, answer, items } = await deliver({}, { body: delivery('extract.completed', extract()) });
		// Written before n8n sets the execution up (which n8n would otherwise wait for): see docs/PERFORMANCE.md, P5.
		expect(answer).toEqual({ status: 200, body: undefined });
		expect(result.noWebhookResponse).toBe(true);
		expect(items).toEqual([
			{
				invoice_number: 'F-2024-001',
				vendor: { name: 'ACME', country: 'FR' },
				line_items: [
					{ label: 'Audit', price: 1000 },
					{ label: 'Frais', price: 250 },
				],
				_meta: {
					extractId: EXTRACT_ID,
					status: 'FINISHED',
					extractionStep: 'LOCATION',
					extractionTime: 41.09,
					creditUsed: 3,
					documentName: 'invoice.pdf',
					metadata: { personal_id: '1234567890' },
					workflowSessionId: null,
					workflowId: null,
					event: 'extract.completed',
					webhookId: 'b1eaea1a-ee96-4f7d-a2cb-dbadff2da584',
					timestamp: '2025-06-25T14:45:26Z',
					authenticatedBy: 'none',
				},
			},
		]);
	});

	it('accepts the secret as ?token= or as the X-Webhook-Token header', async () => {
		const parameters = { secret: 's3cret-value' };
		const byQuery = await deliver(parameters, { body: delivery('extract.completed', extract()), query: { token: 's3cret-value' } });
		expect(byQuery.items).toHaveLength(1);
		const byHeader = await deliver(parameters, {
			body: delivery('extract.completed', extract(), '2025-06-25T14:45:27Z'),
			headers: { 'X-Webhook-Token': 's3cret-value' },
		});
		expect(byHeader.items).toHaveLength(1);
	});

	it('refuses a wrong secret with 401 and starts nothing; the secret is never echoed', async () => {
		const { result, answer } = await deliver({ secret: 's3cret-value' }, { body: delivery('extract.completed', extract()), query: { token: 'guess' } });
		expect(result).toEqual({ noWebhookResponse: true });
		expect(answer.status).toBe(401);
		expect(JSON.stringify(answer.body)).toMatch(/does not match/);
		expect(JSON.stringify(answer.body)).not.toContain('s3cret-value');
	});

	it('refuses a delivery without the secret with 401 and says how to add it', async () => {
		const { result, answer, double } = await deliver({ secret: 's3cret-value' }, { body: delivery('extract.completed', extract()) });
		expect(result).toEqual({ noWebhookResponse: true });
		expect(answer.status).toBe(401);
		expect(JSON.stringify(answer.body)).toMatch(/\?token=<secret>/);
		expect(double.staticData).toEqual({});
	});

	it('acknowledges events that are not selected with 200 JSON and starts nothing', async () => {
		const { result, answer, double } = await deliver(
			{ events: ['extract.completed'] },
			{ body: delivery('workflow.failed', { workflow: 'w', workflow_session_id: 1, status: 'ERROR', extracts: [] }) },
		);
		expect(answer.status).toBeUndefined();
		expect(result.workflowData).toBeUndefined();
		expect(result.webhookResponse).toEqual({ received: true, ignored: 'event "workflow.failed" is not selected in this trigger' });
		expect(double.staticData).toEqual({});
	});

	it('runs once for a repeated delivery of the same event, extract and timestamp', async () => {
		const double = webhookDouble(new AnesyaTrigger(), {}, { typeVersion: 1 });
		const body = delivery('extract.completed', extract());
		const first = await deliver({}, { body }, double);
		const again = await deliver({}, { body }, double);
		const later = await deliver({}, { body: delivery('extract.completed', extract(), '2025-06-25T15:00:00Z') }, double);
		expect(first.items).toHaveLength(1);
		expect(again.result.workflowData).toBeUndefined();
		expect(again.result.webhookResponse).toEqual({ received: true, duplicate: true });
		// A new timestamp is a new delivery (e.g. a re-run of the extraction).
		expect(later.items).toHaveLength(1);
	});

	it('workflow events fan out: one item per extract of the session, each with its own status', async () => {
		const session = 1758718492;
		const workflowId = '6f1c2f0e-8d4b-4a57-9a2e-1b0c9d8e7f60';
		const second = '9b2d6c1e-1111-4b57-9a2e-1b0c9d8e7f61';
		const data = {
			workflow: workflowId,
			workflow_session_id: session,
			status: 'ERROR',
			extracts: [
				extract({ workflow: workflowId, workflow_session_id: session }),
				extract({ id: second, document_name: 'scan.png', workflow: workflowId, workflow_session_id: session, status: 'ERROR', extracted_data: null, content: null }),
			],
		};
		const { items } = await deliver({ resultOptions: { splitField: 'line_items' } }, { body: delivery('workflow.failed', data) });
		// The finished invoice is split into its two lines; the failed scan has no fields, so it stays whole.
		expect(items.map((i) => [(i._meta as IDataObject).extractId, (i._meta as IDataObject).status, i.label ?? null])).toEqual([
			[EXTRACT_ID, 'FINISHED', 'Audit'],
			[EXTRACT_ID, 'FINISHED', 'Frais'],
			[second, 'ERROR', null],
		]);
		expect(items.every((i) => (i._meta as IDataObject).workflowSessionId === session && (i._meta as IDataObject).event === 'workflow.failed')).toBe(true);
	});

	it('Detailed output has null confidence, Review Threshold never flags, Include Document Text adds _text', async () => {
		const { items } = await deliver(
			{ output: 'detailed', resultOptions: { reviewThreshold: 99, includeText: true } },
			{ body: delivery('extract.completed', extract()) },
		);
		expect(items[0].invoice_number).toEqual({ value: 'F-2024-001', confidence: null, verificationStatus: null, evidence: [] });
		expect(items[0].needsReview).toBe(false);
		expect(items[0].reviewFields).toEqual([]);
		expect(items[0]._text).toBe('Invoice On 25/11/2024 ...');
	});

	it('Raw output is the delivery exactly as Anesya sent it, plus how it was authenticated', async () => {
		const body = delivery('extract.failed', extract({ status: 'ERROR', extracted_data: null }));
		const { items } = await deliver({ output: 'raw' }, { body });
		expect(items).toEqual([{ ...body, _meta: { authenticatedBy: 'none' } }]);
	});

	it('answers 400 to a body that is not an Anesya delivery', async () => {
		const { result, answer } = await deliver({}, { body: { hello: 'world' } });
		expect(result).toEqual({ noWebhookResponse: true });
		expect(answer.status).toBe(400);
	});
});

describe('Anesya Trigger: forged tokens', () => {
	const SECRET = 's3cret-value-9f2a';
	// Each is one a forger could send: nothing but the exact secret may start an execution.
	const forged: Array<{ name: string; query?: Delivery['query']; headers?: Record<string, string> }> = [
		{ name: 'an empty ?token=', query: { token: '' } },
		{ name: 'a prefix of the secret', query: { token: SECRET.slice(0, 6) } },
		{ name: 'the secret without its last character', query: { token: SECRET.slice(0, -1) } },
		{ name: 'its first character', query: { token: SECRET[0] } },
		{ name: 'the secret with a character more', query: { token: `${SECRET}x` } },
		{ name: 'the secret in upper case', query: { token: SECRET.toUpperCase() } },
		{ name: 'the secret with surrounding spaces', query: { token: ` ${SECRET} ` } },
		{ name: 'the secret twice', query: { token: SECRET + SECRET } },
		{ name: 'an empty X-Webhook-Token header', headers: { 'X-Webhook-Token': '' } },
		{ name: 'a prefix in the X-Webhook-Token header', headers: { 'X-Webhook-Token': SECRET.slice(0, 3) } },
	];

	it.each(forged)('refuses $name with 401, starts nothing and remembers nothing', async ({ query, headers }) => {
		const { result, answer, double } = await deliver({ secret: SECRET }, { body: delivery('extract.completed', extract()), query, headers });
		expect(answer.status).toBe(401);
		expect(result).toEqual({ noWebhookResponse: true });
		expect(double.staticData).toEqual({});
		expect(JSON.stringify(answer.body)).not.toContain(SECRET.slice(0, 6));
	});

	it('accepts exactly the secret (the table above is refused for its token, not for anything else)', async () => {
		const { items, answer } = await deliver({ secret: SECRET }, { body: delivery('extract.completed', extract()), query: { token: SECRET } });
		expect(answer.status).toBe(200);
		expect(items).toHaveLength(1);
	});
});

describe('Anesya Trigger: deliveries sent by the fake Anesya dashboard', () => {
	const trigger = new AnesyaTrigger();
	let env: AnesyaTestEnv;
	// A fresh receiver per test: late retries of one test's deliveries never reach the next test's.
	let receiver: WebhookReceiver;

	const baseUrl = () => `${receiver.url}/webhook`;

	/** Configures the trigger under test: deliveries to baseUrl() reach its webhook() with these parameters. */
	const configureTrigger = (parameters: INodeParameters) => {
		receiver.double = triggerDouble({ nodeType: trigger, parameters, webhookUrl: baseUrl(), typeVersion: 1 });
	};

	/** The first `count` answers, as status and the items of the execution each started (none: []). */
	const firstAnswers = async (count: number) =>
		(await receiver.waitForDeliveries(count)).map((d) => ({
			status: d.status,
			items: d.result?.workflowData?.[0]?.map((i) => i.json) ?? [],
		}));

	beforeAll(async () => {
		env = await startAnesyaEnv({}, 100);
	});
	afterAll(async () => {
		await env.close();
	});

	beforeEach(async () => {
		env.reset(100);
		receiver = new WebhookReceiver(trigger);
		await receiver.listen();
	});
	afterEach(async () => {
		await receiver.close();
	});

	it('turns a real extract.completed delivery into the extract, ignores other events and refuses a wrong token', async () => {
		configureTrigger({ secret: 'trigger-secret', events: ['extract.completed'] });
		const base = baseUrl();
		env.fake.anesya.setDashboardWebhooks([
			{ event: 'extract.completed', url: `${base}?token=trigger-secret` },
			{ event: 'extract.completed', url: `${base}?token=wrong` },
			{ event: 'extract.failed', url: `${base}?token=trigger-secret` },
		]);
		const run = await env.run(
			{ resource: 'extract', operation: 'extractWithSchema', schema: byId(env.schemaId), waitForCompletion: false },
			{ items: [invoicePdfItem(7)] },
		);
		expect(run.error).toBeUndefined();
		// The first answer to each delivery (the refused one is retried later by the fake).
		const received = await firstAnswers(2);
		// The receiver has answered; the fake records each attempt only once it has read the answer.
		await env.fake.waitFor(() => env.fake.anesya.deliveries.every((d) => d.attempts.length > 0), { timeoutMs: 5000 });
		const accepted = received.filter((r) => r.items.length > 0);
		expect(accepted).toHaveLength(1);
		expect(accepted[0].items[0]).toMatchObject({
			invoice_number: 'INV-1007',
			line_items: [expect.objectContaining({ description: 'Consulting' }), expect.objectContaining({ description: 'Travel' })],
			_meta: { extractId: (run.items[0].json._meta as IDataObject).extractId, event: 'extract.completed', documentName: 'invoice-7.pdf' },
		});
		expect(received.filter((r) => r.status === 401)).toHaveLength(1);
		expect(env.fake.anesya.deliveries.map((d) => d.attempts[0]?.status).sort()).toEqual([200, 401]);
	});

	it('fans a real workflow.completed delivery out into one item per document of the upload', async () => {
		configureTrigger({ events: ['workflow.completed'] });
		env.fake.anesya.setDashboardWebhooks([
			{ event: 'workflow.completed', url: baseUrl() },
			{ event: 'extract.completed', url: baseUrl() },
		]);
		const run = await env.run(
			{ resource: 'extract', operation: 'extractWithWorkflow', workflowId: env.workflowId, binaryPropertyNames: '*', waitForCompletion: false },
			{ items: [attachmentsItem([1, 2])] },
		);
		expect(run.error).toBeUndefined();
		const received = await firstAnswers(3);
		// Two extract.completed deliveries are acknowledged without a run; the workflow event runs once.
		const runs = received.filter((r) => r.items.length > 0);
		expect(runs).toHaveLength(1);
		const session = (run.items[0].json._meta as IDataObject).workflowSessionId;
		expect(runs[0].items.map((i) => [i.invoice_number, (i._meta as IDataObject).workflowSessionId, (i._meta as IDataObject).event])).toEqual([
			['INV-1001', session, 'workflow.completed'],
			['INV-1002', session, 'workflow.completed'],
		]);
	});
});
