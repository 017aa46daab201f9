// How the Anyformat node settles a submission whose answer was lost: which stored runs may be it
// (however long and in whatever order anyformat lists them), what is adopted, what is sent again.
import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import { documentFromText, startFakeApi, type FakeApi, type FaultKind } from '../../../fake-api';
import { invoiceText, invoiceWorkflow } from '../../../fixtures/invoices';
import { byId, fakeCredentials, fileItem, runNode } from '../../../helpers/n8n-harness';
import { Anyformat } from '../../../../nodes/Anyformat/Anyformat.node';

let fake: FakeApi;
/** The fake's clock runs this far behind ours while old runs are made. */
let shiftMs = 0;
beforeAll(async () => {
	fake = await startFakeApi({ clock: () => Date.now() + shiftMs, anyformat: { latencyMs: 100, rateLimits: false } });
});
afterAll(async () => await fake.close());
beforeEach(() => {
	fake.reset();
	shiftMs = 0;
	fake.configure({ anyformat: { listOrder: 'newest-first' } });
});

const invoice = (n: number) => fileItem(invoiceText(n), `invoice-${n}.txt`, 'text/plain');

/** A workflow that already holds `count` runs, made two minutes ago. */
function busyWorkflow(count: number): string {
	const workflowId = fake.anyformat.createWorkflow(invoiceWorkflow).id;
	shiftMs = -120_000;
	for (let i = 0; i < count; i++) fake.anyformat.createCollection(workflowId, 'v2-run', [{ document: documentFromText(invoiceText(300 + i), `old-${i}.txt`) }], { start: true });
	shiftMs = 0;
	return workflowId;
}

async function extract(workflowId: string, items: INodeExecutionData[], lostAnswers: 'resend' | 'fail' = 'resend') {
	return await runNode({
		nodeType: new Anyformat(),
		parameters: { resource: 'extraction', operation: 'extractFromFile', workflow: byId(workflowId), batchOptions: { lostAnswers } },
		credentials: fakeCredentials(fake),
		items,
		continueOnFail: true,
	});
}

const runsOf = (workflowId: string) => fake.anyformat.collections.filter((c) => c.workflowId === workflowId && c.submittedAt !== null);
const meta = (item: INodeExecutionData) => item.json._meta as IDataObject;

describe.each(['newest-first', 'oldest-first'] as const)('a run whose answer was lost, runs listed %s', (listOrder) => {
	it('is found among 150 older runs and reported on the item that was sent again', async () => {
		fake.configure({ anyformat: { listOrder } });
		const workflowId = busyWorkflow(150);
		fake.injectFault({ method: 'POST', path: /\/run\/$/, kind: 'acted-reset' });
		const { items, error } = await extract(workflowId, [invoice(1)]);
		expect(error).toBeUndefined();
		expect(items[0].json.invoice_number).toBe('INV-1001');
		const lost = fake.log.find((e) => e.fault === 'acted-reset')!.jobIds![0];
		expect(meta(items[0])).toMatchObject({ possibleDuplicate: true, possibleDuplicateOf: [lost] });
		expect(meta(items[0]).collectionId).not.toBe(lost);
		// Sent again through upload + run, so a second loss could be settled exactly.
		expect(fake.log.filter((e) => e.route === 'POST /v2/workflows/{workflow_id}/upload/')).toHaveLength(1);
	});
});

it('an answer lost after upload + run (Fail the Item) is adopted from that very collection, never run twice', async () => {
	const workflowId = busyWorkflow(3);
	fake.injectFault({ method: 'POST', path: /\/files\/[^/]+\/run\/$/, kind: 'acted-502' });
	const { items, error } = await extract(workflowId, [invoice(2)], 'fail');
	expect(error).toBeUndefined();
	expect(items[0].json.invoice_number).toBe('INV-1002');
	const ours = runsOf(workflowId).filter((c) => c.files[0].fileName === 'invoice-2.txt');
	expect(ours).toHaveLength(1);
	expect(meta(items[0]).collectionId).toBe(ours[0].id);
	expect(meta(items[0])).not.toHaveProperty('possibleDuplicate');
});

it.each(['acted-reset', 'reset'] as FaultKind[])('a lost upload answer (%s) is sent again: uploads store, they do not run', async (kind) => {
	const workflowId = busyWorkflow(0);
	fake.injectFault({ method: 'POST', path: /\/upload\/$/, kind });
	const { items, error } = await extract(workflowId, [invoice(3)], 'fail');
	expect(error).toBeUndefined();
	expect(items[0].json.invoice_number).toBe('INV-1003');
	expect(runsOf(workflowId)).toHaveLength(1);
});

it("another client's run that lands while an answer is lost is never reported as this item's", async () => {
	const workflowId = busyWorkflow(0);
	// The submission never reaches the API; meanwhile another client runs a different document.
	fake.injectFault({ method: 'POST', path: /\/run\/$/, kind: 'reset' });
	const foreign = () => {
		if (fake.log.some((e) => e.fault === 'reset') && !fake.anyformat.collections.some((c) => c.files[0].fileName === 'other.txt')) {
			fake.anyformat.createCollection(workflowId, 'v2-run', [{ document: documentFromText(invoiceText(900), 'other.txt') }], { start: true });
		}
	};
	fake.on('request', foreign);
	const { items, error } = await extract(workflowId, [invoice(4)]);
	fake.off('request', foreign);
	expect(error).toBeUndefined();
	expect(items[0].json.invoice_number).toBe('INV-1004');
	expect(meta(items[0])).not.toHaveProperty('possibleDuplicate');
	expect(runsOf(workflowId).map((c) => c.files[0].fileName).sort()).toEqual(['invoice-4.txt', 'other.txt']);
});

it('Fail the Item names the stored candidate when a direct run cannot be attributed (Run Uploaded File)', async () => {
	const workflowId = busyWorkflow(0);
	const upload = fake.anyformat.createCollection(workflowId, 'v2-upload', [{ document: documentFromText(invoiceText(5), 'invoice-5.txt') }], { start: false });
	fake.injectFault({ method: 'POST', path: /\/run\/$/, kind: 'acted-reset' });
	const { items } = await runNode({
		nodeType: new Anyformat(),
		parameters: { resource: 'extraction', operation: 'runUploadedFile', workflow: byId(workflowId), fileId: upload.files[0].fileId, batchOptions: { lostAnswers: 'fail' } },
		credentials: fakeCredentials(fake),
		continueOnFail: true,
	});
	expect(items[0].json.error).toMatch(new RegExp(`anyformat may have stored file .* anyway, as collection ${upload.id}$`));
	expect(runsOf(workflowId)).toHaveLength(1);
});
