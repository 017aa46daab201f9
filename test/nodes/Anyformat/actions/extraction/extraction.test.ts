import type { INodeExecutionData } from 'n8n-workflow';

import type { FakeApi } from '../../../../fake-api';
import { form, v2 } from '../../../../fake-api/test-helpers';
import { invoiceText, invoiceWorkflow } from '../../../../fixtures/invoices';
import { byId, fileItem, storedFileItem } from '../../../../helpers/n8n-harness';
import { startAnyformatEnv, type AnyformatTestEnv } from '../../anyformat-env';

let env: AnyformatTestEnv;
let fake: FakeApi;
let workflowId: string;

beforeAll(async () => {
	env = await startAnyformatEnv({ anyformat: { latencyMs: 150, rateLimits: false } });
	fake = env.fake;
});
afterAll(async () => env.close());
beforeEach(() => {
	fake.reset();
	fake.configure({ anyformat: { latencyMs: 150 } });
	workflowId = fake.anyformat.createWorkflow(invoiceWorkflow).id;
});

const workflowParam = () => byId(workflowId);
const submissions = () => fake.log.filter((e) => e.submission);

/**
 * The most documents that were ever between submission and result at once, read from the fake's log:
 * a document is in flight from its run request's arrival until its results answer was sent.
 */
function mostDocumentsInFlight(): number {
	const events: Array<{ at: number; change: 1 | -1 }> = [];
	for (const { id } of fake.anyformat.collections) {
		const submitted = fake.log.find((e) => e.submission && e.jobIds?.includes(id));
		const result = fake.log.find((e) => e.route.endsWith('/results/') && e.status === 200 && e.jobIds?.includes(id));
		expect(submitted && result?.endAt).toBeDefined();
		events.push({ at: submitted!.at, change: 1 }, { at: result!.endAt!, change: -1 });
	}
	// At the same millisecond a result answered comes before the next submission it made room for.
	events.sort((a, b) => a.at - b.at || a.change - b.change);
	let open = 0;
	let most = 0;
	for (const { change } of events) most = Math.max(most, (open += change));
	return most;
}

function extractFromFile(
	parameters: Record<string, unknown>,
	items: INodeExecutionData[] = [fileItem(invoiceText(1), 'invoice-1.txt', 'text/plain')],
	options: Parameters<AnyformatTestEnv['run']>[1] = {},
) {
	return env.run({ resource: 'extraction', operation: 'extractFromFile', workflow: workflowParam(), ...parameters }, { ...options, items });
}

