// Fault suite (deterministic seed, bounded): 200 documents while 10 % of all requests hit transient
// faults — 429 with Retry-After, 502, 503, a connection reset before any answer, slow answers. Every
// document must come back, in input order, and no document may be submitted twice.
import { Anyformat } from '../../nodes/Anyformat/Anyformat.node';
import { startFakeApi, type FakeApi } from '../fake-api';
import { invoiceText, invoiceWorkflow } from '../fixtures/invoices';
import { byId, fakeCredentials, fileItem, runNode } from '../helpers/n8n-harness';
import { report } from '../helpers/verbose';

const DOCUMENTS = 200;
let fake: FakeApi;

beforeAll(async () => {
	fake = await startFakeApi({ anyformat: { latencyMs: 200, rateLimits: false } });
});
afterAll(async () => fake.close());

it('200 documents under 10 % transient faults: 200/200 correct, in order, 0 duplicate submissions', async () => {
	const workflowId = fake.anyformat.createWorkflow(invoiceWorkflow).id;
	fake.configure({ faults: { rate: 0.1, kinds: ['429', '502', '503', 'reset', 'slow'], seed: 20261122, slowMs: 300, retryAfterSeconds: 0.2 } });
	const items = Array.from({ length: DOCUMENTS }, (_, i) => fileItem(invoiceText(i), `doc-${String(i).padStart(3, '0')}.txt`, 'text/plain'));

	const started = Date.now();
	const { items: out, error } = await runNode({
		nodeType: new Anyformat(),
		parameters: { resource: 'extraction', operation: 'extractFromFile', workflow: byId(workflowId) },
		credentials: fakeCredentials(fake),
		items,
	});
	const wallMs = Date.now() - started;
	fake.configure({ faults: { rate: 0 } });

	expect(error).toBeUndefined();
	expect(out.map((i) => i.json.invoice_number)).toEqual(items.map((_, i) => `INV-${1000 + i}`));
	expect(out.map((i) => (i.pairedItem as { item: number }).item)).toEqual(items.map((_, i) => i));

	// Exactly one stored submission per document, whatever the faults did.
	const perDocument = new Map<string, number>();
	for (const c of fake.anyformat.collections) {
		const name = c.files[0]?.fileName ?? '?';
		perDocument.set(name, (perDocument.get(name) ?? 0) + 1);
	}
	const duplicates = [...perDocument.values()].filter((n) => n > 1).length;
	expect(perDocument.size).toBe(DOCUMENTS);
	expect(duplicates).toBe(0);

	const faults = fake.log.filter((e) => e.fault);
	const byKind = faults.reduce<Record<string, number>>((acc, e) => ({ ...acc, [e.fault!]: (acc[e.fault!] ?? 0) + 1 }), {});
	const submissionFaults = faults.filter((e) => e.submission && e.fault !== 'slow').length;
	expect(faults.length).toBeGreaterThan(DOCUMENTS * 0.1);
	expect(submissionFaults).toBeGreaterThan(0);
	report(
		`transient faults: ${DOCUMENTS}/${DOCUMENTS} documents correct in ${wallMs} ms; ${fake.log.length} requests, ` +
			`${faults.length} faulted (${JSON.stringify(byKind)}), ${submissionFaults} of them submissions; duplicate submissions: ${duplicates}`,
	);
}, 120_000);
