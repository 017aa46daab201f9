/**
 * Anesya API v0 (node version 2) in a real n8n 2.41.1, against the fake API:
 *  - the credential's Test button per API generation, and a key refused with the other generation's header;
 *  - Parsing of 5 PDFs read from disk → 5 items with markdown;
 *  - Extract with a schema from a file, from a document ID and from a parsing ID → the fields;
 *  - Document upload → download (redirect to a storage host, no key sent there) → the very bytes, written to disk;
 *  - a workflow saved with node version 1 (0.8.1) and a credential saved before API Generation existed still runs;
 *  - the Anesya Trigger version 2 (v0) with a Webhook Secret and Signature Check Required: an unsigned delivery with the
 *    valid URL token → 401 naming the headers it carried; a signed extract.completed → one execution with the extract
 *    read back through the v0 API; the same delivery tampered → 401, no execution.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { buildTextPdf, DEFAULT_ANESYA_TOKEN as TOKEN, DEFAULT_ANESYA_V0_KEY as V0_KEY, standardWebhookHeaders, startFakeApi, type FakeApi, type RequestLogEntry } from '../fake-api';
import { an0, jsonBody } from '../fake-api/test-helpers';
import { INVOICE_SCHEMA, invoiceText } from '../fixtures/invoices';
import { byId } from '../helpers/n8n-harness';
import { N8nApi, type CredentialRef } from './support/n8n-api';
import { startN8n, type N8nInstance } from './support/n8n-instance';
import { PACKAGE_NAME } from './support/paths';
import { Timings } from './support/timings';
import { triggerWorkflow, webhookToNodes, type NodeSpec } from './support/workflows';

const filesDir = mkdtempSync(join(tmpdir(), 'e2e-anesya-v0-'));
const timings = new Timings();
let fake: FakeApi;
let n8n: N8nInstance | undefined;
let api: N8nApi;
let v0Credential: CredentialRef;
let schemaId: string;

const BATCH = 5;
const INVOICE_1 = { invoice_number: 'INV-1001', total_amount: 1010, currency: 'EUR', vendor: { vendor_name: 'Vendor 1' } };

beforeAll(async () => {
	for (let n = 1; n <= BATCH; n++) writeFileSync(join(filesDir, `invoice-${n}.pdf`), buildTextPdf(invoiceText(n)));
	fake = await startFakeApi({ anesya: { tokens: [TOKEN], apiKeys: [V0_KEY], latencyMs: 300 } });
	schemaId = fake.anesya.createSchema({ name: 'Invoices', description: 'Invoices', schema: INVOICE_SCHEMA }).id;
	n8n = await timings.measure('n8n start', () => startN8n({ label: 'anesya-v0', env: { N8N_RESTRICT_FILE_ACCESS_TO: filesDir } }));
	api = await N8nApi.connect(n8n);
	v0Credential = await api.createCredential('anesyaApi', { apiGeneration: 'v0', apiToken: V0_KEY, baseUrl: fake.urls.anesya }, 'Anesya v0 (e2e)');
}, 180_000);

afterAll(async () => {
	await n8n?.stop();
	await fake?.close();
	process.stdout.write(`\n${timings.summary('Anesya v0 e2e timings')}\n\n`);
}, 60_000);

const readFiles = (fileSelector: string): NodeSpec => ({
	type: 'n8n-nodes-base.readWriteFile',
	typeVersion: 1.1,
	name: 'Read Files',
	parameters: { operation: 'read', fileSelector, options: {} },
});

/** An Anesya node of version 2 (the default for new nodes) with the v0 credential. */
const anesyaV2 = (name: string, parameters: Record<string, unknown>): NodeSpec => ({ type: 'anesya', typeVersion: 2, name, credentials: [v0Credential], parameters });