describe('Extraction → Extract From File', () => {
	it('uploads the file with its name and type, waits, and outputs simplified fields with _meta', async () => {
		const { items, error } = await extractFromFile({});
		expect(error).toBeUndefined();
		expect(items).toHaveLength(1);
		const json = items[0].json;
		expect(json).toMatchObject({
			invoice_number: 'INV-1001',
			invoice_date: '2024-03-15',
			vendor_name: 'Vendor 1',
			total_amount: 1010,
			currency: 'EUR',
			line_items: [
				{ description: 'Consulting', quantity: 10, amount: 810 },
				{ description: 'Travel', quantity: 1, amount: 200 },
			],
			_meta: { workflowId, fileName: 'invoice-1.txt' },
		});
		expect(items[0].pairedItem).toEqual({ item: 0 });
		const [collection] = fake.anyformat.collections;
		expect((json._meta as { collectionId: string }).collectionId).toBe(collection.id);
		expect(collection.files[0]).toMatchObject({ fileName: 'invoice-1.txt', contentType: 'text/plain' });
		expect(submissions()).toHaveLength(1);
		expect(fake.log.every((e) => e.auth.valid && e.auth.scheme === 'bearer')).toBe(true);
	});

	it('streams a file kept in the binary store (filesystem mode, n8n 2.x default) byte for byte', async () => {
		const content = Buffer.concat([Buffer.from(invoiceText(3)), Buffer.alloc(700_000, 0x20)]);
		const item = await storedFileItem(content, 'stored.txt', 'text/plain');
		expect(item.binary!.data.id).toMatch(/^filesystem-v2:/);
		const { items, error } = await extractFromFile({}, [item]);
		expect(error).toBeUndefined();
		expect(items[0].json).toMatchObject({ invoice_number: 'INV-1003', _meta: { fileName: 'stored.txt' } });
		expect(fake.anyformat.collections[0].files[0]).toMatchObject({ fileName: 'stored.txt', contentType: 'text/plain', size: content.length });
	});

	it('Detailed output carries confidence, verification status and evidence per field', async () => {
		const { items } = await extractFromFile({ output: 'detailed' });
		expect(items[0].json.invoice_number).toMatchObject({
			value: 'INV-1001',
			verificationStatus: 'not_verified',
			evidence: [expect.objectContaining({ text: expect.stringContaining('INV-1001'), page_number: 1 })],
		});
		expect(typeof (items[0].json.invoice_number as { confidence: number }).confidence).toBe('number');
	});

	it('Raw output is the API results body', async () => {
		const { items } = await extractFromFile({ output: 'raw' });
		expect(items[0].json).toHaveProperty('collection_id');
		expect(items[0].json).toHaveProperty('extractions');
	});

	it('Split Into Items gives one item per line item with the invoice fields, and Review Threshold flags fields', async () => {
		const { items } = await extractFromFile({ resultOptions: { splitField: 'line_items', reviewThreshold: 100 } });
		expect(items.map((i) => i.json.description)).toEqual(['Consulting', 'Travel']);
		expect(items.every((i) => i.json.invoice_number === 'INV-1001' && !('line_items' in i.json))).toBe(true);
		expect(items.every((i) => i.pairedItem && (i.pairedItem as { item: number }).item === 0)).toBe(true);
		expect(items[0].json.needsReview).toBe(true);
		expect(items[0].json.reviewFields).toEqual(expect.arrayContaining(['invoice_number']));
	});

	it('Review Threshold flags exactly the fields below it: a field at the threshold is not flagged', async () => {
		// The confidences the API gave, read from the Detailed output of the same document.
		const detailed = (await extractFromFile({ output: 'detailed' })).items[0].json;
		const confidence = new Map<string, number>();
		for (const [name, field] of Object.entries(detailed)) {
			const c = (field as { confidence?: unknown } | null)?.confidence;
			if (typeof c === 'number') confidence.set(name, c);
		}
		const levels = [...new Set(confidence.values())].sort((a, b) => a - b);
		// The top level as threshold: some fields below it, the others exactly at it.
		expect(levels.length).toBeGreaterThanOrEqual(2);
		const threshold = levels[levels.length - 1];
		const below = [...confidence].filter(([, c]) => c < threshold).map(([n]) => n);
		const atThreshold = [...confidence].filter(([, c]) => c >= threshold).map(([n]) => n);

		const { items, error } = await extractFromFile({ resultOptions: { reviewThreshold: threshold } });
		expect(error).toBeUndefined();
		const flagged = (items[0].json.reviewFields as string[]).filter((path) => confidence.has(path));
		expect(below.length).toBeGreaterThan(0);
		expect(flagged.sort()).toEqual(below.sort());
		expect(items[0].json.reviewFields).toEqual(expect.not.arrayContaining(atThreshold));
		expect(items[0].json.needsReview).toBe(true);
		// At the lowest level nothing is below it: a document the model is that sure of needs no review.
		const sure = await extractFromFile({ resultOptions: { reviewThreshold: levels[0] } });
		expect(sure.items[0].json.reviewFields).toEqual(expect.not.arrayContaining([...confidence.keys()]));
	});

	it('without waiting outputs the receipt at once', async () => {
		const { items } = await extractFromFile({ waitForCompletion: false });
		expect(items[0].json).toMatchObject({ id: expect.any(String), workflow_id: workflowId, status: expect.any(String), version_id: expect.any(String) });
		expect(fake.log.filter((e) => e.method === 'GET')).toHaveLength(0);
	});

	it('20 documents run as a pipeline: one submission each, shared status polling, input order kept', async () => {
		const count = 20;
		const items = Array.from({ length: count }, (_, i) => fileItem(invoiceText(i), `invoice-${i}.txt`, 'text/plain', { n: i }));
		fake.configure({ anyformat: { latencyMs: 400 } });

		const pipelined = await extractFromFile({}, items);
		expect(pipelined.error).toBeUndefined();
		expect(pipelined.items.map((i) => i.json.invoice_number)).toEqual(items.map((_, i) => `INV-${1000 + i}`));
		expect(pipelined.items.map((i) => (i.pairedItem as { item: number }).item)).toEqual(items.map((_, i) => i));

		const runs = submissions();
		expect(runs).toHaveLength(count);
		const collectionIds = new Set(fake.anyformat.collections.map((c) => c.id));
		expect(collectionIds.size).toBe(count);
		const listCalls = fake.log.filter((e) => e.route === 'GET /v2/workflows/{workflow_id}/files/').length;
		const resultCalls = fake.log.filter((e) => e.route.endsWith('/results/')).length;
		// Statuses of the whole batch come from the files list; results are fetched once per finished document.
		expect(listCalls).toBeGreaterThan(0);
		expect(resultCalls).toBe(count);
		expect(fake.log.length / count).toBeLessThan(3);
		// Without a cap, documents were processing at the same time.
		expect(mostDocumentsInFlight()).toBeGreaterThan(1);
	});

	it.each([1, 2])('Max Documents in Flight = %i: never more documents between submission and result, and that many used', async (cap) => {
		const count = cap + 2;
		const items = Array.from({ length: count }, (_, i) => fileItem(invoiceText(i), `invoice-${i}.txt`, 'text/plain'));
		const { items: out, error } = await extractFromFile({ batchOptions: { maxInFlight: cap } }, items);
		expect(error).toBeUndefined();
		expect(out.map((i) => i.json.invoice_number)).toEqual(items.map((_, i) => `INV-${1000 + i}`));
		expect(submissions()).toHaveLength(count);
		expect(mostDocumentsInFlight()).toBe(cap);
	});

	it('with Continue On Fail, bad items become paired error items and the rest finish', async () => {
		const items = [
			fileItem(invoiceText(1), 'ok-1.txt', 'text/plain'),
			{ json: { note: 'no file' } },
			fileItem(invoiceText(3, { fail: true }), 'broken.txt', 'text/plain'),
			fileItem(invoiceText(4), 'ok-4.txt', 'text/plain'),
		];
		const { items: out, error } = await extractFromFile({}, items, { continueOnFail: true });
		expect(error).toBeUndefined();
		expect(out.map((i) => (i.pairedItem as { item: number }).item)).toEqual([0, 1, 2, 3]);
		expect(out[0].json.invoice_number).toBe('INV-1001');
		expect(out[1].json.error).toMatch(/Input Binary Field: the item has no binary field "data" \[item 1\]/);
		expect(out[2].json.error).toMatch(/anyformat could not extract "broken.txt"/);
		expect(out[3].json.invoice_number).toBe('INV-1004');
		expect(submissions()).toHaveLength(3);
	});

	it('stops before sending anything when an item is invalid (no Continue On Fail)', async () => {
		const items = [fileItem(invoiceText(1), 'ok.txt', 'text/plain'), fileItem(Buffer.alloc(0), 'empty.pdf', 'application/pdf')];
		const { error } = await extractFromFile({}, items);
		expect(error?.message).toBe('Input Binary Field: file "empty.pdf" in binary field "data" is empty [item 1]');
		expect(fake.log).toHaveLength(0);
	});

	it('a rejected API key gives a clear error without the key in it', async () => {
		const { error } = await extractFromFile({}, undefined, { apiKey: 'af_wrong_key_123456' });
		expect(error?.message).toMatch(/anyformat rejected the API key \(401/);
		expect(error?.description).toMatch(/Check the API key/);
		expect(JSON.stringify(error)).not.toContain('af_wrong_key_123456');
	});

	it('stops waiting at once when the execution is cancelled', async () => {
		fake.configure({ anyformat: { latencyMs: 60_000 } });
		let cancelledAt = 0;
		const { status } = await extractFromFile({}, undefined, {
			onStarted: (cancel) => {
				void fake.waitFor(() => fake.log.find((e) => e.route.endsWith('/results/') || e.route.endsWith('/files/')), { timeoutMs: 10_000 }).then(() => {
					cancelledAt = Date.now();
					cancel();
				});
			},
		});
		expect(status).toBe('canceled');
		expect(Date.now() - cancelledAt).toBeLessThan(1000);
	});

	it('reports a document that is still processing at the timeout with its collection ID', async () => {
		fake.configure({ anyformat: { latencyMs: 60_000 } });
		const { error } = await extractFromFile({ timeout: 1 });
		const [collection] = fake.anyformat.collections;
		expect(error?.message).toBe(`"invoice-1.txt" is still processing after 1 s (collection ${collection.id})`);
		expect(error?.description).toMatch(/Get Result/);
	});
});

describe('Extraction → Extract From Text', () => {
	it('sends the text as the text part and outputs its fields', async () => {
		const { items, error } = await env.run({ resource: 'extraction', operation: 'extractFromText', workflow: workflowParam(), text: invoiceText(7) });
		expect(error).toBeUndefined();
		expect(items[0].json).toMatchObject({ invoice_number: 'INV-1007', vendor_name: 'Vendor 7' });
		expect(submissions()).toHaveLength(1);
	});

	it('rejects empty text before calling the API', async () => {
		const { error } = await env.run({ resource: 'extraction', operation: 'extractFromText', workflow: workflowParam(), text: '  ' });
		expect(error?.message).toBe('Text: is empty [item 0]');
		expect(fake.log).toHaveLength(0);
	});
});

describe('Extraction → Run Uploaded File, Get Result, Delete', () => {
	async function uploadDirectly(text: string, name: string) {
		const upload = await v2(fake, `/v2/workflows/${workflowId}/upload/`, {
			method: 'POST',
			body: form([['file', { data: text, filename: name, type: 'text/plain' }]]),
		});
		return upload.json as { file_id: string; file_collection_id: string };
	}

	it('runs an uploaded file and outputs its fields', async () => {
		const upload = await uploadDirectly(invoiceText(5), 'staged.txt');
		fake.clearLog();
		const { items, error } = await env.run({ resource: 'extraction', operation: 'runUploadedFile', workflow: workflowParam(), fileId: upload.file_id });
		expect(error).toBeUndefined();
		expect(items[0].json.invoice_number).toBe('INV-1005');
		expect(submissions()).toHaveLength(1);
		expect(submissions()[0].route).toBe('POST /v2/workflows/{workflow_id}/files/{file_id}/run/');
		// a File ID typed in: the name is not known without another request
		expect(items[0].json._meta).not.toHaveProperty('fileName');
	});

	it('keeps the file name when the item comes from File → Upload, without asking the API for it', async () => {
		const upload = await uploadDirectly(invoiceText(7), 'staged-7.txt');
		fake.clearLog();
		const { items, error } = await env.run(
			{ resource: 'extraction', operation: 'runUploadedFile', workflow: workflowParam(), fileId: '={{ $json.file_id }}' },
			{ items: [{ json: { ...upload, filename: 'staged-7.txt' } }] },
		);
		expect(error).toBeUndefined();
		expect(items[0].json).toMatchObject({ invoice_number: 'INV-1007', _meta: { fileName: 'staged-7.txt' } });
		expect(fake.log.map((e) => e.route)).not.toContain('GET /v2/workflows/{workflow_id}/files/');
		const receipt = await env.run(
			{ resource: 'extraction', operation: 'runUploadedFile', workflow: workflowParam(), fileId: '={{ $json.file_id }}', waitForCompletion: false },
			{ items: [{ json: { ...upload, filename: 'staged-7.txt' } }] },
		);
		expect(receipt.items[0].json._meta).toEqual({ fileName: 'staged-7.txt' });
	});

	it('Get Result: waits through 412 to 200, reports not-ready without waiting, and 422 with the reason', async () => {
		const submit = async (text: string) =>
			(await env.run({ resource: 'extraction', operation: 'extractFromText', workflow: workflowParam(), text, waitForCompletion: false })).items[0].json.id as string;
		const good = await submit(invoiceText(8));
		const bad = await submit(invoiceText(9, { fail: true }));
		const getResult = (collectionId: string, extra: Record<string, unknown> = {}) =>
			env.run({ resource: 'extraction', operation: 'getResult', workflow: workflowParam(), collectionId, ...extra });

		const notReady = await getResult(good, { waitForCompletion: false });
		expect(notReady.items[0].json).toEqual({ ready: false, status: 'processing', collectionId: good, workflowId });

		const ready = await getResult(good);
		expect(ready.items[0].json).toMatchObject({ invoice_number: 'INV-1008', _meta: { collectionId: good } });

		const failed = await getResult(bad);
		expect(failed.error?.message).toMatch(new RegExp(`anyformat could not extract the document \\(collection ${bad}\\): .+`));
	});

	it('Delete removes the collection; an unknown one is a clear 404', async () => {
		const upload = await uploadDirectly(invoiceText(6), 'gone.txt');
		const remove = (collectionId: string) =>
			env.run({ resource: 'extraction', operation: 'delete', collectionId });
		const { items } = await remove(upload.file_collection_id);
		expect(items[0].json).toEqual({ deleted: true, collectionId: upload.file_collection_id });
		expect(fake.anyformat.collections.find((c) => c.id === upload.file_collection_id)).toBeUndefined();
		const again = await remove(upload.file_collection_id);
		expect(again.error?.message).toBe(`anyformat has no collection ${upload.file_collection_id}`);
	});
});
