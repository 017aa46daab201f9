// Fault suite: permanent faults become clear per-item errors. With Continue On Fail the rest of the
// batch completes and each error is paired to its item; the API key never appears anywhere.
import type { INodeExecutionData } from 'n8n-workflow';

// The 0.8.1 operations are version 1 of the versioned Anesya node.
import { AnesyaV1 as Anesya } from '../../nodes/Anesya/v1/AnesyaV1.node';
import { Anyformat } from '../../nodes/Anyformat/Anyformat.node';
import { buildTextPdf, startFakeApi, type FakeApi } from '../fake-api';
import { INVOICE_SCHEMA, invoiceText, invoiceWorkflow } from '../fixtures/invoices';
import { byId, fakeCredentials, fileItem, runNode } from '../helpers/n8n-harness';

const API_KEY = 'af_permanent_fault_key_0123456789';
const ANESYA_TOKEN = 'anesya_permanent_fault_token_42';
const EXPIRED_TOKEN = 'anesya_expired_token_0987654321';
let fake: FakeApi;

beforeAll(async () => {
	fake = await startFakeApi({
		anyformat: { apiKeys: [API_KEY], latencyMs: 100, rateLimits: false },
		anesya: { tokens: [ANESYA_TOKEN], expiredTokens: [EXPIRED_TOKEN], latencyMs: 100 },
	});
});
afterAll(async () => fake.close());
beforeEach(() => {
	fake.reset();
	fake.clearFaults();
});

function extract(items: INodeExecutionData[], workflow: string, apiKey = API_KEY) {
	return runNode({
		nodeType: new Anyformat(),
		parameters: { resource: 'extraction', operation: 'extractFromFile', workflow: byId(workflow) },
		credentials: fakeCredentials(fake, { apiKey }),
		items,
		continueOnFail: true,
	});
}

const errorsOf = (items: INodeExecutionData[]) => items.map((i) => (i.json.error as string | undefined) ?? null);

