/**
 * Anesya nodes in a real n8n 2.41.1:
 *  - a PDF read from disk by n8n's Read/Write Files node → Anesya Extract With Workflow → items;
 *  - an active Anesya Trigger (URL + secret pasted into the "dashboard" of the fake) receives a
 *    delivery when an extraction finishes and emits the extracted data; a wrong secret starts nothing.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { buildTextPdf, DEFAULT_ANESYA_TOKEN as TOKEN, startFakeApi, type FakeApi } from '../fake-api';
import { an, form } from '../fake-api/test-helpers';
import { INVOICE_SCHEMA, invoiceText } from '../fixtures/invoices';
import { N8nApi, type CredentialRef } from './support/n8n-api';
import { startN8n, type N8nInstance } from './support/n8n-instance';
import { Timings } from './support/timings';
import { triggerWorkflow, webhookToNodes } from './support/workflows';

const SECRET = 'e2e-anesya-secret';
const filesDir = mkdtempSync(join(tmpdir(), 'e2e-anesya-'));
const timings = new Timings();
let fake: FakeApi;
let n8n: N8nInstance | undefined;
let api: N8nApi;
let credential: CredentialRef;

beforeAll(async () => {
	writeFileSync(join(filesDir, 'invoice-7.pdf'), buildTextPdf(invoiceText(7)));
	fake = await startFakeApi({ anesya: { tokens: [TOKEN], latencyMs: 300 } });
	n8n = await timings.measure('n8n start', () => startN8n({ label: 'anesya', env: { N8N_RESTRICT_FILE_ACCESS_TO: filesDir } }));
	api = await N8nApi.connect(n8n);
	credential = await api.createCredential('anesyaApi', { apiToken: TOKEN, baseUrl: fake.urls.anesya });
}, 180_000);

afterAll(async () => {
	await n8n?.stop();
	await fake?.close();
	process.stdout.write(`\n${timings.summary('Anesya e2e timings')}\n\n`);
}, 60_000);

describe('Anesya in real n8n', () => {
	it('extracts a PDF read from disk with a workflow', async () => {
		const schemaId = fake.anesya.createSchema({ name: 'Invoices', description: 'Invoices', schema: INVOICE_SCHEMA }).id;
		const anesyaWorkflow = fake.anesya.createWorkflow({ name: 'Invoices', schemaId, server: 'FR-1' });
		const { workflow, path } = webhookToNodes([
			{ type: 'n8n-nodes-base.readWriteFile', typeVersion: 1.1, name: 'Read Files', parameters: { operation: 'read', fileSelector: join(filesDir, '*.pdf'), options: {} } },
			{
				type: 'anesya',
				name: 'Anesya',
				credentials: [credential],
				parameters: { resource: 'extract', operation: 'extractWithWorkflow', workflowId: anesyaWorkflow.id, binaryPropertyNames: 'data' },
			},
		]);
		const created = await api.createWorkflow(workflow, [credential]);
		await api.activate(created.id);
		const response = await timings.measure('file from disk → Extract With Workflow', () =>
			api.waitForWebhook<Array<Record<string, unknown>>>(path, {}, { timeoutMs: 60_000 }),
		);
		expect(response.status).toBe(200);
		expect(response.body).toHaveLength(1);
		expect(response.body[0]).toMatchObject({
			invoice_number: 'INV-1007',
			total_amount: 1070,
			currency: 'EUR',
			_meta: { status: 'FINISHED', documentName: 'invoice-7.pdf', workflowId: anesyaWorkflow.id },
		});
		expect(fake.log.filter((e) => e.submission && e.status === 201)).toHaveLength(1);
		process.stdout.write(`\nfile from disk → Anesya Extract With Workflow output:\n${JSON.stringify(response.body[0], null, 2)}\n`);
		await api.deactivate(created.id);
	});

	it('an active Anesya Trigger receives the dashboard webhook and emits the extract', async () => {
		const { workflow, webhookId } = triggerWorkflow({
			type: 'anesyaTrigger',
			name: 'Anesya Trigger',
			credentials: [credential],
			parameters: { events: ['extract.completed', 'extract.failed'], secret: SECRET },
		});
		const created = await api.createWorkflow(workflow, [credential]);
		await api.activate(created.id);
		const productionUrl = `${n8n!.url}/webhook/${webhookId}/webhook`;
		// What the user does in the Anesya dashboard: paste the production URL with the secret.
		fake.anesya.setDashboardWebhooks([
			{ event: 'extract.completed', url: `${productionUrl}?token=${SECRET}` },
			{ event: 'extract.completed', url: `${productionUrl}?token=wrong-secret` },
		]);
		// Activation is asynchronous: wait until the production URL answers something other than 404.
		await api.waitForWebhook(`${webhookId}/webhook?token=${SECRET}`, { event: 'ping', data: {} }, { timeoutMs: 20_000 });

		const schemaId = fake.anesya.createSchema({ name: 'Receipts', description: 'Receipts', schema: INVOICE_SCHEMA }).id;
		await an(fake, '/extract/', {
			method: 'POST',
			body: form([
				['document', { data: buildTextPdf(invoiceText(9)), filename: 'invoice-9.pdf', type: 'application/pdf' }],
				['server', 'EU-1'],
				['schema', schemaId],
			]),
		});

		const deliveries = await timings.measure('extraction → both dashboard deliveries answered', () =>
			fake.waitFor(() => (fake.anesya.deliveries.filter((d) => d.attempts.length > 0).length >= 2 ? fake.anesya.deliveries : undefined), { timeoutMs: 30_000 }),
		);
		const statusFor = (secret: string) => deliveries.find((d) => d.url.endsWith(`token=${secret}`))?.attempts[0]?.status;
		expect(statusFor(SECRET)).toBe(200);
		expect(statusFor('wrong-secret')).toBe(401);

		const execution = await api.waitForExecution((e) => e.status === 'success', { workflowId: created.id, timeoutMs: 20_000 });
		const output = execution.data?.resultData.runData['Anesya Trigger']?.[0]?.data?.main?.[0] ?? [];
		expect(output).toHaveLength(1);
		expect(output[0].json).toMatchObject({ invoice_number: 'INV-1009', _meta: { event: 'extract.completed', documentName: 'invoice-9.pdf' } });
		expect(await api.listExecutions({ workflowId: created.id })).toHaveLength(1);
		await api.deactivate(created.id);
	});
});
