/**
 * Anyformat action node in a real n8n 2.41.1 (filesystem binary data, the default):
 *  - the sample PDF read from disk by n8n's own Read/Write Files node → Extract From File → items
 *  - 20 documents through one node execution: one submission each, statuses polled together, and the
 *    wall time next to the same batch one document at a time (Max Documents in Flight = 1)
 */
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { buildTextPdf, DEFAULT_ANYFORMAT_KEY as API_KEY, startFakeApi, type FakeApi } from '../fake-api';
import { invoiceText } from '../fixtures/invoices';
import { byId } from '../helpers/n8n-harness';
import { SAMPLE_INVOICE_FIELDS } from '../../scripts/samples';
import { N8nApi, type CredentialRef } from './support/n8n-api';
import { startN8n, type N8nInstance } from './support/n8n-instance';
import { REPO_ROOT } from './support/paths';
import { Timings } from './support/timings';
import { webhookToNodes } from './support/workflows';

const samplesDir = join(REPO_ROOT, 'examples', 'samples');
const batchDir = mkdtempSync(join(tmpdir(), 'e2e-batch-'));
const BATCH = 20;

const timings = new Timings();
let fake: FakeApi;
let n8n: N8nInstance | undefined;
let api: N8nApi;
let credential: CredentialRef;

beforeAll(async () => {
	for (let i = 0; i < BATCH; i++) writeFileSync(join(batchDir, `invoice-${String(i).padStart(2, '0')}.pdf`), buildTextPdf(invoiceText(i)));
	copyFileSync(join(samplesDir, 'invoice.pdf'), join(batchDir, 'sample.pdf.keep'));
	fake = await startFakeApi({ anyformat: { apiKeys: [API_KEY], latencyMs: 500 } });
	n8n = await timings.measure('n8n start', () =>
		startN8n({ label: 'anyformat', env: { N8N_RESTRICT_FILE_ACCESS_TO: `${samplesDir};${batchDir}` } }),
	);
	api = await N8nApi.connect(n8n);
	credential = await api.createCredential('anyformatApi', { apiKey: API_KEY, baseUrl: fake.urls.anyformat });
}, 180_000);

afterAll(async () => {
	await n8n?.stop();
	await fake?.close();
	process.stdout.write(`\n${timings.summary('anyformat e2e timings')}\n\n`);
}, 60_000);

/** Webhook → Read/Write Files from Disk (glob) → Anyformat; returns the node output items. */
async function extractFromDisk(fileSelector: string, anyformatParameters: Record<string, unknown>) {
	const workflowId = fake.anyformat.createWorkflow({ name: 'Invoices (e2e)', fields: SAMPLE_INVOICE_FIELDS }).id;
	const { workflow, path } = webhookToNodes([
		{ type: 'n8n-nodes-base.readWriteFile', typeVersion: 1.1, name: 'Read Files', parameters: { operation: 'read', fileSelector, options: {} } },
		{
			type: 'anyformat',
			name: 'Anyformat',
			credentials: [credential],
			parameters: {
				resource: 'extraction',
				operation: 'extractFromFile',
				workflow: byId(workflowId),
				...anyformatParameters,
			},
		},
	]);
	const created = await api.createWorkflow(workflow, [credential]);
	await api.activate(created.id);
	fake.clearLog();
	const started = Date.now();
	const response = await api.waitForWebhook<Array<Record<string, unknown>>>(path, {}, { timeoutMs: 120_000 });
	const wallMs = Date.now() - started;
	await api.deactivate(created.id);
	return { response, wallMs, workflowId };
}

describe('Anyformat in real n8n', () => {
	it('reads the sample PDF from disk and outputs its extracted fields', async () => {
		const { response, workflowId } = await extractFromDisk(join(samplesDir, 'invoice.pdf'), {});
		expect(response.status).toBe(200);
		const [item] = response.body;
		expect(item).toMatchObject({
			invoice_number: 'INV-2024-0847',
			invoice_date: '2024-11-04',
			vendor_name: 'ACME Office Supplies GmbH',
			customer_name: 'Northwind Traders Ltd',
			currency: 'EUR',
			total_amount: 3060.68,
			_meta: { workflowId, fileName: 'invoice.pdf' },
		});
		expect(item.line_items).toEqual([
			{ description: 'Ergonomic office chair', quantity: 4, unit_price: 249, amount: 996 },
			{ description: 'Standing desk 160x80', quantity: 2, unit_price: 549, amount: 1098 },
			{ description: 'Monitor arm, dual', quantity: 4, unit_price: 89.5, amount: 358 },
			{ description: 'Delivery and assembly', quantity: 1, unit_price: 120, amount: 120 },
		]);
		const [stored] = fake.anyformat.collections;
		expect(stored.files[0]).toMatchObject({ fileName: 'invoice.pdf', contentType: 'application/pdf' });
		expect(stored.files[0].size).toBe(readFileSync(join(samplesDir, 'invoice.pdf')).length);
		process.stdout.write(`\nsample PDF → Anyformat output:\n${JSON.stringify(item, null, 2)}\n`);
	});

	it('runs 20 documents in one node execution as a pipeline (several in flight at once)', async () => {
		const pipelined = await extractFromDisk(join(batchDir, 'invoice-*.pdf'), {});
		expect(pipelined.response.body).toHaveLength(BATCH);
		const numbers = pipelined.response.body.map((i) => i.invoice_number).sort();
		expect(numbers).toEqual(Array.from({ length: BATCH }, (_, i) => `INV-${1000 + i}`));
		const submissions = fake.log.filter((e) => e.submission);
		const perDocument = new Map<string, number>();
		for (const c of fake.anyformat.collections) perDocument.set(c.files[0].fileName, (perDocument.get(c.files[0].fileName) ?? 0) + 1);
		expect(submissions).toHaveLength(BATCH);
		expect([...perDocument.values()].every((n) => n === 1)).toBe(true);
		const listPolls = fake.log.filter((e) => e.route === 'GET /v2/workflows/{workflow_id}/files/').length;
		const resultFetches = fake.log.filter((e) => e.route.endsWith('/results/')).length;
		expect(listPolls).toBeGreaterThan(0);
		expect(resultFetches).toBe(BATCH);
		// a pipeline, not submit-wait-next: the second document went out before the first result came back
		// (the cap itself, e.g. Max Documents in Flight = 1, is asserted in test/nodes/.../extraction.test.ts)
		const firstResult = Math.min(...fake.log.filter((e) => e.route.endsWith('/results/')).map((e) => e.at));
		expect(submissions.filter((e) => e.at < firstResult).length).toBeGreaterThan(1);

		timings.record(`20 documents, pipeline (default)`, pipelined.wallMs, `${fake.log.length} requests: ${BATCH} submissions, ${listPolls} status lists, ${resultFetches} result downloads`);
	});
});