it('401: every item reports the rejected key, and no key is in any output', async () => {
	const workflowId = fake.anyformat.createWorkflow(invoiceWorkflow).id;
	const wrongKey = 'af_wrong_key_that_must_not_leak_42';
	const { items } = await extract([fileItem(invoiceText(1), 'a.txt', 'text/plain'), fileItem(invoiceText(2), 'b.txt', 'text/plain')], workflowId, wrongKey);
	expect(errorsOf(items)).toEqual([expect.stringMatching(/anyformat rejected the API key \(401/), expect.stringMatching(/anyformat rejected the API key/)]);
	expect(items.map((i) => i.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
	expect(JSON.stringify(items)).not.toContain(wrongKey);
});

it('404, 422 and malformed JSON hit single items; the others finish, each error paired to its item', async () => {
	const workflowId = fake.anyformat.createWorkflow(invoiceWorkflow).id;
	const missingWorkflow = '00000000-0000-4000-8000-000000000404';
	// Every results download for documents named "garbled-*" answers 200 with truncated JSON.
	const items = [
		fileItem(invoiceText(1), 'fine-1.txt', 'text/plain', { workflow: workflowId }),
		fileItem(invoiceText(2), 'unknown-workflow.txt', 'text/plain', { workflow: missingWorkflow }),
		fileItem(invoiceText(3, { fail: true }), 'unreadable.txt', 'text/plain', { workflow: workflowId }),
		fileItem(invoiceText(4), 'garbled.txt', 'text/plain', { workflow: workflowId }),
		fileItem(invoiceText(5), 'fine-5.txt', 'text/plain', { workflow: workflowId }),
	];
	// Garble its results as soon as the collection exists (the fake emits 'change' on every request,
	// long before the node can ask for results).
	let garbled: string | undefined;
	const garble = () => {
		const collection = fake.anyformat.collections.find((c) => c.files[0]?.fileName === 'garbled.txt');
		if (!collection || garbled) return;
		garbled = collection.id;
		fake.injectFault({ method: 'GET', path: new RegExp(`/files/${collection.id}/results/`), kind: 'malformed', times: 1000 });
	};
	fake.on('change', garble);

	const { items: out, error } = await runNode({
		nodeType: new Anyformat(),
		parameters: {
			resource: 'extraction',
			operation: 'extractFromFile',
			workflow: byId('={{ $json.workflow }}'),
		},
		credentials: fakeCredentials(fake, { apiKey: API_KEY }),
		items,
		continueOnFail: true,
	});
	fake.off('change', garble);
	expect(error).toBeUndefined();
	expect(out.map((i) => (i.pairedItem as { item: number }).item)).toEqual([0, 1, 2, 3, 4]);
	expect(out[0].json.invoice_number).toBe('INV-1001');
	expect(out[1].json.error).toBe(`anyformat has no such resource: POST /v2/workflows/${missingWorkflow}/run/ (Workflow "${missingWorkflow}" not found.)`);
	expect(out[2].json.error).toMatch(/^anyformat could not extract "unreadable.txt" \(collection [0-9a-f-]+\): .+/);
	expect(out[3].json.error).toMatch(/^anyformat answered GET \/v2\/workflows\/.+\/results\/ with a response that is not valid JSON$/);
	expect(out[4].json.invoice_number).toBe('INV-1005');
	expect(JSON.stringify(out)).not.toContain(API_KEY);
	// The garbled answer was retried as a read, then reported; the document was submitted once.
	expect(fake.log.filter((e) => e.submission && e.status === 202)).toHaveLength(4);
});

it('without Continue On Fail the first failing item stops the node with an error naming it', async () => {
	const workflowId = fake.anyformat.createWorkflow(invoiceWorkflow).id;
	const { error } = await runNode({
		nodeType: new Anyformat(),
		parameters: { resource: 'extraction', operation: 'extractFromFile', workflow: byId(workflowId) },
		credentials: fakeCredentials(fake, { apiKey: API_KEY }),
		items: [fileItem(invoiceText(1), 'ok.txt', 'text/plain'), fileItem(invoiceText(2, { fail: true }), 'bad.txt', 'text/plain')],
	});
	expect(error?.message).toMatch(/anyformat could not extract "bad.txt"/);
	expect((error as { context?: { itemIndex?: number } }).context?.itemIndex).toBe(1);
});

describe('Anesya', () => {
	const pdf = (n: number) => fileItem(buildTextPdf(invoiceText(n)), `invoice-${n}.pdf`, 'application/pdf');
	const extract = (token: string, items: INodeExecutionData[]) => {
		const schemaId = fake.anesya.createSchema({ name: 'Invoices', description: 'Invoices', schema: INVOICE_SCHEMA }).id;
		return runNode({
			nodeType: new Anesya(),
			parameters: { resource: 'extract', operation: 'extractWithSchema', server: 'EU-1', schema: byId(schemaId) },
			credentials: fakeCredentials(fake, { apiToken: token }),
			items,
			continueOnFail: true,
		});
	};

	it('403 insufficient credits: those items say so and are never retried; the others finish', async () => {
		// Each one-page document costs 3 credits: the first two fit, the last two do not.
		fake.anesya.setCredits(ANESYA_TOKEN, 6);
		const { items } = await extract(ANESYA_TOKEN, [pdf(1), pdf(2), pdf(3), pdf(4)]);
		expect(items.map((i) => i.json.invoice_number ?? null)).toEqual(['INV-1001', 'INV-1002', null, null]);
		expect(items.slice(2).every((i) => /credits/i.test(String(i.json.error)))).toBe(true);
		expect(items.map((i) => i.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }, { item: 3 }]);
		expect(fake.log.filter((e) => e.submission && e.status === 403)).toHaveLength(2);
		expect(JSON.stringify(items)).not.toContain(ANESYA_TOKEN);
	});

	it('401 for an expired token says that tokens expire, without the token', async () => {
		const { items } = await extract(EXPIRED_TOKEN, [pdf(1)]);
		expect(String(items[0].json.error)).toMatch(/Anesya/);
		expect(`${String(items[0].json.error)} ${String(items[0].json.description)}`).toMatch(/expire|lifetime/i);
		expect(JSON.stringify(items)).not.toContain(EXPIRED_TOKEN);
	});
});