/** Creates and activates Webhook → nodes, calls it once, deactivates; returns the last node's items. */
async function runThroughWebhook(label: string, nodes: NodeSpec[], credentials = [v0Credential]) {
	const { workflow, path } = webhookToNodes(nodes);
	const created = await api.createWorkflow(workflow, credentials);
	await api.activate(created.id);
	try {
		const response = await timings.measure(label, () => api.waitForWebhook<Array<Record<string, unknown>>>(path, {}, { timeoutMs: 60_000 }));
		expect({ label, status: response.status, body: response.status === 200 ? 'ok' : response.body }).toEqual({ label, status: 200, body: 'ok' });
		return response.body;
	} finally {
		await api.deactivate(created.id);
	}
}

const testRequest = (from: number, path: string) => (e: RequestLogEntry) => e.seq > from && e.method === 'GET' && e.path === path;

describe('Anesya v0 in real n8n', () => {
	it("the credential's Test button tests the chosen generation; a key is refused with the other generation's header", async () => {
		const cases = [
			{ data: { apiGeneration: 'v0', apiToken: V0_KEY }, path: '/anesya/v0/documents', scheme: 'x-api-key', ok: true },
			{ data: { apiGeneration: 'legacy', apiToken: TOKEN }, path: '/anesya/schema/', scheme: 'raw', ok: true },
			{ data: { apiToken: TOKEN }, path: '/anesya/schema/', scheme: 'raw', ok: true },
			{ data: { apiGeneration: 'legacy', apiToken: V0_KEY }, path: '/anesya/schema/', scheme: 'raw', ok: false },
			{ data: { apiGeneration: 'v0', apiToken: TOKEN }, path: '/anesya/v0/documents', scheme: 'x-api-key', ok: false },
		];
		for (const c of cases) {
			const from = fake.log.at(-1)?.seq ?? 0;
			const result = await timings.measure(`credential test ${JSON.stringify(c.data.apiGeneration ?? 'none saved')}, ${c.ok ? 'good' : 'other generation\'s'} key`, () =>
				api.testCredential('anesyaApi', { ...c.data, baseUrl: fake.urls.anesya }),
			);
			const hit = await fake.waitFor(() => fake.log.find(testRequest(from, c.path)), { timeoutMs: 5000 });
			expect({ data: c.data, status: result.status, auth: hit.auth, code: hit.status }).toEqual({
				data: c.data,
				status: c.ok ? 'OK' : 'Error',
				auth: { scheme: c.scheme, valid: c.ok },
				code: c.ok ? 200 : 401,
			});
		}
	});

	it('both node versions are loaded; new nodes get version 2', async () => {
		const types = (await api.nodeTypes()).filter((t) => t.name === `${PACKAGE_NAME}.anesya`);
		expect(types.map((t) => t.version).sort()).toEqual([1, 2]);
		expect(types.every((t) => t.defaultVersion === 2)).toBe(true);
	});

	it('parses 5 PDFs read from disk into 5 items with markdown', async () => {
		fake.clearLog();
		const items = await runThroughWebhook('5 PDFs → Parsing → Create', [readFiles(join(filesDir, 'invoice-*.pdf')), anesyaV2('Parse', { resource: 'parsing', operation: 'create' })]);
		expect(items).toHaveLength(BATCH);
		expect(items.map((i) => String(i.markdown).match(/INV-\d+/)?.[0]).sort()).toEqual(['INV-1001', 'INV-1002', 'INV-1003', 'INV-1004', 'INV-1005']);
		expect(items.every((i) => i.partial === false && (i._meta as { status: string }).status === 'FINISHED')).toBe(true);
		expect(fake.log.filter((e) => e.submission && e.status === 201)).toHaveLength(BATCH);
		process.stdout.write(`\nParsing → Create output (first item):\n${JSON.stringify(items[0], null, 2)}\n`);
	});

	it('extracts with a schema from a file, from a document ID and from a parsing ID', async () => {
		const file = join(filesDir, 'invoice-1.pdf');
		const extract = (input: Record<string, unknown>) => anesyaV2('Extract', { resource: 'extract', operation: 'create', schemaId, ...input });
		const fromFile = await runThroughWebhook('file → Extract → Create', [readFiles(file), extract({ input: 'binary' })]);
		const fromDocument = await runThroughWebhook('file → Document → Upload → Extract (document ID)', [
			readFiles(file),
			anesyaV2('Upload', { resource: 'document', operation: 'upload' }),
			extract({ input: 'documentId', documentId: '={{ $json.id }}' }),
		]);
		const fromParsing = await runThroughWebhook('file → Parsing → Create → Extract (parsing ID)', [
			readFiles(file),
			anesyaV2('Parse', { resource: 'parsing', operation: 'create' }),
			extract({ input: 'parsingId', parsingId: '={{ $json._meta.parsingId }}' }),
		]);
		for (const [label, items] of Object.entries({ fromFile, fromDocument, fromParsing })) {
			expect({ label, items }).toEqual({ label, items: [expect.objectContaining({ ...INVOICE_1, _meta: expect.objectContaining({ status: 'FINISHED', schemaId }) })] });
		}
		// The extract from a parsing reused it instead of parsing again.
		const reused = fake.anesyaV0.extracts.at(-1)!;
		expect(reused).toMatchObject({ ownParsing: false, parsing: (fromParsing[0]._meta as { parsingId: string }).parsingId });
		process.stdout.write(`\nExtract → Create output (from a parsing ID):\n${JSON.stringify(fromParsing[0], null, 2)}\n`);
	});

	it('a document uploaded and downloaded again has the very same bytes; the key never reaches the storage host', async () => {
		const source = join(filesDir, 'invoice-3.pdf');
		const target = join(filesDir, 'downloaded.pdf.out');
		fake.clearLog();
		await runThroughWebhook('file → Document → Upload → Download → file', [
			readFiles(source),
			anesyaV2('Upload', { resource: 'document', operation: 'upload' }),
			anesyaV2('Download', { resource: 'document', operation: 'download', documentId: '={{ $json.id }}' }),
			{ type: 'n8n-nodes-base.readWriteFile', typeVersion: 1.1, name: 'Write File', parameters: { operation: 'write', fileName: target, dataPropertyName: 'data', options: {} } },
		]);
		expect(readFileSync(target).equals(readFileSync(source))).toBe(true);
		expect(fake.log.filter((e) => e.route.includes('download') || e.vendor === 'storage').map((e) => [e.vendor, e.auth.scheme, e.status])).toEqual([
			['anesya', 'x-api-key', 302],
			['storage', 'none', 200],
		]);
	});

	it('a workflow saved with node version 1 and a credential saved before API Generation existed still runs (0.8.1)', async () => {
		const legacyCredential = await api.createCredential('anesyaApi', { apiToken: TOKEN, baseUrl: fake.urls.anesya }, 'Anesya saved before v0 (e2e)');
		fake.clearLog();
		const items = await runThroughWebhook(
			'file → Anesya v1 Extract With Schema',
			[
				readFiles(join(filesDir, 'invoice-2.pdf')),
				{ type: 'anesya', typeVersion: 1, name: 'Anesya', credentials: [legacyCredential], parameters: { resource: 'extract', operation: 'extractWithSchema', schema: byId(schemaId) } },
			],
			[legacyCredential],
		);
		expect(items).toEqual([expect.objectContaining({ invoice_number: 'INV-1002', _meta: expect.objectContaining({ status: 'FINISHED', documentName: 'invoice-2.pdf' }) })]);
		expect(fake.log.every((e) => e.auth.scheme === 'raw' && e.path.endsWith('/'))).toBe(true);
	});

	it('Anesya Trigger v2: a signed extract.completed runs once with the extract read back; the same delivery tampered → 401', async () => {
		const secret = `whsec_${Buffer.from('e2e anesya v0 webhook secret').toString('base64')}`;
		const URL_TOKEN = 'e2e-url-token-value';
		const { workflow, webhookId } = triggerWorkflow({
			type: 'anesyaTrigger',
			typeVersion: 2,
			name: 'Anesya Trigger',
			credentials: [v0Credential],
			parameters: { events: ['extract.completed', 'extract.failed'], webhookSecret: secret, signatureCheck: 'required', urlToken: URL_TOKEN },
		});
		const created = await api.createWorkflow(workflow, [v0Credential]);
		await api.activate(created.id);
		try {
			const productionUrl = `${n8n!.url}/webhook/${webhookId}/webhook?token=${URL_TOKEN}`;
			// What the user does in the Anesya dashboard: paste the production URL; Anesya shows the secret.
			fake.anesyaV0.setWebhooks([{ event: 'extract.completed', url: productionUrl, secret }]);
			// Activation is asynchronous: wait until the production URL answers instead of 404. The probe carries
			// the valid URL token but no signature: with a secret set it is refused, naming the headers it carried.
			const probe = await api.waitForWebhook<{ message: string }>(`${webhookId}/webhook?token=${URL_TOKEN}`, { event: 'ping', data: {} }, { timeoutMs: 20_000 });
			expect(probe.status).toBe(401);
			expect(probe.body.message).toMatch(/^Signature required but none recognised\. Expected: webhook-id, webhook-timestamp and webhook-signature \(Standard Webhooks\); or X-Anesya-Signature .* Headers received: .*content-type/);
			expect(probe.body.message).not.toContain(URL_TOKEN);

			const created201 = await an0(fake, '/extract', { method: 'POST', ...jsonBody({ schema: schemaId, document: await uploadedDocumentId() }) });
			const extractId = (created201.json as { id: string }).id;
			const delivery = await timings.measure('v0 extract → signed delivery answered', () =>
				fake.waitFor(() => fake.anesyaV0.deliveries.find((d) => d.attempts.length > 0), { timeoutMs: 30_000 }),
			);
			expect(delivery.attempts[0].status).toBe(200);
			const execution = await api.waitForExecution((e) => e.status === 'success', { workflowId: created.id, timeoutMs: 20_000 });
			const output = execution.data?.resultData.runData['Anesya Trigger']?.[0]?.data?.main?.[0] ?? [];
			expect(output.map((i) => i.json)).toEqual([
				expect.objectContaining({
					...INVOICE_1,
					_meta: expect.objectContaining({ extractId, status: 'FINISHED', schemaId, event: 'extract.completed', authenticatedBy: 'signature' }),
				}),
			]);
			// Read back through the v0 transport with the credential, not taken from the delivery.
			expect(fake.log.filter((e) => e.method === 'GET' && e.path === `/anesya/v0/extract/${extractId}` && e.auth.scheme === 'x-api-key')).toHaveLength(1);

			// The same delivery with its body changed after signing (e.g. by a proxy or an attacker).
			const tamperedBody = delivery.body.replace('FINISHED', 'ERROR');
			const headers = standardWebhookHeaders(secret, delivery.messageId, Math.floor(Date.now() / 1000), delivery.body);
			const tampered = await fetch(productionUrl, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: tamperedBody });
			expect({ status: tampered.status, body: await tampered.json() }).toEqual({ status: 401, body: { error: 'Unauthorized', message: 'Invalid signature' } });
			expect(await api.listExecutions({ workflowId: created.id })).toHaveLength(1);
			process.stdout.write(`\nAnesya Trigger v2 output:\n${JSON.stringify(output[0].json, null, 2)}\n`);
		} finally {
			await api.deactivate(created.id);
		}
	});
});

/** Stores invoice 1 as a v0 document (free) and returns its ID. */
async function uploadedDocumentId(): Promise<string> {
	const form = new FormData();
	form.append('file', new Blob([buildTextPdf(invoiceText(1))], { type: 'application/pdf' }), 'invoice-1.pdf');
	const uploaded = await an0(fake, '/documents', { method: 'POST', body: form });
	return (uploaded.json as { id: string }).id;
}
